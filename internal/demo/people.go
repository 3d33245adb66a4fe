package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"houdun/internal/ident"
	"houdun/internal/model"
	"houdun/internal/region"
)

// refDate is the demo city's "today". Ages, minors and the elderly are
// computed against it rather than the clock, so a seed makes the same city on
// any day; every birth date lies before it, so the rows pass validation
// whenever they are loaded.
var refDate = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Birth years of the staff: 24 to 63 years old on refDate.
const (
	minStaffYear = 1962
	maxStaffYear = 2001
)

// rngStream is the second PCG seed word, a constant so that only
// Options.Seed chooses the city. ("houdun" in ASCII.)
const rngStream = 0x686f7564756e

// plan is the whole demo city, computed before anything is written, so the
// database sees one deterministic sequence of calls and tests can inspect the
// city without a database.
type plan struct {
	regions  []model.Region
	insts    []plannedInstitution
	people   []plannedPerson
	family   []plannedRelative
	worker   int      // index in people of the worker account's person
	couples  [][2]int // dual-medical-worker couples, indexes in people
	partners []int    // partner index per person, -1 for none
}

type plannedInstitution struct {
	institution
	credit string // "" for about half of them: many rosters name a unit without its code
}

// plannedPerson is one staff member. fields is filled as a roster row would
// be; InstitutionID is set when the institution exists in the database.
type plannedPerson struct {
	inst    int
	fields  model.PersonFields
	surname string
	male    bool
	birth   time.Time
}

type plannedRelative struct {
	person int
	fields model.FamilyFields
}

// relative is a family member while a person's family is being drawn.
type relative struct {
	name      string
	relation  string
	birth     time.Time
	idNumber  string // "" when the registry knows only the birth date
	phone     string
	livesWith bool
	care      []string
	rank      int // lower survives the cap on relatives first
	order     int // position in the family as listed
}

// generator holds the random source and the values that must stay unique.
type generator struct {
	r         *rand.Rand
	ids       map[string]bool // every ID number handed out, so no relative matches a person by accident
	phones    map[string]bool
	credits   map[string]bool
	fuxin     []string // Fuxin's county codes
	liaoning  []string // the other Liaoning county codes
	instByOcc map[string][]weighted[int]
	insts     []plannedInstitution
	central   int                // index of workerInstitution in insts
	kids      map[int][]relative // a family's children by the index of the person who drew them
}

// build computes the city for opt. It reads no clock and no map order: the
// maps here are only looked up, never ranged over.
func build(opt Options) plan {
	g := &generator{
		r:       rand.New(rand.NewPCG(uint64(opt.Seed), rngStream)),
		ids:     make(map[string]bool, opt.People*3),
		phones:  make(map[string]bool, opt.People*3),
		credits: map[string]bool{},
		kids:    map[int][]relative{},
	}
	var p plan
	for _, c := range counties {
		g.fuxin = append(g.fuxin, c.code)
		for _, s := range c.streets {
			p.regions = append(p.regions, model.Region{Code: s.code, Name: s.name, ParentCode: c.code, Level: int(region.LevelStreet)})
			for _, cm := range s.communities {
				p.regions = append(p.regions, model.Region{Code: cm.code, Name: cm.name, ParentCode: s.code, Level: int(region.LevelCommunity)})
			}
		}
	}
	for _, r := range region.National() {
		if r.Level == region.LevelCounty && strings.HasPrefix(r.Code, "21") && !strings.HasPrefix(r.Code, cityCode) {
			g.liaoning = append(g.liaoning, r.Code)
		}
	}
	all := institutions()
	// Half of the institutions, chosen by the seed, have a credit code: many
	// rosters name a unit without one, and the importer must cope with both.
	hasCredit := make([]bool, len(all))
	for _, i := range g.r.Perm(len(all))[:len(all)/2] {
		hasCredit[i] = true
	}
	for i, in := range all {
		pi := plannedInstitution{institution: in}
		for hasCredit[i] && (pi.credit == "" || g.credits[pi.credit]) {
			pi.credit = makeCreditCode(g.r, in.region[:6])
		}
		if pi.credit != "" {
			g.credits[pi.credit] = true
		}
		if in.name == workerInstitution {
			g.central = i
		}
		p.insts = append(p.insts, pi)
	}
	g.insts = p.insts
	g.instByOcc = map[string][]weighted[int]{}
	for _, occ := range model.Occupations {
		for i, in := range p.insts {
			if w := in.size * affinity[in.profile][occ]; w > 0 {
				g.instByOcc[occ] = append(g.instByOcc[occ], weighted[int]{i, w})
			}
		}
	}

	p.people = make([]plannedPerson, opt.People)
	p.family = make([]plannedRelative, 0, opt.People*3)
	for i := range p.people {
		// The first person is the worker account's: a frontline nurse at
		// 阜新市中心医院, so the account exists whatever the seed and size.
		p.people[i] = g.person(i == 0)
	}
	p.worker = 0
	p.partners = g.pairCouples(&p, opt.People*15/1000)
	for i := range p.people {
		g.family(&p, i)
	}
	return p
}

