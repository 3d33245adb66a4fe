package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"strconv"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// SessionPolicy holds the login and session limits (MLPS level 3 defaults).
type SessionPolicy struct {
	IdleTimeout   time.Duration // a session unused this long ends
	MaxAge        time.Duration // a session ends this long after login, used or not
	MaxFailures   int           // failed logins in a row before the account locks
	LockFor       time.Duration
	TouchInterval time.Duration // last_seen_at is written at most this often
}

// DefaultSessionPolicy: 30 minutes idle, 12 hours at most, locked 30 minutes after 5 failures.
var DefaultSessionPolicy = SessionPolicy{IdleTimeout: 30 * time.Minute, MaxAge: 12 * time.Hour, MaxFailures: 5,
	LockFor: 30 * time.Minute, TouchInterval: time.Minute}

// dummyHash equalises the time a login with an unknown username takes.
var dummyHash, _ = auth.HashPassword("houdun-dummy-password")

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// Login checks a username and password and opens a session. The returned
// token is shown once; only its hash is stored. Every attempt is audited.
// Returns EUnauthenticated for a wrong name or password or a disabled account
// (one message for all, so names cannot be probed), ELocked while locked.
func (s *Store) Login(ctx context.Context, username, password, ip, userAgent string, pol SessionPolicy) (string, *auth.Principal, error) {
	var u model.User
	var hash string
	var failed int
	row := s.write.QueryRowContext(ctx, "SELECT "+userColumns+", u.password_hash, u.failed_logins FROM users u WHERE u.username = $1", username)
	var inst, person sql.NullInt64
	var locked, last, created int64
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.RegionCode, &inst, &person, &u.Disabled, &locked, &last, &u.Version, &created, &hash, &failed)
	anon := auth.WithPrincipal(ctx, &auth.Principal{Username: username, IP: ip})
	if err == sql.ErrNoRows {
		auth.CheckPassword(dummyHash, password)
		s.Audit(anon, ActLogin, "user", "", model.OutcomeFailed, "unknown_user")
		return "", nil, model.Errorf(model.EUnauthenticated, "login.failed")
	}
	if err != nil {
		return "", nil, model.Internal(err)
	}
	who := auth.WithPrincipal(ctx, &auth.Principal{UserID: u.ID, Username: u.Username, Role: u.Role, IP: ip})
	uid := strconv.FormatInt(u.ID, 10)
	now := s.now()
	if locked > ms(now) {
		s.Audit(who, ActLogin, "user", uid, model.OutcomeDenied, "locked")
		return "", nil, model.Errorf(model.ELocked, "login.locked", int(fromMS(locked).Sub(now).Minutes())+1)
	}
	ok, err := auth.CheckPassword(hash, password)
	if err != nil {
		return "", nil, model.Internal(err)
	}
	if !ok || u.Disabled {
		detail := "bad_password"
		switch {
		case ok:
			detail = "disabled"
		case failed+1 >= pol.MaxFailures:
			detail = "locked"
		}
		err := s.tx(ctx, func(tx *sql.Tx) error {
			var err error
			switch detail {
			case "locked":
				_, err = tx.ExecContext(ctx, "UPDATE users SET failed_logins = 0, locked_until = $1 WHERE id = $2", ms(now.Add(pol.LockFor)), u.ID)
			case "bad_password":
				_, err = tx.ExecContext(ctx, "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1", u.ID)
			}
			if err != nil {
				return model.Internal(err)
			}
			return s.appendAudit(who, tx, auditRecord{Action: ActLogin, ObjectType: "user", ObjectID: uid, Outcome: model.OutcomeFailed, Detail: detail})
		})
		if err != nil {
			return "", nil, err
		}
		if detail == "locked" {
			return "", nil, model.Errorf(model.ELocked, "login.locked", int(pol.LockFor.Minutes()))
		}
		return "", nil, model.Errorf(model.EUnauthenticated, "login.failed")
	}
	token := auth.NewToken()
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE users SET failed_logins = 0, locked_until = 0, last_login_at = $1 WHERE id = $2", ms(now), u.ID); err != nil {
			return model.Internal(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
			VALUES ($1, $2, $3, $3, $4, $5, $6)`, tokenHash(token), u.ID, ms(now), ms(now.Add(pol.MaxAge)), ip, truncate(userAgent, 200)); err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(who, tx, auditRecord{Action: ActLogin, ObjectType: "user", ObjectID: uid})
	})
	if err != nil {
		return "", nil, err
	}
	pr, err := s.Authenticate(ctx, token, ip, pol)
	return token, pr, err
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// Authenticate returns the principal of a session token, sliding its idle timeout.
// Returns EUnauthenticated for an unknown, expired or idle token or a disabled account.
func (s *Store) Authenticate(ctx context.Context, token, ip string, pol SessionPolicy) (*auth.Principal, error) {
	if token == "" {
		return nil, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	th := tokenHash(token)
	var pr auth.Principal
	var inst, person sql.NullInt64
	var region string
	var disabled bool
	var lastSeen, expires int64
	lookup, err := s.readStmt(ctx, `SELECT u.id, u.username, u.role, COALESCE(u.region_code, ''), u.institution_id, u.person_id, u.disabled,
		s.last_seen_at, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`)
	if err != nil {
		return nil, model.Internal(err)
	}
	err = lookup.QueryRowContext(ctx, th).Scan(&pr.UserID, &pr.Username, &pr.Role, &region, &inst, &person, &disabled, &lastSeen, &expires)
	if err == sql.ErrNoRows {
		return nil, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	if err != nil {
		return nil, model.Internal(err)
	}
	now := s.now()
	if disabled || ms(now) >= expires || now.Sub(fromMS(lastSeen)) >= pol.IdleTimeout {
		s.write.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = $1", th)
		return nil, model.Errorf(model.EUnauthenticated, "session.expired")
	}
	if now.Sub(fromMS(lastSeen)) >= pol.TouchInterval {
		if _, err := s.write.ExecContext(ctx, "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2", ms(now), th); err != nil {
			return nil, model.Internal(err)
		}
	}
	pr.RegionCode, pr.InstitutionID, pr.PersonID = region, inst.Int64, person.Int64
	pr.SessionID, pr.IP = th, ip
	return &pr, nil
}

// Logout ends the caller's session.
func (s *Store) Logout(ctx context.Context) error {
	pr := auth.FromContext(ctx)
	if pr == nil || pr.SessionID == "" {
		return nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = $1", pr.SessionID); err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActLogout, ObjectType: "user", ObjectID: strconv.FormatInt(pr.UserID, 10)})
	})
}

// DeleteExpiredSessions removes sessions past their end; the server runs it periodically.
func (s *Store) DeleteExpiredSessions(ctx context.Context, pol SessionPolicy) (int64, error) {
	now := s.now()
	res, err := s.write.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2", ms(now), ms(now.Add(-pol.IdleTimeout)))
	if err != nil {
		return 0, model.Internal(err)
	}
	return res.RowsAffected()
}
