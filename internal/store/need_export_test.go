package store

import (
	"context"
	"database/sql"
	"time"

	"houdun/internal/model"
)

// Test-only doors into the store for the needs ledger's tests and benchmarks.

// InsertUserForTest adds an account straight into the table with a fixed
// password hash: the tests need a dozen accounts per database, and an argon2id
// hash per account would cost them seconds. The scope rules are CreateUser's.
func (s *Store) InsertUserForTest(ctx context.Context, u model.User) (model.User, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var scope string
		var err error
		switch {
		case u.InstitutionID != nil:
			err = tx.QueryRowContext(ctx, "SELECT region_code FROM institutions WHERE id = $1", *u.InstitutionID).Scan(&scope)
		case u.PersonID != nil:
			err = tx.QueryRowContext(ctx, "SELECT region_code FROM people WHERE id = $1", *u.PersonID).Scan(&scope)
		default:
			scope = u.RegionCode
		}
		if err != nil {
			return err
		}
		now := ms(s.now())
		return tx.QueryRowContext(ctx, `INSERT INTO users (username, display_name, password_hash, role, region_code, institution_id, person_id,
			scope_region_code, version, created_at, updated_at) VALUES ($1, $2, 'test', $3, $4, $5, $6, $7, 1, $8, $8) RETURNING id`,
			u.Username, u.DisplayName, u.Role, nullString(u.RegionCode), nullInt(u.InstitutionID), nullInt(u.PersonID), scope, now).Scan(&u.ID)
	})
	return u, err
}

// BenchNeed is one case for BulkInsertNeedsForTest.
type BenchNeed struct {
	PersonID, InstitutionID int64
	RegionCode              string
	Category, Kind, Urgency string
	Status                  string
	DueAt, CreatedAt        int64 // Unix ms
	// Handled marks the deadline as already dealt with by the scheduler
	// (escalated and reminded), as for every deadline in the past.
	Handled bool
}

var benchNeedColumns = []string{"person_id", "region_code", "institution_id", "team_region_code", "category", "kind", "urgency", "description",
	"source", "status", "due_at", "escalated_due_at", "due_soon_notified_for", "overdue_notified_for", "created_by_name", "version", "created_at", "updated_at"}

// BulkInsertNeedsForTest writes cases straight into the table with the import
// path's bulk inserts (COPY on PostgreSQL), without history, outbox or audit.
// On SQLite the indexes of the table are dropped first and built again at the
// end, as one bulk-loads any database: a million cases then take a minute or
// two instead of twenty.
func (s *Store) BulkInsertNeedsForTest(ctx context.Context, needs []BenchNeed) error {
	row := func(n BenchNeed) []any {
		guard := int64(0)
		if n.Handled {
			guard = n.DueAt
		}
		return []any{n.PersonID, n.RegionCode, n.InstitutionID, n.RegionCode, n.Category, n.Kind, n.Urgency, "基准测试用需求描述",
			"visit", n.Status, n.DueAt, guard, guard, guard, "bench", int64(1), n.CreatedAt, n.CreatedAt}
	}
	var indexes []string
	if s.engine == SQLite {
		rows, err := s.write.QueryContext(ctx, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'needs' AND sql IS NOT NULL")
		if err != nil {
			return err
		}
		var names []string
		for rows.Next() {
			var name, ddl string
			if err := rows.Scan(&name, &ddl); err != nil {
				rows.Close()
				return err
			}
			names, indexes = append(names, name), append(indexes, ddl)
		}
		rows.Close()
		for _, name := range names {
			if _, err := s.write.ExecContext(ctx, "DROP INDEX "+name); err != nil {
				return err
			}
		}
	}
	const chunk = 100_000
	for i := 0; i < len(needs); i += chunk {
		part := needs[i:min(i+chunk, len(needs))]
		err := s.txConn(ctx, func(tx *sql.Tx, conn *sql.Conn) error {
			if s.engine == Postgres {
				values := make([][]any, len(part))
				for j, n := range part {
					values[j] = row(n)
				}
				return copyFrom(ctx, conn, "needs", benchNeedColumns, values)
			}
			return s.insertMultiRow(ctx, tx, "needs", benchNeedColumns, len(part), func(j int) []any { return row(part[j]) }, func(int) {})
		})
		if err != nil {
			return err
		}
	}
	for _, ddl := range indexes {
		if _, err := s.write.ExecContext(ctx, ddl); err != nil {
			return err
		}
	}
	return nil
}

// AnalyzeForTest refreshes the planner statistics, as an operator would after
// a bulk load.
func (s *Store) AnalyzeForTest(ctx context.Context) error {
	_, err := s.write.ExecContext(ctx, "ANALYZE")
	return err
}

// ExecForTest runs one statement on the writer: the tests use it to plant
// faults (a trigger that fails a write) that no input can cause.
func (s *Store) ExecForTest(ctx context.Context, query string) error {
	_, err := s.write.ExecContext(ctx, query)
	return err
}

// OutboxForTest returns every outbox row as event and payload, oldest first.
func (s *Store) OutboxForTest(ctx context.Context) ([][2]string, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT event, payload FROM outbox ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var e, p string
		if err := rows.Scan(&e, &p); err != nil {
			return nil, err
		}
		out = append(out, [2]string{e, p})
	}
	return out, rows.Err()
}

// BenchPerson is where a registered person works.
type BenchPerson struct {
	ID, InstitutionID int64
	RegionCode        string
}

// PeopleForTest lists every person's id, institution and region, by id.
func (s *Store) PeopleForTest(ctx context.Context) ([]BenchPerson, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT id, institution_id, region_code FROM people ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BenchPerson
	for rows.Next() {
		var p BenchPerson
		if err := rows.Scan(&p.ID, &p.InstitutionID, &p.RegionCode); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// LockUserForTest locks an account until the given time, as five failed
// logins would (accounts made by InsertUserForTest have no usable password).
func (s *Store) LockUserForTest(ctx context.Context, id int64, until time.Time) error {
	_, err := s.write.ExecContext(ctx, "UPDATE users SET locked_until = $1 WHERE id = $2", ms(until), id)
	return err
}

// AppendNeedEventForTest writes a history row as it is, as an earlier
// version of the program may have written it.
func (s *Store) AppendNeedEventForTest(ctx context.Context, needID int64, action, status, note, team string, at time.Time) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO need_events (need_id, at, username, action, from_status, to_status, note, team_region_code)
		VALUES ($1, $2, 'scheduler', $3, $4, $4, $5, $6)`, needID, ms(at), action, status, note, team)
	return err
}
