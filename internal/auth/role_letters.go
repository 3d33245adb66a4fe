package auth

// Permissions of consolation letters (慰问信), commendations (表彰),
// priority in title evaluation and work-injury determination (工伤认定).
const (
	// PermLetterManage: letter templates, generating letters, their PDFs and
	// their delivery, in the caller's scope.
	PermLetterManage Permission = "letter.manage"
	// PermLetterOwn: a worker's own letters, and confirming one arrived.
	PermLetterOwn Permission = "letter.own"
	// PermCommendationNominate: an institution nominates its people.
	PermCommendationNominate Permission = "commendation.nominate"
	// PermCommendationReview: the health commission's team approves or
	// rejects nominations in its region.
	PermCommendationReview Permission = "commendation.review"
	// PermTitlePriorityRead: the list of people with priority in title
	// evaluation (frontline service) and its basis.
	PermTitlePriorityRead Permission = "title_priority.read"
	// PermWorkInjuryManage: work-injury determination cases in scope.
	PermWorkInjuryManage Permission = "work_injury.manage"
)

// letterGrants follow DOMAIN.md's role matrix: case workers write letters,
// review commendations and follow work-injury cases in their region; an
// institution admin nominates the people of their institution and sees its
// title-evaluation list; a worker sees their own letters. Leaders see the
// dashboard's counts (aggregate.read), suppressed, and no record.
var letterGrants = map[string][]Permission{
	RoleCaseworker:       {PermLetterManage, PermCommendationReview, PermTitlePriorityRead, PermWorkInjuryManage},
	RoleInstitutionAdmin: {PermCommendationNominate, PermTitlePriorityRead},
	RoleWorker:           {PermLetterOwn},
}

func init() {
	for role, perms := range letterGrants {
		rolePermissions[role] = append(rolePermissions[role], perms...)
	}
}
