package api_test

import (
	"fmt"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/testutil"
)

// Psychological support: the counselor works the area in scope (海州区:
// in scope is 张伟 at A, out of scope 王芳 in 新邱区); the worker consents,
// self-screens and reads their own results (in scope their own record, out
// of scope a colleague's); leaders and counselors read the suppressed
// summary of their region; nobody else reaches a score.
func init() {
	access = append(access,
		// method path                                           sysadmin secadmin auditor caseworker inst_admin counselor finance volunteer leader  worker  caseworker@2109
		"GET    /api/v1/instruments                              403      403      403     403        403        200       403     403       200     200     403",
		"GET    /api/v1/consents/psych_screening                 403      403      403     403        403        403       403     403       403     200     403",
		"POST   /api/v1/consents                                 403      403      403     403        403        403       403     403       403     201     403",
		"DELETE /api/v1/consents/psych_screening                 403      403      403     403        403        403       403     403       403     204     403",
		"GET    /api/v1/me/screenings                            403      403      403     403        403        403       403     403       403     200     403",
		"POST   /api/v1/assessments                              403      403      403     403        403        403       403     403       403     201     403",
		"GET    /api/v1/assessments                              403      403      403     403        403        200       403     403       403     200     403",
		"GET    /api/v1/assessments/{id}                         403      403      403     403        403        200/404   403     403       403     200/404 403",
		"POST   /api/v1/screenings                               403      403      403     403        403        201/400   403     403       403     403     403",
		"GET    /api/v1/screenings                               403      403      403     403        403        200       403     403       403     403     403",
		"GET    /api/v1/screenings/{id}                          403      403      403     403        403        200/404   403     403       403     403     403",
		"POST   /api/v1/screenings/{id}/remind                   403      403      403     403        403        200/404   403     403       403     403     403",
		"POST   /api/v1/screenings/{id}/close                    403      403      403     403        403        200/404   403     403       403     403     403",
		"GET    /api/v1/psych/alerts                             403      403      403     403        403        200       403     403       403     403     403",
		"POST   /api/v1/psych/alerts/{id}/contact                403      403      403     403        403        200/404   403     403       403     403     403",
		"GET    /api/v1/psych/duty                               403      403      403     403        403        200       403     403       403     403     403",
		"PUT    /api/v1/psych/duty                               403      403      403     403        403        200       403     403       403     403     403",
		"GET    /api/v1/psych/cases                              403      403      403     403        403        200       403     403       403     403     403",
		"POST   /api/v1/psych/cases                              403      403      403     403        403        201/400   403     403       403     403     403",
		"GET    /api/v1/psych/cases/{id}                         403      403      403     403        403        200/404   403     403       403     403     403",
		"PATCH  /api/v1/psych/cases/{id}                         403      403      403     403        403        200/404   403     403       403     403     403",
		"POST   /api/v1/psych/cases/{id}/sessions                403      403      403     403        403        201/404   403     403       403     403     403",
		"GET    /api/v1/exports/psych-cases.xlsx                 403      403      403     403        403        200       403     403       403     403     403",
		"GET    /api/v1/psych/summary                            403      403      403     403        403        200/404   403     403       200/404 403     403",
	)
	areaProbes = append(areaProbes, psychProbes)
}

// asWorkerOf is the context of a worker account on person p.
func asWorkerOf(p int64) *auth.Principal {
	return &auth.Principal{Role: auth.RoleWorker, PersonID: p, Username: fmt.Sprintf("worker-%d", p)}
}

