package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"houdun/internal/auth"
	"houdun/internal/letters"
	"houdun/internal/model"
)

// Audit actions of work-injury determination cases.
const (
	ActInjuryOpen   = "work_injury.open"
	ActInjuryUpdate = "work_injury.update"
	ActInjuryList   = "work_injury.list"
	ActInjuryRead   = "work_injury.read"
)

// Limits of a case's texts.
const (
	MaxDiagnosis  = 500
	MaxInjuryNote = 2000
)

const injuryColumns = `w.id, w.person_id, p.name, w.institution_id, i.name, w.region_code, w.infected_on, w.diagnosed_on, w.deadline_on,
	w.diagnosis_enc, w.note_enc, w.status, w.submitted_on, w.decided_on, w.opened_by_name, w.decided_by_name, w.version, w.created_at, w.updated_at,
	(SELECT COUNT(*) FROM work_injury_documents d WHERE d.case_id = w.id AND d.done = TRUE),
	(SELECT COUNT(*) FROM work_injury_documents d WHERE d.case_id = w.id)`

const injuryFrom = ` FROM work_injury_cases w JOIN people p ON p.id = w.person_id JOIN institutions i ON i.id = w.institution_id `

func (s *Store) scanInjury(row interface{ Scan(...any) error }) (model.WorkInjuryCase, int, error) {
	var c model.WorkInjuryCase
	var diag, note []byte
	var created, updated int64
	var total int
	err := row.Scan(&c.ID, &c.PersonID, &c.PersonName, &c.InstitutionID, &c.InstitutionName, &c.RegionCode, &c.InfectedOn, &c.DiagnosedOn,
		&c.DeadlineOn, &diag, &note, &c.Status, &c.SubmittedOn, &c.DecidedOn, &c.OpenedByName, &c.DecidedByName, &c.Version, &created, &updated,
		&c.DocumentsDone, &total)
	if err != nil {
		return c, 0, err
	}
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	if c.Diagnosis, err = s.seal.Open(diag); err != nil {
		return c, 0, fmt.Errorf("work injury %d diagnosis: %w", c.ID, err)
	}
	if c.Note, err = s.seal.Open(note); err != nil {
		return c, 0, fmt.Errorf("work injury %d note: %w", c.ID, err)
	}
	c.Overdue = letters.InjuryOverdue(c.Status, c.DeadlineOn, s.today())
	c.Documents = []model.WorkInjuryDocument{}
	return c, total, nil
}

// injuryDeadlineDays is the region's setting for the application's deadline.
func (s *Store) injuryDeadlineDays(ctx context.Context, q queryer, code string) (int, error) {
	eff, err := effectiveSettings(ctx, q, code)
	if err != nil {
		return 0, err
	}
	values := map[string]string{}
	for k, v := range eff {
		values[k] = v.Value
	}
	return letters.Setting(values, letters.SettingInjuryDeadlineDays), nil
}

