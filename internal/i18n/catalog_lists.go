package i18n

// Texts of the list features (issue 6): search, date and sort of the case
// list, the exports of the case list, the visit plan and the volunteers,
// and the QR code and copy button of a new family link.
func init() {
	add(map[string][2]string{
		"web.lists.q":              {"搜索", "Search"},
		"web.lists.q_hint":         {"需求编号、姓名或描述中的字词", "Case number, name or words of the description"},
		"web.lists.q_hint_minimal": {"需求编号或描述中的字词", "Case number or words of the description"},
		"web.lists.created_from":   {"登记日期从", "Recorded from"},
		"web.lists.created_to":     {"登记日期至", "Recorded until"},
		"web.lists.bad_dates":      {"登记日期无效或结束早于开始，已忽略日期条件。", "The recording dates were not valid or ended before they started; they were left out."},
		"web.lists.sort_hint":      {"点击按此列排序，再点一次倒序", "Sort by this column; click again to reverse"},
		"web.lists.sorted_by":      {"按%s排序（%s），相同时按需求编号", "Sorted by %s (%s), then by case number"},
		"web.lists.sort.urgency":   {"紧急程度", "urgency"},
		"web.lists.sort.created":   {"登记时间", "recording time"},
		"web.lists.sort.status":    {"状态", "status"},
		"web.lists.sort.due_at":    {"办理期限", "deadline"},
		"web.lists.dir.asc":        {"升序", "ascending"},
		"web.lists.dir.desc":       {"降序", "descending"},
	})
}
