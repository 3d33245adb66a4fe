package demo

import (
	"fmt"
	"time"

	"houdun/internal/model"
	"houdun/internal/store"
)

// The frontline deployment of the demo (一线派驻): posts at the city's
// hospitals and CDC, two aid-team batches of the city (one back from Wuhan
// and resting, one about to leave), and five weeks of rotations at the
// posts — 14 days on, at least 3 off — so that the lists, the days report
// and the rest flags have something to show. One dual-medical-worker couple
// is deployed at once, overridden by the city team with its reason; a few
// people are on the 14th day of their run today and due for rest.

// demoPost is a post of the demo and who defines it.
type demoPost struct {
	inst, name, kind string
	tier             int
	by               string // the demo account that defines it
	staff            int    // people rotating through it
}

var demoPosts = []demoPost{
	{workerInstitution, "发热门诊", model.PostFeverClinic, 1, "institution-admin", 8},
	{workerInstitution, "感染科隔离病区", model.PostIsolationWard, 1, "institution-admin", 8},
	{workerInstitution, "重症医学科（新冠救治）", model.PostICU, 1, "institution-admin", 6},
	{workerInstitution, "院内核酸采样点", model.PostSampling, 2, "institution-admin", 4},
	{"阜新市传染病医院", "发热门诊", model.PostFeverClinic, 1, "caseworker-city", 6},
	{"阜新市传染病医院", "感染一病区", model.PostIsolationWard, 1, "caseworker-city", 6},
	{"阜新矿业集团总医院", "发热门诊", model.PostFeverClinic, 1, "caseworker-city", 5},
	{"阜新市疾病预防控制中心", "流调与采样队", model.PostSampling, 1, "caseworker-city", 5},
	{"阜新市疾病预防控制中心", "核酸检测实验室", model.PostOther, 1, "caseworker-city", 4},
	{"细河区人民医院", "集中隔离点医疗组", model.PostQuarantineHotel, 2, "caseworker-city", 4},
}

// fillDeployments writes the demo's posts, batches and deployments as the
// demo accounts, through the store's rules like any user's plans.
func fillDeployments(st *store.Store, as actors, p plan, people []store.PersonRow, instByName map[string]int64, sum *Summary) error {
	city := as["caseworker-city"]
	now := st.Now().In(time.FixedZone("UTC+8", 8*3600))
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	day := func(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }
	used := map[int64]bool{}
	// The couple: both at the central hospital's ICU and isolation ward.
	couple, err := demoCouple(st, as, p, people, instByName)
	if err != nil {
		return err
	}
	for _, id := range couple {
		used[id] = true
	}
	var icu, ward int64
	for i, dp := range demoPosts {
		post, err := st.CreatePost(as[dp.by], model.PostInput{Name: ptr(dp.name), InstitutionID: ptr(instByName[dp.inst]), Kind: ptr(dp.kind), Tier: ptr(dp.tier)})
		if err != nil {
			return fmt.Errorf("demo: post %s %s: %w", dp.inst, dp.name, err)
		}
		sum.Posts++
		switch i {
		case 1:
			ward = post.ID
		case 2:
			icu = post.ID
		}
		yes := true
		staff, err := st.ListPeople(as[""], model.PersonFilter{InstitutionID: instByName[dp.inst], Frontline: &yes, Page: model.Page{Limit: 200}})
		if err != nil {
			return fmt.Errorf("demo: staff of %s: %w", dp.inst, err)
		}
		n := 0
		for _, ps := range staff.Items {
			if n == dp.staff {
				break
			}
			if used[ps.ID] || ps.Occupation == model.OccCommunityWorker {
				continue
			}
			used[ps.ID] = true
			// Rotations of 14 days on and 4 off, staggered by person: the
			// first of each post is on the 14th day today (rest due).
			offset := -13 - (n*5)%18
			shift := 8
			if dp.kind == model.PostSampling && n%2 == 1 {
				shift = 4 // half-day sampling shifts
			}
			for k := -2; k <= 1; k++ {
				start := offset + k*18
				if start > 10 {
					break
				}
				in := model.DeploymentInput{PersonID: ptr(ps.ID), PostID: ptr(post.ID), StartsOn: day(start), EndsOn: day(start + 13), ShiftHours: ptr(shift)}
				if n == 0 && k == 1 {
					continue // the first of each post rests after today
				}
				if _, err := st.CreateDeployment(as[dp.by], in); refusedByARule(err) {
					continue // a spouse on the frontline then, or rest due: as a planner would, leave it out
				} else if err != nil {
					return fmt.Errorf("demo: deployment at %s: %w", dp.name, err)
				}
				sum.Deployments++
			}
			n++
		}
	}
	// The couple: he is at the ICU; she is planned to the isolation ward at
	// the same time, refused by the couple rule and overridden by the city
	// team with its reason.
	if couple[0] != 0 {
		if _, err := st.CreateDeployment(city, model.DeploymentInput{PersonID: ptr(couple[0]), PostID: ptr(icu), StartsOn: day(-6), EndsOn: day(7), Role: "主治医师"}); err != nil {
			return fmt.Errorf("demo: couple, husband: %w", err)
		}
		in := model.DeploymentInput{PersonID: ptr(couple[1]), PostID: ptr(ward), StartsOn: day(-3), EndsOn: day(10), Role: "主管护师"}
		if _, err := st.CreateDeployment(city, in); model.ErrorCode(err) != model.ECoupleConflict {
			return fmt.Errorf("demo: couple, wife: want the couple rule's refusal, got %v", err)
		}
		in.OverrideReason = "隔离病区重症护理骨干仅余此一人；夫妻双方父母已从彰武来阜照看孩子，科室每日电话联系家属。"
		if _, err := st.CreateDeployment(city, in); err != nil {
			return fmt.Errorf("demo: couple, override: %w", err)
		}
		sum.Deployments += 2
	}
	return fillBatches(st, as, instByName, used, day, sum)
}

