package benefit_test

import (
	"slices"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/benefit"
	"houdun/internal/model"
)

func TestFenFormatsAndParsesExactly(t *testing.T) {
	for _, c := range []struct {
		fen  model.Fen
		text string
	}{{0, "0.00"}, {5, "0.05"}, {360000, "3,600.00"}, {-12345, "-123.45"}, {123456789012, "1,234,567,890.12"}} {
		if got := c.fen.String(); got != c.text {
			t.Errorf("%d: %q, want %q", c.fen, got, c.text)
		}
	}
	for in, want := range map[string]model.Fen{"300": 30000, "300.5": 30050, "1,234.56": 123456, "¥200": 20000, "0.01": 1, " 7.10 ": 710} {
		if got, ok := model.ParseYuan(in); !ok || got != want {
			t.Errorf("ParseYuan(%q) = %d %v, want %d", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "-1", "1.234", "1e3", "abc", "1.", ".5", "NaN", "99999999999999"} {
		if _, ok := model.ParseYuan(bad); ok {
			t.Errorf("ParseYuan(%q) accepted", bad)
		}
	}
}

func TestDayAmountHalvesAndMultiplier(t *testing.T) {
	for _, c := range []struct {
		halves int64
		rate   model.Fen
		pct    int
		want   model.Fen
	}{
		{24, 30000, 100, 360000}, // 12 tier-1 days × 300.00 = 3,600.00
		{25, 20000, 100, 250000}, // 12.5 days × 200.00
		{24, 30000, 200, 720000}, // Hubei ×2
		{1, 333, 100, 167},       // half a day of 3.33 = 1.665 → 1.67 (half up, once)
		{3, 1, 150, 2},           // 1.5 × 0.01 × 1.5 = 0.0225 → 0.02
		{0, 30000, 100, 0},
	} {
		if got := benefit.DayAmount(c.halves, c.rate, c.pct); got != c.want {
			t.Errorf("DayAmount(%d, %d, %d) = %d, want %d", c.halves, c.rate, c.pct, got, c.want)
		}
	}
}

func TestSplitAddsUpToTheFen(t *testing.T) {
	shares := benefit.Split(100000, []int64{1, 1, 1})
	if !slices.Equal(shares, []model.Fen{33334, 33333, 33333}) {
		t.Errorf("three equal weights: %v", shares)
	}
	shares = benefit.Split(1000001, []int64{24, 0, 13, 7, 62})
	var sum model.Fen
	for _, s := range shares {
		sum += s
	}
	if sum != 1000001 || shares[1] != 0 {
		t.Errorf("shares %v add up to %d", shares, sum)
	}
	if got := benefit.Split(500, nil); len(got) != 0 {
		t.Errorf("no weights: %v", got)
	}
	if got := benefit.Split(500, []int64{0, 0}); got[0] != 0 || got[1] != 0 {
		t.Errorf("zero weights: %v", got)
	}
}

func rule(region string, tier int, rate model.Fen, from, to string) model.BenefitRule {
	return model.BenefitRule{RegionCode: region, Kind: model.BenefitWorkSubsidy, Tier: tier, AmountFen: rate, MultiplierPct: 100, StartsOn: from, EndsOn: to}
}

func TestPickTheMostSpecificRuleInForce(t *testing.T) {
	rules := []model.BenefitRule{
		rule("", 1, 30000, "2020-01-01", model.OpenEnd),
		rule("42", 1, 30000, "2020-01-01", "2020-12-31"),
		rule("2109", 1, 35000, "2026-03-15", model.OpenEnd),
		rule("", 2, 20000, "2020-01-01", model.OpenEnd),
	}
	rules[1].MultiplierPct = 200
	for _, c := range []struct {
		code, day string
		tier      int
		want      int
	}{{"210902", "2026-03-01", 1, 0}, {"210902", "2026-03-15", 1, 2}, {"420100", "2020-02-01", 1, 1}, {"420100", "2021-01-01", 1, 0}, {"210902", "2026-03-20", 2, 3}} {
		got, ok := benefit.Pick(rules, model.BenefitWorkSubsidy, c.tier, c.code, c.day)
		if !ok || got != rules[c.want] {
			t.Errorf("%s on %s tier %d: %+v, want rule %d", c.code, c.day, c.tier, got, c.want)
		}
	}
	if _, ok := benefit.Pick(rules, model.BenefitMeal, 0, "210902", "2026-03-01"); ok {
		t.Error("a meal rule was found where none exists")
	}
}

func TestSegmentsSplitWhereARuleChanges(t *testing.T) {
	rules := []model.BenefitRule{rule("", 1, 30000, "2020-01-01", "2026-03-14"), rule("", 1, 35000, "2026-03-15", model.OpenEnd)}
	got := benefit.Segments("2026-03-01", "2026-03-31", rules)
	want := []benefit.Segment{{"2026-03-01", "2026-03-14"}, {"2026-03-15", "2026-03-31"}}
	if !slices.Equal(got, want) {
		t.Errorf("segments %v, want %v", got, want)
	}
	if got := benefit.Segments("2026-04-01", "2026-04-30", rules); len(got) != 1 {
		t.Errorf("no change in April: %v", got)
	}
}

func TestTheDrafterNeverApproves(t *testing.T) {
	maker := &auth.Principal{UserID: 7, Role: auth.RoleFinance, RegionCode: "2109"}
	checker := &auth.Principal{UserID: 8, Role: auth.RoleFinance, RegionCode: "2109"}
	caseworker := &auth.Principal{UserID: 9, Role: auth.RoleCaseworker, RegionCode: "2109"}
	if benefit.MayApprove(maker, 7) {
		t.Error("the drafter may approve their own batch")
	}
	if !benefit.MayApprove(checker, 7) {
		t.Error("a second finance account may not approve")
	}
	if benefit.MayApprove(caseworker, 7) || benefit.MayApprove(auth.System(), 7) {
		t.Error("someone without payment.approve (or the command line) may approve")
	}
}

func TestMonthAndDays(t *testing.T) {
	if f, l, ok := benefit.Month("2024-02"); !ok || f != "2024-02-01" || l != "2024-02-29" {
		t.Errorf("2024-02: %s %s %v", f, l, ok)
	}
	for _, bad := range []string{"2024-2", "2024-13", "", "2024-02-01"} {
		if _, _, ok := benefit.Month(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	if benefit.Days(25) != "12.5" || benefit.Days(24) != "12" || benefit.Multiplier(200) != "2" || benefit.Multiplier(150) != "1.5" || benefit.Multiplier(125) != "1.25" {
		t.Error("days or multiplier formatting")
	}
}
