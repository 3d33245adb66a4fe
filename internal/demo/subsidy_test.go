package demo

import (
	"context"
	"testing"
	"time"

	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestFillSubsidies: the demo city has the national rules, a paid batch of
// the earlier month with receipts confirmed and pending (on the follow-up
// list), and a draft of the later month waiting for the second officer.
func TestFillSubsidies(t *testing.T) {
	clock := testutil.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	st := testutil.NewStore(t, store.SQLite, clock.Now)
	sum, err := Fill(context.Background(), st, Options{Seed: 7, People: testPeople})
	if err != nil {
		t.Fatal(err)
	}
	sys := testutil.System()
	rules, err := st.ListBenefitRules(sys, model.BenefitRuleFilter{Kind: model.BenefitWorkSubsidy})
	if err != nil || rules.Total != 2 || rules.Items[0].AmountFen != 300_00 {
		t.Errorf("national rules: %+v %v", rules, err)
	}
	batches, err := st.ListPaymentBatches(sys, model.PaymentBatchFilter{})
	if err != nil || sum.PaymentBatches != 2 || batches.Total != 2 {
		t.Fatalf("batches: %d %+v %v", sum.PaymentBatches, batches, err)
	}
	draft, paid := batches.Items[0], batches.Items[1]
	if draft.Status != model.PaymentStatusDraft || paid.Status != model.PaymentStatusPaid || paid.ApprovedByName != demoFinanceChecker || paid.DraftedByName != "finance" {
		t.Errorf("batches: %+v / %+v", draft, paid)
	}
	if paid.Confirmed == 0 || paid.Confirmed == paid.ItemCount || paid.ItemCount < 10 {
		t.Errorf("receipts: %d of %d confirmed", paid.Confirmed, paid.ItemCount)
	}
	// Without the demo's clock the batch was paid just now: three weeks later, the unconfirmed ones are due for follow-up.
	clock.Advance(21 * 24 * time.Hour)
	follow, err := st.ListReceipts(sys, model.ReceiptFilter{FollowUp: true})
	if err != nil || follow.Total != paid.ItemCount-paid.Confirmed {
		t.Errorf("follow-up: %d, want %d (%v)", follow.Total, paid.ItemCount-paid.Confirmed, err)
	}
}