// demoCouple finds the ids of the first planned couple both of whom work
// in the central hospital, or of the first couple at all.
func demoCouple(st *store.Store, as actors, p plan, people []store.PersonRow, instByName map[string]int64) ([2]int64, error) {
	var pick [2]int
	found := false
	for _, c := range p.couples {
		if p.insts[p.people[c[0]].inst].name == workerInstitution && p.insts[p.people[c[1]].inst].name == workerInstitution {
			pick, found = c, true
			break
		}
	}
	if !found && len(p.couples) > 0 {
		pick, found = p.couples[0], true
	}
	var out [2]int64
	if !found {
		return out, nil
	}
	for k, i := range pick {
		l, err := st.ListPeople(as[""], model.PersonFilter{IDNumber: people[i].Fields.IDNumber, Page: model.Page{Limit: 1}})
		if err != nil || len(l.Items) != 1 {
			return out, fmt.Errorf("demo: couple member %d: %w", i, err)
		}
		out[k] = l.Items[0].ID
	}
	return out, nil
}

// fillBatches writes two aid-team batches of the city: one back from Wuhan
// eight days ago (its members rest 14 days), one leaving in five days.
func fillBatches(st *store.Store, as actors, instByName map[string]int64, used map[int64]bool, day func(int) string, sum *Summary) error {
	city := as["caseworker-city"]
	batches := []struct {
		name, dest       string
		departs, returns int
		inst             []string
		members          int
	}{
		{"辽宁援鄂医疗队阜新第2批", "湖北省武汉市", -50, -8, []string{"阜新市传染病医院", "阜新市第二人民医院", "阜新矿业集团总医院"}, 9},
		{"辽宁援吉医疗队阜新分队", "吉林省吉林市", 5, 40, []string{"阜新市第三人民医院", "阜新市中医医院", "阜新蒙古族自治县人民医院"}, 7},
	}
	roles := []string{"领队", "医生", "医生", "护士", "护士", "护士", "感控", "医生", "护士"}
	yes := true
	for _, bd := range batches {
		// Members round the institutions in turn, the staff nobody else deployed.
		var pools [][]model.Person
		for _, inst := range bd.inst {
			l, err := st.ListPeople(as[""], model.PersonFilter{InstitutionID: instByName[inst], Frontline: &yes, Page: model.Page{Limit: 100}})
			if err != nil {
				return fmt.Errorf("demo: staff of %s: %w", inst, err)
			}
			pools = append(pools, l.Items)
		}
		var members []model.Person
		for round := 0; len(members) < bd.members && round < 100; round++ {
			pool := pools[round%len(pools)]
			for j, ps := range pool {
				if !used[ps.ID] && ps.Occupation != model.OccCommunityWorker {
					used[ps.ID] = true
					members = append(members, ps)
					pools[round%len(pools)] = pool[j+1:]
					break
				}
			}
		}
		if len(members) == 0 {
			continue
		}
		b, err := st.CreateBatch(city, model.BatchInput{Name: ptr(bd.name), Destination: ptr(bd.dest), RegionCode: ptr(cityCode), LeaderPersonID: ptr(members[0].ID),
			DepartsOn: ptr(day(bd.departs)), ReturnsOn: ptr(day(bd.returns)), QuarantineDays: ptr(14)})
		if err != nil {
			return fmt.Errorf("demo: batch %s: %w", bd.name, err)
		}
		sum.Batches++
		for i, m := range members {
			if _, err := st.CreateDeployment(city, model.DeploymentInput{PersonID: ptr(m.ID), BatchID: ptr(b.ID), Role: roles[i%len(roles)]}); refusedByARule(err) {
				continue
			} else if err != nil {
				return fmt.Errorf("demo: member of %s: %w", bd.name, err)
			}
			sum.Deployments++
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// refusedByARule reports whether a plan was refused by the couple or the
// rest rule, which a small demo city (its people drawn at random, couples
// among them) meets more often than the planned one: such a plan is left
// out, as a planner would.
func refusedByARule(err error) bool {
	c := model.ErrorCode(err)
	return err != nil && (c == model.ECoupleConflict || c == model.ERestRequired)
}
