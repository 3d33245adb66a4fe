package web_test

import (
	"strconv"
	"testing"

	"houdun/internal/model"
	"houdun/internal/testutil"
)

// The incident pages' rows of the page matrix: the handling team (case
// workers) works the incidents of its region; the worker reports and
// follows their own at /me/incidents; a relative reports behind their link.
// One incident's page outside the team is 404 for every role, as a missing
// one. Posts are empty forms: 422 with the messages, or 404 for an incident or
// a person out of scope.
func init() {
	pageAccess = append(pageAccess,
		// method path                                       anon sysadmin secadmin auditor caseworker inst_admin counselor finance volunteer leader  worker
		"GET  /incidents                                     303  403      403      403     200        403        403       403     403       403     403",
		"GET  /incidents/new?person_id={person}              303  403      403      403     200/404    403        403       403     403       403     403",
		"POST /incidents?person_id={person}                  303  403      403      403     422/404    403        403       403     403       403     403",
		"GET  /incidents/{incident}                          303  404      404      404     200/404    404        404       404     404       404     404",
		"POST /incidents/{incident}/{iaction}                303  403      403      403     422/404    403        403       403     403       403     403",
		"GET  /me/incidents                                  303  403      403      403     403        403        403       403     403       403     200",
		"GET  /me/incidents/new                              303  403      403      403     403        403        403       403     403       403     200",
		"POST /me/incidents                                  303  403      403      403     403        403        403       403     403       403     422",
		"GET  /f/{token}/incidents                           200  -        -        -       -          -          -         -       -         -       -",
		"POST /f/{token}/incidents                           422  -        -        -       -          -          -         -       -         -       -",
	)
	areaRecords = append(areaRecords, func(t *testing.T, s *accessSite, users map[string]model.User) {
		mk := func(person int64) string {
			got, err := s.st.CreateIncident(testutil.System(), model.IncidentInput{PersonID: person, ReporterName: "报告人", OccurredOn: "2026-02-01",
				Place: "小区", Description: "不让进小区", Parties: []model.IncidentParty{{Kind: model.PartyProperty}}})
			if err != nil {
				t.Fatal(err)
			}
			return strconv.FormatInt(got.ID, 10)
		}
		s.recIn["incident"], s.recOut["incident"] = mk(s.zhang.ID), mk(s.li.ID)
		s.recIn["iaction"], s.recOut["iaction"] = "step", "step"
	})
}
