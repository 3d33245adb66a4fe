package web_test

import (
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
	"houdun/internal/web"
)

// pageAccess is the role matrix as the pages must answer it, as the API's
// access_test.go has it for /api/v1: for every page route, the status each
// caller gets for a record inside their scope / for one outside it
// ("200/404"); a single status means both, or that the route names no
// record; "-" is not tried. 303 is a redirect: to the login page for a visitor without a
// session, to the next page after a form that succeeded. 422 is a form shown
// again with its messages (the matrix posts empty forms). It is written out by
// hand from the role matrix (auth/role.go, DOMAIN.md), not computed from the
// route table, so that a change of permissions shows up here as a failing test.
//
// Scope: every account is in 海州区 (210902); the institution admin's is
// 阜新市中心医院 there, the worker's is 张伟's own record. Out of scope is 新邱区
// (210903): 李娜, her relative, her case, a volunteer there and her pairing,
// an account there. The volunteer's own case is the one assigned to them;
// the counselor's is a psychological one.
var pageAccess = []string{
	// method path                                       anon sysadmin secadmin auditor caseworker inst_admin counselor finance volunteer leader  worker
	"GET  /{$}                                           303  200      200      200     200        200        200       200     200       200     200",
	"GET  /login                                         200  303      303      303     303        303        303       303     303       303     303",
	"GET  /lang                                          303  303      303      303     303        303        303       303     303       303     303",
	"GET  /static/houdun.css                             200  200      200      200     200        200        200       200     200       200     200",
	"GET  /no-such-page                                  404  404      404      404     404        404        404       404     404       404     404",

	"GET  /account                                       303  200      200      200     200        200        200       200     200       200     200",
	"POST /account/password                              303  422      422      422     422        422        422       422     422       422     422",
	"POST /account/otp/reset                             303  400      400      400     409        409        409       409     409       409     409",

	"GET  /people                                        303  403      403      403     200        200        200       200     403       403     200",
	"GET  /people/new                                    303  403      403      403     200        200        403       403     403       403     403",
	"POST /people                                        303  403      403      403     422        422        403       403     403       403     403",
	"GET  /people/{person}                               303  403      403      403     200/404    200/404    200/404   200/404 403       403     200/404",
	"GET  /people/{person}/edit                          303  403      403      403     200/404    200/404    403       403     403       403     403",
	"POST /people/{person}                               303  403      403      403     422/404    422/404    403       403     403       403     403",
	"GET  /people/{person}/family/new                    303  403      403      403     200/404    200/404    403       403     403       403     403",
	"POST /people/{person}/family                        303  403      403      403     422/404    422/404    403       403     403       403     403",
	"GET  /people/{person}/family/{member}/edit          303  403      403      403     200/404    200/404    403       403     403       403     403",
	"POST /people/{person}/family/{member}               303  403      403      403     422/404    422/404    403       403     403       403     403",
	"GET  /people/{person}/family/{member}/delete        303  403      403      403     200/404    200/404    403       403     403       403     403",
	"POST /people/{person}/family/{fresh}/delete         303  403      403      403     303/404    303/404    403       403     403       403     403",

	"GET  /import                                        303  403      403      403     200        200        403       403     403       403     403",
	"POST /import/people                                 303  403      403      403     415        415        403       403     403       403     403",
	"POST /import/families                               303  403      403      403     415        415        403       403     403       403     403",
	"GET  /import/jobs/{job}                             303  403      403      403     404        404        403       403     403       403     403",

	"GET  /institutions                                  303  200      403      403     200        200        200       200     403       200     403",
	"GET  /institutions/new                              303  200      403      403     200        403        403       403     403       403     403",
	"POST /institutions                                  303  422      403      403     422        403        403       403     403       403     403",

	"GET  /users                                         303  200      200      403     403        403        403       403     403       403     403",
	"GET  /users/new                                     303  200      403      403     403        403        403       403     403       403     403",
	"POST /users                                         303  422      403      403     403        403        403       403     403       403     403",
	// An account's page: the security administrator's role-and-scope form,
	// the system administrator's name and one-time password reset (the
	// matrix's empty forms: no role chosen, the reset not confirmed).
	"GET  /users/{user}                                  303  200/404  200/404  403     403        403        403       403     403       403     403",
	"POST /users/{user}/scope                            303  403      422/404  403     403        403        403       403     403       403     403",
	"POST /users/{user}/name                             303  303/404  403      403     403        403        403       403     403       403     403",
	"POST /users/{user}/password                         303  422/404  403      403     403        403        403       403     403       403     403",
	"POST /users/{user}/disable                          303  303/404  403/404  403     403        403        403       403     403       403     403",
	"POST /users/{user}/enable                           303  303/404  403/404  403     403        403        403       403     403       403     403",
	"POST /users/{user}/otp/reset                        303  403      303/404  403     403        403        403       403     403       403     403",
	"POST /users/{user}/grant                            303  403      303/404  403     403        403        403       403     403       403     403",
	// Transfer requests (the matrix's are ids no request has: the pages' own
	// test, transfer_web_test.go, walks a real request through them).
	"GET  /transfers                                     303  403      403      403     200        200        403       403     403       403     403",
	"GET  /transfers/{transfer}                          303  403      403      403     404        404        403       403     403       403     403",
	"POST /transfers/{transfer}/approve                  303  403      403      403     404        404        403       403     403       403     403",
	"POST /transfers/{transfer}/reject                   303  403      403      403     404        404        403       403     403       403     403",

	"GET  /audit                                         303  403      403      200     403        403        403       403     403       403     403",

	// The needs ledger.
	"GET  /needs                                         303  403      403      403     200        200        200       403     200       403     303",
	"GET  /needs/new?person_id={person}                  303  403      403      403     200/404    403        403       403     403       403     403",
	"POST /needs?person_id={person}                      303  403      403      403     422/404    403        403       403     403       403     403",
	"GET  /needs/{need}                                  303  403      403      403     200/404    200/404    200/404   403     200/404   403     200/404",
	"POST /needs/{need}/{action}                         303  403      403      403     303/404    403        303/404   403     303/404   403     403",
	"GET  /me/needs                                      303  403      403      403     403        403        403       403     403       403     200",
	"GET  /me/needs/new                                  303  403      403      403     403        403        403       403     403       403     200",
	"POST /me/needs                                      303  403      403      403     403        403        403       403     403       403     422",
	"GET  /visits/new?person_id={person}                 303  403      403      403     200/404    403        403       403     403       403     403",
	"POST /visits?person_id={person}                     303  403      403      403     422/404    403        403       403     403       403     403",
	"GET  /visits/due                                    303  403      403      403     200        200        403       403     403       403     403",

	"GET  /volunteers                                    303  403      403      403     200        403        403       403     403       403     403",
	"GET  /volunteers/new                                303  403      403      403     200        403        403       403     403       403     403",
	"POST /volunteers                                    303  403      403      403     422        403        403       403     403       403     403",
	"GET  /volunteers/{volunteer}                        303  403      403      403     200/404    403        403       403     403       403     403",
	"GET  /volunteers/{volunteer}/edit                   303  403      403      403     200/404    403        403       403     403       403     403",
	"POST /volunteers/{volunteer}                        303  403      403      403     422/404    403        403       403     403       403     403",
	"POST /volunteers/{volunteer}/pairings               303  403      403      403     422/404    403        403       403     403       403     403",
	"POST /pairings/{pairing}/end                        303  403      403      403     303/404    403        403       403     403       403     403",

	"GET  /inbox                                         303  200      200      200     200        200        200       200     200       200     200",
	"POST /inbox/read                                    303  303      303      303     303        303        303       303     303       303     303",
	"GET  /dashboard                                     303  403      403      403     200        200        200       403     403       200     403",
	"GET  /dashboard/ledger                              303  403      403      403     303        403        403       403     403       303     403",

	// A relative's page, for visitors (it has its own rate limit per address).
	"GET  /f/{token}                                     200  -        -        -       -          -          -         -       -         -       -",
	"POST /f/{token}                                     422  -        -        -       -          -          -         -       -         -       -",

	// Family self-service links: the worker's own family at /me/, a case
	// worker's people at /people/{id}/.
	"GET  /me/family-links                               303  403      403      403     403        403        403       403     403       403     200",
	"POST /me/family-links                               303  403      403      403     403        403        403       403     403       403     422",
	"POST /me/family-links/{flink}/revoke                303  403      403      403     403        403        403       403     403       403     303/404",
	"GET  /people/{person}/family-links                  303  403      403      403     200/404    403        403       403     403       403     200/404",
	"POST /people/{person}/family-links                  303  403      403      403     422/404    403        403       403     403       403     422/404",
	"POST /people/{person}/family-links/{flink}/revoke   303  403      403      403     303/404    403        403       403     403       403     303/404",

	// The login steps, with a session already open, and logging out (run last).
	"GET  /login/otp                                     303  303      303      303     303        303        303       303     303       303     303",
	"GET  /login/enrol                                   303  303      303      303     303        303        303       303     303       303     303",
	"POST /login                                         422  422      422      422     422        422        422       422     422       422     422",
	"POST /login/otp                                     303  303      303      303     303        303        303       303     303       303     303",
	"POST /login/enrol                                   303  303      303      303     303        303        303       303     303       303     303",
	"POST /login/enrol/key                               303  303      303      303     303        303        303       303     303       303     303",
	"POST /logout                                        303  303      303      303     303        303        303       303     303       303     303",
}

