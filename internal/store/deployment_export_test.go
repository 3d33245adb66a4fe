package store

import (
	"context"
	"database/sql"
)

// BenchDeployment is one deployment for BulkInsertDeploymentsForTest.
type BenchDeployment struct {
	PersonID, InstitutionID, PostID int64
	RegionCode                      string
	Tier                            int
	StartsOn, EndsOn                string
}

var benchDeploymentColumns = []string{"person_id", "region_code", "institution_id", "post_id", "tier", "starts_on", "ends_on", "shift_hours",
	"status", "created_by_name", "created_at", "updated_at"}

// BulkInsertDeploymentsForTest writes deployments straight into the table
// (COPY on PostgreSQL, multi-row inserts on SQLite), without rule checks,
// conflicts or audit: the fixture of the deployment benchmarks.
func (s *Store) BulkInsertDeploymentsForTest(ctx context.Context, deps []BenchDeployment) error {
	row := func(d BenchDeployment) []any {
		return []any{d.PersonID, d.RegionCode, d.InstitutionID, d.PostID, d.Tier, d.StartsOn, d.EndsOn, 8, "planned", "bench", int64(1), int64(1)}
	}
	const chunk = 100_000
	for i := 0; i < len(deps); i += chunk {
		part := deps[i:min(i+chunk, len(deps))]
		err := s.txConn(ctx, func(tx *sql.Tx, conn *sql.Conn) error {
			if s.engine == Postgres {
				values := make([][]any, len(part))
				for j, d := range part {
					values[j] = row(d)
				}
				return copyFrom(ctx, conn, "deployments", benchDeploymentColumns, values)
			}
			return s.insertMultiRow(ctx, tx, "deployments", benchDeploymentColumns, len(part), func(j int) []any { return row(part[j]) }, func(int) {})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

var benchCoupleColumns = []string{"person_id", "name", "relation", "birth_date", "lives_with", "care_needs", "medical_worker_person_id", "created_at", "updated_at"}

// BulkLinkCouplesForTest links each pair as spouses who are both medical
// workers (one family member on the first's record naming the second),
// with a child at home for every third couple.
func (s *Store) BulkLinkCouplesForTest(ctx context.Context, pairs [][2]int64) error {
	type member struct {
		person, worker int64
		relation, born string
	}
	var ms []member
	for i, p := range pairs {
		ms = append(ms, member{p[0], p[1], "spouse", "1985-01-01"})
		if i%3 == 0 {
			ms = append(ms, member{p[0], 0, "child", "2016-05-01"})
		}
	}
	row := func(m member) []any {
		var w any
		if m.worker != 0 {
			w = m.worker
		}
		return []any{m.person, "家属", m.relation, m.born, true, "", w, int64(1), int64(1)}
	}
	const chunk = 100_000
	for i := 0; i < len(ms); i += chunk {
		part := ms[i:min(i+chunk, len(ms))]
		err := s.txConn(ctx, func(tx *sql.Tx, conn *sql.Conn) error {
			if s.engine == Postgres {
				values := make([][]any, len(part))
				for j, m := range part {
					values[j] = row(m)
				}
				return copyFrom(ctx, conn, "family_members", benchCoupleColumns, values)
			}
			return s.insertMultiRow(ctx, tx, "family_members", benchCoupleColumns, len(part), func(j int) []any { return row(part[j]) }, func(int) {})
		})
		if err != nil {
			return err
		}
	}
	return nil
}
