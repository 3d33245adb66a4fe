package auth

// Permissions of supplies (物资保障): the item catalogue, stores, the stock
// ledger, allocation plans and distributions. The store keeps each caller
// to the stores of their scope (a region's, or their institution's).
const (
	PermSupplyRead    Permission = "supply.read"    // items, stores, stock, movements, plans and distributions in scope
	PermSupplyManage  Permission = "supply.manage"  // record movements, keep stores and items, plan and hand over
	PermSupplyReceive Permission = "supply.receive" // a worker's own hand-overs, and confirming their receipt
)

// supplyGrants: case workers (region teams) and institution admins keep the
// stores of their scope; a worker sees and confirms what was handed to them;
// a leader sees the dashboard's suppressed counts only (aggregate.read).
var supplyGrants = map[string][]Permission{
	RoleCaseworker:       {PermSupplyRead, PermSupplyManage},
	RoleInstitutionAdmin: {PermSupplyRead, PermSupplyManage},
	RoleWorker:           {PermSupplyReceive},
}

func init() {
	for role, perms := range supplyGrants {
		rolePermissions[role] = append(rolePermissions[role], perms...)
	}
}
