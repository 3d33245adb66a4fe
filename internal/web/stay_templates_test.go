package web

import (
	"time"

	"houdun/internal/model"
	"houdun/internal/store"
)

// staySamplePages are the empty and filled views of the accommodation and
// transport pages, merged into samplePages so that the template test covers them.
func staySamplePages(base func(string) Page, empty func() Page) map[string][2]any {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	pg := base("s")
	pg.Errors = map[string]string{"bed_id": "bad", "need_id": "bad", "kind": "bad", "institution_id": "bad", "family_member_id": "bad",
		"volunteer_id": "bad", "person_id": "bad", "reason": "bad"}
	inst := int64(2)
	site := model.Site{ID: 4, Name: "海州宾馆", Kind: model.SiteHotel, RegionCode: "210902", InstitutionID: &inst, InstitutionName: "阜新市中心医院",
		Address: "中华路 1 号", MealsPerDay: 3, SeparatesHighRisk: true, Active: true, Rooms: 2, Beds: 4, Occupied: 1}
	rooms := []model.Room{{ID: 1, Floor: "3", Name: "301", Beds: []model.Bed{{ID: 1, Label: "1", Active: true}, {ID: 2, Label: "2", Active: true}}},
		{ID: 2, Name: "大厅", Beds: []model.Bed{{ID: 3, Label: "1"}}}}
	need := int64(9)
	stay := model.Stay{ID: 5, RowID: 7, Status: model.StayIn, PersonID: 3, PersonName: "张伟", InstitutionName: "阜新市中心医院", SiteID: 4,
		SiteName: "海州宾馆", RoomID: 1, RoomName: "301", Floor: "3", BedID: 1, BedLabel: "1", CheckInOn: "2026-03-01", ExpectedOutOn: "2026-03-08",
		HighRisk: true, NeedID: &need}
	out := stay
	out.Status, out.CheckOutOn, out.HighRisk, out.NeedID = model.StayOut, "2026-03-05", false, nil
	corr := int64(5)
	history := []historyRow{{StayRow: model.StayRow{ID: 5, Action: model.StayCheckIn, Status: model.StayIn, CheckInOn: "2026-03-01", ExpectedOutOn: "2026-03-08", ByName: "wang"}, When: "2026-03-01 09:00"},
		{StayRow: model.StayRow{ID: 7, CorrectsID: &corr, Action: model.StayCheckOut, Status: model.StayOut, CheckInOn: "2026-03-01", CheckOutOn: "2026-03-05", Reason: "r"}, When: "2026-03-05 09:00"}}
	board := model.Occupancy{SiteID: 4, SiteName: "海州宾馆", Date: "2026-03-01", MealsPerDay: 3, Beds: 3, Occupied: 1, HighRisk: 1, Meals: 3,
		Rooms: []model.OccupancyRoom{{ID: 1, Floor: "3", Name: "301", HighRisk: true, Beds: []model.OccupancyBed{{ID: 1, Label: "1", Active: true, StayID: 5, PersonID: 3, PersonName: "张伟", HighRisk: true},
			{ID: 2, Label: "2", Active: true}, {ID: 3, Label: "3"}}}}}
	vol := int64(3)
	trip := model.Trip{ID: 8, Status: "assigned", Kind: "hospital", PersonID: 3, PersonName: "张伟", InstitutionName: "阜新市中心医院", FamilyMemberName: "李秀英",
		RegionCode: "210902", Pickup: "家", Destination: "市中心医院", WantedAt: now, Passengers: 2, Note: "轮椅", Vehicle: "辽J12345", VolunteerID: &vol,
		DriverName: "王芳", Outcome: "o", RequestedByName: "zhang", Steps: []string{"assign", "start", "complete", "cancel"}, Version: 2}
	opts := []option{{Value: "1", Text: "one", Selected: true}, {Value: "2", Text: "two"}}
	pgr := pager{Total: 2, From: 1, To: 2, Page: 1, Pages: 1}
	return map[string][2]any{
		"site_list": {&siteListView{Page: empty()}, &siteListView{Page: pg, Q: "宾馆", Kinds: opts, Sites: []siteRow{newSiteRow(site), newSiteRow(model.Site{ID: 5, Name: "x"})}, Pager: pgr, CanWrite: true}},
		"site_form": {&siteFormView{Page: empty()}, &siteFormView{Page: pg, Form: siteForm{Name: "n", Meals: "3", Separates: true}, Kinds: opts, Institutions: opts}},
		"site_show": {&siteShowView{Page: empty()}, &siteShowView{Page: pg, Site: newSiteRow(site), Floors: byFloor(rooms), CanWrite: true, Names: "301-320", Beds: "2", Today: "2026-03-01"}},
		"site_board": {&boardView{Page: empty()}, &boardView{Page: pg, Board: board, SiteID: 4, Prev: "2026-02-28", Next: "2026-03-02", Free: 1,
			Floors: []boardFloor{{Floor: "3", Rooms: board.Rooms, Beds: 2, Occupied: 1}, {Rooms: board.Rooms}}}},
		"stay_list": {&stayListView{Page: empty()}, &stayListView{Page: pg, Q: "张", Statuses: opts, Sites: opts, Stays: []stayRow{newStayRow(stay), newStayRow(out)}, Pager: pgr,
			ExportURL: "/api/v1/exports/stays.xlsx", ExportMax: 10000, PersonID: 3, PersonName: "张伟", TraceURL: "/stays/trace?person=3"}},
		"stay_form": {&stayFormView{Page: empty()}, &stayFormView{Page: pg, PersonID: 3, PersonName: "张伟", SiteID: 4, Sites: opts, In: "2026-03-01", Out: "2026-03-08",
			BedID: 2, Beds: []store.FreeBed{{ID: 2, Floor: "3", Room: "301", Label: "2", HighRisk: true}, {ID: 3, Room: "302", Label: "1", Mixed: true}}, NeedID: "9", Separates: true}},
		"stay_show":  {&stayShowView{Page: empty()}, &stayShowView{Page: pg, Stay: newStayRow(stay), History: history, CanWrite: true, OutOn: "2026-03-05", Reason: "r"}},
		"stay_trace": {&traceView{Page: empty()}, &traceView{Page: pg, PersonID: 3, Sites: opts, Asked: true, Rows: []model.TraceRow{{StayID: 5, PersonName: "张伟", SiteName: "海州宾馆", RoomName: "301", BedLabel: "1", FirstNight: "2026-03-01", LastNight: "2026-03-04", Nights: 4, HighRisk: true}}}},
		"trip_list": {&tripListView{Page: empty()}, &tripListView{Page: pg, Q: "x", Open: true, Statuses: opts, Kinds: opts, Trips: []tripRow{newTripRow(trip), newTripRow(model.Trip{ID: 9})}, Pager: pgr,
			ExportURL: "/api/v1/exports/transport-requests.xlsx", ExportMax: 10000, Team: true}},
		"trip_form": {&tripFormView{Page: empty()}, &tripFormView{Page: pg, Form: tripForm{PersonID: "3", Kind: "hospital", NeedID: "9"}, PersonName: "张伟", Kinds: opts, Family: opts}},
		"trip_show": {&tripShowView{Page: empty()}, &tripShowView{Page: pg, Trip: newTripRow(trip), Steps: map[string]bool{"assign": true, "start": true, "complete": true, "cancel": true},
			Volunteers: opts, Vehicle: "v", Outcome: "o"}},
	}
}
