package store

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/psych"
)

// withdrawnClause is the condition "person alias.person_id withdrew their
// consent to screening and has not given it again".
func withdrawnClause(personCol string, a *args) string {
	// unscoped: a condition inside a query its caller scopes, on the person that query already reached.
	purpose := a.add(model.PurposePsychScreening)
	return "(EXISTS (SELECT 1 FROM psych_consents w WHERE w.person_id = " + personCol + " AND w.purpose = " + purpose + " AND w.withdrawn_at > 0)" +
		" AND NOT EXISTS (SELECT 1 FROM psych_consents g WHERE g.person_id = " + personCol + " AND g.purpose = " + purpose + " AND g.withdrawn_at = 0))"
}

// normalizeScreening checks a round's fields.
func normalizeScreening(in *model.ScreeningInput) error {
	fe := model.FieldErrors{}
	in.Name = strings.TrimSpace(in.Name)
	switch n := len([]rune(in.Name)); {
	case n == 0:
		fe.Add("name", "field.required")
	case n > 100:
		fe.Add("name", "field.too_long", 100)
	}
	var ids []string
	for _, id := range in.Instruments {
		id = strings.TrimSpace(id)
		if psych.Shipped().Get(id) == nil {
			fe.Add("instruments", "field.choice")
			break
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(in.Instruments) == 0 {
		fe.Add("instruments", "field.required")
	}
	in.Instruments = ids
	if (in.InstitutionID == nil) == (in.BatchID == nil) {
		fe.Add("institution_id", "psych.round_target")
	}
	if in.RepeatDays < 0 || in.RepeatDays > model.MaxRepeatDays {
		fe.Add("repeat_days", "psych.repeat_days", model.MaxRepeatDays)
	}
	return fe.Err()
}

// CreateScreening launches a round for an institution or an aid-team batch
// in the counselor's scope: it invites every person there (a batch's
// members are its deployments not cancelled) except those who withdrew
// their consent, each through their inbox.
// Returns EUnauthenticated, EForbidden, EInvalid (name, instruments,
// institution_id, batch_id, repeat_days; an institution or batch out of scope).
func (s *Store) CreateScreening(ctx context.Context, in model.ScreeningInput) (_ model.Screening, err error) {
	defer wrap(&err, "CreateScreening()")
	pr, err := principal(ctx, auth.PermPsychWork)
	if err != nil {
		return model.Screening{}, err
	}
	if err := normalizeScreening(&in); err != nil {
		return model.Screening{}, err
	}
	var id int64
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.launchRound(ctx, tx, pr, in, nil, ms(s.now()))
		return err
	})
	if err != nil {
		return model.Screening{}, err
	}
	return s.getScreening(ctx, s.read, pr, id, false)
}

