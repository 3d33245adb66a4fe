package i18n

// Texts of the aggregate views (dashboard, needs statistics, the ledger's
// summary) and of region entry: suppression marks, the region picker and
// its errors.
func init() {
	add(map[string][2]string{
		"aggregate.hidden":            {"*", "*"},
		"aggregate.hidden_note":       {"%s 为保护个人信息而隐藏：少于 %d 件，或可由合计推算出这样的数字。", "%s hidden to protect privacy: under %d, or it would let such a count be worked out from the totals."},
		"ledger.summary_all_statuses": {"汇总台账包含全部状态，不能按状态筛选", "The summary ledger covers every status; it cannot be filtered by status"},
		"ledger.summary_only":         {"仅含汇总（不含个案）", "Summary only (no individual cases)"},

		"region.code_malformed":        {"“%s”不是区划代码：应为 6 位（如辽宁省 210000、阜新市 210900）、9 位或 12 位数字，或去掉末尾 0 的前缀（2109）", "“%s” is not a region code: 6 digits (Liaoning 210000, Fuxin 210900), 9 or 12 digits, or the prefix without the trailing zeros (2109)"},
		"web.region.picker_hint":       {"输入名称或代码搜索（如 海州区、210902、210900）", "Type a name or a code to search (海州区, 210902, 210900)"},
		"web.region.unknown_name":      {"您的范围内没有名为“%s”的行政区划", "No region called “%s” in your scope"},
		"web.region.ambiguous_name":    {"有多个名为“%s”的行政区划，请从列表中选择", "Several regions are called “%s”: pick one from the list"},
		"web.dashboard.to_before_from": {"结束日期不能早于开始日期", "The end date cannot be before the start date"},
		"region.unknown_code":          {"没有代码为 %s 的行政区划", "There is no region with the code %s"},
	})
}