// person draws one staff member; asWorker fixes the worker account's profile.
func (g *generator) person(asWorker bool) plannedPerson {
	r := g.r
	occ := pickWeighted(r, occupationShares)
	if asWorker {
		occ = model.OccNurse
	}
	inst := pickWeighted(r, g.instByOcc[occ])
	if asWorker {
		inst = g.central
	}
	male := r.Float64() < maleShare[occ]
	year := minStaffYear + r.IntN(maxStaffYear-minStaffYear+1)
	switch occ {
	case model.OccDoctor:
		// Medical school and residency: doctors start work at 25 or later.
		year = minStaffYear + r.IntN(1998-minStaffYear+1)
	case model.OccNurse:
		// Nursing is a young profession: the square root skews towards recent years.
		year = minStaffYear + int(float64(maxStaffYear-minStaffYear+1)*math.Sqrt(r.Float64()))
		year = min(year, maxStaffYear)
	}
	if asWorker {
		male, year = false, 1988
	}
	birth := randomDate(r, year)
	in := g.insts[inst]
	county := in.region[:6]
	d := pickWeighted(r, departments(in.profile, occ))
	frontline := r.Float64() < d.frontline
	if asWorker {
		d, frontline = dept{"发热门诊", 1}, true
	}
	surname := randomSurname(r)
	return plannedPerson{
		inst:    inst,
		surname: surname,
		male:    male,
		birth:   birth,
		fields: model.PersonFields{
			Name:       surname + givenName(r, year, male),
			IDNumber:   g.idNumber(g.addressCode(county), birth, male),
			Phone:      g.phone(),
			Department: d.name,
			Occupation: occ,
			Title:      title(r, occ, ident.AgeOn(birth, refDate)),
			Frontline:  frontline,
		},
	}
}

// randomDate returns a day of year, before refDate.
func randomDate(r *rand.Rand, year int) time.Time {
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	days := int(start.AddDate(1, 0, 0).Sub(start).Hours() / 24)
	d := start.AddDate(0, 0, r.IntN(days))
	if !d.Before(refDate) {
		d = refDate.AddDate(0, 0, -1-r.IntN(200))
	}
	return d
}

// addressCode draws the county of first registration of someone now
// working in county: mostly there, else elsewhere in Fuxin or in Liaoning.
func (g *generator) addressCode(county string) string {
	switch u := g.r.Float64(); {
	case u < 0.55:
		return county
	case u < 0.8:
		return g.fuxin[g.r.IntN(len(g.fuxin))]
	default:
		return g.liaoning[g.r.IntN(len(g.liaoning))]
	}
}

// idNumber makes an ID number not handed out before. The sequence's parity
// carries the sex, as GB 11643 requires.
func (g *generator) idNumber(addr string, birth time.Time, male bool) string {
	for range 5000 {
		seq := 2 * g.r.IntN(500)
		if male {
			seq++
		}
		id := ident.MakeIDNumber(addr, birth, seq)
		if !g.ids[id] {
			g.ids[id] = true
			return id
		}
	}
	// 500 sequence numbers per county and day: never exhausted by a city.
	panic(fmt.Sprintf("demo: no free ID number for %s %s", addr, birth.Format(time.DateOnly)))
}

