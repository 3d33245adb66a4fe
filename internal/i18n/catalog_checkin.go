package i18n

// Texts of the daily health check-ins of deployed people (每日健康打卡), their
// alerts, and the family liaison log (家属联络记录).
func init() {
	add(map[string][2]string{
		"object.checkin":        {"健康打卡", "check-in"},
		"object.family_contact": {"家属联络记录", "family contact"},

		"checkin.not_deployed":         {"您 %s 没有一线派驻安排，无需打卡；如安排有误，请联系派驻单位", "You have no frontline deployment on %s, so there is nothing to check in; if this is wrong, ask the team that deployed you"},
		"checkin.temperature_range":    {"体温应在 %.1f 至 %.1f ℃ 之间", "Temperature must be between %.1f and %.1f °C"},
		"checkin.sleep_range":          {"睡眠时长应在 0 至 24 小时之间", "Sleep must be between 0 and 24 hours"},
		"checkin.mood_range":           {"心情请选 1 至 5", "Choose a mood from 1 to 5"},
		"checkin.symptom.cough":        {"咳嗽", "Cough"},
		"checkin.symptom.sore_throat":  {"咽痛", "Sore throat"},
		"checkin.symptom.fatigue":      {"乏力", "Fatigue"},
		"checkin.symptom.short_breath": {"胸闷气短", "Short of breath"},
		"checkin.symptom.headache":     {"头痛", "Headache"},
		"checkin.symptom.muscle_ache":  {"肌肉酸痛", "Muscle ache"},
		"checkin.symptom.diarrhoea":    {"腹泻", "Diarrhoea"},
		"checkin.symptom.taste_smell":  {"嗅觉味觉减退", "Loss of taste or smell"},
		"checkin.symptom.chills":       {"畏寒", "Chills"},
		"checkin.mood.1":               {"很差", "Very low"},
		"checkin.mood.2":               {"较差", "Low"},
		"checkin.mood.3":               {"一般", "So-so"},
		"checkin.mood.4":               {"较好", "Good"},
		"checkin.mood.5":               {"很好", "Very good"},

		"family_contact.future":                    {"联络时间不能晚于现在", "The contact cannot be in the future"},
		"family_contact.too_old":                   {"联络时间不能早于一年前", "The contact cannot be more than a year ago"},
		"family_contact.member_other":              {"该家属不属于此人员", "This relative is not of this person's family"},
		"family_contact.need_other":                {"关联的需求不是此人员的，或不在您的范围内", "The linked case is not this person's, or not in your scope"},
		"family_contact.channel.phone":             {"电话", "Phone call"},
		"family_contact.channel.video":             {"视频", "Video call"},
		"family_contact.channel.message":           {"短信/微信", "Text message"},
		"family_contact.channel.home":              {"上门", "Home visit"},
		"family_contact.channel.office":            {"家属来访/来电", "Family came or called"},
		"family_contact.outcome.call_arranged":     {"安排通话", "Call arranged"},
		"family_contact.outcome.message_delivered": {"传递口信", "Message delivered"},
		"family_contact.outcome.need_heard":        {"了解到需求", "Need heard"},
		"family_contact.outcome.news_given":        {"告知近况", "News given"},
		"family_contact.outcome.no_answer":         {"未联系上", "No answer"},

		"notification.kind.checkin.fever":  {"派驻人员健康打卡发热（≥37.3℃），请及时跟进", "A deployed member checked in with fever (≥37.3 °C): please follow up"},
		"notification.kind.checkin.missed": {"有派驻人员未按时健康打卡", "Deployed members missed their daily check-in"},

		"audit_object.checkin":                {"健康打卡", "Check-in"},
		"audit_object.family_contact":         {"家属联络记录", "Family contact"},
		"audit_action.checkin.submit":         {"健康打卡", "Check in"},
		"audit_action.checkin.correct":        {"更正健康打卡", "Correct check-in"},
		"audit_action.checkin.read":           {"查看健康打卡", "View check-in"},
		"audit_action.checkin.list":           {"查看健康打卡列表", "List check-ins"},
		"audit_action.checkin.missing":        {"查看未打卡名单", "List missing check-ins"},
		"audit_action.export.checkins":        {"导出健康打卡", "Export check-ins"},
		"audit_action.family_contact.create":  {"记录家属联络", "Record family contact"},
		"audit_action.family_contact.read":    {"查看家属联络记录", "View family contact"},
		"audit_action.family_contact.list":    {"查看家属联络列表", "List family contacts"},
		"audit_action.export.family_contacts": {"导出家属联络记录", "Export family contacts"},
	})
}
