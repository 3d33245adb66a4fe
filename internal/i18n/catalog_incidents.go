package i18n

// Texts of discrimination incidents (歧视孤立事件): statuses, outcomes, kinds
// of party and step, the errors of reporting and handling, the inbox and
// audit names, the settings, and the pages (the worker's and the relative's
// report forms, the team's list and the incident page).
func init() {
	add(map[string][2]string{
		"object.incident":       {"歧视事件", "incident"},
		"audit_object.incident": {"歧视事件", "Discrimination incident"},

		"incident.status.reported":  {"待处理", "Reported"},
		"incident.status.handling":  {"处理中", "Being handled"},
		"incident.status.concluded": {"已办结", "Concluded"},

		"incident.outcome.education":       {"批评教育", "Criticism and education"},
		"incident.outcome.penalty":         {"处理处罚", "Sanctioned"},
		"incident.outcome.police":          {"移送公安", "Referred to the police"},
		"incident.outcome.unsubstantiated": {"查无实据", "Not substantiated"},

		"incident.party.landlord":  {"房东", "Landlord"},
		"incident.party.employer":  {"用人单位", "Employer"},
		"incident.party.school":    {"学校、幼儿园", "School or kindergarten"},
		"incident.party.property":  {"物业", "Property management"},
		"incident.party.neighbour": {"邻居", "Neighbour"},
		"incident.party.business":  {"商户、出租车等服务", "Shop, taxi or other service"},
		"incident.party.other":     {"其他", "Other"},

		"incident.reporter.worker":     {"医务人员本人", "The worker"},
		"incident.reporter.family":     {"家属（自助链接）", "A relative (self-service link)"},
		"incident.reporter.caseworker": {"专班登记", "Recorded by the team"},

		"incident.step.assign":           {"指定承办人", "Handler named"},
		"incident.step.contact_reporter": {"已联系报告人", "Reporter contacted"},
		"incident.step.contact_party":    {"约谈当事方", "Party contacted"},
		"incident.step.visit":            {"上门核实", "Site visit"},
		"incident.step.mediation":        {"调解", "Mediation"},
		"incident.step.referral":         {"转交有关部门", "Referred to an authority"},
		"incident.step.note":             {"备注", "Note"},
		"incident.step.outcome":          {"办结", "Concluded"},
		"incident.step.reopen":           {"重新处理", "Reopened"},

		"incident.action.assign":  {"指定承办人", "name the handler"},
		"incident.action.step":    {"记录处理步骤", "record a step"},
		"incident.action.outcome": {"办结", "conclude"},
		"incident.action.reopen":  {"重新处理", "reopen"},

		"incident.future":            {"发生日期不能晚于今天", "The date cannot be later than today"},
		"incident.parties_max":       {"最多填写 %d 个当事方", "At most %d parties"},
		"incident.own_only":          {"只能报告本人或本人家属遇到的事件", "You can report incidents of your own household only"},
		"incident.need_team_only":    {"只有专班可以从需求台账登记事件", "Only the team opens an incident from a case"},
		"incident.need_unknown":      {"找不到该需求", "No such case"},
		"incident.need_kind":         {"只有“歧视孤立”类需求可以登记为歧视事件", "Only a case of kind discrimination can open an incident"},
		"incident.need_closed":       {"该需求已办结，不能再登记事件", "The case is finished; it cannot open an incident"},
		"incident.need_taken":        {"该需求已登记歧视事件", "The case has an incident already"},
		"incident.team_only":         {"只有本地区专班可以处理歧视事件", "Only the region's team handles incidents"},
		"incident.transition":        {"不能对%[2]s的事件%[1]s", "Cannot %[1]s an incident that is %[2]s"},
		"incident.handler_not_team":  {"承办人须是本地区专班人员", "The handler must be of the region's team"},
		"incident.no_case":           {"此事件没有关联需求", "The incident has no case"},
		"incident.case_resolution":   {"歧视事件 #%d 已办结：%s", "Discrimination incident #%d concluded: %s"},
		"incident.reported_accepted": {"已收到您的报告，专班将在时限内与您联系。您的身份只有专班可见。", "Your report is received; the team will contact you in time. Only the team sees who you are."},

		"notification.kind.incident.reported": {"有新的歧视事件报告待处理", "A discrimination incident was reported"},
		"notification.kind.incident.assigned": {"您被指定为歧视事件承办人", "You handle a discrimination incident"},

		"setting.incident.contact_minutes": {"歧视事件联系报告人时限（分钟）", "Time to contact the reporter of an incident (minutes)"},
		"setting.incident.conclude_days":   {"歧视事件办结时限（天）", "Days to conclude an incident"},

		"audit_action.incident.report":  {"报告歧视事件", "Report discrimination incident"},
		"audit_action.incident.list":    {"查看歧视事件列表", "List discrimination incidents"},
		"audit_action.incident.read":    {"查看歧视事件", "View discrimination incident"},
		"audit_action.incident.assign":  {"指定歧视事件承办人", "Assign discrimination incident"},
		"audit_action.incident.step":    {"记录歧视事件处理步骤", "Record incident step"},
		"audit_action.incident.outcome": {"办结歧视事件", "Conclude discrimination incident"},
		"audit_action.incident.reopen":  {"重新处理歧视事件", "Reopen discrimination incident"},
		"audit_action.export.incidents": {"导出歧视事件", "Export discrimination incidents"},

		"export.sheet.incidents":            {"歧视事件", "Incidents"},
		"export.title.incidents":            {"歧视事件处理台账（含报告人信息，仅限专班使用，导出于 %s）", "Discrimination incidents (with reporters: for the handling team only), exported %s"},
		"export.file.incidents":             {"歧视事件", "incidents"},
		"export.col.incident.no":            {"编号", "No."},
		"export.col.incident.status":        {"状态", "Status"},
		"export.col.incident.occurred":      {"发生日期", "Date"},
		"export.col.incident.region":        {"地区", "Region"},
		"export.col.incident.place":         {"地点", "Place"},
		"export.col.incident.parties":       {"当事方", "Parties"},
		"export.col.incident.description":   {"经过", "What happened"},
		"export.col.incident.person":        {"医务人员", "Worker"},
		"export.col.incident.relative":      {"受影响家属", "Relative affected"},
		"export.col.incident.reporter_kind": {"报告方式", "Reported by"},
		"export.col.incident.reporter":      {"报告人", "Reporter"},
		"export.col.incident.contact":       {"报告人联系方式", "Reporter's contact"},
		"export.col.incident.handler":       {"承办人", "Handler"},
		"export.col.incident.contact_due":   {"联系时限", "Contact by"},
		"export.col.incident.contacted":     {"联系时间", "Contacted"},
		"export.col.incident.conclude_due":  {"办结时限", "Conclude by"},
		"export.col.incident.overdue":       {"超时", "Overdue"},
		"export.col.incident.outcome":       {"处理结果", "Outcome"},
		"export.col.incident.created":       {"报告时间", "Reported"},
	})
}
