package demo

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/ident"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// testPeople keeps the database tests fast; the city's shape does not depend on its size.
const testPeople = 2000

// allPeople pages through ListPeople as the principal of ctx.
func allPeople(t testing.TB, ctx context.Context, st *store.Store, f model.PersonFilter) []model.Person {
	t.Helper()
	var out []model.Person
	for f.Page = (model.Page{Limit: store.MaxPage}); ; f.Page.Offset += store.MaxPage {
		list, err := st.ListPeople(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, list.Items...)
		if f.Page.Offset+store.MaxPage >= list.Total {
			return out
		}
	}
}

// digest is a fingerprint of a city's people that does not depend on row ids.
func digest(lines []string) string {
	slices.Sort(lines)
	return fmt.Sprintf("%x", sha256.Sum256([]byte(strings.Join(lines, "\n"))))
}

func personLine(name, maskedID, inst, department, title string, family int) string {
	return strings.Join([]string{name, maskedID, inst, department, title, fmt.Sprint(family)}, "|")
}

func dbDigest(t testing.TB, st *store.Store) string {
	var lines []string
	for _, p := range allPeople(t, testutil.System(), st, model.PersonFilter{}) {
		lines = append(lines, personLine(p.Name, p.IDNumberMasked, p.InstitutionName, p.Department, p.Title, p.FamilyCount))
	}
	return digest(lines)
}

func planDigest(p plan) string {
	family := make([]int, len(p.people))
	for _, r := range p.family {
		family[r.person]++
	}
	// An approved transfer request moved its person to the requested post.
	moved := map[int]plannedTransfer{}
	for _, tr := range planTransfers(p) {
		if tr.decision == model.TransferApproved {
			moved[tr.person] = tr
		}
	}
	var lines []string
	for i, pp := range p.people {
		f := pp.fields
		inst := p.insts[pp.inst].name
		if tr, ok := moved[i]; ok {
			inst, f.Department = tr.to, tr.department
		}
		lines = append(lines, personLine(f.Name, ident.MaskIDNumber(f.IDNumber), inst, f.Department, f.Title, family[i]))
	}
	return digest(lines)
}

// login logs an account in; an administrator with the current code of the
// key the demo prints for it.
func login(t *testing.T, st *store.Store, username, password string) *auth.Principal {
	t.Helper()
	c := store.Credentials{Username: username, Password: password, IP: "127.0.0.1", UserAgent: "demo-test"}
	for _, a := range Accounts() {
		if a.Username == username && a.OTPSecret() != "" {
			code, err := auth.TOTPCode(a.OTPSecret(), st.Now())
			if err != nil {
				t.Fatal(err)
			}
			c.OTP = code
		}
	}
	_, pr, err := st.Login(context.Background(), c, store.DefaultSessionPolicy)
	if err != nil {
		t.Fatalf("login %s: %v", username, err)
	}
	return pr
}

