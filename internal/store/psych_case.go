package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/psych"
)

// proposeCase proposes a case for a person screened moderate or worse (or
// alerted), unless one not closed exists; it tells the counsellors. It
// reports whether a case was proposed. reason is "instrument:band", or
// "instrument:band:rule" for an alert, sealed like every reason.
func (s *Store) proposeCase(ctx context.Context, tx queryer, p psychPerson, assessmentID int64, reason string, now int64) (bool, error) {
	var a args
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM psych_cases c WHERE c.person_id = "+a.add(p.id)+" AND c.status <> "+
		a.add(model.PsychCaseClosed)+" AND "+scopeOf(auth.System()).on("psych_cases", "c", &a), a...).Scan(&n); err != nil {
		return false, model.Internal(err)
	}
	if n > 0 {
		return false, nil
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO psych_cases (person_id, region_code, institution_id, status, source, assessment_id, reason_enc,
		created_by_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, '', $8, $8) RETURNING id`,
		p.id, p.regionCode, p.institutionID, model.PsychCaseProposed, model.PsychSourceScreening, assessmentID, s.seal.Seal(reason), now).Scan(&id); err != nil {
		return false, model.Internal(err)
	}
	to, err := counsellorsFor(ctx, tx, p.regionCode)
	if err != nil {
		return false, err
	}
	return true, s.transferNotice(ctx, tx, to, NoticePsychReferral, now)
}

// CreatePsychCase opens a case on referral for a person in the counselor's
// scope, taken on by the caller at once.
// Returns EUnauthenticated, EForbidden, EInvalid (person_id, reason),
// EConflict when the person has a case not closed.
func (s *Store) CreatePsychCase(ctx context.Context, in model.PsychCaseInput) (_ model.PsychCase, err error) {
	defer wrap(&err, "CreatePsychCase(%d)", in.PersonID)
	pr, err := principal(ctx, auth.PermPsychWork)
	if err != nil {
		return model.PsychCase{}, err
	}
	fe := model.FieldErrors{}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.PersonID <= 0 {
		fe.Add("person_id", "field.required")
	}
	if in.Reason == "" {
		fe.Add("reason", "field.required")
	} else if len([]rune(in.Reason)) > model.MaxPsychNote {
		fe.Add("reason", "field.too_long", model.MaxPsychNote)
	}
	if err := fe.Err(); err != nil {
		return model.PsychCase{}, err
	}
	var id int64
	err = s.tx(ctx, func(tx *sql.Tx) error {
		p, err := scopedPerson(ctx, tx, pr, in.PersonID)
		if err != nil {
			if model.ErrorCode(err) == model.ENotFound {
				return model.FieldErrors{"person_id": model.M("psych.person_unknown")}.Err()
			}
			return err
		}
		var a args
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM psych_cases c WHERE c.person_id = "+a.add(p.id)+" AND c.status <> "+
			a.add(model.PsychCaseClosed)+" AND "+scopeOf(pr).on("psych_cases", "c", &a), a...).Scan(&n); err != nil {
			return model.Internal(err)
		}
		if n > 0 {
			return model.Errorf(model.EConflict, "psych.case_exists")
		}
		now := ms(s.now())
		if err := tx.QueryRowContext(ctx, `INSERT INTO psych_cases (person_id, region_code, institution_id, status, source, reason_enc, counselor_id, counselor_name,
			created_by, created_by_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $8, $9, $9) RETURNING id`,
			p.id, p.regionCode, p.institutionID, model.PsychCaseOpen, model.PsychSourceReferral, s.seal.Seal(in.Reason), nullID(pr.UserID), pr.Username, now).Scan(&id); err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActPsychCaseCreate, ObjectType: "psych_case", ObjectID: strconv.FormatInt(id, 10),
			Detail: "person=" + strconv.FormatInt(p.id, 10) + " source=referral"})
	})
	if err != nil {
		return model.PsychCase{}, err
	}
	return s.getPsychCase(ctx, s.read, pr, id)
}

const psychCaseSelect = `SELECT c.id, c.person_id, p.name, i.name, c.region_code, c.status, c.source, c.assessment_id, c.reason_enc, c.counselor_name,
	c.next_screening_on, c.version, c.created_at, c.updated_at,
	(SELECT MAX(se.at) FROM psych_sessions se WHERE se.case_id = c.id)
	FROM psych_cases c JOIN people p ON p.id = c.person_id JOIN institutions i ON i.id = c.institution_id`

func (s *Store) scanPsychCase(row interface{ Scan(...any) error }) (model.PsychCase, error) {
	var c model.PsychCase
	var assessment, last sql.NullInt64
	var reason []byte
	var created, updated int64
	if err := row.Scan(&c.ID, &c.PersonID, &c.PersonName, &c.InstitutionName, &c.RegionCode, &c.Status, &c.Source, &assessment, &reason, &c.CounselorName,
		&c.NextScreeningOn, &c.Version, &created, &updated, &last); err != nil {
		if err == sql.ErrNoRows {
			return c, model.NotFound("psych_case")
		}
		return c, model.Internal(err)
	}
	c.AssessmentID, c.Reason, c.CreatedAt, c.UpdatedAt = nullToPtr(assessment), s.openText(reason), fromMS(created), fromMS(updated)
	if last.Valid {
		c.LastSessionAt = optTime(last.Int64)
	}
	return c, nil
}

// getPsychCase reads a case in scope with its sessions (unaudited: the callers audit).
func (s *Store) getPsychCase(ctx context.Context, q queryer, pr *auth.Principal, id int64) (model.PsychCase, error) {
	var a args
	c, err := s.scanPsychCase(q.QueryRowContext(ctx, psychCaseSelect+" WHERE c.id = "+a.add(id)+" AND "+scopeOf(pr).on("psych_cases", "c", &a), a...))
	if err != nil {
		return c, err
	}
	a = args{}
	rows, err := q.QueryContext(ctx, "SELECT se.id, se.at, se.channel, se.notes_enc, se.counselor_name, se.created_at FROM psych_sessions se WHERE se.case_id = "+
		a.add(id)+" AND "+scopeOf(pr).on("psych_sessions", "se", &a)+" ORDER BY se.at DESC, se.id DESC", a...)
	if err != nil {
		return c, model.Internal(err)
	}
	defer rows.Close()
	c.Sessions = []model.PsychSession{}
	for rows.Next() {
		var se model.PsychSession
		var at, created int64
		var notes []byte
		if err := rows.Scan(&se.ID, &at, &se.Channel, &notes, &se.CounselorName, &created); err != nil {
			return c, model.Internal(err)
		}
		se.CaseID, se.At, se.Notes, se.CreatedAt = id, fromMS(at), s.openText(notes), fromMS(created)
		c.Sessions = append(c.Sessions, se)
	}
	return c, rows.Err()
}

// GetPsychCase returns a case in the counselor's scope with its sessions (audited).
// Returns EUnauthenticated, EForbidden, ENotFound.
func (s *Store) GetPsychCase(ctx context.Context, id int64) (_ model.PsychCase, err error) {
	defer wrap(&err, "GetPsychCase(%d)", id)
	pr, err := principal(ctx, auth.PermPsychWork)
	if err != nil {
		return model.PsychCase{}, err
	}
	c, err := s.getPsychCase(ctx, s.read, pr, id)
	return c, s.auditRead(ctx, pr, err, ActPsychCaseRead, "psych_case", id, "")
}

// ListPsychCases returns the caseload in the counselor's scope: every case
// not closed by default, newest first or by next re-screening date.
// Returns EUnauthenticated, EForbidden, EInvalid (status, sort).
func (s *Store) ListPsychCases(ctx context.Context, f model.PsychCaseFilter) (_ model.List[model.PsychCase], err error) {
	defer wrap(&err, "ListPsychCases()")
	out := model.List[model.PsychCase]{Items: []model.PsychCase{}}
	pr, err := principal(ctx, auth.PermPsychWork)
	if err != nil {
		return out, err
	}
	page := clampPageFor(ctx, f.Page)
	var a args
	cond := []string{scopeOf(pr).on("psych_cases", "c", &a)}
	switch {
	case f.Status == "":
		cond = append(cond, "c.status <> "+a.add(model.PsychCaseClosed))
	case f.Status == "all":
	case model.Contains(model.PsychCaseStatuses, f.Status):
		cond = append(cond, "c.status = "+a.add(f.Status))
	default:
		return out, model.Errorf(model.EInvalid, "error.bad_query", "status")
	}
	if f.Mine {
		cond = append(cond, "c.counselor_id = "+a.add(pr.UserID))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		cond = append(cond, "p.name LIKE "+a.add(likePattern(q))+` ESCAPE '\'`)
	}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("c.region_code", f.RegionCode, &a))
	}
	if f.DueBy != "" {
		cond = append(cond, "c.next_screening_on <> '' AND c.next_screening_on <= "+a.add(f.DueBy))
	}
	order := "c.id DESC"
	switch f.Sort {
	case "":
	case "next_screening":
		order = "CASE WHEN c.next_screening_on = '' THEN 1 ELSE 0 END, c.next_screening_on, c.id"
	default:
		return out, model.Errorf(model.EInvalid, "error.bad_query", "sort")
	}
	where := strings.Join(cond, " AND ")
	from := " FROM psych_cases c JOIN people p ON p.id = c.person_id WHERE "
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+from+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, psychCaseSelect+" WHERE "+where+" ORDER BY "+order+" LIMIT "+a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := s.scanPsychCase(rows)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, c)
	}
	if err := rows.Err(); err != nil {
		return out, model.Internal(err)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	var d readDetail
	d.add("status", f.Status)
	d.add("mine", f.Mine)
	d.add("region", f.RegionCode)
	if strings.TrimSpace(f.Q) != "" {
		d.set("q", "set")
	}
	return out, s.auditList(ctx, pr, nil, ActPsychCaseList, "psych_case", d, len(out.Items), out.Total, page)
}

