package store

import (
	"context"
	"database/sql"
	"sort"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/deployrule"
	"houdun/internal/model"
)

// Audit actions of deployments.
const (
	ActDeploymentCreate = "deployment.create"
	ActDeploymentCancel = "deployment.cancel"
	ActDeploymentList   = "deployment.list"
	ActDeploymentRead   = "deployment.read"
	ActConflictList     = "deployment.conflicts"
	ActRestDueList      = "deployment.rest_due"
	ActDeploymentDays   = "deployment.days"
	ActCandidateList    = "deployment.candidates"
)

// ruleWindow is how far before and after a planned deployment the rest rule
// looks at a person's other deployments (a run of frontline work with
// overridden rest cannot reasonably be longer).
const ruleWindow = 400

// ruleRow is a deployment as the rules and the refusal read it.
type ruleRow struct {
	dep           deployrule.Deployment
	personName    string
	institutionID int64
	regionCode    string
	placeName     string
}

// ruleRows reads the live (not cancelled) deployments of some people that
// overlap [from, to].
func ruleRows(ctx context.Context, q queryer, people []int64, from, to deployrule.Day) ([]ruleRow, error) {
	// unscoped: the rules hold whatever the caller's scope (a spouse at
	// another institution); the caller is shown names only of what is in scope.
	if len(people) == 0 {
		return nil, nil
	}
	var a args
	ph := make([]string, len(people))
	for i, p := range people {
		ph[i] = a.add(p)
	}
	rows, err := q.QueryContext(ctx, `SELECT d.id, d.person_id, p.name, p.institution_id, p.region_code, d.starts_on, d.ends_on, d.tier, d.shift_hours,
		d.batch_id IS NOT NULL, COALESCE(b.quarantine_days, 0), COALESCE(fp.name, b.name, '')
		FROM deployments d JOIN people p ON p.id = d.person_id LEFT JOIN aid_batches b ON b.id = d.batch_id LEFT JOIN frontline_posts fp ON fp.id = d.post_id
		WHERE d.person_id IN (`+strings.Join(ph, ", ")+`) AND d.status <> 'cancelled' AND d.ends_on >= `+a.add(from.String())+` AND d.starts_on <= `+a.add(to.String())+`
		ORDER BY d.starts_on, d.id`, a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	var out []ruleRow
	for rows.Next() {
		var r ruleRow
		var start, end string
		if err := rows.Scan(&r.dep.ID, &r.dep.PersonID, &r.personName, &r.institutionID, &r.regionCode, &start, &end, &r.dep.Tier, &r.dep.ShiftHours,
			&r.dep.Aid, &r.dep.QuarantineDays, &r.placeName); err != nil {
			return nil, model.Internal(err)
		}
		r.dep.Span = deployrule.Span{Start: deployrule.MustDay(start), End: deployrule.MustDay(end)}
		out = append(out, r)
	}
	return out, rows.Err()
}

// linkedWorkers are the person's relatives who are registered medical
// workers, linked either way (张伟's wife linked on his record, or he on hers).
func linkedWorkers(ctx context.Context, q queryer, personID int64) ([]int64, error) {
	// unscoped: the couple rule holds across scopes; only ids are read.
	rows, err := q.QueryContext(ctx, `SELECT f.medical_worker_person_id FROM family_members f WHERE f.person_id = $1 AND f.medical_worker_person_id IS NOT NULL
		UNION SELECT f.person_id FROM family_members f WHERE f.medical_worker_person_id = $1`, personID)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, model.Internal(err)
		}
		if id != personID {
			out = append(out, id)
		}
	}
	return out, rows.Err()
}

