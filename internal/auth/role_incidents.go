package auth

// Discrimination incidents (歧视孤立事件). Reporting needs no right over the
// registry: a worker reports what happened to their own household, a
// relative through their self-service link. The handling team is the case
// workers of the incident's region: they record incidents reported to them
// (a call, a visit), read them whole (the reporter too), handle them to an
// outcome and export their list. Leaders see the dashboard's suppressed
// counts only (aggregate.read); nobody else sees an incident.
const (
	// PermIncidentReport: report an incident of one's own household and
	// follow one's own reports (not the team's notes, not other reports).
	PermIncidentReport Permission = "incident.report"
	// PermIncidentHandle: the handling team's right, over the incidents of
	// the regions in scope.
	PermIncidentHandle Permission = "incident.handle"
	// PermIncidentReportFamily: report an incident of one relative through
	// a self-service link. Only a link's principal holds it; no role can be
	// granted it.
	PermIncidentReportFamily Permission = "incident.report_family"
)

var incidentGrants = map[string][]Permission{
	RoleCaseworker: {PermIncidentHandle},
	RoleWorker:     {PermIncidentReport},
}

func init() {
	for role, perms := range incidentGrants {
		rolePermissions[role] = append(rolePermissions[role], perms...)
	}
	familyLinkPermissions = append(familyLinkPermissions, PermIncidentReportFamily)
}
