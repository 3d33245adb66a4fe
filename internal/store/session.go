package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
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
	// PendingFor is how long a login whose password was right waits for its
	// second step (an administrator's code, or enrolling an authenticator).
	PendingFor time.Duration
}

// DefaultSessionPolicy: 30 minutes idle, 12 hours at most, locked 30 minutes
// after 5 failures (wrong passwords and wrong codes alike), 10 minutes for
// the second step of a login.
var DefaultSessionPolicy = SessionPolicy{IdleTimeout: 30 * time.Minute, MaxAge: 12 * time.Hour, MaxFailures: 5,
	LockFor: 30 * time.Minute, TouchInterval: time.Minute, PendingFor: 10 * time.Minute}

// dummyHash equalises the time a login with an unknown username takes.
var dummyHash, _ = auth.HashPassword("houdun-dummy-password")

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// Credentials are what a caller offers at login.
type Credentials struct {
	Username, Password string
	// OTP is an administrator's current authenticator code (auth.RequiresTOTP);
	// other accounts leave it empty.
	OTP           string
	IP, UserAgent string
}

// loginAccount is a users row as a login reads it.
type loginAccount struct {
	model.User
	hash       string
	totpSecret []byte // sealed; nil until an authenticator is confirmed
	totpLast   int64  // time step of the last code accepted
}

// rowWith scans a row into a user's columns and then extra destinations.
type rowWith struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (r rowWith) Scan(dest ...any) error { return r.row.Scan(append(dest, r.extra...)...) }

// readLoginAccount reads the account whose column col (username or id) is v.
func (s *Store) readLoginAccount(ctx context.Context, q queryer, col string, v any) (loginAccount, error) {
	var a loginAccount
	row := q.QueryRowContext(ctx, "SELECT "+userColumns+", u.password_hash, u.totp_secret_enc, u.totp_last_step FROM users u WHERE u."+col+" = $1", v)
	u, err := scanUser(rowWith{row, []any{&a.hash, &a.totpSecret, &a.totpLast}})
	a.User = u
	return a, err
}

// acting returns ctx acting as the account, for the audit rows of its login.
func acting(ctx context.Context, u model.User, ip string) context.Context {
	return auth.WithPrincipal(ctx, &auth.Principal{UserID: u.ID, Username: u.Username, Role: u.Role, IP: ip})
}

func (a loginAccount) lockedAt(now time.Time) bool {
	return a.LockedUntil != nil && a.LockedUntil.After(now)
}

func lockedError(until, now time.Time) error {
	return model.Errorf(model.ELocked, "login.locked", int(until.Sub(now).Minutes())+1)
}

// passwordStep checks a username and password. It returns the account and a
// context acting as it, or the error to answer: EUnauthenticated for a wrong
// name or password or a disabled account (one message for all, so names
// cannot be probed), ELocked while locked. Failures are counted and audited;
// success changes nothing yet (the counter is reset only when a session opens,
// so that a right password cannot clear the count of wrong codes).
func (s *Store) passwordStep(ctx context.Context, c Credentials, pol SessionPolicy) (loginAccount, context.Context, error) {
	a, err := s.readLoginAccount(ctx, s.write, "username", c.Username)
	if err == sql.ErrNoRows {
		auth.CheckPassword(dummyHash, c.Password)
		anon := auth.WithPrincipal(ctx, &auth.Principal{Username: c.Username, IP: c.IP})
		s.Audit(anon, ActLogin, "user", "", model.OutcomeFailed, "unknown_user")
		return a, nil, model.Errorf(model.EUnauthenticated, "login.failed")
	}
	if err != nil {
		return a, nil, model.Internal(err)
	}
	who := acting(ctx, a.User, c.IP)
	now := s.now()
	if a.lockedAt(now) {
		s.Audit(who, ActLogin, "user", strconv.FormatInt(a.ID, 10), model.OutcomeDenied, "locked")
		return a, who, lockedError(*a.LockedUntil, now)
	}
	ok, err := auth.CheckPassword(a.hash, c.Password)
	if err != nil {
		return a, who, model.Internal(err)
	}
	if ok && a.Disabled {
		s.Audit(who, ActLogin, "user", strconv.FormatInt(a.ID, 10), model.OutcomeFailed, "disabled")
		return a, who, model.Errorf(model.EUnauthenticated, "login.failed")
	}
	if !ok {
		return a, who, s.loginFailed(who, a.ID, failure{action: ActLogin, detail: "bad_password", answer: model.Errorf(model.EUnauthenticated, "login.failed")}, pol)
	}
	return a, who, nil
}

