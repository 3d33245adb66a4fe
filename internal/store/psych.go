package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/model"
	"houdun/internal/psych"
)

// Psychological support (心理保障): consent, self-screening, crisis alerts.
// Answers, scores and bands are sealed (result_enc); so are notes and
// reasons. A result is read by its person and by counselors in scope, every
// read audited; nobody else reads a score (role_psych.go).

// Audit actions, inbox kinds and the outbox event of psychological support.
const (
	ActPsychConsent       = "psych.consent"
	ActPsychWithdraw      = "psych.withdraw"
	ActPsychAssess        = "psych.assess"
	ActPsychAssessList    = "psych.assessment.list"
	ActPsychAssessRead    = "psych.assessment.read"
	ActPsychAlertList     = "psych.alert.list"
	ActPsychAlertContact  = "psych.alert.contact"
	ActPsychDuty          = "psych.duty"
	ActPsychScreening     = "psych.screening.create"
	ActPsychScreeningRead = "psych.screening.read"
	ActPsychRemind        = "psych.screening.remind"
	ActPsychCaseCreate    = "psych.case.create"
	ActPsychCaseUpdate    = "psych.case.update"
	ActPsychCaseList      = "psych.case.list"
	ActPsychCaseRead      = "psych.case.read"
	ActPsychSession       = "psych.session.create"

	NoticePsychAlert    = "psych.alert"    // to the on-duty counsellors: a crisis alert
	NoticePsychInvited  = "psych.invited"  // to a worker: a screening round invites you
	NoticePsychReminder = "psych.reminder" // to a worker: please answer the round
	NoticePsychReferral = "psych.referral" // to the counsellors: a case was proposed by screening
)

// sealedResult is what result_enc holds.
type sealedResult struct {
	Answers   []int              `json:"a"`
	Score     int                `json:"s"`
	Band      string             `json:"b"`
	Subscales map[string]float64 `json:"u,omitempty"`
	Risks     []string           `json:"r"`
}

func (s *Store) sealResult(answers []int, r psych.Result) []byte {
	b, _ := json.Marshal(sealedResult{Answers: answers, Score: r.Score, Band: r.Band, Subscales: r.Subscales, Risks: r.Risks})
	return s.seal.Seal(string(b))
}

func (s *Store) openResult(enc []byte) (sealedResult, error) {
	var r sealedResult
	txt, err := s.seal.Open(enc)
	if err != nil {
		return r, model.Internal(err)
	}
	if err := json.Unmarshal([]byte(txt), &r); err != nil {
		return r, model.Internal(err)
	}
	if r.Risks == nil {
		r.Risks = []string{}
	}
	return r, nil
}

// openText opens a sealed note; an empty column is "".
func (s *Store) openText(enc []byte) string {
	if len(enc) == 0 {
		return ""
	}
	t, err := s.seal.Open(enc)
	if err != nil {
		return ""
	}
	return t
}

// selfPerson is the worker's own person: their region and institution.
func selfPerson(ctx context.Context, q queryer, pr *auth.Principal) (psychPerson, error) {
	if pr.PersonID == 0 {
		return psychPerson{}, model.Errorf(model.EForbidden, "error.forbidden")
	}
	return scopedPerson(ctx, q, pr, pr.PersonID)
}

// psychPerson is a person a psychological record is written about.
type psychPerson struct {
	id, institutionID int64
	regionCode, name  string
}

// scopedPerson reads a person inside the caller's scope; ENotFound otherwise.
func scopedPerson(ctx context.Context, q queryer, pr *auth.Principal, id int64) (psychPerson, error) {
	var a args
	p := psychPerson{id: id}
	err := q.QueryRowContext(ctx, "SELECT p.region_code, p.institution_id, p.name FROM people p WHERE p.id = "+a.add(id)+" AND "+
		scopeOf(pr).on("people", "p", &a), a...).Scan(&p.regionCode, &p.institutionID, &p.name)
	if err == sql.ErrNoRows {
		return p, model.NotFound("person")
	}
	if err != nil {
		return p, model.Internal(err)
	}
	return p, nil
}