// launchRound writes a round and its invitations.
func (s *Store) launchRound(ctx context.Context, tx queryer, pr *auth.Principal, in model.ScreeningInput, repeatOf *int64, now int64) (int64, error) {
	sc := scopeOf(pr)
	var a args
	var code string
	var members string
	if in.InstitutionID != nil {
		err := tx.QueryRowContext(ctx, "SELECT i.region_code FROM institutions i WHERE i.id = "+a.add(*in.InstitutionID)+" AND "+sc.on("institutions", "i", &a), a...).Scan(&code)
		if err == sql.ErrNoRows {
			return 0, model.FieldErrors{"institution_id": model.M("psych.target_unknown")}.Err()
		}
		if err != nil {
			return 0, model.Internal(err)
		}
	} else {
		err := tx.QueryRowContext(ctx, "SELECT b.region_code FROM aid_batches b WHERE b.id = "+a.add(*in.BatchID)+" AND "+sc.on("aid_batches", "b", &a), a...).Scan(&code)
		if err == sql.ErrNoRows {
			return 0, model.FieldErrors{"batch_id": model.M("psych.target_unknown")}.Err()
		}
		if err != nil {
			return 0, model.Internal(err)
		}
	}
	next := int64(0)
	if in.RepeatDays > 0 {
		next = now + int64(in.RepeatDays)*int64(24*time.Hour/time.Millisecond)
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO psych_screenings (name, region_code, institution_id, batch_id, instruments, repeat_days, next_round_at, repeat_of,
		status, created_by, created_by_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
		in.Name, code, nullInt(in.InstitutionID), nullInt(in.BatchID), strings.Join(in.Instruments, ","), in.RepeatDays, next, nullInt(repeatOf),
		model.ScreeningOpen, nullID(pr.UserID), pr.Username, now).Scan(&id); err != nil {
		return 0, model.Internal(err)
	}
	a = args{id, now}
	if in.InstitutionID != nil {
		members = "SELECT CAST($1 AS BIGINT), p.id, p.region_code, p.institution_id, CAST($2 AS BIGINT) FROM people p WHERE p.institution_id = " + a.add(*in.InstitutionID) +
			" AND " + sc.on("people", "p", &a) + " AND NOT " + withdrawnClause("p.id", &a)
	} else {
		members = "SELECT CAST($1 AS BIGINT), p.id, p.region_code, p.institution_id, CAST($2 AS BIGINT) FROM people p WHERE p.id IN (SELECT d.person_id FROM deployments d WHERE d.batch_id = " +
			a.add(*in.BatchID) + " AND d.status <> 'cancelled' AND " + sc.on("deployments", "d", &a) + ") AND " + sc.on("people", "p", &a) +
			" AND NOT " + withdrawnClause("p.id", &a)
	}
	res, err := tx.ExecContext(ctx, "INSERT INTO psych_invitations (screening_id, person_id, region_code, institution_id, invited_at) "+members, a...)
	if err != nil {
		return 0, model.Internal(err)
	}
	invited, _ := res.RowsAffected()
	if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, kind, created_at) SELECT u.id, CAST($1 AS TEXT), CAST($2 AS BIGINT)
		FROM users u JOIN psych_invitations i ON i.person_id = u.person_id WHERE i.screening_id = $3 AND u.disabled = FALSE`, NoticePsychInvited, now, id); err != nil {
		return 0, model.Internal(err)
	}
	detail := "invited=" + strconv.FormatInt(invited, 10) + " instruments=" + strings.Join(in.Instruments, ",")
	if in.InstitutionID != nil {
		detail += " institution=" + strconv.FormatInt(*in.InstitutionID, 10)
	} else {
		detail += " batch=" + strconv.FormatInt(*in.BatchID, 10)
	}
	return id, s.appendAudit(ctx, tx, auditRecord{Action: ActPsychScreening, ObjectType: "screening", ObjectID: strconv.FormatInt(id, 10), Detail: detail})
}

const screeningSelect = `SELECT sc.id, sc.name, sc.region_code, sc.institution_id, COALESCE(i.name, ''), sc.batch_id, COALESCE(b.name, ''), sc.instruments,
	sc.repeat_days, sc.next_round_at, sc.repeat_of, sc.status, sc.created_by_name, sc.created_at,
	(SELECT COUNT(*) FROM psych_invitations iv WHERE iv.screening_id = sc.id),
	(SELECT COUNT(*) FROM psych_invitations iv WHERE iv.screening_id = sc.id AND iv.answered_at > 0)
	FROM psych_screenings sc LEFT JOIN institutions i ON i.id = sc.institution_id LEFT JOIN aid_batches b ON b.id = sc.batch_id`

func scanScreening(row interface{ Scan(...any) error }) (model.Screening, error) {
	var r model.Screening
	var inst, batch, repeatOf sql.NullInt64
	var list string
	var next, created int64
	if err := row.Scan(&r.ID, &r.Name, &r.RegionCode, &inst, &r.InstitutionName, &batch, &r.BatchName, &list, &r.RepeatDays, &next, &repeatOf,
		&r.Status, &r.CreatedByName, &created, &r.Invited, &r.Answered); err != nil {
		if err == sql.ErrNoRows {
			return r, model.NotFound("screening")
		}
		return r, model.Internal(err)
	}
	r.InstitutionID, r.BatchID, r.RepeatOf = nullToPtr(inst), nullToPtr(batch), nullToPtr(repeatOf)
	r.Instruments, r.NextRoundAt, r.CreatedAt = strings.Split(list, ","), optTime(next), fromMS(created)
	return r, nil
}

// getScreening reads a round in scope, with its members when asked (unaudited).
func (s *Store) getScreening(ctx context.Context, q queryer, pr *auth.Principal, id int64, members bool) (model.Screening, error) {
	var a args
	r, err := scanScreening(q.QueryRowContext(ctx, screeningSelect+" WHERE sc.id = "+a.add(id)+" AND "+scopeOf(pr).on("psych_screenings", "sc", &a), a...))
	if err != nil || !members {
		return r, err
	}
	a = args{}
	rows, err := q.QueryContext(ctx, "SELECT iv.person_id, p.name, i.name, iv.invited_at, iv.reminders, iv.answered_at, CASE WHEN "+withdrawnClause("iv.person_id", &a)+
		" THEN 1 ELSE 0 END FROM psych_invitations iv JOIN people p ON p.id = iv.person_id JOIN institutions i ON i.id = iv.institution_id WHERE iv.screening_id = "+
		a.add(id)+" AND "+scopeOf(pr).on("psych_invitations", "iv", &a)+" ORDER BY iv.answered_at = 0 DESC, p.name, iv.person_id LIMIT 5000", a...)
	if err != nil {
		return r, model.Internal(err)
	}
	defer rows.Close()
	r.Members = []model.ScreeningMember{}
	for rows.Next() {
		var m model.ScreeningMember
		var invited, answered int64
		var withdrawn int
		if err := rows.Scan(&m.PersonID, &m.Name, &m.InstitutionName, &invited, &m.Reminders, &answered, &withdrawn); err != nil {
			return r, model.Internal(err)
		}
		m.InvitedAt, m.AnsweredAt, m.Withdrawn = fromMS(invited), optTime(answered), withdrawn == 1
		r.Members = append(r.Members, m)
	}
	return r, rows.Err()
}

// GetScreening returns a round in the counselor's scope with who it invited
// and who answered (audited).
// Returns EUnauthenticated, EForbidden, ENotFound.
func (s *Store) GetScreening(ctx context.Context, id int64) (_ model.Screening, err error) {
	defer wrap(&err, "GetScreening(%d)", id)
	pr, err := principal(ctx, auth.PermPsychWork)
	if err != nil {
		return model.Screening{}, err
	}
	r, err := s.getScreening(ctx, s.read, pr, id, true)
	return r, s.auditRead(ctx, pr, err, ActPsychScreeningRead, "screening", id, "")
}

// ListScreenings returns the rounds in the counselor's scope, newest first.
// Returns EUnauthenticated, EForbidden, EInvalid (status).
func (s *Store) ListScreenings(ctx context.Context, f model.ScreeningFilter) (_ model.List[model.Screening], err error) {
	defer wrap(&err, "ListScreenings()")
	out := model.List[model.Screening]{Items: []model.Screening{}}
	pr, err := principal(ctx, auth.PermPsychWork)
	if err != nil {
		return out, err
	}
	page := clampPage(f.Page)
	var a args
	cond := []string{scopeOf(pr).on("psych_screenings", "sc", &a)}
	if f.Status != "" {
		if f.Status != model.ScreeningOpen && f.Status != model.ScreeningClosed {
			return out, model.Errorf(model.EInvalid, "error.bad_query", "status")
		}
		cond = append(cond, "sc.status = "+a.add(f.Status))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		cond = append(cond, "sc.name LIKE "+a.add(likePattern(q))+` ESCAPE '\'`)
	}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("sc.region_code", f.RegionCode, &a))
	}
	where := strings.Join(cond, " AND ")
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM psych_screenings sc WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, screeningSelect+" WHERE "+where+" ORDER BY sc.id DESC LIMIT "+a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanScreening(rows)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, r)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, rows.Err()
}

