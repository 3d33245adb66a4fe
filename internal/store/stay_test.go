package store_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"houdun/internal/living"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// stayFixture is the needs fixture plus a hotel in 海州区 that keeps high-risk
// staff apart, with two rooms of two beds, and a second person at the
// Haizhou hospital.
type stayFixture struct {
	*needFixture
	hotel model.Site
	rooms []model.Room
	chen  model.Person
}

func newStayFixture(t *testing.T, st *store.Store, clock *testutil.Clock) *stayFixture {
	t.Helper()
	f := &stayFixture{needFixture: newNeedFixture(t, st, clock)}
	cw := f.as("cw_haizhou")
	var err error
	f.hotel, err = st.CreateSite(cw, model.SiteInput{Name: ptr("海州宾馆"), Kind: ptr("hotel"), RegionCode: ptr("210902"),
		Address: ptr("海州区中华路 1 号"), MealsPerDay: ptr(3), SeparatesHighRisk: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if f.rooms, err = st.AddRooms(cw, f.hotel.ID, model.RoomsInput{Floor: "3", Names: []string{"301-302"}, Beds: 2}); err != nil {
		t.Fatal(err)
	}
	if f.chen, err = st.CreatePerson(testutil.System(), newPerson("陈静", idNumber(105), f.w.haizhou.ID)); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *stayFixture) bed(room, bed int) int64 { return f.rooms[room].Beds[bed].ID }

func day(st *store.Store, n int) string {
	return st.Now().In(time.FixedZone("UTC+8", 8*3600)).AddDate(0, 0, n).Format(living.DateLayout)
}

func TestSitesAndRooms(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newStayFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		if len(f.rooms) != 2 || f.rooms[0].Name != "301" || len(f.rooms[1].Beds) != 2 || f.rooms[1].Beds[1].Label != "2" {
			t.Fatalf("rooms = %+v", f.rooms)
		}
		if _, err := st.AddRooms(cw, f.hotel.ID, model.RoomsInput{Names: []string{"302"}, Beds: 1}); code(err) != model.EConflict {
			t.Errorf("a room twice: %v", err)
		}
		cases := []struct {
			name  string
			ctx   context.Context
			in    model.SiteInput
			code  model.Code
			field string
		}{
			{"region out of scope", cw, model.SiteInput{Name: ptr("x"), Kind: ptr("hotel"), RegionCode: ptr("210903")}, model.EInvalid, "region_code"},
			{"no kind", cw, model.SiteInput{Name: ptr("x"), RegionCode: ptr("210902")}, model.EInvalid, "kind"},
			{"a rest area without its hospital", cw, model.SiteInput{Name: ptr("x"), Kind: ptr("rest_area"), RegionCode: ptr("210902")}, model.EInvalid, "institution_id"},
			{"meals out of range", cw, model.SiteInput{Name: ptr("x"), Kind: ptr("hotel"), RegionCode: ptr("210902"), MealsPerDay: ptr(9)}, model.EInvalid, "meals_per_day"},
			{"an institution admin registers another's", f.as("instadmin_hz"), model.SiteInput{Name: ptr("x"), Kind: ptr("rest_area"), InstitutionID: ptr(f.w.xinqiu.ID)}, model.EInvalid, "institution_id"},
			{"a worker registers", f.as("worker_zhang"), model.SiteInput{Name: ptr("x"), Kind: ptr("hotel"), RegionCode: ptr("210902")}, model.EForbidden, ""},
			{"a leader registers", f.as("leader_city"), model.SiteInput{Name: ptr("x"), Kind: ptr("hotel"), RegionCode: ptr("2109")}, model.EForbidden, ""},
		}
		for _, c := range cases {
			_, err := st.CreateSite(c.ctx, c.in)
			if code(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			} else if c.field != "" {
				if _, ok := fieldOf(err)[c.field]; !ok {
					t.Errorf("%s: no message on %s: %v", c.name, c.field, err)
				}
			}
		}
		rest, err := st.CreateSite(f.as("instadmin_hz"), model.SiteInput{Name: ptr("中心医院值班休息区"), Kind: ptr("rest_area")})
		if err != nil || rest.RegionCode != "210902" || rest.InstitutionID == nil || *rest.InstitutionID != f.w.haizhou.ID {
			t.Fatalf("rest area = %+v, %v", rest, err)
		}
		// The hospital's admin sees its rest area and the district's hotel; Xinqiu sees neither.
		if l, _ := st.ListSites(f.as("instadmin_hz"), model.SiteFilter{}); l.Total != 2 {
			t.Errorf("institution admin lists %d sites, want 2", l.Total)
		}
		if l, _ := st.ListSites(f.as("cw_xinqiu"), model.SiteFilter{}); l.Total != 0 {
			t.Errorf("Xinqiu lists %d sites", l.Total)
		}
		if _, _, err := st.GetSite(f.as("cw_xinqiu"), f.hotel.ID); code(err) != model.ENotFound {
			t.Errorf("out of scope site: %v", err)
		}
		if _, err := st.UpdateSite(f.as("instadmin_hz"), f.hotel.ID, model.SiteInput{MealsPerDay: ptr(2)}); code(err) != model.ENotFound {
			t.Errorf("institution admin edits the district's hotel: %v", err)
		}
		up, err := st.UpdateSite(cw, f.hotel.ID, model.SiteInput{MealsPerDay: ptr(2), Version: ptr(f.hotel.Version)})
		if err != nil || up.MealsPerDay != 2 || up.Beds != 4 || up.Rooms != 2 {
			t.Errorf("update = %+v, %v", up, err)
		}
	})
}

