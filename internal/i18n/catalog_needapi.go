package i18n

// Texts of the needs ledger's JSON API and of the ledger workbook (台账).
func init() {
	add(map[string][2]string{
		"inbox.ids_or_all":   {"请给出要标记的通知编号 ids，或 all: true（二者选一）", "Give the ids to mark, or all: true (one of the two)"},
		"inbox.too_many_ids": {"一次最多标记 %d 条", "At most %d entries at once"},
		"inbox.bad_id":       {"通知编号应为正整数", "Ids are positive whole numbers"},

		"ledger.title_region":   {"%s一线医务人员及家属需求困难台账", "Ledger of needs and difficulties of frontline medical workers and their families: %s"},
		"ledger.title_all":      {"一线医务人员及家属需求困难台账", "Ledger of needs and difficulties of frontline medical workers and their families"},
		"ledger.sheet":          {"需求困难台账", "Ledger"},
		"ledger.summary_sheet":  {"分类统计", "Summary"},
		"ledger.subtitle":       {"登记时段：%s　　导出时间：%s", "Recorded: %s    Exported: %s"},
		"ledger.period_all":     {"全部", "all"},
		"ledger.period":         {"%s 至 %s", "%s to %s"},
		"ledger.period_from":    {"%s 起", "from %s"},
		"ledger.period_to":      {"截至 %s", "until %s"},
		"ledger.total":          {"合计", "Total"},
		"ledger.unassigned":     {"未分派", "Unassigned"},
		"ledger.overdue_suffix": {"（逾期）", " (overdue)"},
		"ledger.list_sep":       {"、", ", "},

		"ledger.family.none":     {"无登记家属", "No relatives registered"},
		"ledger.family.count":    {"家属%d人", "%d relative(s)"},
		"ledger.family.care":     {"（%s）", " (%s)"},
		"ledger.family.concerns": {"；本需求涉及：%s", "; this case concerns: %s"},

		"ledger.col.seq":          {"序号", "No."},
		"ledger.col.name":         {"姓名", "Name"},
		"ledger.col.institution":  {"单位", "Institution"},
		"ledger.col.family":       {"家庭情况", "Family situation"},
		"ledger.col.need":         {"需求内容", "Need"},
		"ledger.col.category":     {"保障类别", "Guarantee"},
		"ledger.col.kind":         {"需求类型", "Kind"},
		"ledger.col.urgency":      {"紧急程度", "Urgency"},
		"ledger.col.measures":     {"采取措施", "Measures taken"},
		"ledger.col.responsible":  {"责任人", "Responsible"},
		"ledger.col.created":      {"登记日期", "Recorded"},
		"ledger.col.due":          {"办理期限", "Deadline"},
		"ledger.col.closed":       {"办结日期", "Closed"},
		"ledger.col.status":       {"状态", "Status"},
		"ledger.col.satisfaction": {"满意度", "Satisfaction"},
	})
}
