package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/config"
	"houdun/internal/httpx"
	"houdun/internal/ident"
	"houdun/internal/model"
	"houdun/internal/server"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// password is every test account's password; it meets the default policy.
const password = "Houdun-2026!"

// metricsToken is the bearer token of /metrics in the tests.
const metricsToken = "houdun-test-metrics-token"

// cityCaseworker is the caller name of a caseworker over the whole of Fuxin
// (2109), beside the ten roles whose accounts are scoped to 海州区 (210902).
const cityCaseworker = "caseworker@2109"

// callers lists every caller the access matrix checks, in the order of its columns.
var callers = []string{auth.RoleSysadmin, auth.RoleSecadmin, auth.RoleAuditor, auth.RoleCaseworker, auth.RoleInstitutionAdmin,
	auth.RoleCounselor, auth.RoleFinance, auth.RoleVolunteer, auth.RoleLeader, auth.RoleWorker, cityCaseworker}

func ptr[T any](v T) *T { return &v }

// fixture is a running server on a fresh database holding a small registry:
// institutions A and A2 in 海州区 (210902), B in 新邱区 (210903), C in 沈阳市和平区
// (210102); one person at each, the worker's own record at A, and one
// relative per person.
type fixture struct {
	st    *store.Store
	clock *testutil.Clock
	srv   *httptest.Server

	instA, instA2, instB, instC model.Institution
	self, atA, atA2, atB, atC   model.Person
	relative                    map[int64]model.FamilyMember // one relative per person id
	idNumber                    map[int64]string             // full ID number per person id
	phone                       map[int64]string             // full phone per person id

	users  map[string]model.User // accounts by caller name
	tokens map[string]string     // bearer tokens by caller name

	// The administrators' authenticators: secret and last time step used, by username.
	otpMu    sync.Mutex
	secrets  map[string]string
	lastStep map[string]int64

	seq atomic.Int64
}

// newFixture seeds the registry, creates an account for each named caller
// and logs each in through POST /api/v1/session. Account creation and login
// hash passwords (argon2id), so tests name only the callers they use.
func newFixture(t *testing.T, st *store.Store, clock *testutil.Clock, who ...string) *fixture {
	t.Helper()
	f := &fixture{st: st, clock: clock, relative: map[int64]model.FamilyMember{}, idNumber: map[int64]string{}, phone: map[int64]string{},
		users: map[string]model.User{}, tokens: map[string]string{}, secrets: map[string]string{}, lastStep: map[string]int64{}}
	cfg := config.Default()
	cfg.TrustedProxies = "127.0.0.1, ::1" // the tests pose as callers from many addresses (X-Real-IP)
	cfg.MetricsToken = metricsToken
	f.srv = httptest.NewServer(server.New(cfg, st, slog.New(slog.DiscardHandler)))
	t.Cleanup(f.srv.Close)

	f.instA = f.institution(t, "阜新市中心医院", model.InstHospital, "210902")
	f.instA2 = f.institution(t, "海州区社区卫生服务中心", model.InstCommunityHealth, "210902")
	f.instB = f.institution(t, "新邱区人民医院", model.InstHospital, "210903")
	f.instC = f.institution(t, "沈阳市和平区医院", model.InstHospital, "210102")
	f.self = f.person(t, "刘一线", f.instA.ID)
	f.atA = f.person(t, "张伟", f.instA.ID)
	f.atA2 = f.person(t, "李娜", f.instA2.ID)
	f.atB = f.person(t, "王芳", f.instB.ID)
	f.atC = f.person(t, "赵敏", f.instC.ID)
	for _, p := range []model.Person{f.self, f.atA, f.atA2, f.atB, f.atC} {
		f.relative[p.ID] = f.member(t, p.ID)
	}
	for _, name := range who {
		f.account(t, name)
	}
	for _, name := range who {
		f.tokens[name] = f.login(t, f.users[name].Username)
	}
	return f
}

// next returns a number unique within the fixture, for names, codes and ID numbers.
func (f *fixture) next() int64 { return f.seq.Add(1) }

// freshIDNumber returns a valid ID number no one has yet.
func (f *fixture) freshIDNumber() string {
	n := f.next()
	birth := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n/500))
	return ident.MakeIDNumber("210902", birth, int(n%500)*2+1)
}