func TestFill(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		sys := testutil.System()
		opt := Options{Seed: 7, People: testPeople}
		sum, err := Fill(context.Background(), st, opt)
		if err != nil {
			t.Fatal(err)
		}
		p := build(opt)
		t.Logf("summary: %d regions, %d institutions, %d people, %d family members, %d users",
			sum.Regions, sum.Institutions, sum.People, sum.FamilyMembers, sum.Users)

		insts, err := st.ListInstitutions(sys, store.InstitutionFilter{Page: model.Page{Limit: 500}})
		if err != nil {
			t.Fatal(err)
		}
		instByID := map[int64]model.Institution{}
		for _, in := range insts.Items {
			instByID[in.ID] = in
		}
		people := allPeople(t, sys, st, model.PersonFilter{})

		t.Run("counts match the summary and the city's shape", func(t *testing.T) {
			if sum.People != testPeople || len(people) != testPeople {
				t.Errorf("people: summary %d, listed %d, want %d", sum.People, len(people), testPeople)
			}
			if sum.Institutions != insts.Total || insts.Total < 55 || insts.Total > 65 {
				t.Errorf("institutions: summary %d, listed %d, want about 60", sum.Institutions, insts.Total)
			}
			if sum.Regions != len(p.regions) || sum.Regions < 7*2+6 {
				t.Errorf("regions: summary %d, planned %d", sum.Regions, len(p.regions))
			}
			streets, err := st.ListRegions(sys, "210902")
			if err != nil || len(streets) < 2 || len(streets) > 4 || streets[0].Code != "210902001" || streets[0].Name != "河北街道" {
				t.Errorf("streets of 海州区: %v %v", streets, err)
			}
			communities, err := st.ListRegions(sys, "210902001")
			if err != nil || len(communities) < 2 || communities[0].Level != 5 {
				t.Errorf("communities of 河北街道: %v %v", communities, err)
			}
			users, err := st.ListUsers(sys, model.UserFilter{})
			if err != nil || users.Total != len(Accounts()) || sum.Users != users.Total {
				t.Errorf("users: summary %d, listed %d (%v), want %d", sum.Users, users.Total, err, len(Accounts()))
			}
			if !reflect.DeepEqual(sum.Accounts, Accounts()) {
				t.Errorf("Fill's accounts differ from Accounts()")
			}
			family := 0
			for _, person := range people {
				if person.FamilyCount < 1 || person.FamilyCount > 4 {
					t.Errorf("%s has %d relatives, want 1–4", person.Name, person.FamilyCount)
				}
				family += person.FamilyCount
			}
			if family != sum.FamilyMembers || family < 2*testPeople {
				t.Errorf("family members: summary %d, counted %d", sum.FamilyMembers, family)
			}
		})

		t.Run("the database holds exactly the planned city", func(t *testing.T) {
			if got, want := dbDigest(t, st), planDigest(p); got != want {
				t.Errorf("digest of the database %s, of the plan %s", got, want)
			}
		})

		t.Run("institutions: half with a valid credit code, all types present", func(t *testing.T) {
			withCode, types := 0, map[string]int{}
			for _, in := range insts.Items {
				types[in.Type]++
				if in.CreditCode == "" {
					continue
				}
				withCode++
				if _, err := ident.ValidateCreditCode(in.CreditCode); err != nil || !strings.HasPrefix(in.CreditCode, "12"+in.RegionCode[:6]) {
					t.Errorf("%s: credit code %s: %v", in.Name, in.CreditCode, err)
				}
			}
			if withCode != insts.Total/2 {
				t.Errorf("%d of %d institutions have a credit code, want half", withCode, insts.Total)
			}
			for _, typ := range model.InstitutionTypes {
				if types[typ] == 0 {
					t.Errorf("no institution of type %s", typ)
				}
			}
		})

		t.Run("occupations, workplaces and frontline share", func(t *testing.T) {
			occ, front, cdcAtCDC, cwAtCHC := map[string]int{}, 0, 0, 0
			for _, person := range people {
				occ[person.Occupation]++
				if person.Frontline {
					front++
				}
				typ := instByID[person.InstitutionID].Type
				if person.Occupation == model.OccCDCStaff && typ == model.InstCDC {
					cdcAtCDC++
				}
				if person.Occupation == model.OccCommunityWorker && typ == model.InstCommunityHealth {
					cwAtCHC++
				}
				if !strings.HasPrefix(person.RegionCode, cityCode) {
					t.Errorf("%s works outside Fuxin: %s", person.Name, person.RegionCode)
				}
			}
			share := func(n int) float64 { return float64(n) / testPeople }
			for o, want := range map[string]float64{model.OccDoctor: 0.32, model.OccNurse: 0.40, model.OccTechnician: 0.10,
				model.OccCDCStaff: 0.06, model.OccCommunityWorker: 0.08, model.OccOther: 0.04} {
				if got := share(occ[o]); got < want*0.75 || got > want*1.25 {
					t.Errorf("%s: %.3f of people, want about %.2f", o, got, want)
				}
			}
			if f := share(front); f < 0.35 || f > 0.47 {
				t.Errorf("frontline share %.3f, want about 0.40", f)
			}
			if float64(cdcAtCDC) < 0.75*float64(occ[model.OccCDCStaff]) {
				t.Errorf("only %d of %d CDC staff work at a CDC", cdcAtCDC, occ[model.OccCDCStaff])
			}
			if float64(cwAtCHC) < 0.85*float64(occ[model.OccCommunityWorker]) {
				t.Errorf("only %d of %d community workers work at a community health centre", cwAtCHC, occ[model.OccCommunityWorker])
			}
		})

		t.Run("every ID number validates and carries the right sex", func(t *testing.T) {
			for i, pp := range p.people {
				id, err := ident.ParseIDNumber(pp.fields.IDNumber, refDate)
				if err != nil || id.Male != pp.male {
					t.Fatalf("person %d %s: %s: %v (male %v)", i, pp.fields.Name, pp.fields.IDNumber, err, pp.male)
				}
				if _, err := ident.NormalizePhone(pp.fields.Phone); err != nil {
					t.Fatalf("person %d phone %s: %v", i, pp.fields.Phone, err)
				}
			}
			for _, r := range p.family {
				if r.fields.IDNumber == "" {
					continue
				}
				if _, err := ident.ParseIDNumber(r.fields.IDNumber, refDate); err != nil {
					t.Fatalf("relative %s: %s: %v", r.fields.Name, r.fields.IDNumber, err)
				}
			}
			// And what the database returns on an audited reveal.
			for i := 0; i < len(people); i += 97 {
				full, err := st.GetPerson(sys, people[i].ID, true)
				if err != nil {
					t.Fatal(err)
				}
				id, err := ident.ParseIDNumber(full.IDNumber, refDate)
				if err != nil || id.Sex() != full.Sex || id.BirthDate.Format("2006-01-02") != full.BirthDate {
					t.Errorf("%s: stored %s (%s, %s): %v", full.Name, full.IDNumber, full.Sex, full.BirthDate, err)
				}
			}
		})

		t.Run("every account logs in with its scope", func(t *testing.T) {
			central := int64(0)
			for _, in := range insts.Items {
				if in.Name == workerInstitution {
					central = in.ID
				}
			}
			for _, a := range Accounts() {
				if msg := auth.DefaultPasswordPolicy.Check(a.Password); msg != "" {
					t.Errorf("%s: password fails the policy: %s", a.Username, msg)
				}
				if a.OTPSecret() != "" {
					// Administrators are enrolled with the printed key: the password alone is not enough.
					_, _, err := st.Login(context.Background(), store.Credentials{Username: a.Username, Password: a.Password}, store.DefaultSessionPolicy)
					if model.ErrorCode(err) != model.EOTPRequired {
						t.Errorf("%s without a code: %v", a.Username, err)
					}
				}
				pr := login(t, st, a.Username, a.Password)
				if pr.Role != a.Role {
					t.Errorf("%s: role %s, want %s", a.Username, pr.Role, a.Role)
				}
				switch a.Role {
				case auth.RoleInstitutionAdmin:
					if pr.InstitutionID != central {
						t.Errorf("%s: institution %d, want %d", a.Username, pr.InstitutionID, central)
					}
				case auth.RoleWorker:
					ctx := auth.WithPrincipal(context.Background(), pr)
					me, err := st.GetPerson(ctx, pr.PersonID, false)
					if err != nil || me.InstitutionID != central || me.Occupation != model.OccNurse || !me.Frontline {
						t.Errorf("worker's person: %+v %v", me, err)
					}
					fam, err := st.ListFamily(ctx, pr.PersonID, false)
					if err != nil || len(fam) == 0 {
						t.Errorf("worker's family: %d relatives, %v", len(fam), err)
					}
				default:
					if !strings.Contains(a.Scope, "("+pr.RegionCode+")") {
						t.Errorf("%s: region %q, scope says %q", a.Username, pr.RegionCode, a.Scope)
					}
				}
			}
			seen := map[string]bool{}
			for _, a := range Accounts() {
				seen[a.Role] = true
			}
			for _, role := range auth.Roles {
				if !seen[role] {
					t.Errorf("no demo account for role %s", role)
				}
			}
		})

		t.Run("the caseworker of 海州区 sees only 海州区 people", func(t *testing.T) {
			pr := login(t, st, "caseworker", "Demo-2026-caseworker")
			ctx := auth.WithPrincipal(context.Background(), pr)
			seen := allPeople(t, ctx, st, model.PersonFilter{})
			for _, person := range seen {
				if !strings.HasPrefix(person.RegionCode, "210902") {
					t.Fatalf("caseworker of 210902 sees %s of %s", person.Name, person.RegionCode)
				}
			}
			want, err := st.ListPeople(sys, model.PersonFilter{RegionCode: "210902", Page: model.Page{Limit: 1}})
			if err != nil {
				t.Fatal(err)
			}
			if len(seen) != want.Total || len(seen) == 0 || len(seen) >= testPeople {
				t.Errorf("caseworker sees %d people; 海州区 has %d of %d", len(seen), want.Total, testPeople)
			}
			for _, person := range people {
				if !strings.HasPrefix(person.RegionCode, "210902") {
					if _, err := st.GetPerson(ctx, person.ID, false); model.ErrorCode(err) != model.ENotFound {
						t.Errorf("out-of-scope person %d: %v, want not found", person.ID, err)
					}
					break
				}
			}
		})

		t.Run("dual-medical-worker couples are linked by the store", func(t *testing.T) {
			if want := testPeople * 15 / 1000; len(p.couples) != want {
				t.Fatalf("%d couples planned, want %d", len(p.couples), want)
			}
			idOf := func(pp plannedPerson) int64 {
				list, err := st.ListPeople(sys, model.PersonFilter{IDNumber: pp.fields.IDNumber, Page: model.Page{Limit: 1}})
				if err != nil || len(list.Items) != 1 {
					t.Fatalf("find %s: %v", pp.fields.Name, err)
				}
				return list.Items[0].ID
			}
			for _, c := range p.couples {
				a, b := idOf(p.people[c[0]]), idOf(p.people[c[1]])
				for _, pair := range [][2]int64{{a, b}, {b, a}} {
					fam, err := st.ListFamily(sys, pair[0], false)
					if err != nil {
						t.Fatal(err)
					}
					linked := false
					for _, m := range fam {
						if m.MedicalWorkerPersonID != nil {
							linked = linked || (m.Relation == model.RelSpouse && *m.MedicalWorkerPersonID == pair[1])
							if *m.MedicalWorkerPersonID != pair[1] {
								t.Errorf("person %d: relative %s linked to %d", pair[0], m.Name, *m.MedicalWorkerPersonID)
							}
						}
					}
					if !linked {
						t.Errorf("person %d: spouse not linked to person %d: %+v", pair[0], pair[1], fam)
					}
				}
			}
			// A spouse who is not in the registry stays unlinked.
			fam, err := st.ListFamily(sys, idOf(p.people[p.worker]), false)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range fam {
				if m.MedicalWorkerPersonID != nil {
					t.Errorf("worker's relative %s linked to %d", m.Name, *m.MedicalWorkerPersonID)
				}
			}
		})

		t.Run("families look like families", func(t *testing.T) {
			rel, care, withID, adultsWithPhone, adults := map[string]int{}, map[string]int{}, 0, 0, 0
			for _, r := range p.family {
				f := r.fields
				rel[f.Relation]++
				for _, c := range f.CareNeeds {
					care[c]++
				}
				if f.IDNumber != "" {
					withID++
				}
				if f.Relation == model.RelSpouse || f.Relation == model.RelParent {
					adults++
					if f.Phone != "" {
						adultsWithPhone++
					}
				}
			}
			n := float64(len(p.family))
			if s := float64(withID) / n; s < 0.65 || s > 0.78 {
				t.Errorf("%.2f of relatives have an ID number, want about 0.7", s)
			}
			if float64(rel[model.RelSpouse]) < 0.6*testPeople || rel[model.RelChild] == 0 || rel[model.RelParent] == 0 || rel[model.RelParentInLaw] == 0 {
				t.Errorf("relations: %v", rel)
			}
			for _, c := range model.CareNeeds {
				if care[c] == 0 {
					t.Errorf("no relative needs %s: %v", c, care)
				}
			}
			if float64(adultsWithPhone) < 0.9*float64(adults) {
				t.Errorf("%d of %d adult relatives have a phone", adultsWithPhone, adults)
			}
		})

		t.Run("the same seed makes the same city", func(t *testing.T) {
			other := testutil.NewStore(t, st.Engine(), clock.Now)
			if _, err := Fill(context.Background(), other, opt); err != nil {
				t.Fatal(err)
			}
			if a, b := dbDigest(t, st), dbDigest(t, other); a != b {
				t.Errorf("two fills with seed %d differ: %s vs %s", opt.Seed, a, b)
			}
		})

		t.Run("a second fill is refused and changes nothing", func(t *testing.T) {
			counts := func() string {
				pl, err1 := st.ListPeople(sys, model.PersonFilter{Page: model.Page{Limit: 1}})
				il, err2 := st.ListInstitutions(sys, store.InstitutionFilter{Page: model.Page{Limit: 1}})
				ul, err3 := st.ListUsers(sys, model.UserFilter{Page: model.Page{Limit: 1}})
				rs, err4 := st.ListRegions(sys, "210902")
				if err := errors.Join(err1, err2, err3, err4); err != nil {
					t.Fatal(err)
				}
				return fmt.Sprint(pl.Total, il.Total, ul.Total, len(rs))
			}
			auditRows := func() int {
				al, err := st.ListAudit(sys, model.AuditFilter{Page: model.Page{Limit: 1}})
				if err != nil {
					t.Fatal(err)
				}
				return al.Total
			}
			before, auditBefore := counts(), auditRows()
			_, err := Fill(context.Background(), st, Options{Seed: 8, People: 50})
			if !errors.Is(err, ErrNotEmpty) || !strings.Contains(err.Error(), fmt.Sprintf("%d people", testPeople)) {
				t.Fatalf("second fill: %v, want ErrNotEmpty naming the people", err)
			}
			t.Logf("second fill: %v", err)
			if after := counts(); after != before {
				t.Errorf("counts (people, institutions, users, streets) changed from %s to %s", before, after)
			}
			// Reading the audit log is itself audited: one row more, no other.
			if after := auditRows(); after != auditBefore+1 {
				t.Errorf("audit rows: %d before, %d after (one is the read itself)", auditBefore, after)
			}
		})
	})
}

