// Package demo makes a deterministic synthetic demo city — 辽宁省阜新市 with
// its streets, communities, about 60 institutions, their staff and families,
// and one account per role — so that `houdun demo` shows a working system at
// realistic scale. Every name, ID number and phone in it is invented; it is
// never used on real data and refuses a database that already holds any.
//
// The city is computed first (a plan, pure and seeded), then written through
// the same store methods and validation rules as user input: CreateRegion,
// CreateInstitution, ImportPeople, ImportFamilies and CreateUser. It does not
// speak SQL.
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
)

// DefaultPeople is the size of the city when Options.People is not set.
const DefaultPeople = 20000

// Options choose the city.
type Options struct {
	Seed   int64 // same seed, same city
	People int   // default 20000
	// Clock is the clock the store was opened with (store.Options{Now:
	// Clock.Now}). Fill moves it back to tell the needs ledger of the last
	// eight weeks and returns it to its base before it returns. Nil: the
	// city without its ledger (no volunteers, visits or cases).
	Clock *Clock
}

// Account is a demo login to print for the person trying the system.
type Account struct {
	Username, Password, Role string
	Scope                    string // a human description, e.g. "阜新市 (2109)" or "阜新市中心医院"
}

// OTPSecret is the authenticator key of a demo administrator, printed beside
// the password (administrators log in with a code as well): fixed, derived
// from the username, so that Accounts can print it without a database. Real
// accounts never get a fixed key: they enrol their own at the first login.
// "" for the accounts that need no second factor.
func (a Account) OTPSecret() string {
	if !auth.RequiresTOTP(a.Role) {
		return ""
	}
	return auth.DemoTOTPSecret(a.Username)
}

// Summary counts what Fill wrote. Regions counts the streets and communities
// it added below the national list.
type Summary struct {
	Regions, Institutions, People, FamilyMembers, Users int
	// The needs ledger: Visits counts every visit, those that recorded a
	// case too.
	Volunteers, Pairings, Visits, Cases int
	// Transfers counts the transfer requests between districts.
	Transfers int
	// Accommodation and transport (stays.go).
	Sites, Beds, Stays, Trips int
	// Frontline deployment: posts, aid-team batches, deployments.
	Posts, Batches, Deployments int
	// Supplies: stores, movements recorded (receipts, transfers) and hand-overs of distribution lists.
	Stores, StockMovements, HandOvers int
	// Incidents counts the discrimination incidents.
	Incidents int
	Accounts  []Account

	// Psychological support: alerts contacted and sessions recorded.
	PsychAlerts, PsychSessions int
	// Checkins and FamilyContacts count the deployed people's daily health
	// check-ins and the liaison log's contacts with their families.
	Checkins, FamilyContacts int

	// Letters, Commendations and WorkInjuryCases count the letters area's records.
	Letters, Commendations, WorkInjuryCases int
	// PaymentBatches counts the subsidy batches (one paid, one awaiting approval).
	PaymentBatches int
}

// ErrNotEmpty is wrapped by Fill's error when the database already holds data.
var ErrNotEmpty = errors.New("demo: the database is not empty")

// demoAccount is an Account with what CreateUser needs to make it.
type demoAccount struct {
	Account
	displayName string
	region      string // scope: a region code, or
	institution string // the name of an institution, or
	worker      bool   // the worker account's person
}

// workerInstitution is where the worker account's person works; the plan
// puts them there (the first institution) whatever the seed.
const workerInstitution = "阜新市中心医院"

// accounts are fixed, not drawn from the seed, so that Accounts can print
// them without a database. Passwords are readable on purpose (a demo prints
// them) and pass the default policy: 8+ characters of 4 classes.
// Usernames use "-" where the role name has "_": the username rule allows
// letters, digits and . _ @ - but not "_".
var accounts = []demoAccount{
	{Account{"sysadmin", "Demo-2026-sysadmin", auth.RoleSysadmin, "阜新市 (2109)"}, "演示·系统管理员", cityCode, "", false},
	{Account{"secadmin", "Demo-2026-secadmin", auth.RoleSecadmin, "阜新市 (2109)"}, "演示·安全管理员", cityCode, "", false},
	{Account{"auditor", "Demo-2026-auditor", auth.RoleAuditor, "阜新市 (2109)"}, "演示·审计管理员", cityCode, "", false},
	{Account{"caseworker", "Demo-2026-caseworker", auth.RoleCaseworker, "海州区 (210902)"}, "演示·海州区专班", "210902", "", false},
	{Account{"caseworker-city", "Demo-2026-caseworker-city", auth.RoleCaseworker, "阜新市 (2109)"}, "演示·市级专班", cityCode, "", false},
	{Account{"institution-admin", "Demo-2026-institution-admin", auth.RoleInstitutionAdmin, workerInstitution}, "演示·中心医院管理员", "", workerInstitution, false},
	{Account{"counselor", "Demo-2026-counselor", auth.RoleCounselor, "阜新市 (2109)"}, "演示·心理咨询师", cityCode, "", false},
	{Account{"finance", "Demo-2026-finance", auth.RoleFinance, "阜新市 (2109)"}, "演示·财务", cityCode, "", false},
	{Account{"finance-checker", "Demo-2026-finance-checker", auth.RoleFinance, "阜新市 (2109)"}, "演示·财务复核", cityCode, "", false},
	{Account{"leader", "Demo-2026-leader", auth.RoleLeader, "阜新市 (2109)"}, "演示·领导", cityCode, "", false},
	{Account{"volunteer", "Demo-2026-volunteer", auth.RoleVolunteer, "海州区 (210902)"}, "演示·志愿者", "210902", "", false},
	{Account{"worker", "Demo-2026-worker", auth.RoleWorker, workerInstitution + "发热门诊一线护士（本人档案）"}, "", "", "", true},
}