// GetConsent returns the worker's own consent to purpose.
// Returns EUnauthenticated, EForbidden (not a worker), EInvalid (purpose).
func (s *Store) GetConsent(ctx context.Context, purpose string) (_ model.Consent, err error) {
	defer wrap(&err, "GetConsent(%q)", purpose)
	c := model.Consent{Purpose: purpose}
	pr, err := principal(ctx, auth.PermPsychSelf)
	if err != nil {
		return c, err
	}
	if !model.Contains(model.ConsentPurposes, purpose) {
		return c, model.FieldErrors{"purpose": model.M("field.choice")}.Err()
	}
	if pr.PersonID == 0 {
		return c, model.Errorf(model.EForbidden, "error.forbidden")
	}
	var a args
	var given, withdrawn int64
	err = s.read.QueryRowContext(ctx, "SELECT given_at, withdrawn_at FROM psych_consents c WHERE c.person_id = "+a.add(pr.PersonID)+
		" AND c.purpose = "+a.add(purpose)+" AND "+scopeOf(pr).on("psych_consents", "c", &a)+" ORDER BY c.id DESC LIMIT 1", a...).Scan(&given, &withdrawn)
	if err == sql.ErrNoRows {
		return c, nil
	}
	if err != nil {
		return c, model.Internal(err)
	}
	c.Active, c.GivenAt, c.WithdrawnAt = withdrawn == 0, optTime(given), optTime(withdrawn)
	return c, nil
}

// GiveConsent records the worker's own consent; giving it again while it
// stands changes nothing.
// Returns EUnauthenticated, EForbidden, EInvalid (purpose).
func (s *Store) GiveConsent(ctx context.Context, in model.ConsentInput) (_ model.Consent, err error) {
	defer wrap(&err, "GiveConsent(%q)", in.Purpose)
	pr, err := principal(ctx, auth.PermPsychSelf)
	if err != nil {
		return model.Consent{}, err
	}
	if !model.Contains(model.ConsentPurposes, in.Purpose) {
		return model.Consent{}, model.FieldErrors{"purpose": model.M("field.choice")}.Err()
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		p, err := selfPerson(ctx, tx, pr)
		if err != nil {
			return err
		}
		var a args
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM psych_consents c WHERE c.person_id = "+a.add(p.id)+" AND c.purpose = "+a.add(in.Purpose)+
			" AND c.withdrawn_at = 0 AND "+scopeOf(pr).on("psych_consents", "c", &a), a...).Scan(&n); err != nil {
			return model.Internal(err)
		}
		if n > 0 {
			return nil
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO psych_consents (person_id, region_code, institution_id, purpose, given_at, given_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, p.id, p.regionCode, p.institutionID, in.Purpose, ms(s.now()), nullID(pr.UserID)).Scan(&id); err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActPsychConsent, ObjectType: "person", ObjectID: strconv.FormatInt(p.id, 10), Detail: "purpose=" + in.Purpose})
	})
	if err != nil {
		return model.Consent{}, err
	}
	return s.GetConsent(ctx, in.Purpose)
}

// WithdrawConsent withdraws the worker's own consent: no new invitation or
// reminder reaches them, and no new assessment is accepted until they
// consent again. What was recorded stays for their counsellor.
// Returns EUnauthenticated, EForbidden, EInvalid (purpose), ENotFound when none stands.
func (s *Store) WithdrawConsent(ctx context.Context, purpose string) (err error) {
	defer wrap(&err, "WithdrawConsent(%q)", purpose)
	pr, err := principal(ctx, auth.PermPsychSelf)
	if err != nil {
		return err
	}
	if !model.Contains(model.ConsentPurposes, purpose) {
		return model.FieldErrors{"purpose": model.M("field.choice")}.Err()
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		p, err := selfPerson(ctx, tx, pr)
		if err != nil {
			return err
		}
		var a args
		res, err := tx.ExecContext(ctx, "UPDATE psych_consents SET withdrawn_at = "+a.add(ms(s.now()))+" WHERE person_id = "+a.add(p.id)+
			" AND purpose = "+a.add(purpose)+" AND withdrawn_at = 0 AND "+scopeOf(pr).on("psych_consents", "", &a), a...)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.NotFound("consent")
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActPsychWithdraw, ObjectType: "person", ObjectID: strconv.FormatInt(p.id, 10), Detail: "purpose=" + purpose})
	})
}