// household reads the family members that the given people registered, for
// the severity of a couple conflict.
func household(ctx context.Context, q queryer, people []int64) ([]deployrule.Member, error) {
	// unscoped: read for the severity flag only, never shown.
	var a args
	ph := make([]string, len(people))
	for i, p := range people {
		ph[i] = a.add(p)
	}
	rows, err := q.QueryContext(ctx, `SELECT f.relation, f.birth_date, f.lives_with, f.care_needs, COALESCE(f.medical_worker_person_id, 0)
		FROM family_members f WHERE f.person_id IN (`+strings.Join(ph, ", ")+`)`, a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	var out []deployrule.Member
	for rows.Next() {
		var m deployrule.Member
		var care string
		if err := rows.Scan(&m.Relation, &m.BirthDate, &m.LivesWith, &care, &m.MedicalWorker); err != nil {
			return nil, model.Internal(err)
		}
		m.CareNeeds = splitCare(care)
		out = append(out, m)
	}
	return out, rows.Err()
}

// target is what a planned deployment is checked and written with.
type target struct {
	personID      int64
	personRegion  string
	institutionID int64
	tier          int
	aid           bool
	quarantine    int
	span          deployrule.Span
}

// planTarget resolves the person (ENotFound out of scope), the post or batch
// (EInvalid when unknown, out of scope or closed) and the dates.
func (s *Store) planTarget(ctx context.Context, tx queryer, pr *auth.Principal, in *model.DeploymentInput) (target, error) {
	var t target
	var a args
	err := tx.QueryRowContext(ctx, "SELECT p.id, p.region_code, p.institution_id FROM people p WHERE p.id = "+a.add(*in.PersonID)+" AND "+scopeOf(pr).on("people", "p", &a), a...).
		Scan(&t.personID, &t.personRegion, &t.institutionID)
	if err == sql.ErrNoRows {
		return t, model.NotFound("person")
	}
	if err != nil {
		return t, model.Internal(err)
	}
	fe := model.FieldErrors{}
	switch {
	case in.PostID != nil:
		a = nil
		var active bool
		err := tx.QueryRowContext(ctx, "SELECT fp.tier, fp.active FROM frontline_posts fp WHERE fp.id = "+a.add(*in.PostID)+" AND "+scopeOf(pr).on("frontline_posts", "fp", &a), a...).Scan(&t.tier, &active)
		switch {
		case err == sql.ErrNoRows:
			fe.Add("post_id", "post.unknown")
		case err != nil:
			return t, model.Internal(err)
		case !active:
			fe.Add("post_id", "post.inactive")
		}
	default:
		a = nil
		var departs, returns string
		err := tx.QueryRowContext(ctx, "SELECT b.tier, b.quarantine_days, b.departs_on, b.returns_on FROM aid_batches b WHERE b.id = "+a.add(*in.BatchID)+" AND "+
			scopeOf(pr).on("aid_batches", "b", &a), a...).Scan(&t.tier, &t.quarantine, &departs, &returns)
		switch {
		case err == sql.ErrNoRows:
			fe.Add("batch_id", "batch.unknown")
		case err != nil:
			return t, model.Internal(err)
		default:
			t.aid = true
			if in.StartsOn == "" && in.EndsOn == "" {
				in.StartsOn, in.EndsOn = departs, returns
				in.CheckDates(fe)
			}
		}
	}
	if err := fe.Err(); err != nil {
		return t, err
	}
	t.span = deployrule.Span{Start: deployrule.MustDay(in.StartsOn), End: deployrule.MustDay(in.EndsOn)}
	return t, nil
}

// ref names a deployment in a refusal; names only in the caller's scope.
func ref(pr *auth.Principal, kind string, r ruleRow) model.ConflictRef {
	c := model.ConflictRef{Kind: kind, DeploymentID: r.dep.ID, PersonID: r.dep.PersonID, StartsOn: r.dep.Span.Start.String(),
		EndsOn: r.dep.Span.End.String(), Tier: r.dep.Tier}
	if scopeOf(pr).hasPerson(r.dep.PersonID, r.institutionID, r.regionCode) {
		c.PersonName, c.PlaceName = r.personName, r.placeName
	}
	return c
}

// lockHousehold makes concurrent plans for the same person or their linked
// relatives wait for each other on PostgreSQL (SQLite has one writer).
func (s *Store) lockHousehold(ctx context.Context, tx queryer, people []int64) error {
	if s.engine != Postgres {
		return nil
	}
	// unscoped: row locks only, nothing is read.
	var a args
	ph := make([]string, len(people))
	for i, p := range people {
		ph[i] = a.add(p)
	}
	rows, err := tx.QueryContext(ctx, "SELECT id FROM people WHERE id IN ("+strings.Join(ph, ", ")+") ORDER BY id FOR UPDATE", a...)
	if err != nil {
		return model.Internal(err)
	}
	return rows.Close()
}

// ruleCheck is what the couple and rest rules found for a planned deployment.
type ruleCheck struct {
	overlap []model.ConflictRef
	couple  []model.ConflictRef
	rest    []model.ConflictRef
}

// checkRules applies the rules to a planned deployment of t inside tx.
func (s *Store) checkRules(ctx context.Context, tx queryer, pr *auth.Principal, t target) (ruleCheck, error) {
	var rc ruleCheck
	relatives, err := linkedWorkers(ctx, tx, t.personID)
	if err != nil {
		return rc, err
	}
	if err := s.lockHousehold(ctx, tx, append([]int64{t.personID}, relatives...)); err != nil {
		return rc, err
	}
	own, err := ruleRows(ctx, tx, []int64{t.personID}, t.span.Start-ruleWindow, t.span.End+ruleWindow)
	if err != nil {
		return rc, err
	}
	var existing []deployrule.Deployment
	for _, r := range own {
		if deployrule.Overlaps(r.dep.Span, t.span) {
			rc.overlap = append(rc.overlap, ref(pr, model.ConflictSelf, r))
		}
		existing = append(existing, r.dep)
	}
	if len(rc.overlap) > 0 {
		return rc, nil
	}
	pol, err := deployPolicy(ctx, tx, t.personRegion)
	if err != nil {
		return rc, err
	}
	d := deployrule.Deployment{PersonID: t.personID, Span: t.span, Tier: t.tier, Aid: t.aid, QuarantineDays: t.quarantine}
	if f, ok := deployrule.CheckRest(pol, existing, d); ok {
		c := model.ConflictRef{Kind: model.ConflictRest, RestKind: f.Kind, Days: f.Days, Limit: f.Limit, RestUntil: f.RestUntil.String(), PersonID: t.personID}
		for _, r := range own {
			if r.dep.ID == f.Other {
				c = ref(pr, model.ConflictRest, r)
				c.RestKind, c.Days, c.Limit, c.RestUntil = f.Kind, f.Days, f.Limit, f.RestUntil.String()
			}
		}
		rc.rest = append(rc.rest, c)
	}
	rel, err := ruleRows(ctx, tx, relatives, t.span.Start, t.span.End)
	if err != nil {
		return rc, err
	}
	if len(rel) > 0 {
		for _, r := range rel {
			members, err := household(ctx, tx, []int64{t.personID, r.dep.PersonID})
			if err != nil {
				return rc, err
			}
			c := ref(pr, model.ConflictCouple, r)
			c.Severe = deployrule.Severe(members, []int64{t.personID, r.dep.PersonID}, t.span.Start)
			rc.couple = append(rc.couple, c)
		}
	}
	return rc, nil
}

// refusal is the 409 of a plan a rule refuses.
func (rc ruleCheck) refusal() error {
	switch {
	case len(rc.overlap) > 0:
		return &model.Error{Code: model.EConflict, Msg: model.M("deploy.overlap", rc.overlap[0].StartsOn, rc.overlap[0].EndsOn), Conflicts: rc.overlap}
	case len(rc.couple) > 0:
		return &model.Error{Code: model.ECoupleConflict, Msg: model.M("deploy.couple_conflict"), Conflicts: append(append([]model.ConflictRef{}, rc.couple...), rc.rest...)}
	case len(rc.rest) > 0:
		return &model.Error{Code: model.ERestRequired, Msg: model.M("deploy.rest_required", rc.rest[0].RestUntil), Conflicts: rc.rest}
	}
	return nil
}

// CreateDeployment plans a deployment of a person in scope at a post or in a
// batch. Inside the write transaction the couple rule (a linked
// medical-worker relative deployed at overlapping dates) and the rest rule
// (deployrule.CheckRest, with the person's region's settings) are checked; a
// breach answers 409 couple_conflict or rest_required naming the other
// deployments in error.conflicts, unless an account with deploy.override
// gives a written reason: then the deployment is written with each conflict
// kept (and marked severe when the household is left without care).
// Returns ENotFound for a person out of scope, EInvalid, EForbidden for an
// override reason without deploy.override, EConflict when the person is
// deployed already at overlapping dates (never overridden).
func (s *Store) CreateDeployment(ctx context.Context, in model.DeploymentInput) (_ model.Deployment, err error) {
	defer wrap(&err, "CreateDeployment()")
	pr, err := principal(ctx, auth.PermDeployPlan)
	if err != nil {
		return model.Deployment{}, err
	}
	fe := in.Normalize()
	if in.OverrideReason != "" && !pr.Can(auth.PermDeployOverride) {
		return model.Deployment{}, model.Errorf(model.EForbidden, "deploy.override_forbidden")
	}
	if err := fe.Err(); err != nil {
		return model.Deployment{}, err
	}
	var id int64
	err = s.tx(ctx, func(tx *sql.Tx) error {
		t, err := s.planTarget(ctx, tx, pr, &in)
		if err != nil {
			return err
		}
		rc, err := s.checkRules(ctx, tx, pr, t)
		if err != nil {
			return err
		}
		broken := len(rc.couple) + len(rc.rest)
		if len(rc.overlap) > 0 || broken > 0 && in.OverrideReason == "" {
			return rc.refusal()
		}
		reason := ""
		if broken > 0 {
			reason = in.OverrideReason
		}
		var by sql.NullInt64
		if pr.UserID != 0 {
			by = sql.NullInt64{Int64: pr.UserID, Valid: true}
		}
		now := ms(s.now())
		if err := tx.QueryRowContext(ctx, `INSERT INTO deployments (person_id, region_code, institution_id, post_id, batch_id, tier, starts_on, ends_on,
			shift_hours, role, status, override_reason, created_by, created_by_name, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id`,
			t.personID, t.personRegion, t.institutionID, in.PostID, in.BatchID, t.tier, in.StartsOn, in.EndsOn, *in.ShiftHours, in.Role,
			model.DeploymentPlanned, reason, by, pr.Username, now).Scan(&id); err != nil {
			return model.Internal(err)
		}
		for _, c := range append(append([]model.ConflictRef{}, rc.couple...), rc.rest...) {
			var other sql.NullInt64
			if c.DeploymentID != 0 {
				other = sql.NullInt64{Int64: c.DeploymentID, Valid: true}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO deployment_conflicts (deployment_id, other_deployment_id, region_code, kind, severe, reason, decided_by, decided_by_name, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, id, other, t.personRegion, c.Kind, c.Severe, reason, by, pr.Username, now); err != nil {
				return model.Internal(err)
			}
		}
		detail := "person=" + strconv.FormatInt(t.personID, 10) + " tier=" + strconv.Itoa(t.tier) + " from=" + in.StartsOn + " to=" + in.EndsOn
		if broken > 0 {
			detail += " override=" + strconv.Itoa(broken)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActDeploymentCreate, ObjectType: "deployment", ObjectID: strconv.FormatInt(id, 10), Detail: detail})
	})
	if err != nil {
		return model.Deployment{}, err
	}
	return s.getDeployment(ctx, s.write, pr, id)
}

const deploymentColumns = `d.id, d.person_id, p.name, p.occupation, d.region_code, d.institution_id, i.name, d.post_id, COALESCE(fp.name, ''), COALESCE(fp.kind, ''),
	d.batch_id, COALESCE(b.name, ''), d.role, d.tier, d.starts_on, d.ends_on, d.shift_hours, d.status, d.override_reason, d.created_by_name, d.version, d.created_at, d.updated_at`

const deploymentFrom = ` FROM deployments d JOIN people p ON p.id = d.person_id JOIN institutions i ON i.id = d.institution_id
	LEFT JOIN frontline_posts fp ON fp.id = d.post_id LEFT JOIN aid_batches b ON b.id = d.batch_id `

func scanDeployment(row interface{ Scan(...any) error }) (model.Deployment, error) {
	var d model.Deployment
	var post, batch sql.NullInt64
	var created, updated int64
	if err := row.Scan(&d.ID, &d.PersonID, &d.PersonName, &d.Occupation, &d.RegionCode, &d.InstitutionID, &d.InstitutionName, &post, &d.PostName, &d.PostKind,
		&batch, &d.BatchName, &d.Role, &d.Tier, &d.StartsOn, &d.EndsOn, &d.ShiftHours, &d.Status, &d.OverrideReason, &d.CreatedByName, &d.Version, &created, &updated); err != nil {
		return d, err
	}
	if post.Valid {
		d.PostID = &post.Int64
	}
	if batch.Valid {
		d.BatchID = &batch.Int64
	}
	d.CreatedAt, d.UpdatedAt = fromMS(created), fromMS(updated)
	return d, nil
}

func (s *Store) getDeployment(ctx context.Context, q queryer, pr *auth.Principal, id int64) (model.Deployment, error) {
	var a args
	d, err := scanDeployment(q.QueryRowContext(ctx, "SELECT "+deploymentColumns+deploymentFrom+"WHERE d.id = "+a.add(id)+" AND "+scopeOf(pr).on("deployments", "d", &a), a...))
	if err == sql.ErrNoRows {
		return d, model.NotFound("deployment")
	}
	if err != nil {
		return d, model.Internal(err)
	}
	var b args
	list, err := s.conflicts(ctx, q, pr, "c.deployment_id = "+b.add(id), &b, model.Page{Limit: 50})
	if err != nil {
		return d, err
	}
	d.Conflicts = list
	return d, nil
}

// GetDeployment returns a deployment in scope with the conflicts it was
// planned against; the read is audited. Returns ENotFound.
func (s *Store) GetDeployment(ctx context.Context, id int64) (_ model.Deployment, err error) {
	defer wrap(&err, "GetDeployment(%d)", id)
	pr, err := deployReader(ctx)
	if err != nil {
		return model.Deployment{}, err
	}
	d, err := s.getDeployment(ctx, s.read, pr, id)
	return d, s.auditRead(ctx, pr, err, ActDeploymentRead, "deployment", id, "")
}

// deploymentWhere is the condition of a deployment filter on alias d (and p).
func deploymentWhere(pr *auth.Principal, f model.DeploymentFilter, a *args) string {
	cond := []string{scopeOf(pr).on("deployments", "d", a)}
	switch f.Status {
	case "":
		cond = append(cond, "d.status <> 'cancelled'")
	case "all":
	default:
		cond = append(cond, "d.status = "+a.add(f.Status))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		p := a.add(likePattern(q))
		cond = append(cond, "(p.name LIKE "+p+` ESCAPE '\' OR fp.name LIKE `+p+` ESCAPE '\' OR b.name LIKE `+p+` ESCAPE '\')`)
	}
	if f.ActiveOn != "" {
		p := a.add(f.ActiveOn)
		cond = append(cond, "d.starts_on <= "+p+" AND d.ends_on >= "+p)
	}
	if f.From != "" {
		cond = append(cond, "d.ends_on >= "+a.add(f.From))
	}
	if f.To != "" {
		cond = append(cond, "d.starts_on <= "+a.add(f.To))
	}
	if f.PersonID != 0 {
		cond = append(cond, "d.person_id = "+a.add(f.PersonID))
	}
	if f.PostID != 0 {
		cond = append(cond, "d.post_id = "+a.add(f.PostID))
	}
	if f.BatchID != 0 {
		cond = append(cond, "d.batch_id = "+a.add(f.BatchID))
	}
	if f.InstitutionID != 0 {
		cond = append(cond, "d.institution_id = "+a.add(f.InstitutionID))
	}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("d.region_code", f.RegionCode, a))
	}
	if f.Tier != 0 {
		cond = append(cond, "d.tier = "+a.add(f.Tier))
	}
	return strings.Join(cond, " AND ")
}

