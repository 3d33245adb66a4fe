package demo

import (
	"context"
	"fmt"
	"time"

	"houdun/internal/living"
	"houdun/internal/model"
	"houdun/internal/store"
)

// The demo's isolation accommodation and transport help: a hotel of
// 海州区 that keeps staff of high-risk posts apart (four floors of ten twin
// rooms), the central hospital's rest area (six rooms of four beds) and a
// staff dormitory of 细河区, each with stays now and in the past (one moved
// to another bed by a correction, one cancelled as entered in error), and
// transport requests in every status: shift commutes, family members taken
// to hospital, returns from an aid mission. Dates are drawn from the
// store's clock, so the board of "tonight" is full whenever the demo starts.

// demoSite is one site of the demo and who houses people there.
type demoSite struct {
	in     model.SiteInput
	floors []string // floor names; each gets rooms <floor>01 … <floor><rooms>
	rooms  int
	beds   int
	by     string // the account that houses people there
}

func demoSites(instByName map[string]int64) []demoSite {
	s := func(v string) *string { return &v }
	hospital := instByName[workerInstitution]
	return []demoSite{
		{in: model.SiteInput{Name: s("阜新海州宾馆（一线人员休整点）"), Kind: s(model.SiteHotel), RegionCode: s("210902"), Address: s("海州区中华路 58 号"),
			Contact: s("前台 0418-2800000"), MealsPerDay: ptrInt(3), SeparatesHighRisk: ptrBool(true)},
			floors: []string{"3", "4", "5", "6"}, rooms: 10, beds: 2, by: "caseworker"},
		{in: model.SiteInput{Name: s("阜新市中心医院值班休息区"), Kind: s(model.SiteRestArea), InstitutionID: &hospital, RegionCode: s("210902"),
			Address: s("中心医院住院部 2 层东侧"), Contact: s("院感科"), MealsPerDay: ptrInt(3)},
			floors: []string{"2"}, rooms: 6, beds: 4, by: "institution-admin"},
		{in: model.SiteInput{Name: s("细河区人才公寓（援助返程休整）"), Kind: s(model.SiteDormitory), RegionCode: s("210911"), Address: s("细河区学苑街 9 号"),
			Contact: s("物业 0418-3300000"), MealsPerDay: ptrInt(2)},
			floors: []string{"1", "2"}, rooms: 8, beds: 2, by: "caseworker-city"},
	}
}

func ptrInt(v int) *int    { return &v }
func ptrBool(v bool) *bool { return &v }

