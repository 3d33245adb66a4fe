package api_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/model"
	"houdun/internal/testutil"
)

// needWorld is what the tests of the needs ledger add to a fixture: an open
// psychological case per person (so that a counselor reaches it too), a
// volunteer registered at 海州区 (210902), 新邱区 (210903) and 和平区 (210102),
// one more at 海州区 linked to the volunteer account with a case of 张伟
// assigned to it, a visit and a pairing per person, and a webhook.
type needWorld struct {
	need      map[int64]int64            // person id → an open psychological case
	volNeed   int64                      // a case of atA assigned to the volunteer account's record
	volunteer map[string]model.Volunteer // region → a volunteer registered there, not linked to an account
	linked    model.Volunteer            // at 210902, linked to the volunteer account when the fixture has one
	visit     map[int64]int64            // person id → a visit
	pairing   map[int64]int64            // person id → a pairing with the volunteer of the person's region
	webhook   model.Webhook
}

// worlds holds each fixture's needWorld, built on first use.
var worlds sync.Map

// world returns the fixture's needWorld, seeding it directly in the store the first time.
func (f *fixture) world(t *testing.T) *needWorld {
	t.Helper()
	if w, ok := worlds.Load(f); ok {
		return w.(*needWorld)
	}
	sys := testutil.System()
	w := &needWorld{need: map[int64]int64{}, volunteer: map[string]model.Volunteer{}, visit: map[int64]int64{}, pairing: map[int64]int64{}}
	people := []model.Person{f.self, f.atA, f.atA2, f.atB, f.atC}
	for _, p := range people {
		w.need[p.ID] = f.newNeed(t, p.ID, model.CategoryPsychological).ID
		v, err := f.st.CreateVisit(sys, model.VisitInput{PersonID: p.ID, Channel: model.ChannelPhone, VisitedAt: f.clock.Now().Add(-24 * time.Hour),
			Notes: "电话慰问"})
		if err != nil {
			t.Fatalf("seed visit: %v", err)
		}
		w.visit[p.ID] = v.ID
	}
	for _, region := range []string{"210902", "210903", "210102"} {
		w.volunteer[region] = f.newVolunteer(t, region, "")
	}
	if u, ok := f.users[auth.RoleVolunteer]; ok {
		w.linked = f.newVolunteer(t, "210902", u.Username)
	} else {
		w.linked = f.newVolunteer(t, "210902", "")
	}
	w.volNeed = f.newNeed(t, f.atA.ID, model.CategoryLiving).ID
	f.stepNeed(t, w.volNeed, "assigned", &model.NeedAssign{VolunteerID: ptr(w.linked.ID)})
	for _, p := range people {
		w.pairing[p.ID] = f.newPairing(t, w.volunteer[p.RegionCode].ID, p.ID).ID
	}
	hook, err := f.st.CreateWebhook(sys, model.WebhookInput{URL: ptr("http://127.0.0.1:9/hook"), Events: &[]string{model.OutboxNeedCreated}})
	if err != nil {
		t.Fatalf("seed webhook: %v", err)
	}
	w.webhook = hook
	// Kept for the fixture's whole life (the map keeps the fixture alive too,
	// so its address is never reused by another).
	actual, _ := worlds.LoadOrStore(f, w)
	return actual.(*needWorld)
}

// newNeed records an open case of a person directly in the store.
func (f *fixture) newNeed(t *testing.T, personID int64, category string) model.Need {
	t.Helper()
	n, err := f.st.CreateNeed(testutil.System(), model.NeedInput{PersonID: personID, Category: category, Kind: model.KindCounselling,
		Urgency: model.UrgencyNormal, Description: fmt.Sprintf("需求%d：家中老人无人照看，本人压力较大", f.next()), Source: model.SourceHotline})
	if err != nil {
		t.Fatalf("seed case: %v", err)
	}
	return n
}

