package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/letters"
	"houdun/internal/model"
	"houdun/internal/region"
)

// Audit actions of consolation letters.
const (
	ActLetterTemplateCreate = "letter_template.create"
	ActLetterTemplateUpdate = "letter_template.update"
	ActLetterGenerate       = "letter.generate"
	ActLetterDeliver        = "letter.deliver"
	ActLetterList           = "letter.list"
	ActLetterRead           = "letter.read"
	ActLetterPDF            = "letter.pdf"
)

// MaxLetterGeneration bounds the letters one generation makes.
const MaxLetterGeneration = 5000

// templateScope is the condition on letter_templates alias t: the
// templates of the caller's region and below, and those of the regions
// above it, which serve it too (a city's letter for its districts).
func templateScope(pr *auth.Principal, t string, a *args) string {
	own := scopeOf(pr).on("letter_templates", t, a)
	if pr.System || pr.RegionCode == "" || pr.InstitutionID != 0 || pr.PersonID != 0 {
		return own
	}
	var ph []string
	for _, c := range settingChain(region.ParentOf(pr.RegionCode)) {
		ph = append(ph, a.add(c))
	}
	return "(" + own + " OR " + t + ".region_code IN (" + strings.Join(ph, ", ") + "))"
}

const templateColumns = `t.id, t.region_code, t.name, t.title, t.body, t.sender, t.active, t.created_by_name, t.version, t.created_at, t.updated_at,
	(SELECT COUNT(*) FROM letters l WHERE l.template_id = t.id)`

func scanTemplate(pr *auth.Principal, row interface{ Scan(...any) error }) (model.LetterTemplate, error) {
	var t model.LetterTemplate
	var created, updated int64
	err := row.Scan(&t.ID, &t.RegionCode, &t.Name, &t.Title, &t.Body, &t.Sender, &t.Active, &t.CreatedByName, &t.Version, &created, &updated, &t.Letters)
	t.CreatedAt, t.UpdatedAt = fromMS(created), fromMS(updated)
	t.Editable = scopeOf(pr).hasRegion(t.RegionCode)
	return t, err
}

// ListLetterTemplates returns the templates the caller may use, newest first.
// Returns EUnauthenticated, EForbidden without letter.manage.
func (s *Store) ListLetterTemplates(ctx context.Context, activeOnly bool, page model.Page) (_ model.List[model.LetterTemplate], err error) {
	defer wrap(&err, "ListLetterTemplates()")
	out := model.List[model.LetterTemplate]{Items: []model.LetterTemplate{}}
	pr, err := principal(ctx, auth.PermLetterManage)
	if err != nil {
		return out, err
	}
	p := clampPage(page)
	out.Limit, out.Offset = p.Limit, p.Offset
	var a args
	where := templateScope(pr, "t", &a)
	if activeOnly {
		where += " AND t.active = TRUE"
	}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM letter_templates t WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+templateColumns+" FROM letter_templates t WHERE "+where+
		" ORDER BY t.id DESC LIMIT "+a.add(p.Limit)+" OFFSET "+a.add(p.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanTemplate(pr, rows)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, t)
	}
	return out, rowsErr(rows)
}

// GetLetterTemplate returns one template the caller may use.
// Returns ENotFound when it is missing or out of scope.
func (s *Store) GetLetterTemplate(ctx context.Context, id int64) (_ model.LetterTemplate, err error) {
	defer wrap(&err, "GetLetterTemplate(%d)", id)
	pr, err := principal(ctx, auth.PermLetterManage)
	if err != nil {
		return model.LetterTemplate{}, err
	}
	return s.getTemplate(ctx, s.read, pr, id)
}

func (s *Store) getTemplate(ctx context.Context, q queryer, pr *auth.Principal, id int64) (model.LetterTemplate, error) {
	var a args
	row := q.QueryRowContext(ctx, "SELECT "+templateColumns+" FROM letter_templates t WHERE t.id = "+a.add(id)+" AND "+templateScope(pr, "t", &a), a...)
	t, err := scanTemplate(pr, row)
	if err == sql.ErrNoRows {
		return t, model.NotFound("letter_template")
	}
	if err != nil {
		return t, model.Internal(err)
	}
	return t, nil
}

