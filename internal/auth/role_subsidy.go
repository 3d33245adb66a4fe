package auth

// Permissions of subsidies and consolation money (其他保障: 补助、慰问金、发放).
// Drafting and approving a payment batch are separate rights that the
// finance role holds both of; the four-eyes rule (benefit.MayApprove: the
// approver is never the drafter) makes two finance accounts necessary for
// every batch.
const (
	PermBenefitRuleWrite   Permission = "benefit_rule.write"  // enter and end dated benefit rules in scope
	PermEntitlementRead    Permission = "entitlement.read"    // rules, entitlements, batches and receipts in scope
	PermEntitlementCompute Permission = "entitlement.compute" // compute a month's entitlements in scope
	PermPaymentDraft       Permission = "payment.draft"       // draft and discard payment batches
	PermPaymentApprove     Permission = "payment.approve"     // approve a batch someone else drafted
	PermPaymentExport      Permission = "payment.export"      // the bank file of an approved batch, and marking it paid
	PermBankAccountWrite   Permission = "bank_account.write"  // people's bank accounts for disbursement
	PermReceiptOwn         Permission = "receipt.own"         // one's own payments and their receipt
)

// subsidyGrants: finance works the money of its scope; a worker sees and
// confirms their own payments; leaders see the area's figures only through
// aggregate.read (suppressed), which they hold already.
var subsidyGrants = map[string][]Permission{
	RoleFinance: {PermBenefitRuleWrite, PermEntitlementRead, PermEntitlementCompute, PermPaymentDraft, PermPaymentApprove,
		PermPaymentExport, PermBankAccountWrite},
	RoleWorker: {PermReceiptOwn},
}

func init() {
	for role, perms := range subsidyGrants {
		rolePermissions[role] = append(rolePermissions[role], perms...)
	}
}
