package i18n

// Texts of ID-number corrections (身份证号更正): a transfer request of its own
// kind, decided by a second person of a team covering the record.
func init() {
	add(map[string][2]string{
		"transfer.kind.move":             {"人员转移", "Move"},
		"transfer.kind.id_number":        {"身份证号更正", "ID number correction"},
		"transfer.id_number_registered":  {"该身份证号已登记为另一名人员，无法更正：请核实是否重复登记，驳回并说明", "The ID number is registered to another person, so it cannot be given to this one: check for a duplicate record, then reject with a reason"},
		"person.id_correction_submitted": {"其他信息已保存。身份证号的更正已提交审核，由另一名专班人员批准后生效；在此之前仍显示原号码。", "The other fields were saved. The change of ID number was submitted for review and takes effect once another member of the team approves it; until then the old number stays."},

		"web.transfer.kind":                  {"类型", "Kind"},
		"web.transfer.all_kinds":             {"全部类型", "All kinds"},
		"web.transfer.requested_id_number":   {"申请更正为", "Requested ID number"},
		"web.transfer.current_id_number":     {"现身份证号", "Current ID number"},
		"web.transfer.approve_id_number":     {"批准更正", "Approve the correction"},
		"web.transfer.approve_id_hint":       {"批准后，该人员的身份证号改为申请的号码，出生日期和性别随号码更新。如该号码已登记为另一名人员，批准会被拒绝。", "On approval the person's ID number becomes the one requested, and the birth date and sex follow it. If the number is registered to another person, approval is refused."},
		"web.notice.id_correction_submitted": {"其他信息已保存。身份证号的更正已提交审核，由另一名专班人员批准后生效。", "The other fields were saved. The change of ID number was submitted for review and takes effect once another member of the team approves it."},
	})
}
