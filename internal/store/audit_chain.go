package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// The audit chain. Each row's hash is HMAC-SHA-256, under a subkey of the
// master key (seal.AuditMAC), of the previous row's hash and the row's
// fields: whoever can write the database but does not hold the key can
// neither edit a row nor recompute the chain after it. Databases from
// before the key carry rows chained with plain SHA-256; Migrate verifies
// them and re-keys them once (keyAuditChain).

// Reasons an audit row fails verification.
const (
	ChainLink    = "link"    // prev_hash is not the previous row's hash: a row removed, inserted or reordered
	ChainHash    = "hash"    // the row's fields or hash were changed, or the hash was made without the key
	ChainLegacy  = "legacy"  // the plain SHA-256 chain was already broken when it was keyed (recorded then)
	ChainUnkeyed = "unkeyed" // the chain has not been keyed yet: the database was not migrated
)

// AuditChainError names the first audit row that does not verify.
type AuditChainError struct {
	ID     int64
	Reason string
}

func (e *AuditChainError) Error() string {
	return fmt.Sprintf("audit chain broken at row %d (%s)", e.ID, e.Reason)
}

// chainBatch is how many rows a walk of the chain reads per query.
const chainBatch = 2000

// writeChainFields feeds the chained fields to h, each length-prefixed so
// that no two rows can be made to hash alike by moving text between fields.
func writeChainFields(h hash.Hash, prev string, at, userID int64, username, role, ip string, rec auditRecord) {
	for _, f := range []string{prev, strconv.FormatInt(at, 10), strconv.FormatInt(userID, 10), username, role, ip,
		rec.Action, rec.ObjectType, rec.ObjectID, rec.Outcome, rec.Detail} {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
}

// chainHash is the keyed link of one row.
func (s *Store) chainHash(prev string, at, userID int64, username, role, ip string, rec auditRecord) string {
	h := s.seal.AuditMAC()
	writeChainFields(h, prev, at, userID, username, role, ip, rec)
	return hex.EncodeToString(h.Sum(nil))
}

// plainChainHash is the link as it was before the chain was keyed.
func plainChainHash(prev string, at, userID int64, username, role, ip string, rec auditRecord) string {
	h := sha256.New()
	writeChainFields(h, prev, at, userID, username, role, ip, rec)
	return hex.EncodeToString(h.Sum(nil))
}

// chainRow is one audit row as the chain sees it.
type chainRow struct {
	id, at, userID     int64
	username, role, ip string
	rec                auditRecord
	prevHash, hash     string
}

// walkChain calls fn for every audit row up to the newest at the start, in
// id order, reading in batches so that memory stays flat on a long trail.
func walkChain(ctx context.Context, q queryer, fn func(r chainRow) error) error {
	var last int64
	if err := q.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM audit_log").Scan(&last); err != nil {
		return model.Internal(fmt.Errorf("audit chain: %w", err))
	}
	for after := int64(0); after < last; {
		rows, err := q.QueryContext(ctx, `SELECT id, at, user_id, username, role, ip, action, object_type, object_id, outcome, detail, prev_hash, hash
			FROM audit_log WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $3`, after, last, chainBatch)
		if err != nil {
			return model.Internal(fmt.Errorf("audit chain: %w", err))
		}
		var batch []chainRow
		for rows.Next() {
			var r chainRow
			var uid sql.NullInt64
			if err := rows.Scan(&r.id, &r.at, &uid, &r.username, &r.role, &r.ip, &r.rec.Action, &r.rec.ObjectType, &r.rec.ObjectID,
				&r.rec.Outcome, &r.rec.Detail, &r.prevHash, &r.hash); err != nil {
				rows.Close()
				return model.Internal(fmt.Errorf("audit chain: %w", err))
			}
			r.userID = uid.Int64
			batch = append(batch, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return model.Internal(fmt.Errorf("audit chain: %w", err))
		}
		if len(batch) == 0 {
			break
		}
		// fn runs after the batch is read: on PostgreSQL a transaction's
		// connection runs one statement at a time.
		for _, r := range batch {
			if err := fn(r); err != nil {
				return err
			}
		}
		after = batch[len(batch)-1].id
	}
	return nil
}

// VerifyAuditChain recomputes every link of the chain under the key and
// returns the number of rows checked, or an *AuditChainError naming the
// first broken row. It writes nothing; CheckAuditChain records its result.
func (s *Store) VerifyAuditChain(ctx context.Context) (_ int, err error) {
	defer wrap(&err, "VerifyAuditChain()")
	var keyedAt int64
	if err := s.read.QueryRowContext(ctx, "SELECT keyed_at FROM audit_chain WHERE id = 1").Scan(&keyedAt); err != nil {
		return 0, model.Internal(fmt.Errorf("audit chain state: %w", err))
	}
	prev, n := "", 0
	err = walkChain(ctx, s.read, func(r chainRow) error {
		if keyedAt == 0 {
			return &AuditChainError{ID: r.id, Reason: ChainUnkeyed}
		}
		if r.prevHash != prev {
			return &AuditChainError{ID: r.id, Reason: ChainLink}
		}
		if s.chainHash(r.prevHash, r.at, r.userID, r.username, r.role, r.ip, r.rec) != r.hash {
			return &AuditChainError{ID: r.id, Reason: ChainHash}
		}
		// The keying recorded a plain chain that was broken already: that
		// break stays visible, under the key, for as long as the trail lasts.
		if r.rec.Action == ActAuditRekey && r.rec.Outcome != model.OutcomeOK {
			if id, err := strconv.ParseInt(r.rec.ObjectID, 10, 64); err == nil {
				return &AuditChainError{ID: id, Reason: ChainLegacy}
			}
			return &AuditChainError{ID: r.id, Reason: ChainLegacy}
		}
		prev = r.hash
		n++
		return nil
	})
	return n, err
}

// CheckAuditChain verifies the chain and records the result as an audit row
// (action audit.verify; object_id the first broken row), which
// LastAuditVerification reads back for the auditor. via says who asked:
// start, daily or cli. A broken chain is a result, not an error: the
// error is for a check that could not run.
func (s *Store) CheckAuditChain(ctx context.Context, via string) (_ model.AuditVerification, err error) {
	defer wrap(&err, "CheckAuditChain(%q)", via)
	v := model.AuditVerification{At: s.now().UTC(), Via: via}
	n, err := s.VerifyAuditChain(ctx)
	v.Rows = n
	var broken *AuditChainError
	switch {
	case err == nil:
		v.OK = true
	case errors.As(err, &broken):
		v.BrokenID, v.Reason = broken.ID, broken.Reason
	default:
		return v, err
	}
	rec := auditRecord{Action: ActAuditVerify, ObjectType: "audit_log", Outcome: model.OutcomeOK,
		Detail: fmt.Sprintf("rows=%d via=%s", n, via)}
	if !v.OK {
		rec.ObjectID, rec.Outcome = strconv.FormatInt(v.BrokenID, 10), model.OutcomeFailed
		rec.Detail += " reason=" + v.Reason
	}
	if err := s.tx(ctx, func(tx *sql.Tx) error { return s.appendAudit(ctx, tx, rec) }); err != nil {
		return v, err
	}
	return v, nil
}

// LastAuditVerification returns the newest recorded check of the chain, or
// ok=false when there has been none. Only the auditor may read it.
// Returns EForbidden for any other role.
func (s *Store) LastAuditVerification(ctx context.Context) (_ model.AuditVerification, _ bool, err error) {
	defer wrap(&err, "LastAuditVerification()")
	var v model.AuditVerification
	if !auth.FromContext(ctx).Can(auth.PermAuditRead) {
		return v, false, model.Errorf(model.EForbidden, "error.forbidden")
	}
	var at int64
	var objectID, outcome, detail string
	err = s.read.QueryRowContext(ctx, `SELECT at, object_id, outcome, detail FROM audit_log
		WHERE action = $1 ORDER BY id DESC LIMIT 1`, ActAuditVerify).Scan(&at, &objectID, &outcome, &detail)
	if err == sql.ErrNoRows {
		return v, false, nil
	}
	if err != nil {
		return v, false, model.Internal(err)
	}
	v.At, v.OK = fromMS(at), outcome == model.OutcomeOK
	v.BrokenID, _ = strconv.ParseInt(objectID, 10, 64)
	for _, kv := range strings.Fields(detail) {
		k, val, _ := strings.Cut(kv, "=")
		switch k {
		case "rows":
			v.Rows, _ = strconv.Atoi(val)
		case "via":
			v.Via = val
		case "reason":
			v.Reason = val
		}
	}
	return v, true, nil
}

// keyAuditChain keys a chain written with plain SHA-256, once: in one
// transaction it verifies the plain chain, lifts the append-only trigger,
// recomputes every link under the key, puts the trigger back, marks the
// chain keyed and records an audit.rekey row (outcome failed, naming the
// first broken row, when the plain chain did not verify; that row keeps the
// break visible to every later verification). A crash leaves the plain
// chain as it was, to be keyed at the next start.
func (s *Store) keyAuditChain(ctx context.Context) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if s.engine == Postgres {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", auditLockKey); err != nil {
				return model.Internal(fmt.Errorf("audit lock: %w", err))
			}
		}
		var keyedAt int64
		if err := tx.QueryRowContext(ctx, "SELECT keyed_at FROM audit_chain WHERE id = 1").Scan(&keyedAt); err != nil {
			return model.Internal(fmt.Errorf("audit chain state: %w", err))
		}
		if keyedAt != 0 {
			return nil
		}
		var links []chainRow // id, new prev_hash and hash
		var brokenAt int64
		oldPrev, newPrev := "", ""
		err := walkChain(ctx, tx, func(r chainRow) error {
			if brokenAt == 0 && (r.prevHash != oldPrev || plainChainHash(r.prevHash, r.at, r.userID, r.username, r.role, r.ip, r.rec) != r.hash) {
				brokenAt = r.id
			}
			oldPrev = r.hash
			h := s.chainHash(newPrev, r.at, r.userID, r.username, r.role, r.ip, r.rec)
			links = append(links, chainRow{id: r.id, prevHash: newPrev, hash: h})
			newPrev = h
			return nil
		})
		if err != nil {
			return err
		}
		if len(links) > 0 {
			if err := s.liftAuditTriggers(ctx, tx); err != nil {
				return err
			}
			for _, l := range links {
				if _, err := tx.ExecContext(ctx, "UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE id = $3", l.prevHash, l.hash, l.id); err != nil {
					return model.Internal(fmt.Errorf("audit re-key row %d: %w", l.id, err))
				}
			}
			if err := s.restoreAuditTriggers(ctx, tx); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE audit_chain SET keyed_at = $1, rekeyed = $2 WHERE id = 1", ms(s.now()), len(links)); err != nil {
			return model.Internal(fmt.Errorf("audit chain state: %w", err))
		}
		if len(links) == 0 {
			return nil
		}
		rec := auditRecord{Action: ActAuditRekey, ObjectType: "audit_log", Outcome: model.OutcomeOK, Detail: fmt.Sprintf("rows=%d", len(links))}
		if brokenAt != 0 {
			rec.Outcome, rec.ObjectID = model.OutcomeFailed, strconv.FormatInt(brokenAt, 10)
			s.log.Error("the audit chain written before it was keyed is broken; the break stays recorded", "row", brokenAt)
		} else {
			s.log.Warn("keyed the audit chain (HMAC-SHA-256): rows written with plain SHA-256 re-chained once", "rows", len(links))
		}
		return s.appendAudit(auth.WithPrincipal(ctx, auth.System()), tx, rec)
	})
}

// liftAuditTriggers drops the append-only triggers inside the re-keying
// transaction; restoreAuditTriggers puts them back in the same one, so no
// other transaction ever sees the table without them.
func (s *Store) liftAuditTriggers(ctx context.Context, tx *sql.Tx) error {
	stmts := []string{"DROP TRIGGER IF EXISTS audit_log_no_update", "DROP TRIGGER IF EXISTS audit_log_no_delete"}
	if s.engine == Postgres {
		stmts = []string{"DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log"}
	}
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return model.Internal(fmt.Errorf("audit re-key: %w", err))
		}
	}
	return nil
}

func (s *Store) restoreAuditTriggers(ctx context.Context, tx *sql.Tx) error {
	stmts := []string{ // as in migrations/sqlite/00001_foundation.sql
		"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
		"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
	}
	if s.engine == Postgres { // as in migrations/postgres/00001_foundation.sql
		stmts = []string{"CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"}
	}
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return model.Internal(fmt.Errorf("audit re-key: %w", err))
		}
	}
	return nil
}