func TestFillRefusesExistingData(t *testing.T) {
	ctx := context.Background()
	sys := testutil.System()
	t.Run("an institution", func(t *testing.T) {
		st := testutil.NewStore(t, store.SQLite, nil)
		name, typ, region := "别的医院", model.InstHospital, "210902"
		if _, err := st.CreateInstitution(sys, model.InstitutionInput{Name: &name, Type: &typ, RegionCode: &region}); err != nil {
			t.Fatal(err)
		}
		if _, err := Fill(ctx, st, Options{People: 20}); !errors.Is(err, ErrNotEmpty) || !strings.Contains(err.Error(), "1 institutions") {
			t.Errorf("fill: %v", err)
		}
	})
	t.Run("a demo street", func(t *testing.T) {
		st := testutil.NewStore(t, store.SQLite, nil)
		if _, err := st.CreateRegion(sys, model.Region{Code: "210902001", Name: "河北街道"}); err != nil {
			t.Fatal(err)
		}
		if _, err := Fill(ctx, st, Options{People: 20}); !errors.Is(err, ErrNotEmpty) || !strings.Contains(err.Error(), "210902001") {
			t.Errorf("fill: %v", err)
		}
	})
	t.Run("a volunteer", func(t *testing.T) {
		st := testutil.NewStore(t, store.SQLite, nil)
		name, phone, region := "别的志愿者", "13900000001", "210902"
		if _, err := st.CreateVolunteer(sys, model.VolunteerInput{Name: &name, Phone: &phone, RegionCode: &region}); err != nil {
			t.Fatal(err)
		}
		if _, err := Fill(ctx, st, Options{People: 20, Clock: NewClock(nil)}); !errors.Is(err, ErrNotEmpty) || !strings.Contains(err.Error(), "1 volunteers") {
			t.Errorf("fill: %v", err)
		}
	})
	t.Run("a store that does not read the demo clock", func(t *testing.T) {
		st := testutil.NewStore(t, store.SQLite, nil)
		clock := NewClock(nil)
		if _, err := Fill(ctx, st, Options{People: 20, Clock: clock}); err == nil || !strings.Contains(err.Error(), "Options.Clock") {
			t.Errorf("fill: %v", err)
		}
		if clock.Offset() != 0 {
			t.Errorf("the clock is left shifted by %s", clock.Offset())
		}
		if regions, err := st.ListRegions(sys, "210902"); err != nil || len(regions) != 0 {
			t.Errorf("a refused fill wrote %d streets (%v)", len(regions), err)
		}
	})
	t.Run("a demo username", func(t *testing.T) {
		st := testutil.NewStore(t, store.SQLite, nil)
		u, pw, role, region := "leader", "Another-2026-pw", auth.RoleLeader, "21"
		if _, err := st.CreateUser(sys, model.UserInput{Username: &u, Password: &pw, Role: &role, RegionCode: &region}); err != nil {
			t.Fatal(err)
		}
		if _, err := Fill(ctx, st, Options{People: 20}); !errors.Is(err, ErrNotEmpty) || !strings.Contains(err.Error(), `"leader"`) {
			t.Errorf("fill: %v", err)
		}
	})
}