// psychAssessment consents for person p and submits a PHQ-9 (item 9 as
// given), returning the assessment's id.
func (f *fixture) psychAssessment(t *testing.T, p int64, item9 int) int64 {
	t.Helper()
	ctx := testutil.As(asWorkerOf(p))
	if _, err := f.st.GiveConsent(ctx, model.ConsentInput{Purpose: model.PurposePsychScreening}); err != nil {
		t.Fatal(err)
	}
	r, err := f.st.SubmitAssessment(ctx, model.AssessmentInput{Instrument: "phq9", Answers: []int{1, 1, 0, 0, 0, 0, 0, 0, item9}})
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// psychAlert raises a crisis alert about person p and returns its id.
func (f *fixture) psychAlert(t *testing.T, p int64) int64 {
	t.Helper()
	aid := f.psychAssessment(t, p, 1)
	list, err := f.st.ListAlerts(testutil.System(), model.AlertFilter{Status: "all", Page: model.Page{Limit: 500}})
	if err != nil {
		t.Fatal(err)
	}
	for _, al := range list.Items {
		if al.AssessmentID == aid {
			return al.ID
		}
	}
	t.Fatal("no alert")
	return 0
}

// psychCase opens a case on a new person at institution inst.
func (f *fixture) psychCase(t *testing.T, inst int64) int64 {
	t.Helper()
	p := f.person(t, fmt.Sprintf("个案%d", f.next()), inst)
	c, err := f.st.CreatePsychCase(testutil.System(), model.PsychCaseInput{PersonID: p.ID, Reason: "科室转介"})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func (f *fixture) psychRound(t *testing.T, inst int64) int64 {
	t.Helper()
	r, err := f.st.CreateScreening(testutil.System(), model.ScreeningInput{Name: fmt.Sprintf("筛查%d", f.next()), Instruments: []string{"phq9"}, InstitutionID: &inst})
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

func psychProbes() map[string]probe {
	fixed := func(method, path string, body any) func(t *testing.T, f *fixture, who string, s scope) call {
		return func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: method, Path: path, JSON: body}
		}
	}
	consented := func(c call) func(t *testing.T, f *fixture, who string, s scope) call {
		return func(t *testing.T, f *fixture, who string, s scope) call {
			if _, err := f.st.GiveConsent(testutil.As(asWorkerOf(f.self.ID)), model.ConsentInput{Purpose: model.PurposePsychScreening}); err != nil {
				t.Fatal(err)
			}
			return c
		}
	}
	round := func(suffix, method string) func(t *testing.T, f *fixture, who string, s scope) call {
		return func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: method, Path: fmt.Sprintf("/api/v1/screenings/%d%s", f.psychRound(t, s.inst.ID), suffix)}
		}
	}
	pcase := func(suffix, method string, body any) func(t *testing.T, f *fixture, who string, s scope) call {
		return func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: method, Path: fmt.Sprintf("/api/v1/psych/cases/%d%s", f.psychCase(t, s.inst.ID), suffix), JSON: body}
		}
	}
	return map[string]probe{
		"GET /api/v1/instruments":                 {build: fixed("GET", "/api/v1/instruments", nil)},
		"GET /api/v1/consents/psych_screening":    {build: fixed("GET", "/api/v1/consents/psych_screening", nil)},
		"POST /api/v1/consents":                   {build: fixed("POST", "/api/v1/consents", map[string]string{"purpose": "psych_screening"})},
		"DELETE /api/v1/consents/psych_screening": {build: consented(call{Method: "DELETE", Path: "/api/v1/consents/psych_screening"})},
		"GET /api/v1/me/screenings":               {build: fixed("GET", "/api/v1/me/screenings", nil)},
		"POST /api/v1/assessments": {build: consented(call{Method: "POST", Path: "/api/v1/assessments",
			JSON: map[string]any{"instrument": "gad7", "answers": []int{0, 1, 0, 1, 0, 0, 0}}})},
		"GET /api/v1/assessments": {build: fixed("GET", "/api/v1/assessments", nil)},
		"GET /api/v1/assessments/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: fmt.Sprintf("/api/v1/assessments/%d", f.psychAssessment(t, s.person.ID, 0))}
		}},
		"POST /api/v1/screenings": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/screenings", JSON: map[string]any{"name": "春季筛查", "instruments": []string{"phq9", "gad7"}, "institution_id": s.inst.ID, "repeat_days": 14}}
		}},
		"GET /api/v1/screenings":              {build: fixed("GET", "/api/v1/screenings", nil)},
		"GET /api/v1/screenings/{id}":         {scoped: true, build: round("", "GET")},
		"POST /api/v1/screenings/{id}/remind": {scoped: true, build: round("/remind", "POST")},
		"POST /api/v1/screenings/{id}/close":  {scoped: true, build: round("/close", "POST")},
		"GET /api/v1/psych/alerts":            {build: fixed("GET", "/api/v1/psych/alerts", nil)},
		"POST /api/v1/psych/alerts/{id}/contact": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: fmt.Sprintf("/api/v1/psych/alerts/%d/contact", f.psychAlert(t, s.person.ID)), JSON: map[string]string{"note": "已电话联系"}}
		}},
		"GET /api/v1/psych/duty":  {build: fixed("GET", "/api/v1/psych/duty", nil)},
		"PUT /api/v1/psych/duty":  {build: fixed("PUT", "/api/v1/psych/duty", map[string]bool{"on_duty": true})},
		"GET /api/v1/psych/cases": {build: fixed("GET", "/api/v1/psych/cases", nil)},
		"POST /api/v1/psych/cases": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			p := f.person(t, fmt.Sprintf("转介%d", f.next()), s.inst.ID)
			return call{Method: "POST", Path: "/api/v1/psych/cases", JSON: map[string]any{"person_id": p.ID, "reason": "科室主任转介：连续值夜班后情绪低落"}}
		}},
		"GET /api/v1/psych/cases/{id}":           {scoped: true, build: pcase("", "GET", nil)},
		"PATCH /api/v1/psych/cases/{id}":         {scoped: true, build: pcase("", "PATCH", map[string]string{"next_screening_on": "2020-04-01"})},
		"POST /api/v1/psych/cases/{id}/sessions": {scoped: true, build: pcase("/sessions", "POST", map[string]string{"at": "2020-02-01T10:00:00+08:00", "channel": "phone", "notes": "首次电话会谈"})},
		"GET /api/v1/exports/psych-cases.xlsx":   {build: fixed("GET", "/api/v1/exports/psych-cases.xlsx?status=all", nil)},
		"GET /api/v1/psych/summary": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: "/api/v1/psych/summary?region=" + s.region}
		}},
	}
}