// mobilePrefixes are the first three digits of mainland mobile numbers
// (China Mobile, Unicom, Telecom), the 19x ranges being newer and rarer.
var mobilePrefixes = func() []weighted[string] {
	var out []weighted[string]
	for _, p := range []string{"130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
		"150", "151", "152", "153", "155", "156", "157", "158", "159",
		"180", "181", "182", "183", "184", "185", "186", "187", "188", "189"} {
		out = append(out, weighted[string]{p, 3})
	}
	for _, p := range []string{"191", "193", "195", "198", "199"} {
		out = append(out, weighted[string]{p, 1})
	}
	return out
}()

// phone makes a mobile number not handed out before.
func (g *generator) phone() string {
	for {
		b := []byte(pickWeighted(g.r, mobilePrefixes))
		for range 8 {
			b = append(b, byte('0'+g.r.IntN(10)))
		}
		if s := string(b); !g.phones[s] {
			g.phones[s] = true
			return s
		}
	}
}

// pairCouples marries n men to n women among the medical staff (not
// community workers or other staff), of similar age, and returns each
// person's partner index (-1 for none). These are the dual-medical-worker
// couples of the 人文保障 rule: each one's spouse row carries the other's ID
// number, so the store links them.
func (g *generator) pairCouples(p *plan, n int) []int {
	partners := make([]int, len(p.people))
	for i := range partners {
		partners[i] = -1
	}
	// Women by birth year, in a random order so partners are spread over institutions.
	byYear := make([][]int, maxStaffYear-minStaffYear+1)
	order := g.r.Perm(len(p.people))
	eligible := func(i int) bool {
		pp := p.people[i]
		occ := pp.fields.Occupation
		return i != p.worker && ident.AgeOn(pp.birth, refDate) >= 26 &&
			(occ == model.OccDoctor || occ == model.OccNurse || occ == model.OccTechnician || occ == model.OccCDCStaff)
	}
	for _, i := range order {
		if !p.people[i].male && eligible(i) {
			y := p.people[i].birth.Year() - minStaffYear
			byYear[y] = append(byYear[y], i)
		}
	}
	// Husbands are usually the same age or a little older.
	offsets := []int{0, 1, 2, -1, 3, 4, -2, 5}
	for _, i := range order {
		if len(p.couples) >= n {
			break
		}
		if !p.people[i].male || !eligible(i) {
			continue
		}
		y := p.people[i].birth.Year() - minStaffYear
		for _, d := range offsets {
			wy := y + d
			if wy < 0 || wy >= len(byYear) || len(byYear[wy]) == 0 {
				continue
			}
			w := byYear[wy][0]
			byYear[wy] = byYear[wy][1:]
			partners[i], partners[w] = w, i
			p.couples = append(p.couples, [2]int{i, w})
			break
		}
	}
	return partners
}

// Relative ranks: what survives when a roster lists only a few relatives.
// A spouse and minor children always come first; dependent parents before
// the rest, because the visit rules look for them.
const (
	rankSpouse = iota
	rankMinor
	rankDependent
	rankAdultChild
	rankParent
	rankInLaw
	rankSibling
)

