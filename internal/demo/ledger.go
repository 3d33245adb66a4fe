package demo

import (
	"context"
	"fmt"
	"time"

	"houdun/internal/auth"
	"houdun/internal/jobs"
	"houdun/internal/model"
	"houdun/internal/store"
)

// ledgerIDs are the database ids of what the ledger refers to.
type ledgerIDs struct {
	people     map[int]int64 // plan index → person id
	relatives  map[int]int64 // plan.family index → family member id
	volunteers []int64
	cases      []int64
	supplies   *supplyIDs
}

// actors are the principals of the demo accounts that act in the ledger, as
// a login would make them.
type actors map[string]context.Context

func actorOf(ctx context.Context, u model.User) context.Context {
	pr := &auth.Principal{UserID: u.ID, Username: u.Username, Role: u.Role, RegionCode: u.RegionCode}
	if u.InstitutionID != nil {
		pr.InstitutionID = *u.InstitutionID
	}
	if u.PersonID != nil {
		pr.PersonID = *u.PersonID
	}
	return auth.WithPrincipal(ctx, pr)
}

// resolve finds the ids of the people and relatives the ledger names, by ID
// number (a keyed-hash lookup) and by name within the person's family.
func (ids *ledgerIDs) resolve(sys context.Context, st *store.Store, p plan, lp ledgerPlan) error {
	ids.people, ids.relatives = map[int]int64{}, map[int]int64{}
	person := func(i int) (int64, error) {
		if id, ok := ids.people[i]; ok {
			return id, nil
		}
		found, err := st.ListPeople(sys, model.PersonFilter{IDNumber: p.people[i].fields.IDNumber, Page: model.Page{Limit: 1}})
		if err != nil || len(found.Items) != 1 {
			return 0, fmt.Errorf("demo: person %d of the ledger is missing: %w", i, err)
		}
		ids.people[i] = found.Items[0].ID
		return found.Items[0].ID, nil
	}
	for _, pr := range lp.pairings {
		if _, err := person(pr.person); err != nil {
			return err
		}
	}
	for _, v := range lp.visits {
		if _, err := person(v.person); err != nil {
			return err
		}
	}
	family := map[int64][]model.FamilyMember{}
	for _, c := range lp.cases {
		id, err := person(c.person)
		if err != nil {
			return err
		}
		if c.relative < 0 {
			continue
		}
		if _, ok := ids.relatives[c.relative]; ok {
			continue
		}
		members, ok := family[id]
		if !ok {
			if members, err = st.ListFamily(sys, id, false); err != nil {
				return fmt.Errorf("demo: family of person %d: %w", id, err)
			}
			family[id] = members
		}
		want := p.family[c.relative].fields
		for _, m := range members {
			if m.Name == want.Name && m.Relation == want.Relation {
				ids.relatives[c.relative] = m.ID
			}
		}
	}
	return nil
}

// fillLedger plays the ledger plan with the clock at each event's time,
// from start, through the store's methods as the demo accounts (and the
// scheduler for deadlines and escalation).
func fillLedger(ctx context.Context, st *store.Store, clock *Clock, start time.Time, p plan, lp ledgerPlan, as actors, sum *Summary) error {
	sys := as[""]
	var ids ledgerIDs
	if err := ids.resolve(sys, st, p, lp); err != nil {
		return err
	}
	ids.cases = make([]int64, len(lp.cases))
	job := auth.WithPrincipal(ctx, jobs.Principal())
	for _, e := range lp.events {
		clock.setTo(start.Add(e.at))
		if err := playEvent(st, clock, e, p, lp, &ids, as, job, sum); err != nil {
			return err
		}
	}
	return nil
}