// templateFields applies an input to the current fields and checks them.
func templateFields(cur letters.TemplateFields, in model.LetterTemplateInput) (letters.TemplateFields, error) {
	set(&cur.Name, in.Name)
	set(&cur.Title, in.Title)
	set(&cur.Body, in.Body)
	set(&cur.Sender, in.Sender)
	if fe := cur.Normalize(); len(fe) > 0 {
		return cur, fe.Err()
	}
	return cur, nil
}

// CreateLetterTemplate saves a template for a region in the caller's scope
// (their own region when none is given). Returns EInvalid (fields name,
// title, body, sender: unknown or unclosed placeholders by name; region_code).
func (s *Store) CreateLetterTemplate(ctx context.Context, in model.LetterTemplateInput) (_ model.LetterTemplate, err error) {
	defer wrap(&err, "CreateLetterTemplate()")
	pr, err := principal(ctx, auth.PermLetterManage)
	if err != nil {
		return model.LetterTemplate{}, err
	}
	code := pr.RegionCode
	if in.RegionCode != nil {
		c, ok := region.Normalize(*in.RegionCode)
		if !ok && strings.TrimSpace(*in.RegionCode) != "" {
			return model.LetterTemplate{}, model.FieldErrors{"region_code": model.M("region.unknown_code", *in.RegionCode)}.Err()
		}
		code = c
	}
	if !scopeOf(pr).hasRegion(code) {
		return model.LetterTemplate{}, model.FieldErrors{"region_code": model.M("region.unknown_code", code)}.Err()
	}
	f, err := templateFields(letters.TemplateFields{}, in)
	if err != nil {
		return model.LetterTemplate{}, err
	}
	active := in.Active == nil || *in.Active
	var out model.LetterTemplate
	err = s.tx(ctx, func(tx *sql.Tx) error {
		now := ms(s.now())
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO letter_templates (region_code, name, title, body, sender, active, created_by_name, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`, code, f.Name, f.Title, f.Body, f.Sender, active, pr.Username, now).Scan(&id); err != nil {
			return model.Internal(err)
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActLetterTemplateCreate, ObjectType: "letter_template", ObjectID: strconv.FormatInt(id, 10), Detail: "region=" + code}); err != nil {
			return err
		}
		out, err = s.getTemplate(ctx, tx, pr, id)
		return err
	})
	return out, err
}

// UpdateLetterTemplate changes a template of the caller's region or below;
// letters already generated keep their text. Returns ENotFound, EInvalid,
// EConflict on a stale version.
func (s *Store) UpdateLetterTemplate(ctx context.Context, id int64, in model.LetterTemplateInput) (_ model.LetterTemplate, err error) {
	defer wrap(&err, "UpdateLetterTemplate(%d)", id)
	pr, err := principal(ctx, auth.PermLetterManage)
	if err != nil {
		return model.LetterTemplate{}, err
	}
	var out model.LetterTemplate
	err = s.tx(ctx, func(tx *sql.Tx) error {
		// unscoped: the update names the id that getTemplate found in scope.
		cur, err := s.getTemplate(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if !cur.Editable {
			return model.Errorf(model.EForbidden, "letter.template_not_yours")
		}
		if in.Version != nil && *in.Version != cur.Version {
			return staleVersion()
		}
		f, err := templateFields(letters.TemplateFields{Name: cur.Name, Title: cur.Title, Body: cur.Body, Sender: cur.Sender}, in)
		if err != nil {
			return err
		}
		active := cur.Active
		set(&active, in.Active)
		res, err := tx.ExecContext(ctx, `UPDATE letter_templates SET name = $1, title = $2, body = $3, sender = $4, active = $5, version = version + 1, updated_at = $6
			WHERE id = $7 AND version = $8`, f.Name, f.Title, f.Body, f.Sender, active, ms(s.now()), id, cur.Version)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActLetterTemplateUpdate, ObjectType: "letter_template", ObjectID: strconv.FormatInt(id, 10)}); err != nil {
			return err
		}
		out, err = s.getTemplate(ctx, tx, pr, id)
		return err
	})
	return out, err
}

// letterPerson is what a letter says of its person.
type letterPerson struct {
	id, institutionID                              int64
	name, institution, department, occupation, reg string
}

// GenerateLetters makes the letters of a template: to the people named (each
// in the caller's scope), or to the frontline people of an institution, or
// of the caller's whole scope. A person's letter not yet sent is refreshed
// with the template's current text and days; one already sent stays as it
// went out. Returns EInvalid (template_id, person_ids, institution_id, date),
// ENotFound for a template out of reach.
func (s *Store) GenerateLetters(ctx context.Context, g model.LetterGeneration) (_ model.LetterGenerationResult, err error) {
	defer wrap(&err, "GenerateLetters(%d)", g.TemplateID)
	res := model.LetterGenerationResult{LetterIDs: []int64{}}
	pr, err := principal(ctx, auth.PermLetterManage)
	if err != nil {
		return res, err
	}
	today := s.now().In(chinaDay).Format(time.DateOnly)
	date := strings.TrimSpace(g.Date)
	if date == "" {
		date = today
	} else if _, perr := time.Parse(time.DateOnly, date); perr != nil {
		return res, model.FieldErrors{"date": model.M("letter.date")}.Err()
	}
	if len(g.PersonIDs) > MaxLetterGeneration {
		return res, model.FieldErrors{"person_ids": model.M("letter.too_many", MaxLetterGeneration)}.Err()
	}
	// The people and their days are read first: the deployments' days
	// report audits its own read, which a write transaction would hold up.
	if _, err := s.usableTemplate(ctx, s.read, pr, g.TemplateID); err != nil {
		return res, err
	}
	people, err := s.letterPeople(ctx, s.read, pr, g)
	if err != nil {
		return res, err
	}
	ids := make([]int64, len(people))
	for i, p := range people {
		ids[i] = p.id
	}
	from, to := s.servicePeriod(g.From, g.To)
	service, err := s.frontlineService(ctx, pr, ids, g.InstitutionID, from, to)
	if err != nil {
		return res, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		// unscoped: the letters read and written are those of the people letterPeople found in scope.
		tpl, err := s.usableTemplate(ctx, tx, pr, g.TemplateID)
		if err != nil {
			return err
		}
		now := ms(s.now())
		for _, p := range people {
			sv := service[p.id]
			values := map[string]string{
				letters.FieldName: p.name, letters.FieldInstitution: p.institution, letters.FieldDepartment: p.department,
				letters.FieldOccupation: p.occupation, letters.FieldRegion: region.Label(p.reg),
				letters.FieldFrontlineDays: letters.FormatDays(sv.halfDays), letters.FieldPeriods: periodsText(sv.periods),
				letters.FieldDate: letters.ChineseDate(date),
			}
			title, body, sender := letters.Fill(tpl.Title, values), letters.Fill(tpl.Body, values), letters.Fill(tpl.Sender, values)
			var id int64
			var status string
			err := tx.QueryRowContext(ctx, `SELECT id, status FROM letters WHERE person_id = $1 AND template_id = $2`, p.id, tpl.ID).Scan(&id, &status)
			switch {
			case err == sql.ErrNoRows:
				if err := tx.QueryRowContext(ctx, `INSERT INTO letters (template_id, person_id, region_code, institution_id, title, body, sender, letter_date,
					frontline_days, status, generated_by_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
					tpl.ID, p.id, p.reg, p.institutionID, title, body, sender, date, letters.FormatDays(sv.halfDays), model.LetterGenerated, pr.Username, now).Scan(&id); err != nil {
					return model.Internal(err)
				}
				res.Created++
			case err != nil:
				return model.Internal(err)
			case status == model.LetterGenerated:
				if _, err := tx.ExecContext(ctx, `UPDATE letters SET title = $1, body = $2, sender = $3, letter_date = $4, frontline_days = $5, region_code = $6,
					institution_id = $7, generated_by_name = $8, version = version + 1, updated_at = $9 WHERE id = $10`,
					title, body, sender, date, letters.FormatDays(sv.halfDays), p.reg, p.institutionID, pr.Username, now, id); err != nil {
					return model.Internal(err)
				}
				res.Refreshed++
			default:
				res.Kept++
			}
			res.LetterIDs = append(res.LetterIDs, id)
		}
		detail := "template=" + strconv.FormatInt(tpl.ID, 10) + " created=" + strconv.Itoa(res.Created) + " refreshed=" + strconv.Itoa(res.Refreshed) + " kept=" + strconv.Itoa(res.Kept)
		if g.InstitutionID != 0 {
			detail += " institution=" + strconv.FormatInt(g.InstitutionID, 10)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActLetterGenerate, ObjectType: "letter", ObjectID: "", Detail: detail})
	})
	if err != nil {
		return model.LetterGenerationResult{LetterIDs: []int64{}}, err
	}
	return res, nil
}