// ListDeployments returns the deployments in scope, latest start first; the
// read is audited.
func (s *Store) ListDeployments(ctx context.Context, f model.DeploymentFilter) (_ model.List[model.Deployment], err error) {
	defer wrap(&err, "ListDeployments()")
	out := model.List[model.Deployment]{Items: []model.Deployment{}}
	pr, err := deployReader(ctx)
	if err != nil {
		return out, err
	}
	page := clampPageFor(ctx, f.Page)
	var a args
	where := deploymentWhere(pr, f, &a)
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+deploymentFrom+"WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+deploymentColumns+deploymentFrom+"WHERE "+where+" ORDER BY d.starts_on DESC, d.id DESC LIMIT "+
		a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		d, err := scanDeployment(rows)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, d)
	}
	if err := rows.Err(); err != nil {
		return out, model.Internal(err)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	var d readDetail
	d.add("active_on", f.ActiveOn)
	d.add("from", f.From)
	d.add("to", f.To)
	d.add("person", f.PersonID)
	d.add("post", f.PostID)
	d.add("batch", f.BatchID)
	d.add("institution", f.InstitutionID)
	d.add("region", f.RegionCode)
	d.add("tier", f.Tier)
	d.add("status", f.Status)
	d.set("q", f.Q)
	return out, s.auditList(ctx, pr, nil, ActDeploymentList, "deployment", d, len(out.Items), out.Total, page)
}

