package i18n

// Texts of the three administrators kept apart (三权分立): who keeps accounts
// and who grants roles, roles waiting for their grant, one-time passwords,
// and the list of common passwords.
func init() {
	add(map[string][2]string{
		"user.role_kind_fixed":             {"管理员账号不能改为业务角色，业务账号也不能改为管理员角色；请新建账号", "An administrator account cannot take a business role, nor a business account an administrator role; make a new account"},
		"user.not_own":                     {"不能修改自己账号的角色、范围、密码或停用状态（自己的密码请在“账号安全”中修改）", "You cannot change your own account's role, scope, password or disabled state (change your own password under Account security)"},
		"user.one_part":                    {"账号维护（姓名、密码、停用）与角色授予须分开办理：前者由系统管理员，后者由安全管理员", "Account upkeep (name, password, disabling) and role grants are separate changes: the system administrator does the first, the security administrator the second"},
		"user.upkeep_sysadmin_only":        {"账号的姓名、密码重置和停用由系统管理员办理", "The system administrator keeps accounts' names, password resets and disabling"},
		"user.create_sysadmin_only":        {"账号由系统管理员新建，再由安全管理员授予角色", "The system administrator makes accounts; the security administrator then grants their roles"},
		"login.role_pending":               {"该账号的角色尚待安全管理员授予，授予后才能登录", "This account's role waits for the security administrator's grant; you can log in once it is granted"},
		"password.change_required":         {"管理员为您设置的密码只能使用一次：请先修改密码", "The password an administrator set for you works once: change it first"},
		"password.common":                  {"该密码过于常见，容易被猜中，请换一个", "This password is too common and easily guessed; choose another"},
		"notification.kind.password_reset": {"管理员重置了您的密码；如非您本人申请，请立即联系安全管理员", "An administrator reset your password; if you did not ask for it, tell the security administrator at once"},

		"web.notice.password_must_change": {"您的密码由管理员设置，须先修改密码才能继续使用。", "Your password was set by an administrator: change it before you go on."},
		"web.notice.role_granted":         {"角色已授予，该账号现在可以登录。", "Role granted; the account can now log in."},
		"web.user.role_pending":           {"待授予角色", "Role not granted yet"},
		"web.user.one_time_password":      {"一次性密码", "One-time password"},
		"web.user.grant":                  {"授予角色：%s", "Grant role: %s"},
		"web.user.role_hint":              {"所申请的角色由安全管理员授予后账号才能登录；初始密码须在首次登录时修改。", "The account logs in once the security administrator grants the role asked for; its first password must be changed at the first login."},
	})
}
