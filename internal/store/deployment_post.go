package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/deployrule"
	"houdun/internal/model"
	"houdun/internal/region"
)

// Audit actions of frontline posts and aid-team batches.
const (
	ActPostCreate  = "post.create"
	ActPostUpdate  = "post.update"
	ActBatchCreate = "batch.create"
	ActBatchUpdate = "batch.update"
)

// deployReader is a caller who may read the deployment area: planners,
// post and batch managers.
func deployReader(ctx context.Context) (*auth.Principal, error) {
	pr := auth.FromContext(ctx)
	if pr == nil {
		return nil, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	if pr.PasswordChangeRequired {
		return nil, errPasswordChange
	}
	if !pr.Can(auth.PermDeployRead) && !pr.Can(auth.PermPostManage) && !pr.Can(auth.PermBatchManage) {
		return nil, model.Errorf(model.EForbidden, "error.forbidden")
	}
	return pr, nil
}

// deployPolicy is the deployment policy in force for a region.
func deployPolicy(ctx context.Context, q queryer, code string) (deployrule.Policy, error) {
	eff, err := effectiveSettings(ctx, q, code)
	if err != nil {
		return deployrule.Policy{}, err
	}
	values := make(map[string]string, len(eff))
	for k, v := range eff {
		values[k] = v.Value
	}
	return deployrule.PolicyFrom(values), nil
}

// deployPolicies resolves the policy of many regions with one query each.
type deployPolicies struct {
	q  queryer
	by map[string]deployrule.Policy
}

func (c *deployPolicies) get(ctx context.Context, code string) (deployrule.Policy, error) {
	if p, ok := c.by[code]; ok {
		return p, nil
	}
	p, err := deployPolicy(ctx, c.q, code)
	if err != nil {
		return p, err
	}
	if c.by == nil {
		c.by = map[string]deployrule.Policy{}
	}
	c.by[code] = p
	return p, nil
}

func (s *Store) today() string { return deployrule.DayOf(s.now().In(chinaDay)).String() }

const postColumns = `fp.id, fp.name, fp.institution_id, i.name, fp.region_code, fp.kind, fp.tier, fp.active, fp.version, fp.created_at, fp.updated_at`

const postFrom = ` FROM frontline_posts fp JOIN institutions i ON i.id = fp.institution_id `

func scanPost(row interface{ Scan(...any) error }, extra ...any) (model.Post, error) {
	var p model.Post
	var created, updated int64
	dest := append([]any{&p.ID, &p.Name, &p.InstitutionID, &p.InstitutionName, &p.RegionCode, &p.Kind, &p.Tier, &p.Active, &p.Version, &created, &updated}, extra...)
	if err := row.Scan(dest...); err != nil {
		return p, err
	}
	p.CreatedAt, p.UpdatedAt = fromMS(created), fromMS(updated)
	return p, nil
}

// CreatePost defines a frontline post of an institution in the caller's scope.
// Returns EForbidden without deploy.post, EInvalid (an institution out of scope is institution_id unknown).
func (s *Store) CreatePost(ctx context.Context, in model.PostInput) (_ model.Post, err error) {
	defer wrap(&err, "CreatePost()")
	pr, err := principal(ctx, auth.PermPostManage)
	if err != nil {
		return model.Post{}, err
	}
	if err := in.Normalize(true).Err(); err != nil {
		return model.Post{}, err
	}
	active := true
	if in.Active != nil {
		active = *in.Active
	}
	var id int64
	err = s.tx(ctx, func(tx *sql.Tx) error {
		code, err := s.institutionRegion(ctx, tx, pr, *in.InstitutionID)
		if err != nil {
			return err
		}
		now := ms(s.now())
		if err := tx.QueryRowContext(ctx, `INSERT INTO frontline_posts (name, institution_id, region_code, kind, tier, active, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, *in.Name, *in.InstitutionID, code, *in.Kind, *in.Tier, active, now).Scan(&id); err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActPostCreate, ObjectType: "post", ObjectID: strconv.FormatInt(id, 10),
			Detail: "institution=" + strconv.FormatInt(*in.InstitutionID, 10) + " tier=" + strconv.Itoa(*in.Tier) + " kind=" + *in.Kind})
	})
	if err != nil {
		return model.Post{}, err
	}
	return s.getPost(ctx, s.write, pr, id)
}

func (s *Store) getPost(ctx context.Context, q queryer, pr *auth.Principal, id int64) (model.Post, error) {
	var a args
	var n int
	today := a.add(s.today())
	p, err := scanPost(q.QueryRowContext(ctx, "SELECT "+postColumns+`, (SELECT COUNT(*) FROM deployments d WHERE d.post_id = fp.id AND d.status = 'planned'
		AND d.starts_on <= `+today+" AND d.ends_on >= "+today+")"+postFrom+"WHERE fp.id = "+a.add(id)+" AND "+scopeOf(pr).on("frontline_posts", "fp", &a), a...), &n)
	if err == sql.ErrNoRows {
		return p, model.NotFound("post")
	}
	if err != nil {
		return p, model.Internal(err)
	}
	p.DeployedNow = n
	return p, nil
}

// GetPost returns a post in the caller's scope. Returns ENotFound.
func (s *Store) GetPost(ctx context.Context, id int64) (_ model.Post, err error) {
	defer wrap(&err, "GetPost(%d)", id)
	pr, err := deployReader(ctx)
	if err != nil {
		return model.Post{}, err
	}
	return s.getPost(ctx, s.read, pr, id)
}

// ListPosts returns the posts in the caller's scope by institution and name,
// each with the number of people deployed there today.
func (s *Store) ListPosts(ctx context.Context, f model.PostFilter) (_ model.List[model.Post], err error) {
	defer wrap(&err, "ListPosts()")
	out := model.List[model.Post]{Items: []model.Post{}}
	pr, err := deployReader(ctx)
	if err != nil {
		return out, err
	}
	page := clampPage(f.Page)
	var a args
	cond := []string{scopeOf(pr).on("frontline_posts", "fp", &a)}
	if q := strings.TrimSpace(f.Q); q != "" {
		p := a.add(likePattern(q))
		cond = append(cond, "(fp.name LIKE "+p+` ESCAPE '\' OR i.name LIKE `+p+` ESCAPE '\')`)
	}
	if f.InstitutionID != 0 {
		cond = append(cond, "fp.institution_id = "+a.add(f.InstitutionID))
	}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("fp.region_code", f.RegionCode, &a))
	}
	if f.Kind != "" {
		cond = append(cond, "fp.kind = "+a.add(f.Kind))
	}
	if f.Tier != 0 {
		cond = append(cond, "fp.tier = "+a.add(f.Tier))
	}
	if f.Active != nil {
		cond = append(cond, "fp.active = "+a.add(*f.Active))
	}
	where := strings.Join(cond, " AND ")
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+postFrom+"WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	today := a.add(s.today())
	q := "SELECT " + postColumns + `, (SELECT COUNT(*) FROM deployments d WHERE d.post_id = fp.id AND d.status = 'planned' AND d.starts_on <= ` + today +
		" AND d.ends_on >= " + today + ")" + postFrom + "WHERE " + where + " ORDER BY i.name, fp.name, fp.id LIMIT " + a.add(page.Limit) + " OFFSET " + a.add(page.Offset)
	rows, err := s.read.QueryContext(ctx, q, a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var p model.Post
		var n int
		if p, err = scanPost(rows, &n); err != nil {
			return out, model.Internal(err)
		}
		p.DeployedNow = n
		out.Items = append(out.Items, p)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, rows.Err()
}

// UpdatePost changes a post's name, kind, tier or whether it takes new
// deployments. Deployments planned already keep the tier they were planned
// with. Returns ENotFound, EInvalid, EStaleVersion.
func (s *Store) UpdatePost(ctx context.Context, id int64, in model.PostInput) (_ model.Post, err error) {
	defer wrap(&err, "UpdatePost(%d)", id)
	pr, err := principal(ctx, auth.PermPostManage)
	if err != nil {
		return model.Post{}, err
	}
	// unscoped: the row is read in scope first (404 otherwise); the update names it by id.
	err = s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.getPost(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if err := in.Normalize(false).Err(); err != nil {
			return err
		}
		if in.Version != nil && *in.Version != cur.Version {
			return staleVersion()
		}
		set(&cur.Name, in.Name)
		set(&cur.Kind, in.Kind)
		set(&cur.Tier, in.Tier)
		set(&cur.Active, in.Active)
		if _, err := tx.ExecContext(ctx, `UPDATE frontline_posts SET name = $1, kind = $2, tier = $3, active = $4, version = version + 1, updated_at = $5 WHERE id = $6`,
			cur.Name, cur.Kind, cur.Tier, cur.Active, ms(s.now()), id); err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActPostUpdate, ObjectType: "post", ObjectID: strconv.FormatInt(id, 10),
			Detail: "tier=" + strconv.Itoa(cur.Tier) + " active=" + strconv.FormatBool(cur.Active)})
	})
	if err != nil {
		return model.Post{}, err
	}
	return s.getPost(ctx, s.write, pr, id)
}

