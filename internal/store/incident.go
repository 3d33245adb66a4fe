package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/model"
)

// Discrimination incidents (歧视孤立事件). The reporter is never stored in
// clear: their name and contact are sealed, and the account or link that
// reported is kept only as a keyed hash (reporter_key) so that a reporter
// finds their own reports while a raw read of the database names nobody.
// What happened, where, the team's notes and the outcome's note are sealed
// too. Who sees an incident (incidentScope): the handling team, the case
// workers whose region covers it, whole; its reporter, what they reported and
// how far it has come; anybody else, nothing (404).

// Audit actions and inbox kinds of incidents.
const (
	ActIncidentReport   = "incident.report"
	ActIncidentList     = "incident.list"
	ActIncidentRead     = "incident.read"
	ActIncidentAssign   = "incident.assign"
	ActIncidentStep     = "incident.step"
	ActIncidentConclude = "incident.outcome"
	ActIncidentReopen   = "incident.reopen"
	ActIncidentExport   = "export.incidents"

	// NoticeIncidentReported goes to the handling team of a new incident,
	// NoticeIncidentAssigned to its new handler.
	NoticeIncidentReported = "incident.reported"
	NoticeIncidentAssigned = "incident.assigned"
)

// hashIncidentReporter is the keyed-hash domain of reporter keys.
const hashIncidentReporter = "incident_reporter"

// reporterKey is the keyed hash that stands for the account or link that
// reported; nil for the system principal.
func (s *Store) reporterKey(pr *auth.Principal) []byte {
	switch {
	case pr.FamilyLinkID != 0:
		return s.seal.Hash(hashIncidentReporter, "link:"+strconv.FormatInt(pr.FamilyLinkID, 10))
	case pr.UserID != 0:
		return s.seal.Hash(hashIncidentReporter, "user:"+strconv.FormatInt(pr.UserID, 10))
	}
	return nil
}

// onIncidentTeam reports whether pr is of the handling team of an incident
// in regionCode (the command line is).
func onIncidentTeam(pr *auth.Principal, regionCode string) bool {
	if pr.System {
		return true
	}
	return pr.FamilyLinkID == 0 && pr.UserID != 0 &&
		casework.OnIncidentTeam(pr.Can(auth.PermIncidentHandle), pr.RegionCode, pr.PersonID == 0 && pr.InstitutionID == 0, regionCode)
}

