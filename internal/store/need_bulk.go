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
}

var bulkNeedColumns = []string{"person_id", "region_code", "institution_id", "team_region_code", "category", "kind", "urgency", "description",
	"source", "status", "due_at", "escalated_due_at", "due_soon_notified_for", "overdue_notified_for", "created_by_name", "version", "created_at", "updated_at"}

// BulkLoadNeedsForBenchmark writes cases straight into the table with the
// import path's bulk inserts (COPY on PostgreSQL), without history, outbox,
// audit or any check of the values: it exists so that benchmarks outside this
// package (the HTTP benchmarks of package api) can load a million cases in a
// minute, which CreateNeed would take an hour to do. Only the system
// principal (command line, tests) may call it; no user's request reaches it.
// Returns EUnauthenticated, EForbidden for a user's principal, EInternal.
func (s *Store) BulkLoadNeedsForBenchmark(ctx context.Context, needs []BulkNeed) error {
	if _, _, err := jobContext(ctx); err != nil {
		return err
	}
	row := func(n BulkNeed) []any {
		guard := int64(0)
		if n.Handled {
			guard = n.DueAt
		}
		return []any{n.PersonID, n.RegionCode, n.InstitutionID, n.RegionCode, n.Category, n.Kind, n.Urgency, "基准测试用需求描述",
			"visit", n.Status, n.DueAt, guard, guard, guard, "bench", int64(1), n.CreatedAt, n.CreatedAt}
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
