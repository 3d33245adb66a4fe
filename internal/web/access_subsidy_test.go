package web_test

import (
	"fmt"
	"strconv"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// The subsidy pages' rows: finance works the money of 海州区 (out of scope:
// 新邱区's rule, line, batch and 李娜's account), the worker confirms their
// own payments (out of scope: 李娜's). Empty forms answer 422; a form that
// succeeded answers 303. A bank account form with nothing in it answers 422
// in and out of scope alike (the fields are checked before the person is read).
func init() {
	pageAccess = append(pageAccess,
		// method path                                       anon sysadmin secadmin auditor caseworker inst_admin counselor finance volunteer leader  worker
		"GET  /benefit-rules                                 303  403      403      403     403        403        403       200     403       403     403",
		"POST /benefit-rules                                 303  403      403      403     403        403        403       422     403       403     403",
		"POST /benefit-rules/{rule}/end                      303  403      403      403     403        403        403       422/404 403       403     403",
		"GET  /entitlements                                  303  403      403      403     403        403        403       200     403       403     403",
		"POST /entitlements/compute                          303  403      403      403     403        403        403       422     403       403     403",
		"GET  /entitlements/{ent}                            303  403      403      403     403        403        403       200/404 403       403     403",
		"GET  /payment-batches                               303  403      403      403     403        403        403       200     403       403     403",
		"POST /payment-batches                               303  403      403      403     403        403        403       422     403       403     403",
		"GET  /payment-batches/{pb}                          303  403      403      403     403        403        403       200/404 403       403     403",
		"POST /payment-batches/{pbdraft}/approve             303  403      403      403     403        403        403       303/404 403       403     403",
		"POST /payment-batches/{pbexported}/mark-paid        303  403      403      403     403        403        403       303/404 403       403     403",
		"POST /payment-batches/{pbdiscard}/discard           303  403      403      403     403        403        403       303/404 403       403     403",
		"GET  /receipts                                      303  403      403      403     403        403        403       200     403       403     403",
		"GET  /people/{person}/bank-account                  303  403      403      403     403        403        403       200/404 403       403     403",
		"POST /people/{person}/bank-account                  303  403      403      403     403        403        403       422     403       403     403",
		"GET  /me/payments                                   303  403      403      403     403        403        403       403     403       403     200",
		"POST /me/payments/{pitem}/confirm                   303  403      403      403     403        403        403       403     403       403     303/404",
	)
	areaRecords = append(areaRecords, subsidyRecords)
}

// subsidyRecords makes, in each district, a rule, a computed line and
// batches at each stage, drafted by the command line (so that the finance
// account may approve them).
func subsidyRecords(t *testing.T, s *accessSite, users map[string]model.User) {
	sys := testutil.System()
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	sid := func(n int64) string { return strconv.FormatInt(n, 10) }
	for tier, rate := range map[int]model.Fen{1: 30000, 2: 20000} {
		_, err := s.st.CreateBenefitRule(sys, model.BenefitRuleInput{Kind: model.BenefitWorkSubsidy, Tier: tier, AmountFen: &rate, StartsOn: "2000-01-01"})
		check(err)
	}
	checker := testutil.As(&auth.Principal{UserID: 1 << 40, Username: "checker", Role: auth.RoleFinance})
	month := 0
	batch := func(p model.Person, inst model.Institution, stage string) (model.PaymentBatch, model.Entitlement) {
		month++
		m := fmt.Sprintf("2024-%02d", month)
		post, err := s.st.CreatePost(sys, model.PostInput{Name: ptr(fmt.Sprintf("病区%d", month)), InstitutionID: ptr(inst.ID), Kind: ptr(model.PostIsolationWard), Tier: ptr(1)})
		check(err)
		_, err = s.st.CreateDeployment(sys, model.DeploymentInput{PersonID: ptr(p.ID), PostID: ptr(post.ID), StartsOn: m + "-02", EndsOn: m + "-04"})
		check(err)
		_, err = s.st.ComputeEntitlements(sys, model.EntitlementComputation{Month: m, RegionCode: inst.RegionCode})
		check(err)
		lines, err := s.st.ListEntitlements(sys, model.EntitlementFilter{Month: m, PersonID: p.ID})
		check(err)
		_, err = s.st.SetBankAccount(sys, p.ID, model.BankAccountInput{BankName: "中国工商银行", Account: "6222021234567891234"})
		check(err)
		b, err := s.st.DraftPaymentBatch(sys, model.PaymentDraft{Name: "批次" + m, RegionCode: inst.RegionCode, Month: m})
		check(err)
		if stage != model.PaymentStatusDraft {
			b, _, err = s.st.ApprovePaymentBatch(checker, b.ID, model.PaymentBatchAction{}, store.Idempotency{})
			check(err)
			b, err = s.st.ExportPaymentBatch(checker, b.ID, "csv", func(model.PaymentBatch, model.PaymentItem) error { return nil })
			check(err)
		}
		if stage == model.PaymentStatusPaid {
			b, _, err = s.st.MarkPaymentBatchPaid(checker, b.ID, model.PaymentBatchAction{}, store.Idempotency{})
			check(err)
		}
		return b, lines.Items[0]
	}
	item := func(b model.PaymentBatch) string {
		items, err := s.st.ListBatchItems(sys, b.ID, model.Page{})
		check(err)
		return sid(items.Items[0].ID)
	}
	for i, side := range []struct {
		p    model.Person
		inst model.Institution
		rec  pageRecords
	}{{s.zhang, s.haizhou, s.recIn}, {s.li, s.xinqiu, s.recOut}} {
		r, err := s.st.CreateBenefitRule(sys, model.BenefitRuleInput{RegionCode: side.inst.RegionCode, Kind: model.BenefitMeal, AmountFen: ptr(model.Fen(5000)),
			StartsOn: fmt.Sprintf("2030-0%d-01", i+1)})
		check(err)
		side.rec["rule"] = sid(r.ID)
		pb, ent := batch(side.p, side.inst, model.PaymentStatusApproved)
		side.rec["pb"], side.rec["ent"] = sid(pb.ID), sid(ent.ID)
		d, _ := batch(side.p, side.inst, model.PaymentStatusDraft)
		side.rec["pbdraft"] = sid(d.ID)
		d2, _ := batch(side.p, side.inst, model.PaymentStatusDraft)
		side.rec["pbdiscard"] = sid(d2.ID)
		ex, _ := batch(side.p, side.inst, "exported")
		side.rec["pbexported"] = sid(ex.ID)
		paid, _ := batch(side.p, side.inst, model.PaymentStatusPaid)
		side.rec["pitem"] = item(paid)
	}
}
