package store

import (
	"context"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/region"
)

// principal returns the caller and checks that their role holds perm.
// Returns EUnauthenticated without a caller, EForbidden without the permission.
func principal(ctx context.Context, perm auth.Permission) (*auth.Principal, error) {
	p := auth.FromContext(ctx)
	if p == nil {
		return nil, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	if p.PasswordChangeRequired {
		// A password an administrator set opens nothing but its own change.
		return nil, errPasswordChange
	}
	if !p.Can(perm) {
		return nil, model.Errorf(model.EForbidden, "error.forbidden")
	}
	return p, nil
}

var errPasswordChange = model.Errorf(model.EPasswordChange, "password.change_required")

// regionRange is the indexable condition "col starts with prefix".
func regionRange(col, prefix string, a *args) string {
	if prefix == "" {
		return "TRUE"
	}
	return "(" + col + " >= " + a.add(prefix) + " AND " + col + " < " + a.add(region.PrefixUpperBound(prefix)) + ")"
}

// personScope is the condition on people alias p that keeps the caller inside
// their scope. A principal with no scope at all is the nationwide system user
// of the command line; every user account has exactly one scope.
func personScope(pr *auth.Principal, p string, a *args) string {
	switch {
	case pr.PersonID != 0:
		return p + ".id = " + a.add(pr.PersonID)
	case pr.InstitutionID != 0:
		return p + ".institution_id = " + a.add(pr.InstitutionID)
	default:
		return regionRange(p+".region_code", pr.RegionCode, a)
	}
}

// institutionScope is the condition on institutions alias i.
func institutionScope(pr *auth.Principal, i string, a *args) string {
	switch {
	case pr.PersonID != 0:
		return i + ".id = (SELECT institution_id FROM people WHERE id = " + a.add(pr.PersonID) + ")"
	case pr.InstitutionID != 0:
		return i + ".id = " + a.add(pr.InstitutionID)
	default:
		return regionRange(i+".region_code", pr.RegionCode, a)
	}
}

// inRegionScope reports whether a region code lies inside the caller's region scope.
func inRegionScope(pr *auth.Principal, code string) bool {
	if pr.PersonID != 0 || pr.InstitutionID != 0 {
		return false
	}
	return len(code) >= len(pr.RegionCode) && code[:len(pr.RegionCode)] == pr.RegionCode
}