// scoreInput validates a submission and scores it, or returns EInvalid
// with the fields at fault (instrument, answers); nothing is stored then.
func scoreInput(in model.AssessmentInput) (*psych.Instrument, psych.Result, error) {
	inst := psych.Shipped().Get(in.Instrument)
	if inst == nil {
		return nil, psych.Result{}, model.FieldErrors{"instrument": model.M("field.choice")}.Err()
	}
	r, err := inst.Score(in.Answers)
	if err != nil {
		ae, _ := err.(*psych.AnswerError)
		if ae != nil && ae.Index >= 0 {
			return nil, r, model.FieldErrors{"answers": model.M("psych.answer_range", ae.Index+1, inst.Scale.Min, inst.Scale.Max)}.Err()
		}
		return nil, r, model.FieldErrors{"answers": model.M("psych.answer_count", len(inst.Items))}.Err()
	}
	return inst, r, nil
}

// SubmitAssessment scores and stores the worker's own answers to an
// instrument, sealed. A risk rule that alerts (PHQ-9 item 9 above "not at
// all") opens a crisis alert for the on-duty counsellors of the person's
// region, in their inbox and as an outbox event, in the same transaction;
// a band of moderate or worse proposes a case to the counsellors.
// Returns EUnauthenticated, EForbidden (not a worker), EConsentRequired
// without a standing consent, EInvalid (instrument, answers, screening_id:
// a round that did not invite the worker or does not include the instrument).
func (s *Store) SubmitAssessment(ctx context.Context, in model.AssessmentInput) (_ model.AssessmentResult, err error) {
	defer wrap(&err, "SubmitAssessment(%q)", in.Instrument)
	pr, err := principal(ctx, auth.PermPsychSelf)
	if err != nil {
		return model.AssessmentResult{}, err
	}
	if pr.PersonID == 0 {
		return model.AssessmentResult{}, model.Errorf(model.EForbidden, "error.forbidden")
	}
	inst, r, err := scoreInput(in)
	if err != nil {
		return model.AssessmentResult{}, err
	}
	sub := assessmentJob{pr: pr, in: in, inst: inst, r: r, enc: s.sealResult(in.Answers, r)}
	return s.submitBatched(ctx, &sub)
}

// assessmentJob is one submission on its way into the database.
type assessmentJob struct {
	pr   *auth.Principal
	in   model.AssessmentInput
	inst *psych.Instrument
	r    psych.Result
	enc  []byte
	out  model.AssessmentResult
	err  error
	done chan struct{}
}