// OpenWorkInjuryCase opens a case for a person in scope infected at work,
// with the document checklist and the deadline of the region's setting
// (days after the diagnosis). The diagnosis and note are sealed.
// Returns EInvalid (person_id, infected_on, diagnosed_on, diagnosis, note),
// EConflict when the person has a case not yet decided.
func (s *Store) OpenWorkInjuryCase(ctx context.Context, in model.WorkInjuryInput) (_ model.WorkInjuryCase, err error) {
	defer wrap(&err, "OpenWorkInjuryCase()")
	pr, err := principal(ctx, auth.PermWorkInjuryManage)
	if err != nil {
		return model.WorkInjuryCase{}, err
	}
	fe := model.FieldErrors{}
	today := s.today()
	date := func(field string, v *string, required bool) {
		*v = strings.TrimSpace(*v)
		if *v == "" {
			if required {
				fe.Add(field, "field.required")
			}
			return
		}
		if _, perr := time.Parse(time.DateOnly, *v); perr != nil || *v > today {
			fe.Add(field, "field.date")
		}
	}
	date("infected_on", &in.InfectedOn, true)
	date("diagnosed_on", &in.DiagnosedOn, false)
	if in.DiagnosedOn == "" {
		in.DiagnosedOn = in.InfectedOn
	}
	if in.DiagnosedOn != "" && in.InfectedOn != "" && in.DiagnosedOn < in.InfectedOn && fe["diagnosed_on"].Key == "" {
		fe.Add("diagnosed_on", "injury.diagnosed_before_infected")
	}
	in.Diagnosis, in.Note = strings.TrimSpace(in.Diagnosis), strings.TrimSpace(in.Note)
	if in.Diagnosis == "" {
		fe.Add("diagnosis", "field.required")
	} else if utf8.RuneCountInString(in.Diagnosis) > MaxDiagnosis {
		fe.Add("diagnosis", "field.too_long", MaxDiagnosis)
	}
	if utf8.RuneCountInString(in.Note) > MaxInjuryNote {
		fe.Add("note", "field.too_long", MaxInjuryNote)
	}
	if in.PersonID <= 0 {
		fe.Add("person_id", "field.required")
	}
	if len(fe) > 0 {
		return model.WorkInjuryCase{}, fe.Err()
	}
	var out model.WorkInjuryCase
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var a args
		var code string
		var inst int64
		err := tx.QueryRowContext(ctx, "SELECT p.region_code, p.institution_id FROM people p WHERE p.id = "+a.add(in.PersonID)+" AND "+scopeOf(pr).on("people", "p", &a), a...).
			Scan(&code, &inst)
		if err == sql.ErrNoRows {
			return model.FieldErrors{"person_id": model.M("injury.person_unknown")}.Err()
		}
		if err != nil {
			return model.Internal(err)
		}
		var open int
		a = nil
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM work_injury_cases w WHERE w.person_id = "+a.add(in.PersonID)+" AND w.status IN ('open', 'submitted') AND "+
			scopeOf(pr).on("work_injury_cases", "w", &a), a...).Scan(&open); err != nil {
			return model.Internal(err)
		}
		if open > 0 {
			return model.Errorf(model.EConflict, "injury.case_open")
		}
		days, err := s.injuryDeadlineDays(ctx, tx, code)
		if err != nil {
			return err
		}
		var note []byte
		if in.Note != "" {
			note = s.seal.Seal(in.Note)
		}
		now := ms(s.now())
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO work_injury_cases (person_id, region_code, institution_id, infected_on, diagnosed_on, deadline_on,
			diagnosis_enc, note_enc, status, opened_by_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
			in.PersonID, code, inst, in.InfectedOn, in.DiagnosedOn, letters.InjuryDeadline(in.DiagnosedOn, days), s.seal.Seal(in.Diagnosis), note,
			model.InjuryOpen, pr.Username, now).Scan(&id); err != nil {
			return model.Internal(err)
		}
		for _, doc := range letters.InjuryDocuments {
			if _, err := tx.ExecContext(ctx, `INSERT INTO work_injury_documents (case_id, region_code, code) VALUES ($1, $2, $3)`, id, code, doc); err != nil {
				return model.Internal(err)
			}
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActInjuryOpen, ObjectType: "work_injury", ObjectID: strconv.FormatInt(id, 10),
			Detail: "person=" + strconv.FormatInt(in.PersonID, 10)}); err != nil {
			return err
		}
		out, err = s.getInjury(ctx, tx, pr, id)
		return err
	})
	return out, err
}

func (s *Store) getInjury(ctx context.Context, q queryer, pr *auth.Principal, id int64) (model.WorkInjuryCase, error) {
	var a args
	c, _, err := s.scanInjury(q.QueryRowContext(ctx, "SELECT "+injuryColumns+injuryFrom+"WHERE w.id = "+a.add(id)+" AND "+scopeOf(pr).on("work_injury_cases", "w", &a), a...))
	if err == sql.ErrNoRows {
		return c, model.NotFound("work_injury")
	}
	if err != nil {
		return c, model.Internal(err)
	}
	a = nil
	rows, err := q.QueryContext(ctx, "SELECT d.code, d.done, d.done_at, d.done_by_name FROM work_injury_documents d WHERE d.case_id = "+a.add(id)+" AND "+
		scopeOf(pr).on("work_injury_documents", "d", &a)+" ORDER BY d.id", a...)
	if err != nil {
		return c, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var d model.WorkInjuryDocument
		var at int64
		if err := rows.Scan(&d.Code, &d.Done, &at, &d.DoneByName); err != nil {
			return c, model.Internal(err)
		}
		d.DoneAt = optTime(at)
		c.Documents = append(c.Documents, d)
	}
	return c, rowsErr(rows)
}