// RemindScreening reminds, through their inbox, everyone a round invited
// who has not answered and has not withdrawn consent; it returns how many.
// Returns EUnauthenticated, EForbidden, ENotFound, EConflict (a closed round).
func (s *Store) RemindScreening(ctx context.Context, id int64) (_ int, err error) {
	defer wrap(&err, "RemindScreening(%d)", id)
	pr, err := principal(ctx, auth.PermPsychWork)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.tx(ctx, func(tx *sql.Tx) error {
		r, err := s.getScreening(ctx, tx, pr, id, false)
		if err != nil {
			return err
		}
		if r.Status != model.ScreeningOpen {
			return model.Errorf(model.EConflict, "psych.round_closed")
		}
		now := ms(s.now())
		var a args
		pending := "iv.screening_id = " + a.add(id) + " AND iv.answered_at = 0 AND " + scopeOf(pr).on("psych_invitations", "iv", &a) + " AND NOT " + withdrawnClause("iv.person_id", &a)
		_, err = tx.ExecContext(ctx, "INSERT INTO notifications (user_id, kind, created_at) SELECT u.id, CAST("+a.add(NoticePsychReminder)+" AS TEXT), CAST("+a.add(now)+" AS BIGINT)"+
			" FROM users u JOIN psych_invitations iv ON iv.person_id = u.person_id WHERE u.disabled = FALSE AND "+pending, a...)
		if err != nil {
			return model.Internal(err)
		}
		a2 := args{now}
		pending2 := "screening_id = " + a2.add(id) + " AND answered_at = 0 AND " + scopeOf(pr).on("psych_invitations", "", &a2) + " AND NOT " + withdrawnClause("person_id", &a2)
		res, err := tx.ExecContext(ctx, "UPDATE psych_invitations SET reminders = reminders + 1, reminded_at = $1 WHERE "+pending2, a2...)
		if err != nil {
			return model.Internal(err)
		}
		n, _ = res.RowsAffected()
		return s.appendAudit(ctx, tx, auditRecord{Action: ActPsychRemind, ObjectType: "screening", ObjectID: strconv.FormatInt(id, 10), Detail: "reminded=" + strconv.FormatInt(n, 10)})
	})
	return int(n), err
}

