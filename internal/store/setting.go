package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/model"
	"houdun/internal/region"
)

// settingChain is a region code and its ancestors, most specific first,
// ending with "" (nationwide).
func settingChain(code string) []string {
	var out []string
	for c := code; c != ""; c = region.ParentOf(c) {
		out = append(out, c)
		if region.LevelOfCode(c) == 0 {
			break
		}
	}
	return append(out, "")
}

// effectiveSettings returns, for each setting set on the region or an
// ancestor, the most specific value and the region that set it.
func effectiveSettings(ctx context.Context, q queryer, code string) (map[string]model.EffectiveSetting, error) {
	// unscoped: the settings in force at one region, which every caller acting there needs.
	chain := settingChain(code)
	var a args
	ph := make([]string, len(chain))
	for i, c := range chain {
		ph[i] = a.add(c)
	}
	rows, err := q.QueryContext(ctx, "SELECT region_code, name, value FROM settings WHERE region_code IN ("+strings.Join(ph, ", ")+")", a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	out := map[string]model.EffectiveSetting{}
	for rows.Next() {
		var e model.EffectiveSetting
		if err := rows.Scan(&e.RegionCode, &e.Name, &e.Value); err != nil {
			return nil, model.Internal(err)
		}
		if cur, ok := out[e.Name]; !ok || len(e.RegionCode) > len(cur.RegionCode) {
			out[e.Name] = e
		}
	}
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	return out, nil
}

// policy is the casework policy in force for a region.
func (s *Store) policy(ctx context.Context, q queryer, code string) (casework.Policy, error) {
	eff, err := effectiveSettings(ctx, q, code)
	if err != nil {
		return casework.Policy{}, err
	}
	values := make(map[string]string, len(eff))
	for k, v := range eff {
		values[k] = v.Value
	}
	return casework.PolicyFrom(values), nil
}

// policyCache resolves the policy of many regions with one query each.
type policyCache struct {
	s  *Store
	q  queryer
	by map[string]casework.Policy
}

func (c *policyCache) get(ctx context.Context, code string) (casework.Policy, error) {
	if p, ok := c.by[code]; ok {
		return p, nil
	}
	p, err := c.s.policy(ctx, c.q, code)
	if err != nil {
		return p, err
	}
	if c.by == nil {
		c.by = map[string]casework.Policy{}
	}
	c.by[code] = p
	return p, nil
}

// canReadSettings: the policy is read by whoever works cases or visits, and by
// those who set it.
func canReadSettings(pr *auth.Principal) bool {
	return pr.Can(auth.PermNeedRead) || pr.Can(auth.PermVisitRead) || pr.Can(auth.PermSettingWrite) || pr.Can(auth.PermAggregateRead)
}

// EffectiveSettings returns every setting of the needs ledger as it applies
// to a region ("" for the nationwide values): the value, and the region that
// set it or the built-in default.
// Returns EUnauthenticated, EForbidden, ENotFound for an unknown region.
func (s *Store) EffectiveSettings(ctx context.Context, regionCode string) (_ []model.EffectiveSetting, err error) {
	defer wrap(&err, "EffectiveSettings()")
	pr := auth.FromContext(ctx)
	if pr == nil {
		return nil, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	if !canReadSettings(pr) {
		return nil, model.Errorf(model.EForbidden, "error.forbidden")
	}
	if err := s.regionExists(ctx, s.read, regionCode); err != nil {
		return nil, err
	}
	eff, err := effectiveSettings(ctx, s.read, regionCode)
	if err != nil {
		return nil, err
	}
	out := make([]model.EffectiveSetting, 0, len(casework.Settings))
	for _, spec := range casework.Settings {
		if e, ok := eff[spec.Name]; ok {
			if v, key := casework.CheckSetting(spec.Name, e.Value); key == "" {
				e.Value = v
				out = append(out, e)
				continue
			}
		}
		out = append(out, model.EffectiveSetting{Name: spec.Name, Value: strconv.Itoa(spec.Default), Default: true})
	}
	return out, nil
}

// regionExists checks a region code ("" is the whole country).
func (s *Store) regionExists(ctx context.Context, q queryer, code string) error {
	if code == "" {
		return nil
	}
	var c string
	err := q.QueryRowContext(ctx, "SELECT code FROM regions WHERE code = $1", code).Scan(&c)
	if err == sql.ErrNoRows {
		return model.NotFound("region")
	}
	if err != nil {
		return model.Internal(err)
	}
	return nil
}

// ListSettings returns the values set on a region and the regions below it,
// within the caller's region scope, ordered by region and name.
// Returns EUnauthenticated, EForbidden.
func (s *Store) ListSettings(ctx context.Context, regionCode string) (_ []model.Setting, err error) {
	defer wrap(&err, "ListSettings()")
	pr := auth.FromContext(ctx)
	if pr == nil {
		return nil, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	if !canReadSettings(pr) {
		return nil, model.Errorf(model.EForbidden, "error.forbidden")
	}
	var a args
	// An institution or a person scope holds no region: no settings.
	cond := regionRange("region_code", regionCode, &a) + " AND " + scopeOf(pr).on("settings", "", &a)
	rows, err := s.read.QueryContext(ctx, "SELECT region_code, name, value, updated_at, updated_by FROM settings WHERE "+cond+" ORDER BY region_code, name", a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	out := []model.Setting{}
	for rows.Next() {
		var st model.Setting
		var at int64
		if err := rows.Scan(&st.RegionCode, &st.Name, &st.Value, &at, &st.UpdatedBy); err != nil {
			return nil, model.Internal(err)
		}
		st.UpdatedAt = fromMS(at)
		out = append(out, st)
	}
	return out, rows.Err()
}

// SetSetting sets a policy value for a region inside the caller's region
// scope ("" sets the nationwide value, for a nationwide caller only); it
// applies at once to new deadlines and the visit plan of the region and the
// regions below it that set none of their own.
// Returns EUnauthenticated, EForbidden without setting.write, ENotFound for an
// unknown or out-of-scope region, EInvalid (fields name, value).
func (s *Store) SetSetting(ctx context.Context, regionCode, name, value string) (_ model.Setting, err error) {
	defer wrap(&err, "SetSetting()")
	pr, err := principal(ctx, auth.PermSettingWrite)
	if err != nil {
		return model.Setting{}, err
	}
	v, key := casework.CheckSetting(name, value)
	if key != "" {
		field := "value"
		if key == "setting.unknown" {
			field = "name"
		}
		return model.Setting{}, model.FieldErrors{field: model.M(key)}.Err()
	}
	if !scopeOf(pr).hasRegion(regionCode) {
		return model.Setting{}, model.NotFound("region")
	}
	st := model.Setting{RegionCode: regionCode, Name: name, Value: v, UpdatedAt: fromMS(ms(s.now())), UpdatedBy: pr.Username}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.regionExists(ctx, tx, regionCode); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (region_code, name, value, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (region_code, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			regionCode, name, v, ms(st.UpdatedAt), st.UpdatedBy); err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActSettingUpdate, ObjectType: "setting", ObjectID: regionCode + "/" + name, Detail: "value=" + v})
	})
	return st, err
}

// DeleteSetting removes a region's own value, so that its ancestors' (or the
// default) applies again.
// Returns EUnauthenticated, EForbidden, ENotFound when the region sets no such value or is out of scope.
func (s *Store) DeleteSetting(ctx context.Context, regionCode, name string) (err error) {
	defer wrap(&err, "DeleteSetting()")
	pr, err := principal(ctx, auth.PermSettingWrite)
	if err != nil {
		return err
	}
	if !scopeOf(pr).hasRegion(regionCode) {
		return model.NotFound("setting")
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM settings WHERE region_code = $1 AND name = $2", regionCode, name)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.NotFound("setting")
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActSettingDelete, ObjectType: "setting", ObjectID: regionCode + "/" + name})
	})
}
