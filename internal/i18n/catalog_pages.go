package i18n

// Texts of the pages' consistency and plural fixes (issue 6): a case's kind
// that does not belong to its category, the inbox's naming of cases, counts.
func init() {
	add(map[string][2]string{
		"need.kind_not_in_category": {"所选类型不属于该需求类别，请选择该类别下的类型", "This kind does not belong to the chosen category: pick one of that category's kinds"},
	})
}
