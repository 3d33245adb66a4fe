package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// Audit actions. Later areas add their own with the same shape: area.verb.
const (
	ActLogin          = "session.login"
	ActLogout         = "session.logout"
	ActLoginPending   = "session.pending" // the password was right; an administrator's second step is due
	ActOTPEnrol       = "user.otp_enrol"  // an authenticator confirmed by its first code
	ActOTPReset       = "user.otp_reset"  // an authenticator removed: the account enrols again at its next login
	ActPasswordChange = "user.password_change"
	ActDenied         = "access.denied"
	ActRegionCreate   = "region.create"
	ActInstCreate     = "institution.create"
	ActInstUpdate     = "institution.update"
	ActPersonCreate   = "person.create"
	ActPersonUpdate   = "person.update"
	ActPersonDelete   = "person.delete"
	ActPersonRead     = "person.read"
	ActPersonReveal   = "person.reveal"
	ActFamilyCreate   = "family.create"
	ActFamilyUpdate   = "family.update"
	ActFamilyDelete   = "family.delete"
	ActFamilyRead     = "family.read"
	ActImportPeople   = "import.people"
	ActImportFamilies = "import.families"
	ActExportPeople   = "export.people"
	// The exports of the working lists (report/lists.go): one row each,
	// naming the filter and the rows written.
	ActNeedExport      = "export.needs"
	ActVisitExport     = "export.visits"
	ActVolunteerExport = "export.volunteers"
	ActUserCreate      = "user.create"
	ActUserUpdate      = "user.update"
	ActAuditRead       = "audit.read"
	ActAuditVerify     = "audit.verify" // a check of the chain: its result, rows checked and the first broken row
	ActAuditRekey      = "audit.rekey"  // the one-time keying of rows chained with plain SHA-256
	ActAuditExport     = "export.audit"
)

// auditRecord is what a store method says about its own action.
type auditRecord struct {
	Action     string
	ObjectType string
	ObjectID   string
	Outcome    string
	Detail     string // never personal data: ids and counts only
}

// auditLockKey serialises PostgreSQL writers of the hash chain; SQLite has one writer anyway.
const auditLockKey = 725_117

// appendAudit writes one audit row inside tx, chained to the previous row.
func (s *Store) appendAudit(ctx context.Context, tx queryer, rec auditRecord) error {
	p := auth.FromContext(ctx)
	var userID sql.NullInt64
	username, role, ip := "anonymous", "", ""
	if p != nil {
		if p.UserID != 0 {
			userID = sql.NullInt64{Int64: p.UserID, Valid: true}
		}
		username, role, ip = p.Username, p.Role, p.IP
	}
	if rec.Outcome == "" {
		rec.Outcome = model.OutcomeOK
	}
	if s.engine == Postgres {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", auditLockKey); err != nil {
			return model.Internal(fmt.Errorf("audit lock: %w", err))
		}
	}
	var prev string
	err := tx.QueryRowContext(ctx, "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").Scan(&prev)
	if err != nil && err != sql.ErrNoRows {
		return model.Internal(fmt.Errorf("audit head: %w", err))
	}
	at := ms(s.now())
	hash := s.chainHash(prev, at, userID.Int64, username, role, ip, rec)
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (at, user_id, username, role, ip, action, object_type, object_id, outcome, detail, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		at, userID, username, role, ip, rec.Action, rec.ObjectType, rec.ObjectID, rec.Outcome, rec.Detail, prev, hash)
	if err != nil {
		return model.Internal(fmt.Errorf("audit insert: %w", err))
	}
	return nil
}

// Audit records an event in a transaction of its own: logins, denials and
// other events that are not part of a store write.
func (s *Store) Audit(ctx context.Context, action, objectType, objectID, outcome, detail string) (err error) {
	defer wrap(&err, "Audit()")
	return s.tx(ctx, func(tx *sql.Tx) error {
		return s.appendAudit(ctx, tx, auditRecord{Action: action, ObjectType: objectType, ObjectID: objectID, Outcome: outcome, Detail: detail})
	})
}