// storeAssessment writes one scored submission in tx: the checks that need
// the database (consent, the round), the row, the round's progress, the
// alert and the proposed case.
func (s *Store) storeAssessment(ctx context.Context, tx queryer, j *assessmentJob, now int64) error {
	pr := j.pr
	p, err := selfPerson(ctx, tx, pr)
	if err != nil {
		return err
	}
	sc := scopeOf(pr)
	var a args
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM psych_consents c WHERE c.person_id = "+a.add(p.id)+" AND c.purpose = "+
		a.add(model.PurposePsychScreening)+" AND c.withdrawn_at = 0 AND "+sc.on("psych_consents", "c", &a), a...).Scan(&n); err != nil {
		return model.Internal(err)
	}
	if n == 0 {
		return model.Errorf(model.EConsentRequired, "psych.consent_required")
	}
	var screening any
	var roundInstruments []string
	if j.in.ScreeningID != nil {
		a = args{}
		var list, status string
		err := tx.QueryRowContext(ctx, "SELECT sc.instruments, sc.status FROM psych_invitations i JOIN psych_screenings sc ON sc.id = i.screening_id WHERE i.screening_id = "+
			a.add(*j.in.ScreeningID)+" AND i.person_id = "+a.add(p.id)+" AND "+sc.on("psych_invitations", "i", &a), a...).Scan(&list, &status)
		if err == sql.ErrNoRows {
			return model.FieldErrors{"screening_id": model.M("psych.not_invited")}.Err()
		}
		if err != nil {
			return model.Internal(err)
		}
		if status != model.ScreeningOpen {
			return model.FieldErrors{"screening_id": model.M("psych.round_closed")}.Err()
		}
		roundInstruments = strings.Split(list, ",")
		if !slices.Contains(roundInstruments, j.inst.ID) {
			return model.FieldErrors{"instrument": model.M("psych.not_in_round")}.Err()
		}
		screening = *j.in.ScreeningID
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO psych_assessments (person_id, region_code, institution_id, screening_id, instrument, result_enc, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, p.id, p.regionCode, p.institutionID, screening, j.inst.ID, j.enc, nullID(pr.UserID), now).Scan(&id); err != nil {
		return model.Internal(err)
	}
	if screening != nil {
		// The round is answered once every one of its instruments is.
		a = args{}
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(DISTINCT instrument) FROM psych_assessments x WHERE x.screening_id = "+a.add(screening)+
			" AND x.person_id = "+a.add(p.id)+" AND "+sc.on("psych_assessments", "x", &a), a...).Scan(&n); err != nil {
			return model.Internal(err)
		}
		if n >= len(roundInstruments) {
			a = args{}
			if _, err := tx.ExecContext(ctx, "UPDATE psych_invitations SET answered_at = "+a.add(now)+" WHERE screening_id = "+a.add(screening)+
				" AND person_id = "+a.add(p.id)+" AND answered_at = 0 AND "+sc.on("psych_invitations", "", &a), a...); err != nil {
				return model.Internal(err)
			}
		}
	}
	detail := "instrument=" + j.inst.ID
	if screening != nil {
		detail += " screening=" + strconv.FormatInt(*j.in.ScreeningID, 10)
	}
	if err := s.appendAudit(ctx, tx, auditRecord{Action: ActPsychAssess, ObjectType: "assessment", ObjectID: strconv.FormatInt(id, 10), Detail: detail}); err != nil {
		return err
	}
	j.out = model.AssessmentResult{ID: id, Score: j.r.Score, Band: j.r.Band, Risk: j.r.Risks}
	if j.r.Alert {
		for _, rule := range j.r.Risks {
			if risk := riskOf(j.inst, rule); risk == nil || !risk.Alert {
				continue
			}
			if err := s.raiseAlert(ctx, tx, p, id, rule, now); err != nil {
				return err
			}
			j.out.Alert = true
		}
	}
	if j.r.Refer || j.r.Alert {
		reason := j.inst.ID + ":" + j.r.Band
		if j.out.Alert {
			reason += ":" + strings.Join(j.r.Risks, ",")
		}
		proposed, err := s.proposeCase(ctx, tx, p, id, reason, now)
		if err != nil {
			return err
		}
		j.out.Referral = proposed
	}
	return nil
}

func riskOf(inst *psych.Instrument, id string) *psych.Risk {
	for i := range inst.Risks {
		if inst.Risks[i].ID == id {
			return &inst.Risks[i]
		}
	}
	return nil
}

