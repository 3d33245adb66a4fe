package api_test

import (
	"fmt"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/letters"
	"houdun/internal/model"
	"houdun/internal/testutil"
)

// The rows of consolation letters, commendations, the title-evaluation list
// and work-injury cases. Case workers write letters, review commendations
// and follow work-injury cases in their region; an institution admin
// nominates its own people (another institution's is "out of scope": 400 on
// the person named, 404 on a record); a worker reads and confirms their own
// letter (a colleague's is out of scope); leaders see counts on the
// dashboard only. Creates that name a record outside scope in the body
// answer 400 on that field. The merged PDF of an institution with no letter
// in reach is 404.
func init() {
	access = append(access,
		// method path                                           sysadmin secadmin auditor caseworker inst_admin counselor finance volunteer leader  worker  caseworker@2109
		"GET    /api/v1/letter-templates                         403      403      403     200        403        403       403     403       403     403     200",
		"POST   /api/v1/letter-templates                         403      403      403     201/400    403        403       403     403       403     403     201/400",
		"GET    /api/v1/letter-templates/{id}                    403      403      403     200/404    403        403       403     403       403     403     200/404",
		"PATCH  /api/v1/letter-templates/{id}                    403      403      403     200/404    403        403       403     403       403     403     200/404",
		"POST   /api/v1/letters/generate                         403      403      403     201/400    403        403       403     403       403     403     201/400",
		"GET    /api/v1/letters                                  403      403      403     200        403        403       403     403       403     200     200",
		"GET    /api/v1/letters/merged.pdf                       403      403      403     200/404    403        403       403     403       403     403     200/404",
		"GET    /api/v1/letters/{id}                             403      403      403     200/404    403        403       403     403       403     200/404 200/404",
		"GET    /api/v1/letters/{id}/pdf                         403      403      403     200/404    403        403       403     403       403     200/404 200/404",
		"POST   /api/v1/letters/{id}/delivery                    403      403      403     200/404    403        403       403     403       403     200/404 200/404",
		"GET    /api/v1/exports/letters.xlsx                     403      403      403     200        403        403       403     403       403     403     200",

		"GET    /api/v1/commendations                            403      403      403     200        200        403       403     403       403     403     200",
		"POST   /api/v1/commendations                            403      403      403     403        201/400    403       403     403       403     403     403",
		"GET    /api/v1/commendations/{id}                       403      403      403     200/404    200/404    403       403     403       403     403     200/404",
		"POST   /api/v1/commendations/{id}/approve               403      403      403     200/404    403        403       403     403       403     403     200/404",
		"POST   /api/v1/commendations/{id}/reject                403      403      403     200/404    403        403       403     403       403     403     200/404",
		"GET    /api/v1/exports/commendations.xlsx               403      403      403     200        200        403       403     403       403     403     200",
		"GET    /api/v1/exports/honour-roll.xlsx                 403      403      403     200        200        403       403     403       403     403     200",

		"GET    /api/v1/title-priority                           403      403      403     200        200        403       403     403       403     403     200",
		"GET    /api/v1/exports/title-priority.xlsx              403      403      403     200        200        403       403     403       403     403     200",

		"GET    /api/v1/work-injury-cases                        403      403      403     200        403        403       403     403       403     403     200",
		"POST   /api/v1/work-injury-cases                        403      403      403     201/400    403        403       403     403       403     403     201/400",
		"GET    /api/v1/work-injury-cases/{id}                   403      403      403     200/404    403        403       403     403       403     403     200/404",
		"PATCH  /api/v1/work-injury-cases/{id}                   403      403      403     200/404    403        403       403     403       403     403     200/404",
		"GET    /api/v1/exports/work-injury-cases.xlsx           403      403      403     200        403        403       403     403       403     403     200",
	)
	areaProbes = append(areaProbes, letterProbes)
}

