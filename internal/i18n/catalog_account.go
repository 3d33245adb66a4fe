package i18n

// Texts of the administrators' second factor (TOTP) and of changing one's
// own password: the store's messages, the login's second step, the account
// page and the audit actions they write.
func init() {
	add(map[string][2]string{
		"login.otp_required":       {"请输入身份验证器上的 6 位动态验证码", "Enter the 6-digit code of your authenticator app"},
		"login.otp_invalid":        {"验证码错误、已过期或已使用过", "Wrong code, or a code that has expired or was used before"},
		"login.otp_enrol":          {"管理员账号须先绑定身份验证器：请在网页登录页登录完成绑定，或调用 POST /api/v1/session/enrolment", "Administrator accounts must set up an authenticator first: log in on the web login page to do so, or call POST /api/v1/session/enrolment"},
		"login.pending_gone":       {"登录已超时或已失效，请重新输入用户名和密码", "The login timed out or was ended; enter your username and password again"},
		"otp.already_enrolled":     {"该账号已绑定身份验证器", "This account already has an authenticator"},
		"otp.not_enrolled":         {"该账号尚未绑定身份验证器", "This account has no authenticator"},
		"otp.reset_own_needs_code": {"解除自己的身份验证器须输入当前验证码", "To remove your own authenticator, enter its current code"},
		"otp.bad_secret":           {"密钥格式不正确", "Malformed key"},
		"password.unchanged":       {"新密码不能与当前密码相同", "The new password must differ from the current one"},
		"password.wrong_current":   {"当前密码不正确", "The current password is wrong"},
		"password.mismatch":        {"两次输入的新密码不一致", "The two new passwords differ"},
		"password.policy":          {"至少 %d 位，包含大写字母、小写字母、数字、符号中的至少 %d 类", "At least %d characters, from at least %d of: upper case, lower case, digits, symbols"},

		"web.otp.title":           {"动态验证码", "Authenticator code"},
		"web.otp.heading":         {"输入动态验证码", "Enter your authenticator code"},
		"web.otp.lead":            {"%s 的密码正确。请打开手机上的身份验证器应用，输入当前显示的 6 位验证码。", "The password of %s is right. Open the authenticator app on your phone and enter the 6-digit code it shows now."},
		"web.otp.code":            {"验证码", "Code"},
		"web.otp.code_hint":       {"6 位数字，每 30 秒更新一次", "Six digits, a new one every 30 seconds"},
		"web.otp.submit":          {"验证并登录", "Verify and log in"},
		"web.otp.lost":            {"手机丢失或无法获取验证码？请联系安全管理员重置。", "Lost your phone? Ask the security administrator to reset your authenticator."},
		"web.otp.restart":         {"重新登录", "Start again"},
		"web.otp.enrol_title":     {"绑定身份验证器", "Set up an authenticator"},
		"web.otp.enrol_heading":   {"绑定身份验证器", "Set up an authenticator"},
		"web.otp.enrol_lead":      {"管理员账号 %s 登录时除密码外还须输入动态验证码。完成绑定前不能进行其他操作。", "The administrator account %s logs in with a code as well as the password. Nothing else can be done until an authenticator is set up."},
		"web.otp.enrol_step_app":  {"在手机上安装身份验证器应用，如 Microsoft Authenticator、Google Authenticator、FreeOTP 或腾讯身份验证器。", "Install an authenticator app on your phone, such as Microsoft Authenticator, Google Authenticator or FreeOTP."},
		"web.otp.enrol_step_scan": {"在应用中添加账号，扫描下面的二维码：", "In the app, add an account and scan this QR code:"},
		"web.otp.enrol_step_type": {"无法扫码时，选择手动输入，填入以下密钥（基于时间）：", "If you cannot scan it, enter this key by hand (time-based):"},
		"web.otp.uri":             {"显示 otpauth 链接", "Show the otpauth link"},
		"web.otp.qr_alt":          {"身份验证器二维码", "Authenticator QR code"},
		"web.otp.enrol_step_code": {"输入应用显示的 6 位验证码，完成绑定并登录。", "Enter the 6-digit code the app shows to confirm it and log in."},
		"web.otp.enrol_once":      {"密钥只显示这一次；请勿截图、打印或转发。", "The key is shown only this once; do not screenshot, print or forward it."},
		"web.otp.enrol_shown":     {"密钥已在上一页显示过。若已添加到应用，请输入验证码；若未添加，请生成新密钥。", "The key was shown on the previous page. If you added it to your app, enter its code; if not, make a new key."},
		"web.otp.enrol_submit":    {"完成绑定并登录", "Confirm and log in"},
		"web.otp.new_key":         {"生成新密钥", "Make a new key"},

		"web.account.link":             {"账号安全", "Account security"},
		"web.account.title":            {"账号安全", "Account security"},
		"web.account.heading":          {"账号安全", "Account security"},
		"web.account.lead":             {"当前账号：%s（%s）", "Account: %s (%s)"},
		"web.account.password_heading": {"修改密码", "Change password"},
		"web.account.password_lead":    {"修改后，本账号在其他设备和浏览器上的登录将全部退出。", "After the change, this account's sessions on other devices and browsers end."},
		"web.account.current_password": {"当前密码", "Current password"},
		"web.account.new_password":     {"新密码", "New password"},
		"web.account.confirm_password": {"再次输入新密码", "New password again"},
		"web.account.password_submit":  {"修改密码", "Change password"},
		"web.account.otp_heading":      {"更换身份验证器", "Replace your authenticator"},
		"web.account.otp_lead":         {"换手机时使用：输入当前验证码解除绑定，随后退出登录，下次登录时绑定新的身份验证器。", "For a new phone: enter the current code to remove the authenticator; you are logged out and set up the new one at your next login."},
		"web.account.otp_submit":       {"解除绑定并退出", "Remove it and log out"},

		"web.user.otp_enrolled": {"已绑定验证器", "Authenticator set"},
		"web.user.otp_pending":  {"未绑定验证器", "No authenticator yet"},
		"web.user.otp_reset":    {"重置验证器", "Reset authenticator"},

		"web.notice.password_changed": {"密码已修改，其他设备上的登录已退出。", "Password changed; your other sessions have ended."},
		"web.notice.otp_reset":        {"已重置该账号的身份验证器：其登录已全部退出，下次登录时须重新绑定。", "The account's authenticator was reset: its sessions ended, and it sets up a new one at its next login."},
		"web.notice.otp_removed":      {"身份验证器已解除绑定。请重新登录并绑定新的身份验证器。", "Your authenticator was removed. Log in again to set up the new one."},

		"audit_action.session.pending":      {"登录待验证码", "Login awaiting code"},
		"audit_action.user.otp_enrol":       {"绑定身份验证器", "Set up authenticator"},
		"audit_action.user.otp_reset":       {"重置身份验证器", "Reset authenticator"},
		"audit_action.user.password_change": {"修改本人密码", "Change own password"},
	})
}