// ListAudit returns audit entries, newest first. Only the auditor may read them;
// the read itself is audited.
// Returns EForbidden for any other role.
func (s *Store) ListAudit(ctx context.Context, f model.AuditFilter) (_ model.List[model.AuditEntry], err error) {
	defer wrap(&err, "ListAudit()")
	var out model.List[model.AuditEntry]
	p := auth.FromContext(ctx)
	if !p.Can(auth.PermAuditRead) {
		return out, model.Errorf(model.EForbidden, "error.forbidden")
	}
	page := clampPage(f.Page)
	var a args
	cond := auditWhere(f, &a)
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE "+cond, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	q := `SELECT id, at, user_id, username, role, ip, action, object_type, object_id, outcome, detail, hash
		FROM audit_log WHERE ` + cond + " ORDER BY id DESC LIMIT " + a.add(page.Limit) + " OFFSET " + a.add(page.Offset)
	rows, err := s.read.QueryContext(ctx, q, a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	out.Items = []model.AuditEntry{}
	for rows.Next() {
		e, err := scanAuditEntry(rows)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, e)
	}
	if err := rows.Err(); err != nil {
		return out, model.Internal(err)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, s.Audit(ctx, ActAuditRead, "audit_log", "", model.OutcomeOK, fmt.Sprintf("rows=%d", len(out.Items)))
}

// auditWhere is the condition of an audit filter.
func auditWhere(f model.AuditFilter, a *args) string {
	var where []string
	if f.UserID != 0 {
		where = append(where, "user_id = "+a.add(f.UserID))
	}
	if f.Username != "" {
		where = append(where, "username = "+a.add(f.Username))
	}
	if f.Action != "" {
		where = append(where, "action = "+a.add(f.Action))
	}
	if f.ObjectType != "" {
		where = append(where, "object_type = "+a.add(f.ObjectType))
	}
	if f.ObjectID != "" {
		where = append(where, "object_id = "+a.add(f.ObjectID))
	}
	if !f.From.IsZero() {
		where = append(where, "at >= "+a.add(ms(f.From)))
	}
	if !f.To.IsZero() {
		where = append(where, "at < "+a.add(ms(f.To)))
	}
	if len(where) == 0 {
		return "TRUE"
	}
	return strings.Join(where, " AND ")
}

func scanAuditEntry(rows *sql.Rows) (model.AuditEntry, error) {
	var e model.AuditEntry
	var at int64
	var uid sql.NullInt64
	if err := rows.Scan(&e.ID, &at, &uid, &e.Username, &e.Role, &e.IP, &e.Action, &e.ObjectType, &e.ObjectID, &e.Outcome, &e.Detail, &e.Hash); err != nil {
		return e, err
	}
	e.At = fromMS(at)
	if uid.Valid {
		e.UserID = &uid.Int64
	}
	return e, nil
}

// ExportAudit calls fn for every audit entry matching f (no page), newest
// first, reading in batches, and records the export (export.audit, with the
// filter and the rows written; outcome failed when fn or a read failed).
// Only the auditor may export. It returns the number of entries passed to fn.
// Returns EForbidden for any other role.
func (s *Store) ExportAudit(ctx context.Context, f model.AuditFilter, fn func(e *model.AuditEntry) error) (n int, err error) {
	defer wrap(&err, "ExportAudit()")
	p := auth.FromContext(ctx)
	if !p.Can(auth.PermAuditRead) {
		return 0, model.Errorf(model.EForbidden, "error.forbidden")
	}
	defer func() {
		var d readDetail
		d.add("user", f.UserID)
		d.add("username", f.Username)
		d.add("action", f.Action)
		d.add("object_type", f.ObjectType)
		d.add("object", f.ObjectID)
		if !f.From.IsZero() {
			d.add("from", ms(f.From))
		}
		if !f.To.IsZero() {
			d.add("to", ms(f.To))
		}
		d = append(d, "rows="+strconv.Itoa(n))
		outcome := model.OutcomeOK
		if err != nil {
			outcome = model.OutcomeFailed
		}
		if aerr := s.Audit(ctx, ActAuditExport, "audit_log", "xlsx", outcome, d.String()); aerr != nil && err == nil {
			err = aerr
		}
	}()
	before := int64(0) // keyset paging: the next batch is older than the last row
	for {
		var a args
		cond := auditWhere(f, &a)
		if before != 0 {
			cond += " AND id < " + a.add(before)
		}
		rows, err := s.read.QueryContext(ctx, `SELECT id, at, user_id, username, role, ip, action, object_type, object_id, outcome, detail, hash
			FROM audit_log WHERE `+cond+" ORDER BY id DESC LIMIT "+a.add(chainBatch), a...)
		if err != nil {
			return n, model.Internal(err)
		}
		var batch []model.AuditEntry
		for rows.Next() {
			e, err := scanAuditEntry(rows)
			if err != nil {
				rows.Close()
				return n, model.Internal(err)
			}
			batch = append(batch, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return n, model.Internal(err)
		}
		for i := range batch {
			if err := fn(&batch[i]); err != nil {
				return n, err
			}
			n++
		}
		if len(batch) < chainBatch {
			return n, nil
		}
		before = batch[len(batch)-1].ID
	}
}
