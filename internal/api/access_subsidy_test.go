package api_test

import (
	"fmt"
	"sync"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// The subsidy area's rows: finance works the money of its region (海州区 for
// the matrix's finance account; out of scope is 新邱区), the worker sees and
// confirms their own payments (out of scope: a colleague's), and the roles
// with aggregate.read get the figures (suppressed unless they read the
// lines). Nobody else reaches any of it. A batch to approve was drafted by
// another account, so the four-eyes rule lets finance approve it.
func init() {
	access = append(access,
		// method path                                           sysadmin secadmin auditor caseworker inst_admin counselor finance volunteer leader  worker  caseworker@2109
		"GET    /api/v1/benefit-rules                            403      403      403     403        403        403       200     403       403     403     403",
		"POST   /api/v1/benefit-rules                            403      403      403     403        403        403       201/400 403       403     403     403",
		"GET    /api/v1/benefit-rules/{id}                       403      403      403     403        403        403       200/404 403       403     403     403",
		"POST   /api/v1/benefit-rules/{id}/end                   403      403      403     403        403        403       200/404 403       403     403     403",
		"POST   /api/v1/entitlements/compute                     403      403      403     403        403        403       200/400 403       403     403     403",
		"GET    /api/v1/entitlements                             403      403      403     403        403        403       200     403       403     403     403",
		"GET    /api/v1/entitlements/{id}                        403      403      403     403        403        403       200/404 403       403     403     403",
		"GET    /api/v1/exports/entitlements.xlsx                403      403      403     403        403        403       200     403       403     403     403",
		"GET    /api/v1/payment-batches                          403      403      403     403        403        403       200     403       403     403     403",
		"POST   /api/v1/payment-batches                          403      403      403     403        403        403       201/400 403       403     403     403",
		"GET    /api/v1/payment-batches/{id}                     403      403      403     403        403        403       200/404 403       403     403     403",
		"DELETE /api/v1/payment-batches/{id}                     403      403      403     403        403        403       204/404 403       403     403     403",
		"GET    /api/v1/payment-batches/{id}/items               403      403      403     403        403        403       200/404 403       403     403     403",
		"POST   /api/v1/payment-batches/{id}/approve             403      403      403     403        403        403       200/404 403       403     403     403",
		"GET    /api/v1/payment-batches/{id}/export.xlsx         403      403      403     403        403        403       200/404 403       403     403     403",
		"GET    /api/v1/payment-batches/{id}/export.csv          403      403      403     403        403        403       200/404 403       403     403     403",
		"POST   /api/v1/payment-batches/{id}/mark-paid           403      403      403     403        403        403       200/404 403       403     403     403",
		"GET    /api/v1/people/{id}/bank-account                 403      403      403     403        403        403       200/404 403       403     403     403",
		"PUT    /api/v1/people/{id}/bank-account                 403      403      403     403        403        403       200/404 403       403     403     403",
		"GET    /api/v1/receipts                                 403      403      403     403        403        403       200     403       403     200     403",
		"POST   /api/v1/receipts/{id}/confirm                    403      403      403     403        403        403       403     403       403     200/404 403",
		"GET    /api/v1/exports/receipts.xlsx                    403      403      403     403        403        403       200     403       403     403     403",
		"GET    /api/v1/subsidies/stats                          403      403      403     200        200        403       200     403       200     403     200",
	)
	areaProbes = append(areaProbes, subsidyProbes)
}

// subsidyWorld is the money of one fixture: the national rules, entered once.
var subsidyWorld sync.Map // *fixture → *sync.Once

// money makes one paid-up-to-stage batch for person: a month of its own
// (so that nothing else is open then), three tier-1 days there, the lines
// computed, a bank account, and the batch drafted by the command line and
// taken to stage (draft, approved, exported, paid) by another account.
func (f *fixture) money(t *testing.T, person model.Person, stage string) (model.PaymentBatch, model.Entitlement) {
	t.Helper()
	sys := testutil.System()
	once, _ := subsidyWorld.LoadOrStore(f, &sync.Once{})
	once.(*sync.Once).Do(func() {
		for tier, rate := range map[int]model.Fen{1: 30000, 2: 20000} {
			if _, err := f.st.CreateBenefitRule(sys, model.BenefitRuleInput{Kind: model.BenefitWorkSubsidy, Tier: tier, AmountFen: &rate, StartsOn: "2000-01-01"}); err != nil {
				t.Fatal(err)
			}
		}
	})
	n := f.next()
	month := fmt.Sprintf("%04d-%02d", 2010+n/12, 1+n%12)
	post, err := f.st.CreatePost(sys, model.PostInput{Name: ptr(fmt.Sprintf("隔离病区%d", n)), InstitutionID: ptr(person.InstitutionID), Kind: ptr(model.PostIsolationWard), Tier: ptr(1)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.CreateDeployment(sys, model.DeploymentInput{PersonID: ptr(person.ID), PostID: ptr(post.ID), StartsOn: month + "-02", EndsOn: month + "-04"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.ComputeEntitlements(sys, model.EntitlementComputation{Month: month, RegionCode: person.RegionCode}); err != nil {
		t.Fatal(err)
	}
	lines, err := f.st.ListEntitlements(sys, model.EntitlementFilter{Month: month, PersonID: person.ID})
	if err != nil || len(lines.Items) == 0 {
		t.Fatalf("lines of %s: %+v %v", month, lines, err)
	}
	if _, err := f.st.SetBankAccount(sys, person.ID, model.BankAccountInput{BankName: "中国农业银行", Account: "6228480012345678901"}); err != nil {
		t.Fatal(err)
	}
	if stage == "" {
		return model.PaymentBatch{}, lines.Items[0]
	}
	b, err := f.st.DraftPaymentBatch(sys, model.PaymentDraft{Name: "批次" + month, RegionCode: person.RegionCode, Month: month})
	if err != nil {
		t.Fatal(err)
	}
	checker := testutil.As(&auth.Principal{UserID: 1 << 40, Username: "checker", Role: auth.RoleFinance})
	if stage != model.PaymentStatusDraft {
		if b, _, err = f.st.ApprovePaymentBatch(checker, b.ID, model.PaymentBatchAction{}, store.Idempotency{}); err != nil {
			t.Fatal(err)
		}
	}
	if stage == "exported" || stage == model.PaymentStatusPaid {
		if b, err = f.st.ExportPaymentBatch(checker, b.ID, "csv", func(model.PaymentBatch, model.PaymentItem) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if stage == model.PaymentStatusPaid {
		if b, _, err = f.st.MarkPaymentBatchPaid(checker, b.ID, model.PaymentBatchAction{}, store.Idempotency{}); err != nil {
			t.Fatal(err)
		}
	}
	return b, lines.Items[0]
}

func subsidyProbes() map[string]probe {
	fixed := func(method, path string) func(t *testing.T, f *fixture, who string, s scope) call {
		return func(t *testing.T, f *fixture, who string, s scope) call { return call{Method: method, Path: path} }
	}
	batch := func(stage, method, suffix string) func(t *testing.T, f *fixture, who string, s scope) call {
		return func(t *testing.T, f *fixture, who string, s scope) call {
			b, _ := f.money(t, s.person, stage)
			return call{Method: method, Path: fmt.Sprintf("/api/v1/payment-batches/%d%s", b.ID, suffix)}
		}
	}
	rule := func(suffix string, body any) func(t *testing.T, f *fixture, who string, s scope) call {
		return func(t *testing.T, f *fixture, who string, s scope) call {
			r, err := f.st.CreateBenefitRule(testutil.System(), model.BenefitRuleInput{RegionCode: s.person.RegionCode, Kind: model.BenefitConsolation,
				Campaign: fmt.Sprintf("慰问%d", f.next()), AmountFen: ptr(model.Fen(50000)), StartsOn: "2026-01-01", EndsOn: "2026-06-30"})
			if err != nil {
				t.Fatal(err)
			}
			c := call{Method: "GET", Path: fmt.Sprintf("/api/v1/benefit-rules/%d%s", r.ID, suffix)}
			if body != nil {
				c.Method, c.JSON = "POST", body
			}
			return c
		}
	}
	return map[string]probe{
		"GET /api/v1/benefit-rules": {build: fixed("GET", "/api/v1/benefit-rules")},
		"POST /api/v1/benefit-rules": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/benefit-rules", JSON: map[string]any{"region_code": s.region, "kind": "consolation",
				"campaign": fmt.Sprintf("春节慰问%d", f.next()), "category": "frontline", "amount_fen": 100000, "starts_on": "2026-01-01", "ends_on": "2026-02-28"}}
		}},
		"GET /api/v1/benefit-rules/{id}":      {scoped: true, build: rule("", nil)},
		"POST /api/v1/benefit-rules/{id}/end": {scoped: true, build: rule("/end", map[string]string{"ends_on": "2026-09-30"})},
		"POST /api/v1/entitlements/compute": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/entitlements/compute", JSON: map[string]string{"month": "2026-02", "region_code": s.region}}
		}},
		"GET /api/v1/entitlements": {build: fixed("GET", "/api/v1/entitlements?month=2026-02")},
		"GET /api/v1/entitlements/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			_, e := f.money(t, s.person, "")
			return call{Method: "GET", Path: fmt.Sprintf("/api/v1/entitlements/%d", e.ID)}
		}},
		"GET /api/v1/exports/entitlements.xlsx": {build: fixed("GET", "/api/v1/exports/entitlements.xlsx")},
		"GET /api/v1/payment-batches":           {build: fixed("GET", "/api/v1/payment-batches")},
		"POST /api/v1/payment-batches": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			f.money(t, s.person, "")
			return call{Method: "POST", Path: "/api/v1/payment-batches", JSON: map[string]string{"name": "三月补助", "region_code": s.region}}
		}},
		"GET /api/v1/payment-batches/{id}":             {scoped: true, build: batch(model.PaymentStatusDraft, "GET", "")},
		"DELETE /api/v1/payment-batches/{id}":          {scoped: true, build: batch(model.PaymentStatusDraft, "DELETE", "")},
		"GET /api/v1/payment-batches/{id}/items":       {scoped: true, build: batch(model.PaymentStatusApproved, "GET", "/items")},
		"POST /api/v1/payment-batches/{id}/approve":    {scoped: true, build: batch(model.PaymentStatusDraft, "POST", "/approve")},
		"GET /api/v1/payment-batches/{id}/export.xlsx": {scoped: true, build: batch(model.PaymentStatusApproved, "GET", "/export.xlsx")},
		"GET /api/v1/payment-batches/{id}/export.csv":  {scoped: true, build: batch(model.PaymentStatusApproved, "GET", "/export.csv")},
		"POST /api/v1/payment-batches/{id}/mark-paid":  {scoped: true, build: batch("exported", "POST", "/mark-paid")},
		"GET /api/v1/people/{id}/bank-account": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			if _, err := f.st.SetBankAccount(testutil.System(), s.person.ID, model.BankAccountInput{BankName: "中国银行", Account: "6013821234567890"}); err != nil {
				t.Fatal(err)
			}
			return call{Method: "GET", Path: fmt.Sprintf("/api/v1/people/%d/bank-account", s.person.ID)}
		}},
		"PUT /api/v1/people/{id}/bank-account": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "PUT", Path: fmt.Sprintf("/api/v1/people/%d/bank-account", s.person.ID), JSON: map[string]string{"bank_name": "中国银行", "account": "6013 8212 3456 7890"}}
		}},
		"GET /api/v1/receipts": {build: fixed("GET", "/api/v1/receipts")},
		"POST /api/v1/receipts/{id}/confirm": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			b, _ := f.money(t, s.person, model.PaymentStatusPaid)
			items, err := f.st.ListBatchItems(testutil.System(), b.ID, model.Page{})
			if err != nil || len(items.Items) != 1 {
				t.Fatalf("items: %+v %v", items, err)
			}
			return call{Method: "POST", Path: fmt.Sprintf("/api/v1/receipts/%d/confirm", items.Items[0].ID)}
		}},
		"GET /api/v1/exports/receipts.xlsx": {build: fixed("GET", "/api/v1/exports/receipts.xlsx?follow_up=true")},
		"GET /api/v1/subsidies/stats":       {build: fixed("GET", "/api/v1/subsidies/stats")},
	}
}
