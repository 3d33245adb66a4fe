package store

import (
	"context"
	"database/sql"
	"sort"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// assignableLimit caps the staff accounts offered for one case.
const assignableLimit = 200

// caseWorkingRoles are the roles whose accounts AssignableUsers offers: those
// that may work a case (need.write or need.progress), except volunteers, who
// are assigned through their registry record so that nobody is offered twice.
func caseWorkingRoles() []string {
	var out []string
	for _, r := range auth.Roles {
		if r != auth.RoleVolunteer && (auth.RoleCan(r, auth.PermNeedWrite) || auth.RoleCan(r, auth.PermNeedProgress)) {
			out = append(out, r)
		}
	}
	return out
}

// AssignableUsers returns the staff accounts a case in the caller's scope may
// be assigned to, the closest to the case first: enabled and not locked
// accounts of a role that works cases (caseworker; counselor for
// psychological cases only), whose own scope reaches the case — the case's
// institution, or a region from the case's own up to the higher of the team
// now responsible for it and the caller's own region. Volunteer accounts are
// not listed: their registry record is (ProposedVolunteers). At most 200.
// Every account listed passes AssignNeed's check of a user assignee.
// Returns EUnauthenticated, EForbidden without need.assign, ENotFound when the
// case is missing or out of scope.
func (s *Store) AssignableUsers(ctx context.Context, needID int64) (_ []model.AssignableUser, err error) {
	defer wrap(&err, "AssignableUsers(%d)", needID)
	pr, n, err := s.caseToAssign(ctx, needID)
	if err != nil {
		return nil, err
	}
	return s.assignableUsers(ctx, pr, n)
}

// assignableBand is the chain of regions whose accounts may be offered for a
// case: the case's region and its ancestors up to the higher (shorter) of the
// team's region and the caller's own. A caller without a region (an
// institution-scoped one) reaches up to the team; the system up to the
// nation ("").
func assignableBand(pr *auth.Principal, caseRegion, team string) []string {
	top := len(team)
	switch {
	case pr.System:
		top = 0
	case pr.InstitutionID == 0 && pr.PersonID == 0 && len(pr.RegionCode) < top:
		top = len(pr.RegionCode)
	}
	var band []string
	for _, c := range settingChain(caseRegion) { // the case's region, its parent, …, ""
		if len(c) >= top {
			band = append(band, c)
		}
	}
	return band
}

func (s *Store) assignableUsers(ctx context.Context, pr *auth.Principal, n needRow) ([]model.AssignableUser, error) {
	// unscoped: the accounts that may take a case the caller read in scope, each checked against the case.
	var a args
	roles := []string{}
	for _, r := range caseWorkingRoles() {
		if r == auth.RoleCounselor && n.Category != model.CategoryPsychological {
			continue // a counselor reaches psychological cases only
		}
		roles = append(roles, a.add(r))
	}
	band := assignableBand(pr, n.RegionCode, n.TeamRegionCode)
	ph := make([]string, len(band))
	for i, c := range band {
		ph[i] = a.add(c)
	}
	// scope_region_code is the region an account's scope lies in (its
	// region; '' nationwide), indexed: a region-scoped account reaches the
	// case when it is in the band, an institution-scoped one when it is the
	// case's institution (whose region is the case's, always in the band).
	q := `SELECT u.id, u.username, COALESCE(NULLIF(u.display_name, ''), u.username), u.role, COALESCE(u.region_code, ''), u.institution_id
		FROM users u WHERE u.scope_region_code IN (` + strings.Join(ph, ", ") + `)
		AND u.disabled = FALSE AND u.locked_until <= ` + a.add(ms(s.now())) + ` AND u.role IN (` + strings.Join(roles, ", ") + `)
		AND u.person_id IS NULL AND (u.institution_id IS NULL OR u.institution_id = ` + a.add(n.InstitutionID) + `)
		ORDER BY u.id LIMIT ` + a.add(assignableLimit)
	rows, err := s.read.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	out := []model.AssignableUser{}
	for rows.Next() {
		var u model.AssignableUser
		var inst sql.NullInt64
		if err := rows.Scan(&u.ID, &u.Username, &u.Name, &u.Role, &u.RegionCode, &inst); err != nil {
			return nil, model.Internal(err)
		}
		u.InstitutionID = nullToPtr(inst)
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	// The closest to the case first: the case's institution, then the
	// longest region code; then by name.
	depth := func(u model.AssignableUser) int {
		if u.InstitutionID != nil {
			return 1 << 10
		}
		return len(u.RegionCode)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if di, dj := depth(out[i]), depth(out[j]); di != dj {
			return di > dj
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// Assignees returns everyone a case in the caller's scope may be assigned
// to, in the order the assign form offers them: the volunteers paired with
// the family today, then the staff accounts of AssignableUsers, then the
// other volunteers ProposedVolunteers proposes. Current marks whoever works
// the case now.
// Returns EUnauthenticated, EForbidden without need.assign, ENotFound.
func (s *Store) Assignees(ctx context.Context, needID int64) (_ []model.AssigneeOption, err error) {
	defer wrap(&err, "Assignees(%d)", needID)
	pr, n, err := s.caseToAssign(ctx, needID)
	if err != nil {
		return nil, err
	}
	users, err := s.assignableUsers(ctx, pr, n)
	if err != nil {
		return nil, err
	}
	vols, err := s.proposeVolunteers(ctx, pr, n)
	if err != nil {
		return nil, err
	}
	volunteer := func(v model.VolunteerProposal) model.AssigneeOption {
		id := v.ID
		skills := v.MatchingSkills
		if skills == nil {
			skills = []string{}
		}
		return model.AssigneeOption{Kind: model.AssigneeVolunteer, VolunteerID: &id, Name: v.Name, RegionCode: v.RegionCode,
			Paired: v.Paired, MatchingSkills: skills, Current: n.volunteerID != nil && *n.volunteerID == id}
	}
	out := []model.AssigneeOption{}
	for _, v := range vols {
		if v.Paired {
			out = append(out, volunteer(v))
		}
	}
	for _, u := range users {
		id := u.ID
		out = append(out, model.AssigneeOption{Kind: model.AssigneeUser, UserID: &id, Name: u.Name, Role: u.Role, RegionCode: u.RegionCode,
			MatchingSkills: []string{}, Current: n.userID != nil && *n.userID == id})
	}
	for _, v := range vols {
		if !v.Paired {
			out = append(out, volunteer(v))
		}
	}
	return out, nil
}

// caseToAssign reads a case in the caller's scope for the proposals of whom
// to assign it to (need.assign).
func (s *Store) caseToAssign(ctx context.Context, needID int64) (*auth.Principal, needRow, error) {
	pr, err := principal(ctx, auth.PermNeedAssign)
	if err != nil {
		return nil, needRow{}, err
	}
	n, err := s.getNeed(ctx, s.read, pr, needID)
	return pr, n, err
}