// Accounts returns the demo accounts (the same as Fill's) without touching
// the database, so `houdun demo` can print them again on a second start.
func Accounts() []Account {
	out := make([]Account, len(accounts))
	for i, a := range accounts {
		out[i] = a.Account
	}
	return out
}

// Fill fills an EMPTY database (no institutions, no people) with the demo
// city and returns the accounts to print. It returns an error wrapping
// ErrNotEmpty, naming what is there, when the database already holds people,
// institutions, one of the demo's streets or a demo username; those checks
// come first, so a refused Fill writes nothing.
//
// Fill writes the city as the command-line system principal (auth.System())
// whatever ctx carries, audited as the system's. With opt.Clock, it then
// plays the needs ledger of the last eight weeks (ledger_plan.go) as the demo
// accounts would have: the case workers register volunteers, visit and record
// cases, the counsellor and the demo volunteer work theirs, the worker
// reports their own, and the scheduler escalates what passes its deadline.
// The city is dated the day before the ledger starts.
//
// Fill is not one transaction (each store method commits its own), so an
// error half way — a full disk — leaves part of a city: start again with a
// new database.
func Fill(ctx context.Context, st *store.Store, opt Options) (Summary, error) {
	if opt.People <= 0 {
		opt.People = DefaultPeople
	}
	sys := auth.WithPrincipal(ctx, auth.System())
	p := build(opt)
	if err := checkEmpty(sys, st, p); err != nil {
		return Summary{}, err
	}
	var start time.Time // of the ledger
	if c := opt.Clock; c != nil {
		defer c.reset()
		start = c.baseNow().Add(-ledgerSpan)
		c.setTo(start.Add(-24 * time.Hour))
		if d := st.Now().Sub(c.Now()); d < -time.Second || d > time.Second {
			return Summary{}, errors.New("demo: the store does not read Options.Clock: open it with store.Options{Now: clock.Now}")
		}
	}
	var sum Summary
	for _, r := range p.regions {
		if _, err := st.CreateRegion(sys, r); err != nil {
			return sum, fmt.Errorf("demo: region %s %s: %w", r.Code, r.Name, err)
		}
		sum.Regions++
	}
	instIDs := make([]int64, len(p.insts))
	instByName := map[string]int64{}
	for i, in := range p.insts {
		created, err := st.CreateInstitution(sys, model.InstitutionInput{Name: &in.name, Type: &in.typ, RegionCode: &in.region, CreditCode: &in.credit})
		if err != nil {
			return sum, fmt.Errorf("demo: institution %s: %w", in.name, err)
		}
		instIDs[i] = created.ID
		instByName[in.name] = created.ID
		sum.Institutions++
	}

	people := make([]store.PersonRow, len(p.people))
	for i, pp := range p.people {
		f := pp.fields
		f.InstitutionID = instIDs[pp.inst]
		// The same rules as a roster typed by a user; a failure is a bug here.
		if err := f.Normalize(refDate).Err(); err != nil {
			return sum, fmt.Errorf("demo: person %d: %w", i, err)
		}
		people[i] = store.PersonRow{Row: i + 2, Fields: f}
	}
	filename := fmt.Sprintf("demo-city seed=%d", opt.Seed)
	res, err := st.ImportPeople(sys, people, store.ImportOptions{Filename: filename})
	if err != nil {
		return sum, fmt.Errorf("demo: people: %w", err)
	}
	sum.People = res.Created

	family := make([]store.FamilyRow, len(p.family))
	for i, pr := range p.family {
		f := pr.fields
		if err := f.Normalize(refDate).Err(); err != nil {
			return sum, fmt.Errorf("demo: relative %d of person %d: %w", i, pr.person, err)
		}
		family[i] = store.FamilyRow{Row: i + 2, WorkerIDNumber: people[pr.person].Fields.IDNumber, WorkerColumn: "worker_id_number", Fields: f}
	}
	res, err = st.ImportFamilies(sys, family, store.ImportOptions{Filename: filename})
	if err != nil {
		return sum, fmt.Errorf("demo: families: %w", err)
	}
	sum.FamilyMembers = res.Created

	worker := people[p.worker].Fields
	found, err := st.ListPeople(sys, model.PersonFilter{IDNumber: worker.IDNumber, Page: model.Page{Limit: 1}})
	if err != nil || len(found.Items) != 1 {
		return sum, fmt.Errorf("demo: the worker account's person is missing: %w", err)
	}
	workerID := found.Items[0].ID
	as := actors{"": sys}
	for _, a := range accounts {
		in := model.UserInput{Username: &a.Username, DisplayName: &a.displayName, Password: &a.Password, Role: &a.Role}
		switch {
		case a.worker:
			in.PersonID, in.DisplayName = &workerID, &worker.Name
		case a.institution != "":
			id := instByName[a.institution]
			in.InstitutionID = &id
		default:
			in.RegionCode = &a.region
		}
		u, err := st.CreateUser(sys, in)
		if err != nil {
			return sum, fmt.Errorf("demo: user %s: %w", a.Username, err)
		}
		as[a.Username] = actorOf(ctx, u)
		if secret := a.OTPSecret(); secret != "" {
			if err := st.EnrolOTP(sys, a.Username, secret); err != nil {
				return sum, fmt.Errorf("demo: authenticator of %s: %w", a.Username, err)
			}
		}
		sum.Users++
	}
	sum.Accounts = Accounts()
	if opt.Clock != nil {
		lp := planLedger(p, opt.Seed)
		addSupplyEvents(&lp)
		if err := fillLedger(ctx, st, opt.Clock, start, p, lp, as, &sum); err != nil {
			return sum, err
		}
	} else if err := fillSuppliesNow(st, as, &sum); err != nil {
		return sum, err
	}
	// Last, so that the ledger's cases and visits keep to the planned city.
	if err := fillTransfers(st, as, p, people, instByName, &sum); err != nil {
		return sum, err
	}
	if err := fillDeployments(st, as, p, people, instByName, &sum); err != nil {
		return sum, err
	}
	if err := fillIncidents(ctx, st, opt.Clock, as, workerID, &sum); err != nil {
		return sum, err
	}
	if err := fillPsych(ctx, st, opt.Clock, as, instByName, uint64(opt.Seed), &sum); err != nil {
		return sum, err
	}
	// After the deployments, whose days the check-ins follow.
	if err := fillCheckins(ctx, st, opt.Clock, as, &sum); err != nil {
		return sum, err
	}
	if err := fillLetters(st, as, instByName, workerID, &sum); err != nil {
		return sum, err
	}
	if err := fillSubsidies(st, as, opt.Clock, workerID, &sum); err != nil {
		return sum, err
	}
	// After the deployments, so that staff of high-risk posts are housed apart.
	if err := fillStays(st, as, instByName, workerID, &sum); err != nil {
		return sum, err
	}
	return sum, nil
}

