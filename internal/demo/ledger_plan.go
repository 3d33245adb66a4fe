package demo

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"houdun/internal/casework"
	"houdun/internal/model"
)

// The needs ledger of the demo tells the last ledgerSpan of the city's life:
// volunteers registered and paired with families, visits, and cases recorded,
// assigned, worked, escalated, resolved, closed, rejected and reopened. Like
// the city it is planned first (pure and seeded: times are offsets from the
// start of the span, people are indexes in the city's plan), then played
// through the store's methods with the clock set to each event's time.
const (
	ledgerSpan = 56 * 24 * time.Hour
	// quietEnd is the last stretch of the span in which the scheduler does
	// not run during the fill: the cases whose deadline passed in it are
	// overdue and not yet escalated when the demo starts (the real
	// scheduler escalates them in its first minute).
	quietEnd = time.Hour
	// tickEvery is how often the scheduler runs during the fill: the live
	// one runs every 15 s, but each run costs the fill time, and a case
	// escalated up to two hours after its deadline tells the same story.
	tickEvery = 2 * time.Hour
	// ledgerCases and ledgerVisits are the size of the ledger; the worker
	// account's own reports come on top.
	ledgerCases      = 280
	ledgerVisits     = 160
	volunteersHaizh  = 10 // in 海州区, the caseworker account's district
	volunteersCounty = 4  // in each other district
	ledgerPairings   = 30
	// rngLedger is the ledger's PCG stream, apart from the city's so that
	// the ledger does not change the city.
	rngLedger = rngStream + 1
)

// haizhou is the caseworker account's district.
const haizhou = "210902"

// Actors of the ledger: the demo accounts that act in it.
const (
	actorDistrict  = "caseworker"      // 海州区's team
	actorCity      = "caseworker-city" // the city's team, for the other districts
	actorCounselor = "counselor"
	actorVolunteer = "volunteer"
	actorWorker    = "worker"
)

type plannedVolunteer struct {
	name, phone, region string
	skills              []string
	available           bool
	username            string // "volunteer" for the demo account's record
}

type plannedPairing struct {
	volunteer, person int
	days              int // length; 0 for open-ended
}

// plannedCase is one case and how it should end up.
type plannedCase struct {
	person   int
	relative int // index in plan.family of the relative it concerns, -1 for none
	kind     *needKind
	in       model.NeedInput // without PersonID and FamilyMemberID
	actor    string          // who records it
	staff    string          // who works and closes it in its district
	visit    bool            // recorded during a visit
	channel  string          // of that visit
	// assignee: a user (username) or a volunteer (index), or neither.
	assignUser      string
	assignVolunteer int
}

// ledgerStep is one event of the ledger.
type ledgerStep int

const (
	stepTick ledgerStep = iota // the scheduler's jobs
	stepVolunteer
	stepPairing
	stepVisit // a visit, with its case when caseIdx >= 0
	stepCreate
	stepAssign
	stepStart
	stepResolve
	stepClose
	stepReject
	stepReopen
	stepSupply // a step of the supplies (supplies.go)
)

type ledgerEvent struct {
	at      time.Duration // from the start of the span
	step    ledgerStep
	index   int // volunteer, pairing, visit or case index
	note    string
	text    string // resolution or reason
	satisfy int
}

// plannedVisit is a visit without a case (those with one are in cases).
type plannedVisit struct {
	person  int
	channel string
	target  string
	notes   string
	actor   string
}

type ledgerPlan struct {
	volunteers []plannedVolunteer
	pairings   []plannedPairing
	cases      []plannedCase
	visits     []plannedVisit
	events     []ledgerEvent
}

// ledgerPlanner draws the ledger.
type ledgerPlanner struct {
	r          *rand.Rand
	p          plan
	lp         ledgerPlan
	people     []int            // frontline people
	haizh      []int            // frontline people of 海州区
	care       map[string][]int // care need → frontline people with such a relative
	rels       map[int][]int    // person → indexes in plan.family
	paired     map[int]int      // person → volunteer index
	demoActive int              // active cases of the demo volunteer
}

func (lp *ledgerPlanner) county(person int) string {
	return lp.p.insts[lp.p.people[person].inst].region[:6]
}

func (lp *ledgerPlanner) dur(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(lp.r.Int64N(int64(hi-lo)+1))
}

func (lp *ledgerPlanner) pickS(s []string) string { return s[lp.r.IntN(len(s))] }

func (lp *ledgerPlanner) add(e ledgerEvent) { lp.lp.events = append(lp.lp.events, e) }