func TestCheckInAndOut(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newStayFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		week, err := st.CheckIn(cw, model.CheckIn{PersonID: f.zhang.ID, BedID: f.bed(0, 0), CheckInOn: day(st, 0), ExpectedOutOn: day(st, 7)})
		if err != nil || week.Status != model.StayIn || week.SiteName != "海州宾馆" || week.RoomName != "301" || week.HighRisk {
			t.Fatalf("check-in = %+v, %v", week, err)
		}
		bad := []struct {
			name  string
			ctx   context.Context
			in    model.CheckIn
			code  model.Code
			field string
		}{
			{"the same bed the same week", cw, model.CheckIn{PersonID: f.chen.ID, BedID: f.bed(0, 0), CheckInOn: day(st, 3), ExpectedOutOn: day(st, 5)}, model.EConflict, ""},
			{"the same person in another bed", cw, model.CheckIn{PersonID: f.zhang.ID, BedID: f.bed(1, 0), CheckInOn: day(st, 6), ExpectedOutOn: day(st, 9)}, model.EConflict, ""},
			{"out before in", cw, model.CheckIn{PersonID: f.chen.ID, BedID: f.bed(0, 1), CheckInOn: day(st, 3), ExpectedOutOn: day(st, 1)}, model.EInvalid, "expected_out_on"},
			{"not a date", cw, model.CheckIn{PersonID: f.chen.ID, BedID: f.bed(0, 1), CheckInOn: "2026-02-30", ExpectedOutOn: day(st, 1)}, model.EInvalid, "check_in_on"},
			{"a stay of a year", cw, model.CheckIn{PersonID: f.chen.ID, BedID: f.bed(0, 1), CheckInOn: day(st, 0), ExpectedOutOn: day(st, 365)}, model.EInvalid, "expected_out_on"},
			{"a person out of scope", cw, model.CheckIn{PersonID: f.liu.ID, BedID: f.bed(0, 1), CheckInOn: day(st, 0), ExpectedOutOn: day(st, 2)}, model.EInvalid, "person_id"},
			{"a bed out of scope", f.as("cw_xinqiu"), model.CheckIn{PersonID: f.liu.ID, BedID: f.bed(0, 1), CheckInOn: day(st, 0), ExpectedOutOn: day(st, 2)}, model.EInvalid, "bed_id"},
			{"a worker houses themselves", f.as("worker_zhang"), model.CheckIn{PersonID: f.zhang.ID, BedID: f.bed(0, 1), CheckInOn: day(st, 0), ExpectedOutOn: day(st, 2)}, model.EForbidden, ""},
		}
		for _, c := range bad {
			_, err := st.CheckIn(c.ctx, c.in)
			if code(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			} else if c.field != "" {
				if _, ok := fieldOf(err)[c.field]; !ok {
					t.Errorf("%s: no message on %s: %v", c.name, c.field, err)
				}
			}
		}
		// The bed is free again from the night of the expected check-out.
		next, err := st.CheckIn(cw, model.CheckIn{PersonID: f.chen.ID, BedID: f.bed(0, 0), CheckInOn: day(st, 7), ExpectedOutOn: day(st, 9)})
		if err != nil {
			t.Fatalf("the night after: %v", err)
		}
		// A check-out before the check-in is a clear error and writes nothing.
		_, err = st.CheckOut(cw, next.ID, model.CheckOut{CheckOutOn: day(st, 6)})
		if code(err) != model.EInvalid || fieldOf(err)["check_out_on"].Key != "stay.out_before_check_in" {
			t.Errorf("check-out before check-in: %v", err)
		}
		if got, _ := st.GetStay(cw, next.ID); got.Status != model.StayIn || len(got.History) != 1 {
			t.Errorf("after a refused check-out: %+v", got)
		}
		// Checking out early frees the later nights: 陈静 then takes the bed on night 4.
		out, err := st.CheckOut(cw, week.ID, model.CheckOut{CheckOutOn: day(st, 4), RowID: ptr(week.RowID)})
		if err != nil || out.Status != model.StayOut || out.CheckOutOn != day(st, 4) || out.ID != week.ID || out.RowID == week.RowID {
			t.Fatalf("check-out = %+v, %v", out, err)
		}
		if _, err := st.CheckOut(cw, week.ID, model.CheckOut{CheckOutOn: day(st, 5), RowID: ptr(week.RowID)}); code(err) != model.EStaleVersion {
			t.Errorf("a check-out of a row already corrected: %v", err)
		}
		if _, err := st.CheckOut(cw, week.ID, model.CheckOut{CheckOutOn: day(st, 5)}); code(err) != model.EConflict {
			t.Errorf("a second check-out: %v", err)
		}
		if _, err := st.CheckIn(cw, model.CheckIn{PersonID: f.chen.ID, BedID: f.bed(0, 0), CheckInOn: day(st, 4), ExpectedOutOn: day(st, 6)}); err != nil {
			t.Errorf("the freed nights: %v", err)
		}
		// The history is append-only: every change is a new row naming the one it corrects.
		got, err := st.GetStay(cw, week.ID)
		if err != nil || len(got.History) != 2 || got.History[1].CorrectsID == nil || *got.History[1].CorrectsID != week.RowID ||
			got.History[1].Action != model.StayCheckOut {
			t.Errorf("history = %+v, %v", got.History, err)
		}
		if err := st.UpdateStayForTest(context.Background(), week.RowID); err == nil {
			t.Error("a stay row was changed in place")
		}
		// A correction moves 陈静's later stay to another bed, with a reason.
		if _, err := st.CorrectStay(cw, next.ID, model.StayCorrection{BedID: ptr(f.bed(1, 1))}); code(err) != model.EInvalid {
			t.Errorf("a correction without a reason: %v", err)
		}
		moved, err := st.CorrectStay(cw, next.ID, model.StayCorrection{BedID: ptr(f.bed(1, 1)), Reason: "换到 302 房"})
		if err != nil || moved.RoomName != "302" || moved.BedID != f.bed(1, 1) {
			t.Fatalf("correction = %+v, %v", moved, err)
		}
		// Who stayed where when: by person, and by room and period.
		trace, err := st.Trace(cw, model.TraceFilter{PersonID: f.zhang.ID})
		if err != nil || len(trace) != 1 || trace[0].Nights != 4 || trace[0].FirstNight != day(st, 0) || trace[0].LastNight != day(st, 3) {
			t.Errorf("trace by person = %+v, %v", trace, err)
		}
		room, err := st.Trace(cw, model.TraceFilter{RoomID: f.rooms[0].ID, From: day(st, 0), To: day(st, 10)})
		if err != nil || len(room) != 2 || room[0].PersonID != f.zhang.ID || room[1].PersonID != f.chen.ID {
			t.Errorf("trace by room = %+v, %v", room, err)
		}
		if _, err := st.Trace(cw, model.TraceFilter{RoomID: f.rooms[0].ID}); code(err) != model.EInvalid {
			t.Errorf("a room without a period: %v", err)
		}
		// The worker sees their own stay, Xinqiu sees none.
		if l, err := st.ListStays(f.as("worker_zhang"), model.StayFilter{}); err != nil || l.Total != 1 || l.Items[0].ID != week.ID {
			t.Errorf("the worker's stays = %+v, %v", l, err)
		}
		if _, err := st.GetStay(f.as("cw_xinqiu"), week.ID); code(err) != model.ENotFound {
			t.Errorf("out of scope stay: %v", err)
		}
		if l, _ := st.ListStays(f.as("instadmin_hz"), model.StayFilter{}); l.Total != 3 {
			t.Errorf("the hospital's admin sees %d stays of its staff, want 3", l.Total)
		}
		// The board of tonight and of night 4.
		b, err := st.Occupancy(cw, f.hotel.ID, day(st, 0))
		if err != nil || b.Beds != 4 || b.Occupied != 1 || b.Meals != 3 || b.Rooms[0].Beds[0].PersonName != "张伟" {
			t.Errorf("board tonight = %+v, %v", b, err)
		}
		if b, _ := st.Occupancy(cw, f.hotel.ID, day(st, 4)); b.Occupied != 1 || b.Rooms[0].Beds[0].PersonID != f.chen.ID {
			t.Errorf("board of night 4 = %+v", b)
		}
		// The hospital's admin reads the district hotel's board: its own staff by
		// name, another institution's guest only as a taken bed.
		if _, err := st.CheckIn(f.as("cw_city"), model.CheckIn{PersonID: f.liu.ID, BedID: f.bed(1, 0), CheckInOn: day(st, 0), ExpectedOutOn: day(st, 2)}); err != nil {
			t.Fatal(err)
		}
		ib, err := st.Occupancy(f.as("instadmin_hz"), f.hotel.ID, day(st, 0))
		if err != nil || ib.Occupied != 2 || ib.Rooms[0].Beds[0].PersonName != "张伟" || ib.Rooms[1].Beds[0].StayID == 0 ||
			ib.Rooms[1].Beds[0].PersonName != "" || ib.Rooms[1].Beds[0].PersonID != 0 {
			t.Errorf("the institution admin's board = %+v, %v", ib, err)
		}
		if b, _ := st.Occupancy(f.as("cw_city"), f.hotel.ID, day(st, 0)); b.Rooms[1].Beds[0].PersonName != "刘洋" {
			t.Errorf("the city team's board hides its own guest: %+v", b.Rooms[1])
		}
		if _, err := st.Occupancy(f.as("cw_xinqiu"), f.hotel.ID, ""); code(err) != model.ENotFound {
			t.Errorf("board out of scope: %v", err)
		}
		if _, err := st.Occupancy(cw, f.hotel.ID, "tomorrow"); code(err) != model.EInvalid {
			t.Errorf("board of a bad date: %v", err)
		}
		// A cancellation frees every night.
		if _, err := st.CorrectStay(cw, moved.ID, model.StayCorrection{Cancel: true, Reason: "录入错误"}); err != nil {
			t.Fatal(err)
		}
		if b, _ := st.Occupancy(cw, f.hotel.ID, day(st, 7)); b.Occupied != 0 {
			t.Errorf("a cancelled stay still holds a bed: %+v", b)
		}
	})
}

