package auth

// Permissions of frontline deployment (一线派驻). The store narrows each to
// the caller's scope: an institution admin reaches their institution's posts,
// people and deployments; a case worker their region's, batches included.
const (
	PermPostManage     Permission = "deploy.post"     // define and change frontline posts
	PermBatchManage    Permission = "deploy.batch"    // create aid-team batches and add members
	PermDeployRead     Permission = "deploy.read"     // posts, batches, deployments, conflicts, rest flags, candidates
	PermDeployPlan     Permission = "deploy.plan"     // plan and cancel deployments
	PermDeployOverride Permission = "deploy.override" // plan against the couple or rest rule with a written reason
	PermDeployDays     Permission = "deploy.days"     // the deployment days report (the subsidy work reads it)
)

// deployGrants follow the role matrix: institution admins define posts and
// plan their institution's deployments but may not override a rule; case
// workers (the region's coordinators) plan in scope, build batches and may
// override with a reason; finance reads deployment days; leaders see the
// dashboard's counts only (aggregate.read).
var deployGrants = map[string][]Permission{
	RoleCaseworker:       {PermPostManage, PermBatchManage, PermDeployRead, PermDeployPlan, PermDeployOverride, PermDeployDays},
	RoleInstitutionAdmin: {PermPostManage, PermDeployRead, PermDeployPlan, PermDeployDays},
	RoleFinance:          {PermDeployDays},
}

func init() {
	for role, perms := range deployGrants {
		rolePermissions[role] = append(rolePermissions[role], perms...)
	}
}
