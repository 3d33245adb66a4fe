package store_test

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// BenchmarkDeployments measures the deployment rules at the scale:
// 200,000 people in the seven districts of one city, 100,000 couples linked
// as medical workers (a child at home in every third household) and
// 1,000,000 deployments (five per person over half a year, one couple in 200
// deployed together now, a tenth of the others at work today).
//
//	go test ./internal/store -run '^$' -bench BenchmarkDeployments -benchtime 200x -timeout 60m
func BenchmarkDeployments(b *testing.B) {
	start := time.Now()
	n := 200_000
	if v := os.Getenv("HOUDUN_BENCH_PEOPLE"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	st, insts := benchRegistry(b, n)
	sys := testutil.System()
	people, err := st.PeopleForTest(sys)
	if err != nil {
		b.Fatal(err)
	}
	posts := map[int64]int64{}
	for _, in := range insts {
		p, err := st.CreatePost(sys, model.PostInput{Name: ptr("发热门诊"), InstitutionID: ptr(in), Kind: ptr("fever_clinic"), Tier: ptr(1)})
		if err != nil {
			b.Fatal(err)
		}
		posts[in] = p.ID
	}
	var pairs [][2]int64
	for i := 0; i+1 < len(people); i += 2 {
		pairs = append(pairs, [2]int64{people[i].ID, people[i+1].ID})
	}
	if err := st.BulkLinkCouplesForTest(sys, pairs); err != nil {
		b.Fatal(err)
	}
	today := time.Now().In(time.FixedZone("UTC+8", 8*3600))
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	deps := make([]store.BenchDeployment, 0, 5*len(people))
	var together []int64 // one of each couple deployed together now
	for i, p := range people {
		c := i / 2
		base := today.AddDate(0, 0, -200-c%30) // all in the past
		switch {
		case c%200 == 0: // the couple together now: an open conflict
			base = today.AddDate(0, 0, -165)
			if i%2 == 0 {
				together = append(together, p.ID)
			}
		case c%10 == 0 && i%2 == 0: // one of the couple at work today
			base = today.AddDate(0, 0, -165)
		}
		for k := 0; k < 5; k++ {
			s := base.AddDate(0, 0, k*40)
			deps = append(deps, store.BenchDeployment{PersonID: p.ID, InstitutionID: p.InstitutionID, PostID: posts[p.InstitutionID], RegionCode: p.RegionCode,
				Tier: 1 + k%2, StartsOn: s.Format(time.DateOnly), EndsOn: s.AddDate(0, 0, 9).Format(time.DateOnly)})
		}
	}
	if err := st.BulkInsertDeploymentsForTest(sys, deps); err != nil {
		b.Fatal(err)
	}
	if err := st.AnalyzeForTest(sys); err != nil {
		b.Fatal(err)
	}
	b.Logf("fixture: %d people, %d couples, %d deployments in %v", len(people), len(pairs), len(deps), time.Since(start).Round(time.Second))

	city := testutil.As(&auth.Principal{UserID: 900, Username: "cw_city", Role: auth.RoleCaseworker, RegionCode: "2109"})
	district := testutil.As(&auth.Principal{UserID: 901, Username: "cw_haizhou", Role: auth.RoleCaseworker, RegionCode: "210902"})
	var cpu0 time.Duration
	median := func(b *testing.B, ds []time.Duration) {
		b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
		slices.Sort(ds)
		b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "ms/median")
		b.ReportMetric(float64(ds[len(ds)*95/100].Microseconds())/1000, "ms/p95")
	}

	b.Run("rule check, refused (couple)", func(b *testing.B) {
		cpu0 = cpuTime()
		ds := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			spouse := together[i%len(together)] + 1 // the partner of one deployed now
			in := model.DeploymentInput{PersonID: ptr(spouse), PostID: ptr(posts[insts[0]]), StartsOn: today.Format(time.DateOnly), EndsOn: today.AddDate(0, 0, 1).Format(time.DateOnly)}
			t0 := time.Now()
			_, err := st.CreateDeployment(city, in)
			ds = append(ds, time.Since(t0))
			if model.ErrorCode(err) != model.EConflict && model.ErrorCode(err) != model.ECoupleConflict {
				b.Fatalf("plan %d: %v", spouse, err)
			}
		}
		median(b, ds)
	})
	b.Run("rule check, accepted and written", func(b *testing.B) {
		cpu0 = cpuTime()
		ds := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			p := people[(i*7919)%len(people)]
			s := today.AddDate(1, 0, i%300)
			in := model.DeploymentInput{PersonID: ptr(p.ID), PostID: ptr(posts[p.InstitutionID]), StartsOn: s.Format(time.DateOnly), EndsOn: s.AddDate(0, 0, 2).Format(time.DateOnly)}
			t0 := time.Now()
			_, err := st.CreateDeployment(city, in)
			ds = append(ds, time.Since(t0))
			if err != nil && model.ErrorCode(err) != model.ECoupleConflict && model.ErrorCode(err) != model.EConflict && model.ErrorCode(err) != model.ERestRequired {
				b.Fatalf("plan: %v", err)
			}
		}
		median(b, ds)
	})
	b.Run("conflicts of the city", func(b *testing.B) {
		cpu0 = cpuTime()
		ds := make([]time.Duration, 0, b.N)
		var n int
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			l, err := st.ListConflicts(city, model.ConflictFilter{Page: model.Page{Limit: 200}})
			ds = append(ds, time.Since(t0))
			if err != nil {
				b.Fatal(err)
			}
			n = l.Total
		}
		b.ReportMetric(float64(n), "conflicts")
		median(b, ds)
	})
	b.Run("50 candidates for a post", func(b *testing.B) {
		cpu0 = cpuTime()
		post := posts[insts[0]] // 210902
		ds := make([]time.Duration, 0, b.N)
		var eligible int
		steps := map[string]time.Duration{}
		store.TraceCandidatesForTest(func(step string, d time.Duration) { steps[step] += d })
		defer func() {
			store.TraceCandidatesForTest(nil)
			for k, v := range steps {
				b.Logf("candidates step %s: %v per call", k, v/time.Duration(b.N))
			}
		}()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			l, err := st.Candidates(district, model.CandidateFilter{PostID: post, Count: 50})
			ds = append(ds, time.Since(t0))
			if err != nil || len(l.Items) != 50 {
				b.Fatalf("candidates: %d, %v", len(l.Items), err)
			}
			eligible = l.Eligible
		}
		b.ReportMetric(float64(eligible), "eligible")
		median(b, ds)
	})
	_ = fmt.Sprint
}

// cpuTime is the process's CPU time: on a machine shared with other work the
// wall-clock figures include waiting for a core, the CPU time does not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
