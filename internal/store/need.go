package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/model"
)

// Audit actions of the needs ledger.
const (
	ActNeedCreate       = "need.create"
	ActNeedRead         = "need.read"
	ActNeedAssign       = "need.assign"
	ActNeedStart        = "need.start"
	ActNeedResolve      = "need.resolve"
	ActNeedClose        = "need.close"
	ActNeedReject       = "need.reject"
	ActNeedReopen       = "need.reopen"
	ActNeedEscalate     = "need.escalate"
	ActLedgerExport     = "ledger.export"
	ActVisitCreate      = "visit.create"
	ActVolunteerCreate  = "volunteer.create"
	ActVolunteerUpdate  = "volunteer.update"
	ActVolunteerDelete  = "volunteer.delete"
	ActVolunteerReveal  = "volunteer.reveal"
	ActPairingCreate    = "pairing.create"
	ActPairingUpdate    = "pairing.update"
	ActPairingDelete    = "pairing.delete"
	ActWebhookCreate    = "webhook.create"
	ActWebhookUpdate    = "webhook.update"
	ActWebhookDelete    = "webhook.delete"
	ActSettingUpdate    = "setting.update"
	ActSettingDelete    = "setting.delete"
	ActNotificationRead = "notification.read"
)

// activeStatusSQL is the SQL list of the statuses whose deadline runs. The
// scheduler's partial indexes repeat it word for word, which is what lets
// both engines use them.
const activeStatusSQL = "('open', 'assigned', 'in_progress')"

// assignedTo is the condition "assigned to user uid, directly or as a volunteer".
func assignedTo(n string, uid int64, a *args) string {
	// unscoped: part of the scope clause itself (a volunteer's own cases).
	u := a.add(uid)
	return "(" + n + ".assignee_user_id = " + u + " OR " + n + ".assignee_volunteer_id IN (SELECT vu.id FROM volunteers vu WHERE vu.user_id = " + u + "))"
}

const needColumns = `n.id, n.person_id, p.name, p.phone_enc, n.family_member_id, COALESCE(f.name, ''), COALESCE(f.relation, ''), f.phone_enc,
	n.visit_id, n.institution_id, i.name, n.region_code, n.team_region_code, n.category, n.kind, n.urgency, n.description, n.source,
	n.status, n.due_at, n.escalation_level, n.assignee_user_id, COALESCE(NULLIF(u.display_name, ''), u.username, ''),
	n.assignee_volunteer_id, COALESCE(v.name, ''), n.resolution, n.reject_reason, n.satisfaction, n.created_by, n.created_by_name,
	n.version, n.created_at, n.updated_at, n.assigned_at, n.resolved_at, n.closed_at, n.address_enc, v.user_id`

const needFrom = ` FROM needs n JOIN people p ON p.id = n.person_id JOIN institutions i ON i.id = n.institution_id
	LEFT JOIN family_members f ON f.id = n.family_member_id LEFT JOIN users u ON u.id = n.assignee_user_id
	LEFT JOIN volunteers v ON v.id = n.assignee_volunteer_id `

// needRow is a case as stored, with the sealed phones the view is made from.
type needRow struct {
	model.Need
	personPhone []byte
	familyPhone []byte
	address     []byte // sealed
	userID      *int64 // assignee user
	volunteerID *int64 // assignee volunteer
	// volunteerUserID is the account linked to the assigned volunteer.
	volunteerUserID *int64
}

func scanNeed(row interface{ Scan(...any) error }) (needRow, error) {
	var r needRow
	n := &r.Need
	var fam, visit, au, av, avUser, createdBy, sat sql.NullInt64
	var userName, volName string
	var due, created, updated, assigned, resolved, closed int64
	err := row.Scan(&n.ID, &n.PersonID, &n.PersonName, &r.personPhone, &fam, &n.FamilyMemberName, &n.FamilyRelation, &r.familyPhone,
		&visit, &n.InstitutionID, &n.InstitutionName, &n.RegionCode, &n.TeamRegionCode, &n.Category, &n.Kind, &n.Urgency, &n.Description, &n.Source,
		&n.Status, &due, &n.EscalationLevel, &au, &userName, &av, &volName, &n.Resolution, &n.RejectReason, &sat, &createdBy, &n.RecordedBy,
		&n.Version, &created, &updated, &assigned, &resolved, &closed, &r.address, &avUser)
	if err != nil {
		return r, err
	}
	n.FamilyMemberID = nullToPtr(fam)
	n.VisitID = nullToPtr(visit)
	n.RecordedByID = nullToPtr(createdBy)
	if sat.Valid {
		v := int(sat.Int64)
		n.Satisfaction = &v
	}
	r.userID, r.volunteerID, r.volunteerUserID = nullToPtr(au), nullToPtr(av), nullToPtr(avUser)
	switch {
	case au.Valid:
		n.Assignee = &model.NeedAssignee{Kind: model.AssigneeUser, UserID: r.userID, Name: userName}
	case av.Valid:
		n.Assignee = &model.NeedAssignee{Kind: model.AssigneeVolunteer, VolunteerID: r.volunteerID, Name: volName}
	}
	n.DueAt, n.CreatedAt, n.UpdatedAt = fromMS(due), fromMS(created), fromMS(updated)
	n.AssignedAt, n.ResolvedAt, n.ClosedAt = optTime(assigned), optTime(resolved), optTime(closed)
	return r, nil
}

