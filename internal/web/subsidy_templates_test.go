package web

import (
	"time"

	"houdun/internal/model"
)

// subsidySamplePages are the empty and filled views of the subsidy pages,
// merged into samplePages so that the template test covers them.
func subsidySamplePages(base func(string) Page, empty func() Page) map[string][2]any {
	pg := base("s")
	pg.Errors = map[string]string{"amount_fen": "bad", "kind": "bad", "tier": "bad", "category": "bad", "month": "bad", "bank_name": "bad", "account": "bad"}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	rule := model.BenefitRule{ID: 1, RegionCode: "", Kind: model.BenefitWorkSubsidy, Tier: 1, AmountFen: 30000, MultiplierPct: 200, StartsOn: "2020-01-01",
		EndsOn: model.OpenEnd, Basis: "财社〔2020〕2号", InForce: true, Version: 1}
	cons := model.BenefitRule{ID: 2, RegionCode: "2109", Kind: model.BenefitConsolation, Category: model.ConsolationTier1, Campaign: "春节慰问",
		AmountFen: 100000, MultiplierPct: 100, StartsOn: "2026-01-01", EndsOn: "2026-02-28", InstitutionName: "阜新市中心医院"}
	line := model.Entitlement{ID: 5, PersonID: 3, PersonName: "张伟", IDNumberMasked: "210***********3721", Institution: "阜新市中心医院",
		Kind: model.BenefitWorkSubsidy, LineKey: "work_subsidy|1|2026-03", PeriodFrom: "2026-03-01", PeriodTo: "2026-03-31", AmountFen: 360000,
		Status: model.EntitlementBatched, BatchID: 2, Adjustment: true, Explanation: model.Explanation{TargetFen: 360000, BeforeFen: 300000,
			Parts: []model.EntitlementPart{{RuleID: 1, From: "2026-03-01", To: "2026-03-31", Tier: 1, Halves: 24, RateFen: 30000, MultiplierPct: 100, AmountFen: 360000}}}}
	batch := model.PaymentBatch{ID: 2, Name: "3月补助", Status: model.PaymentStatusDraft, TotalFen: 360000, ItemCount: 1, LineCount: 1, DraftedByName: "fin",
		CanApprove: true, Version: 1, CreatedAt: now}
	paid := batch
	paid.Status, paid.ApprovedByName, paid.ApprovedAt, paid.ExportedAt, paid.PaidAt, paid.PaidByName, paid.CanApprove = model.PaymentStatusPaid, "checker", &now, &now, &now, "fin", false
	item := model.PaymentItem{ID: 9, BatchID: 2, BatchName: "3月补助", BatchStatus: model.PaymentStatusPaid, PersonName: "张伟", IDNumberMasked: "210***********3721",
		Institution: "阜新市中心医院", AmountFen: 360000, BankName: "工商银行", AccountMasked: "6222***********1234", PaidAt: &now, DaysUnconfirmed: 15,
		Lines: []model.Entitlement{line}}
	confirmed := item
	confirmed.ConfirmedAt = &now
	res := model.ComputationResult{Month: "2026-03", People: 3, Created: 6, TotalFen: 900000}
	return map[string][2]any{
		"subsidy_rules": {&ruleListView{Page: empty()}, &ruleListView{Page: pg, Rules: []model.BenefitRule{rule, cons}, CanWrite: true, Form: ruleForm{Kind: "meal", Tier: "2"},
			Kinds: []option{{Value: "meal", Text: "m", Selected: true}}, FormKinds: []option{{Value: "meal", Text: "m"}}, Categories: []option{{Value: "tier1", Text: "t"}}}},
		"subsidy_entitlements": {&entitlementListView{Page: empty()}, &entitlementListView{Page: pg, Lines: []model.Entitlement{line}, Count: 1, Sum: 360000,
			CanCompute: true, CanDraft: true, Result: &res, Pager: pager{Total: 1, From: 1, To: 1, Page: 1, Pages: 1}, ExportXLSX: "/api/v1/exports/entitlements.xlsx",
			Filter: entitlementFilterForm{Month: "2026-03"}, Kinds: []option{{Value: "meal", Text: "m"}}, Statuses: []option{{Value: "open", Text: "o"}}}},
		"subsidy_entitlement": {&entitlementShowView{Page: empty(), Line: model.Entitlement{PeriodFrom: "2026-03-01", Kind: model.BenefitMeal, Status: "open"}},
			&entitlementShowView{Page: pg, Line: line}},
		"subsidy_batches": {&payBatchListView{Page: empty()}, &payBatchListView{Page: pg, Batches: []model.PaymentBatch{batch, paid}, CanDraft: true,
			Statuses: []option{{Value: "draft", Text: "d"}}, Kinds: []option{{Value: "meal", Text: "m"}}, Draft: model.PaymentDraft{Name: "x", Month: "2026-03"},
			Stats: &model.SubsidyStats{EntitledPeople: 12, EntitledFen: ptrFen(360000), ApprovedPeople: model.Suppressed}}},
		"subsidy_batch": {&payBatchShowView{Page: empty(), Batch: model.PaymentBatch{Status: model.PaymentStatusDraft}}, &payBatchShowView{Page: pg, Batch: paid,
			Items: []model.PaymentItem{item, confirmed}, CanExport: true, CanDraft: true, IdemKey: "k", ExportXLSX: "/x", ExportCSV: "/y"}},
		"subsidy_receipts": {&receiptListView{Page: empty()}, &receiptListView{Page: pg, FollowUp: true, Days: "14", Items: []model.PaymentItem{item, confirmed},
			ExportXLSX: "/x", DefaultDay: 14}},
		"subsidy_bank_account": {&bankAccountView{Page: empty()}, &bankAccountView{Page: pg, Person: model.Person{ID: 3, Name: "张伟"},
			Account: &model.BankAccount{BankName: "工商银行", AccountMasked: "6222***********1234"}, Bank: "工商银行"}},
		"subsidy_mine": {&myPaymentsView{Page: empty()}, &myPaymentsView{Page: pg, Items: []model.PaymentItem{item, confirmed,
			{ID: 10, BatchName: "4月", BatchStatus: model.PaymentStatusApproved, AmountFen: 100}}}},
	}
}

func ptrFen(f model.Fen) *model.Fen { return &f }
