package web_test

import (
	"strconv"
	"testing"
	"time"

	"houdun/internal/living"
	"houdun/internal/model"
	"houdun/internal/testutil"
)

// The page matrix of accommodation and transport. In scope: a rest area of
// the Haizhou hospital, 张伟's stay there and his transport request (assigned
// to the volunteer account's record); out of scope: the same of 李娜 at the
// Xinqiu hospital, her request unassigned. The POST rows send empty forms
// (422) except where scope or the role answers first.
func init() {
	pageAccess = append(pageAccess,
		// method path                                       anon sysadmin secadmin auditor caseworker inst_admin counselor finance volunteer leader  worker
		"GET  /sites                                         303  403      403      403     200        200        403       403     403       403     403",
		"GET  /sites/new                                     303  403      403      403     200        200        403       403     403       403     403",
		"POST /sites                                         303  403      403      403     422        422        403       403     403       403     403",
		"GET  /sites/{site}                                  303  403      403      403     200/404    200/404    403       403     403       403     403",
		"POST /sites/{site}/rooms                            303  403      403      403     422        422        403       403     403       403     403",
		"GET  /sites/{site}/board                            303  403      403      403     200/404    200/404    403       403     403       403     403",
		"GET  /stays                                         303  403      403      403     200        200        403       403     403       403     403",
		"GET  /stays/new                                     303  403      403      403     200        200        403       403     403       403     403",
		"POST /stays                                         303  403      403      403     422        422        403       403     403       403     403",
		"GET  /stays/trace                                   303  403      403      403     200        200        403       403     403       403     403",
		"GET  /stays/{stay}                                  303  403      403      403     200/404    200/404    403       403     403       403     200/404",
		"POST /stays/{stay}/check-out                        303  403      403      403     422/404    422/404    403       403     403       403     403",
		"POST /stays/{stay}/corrections                      303  403      403      403     422/404    422/404    403       403     403       403     403",
		"GET  /me/stays                                      303  403      403      403     403        403        403       403     403       403     200",
		"GET  /transport                                     303  403      403      403     200        200        403       403     403       403     200",
		"GET  /transport/new                                 303  403      403      403     200        200        403       403     403       403     200",
		"POST /transport                                     303  403      403      403     422        422        403       403     403       403     422",
		"GET  /transport/{trip}                              303  403      403      403     200/404    200/404    403       403     200/404   403     200/404",
		"POST /transport/{trip}/{tripaction}                 303  403      403      403     422/404    422/404    403       403     403/404   403     403/404",
		"GET  /trips                                         303  403      403      403     403        403        403       403     200       403     403",
	)
	areaRecords = append(areaRecords, func(t *testing.T, s *accessSite, users map[string]model.User) {
		ctx := testutil.System()
		sid := func(n int64) string { return strconv.FormatInt(n, 10) }
		in, out := living.AddDays(s.clock.Now().Format(living.DateLayout), 1), living.AddDays(s.clock.Now().Format(living.DateLayout), 4)
		stayAt := func(inst model.Institution, p model.Person) (model.Site, model.Stay) {
			site, err := s.st.CreateSite(ctx, model.SiteInput{Name: ptr(inst.Name + "休息区"), Kind: ptr(model.SiteRestArea), RegionCode: ptr(inst.RegionCode), InstitutionID: &inst.ID})
			if err != nil {
				t.Fatal(err)
			}
			rooms, err := s.st.AddRooms(ctx, site.ID, model.RoomsInput{Names: []string{"101"}, Beds: 2})
			if err != nil {
				t.Fatal(err)
			}
			st, err := s.st.CheckIn(ctx, model.CheckIn{PersonID: p.ID, BedID: rooms[0].Beds[0].ID, CheckInOn: in, ExpectedOutOn: out})
			if err != nil {
				t.Fatal(err)
			}
			return site, st
		}
		siteIn, stayIn := stayAt(s.haizhou, s.zhang)
		siteOut, stayOut := stayAt(s.xinqiu, s.li)
		trip := func(p model.Person) model.Trip {
			tr, err := s.st.CreateTrip(ctx, model.TripInput{PersonID: p.ID, Kind: living.TripCommute, Pickup: "宿舍", Destination: "医院", WantedAt: s.clock.Now().Add(time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			return tr
		}
		tripIn, tripOut := trip(s.zhang), trip(s.li)
		vol, _ := strconv.ParseInt(s.recIn["volunteer"], 10, 64)
		if _, err := s.st.StepTrip(ctx, tripIn.ID, living.TripAssign, model.TripStep{Vehicle: "辽J00001", VolunteerID: &vol}); err != nil {
			t.Fatal(err)
		}
		s.recIn["site"], s.recIn["stay"], s.recIn["trip"], s.recIn["tripaction"] = sid(siteIn.ID), sid(stayIn.ID), sid(tripIn.ID), "assign"
		s.recOut["site"], s.recOut["stay"], s.recOut["trip"], s.recOut["tripaction"] = sid(siteOut.ID), sid(stayOut.ID), sid(tripOut.ID), "assign"
	})
}
