package api_test

import (
	"bytes"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"houdun/internal/api"
	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// access is the role matrix as the API must answer it: for every route, the
// status each caller gets for a record inside their scope / for one outside
// it ("200/404"); a single status means both. It is written out by hand from
// the role matrix (auth/role.go, DOMAIN.md), not computed from it, so that a
// change of permissions shows up here as a failing test.
//
// Scope: the ten roles' accounts are in 海州区 (210902), the institution admin's
// at institution A there, the worker's on their own record; "out of scope" is
// 新邱区 (210903) for them, another institution in 海州区 for the institution
// admin and a colleague at the same institution for the worker.
// caseworker@2109 covers all of Fuxin; outside it is 沈阳市和平区 (210102).
//
// Creates that name their scope in the body (an institution, a region) answer
// 400 on that field outside scope, exactly as for an id that does not exist;
// imports answer 422 with the bad rows. sysadmin makes and keeps accounts
// (names, passwords, disabling); secadmin grants roles and scopes and makes
// no account (三权分立, TestUsers); resetting an authenticator (the second
// factor) is secadmin's alone. Everyone changes their own password.
var access = []string{
	// method path                                           sysadmin secadmin auditor caseworker inst_admin counselor finance volunteer leader  worker  caseworker@2109
	"GET    /api/v1/openapi.json                             200      200      200     200        200        200       200     200       200     200     200",
	"POST   /api/v1/session                                  201      201      201     201        201        201       201     201       201     201     201",
	// Enrolling an authenticator through the API: the matrix's administrators
	// have one already, the others log in without one (before the
	// password row below changes their passwords).
	"POST   /api/v1/session/enrolment                        409      409      409     409        409        409       409     409       409     409     409",
	"POST   /api/v1/session/enrolment/confirm                401      401      401     401        401        401       401     401       401     401     401",
	"GET    /api/v1/session                                  200      200      200     200        200        200       200     200       200     200     200",
	"DELETE /api/v1/session                                  204      204      204     204        204        204       204     204       204     204     204",
	"POST   /api/v1/session/password                         204      204      204     204        204        204       204     204       204     204     204",

	"GET    /api/v1/regions                                  200      200      403     200        200        200       200     403       200     403     200",
	"GET    /api/v1/regions/{code}                           200      200      403     200        200        200       200     403       200     403     200",
	"POST   /api/v1/regions                                  201/404  403      403     201/404    403        403       403     403       403     403     201/404",

	"GET    /api/v1/institutions                             200      403      403     200        200        200       200     403       200     403     200",
	"POST   /api/v1/institutions                             201/400  403      403     201/400    403        403       403     403       403     403     201/400",
	"GET    /api/v1/institutions/{id}                        200/404  403      403     200/404    200/404    200/404   200/404 403       200/404 403     200/404",
	"PATCH  /api/v1/institutions/{id}                        200/404  403      403     200/404    200/404    403       403     403       403     403     200/404",

	"GET    /api/v1/people                                   403      403      403     200        200        200       200     403       403     200     200",
	"POST   /api/v1/people                                   403      403      403     202/400    202/400    403       403     403       403     403     202/400",
	"GET    /api/v1/people/{id}                              403      403      403     200/404    200/404    200/404   200/404 403       403     200/404 200/404",
	"PATCH  /api/v1/people/{id}                              403      403      403     200/404    200/404    403       403     403       403     403     200/404",
	"DELETE /api/v1/people/{id}                              403      403      403     204/404    204/404    403       403     403       403     403     204/404",
	"GET    /api/v1/people/{id}/family                       403      403      403     200/404    200/404    200/404   200/404 403       403     200/404 200/404",
	"POST   /api/v1/people/{id}/family                       403      403      403     201/404    201/404    403       403     403       403     403     201/404",
	"PATCH  /api/v1/people/{id}/family/{memberID}            403      403      403     200/404    200/404    403       403     403       403     403     200/404",
	"DELETE /api/v1/people/{id}/family/{memberID}            403      403      403     204/404    204/404    403       403     403       403     403     204/404",

	// Transfer requests: a requester (who may register people) sees their
	// own; a region team sees and decides those whose both sides lie in its
	// region, except its own. In scope for the district caseworker is a move
	// between two institutions of 海州区, for the city caseworker one from 新邱区
	// to 海州区; for the institution admin, a request it made (which it cannot
	// decide: 403). Out of scope is a move the caller's region does not cover.
	"GET    /api/v1/transfers                                403      403      403     200        200        403       403     403       403     403     200",
	"GET    /api/v1/transfers/{id}                           403      403      403     200/404    200/404    403       403     403       403     403     200/404",
	"POST   /api/v1/transfers/{id}/approve                   403      403      403     200/404    403/404    403       403     403       403     403     200/404",
	"POST   /api/v1/transfers/{id}/reject                    403      403      403     200/404    403/404    403       403     403       403     403     200/404",

	"POST   /api/v1/imports/people                           403      403      403     201/422    201/422    403       403     403       403     403     201/422",
	"POST   /api/v1/imports/families                         403      403      403     201/422    201/422    403       403     403       403     403     201/422",
	"GET    /api/v1/imports/people/template.xlsx             200      200      200     200        200        200       200     200       200     200     200",
	"GET    /api/v1/imports/families/template.xlsx           200      200      200     200        200        200       200     200       200     200     200",
	"GET    /api/v1/exports/people.xlsx                      403      403      403     200        200        403       200     403       403     403     200",
	"GET    /api/v1/exports/people.csv                       403      403      403     200        200        403       200     403       403     403     200",
	// The working lists' exports: the list's read permission and person.export,
	// so no volunteer, worker or leader gets a file of individual rows.
	"GET    /api/v1/exports/needs.xlsx                       403      403      403     200        200        403       403     403       403     403     200",
	"GET    /api/v1/exports/visits-due.xlsx                  403      403      403     200        200        403       403     403       403     403     200",
	"GET    /api/v1/exports/volunteers.xlsx                  403      403      403     200        403        403       403     403       403     403     200",

	"GET    /api/v1/users                                    200      200      403     403        403        403       403     403       403     403     403",
	"POST   /api/v1/users                                    201/400  403      403     403        403        403       403     403       403     403     403",
	"GET    /api/v1/users/{id}                               200/404  200/404  403     403        403        403       403     403       403     403     403",
	"PATCH  /api/v1/users/{id}                               200/404  403/404  403     403        403        403       403     403       403     403     403",
	"POST   /api/v1/users/{id}/otp/reset                     403      204/404  403     403        403        403       403     403       403     403     403",

	"GET    /api/v1/audit                                    403      403      200     403        403        403       403     403       403     403     403",
	"GET    /api/v1/audit/verification                       403      403      200     403        403        403       403     403       403     403     403",
	"GET    /api/v1/exports/audit.xlsx                       403      403      200     403        403        403       403     403       403     403     403",

	// The needs ledger. Volunteers reach the cases assigned to them (in scope)
	// and no other, even in their district; counselors reach psychological
	// cases of their region; leaders get the figures and the ledger's summary
	// but no case; the worker reports and follows their own. Steps a role may take
	// only on its own cases (start, resolve: volunteer, counselor) run on a case
	// assigned to the caller in scope. Webhooks are the sysadmin's; the inbox is everyone's.
	"POST   /api/v1/needs                                    403      403      403     201/404    403        403       403     403       403     201/404 201/404",
	"GET    /api/v1/needs                                    403      403      403     200        200        200       403     200       403     200     200",
	"GET    /api/v1/needs/stats                              403      403      403     200        200        200       403     200       200     200     200",
	"GET    /api/v1/needs/{id}                               403      403      403     200/404    200/404    200/404   403     200/404   403     200/404 200/404",
	"GET    /api/v1/needs/{id}/volunteers                    403      403      403     200/404    403        403       403     403       403     403     200/404",
	"GET    /api/v1/needs/{id}/assignees                     403      403      403     200/404    403        403       403     403       403     403     200/404",
	"POST   /api/v1/needs/{id}/assign                        403      403      403     200/404    403        403       403     403       403     403     200/404",
	"POST   /api/v1/needs/{id}/start                         403      403      403     200/404    403        200/404   403     200/404   403     403     200/404",
	"POST   /api/v1/needs/{id}/resolve                       403      403      403     200/404    403        200/404   403     200/404   403     403     200/404",
	"POST   /api/v1/needs/{id}/close                         403      403      403     200/404    403        403       403     403       403     403     200/404",
	"POST   /api/v1/needs/{id}/reject                        403      403      403     200/404    403        403       403     403       403     403     200/404",
	"POST   /api/v1/needs/{id}/reopen                        403      403      403     200/404    403        403       403     403       403     403     200/404",
	"GET    /api/v1/ledger.xlsx                              403      403      403     200/404    403        403       403     403       200/404 403     200/404",

	"POST   /api/v1/visits                                   403      403      403     201/404    403        403       403     403       403     403     201/404",
	"GET    /api/v1/visits                                   403      403      403     200        200        403       403     403       403     403     200",
	"GET    /api/v1/visits/due                               403      403      403     200        200        403       403     403       403     403     200",
	"GET    /api/v1/visits/{id}                              403      403      403     200/404    200/404    403       403     403       403     403     200/404",

	"GET    /api/v1/volunteers                               403      403      403     200        403        403       403     403       403     403     200",
	"POST   /api/v1/volunteers                               403      403      403     201/400    403        403       403     403       403     403     201/400",
	"GET    /api/v1/volunteers/{id}                          403      403      403     200/404    403        403       403     403       403     403     200/404",
	"PATCH  /api/v1/volunteers/{id}                          403      403      403     200/404    403        403       403     403       403     403     200/404",
	"DELETE /api/v1/volunteers/{id}                          403      403      403     204/404    403        403       403     403       403     403     204/404",
	"GET    /api/v1/pairings                                 403      403      403     200        403        403       403     403       403     403     200",
	"POST   /api/v1/pairings                                 403      403      403     201/404    403        403       403     403       403     403     201/404",
	"GET    /api/v1/pairings/{id}                            403      403      403     200/404    403        403       403     403       403     403     200/404",
	"PATCH  /api/v1/pairings/{id}                            403      403      403     200/404    403        403       403     403       403     403     200/404",
	"DELETE /api/v1/pairings/{id}                            403      403      403     204/404    403        403       403     403       403     403     204/404",

	"GET    /api/v1/inbox                                    200      200      200     200        200        200       200     200       200     200     200",
	"POST   /api/v1/inbox/read                               200      200      200     200        200        200       200     200       200     200     200",

	"GET    /api/v1/webhooks                                 200      403      403     403        403        403       403     403       403     403     403",
	"POST   /api/v1/webhooks                                 201      403      403     403        403        403       403     403       403     403     403",
	"GET    /api/v1/webhooks/{id}                            200      403      403     403        403        403       403     403       403     403     403",
	"PATCH  /api/v1/webhooks/{id}                            200      403      403     403        403        403       403     403       403     403     403",
	"DELETE /api/v1/webhooks/{id}                            204      403      403     403        403        403       403     403       403     403     403",
	"GET    /api/v1/webhooks/{id}/deliveries                 200      403      403     403        403        403       403     403       403     403     403",

	"GET    /api/v1/settings                                 200      403      403     200        200        200       200     200       200     200     200",
	"PUT    /api/v1/settings                                 200/404  403      403     200/404    403        403       403     403       403     403     200/404",

	// A worker's own family self-service links. Other callers (case workers
	// included, who hand out links on the person's page) have no family of
	// their own here. Out of scope for the worker is a colleague's relative
	// (named in the body: 400) or link (404).
	"GET    /api/v1/me/family-links                          403      403      403     403        403        403       403     403       403     200     403",
	"POST   /api/v1/me/family-links                          403      403      403     403        403        403       403     403       403     201/400 403",
	"DELETE /api/v1/me/family-links/{id}                     403      403      403     403        403        403       403     403       403     204/404 403",
}

// scope is what a caller's request names: records, a region for creates,
// and an account for the user routes.
type scope struct {
	person model.Person
	inst   model.Institution
	region string // a county: new streets go below it, new institutions in it
	user   model.User
}

// scopes returns the records inside and outside the caller's scope.
func (f *fixture) scopes(who string, userIn, userOut model.User) (in, out scope) {
	in = scope{person: f.atA, inst: f.instA, region: "210902", user: userIn}
	out = scope{person: f.atB, inst: f.instB, region: "210903", user: userOut}
	switch who {
	case auth.RoleInstitutionAdmin:
		out.person, out.inst = f.atA2, f.instA2
	case auth.RoleWorker:
		in.person, out.person = f.self, f.atA
	case cityCaseworker:
		in = scope{person: f.atB, inst: f.instB, region: "210903", user: userIn}
		out = scope{person: f.atC, inst: f.instC, region: "210102", user: userOut}
	}
	return in, out
}

// probe builds the request of one route for a caller and a scope.
type probe struct {
	build func(t *testing.T, f *fixture, who string, s scope) call
	// scoped: the request names a record or region, so it runs once in scope
	// and once outside; otherwise it runs once.
	scoped bool
	// visible checks a successful list or export shows the in-scope record and hides the other.
	visible func(t *testing.T, f *fixture, r *response, in, out scope)
}

func probes() map[string]probe {
	get := func(path func(s scope) string) func(t *testing.T, f *fixture, who string, s scope) call {
		return func(t *testing.T, f *fixture, who string, s scope) call { return call{Method: "GET", Path: path(s)} }
	}
	fixed := func(method, path string) func(t *testing.T, f *fixture, who string, s scope) call {
		return func(t *testing.T, f *fixture, who string, s scope) call { return call{Method: method, Path: path} }
	}
	people := func(t *testing.T, f *fixture, r *response, in, out scope) {
		t.Helper()
		ids := r.ids(t)
		if !ids[in.person.ID] || ids[out.person.ID] {
			t.Errorf("list shows in-scope person %d: %v, out-of-scope person %d: %v", in.person.ID, ids[in.person.ID], out.person.ID, ids[out.person.ID])
		}
	}
	exported := func(t *testing.T, f *fixture, r *response, in, out scope) {
		t.Helper()
		text := exportText(t, r)
		if !strings.Contains(text, in.person.Name) || strings.Contains(text, out.person.Name) {
			t.Errorf("export holds in-scope %s: %v, out-of-scope %s: %v", in.person.Name, strings.Contains(text, in.person.Name),
				out.person.Name, strings.Contains(text, out.person.Name))
		}
	}
	ps := map[string]probe{
		"GET /api/v1/openapi.json": {build: fixed("GET", "/api/v1/openapi.json")},
		"POST /api/v1/session": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/session", JSON: f.credentials(t, f.users[who].Username),
				Header: map[string]string{"X-Real-IP": f.nextIP()}}
		}},
		"GET /api/v1/session": {build: fixed("GET", "/api/v1/session")},
		"POST /api/v1/session/enrolment": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/session/enrolment", JSON: map[string]string{"username": f.users[who].Username, "password": password},
				Header: map[string]string{"X-Real-IP": f.nextIP()}}
		}},
		"POST /api/v1/session/enrolment/confirm": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/session/enrolment/confirm", JSON: map[string]string{"pending": "no-such-pending-login", "otp": "123456"},
				Header: map[string]string{"X-Real-IP": f.nextIP()}}
		}},
		// Logging out ends the caller's shared session: the matrix runs it last.
		"DELETE /api/v1/session": {build: fixed("DELETE", "/api/v1/session")},
		// Everyone changes their own password; the session making the change
		// goes on, so the routes after it still run with the same token.
		"POST /api/v1/session/password": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/session/password", JSON: map[string]string{"current_password": password,
				"new_password": fmt.Sprintf("Changed-%d!", f.next())}}
		}},

		"GET /api/v1/regions":        {build: fixed("GET", "/api/v1/regions?parent=2109")},
		"GET /api/v1/regions/{code}": {scoped: true, build: get(func(s scope) string { return "/api/v1/regions/" + s.region })},
		"POST /api/v1/regions": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/regions", JSON: map[string]string{"code": fmt.Sprintf("%s%03d", s.region, 100+f.next()%900), "name": "测试街道"}}
		}},

		"GET /api/v1/institutions": {build: fixed("GET", "/api/v1/institutions"), visible: func(t *testing.T, f *fixture, r *response, in, out scope) {
			if ids := r.ids(t); !ids[in.inst.ID] || ids[out.inst.ID] {
				t.Errorf("list shows in-scope institution %d: %v, out-of-scope %d: %v", in.inst.ID, ids[in.inst.ID], out.inst.ID, ids[out.inst.ID])
			}
		}},
		"POST /api/v1/institutions": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/institutions", JSON: map[string]string{"name": fmt.Sprintf("测试单位%d", f.next()), "type": "other", "region_code": s.region}}
		}},
		"GET /api/v1/institutions/{id}": {scoped: true, build: get(func(s scope) string { return "/api/v1/institutions/" + id(s.inst.ID) })},
		"PATCH /api/v1/institutions/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "PATCH", Path: "/api/v1/institutions/" + id(s.inst.ID), JSON: map[string]string{"type": s.inst.Type}}
		}},

		"GET /api/v1/people": {build: fixed("GET", "/api/v1/people?limit=500"), visible: people},
		"POST /api/v1/people": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/people", JSON: map[string]any{"name": "新登记", "id_number": f.freshIDNumber(),
				"institution_id": s.inst.ID, "occupation": "doctor", "frontline": true}}
		}},
		"GET /api/v1/people/{id}": {scoped: true, build: get(func(s scope) string { return "/api/v1/people/" + id(s.person.ID) })},
		"PATCH /api/v1/people/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "PATCH", Path: "/api/v1/people/" + id(s.person.ID), JSON: map[string]string{"title": "主任护师"}}
		}},
		"DELETE /api/v1/people/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			target := s.person
			if who != auth.RoleWorker { // the worker's own record stays; the worker may not delete anyway
				target = f.person(t, "待删除", s.person.InstitutionID)
			}
			return call{Method: "DELETE", Path: "/api/v1/people/" + id(target.ID)}
		}},
		"GET /api/v1/people/{id}/family": {scoped: true, build: get(func(s scope) string { return "/api/v1/people/" + id(s.person.ID) + "/family" })},
		"POST /api/v1/people/{id}/family": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/people/" + id(s.person.ID) + "/family",
				JSON: map[string]any{"name": fmt.Sprintf("子女%d", f.next()), "relation": "child", "birth_date": "2015-06-01", "care_needs": []string{"minor"}}}
		}},
		"PATCH /api/v1/people/{id}/family/{memberID}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "PATCH", Path: "/api/v1/people/" + id(s.person.ID) + "/family/" + id(f.relative[s.person.ID].ID), JSON: map[string]bool{"lives_with": true}}
		}},
		"DELETE /api/v1/people/{id}/family/{memberID}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "DELETE", Path: "/api/v1/people/" + id(s.person.ID) + "/family/" + id(f.member(t, s.person.ID).ID)}
		}},

		"POST /api/v1/imports/people": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			file := xlsxFile(t, peopleHeaders, [][]string{{"导入人员", f.freshIDNumber(), "13800138000", s.inst.Name, "急诊科", "护士", "护师", "是"}})
			return uploadCall("/api/v1/imports/people", "people.xlsx", file)
		}},
		"POST /api/v1/imports/families": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			file := xlsxFile(t, familyHeaders, [][]string{{f.idNumber[s.person.ID], fmt.Sprintf("配偶%d", f.next()), "spouse", "1986-02-03", "", "", "是", ""}})
			return uploadCall("/api/v1/imports/families", "families.xlsx", file)
		}},
		"GET /api/v1/imports/people/template.xlsx":   {build: fixed("GET", "/api/v1/imports/people/template.xlsx")},
		"GET /api/v1/imports/families/template.xlsx": {build: fixed("GET", "/api/v1/imports/families/template.xlsx")},
		"GET /api/v1/exports/people.xlsx":            {build: fixed("GET", "/api/v1/exports/people.xlsx"), visible: exported},
		"GET /api/v1/exports/people.csv":             {build: fixed("GET", "/api/v1/exports/people.csv"), visible: exported},

		"GET /api/v1/users": {build: fixed("GET", "/api/v1/users?limit=500"), visible: func(t *testing.T, f *fixture, r *response, in, out scope) {
			if ids := r.ids(t); !ids[in.user.ID] || ids[out.user.ID] {
				t.Errorf("list shows in-scope account %d: %v, out-of-scope %d: %v", in.user.ID, ids[in.user.ID], out.user.ID, ids[out.user.ID])
			}
		}},
		"POST /api/v1/users": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/users", JSON: map[string]string{"username": fmt.Sprintf("volunteer-%d", f.next()),
				"password": password, "role": "volunteer", "region_code": s.region}}
		}},
		"GET /api/v1/users/{id}": {scoped: true, build: get(func(s scope) string { return "/api/v1/users/" + id(s.user.ID) })},
		"PATCH /api/v1/users/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "PATCH", Path: "/api/v1/users/" + id(s.user.ID), JSON: map[string]string{"display_name": "改过的名字"}}
		}},
		// Only the security administrator resets someone else's authenticator.
		"POST /api/v1/users/{id}/otp/reset": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/users/" + id(s.user.ID) + "/otp/reset"}
		}},

		"GET /api/v1/audit":              {build: fixed("GET", "/api/v1/audit")},
		"GET /api/v1/audit/verification": {build: fixed("GET", "/api/v1/audit/verification")},
		"GET /api/v1/exports/audit.xlsx": {build: fixed("GET", "/api/v1/exports/audit.xlsx")},
	}
	maps.Copy(ps, needProbes())
	maps.Copy(ps, familyLinkProbes())
	maps.Copy(ps, listExportProbes())
	maps.Copy(ps, transferProbes())
	for _, more := range areaProbes {
		maps.Copy(ps, more())
	}
	return ps
}

