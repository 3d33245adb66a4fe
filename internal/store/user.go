package store

import (
	"context"
	"database/sql"
	"regexp"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/model"
)

const userColumns = `u.id, u.username, u.display_name, u.role, COALESCE(u.region_code, ''), u.institution_id, u.person_id, u.disabled,
	u.locked_until, u.last_login_at, u.version, u.created_at, u.totp_enrolled_at`

func scanUser(row interface{ Scan(...any) error }) (model.User, error) {
	var u model.User
	var inst, person sql.NullInt64
	var locked, last, created, enrolled int64
	if err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.RegionCode, &inst, &person, &u.Disabled, &locked, &last, &u.Version, &created,
		&enrolled); err != nil {
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
func (s *Store) ListUsers(ctx context.Context, f model.UserFilter) (model.List[model.User], error) {
	out := model.List[model.User]{Items: []model.User{}}
	pr, err := principal(ctx, auth.PermUserRead)
	if err != nil {
		return out, err
	}
	page := clampPage(f.Page)
	var a args
	cond := userScope(pr, &a)
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

// userScope: administrators see the accounts scoped inside their own region.
func userScope(pr *auth.Principal, a *args) string {
	if pr.InstitutionID != 0 || pr.PersonID != 0 {
		return "FALSE"
	}
	return regionRange("u.scope_region_code", pr.RegionCode, a)
}

// GetUser returns one account in the caller's scope.
// Returns ENotFound when missing or out of scope.
func (s *Store) GetUser(ctx context.Context, id int64) (model.User, error) {
	pr, err := principal(ctx, auth.PermUserRead)
	if err != nil {
		return model.User{}, err
	}
	return s.getUser(ctx, s.read, pr, id)
}

func (s *Store) getUser(ctx context.Context, q queryer, pr *auth.Principal, id int64) (model.User, error) {
	var a args
	cond := "u.id = " + a.add(id) + " AND " + userScope(pr, &a)
	u, err := scanUser(q.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users u WHERE "+cond, a...))
	if err == sql.ErrNoRows {
		return u, model.NotFound("user")
	}
	if err != nil {
		return u, model.Internal(err)
	}
	return u, nil
}

// canGrant: sysadmin manages business accounts; only secadmin creates or
// changes the three administrator roles (三权分立).
func canGrant(pr *auth.Principal, role string) bool {
	if auth.IsAdminRole(role) {
		return pr.Can(auth.PermUserGrant)
	}
	return pr.Can(auth.PermUserWrite) || pr.Can(auth.PermUserGrant)
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
	if !pr.System && (pr.InstitutionID != 0 || pr.PersonID != 0 || !inRegionScope(pr, code)) {
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

// CreateUser adds an account.
// Returns EForbidden for a role the caller may not grant, EInvalid, EConflict for a taken username.
func (s *Store) CreateUser(ctx context.Context, in model.UserInput) (model.User, error) {
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
	if !pr.Can(auth.PermUserWrite) && !pr.Can(auth.PermUserGrant) {
		return u, model.Errorf(model.EForbidden, "error.forbidden")
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
	} else if !canGrant(pr, u.Role) {
		return u, model.Errorf(model.EForbidden, "user.cannot_grant")
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
			scope_region_code, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) RETURNING id`,
			u.Username, u.DisplayName, hash, u.Role, nullString(u.RegionCode), nullInt(u.InstitutionID), nullInt(u.PersonID), scopeRegion, now).Scan(&u.ID)
		if isUniqueViolation(err) {
			return &model.Error{Code: model.EConflict, Msg: model.M("user.username_taken"), Fields: map[string]model.Msg{"username": model.M("user.username_taken")}}
		}
		if err != nil {
			return model.Internal(err)
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActUserCreate, ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10), Detail: "role=" + u.Role}); err != nil {
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

// UpdateUser changes an account: display name, password (a reset), disabled,
// and, for the roles that may grant them, role and scope. Disabling an account
// or resetting its password ends its sessions.
// Returns ENotFound, EForbidden, EInvalid, EStaleVersion.
func (s *Store) UpdateUser(ctx context.Context, id int64, in model.UserInput) (model.User, error) {
	pr := auth.FromContext(ctx)
	if pr == nil {
		return model.User{}, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	if !pr.Can(auth.PermUserWrite) && !pr.Can(auth.PermUserGrant) {
		return model.User{}, model.Errorf(model.EForbidden, "error.forbidden")
	}
	var u model.User
	err := s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.getUser(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if in.Version != nil && *in.Version != cur.Version {
			return staleVersion()
		}
		if !canGrant(pr, cur.Role) {
			return model.Errorf(model.EForbidden, "user.cannot_grant")
		}
		// Upkeep of an account (name, password reset, disabling) is the
		// sysadmin's for business accounts and the secadmin's for administrators.
		upkeep := in.DisplayName != nil || in.Password != nil || in.Disabled != nil
		if upkeep && !(auth.IsAdminRole(cur.Role) && pr.Can(auth.PermUserGrant) || !auth.IsAdminRole(cur.Role) && pr.Can(auth.PermUserWrite)) {
			return model.Errorf(model.EForbidden, "error.forbidden")
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
		scopeChange := in.Role != nil || in.RegionCode != nil || in.InstitutionID != nil || in.PersonID != nil
		if scopeChange {
			set(&next.Role, in.Role)
			if in.RegionCode != nil || in.InstitutionID != nil || in.PersonID != nil {
				next.RegionCode, next.InstitutionID, next.PersonID = "", in.InstitutionID, in.PersonID
				set(&next.RegionCode, in.RegionCode)
				next.RegionCode = normalRegion(next.RegionCode)
			}
			if !auth.ValidRole(next.Role) {
				fe.Add("role", "field.choice")
			} else if !canGrant(pr, next.Role) {
				return model.Errorf(model.EForbidden, "user.cannot_grant")
			}
		}
		hash := ""
		if in.Password != nil {
			if key := PasswordPolicy.Check(*in.Password); key != "" {
				fe.Add("password", key)
			} else if hash, err = auth.HashPassword(*in.Password); err != nil {
				return model.Internal(err)
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
			if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = $1", id); err != nil {
				return model.Internal(err)
			}
		}
		detail := []string{}
		if scopeChange {
			detail = append(detail, "role="+next.Role)
		}
		if hash != "" {
			detail = append(detail, "password_reset")
		}
		if next.Disabled != cur.Disabled {
			detail = append(detail, "disabled="+strconv.FormatBool(next.Disabled))
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActUserUpdate, ObjectType: "user", ObjectID: strconv.FormatInt(id, 10), Detail: strings.Join(detail, " ")}); err != nil {
			return err
		}
		u, err = scanUser(tx.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users u WHERE u.id = $1", id))
		if err != nil {
			return model.Internal(err)
		}
		return nil
	})
	return u, err
}

// set copies *src to *dst when src is given.
func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}
