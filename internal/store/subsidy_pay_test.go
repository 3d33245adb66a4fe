package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// deploy puts a person at a post for an inclusive date range, as the case
// workers plan it.
func (f *subsidyFixture) deploy(t *testing.T, person model.Person, post model.Post, from, to string) model.Deployment {
	t.Helper()
	d, err := f.st.CreateDeployment(testutil.System(), model.DeploymentInput{PersonID: ptr(person.ID), PostID: ptr(post.ID), StartsOn: from, EndsOn: to})
	if err != nil {
		t.Fatalf("deploy %s %s–%s: %v", person.Name, from, to, err)
	}
	return d
}

func (f *subsidyFixture) post(t *testing.T, inst model.Institution, name string, tier int) model.Post {
	t.Helper()
	p, err := f.st.CreatePost(testutil.System(), model.PostInput{Name: ptr(name), InstitutionID: ptr(inst.ID), Kind: ptr(model.PostIsolationWard), Tier: ptr(tier)})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *subsidyFixture) account(t *testing.T, p model.Person, number string) {
	t.Helper()
	if _, err := f.st.SetBankAccount(f.as("fin_maker"), p.ID, model.BankAccountInput{BankName: "中国建设银行阜新分行", Account: number}); err != nil {
		t.Fatal(err)
	}
}