const batchColumns = `b.id, b.name, b.destination, b.region_code, b.leader_person_id, COALESCE(lp.name, ''), b.departs_on, b.returns_on,
	b.quarantine_days, b.tier, b.version, b.created_at, b.updated_at,
	(SELECT COUNT(*) FROM deployments d WHERE d.batch_id = b.id AND d.status = 'planned')`

const batchFrom = ` FROM aid_batches b LEFT JOIN people lp ON lp.id = b.leader_person_id `

func scanBatch(row interface{ Scan(...any) error }) (model.Batch, error) {
	var b model.Batch
	var leader sql.NullInt64
	var created, updated int64
	if err := row.Scan(&b.ID, &b.Name, &b.Destination, &b.RegionCode, &leader, &b.LeaderName, &b.DepartsOn, &b.ReturnsOn,
		&b.QuarantineDays, &b.Tier, &b.Version, &created, &updated, &b.Members); err != nil {
		return b, err
	}
	if leader.Valid {
		b.LeaderPersonID = &leader.Int64
	}
	b.CreatedAt, b.UpdatedAt = fromMS(created), fromMS(updated)
	return b, nil
}

// leaderInScope checks that the batch leader is a person in the caller's scope.
func (s *Store) leaderInScope(ctx context.Context, q queryer, pr *auth.Principal, id int64) error {
	var a args
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM people p WHERE p.id = "+a.add(id)+" AND "+scopeOf(pr).on("people", "p", &a), a...).Scan(&n); err != nil {
		return model.Internal(err)
	}
	if n == 0 {
		return model.FieldErrors{"leader_person_id": model.M("person.unknown")}.Err()
	}
	return nil
}