// stepNeed moves a case, directly in the store, to status: assigned (to
// whom assign names), in_progress, resolved or closed, through the steps
// before it.
func (f *fixture) stepNeed(t *testing.T, id int64, status string, assign *model.NeedAssign) model.Need {
	t.Helper()
	sys := testutil.System()
	var n model.Need
	var err error
	steps := map[string]int{model.NeedAssigned: 1, model.NeedInProgress: 2, model.NeedResolved: 3, model.NeedClosed: 4}[status]
	if steps >= 1 {
		if n, err = f.st.AssignNeed(sys, id, *assign); err != nil {
			t.Fatalf("seed assign: %v", err)
		}
	}
	if steps >= 2 {
		if n, err = f.st.StartNeed(sys, id, model.NeedStep{}); err != nil {
			t.Fatalf("seed start: %v", err)
		}
	}
	if steps >= 3 {
		if n, err = f.st.ResolveNeed(sys, id, model.NeedStep{Resolution: "已联系社区送餐"}); err != nil {
			t.Fatalf("seed resolve: %v", err)
		}
	}
	if steps >= 4 {
		if n, err = f.st.CloseNeed(sys, id, model.NeedStep{Satisfaction: ptr(5)}); err != nil {
			t.Fatalf("seed close: %v", err)
		}
	}
	return n
}

// newVolunteer registers a volunteer directly in the store, linked to an account when username is set.
func (f *fixture) newVolunteer(t *testing.T, region, username string) model.Volunteer {
	t.Helper()
	in := model.VolunteerInput{Name: ptr(fmt.Sprintf("志愿者%d", f.next())), Phone: ptr(fmt.Sprintf("137%08d", f.next())), RegionCode: ptr(region),
		Skills: &[]string{model.SkillShopping, model.SkillCounselling, model.SkillEldercare}}
	if username != "" {
		in.Username = ptr(username)
	}
	v, err := f.st.CreateVolunteer(testutil.System(), in)
	if err != nil {
		t.Fatalf("seed volunteer: %v", err)
	}
	return v
}

// newPairing pairs a volunteer with a person directly in the store.
func (f *fixture) newPairing(t *testing.T, volunteerID, personID int64) model.Pairing {
	t.Helper()
	pa, err := f.st.CreatePairing(testutil.System(), model.PairingInput{VolunteerID: ptr(volunteerID), PersonID: ptr(personID), StartsOn: ptr("2026-01-01")})
	if err != nil {
		t.Fatalf("seed pairing: %v", err)
	}
	return pa
}

// isIn reports whether s is the in-scope side of who's scopes.
func (f *fixture) isIn(who string, s scope) bool {
	in, _ := f.scopes(who, model.User{}, model.User{})
	return s.person.ID == in.person.ID
}

// caseFor is the case a read of who names for scope s: for a volunteer, the
// one assigned to them in scope and 张伟's unassigned one outside (same
// district: a volunteer's scope is their cases, not a region).
func (f *fixture) caseFor(t *testing.T, who string, s scope) int64 {
	w := f.world(t)
	if who == auth.RoleVolunteer {
		if f.isIn(who, s) {
			return w.volNeed
		}
		return w.need[f.atA.ID]
	}
	return w.need[s.person.ID]
}

// preparedCase records a fresh case of s's person in status, for a step
// probe. Assigned cases go to the caller when they work only their own cases
// (volunteer: their linked record; counselor: their account) and the case is
// on the in-scope side; otherwise to a volunteer without an account.
func (f *fixture) preparedCase(t *testing.T, who string, s scope, status string) int64 {
	t.Helper()
	w := f.world(t)
	category := model.CategoryLiving
	if who == auth.RoleCounselor {
		category = model.CategoryPsychological
	}
	n := f.newNeed(t, s.person.ID, category)
	if status == model.NeedOpen {
		return n.ID
	}
	assign := &model.NeedAssign{VolunteerID: ptr(w.volunteer["210903"].ID)}
	switch {
	case who == auth.RoleVolunteer && f.isIn(who, s):
		assign = &model.NeedAssign{VolunteerID: ptr(w.linked.ID)}
	case who == auth.RoleCounselor && f.isIn(who, s):
		assign = &model.NeedAssign{UserID: ptr(f.users[who].ID)}
	}
	return f.stepNeed(t, n.ID, status, assign).ID
}

