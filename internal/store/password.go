package store

import (
	"context"
	"database/sql"
	"strconv"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// ChangePassword changes the caller's own password: the current one proves
// it is them, the new one must meet PasswordPolicy and differ from it. The
// caller's other sessions end, this one goes on; the change is audited.
// A wrong current password counts as a failed login (audited); the fifth in
// a row locks the account and ends all its sessions, this one too, since
// whoever is guessing holds a session. Bad input changes nothing else.
// Returns EUnauthenticated without a session, EInvalid with the fields
// current_password and new_password, ELocked.
func (s *Store) ChangePassword(ctx context.Context, in model.PasswordChange, pol SessionPolicy) (err error) {
	defer wrap(&err, "ChangePassword()")
	// unscoped: the caller's own account.
	pr := auth.FromContext(ctx)
	if pr == nil || pr.UserID == 0 {
		return model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	fe := model.FieldErrors{}
	if in.Current == "" {
		fe.Add("current_password", "field.required")
	}
	switch {
	case in.New == "":
		fe.Add("new_password", "field.required")
	case in.New == in.Current:
		fe.Add("new_password", "password.unchanged")
	default:
		if key := PasswordPolicy.Check(in.New); key != "" {
			fe.Add("new_password", key)
		}
	}
	if in.Current == "" {
		return fe.Err()
	}
	a, err := s.readLoginAccount(ctx, s.write, "id", pr.UserID)
	if err == sql.ErrNoRows {
		return model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	if err != nil {
		return model.Internal(err)
	}
	ok, err := auth.CheckPassword(a.hash, in.Current)
	if err != nil {
		return model.Internal(err)
	}
	if !ok {
		fe.Add("current_password", "password.wrong_current")
		return s.loginFailed(ctx, a.ID, failure{action: ActPasswordChange, detail: "bad_password", endSessions: true, answer: fe.Err()}, pol)
	}
	if len(fe) > 0 {
		return fe.Err()
	}
	hash, err := auth.HashPassword(in.New)
	if err != nil {
		return model.Internal(err)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		// The old hash in the condition: a reset or another change meanwhile wins.
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, failed_logins = 0, version = version + 1, updated_at = $2
			WHERE id = $3 AND password_hash = $4`, hash, ms(s.now()), a.ID, a.hash)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2", a.ID, pr.SessionID); err != nil {
			return model.Internal(err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM pending_logins WHERE user_id = $1", a.ID); err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActPasswordChange, ObjectType: "user", ObjectID: strconv.FormatInt(a.ID, 10)})
	})
}
