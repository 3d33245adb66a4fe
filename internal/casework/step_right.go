package casework

import "houdun/internal/auth"

// MayStep is the one rule of who may take a step of a case, used by the
// store (which enforces it), the API and the pages (which offer only what it
// grants): assigning needs need.assign; starting and resolving need
// need.write, or need.progress on a case assigned to the one who acts (own);
// closing, rejecting and reopening need need.write. can is the actor's
// rights (auth.Principal.Can).
func MayStep(can func(auth.Permission) bool, a Action, own bool) bool {
	switch a {
	case Assign:
		return can(auth.PermNeedAssign)
	case Start, Resolve:
		return can(auth.PermNeedWrite) || (own && can(auth.PermNeedProgress))
	case Close, Reject, Reopen:
		return can(auth.PermNeedWrite)
	}
	return false
}

// Offered lists the steps that may be taken on a case in status by one
// holding the rights can (own: the case is assigned to them): those the
// status allows and MayStep grants, in the order of Actions.
func Offered(can func(auth.Permission) bool, status string, own bool) []Action {
	var out []Action
	for _, a := range Allowed(status) {
		if MayStep(can, a, own) {
			out = append(out, a)
		}
	}
	return out
}

// AssignedTo reports whether a case is assigned to account uid: directly
// (assigneeUser) or through the volunteer record linked to that account
// (assigneeVolunteerUser, the account of the assigned volunteer).
func AssignedTo(uid int64, assigneeUser, assigneeVolunteerUser *int64) bool {
	if uid == 0 {
		return false
	}
	if assigneeUser != nil {
		return *assigneeUser == uid
	}
	return assigneeVolunteerUser != nil && *assigneeVolunteerUser == uid
}