// incidentPrincipal is a caller who may see incidents at all: the team, a
// reporter, a link.
func incidentPrincipal(ctx context.Context) (*auth.Principal, error) {
	pr := auth.FromContext(ctx)
	if pr == nil {
		return nil, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	if pr.PasswordChangeRequired {
		return nil, errPasswordChange
	}
	if !pr.Can(auth.PermIncidentHandle) && !pr.Can(auth.PermIncidentReport) && !pr.Can(auth.PermIncidentReportFamily) {
		return nil, model.Errorf(model.EForbidden, "error.forbidden")
	}
	return pr, nil
}

// incidentScope is the condition on incidents alias t: the team's region, or
// the caller's own reports.
func (s *Store) incidentScope(pr *auth.Principal, t string, a *args) string {
	if pr.System {
		return "TRUE"
	}
	if pr.FamilyLinkID == 0 && pr.Can(auth.PermIncidentHandle) {
		// The team: an institution or a person scope reaches no incident
		// (scopedTables); what a case worker reported themselves lies in their region.
		return scopeOf(pr).on("incidents", t, a)
	}
	key := s.reporterKey(pr)
	if key == nil {
		return "FALSE"
	}
	return t + ".reporter_key = " + a.add(key)
}

const incidentColumns = `t.id, t.region_code, t.institution_id, i.name, t.person_id, p.name, t.family_member_id, COALESCE(f.name, ''),
	COALESCE(f.relation, ''), t.need_id, t.reporter_kind, t.reporter_name_enc, t.reporter_contact_enc, t.occurred_on, t.place_enc,
	t.description_enc, t.party_kinds, t.status, t.handler_id, t.handler_name, t.contact_due_at, t.conclude_due_at, t.contacted_at,
	t.outcome, t.outcome_note_enc, t.concluded_at, t.recorded_by_name, t.version, t.created_at, t.updated_at`

const incidentFrom = ` FROM incidents t JOIN people p ON p.id = t.person_id JOIN institutions i ON i.id = t.institution_id
	LEFT JOIN family_members f ON f.id = t.family_member_id `

// scanIncident reads a row of incidentColumns and presents it to pr: the
// team sees it whole; a reporter without the team's right sees no
// institution, no recorder and no steps (their own name and contact they typed).
func (s *Store) scanIncident(pr *auth.Principal, row interface{ Scan(...any) error }, now time.Time) (model.Incident, error) {
	var t model.Incident
	var fam, need, handler sql.NullInt64
	var nameEnc, contactEnc, placeEnc, descEnc, noteEnc []byte
	var partyKinds string
	var contactDue, concludeDue, contacted, concluded, created, updated int64
	err := row.Scan(&t.ID, &t.RegionCode, &t.InstitutionID, &t.InstitutionName, &t.PersonID, &t.PersonName, &fam, &t.FamilyMemberName,
		&t.FamilyRelation, &need, &t.ReporterKind, &nameEnc, &contactEnc, &t.OccurredOn, &placeEnc, &descEnc, &partyKinds, &t.Status,
		&handler, &t.HandlerName, &contactDue, &concludeDue, &contacted, &t.Outcome, &noteEnc, &concluded, &t.RecordedByName,
		&t.Version, &created, &updated)
	if err != nil {
		return t, err
	}
	if fam.Valid {
		t.FamilyMemberID = &fam.Int64
	}
	if need.Valid {
		t.NeedID = &need.Int64
	}
	if handler.Valid {
		t.HandlerID = &handler.Int64
	}
	t.ContactDueAt, t.ConcludeDueAt, t.ContactedAt, t.ConcludedAt = fromMS(contactDue), fromMS(concludeDue), optTime(contacted), optTime(concluded)
	t.CreatedAt, t.UpdatedAt = fromMS(created), fromMS(updated)
	t.ContactOverdue = t.Status != model.IncidentConcluded && casework.IncidentContactOverdue(contacted != 0, t.ContactDueAt, now)
	t.Overdue = casework.IncidentOverdue(t.Status, t.ConcludeDueAt, now)
	for _, open := range []struct {
		dst *string
		enc []byte
	}{{&t.ReporterName, nameEnc}, {&t.ReporterContact, contactEnc}, {&t.Place, placeEnc}, {&t.Description, descEnc}, {&t.OutcomeNote, noteEnc}} {
		if len(open.enc) == 0 {
			continue
		}
		v, err := s.seal.Open(open.enc)
		if err != nil {
			return t, err
		}
		*open.dst = v
	}
	for _, k := range strings.Split(strings.Trim(partyKinds, ","), ",") {
		if k != "" {
			t.Parties = append(t.Parties, model.IncidentParty{Kind: k})
		}
	}
	t.Team = onIncidentTeam(pr, t.RegionCode)
	if !t.Team {
		t.InstitutionID, t.InstitutionName, t.RecordedByName, t.HandlerID, t.NeedID = 0, "", "", nil, nil
	}
	return t, nil
}

// loadParties fills the parties (kind and name) of the incidents given.
func loadParties(ctx context.Context, q queryer, items []model.Incident) error {
	// unscoped: the parties of incidents already read in scope.
	if len(items) == 0 {
		return nil
	}
	var a args
	ph := make([]string, len(items))
	at := make(map[int64]int, len(items))
	for i, t := range items {
		ph[i] = a.add(t.ID)
		at[t.ID] = i
		items[i].Parties = []model.IncidentParty{}
	}
	rows, err := q.QueryContext(ctx, "SELECT incident_id, kind, name FROM incident_parties WHERE incident_id IN ("+strings.Join(ph, ", ")+") ORDER BY id", a...)
	if err != nil {
		return model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var p model.IncidentParty
		if err := rows.Scan(&id, &p.Kind, &p.Name); err != nil {
			return model.Internal(err)
		}
		items[at[id]].Parties = append(items[at[id]].Parties, p)
	}
	if err := rows.Err(); err != nil {
		return model.Internal(err)
	}
	return nil
}

func (s *Store) listIncidentSteps(ctx context.Context, q queryer, id int64) ([]model.IncidentStep, error) {
	// unscoped: the steps of an incident already read in scope by the team.
	rows, err := q.QueryContext(ctx, "SELECT id, kind, note_enc, by_name, created_at FROM incident_steps WHERE incident_id = $1 ORDER BY id", id)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	out := []model.IncidentStep{}
	for rows.Next() {
		var st model.IncidentStep
		var enc []byte
		var at int64
		if err := rows.Scan(&st.ID, &st.Kind, &enc, &st.ByName, &at); err != nil {
			return nil, model.Internal(err)
		}
		if len(enc) > 0 {
			if st.Note, err = s.seal.Open(enc); err != nil {
				return nil, model.Internal(err)
			}
		}
		st.At = fromMS(at)
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	return out, nil
}

// reportedFor is who an incident is about and who reported it, once the
// input is checked against the caller.
type reportedFor struct {
	personID, institutionID int64
	regionCode              string
	familyMemberID          *int64
	needID                  *int64
	kind                    string // reporter kind
	name, contact           string
}

// whoReports checks the person, relative and case of in against the caller
// and names the reporter: a link reports for its relative (or the worker),
// a worker for their own household, the team for anyone in its region.
func (s *Store) whoReports(ctx context.Context, tx queryer, pr *auth.Principal, in *model.IncidentInput) (reportedFor, error) {
	// unscoped: the person is read in scope (getPerson, getNeed); the relative must be theirs.
	var r reportedFor
	fe := model.FieldErrors{}
	team := pr.System || pr.FamilyLinkID == 0 && pr.Can(auth.PermIncidentHandle)
	switch {
	case pr.FamilyLinkID != 0:
		if in.PersonID != 0 && in.PersonID != pr.PersonID {
			fe.Add("person_id", "need.link_member")
		}
		if in.FamilyMemberID != nil && *in.FamilyMemberID != pr.FamilyMemberID {
			fe.Add("family_member_id", "need.link_member")
		}
		if in.NeedID != nil {
			fe.Add("need_id", "incident.need_team_only")
		}
		in.PersonID = pr.PersonID
		r.kind = model.ReporterFamily
	case team:
		if in.PersonID == 0 && in.NeedID == nil {
			fe.Add("person_id", "field.required")
		}
		if in.ReporterName == "" {
			fe.Add("reporter_name", "field.required")
		}
		r.kind = model.ReporterCaseworker
	default: // a worker
		if in.PersonID != 0 && in.PersonID != pr.PersonID {
			fe.Add("person_id", "incident.own_only")
		}
		if in.NeedID != nil {
			fe.Add("need_id", "incident.need_team_only")
		}
		in.PersonID = pr.PersonID
		r.kind = model.ReporterWorker
		if pr.PersonID == 0 {
			return r, model.Errorf(model.EForbidden, "error.forbidden")
		}
	}
	if err := fe.Err(); err != nil {
		return r, err
	}
	if in.NeedID != nil {
		n, err := s.getNeed(ctx, tx, pr, *in.NeedID)
		if model.ErrorCode(err) == model.ENotFound {
			return r, model.FieldErrors{"need_id": model.M("incident.need_unknown")}.Err()
		}
		if err != nil {
			return r, err
		}
		if n.Kind != model.KindDiscrimination {
			return r, model.FieldErrors{"need_id": model.M("incident.need_kind")}.Err()
		}
		if !casework.Active(n.Status) {
			return r, model.FieldErrors{"need_id": model.M("incident.need_closed")}.Err()
		}
		in.PersonID, in.FamilyMemberID = n.PersonID, n.FamilyMemberID
		r.needID = in.NeedID
	}
	// The person in the caller's scope: the team's region, the worker
	// themselves, the link's person.
	p, err := s.getPerson(ctx, tx, pr, in.PersonID, r.kind == model.ReporterWorker)
	if model.ErrorCode(err) == model.ENotFound && r.kind == model.ReporterCaseworker {
		return r, model.FieldErrors{"person_id": model.M("need.person_unknown")}.Err()
	}
	if err != nil {
		return r, err
	}
	r.personID, r.institutionID, r.regionCode = p.ID, p.InstitutionID, p.RegionCode
	if in.FamilyMemberID != nil {
		var owner int64
		var name string
		err := tx.QueryRowContext(ctx, "SELECT person_id, name FROM family_members WHERE id = $1", *in.FamilyMemberID).Scan(&owner, &name)
		if err != nil && err != sql.ErrNoRows {
			return r, model.Internal(err)
		}
		if err == sql.ErrNoRows || owner != p.ID {
			return r, model.FieldErrors{"family_member_id": model.M("need.family_member_other")}.Err()
		}
		r.familyMemberID = in.FamilyMemberID
	}
	r.name, r.contact = in.ReporterName, in.ReporterContact
	switch r.kind {
	case model.ReporterWorker:
		// The worker is the reporter, whatever was typed; their registered
		// phone unless they gave another way to reach them.
		r.name = p.Name
		if r.contact == "" {
			r.contact = p.Phone
		}
	case model.ReporterFamily:
		if err := tx.QueryRowContext(ctx, "SELECT name FROM family_members WHERE id = $1 AND person_id = $2", pr.FamilyMemberID, pr.PersonID).Scan(&r.name); err != nil {
			if err == sql.ErrNoRows {
				return r, model.NotFound("family_link")
			}
			return r, model.Internal(err)
		}
	}
	return r, nil
}

// CreateIncident records a discrimination incident: reported by a worker
// for their own household, by a relative through their link, or by the
// team (naming the reporter; from a ledger case of kind discrimination with
// need_id). The deadlines follow the region's settings; the team is told.
// Returns EForbidden without a right to report, ENotFound for a link that
// ended, EInvalid (fields), EConflict when the case has an incident already.
func (s *Store) CreateIncident(ctx context.Context, in model.IncidentInput) (_ model.Incident, err error) {
	defer wrap(&err, "CreateIncident()")
	pr, err := incidentPrincipal(ctx)
	if err != nil {
		return model.Incident{}, err
	}
	now := s.now()
	if err := in.Normalize(now).Err(); err != nil {
		return model.Incident{}, err
	}
	var out model.Incident
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if pr.FamilyLinkID != 0 {
			if err := s.checkIncidentLink(ctx, tx, pr, now); err != nil {
				return err
			}
		}
		r, err := s.whoReports(ctx, tx, pr, &in)
		if err != nil {
			return err
		}
		eff, err := effectiveSettings(ctx, tx, r.regionCode)
		if err != nil {
			return err
		}
		values := make(map[string]string, len(eff))
		for k, v := range eff {
			values[k] = v.Value
		}
		contactDue, concludeDue := casework.IncidentDeadlines(values, now)
		kinds := map[string]bool{}
		for _, p := range in.Parties {
			kinds[p.Kind] = true
		}
		var ks []string
		for _, k := range model.PartyKinds {
			if kinds[k] {
				ks = append(ks, k)
			}
		}
		if r.needID != nil {
			// unscoped: a case read in scope above; one incident settles it, whoever's.
			var taken int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM incidents WHERE need_id = $1", *r.needID).Scan(&taken); err != nil {
				return model.Internal(err)
			}
			if taken > 0 {
				return model.Errorf(model.EConflict, "incident.need_taken")
			}
		}
		at := ms(now)
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO incidents (region_code, institution_id, person_id, family_member_id, need_id, reporter_kind,
			reporter_key, reporter_name_enc, reporter_contact_enc, occurred_on, place_enc, description_enc, party_kinds, status,
			contact_due_at, conclude_due_at, recorded_by_name, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) RETURNING id`,
			r.regionCode, r.institutionID, r.personID, r.familyMemberID, r.needID, r.kind, s.reporterKey(pr), s.seal.Seal(r.name),
			s.seal.Seal(r.contact), in.OccurredOn, s.seal.Seal(in.Place), s.seal.Seal(in.Description), ","+strings.Join(ks, ",")+",",
			model.IncidentReported, ms(contactDue), ms(concludeDue), pr.Username, at).Scan(&id)
		if err != nil {
			return model.Internal(err)
		}
		for _, p := range in.Parties {
			if _, err := tx.ExecContext(ctx, "INSERT INTO incident_parties (incident_id, region_code, kind, name) VALUES ($1, $2, $3, $4)",
				id, r.regionCode, p.Kind, p.Name); err != nil {
				return model.Internal(err)
			}
		}
		detail := "reporter=" + r.kind + " person=" + strconv.FormatInt(r.personID, 10)
		if r.needID != nil {
			detail += " need=" + strconv.FormatInt(*r.needID, 10)
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActIncidentReport, ObjectType: "incident", ObjectID: strconv.FormatInt(id, 10), Detail: detail}); err != nil {
			return err
		}
		team, err := incidentTeam(ctx, tx, r.regionCode)
		if err != nil {
			return err
		}
		var others []int64
		for _, u := range team {
			if u != pr.UserID {
				others = append(others, u)
			}
		}
		if err := s.transferNotice(ctx, tx, others, NoticeIncidentReported, at); err != nil {
			return err
		}
		out, err = s.getIncident(ctx, tx, pr, id, now)
		return err
	})
	return out, err
}

// incidentReportsPerHour bounds what one link reports in an hour: a family
// in trouble reports one or two; a leaked link cannot flood the team.
const incidentReportsPerHour = 5

// checkIncidentLink refuses a report through a link that ended since its
// page was read, or that reported incidentReportsPerHour within the hour.
func (s *Store) checkIncidentLink(ctx context.Context, tx *sql.Tx, pr *auth.Principal, now time.Time) error {
	// unscoped: the link's own row and its own reports, counted for the link's principal.
	lock := ""
	if s.engine == Postgres {
		lock = " FOR UPDATE"
	}
	var expires, revoked int64
	err := tx.QueryRowContext(ctx, "SELECT expires_at, revoked_at FROM family_links WHERE id = $1 AND family_member_id = $2"+lock,
		pr.FamilyLinkID, pr.FamilyMemberID).Scan(&expires, &revoked)
	if err == sql.ErrNoRows || err == nil && (revoked != 0 || expires <= ms(now)) {
		return model.NotFound("family_link")
	}
	if err != nil {
		return model.Internal(err)
	}
	var recent int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM incidents WHERE reporter_key = $1 AND created_at > $2",
		s.reporterKey(pr), ms(now.Add(-time.Hour))).Scan(&recent); err != nil {
		return model.Internal(err)
	}
	if recent >= incidentReportsPerHour {
		return model.Errorf(model.ERateLimited, "family_link.rate_limited", incidentReportsPerHour)
	}
	return nil
}

// incidentTeam returns the enabled accounts of the handling team of a
// region: those holding incident.handle whose region scope covers it.
func incidentTeam(ctx context.Context, q queryer, regionCode string) ([]int64, error) {
	// unscoped: the recipients are the accounts whose region covers the incident's.
	var a args
	rows, err := q.QueryContext(ctx, `SELECT id, role FROM users WHERE disabled = FALSE AND region_code IS NOT NULL
		AND institution_id IS NULL AND person_id IS NULL AND (region_code = '' OR `+a.add(regionCode)+` LIKE region_code || '%')`, a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var uid int64
		var role string
		if err := rows.Scan(&uid, &role); err != nil {
			return nil, model.Internal(err)
		}
		if auth.RoleCan(role, auth.PermIncidentHandle) {
			out = append(out, uid)
		}
	}
	return out, rows.Err()
}

func (s *Store) getIncident(ctx context.Context, q queryer, pr *auth.Principal, id int64, now time.Time) (model.Incident, error) {
	var a args
	t, err := s.scanIncident(pr, q.QueryRowContext(ctx, "SELECT "+incidentColumns+incidentFrom+"WHERE t.id = "+a.add(id)+" AND "+s.incidentScope(pr, "t", &a), a...), now)
	if err == sql.ErrNoRows {
		return t, model.NotFound("incident")
	}
	if err != nil {
		return t, model.Internal(err)
	}
	items := []model.Incident{t}
	if err := loadParties(ctx, q, items); err != nil {
		return t, err
	}
	t = items[0]
	if t.Team {
		if t.Steps, err = s.listIncidentSteps(ctx, q, id); err != nil {
			return t, err
		}
	}
	return t, nil
}

// GetIncident returns one incident the caller may see; the read (or the
// probe, outcome not_found) is audited.
// Returns ENotFound when missing, out of the team's region or not the
// caller's own report, and for a role that sees no incident at all: outside
// the handling team an incident looks missing, whoever asks.
func (s *Store) GetIncident(ctx context.Context, id int64) (_ model.Incident, err error) {
	defer wrap(&err, "GetIncident(%d)", id)
	pr, err := incidentPrincipal(ctx)
	if model.ErrorCode(err) == model.EForbidden {
		return model.Incident{}, s.auditRead(ctx, auth.FromContext(ctx), model.NotFound("incident"), ActIncidentRead, "incident", id, "")
	}
	if err != nil {
		return model.Incident{}, err
	}
	t, err := s.getIncident(ctx, s.read, pr, id, s.now())
	return t, s.auditRead(ctx, pr, err, ActIncidentRead, "incident", id, "")
}

// partyScope is the condition on incident_parties alias q for a search: the
// team's region range (a reporter's own incidents are few: the outer
// condition keeps them to those).
func (s *Store) partyScope(pr *auth.Principal, q string, a *args) string {
	if !pr.System && pr.FamilyLinkID == 0 && pr.Can(auth.PermIncidentHandle) {
		return scopeOf(pr).on("incident_parties", q, a)
	}
	return "TRUE"
}

// incidentWhere is the condition of a filter (scope included).
func (s *Store) incidentWhere(pr *auth.Principal, f model.IncidentFilter, now time.Time, a *args) (string, error) {
	cond := []string{s.incidentScope(pr, "t", a)}
	if f.Status != "" {
		cond = append(cond, "t.status = "+a.add(f.Status))
	}
	if f.Outcome != "" {
		cond = append(cond, "t.outcome = "+a.add(f.Outcome))
	}
	if f.PartyKind != "" {
		cond = append(cond, "t.party_kinds LIKE "+a.add("%,"+f.PartyKind+",%"))
	}
	if f.Overdue {
		n := a.add(ms(now))
		cond = append(cond, "t.status <> '"+model.IncidentConcluded+"' AND (t.conclude_due_at < "+n+" OR (t.contacted_at = 0 AND t.contact_due_at < "+n+"))")
	}
	if f.Mine {
		cond = append(cond, "t.handler_id = "+a.add(pr.UserID))
	}
	if f.NeedID != 0 {
		cond = append(cond, "t.need_id = "+a.add(f.NeedID))
	}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("t.region_code", f.RegionCode, a))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		if n, err := strconv.ParseInt(strings.TrimPrefix(q, "#"), 10, 64); err == nil && n > 0 {
			cond = append(cond, "t.id = "+a.add(n))
		} else {
			// What happened and where are sealed: the search reaches the
			// names of the person, the relative and the parties.
			// Each name is looked for within the caller's scope only, so
			// that a search reads the region's rows, not the country's.
			like := a.add(likePattern(q))
			sc := scopeOf(pr)
			cond = append(cond, "(t.person_id IN (SELECT sp.id FROM people sp WHERE "+sc.on("people", "sp", a)+" AND sp.name LIKE "+like+` ESCAPE '\')`+
				" OR t.family_member_id IN (SELECT sf.id FROM family_members sf JOIN people fp ON fp.id = sf.person_id WHERE "+sc.on("people", "fp", a)+
				" AND sf.name LIKE "+like+` ESCAPE '\')`+
				" OR t.id IN (SELECT sq.incident_id FROM incident_parties sq WHERE "+s.partyScope(pr, "sq", a)+" AND sq.name LIKE "+like+` ESCAPE '\'))`)
		}
	}
	return strings.Join(cond, " AND "), nil
}