func nullToPtr(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	x := v.Int64
	return &x
}

func optTime(v int64) *time.Time {
	if v == 0 {
		return nil
	}
	t := fromMS(v)
	return &t
}

// present makes the caller's view of a stored case: a volunteer gets the
// surname only, no institution, and the contact phone in full only while the
// case is active; everyone else the phone masked (full numbers go through the
// audited reveal of the person). fullPhone reports whether the full phone was shown.
func (s *Store) present(pr *auth.Principal, r needRow, now time.Time) (n model.Need, fullContact bool, err error) {
	n = r.Need
	n.Overdue = casework.Overdue(n.Status, n.DueAt, now)
	n.AssignedToViewer = casework.AssignedTo(pr.UserID, r.userID, r.volunteerUserID)
	enc := r.personPhone
	if len(r.familyPhone) > 0 {
		enc = r.familyPhone
	}
	phone, err := s.seal.Open(enc)
	if err != nil {
		return n, false, fmt.Errorf("need %d phone: %w", n.ID, err)
	}
	if n.Address, err = s.seal.Open(r.address); err != nil {
		return n, false, fmt.Errorf("need %d address: %w", n.ID, err)
	}
	if pr.Role == auth.RoleVolunteer && !pr.System {
		n.PersonName = casework.MaskName(n.PersonName)
		n.FamilyMemberName = casework.MaskName(n.FamilyMemberName)
		n.InstitutionID, n.InstitutionName = 0, ""
		if casework.PhoneVisibleToVolunteer(n.Status) {
			// The contact the task needs, in full: the read is audited as such.
			n.ContactPhone = maskOptional(phone)
			if phone != "" {
				n.ContactPhone = phone
			}
			return n, phone != "" || n.Address != "", nil
		}
		n.Address = casework.MaskAddress(n.Address)
	}
	n.ContactPhone = maskOptional(phone)
	return n, false, nil
}

// getNeed reads one case inside the caller's scope.
func (s *Store) getNeed(ctx context.Context, q queryer, pr *auth.Principal, id int64) (needRow, error) {
	var a args
	cond := "n.id = " + a.add(id) + " AND " + scopeOf(pr).on("needs", "n", &a)
	r, err := scanNeed(q.QueryRowContext(ctx, "SELECT "+needColumns+needFrom+"WHERE "+cond, a...))
	if err == sql.ErrNoRows {
		return r, model.NotFound("need")
	}
	if err != nil {
		return r, model.Internal(err)
	}
	return r, nil
}

// GetNeed returns one case in the caller's scope with its history, as the
// caller may see it. The read is audited (need.read).
// Returns EUnauthenticated, EForbidden without need.read, ENotFound when
// missing or out of scope (for a volunteer: not assigned to them).
func (s *Store) GetNeed(ctx context.Context, id int64) (_ model.Need, err error) {
	defer wrap(&err, "GetNeed(%d)", id)
	pr, err := principal(ctx, auth.PermNeedRead)
	if err != nil {
		return model.Need{}, err
	}
	r, err := s.getNeed(ctx, s.read, pr, id)
	if err != nil {
		return model.Need{}, s.auditRead(ctx, pr, err, ActNeedRead, "need", id, "")
	}
	n, full, err := s.present(pr, r, s.now())
	if err != nil {
		return n, model.Internal(err)
	}
	if n.Events, err = s.listNeedEvents(ctx, s.read, id); err != nil {
		return n, err
	}
	detail := ""
	if full {
		detail = "contact=full" // the volunteer read the phone and address whole
	}
	return n, s.Audit(ctx, ActNeedRead, "need", strconv.FormatInt(id, 10), model.OutcomeOK, detail)
}

