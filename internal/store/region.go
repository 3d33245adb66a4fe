package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/region"
)

// loadNationalRegions fills an empty regions table with the embedded GB/T 2260 list.
func (s *Store) loadNationalRegions(ctx context.Context) error {
	var n int
	if err := s.write.QueryRowContext(ctx, "SELECT COUNT(*) FROM regions").Scan(&n); err != nil {
		return fmt.Errorf("store: count regions: %w", err)
	}
	if n > 0 {
		return nil
	}
	all := region.National()
	return s.tx(ctx, func(tx *sql.Tx) error {
		// Multi-row inserts of 200 keep both engines well under their parameter limits.
		const batch = 200
		for i := 0; i < len(all); i += batch {
			end := min(i+batch, len(all))
			var sb strings.Builder
			var a args
			sb.WriteString("INSERT INTO regions (code, name, parent_code, level) VALUES ")
			for j, r := range all[i:end] {
				if j > 0 {
					sb.WriteString(", ")
				}
				var parent any
				if r.ParentCode != "" {
					parent = r.ParentCode
				}
				fmt.Fprintf(&sb, "(%s, %s, %s, %s)", a.add(r.Code), a.add(r.Name), a.add(parent), a.add(int(r.Level)))
			}
			if _, err := tx.ExecContext(ctx, sb.String(), a...); err != nil {
				return fmt.Errorf("store: load regions: %w", err)
			}
		}
		return nil
	})
}

// ListRegions returns the children of parent ("" lists provinces), sorted by code.
func (s *Store) ListRegions(ctx context.Context, parent string) ([]model.Region, error) {
	if _, err := principal(ctx, auth.PermRegionRead); err != nil {
		return nil, err
	}
	q := "SELECT code, name, COALESCE(parent_code, ''), level FROM regions WHERE parent_code = $1 ORDER BY code"
	a := []any{parent}
	if parent == "" {
		q, a = "SELECT code, name, '', level FROM regions WHERE parent_code IS NULL ORDER BY code", nil
	}
	rows, err := s.read.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	out := []model.Region{}
	for rows.Next() {
		var r model.Region
		if err := rows.Scan(&r.Code, &r.Name, &r.ParentCode, &r.Level); err != nil {
			return nil, model.Internal(err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// GetRegion returns one region. Returns ENotFound when the code is unknown.
func (s *Store) GetRegion(ctx context.Context, code string) (model.Region, error) {
	var r model.Region
	if _, err := principal(ctx, auth.PermRegionRead); err != nil {
		return r, err
	}
	err := s.read.QueryRowContext(ctx, "SELECT code, name, COALESCE(parent_code, ''), level FROM regions WHERE code = $1", code).
		Scan(&r.Code, &r.Name, &r.ParentCode, &r.Level)
	if err == sql.ErrNoRows {
		return r, model.NotFound("region")
	}
	if err != nil {
		return r, model.Internal(err)
	}
	return r, nil
}

// RegionPath returns the region and its ancestors, the top first.
func (s *Store) RegionPath(ctx context.Context, code string) ([]model.Region, error) {
	var path []model.Region
	for c := code; c != ""; c = region.ParentOf(c) {
		r, err := s.GetRegion(ctx, c)
		if err != nil {
			return nil, err
		}
		path = append([]model.Region{r}, path...)
	}
	return path, nil
}

// CreateRegion adds a street below a county or a community below a street,
// inside the caller's region scope.
// Returns EInvalid for a malformed code or name, ENotFound for an unknown or
// out-of-scope parent, EConflict when the code exists.
func (s *Store) CreateRegion(ctx context.Context, r model.Region) (model.Region, error) {
	pr, err := principal(ctx, auth.PermRegionWrite)
	if err != nil {
		return r, err
	}
	r.Name = strings.TrimSpace(r.Name)
	r.Code = normalRegion(r.Code)
	r.ParentCode = region.ParentOf(r.Code)
	fe := model.FieldErrors{}
	lvl := region.LevelOfCode(r.Code)
	if lvl != region.LevelStreet && lvl != region.LevelCommunity || !region.ValidChildCode(r.ParentCode, r.Code) {
		fe.Add("code", "region.code_invalid")
	}
	if r.Name == "" || len([]rune(r.Name)) > 100 {
		fe.Add("name", "field.required_max", 100)
	}
	if err := fe.Err(); err != nil {
		return r, err
	}
	if !inRegionScope(pr, r.ParentCode) {
		return r, model.NotFound("region")
	}
	r.Level = int(lvl)
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var parentLevel int
		if err := tx.QueryRowContext(ctx, "SELECT level FROM regions WHERE code = $1", r.ParentCode).Scan(&parentLevel); err == sql.ErrNoRows {
			return model.NotFound("region")
		} else if err != nil {
			return model.Internal(err)
		}
		if parentLevel != r.Level-1 {
			return model.FieldErrors{"code": model.M("region.code_invalid")}.Err()
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO regions (code, name, parent_code, level, created_at) VALUES ($1, $2, $3, $4, $5)",
			r.Code, r.Name, r.ParentCode, r.Level, ms(s.now()))
		if isUniqueViolation(err) {
			return &model.Error{Code: model.EConflict, Msg: model.M("region.exists"), Fields: map[string]model.Msg{"code": model.M("region.exists")}}
		}
		if err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActRegionCreate, ObjectType: "region", ObjectID: r.Code})
	})
	return r, err
}

