package auth

// PermTransferDecide approves or rejects transfer requests (人员转移申请)
// whose both sides lie in the caller's region scope. Submitting one needs no
// permission of its own: it happens when a person.write or person.import
// holder registers an ID number registered in another area.
const PermTransferDecide Permission = "transfer.decide"

// transferGrants: the region teams (case workers) decide moves within their region.
var transferGrants = map[string][]Permission{
	RoleCaseworker: {PermTransferDecide},
}

func init() {
	for role, perms := range transferGrants {
		rolePermissions[role] = append(rolePermissions[role], perms...)
	}
}
