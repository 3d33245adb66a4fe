package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/model"
)

// chinaDay is the zone of calendar dates (pairing periods): China Standard Time.
var chinaDay = time.FixedZone("UTC+8", 8*3600)

// today is the calendar date in China at t.
func today(t time.Time) string { return t.In(chinaDay).Format(time.DateOnly) }

// hashVolunteerPhone keeps volunteers' phones in the phone hash domain of people,
// so that one number finds both.
const hashVolunteerPhone = hashPhone

// volunteerReach is what a caller may use (list, propose, assign): the
// volunteers of their region range and those registered at the regions above
// it (a city's volunteers serve its districts).
func volunteerReach(pr *auth.Principal, v string, a *args) string {
	sc := scopeOf(pr)
	if sc.kind != scopeRegion {
		return sc.on("volunteers", v, a)
	}
	return "(" + sc.on("volunteers", v, a) + " OR " + v + ".region_code IN (" + ancestorList(sc.region, a) + "))"
}

// ancestorList is the placeholders of the strict ancestors of a region code.
func ancestorList(code string, a *args) string {
	chain := settingChain(code) // code, parent, …, ""
	var ph []string
	for _, c := range chain[1:] {
		if c != "" {
			ph = append(ph, a.add(c))
		}
	}
	if len(ph) == 0 {
		return "NULL"
	}
	return strings.Join(ph, ", ")
}

const volunteerColumns = `v.id, v.name, v.phone_enc, v.region_code, v.skills, v.available, v.active, v.user_id, COALESCE(u.username, ''),
	v.version, v.created_at, v.updated_at`

const volunteerFrom = ` FROM volunteers v LEFT JOIN users u ON u.id = v.user_id `

func (s *Store) scanVolunteer(row interface{ Scan(...any) error }, reveal bool) (model.Volunteer, error) {
	var v model.Volunteer
	var phoneEnc []byte
	var skills string
	var uid sql.NullInt64
	var created, updated int64
	if err := row.Scan(&v.ID, &v.Name, &phoneEnc, &v.RegionCode, &skills, &v.Available, &v.Active, &uid, &v.Username,
		&v.Version, &created, &updated); err != nil {
		return v, err
	}
	v.Skills = splitCare(skills)
	v.UserID = nullToPtr(uid)
	v.CreatedAt, v.UpdatedAt = fromMS(created), fromMS(updated)
	phone, err := s.seal.Open(phoneEnc)
	if err != nil {
		return v, fmt.Errorf("volunteer %d phone: %w", v.ID, err)
	}
	v.PhoneMasked = maskOptional(phone)
	if reveal {
		v.Phone = phone
	}
	return v, nil
}

func (s *Store) getVolunteer(ctx context.Context, q queryer, cond func(a *args) string, id int64, reveal bool) (model.Volunteer, error) {
	// unscoped: cond is the caller's scope clause (volunteerReach or scopeOf(pr).on).
	var a args
	where := "v.id = " + a.add(id) + " AND " + cond(&a)
	v, err := s.scanVolunteer(q.QueryRowContext(ctx, "SELECT "+volunteerColumns+volunteerFrom+"WHERE "+where, a...), reveal)
	if err == sql.ErrNoRows {
		return v, model.NotFound("volunteer")
	}
	if err != nil {
		return v, model.Internal(err)
	}
	return v, nil
}

// GetVolunteer returns a volunteer the caller may use; with reveal (and
// person.reveal) the full phone, audited as volunteer.reveal.
// Returns EUnauthenticated, EForbidden without volunteer.manage or for a reveal
// the role may not make, ENotFound.
func (s *Store) GetVolunteer(ctx context.Context, id int64, reveal bool) (_ model.Volunteer, err error) {
	defer wrap(&err, "GetVolunteer(%d)", id)
	pr, err := principal(ctx, auth.PermVolunteerManage)
	if err != nil {
		return model.Volunteer{}, err
	}
	if reveal && !pr.Can(auth.PermPersonReveal) {
		return model.Volunteer{}, model.Errorf(model.EForbidden, "error.forbidden")
	}
	v, err := s.getVolunteer(ctx, s.read, func(a *args) string { return volunteerReach(pr, "v", a) }, id, reveal)
	if err != nil || !reveal {
		return v, err
	}
	return v, s.Audit(ctx, ActVolunteerReveal, "volunteer", strconv.FormatInt(id, 10), model.OutcomeOK, "")
}

