package i18n

// Texts of transfer requests (人员转移申请): a person registered in another
// area, registered again by a team that may not see them; the answer that
// does not tell them so; the approvers' queue and forms; the rate limit of
// import dry runs and the busy answer of imports.
func init() {
	add(map[string][2]string{
		"object.transfer": {"转移申请", "transfer request"},

		"person.accepted": {"登记已受理。新登记的人员会出现在人员名单中；如该身份证号已在其他地区登记，已转为人员转移申请，由覆盖双方地区的专班审核。",
			"Registration accepted. A newly registered person appears in the people list; if the ID number is registered in another area, it became a transfer request that a team covering both areas reviews."},
		"transfer.submitted_instead": {"该身份证号已在其他地区登记，已提交人员转移申请", "The ID number is registered in another area; a transfer request was submitted"},
		"transfer.not_yours":         {"此申请须由覆盖双方地区的专班（非申请人本人）审核", "This request is decided by a team covering both areas, not by its requester"},
		"transfer.decided":           {"此申请已处理", "This request has been decided already"},
		"transfer.person_moved":      {"此人员的单位在申请后已变更，请驳回后重新提交", "The person's institution changed after the request; reject it and submit again"},
		"transfer.status.submitted":  {"待审核", "Submitted for review"},
		"transfer.status.approved":   {"已批准", "Approved"},
		"transfer.status.rejected":   {"已驳回", "Rejected"},
		"transfer.source.form":       {"登记表", "Registration form"},
		"transfer.source.import":     {"名单导入", "Roster import"},

		"import.dry_run_limited": {"核对过于频繁（每分钟最多 %d 次），请稍后再试", "Too many checks (at most %d a minute); please try again later"},
		"import.busy":            {"当前导入任务较多，请稍后再试", "The server is busy with other imports; please try again shortly"},
		"import.transfers_note":  {"“新增”含身份证号已在其他地区登记的行：这些行已转为人员转移申请，待审核后才会出现在名单中。", "\"Created\" includes rows whose ID number is registered in another area: those became transfer requests and appear in the list once approved."},

		"notification.kind.transfer.submitted": {"有新的人员转移申请待审核", "A transfer request awaits your review"},
		"notification.kind.transfer.decided":   {"您提交的人员转移申请已处理", "Your transfer request has been decided"},

		"audit_object.transfer":         {"转移申请", "Transfer request"},
		"audit_action.transfer.submit":  {"提交人员转移申请", "Submit transfer request"},
		"audit_action.transfer.approve": {"批准人员转移申请", "Approve transfer request"},
		"audit_action.transfer.reject":  {"驳回人员转移申请", "Reject transfer request"},
		"audit_action.transfer.read":    {"查看人员转移申请", "View transfer requests"},
		"audit_action.import.dry_run":   {"核对名单（不导入）", "Check roster (dry run)"},

		// Pages.
		"web.home.about.transfers":     {"审核跨地区人员转移申请", "Review requests to move people between areas"},
		"web.nav.transfers":            {"转移审核", "Transfers"},
		"web.transfer.title":           {"人员转移申请", "Transfer requests"},
		"web.transfer.show_title":      {"转移申请 #%d", "Transfer request #%d"},
		"web.transfer.intro":           {"在其他地区已登记的人员被本地区登记或导入时，生成转移申请；由覆盖双方地区的专班审核，批准后人员的单位和地区随之变更，其需求和走访随人员转移。", "When a person registered in another area is registered or imported here, a transfer request is made; a team covering both areas reviews it, and on approval the person's institution and region change, their cases and visits with them."},
		"web.transfer.none":            {"没有符合条件的转移申请", "No transfer requests match"},
		"web.transfer.q":               {"姓名", "Name"},
		"web.transfer.status":          {"状态", "Status"},
		"web.transfer.region":          {"地区", "Region"},
		"web.transfer.all":             {"全部", "All"},
		"web.transfer.mine":            {"只看我提交的", "Only mine"},
		"web.transfer.search":          {"查询", "Search"},
		"web.transfer.requested_name":  {"申请登记姓名", "Name as requested"},
		"web.transfer.person":          {"已登记人员", "Registered person"},
		"web.transfer.from":            {"现单位", "Current institution"},
		"web.transfer.to":              {"申请调入单位", "Requested institution"},
		"web.transfer.post":            {"科室 / 职业 / 职称", "Department / occupation / title"},
		"web.transfer.requested_by":    {"申请人", "Requested by"},
		"web.transfer.created":         {"提交时间", "Submitted"},
		"web.transfer.source":          {"来源", "Source"},
		"web.transfer.decided":         {"处理", "Decision"},
		"web.transfer.reason":          {"驳回理由", "Reason for rejection"},
		"web.transfer.reason_hint":     {"申请人可以看到此理由：请勿写入对方单位或人员的信息。", "The requester sees this reason: do not write details of the other institution or the person."},
		"web.transfer.approve":         {"批准转移", "Approve the move"},
		"web.transfer.approve_hint":    {"批准后，该人员的单位、地区和岗位信息改为申请内容（姓名、身份证号、手机号不变），其需求和走访随人员转移。", "On approval the person's institution, region and post become those requested (name, ID number and phone stay); their cases and visits move with them."},
		"web.transfer.reject":          {"驳回", "Reject"},
		"web.transfer.requester_view":  {"您提交的申请只显示您填写的内容和处理结果。", "Your own request shows only what you entered and the decision."},
		"web.transfer.open":            {"查看", "Open"},
		"web.notice.transfer_approved": {"已批准转移申请。", "The transfer was approved."},
		"web.notice.transfer_rejected": {"已驳回转移申请。", "The transfer request was rejected."},
		"web.notice.person_accepted":   {"登记已受理。新登记的人员会出现在名单中；如该身份证号已在其他地区登记，已转为人员转移申请，待覆盖双方地区的专班审核。", "Registration accepted. A newly registered person appears in the list; if the ID number is registered in another area, it became a transfer request awaiting a team covering both areas."},
	})
}
