package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// The second step of an administrator's web login.
const (
	StepOTP   = "otp"   // type the current code of the authenticator
	StepEnrol = "enrol" // set up an authenticator, then type its first code
)

// LoginResult is the outcome of a web login's password step: either a
// session (Token, Principal), or a pending login (Pending, Step) whose second
// step is due.
type LoginResult struct {
	Token     string
	Principal *auth.Principal
	// Pending is the token of a login waiting for its second step; the
	// browser keeps it in a cookie of its own, the state stays here.
	Pending string
	Step    string
	// Key is, for StepEnrol, the authenticator key offered: shown once.
	Key auth.TOTPKey
}

// PendingLogin is a login whose second step is due, as its pages show it.
type PendingLogin struct {
	UserID   int64
	Username string
	Step     string
}

// BeginLogin is the password step of the web login. An account that needs
// no second factor is logged in at once. An administrator gets a pending
// login instead, kept here for pol.PendingFor: with an authenticator, its
// code is asked next (StepOTP); without one, a new key is offered (StepEnrol),
// sealed in the pending login until a code confirms it. One pending login per
// account: a new password step replaces the one before. Returns what Login
// returns for the password.
func (s *Store) BeginLogin(ctx context.Context, c Credentials, pol SessionPolicy) (_ LoginResult, err error) {
	defer wrap(&err, "BeginLogin()")
	a, who, err := s.passwordStep(ctx, c, pol)
	if err != nil {
		return LoginResult{}, err
	}
	if !auth.RequiresTOTP(a.Role) {
		token, pr, err := s.openSession(who, a.ID, 0, c, pol)
		return LoginResult{Token: token, Principal: pr}, err
	}
	if pol.PendingFor <= 0 {
		pol.PendingFor = DefaultSessionPolicy.PendingFor
	}
	res := LoginResult{Pending: auth.NewToken(), Step: StepOTP}
	var sealed []byte
	if a.totpSecret == nil {
		res.Step = StepEnrol
		if res.Key, err = auth.NewTOTPKey(a.Username); err != nil {
			return LoginResult{}, model.Internal(err)
		}
		sealed = s.seal.Seal(res.Key.Secret)
	}
	now := s.now()
	err = s.tx(who, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(who, "DELETE FROM pending_logins WHERE user_id = $1 OR expires_at <= $2", a.ID, ms(now)); err != nil {
			return model.Internal(err)
		}
		if _, err := tx.ExecContext(who, `INSERT INTO pending_logins (token_hash, user_id, step, totp_secret_enc, created_at, expires_at, ip)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, tokenHash(res.Pending), a.ID, res.Step, sealed, ms(now), ms(now.Add(pol.PendingFor)), c.IP); err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(who, tx, auditRecord{Action: ActLoginPending, ObjectType: "user", ObjectID: strconv.FormatInt(a.ID, 10), Detail: res.Step})
	})
	if err != nil {
		return LoginResult{}, err
	}
	return res, nil
}

// errPendingGone is the answer for a pending login that is unknown, expired
// or overtaken (the account was locked, disabled or reset meanwhile): the
// password step starts again.
var errPendingGone = model.Errorf(model.EUnauthenticated, "login.pending_gone")

// pendingRow is a pending_logins row.
type pendingRow struct {
	userID int64
	step   string
	secret []byte
}

func (s *Store) readPending(ctx context.Context, q queryer, token string) (pendingRow, error) {
	var p pendingRow
	var expires int64
	if token == "" {
		return p, errPendingGone
	}
	err := q.QueryRowContext(ctx, "SELECT user_id, step, totp_secret_enc, expires_at FROM pending_logins WHERE token_hash = $1", tokenHash(token)).
		Scan(&p.userID, &p.step, &p.secret, &expires)
	if err == sql.ErrNoRows || err == nil && expires <= ms(s.now()) {
		return p, errPendingGone
	}
	if err != nil {
		return p, model.Internal(err)
	}
	return p, nil
}

// GetPendingLogin returns the pending login of token, for the pages of its
// second step. Returns EUnauthenticated when it is unknown or expired.
func (s *Store) GetPendingLogin(ctx context.Context, token string) (_ PendingLogin, err error) {
	defer wrap(&err, "GetPendingLogin()")
	// unscoped: login: the pending login token is the credential.
	p, err := s.readPending(ctx, s.write, token)
	if err != nil {
		return PendingLogin{}, err
	}
	var out PendingLogin
	if err := s.write.QueryRowContext(ctx, "SELECT id, username FROM users WHERE id = $1", p.userID).Scan(&out.UserID, &out.Username); err != nil {
		return out, errPendingGone
	}
	out.Step = p.step
	return out, nil
}

// NewEnrolmentKey offers a pending enrolment a new authenticator key in place
// of the one offered before, whose codes then no longer count: for the
// administrator who did not add the first one before leaving its page. The
// key is shown once. Returns EUnauthenticated as GetPendingLogin, EConflict
// when the pending login is not an enrolment.
func (s *Store) NewEnrolmentKey(ctx context.Context, token string) (_ auth.TOTPKey, err error) {
	defer wrap(&err, "NewEnrolmentKey()")
	// unscoped: login: the pending login token is the credential.
	var key auth.TOTPKey
	err = s.tx(ctx, func(tx *sql.Tx) error {
		p, err := s.readPending(ctx, tx, token)
		if err != nil {
			return err
		}
		if p.step != StepEnrol {
			return model.Errorf(model.EConflict, "otp.already_enrolled")
		}
		var username string
		if err := tx.QueryRowContext(ctx, "SELECT username FROM users WHERE id = $1", p.userID).Scan(&username); err != nil {
			return errPendingGone
		}
		if key, err = auth.NewTOTPKey(username); err != nil {
			return model.Internal(err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE pending_logins SET totp_secret_enc = $1 WHERE token_hash = $2", s.seal.Seal(key.Secret), tokenHash(token)); err != nil {
			return model.Internal(err)
		}
		return nil
	})
	return key, err
}

// CompleteLogin is the second step of a web login: code is the current code
// of the account's authenticator (StepOTP), or of the one being enrolled
// (StepEnrol), which it then confirms. It opens a session (c gives address
// and browser) and ends the pending login. A wrong or reused code counts as a
// failed login, audited as one; the fifth in a row locks the account and ends
// the pending login.
// Returns EInvalid for an empty code, EOTPInvalid, ELocked, and
// EUnauthenticated when the pending login is gone (start again).
func (s *Store) CompleteLogin(ctx context.Context, token, code string, c Credentials, pol SessionPolicy) (_ string, _ *auth.Principal, err error) {
	defer wrap(&err, "CompleteLogin()")
	// unscoped: login: the pending login token is the credential.
	p, err := s.readPending(ctx, s.write, token)
	if err != nil {
		return "", nil, err
	}
	a, err := s.readLoginAccount(ctx, s.write, "id", p.userID)
	if err == sql.ErrNoRows {
		return "", nil, errPendingGone
	}
	if err != nil {
		return "", nil, model.Internal(err)
	}
	who := acting(ctx, a.User, c.IP)
	now := s.now()
	switch {
	case a.lockedAt(now):
		return "", nil, lockedError(*a.LockedUntil, now)
	case a.Disabled || !auth.RequiresTOTP(a.Role) || p.step == StepOTP && a.totpSecret == nil || p.step == StepEnrol && (a.totpSecret != nil || p.secret == nil):
		s.write.ExecContext(ctx, "DELETE FROM pending_logins WHERE token_hash = $1", tokenHash(token))
		return "", nil, errPendingGone
	}
	if strings.TrimSpace(code) == "" {
		fe := model.FieldErrors{}
		fe.Add("otp", "field.required")
		return "", nil, fe.Err()
	}
	sealed := a.totpSecret
	if p.step == StepEnrol {
		sealed = p.secret
	}
	step, err := s.checkCode(who, a, sealed, code, ActLogin, pol)
	if err != nil {
		return "", nil, err
	}
	session := auth.NewToken()
	errRace := errors.New("pending login overtaken")
	err = s.tx(who, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(who, "DELETE FROM pending_logins WHERE token_hash = $1", tokenHash(token))
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errRace
		}
		uid := strconv.FormatInt(a.ID, 10)
		if p.step == StepEnrol {
			res, err = tx.ExecContext(who, `UPDATE users SET totp_secret_enc = $1, totp_enrolled_at = $2, totp_last_step = $3
				WHERE id = $4 AND totp_secret_enc IS NULL`, sealed, ms(now), step, a.ID)
		} else {
			res, err = tx.ExecContext(who, "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1", step, a.ID)
		}
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errRace
		}
		if p.step == StepEnrol {
			if err := s.appendAudit(who, tx, auditRecord{Action: ActOTPEnrol, ObjectType: "user", ObjectID: uid}); err != nil {
				return err
			}
		}
		return s.insertSession(who, tx, a.ID, session, c, pol)
	})
	if errors.Is(err, errRace) {
		// Another tab finished this login with the same code first.
		return "", nil, s.loginFailed(who, a.ID, failure{action: ActLogin, detail: "otp_replay", answer: model.Errorf(model.EOTPInvalid, "login.otp_invalid")}, pol)
	}
	if err != nil {
		return "", nil, err
	}
	pr, err := s.Authenticate(who, session, c.IP, pol)
	return session, pr, err
}

// ResetOTP removes the authenticator of account id, so that it enrols a new
// one at its next login, and ends the account's sessions and pending logins.
// The security administrator resets the accounts in their scope (the
// administrator who lost their phone); the command line resets any (`houdun
// user reset-otp`); an account resets its own only with a current code
// (code), checked and counted as at login. Audited.
// Returns EForbidden, ENotFound, EInvalid for one's own without a code,
// EOTPInvalid or ELocked for a wrong one, EConflict for one's own when there
// is no authenticator.
func (s *Store) ResetOTP(ctx context.Context, id int64, code string, pol SessionPolicy) (err error) {
	defer wrap(&err, "ResetOTP(%d)", id)
	// unscoped: secadmin's reset of another account's second factor is checked by role, the caller's own by code.
	pr := auth.FromContext(ctx)
	if pr == nil {
		return model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	self := !pr.System && pr.UserID == id
	detail := "by_security_admin"
	switch {
	case pr.System:
		detail = "by_system"
	case self:
		detail = "by_self"
		a, err := s.readLoginAccount(ctx, s.write, "id", id)
		if err == sql.ErrNoRows {
			return model.NotFound("user")
		}
		if err != nil {
			return model.Internal(err)
		}
		if a.totpSecret == nil {
			return model.Errorf(model.EConflict, "otp.not_enrolled")
		}
		if strings.TrimSpace(code) == "" {
			fe := model.FieldErrors{}
			fe.Add("otp", "otp.reset_own_needs_code")
			return fe.Err()
		}
		if _, err := s.checkCode(ctx, a, a.totpSecret, code, ActOTPReset, pol); err != nil {
			return err
		}
	case !pr.Can(auth.PermUserGrant):
		return model.Errorf(model.EForbidden, "error.forbidden")
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if !pr.System && !self {
			if _, err := s.getUser(ctx, tx, pr, id); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret_enc = NULL, totp_enrolled_at = 0, totp_last_step = 0,
			version = version + 1, updated_at = $1 WHERE id = $2`, ms(s.now()), id)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return model.NotFound("user")
		}
		for _, q := range []string{"DELETE FROM sessions WHERE user_id = $1", "DELETE FROM pending_logins WHERE user_id = $1"} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return model.Internal(err)
			}
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActOTPReset, ObjectType: "user", ObjectID: strconv.FormatInt(id, 10), Detail: detail})
	})
}

// EnrolOTP sets the authenticator of account username to a known secret
// without a code: for the demo's administrators, whose keys are printed
// beside their passwords, and for tests. Only the command-line system
// principal may. Returns EForbidden, ENotFound, EInvalid for a malformed secret.
func (s *Store) EnrolOTP(ctx context.Context, username, secret string) (err error) {
	defer wrap(&err, "EnrolOTP()")
	// unscoped: the caller's own account.
	pr := auth.FromContext(ctx)
	if pr == nil || !pr.System {
		return model.Errorf(model.EForbidden, "error.forbidden")
	}
	key, err := auth.TOTPKeyFor(username, secret)
	if err != nil {
		fe := model.FieldErrors{}
		fe.Add("secret", "otp.bad_secret")
		return fe.Err()
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `UPDATE users SET totp_secret_enc = $1, totp_enrolled_at = $2, totp_last_step = 0
			WHERE username = $3 RETURNING id`, s.seal.Seal(key.Secret), ms(s.now()), username).Scan(&id)
		if err == sql.ErrNoRows {
			return model.NotFound("user")
		}
		if err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActOTPEnrol, ObjectType: "user", ObjectID: strconv.FormatInt(id, 10), Detail: "by_system"})
	})
}

// UserIDByUsername returns the id of an account, for the command line, which
// names accounts by username. Only the system principal may.
// Returns EForbidden, ENotFound.
func (s *Store) UserIDByUsername(ctx context.Context, username string) (_ int64, err error) {
	defer wrap(&err, "UserIDByUsername()")
	// unscoped: the command line (houdun user reset-otp) on the server.
	pr := auth.FromContext(ctx)
	if pr == nil || !pr.System {
		return 0, model.Errorf(model.EForbidden, "error.forbidden")
	}
	var id int64
	err = s.read.QueryRowContext(ctx, "SELECT id FROM users WHERE username = $1", username).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, model.NotFound("user")
	}
	if err != nil {
		return 0, model.Internal(err)
	}
	return id, nil
}
