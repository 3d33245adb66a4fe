package store

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/model"
)

const userColumns = `u.id, u.username, u.display_name, u.role, COALESCE(u.region_code, ''), u.institution_id, u.person_id, u.disabled,
	u.locked_until, u.last_login_at, u.version, u.created_at, u.totp_enrolled_at, u.role_pending, u.password_change_required`

func scanUser(row interface{ Scan(...any) error }) (model.User, error) {
	var u model.User
	var inst, person sql.NullInt64
	var locked, last, created, enrolled int64
	if err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.RegionCode, &inst, &person, &u.Disabled, &locked, &last, &u.Version, &created,
		&enrolled, &u.RolePending, &u.PasswordChangeRequired); err != nil {
		return u, err
	}
	u.TOTPEnrolled = enrolled != 0
	if inst.Valid {
		u.InstitutionID = &inst.Int64
	}
	if person.Valid {
		u.PersonID = &person.Int64
	}
	if locked != 0 {
		t := fromMS(locked)
		u.LockedUntil = &t
	}
	if last != 0 {
		t := fromMS(last)
		u.LastLoginAt = &t
	}
	u.CreatedAt = fromMS(created)
	return u, nil
}

var usernamePattern = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9._@-]{2,63}$`)

// PasswordPolicy is the policy in force; secadmin settings will replace the default.
var PasswordPolicy = auth.DefaultPasswordPolicy

// ListUsers returns the accounts whose scope lies in the caller's region scope.
func (s *Store) ListUsers(ctx context.Context, f model.UserFilter) (_ model.List[model.User], err error) {
	defer wrap(&err, "ListUsers()")
	out := model.List[model.User]{Items: []model.User{}}
	pr, err := principal(ctx, auth.PermUserRead)
	if err != nil {
		return out, err
	}
	page := clampPage(f.Page)
	var a args
	cond := scopeOf(pr).on("users", "u", &a)
	if f.Q != "" {
		p := likePattern(f.Q)
		cond += " AND (u.username LIKE " + a.add(p) + ` ESCAPE '\' OR u.display_name LIKE ` + a.add(p) + ` ESCAPE '\')`
	}
	if f.Role != "" {
		cond += " AND u.role = " + a.add(f.Role)
	}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM users u WHERE "+cond, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+userColumns+" FROM users u WHERE "+cond+" ORDER BY u.username LIMIT "+a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, u)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, rows.Err()
}

// GetUser returns one account in the caller's scope.
// Returns ENotFound when missing or out of scope.
func (s *Store) GetUser(ctx context.Context, id int64) (_ model.User, err error) {
	defer wrap(&err, "GetUser(%d)", id)
	pr, err := principal(ctx, auth.PermUserRead)
	if err != nil {
		return model.User{}, err
	}
	return s.getUser(ctx, s.read, pr, id)
}

