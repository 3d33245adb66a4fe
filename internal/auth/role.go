// Package auth decides who a caller is and what their role lets them do:
// roles and permissions, the Principal carried in a request's context,
// password hashing and the administrators' second factor (TOTP codes, through
// github.com/pquerna/otp). It does no I/O; sessions and secrets are stored by
// the store package.
package auth

// Role names are fixed; later issues and external scripts rely on them.
const (
	RoleSysadmin         = "sysadmin"
	RoleSecadmin         = "secadmin"
	RoleAuditor          = "auditor"
	RoleCaseworker       = "caseworker"
	RoleInstitutionAdmin = "institution_admin"
	RoleCounselor        = "counselor"
	RoleFinance          = "finance"
	RoleVolunteer        = "volunteer"
	RoleLeader           = "leader"
	RoleWorker           = "worker"
)

// Roles lists every role in display order.
var Roles = []string{RoleSysadmin, RoleSecadmin, RoleAuditor, RoleCaseworker, RoleInstitutionAdmin,
	RoleCounselor, RoleFinance, RoleVolunteer, RoleLeader, RoleWorker}

// AdminRoles are the three separated administrators (三权分立): they never read business data.
var AdminRoles = []string{RoleSysadmin, RoleSecadmin, RoleAuditor}

// Permission names a function of the system.
type Permission string

// Permissions. Record-level scope is applied by the store on top of these.
const (
	PermRegionRead       Permission = "region.read"
	PermRegionWrite      Permission = "region.write"
	PermInstitutionRead  Permission = "institution.read"
	PermInstitutionWrite Permission = "institution.write"
	PermPersonRead       Permission = "person.read"
	PermPersonWrite      Permission = "person.write"
	PermPersonReveal     Permission = "person.reveal" // see full ID numbers and phones, audited
	PermPersonImport     Permission = "person.import"
	PermPersonExport     Permission = "person.export"
	PermUserRead         Permission = "user.read"
	PermUserWrite        Permission = "user.write" // create, disable, reset passwords
	PermUserGrant        Permission = "user.grant" // grant administrator roles
	PermAuditRead        Permission = "audit.read"
	PermAggregateRead    Permission = "aggregate.read"
	PermNeedRead         Permission = "need.read"
	PermNeedWrite        Permission = "need.write"
	PermConfigWrite      Permission = "config.write"
)

var rolePermissions = map[string][]Permission{
	RoleSysadmin: {PermRegionRead, PermRegionWrite, PermInstitutionRead, PermInstitutionWrite, PermUserRead, PermUserWrite, PermConfigWrite},
	RoleSecadmin: {PermRegionRead, PermUserRead, PermUserGrant},
	RoleAuditor:  {PermAuditRead},
	RoleCaseworker: {PermRegionRead, PermRegionWrite, PermInstitutionRead, PermInstitutionWrite, PermPersonRead, PermPersonWrite,
		PermPersonReveal, PermPersonImport, PermPersonExport, PermAggregateRead, PermNeedRead, PermNeedWrite},
	RoleInstitutionAdmin: {PermRegionRead, PermInstitutionRead, PermInstitutionWrite, PermPersonRead, PermPersonWrite,
		PermPersonReveal, PermPersonImport, PermPersonExport, PermAggregateRead},
	RoleCounselor: {PermRegionRead, PermInstitutionRead, PermPersonRead},
	RoleFinance:   {PermRegionRead, PermInstitutionRead, PermPersonRead, PermPersonExport, PermAggregateRead},
	RoleVolunteer: {PermNeedRead},
	RoleLeader:    {PermRegionRead, PermInstitutionRead, PermAggregateRead},
	RoleWorker:    {PermPersonRead, PermPersonReveal, PermNeedRead},
}

// ValidRole reports whether role is one of the fixed role names.
func ValidRole(role string) bool {
	_, ok := rolePermissions[role]
	return ok
}

// IsAdminRole reports whether role is one of the three separated administrators.
func IsAdminRole(role string) bool {
	return role == RoleSysadmin || role == RoleSecadmin || role == RoleAuditor
}

// RoleCan reports whether a role holds a permission.
func RoleCan(role string, p Permission) bool {
	for _, q := range rolePermissions[role] {
		if q == p {
			return true
		}
	}
	return false
}

// Permissions of the needs ledger (需求困难台账). need.read and need.write
// above are its base: reading cases in scope, and recording and working them.
const (
	PermNeedAssign       Permission = "need.assign"       // assign and reassign cases in scope
	PermNeedReport       Permission = "need.report"       // report one's own need (a worker, source self or family)
	PermNeedProgress     Permission = "need.progress"     // start and resolve the cases assigned to oneself
	PermVisitRead        Permission = "visit.read"        // visits and the visit plan in scope
	PermVisitWrite       Permission = "visit.write"       // record visits
	PermVolunteerManage  Permission = "volunteer.manage"  // the volunteer registry and pairings in scope
	PermLedgerExport     Permission = "ledger.export"     // download the ledger of the scope (masked names for leaders)
	PermNotificationRead Permission = "notification.read" // one's own inbox
	PermWebhookManage    Permission = "webhook.manage"    // webhooks and their deliveries
	PermSettingWrite     Permission = "setting.write"     // per-region policy settings in scope
)

// needGrants are the grants of the needs ledger, added to the foundation's at
// start. Institution admins and counselors read cases (the store narrows a
// counselor to psychological ones and a volunteer to their own); leaders get
// the ledger but no individual case.
var needGrants = map[string][]Permission{
	RoleSysadmin:         {PermWebhookManage, PermSettingWrite, PermNotificationRead},
	RoleSecadmin:         {PermNotificationRead},
	RoleAuditor:          {PermNotificationRead},
	RoleCaseworker:       {PermNeedAssign, PermNeedProgress, PermVisitRead, PermVisitWrite, PermVolunteerManage, PermLedgerExport, PermSettingWrite, PermNotificationRead},
	RoleInstitutionAdmin: {PermNeedRead, PermVisitRead, PermNotificationRead},
	RoleCounselor:        {PermNeedRead, PermNeedProgress, PermNotificationRead},
	RoleFinance:          {PermNotificationRead},
	RoleVolunteer:        {PermNeedProgress, PermNotificationRead},
	RoleLeader:           {PermLedgerExport, PermNotificationRead},
	RoleWorker:           {PermNeedReport, PermNotificationRead},
}

func init() {
	for role, perms := range needGrants {
		rolePermissions[role] = append(rolePermissions[role], perms...)
	}
}