// GetWorkInjuryCase returns one case in scope with its checklist.
func (s *Store) GetWorkInjuryCase(ctx context.Context, id int64) (_ model.WorkInjuryCase, err error) {
	defer wrap(&err, "GetWorkInjuryCase(%d)", id)
	pr, err := principal(ctx, auth.PermWorkInjuryManage)
	if err != nil {
		return model.WorkInjuryCase{}, err
	}
	c, err := s.getInjury(ctx, s.read, pr, id)
	return c, s.auditRead(ctx, pr, err, ActInjuryRead, "work_injury", id, "")
}

// ListWorkInjuryCases returns the cases in scope matching f, the nearest
// deadline first; Overdue keeps the open cases past their deadline.
func (s *Store) ListWorkInjuryCases(ctx context.Context, f model.WorkInjuryFilter) (_ model.List[model.WorkInjuryCase], err error) {
	defer wrap(&err, "ListWorkInjuryCases()")
	out := model.List[model.WorkInjuryCase]{Items: []model.WorkInjuryCase{}}
	pr, err := principal(ctx, auth.PermWorkInjuryManage)
	if err != nil {
		return out, err
	}
	p := clampPageFor(ctx, f.Page)
	out.Limit, out.Offset = p.Limit, p.Offset
	var a args
	cond := []string{scopeOf(pr).on("work_injury_cases", "w", &a)}
	if f.Status != "" {
		cond = append(cond, "w.status = "+a.add(f.Status))
	}
	if f.Overdue {
		cond = append(cond, "w.status = 'open' AND w.deadline_on < "+a.add(s.today()))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		cond = append(cond, "p.name LIKE "+a.add(likePattern(q))+` ESCAPE '\'`)
	}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("w.region_code", f.RegionCode, &a))
	}
	where := strings.Join(cond, " AND ")
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+injuryFrom+"WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+injuryColumns+injuryFrom+"WHERE "+where+
		" ORDER BY CASE WHEN w.status IN ('open', 'submitted') THEN 0 ELSE 1 END, w.deadline_on, w.id LIMIT "+a.add(p.Limit)+" OFFSET "+a.add(p.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	byID := map[int64]int{}
	for rows.Next() {
		c, _, err := s.scanInjury(rows)
		if err != nil {
			return out, model.Internal(err)
		}
		byID[c.ID] = len(out.Items)
		out.Items = append(out.Items, c)
	}
	if err := rows.Err(); err != nil {
		return out, model.Internal(err)
	}
	rows.Close()
	if len(out.Items) > 0 {
		// The checklists of the page, in one query.
		a = nil
		ph := make([]string, 0, len(out.Items))
		for _, c := range out.Items {
			ph = append(ph, a.add(c.ID))
		}
		drows, err := s.read.QueryContext(ctx, "SELECT d.case_id, d.code, d.done, d.done_at, d.done_by_name FROM work_injury_documents d WHERE d.case_id IN ("+
			strings.Join(ph, ", ")+") AND "+scopeOf(pr).on("work_injury_documents", "d", &a)+" ORDER BY d.case_id, d.id", a...)
		if err != nil {
			return out, model.Internal(err)
		}
		defer drows.Close()
		for drows.Next() {
			var d model.WorkInjuryDocument
			var caseID, at int64
			if err := drows.Scan(&caseID, &d.Code, &d.Done, &at, &d.DoneByName); err != nil {
				return out, model.Internal(err)
			}
			d.DoneAt = optTime(at)
			c := &out.Items[byID[caseID]]
			c.Documents = append(c.Documents, d)
		}
		if err := drows.Err(); err != nil {
			return out, model.Internal(err)
		}
	}
	var d readDetail
	d.add("status", f.Status)
	d.add("overdue", f.Overdue)
	d.add("region", f.RegionCode)
	d.set("q", f.Q)
	return out, s.auditList(ctx, pr, nil, ActInjuryList, "work_injury", d, len(out.Items), out.Total, p)
}

