package i18n

// Texts of frontline deployment (一线派驻): posts and their tiers, aid-team
// batches, deployments, the couple rule and the rest rule, the conflicts
// page, rest flags, the candidate proposal, the days report, and their
// settings.
func init() {
	add(map[string][2]string{
		"object.post":       {"一线岗位", "frontline post"},
		"object.batch":      {"援助医疗队批次", "aid-team batch"},
		"object.deployment": {"派驻记录", "deployment"},

		"post.kind.fever_clinic":     {"发热门诊", "Fever clinic"},
		"post.kind.isolation_ward":   {"隔离病区", "Isolation ward"},
		"post.kind.icu":              {"重症监护室", "ICU"},
		"post.kind.sampling":         {"核酸采样点", "Sampling site"},
		"post.kind.quarantine_hotel": {"集中隔离点", "Quarantine hotel"},
		"post.kind.aid_team":         {"援助医疗队", "Aid team"},
		"post.kind.other":            {"其他一线岗位", "Other frontline post"},
		"deploy.tier.1":              {"一类（直接接触确诊或疑似患者）", "Tier 1 (direct contact with confirmed or suspected patients)"},
		"deploy.tier.2":              {"二类（其他一线工作）", "Tier 2 (other frontline work)"},
		"deploy.tier_short.1":        {"一类", "Tier 1"},
		"deploy.tier_short.2":        {"二类", "Tier 2"},
		"deploy.status.planned":      {"已安排", "Planned"},
		"deploy.status.cancelled":    {"已取消", "Cancelled"},
		"conflict.kind.couple":       {"双医护家庭同时派驻", "Couple deployed at once"},
		"conflict.kind.rest":         {"未按规定轮休", "Rest not taken"},
		"conflict.kind.overlap":      {"本人派驻日期重叠", "Overlapping deployment"},
		"conflict.status.open":       {"待处理", "Open"},
		"conflict.status.overridden": {"已说明理由放行", "Overridden with a reason"},
		"conflict.status.resolved":   {"已解除（派驻已取消）", "Resolved (a deployment was cancelled)"},
		"rest.kind.consecutive":      {"连续一线工作天数超限", "Too many consecutive frontline days"},
		"rest.kind.tier1":            {"连续一类岗位天数超限", "Too many consecutive tier-1 days"},
		"rest.kind.aid":              {"援助任务返回后的休整/隔离期", "Rest/quarantine after an aid mission"},

		"post.institution_fixed": {"岗位所属单位不能更改", "A post's institution cannot change"},
		"post.unknown":           {"岗位不存在或不在您的管辖范围内", "No such post in your scope"},
		"post.inactive":          {"该岗位已停用，不再安排新的派驻", "This post is closed to new deployments"},
		"batch.unknown":          {"批次不存在或不在您的管辖范围内", "No such batch in your scope"},
		"batch.region_fixed":     {"批次所属地区不能更改", "A batch's region cannot change"},
		"batch.region_scope":     {"地区不在您的管辖范围内", "The region is outside your scope"},

		"deploy.tier":               {"风险等级应为 1 或 2", "Tier must be 1 or 2"},
		"deploy.date":               {"日期无效（格式 YYYY-MM-DD）", "Invalid date (YYYY-MM-DD)"},
		"deploy.range":              {"应在 %d 到 %d 之间", "Must be between %d and %d"},
		"deploy.end_before_start":   {"结束日期不能早于开始日期", "The end cannot be before the start"},
		"deploy.too_long":           {"一次派驻最长 %d 天", "A deployment lasts at most %d days"},
		"deploy.period_too_long":    {"统计期间最长 %d 天", "The period is at most %d days"},
		"deploy.post_or_batch":      {"请选择岗位或批次（二者选一）", "Choose a post or a batch (one of the two)"},
		"deploy.overlap":            {"此人在 %s 至 %s 已有派驻，日期重叠", "This person is deployed already from %s to %s; the dates overlap"},
		"deploy.couple_conflict":    {"其配偶（或关联的医护亲属）在重叠日期已派驻一线。按规定应避免双医护家庭同时派驻；如确需安排，须由有权限的人员填写理由。", "Their spouse (or another relative linked as a medical worker) is deployed to the frontline on overlapping dates. Both members of a dual-medical-worker couple should not be deployed at once; an authorised person may override with a written reason."},
		"deploy.rest_required":      {"此人须先轮休（至 %s）。如确需安排，须由有权限的人员填写理由。", "This person must rest first (until %s). An authorised person may override with a written reason."},
		"deploy.override_forbidden": {"您的角色不能越过派驻规则安排（须由专班工作人员说明理由）", "Your role may not override a deployment rule (a case worker may, with a reason)"},
		"deploy.cancelled_already":  {"此派驻已取消", "This deployment is cancelled already"},

		"candidate.reason.no_couple":        {"无双医护家庭冲突", "No couple conflict"},
		"candidate.reason.couple":           {"配偶（关联医护亲属）已派驻（派驻 #%d，%s 至 %s）", "Spouse (linked medical worker) deployed (deployment #%d, %s to %s)"},
		"candidate.reason.rested":           {"已按规定轮休", "Rest taken"},
		"candidate.reason.rest_consecutive": {"须先轮休：连续一线 %d 天，超过 %d 天上限（休至 %s）", "Must rest first: %d consecutive frontline days, over the limit of %d (rest until %s)"},
		"candidate.reason.rest_tier1":       {"须先轮休：连续一类岗位 %d 天，超过 %d 天上限（休至 %s）", "Must rest first: %d consecutive tier-1 days, over the limit of %d (rest until %s)"},
		"candidate.reason.rest_aid":         {"援助任务返回后休整期内（已休 %d 天，应休 %d 天，至 %s）", "In the rest after an aid mission (%d of %d days, until %s)"},
		"candidate.reason.dependants":       {"家中需照顾的家属 %d 人", "%d dependants at home"},
		"candidate.reason.days":             {"近一年一线 %s 天", "%s frontline days in the past year"},

		"setting.deploy.max_consecutive_days": {"连续一线工作天数上限（天）", "Most consecutive frontline days"},
		"setting.deploy.max_tier1_days":       {"连续一类岗位天数上限（天）", "Most consecutive tier-1 days"},
		"setting.deploy.rest_days":            {"轮休天数（天）", "Days of rest after a run"},
		"setting.deploy.aid_rest_days":        {"援助任务返回后休整/隔离天数（新批次默认值）", "Days of rest/quarantine after an aid mission (new batches' default)"},
		"setting.deploy.half_day_hours":       {"不超过多少小时的班次按半天计（0 为不按半天计）", "Shifts of at most this many hours count half a day (0: never)"},

		"audit_action.post.create":           {"新建一线岗位", "Create frontline post"},
		"audit_action.post.update":           {"修改一线岗位", "Change frontline post"},
		"audit_action.batch.create":          {"新建援助批次", "Create aid-team batch"},
		"audit_action.batch.update":          {"修改援助批次", "Change aid-team batch"},
		"audit_action.deployment.create":     {"安排派驻", "Plan deployment"},
		"audit_action.deployment.cancel":     {"取消派驻", "Cancel deployment"},
		"audit_action.deployment.list":       {"查看派驻名单", "List deployments"},
		"audit_action.deployment.read":       {"查看派驻记录", "Read deployment"},
		"audit_action.deployment.conflicts":  {"查看派驻冲突", "List deployment conflicts"},
		"audit_action.deployment.rest_due":   {"查看轮休提醒", "List rest due"},
		"audit_action.deployment.days":       {"查看派驻天数", "Read deployment days"},
		"audit_action.deployment.candidates": {"查看派驻人选建议", "Read candidate proposal"},
		"audit_action.export.deployments":    {"导出派驻名单", "Export deployments"},
		"audit_object.post":                  {"一线岗位", "Frontline post"},
		"audit_object.batch":                 {"援助批次", "Aid-team batch"},
		"audit_object.deployment":            {"派驻记录", "Deployment"},
		"audit_object.deployment_conflict":   {"派驻冲突", "Deployment conflict"},
	})
	addSingular(map[string]string{
		"candidate.reason.dependants": "%d dependant at home",
	})
}