// lines returns the person's lines of March by key.
func (f *subsidyFixture) lines(t *testing.T, p model.Person) map[string][]model.Entitlement {
	t.Helper()
	list, err := f.st.ListEntitlements(f.as("fin_maker"), model.EntitlementFilter{Month: "2026-03", PersonID: p.ID, Page: model.Page{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]model.Entitlement{}
	for _, e := range list.Items {
		out[e.LineKey] = append(out[e.LineKey], e)
	}
	return out
}

func compute(t *testing.T, ctx context.Context, st *store.Store) model.ComputationResult {
	t.Helper()
	res, err := st.ComputeEntitlements(ctx, model.EntitlementComputation{Month: "2026-03", RegionCode: "2109"})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func auditCount(t *testing.T, st *store.Store, action string) int {
	t.Helper()
	list, err := st.ListAudit(testutil.As(auditor()), model.AuditFilter{Action: action, Page: model.Page{Limit: 500}})
	if err != nil {
		t.Fatal(err)
	}
	return list.Total
}

// TestFromDeploymentDaysToAPaidBatch is the money's whole way: days become
// explained lines, a recomputation with the same inputs changes nothing, a
// rule change within the month splits a line, the drafter cannot approve, an
// approved batch is frozen and reconciles to the fen, a late correction is
// an adjustment line and never an edit of a batched one, and a paid batch is
// paid once.
func TestFromDeploymentDaysToAPaidBatch(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newSubsidyFixture(t, st, clock)
		nationalRules(t, st)
		maker, checker := f.as("fin_maker"), f.as("fin_checker")
		if _, err := st.CreateBenefitRule(maker, model.BenefitRuleInput{RegionCode: "2109", Kind: model.BenefitMeal, AmountFen: fen(5000), StartsOn: "2026-01-01"}); err != nil {
			t.Fatal(err)
		}
		ward := f.post(t, f.w.haizhou, "隔离病区", 1)
		clinic := f.post(t, f.w.haizhou, "发热门诊", 2)
		xinqiu := f.post(t, f.w.xinqiu, "采样点", 2)
		f.deploy(t, f.zhang, ward, "2026-03-02", "2026-03-13") // 12 tier-1 days
		f.deploy(t, f.li, clinic, "2026-03-02", "2026-03-11")  // 10 tier-2 days
		f.deploy(t, f.liu, xinqiu, "2026-03-05", "2026-03-06") // 2 tier-2 days, no bank account
		res := compute(t, maker, st)
		if res.People != 3 || res.Created != 6 || res.TotalFen != 3600_00+600_00+2000_00+500_00+400_00+100_00 {
			t.Fatalf("first computation: %+v", res)
		}
		zhang := f.lines(t, f.zhang)
		work := zhang["work_subsidy|1|2026-03"]
		if len(work) != 1 || work[0].AmountFen != 3600_00 || len(work[0].Explanation.Parts) != 1 || work[0].Explanation.Parts[0].Halves != 24 {
			t.Fatalf("张伟's tier-1 line: %+v", work)
		}
		if work[0].IDNumberMasked == "" || strings.Contains(work[0].IDNumberMasked, f.zhang.IDNumberMasked[3:10]) && f.zhang.IDNumberMasked[3:10] != "*******" {
			t.Errorf("masked ID %q", work[0].IDNumberMasked)
		}
		// Recomputing with unchanged inputs changes nothing.
		again := compute(t, maker, st)
		if again.Created+again.Updated+again.Removed+again.Adjustments != 0 || again.Unchanged != 6 || again.TotalFen != res.TotalFen {
			t.Fatalf("recomputation changed something: %+v", again)
		}
		if got := f.lines(t, f.zhang)["work_subsidy|1|2026-03"]; got[0].Version != work[0].Version || got[0].ID != work[0].ID {
			t.Errorf("recomputation rewrote the line: %+v", got)
		}
		// The city raises tier 1 to 350.00 from 10 March: the open line is recomputed in two parts.
		if _, err := st.CreateBenefitRule(maker, model.BenefitRuleInput{RegionCode: "2109", Kind: model.BenefitWorkSubsidy, Tier: 1, AmountFen: fen(35000), StartsOn: "2026-03-10"}); err != nil {
			t.Fatal(err)
		}
		if res := compute(t, maker, st); res.Updated != 1 || res.Created != 0 {
			t.Fatalf("after the rule change: %+v", res)
		}
		work = f.lines(t, f.zhang)["work_subsidy|1|2026-03"]
		if len(work) != 1 || work[0].AmountFen != 8*300_00+4*350_00 || len(work[0].Explanation.Parts) != 2 {
			t.Fatalf("split line: %+v", work)
		}
		if p := work[0].Explanation.Parts; p[0].To != "2026-03-09" || p[1].From != "2026-03-10" || p[1].RateFen != 35000 {
			t.Errorf("parts %+v", p)
		}
		// A batch: people without an account are left out.
		f.account(t, f.zhang, "6222021234567891234")
		f.account(t, f.li, "6217001234567890123")
		b, err := st.DraftPaymentBatch(maker, model.PaymentDraft{Name: "2026年3月一线补助", RegionCode: "2109", Month: "2026-03"})
		if err != nil {
			t.Fatal(err)
		}
		want := model.Fen(3800_00 + 600_00 + 2000_00 + 500_00)
		if b.Status != model.PaymentStatusDraft || b.ItemCount != 2 || b.LineCount != 4 || b.TotalFen != want || b.Skipped != 1 || b.CanApprove {
			t.Fatalf("draft: %+v", b)
		}
		// The drafter never approves: 403, and the refusal is audited.
		if _, _, err := st.ApprovePaymentBatch(maker, b.ID, model.PaymentBatchAction{}, store.Idempotency{}); code(err) != model.EForbidden {
			t.Fatalf("the drafter approves: %v", err)
		}
		if n := auditCount(t, st, store.ActDenied); n != 1 {
			t.Errorf("%d access.denied rows, want 1", n)
		}
		if got, err := st.GetPaymentBatch(checker, b.ID); err != nil || !got.CanApprove {
			t.Errorf("the checker may not approve: %+v %v", got, err)
		}
		// Nothing to export or pay before approval.
		if _, err := st.ExportPaymentBatch(checker, b.ID, "csv", func(model.PaymentBatch, model.PaymentItem) error { return nil }); code(err) != model.EConflict {
			t.Errorf("export of a draft: %v", err)
		}
		ab, _, err := st.ApprovePaymentBatch(checker, b.ID, model.PaymentBatchAction{Version: ptr(b.Version)}, store.Idempotency{})
		if err != nil {
			t.Fatal(err)
		}
		if ab.Status != model.PaymentStatusApproved || ab.ApprovedByName != "fin_checker" || ab.TotalFen != want {
			t.Fatalf("approved: %+v", ab)
		}
		// Approval freezes it.
		if err := st.DiscardPaymentBatch(maker, b.ID); code(err) != model.EConflict {
			t.Errorf("discarding an approved batch: %v", err)
		}
		// A late correction: 张伟 worked two more tier-1 days. The batched line stays; an adjustment line pays the difference.
		f.deploy(t, f.zhang, ward, "2026-03-20", "2026-03-21")
		late := compute(t, maker, st)
		if late.Adjustments != 2 || late.Updated != 0 || late.Created != 0 { // tier 1 and meal
			t.Fatalf("late correction: %+v", late)
		}
		zl := f.lines(t, f.zhang)["work_subsidy|1|2026-03"]
		if len(zl) != 2 || zl[0].AmountFen != 3800_00 || zl[0].Version != work[0].Version || zl[0].Status != model.EntitlementBatched ||
			!zl[1].Adjustment || zl[1].AmountFen != 700_00 || zl[1].Explanation.BeforeFen != 3800_00 || zl[1].Status != model.EntitlementOpen {
			t.Fatalf("after the late correction: %+v", zl)
		}
		// The bank file carries the full account; marking paid needs it exported first.
		if _, _, err := st.MarkPaymentBatchPaid(maker, b.ID, model.PaymentBatchAction{}, store.Idempotency{}); code(err) != model.EConflict {
			t.Errorf("paid before export: %v", err)
		}
		var sum model.Fen
		var accounts []string
		if _, err := st.ExportPaymentBatch(maker, b.ID, "csv", func(_ model.PaymentBatch, it model.PaymentItem) error {
			sum += it.AmountFen
			accounts = append(accounts, it.BankAccount)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if sum != want || len(accounts) != 2 || accounts[0] != "6222021234567891234" {
			t.Errorf("bank file: %d %v", sum, accounts)
		}
		if n := auditCount(t, st, store.ActBatchExport); n != 1 {
			t.Errorf("%d export rows", n)
		}
		items, err := st.ListBatchItems(maker, b.ID, model.Page{})
		if err != nil || len(items.Items) != 2 || items.Items[0].AccountMasked != "6222***********1234" || items.Items[0].BankAccount != "" {
			t.Errorf("items: %+v %v", items, err)
		}
		pb, _, err := st.MarkPaymentBatchPaid(maker, b.ID, model.PaymentBatchAction{}, store.Idempotency{})
		if err != nil || pb.Status != model.PaymentStatusPaid {
			t.Fatalf("paid: %+v %v", pb, err)
		}
		if _, _, err := st.MarkPaymentBatchPaid(maker, b.ID, model.PaymentBatchAction{}, store.Idempotency{}); code(err) != model.EConflict {
			t.Errorf("paid twice: %v", err)
		}
		// The next batch holds only the adjustments.
		nb, err := st.DraftPaymentBatch(maker, model.PaymentDraft{Name: "3月补发", RegionCode: "2109", Month: "2026-03"})
		if err != nil || nb.ItemCount != 1 || nb.TotalFen != 700_00+100_00 {
			t.Fatalf("second batch: %+v %v", nb, err)
		}
		// The worker sees their payments and confirms receipt; others' are not theirs.
		worker := f.as("worker_zhang")
		own, err := st.ListReceipts(worker, model.ReceiptFilter{})
		if err != nil || own.Total != 1 || own.Items[0].PersonID != f.zhang.ID || len(own.Items[0].Lines) != 2 {
			t.Fatalf("own receipts: %+v %v", own, err)
		}
		liItem := items.Items[1].ID
		if _, err := st.ConfirmReceipt(worker, liItem); code(err) != model.ENotFound {
			t.Errorf("confirming a colleague's payment: %v", err)
		}
		// Unconfirmed after the region's 14 days: on the follow-up list.
		clock.Advance(15 * 24 * time.Hour)
		fu, err := st.ListReceipts(maker, model.ReceiptFilter{FollowUp: true})
		if err != nil || fu.Total != 2 || fu.Items[0].DaysUnconfirmed != 15 {
			t.Fatalf("follow-up: %+v %v", fu, err)
		}
		if it, err := st.ConfirmReceipt(worker, own.Items[0].ID); err != nil || it.ConfirmedAt == nil {
			t.Fatalf("confirm: %+v %v", it, err)
		}
		if _, err := st.ConfirmReceipt(worker, own.Items[0].ID); err != nil {
			t.Errorf("confirming again: %v", err)
		}
		if fu, _ := st.ListReceipts(maker, model.ReceiptFilter{FollowUp: true}); fu.Total != 1 {
			t.Errorf("follow-up after one receipt: %d", fu.Total)
		}
		// The figures: exact for finance, small cells hidden for the leader.
		fs, err := st.SubsidyStats(maker, "")
		if err != nil || fs.PaidPeople != 2 || fs.PaidFen == nil || *fs.PaidFen != want || fs.ConfirmedPeople != 1 {
			t.Errorf("finance figures: %+v %v", fs, err)
		}
		ls, err := st.SubsidyStats(f.as("leader_city"), "")
		if err != nil || !ls.PaidPeople.IsSuppressed() || ls.PaidFen != nil {
			t.Errorf("leader figures: %+v %v", ls, err)
		}
		if _, err := st.ListEntitlements(f.as("leader_city"), model.EntitlementFilter{}); code(err) != model.EForbidden {
			t.Errorf("leader reads lines: %v", err)
		}
	})
}

// TestConcurrentRepeatsPayOnce: 100 repeats of the same mark-paid with one
// Idempotency-Key all get the first answer and the batch is paid once; 100
// drafts at once never put an entitlement in two batches.
func TestConcurrentRepeatsPayOnce(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newSubsidyFixture(t, st, clock)
		nationalRules(t, st)
		ward := f.post(t, f.w.haizhou, "隔离病区", 1)
		for _, p := range []model.Person{f.zhang, f.li} {
			f.deploy(t, p, ward, "2026-03-02", "2026-03-05")
			f.account(t, p, "6222021234567890000")
		}
		maker, checker := f.as("fin_maker"), f.as("fin_checker")
		compute(t, maker, st)
		const n = 100
		var wg sync.WaitGroup
		drafted := make(chan model.PaymentBatch, n)
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b, err := st.DraftPaymentBatch(maker, model.PaymentDraft{Name: "并发", RegionCode: "2109"})
				if err == nil {
					drafted <- b
				} else if c := code(err); c != model.EInvalid && c != model.EConflict {
					t.Errorf("draft: %v", err)
				}
			}()
		}
		wg.Wait()
		close(drafted)
		var batches []model.PaymentBatch
		for b := range drafted {
			batches = append(batches, b)
		}
		if len(batches) != 1 || batches[0].LineCount != 2 {
			t.Fatalf("%d drafts took the lines: %+v", len(batches), batches)
		}
		b := batches[0]
		if _, _, err := st.ApprovePaymentBatch(checker, b.ID, model.PaymentBatchAction{}, store.Idempotency{}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ExportPaymentBatch(checker, b.ID, "csv", func(model.PaymentBatch, model.PaymentItem) error { return nil }); err != nil {
			t.Fatal(err)
		}
		idem := store.Idempotency{Key: "pay-2026-03-a", Fingerprint: store.Fingerprint("POST", "/x", "")}
		answers := make(chan model.PaymentBatch, n)
		var replays sync.Map
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, replayed, err := st.MarkPaymentBatchPaid(checker, b.ID, model.PaymentBatchAction{}, idem)
				if err != nil {
					t.Errorf("repeat %d: %v", i, err)
					return
				}
				replays.Store(i, replayed)
				answers <- got
			}()
		}
		wg.Wait()
		close(answers)
		var first *model.PaymentBatch
		count := 0
		for a := range answers {
			count++
			if first == nil {
				first = &a
			}
			if a.Status != model.PaymentStatusPaid || a.Version != first.Version || !a.PaidAt.Equal(*first.PaidAt) {
				t.Errorf("answers differ: %+v vs %+v", a, *first)
			}
		}
		fresh := 0
		replays.Range(func(_, v any) bool {
			if !v.(bool) {
				fresh++
			}
			return true
		})
		if count != n || fresh != 1 {
			t.Errorf("%d answers, %d not replayed; want %d and 1", count, fresh, n)
		}
		if got := auditCount(t, st, store.ActBatchPaid); got != 1 {
			t.Errorf("%d payment_batch.paid rows, want 1", got)
		}
		// The key is bound to its request.
		other := store.Idempotency{Key: "pay-2026-03-a", Fingerprint: store.Fingerprint("POST", "/y", "")}
		if _, _, err := st.MarkPaymentBatchPaid(checker, b.ID, model.PaymentBatchAction{}, other); code(err) != model.EConflict {
			t.Errorf("a key reused for another request: %v", err)
		}
	})
}