// EnteredRegion turns a region code as a user entered it (field names the
// parameter, form field or flag) into the stored form (region.Normalize:
// 210900 as well as 2109) and checks that the region exists. A malformed
// code and an unknown one are EInvalid with a message for the field naming
// what was entered, so that a typo never reads as a region without cases.
// Region codes and names are public knowledge: any signed-in caller may
// ask, and the answer says nothing about the caller's scope, which the
// queries decide. The API, the pages and the command line call it for every
// region entered as a filter; inputs stored with a region (accounts,
// institutions, volunteers, streets) go through normalRegion and the
// existence check of their own write.
// Returns EUnauthenticated, EInvalid, EInternal.
func (s *Store) EnteredRegion(ctx context.Context, field, raw string) (string, error) {
	if auth.FromContext(ctx) == nil {
		return "", model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	fe := model.FieldErrors{}
	code, ok := region.Normalize(raw)
	if !ok {
		fe.Add(field, "region.code_malformed", strings.TrimSpace(raw))
		return "", fe.Err()
	}
	var n int
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM regions WHERE code = $1", code).Scan(&n); err != nil {
		return "", model.Internal(err)
	}
	if n == 0 {
		fe.Add(field, "region.unknown_code", strings.TrimSpace(raw))
		return "", fe.Err()
	}
	return code, nil
}

// RegionsWithin returns the regions of the caller's region scope: the scope's
// own region and those below it, the higher levels first and by code
// within a level, at most limit of them — what a region picker offers. A
// caller scoped to an institution or a person gets their scope's region
// only through other means: none here.
// Returns EUnauthenticated, EForbidden without region.read, EInternal.
func (s *Store) RegionsWithin(ctx context.Context, limit int) ([]model.Region, error) {
	pr, err := principal(ctx, auth.PermRegionRead)
	if err != nil {
		return nil, err
	}
	out := []model.Region{}
	if pr.InstitutionID != 0 || pr.PersonID != 0 {
		return out, nil
	}
	var a args
	q := "SELECT code, name, COALESCE(parent_code, ''), level FROM regions WHERE " + regionRange("code", pr.RegionCode, &a) +
		" ORDER BY level, code LIMIT " + a.add(limit)
	rows, err := s.read.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var r model.Region
		if err := rows.Scan(&r.Code, &r.Name, &r.ParentCode, &r.Level); err != nil {
			return nil, model.Internal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	return out, nil
}

// normalRegion is a region code entered in an input (a JSON body, a form, a
// flag) in the stored form (region.Normalize), or the text trimmed when it
// is no code at all, for the validation to refuse.
func normalRegion(s string) string {
	if code, ok := region.Normalize(s); ok {
		return code
	}
	return strings.TrimSpace(s)
}