// pageCallers are the matrix's columns.
var pageCallers = []string{"anon", auth.RoleSysadmin, auth.RoleSecadmin, auth.RoleAuditor, auth.RoleCaseworker, auth.RoleInstitutionAdmin,
	auth.RoleCounselor, auth.RoleFinance, auth.RoleVolunteer, auth.RoleLeader, auth.RoleWorker}

// pageRecords are the ids a route's placeholders stand for, in or out of scope.
type pageRecords map[string]string

var placeholder = regexp.MustCompile(`\{[a-z]+\}`)

func TestPageAccessMatrix(t *testing.T) {
	t.Parallel()
	table := map[string][]string{}
	var order []string
	for _, line := range pageAccess {
		cols := strings.Fields(line)
		if len(cols) != 2+len(pageCallers) {
			t.Fatalf("%q: %d columns, want method, path and one per caller (%d)", line, len(cols), len(pageCallers))
		}
		key := cols[0] + " " + cols[1]
		if _, dup := table[key]; dup {
			t.Fatalf("%s is twice in the table", key)
		}
		table[key] = cols[2:]
		order = append(order, key)
	}
	// Every route of the pages has a row: the table names each route's
	// placeholders as its own ({person}), so compare shapes.
	shape := func(p string) string {
		p, _, _ = strings.Cut(p, "?")
		if strings.HasPrefix(p, "/static/") {
			return "/static/"
		}
		return placeholder.ReplaceAllString(strings.Replace(p, "{$}", "", 1), "{}")
	}
	rows := map[string]bool{}
	for key := range table {
		method, path, _ := strings.Cut(key, " ")
		rows[method+" "+shape(path)] = true
	}
	served := map[string]bool{}
	for _, pattern := range web.Patterns() {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok { // "/" answers every other path with the 404 page
			continue
		}
		s := method + " " + shape(path)
		served[s] = true
		if !rows[s] {
			t.Errorf("page route %s has no row in the access table: say what every role gets", pattern)
		}
	}
	for key := range table {
		method, path, _ := strings.Cut(key, " ")
		if s := method + " " + shape(path); !served[s] && path != "/no-such-page" {
			t.Errorf("the access table lists %s, which no page route serves", key)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newAccessSite(t, st, clock)
		const logout = "POST /logout"
		order := append(slices.DeleteFunc(slices.Clone(order), func(r string) bool { return r == logout }), logout)
		for _, key := range order {
			method, path, _ := strings.Cut(key, " ")
			for i, who := range pageCallers {
				wantIn, wantOut, scoped := strings.Cut(table[key][i], "/")
				if wantIn == "-" {
					continue
				}
				t.Run(key+"/"+who, func(t *testing.T) {
					attempts := []struct {
						name string
						rec  pageRecords
						want string
					}{{"in scope", f.in(t, who), wantIn}}
					if scoped {
						attempts = append(attempts, struct {
							name string
							rec  pageRecords
							want string
						}{"out of scope", f.out(t, who), wantOut})
					}
					for _, a := range attempts {
						p := placeholder.ReplaceAllStringFunc(path, func(ph string) string { return a.rec[strings.Trim(ph, "{}")] })
						p = strings.Replace(p, "{$}", "", 1)
						b := f.browsers[who]
						var r response
						if method == "GET" {
							r = b.get(p)
						} else {
							// The query of a POST row is its form: what the page's form would carry.
							p, query, _ := strings.Cut(p, "?")
							form, _ := url.ParseQuery(query)
							form.Set("version", "1")
							if strings.HasPrefix(p, "/needs/") {
								form.Set("version", a.rec["needversion"])
							}
							r = b.postForm(p, form)
						}
						if got := strconv.Itoa(r.status); got != a.want {
							t.Errorf("%s %s %s (%s): %s, want %s (to %q): %.100s", who, method, p, a.name, got, a.want, r.location, r.body)
						}
						if who != "anon" && r.status == http.StatusSeeOther && strings.HasPrefix(r.location, "/login") && !strings.HasPrefix(path, "/login") && path != "/logout" {
							t.Errorf("%s %s %s: the session is gone (to %q): an earlier row ended it", who, method, p, r.location)
						}
						if who == "anon" && r.status == http.StatusSeeOther && strings.HasPrefix(path, "/") && a.want == "303" &&
							!strings.HasPrefix(r.location, "/login") && path != "/lang" && path != "/logout" {
							t.Errorf("%s %s without a session goes to %q, not the login page", method, p, r.location)
						}
					}
				})
			}
		}
	})
}

