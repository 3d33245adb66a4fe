package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/ident"
	"houdun/internal/model"
)

const institutionColumns = `i.id, i.name, i.type, i.region_code, r.name, COALESCE(i.credit_code, ''), i.version, i.created_at, i.updated_at`

func scanInstitution(row interface{ Scan(...any) error }) (model.Institution, error) {
	var in model.Institution
	var created, updated int64
	err := row.Scan(&in.ID, &in.Name, &in.Type, &in.RegionCode, &in.RegionName, &in.CreditCode, &in.Version, &created, &updated)
	in.CreatedAt, in.UpdatedAt = fromMS(created), fromMS(updated)
	return in, err
}

// InstitutionFilter selects institutions.
type InstitutionFilter struct {
	Q          string
	Type       string
	RegionCode string
	Page       model.Page
}

// ListInstitutions returns the institutions in the caller's scope.
func (s *Store) ListInstitutions(ctx context.Context, f InstitutionFilter) (model.List[model.Institution], error) {
	out := model.List[model.Institution]{Items: []model.Institution{}}
	pr, err := principal(ctx, auth.PermInstitutionRead)
	if err != nil {
		return out, err
	}
	page := clampPage(f.Page)
	var a args
	cond := institutionScope(pr, "i", &a)
	if f.Q != "" {
		cond += " AND (i.name LIKE " + a.add(likePattern(f.Q)) + ` ESCAPE '\' OR i.credit_code = ` + a.add(strings.ToUpper(strings.TrimSpace(f.Q))) + ")"
	}
	if f.Type != "" {
		cond += " AND i.type = " + a.add(f.Type)
	}
	if f.RegionCode != "" {
		cond += " AND " + regionRange("i.region_code", f.RegionCode, &a)
	}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM institutions i WHERE "+cond, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	q := "SELECT " + institutionColumns + " FROM institutions i JOIN regions r ON r.code = i.region_code WHERE " + cond +
		" ORDER BY i.region_code, i.name LIMIT " + a.add(page.Limit) + " OFFSET " + a.add(page.Offset)
	rows, err := s.read.QueryContext(ctx, q, a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		in, err := scanInstitution(rows)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, in)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, rows.Err()
}

// GetInstitution returns one institution in the caller's scope.
// Returns ENotFound when it is missing or out of scope.
func (s *Store) GetInstitution(ctx context.Context, id int64) (model.Institution, error) {
	pr, err := principal(ctx, auth.PermInstitutionRead)
	if err != nil {
		return model.Institution{}, err
	}
	return s.getInstitution(ctx, s.read, pr, id)
}

func (s *Store) getInstitution(ctx context.Context, q queryer, pr *auth.Principal, id int64) (model.Institution, error) {
	var a args
	cond := "i.id = " + a.add(id) + " AND " + institutionScope(pr, "i", &a)
	in, err := scanInstitution(q.QueryRowContext(ctx, "SELECT "+institutionColumns+" FROM institutions i JOIN regions r ON r.code = i.region_code WHERE "+cond, a...))
	if err == sql.ErrNoRows {
		return in, model.NotFound("institution")
	}
	if err != nil {
		return in, model.Internal(err)
	}
	return in, nil
}

