package i18n

// Outbox mail to the team mailboxes (package notify): the subject is
// Chinese, the body Chinese with the English below.
func init() {
	add(map[string][2]string{
		"notify.mail.subject":  {"【后盾】%s：需求 #%d（%s）", "[Houdun] %s: case #%d (%s)"},
		"notify.mail.heading":  {"后盾 · 需求困难台账通知", "Houdun · needs-and-difficulties ledger notice"},
		"notify.mail.event":    {"事件", "Event"},
		"notify.mail.need":     {"需求编号", "Case"},
		"notify.mail.category": {"保障类别", "Guarantee"},
		"notify.mail.kind":     {"需求类型", "Kind"},
		"notify.mail.urgency":  {"紧急程度", "Urgency"},
		"notify.mail.status":   {"办理状态", "Status"},
		"notify.mail.level":    {"升级层级", "Escalation level"},
		"notify.mail.team":     {"承办专班", "Team"},
		"notify.mail.region":   {"所属地区", "Region"},
		"notify.mail.due":      {"办理时限", "Due"},
		"notify.mail.at":       {"发生时间", "At"},
		"notify.mail.action":   {"请登录后盾系统查看并办理该需求。", "Please sign in to Houdun to see and handle the case."},
		"notify.mail.footer": {"本邮件由系统自动发送给本级专班邮箱，不含个人信息，请勿回复。",
			"This message was sent automatically to the team mailbox; it carries no personal data. Please do not reply."},
		"notify.mail.time_zone": {"北京时间", "Beijing time"},
	})
}