// accessSite is the shared site with an account of every role in 海州区 and
// a record of every kind on each side of its border.
type accessSite struct {
	*site
	browsers map[string]*browser
	recIn    pageRecords
	recOut   pageRecords
	byRole   map[string]pageRecords // what differs by caller: their own case
	relIn    model.FamilyMember
}

func newAccessSite(t *testing.T, st *store.Store, clock *testutil.Clock) *accessSite {
	t.Helper()
	s := &accessSite{site: newSite(t, st, clock), browsers: map[string]*browser{}}
	ctx := testutil.System()
	sid := func(n int64) string { return strconv.FormatInt(n, 10) }
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	users := map[string]model.User{}
	for _, role := range pageCallers[1:] {
		name := "acc-" + strings.ReplaceAll(role, "_", "-")
		in := model.UserInput{Username: &name, Role: ptr(role), Password: ptr(password)}
		switch role {
		case auth.RoleInstitutionAdmin:
			in.InstitutionID = &s.haizhou.ID
		case auth.RoleWorker:
			in.PersonID = &s.zhang.ID
		default:
			in.RegionCode = ptr("210902")
		}
		u, err := st.CreateUser(ctx, in)
		check(err)
		users[role] = u
		if auth.RequiresTOTP(role) {
			secret := auth.DemoTOTPSecret("access " + name)
			check(st.EnrolOTP(ctx, name, secret))
			s.secrets[name] = secret
		}
		s.browsers[role] = s.as(name)
	}
	s.browsers["anon"] = s.browser()

	relIn, err := st.CreateFamilyMember(ctx, s.zhang.ID, model.FamilyMemberInput{Name: ptr("赵秀兰"), Relation: ptr(model.RelParent), BirthDate: ptr("1948-05-03")})
	check(err)
	relOut, err := st.CreateFamilyMember(ctx, s.li.ID, model.FamilyMemberInput{Name: ptr("李建国"), Relation: ptr(model.RelParent), BirthDate: ptr("1950-01-01")})
	check(err)
	volIn, err := st.CreateVolunteer(ctx, model.VolunteerInput{Name: ptr("刘洋"), Phone: ptr("13800001234"), RegionCode: ptr("210902"),
		Skills: &[]string{model.SkillEldercare}, Username: ptr("acc-volunteer")})
	check(err)
	volOut, err := st.CreateVolunteer(ctx, model.VolunteerInput{Name: ptr("陈静"), Phone: ptr("13800005678"), RegionCode: ptr("210903"), Skills: &[]string{model.SkillShopping}})
	check(err)
	pairIn, err := st.CreatePairing(ctx, model.PairingInput{VolunteerID: &volIn.ID, PersonID: &s.zhang.ID, StartsOn: ptr("2026-02-20")})
	check(err)
	pairOut, err := st.CreatePairing(ctx, model.PairingInput{VolunteerID: &volOut.ID, PersonID: &s.li.ID, StartsOn: ptr("2026-02-20")})
	check(err)
	newCase := func(person int64, category, kind string) model.Need {
		n, err := st.CreateNeed(ctx, model.NeedInput{PersonID: person, Category: category, Kind: kind, Urgency: model.UrgencyHigh,
			Description: "访问矩阵的案例", Source: model.SourceHotline})
		check(err)
		return n
	}
	// Every caller that may start a case starts its own, assigned to it
	// (a case worker's to the volunteer, as any in scope).
	assigned := func(category, kind string, a model.NeedAssign) model.Need {
		n := newCase(s.zhang.ID, category, kind)
		n, err := st.AssignNeed(ctx, n.ID, a)
		check(err)
		return n
	}
	needIn := assigned(model.CategoryLiving, model.KindEldercare, model.NeedAssign{VolunteerID: &volIn.ID})
	needVol := assigned(model.CategoryLiving, model.KindEldercare, model.NeedAssign{VolunteerID: &volIn.ID})
	psych := assigned(model.CategoryPsychological, model.KindCounselling, model.NeedAssign{UserID: ptr(users[auth.RoleCounselor].ID)})
	needOut := newCase(s.li.ID, model.CategoryLiving, model.KindEldercare)
	linkIn, err := st.CreateFamilyLink(ctx, s.zhang.ID, model.FamilyLinkInput{FamilyMemberID: &relIn.ID})
	check(err)
	linkOut, err := st.CreateFamilyLink(ctx, s.li.ID, model.FamilyLinkInput{FamilyMemberID: &relOut.ID})
	check(err)
	userIn, userOut := "acc-in", "acc-out"
	inUser, err := st.CreateUser(ctx, model.UserInput{Username: &userIn, Role: ptr(auth.RoleCaseworker), RegionCode: ptr("210902"), Password: ptr(password)})
	check(err)
	outUser, err := st.CreateUser(ctx, model.UserInput{Username: &userOut, Role: ptr(auth.RoleCaseworker), RegionCode: ptr("210903"), Password: ptr(password)})
	check(err)

	s.recIn = pageRecords{"person": sid(s.zhang.ID), "member": sid(relIn.ID), "need": sid(needIn.ID), "volunteer": sid(volIn.ID),
		"pairing": sid(pairIn.ID), "link": sid(linkIn.ID), "token": linkIn.Token, "user": sid(inUser.ID), "job": "987654", "transfer": "987656", "action": "start", "needversion": sid(needIn.Version)}
	s.recOut = pageRecords{"person": sid(s.li.ID), "member": sid(relOut.ID), "need": sid(needOut.ID), "volunteer": sid(volOut.ID),
		"pairing": sid(pairOut.ID), "link": sid(linkOut.ID), "token": linkOut.Token, "user": sid(outUser.ID), "job": "987655", "transfer": "987657", "action": "start", "needversion": "1", "fresh": sid(relOut.ID), "flink": sid(linkOut.ID)}
	s.relIn = relIn
	s.byRole = map[string]pageRecords{
		auth.RoleVolunteer: {"need": sid(needVol.ID), "needversion": sid(needVol.Version)},
		auth.RoleCounselor: {"need": sid(psych.ID), "needversion": sid(psych.Version)},
	}
	for _, add := range areaRecords {
		add(t, s, users)
	}
	return s
}