// planLedger draws the ledger of city p for seed.
func planLedger(p plan, seed int64) ledgerPlan {
	lp := &ledgerPlanner{r: rand.New(rand.NewPCG(uint64(seed), rngLedger)), p: p,
		care: map[string][]int{}, rels: map[int][]int{}, paired: map[int]int{}}
	for i, pr := range p.family {
		lp.rels[pr.person] = append(lp.rels[pr.person], i)
	}
	for i, pp := range p.people {
		if !pp.fields.Frontline || i == p.worker {
			continue
		}
		lp.people = append(lp.people, i)
		if lp.county(i) == haizhou {
			lp.haizh = append(lp.haizh, i)
		}
		seen := map[string]bool{}
		for _, fi := range lp.rels[i] {
			for _, c := range p.family[fi].fields.CareNeeds {
				if !seen[c] {
					seen[c] = true
					lp.care[c] = append(lp.care[c], i)
				}
			}
		}
	}
	lp.volunteers()
	lp.pairings()
	for at := tickEvery; at <= ledgerSpan-quietEnd; at += tickEvery {
		lp.add(ledgerEvent{at: at, step: stepTick})
	}
	lp.workerCases()
	for range ledgerCases {
		lp.oneCase()
	}
	for range ledgerVisits {
		lp.oneVisit()
	}
	// Stable: events at the same moment keep the order they were drawn in.
	slices.SortStableFunc(lp.lp.events, func(a, b ledgerEvent) int { return cmp.Compare(a.at, b.at) })
	return lp.lp
}

// volunteers registers volunteers by street, the demo account's first.
func (lp *ledgerPlanner) volunteers() {
	taken := map[string]bool{}
	for _, pp := range lp.p.people {
		taken[pp.fields.Phone] = true
	}
	for _, f := range lp.p.family {
		taken[f.fields.Phone] = true
	}
	g := &generator{r: lp.r, phones: taken}
	for _, c := range counties {
		n := volunteersCounty
		if c.code == haizhou {
			n = volunteersHaizh
		}
		for i := range n {
			year := 1960 + lp.r.IntN(45)
			male := lp.r.IntN(2) == 0
			v := plannedVolunteer{name: randomSurname(lp.r) + givenName(lp.r, year, male), phone: g.phone(),
				region: c.streets[i%len(c.streets)].code, available: lp.r.Float64() < 0.85}
			skills := slices.Clone(model.VolunteerSkills)
			lp.r.Shuffle(len(skills), func(a, b int) { skills[a], skills[b] = skills[b], skills[a] })
			v.skills = skills[:1+lp.r.IntN(3)]
			if c.code == haizhou && i == 0 {
				v.username, v.available = actorVolunteer, true
				v.skills = []string{model.SkillChildcare, model.SkillEldercare, model.SkillShopping}
			}
			slices.SortFunc(v.skills, func(a, b string) int {
				return slices.Index(model.VolunteerSkills, a) - slices.Index(model.VolunteerSkills, b)
			})
			lp.add(ledgerEvent{at: time.Duration(len(lp.lp.volunteers)+1) * time.Minute, step: stepVolunteer, index: len(lp.lp.volunteers)})
			lp.lp.volunteers = append(lp.lp.volunteers, v)
		}
	}
}

// volunteersOf lists the volunteers of a district.
func (lp *ledgerPlanner) volunteersOf(county string) []int {
	var out []int
	for i, v := range lp.lp.volunteers {
		if strings.HasPrefix(v.region, county) {
			out = append(out, i)
		}
	}
	return out
}

// pairings pair volunteers with families that have elderly, minor or
// disabled members, in the volunteer's district; the demo volunteer gets three.
func (lp *ledgerPlanner) pairings() {
	pool := slices.Concat(lp.care[model.CareElderly], lp.care[model.CareMinor], lp.care[model.CareDisability])
	slices.Sort(pool)
	pool = slices.Compact(pool)
	var hz []int
	for _, i := range pool {
		if lp.county(i) == haizhou {
			hz = append(hz, i)
		}
	}
	for len(lp.lp.pairings) < ledgerPairings {
		var person, vol int
		if len(lp.lp.pairings) < 3 {
			person, vol = hz[lp.r.IntN(len(hz))], 0
		} else {
			person = pool[lp.r.IntN(len(pool))]
			vols := lp.volunteersOf(lp.county(person))
			vol = vols[lp.r.IntN(len(vols))]
		}
		if _, ok := lp.paired[person]; ok {
			continue
		}
		lp.paired[person] = vol
		days := 0
		if lp.r.IntN(3) == 0 {
			days = 90
		}
		lp.add(ledgerEvent{at: time.Hour + time.Duration(len(lp.lp.pairings))*time.Minute, step: stepPairing, index: len(lp.lp.pairings)})
		lp.lp.pairings = append(lp.lp.pairings, plannedPairing{volunteer: vol, person: person, days: days})
	}
}

