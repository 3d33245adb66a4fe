package store

import (
	"context"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/region"
)

// principal returns the caller and checks that their role holds perm.
// Returns EUnauthenticated without a caller, EForbidden without the permission.
func principal(ctx context.Context, perm auth.Permission) (*auth.Principal, error) {
	p := auth.FromContext(ctx)
	if p == nil {
		return nil, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	if p.PasswordChangeRequired {
		// A password an administrator set opens nothing but its own change.
		return nil, errPasswordChange
	}
	if !p.Can(perm) {
		return nil, model.Errorf(model.EForbidden, "error.forbidden")
	}
	return p, nil
}

var errPasswordChange = model.Errorf(model.EPasswordChange, "password.change_required")

// scopedTable names the columns of a scoped table that a scope is matched
// on. An empty column means that a scope of that kind reaches no row of the
// table (an institution or a person manages no volunteers and no accounts).
type scopedTable struct {
	region      string // the region code column, matched by prefix
	institution string // the institution id column
	person      string // the person id column
	// personByInstitution: a person scope reaches the row of the person's own
	// institution (institutions: the worker sees where they work).
	personByInstitution bool
	// category is the case category column that a counselor's scope narrows.
	category string
	// cases: the table holds cases, which a volunteer sees only when assigned
	// to them and a family link only when reported through it.
	cases bool
}

// scopedTables lists every table whose rows belong to a region, an
// institution or a person, and the columns each scope is matched on. Every
// query on one of them goes through scope.on (scope_test.go checks the
// source), or says why not in an "// unscoped: why" comment.
//
// family_members and pairings carry only a person_id: their queries join
// people and scope that.
var scopedTables = map[string]scopedTable{
	"institutions":   {region: "region_code", institution: "id", personByInstitution: true},
	"people":         {region: "region_code", institution: "institution_id", person: "id"},
	"family_members": {},
	"pairings":       {},
	"visits":         {region: "region_code", institution: "institution_id", person: "person_id"},
	"needs":          {region: "region_code", institution: "institution_id", person: "person_id", category: "category", cases: true},
	"volunteers":     {region: "region_code"},
	"users":          {region: "scope_region_code"},
	"settings":       {region: "region_code"},
	// A transfer request is reached by its requester (transferScope) and by
	// the teams whose region covers its approver region.
	"transfer_requests": {region: "approver_region_code"},
	// Frontline deployment (migration 00012). A batch belongs to the region
	// that sends it; a conflict to the region of the deployment it was found on.
	"frontline_posts":      {region: "region_code", institution: "institution_id"},
	"aid_batches":          {region: "region_code"},
	"deployments":          {region: "region_code", institution: "institution_id", person: "person_id"},
	"deployment_conflicts": {region: "region_code"},
	// Supplies (migration 00018): every row carries its store's region and
	// institution; a hand-over line and an issue its recipient too.
	"supply_items":              {region: "region_code"},
	"supply_stores":             {region: "region_code", institution: "institution_id"},
	"supply_reorder_levels":     {region: "region_code", institution: "institution_id"},
	"supply_balances":           {region: "region_code", institution: "institution_id"},
	"supply_movements":          {region: "region_code", institution: "institution_id", person: "person_id"},
	"supply_plans":              {region: "region_code", institution: "institution_id"},
	"supply_distributions":      {region: "region_code", institution: "institution_id"},
	"supply_distribution_lines": {region: "region_code", institution: "institution_id", person: "person_id"},
	// Discrimination incidents (migration 00020): the handling team is the
	// region's; an institution or a person reaches none (a reporter reaches
	// their own through incidentScope's reporter key).
	"incidents":        {region: "region_code"},
	"incident_parties": {region: "region_code"},
	"incident_steps":   {region: "region_code"},
	// Psychological support (migration 00013): the person's own rows reach
	// them; a counselor's region reaches the rest (role_psych.go keeps every
	// other role out). The duty rota belongs to the counselor's region.
	"psych_consents":    {region: "region_code", institution: "institution_id", person: "person_id"},
	"psych_screenings":  {region: "region_code", institution: "institution_id"},
	"psych_invitations": {region: "region_code", institution: "institution_id", person: "person_id"},
	"psych_assessments": {region: "region_code", institution: "institution_id", person: "person_id"},
	"psych_alerts":      {region: "region_code", institution: "institution_id", person: "person_id"},
	"psych_cases":       {region: "region_code", institution: "institution_id", person: "person_id"},
	"psych_sessions":    {region: "region_code", institution: "institution_id", person: "person_id"},
	"psych_duty":        {region: "region_code"},
	// Check-ins and the family liaison log (migration 00015). A check-in and
	// its alerts also reach the team leader of their batch (checkinScope).
	"family_contacts": {region: "region_code", institution: "institution_id", person: "person_id"},
	"checkins":        {region: "region_code", institution: "institution_id", person: "person_id"},
	"checkin_alerts":  {region: "region_code", institution: "institution_id", person: "person_id"},
	// Letters, commendations and work-injury cases (migration 00017). A
	// template serves its region and the regions below (templateScope).
	"letter_templates":      {region: "region_code"},
	"letters":               {region: "region_code", institution: "institution_id", person: "person_id"},
	"commendations":         {region: "region_code", institution: "institution_id", person: "person_id"},
	"work_injury_cases":     {region: "region_code", institution: "institution_id", person: "person_id"},
	"work_injury_documents": {region: "region_code"},
	// Subsidies (migration 00016). A rule belongs to the region it applies
	// in (and is read from the regions below it too: ruleReach); a batch to
	// the region it pays in; a line of a batch is reached through its item.
	"benefit_rules":   {region: "region_code"},
	"entitlements":    {region: "region_code", institution: "institution_id", person: "person_id"},
	"bank_accounts":   {region: "region_code", institution: "institution_id", person: "person_id"},
	"payment_batches": {region: "region_code"},
	"payment_items":   {region: "region_code", institution: "institution_id", person: "person_id"},
	"payment_lines":   {},
	// Accommodation and transport (migration 00019). A site, its rooms, beds
	// and nights belong to the site's region (a rest area also to its
	// institution); a stay to the site's region, the person's institution
	// and the person; a transport request to the person's region,
	// institution and person (a volunteer driver's own trips: transportScope).
	"stay_sites":         {region: "region_code", institution: "institution_id"},
	"stay_rooms":         {region: "region_code"},
	"stay_beds":          {region: "region_code"},
	"stays":              {region: "region_code", institution: "institution_id", person: "person_id"},
	"stay_nights":        {region: "region_code", person: "person_id"},
	"transport_requests": {region: "region_code", institution: "institution_id", person: "person_id"},
}

// scopeKind is which one of its reaches a scope has.
type scopeKind int

const (
	scopeNationwide  scopeKind = iota // the command line's system principal, or an account scoped to the whole country
	scopeRegion                       // a region code prefix
	scopeInstitution                  // one institution
	scopePerson                       // one person (a worker, or a family link's person)
)

// scope is what a principal may reach, as data: exactly one of a region
// prefix, an institution or a person (or nationwide), and the named
// narrowings that apply to cases. Build it with scopeOf and add it to a
// query with on.
type scope struct {
	kind          scopeKind
	region        string
	institutionID int64
	personID      int64
	// category narrows cases to one category: a counselor's are psychological.
	category string
	// assigned narrows cases to those assigned to account assignedUser,
	// directly or through its volunteer record: a volunteer's own cases (none
	// without an account).
	assigned     bool
	assignedUser int64
	// familyLink narrows cases to those reported through one self-service
	// link: the relative familyMemberID, created by no account under username.
	familyLink     bool
	familyMemberID int64
	username       string
}

// scopeOf turns the principal into its scope. This is the only place that
// reads a principal's region, institution, person or role for scope.
func scopeOf(pr *auth.Principal) scope {
	var sc scope
	switch {
	case pr.System:
		return scope{kind: scopeNationwide}
	case pr.PersonID != 0:
		sc = scope{kind: scopePerson, personID: pr.PersonID}
	case pr.InstitutionID != 0:
		sc = scope{kind: scopeInstitution, institutionID: pr.InstitutionID}
	case pr.RegionCode != "":
		sc = scope{kind: scopeRegion, region: pr.RegionCode}
	}
	if pr.FamilyLinkID != 0 {
		sc.familyLink, sc.familyMemberID, sc.username = true, pr.FamilyMemberID, pr.Username
	}
	if pr.Role == auth.RoleCounselor {
		sc.category = string(model.CategoryPsychological)
	}
	if pr.Role == auth.RoleVolunteer {
		sc.assigned, sc.assignedUser = true, pr.UserID
	}
	return sc
}

// reach is the scope without a volunteer's narrowing to their assigned
// cases: the cases a volunteer could be assigned (their region range), and
// what the case ledger counts.
func (sc scope) reach() scope {
	sc.assigned, sc.assignedUser = false, 0
	return sc
}

// on is the condition on table (under alias; "" for bare column names) that
// keeps a query inside the scope. It panics on a table missing from
// scopedTables, so a new scoped table cannot be queried before it is listed.
func (sc scope) on(table, alias string, a *args) string {
	// unscoped: the scope clause itself.
	t, ok := scopedTables[table]
	if !ok || (t.region == "" && t.institution == "" && t.person == "" && !t.personByInstitution) {
		panic("store: no scope columns for table " + table)
	}
	col := func(c string) string {
		if alias == "" {
			return c
		}
		return alias + "." + c
	}
	if t.cases && sc.familyLink {
		return "(" + col(t.person) + " = " + a.add(sc.personID) + " AND " + col("family_member_id") + " = " + a.add(sc.familyMemberID) +
			" AND " + col("created_by") + " IS NULL AND " + col("created_by_name") + " = " + a.add(sc.username) + ")"
	}
	if t.cases && sc.assigned {
		if sc.assignedUser == 0 {
			return "FALSE"
		}
		return assignedTo(alias, sc.assignedUser, a)
	}
	c := "FALSE"
	switch sc.kind {
	case scopeNationwide:
		c = "TRUE"
	case scopePerson:
		switch {
		case t.personByInstitution:
			c = col(t.institution) + " = (SELECT institution_id FROM people WHERE id = " + a.add(sc.personID) + ")"
		case t.person != "":
			c = col(t.person) + " = " + a.add(sc.personID)
		}
	case scopeInstitution:
		if t.institution != "" {
			c = col(t.institution) + " = " + a.add(sc.institutionID)
		}
	case scopeRegion:
		if t.region != "" {
			c = regionRange(col(t.region), sc.region, a)
		}
	}
	if sc.category != "" && t.category != "" {
		// A literal, not a parameter: the category is the code's own constant.
		c = "(" + c + " AND " + col(t.category) + " = '" + sc.category + "')"
	}
	return c
}

// hasRegion reports whether a region code lies inside a region scope; an
// institution or a person scope holds no region.
func (sc scope) hasRegion(code string) bool {
	switch sc.kind {
	case scopeNationwide:
		return true
	case scopeRegion:
		return strings.HasPrefix(code, sc.region)
	}
	return false
}

// hasPerson is on("people") evaluated in Go, for rows already loaded.
func (sc scope) hasPerson(personID, institutionID int64, regionCode string) bool {
	switch sc.kind {
	case scopeNationwide:
		return true
	case scopePerson:
		return personID == sc.personID
	case scopeInstitution:
		return institutionID == sc.institutionID
	case scopeRegion:
		return strings.HasPrefix(regionCode, sc.region)
	}
	return false
}

// regionRange is the indexable condition "col starts with prefix".
func regionRange(col, prefix string, a *args) string {
	if prefix == "" {
		return "TRUE"
	}
	return "(" + col + " >= " + a.add(prefix) + " AND " + col + " < " + a.add(region.PrefixUpperBound(prefix)) + ")"
}
