package i18n

// Errors, fields and objects shared by every area.
func init() {
	add(map[string][2]string{
		"error.internal":         {"服务器内部错误，请稍后再试", "Internal server error; please try again later"},
		"error.not_found":        {"找不到该%s", "%s not found"},
		"error.invalid":          {"输入有误，请检查标出的字段", "Some fields are invalid; please check the marked fields"},
		"error.forbidden":        {"您的角色无权使用此功能", "Your role may not use this function"},
		"error.unauthenticated":  {"请先登录", "Please log in"},
		"error.stale_version":    {"该记录已被他人修改，请刷新后重试", "Someone else changed this record; reload and try again"},
		"error.too_large":        {"请求内容过大（上限 %s）", "Request too large (limit %s)"},
		"error.bad_json":         {"JSON 格式错误：%s", "Malformed JSON: %s"},
		"error.unsupported_type": {"不支持的内容类型，请使用 %s", "Unsupported content type; use %s"},
		"error.rate_limited":     {"请求过于频繁，请稍后再试", "Too many requests; please wait and try again"},
		"error.unavailable":      {"服务暂不可用", "Service unavailable"},
		"error.bad_id":           {"编号格式错误", "Malformed id"},
		"error.bad_query":        {"查询参数 %s 有误", "Query parameter %s is invalid"},
		"error.method":           {"不支持的请求方法", "Method not allowed"},

		"field.required":      {"必填", "Required"},
		"field.required_max":  {"必填，最多 %d 个字", "Required, at most %d characters"},
		"field.too_long":      {"最多 %d 个字", "At most %d characters"},
		"field.choice":        {"不是允许的选项", "Not one of the allowed values"},
		"field.control_chars": {"不能包含换行或制表符", "Must not contain line breaks or tabs"},
		"field.date":          {"日期无效（格式 YYYY-MM-DD，不能晚于今天）", "Invalid date (YYYY-MM-DD, not in the future)"},
		"field.bool":          {"请填写“是”或“否”", "Use yes or no"},
		"field.number":        {"应为数字", "Must be a number"},
		"field.unknown":       {"未知字段", "Unknown field"},
		"field.type":          {"类型错误，应为%s", "Wrong type; expected %s"},

		"id_number.empty":        {"请填写身份证号", "ID number is required"},
		"id_number.length":       {"身份证号应为 18 位", "ID number must have 18 characters"},
		"id_number.characters":   {"身份证号只能包含数字，最后一位可以是 X", "ID number may contain only digits, with X as the last character"},
		"id_number.checksum":     {"身份证号校验位不正确", "ID number check character is wrong"},
		"id_number.birth_date":   {"身份证号中的出生日期无效", "The birth date in the ID number is impossible"},
		"id_number.format":       {"身份证号格式不正确", "ID number is malformed"},
		"phone.invalid":          {"手机号应为 11 位大陆手机号（可带 +86）", "Must be an 11-digit mainland mobile number (+86 allowed)"},
		"credit_code.empty":      {"请填写统一社会信用代码", "Credit code is required"},
		"credit_code.length":     {"统一社会信用代码应为 18 位", "Unified social credit code must have 18 characters"},
		"credit_code.characters": {"统一社会信用代码含有不允许的字符", "Unified social credit code has characters that are not allowed"},
		"credit_code.checksum":   {"统一社会信用代码校验位不正确", "Unified social credit code check character is wrong"},
		"credit_code.birth_date": {"统一社会信用代码格式不正确", "Unified social credit code is malformed"},
		"credit_code.format":     {"统一社会信用代码格式不正确", "Unified social credit code is malformed"},

		"object.person":        {"人员", "person"},
		"object.family_member": {"家属", "family member"},
		"object.institution":   {"单位", "institution"},
		"object.region":        {"行政区划", "region"},
		"object.user":          {"账号", "user"},
		"object.import":        {"导入任务", "import"},
		"object.page":          {"页面", "page"},

		"region.code_invalid": {"区划代码应为上级代码加 3 位数字（街道 9 位，社区 12 位）", "The code must be the parent's code plus 3 digits (street 9 digits, community 12)"},
		"region.exists":       {"该区划代码已存在", "This region code exists already"},
		"region.unknown":      {"未知的行政区划代码", "Unknown region code"},
		"region.out_of_scope": {"超出您的管辖范围", "Outside your scope"},

		"institution.unknown":           {"未找到该单位（或不在您的管辖范围内）", "Institution not found (or outside your scope)"},
		"institution.credit_code_taken": {"该统一社会信用代码已登记", "This credit code is registered already"},
		"institution.name_taken":        {"本区划内已有同名单位", "An institution of this name exists in this region"},
		"institution.ambiguous":         {"有多个同名单位，请改填统一社会信用代码", "Several institutions have this name; use the credit code"},

		"person.id_number_taken": {"该身份证号已登记", "This ID number is registered already"},
		"person.unknown":         {"未找到该人员", "Person not found"},
		"person.in_use":          {"该人员关联了系统账号，请先停用或改绑账号", "A user account is tied to this person; change that account first"},

		"family.id_number_taken":     {"该家属已登记", "This relative is registered already"},
		"family.birth_date_mismatch": {"出生日期与身份证号不一致", "Birth date does not match the ID number"},
		"family.birth_date_or_id":    {"请填写出生日期或身份证号", "Give a birth date or an ID number"},
		"family.link_self":           {"不能关联本人", "Cannot link the person to themselves"},

		"password.too_short":  {"密码至少 8 位", "Password must have at least 8 characters"},
		"password.too_long":   {"密码过长", "Password too long"},
		"password.too_simple": {"密码须包含大写字母、小写字母、数字、符号中的至少三类", "Password needs at least three of: upper case, lower case, digits, symbols"},

		"user.username_invalid":    {"用户名为 3–64 位字母、数字或 . _ @ -", "Username: 3–64 letters, digits or . _ @ -"},
		"user.username_taken":      {"用户名已被使用", "Username taken"},
		"user.username_fixed":      {"用户名不能修改", "The username cannot change"},
		"user.one_scope":           {"请指定且只指定一个范围：区划、单位或人员", "Give exactly one scope: a region, an institution or a person"},
		"user.worker_needs_person": {"一线人员账号须关联本人的人员记录", "A worker account must be tied to its own person record"},
		"user.person_only_worker":  {"只有一线人员账号关联人员记录", "Only worker accounts are tied to a person"},
		"user.needs_institution":   {"单位管理员须指定单位", "An institution admin needs an institution"},
		"user.cannot_grant":        {"您无权授予该角色（管理员角色由安全管理员授予）", "You may not grant this role (administrator roles are granted by the security administrator)"},

		"login.failed":    {"用户名或密码错误", "Wrong username or password"},
		"login.locked":    {"登录失败次数过多，账号已锁定，请 %d 分钟后再试", "Too many failed logins; the account is locked, try again in %d minutes"},
		"session.expired": {"会话已过期，请重新登录", "Your session has expired; please log in again"},

		"import.invalid":              {"文件中有 %d 处错误，未导入任何数据", "The file has %d errors; nothing was imported"},
		"import.registered_elsewhere": {"该身份证号已登记在您管辖范围以外的单位", "This ID number is registered at an institution outside your scope"},
		"import.worker_unknown":       {"未找到该职工（请先导入人员名单）", "Worker not found (import the roster first)"},
		"import.conflict":             {"导入时发生冲突，请重试", "A conflict occurred during the import; try again"},
	})
}

func init() {
	add(map[string][2]string{
		"error.cross_origin": {"跨站请求被拒绝", "Cross-origin request rejected"},
		"error.locked":       {"账号已锁定", "Account locked"},
		"type.boolean":       {"是或否（true/false）", "true or false"},
		"type.number":        {"数字", "a number"},
		"type.string":        {"文字", "text"},
		"type.array":         {"列表", "a list"},
		"type.object":        {"对象", "an object"},
	})
}