// Final states a case is drawn to reach.
type caseEnd int

const (
	endClosed caseEnd = iota
	endResolved
	endRejected
	endReopenedClosed
	endReopenedOpen
	endInProgress
	endAssigned
	endOpen
)

var caseEnds = []weighted[caseEnd]{
	{endClosed, 36}, {endResolved, 10}, {endRejected, 6}, {endReopenedClosed, 2}, {endReopenedOpen, 1},
	{endInProgress, 15}, {endAssigned, 14}, {endOpen, 12},
}

var kindWeights = func() []weighted[*needKind] {
	out := make([]weighted[*needKind], len(needKinds))
	for i := range needKinds {
		out[i] = weighted[*needKind]{&needKinds[i], needKinds[i].weight}
	}
	return out
}()

var sources = []weighted[string]{
	{model.SourceVisit, 30}, {model.SourceSelf, 20}, {model.SourceFamily, 15}, {model.SourceHotline, 20}, {model.SourceInstitution, 15},
}

var channels = []weighted[string]{
	{model.ChannelPhone, 45}, {model.ChannelHome, 25}, {model.ChannelWorkplace, 20}, {model.ChannelVideo, 10},
}

var satisfactions = []weighted[int]{{5, 45}, {4, 35}, {3, 13}, {2, 5}, {1, 2}}

// oneCase draws a case: its person (half of them in 海州区), kind, source,
// assignee and history.
func (lp *ledgerPlanner) oneCase() {
	k := pickWeighted(lp.r, kindWeights)
	var person int
	relative := -1
	pool := lp.people
	if lp.r.IntN(2) == 0 {
		pool = lp.haizh
	}
	if k.care != "" {
		var c []int
		for _, i := range lp.care[k.care] {
			if lp.r.IntN(2) == 0 || len(pool) == len(lp.people) || lp.county(i) == haizhou {
				c = append(c, i)
			}
		}
		pool = c
	}
	person = pool[lp.r.IntN(len(pool))]
	if k.care != "" {
		for _, fi := range lp.rels[person] {
			if slices.Contains(lp.p.family[fi].fields.CareNeeds, k.care) {
				relative = fi
				break
			}
		}
	}
	c := plannedCase{person: person, relative: relative, kind: k, assignVolunteer: -1}
	c.in = model.NeedInput{Category: k.category, Kind: k.kind, Urgency: pickWeighted(lp.r, k.urgency),
		Description: lp.pickS(k.texts), Source: pickWeighted(lp.r, sources)}
	c.in.Address = demoAddress(person, k.kind)
	c.staff = actorCity
	if lp.county(person) == haizhou {
		c.staff = actorDistrict
	}
	c.actor = c.staff
	if c.in.Source == model.SourceVisit {
		c.visit, c.channel = true, pickWeighted(lp.r, channels)
	}
	end := pickWeighted(lp.r, caseEnds)
	lp.chooseAssignee(&c, end >= endInProgress && end <= endAssigned)
	lp.history(c, end)
}

// chooseAssignee picks who works the case: the paired volunteer, a
// counsellor for counselling, a volunteer with the skill, or the district's
// team. The demo volunteer gets its share of active cases in 海州区.
func (lp *ledgerPlanner) chooseAssignee(c *plannedCase, active bool) {
	county := lp.county(c.person)
	if v, ok := lp.paired[c.person]; ok && c.kind.skill != "" && lp.r.IntN(10) < 7 {
		c.assignVolunteer = v
	} else if c.kind.kind == model.KindCounselling && lp.r.IntN(10) < 7 {
		c.assignUser = actorCounselor
	} else if c.kind.skill != "" && lp.r.IntN(10) < 5 {
		var fit []int
		for _, v := range lp.volunteersOf(county) {
			if slices.Contains(lp.lp.volunteers[v].skills, c.kind.skill) {
				fit = append(fit, v)
			}
		}
		if county == haizhou && slices.Contains(lp.lp.volunteers[0].skills, c.kind.skill) && (active && lp.demoActive < 4 || lp.r.IntN(3) == 0) {
			fit = []int{0}
		}
		if len(fit) > 0 {
			c.assignVolunteer = fit[lp.r.IntN(len(fit))]
		}
	}
	if c.assignUser == "" && c.assignVolunteer < 0 {
		c.assignUser = c.staff
	}
	if active && c.assignVolunteer == 0 {
		lp.demoActive++
	}
}