// checkEmpty refuses a database with people or institutions, or with any of
// the regions or usernames the demo would create: a clash found later would
// leave half a city behind.
func checkEmpty(ctx context.Context, st *store.Store, p plan) error {
	people, err := st.ListPeople(ctx, model.PersonFilter{Page: model.Page{Limit: 1}})
	if err != nil {
		return fmt.Errorf("demo: count people: %w", err)
	}
	insts, err := st.ListInstitutions(ctx, store.InstitutionFilter{Page: model.Page{Limit: 1}})
	if err != nil {
		return fmt.Errorf("demo: count institutions: %w", err)
	}
	if people.Total > 0 || insts.Total > 0 {
		return fmt.Errorf("%w: it already holds %d people and %d institutions; the demo city is only made in an empty database (start with a new database file)",
			ErrNotEmpty, people.Total, insts.Total)
	}
	vols, err := st.ListVolunteers(ctx, model.VolunteerFilter{Page: model.Page{Limit: 1}})
	if err != nil {
		return fmt.Errorf("demo: count volunteers: %w", err)
	}
	if vols.Total > 0 {
		return fmt.Errorf("%w: it already holds %d volunteers", ErrNotEmpty, vols.Total)
	}
	for _, r := range p.regions {
		_, err := st.GetRegion(ctx, r.Code)
		if err == nil {
			return fmt.Errorf("%w: region %s already exists; the demo city adds its own streets and communities", ErrNotEmpty, r.Code)
		}
		if model.ErrorCode(err) != model.ENotFound {
			return fmt.Errorf("demo: look up region %s: %w", r.Code, err)
		}
	}
	for _, a := range accounts {
		users, err := st.ListUsers(ctx, model.UserFilter{Q: a.Username, Page: model.Page{Limit: 500}})
		if err != nil {
			return fmt.Errorf("demo: look up user %s: %w", a.Username, err)
		}
		for _, u := range users.Items {
			if u.Username == a.Username {
				return fmt.Errorf("%w: user %q already exists", ErrNotEmpty, u.Username)
			}
		}
	}
	return nil
}