// ListVolunteers returns the volunteers the caller may use matching f, masked.
// Returns EUnauthenticated, EForbidden.
func (s *Store) ListVolunteers(ctx context.Context, f model.VolunteerFilter) (_ model.List[model.Volunteer], err error) {
	defer wrap(&err, "ListVolunteers()")
	out := model.List[model.Volunteer]{Items: []model.Volunteer{}}
	pr, err := principal(ctx, auth.PermVolunteerManage)
	if err != nil {
		return out, err
	}
	page := clampPage(f.Page)
	var a args
	cond := []string{volunteerReach(pr, "v", &a)}
	if q := strings.TrimSpace(f.Q); q != "" {
		cond = append(cond, "v.name LIKE "+a.add(likePattern(q))+` ESCAPE '\'`)
	}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("v.region_code", f.RegionCode, &a))
	}
	if f.Skill != "" {
		cond = append(cond, "(',' || v.skills || ',') LIKE "+a.add("%,"+f.Skill+",%"))
	}
	if f.Available != nil {
		cond = append(cond, "v.available = "+a.add(*f.Available))
	}
	if f.Active != nil {
		cond = append(cond, "v.active = "+a.add(*f.Active))
	}
	where := strings.Join(cond, " AND ")
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM volunteers v WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+volunteerColumns+volunteerFrom+"WHERE "+where+" ORDER BY v.id LIMIT "+a.add(page.Limit)+
		" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := s.scanVolunteer(rows, false)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, v)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, rows.Err()
}

// volunteerRefs checks the region and the account of a volunteer: the region
// must exist inside the caller's scope; a username must be an account of role
// volunteer. It returns the account id (NULL when none).
func (s *Store) volunteerRefs(ctx context.Context, tx *sql.Tx, pr *auth.Principal, f *model.VolunteerFields) (any, error) {
	fe := model.FieldErrors{}
	var code string
	err := tx.QueryRowContext(ctx, "SELECT code FROM regions WHERE code = $1", f.RegionCode).Scan(&code)
	switch {
	case err == sql.ErrNoRows:
		fe.Add("region_code", "region.unknown")
	case err != nil:
		return nil, model.Internal(err)
	case !scopeOf(pr).hasRegion(f.RegionCode):
		fe.Add("region_code", "region.out_of_scope")
	}
	var uid any
	if f.Username != "" {
		var id int64
		var role string
		err := tx.QueryRowContext(ctx, "SELECT id, role FROM users WHERE username = $1", f.Username).Scan(&id, &role)
		switch {
		case err == sql.ErrNoRows || (err == nil && role != auth.RoleVolunteer):
			fe.Add("username", "volunteer.user_invalid")
		case err != nil:
			return nil, model.Internal(err)
		default:
			uid = id
		}
	}
	return uid, fe.Err()
}

func volunteerUserTaken(err error) error {
	return &model.Error{Code: model.EConflict, Msg: model.M("volunteer.user_taken"),
		Fields: map[string]model.Msg{"username": model.M("volunteer.user_taken")}, Err: err}
}

