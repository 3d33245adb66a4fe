package web_test

import (
	"strconv"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/testutil"
)

// Psychological support: the worker (张伟) consents and self-screens; the
// counselor of 海州区 works alerts, rounds and cases there ({psalert},
// {psround}, {pscase} are 张伟's, out of scope 李娜's in 新邱区); leaders and
// counselors read the summary; nobody else reaches a score. Empty forms show
// again with their messages (422) before any record is looked up, for a
// missing or out-of-scope record alike. Withdrawing comes last: it ends the
// worker's consent.
func init() {
	pageAccess = append(pageAccess,
		// method path                                       anon sysadmin secadmin auditor caseworker inst_admin counselor finance volunteer leader  worker
		"GET  /me/wellbeing                                  303  403      403      403     403        403        403       403     403       403     200",
		"POST /me/wellbeing/consent                          303  403      403      403     403        403        403       403     403       403     422",
		"GET  /me/wellbeing/{instr}                          303  403      403      403     403        403        403       403     403       403     200",
		"POST /me/wellbeing/{instr}                          303  403      403      403     403        403        403       403     403       403     422",
		"GET  /psych/alerts                                  303  403      403      403     403        403        200       403     403       403     403",
		"POST /psych/alerts/{psalert}/contact                303  403      403      403     403        403        422       403     403       403     403",
		"POST /psych/duty                                    303  403      403      403     403        403        303       403     403       403     403",
		"GET  /psych/rounds                                  303  403      403      403     403        403        200       403     403       403     403",
		"POST /psych/rounds                                  303  403      403      403     403        403        422       403     403       403     403",
		"GET  /psych/rounds/{psround}                        303  403      403      403     403        403        200/404   403     403       403     403",
		"POST /psych/rounds/{psround}/remind                 303  403      403      403     403        403        303/404   403     403       403     403",
		"POST /psych/rounds/{psround}/close                  303  403      403      403     403        403        303/404   403     403       403     403",
		"GET  /psych/cases                                   303  403      403      403     403        403        200       403     403       403     403",
		"POST /psych/cases                                   303  403      403      403     403        403        422       403     403       403     403",
		"GET  /psych/cases/{pscase}                          303  403      403      403     403        403        200/404   403     403       403     403",
		"POST /psych/cases/{pscase}                          303  403      403      403     403        403        303/404   403     403       403     403",
		"POST /psych/cases/{pscase}/sessions                 303  403      403      403     403        403        422       403     403       403     403",
		"GET  /psych/summary                                 303  403      403      403     403        403        200       403     403       200     403",
		"POST /me/wellbeing/withdraw                         303  403      403      403     403        403        403       403     403       403     303",
	)
	areaRecords = append(areaRecords, psychRecords)
}

// psychRecords: an item-9 answer of each of 张伟 and 李娜 (an alert and a
// proposed case each), and a round at each one's institution.
func psychRecords(t *testing.T, s *accessSite, users map[string]model.User) {
	t.Helper()
	sys := testutil.System()
	ids := map[int64][3]string{}
	for _, p := range []model.Person{s.zhang, s.li} {
		ctx := testutil.As(&auth.Principal{Role: auth.RoleWorker, PersonID: p.ID, Username: "w"})
		if _, err := s.st.GiveConsent(ctx, model.ConsentInput{Purpose: model.PurposePsychScreening}); err != nil {
			t.Fatal(err)
		}
		res, err := s.st.SubmitAssessment(ctx, model.AssessmentInput{Instrument: "phq9", Answers: []int{1, 1, 1, 1, 1, 1, 1, 1, 1}})
		if err != nil {
			t.Fatal(err)
		}
		alerts, err := s.st.ListAlerts(sys, model.AlertFilter{Status: "all", Page: model.Page{Limit: 500}})
		if err != nil {
			t.Fatal(err)
		}
		var alert, pcase int64
		for _, a := range alerts.Items {
			if a.AssessmentID == res.ID {
				alert = a.ID
			}
		}
		cases, err := s.st.ListPsychCases(sys, model.PsychCaseFilter{Status: "all", Page: model.Page{Limit: 500}})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases.Items {
			if c.PersonID == p.ID {
				pcase = c.ID
			}
		}
		inst := p.InstitutionID
		round, err := s.st.CreateScreening(sys, model.ScreeningInput{Name: "访问矩阵筛查", Instruments: []string{"phq9"}, InstitutionID: &inst})
		if err != nil {
			t.Fatal(err)
		}
		ids[p.ID] = [3]string{strconv.FormatInt(alert, 10), strconv.FormatInt(pcase, 10), strconv.FormatInt(round.ID, 10)}
	}
	in, out := ids[s.zhang.ID], ids[s.li.ID]
	s.recIn["psalert"], s.recIn["pscase"], s.recIn["psround"], s.recIn["instr"] = in[0], in[1], in[2], "phq9"
	s.recOut["psalert"], s.recOut["pscase"], s.recOut["psround"], s.recOut["instr"] = out[0], out[1], out[2], "phq9"
}