// UpdatePsychCase takes a case on (status open: the caller becomes its
// counsellor), closes it, or sets the next re-screening date.
// Returns EUnauthenticated, EForbidden, ENotFound, EInvalid (status,
// next_screening_on), EStaleVersion.
func (s *Store) UpdatePsychCase(ctx context.Context, id int64, in model.PsychCaseUpdate) (_ model.PsychCase, err error) {
	defer wrap(&err, "UpdatePsychCase(%d)", id)
	pr, err := principal(ctx, auth.PermPsychWork)
	if err != nil {
		return model.PsychCase{}, err
	}
	fe := model.FieldErrors{}
	if in.NextScreeningOn != nil {
		v := strings.TrimSpace(*in.NextScreeningOn)
		if v != "" {
			if _, perr := time.Parse("2006-01-02", v); perr != nil {
				fe.Add("next_screening_on", "field.date")
			}
		}
		in.NextScreeningOn = &v
	}
	if in.Status != nil && *in.Status != model.PsychCaseOpen && *in.Status != model.PsychCaseClosed {
		fe.Add("status", "field.choice")
	}
	if err := fe.Err(); err != nil {
		return model.PsychCase{}, err
	}
	var out model.PsychCase
	err = s.tx(ctx, func(tx *sql.Tx) error {
		c, err := s.getPsychCase(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if in.Version != nil && *in.Version != c.Version {
			return staleVersion()
		}
		status, next := c.Status, c.NextScreeningOn
		counselor := ""
		if in.Status != nil && *in.Status != c.Status {
			if !psych.CaseStep(c.Status, *in.Status) {
				return model.FieldErrors{"status": model.M("psych.case_step")}.Err()
			}
			status = *in.Status
			if status == model.PsychCaseOpen {
				counselor = pr.Username
			}
		}
		if in.NextScreeningOn != nil {
			next = *in.NextScreeningOn
		}
		now := ms(s.now())
		closed := int64(0)
		if status == model.PsychCaseClosed {
			closed = now
		}
		var a args
		q := "UPDATE psych_cases SET status = " + a.add(status) + ", next_screening_on = " + a.add(next) + ", closed_at = " + a.add(closed) +
			", version = version + 1, updated_at = " + a.add(now)
		if counselor != "" {
			q += ", counselor_id = " + a.add(nullID(pr.UserID)) + ", counselor_name = " + a.add(counselor)
		}
		res, err := tx.ExecContext(ctx, q+" WHERE id = "+a.add(id)+" AND version = "+a.add(c.Version)+" AND "+scopeOf(pr).on("psych_cases", "", &a), a...)
		if err != nil {
			if isUniqueViolation(err) {
				return model.Errorf(model.EConflict, "psych.case_exists")
			}
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActPsychCaseUpdate, ObjectType: "psych_case", ObjectID: strconv.FormatInt(id, 10),
			Detail: "status=" + status + " next=" + next}); err != nil {
			return err
		}
		out, err = s.getPsychCase(ctx, tx, pr, id)
		return err
	})
	return out, err
}