func TestPlanIsDeterministic(t *testing.T) {
	a, b := build(Options{Seed: 42, People: 3000}), build(Options{Seed: 42, People: 3000})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two plans with the same seed differ")
	}
	if planDigest(a) == planDigest(build(Options{Seed: 43, People: 3000})) {
		t.Error("another seed made the same city")
	}
}

func TestPlanAtFullSize(t *testing.T) {
	p := build(Options{Seed: 1, People: DefaultPeople})
	if len(p.couples) != 300 {
		t.Errorf("%d dual-medical couples, want 300", len(p.couples))
	}
	ids := map[string]bool{}
	for _, pp := range p.people {
		ids[pp.fields.IDNumber] = true
	}
	for _, r := range p.family {
		// Only a couple's spouse row may carry the ID number of a person.
		if ids[r.fields.IDNumber] && (r.fields.Relation != model.RelSpouse || p.partners[r.person] < 0) {
			t.Errorf("relative %s of person %d has a registered person's ID number", r.fields.Name, r.person)
		}
	}
	elderly := 0
	for _, r := range p.family {
		if slices.Contains(r.fields.CareNeeds, model.CareElderly) {
			elderly++
		}
	}
	if elderly < 2000 {
		t.Errorf("only %d relatives need elderly care", elderly)
	}
}