// ListIncidents returns a page of the incidents the caller may see, newest
// first: the team's region, or the caller's own reports. One audit row per list.
func (s *Store) ListIncidents(ctx context.Context, f model.IncidentFilter) (_ model.List[model.Incident], err error) {
	defer wrap(&err, "ListIncidents()")
	// unscoped: the condition is incidentWhere's, which starts with incidentScope.
	out := model.List[model.Incident]{Items: []model.Incident{}}
	pr, err := incidentPrincipal(ctx)
	if err != nil {
		return out, err
	}
	page := clampPageFor(ctx, f.Page)
	now := s.now()
	var a args
	where, err := s.incidentWhere(pr, f, now, &a)
	if err != nil {
		return out, err
	}
	// The condition names incidents only: the count and the page's ids are
	// read from the table and its covering index, the page's rows joined after.
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM incidents t WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+incidentColumns+incidentFrom+"WHERE t.id IN (SELECT t.id FROM incidents t WHERE "+where+
		" ORDER BY t.id DESC LIMIT "+a.add(page.Limit)+" OFFSET "+a.add(page.Offset)+") ORDER BY t.id DESC", a...)
	if err != nil {
		return out, model.Internal(err)
	}
	for rows.Next() {
		t, err := s.scanIncident(pr, rows, now)
		if err != nil {
			rows.Close()
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, model.Internal(err)
	}
	if err := loadParties(ctx, s.read, out.Items); err != nil {
		return out, err
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	var d readDetail
	d.add("status", f.Status)
	d.add("outcome", f.Outcome)
	d.add("party", f.PartyKind)
	d.add("overdue", f.Overdue)
	d.add("mine", f.Mine)
	d.add("need", f.NeedID)
	d.add("region", f.RegionCode)
	d.set("q", f.Q)
	return out, s.auditList(ctx, pr, nil, ActIncidentList, "incident", d, len(out.Items), out.Total, page)
}

// incidentChange is what one action of the team writes beyond the status.
type incidentChange struct {
	set    []string // "col = $n" on the action's args
	step   string   // the step row's kind
	note   string
	notify []int64
	kind   string // inbox kind of notify
}

// actOnIncident runs one action of the team on an incident of its region:
// it checks the right, the version and the transition, updates the row
// under a guard on its version, and writes the step row and the audit row in
// the same transaction. Returns ENotFound for an incident the caller may not
// see, EForbidden for a reporter who is not of the team, EStaleVersion,
// EConflict for an action the status does not allow.
func (s *Store) actOnIncident(ctx context.Context, id int64, act casework.IncidentAction, version *int64, audit string,
	fn func(tx *sql.Tx, pr *auth.Principal, cur model.Incident, now time.Time, a *args) (incidentChange, error)) (model.Incident, error) {
	// unscoped: the incident is read in scope first (getIncident) in the same transaction.
	pr, err := incidentPrincipal(ctx)
	if err != nil {
		return model.Incident{}, err
	}
	var out model.Incident
	err = s.tx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		cur, err := s.getIncident(ctx, tx, pr, id, now)
		if err != nil {
			return err
		}
		if !cur.Team {
			return model.Errorf(model.EForbidden, "incident.team_only")
		}
		if version != nil && *version != cur.Version {
			return staleVersion()
		}
		next, ok := casework.IncidentNext(cur.Status, act)
		if !ok {
			return model.Errorf(model.EConflict, "incident.transition", model.M("incident.action."+string(act)), model.M("incident.status."+cur.Status))
		}
		var a args
		ch, err := fn(tx, pr, cur, now, &a)
		if err != nil {
			return err
		}
		at := ms(now)
		sets := append([]string{"status = " + a.add(next), "version = version + 1", "updated_at = " + a.add(at)}, ch.set...)
		res, err := tx.ExecContext(ctx, "UPDATE incidents SET "+strings.Join(sets, ", ")+" WHERE id = "+a.add(id)+" AND version = "+a.add(cur.Version), a...)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		var note []byte
		if ch.note != "" {
			note = s.seal.Seal(ch.note)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO incident_steps (incident_id, region_code, kind, note_enc, by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
			id, cur.RegionCode, ch.step, note, pr.Username, at); err != nil {
			return model.Internal(err)
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: audit, ObjectType: "incident", ObjectID: strconv.FormatInt(id, 10),
			Detail: "from=" + cur.Status + " to=" + next + " step=" + ch.step}); err != nil {
			return err
		}
		var others []int64
		for _, u := range ch.notify {
			if u != pr.UserID {
				others = append(others, u)
			}
		}
		if err := s.transferNotice(ctx, tx, others, ch.kind, at); err != nil {
			return err
		}
		out, err = s.getIncident(ctx, tx, pr, id, now)
		return err
	})
	return out, err
}

