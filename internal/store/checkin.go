package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// Daily health check-ins (每日健康打卡) of deployed people. A worker deployed
// today (a deployment not cancelled whose dates cover the day) checks in
// once a day; a second check-in the same day corrects the first. The answers
// are sealed; fever raises an alert to the batch's team leader and the
// region's case workers at once, a missed check-in when the scheduler finds
// it after the day's deadline (NotifyMissedCheckins).

// Audit actions of check-ins.
const (
	ActCheckinSubmit  = "checkin.submit"
	ActCheckinCorrect = "checkin.correct"
	ActCheckinRead    = "checkin.read"
	ActCheckinList    = "checkin.list"
	ActCheckinMissing = "checkin.missing"
	ActCheckinExport  = "export.checkins"
)

// Inbox kinds of check-in alerts; the entry names nobody, its page does.
const (
	NoticeCheckinFever  = "checkin.fever"
	NoticeCheckinMissed = "checkin.missed"
)

// Kinds of checkin_alerts rows.
const (
	alertFever  = "fever"
	alertMissed = "missed"
)

// CheckinDeadlineHour is the hour (China time) by which a deployed person
// checks in: after it the day's missing check-ins are flagged.
const CheckinDeadlineHour = 20

// checkinAnswers is the sealed document of a check-in.
type checkinAnswers struct {
	Temperature float64  `json:"t"`
	Symptoms    []string `json:"s"`
	SleepHours  float64  `json:"h"`
	Mood        int      `json:"m"`
	Remark      string   `json:"r,omitempty"`
}

// checkinScope is the scope of the check-in tables (checkins, checkin_alerts,
// deployments): the caller's scope on table, widened for a worker to the
// batches whose team leader they are (aid_batches.leader_person_id).
func checkinScope(pr *auth.Principal, table, alias string, a *args) string {
	c := scopeOf(pr).on(table, alias, a)
	if pr.System || pr.PersonID == 0 || pr.FamilyLinkID != 0 {
		return c
	}
	return "(" + c + " OR " + alias + ".batch_id IN (SELECT lb.id FROM aid_batches lb WHERE lb.leader_person_id = " + a.add(pr.PersonID) + "))"
}

const checkinColumns = `c.id, c.person_id, p.name, c.institution_id, i.name, c.region_code, c.deployment_id, c.batch_id, c.day,
	c.answers_enc, c.fever, c.corrections, c.created_at, c.updated_at`

const checkinFrom = ` FROM checkins c JOIN people p ON p.id = c.person_id JOIN institutions i ON i.id = c.institution_id `

func (s *Store) scanCheckin(row interface{ Scan(...any) error }) (model.Checkin, error) {
	var c model.Checkin
	var dep, batch sql.NullInt64
	var enc []byte
	var created, updated int64
	if err := row.Scan(&c.ID, &c.PersonID, &c.PersonName, &c.InstitutionID, &c.InstitutionName, &c.RegionCode, &dep, &batch, &c.Day,
		&enc, &c.Fever, &c.Corrections, &created, &updated); err != nil {
		return c, err
	}
	c.DeploymentID, c.BatchID, c.CreatedAt, c.UpdatedAt = nullToPtr(dep), nullToPtr(batch), fromMS(created), fromMS(updated)
	plain, err := s.seal.Open(enc)
	if err != nil {
		return c, err
	}
	var ans checkinAnswers
	if err := json.Unmarshal([]byte(plain), &ans); err != nil {
		return c, err
	}
	c.Temperature, c.Symptoms, c.SleepHours, c.Mood, c.Remark = ans.Temperature, ans.Symptoms, ans.SleepHours, ans.Mood, ans.Remark
	if c.Symptoms == nil {
		c.Symptoms = []string{}
	}
	return c, nil
}

