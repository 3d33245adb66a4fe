package auth

// Permissions of psychological support (心理保障). Individual results are
// seen by the person and by counselors in scope only; leaders (and
// counselors) read the summary, whose small cells are suppressed; no other
// role reads a score.
const (
	// PermPsychSelf: consent, withdraw, answer an instrument and read one's own results (a worker).
	PermPsychSelf Permission = "psych.self"
	// PermPsychWork: screening rounds, alerts, assessments, cases and sessions in scope (a counselor).
	PermPsychWork Permission = "psych.work"
	// PermPsychSummary: the region's screened counts by band and week, small cells suppressed.
	PermPsychSummary Permission = "psych.summary"
)

var psychGrants = map[string][]Permission{
	RoleCounselor: {PermPsychWork, PermPsychSummary},
	RoleLeader:    {PermPsychSummary},
	RoleWorker:    {PermPsychSelf},
}

func init() {
	for role, perms := range psychGrants {
		rolePermissions[role] = append(rolePermissions[role], perms...)
	}
}