// counsellorsFor returns the accounts a crisis alert about a person of
// region code goes to: the counsellors on duty whose region covers it, or,
// when none is on duty, every counsellor whose region covers it.
func counsellorsFor(ctx context.Context, q queryer, code string) ([]int64, error) {
	// unscoped: the recipients are the counsellor accounts whose region covers the person's.
	rows, err := q.QueryContext(ctx, `SELECT u.id, CASE WHEN d.user_id IS NULL THEN 0 ELSE 1 END FROM users u LEFT JOIN psych_duty d ON d.user_id = u.id
		WHERE u.role = $1 AND u.disabled = FALSE AND u.region_code IS NOT NULL AND u.institution_id IS NULL AND u.person_id IS NULL
		AND (u.region_code = '' OR $2 LIKE u.region_code || '%') ORDER BY u.id`, auth.RoleCounselor, code)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	var all, duty []int64
	for rows.Next() {
		var id int64
		var on int
		if err := rows.Scan(&id, &on); err != nil {
			return nil, model.Internal(err)
		}
		all = append(all, id)
		if on == 1 {
			duty = append(duty, id)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	if len(duty) > 0 {
		return duty, nil
	}
	return all, nil
}

// raiseAlert opens a crisis alert about assessment id: the row, an inbox
// notice to the counsellors on duty, and the outbox event (webhooks, team
// mail), none of which names the person or holds a score.
func (s *Store) raiseAlert(ctx context.Context, tx queryer, p psychPerson, assessmentID int64, rule string, now int64) error {
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO psych_alerts (assessment_id, person_id, region_code, institution_id, rule, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, assessmentID, p.id, p.regionCode, p.institutionID, rule, model.AlertOpen, now).Scan(&id); err != nil {
		return model.Internal(err)
	}
	to, err := counsellorsFor(ctx, tx, p.regionCode)
	if err != nil {
		return err
	}
	if err := s.transferNotice(ctx, tx, to, NoticePsychAlert, now); err != nil {
		return err
	}
	return s.emit(ctx, tx, model.OutboxPsychAlert, model.OutboxPayload{AlertID: id, Category: string(model.CategoryPsychological), Urgency: model.UrgencyUrgent,
		Status: model.AlertOpen, RegionCode: p.regionCode, TeamRegionCode: p.regionCode, InstitutionID: p.institutionID}, now)
}

// ListAssessments returns assessments, newest first: a worker's own (any
// PersonID they give is theirs), or a counselor's in scope.
// Returns EUnauthenticated, EForbidden (neither psych.self nor psych.work).
func (s *Store) ListAssessments(ctx context.Context, f model.AssessmentFilter) (_ model.List[model.Assessment], err error) {
	defer wrap(&err, "ListAssessments()")
	out := model.List[model.Assessment]{Items: []model.Assessment{}}
	pr, err := psychReader(ctx)
	if err != nil {
		return out, err
	}
	page := clampPageFor(ctx, f.Page)
	var a args
	cond := []string{scopeOf(pr).on("psych_assessments", "x", &a)}
	if f.PersonID != 0 {
		cond = append(cond, "x.person_id = "+a.add(f.PersonID))
	}
	if f.ScreeningID != 0 {
		cond = append(cond, "x.screening_id = "+a.add(f.ScreeningID))
	}
	if f.Instrument != "" {
		cond = append(cond, "x.instrument = "+a.add(f.Instrument))
	}
	where := strings.Join(cond, " AND ")
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM psych_assessments x WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT x.id, x.person_id, p.name, x.instrument, x.screening_id, x.result_enc, x.created_at FROM psych_assessments x JOIN people p ON p.id = x.person_id WHERE "+
		where+" ORDER BY x.id DESC LIMIT "+a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		x, err := s.scanAssessment(rows)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, x)
	}
	if err := rows.Err(); err != nil {
		return out, model.Internal(err)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	var d readDetail
	d.add("person", f.PersonID)
	d.add("screening", f.ScreeningID)
	d.add("instrument", f.Instrument)
	return out, s.auditList(ctx, pr, nil, ActPsychAssessList, "assessment", d, len(out.Items), out.Total, page)
}

func (s *Store) scanAssessment(row interface{ Scan(...any) error }) (model.Assessment, error) {
	var x model.Assessment
	var screening sql.NullInt64
	var enc []byte
	var created int64
	if err := row.Scan(&x.ID, &x.PersonID, &x.PersonName, &x.Instrument, &screening, &enc, &created); err != nil {
		return x, model.Internal(err)
	}
	r, err := s.openResult(enc)
	if err != nil {
		return x, err
	}
	x.ScreeningID, x.CreatedAt = nullToPtr(screening), fromMS(created)
	x.Answers, x.Score, x.Band, x.Subscales, x.Risk = r.Answers, r.Score, r.Band, r.Subscales, r.Risks
	return x, nil
}

// psychReader is a caller who reads individual results: the worker (their
// own) or a counselor (in scope).
func psychReader(ctx context.Context) (*auth.Principal, error) {
	pr, err := principal(ctx, auth.PermPsychWork)
	if err == nil || model.ErrorCode(err) != model.EForbidden {
		return pr, err
	}
	return principal(ctx, auth.PermPsychSelf)
}

// GetAssessment returns one assessment in the caller's reach (audited).
// Returns EUnauthenticated, EForbidden, ENotFound (missing or out of scope).
func (s *Store) GetAssessment(ctx context.Context, id int64) (_ model.Assessment, err error) {
	defer wrap(&err, "GetAssessment(%d)", id)
	pr, err := psychReader(ctx)
	if err != nil {
		return model.Assessment{}, err
	}
	var a args
	x, err := s.scanAssessment(s.read.QueryRowContext(ctx, "SELECT x.id, x.person_id, p.name, x.instrument, x.screening_id, x.result_enc, x.created_at FROM psych_assessments x JOIN people p ON p.id = x.person_id WHERE x.id = "+
		a.add(id)+" AND "+scopeOf(pr).on("psych_assessments", "x", &a), a...))
	if e := model.AsError(err); e != nil && e.Code == model.EInternal && strings.Contains(e.Error(), sql.ErrNoRows.Error()) {
		err = model.NotFound("assessment")
	}
	return x, s.auditRead(ctx, pr, err, ActPsychAssessRead, "assessment", id, "")
}

// ListAlerts returns crisis alerts in the counselor's scope, open ones by
// default, oldest first (the longest waiting on top), with the person's name,
// institution and phone to call.
// Returns EUnauthenticated, EForbidden without psych.work, EInvalid (status).
func (s *Store) ListAlerts(ctx context.Context, f model.AlertFilter) (_ model.List[model.Alert], err error) {
	defer wrap(&err, "ListAlerts()")
	out := model.List[model.Alert]{Items: []model.Alert{}}
	pr, err := principal(ctx, auth.PermPsychWork)
	if err != nil {
		return out, err
	}
	page := clampPageFor(ctx, f.Page)
	var a args
	cond := []string{scopeOf(pr).on("psych_alerts", "al", &a)}
	order := "al.id"
	switch f.Status {
	case "", model.AlertOpen:
		cond = append(cond, "al.status = "+a.add(model.AlertOpen))
	case model.AlertContacted:
		cond = append(cond, "al.status = "+a.add(model.AlertContacted))
		order = "al.id DESC"
	case "all":
		order = "al.id DESC"
	default:
		return out, model.Errorf(model.EInvalid, "error.bad_query", "status")
	}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("al.region_code", f.RegionCode, &a))
	}
	where := strings.Join(cond, " AND ")
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM psych_alerts al WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, alertSelect+" WHERE "+where+" ORDER BY "+order+" LIMIT "+a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		al, err := s.scanAlert(rows)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, al)
	}
	if err := rows.Err(); err != nil {
		return out, model.Internal(err)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	var d readDetail
	d.add("status", f.Status)
	d.add("region", f.RegionCode)
	return out, s.auditList(ctx, pr, nil, ActPsychAlertList, "alert", d, len(out.Items), out.Total, page)
}