// validateInstitution normalises in and checks every field a create needs.
func validateInstitution(in *model.Institution) error {
	fe := model.FieldErrors{}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || len([]rune(in.Name)) > 100 {
		fe.Add("name", "field.required_max", 100)
	}
	if !model.Contains(model.InstitutionTypes, in.Type) {
		fe.Add("type", "field.choice")
	}
	if in.RegionCode == "" {
		fe.Add("region_code", "field.required")
	}
	if strings.TrimSpace(in.CreditCode) != "" {
		cc, err := ident.ValidateCreditCode(in.CreditCode)
		if err != nil {
			var ie ident.Error
			errors.As(err, &ie)
			fe.Add("credit_code", "credit_code."+string(ie.Reason))
		}
		in.CreditCode = cc
	} else {
		in.CreditCode = ""
	}
	return fe.Err()
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateInstitution adds an institution inside the caller's region scope.
// Returns EInvalid for bad fields (an out-of-scope region is reported on
// region_code), EConflict for a duplicate credit code or name in the region.
func (s *Store) CreateInstitution(ctx context.Context, in model.InstitutionInput) (model.Institution, error) {
	pr, err := principal(ctx, auth.PermInstitutionWrite)
	if err != nil {
		return model.Institution{}, err
	}
	if pr.InstitutionID != 0 || pr.PersonID != 0 {
		// An institution's own administrator maintains it but cannot found others.
		return model.Institution{}, model.Errorf(model.EForbidden, "error.forbidden")
	}
	var inst model.Institution
	if in.Name != nil {
		inst.Name = *in.Name
	}
	if in.Type != nil {
		inst.Type = *in.Type
	}
	if in.RegionCode != nil {
		inst.RegionCode = normalRegion(*in.RegionCode)
	}
	if in.CreditCode != nil {
		inst.CreditCode = *in.CreditCode
	}
	if err := validateInstitution(&inst); err != nil {
		return inst, err
	}
	if !inRegionScope(pr, inst.RegionCode) {
		return inst, model.FieldErrors{"region_code": model.M("region.out_of_scope")}.Err()
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.checkRegionExists(ctx, tx, inst.RegionCode); err != nil {
			return err
		}
		now := ms(s.now())
		err := tx.QueryRowContext(ctx, `INSERT INTO institutions (name, type, region_code, credit_code, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING id`, inst.Name, inst.Type, inst.RegionCode, nullString(inst.CreditCode), now).Scan(&inst.ID)
		if isUniqueViolation(err) {
			return institutionConflict(err)
		}
		if err != nil {
			return model.Internal(err)
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActInstCreate, ObjectType: "institution", ObjectID: strconv.FormatInt(inst.ID, 10)}); err != nil {
			return err
		}
		inst, err = s.getInstitution(ctx, tx, pr, inst.ID)
		return err
	})
	return inst, err
}

func (s *Store) checkRegionExists(ctx context.Context, q queryer, code string) error {
	var one int
	err := q.QueryRowContext(ctx, "SELECT 1 FROM regions WHERE code = $1", code).Scan(&one)
	if err == sql.ErrNoRows {
		return model.FieldErrors{"region_code": model.M("region.unknown")}.Err()
	}
	if err != nil {
		return model.Internal(err)
	}
	return nil
}

func institutionConflict(err error) error {
	if strings.Contains(err.Error(), "credit_code") {
		return &model.Error{Code: model.EConflict, Msg: model.M("institution.credit_code_taken"), Fields: map[string]model.Msg{"credit_code": model.M("institution.credit_code_taken")}, Err: err}
	}
	return &model.Error{Code: model.EConflict, Msg: model.M("institution.name_taken"), Fields: map[string]model.Msg{"name": model.M("institution.name_taken")}, Err: err}
}

// UpdateInstitution changes the given fields. With a version it fails on a stale record.
// Returns ENotFound when missing or out of scope, EStaleVersion on a stale version.
func (s *Store) UpdateInstitution(ctx context.Context, id int64, in model.InstitutionInput) (model.Institution, error) {
	pr, err := principal(ctx, auth.PermInstitutionWrite)
	if err != nil {
		return model.Institution{}, err
	}
	var inst model.Institution
	err = s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.getInstitution(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if in.Version != nil && *in.Version != cur.Version {
			return staleVersion()
		}
		next := cur
		if in.Name != nil {
			next.Name = *in.Name
		}
		if in.Type != nil {
			next.Type = *in.Type
		}
		if in.RegionCode != nil {
			next.RegionCode = normalRegion(*in.RegionCode)
		}
		if in.CreditCode != nil {
			next.CreditCode = *in.CreditCode
		}
		if err := validateInstitution(&next); err != nil {
			return err
		}
		if next.RegionCode != cur.RegionCode {
			if !inRegionScope(pr, next.RegionCode) {
				return model.FieldErrors{"region_code": model.M("region.out_of_scope")}.Err()
			}
			if err := s.checkRegionExists(ctx, tx, next.RegionCode); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE institutions SET name = $1, type = $2, region_code = $3, credit_code = $4, version = version + 1, updated_at = $5
			WHERE id = $6 AND version = $7`, next.Name, next.Type, next.RegionCode, nullString(next.CreditCode), ms(s.now()), id, cur.Version)
		if isUniqueViolation(err) {
			return institutionConflict(err)
		}
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		if next.RegionCode != cur.RegionCode {
			// People carry their institution's region for the scope clause.
			if _, err := tx.ExecContext(ctx, "UPDATE people SET region_code = $1 WHERE institution_id = $2", next.RegionCode, id); err != nil {
				return model.Internal(err)
			}
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActInstUpdate, ObjectType: "institution", ObjectID: strconv.FormatInt(id, 10)}); err != nil {
			return err
		}
		inst, err = s.getInstitution(ctx, tx, pr, id)
		return err
	})
	return inst, err
}

func staleVersion() error {
	return model.Errorf(model.EStaleVersion, "error.stale_version")
}