// CloseScreening closes a round: no more reminders, no repeat.
// Returns EUnauthenticated, EForbidden, ENotFound.
func (s *Store) CloseScreening(ctx context.Context, id int64) (_ model.Screening, err error) {
	defer wrap(&err, "CloseScreening(%d)", id)
	pr, err := principal(ctx, auth.PermPsychWork)
	if err != nil {
		return model.Screening{}, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var a args
		res, err := tx.ExecContext(ctx, "UPDATE psych_screenings SET status = "+a.add(model.ScreeningClosed)+", next_round_at = 0, version = version + 1, updated_at = "+
			a.add(ms(s.now()))+" WHERE id = "+a.add(id)+" AND "+scopeOf(pr).on("psych_screenings", "", &a), a...)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return model.NotFound("screening")
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActPsychScreening, ObjectType: "screening", ObjectID: strconv.FormatInt(id, 10), Detail: "closed"})
	})
	if err != nil {
		return model.Screening{}, err
	}
	return s.getScreening(ctx, s.read, pr, id, false)
}

// RepeatScreenings launches again, for the same institution or batch, every
// open round whose repeat interval has passed (the scheduler runs it as the
// system); it returns how many it launched.
// Returns EUnauthenticated, EForbidden for a caller other than the system.
func (s *Store) RepeatScreenings(ctx context.Context) (_ int, err error) {
	defer wrap(&err, "RepeatScreenings()")
	pr := auth.FromContext(ctx)
	if pr == nil || !pr.System {
		return 0, model.Errorf(model.EForbidden, "error.forbidden")
	}
	now := ms(s.now())
	var due []model.Screening
	var a args
	rows, err := s.read.QueryContext(ctx, screeningSelect+" WHERE sc.status = "+a.add(model.ScreeningOpen)+" AND sc.next_round_at > 0 AND sc.next_round_at <= "+
		a.add(now)+" AND "+scopeOf(pr).on("psych_screenings", "sc", &a)+" ORDER BY sc.id LIMIT 100", a...)
	if err != nil {
		return 0, model.Internal(err)
	}
	for rows.Next() {
		r, err := scanScreening(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		due = append(due, r)
	}
	rows.Close()
	n := 0
	for _, r := range due {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			var a args
			res, err := tx.ExecContext(ctx, "UPDATE psych_screenings SET next_round_at = 0, status = "+a.add(model.ScreeningClosed)+", updated_at = "+a.add(now)+
				" WHERE id = "+a.add(r.ID)+" AND next_round_at > 0 AND "+scopeOf(pr).on("psych_screenings", "", &a), a...)
			if err != nil {
				return model.Internal(err)
			}
			if k, _ := res.RowsAffected(); k != 1 {
				return nil
			}
			in := model.ScreeningInput{Name: r.Name, Instruments: r.Instruments, InstitutionID: r.InstitutionID, BatchID: r.BatchID, RepeatDays: r.RepeatDays}
			_, err = s.launchRound(ctx, tx, pr, in, &r.ID, now)
			return err
		})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// MyInvitations lists the open rounds that invited the worker, newest first,
// with the instruments they have answered in each.
// Returns EUnauthenticated, EForbidden.
func (s *Store) MyInvitations(ctx context.Context) (_ []model.Invitation, err error) {
	defer wrap(&err, "MyInvitations()")
	pr, err := principal(ctx, auth.PermPsychSelf)
	if err != nil {
		return nil, err
	}
	out := []model.Invitation{}
	if pr.PersonID == 0 {
		return out, nil
	}
	var a args
	rows, err := s.read.QueryContext(ctx, "SELECT iv.screening_id, sc.name, sc.instruments, iv.invited_at, iv.answered_at "+
		"FROM psych_invitations iv JOIN psych_screenings sc ON sc.id = iv.screening_id WHERE iv.person_id = "+a.add(pr.PersonID)+" AND sc.status = "+a.add(model.ScreeningOpen)+" AND "+
		scopeOf(pr).on("psych_invitations", "iv", &a)+" ORDER BY iv.id DESC LIMIT 50", a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	at := map[int64]int{}
	for rows.Next() {
		var v model.Invitation
		var list string
		var invited, answered int64
		if err := rows.Scan(&v.ScreeningID, &v.Name, &list, &invited, &answered); err != nil {
			rows.Close()
			return nil, model.Internal(err)
		}
		v.Instruments, v.InvitedAt, v.AnsweredAt, v.Done = strings.Split(list, ","), fromMS(invited), optTime(answered), []string{}
		at[v.ScreeningID] = len(out)
		out = append(out, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	a = args{}
	rows, err = s.read.QueryContext(ctx, "SELECT DISTINCT x.screening_id, x.instrument FROM psych_assessments x WHERE x.person_id = "+a.add(pr.PersonID)+
		" AND x.screening_id IS NOT NULL AND "+scopeOf(pr).on("psych_assessments", "x", &a), a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var sid int64
		var inst string
		if err := rows.Scan(&sid, &inst); err != nil {
			return nil, model.Internal(err)
		}
		if i, ok := at[sid]; ok {
			out[i].Done = append(out[i].Done, inst)
		}
	}
	return out, rows.Err()
}