// CreateBatch creates an aid-team batch of a region in the caller's scope;
// without quarantine_days it takes the region's aid rest setting.
// Returns EForbidden without deploy.batch, EInvalid.
func (s *Store) CreateBatch(ctx context.Context, in model.BatchInput) (_ model.Batch, err error) {
	defer wrap(&err, "CreateBatch()")
	pr, err := principal(ctx, auth.PermBatchManage)
	if err != nil {
		return model.Batch{}, err
	}
	fe := in.Normalize(true, model.Batch{})
	var code string
	if in.RegionCode != nil {
		var ok bool
		if code, ok = region.Normalize(*in.RegionCode); !ok {
			fe.Add("region_code", "region.code_malformed", strings.TrimSpace(*in.RegionCode))
		} else if !scopeOf(pr).hasRegion(code) {
			fe.Add("region_code", "batch.region_scope")
		}
	}
	if err := fe.Err(); err != nil {
		return model.Batch{}, err
	}
	var id int64
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.regionExists(ctx, tx, code); err != nil {
			return model.FieldErrors{"region_code": model.M("region.unknown_code", code)}.Err()
		}
		if in.LeaderPersonID != nil {
			if err := s.leaderInScope(ctx, tx, pr, *in.LeaderPersonID); err != nil {
				return err
			}
		}
		pol, err := deployPolicy(ctx, tx, code)
		if err != nil {
			return err
		}
		q, tier := pol.AidRestDays, 1
		set(&q, in.QuarantineDays)
		set(&tier, in.Tier)
		now := ms(s.now())
		if err := tx.QueryRowContext(ctx, `INSERT INTO aid_batches (name, destination, region_code, leader_person_id, departs_on, returns_on, quarantine_days, tier, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`, *in.Name, *in.Destination, code, in.LeaderPersonID, *in.DepartsOn, *in.ReturnsOn, q, tier, now).Scan(&id); err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActBatchCreate, ObjectType: "batch", ObjectID: strconv.FormatInt(id, 10), Detail: "region=" + code})
	})
	if err != nil {
		return model.Batch{}, err
	}
	return s.getBatch(ctx, s.write, pr, id)
}