func (s *Store) getCheckin(ctx context.Context, q queryer, pr *auth.Principal, id int64) (model.Checkin, error) {
	var a args
	cond := "c.id = " + a.add(id) + " AND " + checkinScope(pr, "checkins", "c", &a)
	c, err := s.scanCheckin(q.QueryRowContext(ctx, "SELECT "+checkinColumns+checkinFrom+"WHERE "+cond, a...))
	if err == sql.ErrNoRows {
		return c, model.NotFound("checkin")
	}
	if err != nil {
		return c, model.Internal(err)
	}
	return c, nil
}

// activeDeployment is the deployment of a person on a day.
type activeDeployment struct {
	id         int64
	batchID    sql.NullInt64
	assignment string
}

// deploymentOn returns the person's deployment covering day (not
// cancelled), the lowest tier first; ok is false when there is none.
func deploymentOn(ctx context.Context, q queryer, pr *auth.Principal, personID int64, day string) (d activeDeployment, ok bool, err error) {
	var a args
	err = q.QueryRowContext(ctx, `SELECT d.id, d.batch_id, COALESCE(fp.name, ab.name, '') FROM deployments d
		LEFT JOIN frontline_posts fp ON fp.id = d.post_id LEFT JOIN aid_batches ab ON ab.id = d.batch_id
		WHERE d.person_id = `+a.add(personID)+` AND d.status <> 'cancelled' AND d.starts_on <= `+a.add(day)+` AND d.ends_on >= `+a.add(day)+
		` AND `+scopeOf(pr).on("deployments", "d", &a)+` ORDER BY d.tier, d.id LIMIT 1`, a...).Scan(&d.id, &d.batchID, &d.assignment)
	if err == sql.ErrNoRows {
		return d, false, nil
	}
	if err != nil {
		return d, false, model.Internal(err)
	}
	return d, true, nil
}

