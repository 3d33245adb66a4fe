package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// The incidents' rows of the access matrix. The handling team is the case
// workers (incident.handle) of the incident's region; the worker reads their
// own reports only (out of scope: a report about a colleague, which they
// did not make); everyone else is refused the area. Leaders, finance and
// institution admins read the suppressed counts (aggregate.read). Reading
// one incident outside the team answers 404 for every role, as a missing id.
// A report
// naming a person outside the caller's reach answers 400 on person_id.
func init() {
	access = append(access,
		// method path                                           sysadmin secadmin auditor caseworker inst_admin counselor finance volunteer leader  worker  caseworker@2109
		"GET    /api/v1/incidents                                403      403      403     200        403        403       403     403       403     200     200",
		"POST   /api/v1/incidents                                403      403      403     201/400    403        403       403     403       403     201/400 201/400",
		"GET    /api/v1/incidents/stats                          403      403      403     200        200        403       200     403       200     403     200",
		"GET    /api/v1/incidents/{id}                           404      404      404     200/404    404        404       404     404       404     200/404 200/404",
		"POST   /api/v1/incidents/{id}/assign                    403      403      403     200/404    403        403       403     403       403     403     200/404",
		"POST   /api/v1/incidents/{id}/steps                     403      403      403     200/404    403        403       403     403       403     403     200/404",
		"POST   /api/v1/incidents/{id}/outcome                   403      403      403     200/404    403        403       403     403       403     403     200/404",
		"POST   /api/v1/incidents/{id}/reopen                    403      403      403     200/404    403        403       403     403       403     403     200/404",
		"GET    /api/v1/exports/incidents.xlsx                   403      403      403     200        403        403       403     403       403     403     200",
	)
	areaProbes = append(areaProbes, incidentProbes)
	openRoutes["GET /api/v1/incidents/{id}"] = "outside the handling team and one's own reports an incident looks missing (404), whatever the role"

}

// incidentSeen remembers, per fixture and caller, the incidents a list probe
// made in and out of the caller's reach, for its visible check.
var incidentSeen sync.Map // string (fixture pointer + caller) → [2]int64

func incidentInput(f *fixture, s scope) map[string]any {
	return map[string]any{"person_id": s.person.ID, "reporter_name": "报告人甲", "reporter_contact": "13500001111",
		"occurred_on": f.clock.Now().Add(-24 * time.Hour).Format("2006-01-02"), "place": "小区门口", "description": "物业不让进小区",
		"parties": []map[string]string{{"kind": "property", "name": "某物业"}}}
}

// incidentFor makes an incident about s.person that the caller reaches when
// s is in their scope: the worker's own report, or one the team recorded.
func incidentFor(t *testing.T, f *fixture, who string, s scope) model.Incident {
	t.Helper()
	ctx := testutil.System()
	in := model.IncidentInput{PersonID: s.person.ID, ReporterName: "报告人甲", OccurredOn: f.clock.Now().Add(-24 * time.Hour).Format("2006-01-02"),
		Place: "小区门口", Description: "物业不让进小区", Parties: []model.IncidentParty{{Kind: model.PartyProperty, Name: "某物业"}}}
	if who == auth.RoleWorker && s.person.ID == f.self.ID {
		u := f.users[who]
		ctx = testutil.As(&auth.Principal{UserID: u.ID, Username: u.Username, Role: auth.RoleWorker, PersonID: f.self.ID})
	}
	got, err := f.st.CreateIncident(ctx, in)
	if err != nil {
		t.Fatalf("seed incident: %v", err)
	}
	return got
}

