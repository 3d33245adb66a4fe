package api_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/living"
	"houdun/internal/model"
	"houdun/internal/testutil"
)

// The access matrix of accommodation and transport. A site in scope is a
// rest area of the in-scope institution (the district's caseworkers manage
// it, its institution admin too); a stay or a transport request is the
// in-scope person's. A volunteer driver reaches only the trips assigned to
// their own record: in scope is one assigned to them, out of scope one
// assigned to another volunteer of the same district. Creates naming a
// person or institution out of scope answer 400 on that field.
func init() {
	access = append(access,
		// method path                                           sysadmin secadmin auditor caseworker inst_admin counselor finance volunteer leader  worker  caseworker@2109
		"GET    /api/v1/sites                                    403      403      403     200        200        403       403     403       403     403     200",
		"POST   /api/v1/sites                                    403      403      403     201/400    201/400    403       403     403       403     403     201/400",
		"GET    /api/v1/sites/{id}                               403      403      403     200/404    200/404    403       403     403       403     403     200/404",
		"PATCH  /api/v1/sites/{id}                               403      403      403     200/404    200/404    403       403     403       403     403     200/404",
		"POST   /api/v1/sites/{id}/rooms                         403      403      403     201/404    201/404    403       403     403       403     403     201/404",
		"GET    /api/v1/sites/{id}/occupancy                     403      403      403     200/404    200/404    403       403     403       403     403     200/404",
		"GET    /api/v1/stays                                    403      403      403     200        200        403       403     403       403     200     200",
		"POST   /api/v1/stays                                    403      403      403     201/400    201/400    403       403     403       403     403     201/400",
		"GET    /api/v1/stays/trace                              403      403      403     200        200        403       403     403       403     403     200",
		"GET    /api/v1/stays/{id}                               403      403      403     200/404    200/404    403       403     403       403     200/404 200/404",
		"POST   /api/v1/stays/{id}/check-out                     403      403      403     200/404    200/404    403       403     403       403     403     200/404",
		"POST   /api/v1/stays/{id}/corrections                   403      403      403     200/404    200/404    403       403     403       403     403     200/404",
		"GET    /api/v1/exports/stays.xlsx                       403      403      403     200        200        403       403     403       403     403     200",
		"GET    /api/v1/transport-requests                       403      403      403     200        200        403       403     200       403     200     200",
		"POST   /api/v1/transport-requests                       403      403      403     201/400    201/400    403       403     403       403     201/400 201/400",
		"GET    /api/v1/transport-requests/{id}                  403      403      403     200/404    200/404    403       403     200/404   403     200/404 200/404",
		"POST   /api/v1/transport-requests/{id}/assign           403      403      403     200/404    200/404    403       403     403       403     403     200/404",
		"POST   /api/v1/transport-requests/{id}/start            403      403      403     200/404    200/404    403       403     200/404   403     403     200/404",
		"POST   /api/v1/transport-requests/{id}/complete         403      403      403     200/404    200/404    403       403     200/404   403     403     200/404",
		"POST   /api/v1/transport-requests/{id}/cancel           403      403      403     200/404    200/404    403       403     403       403     200/404 200/404",
		"GET    /api/v1/exports/transport-requests.xlsx          403      403      403     200        200        403       403     403       403     403     200",
	)
	areaProbes = append(areaProbes, stayProbes)
}

// staySites holds each fixture's rest area per institution, made on first use.
var staySites sync.Map

type staySiteKey struct {
	f    *fixture
	inst int64
}

// staySite is the rest area of an institution, made directly in the store.
func (f *fixture) staySite(t *testing.T, inst model.Institution) model.Site {
	t.Helper()
	if s, ok := staySites.Load(staySiteKey{f, inst.ID}); ok {
		return s.(model.Site)
	}
	s, err := f.st.CreateSite(testutil.System(), model.SiteInput{Name: ptr(inst.Name + "休息区"), Kind: ptr(model.SiteRestArea),
		RegionCode: ptr(inst.RegionCode), InstitutionID: ptr(inst.ID)})
	if err != nil {
		t.Fatalf("seed site: %v", err)
	}
	actual, _ := staySites.LoadOrStore(staySiteKey{f, inst.ID}, s)
	return actual.(model.Site)
}

// freshBed adds a room of one bed to the institution's rest area.
func (f *fixture) freshBed(t *testing.T, inst model.Institution) int64 {
	t.Helper()
	rooms, err := f.st.AddRooms(testutil.System(), f.staySite(t, inst).ID, model.RoomsInput{Names: []string{fmt.Sprintf("R%d", f.next())}, Beds: 1})
	if err != nil {
		t.Fatalf("seed room: %v", err)
	}
	return rooms[len(rooms)-1].Beds[0].ID
}

// stayDates are two nights of their own, so that no two stays of a person clash.
func (f *fixture) stayDates() (string, string) {
	d := f.clock.Now().AddDate(0, 0, int(3*f.next()))
	return d.Format(living.DateLayout), d.AddDate(0, 0, 2).Format(living.DateLayout)
}

// freshStay houses a person in a new bed of their institution's rest area.
func (f *fixture) freshStay(t *testing.T, p model.Person) model.Stay {
	t.Helper()
	in, out := f.stayDates()
	st, err := f.st.CheckIn(testutil.System(), model.CheckIn{PersonID: p.ID, BedID: f.freshBed(t, f.instOf(p)), CheckInOn: in, ExpectedOutOn: out})
	if err != nil {
		t.Fatalf("seed stay: %v", err)
	}
	return st
}

func (f *fixture) instOf(p model.Person) model.Institution {
	for _, i := range []model.Institution{f.instA, f.instA2, f.instB, f.instC} {
		if i.ID == p.InstitutionID {
			return i
		}
	}
	panic("no institution")
}