// AssignIncident names the handler: a case worker of the team (by default
// the caller). Errors as actOnIncident, and EInvalid for a handler who is
// not of the incident's team.
func (s *Store) AssignIncident(ctx context.Context, id int64, in model.IncidentAssign) (_ model.Incident, err error) {
	defer wrap(&err, "AssignIncident(%d)", id)
	return s.actOnIncident(ctx, id, casework.IncidentAssign, in.Version, ActIncidentAssign,
		func(tx *sql.Tx, pr *auth.Principal, cur model.Incident, now time.Time, a *args) (incidentChange, error) {
			// unscoped: the handler must be of the team of the incident's region, checked here.
			uid := pr.UserID
			if in.HandlerID != nil {
				uid = *in.HandlerID
			}
			var name, role string
			var code sql.NullString
			var inst, person sql.NullInt64
			var disabled bool
			err := tx.QueryRowContext(ctx, "SELECT username, role, region_code, institution_id, person_id, disabled FROM users WHERE id = $1", uid).
				Scan(&name, &role, &code, &inst, &person, &disabled)
			if err != nil && err != sql.ErrNoRows {
				return incidentChange{}, model.Internal(err)
			}
			if err == sql.ErrNoRows || disabled || !code.Valid || inst.Valid || person.Valid || !auth.RoleCan(role, auth.PermIncidentHandle) ||
				!strings.HasPrefix(cur.RegionCode, code.String) {
				return incidentChange{}, model.FieldErrors{"handler_id": model.M("incident.handler_not_team")}.Err()
			}
			return incidentChange{set: []string{"handler_id = " + a.add(uid), "handler_name = " + a.add(name)}, step: model.StepAssign,
				note: name, notify: []int64{uid}, kind: NoticeIncidentAssigned}, nil
		})
}

