package i18n

// Faults told as they are (issue 11): a database that does not answer, a
// full disk, and the page that keeps the user's place meanwhile.
func init() {
	add(map[string][2]string{
		"error.db_unavailable": {"数据库暂时无法访问，请稍后重试；您的登录仍然有效",
			"The database cannot be reached at the moment; please try again shortly. You are still signed in"},
		"error.storage_full": {"服务器存储空间已满，无法保存；需要记录审计的查阅也暂不可用。请联系系统管理员释放空间",
			"The server's storage is full, so nothing can be saved, and reads that must be audited are refused too. Please ask the system administrator to free space"},
		"web.error.503.title": {"服务暂时不可用", "Service temporarily unavailable"},
		"web.error.retry":     {"重试", "Try again"},
		"webhook.url_internal": {"不能向本机、内网、链路本地或云元数据地址推送（如确需推送到内网，请设置 HOUDUN_WEBHOOK_ALLOW_PRIVATE=true）",
			"Webhooks may not post to loopback, link-local, private or cloud metadata addresses (set HOUDUN_WEBHOOK_ALLOW_PRIVATE=true to allow them)"},
	})
}
