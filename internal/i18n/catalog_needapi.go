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
		"ledger.family.concerns": {"；本需求涉及：%s", "; this case concerns: %s"},
		"ledger.family.sep":      {"；", "; "},
		"ledger.family.about":    {"（%s）", " (%s)"},
		"ledger.family.attr_sep": {"，", ", "},
		"ledger.family.age":      {"%d岁", "%d"},
		"ledger.family.lives":    {"同住", "lives with them"},

		// A relative as a ledger names them: by relation, sex and, for an
		// in-law, the person's sex; for a sibling, elder or younger.
		"ledger.kin.spouse":                         {"配偶", "spouse"},
		"ledger.kin.spouse.male":                    {"丈夫", "husband"},
		"ledger.kin.spouse.female":                  {"妻子", "wife"},
		"ledger.kin.child":                          {"子女", "child"},
		"ledger.kin.child.male":                     {"儿子", "son"},
		"ledger.kin.child.female":                   {"女儿", "daughter"},
		"ledger.kin.parent":                         {"父母", "parent"},
		"ledger.kin.parent.male":                    {"父亲", "father"},
		"ledger.kin.parent.female":                  {"母亲", "mother"},
		"ledger.kin.parent_in_law":                  {"岳父母/公婆", "parent-in-law"},
		"ledger.kin.parent_in_law.of_male":          {"岳父母", "parent-in-law"},
		"ledger.kin.parent_in_law.of_female":        {"公婆", "parent-in-law"},
		"ledger.kin.parent_in_law.male_of_male":     {"岳父", "father-in-law"},
		"ledger.kin.parent_in_law.female_of_male":   {"岳母", "mother-in-law"},
		"ledger.kin.parent_in_law.male_of_female":   {"公公", "father-in-law"},
		"ledger.kin.parent_in_law.female_of_female": {"婆婆", "mother-in-law"},
		"ledger.kin.sibling":                        {"兄弟姐妹", "sibling"},
		"ledger.kin.sibling.male":                   {"兄弟", "brother"},
		"ledger.kin.sibling.female":                 {"姐妹", "sister"},
		"ledger.kin.sibling.male_older":             {"哥哥", "elder brother"},
		"ledger.kin.sibling.male_younger":           {"弟弟", "younger brother"},
		"ledger.kin.sibling.female_older":           {"姐姐", "elder sister"},
		"ledger.kin.sibling.female_younger":         {"妹妹", "younger sister"},
		"ledger.kin.other":                          {"其他亲属", "other relative"},

		// Care needs, as short as a ledger cell wants them.
		"ledger.care.elderly_care":    {"需照护", "needs care"},
		"ledger.care.minor":           {"未成年", "minor"},
		"ledger.care.disability":      {"残疾", "disabled"},
		"ledger.care.chronic_illness": {"慢性病", "chronic illness"},

		// The measures taken, one line per step of the case's history.
		"ledger.date_short":              {"1月2日", "2 Jan"}, // a Go time layout
		"ledger.step.assigned_user":      {"分派给工作人员%s", "assigned to staff member %s"},
		"ledger.step.assigned_volunteer": {"分派给志愿者%s", "assigned to volunteer %s"},
		"ledger.step.started":            {"开始处理", "work started"},
		"ledger.step.resolved":           {"办理完成：%s", "resolved: %s"},
		"ledger.step.rejected":           {"驳回：%s", "rejected: %s"},
		"ledger.step.reopened":           {"重新办理", "reopened"},
		"ledger.step.closed":             {"回访办结，满意度 %d 分", "closed after the follow-up, satisfaction %d/5"},
		"ledger.step.note":               {"（%s）", " (%s)"},
		"ledger.step.sep":                {"；", "; "},

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