func (s *Store) getBatch(ctx context.Context, q queryer, pr *auth.Principal, id int64) (model.Batch, error) {
	var a args
	b, err := scanBatch(q.QueryRowContext(ctx, "SELECT "+batchColumns+batchFrom+"WHERE b.id = "+a.add(id)+" AND "+scopeOf(pr).on("aid_batches", "b", &a), a...))
	if err == sql.ErrNoRows {
		return b, model.NotFound("batch")
	}
	if err != nil {
		return b, model.Internal(err)
	}
	return b, nil
}

// GetBatch returns a batch in the caller's scope. Returns ENotFound.
func (s *Store) GetBatch(ctx context.Context, id int64) (_ model.Batch, err error) {
	defer wrap(&err, "GetBatch(%d)", id)
	pr, err := deployReader(ctx)
	if err != nil {
		return model.Batch{}, err
	}
	return s.getBatch(ctx, s.read, pr, id)
}

// ListBatches returns the batches in the caller's scope, latest departure first.
func (s *Store) ListBatches(ctx context.Context, f model.BatchFilter) (_ model.List[model.Batch], err error) {
	defer wrap(&err, "ListBatches()")
	out := model.List[model.Batch]{Items: []model.Batch{}}
	pr, err := deployReader(ctx)
	if err != nil {
		return out, err
	}
	page := clampPage(f.Page)
	var a args
	cond := []string{scopeOf(pr).on("aid_batches", "b", &a)}
	if q := strings.TrimSpace(f.Q); q != "" {
		p := a.add(likePattern(q))
		cond = append(cond, "(b.name LIKE "+p+` ESCAPE '\' OR b.destination LIKE `+p+` ESCAPE '\')`)
	}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("b.region_code", f.RegionCode, &a))
	}
	if f.ActiveOn != "" {
		p := a.add(f.ActiveOn)
		cond = append(cond, "b.departs_on <= "+p+" AND b.returns_on >= "+p)
	}
	where := strings.Join(cond, " AND ")
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM aid_batches b WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+batchColumns+batchFrom+"WHERE "+where+" ORDER BY b.departs_on DESC, b.id DESC LIMIT "+a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, b)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, rows.Err()
}

// UpdateBatch changes a batch; its members' deployments keep their dates.
// Returns ENotFound, EInvalid, EStaleVersion.
func (s *Store) UpdateBatch(ctx context.Context, id int64, in model.BatchInput) (_ model.Batch, err error) {
	defer wrap(&err, "UpdateBatch(%d)", id)
	pr, err := principal(ctx, auth.PermBatchManage)
	if err != nil {
		return model.Batch{}, err
	}
	// unscoped: the row is read in scope first (404 otherwise); the update names it by id.
	err = s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.getBatch(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if err := in.Normalize(false, cur).Err(); err != nil {
			return err
		}
		if in.Version != nil && *in.Version != cur.Version {
			return staleVersion()
		}
		if in.LeaderPersonID != nil {
			if err := s.leaderInScope(ctx, tx, pr, *in.LeaderPersonID); err != nil {
				return err
			}
			cur.LeaderPersonID = in.LeaderPersonID
		}
		set(&cur.Name, in.Name)
		set(&cur.Destination, in.Destination)
		set(&cur.DepartsOn, in.DepartsOn)
		set(&cur.ReturnsOn, in.ReturnsOn)
		set(&cur.QuarantineDays, in.QuarantineDays)
		set(&cur.Tier, in.Tier)
		if _, err := tx.ExecContext(ctx, `UPDATE aid_batches SET name = $1, destination = $2, leader_person_id = $3, departs_on = $4, returns_on = $5,
			quarantine_days = $6, tier = $7, version = version + 1, updated_at = $8 WHERE id = $9`,
			cur.Name, cur.Destination, cur.LeaderPersonID, cur.DepartsOn, cur.ReturnsOn, cur.QuarantineDays, cur.Tier, ms(s.now()), id); err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActBatchUpdate, ObjectType: "batch", ObjectID: strconv.FormatInt(id, 10)})
	})
	if err != nil {
		return model.Batch{}, err
	}
	return s.getBatch(ctx, s.write, pr, id)
}
