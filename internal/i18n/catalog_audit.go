package i18n

// Texts of the audit trail's own checks: the keyed chain's verification as
// the auditor sees it, the audit log's filters and export, and the labels of
// the audit rows written by reads of lists.
func init() {
	add(map[string][2]string{
		"audit_action.audit.verify":   {"校验审计链", "Verify audit chain"},
		"audit_action.audit.rekey":    {"审计链改用密钥", "Key the audit chain"},
		"audit_action.export.audit":   {"导出审计日志", "Export audit trail"},
		"audit_action.person.list":    {"查看人员名单", "List people"},
		"audit_action.need.list":      {"查看需求列表", "List cases"},
		"audit_action.visit.list":     {"查看走访记录列表", "List visits"},
		"audit_action.visit.read":     {"查看走访记录", "View visit"},
		"audit_action.visit.due":      {"查看走访计划", "View visit plan"},
		"audit_action.volunteer.list": {"查看志愿者名单", "List volunteers"},
		"audit_action.volunteer.read": {"查看志愿者", "View volunteer"},
		"audit_action.pairing.list":   {"查看结对列表", "List pairings"},
		"audit_action.pairing.read":   {"查看结对", "View pairing"},
		"audit_export.sheet":          {"审计日志", "Audit trail"},
		"audit_export.file":           {"审计日志", "audit-trail"},
		"audit_export.id":             {"编号", "No."},
		"audit_export.at":             {"时间（北京时间）", "Time (China)"},
		"audit_export.user":           {"账号", "Account"},
		"audit_export.role":           {"角色", "Role"},
		"audit_export.ip":             {"IP 地址", "IP address"},
		"audit_export.action":         {"操作", "Action"},
		"audit_export.object_type":    {"对象类型", "Object type"},
		"audit_export.object_id":      {"对象编号", "Object id"},
		"audit_export.outcome":        {"结果", "Outcome"},
		"audit_export.detail":         {"详情", "Detail"},
		"audit_export.hash":           {"链哈希", "Chain hash"},
		"web.audit.username":          {"账号", "Account"},
		"web.audit.export":            {"导出 Excel（按当前筛选，全部记录）", "Export to Excel (all entries of this filter)"},
		"outcome.not_found":           {"未找到", "Not found"},

		"web.audit.chain":        {"审计链校验", "Audit chain check"},
		"web.audit.chain_ok":     {"最近一次校验（%s，%s）：%d 条记录完整，未发现篡改。", "Last check (%s, %s): %d entries intact, no tampering found."},
		"web.audit.chain_broken": {"最近一次校验（%s，%s）发现审计记录被篡改：第一条不符的记录编号为 #%d（%s）。请立即报告安全管理员，并与备份核对。", "The last check (%s, %s) found the audit trail tampered with: the first entry that does not verify is #%d (%s). Report it to the security administrator at once and compare with a backup."},
		"web.audit.chain_none":   {"审计链尚未校验过；服务启动时与每日自动校验，也可在服务器上运行 houdun audit verify。", "The audit chain has not been checked yet; it is checked at server start and daily, or with houdun audit verify on the server."},
		"audit_via.start":        {"服务启动时", "at server start"},
		"audit_via.daily":        {"每日校验", "daily check"},
		"audit_via.cli":          {"命令行", "command line"},
		"audit_reason.link":      {"前后记录的链接断开：有记录被删除、插入或调换", "the link to the entry before is broken: an entry was removed, inserted or moved"},
		"audit_reason.hash":      {"记录内容或哈希被改动，或哈希不是用本系统密钥计算的", "the entry or its hash was changed, or the hash was not made with this system's key"},
		"audit_reason.legacy":    {"启用密钥之前审计链已被破坏", "the chain was broken before it was keyed"},
		"audit_reason.unkeyed":   {"审计链尚未改用密钥（数据库未迁移）", "the chain is not keyed yet (the database was not migrated)"},
	})
}