// needProbes build the requests of the needs ledger's routes for the access matrix.
func needProbes() map[string]probe {
	fixed := func(method, path string) func(t *testing.T, f *fixture, who string, s scope) call {
		return func(t *testing.T, f *fixture, who string, s scope) call { return call{Method: method, Path: path} }
	}
	step := func(action, status string, body any) func(t *testing.T, f *fixture, who string, s scope) call {
		return func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/needs/" + id(f.preparedCase(t, who, s, status)) + "/" + action, JSON: body}
		}
	}
	listed := func(t *testing.T, r *response, in, out int64) {
		t.Helper()
		if ids := r.ids(t); !ids[in] || ids[out] {
			t.Errorf("list shows in-scope %d: %v, out-of-scope %d: %v", in, ids[in], out, ids[out])
		}
	}
	return map[string]probe{
		"POST /api/v1/needs": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/needs", JSON: map[string]any{"person_id": s.person.ID, "category": "living", "kind": "meals",
				"urgency": "normal", "description": "值班期间家中老人需要送餐", "source": "self"}}
		}},
		"GET /api/v1/needs": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			f.world(t)
			return call{Method: "GET", Path: "/api/v1/needs?limit=500"}
		}, visible: func(t *testing.T, f *fixture, r *response, in, out scope) {
			w := f.world(t)
			// A volunteer's view has no institutions (the store presents
			// cases so to that role): it must hold their case and no other.
			var list struct {
				Items []struct {
					InstitutionName string `json:"institution_name"`
				}
			}
			r.decode(t, &list)
			if len(list.Items) > 0 && list.Items[0].InstitutionName == "" {
				ids := r.ids(t)
				if !ids[w.volNeed] {
					t.Errorf("a volunteer's list lacks their case %d: %v", w.volNeed, ids)
				}
				for _, other := range w.need {
					if ids[other] {
						t.Errorf("a volunteer's list holds case %d, not assigned to them", other)
					}
				}
				return
			}
			listed(t, r, w.need[in.person.ID], w.need[out.person.ID])
		}},
		"GET /api/v1/needs/stats": {build: fixed("GET", "/api/v1/needs/stats")},
		"GET /api/v1/needs/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: "/api/v1/needs/" + id(f.caseFor(t, who, s))}
		}},
		"GET /api/v1/needs/{id}/volunteers": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: "/api/v1/needs/" + id(f.caseFor(t, who, s)) + "/volunteers"}
		}},
		"GET /api/v1/needs/{id}/assignees": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: "/api/v1/needs/" + id(f.caseFor(t, who, s)) + "/assignees"}
		}, visible: func(t *testing.T, f *fixture, r *response, in, out scope) {
			// The volunteer paired with the family comes first; staff are
			// accounts of case workers (and counselors: the case is a
			// psychological one) whose region reaches the case; the volunteer
			// account is there only as its registry record.
			var list struct {
				Items []model.AssigneeOption `json:"items"`
			}
			r.decode(t, &list)
			paired := f.world(t).volunteer[in.person.RegionCode].ID
			if len(list.Items) == 0 || list.Items[0].VolunteerID == nil || *list.Items[0].VolunteerID != paired || !list.Items[0].Paired {
				t.Errorf("the paired volunteer %d is not first: %+v", paired, list.Items)
			}
			staff := map[int64]bool{}
			for _, o := range list.Items {
				if o.Kind != model.AssigneeUser {
					continue
				}
				staff[*o.UserID] = true
				if !strings.HasPrefix(in.person.RegionCode, o.RegionCode) || (o.Role != auth.RoleCaseworker && o.Role != auth.RoleCounselor) {
					t.Errorf("offered %s (%s at %q) for a case at %s", o.Name, o.Role, o.RegionCode, in.person.RegionCode)
				}
			}
			if vol, ok := f.users[auth.RoleVolunteer]; ok && staff[vol.ID] {
				t.Error("the volunteer's account is offered as staff")
			}
			if cw, ok := f.users[auth.RoleCaseworker]; ok && staff[cw.ID] != strings.HasPrefix(in.person.RegionCode, cw.RegionCode) {
				t.Errorf("the district case worker offered: %v, for a case at %s", staff[cw.ID], in.person.RegionCode)
			}
		}},
		"POST /api/v1/needs/{id}/assign": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/needs/" + id(f.preparedCase(t, who, s, model.NeedOpen)) + "/assign",
				JSON: map[string]any{"volunteer_id": f.world(t).volunteer[s.region].ID, "note": "请尽快联系"}}
		}},
		"POST /api/v1/needs/{id}/start":   {scoped: true, build: step("start", model.NeedAssigned, nil)},
		"POST /api/v1/needs/{id}/resolve": {scoped: true, build: step("resolve", model.NeedInProgress, map[string]string{"resolution": "已送达"})},
		"POST /api/v1/needs/{id}/close":   {scoped: true, build: step("close", model.NeedResolved, map[string]int{"satisfaction": 4})},
		"POST /api/v1/needs/{id}/reject":  {scoped: true, build: step("reject", model.NeedOpen, map[string]string{"reason": "重复登记"})},
		"POST /api/v1/needs/{id}/reopen":  {scoped: true, build: step("reopen", model.NeedClosed, map[string]string{"note": "回访时反映问题复发"})},
		"GET /api/v1/ledger.xlsx": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			f.world(t)
			return call{Method: "GET", Path: "/api/v1/ledger.xlsx?region=" + s.region}
		}, visible: func(t *testing.T, f *fixture, r *response, in, out scope) {
			text := exportText(t, r)
			want, gone := in.person.Name, out.person.Name
			if strings.Contains(text, "仅含汇总") { // the leader's ledger: the summary alone
				if strings.Contains(text, casework.MaskName(want)) || strings.Contains(text, casework.MaskName(gone)) {
					t.Errorf("a leader's ledger names %s or %s", want, gone)
				}
				return
			}
			if !strings.Contains(text, want) || strings.Contains(text, gone) {
				t.Errorf("ledger holds in-scope %s: %v, out-of-scope %s: %v", want, strings.Contains(text, want), gone, strings.Contains(text, gone))
			}
		}},

		"POST /api/v1/visits": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/visits", JSON: map[string]any{"person_id": s.person.ID, "channel": "phone",
				"visited_at": f.clock.Now().Add(-time.Hour), "notes": "电话了解近况"}}
		}},
		"GET /api/v1/visits": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			f.world(t)
			return call{Method: "GET", Path: "/api/v1/visits?limit=500"}
		}, visible: func(t *testing.T, f *fixture, r *response, in, out scope) {
			listed(t, r, f.world(t).visit[in.person.ID], f.world(t).visit[out.person.ID])
		}},
		"GET /api/v1/visits/due": {build: fixed("GET", "/api/v1/visits/due?limit=500"), visible: func(t *testing.T, f *fixture, r *response, in, out scope) {
			var plan struct {
				Items []struct {
					PersonID int64 `json:"person_id"`
				}
			}
			r.decode(t, &plan)
			seen := map[int64]bool{}
			for _, it := range plan.Items {
				seen[it.PersonID] = true
			}
			if !seen[in.person.ID] || seen[out.person.ID] {
				t.Errorf("plan shows in-scope %d: %v, out-of-scope %d: %v", in.person.ID, seen[in.person.ID], out.person.ID, seen[out.person.ID])
			}
		}},
		"GET /api/v1/visits/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: "/api/v1/visits/" + id(f.world(t).visit[s.person.ID])}
		}},

		"GET /api/v1/volunteers": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			f.world(t)
			return call{Method: "GET", Path: "/api/v1/volunteers?limit=500"}
		}, visible: func(t *testing.T, f *fixture, r *response, in, out scope) {
			listed(t, r, f.world(t).volunteer[in.region].ID, f.world(t).volunteer[out.region].ID)
		}},
		"POST /api/v1/volunteers": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/volunteers", JSON: map[string]any{"name": "新志愿者", "phone": fmt.Sprintf("136%08d", f.next()),
				"region_code": s.region, "skills": []string{"driving"}}}
		}},
		"GET /api/v1/volunteers/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: "/api/v1/volunteers/" + id(f.world(t).volunteer[s.region].ID)}
		}},
		"PATCH /api/v1/volunteers/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "PATCH", Path: "/api/v1/volunteers/" + id(f.world(t).volunteer[s.region].ID), JSON: map[string]bool{"available": true}}
		}},
		"DELETE /api/v1/volunteers/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "DELETE", Path: "/api/v1/volunteers/" + id(f.newVolunteer(t, s.region, "").ID)}
		}},

		"GET /api/v1/pairings": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			f.world(t)
			return call{Method: "GET", Path: "/api/v1/pairings?limit=500"}
		}, visible: func(t *testing.T, f *fixture, r *response, in, out scope) {
			listed(t, r, f.world(t).pairing[in.person.ID], f.world(t).pairing[out.person.ID])
		}},
		"POST /api/v1/pairings": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			v := f.newVolunteer(t, s.region, "")
			return call{Method: "POST", Path: "/api/v1/pairings", JSON: map[string]any{"volunteer_id": v.ID, "person_id": s.person.ID, "starts_on": "2026-03-01"}}
		}},
		"GET /api/v1/pairings/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: "/api/v1/pairings/" + id(f.world(t).pairing[s.person.ID])}
		}},
		"PATCH /api/v1/pairings/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "PATCH", Path: "/api/v1/pairings/" + id(f.world(t).pairing[s.person.ID]), JSON: map[string]string{"note": "每周两次上门"}}
		}},
		"DELETE /api/v1/pairings/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "DELETE", Path: "/api/v1/pairings/" + id(f.newPairing(t, f.newVolunteer(t, s.region, "").ID, s.person.ID).ID)}
		}},

		"GET /api/v1/inbox": {build: fixed("GET", "/api/v1/inbox")},
		"POST /api/v1/inbox/read": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/inbox/read", JSON: map[string]bool{"all": true}}
		}},

		"GET /api/v1/webhooks": {build: fixed("GET", "/api/v1/webhooks")},
		"POST /api/v1/webhooks": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/webhooks", JSON: map[string]any{"url": "https://hooks.example.org/houdun", "events": []string{"need.escalated"}}}
		}},
		"GET /api/v1/webhooks/{id}": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: "/api/v1/webhooks/" + id(f.world(t).webhook.ID)}
		}},
		"PATCH /api/v1/webhooks/{id}": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "PATCH", Path: "/api/v1/webhooks/" + id(f.world(t).webhook.ID), JSON: map[string]bool{"active": true}}
		}},
		"DELETE /api/v1/webhooks/{id}": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			hook, err := f.st.CreateWebhook(testutil.System(), model.WebhookInput{URL: ptr("http://127.0.0.1:9/gone"), Events: &[]string{model.OutboxNeedClosed}})
			if err != nil {
				t.Fatal(err)
			}
			return call{Method: "DELETE", Path: "/api/v1/webhooks/" + id(hook.ID)}
		}},
		"GET /api/v1/webhooks/{id}/deliveries": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: "/api/v1/webhooks/" + id(f.world(t).webhook.ID) + "/deliveries"}
		}},

		"GET /api/v1/settings": {build: fixed("GET", "/api/v1/settings?region=210902")},
		"PUT /api/v1/settings": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "PUT", Path: "/api/v1/settings?region=" + s.region, JSON: map[string]any{"values": map[string]any{"visit.interval_days": 5}}}
		}},
	}
}
