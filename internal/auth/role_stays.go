package auth

// Permissions of isolation accommodation and transport help (issue 10). The
// store narrows each to the caller's scope: a case worker's region, an
// institution admin's staff (and their institution's own rest areas), a
// worker's own stays and requests, a volunteer driver's own trips.
const (
	PermSiteManage      Permission = "site.manage"      // sites, rooms and beds in scope
	PermStayManage      Permission = "stay.manage"      // check-in, check-out, corrections, the occupancy board, contact tracing
	PermStayOwn         Permission = "stay.own"         // one's own stays
	PermTransportAsk    Permission = "transport.ask"    // request transport (for oneself, or for a person in scope)
	PermTransportManage Permission = "transport.manage" // the team's list, assignment, status, completion
	PermTransportDrive  Permission = "transport.drive"  // a volunteer driver's own trips: start and complete
)

// stayGrants: leaders see the counts on the dashboard only (aggregate.read).
var stayGrants = map[string][]Permission{
	RoleCaseworker:       {PermSiteManage, PermStayManage, PermTransportAsk, PermTransportManage},
	RoleInstitutionAdmin: {PermSiteManage, PermStayManage, PermTransportAsk, PermTransportManage},
	RoleVolunteer:        {PermTransportDrive},
	RoleWorker:           {PermStayOwn, PermTransportAsk},
}

func init() {
	for role, perms := range stayGrants {
		rolePermissions[role] = append(rolePermissions[role], perms...)
	}
}
