package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"houdun/internal/auth"
	"houdun/internal/letters"
	"houdun/internal/model"
)

// Audit actions of commendations.
const (
	ActCommendationNominate = "commendation.nominate"
	ActCommendationApprove  = "commendation.approve"
	ActCommendationReject   = "commendation.reject"
	ActCommendationList     = "commendation.list"
	ActCommendationRead     = "commendation.read"
)

// commendationPrincipal may see commendations: an institution that
// nominates (its own people) or a team that reviews (its region).
func commendationPrincipal(ctx context.Context) (*auth.Principal, error) {
	pr, err := principal(ctx, auth.PermCommendationReview)
	if model.ErrorCode(err) == model.EForbidden {
		return principal(ctx, auth.PermCommendationNominate)
	}
	return pr, err
}

// regionTeam: an account scoped to a region (or the whole country), not to
// an institution or a person.
func regionTeam(pr *auth.Principal) bool {
	return pr.System || (pr.InstitutionID == 0 && pr.PersonID == 0 && pr.UserID != 0)
}

const commendationColumns = `c.id, c.person_id, p.name, p.occupation, p.department, c.institution_id, i.name, c.region_code, c.level, c.deed, c.deed_on,
	c.status, c.reason, c.nominated_by, c.nominated_by_name, c.decided_by_name, c.decided_at, c.version, c.created_at, c.updated_at`

const commendationFrom = ` FROM commendations c JOIN people p ON p.id = c.person_id JOIN institutions i ON i.id = c.institution_id `

func scanCommendation(pr *auth.Principal, row interface{ Scan(...any) error }) (model.Commendation, error) {
	var c model.Commendation
	var by sql.NullInt64
	var decided, created, updated int64
	err := row.Scan(&c.ID, &c.PersonID, &c.PersonName, &c.Occupation, &c.Department, &c.InstitutionID, &c.InstitutionName, &c.RegionCode, &c.Level,
		&c.Deed, &c.DeedOn, &c.Status, &c.Reason, &by, &c.NominatedByName, &c.DecidedByName, &decided, &c.Version, &created, &updated)
	c.DecidedAt, c.CreatedAt, c.UpdatedAt = optTime(decided), fromMS(created), fromMS(updated)
	c.CanDecide = (pr.System || pr.Can(auth.PermCommendationReview)) && letters.MayDecideCommendation(c.Status, pr.UserID, by.Int64, regionTeam(pr))
	return c, err
}

// NominateCommendation nominates a person of the caller's institution (or
// scope) for a deed at a level. The same deed of the same person is
// nominated once while a nomination of it stands (a rejected one may be
// made again). Returns EInvalid (person_id, level, deed, deed_on),
// EConflict (commendation.same_deed).
func (s *Store) NominateCommendation(ctx context.Context, in model.CommendationInput) (_ model.Commendation, err error) {
	defer wrap(&err, "NominateCommendation()")
	pr, err := principal(ctx, auth.PermCommendationNominate)
	if err != nil {
		return model.Commendation{}, err
	}
	fe := model.FieldErrors{}
	if !model.Contains(model.CommendationLevels, in.Level) {
		fe.Add("level", "field.choice")
	}
	in.Deed = strings.TrimSpace(in.Deed)
	switch n := utf8.RuneCountInString(in.Deed); {
	case n == 0:
		fe.Add("deed", "field.required")
	case n > letters.MaxDeed:
		fe.Add("deed", "field.too_long", letters.MaxDeed)
	}
	key := letters.DeedKey(in.Deed)
	if key == "" && in.Deed != "" {
		fe.Add("deed", "field.required")
	}
	if in.DeedOn = strings.TrimSpace(in.DeedOn); in.DeedOn != "" {
		if d, perr := time.Parse(time.DateOnly, in.DeedOn); perr != nil || d.After(s.now()) {
			fe.Add("deed_on", "field.date")
		}
	}
	if in.PersonID <= 0 {
		fe.Add("person_id", "field.required")
	}
	if len(fe) > 0 {
		return model.Commendation{}, fe.Err()
	}
	var out model.Commendation
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var a args
		var regionCode string
		var institutionID int64
		err := tx.QueryRowContext(ctx, "SELECT p.region_code, p.institution_id FROM people p WHERE p.id = "+a.add(in.PersonID)+" AND "+scopeOf(pr).on("people", "p", &a), a...).
			Scan(&regionCode, &institutionID)
		if err == sql.ErrNoRows {
			return model.FieldErrors{"person_id": model.M("commendation.person_unknown")}.Err()
		}
		if err != nil {
			return model.Internal(err)
		}
		var by sql.NullInt64
		if pr.UserID != 0 {
			by = sql.NullInt64{Int64: pr.UserID, Valid: true}
		}
		now := ms(s.now())
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO commendations (person_id, region_code, institution_id, level, deed, deed_key, deed_on, status,
			nominated_by, nominated_by_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
			in.PersonID, regionCode, institutionID, in.Level, in.Deed, key, in.DeedOn, model.CommendationNominated, by, pr.Username, now).Scan(&id)
		if isUniqueViolation(err) {
			return model.Errorf(model.EConflict, "commendation.same_deed")
		}
		if err != nil {
			return model.Internal(err)
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActCommendationNominate, ObjectType: "commendation", ObjectID: strconv.FormatInt(id, 10),
			Detail: "person=" + strconv.FormatInt(in.PersonID, 10) + " level=" + in.Level}); err != nil {
			return err
		}
		out, err = s.getCommendation(ctx, tx, pr, id)
		return err
	})
	return out, err
}