// playEvent writes one event of the ledger.
func playEvent(st *store.Store, clock *Clock, e ledgerEvent, p plan, lp ledgerPlan, ids *ledgerIDs, as actors, job context.Context, sum *Summary) error {
	now := clock.Now()
	switch e.step {
	case stepTick:
		if _, err := st.EscalateOverdue(job, now); err != nil {
			return fmt.Errorf("demo: escalate at %s: %w", now.Format(time.DateTime), err)
		}
		if _, err := st.NotifyDeadlines(job, now); err != nil {
			return fmt.Errorf("demo: remind at %s: %w", now.Format(time.DateTime), err)
		}
		return nil
	case stepVolunteer:
		v := lp.volunteers[e.index]
		in := model.VolunteerInput{Name: &v.name, Phone: &v.phone, RegionCode: &v.region, Skills: &v.skills, Available: &v.available}
		if v.username != "" {
			in.Username = &v.username
		}
		created, err := st.CreateVolunteer(as[teamOf(v.region)], in)
		if err != nil {
			return fmt.Errorf("demo: volunteer %d: %w", e.index, err)
		}
		ids.volunteers = append(ids.volunteers, created.ID)
		sum.Volunteers++
		return nil
	case stepPairing:
		pr := lp.pairings[e.index]
		vid, pid := ids.volunteers[pr.volunteer], ids.people[pr.person]
		starts := now.Format(time.DateOnly)
		in := model.PairingInput{VolunteerID: &vid, PersonID: &pid, StartsOn: &starts}
		if pr.days > 0 {
			ends := now.AddDate(0, 0, pr.days).Format(time.DateOnly)
			in.EndsOn = &ends
		}
		if _, err := st.CreatePairing(as[teamOf(lp.volunteers[pr.volunteer].region)], in); err != nil {
			return fmt.Errorf("demo: pairing %d: %w", e.index, err)
		}
		sum.Pairings++
		return nil
	case stepSupply:
		return playSupply(st, now, e.index, ids, as, sum)
	case stepVisit:
		v := lp.visits[e.index]
		_, err := st.CreateVisit(as[v.actor], model.VisitInput{PersonID: ids.people[v.person], Target: v.target, Channel: v.channel,
			VisitedAt: visitedAt(now, e.index), Notes: v.notes})
		if err != nil {
			return fmt.Errorf("demo: visit %d: %w", e.index, err)
		}
		sum.Visits++
		return nil
	}
	c := lp.cases[e.index]
	id := ids.cases[e.index]
	var err error
	switch e.step {
	case stepCreate:
		in := c.in
		in.PersonID = ids.people[c.person]
		if fid, ok := ids.relatives[c.relative]; ok {
			in.FamilyMemberID = &fid
		}
		if c.visit {
			var v model.Visit
			v, err = st.CreateVisit(as[c.actor], model.VisitInput{PersonID: in.PersonID, Target: model.VisitTargetBoth, Channel: c.channel,
				VisitedAt: visitedAt(now, e.index), Notes: "走访中了解到困难，已登记台账", Needs: []model.NeedInput{in}})
			if err == nil {
				ids.cases[e.index] = v.Needs[0].ID
				sum.Visits++
			}
		} else {
			var n model.Need
			n, err = st.CreateNeed(as[c.actor], in)
			ids.cases[e.index] = n.ID
		}
		if err == nil {
			sum.Cases++
		}
	case stepAssign:
		in := model.NeedAssign{Note: e.note}
		if c.assignVolunteer >= 0 {
			in.VolunteerID = &ids.volunteers[c.assignVolunteer]
		} else {
			uid := auth.FromContext(as[c.assignUser]).UserID
			in.UserID = &uid
		}
		_, err = st.AssignNeed(as[c.staff], id, in)
	case stepStart:
		_, err = st.StartNeed(as[c.worker()], id, model.NeedStep{Note: e.note})
	case stepResolve:
		_, err = st.ResolveNeed(as[c.worker()], id, model.NeedStep{Resolution: e.text})
	case stepClose:
		_, err = st.CloseNeed(as[c.staff], id, model.NeedStep{Note: e.note, Satisfaction: &e.satisfy})
	case stepReject:
		_, err = st.RejectNeed(as[c.staff], id, model.NeedStep{Reason: e.text})
	case stepReopen:
		_, err = st.ReopenNeed(as[c.staff], id, model.NeedStep{Note: e.note})
	}
	if err != nil {
		return fmt.Errorf("demo: case %d, step %d at %s: %w", e.index, e.step, now.Format(time.DateTime), err)
	}
	return nil
}

// teamOf is the account that manages volunteers of a region.
func teamOf(region string) string {
	if len(region) >= 6 && region[:6] == haizhou {
		return actorDistrict
	}
	return actorCity
}

// visitedAt is when a visit took place: 20 minutes to 2 hours before it is
// written down.
func visitedAt(now time.Time, i int) time.Time {
	return now.Add(-time.Duration(20+i*37%100) * time.Minute)
}