// usableTemplate is a template the caller may generate letters from:
// reachable, active, its placeholders good (checked again, so that a
// template written before a placeholder was retired fails clearly).
func (s *Store) usableTemplate(ctx context.Context, q queryer, pr *auth.Principal, id int64) (model.LetterTemplate, error) {
	tpl, err := s.getTemplate(ctx, q, pr, id)
	if model.ErrorCode(err) == model.ENotFound {
		return tpl, model.FieldErrors{"template_id": model.M("letter.template_unknown")}.Err()
	}
	if err != nil {
		return tpl, err
	}
	if !tpl.Active {
		return tpl, model.FieldErrors{"template_id": model.M("letter.template_inactive")}.Err()
	}
	for _, text := range []string{tpl.Title, tpl.Body, tpl.Sender} {
		if key, bad := letters.CheckPlaceholders(text); key != "" {
			return tpl, model.FieldErrors{"template_id": model.M(key, bad)}.Err()
		}
	}
	return tpl, nil
}

// letterPeople are the people a generation writes to, in the caller's scope.
func (s *Store) letterPeople(ctx context.Context, q queryer, pr *auth.Principal, g model.LetterGeneration) ([]letterPerson, error) {
	var a args
	cond := []string{scopeOf(pr).on("people", "p", &a)}
	switch {
	case len(g.PersonIDs) > 0:
		ph := make([]string, 0, len(g.PersonIDs))
		seen := map[int64]bool{}
		for _, id := range g.PersonIDs {
			if !seen[id] {
				seen[id] = true
				ph = append(ph, a.add(id))
			}
		}
		cond = append(cond, "p.id IN ("+strings.Join(ph, ", ")+")")
		if g.InstitutionID != 0 {
			cond = append(cond, "p.institution_id = "+a.add(g.InstitutionID))
		}
	case g.InstitutionID != 0:
		cond = append(cond, "p.institution_id = "+a.add(g.InstitutionID), "p.frontline = TRUE")
	default:
		cond = append(cond, "p.frontline = TRUE")
	}
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.name, p.institution_id, i.name, p.department, p.occupation, p.region_code
		FROM people p JOIN institutions i ON i.id = p.institution_id WHERE `+strings.Join(cond, " AND ")+" ORDER BY p.id LIMIT "+a.add(MaxLetterGeneration+1), a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	var out []letterPerson
	for rows.Next() {
		var p letterPerson
		if err := rows.Scan(&p.id, &p.name, &p.institutionID, &p.institution, &p.department, &p.occupation, &p.reg); err != nil {
			return nil, model.Internal(err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	switch {
	case len(out) > MaxLetterGeneration:
		return nil, model.FieldErrors{"institution_id": model.M("letter.too_many", MaxLetterGeneration)}.Err()
	case len(g.PersonIDs) > 0 && len(out) != countDistinct(g.PersonIDs):
		return nil, model.FieldErrors{"person_ids": model.M("letter.person_unknown")}.Err()
	case len(out) == 0 && g.InstitutionID != 0:
		if _, err := s.getInstitution(ctx, q, pr, g.InstitutionID); err != nil {
			return nil, model.FieldErrors{"institution_id": model.M("letter.institution_unknown")}.Err()
		}
		return nil, model.FieldErrors{"institution_id": model.M("letter.nobody")}.Err()
	case len(out) == 0:
		return nil, model.FieldErrors{"person_ids": model.M("letter.nobody")}.Err()
	}
	return out, nil
}

func countDistinct(ids []int64) int {
	seen := map[int64]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	return len(seen)
}

// periodsText writes service periods as a letter names them.
func periodsText(ps []model.DatePeriod) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		if p.From == p.To {
			parts[i] = p.From
		} else {
			parts[i] = p.From + "至" + p.To
		}
	}
	return strings.Join(parts, "，")
}

const letterColumns = `l.id, l.template_id, t.name, l.person_id, p.name, l.institution_id, i.name, l.region_code, l.title, l.body, l.sender,
	l.letter_date, l.frontline_days, l.status, l.generated_by_name, l.sent_at, l.sent_by_name, l.received_at, l.received_by_name,
	l.version, l.created_at, l.updated_at`

const letterFrom = ` FROM letters l JOIN letter_templates t ON t.id = l.template_id JOIN people p ON p.id = l.person_id
	JOIN institutions i ON i.id = l.institution_id `

func scanLetter(row interface{ Scan(...any) error }) (model.Letter, error) {
	var l model.Letter
	var sent, received, created, updated int64
	err := row.Scan(&l.ID, &l.TemplateID, &l.TemplateName, &l.PersonID, &l.PersonName, &l.InstitutionID, &l.InstitutionName, &l.RegionCode,
		&l.Title, &l.Body, &l.Sender, &l.Date, &l.FrontlineDays, &l.Status, &l.GeneratedByName, &sent, &l.SentByName, &received, &l.ReceivedByName,
		&l.Version, &created, &updated)
	l.SentAt, l.ReceivedAt, l.CreatedAt, l.UpdatedAt = optTime(sent), optTime(received), fromMS(created), fromMS(updated)
	return l, err
}

// letterPrincipal is a caller who may read letters: a team (all in scope)
// or a worker (their own).
func letterPrincipal(ctx context.Context) (*auth.Principal, error) {
	pr, err := principal(ctx, auth.PermLetterManage)
	if model.ErrorCode(err) == model.EForbidden {
		return principal(ctx, auth.PermLetterOwn)
	}
	return pr, err
}

// ListLetters returns the letters in the caller's scope matching f, newest
// first; a worker's are their own.
func (s *Store) ListLetters(ctx context.Context, f model.LetterFilter) (_ model.List[model.Letter], err error) {
	defer wrap(&err, "ListLetters()")
	out := model.List[model.Letter]{Items: []model.Letter{}}
	pr, err := letterPrincipal(ctx)
	if err != nil {
		return out, err
	}
	p := clampPageFor(ctx, f.Page)
	out.Limit, out.Offset = p.Limit, p.Offset
	var a args
	cond := []string{scopeOf(pr).on("letters", "l", &a)}
	if f.TemplateID != 0 {
		cond = append(cond, "l.template_id = "+a.add(f.TemplateID))
	}
	if f.InstitutionID != 0 {
		cond = append(cond, "l.institution_id = "+a.add(f.InstitutionID))
	}
	if f.PersonID != 0 {
		cond = append(cond, "l.person_id = "+a.add(f.PersonID))
	}
	if f.Status != "" {
		cond = append(cond, "l.status = "+a.add(f.Status))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		cond = append(cond, "p.name LIKE "+a.add(likePattern(q))+` ESCAPE '\'`)
	}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("l.region_code", f.RegionCode, &a))
	}
	where := strings.Join(cond, " AND ")
	err = s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+letterFrom+"WHERE "+where, a...).Scan(&out.Total)
	if err == nil {
		var rows *sql.Rows
		rows, err = s.read.QueryContext(ctx, "SELECT "+letterColumns+letterFrom+"WHERE "+where+" ORDER BY l.id DESC LIMIT "+a.add(p.Limit)+" OFFSET "+a.add(p.Offset), a...)
		if err == nil {
			for rows.Next() {
				var l model.Letter
				if l, err = scanLetter(rows); err != nil {
					break
				}
				out.Items = append(out.Items, l)
			}
			if err == nil {
				err = rows.Err()
			}
			rows.Close()
		}
	}
	if err != nil {
		return out, model.Internal(err)
	}
	var d readDetail
	d.add("template", f.TemplateID)
	d.add("institution", f.InstitutionID)
	d.add("person", f.PersonID)
	d.add("status", f.Status)
	d.add("region", f.RegionCode)
	d.set("q", f.Q)
	return out, s.auditList(ctx, pr, nil, ActLetterList, "letter", d, len(out.Items), out.Total, p)
}