func incidentProbes() map[string]probe {
	at := func(suffix string, body func(f *fixture) any, prepare func(t *testing.T, f *fixture, id int64)) probe {
		return probe{scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			got := incidentFor(t, f, who, s)
			if prepare != nil {
				prepare(t, f, got.ID)
			}
			c := call{Method: "POST", Path: "/api/v1/incidents/" + id(got.ID) + suffix}
			if suffix == "" {
				c.Method = "GET"
			}
			if body != nil {
				c.JSON = body(f)
			}
			return c
		}}
	}
	listed := func(t *testing.T, f *fixture, who string, s scope) {
		_, out := f.scopes(who, model.User{}, model.User{})
		a, b := incidentFor(t, f, who, s), incidentFor(t, f, who, out)
		incidentSeen.Store(fmt.Sprintf("%p/%s", f, who), [2]int64{a.ID, b.ID})
	}
	return map[string]probe{
		"GET /api/v1/incidents": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			listed(t, f, who, s)
			return call{Method: "GET", Path: "/api/v1/incidents?limit=200"}
		}, visible: func(t *testing.T, f *fixture, r *response, in, out scope) {
			ids := r.ids(t)
			found := 0
			incidentSeen.Range(func(k, v any) bool {
				if strings.HasPrefix(k.(string), fmt.Sprintf("%p/", f)) {
					pair := v.([2]int64)
					if ids[pair[0]] && !ids[pair[1]] {
						found++
					}
				}
				return true
			})
			if found == 0 {
				t.Errorf("the list shows no incident in reach without the one out of it: %v", ids)
			}
		}},
		"POST /api/v1/incidents": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/incidents", JSON: incidentInput(f, s)}
		}},
		"GET /api/v1/incidents/stats": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: "/api/v1/incidents/stats"}
		}},
		"GET /api/v1/incidents/{id}":         at("", nil, nil),
		"POST /api/v1/incidents/{id}/assign": at("/assign", nil, nil),
		"POST /api/v1/incidents/{id}/steps": at("/steps", func(f *fixture) any {
			return map[string]string{"kind": "contact_reporter", "note": "已电话联系"}
		}, nil),
		"POST /api/v1/incidents/{id}/outcome": at("/outcome", func(f *fixture) any {
			return map[string]string{"outcome": "education", "note": "已约谈物业"}
		}, nil),
		"POST /api/v1/incidents/{id}/reopen": at("/reopen", func(f *fixture) any { return map[string]string{"note": "再次发生"} },
			func(t *testing.T, f *fixture, id int64) {
				if _, err := f.st.ConcludeIncident(testutil.System(), id, model.IncidentOutcomeInput{Outcome: model.OutcomeEducation, Note: "x"}); err != nil {
					t.Fatal(err)
				}
			}),
		"GET /api/v1/exports/incidents.xlsx": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			incidentFor(t, f, who, s)
			return call{Method: "GET", Path: "/api/v1/exports/incidents.xlsx"}
		}, visible: func(t *testing.T, f *fixture, r *response, in, out scope) {
			text := exportText(t, r)
			if !strings.Contains(text, in.person.Name) || !strings.Contains(text, "报告人甲") {
				t.Errorf("the team's export lacks its incident or reporter: %.300s", text)
			}
			if strings.Contains(text, out.person.Name) {
				t.Errorf("the export holds an incident out of scope")
			}
		}},
	}
}