// CreateVolunteer registers a volunteer in a region inside the caller's scope;
// available and active default to true.
// Returns EUnauthenticated, EForbidden without volunteer.manage, EInvalid
// (name, phone, region_code, skills, username), EConflict when the account is
// linked to another volunteer.
func (s *Store) CreateVolunteer(ctx context.Context, in model.VolunteerInput) (_ model.Volunteer, err error) {
	defer wrap(&err, "CreateVolunteer()")
	pr, err := principal(ctx, auth.PermVolunteerManage)
	if err != nil {
		return model.Volunteer{}, err
	}
	f := model.VolunteerFields{Available: true, Active: true}
	in.Apply(&f)
	if err := f.Normalize().Err(); err != nil {
		return model.Volunteer{}, err
	}
	var v model.Volunteer
	err = s.tx(ctx, func(tx *sql.Tx) error {
		uid, err := s.volunteerRefs(ctx, tx, pr, &f)
		if err != nil {
			return err
		}
		now := ms(s.now())
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO volunteers (name, phone_enc, phone_hash, region_code, skills, available, active, user_id,
			version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) RETURNING id`,
			f.Name, s.seal.Seal(f.Phone), s.seal.Hash(hashVolunteerPhone, f.Phone), f.RegionCode, joinCare(f.Skills), f.Available, f.Active, uid, now).Scan(&id)
		if isUniqueViolation(err) {
			return volunteerUserTaken(err)
		}
		if err != nil {
			return model.Internal(err)
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActVolunteerCreate, ObjectType: "volunteer", ObjectID: strconv.FormatInt(id, 10)}); err != nil {
			return err
		}
		v, err = s.getVolunteer(ctx, tx, func(a *args) string { return "TRUE" }, id, false)
		return err
	})
	return v, err
}

// UpdateVolunteer changes the given fields of a volunteer the caller manages.
// Returns EUnauthenticated, EForbidden, ENotFound, EInvalid, EConflict, EStaleVersion.
func (s *Store) UpdateVolunteer(ctx context.Context, id int64, in model.VolunteerInput) (_ model.Volunteer, err error) {
	defer wrap(&err, "UpdateVolunteer(%d)", id)
	pr, err := principal(ctx, auth.PermVolunteerManage)
	if err != nil {
		return model.Volunteer{}, err
	}
	var v model.Volunteer
	err = s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.getVolunteer(ctx, tx, func(a *args) string { return scopeOf(pr).on("volunteers", "v", a) }, id, true)
		if err != nil {
			return err
		}
		if in.Version != nil && *in.Version != cur.Version {
			return staleVersion()
		}
		f := model.VolunteerFields{Name: cur.Name, Phone: cur.Phone, RegionCode: cur.RegionCode, Skills: cur.Skills,
			Available: cur.Available, Active: cur.Active, Username: cur.Username}
		in.Apply(&f)
		if err := f.Normalize().Err(); err != nil {
			return err
		}
		uid, err := s.volunteerRefs(ctx, tx, pr, &f)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE volunteers SET name = $1, phone_enc = $2, phone_hash = $3, region_code = $4, skills = $5,
			available = $6, active = $7, user_id = $8, version = version + 1, updated_at = $9 WHERE id = $10 AND version = $11`,
			f.Name, s.seal.Seal(f.Phone), s.seal.Hash(hashVolunteerPhone, f.Phone), f.RegionCode, joinCare(f.Skills), f.Available, f.Active, uid,
			ms(s.now()), id, cur.Version)
		if isUniqueViolation(err) {
			return volunteerUserTaken(err)
		}
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActVolunteerUpdate, ObjectType: "volunteer", ObjectID: strconv.FormatInt(id, 10)}); err != nil {
			return err
		}
		v, err = s.getVolunteer(ctx, tx, func(a *args) string { return "TRUE" }, id, false)
		return err
	})
	return v, err
}