// fillStays makes the demo's sites, stays and transport requests.
func fillStays(st *store.Store, as actors, instByName map[string]int64, workerID int64, sum *Summary) error {
	sys := as[""]
	today := st.Now().In(time.FixedZone("UTC+8", 8*3600)).Format(living.DateLayout)
	day := func(n int) string { return living.AddDays(today, n) }
	type site struct {
		id   int64
		beds []int64
		by   context.Context
	}
	var sites []site
	for _, d := range demoSites(instByName) {
		s, err := st.CreateSite(as[d.by], d.in)
		if err != nil {
			return fmt.Errorf("demo: site %s: %w", *d.in.Name, err)
		}
		var rooms []model.Room
		for _, f := range d.floors {
			var names []string
			for r := 1; r <= d.rooms; r++ {
				names = append(names, fmt.Sprintf("%s%02d", f, r))
			}
			if rooms, err = st.AddRooms(as[d.by], s.ID, model.RoomsInput{Floor: f, Names: names, Beds: d.beds}); err != nil {
				return fmt.Errorf("demo: rooms of %s: %w", *d.in.Name, err)
			}
		}
		var beds []int64 // every bed of the site, by floor and room
		for _, room := range rooms {
			for _, b := range room.Beds {
				beds = append(beds, b.ID)
			}
		}
		sites = append(sites, site{id: s.ID, beds: beds, by: as[d.by]})
		sum.Sites++
		sum.Beds += len(beds)
	}
	// Who is housed where: the hotel takes 海州区's frontline staff (the
	// worker account's person first), the rest area the central hospital's,
	// the dormitory other districts'.
	front := true
	pick := func(f model.PersonFilter, n int, skip map[int64]bool) ([]model.Person, error) {
		f.Frontline, f.Page = &front, model.Page{Limit: 200}
		list, err := st.ListPeople(sys, f)
		if err != nil {
			return nil, err
		}
		var out []model.Person
		for _, p := range list.Items {
			if !skip[p.ID] && len(out) < n {
				out = append(out, p)
				skip[p.ID] = true
			}
		}
		return out, nil
	}
	used := map[int64]bool{}
	worker, err := st.GetPerson(sys, workerID, false)
	if err != nil {
		return fmt.Errorf("demo: the worker's person: %w", err)
	}
	used[workerID] = true
	hotelPeople, err := pick(model.PersonFilter{RegionCode: "210902"}, 27, used)
	if err != nil {
		return fmt.Errorf("demo: people for the hotel: %w", err)
	}
	hotelPeople = append([]model.Person{worker}, hotelPeople...)
	restPeople, err := pick(model.PersonFilter{InstitutionID: instByName[workerInstitution]}, 10, used)
	if err != nil {
		return fmt.Errorf("demo: people for the rest area: %w", err)
	}
	var dormPeople []model.Person
	for _, code := range []string{"210911", "210904", "210903", "210905"} {
		more, err := pick(model.PersonFilter{RegionCode: code}, 4, used)
		if err != nil {
			return fmt.Errorf("demo: people for the dormitory: %w", err)
		}
		dormPeople = append(dormPeople, more...)
	}
	// A plan per site: most people stay now (in since 1–6 days, a week or
	// two in all), a few stayed earlier and checked out.
	var stays []model.Stay
	house := func(s site, people []model.Person) error {
		for i, p := range people {
			if i >= len(s.beds) {
				break
			}
			in, out := day(-(1 + i%6)), day(7+i%8)
			past := i%4 == 3
			if past {
				in, out = day(-20-i%5), day(-13-i%5)
			}
			// The planned bed, or the next one a site that keeps high-risk
			// staff apart (or an earlier stay) leaves free.
			var stay model.Stay
			var err error
			for k := 0; k < len(s.beds); k++ {
				bed := s.beds[(i*len(s.beds)/max(len(people), 1)+k)%len(s.beds)]
				stay, err = st.CheckIn(s.by, model.CheckIn{PersonID: p.ID, BedID: bed, CheckInOn: in, ExpectedOutOn: out})
				if model.ErrorCode(err) != model.EConflict {
					break
				}
			}
			if err != nil {
				return fmt.Errorf("demo: stay of person %d: %w", p.ID, err)
			}
			if past {
				if stay, err = st.CheckOut(s.by, stay.ID, model.CheckOut{CheckOutOn: living.AddDays(out, -1)}); err != nil {
					return fmt.Errorf("demo: check-out of stay %d: %w", stay.ID, err)
				}
			}
			stays = append(stays, stay)
			sum.Stays++
		}
		return nil
	}
	for i, people := range [][]model.Person{hotelPeople, restPeople, dormPeople} {
		if err := house(sites[i], people); err != nil {
			return err
		}
	}
	// One stay moved to a quieter room, one entered twice by mistake.
	if len(stays) > 2 && len(sites[0].beds) > 1 {
		last := sites[0].beds[len(sites[0].beds)-1]
		if _, err := st.CorrectStay(sites[0].by, stays[1].ID, model.StayCorrection{BedID: &last, Reason: "夜班后需安静休息，调至走廊尽头房间"}); err != nil {
			return fmt.Errorf("demo: correction: %w", err)
		}
		if _, err := st.CorrectStay(sites[0].by, stays[2].ID, model.StayCorrection{Cancel: true, Reason: "重复登记，以院方休息区记录为准"}); err != nil {
			return fmt.Errorf("demo: cancellation: %w", err)
		}
	}
	return fillTrips(st, as, worker, hotelPeople, dormPeople, sum)
}

