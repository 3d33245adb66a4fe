package store_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// BenchmarkListIncidents measures the handling team's incident list on
// 100,000 incidents over 20,000 people in seven districts (SQLite): the
// first page of a district's list, the overdue ones, by kind of party, a
// search by name, the city team's list, and one incident's page. Every call
// writes its audit row, as in use. Building the fixture takes some seconds.
func BenchmarkListIncidents(b *testing.B) {
	const people, incidents = 20_000, 100_000
	now := time.Now()
	st, _ := benchRegistry(b, people)
	ps, err := st.PeopleForTest(testutil.System())
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	batch := make([]store.BenchIncident, incidents)
	for i := range batch {
		p := ps[r.IntN(len(ps))]
		created := now.Add(-time.Duration(r.Int64N(int64(365 * 24 * time.Hour))))
		t := store.BenchIncident{PersonID: p.ID, InstitutionID: p.InstitutionID, RegionCode: p.RegionCode, Status: model.IncidentConcluded,
			PartyKind: model.PartyKinds[r.IntN(len(model.PartyKinds))], Outcome: model.IncidentOutcomes[r.IntN(len(model.IncidentOutcomes))]}
		if r.IntN(100) < 10 { // a tenth still open, recent, some past a deadline
			created = now.Add(-time.Duration(r.Int64N(int64(20 * 24 * time.Hour))))
			t.Status, t.Outcome = model.IncidentHandling, ""
			if r.IntN(3) == 0 {
				t.Status = model.IncidentReported
			}
		}
		t.CreatedAt, t.ContactDueAt, t.ConcludeDueAt = created.UnixMilli(), created.Add(24*time.Hour).UnixMilli(), created.Add(15*24*time.Hour).UnixMilli()
		if t.Status != model.IncidentReported {
			t.ContactedAt = created.Add(3 * time.Hour).UnixMilli()
		}
		batch[i] = t
	}
	start := time.Now()
	if err := st.BulkInsertIncidentsForTest(testutil.System(), batch); err != nil {
		b.Fatal(err)
	}
	if err := st.AnalyzeForTest(testutil.System()); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %d incidents in %v", incidents, time.Since(start).Round(time.Millisecond))
	district := testutil.As(&auth.Principal{UserID: 99, Username: "cw", Role: auth.RoleCaseworker, RegionCode: "210902"})
	city := testutil.As(&auth.Principal{UserID: 98, Username: "cw_city", Role: auth.RoleCaseworker, RegionCode: "2109"})
	page := model.Page{Limit: 50}

	for _, c := range []struct {
		name string
		as   func() (int, error)
	}{
		{"district, newest first", func() (int, error) {
			l, err := st.ListIncidents(district, model.IncidentFilter{Page: page})
			return l.Total, err
		}},
		{"district, overdue", func() (int, error) {
			l, err := st.ListIncidents(district, model.IncidentFilter{Overdue: true, Page: page})
			return l.Total, err
		}},
		{"district, open, landlords", func() (int, error) {
			l, err := st.ListIncidents(district, model.IncidentFilter{Status: model.IncidentHandling, PartyKind: model.PartyLandlord, Page: page})
			return l.Total, err
		}},
		{"district, search a name", func() (int, error) {
			l, err := st.ListIncidents(district, model.IncidentFilter{Q: "王某1", Page: page})
			return l.Total, err
		}},
		{"city, newest first", func() (int, error) {
			l, err := st.ListIncidents(city, model.IncidentFilter{Page: page})
			return l.Total, err
		}},
		{"city, concluded by police", func() (int, error) {
			l, err := st.ListIncidents(city, model.IncidentFilter{Outcome: model.OutcomePolice, Page: page})
			return l.Total, err
		}},
		{"one incident", func() (int, error) {
			_, err := st.GetIncident(city, int64(incidents/2))
			return 1, err
		}},
		{"city counts", func() (int, error) {
			s, err := st.IncidentStats(city, "")
			return int(s.Open), err
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var total int
			for b.Loop() {
				n, err := c.as()
				if err != nil {
					b.Fatal(err)
				}
				total = n
			}
			b.ReportMetric(float64(total), "matching")
		})
	}
}
