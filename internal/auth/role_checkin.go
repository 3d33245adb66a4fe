package auth

// Permissions of the daily health check-ins of deployed people (每日健康打卡)
// and the family liaison log (家属联络记录).
const (
	// PermCheckinSubmit: a deployed worker checks in for themself.
	PermCheckinSubmit Permission = "checkin.submit"
	// PermCheckinRead: check-ins and the missing list in scope. A worker holds
	// it for their own check-ins and, as a batch's team leader, for the
	// batch's (the store narrows it).
	PermCheckinRead Permission = "checkin.read"
	// PermFamilyContactRead: the family liaison log in scope.
	PermFamilyContactRead Permission = "family_contact.read"
	// PermFamilyContactWrite: record a contact with a worker's family.
	PermFamilyContactWrite Permission = "family_contact.write"
)

// checkinGrants: the region teams read check-ins and keep the liaison log;
// an institution admin reads both for the institution; a leader gets the
// dashboard's counts only (aggregate.read, suppressed); a worker checks in.
var checkinGrants = map[string][]Permission{
	RoleCaseworker:       {PermCheckinRead, PermFamilyContactRead, PermFamilyContactWrite},
	RoleInstitutionAdmin: {PermCheckinRead, PermFamilyContactRead},
	RoleWorker:           {PermCheckinSubmit, PermCheckinRead},
}

func init() {
	for role, perms := range checkinGrants {
		rolePermissions[role] = append(rolePermissions[role], perms...)
	}
}