// ListNeedEvents returns the history of a case in the caller's scope, oldest first.
// Returns EUnauthenticated, EForbidden, ENotFound.
func (s *Store) ListNeedEvents(ctx context.Context, id int64) (_ []model.NeedEvent, err error) {
	defer wrap(&err, "ListNeedEvents(%d)", id)
	pr, err := principal(ctx, auth.PermNeedRead)
	if err != nil {
		return nil, err
	}
	var a args
	var one int
	err = s.read.QueryRowContext(ctx, "SELECT 1 FROM needs n WHERE n.id = "+a.add(id)+" AND "+scopeOf(pr).on("needs", "n", &a), a...).Scan(&one)
	if err == sql.ErrNoRows {
		return nil, model.NotFound("need")
	}
	if err != nil {
		return nil, model.Internal(err)
	}
	return s.listNeedEvents(ctx, s.read, id)
}

// listNeedEvents reads a case's history, oldest first; an "escalated" event
// carries the level it raised the case to in EscalationLevel (and no note).
func (s *Store) listNeedEvents(ctx context.Context, q queryer, needID int64) ([]model.NeedEvent, error) {
	// unscoped: the events of a case the caller read in scope; users and volunteers are joined for names.
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.need_id, e.at, e.user_id, e.username, e.action, e.from_status, e.to_status, e.note,
		e.assignee_user_id, COALESCE(NULLIF(u.display_name, ''), u.username, ''), e.assignee_volunteer_id, COALESCE(v.name, ''),
		e.team_region_code, e.satisfaction
		FROM need_events e LEFT JOIN users u ON u.id = e.assignee_user_id LEFT JOIN volunteers v ON v.id = e.assignee_volunteer_id
		WHERE e.need_id = $1 ORDER BY e.id`, needID)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	out := []model.NeedEvent{}
	level := 0 // the case's escalation level after each event
	for rows.Next() {
		var e model.NeedEvent
		var at int64
		var uid, au, av, sat sql.NullInt64
		var userName, volName string
		if err := rows.Scan(&e.ID, &e.NeedID, &at, &uid, &e.Username, &e.Action, &e.FromStatus, &e.ToStatus, &e.Note,
			&au, &userName, &av, &volName, &e.TeamRegionCode, &sat); err != nil {
			return nil, model.Internal(err)
		}
		e.At, e.UserID = fromMS(at), nullToPtr(uid)
		switch {
		case au.Valid:
			e.Assignee = &model.NeedAssignee{Kind: model.AssigneeUser, UserID: nullToPtr(au), Name: userName}
		case av.Valid:
			e.Assignee = &model.NeedAssignee{Kind: model.AssigneeVolunteer, VolunteerID: nullToPtr(av), Name: volName}
		}
		if sat.Valid {
			v := int(sat.Int64)
			e.Satisfaction = &v
		}
		switch e.Action {
		case model.EventEscalated:
			// The level is in the note's machine form; should a row lack
			// it, the count of escalations since the last reopening is the same.
			if n, ok := parseEscalationNote(e.Note); ok {
				level, e.Note = n, ""
			} else {
				level++
			}
			e.EscalationLevel = level
		case model.EventReopened:
			level = 0
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	return out, nil
}

// needOrders are the ORDER BY texts of a case list's sort keys in their
// natural direction; needOrder turns one round when asked. Only these
// fixed texts ever reach the query, and each ends with the case number so
// that equal keys keep one order from page to page.
var needOrders = map[string][]string{
	model.NeedSortUrgency: {"CASE n.urgency WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END", "n.due_at", "n.id"},
	"urgency":             {"CASE n.urgency WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END", "n.due_at", "n.id"},
	model.NeedSortDueAt:   {"n.due_at", "n.id"},
	model.NeedSortNewest:  {"n.id DESC"},
	model.NeedSortStatus: {"CASE n.status WHEN 'open' THEN 0 WHEN 'assigned' THEN 1 WHEN 'in_progress' THEN 2 WHEN 'resolved' THEN 3 " +
		"WHEN 'closed' THEN 4 ELSE 5 END", "n.id DESC"},
}

// needOrder is the ORDER BY of a case list; an unknown key is the default order.
func needOrder(sort, order string) string {
	terms, ok := needOrders[sort]
	if !ok {
		sort, terms = model.NeedSortUrgency, needOrders[model.NeedSortUrgency]
	}
	if order == "" || order == model.NeedSortNatural(sort) {
		return strings.Join(terms, ", ")
	}
	out := make([]string, len(terms))
	for i, t := range terms {
		if d, found := strings.CutSuffix(t, " DESC"); found {
			out[i] = d
		} else {
			out[i] = t + " DESC"
		}
	}
	return strings.Join(out, ", ")
}

// needBase builds the WHERE condition (scope first) for needs alias n of
// every filter but words to search. The
// status condition is always present, so that the list index (status first)
// serves every list: without a status filter it is the list of all statuses.
func needBase(pr *auth.Principal, f model.NeedFilter, now time.Time, a *args) string {
	cond := []string{scopeOf(pr).on("needs", "n", a)}
	statuses := f.Status
	if len(statuses) == 0 {
		statuses = model.NeedStatuses
	}
	if f.Overdue || f.Missed {
		var active []string
		for _, st := range statuses {
			if casework.Active(st) {
				active = append(active, st)
			}
		}
		statuses = active
		if f.Overdue {
			cond = append(cond, "n.due_at < "+a.add(ms(now)))
		} else {
			cond = append(cond, "(n.due_at < "+a.add(ms(now))+" OR n.escalation_level > 0)")
		}
	}
	if len(statuses) == 0 {
		return "FALSE"
	}
	seen := map[string]bool{}
	ph := []string{}
	for _, st := range statuses {
		if !seen[st] {
			seen[st] = true
			ph = append(ph, a.add(st))
		}
	}
	cond = append(cond, "n.status IN ("+strings.Join(ph, ", ")+")")
	if f.RegionCode != "" {
		cond = append(cond, regionRange("n.region_code", f.RegionCode, a))
	}
	if f.TeamRegionCode != "" {
		cond = append(cond, "n.team_region_code = "+a.add(f.TeamRegionCode))
	}
	if f.Category != "" {
		cond = append(cond, "n.category = "+a.add(f.Category))
	}
	if f.Kind != "" {
		cond = append(cond, "n.kind = "+a.add(f.Kind))
	}
	if f.Urgency != "" {
		cond = append(cond, "n.urgency = "+a.add(f.Urgency))
	}
	if f.InstitutionID != 0 {
		cond = append(cond, "n.institution_id = "+a.add(f.InstitutionID))
	}
	if f.PersonID != 0 {
		cond = append(cond, "n.person_id = "+a.add(f.PersonID))
	}
	if f.AssigneeUserID != 0 {
		cond = append(cond, assignedTo("n", f.AssigneeUserID, a))
	}
	if f.AssigneeVolunteerID != 0 {
		cond = append(cond, "n.assignee_volunteer_id = "+a.add(f.AssigneeVolunteerID))
	}
	if f.Unassigned {
		cond = append(cond, "n.assignee_user_id IS NULL AND n.assignee_volunteer_id IS NULL")
	}
	if f.Escalated {
		cond = append(cond, "n.escalation_level > 0")
	}
	if !f.CreatedFrom.IsZero() {
		cond = append(cond, "n.created_at >= "+a.add(ms(f.CreatedFrom)))
	}
	if !f.CreatedTo.IsZero() {
		cond = append(cond, "n.created_at < "+a.add(ms(f.CreatedTo)))
	}
	if q := model.ParseNeedQuery(f.Query); q.CaseID != 0 {
		cond = append(cond, "n.id = "+a.add(q.CaseID))
	}
	return strings.Join(cond, " AND ")
}

// needFilter builds the WHERE condition (scope first) for needs alias n:
// needBase, and the words of f.Query when it is not a case number. They
// are looked for two ways, each bounded: in the descriptions of the newest
// model.NeedSearchLimit cases needBase selects (a page of ids on the list
// index, then that many rows read), and in the names of the people in the
// caller's scope (their covering index), whose cases are found by person.
func needFilter(pr *auth.Principal, f model.NeedFilter, now time.Time, a *args) string {
	where := needBase(pr, f, now, a)
	q := model.ParseNeedQuery(f.Query)
	if q.Text == "" || where == "FALSE" {
		return where
	}
	like := a.add(likePattern(q.Text))
	in := "SELECT c.id FROM (SELECT n.id FROM needs n WHERE " + needBase(pr, f, now, a) + " ORDER BY n.id DESC LIMIT " + a.add(model.NeedSearchLimit) +
		") c JOIN needs d ON d.id = c.id WHERE d.description LIKE " + like + ` ESCAPE '\'`
	if pr.Role != auth.RoleVolunteer || pr.System {
		// A volunteer sees the surname only: a search by the whole name
		// would tell them the rest of it.
		in += " UNION SELECT n.id FROM needs n WHERE n.person_id IN (SELECT p.id FROM people p WHERE " + scopeOf(pr).reach().on("people", "p", a) +
			" AND p.name LIKE " + like + ` ESCAPE '\')`
	}
	return where + " AND n.id IN (" + in + ")"
}