// freshTrip records a commute of a person; assigned, to the volunteer
// account's record when the caller is that volunteer and the side is in
// scope, else to another volunteer of 海州区 (a volunteer's out of scope).
func (f *fixture) freshTrip(t *testing.T, who string, s scope, assigned bool) int64 {
	t.Helper()
	sys := testutil.System()
	tr, err := f.st.CreateTrip(sys, model.TripInput{PersonID: s.person.ID, Kind: living.TripCommute, Pickup: "宿舍", Destination: "医院",
		WantedAt: f.clock.Now().Add(time.Hour)})
	if err != nil {
		t.Fatalf("seed trip: %v", err)
	}
	if who == auth.RoleVolunteer || assigned {
		w := f.world(t)
		vol := w.volunteer["210902"].ID
		if f.isIn(who, s) && who == auth.RoleVolunteer {
			vol = w.linked.ID
		}
		if _, err := f.st.StepTrip(sys, tr.ID, living.TripAssign, model.TripStep{Vehicle: "辽J00001", VolunteerID: &vol}); err != nil {
			t.Fatalf("seed assignment: %v", err)
		}
	}
	return tr.ID
}

func stayProbes() map[string]probe {
	fixed := func(method, path string) func(t *testing.T, f *fixture, who string, s scope) call {
		return func(t *testing.T, f *fixture, who string, s scope) call { return call{Method: method, Path: path} }
	}
	site := func(t *testing.T, f *fixture, s scope) string { return "/api/v1/sites/" + id(f.staySite(t, s.inst).ID) }
	trip := func(action string, assigned bool, body any) func(t *testing.T, f *fixture, who string, s scope) call {
		return func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/transport-requests/" + id(f.freshTrip(t, who, s, assigned)) + "/" + action, JSON: body}
		}
	}
	return map[string]probe{
		"GET /api/v1/sites": {build: fixed("GET", "/api/v1/sites")},
		"POST /api/v1/sites": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/sites", JSON: map[string]any{"name": fmt.Sprintf("休息区%d", f.next()), "kind": "rest_area",
				"institution_id": s.inst.ID, "region_code": s.inst.RegionCode + "00"[:6-len(s.inst.RegionCode)]}}
		}},
		"GET /api/v1/sites/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: site(t, f, s)}
		}},
		"PATCH /api/v1/sites/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "PATCH", Path: site(t, f, s), JSON: map[string]any{"meals_per_day": 3}}
		}},
		"POST /api/v1/sites/{id}/rooms": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: site(t, f, s) + "/rooms", JSON: map[string]any{"floor": "1", "names": []string{fmt.Sprintf("%d", 1000+f.next())}, "beds": 2}}
		}},
		"GET /api/v1/sites/{id}/occupancy": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: site(t, f, s) + "/occupancy?date=" + f.clock.Now().Format(living.DateLayout)}
		}},
		"GET /api/v1/stays": {build: fixed("GET", "/api/v1/stays")},
		"POST /api/v1/stays": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			in, out := f.stayDates()
			return call{Method: "POST", Path: "/api/v1/stays", JSON: map[string]any{"person_id": s.person.ID, "bed_id": f.freshBed(t, f.instOf(s.person)),
				"check_in_on": in, "expected_out_on": out}}
		}},
		"GET /api/v1/stays/trace": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: "/api/v1/stays/trace?person=" + id(s.person.ID)}
		}},
		"GET /api/v1/stays/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: "/api/v1/stays/" + id(f.freshStay(t, s.person).ID)}
		}},
		"POST /api/v1/stays/{id}/check-out": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			st := f.freshStay(t, s.person)
			return call{Method: "POST", Path: "/api/v1/stays/" + id(st.ID) + "/check-out", JSON: map[string]any{"check_out_on": st.CheckInOn}}
		}},
		"POST /api/v1/stays/{id}/corrections": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			st := f.freshStay(t, s.person)
			return call{Method: "POST", Path: "/api/v1/stays/" + id(st.ID) + "/corrections", JSON: map[string]any{"reason": "录入更正",
				"expected_out_on": living.AddDays(st.CheckInOn, 1)}}
		}},
		"GET /api/v1/exports/stays.xlsx": {build: fixed("GET", "/api/v1/exports/stays.xlsx")},
		"GET /api/v1/transport-requests": {build: fixed("GET", "/api/v1/transport-requests")},
		"POST /api/v1/transport-requests": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/transport-requests", JSON: map[string]any{"person_id": s.person.ID, "kind": "hospital",
				"family_member_id": f.relative[s.person.ID].ID, "pickup": "家", "destination": "市中心医院", "wanted_at": f.clock.Now().Add(3 * time.Hour)}}
		}},
		"GET /api/v1/transport-requests/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: "/api/v1/transport-requests/" + id(f.freshTrip(t, who, s, false))}
		}},
		"POST /api/v1/transport-requests/{id}/assign":   {scoped: true, build: trip("assign", false, map[string]any{"vehicle": "辽J12345"})},
		"POST /api/v1/transport-requests/{id}/start":    {scoped: true, build: trip("start", true, nil)},
		"POST /api/v1/transport-requests/{id}/complete": {scoped: true, build: trip("complete", true, map[string]any{"outcome": "已送达"})},
		"POST /api/v1/transport-requests/{id}/cancel":   {scoped: true, build: trip("cancel", false, map[string]any{"outcome": "不需要了"})},
		"GET /api/v1/exports/transport-requests.xlsx":   {build: fixed("GET", "/api/v1/exports/transport-requests.xlsx")},
	}
}