// SubmitCheckin records today's check-in (China time) of the caller, a
// worker deployed today. A second check-in the same day replaces the
// answers of the first (a correction, counted and audited); an alert already
// raised stays. A temperature at or above model.FeverLine raises the day's
// fever alert once: an inbox entry to the team leader of the batch and the
// case workers of the person's region.
// Returns EUnauthenticated, EForbidden without checkin.submit or for an
// account that is not a person's, EInvalid (temperature, symptoms,
// sleep_hours, mood, remark), EConflict checkin.not_deployed when the caller
// is not deployed today.
func (s *Store) SubmitCheckin(ctx context.Context, in model.CheckinInput) (_ model.Checkin, err error) {
	defer wrap(&err, "SubmitCheckin()")
	pr, err := principal(ctx, auth.PermCheckinSubmit)
	if err != nil {
		return model.Checkin{}, err
	}
	if pr.PersonID == 0 || pr.FamilyLinkID != 0 {
		return model.Checkin{}, model.Errorf(model.EForbidden, "error.forbidden")
	}
	if err := in.Normalize().Err(); err != nil {
		return model.Checkin{}, err
	}
	now := s.now()
	day := model.ChinaDay(now)
	fever := model.IsFever(*in.Temperature)
	doc, err := json.Marshal(checkinAnswers{Temperature: *in.Temperature, Symptoms: in.Symptoms, SleepHours: *in.SleepHours, Mood: *in.Mood, Remark: in.Remark})
	if err != nil {
		return model.Checkin{}, model.Internal(err)
	}
	var c model.Checkin
	err = s.tx(ctx, func(tx *sql.Tx) error {
		p, err := s.getPerson(ctx, tx, pr, pr.PersonID, false)
		if err != nil {
			return err
		}
		dep, ok, err := deploymentOn(ctx, tx, pr, p.ID, day)
		if err != nil {
			return err
		}
		if !ok {
			return model.Errorf(model.EConflict, "checkin.not_deployed", day)
		}
		var a args
		var id int64
		err = tx.QueryRowContext(ctx, "SELECT c.id FROM checkins c WHERE c.person_id = "+a.add(p.ID)+" AND c.day = "+a.add(day)+
			" AND "+scopeOf(pr).on("checkins", "c", &a), a...).Scan(&id)
		action := ActCheckinSubmit
		switch {
		case err == sql.ErrNoRows:
			if err := tx.QueryRowContext(ctx, `INSERT INTO checkins (person_id, region_code, institution_id, deployment_id, batch_id, day,
				answers_enc, fever, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
				p.ID, p.RegionCode, p.InstitutionID, dep.id, dep.batchID, day, s.seal.Seal(string(doc)), fever, ms(now)).Scan(&id); err != nil {
				return model.Internal(err)
			}
		case err != nil:
			return model.Internal(err)
		default:
			action = ActCheckinCorrect
			if _, err := tx.ExecContext(ctx, `UPDATE checkins SET answers_enc = $1, fever = $2, deployment_id = $3, batch_id = $4,
				corrections = corrections + 1, updated_at = $5 WHERE id = $6`, s.seal.Seal(string(doc)), fever, dep.id, dep.batchID, ms(now), id); err != nil {
				return model.Internal(err)
			}
		}
		// No answer, not even the fever flag: the audit trail is read by the
		// auditor, who reads no health data.
		detail := "person=" + strconv.FormatInt(p.ID, 10) + " day=" + day + " deployment=" + strconv.FormatInt(dep.id, 10)
		if err := s.appendAudit(ctx, tx, auditRecord{Action: action, ObjectType: "checkin", ObjectID: strconv.FormatInt(id, 10), Detail: detail}); err != nil {
			return err
		}
		if fever {
			var batch *int64
			if dep.batchID.Valid {
				batch = &dep.batchID.Int64
			}
			if err := s.raiseCheckinAlert(ctx, tx, p.ID, p.RegionCode, p.InstitutionID, batch, day, alertFever, now); err != nil {
				return err
			}
		}
		c, err = s.getCheckin(ctx, tx, pr, id)
		return err
	})
	return c, err
}

// raiseCheckinAlert records the alert of kind about a person's day, unless
// it was raised before, and tells its recipients (one inbox entry each).
func (s *Store) raiseCheckinAlert(ctx context.Context, tx queryer, personID int64, regionCode string, institutionID int64, batchID *int64, day, kind string, now time.Time) error {
	to, err := s.insertCheckinAlert(ctx, tx, personID, regionCode, institutionID, batchID, day, kind, now)
	if err != nil || len(to) == 0 {
		return err
	}
	return checkinNotice(ctx, tx, to, kind, now)
}

// insertCheckinAlert records an alert unless it was raised before and
// returns its recipients (none when it was).
func (s *Store) insertCheckinAlert(ctx context.Context, tx queryer, personID int64, regionCode string, institutionID int64, batchID *int64, day, kind string, now time.Time) ([]int64, error) {
	// unscoped: an alert about a check-in (or a deployment) already read in scope; its recipients are chosen by checkinRecipients.
	res, err := tx.ExecContext(ctx, `INSERT INTO checkin_alerts (person_id, region_code, institution_id, batch_id, day, kind, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (person_id, day, kind) DO NOTHING`, personID, regionCode, institutionID, nullInt(batchID), day, kind, ms(now))
	if err != nil {
		return nil, model.Internal(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, nil
	}
	to, err := checkinRecipients(ctx, tx, personID, regionCode, batchID)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE checkin_alerts SET notified = $1 WHERE person_id = $2 AND day = $3 AND kind = $4", len(to), personID, day, kind); err != nil {
		return nil, model.Internal(err)
	}
	return to, nil
}

// checkinNotice puts one inbox entry of the alert's kind, naming nobody,
// into each account's inbox.
func checkinNotice(ctx context.Context, tx queryer, to []int64, kind string, now time.Time) error {
	// unscoped: notices to accounts chosen by checkinRecipients.
	notice := NoticeCheckinFever
	if kind == alertMissed {
		notice = NoticeCheckinMissed
	}
	for _, u := range to {
		if _, err := tx.ExecContext(ctx, "INSERT INTO notifications (user_id, kind, created_at) VALUES ($1, $2, $3)", u, notice, ms(now)); err != nil {
			return model.Internal(err)
		}
	}
	return nil
}

// checkinRecipients are the accounts an alert about a person goes to: the
// team leader of the batch (the worker account of aid_batches.leader_person_id)
// and the case workers of the nearest team covering the person's region
// (the district's, or the city's where the district has none). The person's
// own accounts are left out.
func checkinRecipients(ctx context.Context, q queryer, personID int64, regionCode string, batchID *int64) ([]int64, error) {
	// unscoped: whom to tell about an alert already raised in scope.
	var to []int64
	seen := map[int64]bool{}
	if batchID != nil {
		ids, err := queryIDs(ctx, q, `SELECT u.id FROM users u JOIN aid_batches b ON b.leader_person_id = u.person_id
			WHERE b.id = $1 AND u.disabled = FALSE AND u.person_id <> $2 ORDER BY u.id`, *batchID, personID)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			seen[id] = true
			to = append(to, id)
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT id, region_code FROM users WHERE disabled = FALSE AND role = $1 AND region_code IS NOT NULL
		AND institution_id IS NULL AND person_id IS NULL AND (region_code = '' OR $2 LIKE region_code || '%') ORDER BY id`, auth.RoleCaseworker, regionCode)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	type team struct {
		id   int64
		code string
	}
	var teams []team
	longest := -1
	for rows.Next() {
		var t team
		if err := rows.Scan(&t.id, &t.code); err != nil {
			return nil, model.Internal(err)
		}
		teams = append(teams, t)
		longest = max(longest, len(t.code))
	}
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	for _, t := range teams {
		if len(t.code) == longest && !seen[t.id] {
			seen[t.id] = true
			to = append(to, t.id)
		}
	}
	return to, nil
}

// GetCheckin returns one check-in in the caller's scope (their own, their
// batch's as its team leader, or their region's or institution's).
// Returns EUnauthenticated, EForbidden without checkin.read, ENotFound.
func (s *Store) GetCheckin(ctx context.Context, id int64) (_ model.Checkin, err error) {
	defer wrap(&err, "GetCheckin(%d)", id)
	pr, err := principal(ctx, auth.PermCheckinRead)
	if err != nil {
		return model.Checkin{}, err
	}
	c, err := s.getCheckin(ctx, s.read, pr, id)
	return c, s.auditRead(ctx, pr, err, ActCheckinRead, "checkin", id, "")
}

// ListCheckins returns the check-ins in the caller's scope matching f, the
// latest day first, fever first within a day.
// Returns EUnauthenticated, EForbidden without checkin.read, EInvalid (from, to).
func (s *Store) ListCheckins(ctx context.Context, f model.CheckinFilter) (_ model.List[model.Checkin], err error) {
	defer wrap(&err, "ListCheckins()")
	out := model.List[model.Checkin]{Items: []model.Checkin{}}
	pr, err := principal(ctx, auth.PermCheckinRead)
	if err != nil {
		return out, err
	}
	fe := model.FieldErrors{}
	if f.From != "" && !model.ValidDay(f.From) {
		fe.Add("from", "field.date")
	}
	if f.To != "" && !model.ValidDay(f.To) {
		fe.Add("to", "field.date")
	}
	if err := fe.Err(); err != nil {
		return out, err
	}
	page := clampPageFor(ctx, f.Page)
	var a args
	cond := []string{checkinScope(pr, "checkins", "c", &a)}
	if f.PersonID != 0 {
		cond = append(cond, "c.person_id = "+a.add(f.PersonID))
	}
	if f.BatchID != 0 {
		cond = append(cond, "c.batch_id = "+a.add(f.BatchID))
	}
	if f.InstitutionID != 0 {
		cond = append(cond, "c.institution_id = "+a.add(f.InstitutionID))
	}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("c.region_code", f.RegionCode, &a))
	}
	if f.From != "" {
		cond = append(cond, "c.day >= "+a.add(f.From))
	}
	if f.To != "" {
		cond = append(cond, "c.day <= "+a.add(f.To))
	}
	if f.FeverOnly {
		cond = append(cond, "c.fever = TRUE")
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		cond = append(cond, "p.name LIKE "+a.add(likePattern(q))+` ESCAPE '\'`)
	}
	where := strings.Join(cond, " AND ")
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM checkins c JOIN people p ON p.id = c.person_id WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+checkinColumns+checkinFrom+"WHERE "+where+" ORDER BY c.day DESC, c.fever DESC, p.name, c.id LIMIT "+
		a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := s.scanCheckin(rows)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, c)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	var d readDetail
	d.add("person", f.PersonID)
	d.add("batch", f.BatchID)
	d.add("institution", f.InstitutionID)
	d.add("region", f.RegionCode)
	d.add("from", f.From)
	d.add("to", f.To)
	d.add("fever", f.FeverOnly)
	d.set("q", f.Q)
	return out, s.auditList(ctx, pr, rows.Err(), ActCheckinList, "checkin", d, len(out.Items), out.Total, page)
}

// missingFrom selects the deployments of a day without a check-in; the day is the first argument.
const missingFrom = ` FROM deployments d JOIN people p ON p.id = d.person_id JOIN institutions i ON i.id = d.institution_id
	LEFT JOIN frontline_posts fp ON fp.id = d.post_id LEFT JOIN aid_batches ab ON ab.id = d.batch_id
	WHERE d.status <> 'cancelled' AND d.starts_on <= $1 AND d.ends_on >= $1
	AND NOT EXISTS (SELECT 1 FROM checkins mc WHERE mc.person_id = d.person_id AND mc.day = $1) `

// ListMissingCheckins returns the people in the caller's scope deployed on
// f.Day (today when empty) who have not checked in that day, by name.
// Returns EUnauthenticated, EForbidden without checkin.read, EInvalid (date).
func (s *Store) ListMissingCheckins(ctx context.Context, f model.MissingFilter) (_ model.List[model.MissingCheckin], err error) {
	defer wrap(&err, "ListMissingCheckins(%q)", f.Day)
	out := model.List[model.MissingCheckin]{Items: []model.MissingCheckin{}}
	pr, err := principal(ctx, auth.PermCheckinRead)
	if err != nil {
		return out, err
	}
	if f.Day == "" {
		f.Day = model.ChinaDay(s.now())
	}
	if !model.ValidDay(f.Day) {
		return out, model.FieldErrors{"date": model.M("field.date")}.Err()
	}
	page := clampPageFor(ctx, f.Page)
	a := args{f.Day}
	cond := []string{checkinScope(pr, "deployments", "d", &a)}
	if f.BatchID != 0 {
		cond = append(cond, "d.batch_id = "+a.add(f.BatchID))
	}
	if f.InstitutionID != 0 {
		cond = append(cond, "d.institution_id = "+a.add(f.InstitutionID))
	}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("d.region_code", f.RegionCode, &a))
	}
	where := " AND " + strings.Join(cond, " AND ")
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+missingFrom+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT d.id, d.person_id, p.name, d.institution_id, i.name, d.region_code, d.post_id, d.batch_id,
		COALESCE(fp.name, ab.name, ''), COALESCE((SELECT MAX(lc.day) FROM checkins lc WHERE lc.person_id = d.person_id AND lc.day < $1), '')`+
		missingFrom+where+" ORDER BY p.name, d.person_id, d.id LIMIT "+a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var m model.MissingCheckin
		var post, batch sql.NullInt64
		if err := rows.Scan(&m.DeploymentID, &m.PersonID, &m.PersonName, &m.InstitutionID, &m.InstitutionName, &m.RegionCode, &post, &batch,
			&m.Assignment, &m.LastCheckin); err != nil {
			return out, model.Internal(err)
		}
		m.PostID, m.BatchID = nullToPtr(post), nullToPtr(batch)
		out.Items = append(out.Items, m)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	var d readDetail
	d.add("date", f.Day)
	d.add("batch", f.BatchID)
	d.add("institution", f.InstitutionID)
	d.add("region", f.RegionCode)
	return out, s.auditList(ctx, pr, rows.Err(), ActCheckinMissing, "checkin", d, len(out.Items), out.Total, page)
}

// CheckinCounts returns the figures of a day (today when empty) in the
// caller's scope, within regionCode when set: people deployed, checked in, missing, with fever. A role
// that reads aggregates only (a leader) gets them suppressed: counts of 1 to
// 4 hidden, and a complement where deployed = checked in + missing would
// give one away (model.Suppress).
// Returns EUnauthenticated, EForbidden without checkin.read or aggregate.read, EInvalid (date).
func (s *Store) CheckinCounts(ctx context.Context, day, regionCode string) (_ model.CheckinCounts, err error) {
	defer wrap(&err, "CheckinCounts(%q)", day)
	pr, err := principal(ctx, auth.PermCheckinRead)
	if model.ErrorCode(err) == model.EForbidden {
		pr, err = principal(ctx, auth.PermAggregateRead)
	}
	if err != nil {
		return model.CheckinCounts{}, err
	}
	if day == "" {
		day = model.ChinaDay(s.now())
	}
	if !model.ValidDay(day) {
		return model.CheckinCounts{}, model.FieldErrors{"date": model.M("field.date")}.Err()
	}
	a := args{day}
	cond := checkinScope(pr, "deployments", "d", &a)
	if regionCode != "" {
		cond += " AND " + regionRange("d.region_code", regionCode, &a)
	}
	var deployed, checked, fever int
	err = s.read.QueryRowContext(ctx, `SELECT COUNT(DISTINCT d.person_id),
		COUNT(DISTINCT CASE WHEN c.id IS NOT NULL THEN d.person_id END),
		COUNT(DISTINCT CASE WHEN c.fever THEN d.person_id END)
		FROM deployments d LEFT JOIN checkins c ON c.person_id = d.person_id AND c.day = $1
		WHERE d.status <> 'cancelled' AND d.starts_on <= $1 AND d.ends_on >= $1 AND `+cond, a...).Scan(&deployed, &checked, &fever)
	if err != nil {
		return model.CheckinCounts{}, model.Internal(err)
	}
	figures := []int{deployed, checked, deployed - checked, fever}
	out := model.CheckinCounts{Day: day}
	counts := []*model.Count{&out.Deployed, &out.CheckedIn, &out.Missing, &out.Fever}
	var hidden []bool
	if !pr.Can(auth.PermCheckinRead) {
		hidden = model.Suppress(figures, []model.Line{{Parts: []int{1, 2}, Total: 0}})
	}
	for i, v := range figures {
		*counts[i] = model.Count(v)
		if hidden != nil && hidden[i] {
			*counts[i] = model.Suppressed
		}
	}
	return out, nil
}

// CheckinToday is what the worker's check-in page shows: today's day, the
// deployment that covers it (if any), today's check-in and the last week's.
type CheckinToday struct {
	Day        string
	Deployed   bool
	Assignment string
	Today      *model.Checkin
	Recent     []model.Checkin
	// Leads is true for the team leader of a batch: the page links the
	// batch's check-ins and missing list.
	Leads bool
}

// MyCheckinToday returns the caller's check-in day.
// Returns EUnauthenticated, EForbidden without checkin.submit or for an
// account that is not a person's.
func (s *Store) MyCheckinToday(ctx context.Context) (_ CheckinToday, err error) {
	defer wrap(&err, "MyCheckinToday()")
	pr, err := principal(ctx, auth.PermCheckinSubmit)
	if err != nil {
		return CheckinToday{}, err
	}
	if pr.PersonID == 0 || pr.FamilyLinkID != 0 {
		return CheckinToday{}, model.Errorf(model.EForbidden, "error.forbidden")
	}
	now := s.now()
	out := CheckinToday{Day: model.ChinaDay(now)}
	dep, ok, err := deploymentOn(ctx, s.read, pr, pr.PersonID, out.Day)
	if err != nil {
		return out, err
	}
	out.Deployed, out.Assignment = ok, dep.assignment
	if out.Leads, err = leadsBatch(ctx, s.read, pr.PersonID); err != nil {
		return out, err
	}
	var a args
	rows, err := s.read.QueryContext(ctx, "SELECT "+checkinColumns+checkinFrom+"WHERE c.person_id = "+a.add(pr.PersonID)+" AND c.day >= "+
		a.add(model.ChinaDay(now.AddDate(0, 0, -6)))+" AND "+scopeOf(pr).on("checkins", "c", &a)+" ORDER BY c.day DESC", a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := s.scanCheckin(rows)
		if err != nil {
			return out, model.Internal(err)
		}
		if c.Day == out.Day {
			today := c
			out.Today = &today
		}
		out.Recent = append(out.Recent, c)
	}
	return out, rows.Err()
}

// leadsBatch reports whether the person leads an aid-team batch.
func leadsBatch(ctx context.Context, q queryer, personID int64) (bool, error) {
	// unscoped: the caller's own leadership of a batch, no row of it is read.
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM aid_batches WHERE leader_person_id = $1", personID).Scan(&n); err != nil {
		return false, model.Internal(err)
	}
	return n > 0, nil
}

// NotifyMissedCheckins flags the check-ins missed on the days whose deadline
// (CheckinDeadlineHour, China time) has passed at now: yesterday, and today
// once past the hour. Each person deployed that day without a check-in gets
// one missed alert (checkin_alerts is the guard: a second run, a restart or
// a second server alerts nobody twice), and each recipient of the day's new
// alerts one inbox entry, however many of their people missed it.
// It returns the number of new alerts.
// Returns EUnauthenticated without a principal, EForbidden for a user's, EInternal.
func (s *Store) NotifyMissedCheckins(ctx context.Context, now time.Time) (_ int, err error) {
	defer wrap(&err, "NotifyMissedCheckins()")
	ctx, pr, err := jobContext(ctx)
	if err != nil {
		return 0, err
	}
	local := now.In(time.FixedZone("CST", 8*3600))
	days := []string{model.ChinaDay(now.AddDate(0, 0, -1))}
	if local.Hour() >= CheckinDeadlineHour {
		days = append(days, model.ChinaDay(now))
	}
	n := 0
	for _, day := range days {
		type miss struct {
			person, institution int64
			region              string
			batch               sql.NullInt64
		}
		var misses []miss
		a := args{day}
		rows, err := s.read.QueryContext(ctx, "SELECT d.person_id, MIN(d.region_code), MIN(d.institution_id), MIN(d.batch_id)"+missingFrom+
			" AND "+checkinScope(pr, "deployments", "d", &a)+" AND NOT EXISTS (SELECT 1 FROM checkin_alerts ca WHERE ca.person_id = d.person_id AND ca.day = $1 AND ca.kind = 'missed')"+
			" GROUP BY d.person_id ORDER BY d.person_id", a...)
		if err != nil {
			return n, model.Internal(err)
		}
		for rows.Next() {
			var m miss
			if err := rows.Scan(&m.person, &m.region, &m.institution, &m.batch); err != nil {
				rows.Close()
				return n, model.Internal(err)
			}
			misses = append(misses, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return n, model.Internal(err)
		}
		if len(misses) == 0 {
			continue
		}
		// One transaction a day: the alerts, and one inbox entry per
		// recipient however many of their people missed the day.
		err = s.tx(ctx, func(tx *sql.Tx) error {
			var to []int64
			seen := map[int64]bool{}
			for _, m := range misses {
				var batch *int64
				if m.batch.Valid {
					batch = &m.batch.Int64
				}
				us, err := s.insertCheckinAlert(ctx, tx, m.person, m.region, m.institution, batch, day, alertMissed, now)
				if err != nil {
					return err
				}
				for _, u := range us {
					if !seen[u] {
						seen[u] = true
						to = append(to, u)
					}
				}
			}
			return checkinNotice(ctx, tx, to, alertMissed, now)
		})
		if err != nil {
			return n, err
		}
		n += len(misses)
	}
	return n, nil
}