// ListNeeds returns a page of the cases in the caller's scope matching f, as
// the caller may see them (without history), sorted by urgency then deadline
// unless f.Sort and f.Order say otherwise; Total counts the whole selection
// (with words to search, the matches among the newest model.NeedSearchLimit).
// Returns EUnauthenticated, EForbidden without need.read.
func (s *Store) ListNeeds(ctx context.Context, f model.NeedFilter) (_ model.List[model.Need], err error) {
	defer wrap(&err, "ListNeeds()")
	out := model.List[model.Need]{Items: []model.Need{}}
	pr, err := principal(ctx, auth.PermNeedRead)
	if err != nil {
		return out, err
	}
	page := clampPageFor(ctx, f.Page)
	out.Limit, out.Offset = page.Limit, page.Offset
	now := s.now()
	var a args
	cond := needFilter(pr, f, now, &a)
	// The page of ids is chosen on the index first; only its rows are joined.
	var ids []int64
	search := model.ParseNeedQuery(f.Query).Text != ""
	if search {
		// A search reads rows for the words; it is run once for the page
		// and the total alike, every match in order (at most NeedSearchCountMax).
		q := "SELECT n.id FROM needs n WHERE " + cond + " ORDER BY " + needOrder(f.Sort, f.Order) + " LIMIT " + a.add(model.NeedSearchCountMax)
		all, err := queryIDs(ctx, s.read, q, a...)
		if err != nil {
			return out, err
		}
		out.Total = len(all)
		ids = all[min(page.Offset, len(all)):min(page.Offset+page.Limit, len(all))]
	} else {
		q := "SELECT n.id FROM needs n WHERE " + cond + " ORDER BY " + needOrder(f.Sort, f.Order) +
			" LIMIT " + a.add(page.Limit) + " OFFSET " + a.add(page.Offset)
		var err error
		if ids, err = queryIDs(ctx, s.read, q, a...); err != nil {
			return out, err
		}
	}
	rows, err := s.needsByID(ctx, s.read, ids)
	if err != nil {
		return out, err
	}
	var whole []string // cases whose phone or address a volunteer sees whole
	for _, r := range rows {
		n, full, err := s.present(pr, r, now)
		if err != nil {
			return out, model.Internal(err)
		}
		if full {
			whole = append(whole, strconv.FormatInt(n.ID, 10))
		}
		out.Items = append(out.Items, n)
	}
	if len(whole) > 0 {
		// As GetNeed: a list that shows contacts whole is a read of them.
		if err := s.Audit(ctx, ActNeedRead, "need", strings.Join(whole, ","), model.OutcomeOK, "contact=full"); err != nil {
			return out, err
		}
	}
	if search {
		return out, nil
	}
	if len(ids) < page.Limit && (page.Offset == 0 || len(ids) > 0) {
		out.Total = page.Offset + len(ids)
		return out, s.auditList(ctx, pr, nil, ActNeedList, "need", needListDetail(f), len(out.Items), out.Total, page)
	}
	var b args
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM needs n WHERE "+needFilter(pr, f, now, &b), b...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	return out, s.auditList(ctx, pr, nil, ActNeedList, "need", needListDetail(f), len(out.Items), out.Total, page)
}

