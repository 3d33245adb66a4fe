package web_test

// The pages of the check-ins and the family liaison log: the worker checks
// in (an empty form answers 422 with its messages); the region team, the
// institution and the worker (their own, and a batch's as its team leader)
// read the check-ins and the missing list; the region team records family
// contacts, the institution reads them.
func init() {
	pageAccess = append(pageAccess,
		// method path                                       anon sysadmin secadmin auditor caseworker inst_admin counselor finance volunteer leader  worker
		"GET  /checkin                                       303  403      403      403     403        403        403       403     403       403     200",
		"POST /checkin                                       303  403      403      403     403        403        403       403     403       403     422",
		"GET  /checkins                                      303  403      403      403     200        200        403       403     403       403     200",
		"GET  /checkins/missing                              303  403      403      403     200        200        403       403     403       403     200",
		"GET  /family-contacts                               303  403      403      403     200        200        403       403     403       403     403",
		"GET  /family-contacts/new?person_id={person}        303  403      403      403     200/404    403        403       403     403       403     403",
		"POST /family-contacts?person_id={person}            303  403      403      403     422/404    403        403       403     403       403     403",
	)
}