// letterTemplateAt makes a template of a region (the system's).
func (f *fixture) letterTemplateAt(t *testing.T, region string) model.LetterTemplate {
	t.Helper()
	tf := letters.FuxinTemplate
	tpl, err := f.st.CreateLetterTemplate(testutil.System(), model.LetterTemplateInput{RegionCode: &region, Name: &tf.Name, Title: &tf.Title, Body: &tf.Body, Sender: &tf.Sender})
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// letterFor makes a letter to a person from a template of their region.
func (f *fixture) letterFor(t *testing.T, p model.Person) int64 {
	t.Helper()
	tpl := f.letterTemplateAt(t, p.RegionCode)
	res, err := f.st.GenerateLetters(testutil.System(), model.LetterGeneration{TemplateID: tpl.ID, PersonIDs: []int64{p.ID}})
	if err != nil {
		t.Fatal(err)
	}
	return res.LetterIDs[0]
}

func (f *fixture) commendationFor(t *testing.T, p model.Person) int64 {
	t.Helper()
	c, err := f.st.NominateCommendation(testutil.System(), model.CommendationInput{PersonID: p.ID, Level: model.CommendJiajiang, Deed: fmt.Sprintf("事迹%d", f.next())})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func (f *fixture) injuryCaseAt(t *testing.T, inst model.Institution) int64 {
	t.Helper()
	p := f.person(t, fmt.Sprintf("感染%d", f.next()), inst.ID)
	c, err := f.st.OpenWorkInjuryCase(testutil.System(), model.WorkInjuryInput{PersonID: p.ID, InfectedOn: "2023-01-01", Diagnosis: "新冠病毒感染"})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func letterProbes() map[string]probe {
	type build = func(t *testing.T, f *fixture, who string, s scope) call
	fixed := func(method, path string) build {
		return func(t *testing.T, f *fixture, who string, s scope) call { return call{Method: method, Path: path} }
	}
	letterPath := func(suffix string) build {
		return func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: fmt.Sprintf("/api/v1/letters/%d%s", f.letterFor(t, s.person), suffix)}
		}
	}
	commendation := func(suffix string, body map[string]string) build {
		return func(t *testing.T, f *fixture, who string, s scope) call {
			c := call{Method: "POST", Path: fmt.Sprintf("/api/v1/commendations/%d%s", f.commendationFor(t, s.person), suffix), JSON: body}
			if suffix == "" {
				c.Method, c.JSON = "GET", nil
			}
			return c
		}
	}
	injury := func(method string) build {
		return func(t *testing.T, f *fixture, who string, s scope) call {
			c := call{Method: method, Path: fmt.Sprintf("/api/v1/work-injury-cases/%d", f.injuryCaseAt(t, s.inst))}
			if method == "PATCH" {
				c.JSON = map[string]any{"documents": map[string]bool{letters.DocApplication: true}}
			}
			return c
		}
	}
	return map[string]probe{
		"GET /api/v1/letter-templates": {build: fixed("GET", "/api/v1/letter-templates")},
		"POST /api/v1/letter-templates": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			tf := letters.FuxinTemplate
			return call{Method: "POST", Path: "/api/v1/letter-templates", JSON: map[string]string{"region_code": s.region, "name": tf.Name, "title": tf.Title, "body": tf.Body, "sender": tf.Sender}}
		}},
		"GET /api/v1/letter-templates/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: fmt.Sprintf("/api/v1/letter-templates/%d", f.letterTemplateAt(t, s.region).ID)}
		}},
		"PATCH /api/v1/letter-templates/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "PATCH", Path: fmt.Sprintf("/api/v1/letter-templates/%d", f.letterTemplateAt(t, s.region).ID), JSON: map[string]string{"title": "慰问信（修订）"}}
		}},
		"POST /api/v1/letters/generate": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/letters/generate", JSON: map[string]any{"template_id": f.letterTemplateAt(t, s.person.RegionCode).ID, "person_ids": []int64{s.person.ID}}}
		}},
		"GET /api/v1/letters": {build: fixed("GET", "/api/v1/letters")},
		"GET /api/v1/letters/merged.pdf": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			f.letterFor(t, s.person)
			// Out of scope, the caller reaches no letter of the institution.
			return call{Method: "GET", Path: fmt.Sprintf("/api/v1/letters/merged.pdf?institution_id=%d", s.inst.ID)}
		}},
		"GET /api/v1/letters/{id}":     {scoped: true, build: letterPath("")},
		"GET /api/v1/letters/{id}/pdf": {scoped: true, build: letterPath("/pdf")},
		"POST /api/v1/letters/{id}/delivery": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			status := model.LetterSent
			if who == auth.RoleWorker {
				status = model.LetterReceived
			}
			return call{Method: "POST", Path: fmt.Sprintf("/api/v1/letters/%d/delivery", f.letterFor(t, s.person)), JSON: map[string]string{"status": status}}
		}},
		"GET /api/v1/exports/letters.xlsx": {build: fixed("GET", "/api/v1/exports/letters.xlsx")},

		"GET /api/v1/commendations": {build: fixed("GET", "/api/v1/commendations")},
		"POST /api/v1/commendations": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/commendations", JSON: map[string]any{"person_id": s.person.ID, "level": model.CommendJigong,
				"deed": fmt.Sprintf("坚守发热门诊第%d天", f.next())}}
		}},
		"GET /api/v1/commendations/{id}":          {scoped: true, build: commendation("", nil)},
		"POST /api/v1/commendations/{id}/approve": {scoped: true, build: commendation("/approve", nil)},
		"POST /api/v1/commendations/{id}/reject":  {scoped: true, build: commendation("/reject", map[string]string{"reason": "事迹材料不全"})},
		"GET /api/v1/exports/commendations.xlsx":  {build: fixed("GET", "/api/v1/exports/commendations.xlsx")},
		"GET /api/v1/exports/honour-roll.xlsx":    {build: fixed("GET", "/api/v1/exports/honour-roll.xlsx")},

		"GET /api/v1/title-priority":              {build: fixed("GET", "/api/v1/title-priority")},
		"GET /api/v1/exports/title-priority.xlsx": {build: fixed("GET", "/api/v1/exports/title-priority.xlsx")},

		"GET /api/v1/work-injury-cases": {build: fixed("GET", "/api/v1/work-injury-cases?overdue=true")},
		"POST /api/v1/work-injury-cases": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			p := f.person(t, fmt.Sprintf("感染%d", f.next()), s.inst.ID)
			return call{Method: "POST", Path: "/api/v1/work-injury-cases", JSON: map[string]any{"person_id": p.ID, "infected_on": "2023-01-02", "diagnosis": "新冠病毒感染（轻型）"}}
		}},
		"GET /api/v1/work-injury-cases/{id}":         {scoped: true, build: injury("GET")},
		"PATCH /api/v1/work-injury-cases/{id}":       {scoped: true, build: injury("PATCH")},
		"GET /api/v1/exports/work-injury-cases.xlsx": {build: fixed("GET", "/api/v1/exports/work-injury-cases.xlsx")},
	}
}