// areaProbes are the probes of the areas that keep their rows and probes in
// a file of their own (access_<area>_test.go): its init appends its rows to
// access and its probe maker here.
var areaProbes []func() map[string]probe

func id(n int64) string { return strconv.FormatInt(n, 10) }

// statusCode is the error code each error status must carry.
var statusCode = map[int]string{400: "invalid", 403: "forbidden", 404: "not_found", 422: "import_invalid"}

func TestAccessMatrix(t *testing.T) {
	table := map[string][]string{}
	var order []string
	for _, line := range access {
		cols := strings.Fields(line)
		if len(cols) != 2+len(callers) {
			t.Fatalf("%q: %d columns, want method, path and one per caller (%d)", line, len(cols), len(callers))
		}
		route := cols[0] + " " + cols[1]
		if _, dup := table[route]; dup {
			t.Fatalf("%s is twice in the table", route)
		}
		table[route] = cols[2:]
		order = append(order, route)
	}
	// Logging out ends the tokens the other routes use.
	const logout = "DELETE /api/v1/session"
	order = append(slices.DeleteFunc(order, func(r string) bool { return r == logout }), logout)
	routes := map[string]bool{}
	for _, rt := range api.Routes() {
		routes[rt[0]+" "+rt[1]] = true
	}
	ps := probes()
	for r := range routes {
		if _, ok := table[r]; !ok {
			t.Errorf("route %s has no row in the access table: say what every role gets", r)
		}
		if _, ok := ps[r]; !ok {
			t.Errorf("route %s has no probe building its request", r)
		}
	}
	for r, cols := range table {
		if !routes[r] {
			t.Errorf("the access table lists %s, which routes.go does not serve", r)
		}
		for i, c := range cols {
			if strings.Contains(c, "/") && !ps[r].scoped {
				t.Errorf("%s: %s has in/out answers %s, but the route names no record", r, callers[i], c)
			}
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, callers...)
		userIn, userOut := f.userAt(t, "210902"), f.userAt(t, "210903")
		for _, route := range order {
			p := ps[route]
			for i, who := range callers {
				wantIn, wantOut, _ := strings.Cut(table[route][i], "/")
				if wantOut == "" {
					wantOut = wantIn
				}
				in, out := f.scopes(who, userIn, userOut)
				t.Run(route+"/"+who, func(t *testing.T) {
					type attempt struct {
						name string
						s    scope
						want string
					}
					cases := []attempt{{"in scope", in, wantIn}}
					if p.scoped {
						cases = append(cases, attempt{"out of scope", out, wantOut})
					}
					for _, c := range cases {
						req := p.build(t, f, who, c.s)
						if req.Token == "" && route != "POST /api/v1/session" {
							req.Token = f.tokens[who]
						}
						r := f.do(t, req)
						if got := strconv.Itoa(r.Status); got != c.want {
							t.Errorf("%s %s (%s): status %s, want %s: %.300s", req.Method, req.Path, c.name, got, c.want, r.Body)
							continue
						}
						if code, ok := statusCode[r.Status]; ok {
							if e := r.apiError(t); e.Code != code {
								t.Errorf("%s (%s): error code %q, want %q", req.Path, c.name, e.Code, code)
							}
						}
						if r.Status < 300 && p.visible != nil {
							p.visible(t, f, r, in, out)
						}
					}
				})
			}
		}
	})
}

