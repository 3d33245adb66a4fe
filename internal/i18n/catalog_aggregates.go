package i18n

// Texts of the aggregate views (dashboard, needs statistics, the ledger's
// summary) and of region entry: suppression marks, the region picker and
// its errors.
func init() {
	add(map[string][2]string{
		"aggregate.hidden":      {"*", "*"},
		"aggregate.hidden_note": {"%s 为保护个人信息而隐藏：少于 %d 件，或可由合计推算出这样的数字。", "%s hidden to protect privacy: under %d, or it would let such a count be worked out from the totals."},
		"ledger.summary_only":   {"仅含汇总（不含个案）", "Summary only (no individual cases)"},
	})
}