func TestHighRiskStaffKeptApart(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newStayFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		if err := st.InsertDeploymentForTest(context.Background(), f.zhang.ID, 1, day(st, -10), day(st, 20), "planned"); err != nil {
			t.Fatal(err)
		}
		if err := st.InsertDeploymentForTest(context.Background(), f.chen.ID, 2, day(st, -10), day(st, 20), "planned"); err != nil {
			t.Fatal(err)
		}
		hr, err := st.CheckIn(cw, model.CheckIn{PersonID: f.zhang.ID, BedID: f.bed(0, 0), CheckInOn: day(st, 0), ExpectedOutOn: day(st, 7)})
		if err != nil || !hr.HighRisk {
			t.Fatalf("high-risk check-in = %+v, %v", hr, err)
		}
		_, err = st.CheckIn(cw, model.CheckIn{PersonID: f.chen.ID, BedID: f.bed(0, 1), CheckInOn: day(st, 5), ExpectedOutOn: day(st, 9)})
		if code(err) != model.EConflict || model.AsError(err).Msg.Key != "stay.room_high_risk" {
			t.Errorf("other staff into a high-risk room: %v", err)
		}
		if _, err := st.CheckIn(cw, model.CheckIn{PersonID: f.chen.ID, BedID: f.bed(0, 1), CheckInOn: day(st, 7), ExpectedOutOn: day(st, 9)}); err != nil {
			t.Errorf("the room after the high-risk stay ends: %v", err)
		}
		// A site that does not separate mixes them.
		mixed, _ := st.CreateSite(cw, model.SiteInput{Name: ptr("职工宿舍"), Kind: ptr("dormitory"), RegionCode: ptr("210902")})
		rooms, _ := st.AddRooms(cw, mixed.ID, model.RoomsInput{Names: []string{"101"}, Beds: 2})
		if _, err := st.CheckIn(cw, model.CheckIn{PersonID: f.zhang.ID, BedID: rooms[0].Beds[0].ID, CheckInOn: day(st, 10), ExpectedOutOn: day(st, 12)}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CheckIn(cw, model.CheckIn{PersonID: f.chen.ID, BedID: rooms[0].Beds[1].ID, CheckInOn: day(st, 10), ExpectedOutOn: day(st, 12)}); err != nil {
			t.Errorf("a mixing site refuses: %v", err)
		}
	})
}

