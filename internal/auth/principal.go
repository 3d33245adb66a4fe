package auth

import "context"

// Principal is the authenticated caller: who, in which role, over which scope.
// Exactly one scope field is set: RegionCode (that region and all below it),
// InstitutionID (one institution) or PersonID (a worker's own record).
// A relative's self-service link (FamilyLink) is a PersonID scope narrowed
// further to one relative of that person.
type Principal struct {
	UserID        int64
	Username      string
	Role          string
	RegionCode    string
	InstitutionID int64
	PersonID      int64
	SessionID     string // hash of the session token, to end it at logout
	// PasswordChangeRequired: the account's password was set by an
	// administrator; until the owner changes it, the session may do nothing else.
	PasswordChangeRequired bool
	IP                     string
	// System marks the command-line tools run on the server itself (import,
	// user add, demo): every permission, nationwide scope, no user row.
	System bool
	// FamilyLinkID and FamilyMemberID are set on the principal of a
	// relative's self-service link only: it has no account, and acts for the
	// relative FamilyMemberID of PersonID.
	FamilyLinkID   int64
	FamilyMemberID int64
}

// familyLinkPermissions are what a self-service link holds beside
// need.report_family (an area adds its own in its init).
var familyLinkPermissions []Permission

// Can reports whether the principal's role holds p. A self-service link
// holds need.report_family and familyLinkPermissions and nothing else,
// whatever its Role says.
func (p *Principal) Can(perm Permission) bool {
	if p == nil {
		return false
	}
	if p.FamilyLinkID != 0 {
		if perm == PermNeedReportFamily {
			return true
		}
		for _, q := range familyLinkPermissions {
			if q == perm {
				return true
			}
		}
		return false
	}
	return p.System || RoleCan(p.Role, perm)
}

// System returns the principal of command-line tools run on the server itself.
func System() *Principal {
	return &Principal{Username: "system", Role: "system", System: true}
}

type ctxKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the principal of ctx, or nil.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(ctxKey{}).(*Principal)
	return p
}
