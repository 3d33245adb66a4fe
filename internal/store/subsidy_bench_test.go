package store_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// BenchmarkEntitlements measures the target: one month of
// entitlements for 100,000 people from 1,000,000 deployment records on
// SQLite (under 10 s). Every person has ten deployments, one in each month
// of January to October 2025 (3 to 12 days, tier 1 or 2 by turns); the
// national standard applies, the city has a meal subsidy and raises tier 1
// from 16 March, so March's lines have two parts. Each iteration of "first"
// computes a month not computed before (about 300,000 new lines: tier 1 or
// 2, and meals); "unchanged" recomputes January, which changes nothing.
//
//	go test ./internal/store -run '^$' -bench BenchmarkEntitlements -benchtime 3x -timeout 60m
func BenchmarkEntitlements(b *testing.B) {
	start := time.Now()
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("HOUDUN_BENCH_PEOPLE")); err == nil && v > 0 {
		n = v // a smaller city, for a profile
	}
	st, insts := benchRegistry(b, n)
	sys := testutil.System()
	people, err := st.PeopleForTest(sys)
	if err != nil {
		b.Fatal(err)
	}
	posts := map[[2]int64]int64{}
	for _, in := range insts {
		for tier := 1; tier <= 2; tier++ {
			p, err := st.CreatePost(sys, model.PostInput{Name: ptr(fmt.Sprintf("病区%d", tier)), InstitutionID: ptr(in), Kind: ptr(model.PostIsolationWard), Tier: ptr(tier)})
			if err != nil {
				b.Fatal(err)
			}
			posts[[2]int64{in, int64(tier)}] = p.ID
		}
	}
	deps := make([]store.BenchDeployment, 0, 10*len(people))
	for i, p := range people {
		for m := 1; m <= 10; m++ {
			tier := 1 + (i+m)%2
			first := time.Date(2025, time.Month(m), 1+(i*7+m)%15, 0, 0, 0, 0, time.UTC)
			deps = append(deps, store.BenchDeployment{PersonID: p.ID, InstitutionID: p.InstitutionID, PostID: posts[[2]int64{p.InstitutionID, int64(tier)}],
				RegionCode: p.RegionCode, Tier: tier, StartsOn: first.Format(time.DateOnly), EndsOn: first.AddDate(0, 0, 2+(i+m)%10).Format(time.DateOnly)})
		}
	}
	if err := st.BulkInsertDeploymentsForTest(sys, deps); err != nil {
		b.Fatal(err)
	}
	for _, in := range []model.BenefitRuleInput{
		{Kind: model.BenefitWorkSubsidy, Tier: 1, AmountFen: fen(30000), StartsOn: "2020-01-01", EndsOn: "2025-03-15"},
		{Kind: model.BenefitWorkSubsidy, Tier: 1, AmountFen: fen(35000), StartsOn: "2025-03-16"},
		{Kind: model.BenefitWorkSubsidy, Tier: 2, AmountFen: fen(20000), StartsOn: "2020-01-01"},
		{RegionCode: "2109", Kind: model.BenefitMeal, AmountFen: fen(5000), StartsOn: "2020-01-01"},
	} {
		if _, err := st.CreateBenefitRule(sys, in); err != nil {
			b.Fatal(err)
		}
	}
	if err := st.AnalyzeForTest(sys); err != nil {
		b.Fatal(err)
	}
	b.Logf("fixture: %d people, %d deployments in %v", len(people), len(deps), time.Since(start).Round(time.Second))
	finance := testutil.As(&auth.Principal{UserID: 900, Username: "finance_city", Role: auth.RoleFinance, RegionCode: "2109"})
	month := 0
	b.Run("first", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			month++
			if month > 10 {
				b.Skip("every month computed")
			}
			m := fmt.Sprintf("2025-%02d", month)
			t0, c0 := time.Now(), cpuTime()
			res, err := st.ComputeEntitlements(finance, model.EntitlementComputation{Month: m, RegionCode: "2109"})
			if err != nil {
				b.Fatal(err)
			}
			if res.People != len(people) || res.Created < 2*len(people) {
				b.Fatalf("%s: %+v", m, res)
			}
			b.Logf("%s: %d people, %d lines, ¥%s in %v (cpu %v)", m, res.People, res.Created, res.TotalFen, time.Since(t0).Round(time.Millisecond),
				(cpuTime() - c0).Round(time.Millisecond))
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			t0, c0 := time.Now(), cpuTime()
			res, err := st.ComputeEntitlements(finance, model.EntitlementComputation{Month: "2025-01", RegionCode: "2109"})
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("2025-01 again: %v (cpu %v)", time.Since(t0).Round(time.Millisecond), (cpuTime() - c0).Round(time.Millisecond))
			if res.Created+res.Updated+res.Removed+res.Adjustments != 0 {
				b.Fatalf("recomputation changed something: %+v", res)
			}
		}
	})
}