func (f *fixture) institution(t *testing.T, name, typ, region string) model.Institution {
	t.Helper()
	in, err := f.st.CreateInstitution(testutil.System(), model.InstitutionInput{Name: ptr(name), Type: ptr(typ), RegionCode: ptr(region)})
	if err != nil {
		t.Fatalf("seed institution %s: %v", name, err)
	}
	return in
}

// person registers a person directly in the store (not through the API under test).
func (f *fixture) person(t *testing.T, name string, institutionID int64) model.Person {
	t.Helper()
	id := f.freshIDNumber()
	phone := fmt.Sprintf("139%08d", f.next())
	p, err := f.st.CreatePerson(testutil.System(), model.PersonInput{Name: ptr(name), IDNumber: ptr(id), Phone: ptr(phone),
		InstitutionID: ptr(institutionID), Department: ptr("呼吸内科"), Occupation: ptr(model.OccNurse), Title: ptr("主管护师"), Frontline: ptr(true)})
	if err != nil {
		t.Fatalf("seed person %s: %v", name, err)
	}
	f.idNumber[p.ID], f.phone[p.ID] = id, phone
	return p
}

// member adds a relative with an ID number to a person, directly in the store.
func (f *fixture) member(t *testing.T, personID int64) model.FamilyMember {
	t.Helper()
	m, err := f.st.CreateFamilyMember(testutil.System(), personID, model.FamilyMemberInput{Name: ptr(fmt.Sprintf("家属%d", f.next())),
		Relation: ptr(model.RelParent), IDNumber: ptr(f.freshIDNumber()), LivesWith: ptr(true), CareNeeds: &[]string{model.CareElderly}})
	if err != nil {
		t.Fatalf("seed family member: %v", err)
	}
	return m
}

// account creates the account of a caller: the worker is tied to their own
// record, the institution admin to institution A, the city caseworker to 2109
// and everyone else to 海州区.
func (f *fixture) account(t *testing.T, name string) model.User {
	t.Helper()
	in := model.UserInput{Username: ptr(strings.NewReplacer("_", "-", "@", "-").Replace(name)), Password: ptr(password), Role: ptr(name)}
	switch name {
	case auth.RoleWorker:
		in.PersonID = ptr(f.self.ID)
	case auth.RoleInstitutionAdmin:
		in.InstitutionID = ptr(f.instA.ID)
	case cityCaseworker:
		in.Role, in.RegionCode = ptr(auth.RoleCaseworker), ptr("2109")
	default:
		in.RegionCode = ptr("210902")
	}
	u, err := f.st.CreateUser(testutil.System(), in)
	if err != nil {
		t.Fatalf("seed account %s: %v", name, err)
	}
	if auth.RequiresTOTP(u.Role) {
		f.enrol(t, u.Username)
		u.TOTPEnrolled = true
	}
	f.users[name] = u
	return u
}

// enrol gives an administrator's account an authenticator with a known secret.
func (f *fixture) enrol(t *testing.T, username string) {
	t.Helper()
	secret := auth.DemoTOTPSecret("api-test " + username)
	if err := f.st.EnrolOTP(testutil.System(), username, secret); err != nil {
		t.Fatalf("enrol %s: %v", username, err)
	}
	f.otpMu.Lock()
	f.secrets[username], f.lastStep[username] = secret, 0
	f.otpMu.Unlock()
}