func (s *Store) getUser(ctx context.Context, q queryer, pr *auth.Principal, id int64) (model.User, error) {
	var a args
	cond := "u.id = " + a.add(id) + " AND " + scopeOf(pr).on("users", "u", &a)
	u, err := scanUser(q.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users u WHERE "+cond, a...))
	if err == sql.ErrNoRows {
		return u, model.NotFound("user")
	}
	if err != nil {
		return u, model.Internal(err)
	}
	return u, nil
}

// The three administrators kept apart (三权分立, DOMAIN.md): the system
// administrator keeps accounts (makes them, names them, resets passwords,
// disables and enables them); the security administrator grants roles and
// scopes; neither does the other's part, and no change does both. An account
// the system administrator makes, or whose password they reset while it has
// no authenticator, waits with its role pending until the security
// administrator grants it, so that neither of them alone ends up holding an
// account they can log into. An administrator account never becomes a
// business one or the reverse, and nobody changes their own role, scope,
// lock state or password here (their own password has its own change, which
// asks for the current one).

// userRefusal is a refused account change: the reason goes into the
// access.denied audit row, err to the caller.
type userRefusal struct {
	reason string
	err    error
}

func (r *userRefusal) Error() string { return r.err.Error() }

func refuse(reason string, err error) error { return &userRefusal{reason: reason, err: err} }

// audited writes the access.denied row of a refused account change, in a
// transaction of its own (the change's rolled back), and returns the error to
// answer; any other error passes through.
func (s *Store) audited(ctx context.Context, id int64, err error) error {
	var r *userRefusal
	if !errors.As(err, &r) {
		return err
	}
	obj := ""
	if id != 0 {
		obj = strconv.FormatInt(id, 10)
	}
	if aerr := s.Audit(ctx, ActDenied, "user", obj, model.OutcomeDenied, r.reason); aerr != nil {
		return aerr
	}
	return r.err
}

// roleKindFixed is the answer to turning an administrator account into a
// business one or the reverse: make a new account instead.
func roleKindFixed() error {
	return &model.Error{Code: model.EInvalid, Msg: model.M("user.role_kind_fixed"), Fields: map[string]model.Msg{"role": model.M("user.role_kind_fixed")}}
}

// userScopeRegion checks the scope fields of an account and returns the region
// its scope lies in. A worker is tied to their person record; everyone else to a
// region or an institution.
func (s *Store) userScopeRegion(ctx context.Context, q queryer, pr *auth.Principal, u *model.User, fe model.FieldErrors) string {
	set := 0
	if u.RegionCode != "" {
		set++
	}
	if u.InstitutionID != nil {
		set++
	}
	if u.PersonID != nil {
		set++
	}
	if set != 1 {
		fe.Add("region_code", "user.one_scope")
		return ""
	}
	if u.Role == auth.RoleWorker && u.PersonID == nil {
		fe.Add("person_id", "user.worker_needs_person")
		return ""
	}
	if u.Role != auth.RoleWorker && u.PersonID != nil {
		fe.Add("person_id", "user.person_only_worker")
		return ""
	}
	if u.Role == auth.RoleInstitutionAdmin && u.InstitutionID == nil {
		fe.Add("institution_id", "user.needs_institution")
		return ""
	}
	var code string
	var err error
	switch {
	case u.RegionCode != "":
		err = q.QueryRowContext(ctx, "SELECT code FROM regions WHERE code = $1", u.RegionCode).Scan(&code)
		if err == sql.ErrNoRows {
			fe.Add("region_code", "region.unknown")
			return ""
		}
	case u.InstitutionID != nil:
		err = q.QueryRowContext(ctx, "SELECT region_code FROM institutions WHERE id = $1", *u.InstitutionID).Scan(&code)
		if err == sql.ErrNoRows {
			fe.Add("institution_id", "institution.unknown")
			return ""
		}
	default:
		err = q.QueryRowContext(ctx, "SELECT region_code FROM people WHERE id = $1", *u.PersonID).Scan(&code)
		if err == sql.ErrNoRows {
			fe.Add("person_id", "person.unknown")
			return ""
		}
	}
	if err != nil {
		fe.Add("region_code", "error.internal")
		return ""
	}
	if !scopeOf(pr).hasRegion(code) {
		// An institution or person outside the caller's scope reads as unknown,
		// so that ids cannot be probed; regions are public.
		switch scopeField(u) {
		case "institution_id":
			fe.Add("institution_id", "institution.unknown")
		case "person_id":
			fe.Add("person_id", "person.unknown")
		default:
			fe.Add("region_code", "region.out_of_scope")
		}
	}
	return code
}

func scopeField(u *model.User) string {
	switch {
	case u.InstitutionID != nil:
		return "institution_id"
	case u.PersonID != nil:
		return "person_id"
	}
	return "region_code"
}

// CreateUser adds an account: the system administrator's. It waits with its
// role pending until the security administrator grants it (GrantUser or an
// UpdateUser naming the role), and its password must be changed at its first
// login. The command line (the system principal) makes working accounts.
// Returns EForbidden for anyone but the system administrator, EInvalid,
// EConflict for a taken username.
func (s *Store) CreateUser(ctx context.Context, in model.UserInput) (_ model.User, err error) {
	defer wrap(&err, "CreateUser()")
	pr := auth.FromContext(ctx)
	if pr == nil {
		return model.User{}, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	var u model.User
	set(&u.Username, in.Username)
	set(&u.DisplayName, in.DisplayName)
	set(&u.Role, in.Role)
	set(&u.RegionCode, in.RegionCode)
	u.RegionCode = normalRegion(u.RegionCode)
	u.InstitutionID, u.PersonID = in.InstitutionID, in.PersonID
	if pr.PasswordChangeRequired {
		return u, errPasswordChange
	}
	if !pr.Can(auth.PermUserWrite) {
		// Making accounts is the system administrator's; the security
		// administrator grants their roles afterwards.
		return u, s.audited(ctx, 0, refuse("create_not_sysadmin", model.Errorf(model.EForbidden, "user.create_sysadmin_only")))
	}
	u.Username = strings.TrimSpace(u.Username)
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	fe := model.FieldErrors{}
	if !usernamePattern.MatchString(u.Username) {
		fe.Add("username", "user.username_invalid")
	}
	if len([]rune(u.DisplayName)) > 50 {
		fe.Add("display_name", "field.too_long", 50)
	}
	if !auth.ValidRole(u.Role) {
		fe.Add("role", "field.choice")
	}
	password := ""
	if in.Password != nil {
		password = *in.Password
	}
	if key := PasswordPolicy.Check(password); key != "" {
		fe.Add("password", key)
	}
	if len(fe) > 0 {
		return u, fe.Err()
	}
	// The command line on the server makes working accounts (the first
	// administrators); an account made in the application waits for its role
	// to be granted, and its first password works once.
	pending := !pr.System
	hash, err := auth.HashPassword(password)
	if err != nil {
		return u, model.Internal(err)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		scopeRegion := s.userScopeRegion(ctx, tx, pr, &u, fe)
		if err := fe.Err(); err != nil {
			return err
		}
		now := ms(s.now())
		err := tx.QueryRowContext(ctx, `INSERT INTO users (username, display_name, password_hash, role, region_code, institution_id, person_id,
			scope_region_code, version, created_at, updated_at, role_pending, password_change_required)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9, $10, $10) RETURNING id`,
			u.Username, u.DisplayName, hash, u.Role, nullString(u.RegionCode), nullInt(u.InstitutionID), nullInt(u.PersonID), scopeRegion, now, pending).Scan(&u.ID)
		if isUniqueViolation(err) {
			return &model.Error{Code: model.EConflict, Msg: model.M("user.username_taken"), Fields: map[string]model.Msg{"username": model.M("user.username_taken")}}
		}
		if err != nil {
			return model.Internal(err)
		}
		detail := "role=" + u.Role
		if pending {
			detail += " role_pending"
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActUserCreate, ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10), Detail: detail}); err != nil {
			return err
		}
		u, err = scanUser(tx.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users u WHERE u.id = $1", u.ID))
		if err != nil {
			return model.Internal(err)
		}
		return nil
	})
	return u, err
}