// family draws person i's relatives (1 to 4) and appends them to p.family.
// A couple's children are drawn once, by the partner listed first, and shared.
func (g *generator) family(p *plan, i int) {
	r := g.r
	me := p.people[i]
	partner := p.partners[i]
	age := ident.AgeOn(me.birth, refDate)
	county := g.insts[me.inst].region[:6]
	var rels []relative
	add := func(rel relative, rank int) {
		rel.rank, rel.order = rank, len(rels)
		rels = append(rels, rel)
	}

	married := partner >= 0
	if partner < 0 {
		switch {
		case i == p.worker:
			married = true
		case age >= 30:
			married = r.Float64() < 0.9
		case age >= 26:
			married = r.Float64() < 0.6
		default:
			married = r.Float64() < 0.2
		}
	}
	var spouseSurname string
	var spouseBirth time.Time
	if partner >= 0 {
		sp := p.people[partner]
		spouseSurname, spouseBirth = sp.surname, sp.birth
		add(relative{name: sp.fields.Name, relation: model.RelSpouse, birth: sp.birth, idNumber: sp.fields.IDNumber,
			phone: sp.fields.Phone, livesWith: true}, rankSpouse)
	} else if married {
		// Wives are usually the same age or up to four years younger.
		delta := r.IntN(5) - 1
		if !me.male {
			delta = -delta
		}
		year := min(me.birth.Year()+delta, maxStaffYear)
		spouseBirth = randomDate(r, year)
		spouseSurname = randomSurname(r)
		sp := g.adult(spouseSurname+givenName(r, year, !me.male), model.RelSpouse, spouseBirth, !me.male, g.addressCode(county), true)
		sp.livesWith = r.Float64() < 0.95
		switch u := r.Float64(); {
		case u < 0.03:
			sp.care = []string{model.CareChronicIll}
		case u < 0.04:
			sp.care = []string{model.CareDisability}
		}
		add(sp, rankSpouse)
	}

	if married {
		holder := i
		if partner >= 0 && partner < i {
			holder = partner // drawn already, when the partner's family was
		} else {
			g.kids[i] = g.children(me, i == p.worker, spouseSurname, spouseBirth, county)
		}
		for _, c := range g.kids[holder] {
			rank := rankAdultChild
			if slices.Contains(c.care, model.CareMinor) {
				rank = rankMinor
			}
			add(c, rank)
		}
	}

	addParent := func(relation, surname string, male bool, minGap int, addr string) {
		year := me.birth.Year() - minGap - r.IntN(10)
		if relation == model.RelParentInLaw && !spouseBirth.IsZero() {
			year = spouseBirth.Year() - minGap - r.IntN(10)
		}
		birth := randomDate(r, year)
		pa := ident.AgeOn(birth, refDate)
		if r.Float64() >= aliveShare(pa) {
			return
		}
		// Half of the very old have no phone of their own.
		withPhone := pa < 85 || r.Float64() < 0.5
		rel := g.adult(surname+givenName(r, year, male), relation, birth, male, g.parentAddress(addr, county), withPhone)
		rel.care = careOfElder(r, pa)
		rel.livesWith = r.Float64() < 0.2
		rank := rankParent
		if relation == model.RelParentInLaw {
			rank = rankInLaw
		}
		if len(rel.care) > 0 {
			rank = rankDependent
			if slices.Contains(rel.care, model.CareElderly) {
				rel.livesWith = r.Float64() < 0.5
			}
		}
		add(rel, rank)
	}
	myAddr := me.fields.IDNumber[:6]
	addParent(model.RelParent, me.surname, true, 24, myAddr)
	addParent(model.RelParent, randomSurname(r), false, 22, myAddr)
	// A registered spouse lists their own parents; repeating them here as
	// in-laws, drawn afresh, would contradict that record.
	if married && partner < 0 && r.Float64() < 0.3 {
		addParent(model.RelParentInLaw, spouseSurname, true, 24, "")
		addParent(model.RelParentInLaw, randomSurname(r), false, 22, "")
	}
	if len(rels) == 0 || r.Float64() < 0.1 {
		year := min(me.birth.Year()+r.IntN(13)-6, maxStaffYear)
		male := r.IntN(2) == 0
		sib := g.adult(me.surname+givenName(r, year, male), model.RelSibling, randomDate(r, year), male, myAddr, true)
		sib.livesWith = r.Float64() < 0.05
		add(sib, rankSibling)
	}

	// A roster lists 1 to 4 relatives: keep the most important, in family order.
	limit := pickWeighted(r, []weighted[int]{{4, 45}, {3, 30}, {2, 17}, {1, 8}})
	if i == p.worker {
		limit = 4
	}
	slices.SortStableFunc(rels, func(a, b relative) int { return a.rank - b.rank })
	rels = rels[:min(limit, len(rels))]
	slices.SortStableFunc(rels, func(a, b relative) int { return a.order - b.order })
	for _, rel := range rels {
		f := model.FamilyFields{Name: rel.name, Relation: rel.relation, IDNumber: rel.idNumber, Phone: rel.phone,
			LivesWith: rel.livesWith, CareNeeds: rel.care}
		if rel.idNumber == "" {
			f.BirthDate = rel.birth.Format(time.DateOnly)
		}
		p.family = append(p.family, plannedRelative{person: i, fields: f})
	}
}

