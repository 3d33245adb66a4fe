package i18n

// Texts of the family self-service links (家属自助链接): the page where a
// worker or a case worker hands them out and revokes them, the relative's
// page behind a link, and their messages.
func init() {
	add(map[string][2]string{
		"object.family_link": {"自助链接", "self-service link"},

		"need.link_source":       {"通过家属自助链接反映的需求，来源只能是“家属反映”", "A need reported through a family link comes from the family"},
		"need.link_member":       {"通过此链接只能为链接所属的家属反映需求", "This link reports the needs of its own family member only"},
		"family_link.days_range": {"有效天数应为 %d–%d 天", "The link must last between %d and %d days"},
		"family_link.rate_limited": {"通过此链接一小时内最多可提交 %d 条需求，请稍后再试；情况紧急请直接联系专班工作人员。",
			"At most %d needs can be sent through this link in an hour. Please try again later; if it is urgent, contact the team directly."},

		"setting.family_link.reports_per_hour": {"每个家属自助链接每小时最多可提交的需求数", "Needs one family self-service link may send per hour"},

		"audit_object.family_link":         {"家属自助链接", "Family self-service link"},
		"audit_action.family_link.create":  {"生成家属自助链接", "Create family link"},
		"audit_action.family_link.revoke":  {"停用家属自助链接", "Revoke family link"},
		"audit_action.family_link.read":    {"查看家属自助链接", "View family links"},
		"audit_action.family_link.open":    {"打开家属自助链接", "Open family link"},
		"audit_action.family_link.limited": {"家属自助链接提交过于频繁", "Family link over its hourly limit"},

		// Who did it, where a history or a case names a link instead of an account.
		"web.family_link.actor": {"家属（通过自助链接 #%d）", "Family member (self-service link #%d)"},

		// The page that hands links out.
		"web.nav.family_links":        {"家属自助链接", "Family links"},
		"web.family_links.title":      {"家属自助链接", "Family self-service links"},
		"web.family_links.heading_of": {"%s 的家属自助链接", "Family self-service links of %s"},
		"web.family_links.lead": {"为家属开通自助链接后，家属无需账号，用手机打开链接即可反映需求、查看办理进度。链接只在生成时显示一次；不再需要时请及时停用。",
			"With a self-service link a family member can report needs and follow them from a phone, without an account. The link is shown once, when it is made; revoke it when it is no longer needed."},
		"web.family_links.new":         {"生成新链接", "Make a new link"},
		"web.family_links.member":      {"家属", "Family member"},
		"web.family_links.days":        {"有效天数", "Days valid"},
		"web.family_links.days_hint":   {"1–90 天，默认 30 天", "1 to 90 days; 30 by default"},
		"web.family_links.submit":      {"生成链接", "Make the link"},
		"web.family_links.no_family":   {"尚未登记家属，无法生成链接。", "No family member is registered, so no link can be made."},
		"web.family_links.ready":       {"链接已生成", "The link is ready"},
		"web.family_links.ready_label": {"%s 的自助链接", "Self-service link of %s"},
		"web.family_links.ready_text": {"请把上面的链接发给 %s。链接只显示这一次，离开本页后无法再查看；如遗失，请停用后重新生成。有效期至 %s。",
			"Send the link above to %s. It is shown only this once and cannot be seen again after you leave this page; if it is lost, revoke it and make a new one. It works until %s."},
		"web.family_links.active":        {"有效的链接", "Links in use"},
		"web.family_links.created":       {"生成时间：", "Made: "},
		"web.family_links.expires":       {"有效期至：", "Works until: "},
		"web.family_links.last_used":     {"最近提交：", "Last report: "},
		"web.family_links.never":         {"未使用", "Not used yet"},
		"web.family_links.by":            {"生成人：", "Made by: "},
		"web.family_links.revoke":        {"停用", "Revoke"},
		"web.family_links.none":          {"目前没有有效的自助链接。", "No link is in use."},
		"web.family_links.back_mine":     {"我的需求", "My needs"},
		"web.notice.family_link_revoked": {"链接已停用，此后打开该链接将无法使用。", "The link has been revoked; it no longer works."},

		// The relative's page behind a link.
		"web.family_report.title": {"家属反映需求", "Report a need (family)"},
		"web.family_report.hello": {"您好，%s", "Hello, %s"},
		"web.family_report.lead": {"这是专班为您开通的家属自助链接。遇到困难请在下面写明，专班会按紧急程度安排人员联系和解决；提交后可在本页查看办理进度。",
			"This is the self-service link the team has set up for you. Describe the difficulty below; the team will contact you and arrange help by urgency. You can follow the progress on this page."},
		"web.family_report.keep": {"请勿转发此链接：持有链接的人可以看到通过它反映的需求。链接有效期至 %s。",
			"Please do not forward this link: whoever has it can see the needs sent through it. It works until %s."},
		"web.family_report.form":       {"反映需求", "Report a need"},
		"web.family_report.cases":      {"我反映的需求", "Needs I reported"},
		"web.family_report.none":       {"还没有通过此链接反映的需求。", "No need has been sent through this link yet."},
		"web.family_report.gone_title": {"链接无效", "Link not valid"},
		"web.family_report.gone": {"此链接无效或已过期。如需反映需求，请联系您的家人或专班工作人员获取新的链接。",
			"This link is not valid or has expired. To report a need, ask your family member or the team for a new link."},
		"web.footer_family": {"后盾 · 一线医务人员及家属关爱保障 · 您反映的情况仅用于安排帮助",
			"Houdun · Care for frontline medical workers and their families · What you tell us is used only to arrange help"},
	})
}