// TestOutOfScopeLooksMissing checks a record outside the caller's scope gets
// exactly the answer of an id that does not exist, body and all, so that
// nobody can learn which ids exist elsewhere.
func TestOutOfScopeLooksMissing(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleCaseworker, auth.RoleSysadmin)
		other := f.userAt(t, "210903")
		const missing = 987654
		outMember := f.relative[f.atB.ID].ID
		cases := []struct {
			name, who, method string
			out, gone         string
			body              any
		}{
			{"a person in another district", auth.RoleCaseworker, "GET", "/api/v1/people/" + id(f.atB.ID), "/api/v1/people/" + id(missing), nil},
			{"changing a person in another district", auth.RoleCaseworker, "PATCH", "/api/v1/people/" + id(f.atB.ID), "/api/v1/people/" + id(missing), map[string]string{"title": "x"}},
			{"deleting a person in another district", auth.RoleCaseworker, "DELETE", "/api/v1/people/" + id(f.atB.ID), "/api/v1/people/" + id(missing), nil},
			{"the family of a person in another district", auth.RoleCaseworker, "GET", "/api/v1/people/" + id(f.atB.ID) + "/family", "/api/v1/people/" + id(missing) + "/family", nil},
			{"a relative of a person in another district", auth.RoleCaseworker, "PATCH", "/api/v1/people/" + id(f.atB.ID) + "/family/" + id(outMember),
				"/api/v1/people/" + id(missing) + "/family/" + id(missing), map[string]bool{"lives_with": false}},
			{"someone else's relative under one's own person", auth.RoleCaseworker, "DELETE", "/api/v1/people/" + id(f.atA.ID) + "/family/" + id(outMember),
				"/api/v1/people/" + id(f.atA.ID) + "/family/" + id(missing), nil},
			{"an institution in another district", auth.RoleCaseworker, "GET", "/api/v1/institutions/" + id(f.instB.ID), "/api/v1/institutions/" + id(missing), nil},
			{"an account in another district", auth.RoleSysadmin, "GET", "/api/v1/users/" + id(other.ID), "/api/v1/users/" + id(missing), nil},
			{"registering at an institution in another district", auth.RoleCaseworker, "POST", "/api/v1/people", "/api/v1/people", nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				outBody, goneBody := c.body, c.body
				if c.method == "POST" {
					outBody = map[string]any{"name": "甲", "id_number": f.freshIDNumber(), "institution_id": f.instB.ID, "occupation": "doctor"}
					goneBody = map[string]any{"name": "甲", "id_number": f.freshIDNumber(), "institution_id": missing, "occupation": "doctor"}
				}
				a := f.send(t, c.who, c.method, c.out, outBody)
				b := f.send(t, c.who, c.method, c.gone, goneBody)
				if a.Status != b.Status || !bytes.Equal(a.Body, b.Body) {
					t.Errorf("out of scope: %d %s\nmissing:      %d %s", a.Status, a.Body, b.Status, b.Body)
				}
				if a.Status != http.StatusNotFound && a.Status != http.StatusBadRequest {
					t.Errorf("status %d, want 404 (or 400 on the field naming it)", a.Status)
				}
			})
		}
		// The record outside scope is untouched.
		got, err := st.GetPerson(testutil.System(), f.atB.ID, false)
		if err != nil || got.Title != f.atB.Title || got.Version != f.atB.Version {
			t.Errorf("out-of-scope person after the calls: %+v, %v", got, err)
		}
		if fam, err := st.ListFamily(testutil.System(), f.atB.ID, false); err != nil || len(fam) != 1 || fam[0].Version != 1 {
			t.Errorf("out-of-scope family after the calls: %+v, %v", fam, err)
		}
	})
}

// exportText returns the text of an export answer, CSV or .xlsx.
func exportText(t *testing.T, r *response) string {
	t.Helper()
	if strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		return string(r.Body)
	}
	x, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("export is not an .xlsx: %v", err)
	}
	defer x.Close()
	var sb strings.Builder
	for _, sheet := range x.GetSheetList() {
		rows, err := x.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			sb.WriteString(strings.Join(row, "\t"))
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}