// worker returns who starts and resolves a case: the account assigned, or
// the district's team on behalf of a volunteer without an account.
func (c plannedCase) worker() string {
	switch {
	case c.assignUser != "":
		return c.assignUser
	case c.assignVolunteer == 0:
		return actorVolunteer
	}
	return c.staff
}

// history writes the events of a case that ends as end. Cases that are
// still active at the end are recorded so that their deadlines make sense at
// the real now: most are within their deadline, a fifth were escalated to the
// city's team once, and a tenth passed their deadline in the last hour.
func (lp *ledgerPlanner) history(c plannedCase, end caseEnd) {
	idx := len(lp.lp.cases)
	lp.lp.cases = append(lp.lp.cases, c)
	dl := casework.DefaultPolicy().Deadline(c.in.Urgency)
	frac := func(lo, hi float64) time.Duration {
		return time.Duration((lo + lp.r.Float64()*(hi-lo)) * float64(dl))
	}
	create := func(at time.Duration) {
		lp.add(ledgerEvent{at: at, step: stepCreate, index: idx})
	}
	assign := func(at time.Duration) {
		lp.add(ledgerEvent{at: at, step: stepAssign, index: idx, note: lp.pickS(assignNotes)})
	}
	// cycle plays assign, start and resolve from c0 (a recording or a
	// reopening); late ones pass the deadline and are escalated first.
	cycle := func(c0 time.Duration) time.Duration {
		f1 := 0.05 + 0.2*lp.r.Float64()
		f2 := f1 + 0.05 + (0.45-f1-0.05)*lp.r.Float64()
		assign(c0 + time.Duration(f1*float64(dl)))
		lp.add(ledgerEvent{at: c0 + time.Duration(f2*float64(dl)), step: stepStart, index: idx, note: lp.pickS(startNotes)})
		tr := c0 + frac(0.5, 0.95)
		if lp.r.IntN(100) < 15 {
			tr = c0 + frac(1.1, 1.6)
		}
		lp.add(ledgerEvent{at: tr, step: stepResolve, index: idx, text: lp.pickS(c.kind.resolutions)})
		return tr
	}
	closeAt := func(at time.Duration) {
		lp.add(ledgerEvent{at: at, step: stepClose, index: idx, note: lp.pickS(closeNotes), satisfy: pickWeighted(lp.r, satisfactions)})
	}
	const start = 3 * time.Hour // after the volunteers and pairings
	span := ledgerSpan
	window := func(lo, hi time.Duration) time.Duration {
		lo = max(lo, start)
		if hi <= lo {
			return lo
		}
		return lp.dur(lo, hi)
	}
	switch end {
	case endClosed:
		c0 := window(start, span-frac(1.6, 1.6)-3*24*time.Hour-2*time.Hour)
		create(c0)
		tr := cycle(c0)
		closeAt(tr + lp.dur(4*time.Hour, 3*24*time.Hour))
	case endResolved:
		hi := span - frac(1.6, 1.6) - 2*time.Hour
		c0 := window(hi-8*24*time.Hour, hi)
		create(c0)
		cycle(c0)
	case endRejected:
		c0 := window(start, span-dl-2*time.Hour)
		create(c0)
		tj := c0 + frac(0.1, 0.6)
		if lp.r.IntN(2) == 0 {
			assign(c0 + frac(0.02, 0.08))
		}
		lp.add(ledgerEvent{at: tj, step: stepReject, index: idx, text: lp.pickS(rejectReasons)})
	case endReopenedClosed:
		first := frac(1.6, 1.6) + 3*24*time.Hour
		c0 := window(start, span-2*first-4*24*time.Hour-2*time.Hour)
		create(c0)
		tc := cycle(c0) + lp.dur(4*time.Hour, 2*24*time.Hour)
		closeAt(tc)
		to := tc + lp.dur(24*time.Hour, 4*24*time.Hour)
		lp.add(ledgerEvent{at: to, step: stepReopen, index: idx, note: "回访发现问题反复，重新办理"})
		closeAt(cycle(to) + lp.dur(4*time.Hour, 2*24*time.Hour))
	case endReopenedOpen:
		to := span - frac(0.1, 0.7)
		tc := to - lp.dur(24*time.Hour, 4*24*time.Hour)
		tr := tc - lp.dur(4*time.Hour, 2*24*time.Hour)
		c0 := tr - frac(0.5, 0.95)
		create(c0)
		assign(c0 + frac(0.02, 0.1))
		lp.add(ledgerEvent{at: c0 + frac(0.15, 0.3), step: stepStart, index: idx, note: lp.pickS(startNotes)})
		lp.add(ledgerEvent{at: tr, step: stepResolve, index: idx, text: lp.pickS(c.kind.resolutions)})
		closeAt(tc)
		lp.add(ledgerEvent{at: to, step: stepReopen, index: idx, note: "本人反映问题未彻底解决，重新办理"})
	default: // active: open, assigned, in progress
		var c0 time.Duration
		switch x := lp.r.IntN(10); {
		case x < 7: // within the deadline
			c0 = span - 10*time.Minute - frac(0, 0.9)
		case x < 9: // escalated once, the new deadline still ahead
			c0 = span - 2*time.Hour - frac(0, 0.8) - dl
		default: // overdue in the last hour, not escalated yet
			c0 = span - lp.dur(5*time.Minute, 55*time.Minute) - dl
		}
		c0 = max(c0, start)
		create(c0)
		left := span - 5*time.Minute - c0
		if end == endOpen {
			return
		}
		ta := c0 + time.Duration((0.1+0.3*lp.r.Float64())*float64(left))
		assign(ta)
		if end == endInProgress {
			lp.add(ledgerEvent{at: ta + time.Duration((0.2+0.5*lp.r.Float64())*float64(span-5*time.Minute-ta)), step: stepStart, index: idx,
				note: lp.pickS(startNotes)})
		}
	}
}

