package store_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// subsidyFixture is the registry of the subsidy tests: two districts, 张伟
// and 李娜 at the Haizhou hospital (210902), 刘洋 in Xinqiu (210903), two
// finance officers of the city (maker and checker), one of Xinqiu, a
// leader and 张伟's own worker account.
type subsidyFixture struct {
	st             *store.Store
	clock          *testutil.Clock
	w              world
	zhang, li, liu model.Person
	users          map[string]model.User
}

func newSubsidyFixture(t *testing.T, st *store.Store, clock *testutil.Clock) *subsidyFixture {
	t.Helper()
	sys := testutil.System()
	f := &subsidyFixture{st: st, clock: clock, w: seed(t, st), users: map[string]model.User{}}
	var err error
	if f.zhang, err = st.CreatePerson(sys, newPerson("张伟", idNumber(101), f.w.haizhou.ID)); err != nil {
		t.Fatal(err)
	}
	if f.li, err = st.CreatePerson(sys, newPerson("李娜", idNumber(102), f.w.haizhou.ID)); err != nil {
		t.Fatal(err)
	}
	if f.liu, err = st.CreatePerson(sys, newPerson("刘洋", idNumber(103), f.w.xinqiu.ID)); err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct{ name, role, region string }{
		{"fin_maker", auth.RoleFinance, "2109"}, {"fin_checker", auth.RoleFinance, "2109"}, {"fin_xinqiu", auth.RoleFinance, "210903"},
		{"leader_city", auth.RoleLeader, "2109"}, {"cw_city", auth.RoleCaseworker, "2109"}, {"worker_zhang", auth.RoleWorker, ""},
	} {
		u := model.User{Username: a.name, DisplayName: a.name, Role: a.role, RegionCode: a.region}
		if a.role == auth.RoleWorker {
			u.PersonID = ptr(f.zhang.ID)
		}
		if f.users[a.name], err = st.InsertUserForTest(sys, u); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *subsidyFixture) as(name string) context.Context {
	u := f.users[name]
	p := &auth.Principal{UserID: u.ID, Username: u.Username, Role: u.Role, RegionCode: u.RegionCode}
	if u.PersonID != nil {
		p.PersonID = *u.PersonID
	}
	return testutil.As(p)
}

func fen(v model.Fen) *model.Fen { return &v }

// nationalRules enters the 2020 national standard (财社〔2020〕2号) and a meal
// subsidy, as the command line does for a new installation.
func nationalRules(t *testing.T, st *store.Store) {
	t.Helper()
	for _, in := range []model.BenefitRuleInput{
		{Kind: model.BenefitWorkSubsidy, Tier: 1, AmountFen: fen(30000), StartsOn: "2020-01-01", Basis: "财社〔2020〕2号"},
		{Kind: model.BenefitWorkSubsidy, Tier: 2, AmountFen: fen(20000), StartsOn: "2020-01-01", Basis: "财社〔2020〕2号"},
	} {
		if _, err := st.CreateBenefitRule(testutil.System(), in); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBenefitRulesAreDatedAndNeverOverlap(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newSubsidyFixture(t, st, clock)
		nationalRules(t, st)
		ctx := f.as("fin_maker")
		// The city's own meal subsidy from March.
		meal, err := st.CreateBenefitRule(ctx, model.BenefitRuleInput{RegionCode: "2109", Kind: model.BenefitMeal, AmountFen: fen(5000), StartsOn: "2026-03-01"})
		if err != nil {
			t.Fatal(err)
		}
		if meal.EndsOn != model.OpenEnd || !meal.InForce || meal.MultiplierPct != 100 {
			t.Errorf("new meal rule: %+v", meal)
		}
		// A second period of the same rule that overlaps is refused, and writes nothing.
		_, err = st.CreateBenefitRule(ctx, model.BenefitRuleInput{RegionCode: "2109", Kind: model.BenefitMeal, AmountFen: fen(6000), StartsOn: "2026-04-01"})
		if code(err) != model.EInvalid || fieldOf(err)["starts_on"].Key != "benefit_rule.overlap" {
			t.Fatalf("overlapping period: %v", err)
		}
		// A new standard from April: end the old one the day before, then enter the new.
		if _, err := st.EndBenefitRule(ctx, meal.ID, model.BenefitRuleEnd{EndsOn: "2026-03-31"}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateBenefitRule(ctx, model.BenefitRuleInput{RegionCode: "2109", Kind: model.BenefitMeal, AmountFen: fen(6000), StartsOn: "2026-04-01"}); err != nil {
			t.Fatal(err)
		}
		// The end may not move back into days already worked (the clock is 2026-03-01).
		if _, err := st.EndBenefitRule(ctx, meal.ID, model.BenefitRuleEnd{EndsOn: "2026-02-01"}); code(err) != model.EInvalid {
			t.Errorf("ending before yesterday: %v", err)
		}
		// The national rule applies in the city and is listed, but is not the city's to change.
		list, err := st.ListBenefitRules(ctx, model.BenefitRuleFilter{Kind: model.BenefitWorkSubsidy})
		if err != nil || list.Total != 2 {
			t.Fatalf("work subsidy rules seen by the city: %+v, %v", list, err)
		}
		if _, err := st.EndBenefitRule(ctx, list.Items[0].ID, model.BenefitRuleEnd{EndsOn: "2026-12-31"}); code(err) != model.EForbidden {
			t.Errorf("ending the national rule from the city: %v", err)
		}
		// A rule outside the caller's region, a bad tier, a multiplier on a meal rule, money out of range.
		for name, in := range map[string]model.BenefitRuleInput{
			"region_code":    {RegionCode: "2101", Kind: model.BenefitMeal, AmountFen: fen(1), StartsOn: "2026-03-01"},
			"tier":           {RegionCode: "2109", Kind: model.BenefitWorkSubsidy, Tier: 3, AmountFen: fen(1), StartsOn: "2026-03-01"},
			"multiplier_pct": {RegionCode: "2109", Kind: model.BenefitMeal, MultiplierPct: 200, AmountFen: fen(1), StartsOn: "2027-03-01"},
			"amount_fen":     {RegionCode: "2109", Kind: model.BenefitWorkSubsidy, Tier: 1, AmountFen: fen(-1), StartsOn: "2027-03-01"},
			"ends_on":        {RegionCode: "2109", Kind: model.BenefitConsolation, Campaign: "春节慰问", AmountFen: fen(100000), StartsOn: "2026-01-01"},
		} {
			if _, err := st.CreateBenefitRule(ctx, in); code(err) != model.EInvalid || fieldOf(err)[name].Key == "" {
				t.Errorf("%s: %v", name, err)
			}
		}
		// Xinqiu's finance sees its own and the rules above it, not the city's districts'.
		if _, err := st.CreateBenefitRule(ctx, model.BenefitRuleInput{RegionCode: "210902", Kind: model.BenefitWorkSubsidy, Tier: 1, AmountFen: fen(30000),
			MultiplierPct: 200, StartsOn: "2026-03-01", Basis: "区级加发"}); err != nil {
			t.Fatal(err)
		}
		xin, err := st.ListBenefitRules(f.as("fin_xinqiu"), model.BenefitRuleFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range xin.Items {
			if r.RegionCode == "210902" {
				t.Errorf("Xinqiu sees Haizhou's rule %+v", r)
			}
		}
		if xin.Total != 4 {
			t.Errorf("Xinqiu sees %d rules, want the 2 national and the 2 of the city", xin.Total)
		}
		// Leaders and workers do not read rules.
		if _, err := st.ListBenefitRules(f.as("leader_city"), model.BenefitRuleFilter{}); code(err) != model.EForbidden {
			t.Errorf("leader: %v", err)
		}
	})
}

func TestBankAccountsAreSealedAndMasked(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "h.db"), store.Options{Sealer: testutil.Sealer()})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	f := newSubsidyFixture(t, st, testutil.NewClock(st.Now()))
	const account = "6222 0212 3456 7891 234"
	ba, err := st.SetBankAccount(f.as("fin_maker"), f.zhang.ID, model.BankAccountInput{BankName: "中国工商银行阜新分行", Account: account})
	if err != nil {
		t.Fatal(err)
	}
	if ba.AccountMasked != "6222***********1234" {
		t.Errorf("masked %q", ba.AccountMasked)
	}
	if _, err := st.SetBankAccount(f.as("fin_xinqiu"), f.zhang.ID, model.BankAccountInput{BankName: "x", Account: "12345678901"}); code(err) != model.ENotFound {
		t.Errorf("another district's finance sets the account: %v", err)
	}
	if _, err := st.SetBankAccount(f.as("fin_maker"), f.zhang.ID, model.BankAccountInput{BankName: "x", Account: "12ab"}); code(err) != model.EInvalid {
		t.Errorf("bad number: %v", err)
	}
	st.Close()
	for _, name := range []string{"h.db", "h.db-wal"} {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		if bytes.Contains(b, []byte("6222021234567891234")) {
			t.Errorf("%s holds the account number in clear", name)
		}
	}
}