// UpdateWorkInjuryCase ticks documents of the checklist off (or back on)
// and moves the status on (letters.InjuryStep: filing needs every document).
// Returns ENotFound, EInvalid (documents, status, note), EConflict on a
// stale version or a decided case.
func (s *Store) UpdateWorkInjuryCase(ctx context.Context, id int64, u model.WorkInjuryUpdate) (_ model.WorkInjuryCase, err error) {
	defer wrap(&err, "UpdateWorkInjuryCase(%d)", id)
	pr, err := principal(ctx, auth.PermWorkInjuryManage)
	if err != nil {
		return model.WorkInjuryCase{}, err
	}
	fe := model.FieldErrors{}
	for code := range u.Documents {
		if !model.Contains(letters.InjuryDocuments, code) {
			fe.Add("documents", "injury.document_unknown", code)
		}
	}
	if u.Status != nil && !model.Contains(model.InjuryStatuses, *u.Status) {
		fe.Add("status", "field.choice")
	}
	if u.Note != nil {
		*u.Note = strings.TrimSpace(*u.Note)
		if utf8.RuneCountInString(*u.Note) > MaxInjuryNote {
			fe.Add("note", "field.too_long", MaxInjuryNote)
		}
	}
	if len(fe) > 0 {
		return model.WorkInjuryCase{}, fe.Err()
	}
	var out model.WorkInjuryCase
	err = s.tx(ctx, func(tx *sql.Tx) error {
		// unscoped: the updates name the case that getInjury found in scope.
		c, err := s.getInjury(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if u.Version != nil && *u.Version != c.Version {
			return staleVersion()
		}
		decided := c.Status == model.InjuryRecognised || c.Status == model.InjuryNotRecognised
		if decided && (len(u.Documents) > 0 || u.Status != nil && *u.Status != c.Status) {
			return model.Errorf(model.EConflict, "injury.decided")
		}
		now := ms(s.now())
		done := map[string]bool{}
		for _, d := range c.Documents {
			done[d.Code] = d.Done
		}
		var changed []string
		for code, v := range u.Documents {
			if done[code] == v {
				continue
			}
			done[code] = v
			var at int64
			by := ""
			if v {
				at, by = now, pr.Username
			}
			if _, err := tx.ExecContext(ctx, `UPDATE work_injury_documents SET done = $1, done_at = $2, done_by_name = $3 WHERE case_id = $4 AND code = $5`,
				v, at, by, id, code); err != nil {
				return model.Internal(err)
			}
			changed = append(changed, code+"="+strconv.FormatBool(v))
		}
		status := c.Status
		if u.Status != nil && *u.Status != c.Status {
			all := true
			for _, d := range letters.InjuryDocuments {
				all = all && done[d]
			}
			if key := letters.InjuryStep(c.Status, *u.Status, all); key != "" {
				return model.FieldErrors{"status": model.M(key)}.Err()
			}
			status = *u.Status
			changed = append(changed, "status="+status)
		}
		submitted, decidedOn, decidedBy := c.SubmittedOn, c.DecidedOn, c.DecidedByName
		switch {
		case status == model.InjurySubmitted && c.Status == model.InjuryOpen:
			submitted = s.today()
		case status == model.InjuryRecognised || status == model.InjuryNotRecognised:
			if !decided {
				decidedOn, decidedBy = s.today(), pr.Username
			}
		case status == model.InjuryOpen:
			submitted = ""
		}
		noteEnc := []byte(nil)
		note := c.Note
		if u.Note != nil && *u.Note != c.Note {
			note = *u.Note
			changed = append(changed, "note")
		}
		if note != "" {
			noteEnc = s.seal.Seal(note)
		}
		if len(changed) == 0 {
			out = c
			return nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE work_injury_cases SET status = $1, submitted_on = $2, decided_on = $3, decided_by_name = $4, note_enc = $5,
			version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8`, status, submitted, decidedOn, decidedBy, noteEnc, now, id, c.Version)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActInjuryUpdate, ObjectType: "work_injury", ObjectID: strconv.FormatInt(id, 10),
			Detail: strings.Join(changed, " ")}); err != nil {
			return err
		}
		out, err = s.getInjury(ctx, tx, pr, id)
		return err
	})
	return out, err
}