// TestConsolationAndPerformancePay: a campaign's largest sum that applies
// to the person, once per campaign whatever month is computed; an
// institution's allocation split by frontline days to the fen.
func TestConsolationAndPerformancePay(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newSubsidyFixture(t, st, clock)
		maker := f.as("fin_maker")
		for _, in := range []model.BenefitRuleInput{
			{RegionCode: "2109", Kind: model.BenefitConsolation, Campaign: "2026年春节慰问", Category: model.ConsolationTier1, AmountFen: fen(1000_00), StartsOn: "2026-01-01", EndsOn: "2026-03-31"},
			{RegionCode: "2109", Kind: model.BenefitConsolation, Campaign: "2026年春节慰问", Category: model.ConsolationFrontline, AmountFen: fen(500_00), StartsOn: "2026-01-01", EndsOn: "2026-03-31"},
			{RegionCode: "2109", Kind: model.BenefitPerformance, InstitutionID: f.w.haizhou.ID, AmountFen: fen(10000_01), StartsOn: "2026-03-01", EndsOn: "2026-03-31", Basis: "市卫健委分配"},
		} {
			if _, err := st.CreateBenefitRule(maker, in); err != nil {
				t.Fatal(err)
			}
		}
		ward := f.post(t, f.w.haizhou, "隔离病区", 1)
		clinic := f.post(t, f.w.haizhou, "发热门诊", 2)
		f.deploy(t, f.zhang, ward, "2026-03-02", "2026-03-13")                          // 24 half-days
		f.deploy(t, f.li, clinic, "2026-03-02", "2026-03-11")                           // 20
		f.deploy(t, f.liu, f.post(t, f.w.xinqiu, "采样点", 2), "2026-02-10", "2026-02-11") // February only
		compute(t, maker, st)
		got := map[string]model.Fen{}
		var perf model.Fen
		for _, p := range []model.Person{f.zhang, f.li, f.liu} {
			for key, lines := range f.lines(t, p) {
				for _, l := range lines {
					got[p.Name+" "+key] += l.AmountFen
					if l.Kind == model.BenefitPerformance {
						perf += l.AmountFen
					}
				}
			}
		}
		if got["张伟 consolation|2026年春节慰问"] != 1000_00 || got["李娜 consolation|2026年春节慰问"] != 500_00 || got["刘洋 consolation|2026年春节慰问"] != 500_00 {
			t.Errorf("consolation: %v", got)
		}
		if perf != 10000_01 || got["张伟 performance|3"] != 5454_55 || got["李娜 performance|3"] != 4545_46 {
			t.Errorf("performance split %d: %v", perf, got)
		}
		// Computing February too pays no campaign twice.
		res, err := st.ComputeEntitlements(maker, model.EntitlementComputation{Month: "2026-02", RegionCode: "2109"})
		if err != nil || res.Created != 0 {
			t.Errorf("February: %+v %v", res, err)
		}
	})
}
