package i18n

// Texts of the aggregate views (dashboard, needs statistics, the ledger's
// summary) and of region entry: suppression marks, the region picker and
// its errors.
func init() {
	add(map[string][2]string{
		"aggregate.hidden":      {"*", "*"},
		"aggregate.hidden_note": {"%s 为保护个人信息而隐藏：少于 %d 件，或可由合计推算出这样的数字。", "%s hidden to protect privacy: under %d, or it would let such a count be worked out from the totals."},
		"ledger.summary_only":   {"仅含汇总（不含个案）", "Summary only (no individual cases)"},

		"region.code_malformed": {"“%s”不是区划代码：应为 6 位（如辽宁省 210000、阜新市 210900）、9 位或 12 位数字，或去掉末尾 0 的前缀（2109）", "“%s” is not a region code: 6 digits (Liaoning 210000, Fuxin 210900), 9 or 12 digits, or the prefix without the trailing zeros (2109)"},
		"region.unknown_code":   {"没有代码为 %s 的行政区划", "There is no region with the code %s"},
	})
}