// DeleteVolunteer removes a volunteer entered by mistake. One who has cases
// or pairings is kept (set active to false instead).
// Returns EUnauthenticated, EForbidden, ENotFound, EStaleVersion, EConflict when in use.
func (s *Store) DeleteVolunteer(ctx context.Context, id int64, version *int64) (err error) {
	defer wrap(&err, "DeleteVolunteer(%d)", id)
	pr, err := principal(ctx, auth.PermVolunteerManage)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.getVolunteer(ctx, tx, func(a *args) string { return scopeOf(pr).on("volunteers", "v", a) }, id, false)
		if err != nil {
			return err
		}
		if version != nil && *version != cur.Version {
			return staleVersion()
		}
		var used int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM needs WHERE assignee_volunteer_id = $1) +
			(SELECT COUNT(*) FROM pairings WHERE volunteer_id = $1) + (SELECT COUNT(*) FROM need_events WHERE assignee_volunteer_id = $1)`, id).Scan(&used); err != nil {
			return model.Internal(err)
		}
		if used > 0 {
			return model.Errorf(model.EConflict, "volunteer.in_use")
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM volunteers WHERE id = $1", id)
		if isForeignKeyViolation(err) {
			return &model.Error{Code: model.EConflict, Msg: model.M("volunteer.in_use"), Err: err}
		}
		if err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActVolunteerDelete, ObjectType: "volunteer", ObjectID: strconv.FormatInt(id, 10)})
	})
}

// ProposedVolunteers proposes volunteers for a case: first those paired with
// the person's family today (whatever their availability), then the active,
// available volunteers of the case's region (its own range and the regions
// above it) whose skills match the need, most matching skills first; at most 20.
// Returns EUnauthenticated, EForbidden without need.assign, ENotFound.
func (s *Store) ProposedVolunteers(ctx context.Context, needID int64) (_ []model.VolunteerProposal, err error) {
	defer wrap(&err, "ProposedVolunteers(%d)", needID)
	pr, n, err := s.caseToAssign(ctx, needID)
	if err != nil {
		return nil, err
	}
	return s.proposeVolunteers(ctx, pr, n)
}

// proposeVolunteers is ProposedVolunteers for a case already read in the caller's scope.
func (s *Store) proposeVolunteers(ctx context.Context, pr *auth.Principal, n needRow) ([]model.VolunteerProposal, error) {
	out := []model.VolunteerProposal{}
	seen := map[int64]bool{}
	rows, err := s.read.QueryContext(ctx, "SELECT "+volunteerColumns+volunteerFrom+`WHERE v.active = TRUE AND v.id IN
		(SELECT pa.volunteer_id FROM pairings pa WHERE pa.person_id = $1 AND pa.starts_on <= $2 AND (pa.ends_on = '' OR pa.ends_on >= $2))
		ORDER BY v.id`, n.PersonID, today(s.now()))
	if err != nil {
		return nil, model.Internal(err)
	}
	for rows.Next() {
		v, err := s.scanVolunteer(rows, false)
		if err != nil {
			rows.Close()
			return nil, model.Internal(err)
		}
		seen[v.ID] = true
		out = append(out, model.VolunteerProposal{Volunteer: v, Paired: true, MatchingSkills: casework.MatchingSkills(v.Skills, n.Category, n.Kind)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	var a args
	where := "v.active = TRUE AND v.available = TRUE AND " + volunteerReach(pr, "v", &a) + " AND (" + regionRange("v.region_code", n.RegionCode, &a) +
		" OR v.region_code IN (" + ancestorList(n.RegionCode, &a) + "))"
	skills := casework.SkillsFor(n.Category, n.Kind)
	var sk []string
	for _, k := range skills {
		sk = append(sk, "(',' || v.skills || ',') LIKE "+a.add("%,"+k+",%"))
	}
	where += " AND (" + strings.Join(sk, " OR ") + ")"
	rows, err = s.read.QueryContext(ctx, "SELECT "+volunteerColumns+volunteerFrom+"WHERE "+where+" ORDER BY v.id LIMIT 200", a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	var matched []model.VolunteerProposal
	for rows.Next() {
		v, err := s.scanVolunteer(rows, false)
		if err != nil {
			return nil, model.Internal(err)
		}
		if seen[v.ID] {
			continue
		}
		matched = append(matched, model.VolunteerProposal{Volunteer: v, MatchingSkills: casework.MatchingSkills(v.Skills, n.Category, n.Kind)})
	}
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	sort.SliceStable(matched, func(i, j int) bool { return len(matched[i].MatchingSkills) > len(matched[j].MatchingSkills) })
	out = append(out, matched...)
	if len(out) > 20 {
		out = out[:20]
	}
	return out, nil
}