// fillTrips records transport requests in every status.
func fillTrips(st *store.Store, as actors, worker model.Person, hotel, dorm []model.Person, sum *Summary) error {
	sys, team := as[""], as["caseworker"]
	now := st.Now()
	vols, err := st.ListVolunteers(sys, model.VolunteerFilter{Skill: model.SkillDriving, Page: model.Page{Limit: 50}})
	if err != nil {
		return fmt.Errorf("demo: drivers: %w", err)
	}
	var driver, other *int64 // the volunteer account's record, another volunteer driver
	for i := range vols.Items {
		v := vols.Items[i]
		switch {
		case v.Username == actorVolunteer && driver == nil:
			driver = &vols.Items[i].ID
		case other == nil && v.Username == "" && v.RegionCode == "210902":
			other = &vols.Items[i].ID
		}
	}
	if driver == nil {
		for i := range vols.Items {
			if vols.Items[i].Username == actorVolunteer {
				driver = &vols.Items[i].ID
			}
		}
	}
	family, err := st.ListFamily(sys, worker.ID, false)
	if err != nil {
		return fmt.Errorf("demo: the worker's family: %w", err)
	}
	type trip struct {
		by     string
		person model.Person
		family bool
		kind   string
		from   string
		to     string
		in     time.Duration
		note   string
		steps  []living.TripAction
		driver *int64
		car    string
		end    string
	}
	at := func(i int, people []model.Person) model.Person { return people[i%len(people)] }
	plan := []trip{
		{by: "worker", person: worker, family: true, kind: living.TripHospital, from: "海州区西山街道和平小区 3 号楼", to: "阜新市中心医院门诊楼",
			in: 26 * time.Hour, note: "母亲膝关节术后复查，需轮椅"},
		{by: "worker", person: worker, kind: living.TripCommute, from: "阜新海州宾馆", to: "阜新市中心医院发热门诊", in: 14 * time.Hour,
			steps: []living.TripAction{living.TripAssign}, driver: driver, car: "辽J·D2386 志愿者私家车"},
		{by: "caseworker", person: at(3, hotel), kind: living.TripCommute, from: "阜新海州宾馆", to: "阜新矿业集团总医院", in: 30 * time.Minute,
			steps: []living.TripAction{living.TripAssign, living.TripStart}, driver: driver, car: "辽J·D2386 志愿者私家车"},
		{by: "caseworker", person: at(4, hotel), kind: living.TripCommute, from: "阜新海州宾馆", to: "阜新市中医医院", in: 40 * time.Hour},
		{by: "caseworker", person: at(5, hotel), kind: living.TripCommute, from: "阜新市中心医院", to: "阜新海州宾馆", in: -20 * time.Hour,
			steps: []living.TripAction{living.TripAssign, living.TripStart, living.TripComplete}, car: "区卫健局公务车 辽J·G0231", end: "夜班后送回酒店"},
		{by: "caseworker", person: at(6, hotel), kind: living.TripHospital, family: true, from: "太平区红树街道", to: "阜新市妇幼保健院",
			in: -5 * time.Hour, steps: []living.TripAction{living.TripAssign, living.TripComplete}, driver: other, car: "志愿者车辆", end: "已送达，儿童发热门诊就诊"},
		{by: "caseworker-city", person: at(0, dorm), kind: living.TripMissionReturn, from: "沈阳桃仙国际机场", to: "细河区人才公寓", in: -3 * 24 * time.Hour,
			steps: []living.TripAction{living.TripAssign, living.TripStart, living.TripComplete}, car: "市卫健委中巴 辽J·B5501", end: "援鄂医疗队第二批 6 人返阜，直送休整点"},
		{by: "caseworker-city", person: at(1, dorm), kind: living.TripMissionReturn, from: "阜新站", to: "细河区人才公寓", in: 2 * 24 * time.Hour,
			steps: []living.TripAction{living.TripAssign}, car: "市卫健委中巴 辽J·B5501"},
		{by: "caseworker", person: at(7, hotel), kind: living.TripCommute, from: "阜新海州宾馆", to: "阜新市中心医院", in: 3 * time.Hour,
			steps: []living.TripAction{living.TripCancel}, end: "排班调整，改为院内休息区住宿"},
	}
	for i, tr := range plan {
		in := model.TripInput{PersonID: tr.person.ID, Kind: tr.kind, Pickup: tr.from, Destination: tr.to, WantedAt: now.Add(tr.in), Note: tr.note, Passengers: 1}
		if tr.kind == living.TripMissionReturn {
			in.Passengers = 6
		}
		if tr.family {
			fam := family
			if tr.person.ID != worker.ID {
				if fam, err = st.ListFamily(sys, tr.person.ID, false); err != nil {
					return fmt.Errorf("demo: family of person %d: %w", tr.person.ID, err)
				}
			}
			if len(fam) == 0 {
				in.Kind = living.TripCommute
			} else {
				in.FamilyMemberID = &fam[0].ID
				in.Passengers = 2
			}
		}
		if in.WantedAt.Before(now.Add(-23 * time.Hour)) {
			// Asked for before it happened: the request is recorded as of then.
			in.WantedAt = now.Add(-23 * time.Hour)
		}
		by := as[tr.by]
		if tr.person.RegionCode != "" && tr.by == "caseworker" && tr.person.RegionCode[:min(6, len(tr.person.RegionCode))] != "210902" {
			by = as["caseworker-city"]
		}
		t, err := st.CreateTrip(by, in)
		if err != nil {
			return fmt.Errorf("demo: transport request %d: %w", i, err)
		}
		team := team
		if tr.by == "caseworker-city" || by == as["caseworker-city"] {
			team = as["caseworker-city"]
		}
		for _, step := range tr.steps {
			s := model.TripStep{Outcome: tr.end}
			if step == living.TripAssign {
				s = model.TripStep{Vehicle: tr.car, VolunteerID: tr.driver}
			}
			if step == living.TripStart || step == living.TripAssign {
				s.Outcome = ""
			}
			if _, err := st.StepTrip(team, t.ID, step, s); err != nil {
				return fmt.Errorf("demo: transport request %d, %s: %w", i, step, err)
			}
		}
		sum.Trips++
	}
	return nil
}
