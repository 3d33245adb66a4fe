package store_test

import (
	"bytes"
	"fmt"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"houdun/internal/ident"
	"houdun/internal/letterpdf"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// letterBenchPeople is the size of the letters benchmark: the issue's
// "1,000 one-page letters".
const letterBenchPeople = 1000

// letterBench is a hospital of 1,000 frontline staff, each with two
// deployments (46 days), on SQLite, and the city team's template.
func letterBench(b *testing.B) (*store.Store, int64, int64, *letterpdf.Renderer) {
	b.Helper()
	font, err := letterpdf.LoadFont(letterpdf.DefaultFontPath)
	if err != nil {
		b.Skipf("no letter font: %v", err)
	}
	st := testutil.NewStore(b, store.SQLite, nil)
	sys := testutil.System()
	w := seedB(b, st)
	rows := make([]store.PersonRow, letterBenchPeople)
	for i := range rows {
		in := newPerson(fmt.Sprintf("一线%04d", i), ident.MakeIDNumber("210902", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i), i%1000), w.haizhou.ID)
		var f model.PersonFields
		in.Apply(&f)
		if err := f.Normalize(time.Now()).Err(); err != nil {
			b.Fatal(err)
		}
		rows[i] = store.PersonRow{Row: i + 2, Fields: f}
	}
	if _, err := st.ImportPeople(sys, rows, store.ImportOptions{Filename: "bench"}); err != nil {
		b.Fatal(err)
	}
	// Two deployments each, written in bulk: the benchmark times the letters.
	for _, q := range []string{
		`INSERT INTO frontline_posts (name, institution_id, region_code, kind, tier, created_at, updated_at) VALUES ('发热门诊', ` + fmt.Sprint(w.haizhou.ID) + `, '210902', 'fever_clinic', 1, 0, 0)`,
		`INSERT INTO deployments (person_id, region_code, institution_id, post_id, tier, starts_on, ends_on, created_at, updated_at)
			SELECT p.id, p.region_code, p.institution_id, (SELECT MAX(id) FROM frontline_posts), 1, '2022-11-20', '2022-12-31', 0, 0 FROM people p`,
		`INSERT INTO deployments (person_id, region_code, institution_id, post_id, tier, starts_on, ends_on, created_at, updated_at)
			SELECT p.id, p.region_code, p.institution_id, (SELECT MAX(id) FROM frontline_posts), 1, '2023-01-02', '2023-01-05', 0, 0 FROM people p`,
	} {
		if err := st.ExecForTest(sys, q); err != nil {
			b.Fatal(err)
		}
	}
	tpl, err := st.CreateLetterTemplate(caseworker("210902"), fuxinTemplate())
	if err != nil {
		b.Fatal(err)
	}
	return st, w.haizhou.ID, tpl.ID, letterpdf.NewRenderer(font, time.Now)
}

func seedB(b *testing.B, st *store.Store) world {
	sys := testutil.System()
	a, err := st.CreateInstitution(sys, model.InstitutionInput{Name: ptr("阜新市中心医院"), Type: ptr("hospital"), RegionCode: ptr("210902")})
	if err != nil {
		b.Fatal(err)
	}
	return world{haizhou: a}
}

// generate makes (or refreshes) the hospital's 1,000 letters and reads them back.
func generateBench(b *testing.B, st *store.Store, inst, tpl int64) []model.Letter {
	cw := caseworker("210902")
	res, err := st.GenerateLetters(cw, model.LetterGeneration{TemplateID: tpl, InstitutionID: inst, From: "2022-11-01", To: "2023-01-31"})
	if err != nil || len(res.LetterIDs) != letterBenchPeople {
		b.Fatalf("generate: %d letters, %v", len(res.LetterIDs), err)
	}
	var all []model.Letter
	for off := 0; off < letterBenchPeople; off += 500 {
		l, err := st.ListLetters(store.Covered(cw), model.LetterFilter{InstitutionID: inst, Page: model.Page{Limit: 500, Offset: off}})
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, l.Items...)
	}
	if all[0].FrontlineDays != "46" {
		b.Fatalf("days %s", all[0].FrontlineDays)
	}
	return all
}

// BenchmarkLetters1000 generates the 1,000 letters of a hospital from the
// deployments and draws them: one PDF per person (as many at once as the
// machine has cores, as concurrent downloads would), or one merged PDF of
// 1,000 pages. Target: under 30 s. Run with
//
//	go test ./internal/store -run '^$' -bench Letters1000 -benchtime 3x
func BenchmarkLetters1000(b *testing.B) {
	st, inst, tpl, rd := letterBench(b)
	b.Run("per-person", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			all := generateBench(b, st, inst, tpl)
			var wg sync.WaitGroup
			jobs := make(chan model.Letter)
			var size int64
			var mu sync.Mutex
			for range runtime.GOMAXPROCS(0) {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for l := range jobs {
						var buf bytes.Buffer
						if err := rd.Write(&buf, l.Title, []letterpdf.Letter{letterpdf.FromLetter(l)}); err != nil {
							b.Error(err)
						}
						mu.Lock()
						size += int64(buf.Len())
						mu.Unlock()
					}
				}()
			}
			for _, l := range all {
				jobs <- l
			}
			close(jobs)
			wg.Wait()
			b.ReportMetric(float64(size)/letterBenchPeople/1024, "KiB/letter")
		}
	})
	b.Run("merged", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			all := generateBench(b, st, inst, tpl)
			pages := make([]letterpdf.Letter, len(all))
			for i, l := range all {
				pages[i] = letterpdf.FromLetter(l)
			}
			var buf bytes.Buffer
			if err := rd.Write(&buf, "慰问信", pages); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(buf.Len())/1024/1024, "MiB")
		}
	})
}

// reportCPU reports the process's CPU seconds per operation (user and
// system): on a shared machine the wall time says more about the others.
func reportCPU(b *testing.B) func() {
	cpu := func() float64 {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
	}
	start := cpu()
	return func() { b.ReportMetric((cpu()-start)/float64(b.N), "cpu-s/op") }
}