// otp returns a code of username's authenticator that the server has not
// seen yet: the earliest time step after the last one used that is within
// the server's one step of skew, moving the clock on by a step when every
// such step is used up. "" when the account has no authenticator.
func (f *fixture) otp(t *testing.T, username string) string {
	t.Helper()
	f.otpMu.Lock()
	defer f.otpMu.Unlock()
	secret, ok := f.secrets[username]
	if !ok {
		return ""
	}
	cur := auth.TOTPStep(f.clock.Now())
	step := max(f.lastStep[username]+1, cur-auth.TOTPSkew)
	for step > cur+auth.TOTPSkew {
		f.clock.Advance(auth.TOTPPeriod * time.Second)
		cur = auth.TOTPStep(f.clock.Now())
	}
	f.lastStep[username] = step
	code, err := auth.TOTPCode(secret, time.Unix(step*auth.TOTPPeriod, 0))
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// credentials is the body of a login as username: the password and, for an
// administrator, a fresh code.
func (f *fixture) credentials(t *testing.T, username string) map[string]string {
	t.Helper()
	body := map[string]string{"username": username, "password": password}
	if code := f.otp(t, username); code != "" {
		body["otp"] = code
	}
	return body
}

// userAt creates a caseworker account scoped to region, as a target of the user routes.
func (f *fixture) userAt(t *testing.T, region string) model.User {
	t.Helper()
	u, err := f.st.CreateUser(testutil.System(), model.UserInput{Username: ptr(fmt.Sprintf("target-%d", f.next())), Password: ptr(password),
		Role: ptr(auth.RoleCaseworker), RegionCode: ptr(region)})
	if err != nil {
		t.Fatalf("seed target account: %v", err)
	}
	return u
}

// nextIP is a distinct client address per login, so that the per-address
// login limiter does not mix up unrelated tests. The server trusts
// X-Real-IP from a loopback peer, as it would from a local proxy.
func (f *fixture) nextIP() string {
	n := f.next()
	return fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255)
}

// login opens a session through the API and returns its bearer token.
func (f *fixture) login(t *testing.T, username string) string {
	t.Helper()
	r := f.do(t, call{Method: "POST", Path: "/api/v1/session", JSON: f.credentials(t, username),
		Header: map[string]string{"X-Real-IP": f.nextIP()}})
	if r.Status != http.StatusCreated {
		t.Fatalf("login %s: %d %s", username, r.Status, r.Body)
	}
	var s struct{ Token string }
	r.decode(t, &s)
	if s.Token == "" {
		t.Fatalf("login %s: no token in %s", username, r.Body)
	}
	return s.Token
}

// call is one HTTP request to the server under test.
type call struct {
	Method, Path string
	Token        string            // sent as a bearer token when set
	JSON         any               // marshalled as an application/json body
	Body         []byte            // a raw body, sent with ContentType
	ContentType  string            // for Body
	Header       map[string]string // extra headers
}

// response is what the server answered.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (f *fixture) do(t *testing.T, c call) *response {
	t.Helper()
	var body io.Reader
	ct := c.ContentType
	switch {
	case c.JSON != nil:
		b, err := json.Marshal(c.JSON)
		if err != nil {
			t.Fatal(err)
		}
		body, ct = bytes.NewReader(b), "application/json"
	case c.Body != nil:
		body = bytes.NewReader(c.Body)
	}
	req, err := http.NewRequest(c.Method, f.srv.URL+c.Path, body)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	for k, v := range c.Header {
		req.Header.Set(k, v)
	}
	res, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", c.Method, c.Path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", c.Method, c.Path, err)
	}
	return &response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// get is a GET as the named caller.
func (f *fixture) get(t *testing.T, who, path string) *response {
	t.Helper()
	return f.do(t, call{Method: "GET", Path: path, Token: f.tokens[who]})
}

// send is a request with a JSON body as the named caller.
func (f *fixture) send(t *testing.T, who, method, path string, body any) *response {
	t.Helper()
	return f.do(t, call{Method: method, Path: path, Token: f.tokens[who], JSON: body})
}

func (r *response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("answer %d is not the expected JSON (%v): %s", r.Status, err, r.Body)
	}
}

// apiError decodes an error answer, checking its shape.
func (r *response) apiError(t *testing.T) httpx.ErrorDetail {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("error answer %d has Content-Type %q: %s", r.Status, ct, r.Body)
	}
	var e httpx.ErrorBody
	r.decode(t, &e)
	if e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("error answer %d lacks code or message: %s", r.Status, r.Body)
	}
	return e.Error
}

// want fails unless the answer has the status.
func (r *response) want(t *testing.T, status int) *response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	return r
}

// ids returns the "id" of every item of a list answer.
func (r *response) ids(t *testing.T) map[int64]bool {
	t.Helper()
	var list struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	r.decode(t, &list)
	out := map[int64]bool{}
	for _, it := range list.Items {
		out[it.ID] = true
	}
	return out
}
