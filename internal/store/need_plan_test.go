package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/seal"
)

// plan returns SQLite's query plan of q, one step a line.
func (s *Store) plan(t *testing.T, q string, a ...any) string {
	t.Helper()
	rows, err := s.read.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, a...)
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, q)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		out = append(out, detail)
	}
	return strings.Join(out, "\n")
}

// TestNeedQueriesUseTheirIndexes pins the plans the speed of the ledger rests
// on (SQLite, no statistics, as a fresh or bulk-loaded database has): the
// district's lists walk the covering list index by status and region range,
// and the scheduler's queues walk their small partial indexes in deadline
// order with no sort, so that a tick with nothing due costs nothing however
// many cases are open.
func TestNeedQueriesUseTheirIndexes(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	sl, err := seal.New(key)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"), Options{Sealer: sl})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	district := &auth.Principal{UserID: 1, Role: auth.RoleCaseworker, RegionCode: "210902"}
	lists := []struct {
		name string
		f    model.NeedFilter
	}{
		{"open by deadline", model.NeedFilter{Status: []string{"open"}, Sort: model.NeedSortDueAt}},
		{"open by urgency", model.NeedFilter{Status: []string{"open"}}},
		{"overdue", model.NeedFilter{Overdue: true}},
		{"active psychological", model.NeedFilter{Status: model.NeedActiveStatuses, Category: "psychological"}},
		{"recorded in a period", model.NeedFilter{CreatedFrom: now.AddDate(0, 0, -30), CreatedTo: now}},
		{"active by status", model.NeedFilter{Status: model.NeedActiveStatuses, Sort: model.NeedSortStatus, Order: model.SortDesc}},
	}
	for _, c := range lists {
		var a args
		q := "SELECT n.id FROM needs n WHERE " + needFilter(district, c.f, now, &a) + " ORDER BY " + needOrder(c.f.Sort, c.f.Order) + " LIMIT 50"
		if p := s.plan(t, q, a...); !strings.Contains(p, "COVERING INDEX needs_list (status=? AND region_code>? AND region_code<?") {
			t.Errorf("%s:\n%s", c.name, p)
		}
		var b args
		q = "SELECT COUNT(*) FROM needs n WHERE " + needFilter(district, c.f, now, &b)
		if p := s.plan(t, q, b...); !strings.Contains(p, "COVERING INDEX needs_list") {
			t.Errorf("%s count:\n%s", c.name, p)
		}
	}
	// Words to search: the newest cases on the list index, their rows by id,
	// and the people's names on their covering index, their cases by person;
	// never a scan of the table.
	for _, f := range []model.NeedFilter{{Query: "送餐"}, {Query: "张伟", Status: model.NeedActiveStatuses, Sort: model.NeedSortStatus}} {
		var a args
		q := "SELECT n.id FROM needs n WHERE " + needFilter(district, f, now, &a) + " ORDER BY " + needOrder(f.Sort, f.Order) + " LIMIT 50"
		p := s.plan(t, q, a...)
		for _, want := range []string{"COVERING INDEX needs_list (status=? AND region_code>? AND region_code<?)", "SEARCH d USING INTEGER PRIMARY KEY",
			"INDEX needs_person (person_id=?)", "COVERING INDEX people_region (region_code>? AND region_code<?)"} {
			if !strings.Contains(p, want) || strings.Contains(p, "SCAN n") || strings.Contains(p, "SCAN p") {
				t.Errorf("search %q lacks %s:\n%s", f.Query, want, p)
			}
		}
	}
	queues := map[string]string{
		"needs_to_escalate":     s.escalateSQL(),
		"needs_to_flag_overdue": s.remindSQL("needs_to_flag_overdue", "overdue_notified_for", "due_at <= $1", 1),
		"needs_to_remind":       s.remindSQL("needs_to_remind", "due_soon_notified_for", "due_at > $1 AND due_at <= $2", 2),
	}
	for index, q := range queues {
		p := s.plan(t, q, 1, 2, 3, 4, 5)
		if !strings.Contains(p, "USING INDEX "+index+" (due_at>? AND due_at<?)") || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("%s:\n%s", index, p)
		}
	}
}

// TestDashboardQueriesUseTheirIndexes pins the plans the dashboard's speed
// rests on (SQLite, no statistics): the counts are answered from the list
// index alone; the active cases are found on it and the outcome period's (or
// a period's) on the creation index, never by a scan of the table; the visit
// plan walks the people's region index and looks each family up by person.
func TestDashboardQueriesUseTheirIndexes(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	sl, err := seal.New(key)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"), Options{Sealer: sl})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, pr := range []*auth.Principal{
		{UserID: 1, Role: auth.RoleCaseworker, RegionCode: "210902"},
		{UserID: 1, Role: auth.RoleLeader, RegionCode: "2109"},
	} {
		q, a := needCountsSQL(pr, model.NeedStatsFilter{})
		if p := s.plan(t, q, a...); !strings.Contains(p, "COVERING INDEX needs_list (status=? AND region_code>? AND region_code<?)") || strings.Contains(p, "SCAN n") {
			t.Errorf("counts:\n%s", p)
		}
		q, a = needActiveSQL(pr, model.NeedStatsFilter{}, now)
		if p := s.plan(t, q, a...); !strings.Contains(p, "INDEX needs_list (status=? AND region_code>? AND region_code<?)") || strings.Contains(p, "SCAN n") {
			t.Errorf("active:\n%s", p)
		}
		q, a = needOutcomesSQL(pr, model.NeedStatsFilter{}, ms(now.AddDate(0, 0, -30)), ms(now))
		if p := s.plan(t, q, a...); !strings.Contains(p, "INDEX needs_created (region_code>? AND region_code<?)") || strings.Contains(p, "SCAN n") {
			t.Errorf("outcomes:\n%s", p)
		}
		period := model.NeedStatsFilter{From: now.AddDate(0, 0, -30)}
		q, a = needPeriodSQL(pr, period, now, ms(period.From), ms(now))
		if p := s.plan(t, q, a...); !strings.Contains(p, "INDEX needs_created (region_code>? AND region_code<?") || strings.Contains(p, "SCAN n") {
			t.Errorf("period:\n%s", p)
		}
		ivs := visitIntervals{def: visitRule{7, 3}}
		var b args
		q = "WITH v AS MATERIALIZED (" + visitPlanSQL(pr, model.VisitDueFilter{}, ivs, visitState, now, &b) + ") SELECT " + visitStateCounts + " FROM v"
		if p := s.plan(t, q, b...); !strings.Contains(p, "INDEX people_region (region_code>? AND region_code<?)") ||
			!strings.Contains(p, "INDEX family_members_person (person_id=?)") || strings.Contains(p, "SCAN p") {
			t.Errorf("visit plan:\n%s", p)
		}
	}
}