// areaRecords make the records of the areas that keep their rows in a file
// of their own (access_<area>_test.go, whose init appends its rows to
// pageAccess and its maker here): each adds its placeholders to s.recIn,
// s.recOut and s.byRole. users are the callers' accounts by role.
var areaRecords []func(t *testing.T, s *accessSite, users map[string]model.User)

// in is what the caller's in-scope requests name; {fresh} is a new
// relative of 张伟 each time, for the routes that delete one, {flink} a new
// link of his mother's, for the routes that revoke one.
func (s *accessSite) in(t *testing.T, who string) pageRecords {
	r := maps.Clone(s.recIn)
	maps.Copy(r, s.byRole[who])
	m, err := s.st.CreateFamilyMember(testutil.System(), s.zhang.ID, model.FamilyMemberInput{Name: ptr("张小明"), Relation: ptr(model.RelChild), BirthDate: ptr("2015-06-01")})
	if err != nil {
		t.Fatal(err)
	}
	r["fresh"] = strconv.FormatInt(m.ID, 10)
	link, err := s.st.CreateFamilyLink(testutil.System(), s.zhang.ID, model.FamilyLinkInput{FamilyMemberID: &s.relIn.ID})
	if err != nil {
		t.Fatal(err)
	}
	r["flink"] = strconv.FormatInt(link.ID, 10)
	return r
}

func (s *accessSite) out(t *testing.T, who string) pageRecords { return s.recOut }
