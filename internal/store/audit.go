package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
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
	hash := auditHash(prev, at, userID.Int64, username, role, ip, rec)
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (at, user_id, username, role, ip, action, object_type, object_id, outcome, detail, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		at, userID, username, role, ip, rec.Action, rec.ObjectType, rec.ObjectID, rec.Outcome, rec.Detail, prev, hash)
	if err != nil {
		return model.Internal(fmt.Errorf("audit insert: %w", err))
	}
	return nil
}

func auditHash(prev string, at, userID int64, username, role, ip string, rec auditRecord) string {
	h := sha256.New()
	for _, f := range []string{prev, strconv.FormatInt(at, 10), strconv.FormatInt(userID, 10), username, role, ip,
		rec.Action, rec.ObjectType, rec.ObjectID, rec.Outcome, rec.Detail} {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
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
	var where []string
	if f.UserID != 0 {
		where = append(where, "user_id = "+a.add(f.UserID))
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
	cond := "TRUE"
	if len(where) > 0 {
		cond = strings.Join(where, " AND ")
	}
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
		var e model.AuditEntry
		var at int64
		var uid sql.NullInt64
		if err := rows.Scan(&e.ID, &at, &uid, &e.Username, &e.Role, &e.IP, &e.Action, &e.ObjectType, &e.ObjectID, &e.Outcome, &e.Detail, &e.Hash); err != nil {
			return out, model.Internal(err)
		}
		e.At = fromMS(at)
		if uid.Valid {
			e.UserID = &uid.Int64
		}
		out.Items = append(out.Items, e)
	}
	if err := rows.Err(); err != nil {
		return out, model.Internal(err)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, s.Audit(ctx, ActAuditRead, "audit_log", "", model.OutcomeOK, fmt.Sprintf("rows=%d", len(out.Items)))
}

// VerifyAuditChain recomputes every hash of the chain and returns the number
// of rows checked, or an error naming the first broken row.
func (s *Store) VerifyAuditChain(ctx context.Context) (_ int, err error) {
	defer wrap(&err, "VerifyAuditChain()")
	rows, err := s.read.QueryContext(ctx, `SELECT id, at, user_id, username, role, ip, action, object_type, object_id, outcome, detail, prev_hash, hash
		FROM audit_log ORDER BY id`)
	if err != nil {
		return 0, model.Internal(err)
	}
	defer rows.Close()
	prev, n := "", 0
	for rows.Next() {
		var id, at int64
		var uid sql.NullInt64
		var username, role, ip, prevHash, hash string
		var rec auditRecord
		if err := rows.Scan(&id, &at, &uid, &username, &role, &ip, &rec.Action, &rec.ObjectType, &rec.ObjectID, &rec.Outcome, &rec.Detail, &prevHash, &hash); err != nil {
			return n, model.Internal(err)
		}
		if prevHash != prev || auditHash(prevHash, at, uid.Int64, username, role, ip, rec) != hash {
			return n, fmt.Errorf("audit chain broken at row %d", id)
		}
		prev = hash
		n++
	}
	return n, rows.Err()
}