// adult makes an adult relative who has, 70 % of the time, an ID number in
// the registry (the rest are known by birth date only, as rosters often are).
func (g *generator) adult(name, relation string, birth time.Time, male bool, addr string, withPhone bool) relative {
	rel := relative{name: name, relation: relation, birth: birth}
	if withPhone {
		rel.phone = g.phone()
	}
	if g.r.Float64() < 0.7 {
		rel.idNumber = g.idNumber(addr, birth, male)
	}
	return rel
}

// children draws the children of me and their spouse: none, one or two
// (the one-child years, then the two-child policy), born when the mother was
// 24 to 34, with the father's surname. Minors need care (minor) and live at home.
func (g *generator) children(me plannedPerson, atLeastOne bool, spouseSurname string, spouseBirth time.Time, county string) []relative {
	r := g.r
	n := pickWeighted(r, []weighted[int]{{0, 15}, {1, 60}, {2, 25}})
	if atLeastOne {
		n = max(n, 1)
	}
	surname, motherYear := me.surname, spouseBirth.Year()
	if !me.male {
		surname, motherYear = spouseSurname, me.birth.Year()
	}
	var kids []relative
	year := motherYear + 24 + r.IntN(11)
	for range n {
		if year >= refDate.Year() {
			break
		}
		male := r.IntN(2) == 0
		birth := randomDate(r, year)
		kid := relative{name: surname + givenName(r, year, male), relation: model.RelChild, birth: birth}
		if r.Float64() < 0.7 {
			addr := county
			if r.Float64() < 0.2 {
				addr = g.addressCode(county)
			}
			kid.idNumber = g.idNumber(addr, birth, male)
		}
		if ident.AgeOn(birth, refDate) >= 18 {
			kid.phone = g.phone()
			kid.livesWith = r.Float64() < 0.35
		} else {
			kid.care = []string{model.CareMinor}
			if r.Float64() < 0.01 {
				kid.care = append(kid.care, model.CareDisability)
			}
			kid.livesWith = r.Float64() < 0.98
		}
		kids = append(kids, kid)
		year += 2 + r.IntN(7)
	}
	return kids
}

// parentAddress is where a parent was first registered: usually where their
// child was, else anywhere in Liaoning.
func (g *generator) parentAddress(childAddr, county string) string {
	if childAddr != "" && g.r.Float64() < 0.7 {
		return childAddr
	}
	return g.addressCode(county)
}

// aliveShare is the chance that a parent of a given age is alive.
func aliveShare(age int) float64 {
	switch {
	case age < 70:
		return 0.95
	case age < 80:
		return 0.85
	case age < 90:
		return 0.6
	case age < 100:
		return 0.25
	}
	return 0
}

// careOfElder draws the care needs of a parent: elderly care mostly from 75,
// chronic illness from 60, a few disabilities.
func careOfElder(r *rand.Rand, age int) []string {
	var care []string
	elderly := 0.0
	switch {
	case age >= 75:
		elderly = 0.7
	case age >= 65:
		elderly = 0.15
	}
	if r.Float64() < elderly {
		care = append(care, model.CareElderly)
	}
	if age >= 60 && r.Float64() < 0.35 {
		care = append(care, model.CareChronicIll)
	}
	if age >= 60 && r.Float64() < 0.04 {
		care = append(care, model.CareDisability)
	}
	return care
}