// failure is a failed attempt to prove who one is: what to audit, and what to answer.
type failure struct {
	action, detail string
	// endSessions: the attempt came from inside a session (a password change,
	// resetting one's own authenticator), so a lock ends the sessions too. A
	// failed login does not, or anyone could log a user out by guessing.
	endSessions bool
	answer      error
}

// loginFailed counts a failed attempt on account id — a wrong password or a
// wrong authenticator code, one counter for both — and audits it. The
// pol.MaxFailures-th failure in a row locks the account for pol.LockFor and
// ends its pending logins. It returns ELocked when this failure locked the
// account, f.answer otherwise.
func (s *Store) loginFailed(who context.Context, id int64, f failure, pol SessionPolicy) error {
	now := s.now()
	locked := false
	err := s.tx(who, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(who, "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins", id).Scan(&n); err != nil {
			return model.Internal(err)
		}
		d := f.detail
		if n >= pol.MaxFailures {
			locked, d = true, f.detail+" locked"
			if _, err := tx.ExecContext(who, "UPDATE users SET failed_logins = 0, locked_until = $1 WHERE id = $2", ms(now.Add(pol.LockFor)), id); err != nil {
				return model.Internal(err)
			}
			ends := []string{"DELETE FROM pending_logins WHERE user_id = $1"}
			if f.endSessions {
				ends = append(ends, "DELETE FROM sessions WHERE user_id = $1")
			}
			for _, q := range ends {
				if _, err := tx.ExecContext(who, q, id); err != nil {
					return model.Internal(err)
				}
			}
		}
		return s.appendAudit(who, tx, auditRecord{Action: f.action, ObjectType: "user", ObjectID: strconv.FormatInt(id, 10), Outcome: model.OutcomeFailed, Detail: d})
	})
	if err != nil {
		return err
	}
	if locked {
		return model.Errorf(model.ELocked, "login.locked", int(pol.LockFor.Minutes()))
	}
	return f.answer
}

// Login checks a username, password and, for an administrator, the current
// code of their authenticator, and opens a session. The returned token is
// shown once; only its hash is stored. Every attempt is audited.
// Returns EUnauthenticated for a wrong name or password or a disabled account
// (one message for all, so names cannot be probed), ELocked while locked;
// for an administrator whose password was right, EOTPRequired without a code,
// EOTPInvalid for a wrong or reused code (counted like a wrong password), and
// EOTPEnrol when no authenticator is set up yet (that happens in the web
// login, BeginLogin).
func (s *Store) Login(ctx context.Context, c Credentials, pol SessionPolicy) (string, *auth.Principal, error) {
	a, who, err := s.passwordStep(ctx, c, pol)
	if err != nil {
		return "", nil, err
	}
	uid := strconv.FormatInt(a.ID, 10)
	if !auth.RequiresTOTP(a.Role) {
		return s.openSession(who, a.ID, 0, c, pol)
	}
	switch {
	case a.totpSecret == nil:
		s.Audit(who, ActLoginPending, "user", uid, model.OutcomeDenied, "otp_enrolment_required")
		return "", nil, model.Errorf(model.EOTPEnrol, "login.otp_enrol")
	case strings.TrimSpace(c.OTP) == "":
		s.Audit(who, ActLoginPending, "user", uid, model.OutcomeOK, "otp")
		return "", nil, model.Errorf(model.EOTPRequired, "login.otp_required")
	}
	step, err := s.checkCode(who, a, a.totpSecret, c.OTP, ActLogin, pol)
	if err != nil {
		return "", nil, err
	}
	return s.openSession(who, a.ID, step, c, pol)
}

