package api_test

import (
	"net/http"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestStaysOverHTTP: a case worker registers a hotel (the region in its
// padded official form), adds rooms, houses 张伟 for a week; a second
// check-in to the occupied bed answers 409 and writes nothing, a check-out
// before the check-in 400 with the field's message in the caller's
// language; the board shows the bed taken; the worker asks for transport
// and the case worker assigns it.
func TestStaysOverHTTP(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleCaseworker, auth.RoleWorker)
		cw := auth.RoleCaseworker
		var site model.Site
		f.send(t, cw, "POST", "/api/v1/sites", map[string]any{"name": "海州宾馆", "kind": "hotel", "region_code": "210902",
			"meals_per_day": 3, "separates_high_risk": true}).want(t, http.StatusCreated).decode(t, &site)
		if site.RegionCode != "210902" || !site.SeparatesHighRisk {
			t.Fatalf("site = %+v", site)
		}
		var rooms struct{ Items []model.Room }
		f.send(t, cw, "POST", "/api/v1/sites/"+id(site.ID)+"/rooms", map[string]any{"floor": "3", "names": []string{"301-305"}, "beds": 2}).
			want(t, http.StatusCreated).decode(t, &rooms)
		if len(rooms.Items) != 5 {
			t.Fatalf("rooms = %+v", rooms)
		}
		bed := rooms.Items[0].Beds[0].ID
		in := clock.Now().In(time.FixedZone("UTC+8", 8*3600)).Format("2006-01-02")
		out := clock.Now().In(time.FixedZone("UTC+8", 8*3600)).AddDate(0, 0, 7).Format("2006-01-02")
		var stay model.Stay
		f.send(t, cw, "POST", "/api/v1/stays", map[string]any{"person_id": f.atA.ID, "bed_id": bed, "check_in_on": in, "expected_out_on": out}).
			want(t, http.StatusCreated).decode(t, &stay)
		r := f.send(t, cw, "POST", "/api/v1/stays", map[string]any{"person_id": f.self.ID, "bed_id": bed, "check_in_on": in, "expected_out_on": out})
		if r.Status != http.StatusConflict || r.apiError(t).Code != string(model.EConflict) {
			t.Errorf("a second check-in to the occupied bed: %d %s", r.Status, r.Body)
		}
		r = f.do(t, call{Method: "POST", Path: "/api/v1/stays/" + id(stay.ID) + "/check-out", Token: f.tokens[cw],
			JSON: map[string]any{"check_out_on": "2020-01-01"}, Header: map[string]string{"Accept-Language": "en"}})
		if e := r.apiError(t); r.Status != http.StatusBadRequest || e.Fields["check_out_on"] == "" || e.Fields["check_out_on"][:3] != "The" {
			t.Errorf("a check-out before the check-in: %d %s", r.Status, r.Body)
		}
		var board model.Occupancy
		f.get(t, cw, "/api/v1/sites/"+id(site.ID)+"/occupancy?date="+in).want(t, http.StatusOK).decode(t, &board)
		if board.Beds != 10 || board.Occupied != 1 || board.Rooms[0].Beds[0].PersonID != f.atA.ID || board.Meals != 3 {
			t.Errorf("board = %+v", board)
		}
		var list struct{ Items []model.Stay }
		f.get(t, cw, "/api/v1/stays?status=in").want(t, http.StatusOK).decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != stay.ID {
			t.Errorf("stays in = %+v", list.Items)
		}
		// The worker asks from a phone for their relative's hospital trip.
		var trip model.Trip
		f.send(t, auth.RoleWorker, "POST", "/api/v1/transport-requests", map[string]any{"kind": "hospital", "family_member_id": f.relative[f.self.ID].ID,
			"pickup": "家", "destination": "市中心医院", "wanted_at": clock.Now().Add(4 * time.Hour)}).want(t, http.StatusCreated).decode(t, &trip)
		if trip.PersonID != f.self.ID || trip.Status != "requested" || len(trip.Steps) != 1 || trip.Steps[0] != "cancel" {
			t.Errorf("trip = %+v", trip)
		}
		r = f.send(t, cw, "POST", "/api/v1/transport-requests/"+id(trip.ID)+"/assign", map[string]any{})
		if r.Status != http.StatusBadRequest {
			t.Errorf("an assignment of nothing: %d %s", r.Status, r.Body)
		}
		f.send(t, cw, "POST", "/api/v1/transport-requests/"+id(trip.ID)+"/assign", map[string]any{"vehicle": "辽J12345", "version": trip.Version}).
			want(t, http.StatusOK).decode(t, &trip)
		if trip.Status != "assigned" || trip.Vehicle != "辽J12345" {
			t.Errorf("assigned = %+v", trip)
		}
	})
}