// GetLetter returns one letter in the caller's scope (a worker's own).
// Returns ENotFound when it is missing or out of scope.
func (s *Store) GetLetter(ctx context.Context, id int64) (_ model.Letter, err error) {
	defer wrap(&err, "GetLetter(%d)", id)
	pr, err := letterPrincipal(ctx)
	if err != nil {
		return model.Letter{}, err
	}
	l, err := s.getLetter(ctx, s.read, pr, id)
	return l, s.auditRead(ctx, pr, err, ActLetterRead, "letter", id, "")
}

// LetterForPDF is GetLetter for its PDF: the read is audited as the PDF's
// download (letter.pdf), one row for the request.
func (s *Store) LetterForPDF(ctx context.Context, id int64) (_ model.Letter, err error) {
	defer wrap(&err, "LetterForPDF(%d)", id)
	pr, err := letterPrincipal(ctx)
	if err != nil {
		return model.Letter{}, err
	}
	l, err := s.getLetter(ctx, s.read, pr, id)
	return l, s.auditRead(ctx, pr, err, ActLetterPDF, "letter", id, "letters=1")
}

func (s *Store) getLetter(ctx context.Context, q queryer, pr *auth.Principal, id int64) (model.Letter, error) {
	var a args
	l, err := scanLetter(q.QueryRowContext(ctx, "SELECT "+letterColumns+letterFrom+"WHERE l.id = "+a.add(id)+" AND "+scopeOf(pr).on("letters", "l", &a), a...))
	if err == sql.ErrNoRows {
		return l, model.NotFound("letter")
	}
	if err != nil {
		return l, model.Internal(err)
	}
	return l, nil
}