// TestConcurrentCheckInsOfOneBed: of many check-ins into one bed for the
// same night at once, exactly one succeeds; the others answer 409. And of a
// high-risk and another person into the two beds of one room of a separating
// site at once, exactly one gets in.
func TestConcurrentCheckInsOfOneBed(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newStayFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		sys := testutil.System()
		const n = 12
		var people []model.Person
		for i := range n {
			p, err := st.CreatePerson(sys, newPerson(fmt.Sprintf("医生%d", i), idNumber(201+2*i), f.w.haizhou.ID))
			if err != nil {
				t.Fatal(err)
			}
			people = append(people, p)
		}
		var wg sync.WaitGroup
		results := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, results[i] = st.CheckIn(cw, model.CheckIn{PersonID: people[i].ID, BedID: f.bed(1, 0), CheckInOn: day(st, 1), ExpectedOutOn: day(st, 3)})
			}(i)
		}
		wg.Wait()
		ok := 0
		for _, err := range results {
			switch code(err) {
			case "":
				ok++
			case model.EConflict:
			default:
				t.Errorf("check-in: %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d check-ins of one bed succeeded, want exactly 1", ok)
		}
		if b, _ := st.Occupancy(cw, f.hotel.ID, day(st, 1)); b.Occupied != 1 {
			t.Errorf("board: %d occupied", b.Occupied)
		}
		// Separation under concurrency: room 301, one high-risk and one other person at once.
		if err := st.InsertDeploymentForTest(context.Background(), people[0].ID, 1, day(st, -3), day(st, 30), "planned"); err != nil {
			t.Fatal(err)
		}
		for round := range 4 {
			in, out := day(st, 10+3*round), day(st, 12+3*round)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i := range 2 {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					_, errs[i] = st.CheckIn(cw, model.CheckIn{PersonID: people[i].ID, BedID: f.bed(0, i), CheckInOn: in, ExpectedOutOn: out})
				}(i)
			}
			wg.Wait()
			if (errs[0] == nil) == (errs[1] == nil) || (code(errs[0]) != model.EConflict && code(errs[1]) != model.EConflict) {
				t.Errorf("round %d: a high-risk and another person into one room at once: %v, %v", round, errs[0], errs[1])
			}
		}
	})
}