// AddIncidentStep records a step the team took; reaching the reporter
// (contact_reporter) stops the contact deadline. The first step moves a
// reported incident into handling, with the caller as handler when it has none.
func (s *Store) AddIncidentStep(ctx context.Context, id int64, in model.IncidentStepInput) (_ model.Incident, err error) {
	defer wrap(&err, "AddIncidentStep(%d)", id)
	if err := in.Normalize().Err(); err != nil {
		return model.Incident{}, err
	}
	return s.actOnIncident(ctx, id, casework.IncidentStep, in.Version, ActIncidentStep,
		func(tx *sql.Tx, pr *auth.Principal, cur model.Incident, now time.Time, a *args) (incidentChange, error) {
			ch := incidentChange{step: in.Kind, note: in.Note}
			if in.Kind == model.StepContactReporter && cur.ContactedAt == nil {
				ch.set = append(ch.set, "contacted_at = "+a.add(ms(now)))
			}
			if cur.HandlerID == nil && pr.UserID != 0 {
				ch.set = append(ch.set, "handler_id = "+a.add(pr.UserID), "handler_name = "+a.add(pr.Username))
			}
			return ch, nil
		})
}

// ConcludeIncident records the outcome with its note. With ResolveCase the
// ledger case it settles is resolved too, through the ledger's own step
// (StepNeed), after the outcome is written: a case that may not be resolved
// now (closed meanwhile, not the caller's to resolve) leaves the outcome in
// place and answers the case's error.
func (s *Store) ConcludeIncident(ctx context.Context, id int64, in model.IncidentOutcomeInput) (_ model.Incident, err error) {
	defer wrap(&err, "ConcludeIncident(%d)", id)
	fe := in.Normalize()
	if in.ResolveCase && in.CaseResolution == "" {
		fe.Add("case_resolution", "field.required")
	}
	if err := fe.Err(); err != nil {
		return model.Incident{}, err
	}
	out, err := s.actOnIncident(ctx, id, casework.IncidentConclude, in.Version, ActIncidentConclude,
		func(tx *sql.Tx, pr *auth.Principal, cur model.Incident, now time.Time, a *args) (incidentChange, error) {
			if in.ResolveCase && cur.NeedID == nil {
				return incidentChange{}, model.FieldErrors{"resolve_case": model.M("incident.no_case")}.Err()
			}
			set := []string{"outcome = " + a.add(in.Outcome), "outcome_note_enc = " + a.add(s.seal.Seal(in.Note)), "concluded_at = " + a.add(ms(now))}
			if cur.HandlerID == nil && pr.UserID != 0 {
				set = append(set, "handler_id = "+a.add(pr.UserID), "handler_name = "+a.add(pr.Username))
			}
			return incidentChange{set: set, step: model.StepOutcome, note: in.Outcome}, nil
		})
	if err != nil || !in.ResolveCase || out.NeedID == nil {
		return out, err
	}
	// The ledger's rules resolve an assigned or started case: an open one is
	// first assigned to the one who concluded the incident.
	pr := auth.FromContext(ctx)
	n, err := s.getNeed(ctx, s.read, pr, *out.NeedID)
	if err != nil {
		return out, err
	}
	if n.Status == model.NeedOpen && pr.UserID != 0 {
		if _, err := s.AssignNeed(ctx, *out.NeedID, model.NeedAssign{UserID: &pr.UserID}); err != nil {
			return out, err
		}
	}
	if _, err := s.StepNeed(ctx, *out.NeedID, casework.Resolve, model.NeedStep{Resolution: in.CaseResolution}); err != nil {
		return out, err
	}
	return out, nil
}