// AuditLetterPDF records the download of the PDF of n letters (one row for
// a merged file). The caller read the letters with GetLetter or under Covered.
func (s *Store) AuditLetterPDF(ctx context.Context, objectID string, n int, filter string) (err error) {
	defer wrap(&err, "AuditLetterPDF()")
	detail := "letters=" + strconv.Itoa(n)
	if filter != "" {
		detail = "filter=" + filter + "; " + detail
	}
	return s.Audit(ctx, ActLetterPDF, "letter", objectID, model.OutcomeOK, detail)
}

// DeliverLetter records a letter's delivery: a team marks it sent (or
// received, for a letter handed over in person), a worker confirms their
// own arrived. Steps go forward only (generated → sent → received).
// Returns ENotFound, EInvalid (status), EConflict on a stale version or a
// step back.
func (s *Store) DeliverLetter(ctx context.Context, id int64, d model.LetterDelivery) (_ model.Letter, err error) {
	defer wrap(&err, "DeliverLetter(%d)", id)
	pr, err := letterPrincipal(ctx)
	if err != nil {
		return model.Letter{}, err
	}
	if d.Status != model.LetterSent && d.Status != model.LetterReceived {
		return model.Letter{}, model.FieldErrors{"status": model.M("field.choice")}.Err()
	}
	team := pr.System || pr.Can(auth.PermLetterManage)
	var out model.Letter
	err = s.tx(ctx, func(tx *sql.Tx) error {
		// unscoped: the update names the id that getLetter found in scope.
		l, err := s.getLetter(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if !team && (d.Status != model.LetterReceived || l.PersonID != pr.PersonID) {
			return model.Errorf(model.EForbidden, "letter.worker_confirms_only")
		}
		if d.Version != nil && *d.Version != l.Version {
			return staleVersion()
		}
		if rank(l.Status) >= rank(d.Status) {
			return model.Errorf(model.EConflict, "letter.step_back")
		}
		now := ms(s.now())
		q := `UPDATE letters SET status = $1, sent_at = $2, sent_by_name = $3, version = version + 1, updated_at = $2 WHERE id = $4 AND version = $5`
		qa := []any{d.Status, now, pr.Username, id, l.Version}
		if d.Status == model.LetterReceived {
			q = `UPDATE letters SET status = $1, received_at = $2, received_by_name = $3, sent_at = CASE WHEN sent_at = 0 THEN $2 ELSE sent_at END,
				sent_by_name = CASE WHEN sent_at = 0 THEN $3 ELSE sent_by_name END, version = version + 1, updated_at = $2 WHERE id = $4 AND version = $5`
		}
		res, err := tx.ExecContext(ctx, q, qa...)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActLetterDeliver, ObjectType: "letter", ObjectID: strconv.FormatInt(id, 10), Detail: "status=" + d.Status}); err != nil {
			return err
		}
		out, err = s.getLetter(ctx, tx, pr, id)
		return err
	})
	return out, err
}

func rank(status string) int {
	for i, s := range model.LetterStatuses {
		if s == status {
			return i
		}
	}
	return -1
}
