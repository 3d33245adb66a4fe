package store

import (
	"context"
	"database/sql"
)

// BulkNeed is one case for BulkLoadNeedsForBenchmark.
type BulkNeed struct {
	PersonID, InstitutionID int64
	RegionCode              string // the person's region
	Category, Kind, Urgency string
	Status                  string
	DueAt, CreatedAt        int64 // Unix ms
	// Handled marks the deadline as already dealt with by the scheduler
	// (escalated and reminded), as for every deadline long past.
	Handled bool
	// EscalationLevel and TeamRegionCode (empty: the person's region) are
	// where escalation has taken the case.
	EscalationLevel int
	TeamRegionCode  string
	// ResolvedAt and ClosedAt (Unix ms, 0 for none) and Satisfaction (1–5,
	// 0 for none) are the outcome of a resolved or closed case, as
	// ResolveNeed and CloseNeed record it.
	ResolvedAt, ClosedAt int64
	Satisfaction         int
}

var bulkNeedColumns = []string{"person_id", "region_code", "institution_id", "team_region_code", "category", "kind", "urgency", "description",
	"source", "status", "due_at", "escalation_level", "escalated_due_at", "due_soon_notified_for", "overdue_notified_for", "satisfaction",
	"created_by_name", "version", "created_at", "updated_at", "resolved_at", "closed_at"}

// BulkLoadNeedsForBenchmark writes cases straight into the table with the
// import path's bulk inserts (COPY on PostgreSQL), without history, outbox,
// audit or any check of the values: it exists so that benchmarks outside this
// package (the HTTP benchmarks of package api) can load a million cases in a
// minute, which CreateNeed would take an hour to do. Only the system
// principal (command line, tests) may call it; no user's request reaches it.
// Returns EUnauthenticated, EForbidden for a user's principal, EInternal.
func (s *Store) BulkLoadNeedsForBenchmark(ctx context.Context, needs []BulkNeed) (err error) {
	defer wrap(&err, "BulkLoadNeedsForBenchmark()")
	if _, _, err := jobContext(ctx); err != nil {
		return err
	}
	row := func(n BulkNeed) []any {
		guard := int64(0)
		if n.Handled {
			guard = n.DueAt
		}
		team := n.TeamRegionCode
		if team == "" {
			team = n.RegionCode
		}
		var sat any
		if n.Satisfaction > 0 {
			sat = int64(n.Satisfaction)
		}
		updated := max(n.CreatedAt, n.ResolvedAt, n.ClosedAt)
		return []any{n.PersonID, n.RegionCode, n.InstitutionID, team, n.Category, n.Kind, n.Urgency, "基准测试用需求描述",
			"visit", n.Status, n.DueAt, int64(n.EscalationLevel), guard, guard, guard, sat, "bench", int64(1), n.CreatedAt, updated,
			n.ResolvedAt, n.ClosedAt}
	}
	return s.txConn(ctx, func(tx *sql.Tx, conn *sql.Conn) error {
		if s.engine == Postgres {
			values := make([][]any, len(needs))
			for i, n := range needs {
				values[i] = row(n)
			}
			return copyFrom(ctx, conn, "needs", bulkNeedColumns, values)
		}
		return s.insertMultiRow(ctx, tx, "needs", bulkNeedColumns, len(needs), func(i int) []any { return row(needs[i]) }, func(int) {})
	})
}

// BulkVisit is one visit for BulkLoadVisitsForBenchmark.
type BulkVisit struct {
	PersonID  int64
	VisitedAt int64 // Unix ms
}

// BulkLoadVisitsForBenchmark records phone visits straight into the table,
// moving each person's last-visit time as CreateVisit does, without audit or
// any check: the visit plan's benchmarks need a registry whose people were
// contacted at different times. Only the system principal may call it.
// Returns EUnauthenticated, EForbidden for a user's principal, EInternal.
func (s *Store) BulkLoadVisitsForBenchmark(ctx context.Context, visits []BulkVisit) (err error) {
	defer wrap(&err, "BulkLoadVisitsForBenchmark()")
	// unscoped: benchmark loading by the system principal.
	if _, _, err := jobContext(ctx); err != nil {
		return err
	}
	return s.txConn(ctx, func(tx *sql.Tx, conn *sql.Conn) error {
		insert, err := tx.PrepareContext(ctx, `INSERT INTO visits (person_id, region_code, institution_id, target, channel, visited_at,
			visitor_username, created_at) SELECT id, region_code, institution_id, 'person', 'phone', $2, 'bench', $2 FROM people WHERE id = $1`)
		if err != nil {
			return err
		}
		defer insert.Close()
		update, err := tx.PrepareContext(ctx, "UPDATE people SET last_visit_at = $2 WHERE id = $1 AND last_visit_at < $2")
		if err != nil {
			return err
		}
		defer update.Close()
		for _, v := range visits {
			if _, err := insert.ExecContext(ctx, v.PersonID, v.VisitedAt); err != nil {
				return err
			}
			if _, err := update.ExecContext(ctx, v.PersonID, v.VisitedAt); err != nil {
				return err
			}
		}
		return nil
	})
}