// ReopenIncident takes a concluded incident back into handling (the outcome
// did not hold: the landlord changed the locks again); the outcome is kept
// in the steps, cleared on the incident.
func (s *Store) ReopenIncident(ctx context.Context, id int64, in model.IncidentStepInput) (_ model.Incident, err error) {
	defer wrap(&err, "ReopenIncident(%d)", id)
	fe := model.FieldErrors{}
	model.CheckLongText(fe, "note", &in.Note, model.IncidentTextMax, true)
	if err := fe.Err(); err != nil {
		return model.Incident{}, err
	}
	return s.actOnIncident(ctx, id, casework.IncidentReopen, in.Version, ActIncidentReopen,
		func(tx *sql.Tx, pr *auth.Principal, cur model.Incident, now time.Time, a *args) (incidentChange, error) {
			return incidentChange{set: []string{"outcome = ''", "outcome_note_enc = NULL", "concluded_at = 0",
				"conclude_due_at = " + a.add(ms(now.Add(cur.ConcludeDueAt.Sub(cur.CreatedAt))))}, step: model.StepReopen, note: in.Note}, nil
		})
}

// IncidentStats counts the incidents in scope: open, overdue and concluded
// by outcome. For a role that sees aggregates only (a leader) the figures go
// through model.Suppress with the one sum they publish (concluded = the
// outcomes), so that a hidden outcome cannot be worked out.
// Returns EForbidden for a role that neither handles incidents nor reads aggregates.
func (s *Store) IncidentStats(ctx context.Context, regionCode string) (_ model.IncidentStats, err error) {
	defer wrap(&err, "IncidentStats()")
	pr := auth.FromContext(ctx)
	if pr == nil {
		return model.IncidentStats{}, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	team := pr.FamilyLinkID == 0 && pr.Can(auth.PermIncidentHandle)
	if !team && !pr.Can(auth.PermAggregateRead) {
		return model.IncidentStats{}, model.Errorf(model.EForbidden, "error.forbidden")
	}
	var a args
	n := a.add(ms(s.now()))
	q := `SELECT COALESCE(SUM(CASE WHEN t.status <> 'concluded' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN t.status <> 'concluded' AND (t.conclude_due_at < ` + n + ` OR (t.contacted_at = 0 AND t.contact_due_at < ` + n + `)) THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN t.outcome = 'education' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN t.outcome = 'penalty' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN t.outcome = 'police' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN t.outcome = 'unsubstantiated' THEN 1 ELSE 0 END), 0)
		FROM incidents t WHERE ` + scopeOf(pr).on("incidents", "t", &a) + " AND " + regionRange("t.region_code", regionCode, &a)
	f := make([]int, 7)
	if err := s.read.QueryRowContext(ctx, q, a...).Scan(&f[0], &f[1], &f[2], &f[3], &f[4], &f[5]); err != nil {
		return model.IncidentStats{}, model.Internal(err)
	}
	f[6] = f[2] + f[3] + f[4] + f[5]
	hidden := make([]bool, len(f))
	if !team && !pr.System {
		// Overdue is a part of open, published beside it: open = overdue + the rest.
		hidden = model.Suppress(f, []model.Line{{Parts: []int{2, 3, 4, 5}, Total: 6}})
	}
	c := func(i int) model.Count {
		if hidden[i] {
			return model.Count(f[i]).Suppress()
		}
		return model.Count(f[i])
	}
	return model.IncidentStats{Open: c(0), Overdue: c(1), Concluded: c(6), ByOutcome: map[string]model.Count{
		model.OutcomeEducation: c(2), model.OutcomePenalty: c(3), model.OutcomePolice: c(4), model.OutcomeUnsubstantiated: c(5)}}, nil
}

// IncidentHandlers returns the accounts that may handle an incident the
// caller handles: the enabled case workers whose region covers it, by name.
// Returns ENotFound for an incident the caller may not see, EForbidden for
// one they see but do not handle (their own report).
func (s *Store) IncidentHandlers(ctx context.Context, id int64) (_ []model.IncidentHandler, err error) {
	defer wrap(&err, "IncidentHandlers(%d)", id)
	// unscoped: the incident is read in scope first; the accounts are its team's.
	pr, err := incidentPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	var a args
	var code string
	err = s.read.QueryRowContext(ctx, "SELECT t.region_code FROM incidents t WHERE t.id = "+a.add(id)+" AND "+s.incidentScope(pr, "t", &a), a...).Scan(&code)
	if err == sql.ErrNoRows {
		return nil, model.NotFound("incident")
	}
	if err != nil {
		return nil, model.Internal(err)
	}
	if !onIncidentTeam(pr, code) {
		return nil, model.Errorf(model.EForbidden, "incident.team_only")
	}
	var b args
	rows, err := s.read.QueryContext(ctx, `SELECT id, username, display_name, role FROM users WHERE disabled = FALSE AND region_code IS NOT NULL
		AND institution_id IS NULL AND person_id IS NULL AND (region_code = '' OR `+b.add(code)+` LIKE region_code || '%') ORDER BY username`, b...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	out := []model.IncidentHandler{}
	for rows.Next() {
		var h model.IncidentHandler
		var role string
		if err := rows.Scan(&h.ID, &h.Username, &h.DisplayName, &role); err != nil {
			return nil, model.Internal(err)
		}
		if auth.RoleCan(role, auth.PermIncidentHandle) {
			out = append(out, h)
		}
	}
	return out, rows.Err()
}
