package demo

import (
	"context"
	"fmt"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
)

// The subsidy area of the demo (其他保障): the national 2020 standard of the
// temporary work subsidy (财社〔2020〕2号, 300 and 200 yuan a day by tier),
// the city's meal subsidy and its consolation money for frontline staff
// (as Fuxin's letter of January 2023), computed from the deployment days of
// the demo city (the deployment area's demo) for last month and this one.
// Last month was drafted by 演示·财务, approved by 演示·财务复核, exported
// for the bank and paid on the 2nd; about two thirds of the workers
// confirmed receipt, the rest (the worker account among them) have not yet,
// and are followed up once the region's days have passed. This month's days
// so far are drafted and wait for the checker. Everyone with lines has a
// bank account but three, whom the draft left out.

// demoFinanceChecker is the second finance account: the maker-checker rule
// needs two (accounts in demo.go).
const demoFinanceChecker = "finance-checker"

// subsidyDeployments is how many frontline people the demo deploys itself
// when the deployment area's demo planned none (the days come from the
// deployments table either way).
const subsidyDeployments = 48

func fillSubsidies(st *store.Store, as actors, c *Clock, workerID int64, sum *Summary) error {
	sys := as[""]
	maker, checker := as["finance"], as[demoFinanceChecker]
	// Last month was paid on the 2nd of this month (or an hour ago early on
	// the 2nd); this month's days so far are drafted.
	now := st.Now()
	openMonth := firstOfMonth(now)
	paidMonth := openMonth.AddDate(0, -1, 0)
	paidAt := openMonth.Add(24*time.Hour + 10*time.Hour)
	if !paidAt.Before(now) {
		paidAt = now.Add(-time.Hour)
	}
	months := []string{paidMonth.Format("2006-01"), openMonth.Format("2006-01")}

	for _, in := range []model.BenefitRuleInput{
		{Kind: model.BenefitWorkSubsidy, Tier: 1, AmountFen: fenOf(300_00), StartsOn: "2020-01-01", Basis: "财社〔2020〕2号"},
		{Kind: model.BenefitWorkSubsidy, Tier: 2, AmountFen: fenOf(200_00), StartsOn: "2020-01-01", Basis: "财社〔2020〕2号"},
	} {
		if _, err := st.CreateBenefitRule(sys, in); err != nil {
			return fmt.Errorf("demo: national benefit rule: %w", err)
		}
	}
	for _, in := range []model.BenefitRuleInput{
		{RegionCode: cityCode, Kind: model.BenefitMeal, AmountFen: fenOf(50_00), StartsOn: "2022-12-01", Basis: "阜新市卫健委一线人员伙食补助"},
		{RegionCode: cityCode, Kind: model.BenefitConsolation, Campaign: "春节一线慰问", Category: model.ConsolationTier1, AmountFen: fenOf(2000_00),
			StartsOn: paidMonth.Format("2006-01-02"), EndsOn: openMonth.AddDate(0, 1, -1).Format("2006-01-02"), Basis: "致全市一线医务人员的慰问信"},
		{RegionCode: cityCode, Kind: model.BenefitConsolation, Campaign: "春节一线慰问", Category: model.ConsolationFrontline, AmountFen: fenOf(1000_00),
			StartsOn: paidMonth.Format("2006-01-02"), EndsOn: openMonth.AddDate(0, 1, -1).Format("2006-01-02"), Basis: "致全市一线医务人员的慰问信"},
	} {
		if _, err := st.CreateBenefitRule(maker, in); err != nil {
			return fmt.Errorf("demo: city benefit rule: %w", err)
		}
	}
	if err := demoDeployments(st, sys, paidMonth, openMonth); err != nil {
		return err
	}
	for _, m := range months {
		if _, err := st.ComputeEntitlements(maker, model.EntitlementComputation{Month: m, RegionCode: cityCode}); err != nil {
			return fmt.Errorf("demo: entitlements of %s: %w", m, err)
		}
	}
	// Bank accounts for everyone with lines but three.
	seen := map[int64]bool{}
	var people []int64
	for offset := 0; ; offset += 500 {
		lines, err := st.ListEntitlements(store.Covered(sys), model.EntitlementFilter{RegionCode: cityCode, Page: model.Page{Limit: 500, Offset: offset}})
		if err != nil {
			return fmt.Errorf("demo: entitlements: %w", err)
		}
		for _, e := range lines.Items {
			if !seen[e.PersonID] {
				seen[e.PersonID] = true
				people = append(people, e.PersonID)
			}
		}
		if len(lines.Items) < 500 {
			break
		}
	}
	banks := []string{"中国工商银行阜新分行", "中国建设银行阜新分行", "中国农业银行阜新分行", "阜新银行"}
	for i, pid := range people {
		if i%16 == 5 && i < 48 {
			continue // no account on file yet: left out of the draft
		}
		account := fmt.Sprintf("6222%015d", 310000000000000+pid*7919)
		if _, err := st.SetBankAccount(maker, pid, model.BankAccountInput{BankName: banks[i%len(banks)], Account: account}); err != nil {
			return fmt.Errorf("demo: bank account: %w", err)
		}
	}
	// The earlier month: drafted, approved, exported and paid three weeks ago.
	if c != nil {
		c.setTo(paidAt.Add(-20 * time.Minute))
	}
	b, err := st.DraftPaymentBatch(maker, model.PaymentDraft{Name: paidMonth.Format("2006年1月") + "一线人员补助", RegionCode: cityCode, Month: months[0]})
	if model.ErrorCode(err) == model.EInvalid {
		return nil // no days in the month: nothing to pay
	}
	if err != nil {
		return fmt.Errorf("demo: draft: %w", err)
	}
	if c != nil {
		c.setTo(paidAt.Add(-10 * time.Minute))
	}
	if b, _, err = st.ApprovePaymentBatch(checker, b.ID, model.PaymentBatchAction{}, store.Idempotency{}); err != nil {
		return fmt.Errorf("demo: approve: %w", err)
	}
	if _, err = st.ExportPaymentBatch(checker, b.ID, "xlsx", func(model.PaymentBatch, model.PaymentItem) error { return nil }); err != nil {
		return fmt.Errorf("demo: export: %w", err)
	}
	if c != nil {
		c.setTo(paidAt)
	}
	if _, _, err = st.MarkPaymentBatchPaid(maker, b.ID, model.PaymentBatchAction{}, store.Idempotency{}); err != nil {
		return fmt.Errorf("demo: paid: %w", err)
	}
	items, err := st.ListBatchItems(store.Covered(sys), b.ID, model.Page{Limit: 500})
	if err != nil {
		return fmt.Errorf("demo: items: %w", err)
	}
	for i, it := range items.Items {
		if i%3 == 2 || it.PersonID == workerID {
			continue // not confirmed: followed up after the region's days (the worker account confirms their own)
		}
		if c != nil {
			c.setTo(paidAt.Add(now.Sub(paidAt) * time.Duration(1+i%5) / 6))
		}
		worker := auth.WithPrincipal(sys, &auth.Principal{Username: "演示·职工自助确认", Role: auth.RoleWorker, PersonID: it.PersonID})
		if _, err := st.ConfirmReceipt(worker, it.ID); err != nil {
			return fmt.Errorf("demo: receipt: %w", err)
		}
	}
	sum.PaymentBatches++
	// The later month: drafted, waiting for the checker.
	if c != nil {
		c.reset()
	}
	if _, err := st.DraftPaymentBatch(maker, model.PaymentDraft{Name: openMonth.Format("2006年1月") + "一线人员补助", RegionCode: cityCode, Month: months[1]}); err == nil {
		sum.PaymentBatches++
	} else if model.ErrorCode(err) != model.EInvalid {
		return fmt.Errorf("demo: draft: %w", err)
	}
	return nil
}

