package i18n

// Texts of the JSON API's own answers.
func init() {
	add(map[string][2]string{
		"import.no_file":                {"请上传文件（表单字段 file）", "Upload a file (form field \"file\")"},
		"import.template_file.people":   {"人员名单模板", "people-template"},
		"import.template_file.families": {"家属名单模板", "families-template"},
		"export.people_file":            {"人员名单", "people"},
	})
}