func (s *Store) getCommendation(ctx context.Context, q queryer, pr *auth.Principal, id int64) (model.Commendation, error) {
	var a args
	c, err := scanCommendation(pr, q.QueryRowContext(ctx, "SELECT "+commendationColumns+commendationFrom+"WHERE c.id = "+a.add(id)+" AND "+
		scopeOf(pr).on("commendations", "c", &a), a...))
	if err == sql.ErrNoRows {
		return c, model.NotFound("commendation")
	}
	if err != nil {
		return c, model.Internal(err)
	}
	return c, nil
}

// GetCommendation returns one commendation in the caller's scope.
func (s *Store) GetCommendation(ctx context.Context, id int64) (_ model.Commendation, err error) {
	defer wrap(&err, "GetCommendation(%d)", id)
	pr, err := commendationPrincipal(ctx)
	if err != nil {
		return model.Commendation{}, err
	}
	c, err := s.getCommendation(ctx, s.read, pr, id)
	return c, s.auditRead(ctx, pr, err, ActCommendationRead, "commendation", id, "")
}

// ListCommendations returns the commendations in the caller's scope
// matching f: nominations waiting first, then newest.
func (s *Store) ListCommendations(ctx context.Context, f model.CommendationFilter) (_ model.List[model.Commendation], err error) {
	defer wrap(&err, "ListCommendations()")
	out := model.List[model.Commendation]{Items: []model.Commendation{}}
	pr, err := commendationPrincipal(ctx)
	if err != nil {
		return out, err
	}
	p := clampPageFor(ctx, f.Page)
	out.Limit, out.Offset = p.Limit, p.Offset
	var a args
	cond := []string{scopeOf(pr).on("commendations", "c", &a)}
	if f.Status != "" {
		cond = append(cond, "c.status = "+a.add(f.Status))
	}
	if f.Level != "" {
		cond = append(cond, "c.level = "+a.add(f.Level))
	}
	if f.InstitutionID != 0 {
		cond = append(cond, "c.institution_id = "+a.add(f.InstitutionID))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		pat := a.add(likePattern(q))
		cond = append(cond, "(p.name LIKE "+pat+` ESCAPE '\' OR c.deed LIKE `+pat+` ESCAPE '\')`)
	}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("c.region_code", f.RegionCode, &a))
	}
	where := strings.Join(cond, " AND ")
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+commendationFrom+"WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+commendationColumns+commendationFrom+"WHERE "+where+
		" ORDER BY CASE WHEN c.status = 'nominated' THEN 0 ELSE 1 END, c.id DESC LIMIT "+a.add(p.Limit)+" OFFSET "+a.add(p.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCommendation(pr, rows)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, c)
	}
	if err := rows.Err(); err != nil {
		return out, model.Internal(err)
	}
	var d readDetail
	d.add("status", f.Status)
	d.add("level", f.Level)
	d.add("institution", f.InstitutionID)
	d.add("region", f.RegionCode)
	d.set("q", f.Q)
	return out, s.auditList(ctx, pr, nil, ActCommendationList, "commendation", d, len(out.Items), out.Total, p)
}

// DecideCommendation approves or rejects a nomination in the caller's
// region; a rejection needs a reason. Nobody decides their own nomination.
// Returns ENotFound, EForbidden (commendation.not_yours), EInvalid (reason),
// EConflict (decided already, stale version).
func (s *Store) DecideCommendation(ctx context.Context, id int64, approve bool, d model.CommendationDecision) (_ model.Commendation, err error) {
	defer wrap(&err, "DecideCommendation(%d)", id)
	pr, err := principal(ctx, auth.PermCommendationReview)
	if err != nil {
		return model.Commendation{}, err
	}
	d.Reason = strings.TrimSpace(d.Reason)
	status, action := model.CommendationApproved, ActCommendationApprove
	if !approve {
		status, action = model.CommendationRejected, ActCommendationReject
		if d.Reason == "" {
			return model.Commendation{}, model.FieldErrors{"reason": model.M("field.required")}.Err()
		}
	}
	if utf8.RuneCountInString(d.Reason) > letters.MaxReason {
		return model.Commendation{}, model.FieldErrors{"reason": model.M("field.too_long", letters.MaxReason)}.Err()
	}
	var out model.Commendation
	err = s.tx(ctx, func(tx *sql.Tx) error {
		// unscoped: the update names the id that getCommendation found in scope.
		c, err := s.getCommendation(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if c.Status != model.CommendationNominated {
			return model.Errorf(model.EConflict, "commendation.decided")
		}
		if !c.CanDecide {
			return model.Errorf(model.EForbidden, "commendation.not_yours")
		}
		if d.Version != nil && *d.Version != c.Version {
			return staleVersion()
		}
		var by sql.NullInt64
		if pr.UserID != 0 {
			by = sql.NullInt64{Int64: pr.UserID, Valid: true}
		}
		now := ms(s.now())
		res, err := tx.ExecContext(ctx, `UPDATE commendations SET status = $1, reason = $2, decided_by = $3, decided_by_name = $4, decided_at = $5,
			version = version + 1, updated_at = $5 WHERE id = $6 AND version = $7`, status, d.Reason, by, pr.Username, now, id, c.Version)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: action, ObjectType: "commendation", ObjectID: strconv.FormatInt(id, 10),
			Detail: "person=" + strconv.FormatInt(c.PersonID, 10) + " level=" + c.Level}); err != nil {
			return err
		}
		out, err = s.getCommendation(ctx, tx, pr, id)
		return err
	})
	return out, err
}