// needListDetail names a case list's filter.
func needListDetail(f model.NeedFilter) readDetail {
	var d readDetail
	d.add("status", f.Status)
	d.add("category", f.Category)
	d.add("kind", f.Kind)
	d.add("urgency", f.Urgency)
	d.add("region", f.RegionCode)
	d.add("team", f.TeamRegionCode)
	d.add("institution", f.InstitutionID)
	d.add("person", f.PersonID)
	d.add("assignee", f.AssigneeUserID)
	d.add("volunteer", f.AssigneeVolunteerID)
	d.add("unassigned", f.Unassigned)
	d.add("overdue", f.Overdue)
	d.add("escalated", f.Escalated)
	return d
}

// queryIDs runs a query returning one id column.
func queryIDs(ctx context.Context, q queryer, query string, a ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, model.Internal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	return ids, nil
}

// needsByID reads the cases with the given ids, in the order given.
func (s *Store) needsByID(ctx context.Context, q queryer, ids []int64) ([]needRow, error) {
	// unscoped: the ids come from a query in scope (ListNeeds, GetVisit).
	if len(ids) == 0 {
		return nil, nil
	}
	var a args
	ph := make([]string, len(ids))
	for i, id := range ids {
		ph[i] = a.add(id)
	}
	rows, err := q.QueryContext(ctx, "SELECT "+needColumns+needFrom+"WHERE n.id IN ("+strings.Join(ph, ", ")+")", a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	byID := make(map[int64]needRow, len(ids))
	for rows.Next() {
		r, err := scanNeed(rows)
		if err != nil {
			return nil, model.Internal(err)
		}
		byID[r.ID] = r
	}
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	out := make([]needRow, 0, len(ids))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// CreateNeed records a case. A case worker (need.write) records cases of any
// person in scope; a worker (need.report) only their own, with source self
// or family; a relative's self-service link (need.report_family) only its
// relative's, with source family, while the link lasts and within the
// region's hourly limit of reports per link. The deadline follows from the urgency and the policy of the
// person's region unless an earlier one is asked for. On SQLite, cases
// recorded at the same moment share a transaction (need_commit.go), each
// failing or succeeding alone.
// Returns EUnauthenticated, EForbidden, EInvalid (fields: category, kind,
// urgency, source, description, family_member_id, due_at), ENotFound for an
// unknown or out-of-scope person or a link that has ended, ERateLimited for a
// link past its hourly limit.
func (s *Store) CreateNeed(ctx context.Context, in model.NeedInput) (_ model.Need, err error) {
	defer wrap(&err, "CreateNeed()")
	pr := auth.FromContext(ctx)
	if pr == nil {
		return model.Need{}, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	if !pr.Can(auth.PermNeedWrite) && !pr.Can(auth.PermNeedReport) && !pr.Can(auth.PermNeedReportFamily) {
		return model.Need{}, model.Errorf(model.EForbidden, "error.forbidden")
	}
	fe := in.Normalize()
	switch {
	case pr.FamilyLinkID != 0:
		if in.Source != "" && in.Source != model.SourceFamily {
			fe.Add("source", "need.link_source")
		}
		if in.FamilyMemberID == nil || *in.FamilyMemberID != pr.FamilyMemberID {
			fe.Add("family_member_id", "need.link_member")
		}
	case !pr.Can(auth.PermNeedWrite) && in.Source != "" && in.Source != model.SourceSelf && in.Source != model.SourceFamily:
		fe.Add("source", "need.report_source")
	}
	if err := fe.Err(); err != nil {
		return model.Need{}, err
	}
	if s.engine == SQLite {
		return s.createGrouped(ctx, pr, in)
	}
	var out model.Need
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.createAndRead(ctx, &needTx{Tx: tx}, pr, &in, &policyCache{s: s, q: tx})
		return err
	})
	return out, err
}

// createAndRead writes one case inside tx and returns it as the caller sees it.
func (s *Store) createAndRead(ctx context.Context, tx *needTx, pr *auth.Principal, in *model.NeedInput, pols *policyCache) (model.Need, error) {
	now := s.now()
	r, err := s.createNeedTx(ctx, tx, pr, in, nil, "", now, pols)
	if err != nil {
		return model.Need{}, err
	}
	out, _, err := s.present(pr, r, now)
	if err != nil {
		return out, model.Internal(err)
	}
	return out, nil
}

// createNeedTx writes one case, its first event, its outbox event and its
// audit row inside tx, and returns the case as stored (with its first event)
// without reading it back; prefix names nested fields in errors (needs[0].).
func (s *Store) createNeedTx(ctx context.Context, tx *needTx, pr *auth.Principal, in *model.NeedInput, visitID *int64, prefix string,
	now time.Time, pols *policyCache) (needRow, error) {
	r, err := s.checkNeed(ctx, tx, pr, in, prefix, now, pols)
	if err != nil {
		return r, err
	}
	return r, s.insertNeed(ctx, tx, pr, &r, in, visitID, now)
}

// checkNeed reads what a new case needs (its person in the caller's scope,
// the family member, the region's deadlines) and validates it, writing
// nothing: every refusal of bad input comes from here, so a batch of cases
// needs no savepoint per case.
func (s *Store) checkNeed(ctx context.Context, tx *needTx, pr *auth.Principal, in *model.NeedInput, prefix string,
	now time.Time, pols *policyCache) (needRow, error) {
	var r needRow
	n := &r.Need
	var a args
	err := tx.QueryRowContext(ctx, `SELECT p.name, p.phone_enc, p.region_code, p.institution_id, i.name FROM people p
		JOIN institutions i ON i.id = p.institution_id WHERE p.id = `+a.add(in.PersonID)+" AND "+scopeOf(pr).on("people", "p", &a), a...).
		Scan(&n.PersonName, &r.personPhone, &n.RegionCode, &n.InstitutionID, &n.InstitutionName)
	if err == sql.ErrNoRows {
		return r, model.NotFound("person")
	}
	if err != nil {
		return r, model.Internal(err)
	}
	if in.FamilyMemberID != nil {
		var owner int64
		err := tx.QueryRowContext(ctx, "SELECT person_id, name, relation, phone_enc FROM family_members WHERE id = $1", *in.FamilyMemberID).
			Scan(&owner, &n.FamilyMemberName, &n.FamilyRelation, &r.familyPhone)
		if err != nil && err != sql.ErrNoRows {
			return r, model.Internal(err)
		}
		if err == sql.ErrNoRows || owner != in.PersonID {
			return r, model.FieldErrors{prefix + "family_member_id": model.M("need.family_member_other")}.Err()
		}
		n.FamilyMemberID = in.FamilyMemberID
	}
	pol, err := pols.get(ctx, n.RegionCode)
	if err != nil {
		return r, err
	}
	due, key := pol.CheckDue(now, in.Urgency, in.DueAt)
	switch key {
	case "":
	case "need.due_too_late":
		return r, model.FieldErrors{prefix + "due_at": model.M(key, pol.Deadline(in.Urgency).Hours())}.Err()
	default:
		return r, model.FieldErrors{prefix + "due_at": model.M(key)}.Err()
	}
	n.DueAt = due
	if pr.FamilyLinkID != 0 {
		if err := s.checkLinkUse(ctx, tx, pr, pol.FamilyLinkReportsPerHour, now); err != nil {
			return r, err
		}
	}
	return r, nil
}

// insertNeed writes a case checked by checkNeed: the row, its first event, its
// outbox event and its audit row. Any error here is the database's.
func (s *Store) insertNeed(ctx context.Context, tx *needTx, pr *auth.Principal, r *needRow, in *model.NeedInput, visitID *int64, now time.Time) error {
	n := &r.Need
	due := n.DueAt
	at := ms(now)
	addr := s.seal.Seal(in.Address)
	err := tx.QueryRowContext(ctx, `INSERT INTO needs (person_id, family_member_id, visit_id, region_code, institution_id, team_region_code,
		category, kind, urgency, description, source, status, due_at, created_by, created_by_name, version, created_at, updated_at, address_enc)
		VALUES ($1, $2, $3, $4, $5, $4, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $15, $16) RETURNING id`,
		in.PersonID, nullInt(in.FamilyMemberID), nullInt(visitID), n.RegionCode, n.InstitutionID, in.Category, in.Kind, in.Urgency,
		in.Description, in.Source, model.NeedOpen, ms(due), nullID(pr.UserID), pr.Username, at, addr).Scan(&n.ID)
	if err != nil {
		return model.Internal(err)
	}
	n.PersonID, n.VisitID, n.TeamRegionCode = in.PersonID, visitID, n.RegionCode
	r.address = addr
	n.Category, n.Kind, n.Urgency, n.Description, n.Source, n.Status = in.Category, in.Kind, in.Urgency, in.Description, in.Source, model.NeedOpen
	n.DueAt, n.CreatedAt, n.UpdatedAt, n.Version = fromMS(ms(due)), fromMS(at), fromMS(at), 1
	n.RecordedBy, n.RecordedByID = pr.Username, nullToPtr(sql.NullInt64{Int64: pr.UserID, Valid: pr.UserID != 0})
	ev := needEventRec{NeedID: n.ID, Action: model.EventCreated, To: model.NeedOpen}
	evID, err := s.insertNeedEvent(ctx, tx, pr, ev, at)
	if err != nil {
		return err
	}
	n.Events = []model.NeedEvent{{ID: evID, NeedID: n.ID, At: fromMS(at), UserID: n.RecordedByID, Username: pr.Username, Action: ev.Action, ToStatus: ev.To}}
	if pr.FamilyLinkID != 0 {
		if _, err := tx.ExecContext(ctx, "UPDATE family_links SET last_used_at = $1 WHERE id = $2", at, pr.FamilyLinkID); err != nil {
			return model.Internal(err)
		}
	}
	if err := s.emit(ctx, tx, model.OutboxNeedCreated, payloadOf(*r), at); err != nil {
		return err
	}
	return s.appendAudit(ctx, tx, auditRecord{Action: ActNeedCreate, ObjectType: "need", ObjectID: strconv.FormatInt(n.ID, 10),
		Detail: "person=" + strconv.FormatInt(in.PersonID, 10)})
}

// nullID stores 0 as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// needEventRec is one history row to write.
type needEventRec struct {
	NeedID            int64
	Action            string
	From, To          string
	Note              string
	AssigneeUser      *int64
	AssigneeVolunteer *int64
	Team              string
	Satisfaction      *int
}

func (s *Store) insertNeedEvent(ctx context.Context, tx queryer, pr *auth.Principal, e needEventRec, at int64) (int64, error) {
	var sat any
	if e.Satisfaction != nil {
		sat = *e.Satisfaction
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO need_events (need_id, at, user_id, username, action, from_status, to_status, note,
		assignee_user_id, assignee_volunteer_id, team_region_code, satisfaction) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		e.NeedID, at, nullID(pr.UserID), pr.Username, e.Action, e.From, e.To, e.Note, nullInt(e.AssigneeUser), nullInt(e.AssigneeVolunteer), e.Team, sat).Scan(&id)
	if err != nil {
		return 0, model.Internal(err)
	}
	return id, nil
}

// emit writes an outbox event in the transaction of the change it reports.
func (s *Store) emit(ctx context.Context, tx queryer, event string, p model.OutboxPayload, at int64) error {
	p.Event, p.At = event, fromMS(at)
	body, err := json.Marshal(p)
	if err != nil {
		return model.Internal(err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO outbox (event, need_id, payload, created_at) VALUES ($1, $2, $3, $4)",
		event, p.NeedID, string(body), at); err != nil {
		return model.Internal(err)
	}
	return nil
}

// payloadOf is the outbox body of a stored case: no names, ID numbers or phones.
func payloadOf(n needRow) model.OutboxPayload {
	return model.OutboxPayload{NeedID: n.ID, Category: n.Category, Kind: n.Kind, Urgency: n.Urgency, Status: n.Status,
		EscalationLevel: n.EscalationLevel, RegionCode: n.RegionCode, TeamRegionCode: n.TeamRegionCode, InstitutionID: n.InstitutionID,
		AssigneeUserID: n.userID, AssigneeVolunteerID: n.volunteerID, DueAt: n.DueAt}
}

// notify puts an inbox entry of kind about a case into each user's inbox
// (each user once), in the transaction of the change.
func (s *Store) notify(ctx context.Context, tx queryer, users []int64, kind string, needID int64, at int64) error {
	seen := map[int64]bool{}
	for _, u := range users {
		if u == 0 || seen[u] {
			continue
		}
		seen[u] = true
		if _, err := tx.ExecContext(ctx, "INSERT INTO notifications (user_id, kind, need_id, created_at) VALUES ($1, $2, $3, $4)",
			u, kind, needID, at); err != nil {
			return model.Internal(err)
		}
	}
	return nil
}

// assigneeUsers returns the accounts that work a case: the assigned user, or
// the account linked to the assigned volunteer.
func assigneeUsers(ctx context.Context, q queryer, userID, volunteerID *int64) ([]int64, error) {
	// unscoped: whom to notify about a case already read in scope.
	if userID != nil {
		return []int64{*userID}, nil
	}
	if volunteerID == nil {
		return nil, nil
	}
	var uid sql.NullInt64
	err := q.QueryRowContext(ctx, "SELECT user_id FROM volunteers WHERE id = $1", *volunteerID).Scan(&uid)
	if err != nil && err != sql.ErrNoRows {
		return nil, model.Internal(err)
	}
	if uid.Valid {
		return []int64{uid.Int64}, nil
	}
	return nil, nil
}

// teamUsers returns the enabled case workers whose region is exactly the team's.
func teamUsers(ctx context.Context, q queryer, team string) ([]int64, error) {
	// unscoped: whom to notify: the team of a case already read in scope.
	return queryIDs(ctx, q, "SELECT id FROM users WHERE scope_region_code = $1 AND region_code = $1 AND role = $2 AND disabled = FALSE ORDER BY id",
		team, auth.RoleCaseworker)
}