// UpdateUser changes an account. Upkeep (display name, a password reset,
// disabling and enabling) is the system administrator's; role and scope are
// the security administrator's, whose change also grants a pending role; one
// change does not do both. Nobody changes their own account here. A password
// reset works once (the owner changes it at their next login), tells the
// owner's inbox, and puts the role back to pending when the account has no
// authenticator, since the administrator who reset it knows the password.
// Disabling, a reset or a change of role or scope ends the account's sessions.
// Every refusal is audited (access.denied, with the reason).
// Returns ENotFound, EForbidden, EInvalid (role: user.role_kind_fixed for an
// administrator account turned business or the reverse), EStaleVersion.
func (s *Store) UpdateUser(ctx context.Context, id int64, in model.UserInput) (_ model.User, err error) {
	defer wrap(&err, "UpdateUser(%d)", id)
	pr := auth.FromContext(ctx)
	if pr == nil {
		return model.User{}, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	if pr.PasswordChangeRequired {
		return model.User{}, errPasswordChange
	}
	if !pr.Can(auth.PermUserWrite) && !pr.Can(auth.PermUserGrant) {
		return model.User{}, model.Errorf(model.EForbidden, "error.forbidden")
	}
	scopeChange := in.Role != nil || in.RegionCode != nil || in.InstitutionID != nil || in.PersonID != nil
	upkeep := in.DisplayName != nil || in.Password != nil || in.Disabled != nil
	if !pr.System && pr.UserID == id && (scopeChange || in.Password != nil || in.Disabled != nil) {
		return model.User{}, s.audited(ctx, id, refuse("own_account", model.Errorf(model.EForbidden, "user.not_own")))
	}
	var u model.User
	err = s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.getUser(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if in.Version != nil && *in.Version != cur.Version {
			return staleVersion()
		}
		if !pr.System {
			switch {
			case scopeChange && upkeep:
				return refuse("grant_with_upkeep", model.Errorf(model.EForbidden, "user.one_part"))
			case scopeChange && !pr.Can(auth.PermUserGrant):
				return refuse("grant_not_secadmin", model.Errorf(model.EForbidden, "user.cannot_grant"))
			case upkeep && !pr.Can(auth.PermUserWrite):
				return refuse("upkeep_not_sysadmin", model.Errorf(model.EForbidden, "user.upkeep_sysadmin_only"))
			}
		}
		next := cur
		fe := model.FieldErrors{}
		if in.Username != nil && strings.TrimSpace(*in.Username) != cur.Username {
			fe.Add("username", "user.username_fixed")
		}
		if in.DisplayName != nil {
			next.DisplayName = strings.TrimSpace(*in.DisplayName)
			if len([]rune(next.DisplayName)) > 50 {
				fe.Add("display_name", "field.too_long", 50)
			}
		}
		if in.Disabled != nil {
			next.Disabled = *in.Disabled
		}
		if scopeChange {
			set(&next.Role, in.Role)
			if in.RegionCode != nil || in.InstitutionID != nil || in.PersonID != nil {
				next.RegionCode, next.InstitutionID, next.PersonID = "", in.InstitutionID, in.PersonID
				set(&next.RegionCode, in.RegionCode)
				next.RegionCode = normalRegion(next.RegionCode)
			}
			if !auth.ValidRole(next.Role) {
				fe.Add("role", "field.choice")
			} else if auth.IsAdminRole(next.Role) != auth.IsAdminRole(cur.Role) {
				return refuse("role_kind_fixed", roleKindFixed())
			}
			// The security administrator's change of role or scope is the grant.
			next.RolePending = false
		}
		hash := ""
		if in.Password != nil {
			if key := PasswordPolicy.Check(*in.Password); key != "" {
				fe.Add("password", key)
			} else if hash, err = auth.HashPassword(*in.Password); err != nil {
				return model.Internal(err)
			}
			if !pr.System {
				next.PasswordChangeRequired = true
				if !cur.TOTPEnrolled {
					next.RolePending = true
				}
			}
		}
		if len(fe) > 0 {
			return fe.Err()
		}
		scopeRegion := ""
		if scopeChange {
			scopeRegion = s.userScopeRegion(ctx, tx, pr, &next, fe)
			if err := fe.Err(); err != nil {
				return err
			}
		}
		var a args
		sets := []string{"display_name = " + a.add(next.DisplayName), "disabled = " + a.add(next.Disabled),
			"role_pending = " + a.add(next.RolePending), "password_change_required = " + a.add(next.PasswordChangeRequired),
			"version = version + 1", "updated_at = " + a.add(ms(s.now()))}
		if scopeChange {
			sets = append(sets, "role = "+a.add(next.Role), "region_code = "+a.add(nullString(next.RegionCode)),
				"institution_id = "+a.add(nullInt(next.InstitutionID)), "person_id = "+a.add(nullInt(next.PersonID)),
				"scope_region_code = "+a.add(scopeRegion))
		}
		if hash != "" {
			sets = append(sets, "password_hash = "+a.add(hash), "failed_logins = 0", "locked_until = 0")
		}
		res, err := tx.ExecContext(ctx, "UPDATE users SET "+strings.Join(sets, ", ")+" WHERE id = "+a.add(id)+" AND version = "+a.add(cur.Version), a...)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		if next.Disabled || hash != "" || scopeChange {
			for _, q := range []string{"DELETE FROM sessions WHERE user_id = $1", "DELETE FROM pending_logins WHERE user_id = $1"} {
				if _, err := tx.ExecContext(ctx, q, id); err != nil {
					return model.Internal(err)
				}
			}
		}
		detail := []string{}
		if scopeChange {
			detail = append(detail, "role="+next.Role)
			if cur.RolePending {
				detail = append(detail, "granted")
			}
		}
		if hash != "" {
			detail = append(detail, "password_reset")
			if next.RolePending && !cur.RolePending {
				detail = append(detail, "role_pending")
			}
		}
		if next.Disabled != cur.Disabled {
			detail = append(detail, "disabled="+strconv.FormatBool(next.Disabled))
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActUserUpdate, ObjectType: "user", ObjectID: strconv.FormatInt(id, 10), Detail: strings.Join(detail, " ")}); err != nil {
			return err
		}
		if hash != "" && !pr.System {
			// The owner learns of the reset in their inbox, which they see
			// once they have changed the password it gave them.
			if _, err := tx.ExecContext(ctx, "INSERT INTO notifications (user_id, kind, created_at) VALUES ($1, $2, $3)",
				id, model.NotifyPasswordReset, ms(s.now())); err != nil {
				return model.Internal(err)
			}
		}
		u, err = scanUser(tx.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users u WHERE u.id = $1", id))
		if err != nil {
			return model.Internal(err)
		}
		return nil
	})
	return u, s.audited(ctx, id, err)
}

// GrantUser is the security administrator's grant of the role an account
// waits for (the one it was made with), unchanged; UpdateUser with a role or
// scope grants too. Returns what UpdateUser returns.
func (s *Store) GrantUser(ctx context.Context, id int64) (model.User, error) {
	cur, err := s.GetUser(ctx, id)
	if err != nil {
		return cur, err
	}
	return s.UpdateUser(ctx, id, model.UserInput{Role: &cur.Role, Version: &cur.Version})
}

// set copies *src to *dst when src is given.
func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}