// checkCode matches an authenticator code against a sealed secret, past the
// account's last accepted step. A wrong code counts as a failed login,
// audited as action (a login, or the reset of one's own authenticator).
func (s *Store) checkCode(who context.Context, a loginAccount, sealed []byte, code, action string, pol SessionPolicy) (int64, error) {
	secret, err := s.seal.Open(sealed)
	if err != nil {
		return 0, model.Internal(err)
	}
	step, ok := auth.MatchTOTP(secret, code, s.now(), a.totpLast)
	if !ok {
		return 0, s.loginFailed(who, a.ID, failure{action: action, detail: "bad_otp", endSessions: action != ActLogin,
			answer: model.Errorf(model.EOTPInvalid, "login.otp_invalid")}, pol)
	}
	return step, nil
}

// openSession opens a session for account id and resets its failure count.
// step > 0 is the time step of the authenticator code that let it in: it
// becomes the account's last step in the same transaction, and a code whose
// step is no longer after it (another login used it meanwhile) is refused.
func (s *Store) openSession(who context.Context, id, step int64, c Credentials, pol SessionPolicy) (string, *auth.Principal, error) {
	token := auth.NewToken()
	errReplay := errors.New("code used meanwhile")
	err := s.tx(who, func(tx *sql.Tx) error {
		if step > 0 {
			res, err := tx.ExecContext(who, "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1", step, id)
			if err != nil {
				return model.Internal(err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return errReplay
			}
		}
		return s.insertSession(who, tx, id, token, c, pol)
	})
	if errors.Is(err, errReplay) {
		return "", nil, s.loginFailed(who, id, failure{action: ActLogin, detail: "otp_replay", answer: model.Errorf(model.EOTPInvalid, "login.otp_invalid")}, pol)
	}
	if err != nil {
		return "", nil, err
	}
	pr, err := s.Authenticate(who, token, c.IP, pol)
	return token, pr, err
}

// insertSession records a new session and the login that opened it, inside tx.
func (s *Store) insertSession(who context.Context, tx *sql.Tx, id int64, token string, c Credentials, pol SessionPolicy) error {
	now := s.now()
	if _, err := tx.ExecContext(who, "UPDATE users SET failed_logins = 0, locked_until = 0, last_login_at = $1 WHERE id = $2", ms(now), id); err != nil {
		return model.Internal(err)
	}
	if _, err := tx.ExecContext(who, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
		VALUES ($1, $2, $3, $3, $4, $5, $6)`, tokenHash(token), id, ms(now), ms(now.Add(pol.MaxAge)), c.IP, truncate(c.UserAgent, 200)); err != nil {
		return model.Internal(err)
	}
	return s.appendAudit(who, tx, auditRecord{Action: ActLogin, ObjectType: "user", ObjectID: strconv.FormatInt(id, 10)})
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
			if !isStorageFull(err) {
				return nil, model.Internal(err)
			}
			// A full disk does not end a valid session: reads go on, and
			// each write answers "storage full" by itself.
			s.classify(err)
			s.log.Warn("session touch refused: storage full", "user", pr.UserID)
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

// DeleteExpiredSessions removes sessions past their end, and pending logins
// whose second step was never done; the server runs it periodically. It
// counts the sessions.
func (s *Store) DeleteExpiredSessions(ctx context.Context, pol SessionPolicy) (int64, error) {
	now := s.now()
	if _, err := s.write.ExecContext(ctx, "DELETE FROM pending_logins WHERE expires_at <= $1", ms(now)); err != nil {
		return 0, model.Internal(err)
	}
	res, err := s.write.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2", ms(now), ms(now.Add(-pol.IdleTimeout)))
	if err != nil {
		return 0, model.Internal(err)
	}
	return res.RowsAffected()
}