// CancelDeployment cancels a planned deployment in scope: it counts no days
// and conflicts with nothing from now on. Returns ENotFound, EConflict when
// it is cancelled already, EStaleVersion.
func (s *Store) CancelDeployment(ctx context.Context, id int64, version *int64) (_ model.Deployment, err error) {
	defer wrap(&err, "CancelDeployment(%d)", id)
	pr, err := principal(ctx, auth.PermDeployPlan)
	if err != nil {
		return model.Deployment{}, err
	}
	// unscoped: the row is read in scope first (404 otherwise); the update names it by id.
	err = s.tx(ctx, func(tx *sql.Tx) error {
		d, err := s.getDeployment(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if version != nil && *version != d.Version {
			return staleVersion()
		}
		if d.Status == model.DeploymentCancelled {
			return model.Errorf(model.EConflict, "deploy.cancelled_already")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE deployments SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3`,
			model.DeploymentCancelled, ms(s.now()), id); err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActDeploymentCancel, ObjectType: "deployment", ObjectID: strconv.FormatInt(id, 10),
			Detail: "person=" + strconv.FormatInt(d.PersonID, 10)})
	})
	if err != nil {
		return model.Deployment{}, err
	}
	return s.getDeployment(ctx, s.write, pr, id)
}

const conflictColumns = `c.id, c.kind, c.severe, c.region_code, c.deployment_id, d.person_id, p.name, d.starts_on, d.ends_on, d.status,
	c.other_deployment_id, COALESCE(od.person_id, 0), COALESCE(op.name, ''), COALESCE(op.institution_id, 0), COALESCE(op.region_code, ''),
	COALESCE(od.starts_on, ''), COALESCE(od.ends_on, ''), COALESCE(od.status, ''), c.reason, c.decided_by_name, c.created_at`

const conflictFrom = ` FROM deployment_conflicts c JOIN deployments d ON d.id = c.deployment_id JOIN people p ON p.id = d.person_id
	LEFT JOIN deployments od ON od.id = c.other_deployment_id LEFT JOIN people op ON op.id = od.person_id `

// conflicts reads stored conflicts matching cond (on alias c) in scope.
func (s *Store) conflicts(ctx context.Context, q queryer, pr *auth.Principal, cond string, a *args, page model.Page) ([]model.DeploymentConflict, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+conflictColumns+conflictFrom+"WHERE "+cond+" AND "+scopeOf(pr).on("deployment_conflicts", "c", a)+
		" ORDER BY c.id DESC LIMIT "+a.add(page.Limit)+" OFFSET "+a.add(page.Offset), *a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	out := []model.DeploymentConflict{}
	for rows.Next() {
		var c model.DeploymentConflict
		var other sql.NullInt64
		var status, otherStatus, otherRegion string
		var otherInst, created int64
		if err := rows.Scan(&c.ID, &c.Kind, &c.Severe, &c.RegionCode, &c.DeploymentID, &c.PersonID, &c.PersonName, &c.StartsOn, &c.EndsOn, &status,
			&other, &c.OtherPersonID, &c.OtherPersonName, &otherInst, &otherRegion, &c.OtherStartsOn, &c.OtherEndsOn, &otherStatus,
			&c.Reason, &c.DecidedByName, &created); err != nil {
			return nil, model.Internal(err)
		}
		if other.Valid {
			c.OtherID = &other.Int64
		}
		if !scopeOf(pr).hasPerson(c.OtherPersonID, otherInst, otherRegion) {
			c.OtherPersonName = ""
		}
		t := fromMS(created)
		c.CreatedAt = &t
		c.Status = model.ConflictOverridden
		if status == model.DeploymentCancelled || otherStatus == model.DeploymentCancelled {
			c.Status = model.ConflictResolved
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// openCouples finds the couple conflicts nobody decided: live deployments of
// linked medical-worker relatives that overlap, with no stored conflict
// between them (the family link was made after both were planned), among
// the deployments in scope not ended before from.
func (s *Store) openCouples(ctx context.Context, pr *auth.Principal, f model.ConflictFilter, from string) ([]model.DeploymentConflict, error) {
	var a args
	cond := scopeOf(pr).on("deployments", "d", &a)
	if f.RegionCode != "" {
		cond += " AND " + regionRange("d.region_code", f.RegionCode, &a)
	}
	if s.engine == SQLite {
		// What has not ended yet is a small part of a city's history: read it
		// by deployments_ends, not by the region's whole range ("+" keeps
		// SQLite's planner off the region index; PostgreSQL's estimates tell).
		cond = strings.ReplaceAll(cond, "d.region_code", "+d.region_code")
	}
	rows, err := s.read.QueryContext(ctx, `SELECT d.id, d.person_id, p.name, d.region_code, d.starts_on, d.ends_on, od.id, od.person_id, op.name, op.institution_id, op.region_code,
		od.starts_on, od.ends_on
		FROM deployments d CROSS JOIN family_members f CROSS JOIN deployments od JOIN people p ON p.id = d.person_id JOIN people op ON op.id = od.person_id
		WHERE `+cond+` AND d.status <> 'cancelled' AND d.ends_on >= `+a.add(from)+`
		AND f.person_id = d.person_id AND f.medical_worker_person_id IS NOT NULL
		AND od.person_id = f.medical_worker_person_id AND od.status <> 'cancelled' AND od.starts_on <= d.ends_on AND od.ends_on >= d.starts_on
		AND NOT EXISTS (SELECT 1 FROM deployment_conflicts c WHERE c.kind = 'couple' AND (c.deployment_id = d.id AND c.other_deployment_id = od.id OR c.deployment_id = od.id AND c.other_deployment_id = d.id))
		ORDER BY d.starts_on DESC, d.id DESC LIMIT 1000`, a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	var out []model.DeploymentConflict
	seen := map[[2]int64]bool{}
	for rows.Next() {
		var c model.DeploymentConflict
		var other, otherInst int64
		var otherRegion string
		if err := rows.Scan(&c.DeploymentID, &c.PersonID, &c.PersonName, &c.RegionCode, &c.StartsOn, &c.EndsOn, &other, &c.OtherPersonID, &c.OtherPersonName,
			&otherInst, &otherRegion, &c.OtherStartsOn, &c.OtherEndsOn); err != nil {
			return nil, model.Internal(err)
		}
		key := [2]int64{min(c.DeploymentID, other), max(c.DeploymentID, other)}
		if seen[key] {
			continue // the pair is found from both sides when both are in scope
		}
		seen[key] = true
		c.OtherID = &other
		c.Kind, c.Status = model.ConflictCouple, model.ConflictOpen
		if !scopeOf(pr).hasPerson(c.OtherPersonID, otherInst, otherRegion) {
			c.OtherPersonName = ""
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ListConflicts returns the conflicts in scope: open couple conflicts (found
// now between live deployments not ended before f.From, default today) and
// the stored ones, overridden with their reasons or resolved since by a
// cancellation, newest first. The read is audited.
func (s *Store) ListConflicts(ctx context.Context, f model.ConflictFilter) (_ model.List[model.DeploymentConflict], err error) {
	defer wrap(&err, "ListConflicts()")
	out := model.List[model.DeploymentConflict]{Items: []model.DeploymentConflict{}}
	pr, err := deployReader(ctx)
	if err != nil {
		return out, err
	}
	page := clampPageFor(ctx, f.Page)
	from := f.From
	if from == "" {
		from = s.today()
	}
	var all []model.DeploymentConflict
	if (f.Status == "" || f.Status == model.ConflictOpen) && (f.Kind == "" || f.Kind == model.ConflictCouple) {
		open, err := s.openCouples(ctx, pr, f, from)
		if err != nil {
			return out, err
		}
		if err := s.markSevere(ctx, open); err != nil {
			return out, err
		}
		all = append(all, open...)
	}
	if f.Status != model.ConflictOpen {
		var a args
		cond := "d.ends_on >= " + a.add(from)
		if f.Kind != "" {
			cond += " AND c.kind = " + a.add(f.Kind)
		}
		if f.RegionCode != "" {
			cond += " AND " + regionRange("c.region_code", f.RegionCode, &a)
		}
		stored, err := s.conflicts(ctx, s.read, pr, cond, &a, model.Page{Limit: 1000})
		if err != nil {
			return out, err
		}
		for _, c := range stored {
			if f.Status == "" || f.Status == c.Status {
				all = append(all, c)
			}
		}
	}
	if f.Severe != nil {
		kept := all[:0]
		for _, c := range all {
			if c.Severe == *f.Severe {
				kept = append(kept, c)
			}
		}
		all = kept
	}
	// Open first, then severe, then the latest start.
	rank := map[string]int{model.ConflictOpen: 0, model.ConflictOverridden: 1, model.ConflictResolved: 2}
	sort.SliceStable(all, func(i, j int) bool {
		if rank[all[i].Status] != rank[all[j].Status] {
			return rank[all[i].Status] < rank[all[j].Status]
		}
		if all[i].Severe != all[j].Severe {
			return all[i].Severe
		}
		return all[i].StartsOn > all[j].StartsOn
	})
	out.Total = len(all)
	if page.Offset < len(all) {
		all = all[page.Offset:]
		if len(all) > page.Limit {
			all = all[:page.Limit]
		}
		out.Items = all
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	var d readDetail
	d.add("status", f.Status)
	d.add("kind", f.Kind)
	d.add("severe", f.Severe)
	d.add("region", f.RegionCode)
	d.add("from", f.From)
	return out, s.auditList(ctx, pr, nil, ActConflictList, "deployment_conflict", d, len(out.Items), out.Total, page)
}

// ActDeploymentExport is the one audit row of an export of the deployment
// list or the days report (report/deployments.go).
const (
	ActDeploymentExport = "export.deployments"
	ActDaysExport       = "export.deployment_days"
)

// markSevere sets the severity of open couple conflicts, reading the
// households of all their people at once.
func (s *Store) markSevere(ctx context.Context, open []model.DeploymentConflict) error {
	// unscoped: read for the severity flag only, never shown.
	for i := 0; i < len(open); i += 400 {
		part := open[i:min(i+400, len(open))]
		var a args
		var ph []string
		for _, c := range part {
			ph = append(ph, a.add(c.PersonID), a.add(c.OtherPersonID))
		}
		rows, err := s.read.QueryContext(ctx, `SELECT f.person_id, f.relation, f.birth_date, f.lives_with, f.care_needs, COALESCE(f.medical_worker_person_id, 0)
			FROM family_members f WHERE f.person_id IN (`+strings.Join(ph, ", ")+`)`, a...)
		if err != nil {
			return model.Internal(err)
		}
		by := map[int64][]deployrule.Member{}
		for rows.Next() {
			var pid int64
			var m deployrule.Member
			var care string
			if err := rows.Scan(&pid, &m.Relation, &m.BirthDate, &m.LivesWith, &care, &m.MedicalWorker); err != nil {
				rows.Close()
				return model.Internal(err)
			}
			m.CareNeeds = splitCare(care)
			by[pid] = append(by[pid], m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return model.Internal(err)
		}
		for j := range part {
			c := &part[j]
			members := append(append([]deployrule.Member{}, by[c.PersonID]...), by[c.OtherPersonID]...)
			c.Severe = deployrule.Severe(members, []int64{c.PersonID, c.OtherPersonID}, deployrule.MustDay(c.StartsOn))
		}
	}
	return nil
}