// parseSessionTime reads a session's time: RFC 3339, or a local date and
// time as a datetime-local field sends it (China Standard Time).
func parseSessionTime(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, beijing); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

var beijing = time.FixedZone("CST", 8*60*60)

// AddPsychSession records a session of a case not closed: when (not in
// the future), the channel, the counsellor's private notes (sealed). A
// proposed case is taken on by the caller with it.
// Returns EUnauthenticated, EForbidden, ENotFound, EInvalid (at, channel, notes; a closed case: status).
func (s *Store) AddPsychSession(ctx context.Context, caseID int64, in model.PsychSessionInput) (_ model.PsychSession, err error) {
	defer wrap(&err, "AddPsychSession(%d)", caseID)
	pr, err := principal(ctx, auth.PermPsychWork)
	if err != nil {
		return model.PsychSession{}, err
	}
	fe := model.FieldErrors{}
	at, ok := parseSessionTime(in.At)
	switch {
	case strings.TrimSpace(in.At) == "":
		fe.Add("at", "field.required")
	case !ok:
		fe.Add("at", "psych.datetime")
	case at.After(s.now().Add(5 * time.Minute)):
		fe.Add("at", "psych.session_future")
	}
	if !model.Contains(model.PsychChannels, in.Channel) {
		fe.Add("channel", "field.choice")
	}
	in.Notes = strings.TrimSpace(in.Notes)
	if len([]rune(in.Notes)) > model.MaxPsychNote {
		fe.Add("notes", "field.too_long", model.MaxPsychNote)
	}
	if err := fe.Err(); err != nil {
		return model.PsychSession{}, err
	}
	var out model.PsychSession
	err = s.tx(ctx, func(tx *sql.Tx) error {
		c, err := s.getPsychCase(ctx, tx, pr, caseID)
		if err != nil {
			return err
		}
		if c.Status == model.PsychCaseClosed {
			return model.FieldErrors{"status": model.M("psych.case_closed")}.Err()
		}
		var personID, inst int64
		var code string
		var a args
		if err := tx.QueryRowContext(ctx, "SELECT c.person_id, c.institution_id, c.region_code FROM psych_cases c WHERE c.id = "+a.add(caseID)+" AND "+
			scopeOf(pr).on("psych_cases", "c", &a), a...).Scan(&personID, &inst, &code); err != nil {
			return model.Internal(err)
		}
		now := ms(s.now())
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO psych_sessions (case_id, person_id, region_code, institution_id, at, channel, notes_enc, counselor_id, counselor_name, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, caseID, personID, code, inst, ms(at), in.Channel, s.seal.Seal(in.Notes),
			nullID(pr.UserID), pr.Username, now).Scan(&id); err != nil {
			return model.Internal(err)
		}
		if c.Status == model.PsychCaseProposed {
			if _, err := tx.ExecContext(ctx, `UPDATE psych_cases SET status = $1, counselor_id = $2, counselor_name = $3, version = version + 1, updated_at = $4
				WHERE id = $5`, model.PsychCaseOpen, nullID(pr.UserID), pr.Username, now, caseID); err != nil {
				return model.Internal(err)
			}
		} else if _, err := tx.ExecContext(ctx, "UPDATE psych_cases SET updated_at = $1 WHERE id = $2", now, caseID); err != nil {
			return model.Internal(err)
		}
		out = model.PsychSession{ID: id, CaseID: caseID, At: fromMS(ms(at)), Channel: in.Channel, Notes: in.Notes, CounselorName: pr.Username, CreatedAt: fromMS(now)}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActPsychSession, ObjectType: "psych_case", ObjectID: strconv.FormatInt(caseID, 10),
			Detail: "session=" + strconv.FormatInt(id, 10) + " channel=" + in.Channel})
	})
	return out, err
}

// PsychReferred reports whether a person the caller may see has a
// psychological case not closed: all that other roles, exports and the
// needs ledger may know ("referred to psychological support"), never why.
// Returns EUnauthenticated, EForbidden without person.read, ENotFound (person out of scope).
func (s *Store) PsychReferred(ctx context.Context, personID int64) (_ bool, err error) {
	defer wrap(&err, "PsychReferred(%d)", personID)
	pr, err := principal(ctx, auth.PermPersonRead)
	if err != nil {
		return false, err
	}
	if _, err := scopedPerson(ctx, s.read, pr, personID); err != nil {
		return false, err
	}
	// unscoped: the person was checked against the caller's scope just above;
	// only the existence of an open case is read.
	var n int
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM psych_cases WHERE person_id = $1 AND status <> $2", personID, model.PsychCaseClosed).Scan(&n); err != nil {
		return false, model.Internal(err)
	}
	return n > 0, nil
}