func TestStaySettlesACase(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newStayFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		n := f.create(t, cw, f.newNeed(func(in *model.NeedInput) {
			in.Category, in.Kind, in.Description = "living", "accommodation", "需要隔离住宿"
		}))
		// An open case is not assigned yet: the ledger's rules refuse to resolve it, so the stay names it not.
		_, err := st.CheckIn(cw, model.CheckIn{PersonID: f.zhang.ID, BedID: f.bed(0, 0), CheckInOn: day(st, 0), ExpectedOutOn: day(st, 7), NeedID: &n.ID})
		if code(err) != model.EInvalid || fieldOf(err)["need_id"].Key != "settle.status" {
			t.Fatalf("settling an open case: %v", err)
		}
		if _, err := st.AssignNeed(cw, n.ID, model.NeedAssign{UserID: ptr(f.uid("cw_haizhou"))}); err != nil {
			t.Fatal(err)
		}
		other := f.create(t, cw, f.newNeed())
		if _, err := st.CheckIn(cw, model.CheckIn{PersonID: f.zhang.ID, BedID: f.bed(0, 0), CheckInOn: day(st, 0), ExpectedOutOn: day(st, 7), NeedID: &other.ID}); code(err) != model.EInvalid {
			t.Errorf("settling a case of another kind: %v", err)
		}
		stay, err := st.CheckIn(cw, model.CheckIn{PersonID: f.zhang.ID, BedID: f.bed(0, 0), CheckInOn: day(st, 0), ExpectedOutOn: day(st, 7), NeedID: &n.ID})
		if err != nil || stay.NeedID == nil {
			t.Fatalf("check-in settling a case = %+v, %v", stay, err)
		}
		got, _ := st.GetNeed(cw, n.ID)
		if got.Status != model.NeedResolved {
			t.Errorf("the case is %s, want resolved", got.Status)
		}
	})
}

