package i18n

// Texts of the pages' consistency and plural fixes (issue 6): a case's kind
// that does not belong to its category, the inbox's naming of cases, counts.
func init() {
	add(map[string][2]string{
		"web.visit.need_block_hint": {"可不填：不填则只记录走访。记录需求时，类别、类型、紧急程度和情况说明必填。",
			"Optional: leave it empty to record the visit only. To record a need, fill in its category, kind, urgency and description."},
		"need.kind_not_in_category": {"所选类型不属于该需求类别，请选择该类别下的类型", "This kind does not belong to the chosen category: pick one of that category's kinds"},
	})

	// English for a count of one (i18n.T picks it when the count is 1).
	addSingular(map[string]string{
		"login.locked":           "Too many failed logins; the account is locked, try again in %d minute",
		"import.invalid":         "The file has %d error; nothing was imported",
		"importer.more_errors":   "%d more error is not listed; correct the ones above first",
		"need.escalation_level":  "Escalated %d level",
		"visit.too_many_needs":   "One visit may record at most %d need",
		"inbox.too_many_ids":     "At most %d entry at once",
		"web.visits_due.days":    "%d day",
		"web.people.total":       "%d person",
		"web.institutions.total": "%d institution",
		"web.users.total":        "%d account",
		"web.audit.total":        "%d entry",
	})
}
