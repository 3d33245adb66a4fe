package store

import (
	"context"
	"database/sql"
	"strconv"
)

// BenchIncident is one incident of a benchmark's fixture.
type BenchIncident struct {
	PersonID, InstitutionID int64
	RegionCode, Status      string
	Outcome, PartyKind      string
	ContactDueAt            int64
	ConcludeDueAt           int64
	ContactedAt, CreatedAt  int64
}

var benchIncidentColumns = []string{"region_code", "institution_id", "person_id", "reporter_kind", "reporter_key", "reporter_name_enc",
	"reporter_contact_enc", "occurred_on", "place_enc", "description_enc", "party_kinds", "status", "contact_due_at", "conclude_due_at",
	"contacted_at", "outcome", "concluded_at", "recorded_by_name", "created_at", "updated_at"}

// BulkInsertIncidentsForTest writes incidents (and one party each) straight
// into the tables with the import path's multi-row inserts, sealed as
// CreateIncident seals them, without steps or audit rows.
func (s *Store) BulkInsertIncidentsForTest(ctx context.Context, in []BenchIncident) error {
	name, contact := s.seal.Seal("基准报告人"), s.seal.Seal("13800000000")
	place, desc := s.seal.Seal("基准测试地点"), s.seal.Seal("基准测试用事件经过")
	const chunk = 50_000
	for i := 0; i < len(in); i += chunk {
		part := in[i:min(i+chunk, len(in))]
		err := s.txConn(ctx, func(tx *sql.Tx, conn *sql.Conn) error {
			var first int64
			if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM incidents").Scan(&first); err != nil {
				return err
			}
			err := s.insertMultiRow(ctx, tx, "incidents", benchIncidentColumns, len(part), func(j int) []any {
				t := part[j]
				concluded := int64(0)
				if t.Outcome != "" {
					concluded = t.CreatedAt
				}
				return []any{t.RegionCode, t.InstitutionID, t.PersonID, "worker", s.seal.Hash(hashIncidentReporter, "user:"+strconv.Itoa(j%5000)),
					name, contact, "2026-01-01", place, desc, "," + t.PartyKind + ",", t.Status, t.ContactDueAt, t.ConcludeDueAt, t.ContactedAt,
					t.Outcome, concluded, "bench", t.CreatedAt, t.CreatedAt}
			}, func(int) {})
			if err != nil {
				return err
			}
			return s.insertMultiRow(ctx, tx, "incident_parties", []string{"incident_id", "region_code", "kind", "name"}, len(part), func(j int) []any {
				return []any{first + int64(j) + 1, part[j].RegionCode, part[j].PartyKind, "某当事方" + strconv.Itoa(j%997)}
			}, func(int) {})
		})
		if err != nil {
			return err
		}
	}
	return nil
}