const alertSelect = `SELECT al.id, al.person_id, p.name, i.name, p.phone_enc, al.assessment_id, al.rule, al.status, al.created_at, al.contacted_at,
	al.contacted_by_name, al.note_enc FROM psych_alerts al JOIN people p ON p.id = al.person_id JOIN institutions i ON i.id = al.institution_id`

func (s *Store) scanAlert(row interface{ Scan(...any) error }) (model.Alert, error) {
	var al model.Alert
	var phone, note []byte
	var created, contacted int64
	if err := row.Scan(&al.ID, &al.PersonID, &al.PersonName, &al.InstitutionName, &phone, &al.AssessmentID, &al.Rule, &al.Status, &created, &contacted,
		&al.ContactedByName, &note); err != nil {
		if err == sql.ErrNoRows {
			return al, model.NotFound("alert")
		}
		return al, model.Internal(err)
	}
	// The counsellor calls the person: the phone is shown whole, the read audited.
	al.Phone = s.openText(phone)
	al.CreatedAt, al.ContactedAt, al.Note = fromMS(created), optTime(contacted), s.openText(note)
	return al, nil
}

// ContactAlert records that a counsellor reached the person of an open
// alert, with a sealed note; the alert is closed.
// Returns EUnauthenticated, EForbidden, ENotFound (missing or out of scope),
// EConflict when contact was recorded already, EInvalid (note).
func (s *Store) ContactAlert(ctx context.Context, id int64, in model.AlertContact) (_ model.Alert, err error) {
	defer wrap(&err, "ContactAlert(%d)", id)
	pr, err := principal(ctx, auth.PermPsychWork)
	if err != nil {
		return model.Alert{}, err
	}
	in.Note = strings.TrimSpace(in.Note)
	if in.Note == "" {
		return model.Alert{}, model.FieldErrors{"note": model.M("field.required")}.Err()
	}
	if len([]rune(in.Note)) > model.MaxPsychNote {
		return model.Alert{}, model.FieldErrors{"note": model.M("field.too_long", model.MaxPsychNote)}.Err()
	}
	var out model.Alert
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var a args
		al, err := s.scanAlert(tx.QueryRowContext(ctx, alertSelect+" WHERE al.id = "+a.add(id)+" AND "+scopeOf(pr).on("psych_alerts", "al", &a), a...))
		if err != nil {
			return err
		}
		if al.Status != model.AlertOpen {
			return model.Errorf(model.EConflict, "psych.alert_contacted")
		}
		now := ms(s.now())
		if _, err := tx.ExecContext(ctx, `UPDATE psych_alerts SET status = $1, contacted_at = $2, contacted_by = $3, contacted_by_name = $4, note_enc = $5
			WHERE id = $6 AND status = $7`, model.AlertContacted, now, nullID(pr.UserID), pr.Username, s.seal.Seal(in.Note), id, model.AlertOpen); err != nil {
			return model.Internal(err)
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActPsychAlertContact, ObjectType: "alert", ObjectID: strconv.FormatInt(id, 10),
			Detail: "person=" + strconv.FormatInt(al.PersonID, 10)}); err != nil {
			return err
		}
		a = args{}
		out, err = s.scanAlert(tx.QueryRowContext(ctx, alertSelect+" WHERE al.id = "+a.add(id)+" AND "+scopeOf(pr).on("psych_alerts", "al", &a), a...))
		return err
	})
	return out, err
}