func TestTransportRequests(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newStayFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		worker := f.as("worker_zhang")
		wanted := st.Now().Add(20 * time.Hour)
		// The worker asks from a phone: their mother to hospital.
		if _, err := st.CreateTrip(worker, model.TripInput{Kind: "hospital", Pickup: "家", Destination: "市中心医院", WantedAt: wanted}); code(err) != model.EInvalid {
			t.Errorf("a hospital trip without the family member: %v", err)
		}
		if _, err := st.CreateTrip(worker, model.TripInput{Kind: "hospital", FamilyMemberID: &f.liuSon.ID, Pickup: "家", Destination: "市中心医院", WantedAt: wanted}); code(err) != model.EInvalid {
			t.Errorf("someone else's relative: %v", err)
		}
		if _, err := st.CreateTrip(worker, model.TripInput{Kind: "commute", Pickup: "家", Destination: "医院", WantedAt: st.Now().AddDate(0, 0, -3)}); code(err) != model.EInvalid {
			t.Errorf("a time long past: %v", err)
		}
		trip, err := st.CreateTrip(worker, model.TripInput{Kind: "hospital", FamilyMemberID: &f.mother.ID, Pickup: "海州区西山路 5 号",
			Destination: "阜新市中心医院", WantedAt: wanted, Passengers: 2, Note: "母亲需轮椅，糖尿病复诊"})
		if err != nil || trip.Status != living.TripRequested || trip.FamilyMemberName != "李秀英" || trip.PersonID != f.zhang.ID {
			t.Fatalf("trip = %+v, %v", trip, err)
		}
		notes, err := st.RawTripNotes(context.Background())
		if err != nil || len(notes) != 1 || bytes.Contains(notes[0], []byte("糖尿病")) {
			t.Errorf("the note at rest holds its plaintext: %v", err)
		}
		if _, err := st.CreateTrip(f.as("cw_xinqiu"), model.TripInput{PersonID: f.zhang.ID, Kind: "commute", Pickup: "a", Destination: "b", WantedAt: wanted}); code(err) != model.EInvalid {
			t.Errorf("a request for a person out of scope: %v", err)
		}
		// The driver sees nothing before assignment; the worker may not assign.
		if _, err := st.GetTrip(f.as("vol_wang"), trip.ID); code(err) != model.ENotFound {
			t.Errorf("an unassigned trip for the driver: %v", err)
		}
		if _, err := st.StepTrip(worker, trip.ID, living.TripAssign, model.TripStep{Vehicle: "辽J12345"}); code(err) != model.EForbidden {
			t.Errorf("the worker assigns: %v", err)
		}
		if _, err := st.StepTrip(cw, trip.ID, living.TripStart, model.TripStep{}); code(err) != model.EConflict {
			t.Errorf("start before assignment: %v", err)
		}
		as, err := st.StepTrip(cw, trip.ID, living.TripAssign, model.TripStep{Vehicle: "辽J12345", VolunteerID: &f.wang.ID, Version: ptr(trip.Version)})
		if err != nil || as.Status != living.TripAssigned || as.DriverName != "王芳" {
			t.Fatalf("assign = %+v, %v", as, err)
		}
		drv := f.as("vol_wang")
		mine, err := st.ListTrips(drv, model.TripFilter{})
		if err != nil || mine.Total != 1 || mine.Items[0].ID != trip.ID || len(mine.Items[0].Steps) != 2 {
			t.Errorf("the driver's trips = %+v, %v", mine, err)
		}
		if l, _ := st.ListTrips(f.as("vol_zhao"), model.TripFilter{}); l.Total != 0 {
			t.Errorf("another volunteer sees %d trips", l.Total)
		}
		if _, err := st.StepTrip(drv, trip.ID, living.TripCancel, model.TripStep{Outcome: "不去了"}); code(err) != model.EForbidden {
			t.Errorf("the driver cancels: %v", err)
		}
		if _, err := st.StepTrip(drv, trip.ID, living.TripStart, model.TripStep{}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.StepTrip(worker, trip.ID, living.TripCancel, model.TripStep{Outcome: "不去了"}); code(err) != model.EConflict {
			t.Errorf("the worker cancels a trip under way: %v", err)
		}
		done, err := st.StepTrip(drv, trip.ID, living.TripComplete, model.TripStep{Outcome: "已送达门诊"})
		if err != nil || done.Status != living.TripCompleted || done.CompletedAt == nil {
			t.Fatalf("complete = %+v, %v", done, err)
		}
		// The team's list has it; the leader has no list.
		if l, err := st.ListTrips(cw, model.TripFilter{Status: living.TripCompleted}); err != nil || l.Total != 1 {
			t.Errorf("team list = %+v, %v", l, err)
		}
		if _, err := st.ListTrips(f.as("leader_city"), model.TripFilter{}); code(err) != model.EForbidden {
			t.Errorf("a leader lists trips: %v", err)
		}
		// A case of kind transport is settled by the completed trip.
		n := f.create(t, cw, f.newNeed(func(in *model.NeedInput) {
			in.Category, in.Kind, in.Description = "safety", "transport", "下夜班无车"
		}))
		if _, err := st.AssignNeed(cw, n.ID, model.NeedAssign{UserID: ptr(f.uid("cw_haizhou"))}); err != nil {
			t.Fatal(err)
		}
		commute, err := st.CreateTrip(cw, model.TripInput{PersonID: f.zhang.ID, Kind: "commute", Pickup: "医院", Destination: "家", WantedAt: wanted, NeedID: &n.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.StepTrip(cw, commute.ID, living.TripAssign, model.TripStep{Vehicle: "院车 2 号"}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.StepTrip(cw, commute.ID, living.TripComplete, model.TripStep{}); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.GetNeed(cw, n.ID); got.Status != model.NeedResolved {
			t.Errorf("the transport case is %s, want resolved", got.Status)
		}
		counts, err := st.StayDashboard(cw)
		if err != nil || counts.TransportOpen != 0 || counts.Beds != 4 || counts.Suppressed {
			t.Errorf("dashboard = %+v, %v", counts, err)
		}
		// A leader sees the same figures with the small ones hidden (4 beds), zero shown.
		lc, err := st.StayDashboard(f.as("leader_city"))
		if err != nil || !lc.Beds.IsSuppressed() || lc.TransportOpen != 0 || !lc.Suppressed {
			t.Errorf("leader's dashboard = %+v, %v", lc, err)
		}
		if _, err := st.StayDashboard(f.as("worker_zhang")); code(err) != model.EForbidden {
			t.Errorf("a worker's dashboard: %v", err)
		}
	})
}
