package i18n

// Texts of an account's page (/users/{id}): the security administrator's
// change of role and scope, the system administrator's display name and
// one-time password reset.
func init() {
	add(map[string][2]string{
		"user.scope_one":     {"区划代码、单位编号、人员编号三项只填一项", "Fill in exactly one of region code, institution number and person number"},
		"user.reset_confirm": {"请勾选确认后再重置", "Tick the confirmation to reset"},
		"otp.not_needed":     {"该账号登录不使用身份验证器", "This account does not log in with an authenticator"},

		"web.user.show_title":        {"账号 %s", "Account %s"},
		"web.user.account":           {"账号信息", "Account"},
		"web.user.open":              {"查看", "Open"},
		"web.user.scope_title":       {"角色和管辖范围", "Role and scope"},
		"web.user.scope_change_hint": {"由安全管理员修改；保存即授予所选角色。修改后该账号需重新登录。管理员账号只能改为另一种管理员角色，业务账号只能改为业务角色。", "Changed by the security administrator; saving grants the role chosen. The account must log in again afterwards. An administrator account only takes another administrator role, a business account only a business role."},
		"web.user.scope_save":        {"保存角色和范围", "Save role and scope"},
		"web.user.reset_title":       {"重置密码", "Reset the password"},
		"web.user.reset_hint":        {"系统生成一次性密码，只显示一次；账号本人下次登录时必须先修改密码，其收件箱会收到通知。该账号现有的登录会话全部结束。", "The system makes a one-time password, shown once; the owner must change it at their next login, and their inbox is told. The account's sessions all end."},
		"web.user.reset_confirm":     {"我已核实本人身份，确认重置", "I have checked the owner's identity and confirm the reset"},
		"web.user.reset":             {"重置密码", "Reset password"},
		"web.user.reset_done":        {"一次性密码", "One-time password"},
		"web.user.reset_done_hint":   {"请当面或通过可靠渠道交给账号本人。离开本页后不再显示；本人首次登录时须修改。", "Hand it to the owner in person or through a trusted channel. It is not shown again once you leave this page; the owner must change it at first login."},
	})
}