// GetDuty tells a counsellor whether they are on duty for crisis alerts.
// Returns EUnauthenticated, EForbidden without psych.work.
func (s *Store) GetDuty(ctx context.Context) (_ model.PsychDuty, err error) {
	defer wrap(&err, "GetDuty()")
	pr, err := principal(ctx, auth.PermPsychWork)
	if err != nil {
		return model.PsychDuty{}, err
	}
	var a args
	var since int64
	err = s.read.QueryRowContext(ctx, "SELECT since FROM psych_duty d WHERE d.user_id = "+a.add(pr.UserID)+" AND "+scopeOf(pr).on("psych_duty", "d", &a), a...).Scan(&since)
	if err == sql.ErrNoRows {
		return model.PsychDuty{}, nil
	}
	if err != nil {
		return model.PsychDuty{}, model.Internal(err)
	}
	return model.PsychDuty{OnDuty: true, Since: optTime(since)}, nil
}

// SetDuty puts the calling counsellor on duty for the crisis alerts of their
// region, or off it.
// Returns EUnauthenticated, EForbidden without psych.work or without a region scope.
func (s *Store) SetDuty(ctx context.Context, on bool) (_ model.PsychDuty, err error) {
	defer wrap(&err, "SetDuty(%v)", on)
	pr, err := principal(ctx, auth.PermPsychWork)
	if err != nil {
		return model.PsychDuty{}, err
	}
	if pr.UserID == 0 || pr.InstitutionID != 0 || pr.PersonID != 0 {
		return model.PsychDuty{}, model.Errorf(model.EForbidden, "error.forbidden")
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		// unscoped: the caller's own rota row, keyed by their account.
		var err error
		if on {
			_, err = tx.ExecContext(ctx, "INSERT INTO psych_duty (user_id, region_code, since) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO NOTHING",
				pr.UserID, pr.RegionCode, ms(s.now()))
		} else {
			_, err = tx.ExecContext(ctx, "DELETE FROM psych_duty WHERE user_id = $1", pr.UserID)
		}
		if err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActPsychDuty, ObjectType: "user", ObjectID: strconv.FormatInt(pr.UserID, 10), Detail: "on_duty=" + strconv.FormatBool(on)})
	})
	if err != nil {
		return model.PsychDuty{}, err
	}
	return s.GetDuty(ctx)
}

// CrisisHotline returns the psychological crisis hotline in force where the
// caller works (a worker: their own record's region): the region's setting
// psych.hotline, or the national 12356.
// Returns EUnauthenticated.
func (s *Store) CrisisHotline(ctx context.Context) (_ string, err error) {
	defer wrap(&err, "CrisisHotline()")
	pr := auth.FromContext(ctx)
	if pr == nil {
		return "", model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	code := pr.RegionCode
	if pr.PersonID != 0 {
		if p, err := scopedPerson(ctx, s.read, pr, pr.PersonID); err == nil {
			code = p.regionCode
		}
	}
	eff, err := effectiveSettings(ctx, s.read, code)
	if err != nil {
		return "", err
	}
	if e, ok := eff[casework.SettingPsychHotline]; ok {
		if v, key := casework.CheckSetting(casework.SettingPsychHotline, e.Value); key == "" {
			return v, nil
		}
	}
	return strconv.Itoa(casework.DefaultPsychHotline), nil
}
