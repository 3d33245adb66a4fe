package auth

import "strconv"

// Self-service links (家属自助链接): a frontline person's relative, who has no
// account, reports needs and follows them through a link that the person
// (role worker) or a case worker hands out.
const (
	// PermFamilyLinkManage: create, list and revoke the links of the families
	// in scope (a worker: their own family's).
	PermFamilyLinkManage Permission = "family_link.manage"
	// PermNeedReportFamily: report a need of one relative, source family, and
	// follow the cases reported so. Only a link's principal holds it; no role
	// can be granted it.
	PermNeedReportFamily Permission = "need.report_family"
)

// RoleFamilyLink is the Role recorded (in audit rows) for a self-service
// link. It is not a role of the role table: no account can hold it.
const RoleFamilyLink = "family_link"

// familyLinkGrants: whoever may record a case for a person may hand out a
// link that records cases for one relative of that person: the case worker
// (need.write, in scope) and the worker for their own family.
var familyLinkGrants = map[string][]Permission{
	RoleCaseworker: {PermFamilyLinkManage},
	RoleWorker:     {PermFamilyLinkManage},
}

func init() {
	for role, perms := range familyLinkGrants {
		rolePermissions[role] = append(rolePermissions[role], perms...)
	}
}

// FamilyLinkActor is the username recorded for what a link does
// ("family-link:12"). Account names cannot contain ':', so it names no user.
func FamilyLinkActor(linkID int64) string {
	return "family-link:" + strconv.FormatInt(linkID, 10)
}

// FamilyLinkOf returns the link id of an actor name made by FamilyLinkActor,
// or 0 for any other name.
func FamilyLinkOf(username string) int64 {
	const prefix = "family-link:"
	if len(username) <= len(prefix) || username[:len(prefix)] != prefix {
		return 0
	}
	id, err := strconv.ParseInt(username[len(prefix):], 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// FamilyLink returns the principal of a self-service link: no user, the
// person's scope narrowed to one relative, one permission (need.report_family).
func FamilyLink(linkID, personID, familyMemberID int64, ip string) *Principal {
	return &Principal{Username: FamilyLinkActor(linkID), Role: RoleFamilyLink, PersonID: personID,
		FamilyLinkID: linkID, FamilyMemberID: familyMemberID, IP: ip}
}