func fenOf(v model.Fen) *model.Fen { return &v }

func firstOfMonth(t time.Time) time.Time {
	t = t.In(chinaDay)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, chinaDay)
}

// chinaDay is the zone of the demo's dates.
var chinaDay = time.FixedZone("UTC+8", 8*3600)

// demoDeployments plans frontline days in the two months when the
// deployment area's demo planned none there: the first frontline people of
// the city at a tier-1 isolation ward or a tier-2 fever clinic of their own
// institution, 5 to 12 days in each month.
func demoDeployments(st *store.Store, sys context.Context, first, second time.Time) error {
	days, err := st.DeploymentDays(store.Covered(sys), first.Format("2006-01-02"), second.AddDate(0, 1, -1).Format("2006-01-02"), model.DaysFilter{RegionCode: cityCode})
	if err != nil {
		return fmt.Errorf("demo: deployment days: %w", err)
	}
	if len(days) > 0 {
		return nil
	}
	front := true
	list, err := st.ListPeople(store.Covered(sys), model.PersonFilter{Frontline: &front, RegionCode: cityCode, Page: model.Page{Limit: 500}})
	if err != nil {
		return fmt.Errorf("demo: frontline people: %w", err)
	}
	posts := map[[2]int64]int64{}
	post := func(inst int64, tier int) (int64, error) {
		if id, ok := posts[[2]int64{inst, int64(tier)}]; ok {
			return id, nil
		}
		name, kind := "隔离病区", model.PostIsolationWard
		if tier == 2 {
			name, kind = "发热门诊", model.PostFeverClinic
		}
		p, err := st.CreatePost(sys, model.PostInput{Name: &name, InstitutionID: &inst, Kind: &kind, Tier: &tier})
		if err != nil {
			return 0, err
		}
		posts[[2]int64{inst, int64(tier)}] = p.ID
		return p.ID, nil
	}
	n := 0
	for i, p := range list.Items {
		if n == subsidyDeployments {
			break
		}
		tier := 1 + i%2
		id, err := post(p.InstitutionID, tier)
		if err != nil {
			return fmt.Errorf("demo: post: %w", err)
		}
		planned := false
		for j, m := range []time.Time{first, second} {
			start := m.AddDate(0, 0, 1+(i*3+j*5)%12)
			end := start.AddDate(0, 0, 4+(i+j)%8)
			_, err := st.CreateDeployment(sys, model.DeploymentInput{PersonID: &p.ID, PostID: &id, StartsOn: start.Format("2006-01-02"), EndsOn: end.Format("2006-01-02")})
			if err == nil {
				planned = true
			}
			// A couple or rest rule refusal just leaves that person out: the demo plans no overrides.
		}
		if planned {
			n++
		}
	}
	return nil
}