func TestMakeCreditCode(t *testing.T) {
	// The worked example of DOMAIN.md: 91350100M000100Y43.
	if c := creditCheck("91350100M000100Y4"); c != '3' {
		t.Errorf("check of 91350100M000100Y4 = %c, want 3", c)
	}
	p := build(Options{Seed: 3, People: 10})
	for _, in := range p.insts {
		if in.credit == "" {
			continue
		}
		if _, err := ident.ValidateCreditCode(in.credit); err != nil {
			t.Errorf("%s: %s: %v", in.name, in.credit, err)
		}
	}
}

// BenchmarkFill20000 times a full default city on SQLite, the `houdun demo` path.
func BenchmarkFill20000(b *testing.B) {
	for range b.N {
		b.StopTimer()
		st := testutil.NewStore(b, store.SQLite, nil)
		b.StartTimer()
		sum, err := Fill(context.Background(), st, Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		b.ReportMetric(float64(sum.FamilyMembers), "family/op")
		st.Close()
		b.StartTimer()
	}
}

// ledgerNow is the "real" time of the ledger tests: the base of the demo
// clock, frozen, so that two fills write the same times.
var ledgerNow = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// fillLedgerStore fills a new store of engine e with the city and its ledger.
func fillLedgerStore(t *testing.T, e store.Engine, seed int64) (*store.Store, Summary) {
	t.Helper()
	clock := NewClock(func() time.Time { return ledgerNow })
	st := testutil.NewStore(t, e, clock.Now)
	sum, err := Fill(context.Background(), st, Options{Seed: seed, People: testPeople, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	if clock.Offset() != 0 || !st.Now().Equal(ledgerNow) {
		t.Fatalf("after the fill the clock is shifted by %s", clock.Offset())
	}
	return st, sum
}

// allNeeds pages through ListNeeds as the principal of ctx.
func allNeeds(t testing.TB, ctx context.Context, st *store.Store, f model.NeedFilter) []model.Need {
	t.Helper()
	var out []model.Need
	for f.Page = (model.Page{Limit: 200}); ; f.Page.Offset += 200 {
		list, err := st.ListNeeds(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, list.Items...)
		if f.Page.Offset+200 >= list.Total {
			return out
		}
	}
}

// ledgerDigest is a fingerprint of the ledger that does not depend on row ids.
func ledgerDigest(t testing.TB, st *store.Store) string {
	sys := testutil.System()
	var lines []string
	for _, n := range allNeeds(t, sys, st, model.NeedFilter{}) {
		events, err := st.ListNeedEvents(sys, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		var steps []string
		for _, e := range events {
			steps = append(steps, e.Action+"@"+e.At.Format(time.RFC3339)+"/"+e.Username+"/"+e.Note)
		}
		assignee := ""
		if n.Assignee != nil {
			assignee = n.Assignee.Name
		}
		sat := 0
		if n.Satisfaction != nil {
			sat = *n.Satisfaction
		}
		lines = append(lines, strings.Join([]string{n.PersonName, n.FamilyMemberName, n.Category, n.Kind, n.Urgency, n.Source, n.Description,
			n.Status, n.TeamRegionCode, fmt.Sprint(n.EscalationLevel), assignee, fmt.Sprint(sat), n.DueAt.Format(time.RFC3339),
			strings.Join(steps, ";")}, "|"))
	}
	for offset := 0; ; offset += store.MaxPage {
		visits, err := st.ListVisits(sys, model.VisitFilter{Page: model.Page{Limit: store.MaxPage, Offset: offset}})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range visits.Items {
			lines = append(lines, strings.Join([]string{"visit", v.PersonName, v.Channel, v.Target, v.VisitedAt.Format(time.RFC3339), v.Visitor, v.Notes}, "|"))
		}
		if offset+store.MaxPage >= visits.Total {
			break
		}
	}
	for offset := 0; ; offset += store.MaxPage {
		vols, err := st.ListVolunteers(sys, model.VolunteerFilter{Page: model.Page{Limit: store.MaxPage, Offset: offset}})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vols.Items {
			lines = append(lines, strings.Join([]string{"volunteer", v.Name, v.RegionCode, strings.Join(v.Skills, ","), fmt.Sprint(v.Available), v.Username}, "|"))
		}
		if offset+store.MaxPage >= vols.Total {
			break
		}
	}
	return digest(lines)
}

func TestFillLedger(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			st, sum := fillLedgerStore(t, e, 7)
			t.Logf("ledger: %d cases, %d visits, %d volunteers, %d pairings", sum.Cases, sum.Visits, sum.Volunteers, sum.Pairings)
			as := func(username string) context.Context {
				return auth.WithPrincipal(context.Background(), login(t, st, username, "Demo-2026-"+username))
			}
			city := as("caseworker-city")
			all := allNeeds(t, city, st, model.NeedFilter{})

			t.Run("the summary counts what is there", func(t *testing.T) {
				if sum.Cases != len(all) || sum.Cases < 250 {
					t.Errorf("cases: summary %d, listed %d", sum.Cases, len(all))
				}
				visits, err := st.ListVisits(city, model.VisitFilter{})
				if err != nil || visits.Total != sum.Visits || sum.Visits < 200 {
					t.Errorf("visits: summary %d, listed %d (%v)", sum.Visits, visits.Total, err)
				}
				vols, err := st.ListVolunteers(city, model.VolunteerFilter{})
				if err != nil || vols.Total != sum.Volunteers || sum.Volunteers < 30 {
					t.Errorf("volunteers: summary %d, listed %d (%v)", sum.Volunteers, vols.Total, err)
				}
				pairings, err := st.ListPairings(city, model.PairingFilter{})
				if err != nil || pairings.Total != sum.Pairings || sum.Pairings < 20 {
					t.Errorf("pairings: summary %d, listed %d (%v)", sum.Pairings, pairings.Total, err)
				}
			})

			t.Run("every category, kind, urgency, source and status occurs", func(t *testing.T) {
				seen := map[string]bool{}
				for _, n := range all {
					for _, v := range []string{"category:" + n.Category, "kind:" + n.Kind, "urgency:" + n.Urgency, "source:" + n.Source, "status:" + n.Status} {
						seen[v] = true
					}
					if n.CreatedAt.Before(ledgerNow.Add(-ledgerSpan)) || n.CreatedAt.After(ledgerNow) {
						t.Errorf("case %d recorded at %s, outside the ledger's weeks", n.ID, n.CreatedAt)
					}
				}
				for _, l := range []struct {
					name string
					vs   []string
				}{{"category", model.NeedCategories}, {"urgency", model.NeedUrgencies}, {"source", model.NeedSources}, {"status", model.NeedStatuses}} {
					for _, v := range l.vs {
						if !seen[l.name+":"+v] {
							t.Errorf("no case of %s %s", l.name, v)
						}
					}
				}
				kinds := 0
				for _, k := range model.NeedKinds {
					if seen["kind:"+k] {
						kinds++
					}
				}
				if kinds < 12 {
					t.Errorf("only %d kinds of need", kinds)
				}
			})

			t.Run("the district's case worker sees open and overdue cases of 海州区", func(t *testing.T) {
				cw := as("caseworker")
				open := allNeeds(t, cw, st, model.NeedFilter{Status: []string{model.NeedOpen}})
				overdue := allNeeds(t, cw, st, model.NeedFilter{Overdue: true})
				if len(open) < 5 || len(overdue) == 0 {
					t.Errorf("海州区: %d open, %d overdue", len(open), len(overdue))
				}
				for _, n := range slices.Concat(open, overdue) {
					if !strings.HasPrefix(n.RegionCode, haizhou) {
						t.Errorf("case %d of region %s in 海州区's list", n.ID, n.RegionCode)
					}
					if !n.DueAt.After(ledgerNow.Add(-ledgerSpan)) {
						t.Errorf("case %d due %s", n.ID, n.DueAt)
					}
				}
				for _, n := range overdue {
					if !n.Overdue || n.DueAt.After(ledgerNow) {
						t.Errorf("case %d in the overdue list, due %s", n.ID, n.DueAt)
					}
				}
				inbox, err := st.ListInbox(cw, false, model.Page{Limit: 10})
				if err != nil || inbox.Total == 0 {
					t.Errorf("the case worker's inbox: %d (%v)", inbox.Total, err)
				}
			})

			t.Run("cases past their deadline went up to the city's team", func(t *testing.T) {
				escalated := allNeeds(t, city, st, model.NeedFilter{Escalated: true, TeamRegionCode: cityCode})
				active := 0
				for _, n := range escalated {
					if n.EscalationLevel < 1 {
						t.Errorf("case %d at level %d with the city's team", n.ID, n.EscalationLevel)
					}
					if slices.Contains(model.NeedActiveStatuses, n.Status) {
						active++
					}
				}
				if len(escalated) < 10 || active < 3 {
					t.Errorf("%d escalated to the city, %d of them active", len(escalated), active)
				}
				// Step by step: a street's cases go to the district first;
				// none went past the city to the province.
				for _, n := range allNeeds(t, city, st, model.NeedFilter{Escalated: true}) {
					if len(n.TeamRegionCode) < len(cityCode) || !strings.HasPrefix(n.RegionCode, n.TeamRegionCode) || n.TeamRegionCode == n.RegionCode {
						t.Errorf("case %d of %s escalated to %s", n.ID, n.RegionCode, n.TeamRegionCode)
					}
				}
			})

			t.Run("the volunteer sees only the cases assigned to them", func(t *testing.T) {
				vctx := as("volunteer")
				vols, err := st.ListVolunteers(city, model.VolunteerFilter{Page: model.Page{Limit: 500}})
				if err != nil {
					t.Fatal(err)
				}
				var mine int64
				for _, v := range vols.Items {
					if v.Username == "volunteer" {
						mine = v.ID
						if !strings.HasPrefix(v.RegionCode, haizhou) {
							t.Errorf("the demo volunteer is registered in %s", v.RegionCode)
						}
					}
				}
				if mine == 0 {
					t.Fatal("no volunteer record linked to the volunteer account")
				}
				seen := allNeeds(t, vctx, st, model.NeedFilter{})
				assigned := allNeeds(t, city, st, model.NeedFilter{AssigneeVolunteerID: mine})
				active := 0
				for _, n := range seen {
					if n.Assignee == nil || n.Assignee.VolunteerID == nil || *n.Assignee.VolunteerID != mine {
						t.Errorf("the volunteer sees case %d assigned to %+v", n.ID, n.Assignee)
					}
					if slices.Contains(model.NeedActiveStatuses, n.Status) {
						active++
					}
				}
				if len(seen) != len(assigned) || active < 2 {
					t.Errorf("the volunteer sees %d cases (%d active), %d are assigned to them", len(seen), active, len(assigned))
				}
				pairings, err := st.ListPairings(city, model.PairingFilter{VolunteerID: mine})
				if err != nil || pairings.Total < 1 {
					t.Errorf("the demo volunteer's pairings: %d (%v)", pairings.Total, err)
				}
			})

			t.Run("the worker sees their own reports", func(t *testing.T) {
				wctx := as("worker")
				pr := auth.FromContext(wctx)
				mine := allNeeds(t, wctx, st, model.NeedFilter{})
				self := 0
				for _, n := range mine {
					if n.PersonID != pr.PersonID {
						t.Errorf("the worker sees case %d of person %d", n.ID, n.PersonID)
					}
					if n.RecordedBy == "worker" && n.Source == model.SourceSelf {
						self++
					}
				}
				if self < 2 {
					t.Errorf("the worker reported %d of the %d cases they see", self, len(mine))
				}
			})

			t.Run("the leader's dashboard has figures", func(t *testing.T) {
				stats, err := st.NeedStats(as("leader"), model.NeedStatsFilter{})
				if err != nil {
					t.Fatal(err)
				}
				if !stats.Suppressed || stats.Total < 200 || stats.Active < 20 || stats.Resolved < 50 || stats.MeanSatisfaction == 0 || stats.MedianResolveSeconds == 0 {
					t.Errorf("leader's stats: %+v", stats)
				}
				if stats.Visits == nil || stats.Visits.People == 0 {
					t.Errorf("leader's visit figures: %+v", stats.Visits)
				}
			})

			t.Run("case histories have the steps of their status", func(t *testing.T) {
				sys := testutil.System()
				want := map[string][]string{
					model.NeedClosed:   {model.EventCreated, model.EventAssigned, model.EventStarted, model.EventResolved, model.EventClosed},
					model.NeedResolved: {model.EventCreated, model.EventAssigned, model.EventStarted, model.EventResolved},
					model.NeedRejected: {model.EventCreated, model.EventRejected},
				}
				reopened := 0
				for _, n := range all {
					events, err := st.ListNeedEvents(sys, n.ID)
					if err != nil {
						t.Fatal(err)
					}
					var steps []string
					for i, e := range events {
						if i > 0 && e.At.Before(events[i-1].At) {
							t.Errorf("case %d: %s before %s", n.ID, e.Action, events[i-1].Action)
						}
						switch e.Action {
						case model.EventEscalated:
							if !strings.HasPrefix(n.RegionCode, e.TeamRegionCode) || len(e.TeamRegionCode) < len(cityCode) || e.Username != "scheduler" {
								t.Errorf("case %d escalated to %q by %q", n.ID, e.TeamRegionCode, e.Username)
							}
							continue
						case model.EventReopened:
							reopened++
							steps = nil // the second round
							continue
						}
						steps = append(steps, e.Action)
					}
					if len(events) == 0 || events[0].Action != model.EventCreated || !events[0].At.Equal(n.CreatedAt) {
						t.Errorf("case %d does not start with its recording", n.ID)
						continue
					}
					w, ok := want[n.Status]
					if n.Status == model.NeedRejected {
						steps = slices.DeleteFunc(steps, func(s string) bool { return s == model.EventAssigned })
					}
					if ok && slices.Contains(steps, model.EventCreated) && !slices.Equal(steps, w) {
						t.Errorf("case %d (%s): steps %v, want %v", n.ID, n.Status, steps, w)
					}
					if ok && !slices.Contains(steps, model.EventCreated) && !slices.Equal(append([]string{model.EventCreated}, steps...), w) {
						t.Errorf("reopened case %d (%s): steps after reopening %v", n.ID, n.Status, steps)
					}
					if n.Status == model.NeedRejected && n.RejectReason == "" || n.Status == model.NeedClosed && n.Satisfaction == nil {
						t.Errorf("case %d (%s) without its reason or satisfaction", n.ID, n.Status)
					}
				}
				if reopened < 3 {
					t.Errorf("%d cases reopened", reopened)
				}
			})

			t.Run("the audit chain holds", func(t *testing.T) {
				n, err := st.VerifyAuditChain(testutil.System())
				if err != nil || n < 1000 {
					t.Errorf("audit chain: %d rows, %v", n, err)
				}
			})

			t.Run("the same seed writes the same ledger", func(t *testing.T) {
				again, _ := fillLedgerStore(t, e, 7)
				if a, b := ledgerDigest(t, st), ledgerDigest(t, again); a != b {
					t.Errorf("two fills with seed 7 differ: %s, %s", a, b)
				}
			})
		})
	}
}

func TestLedgerPlanIsDeterministic(t *testing.T) {
	p := build(Options{Seed: 42, People: 3000})
	a, b := planLedger(p, 42), planLedger(p, 42)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two ledger plans with the same seed differ")
	}
	for i, e := range a.events {
		if e.at <= 0 || e.at >= ledgerSpan {
			t.Errorf("event %d at %s, outside the span", i, e.at)
		}
		if e.step == stepTick && e.at > ledgerSpan-quietEnd {
			t.Errorf("a scheduler run in the quiet end, at %s", e.at)
		}
	}
}
