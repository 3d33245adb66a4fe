package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestPaymentBatchThroughTheAPI: the maker drafts, the maker's approval is
// refused (403, audited), the checker approves, the bank file carries the
// full account and the masked ID, and 100 concurrent repeats of mark-paid
// with one Idempotency-Key answer the first answer and pay once.
func TestPaymentBatchThroughTheAPI(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleFinance, auth.RoleWorker)
		checker, err := st.CreateUser(testutil.System(), model.UserInput{Username: ptr("finance-checker"), Password: ptr(password),
			Role: ptr(auth.RoleFinance), RegionCode: ptr("210902")})
		if err != nil {
			t.Fatal(err)
		}
		f.users["checker"], f.tokens["checker"] = checker, f.login(t, checker.Username)
		f.money(t, f.self, "") // 3 tier-1 days of the worker, computed, with an account
		var lines model.List[model.Entitlement]
		r := f.do(t, call{Method: "GET", Path: "/api/v1/entitlements?person_id=" + id(f.self.ID), Token: f.tokens[auth.RoleFinance],
			Header: map[string]string{"Accept-Language": "en"}}).want(t, http.StatusOK)
		r.decode(t, &lines)
		if len(lines.Items) != 1 || len(lines.Items[0].ExplanationText) != 1 || !strings.Contains(lines.Items[0].ExplanationText[0], "3 tier-1 days × 300.00 = 900.00") {
			t.Fatalf("explained lines: %s", r.Body)
		}
		var b model.PaymentBatch
		f.send(t, auth.RoleFinance, "POST", "/api/v1/payment-batches", map[string]string{"name": "一线补助", "region_code": "210902"}).
			want(t, http.StatusCreated).decode(t, &b)
		if b.TotalFen != 900_00 || b.ItemCount != 1 {
			t.Fatalf("draft: %+v", b)
		}
		path := fmt.Sprintf("/api/v1/payment-batches/%d", b.ID)
		if e := f.send(t, auth.RoleFinance, "POST", path+"/approve", nil).want(t, http.StatusForbidden).apiError(t); e.Code != "forbidden" {
			t.Errorf("the drafter's approval: %+v", e)
		}
		denied, err := st.ListAudit(testutil.As(&auth.Principal{UserID: 1, Role: auth.RoleAuditor}), model.AuditFilter{Action: store.ActDenied, ObjectType: "payment_batch"})
		if err != nil || denied.Total != 1 {
			t.Errorf("denied approvals audited: %+v %v", denied.Total, err)
		}
		f.send(t, auth.RoleFinance, "POST", path+"/mark-paid", nil).want(t, http.StatusConflict)
		f.send(t, "checker", "POST", path+"/approve", nil).want(t, http.StatusOK)
		f.send(t, auth.RoleFinance, "DELETE", path, nil).want(t, http.StatusConflict)
		csv := f.get(t, auth.RoleFinance, path+"/export.csv").want(t, http.StatusOK)
		if !bytes.Contains(csv.Body, []byte("6228480012345678901")) || !bytes.Contains(csv.Body, []byte(f.self.IDNumberMasked)) ||
			!bytes.Contains(csv.Body, []byte("900.00")) || bytes.Contains(csv.Body, []byte(f.idNumber[f.self.ID])) {
			t.Errorf("bank file:\n%s", csv.Body)
		}
		items := f.get(t, auth.RoleFinance, path+"/items").want(t, http.StatusOK)
		if bytes.Contains(items.Body, []byte("6228480012345678901")) || !bytes.Contains(items.Body, []byte("6228***********8901")) {
			t.Errorf("items show the account unmasked: %s", items.Body)
		}
		const n = 100
		var wg sync.WaitGroup
		res := make([]*response, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res[i] = f.do(t, call{Method: "POST", Path: path + "/mark-paid", Token: f.tokens[auth.RoleFinance], JSON: map[string]any{},
					Header: map[string]string{"Idempotency-Key": "bank-2026-03-01"}})
			}()
		}
		wg.Wait()
		replayed := 0
		for i, r := range res {
			if r.Status != http.StatusOK || !bytes.Equal(r.Body, res[0].Body) {
				t.Errorf("repeat %d: %d %s", i, r.Status, r.Body)
			}
			if r.Header.Get("Idempotency-Replayed") == "true" {
				replayed++
			}
		}
		if replayed != n-1 {
			t.Errorf("%d answers replayed, want %d", replayed, n-1)
		}
		paid, err := st.ListAudit(testutil.As(&auth.Principal{UserID: 1, Role: auth.RoleAuditor}), model.AuditFilter{Action: store.ActBatchPaid})
		if err != nil || paid.Total != 1 {
			t.Errorf("paid %d times: %v", paid.Total, err)
		}
		// The worker confirms their receipt.
		var own model.List[model.PaymentItem]
		f.get(t, auth.RoleWorker, "/api/v1/receipts").want(t, http.StatusOK).decode(t, &own)
		if len(own.Items) != 1 || own.Items[0].AccountMasked == "" || own.Items[0].ConfirmedAt != nil {
			t.Fatalf("own receipts: %+v", own)
		}
		var it model.PaymentItem
		f.send(t, auth.RoleWorker, "POST", fmt.Sprintf("/api/v1/receipts/%d/confirm", own.Items[0].ID), nil).want(t, http.StatusOK).decode(t, &it)
		if it.ConfirmedAt == nil {
			t.Errorf("not confirmed: %+v", it)
		}
	})
}