// TestIncidentsOverTheAPI: a worker reports from the API, the team handles
// it to its outcome, the worker sees the outcome and never the steps; bad
// input answers 400 with field messages in the caller's language and writes
// nothing; a read outside the team answers exactly as a missing id.
func TestIncidentsOverTheAPI(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleWorker, auth.RoleCaseworker, cityCaseworker, auth.RoleLeader)
		body := incidentInput(f, scope{person: f.self})
		delete(body, "person_id")
		body["family_member_id"] = f.relative[f.self.ID].ID
		var got model.Incident
		f.send(t, auth.RoleWorker, "POST", "/api/v1/incidents", body).want(t, http.StatusCreated).decode(t, &got)
		if got.PersonID != f.self.ID || got.ReporterKind != model.ReporterWorker || got.Status != model.IncidentReported {
			t.Fatalf("reported %+v", got)
		}
		path := "/api/v1/incidents/" + id(got.ID)
		var team model.Incident
		f.get(t, auth.RoleCaseworker, path).want(t, http.StatusOK).decode(t, &team)
		if !team.Team || team.ReporterName != f.self.Name {
			t.Errorf("the team sees %+v", team)
		}
		f.send(t, auth.RoleCaseworker, "POST", path+"/steps", map[string]string{"kind": "contact_reporter", "note": "已联系"}).want(t, http.StatusOK)
		f.send(t, auth.RoleCaseworker, "POST", path+"/outcome", map[string]string{"outcome": "police", "note": "已移送派出所"}).want(t, http.StatusOK)
		var mine model.Incident
		f.get(t, auth.RoleWorker, path).want(t, http.StatusOK).decode(t, &mine)
		if mine.Outcome != model.OutcomePolice || len(mine.Steps) != 0 || mine.Team {
			t.Errorf("the worker sees %+v", mine)
		}
		// Outside the team: exactly a missing id.
		other := f.get(t, cityCaseworker, "/api/v1/incidents/"+id(got.ID))
		if other.Status != http.StatusOK {
			t.Errorf("the city's team: %d", other.Status)
		}
		out := incidentFor(t, f, auth.RoleCaseworker, scope{person: f.atC})
		a, b := f.get(t, auth.RoleCaseworker, "/api/v1/incidents/"+id(out.ID)), f.get(t, auth.RoleCaseworker, "/api/v1/incidents/987654")
		if a.Status != http.StatusNotFound || string(a.Body) != string(b.Body) {
			t.Errorf("out of scope: %d %s, missing: %d %s", a.Status, a.Body, b.Status, b.Body)
		}
		// The leader's counts are suppressed: one concluded is a small cell.
		var stats map[string]any
		f.get(t, auth.RoleLeader, "/api/v1/incidents/stats").want(t, http.StatusOK).decode(t, &stats)
		if stats["concluded"] != nil {
			t.Errorf("leader's stats %v", stats)
		}
		// Bad input.
		bad := []struct {
			name  string
			body  any
			field string
		}{
			{"no place", map[string]any{"occurred_on": "2026-01-01", "description": "x", "parties": []map[string]string{{"kind": "school"}}}, "place"},
			{"a date in the future", map[string]any{"occurred_on": "2099-01-01", "place": "x", "description": "x", "parties": []map[string]string{{"kind": "school"}}}, "occurred_on"},
			{"an unknown party", map[string]any{"occurred_on": "2026-01-01", "place": "x", "description": "x", "parties": []map[string]string{{"kind": "police"}}}, "parties"},
			{"no party", map[string]any{"occurred_on": "2026-01-01", "place": "x", "description": "x"}, "parties"},
		}
		before, _ := st.ListIncidents(testutil.System(), model.IncidentFilter{})
		for _, c := range bad {
			r := f.do(t, call{Method: "POST", Path: "/api/v1/incidents", Token: f.tokens[auth.RoleWorker], JSON: c.body, Header: map[string]string{"Accept-Language": "en"}})
			e := r.want(t, http.StatusBadRequest).apiError(t)
			if e.Code != "invalid" || e.Fields[c.field] == "" || strings.ContainsAny(e.Fields[c.field], "的是") {
				t.Errorf("%s: %+v", c.name, e)
			}
		}
		f.send(t, auth.RoleWorker, "POST", "/api/v1/incidents", "not an object").want(t, http.StatusBadRequest)
		f.get(t, auth.RoleCaseworker, "/api/v1/incidents?status=lost").want(t, http.StatusBadRequest)
		f.get(t, auth.RoleCaseworker, "/api/v1/incidents?overdue=maybe").want(t, http.StatusBadRequest)
		f.send(t, auth.RoleCaseworker, "POST", path+"/outcome", map[string]string{"outcome": "forgiven", "note": "x"}).want(t, http.StatusBadRequest)
		f.send(t, auth.RoleCaseworker, "POST", path+"/steps", map[string]string{"kind": "note"}).want(t, http.StatusBadRequest)
		f.send(t, auth.RoleCaseworker, "POST", path+"/steps", map[string]string{"kind": "note", "note": "x"}).want(t, http.StatusConflict)
		after, _ := st.ListIncidents(testutil.System(), model.IncidentFilter{})
		if after.Total != before.Total {
			t.Errorf("bad input wrote incidents: %d → %d", before.Total, after.Total)
		}
	})
}

// TestIncidentOpenAPISchemasMatchModels keeps the fragment's schemas and
// enums in step with the model.
func TestIncidentOpenAPISchemasMatchModels(t *testing.T) {
	doc := readOpenAPI(t)
	for name, v := range map[string]any{"Incident": model.Incident{}, "IncidentInput": model.IncidentInput{}, "IncidentParty": model.IncidentParty{},
		"IncidentStep": model.IncidentStep{}, "IncidentAssign": model.IncidentAssign{}, "IncidentStepInput": model.IncidentStepInput{},
		"IncidentOutcomeInput": model.IncidentOutcomeInput{}, "IncidentStats": model.IncidentStats{}, "IncidentList": model.List[model.Incident]{}} {
		s, ok := doc.Components.Schemas[name]
		if !ok {
			t.Errorf("schema %s is missing", name)
			continue
		}
		var got []string
		for p := range s.Properties {
			got = append(got, p)
		}
		slices.Sort(got)
		if want := jsonFields(v); !slices.Equal(got, want) {
			t.Errorf("%s: properties %v, want %v", name, got, want)
		}
	}
	for name, want := range map[string][]string{"IncidentStatus": model.IncidentStatuses, "IncidentOutcome": model.IncidentOutcomes,
		"PartyKind": model.PartyKinds, "IncidentStepKind": model.IncidentStepKinds} {
		if got := doc.Components.Schemas[name].Enum; !slices.Equal(got, want) {
			t.Errorf("%s enum = %v, want %v", name, got, want)
		}
	}
}