// workerCases are the worker account's own reports: one closed, one being
// worked by a counsellor, one just reported.
func (lp *ledgerPlanner) workerCases() {
	w := lp.p.worker
	mk := func(k int, text, urgency string) plannedCase {
		kind := &needKinds[k]
		c := plannedCase{person: w, relative: -1, kind: kind, actor: actorWorker, staff: actorDistrict, assignVolunteer: -1,
			in: model.NeedInput{Category: kind.category, Kind: kind.kind, Urgency: urgency, Description: text, Source: model.SourceSelf}}
		return c
	}
	kindIndex := func(kind string) int {
		return slices.IndexFunc(needKinds, func(k needKind) bool { return k.kind == kind })
	}
	c := mk(kindIndex(model.KindChildcare), "孩子网课无人照看，我连续值夜班", model.UrgencyHigh)
	if fi := slices.IndexFunc(lp.rels[w], func(fi int) bool { return slices.Contains(lp.p.family[fi].fields.CareNeeds, model.CareMinor) }); fi >= 0 {
		c.relative = lp.rels[w][fi]
	}
	c.assignVolunteer = 0
	lp.history(c, endClosed)
	c = mk(kindIndex(model.KindCounselling), "连续夜班失眠，希望心理疏导", model.UrgencyNormal)
	c.assignUser = actorCounselor
	lp.history(c, endInProgress)
	c = mk(kindIndex(model.KindTransport), "夜班下班后没有公交，回家困难", model.UrgencyLow)
	lp.history(c, endOpen)
}

var visitTargets = []weighted[string]{{model.VisitTargetPerson, 5}, {model.VisitTargetFamily, 2}, {model.VisitTargetBoth, 3}}

// oneVisit draws a visit without a case: half in 海州区, care families
// more often.
func (lp *ledgerPlanner) oneVisit() {
	pool := lp.people
	switch lp.r.IntN(4) {
	case 0, 1:
		pool = lp.haizh
	case 2:
		pool = lp.care[model.CareElderly]
	}
	person := pool[lp.r.IntN(len(pool))]
	actor := actorCity
	if lp.county(person) == haizhou {
		actor = actorDistrict
	}
	idx := len(lp.lp.visits)
	lp.lp.visits = append(lp.lp.visits, plannedVisit{person: person, channel: pickWeighted(lp.r, channels),
		target: pickWeighted(lp.r, visitTargets), notes: lp.pickS(visitNotes), actor: actor})
	lp.add(ledgerEvent{at: lp.dur(3*time.Hour, ledgerSpan-10*time.Minute), step: stepVisit, index: idx})
}

// homeCompounds are made-up residential compounds for the demo's addresses.
var homeCompounds = []string{"和平小区", "新华园", "西山家园", "矿工花园", "玉龙新城", "解放小区", "红帽子佳苑", "北苑小区", "清河湾", "细河人家"}

// demoAddress gives the cases whose help goes to a home (meals, supplies,
// care of the old and the young) an address that stays the same for a
// person; no random draw, so the rest of the plan is as before.
func demoAddress(person int, kind string) string {
	switch kind {
	case model.KindEldercare, model.KindMeals, model.KindSupplies, model.KindChildcare:
		return fmt.Sprintf("%s%d号楼%d单元%d室", homeCompounds[person%len(homeCompounds)], person/7%24+1, person%3+1, (person/3%6+1)*100+person%4+1)
	}
	return ""
}
