package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/config"
	"houdun/internal/ident"
	"houdun/internal/model"
	"houdun/internal/server"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

const password = "Fr0ntline!2026"

// site is the real handler stack on a fresh store, with the records the
// tests share: a hospital in Haizhou (210902) and one in Xinqiu (210903),
// one person in each, and accounts of several roles.
type site struct {
	t        *testing.T
	st       *store.Store
	clock    *testutil.Clock
	srv      *httptest.Server
	secrets  map[string]string // administrators' authenticator secrets by username
	lastStep map[string]int64  // the last time step each one used
	haizhou  model.Institution
	xinqiu   model.Institution
	zhang    model.Person // in 210902
	li       model.Person // in 210903
	zhangIDN string
}

func newSite(t *testing.T, st *store.Store, clock *testutil.Clock) *site {
	t.Helper()
	cfg := config.Default()
	s := &site{t: t, st: st, clock: clock, secrets: map[string]string{}, lastStep: map[string]int64{}}
	s.srv = httptest.NewServer(server.New(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(s.srv.Close)
	ctx := testutil.System()
	s.haizhou = s.institution(ctx, "阜新市中心医院", "210902")
	s.xinqiu = s.institution(ctx, "新邱区人民医院", "210903")
	s.zhangIDN = ident.MakeIDNumber("210902", time.Date(1985, 4, 12, 0, 0, 0, 0, time.UTC), 123)
	s.zhang = s.person(ctx, "张伟", s.zhangIDN, s.haizhou.ID)
	s.li = s.person(ctx, "李娜", ident.MakeIDNumber("210903", time.Date(1990, 7, 1, 0, 0, 0, 0, time.UTC), 244), s.xinqiu.ID)
	s.user("cw_haizhou", auth.RoleCaseworker, "210902")
	s.user("leader_fx", auth.RoleLeader, "2109")
	s.user("auditor_fx", auth.RoleAuditor, "2109")
	return s
}

func (s *site) institution(ctx context.Context, name, region string) model.Institution {
	typ := model.InstHospital
	in, err := s.st.CreateInstitution(ctx, model.InstitutionInput{Name: &name, Type: &typ, RegionCode: &region})
	if err != nil {
		s.t.Fatal(err)
	}
	return in
}

func (s *site) person(ctx context.Context, name, idNumber string, inst int64) model.Person {
	occ, phone, front := model.OccNurse, "13912345678", true
	p, err := s.st.CreatePerson(ctx, model.PersonInput{Name: &name, IDNumber: &idNumber, Phone: &phone, InstitutionID: &inst, Occupation: &occ, Frontline: &front})
	if err != nil {
		s.t.Fatal(err)
	}
	return p
}

// user creates an account; an administrator's gets an authenticator with a
// known secret, as if enrolled.
func (s *site) user(name, role, region string) {
	s.newUser(name, role, region)
	if auth.RequiresTOTP(role) {
		secret := auth.DemoTOTPSecret("web-test " + name)
		if err := s.st.EnrolOTP(testutil.System(), name, secret); err != nil {
			s.t.Fatal(err)
		}
		s.secrets[name] = secret
	}
}

// newUser creates an account as it is before its first login.
func (s *site) newUser(name, role, region string) {
	pw := password
	if _, err := s.st.CreateUser(testutil.System(), model.UserInput{Username: &name, Role: &role, RegionCode: &region, Password: &pw}); err != nil {
		s.t.Fatal(err)
	}
}

// otp returns a code of username's authenticator not used yet, moving the
// clock on a step when the server's window of skew is used up.
func (s *site) otp(username string) string {
	s.t.Helper()
	cur := auth.TOTPStep(s.clock.Now())
	step := max(s.lastStep[username]+1, cur-auth.TOTPSkew)
	for step > cur+auth.TOTPSkew {
		s.clock.Advance(auth.TOTPPeriod * time.Second)
		cur = auth.TOTPStep(s.clock.Now())
	}
	s.lastStep[username] = step
	code, err := auth.TOTPCode(s.secrets[username], time.Unix(step*auth.TOTPPeriod, 0))
	if err != nil {
		s.t.Fatal(err)
	}
	return code
}

// browser is a client with its own cookies that does not follow redirects.
type browser struct {
	s      *site
	c      *http.Client
	header http.Header
}

func (s *site) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{s: s, header: http.Header{}, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// as logs a new browser in as username.
// userID is the id of an account, by its username.
func userID(t *testing.T, st *store.Store, username string) int64 {
	t.Helper()
	id, err := st.UserIDByUsername(testutil.System(), username)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (s *site) as(username string) *browser {
	b := s.browser()
	res := b.postForm("/login", url.Values{"username": {username}, "password": {password}})
	if res.status == http.StatusSeeOther && strings.HasPrefix(res.location, "/login/otp") {
		// An administrator: the second step.
		res = b.postForm("/login/otp", url.Values{"otp": {s.otp(username)}})
	}
	if res.status != http.StatusSeeOther || strings.HasPrefix(res.location, "/login") {
		s.t.Fatalf("login %s: status %d to %q\n%s", username, res.status, res.location, res.body)
	}
	return b
}

type response struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (b *browser) do(req *http.Request) response {
	b.s.t.Helper()
	for k, v := range b.header {
		req.Header[k] = v
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.s.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: string(body), location: res.Header.Get("Location"), header: res.Header}
}

func (b *browser) get(path string) response {
	b.s.t.Helper()
	req, _ := http.NewRequest("GET", b.s.srv.URL+path, nil)
	return b.do(req)
}

func (b *browser) postForm(path string, form url.Values) response {
	b.s.t.Helper()
	req, _ := http.NewRequest("POST", b.s.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (b *browser) upload(path, filename string, content []byte, dryRun bool) response {
	b.s.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if dryRun {
		mw.WriteField("dry_run", "1")
	}
	fw, _ := mw.CreateFormFile("file", filename)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", b.s.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

func contains(t *testing.T, r response, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(r.body, w) {
			t.Errorf("page lacks %q (status %d)", w, r.status)
		}
	}
}

func lacks(t *testing.T, r response, bad ...string) {
	t.Helper()
	for _, w := range bad {
		if strings.Contains(r.body, w) {
			t.Errorf("page contains %q", w)
		}
	}
}

func TestLoginFailureIsShownInTheUsersLanguageAndSetsNoCookie(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		for _, tc := range []struct {
			name, acceptLanguage, want string
		}{
			{"Chinese by default", "", "用户名或密码错误"},
			{"English when the browser asks", "en-GB,en;q=0.9", "Wrong username or password"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				b := s.browser()
				if tc.acceptLanguage != "" {
					b.header.Set("Accept-Language", tc.acceptLanguage)
				}
				r := b.postForm("/login", url.Values{"username": {"cw_haizhou"}, "password": {"wrong-password"}})
				if r.status != http.StatusUnauthorized {
					t.Errorf("status %d, want 401", r.status)
				}
				contains(t, r, tc.want, `value="cw_haizhou"`)
				if c := r.header.Get("Set-Cookie"); strings.Contains(c, "houdun_session") {
					t.Errorf("a failed login set a cookie: %s", c)
				}
			})
		}
		t.Run("a locked account answers as a wrong password does", func(t *testing.T) {
			b := s.browser()
			b.header.Set("Accept-Language", "en")
			var r response
			for range 5 {
				r = b.postForm("/login", url.Values{"username": {"auditor_fx"}, "password": {"wrong-password"}})
			}
			if r.status != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", r.status)
			}
			contains(t, r, "Wrong username or password")
			lacks(t, r, "Too many failed logins")
			b.header.Del("Accept-Language")
			r = b.postForm("/login", url.Values{"username": {"auditor_fx"}, "password": {password}})
			if r.status != http.StatusUnauthorized {
				t.Errorf("locked, right password: status %d, want 401", r.status)
			}
			contains(t, r, "用户名或密码错误")
		})
	})
}

func TestLoginReturnsToThePageAskedFor(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		b := s.browser()
		r := b.get("/people?q=%E5%BC%A0")
		if r.status != http.StatusSeeOther || r.location != "/login?next=%2Fpeople%3Fq%3D%25E5%25BC%25A0" {
			t.Fatalf("without a session: %d to %q", r.status, r.location)
		}
		r = b.get(r.location)
		contains(t, r, `name="next" value="/people?q=%E5%BC%A0"`)
		r = b.postForm("/login", url.Values{"username": {"cw_haizhou"}, "password": {password}, "next": {"/people?q=%E5%BC%A0"}})
		if r.status != http.StatusSeeOther || r.location != "/people?q=%E5%BC%A0" {
			t.Fatalf("after login: %d to %q", r.status, r.location)
		}
		if !strings.Contains(r.header.Get("Set-Cookie"), "houdun_session=") || !strings.Contains(r.header.Get("Set-Cookie"), "HttpOnly") {
			t.Errorf("session cookie: %q", r.header.Get("Set-Cookie"))
		}
		contains(t, b.get("/"), "cw_haizhou", "专班工作人员", `href="/people"`, `href="/import"`)
		lacks(t, b.get("/"), `href="/audit"`, `href="/users"`)
		// next must stay on this site.
		r = s.browser().postForm("/login", url.Values{"username": {"cw_haizhou"}, "password": {password}, "next": {"//evil.example/"}})
		if r.location != "/" {
			t.Errorf("an outside next led to %q", r.location)
		}
		// Logging out ends the session on the server.
		if r := b.postForm("/logout", nil); r.status != http.StatusSeeOther || r.location != "/login" {
			t.Errorf("logout: %d %q", r.status, r.location)
		}
		if r := b.get("/people"); r.status != http.StatusSeeOther {
			t.Errorf("after logout /people answers %d", r.status)
		}
	})
}

func TestPeopleListShowsMaskedNumbersOnly(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		b := s.as("cw_haizhou")
		r := b.get("/people")
		if r.status != http.StatusOK {
			t.Fatalf("status %d", r.status)
		}
		contains(t, r, "张伟", s.zhang.IDNumberMasked, "139****5678", "阜新市中心医院", "护士", "共 1 人")
		lacks(t, r, s.zhangIDN, "13912345678", "李娜")
		// The person page is masked too until a reveal is asked for.
		detail := b.get("/people/" + strconv.FormatInt(s.zhang.ID, 10))
		contains(t, detail, s.zhang.IDNumberMasked, "显示完整证件号和手机号")
		lacks(t, detail, s.zhangIDN)
		revealed := b.get("/people/" + strconv.FormatInt(s.zhang.ID, 10) + "?reveal=1")
		contains(t, revealed, s.zhangIDN, "13912345678", "已记入审计日志")
		// Filters stay in the query string and reach the export links.
		r = b.get("/people?q=%E5%BC%A0&frontline=true")
		contains(t, r, `/api/v1/exports/people.xlsx?frontline=true&amp;q=%E5%BC%A0`, `<option value="true" selected>`)
		if r := b.get("/people?q=nobody"); !strings.Contains(r.body, "没有符合条件的人员") {
			t.Error("an empty result has no message")
		}
	})
}

func TestScopeAndRolesDecideBetween404And403(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		cw := s.as("cw_haizhou")
		li := "/people/" + strconv.FormatInt(s.li.ID, 10)
		for _, path := range []string{li, li + "/edit", li + "/family/new", "/people/999999", "/no/such/page"} {
			if r := cw.get(path); r.status != http.StatusNotFound {
				t.Errorf("caseworker of 210902 GET %s: %d, want 404", path, r.status)
			} else {
				contains(t, r, "找不到页面或记录")
				lacks(t, r, "李娜")
			}
		}
		if r := cw.postForm(li+"/family", url.Values{"name": {"王五"}, "relation": {"spouse"}, "birth_date": {"1990-01-01"}}); r.status != http.StatusNotFound {
			t.Errorf("adding family to an out-of-scope person: %d", r.status)
		}
		leader := s.as("leader_fx")
		for _, path := range []string{"/people", "/people/" + strconv.FormatInt(s.zhang.ID, 10), "/import", "/users", "/audit"} {
			if r := leader.get(path); r.status != http.StatusForbidden {
				t.Errorf("leader GET %s: %d, want 403", path, r.status)
			} else {
				contains(t, r, "无权访问")
			}
		}
		auditor := s.as("auditor_fx")
		r := auditor.get("/audit?action=session.login")
		if r.status != http.StatusOK {
			t.Fatalf("auditor /audit: %d", r.status)
		}
		contains(t, r, "登录", "cw_haizhou")
		if r := auditor.get("/people"); r.status != http.StatusForbidden {
			t.Errorf("auditor /people: %d", r.status)
		}
	})
}

var fieldError = regexp.MustCompile(`<p class="error" id="f-([a-z_]+)-error">([^<]*)</p>`)

func errorsOf(body string) map[string]string {
	out := map[string]string{}
	for _, m := range fieldError.FindAllStringSubmatch(body, -1) {
		out[m[1]] = m[2]
	}
	return out
}

func TestCreateFormShowsErrorsBesideTheFieldsAndWritesNothing(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		b := s.as("cw_haizhou")
		contains(t, b.get("/people/new"), `name="id_number"`, "阜新市中心医院")
		bad := ident.MakeIDNumber("210902", time.Date(1988, 2, 3, 0, 0, 0, 0, time.UTC), 5)
		bad = bad[:17] + map[bool]string{true: "1", false: "2"}[bad[17] != '1'] // a wrong check character
		form := url.Values{"name": {"赵敏"}, "id_number": {bad}, "phone": {"139123"}, "institution_id": {strconv.FormatInt(s.haizhou.ID, 10)},
			"department": {"急诊科"}, "occupation": {"doctor"}, "frontline": {"1"}}
		r := b.postForm("/people", form)
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", r.status)
		}
		errs := errorsOf(r.body)
		if errs["id_number"] != "身份证号校验位不正确" || errs["phone"] == "" {
			t.Errorf("field errors: %v", errs)
		}
		contains(t, r, `value="赵敏"`, `value="急诊科"`, `value="`+bad+`"`, `<option value="doctor" selected>`, `name="frontline" value="1" checked`)
		list, err := st.ListPeople(testutil.System(), model.PersonFilter{Q: "赵敏"})
		if err != nil || list.Total != 0 {
			t.Errorf("a failed form wrote %d people (%v)", list.Total, err)
		}
		// Corrected, it is accepted (the same answer whether the ID number
		// was new or registered in another area) and the person is in the list.
		form.Set("id_number", ident.MakeIDNumber("210902", time.Date(1988, 2, 3, 0, 0, 0, 0, time.UTC), 5))
		form.Set("phone", "")
		r = b.postForm("/people", form)
		if r.status != http.StatusSeeOther || r.location != "/people?msg=person_accepted" {
			t.Fatalf("corrected form: %d %q\n%s", r.status, r.location, r.body)
		}
		contains(t, b.get(r.location), "赵敏", "登记已受理")
	})
}

func TestEditWithAStaleVersionKeepsTheInputAndSaysWhy(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		b := s.as("cw_haizhou")
		path := "/people/" + strconv.FormatInt(s.zhang.ID, 10)
		edit := b.get(path + "/edit")
		contains(t, edit, `name="version" value="1"`, `placeholder="`+s.zhang.IDNumberMasked+`"`)
		lacks(t, edit, s.zhangIDN)
		// Someone else saves first.
		title := "主任护师"
		if _, err := st.UpdatePerson(testutil.System(), s.zhang.ID, model.PersonInput{Title: &title}); err != nil {
			t.Fatal(err)
		}
		form := url.Values{"name": {"张伟"}, "institution_id": {strconv.FormatInt(s.haizhou.ID, 10)}, "occupation": {"nurse"},
			"department": {"感染科"}, "title": {"副主任护师"}, "version": {"1"}}
		r := b.postForm(path, form)
		if r.status != http.StatusConflict {
			t.Fatalf("status %d, want 409", r.status)
		}
		contains(t, r, "该记录已被他人修改", `value="感染科"`, `value="副主任护师"`, `name="version" value="2"`)
		got, _ := st.GetPerson(testutil.System(), s.zhang.ID, false)
		if got.Department == "感染科" || got.Title != "主任护师" {
			t.Errorf("a stale save changed the record: %+v", got)
		}
		// Saving again, knowingly, over the current version works and keeps the ID number.
		form.Set("version", "2")
		if r := b.postForm(path, form); r.status != http.StatusSeeOther {
			t.Fatalf("second save: %d\n%s", r.status, r.body)
		}
		got, _ = st.GetPerson(testutil.System(), s.zhang.ID, true)
		if got.Department != "感染科" || got.IDNumber != s.zhangIDN || got.Phone != "13912345678" {
			t.Errorf("after the save: %+v", got)
		}
	})
}

func TestFamilyMembersAreAddedEditedAndDeletedThroughForms(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		b := s.as("cw_haizhou")
		base := "/people/" + strconv.FormatInt(s.zhang.ID, 10)
		r := b.postForm(base+"/family", url.Values{"name": {"张母"}, "relation": {"parent"}, "care_needs": {"elderly_care", "chronic_illness"}, "lives_with": {"1"}})
		if r.status != http.StatusUnprocessableEntity || errorsOf(r.body)["birth_date"] != "请填写出生日期或身份证号" {
			t.Fatalf("missing birth date: %d %v", r.status, errorsOf(r.body))
		}
		contains(t, r, `value="elderly_care" checked`, `value="chronic_illness" checked`, `value="张母"`)
		r = b.postForm(base+"/family", url.Values{"name": {"张母"}, "relation": {"parent"}, "birth_date": {"1950-03-01"},
			"care_needs": {"elderly_care", "chronic_illness"}, "lives_with": {"1"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", r.status, r.body)
		}
		page := b.get(base)
		contains(t, page, "张母", "父母", "老人需照护", "慢性病", "1950-03-01", "(76 岁)")
		fam, _ := st.ListFamily(testutil.System(), s.zhang.ID, false)
		if len(fam) != 1 {
			t.Fatalf("family: %+v", fam)
		}
		mpath := base + "/family/" + strconv.FormatInt(fam[0].ID, 10)
		contains(t, b.get(mpath+"/edit"), `value="1950-03-01"`, `name="version" value="1"`)
		r = b.postForm(mpath, url.Values{"name": {"张母"}, "relation": {"parent"}, "birth_date": {"1950-03-01"}, "care_needs": {"minor"}, "version": {"1"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("update: %d\n%s", r.status, r.body)
		}
		contains(t, b.get(mpath+"/delete"), "确定删除 张母（父母）吗")
		if fam, _ := st.ListFamily(testutil.System(), s.zhang.ID, false); len(fam) != 1 {
			t.Fatal("the confirmation page deleted")
		}
		if r := b.postForm(mpath+"/delete", url.Values{"version": {"2"}}); r.status != http.StatusSeeOther {
			t.Fatalf("delete: %d\n%s", r.status, r.body)
		}
		if fam, _ := st.ListFamily(testutil.System(), s.zhang.ID, false); len(fam) != 0 {
			t.Errorf("after delete: %+v", fam)
		}
	})
}

// waitJob follows an import's job page until it stops refreshing itself.
func waitJob(t *testing.T, b *browser, path string) response {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := b.get(path)
		if r.status != http.StatusOK {
			t.Fatalf("job page %s: %d", path, r.status)
		}
		if !strings.Contains(r.body, `http-equiv="refresh"`) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatal("the import did not finish")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestImportOfABadFileListsTheRowsAndImportsNothing(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		b := s.as("cw_haizhou")
		page := b.get("/import")
		contains(t, page, "/api/v1/imports/people/template.xlsx", "/api/v1/imports/families/template.xlsx", `type="file"`, `name="dry_run"`)
		good := ident.MakeIDNumber("210902", time.Date(1979, 5, 6, 0, 0, 0, 0, time.UTC), 31)
		csv := "姓名,身份证号,手机号,单位,科室,职业类别,职称,是否一线\n" +
			"周芳," + good + ",13800001111,阜新市中心医院,呼吸科,护士,护师,是\n" +
			"吴强,210902198001010000,13800002222,阜新市中心医院,急诊科,医生,主治医师,是\n"
		r := b.upload("/import/people", "名单.csv", []byte(csv), false)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/import/jobs/") {
			t.Fatalf("upload: %d %q\n%s", r.status, r.location, r.body)
		}
		job := r.location
		result := waitJob(t, b, job)
		contains(t, result, "文件中的数据均未导入", "<caption>错误明细</caption>", `<td data-label="行号" class="num">3</td>`, "身份证号")
		if list, _ := st.ListPeople(testutil.System(), model.PersonFilter{Q: "周芳"}); list.Total != 0 {
			t.Error("a bad file imported its good rows")
		}
		// The job is its starter's only.
		s.user("cw_other", auth.RoleCaseworker, "210902")
		if r := s.as("cw_other").get(job); r.status != http.StatusNotFound {
			t.Errorf("another user sees the job: %d", r.status)
		}
		// The good file alone imports, and says how many.
		r = b.upload("/import/people", "roster.csv", []byte(strings.Join(strings.Split(csv, "\n")[:2], "\n")+"\n"), false)
		result = waitJob(t, b, r.location)
		contains(t, result, "导入完成", "<dt>新增</dt><dd>1</dd>")
		// No file at all is refused on the upload page itself.
		r = b.upload("/import/families", "", nil, false)
		if r.status != http.StatusBadRequest {
			t.Errorf("no file: %d", r.status)
		}
		contains(t, r, "请选择要上传的文件")
	})
}

func TestCrossSitePostsAreRejected(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		b := s.as("cw_haizhou")
		b.header.Set("Sec-Fetch-Site", "cross-site")
		r := b.postForm("/people", url.Values{"name": {"钱七"}, "id_number": {ident.MakeIDNumber("210902", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), 1)},
			"institution_id": {strconv.FormatInt(s.haizhou.ID, 10)}, "occupation": {"doctor"}})
		if r.status != http.StatusForbidden {
			t.Errorf("cross-site create: %d, want 403", r.status)
		}
		if r := b.postForm("/logout", nil); r.status != http.StatusForbidden {
			t.Errorf("cross-site logout: %d, want 403", r.status)
		}
		if list, _ := st.ListPeople(testutil.System(), model.PersonFilter{Q: "钱七"}); list.Total != 0 {
			t.Error("a cross-site post wrote a person")
		}
		// The same page from the site itself may.
		b.header.Set("Sec-Fetch-Site", "same-origin")
		if r := b.get("/people"); r.status != http.StatusOK {
			t.Errorf("same-origin GET after the rejected posts: %d", r.status)
		}
	})
}

func TestLanguageSwitchSetsACookieAndStaysOnTheSite(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		b := s.as("cw_haizhou")
		r := b.get("/lang?to=en&back=%2Fpeople%3Fq%3Dx")
		if r.status != http.StatusSeeOther || r.location != "/people?q=x" || !strings.Contains(r.header.Get("Set-Cookie"), "lang=en") {
			t.Fatalf("switch: %d %q %q", r.status, r.location, r.header.Get("Set-Cookie"))
		}
		page := b.get("/people")
		contains(t, page, `<html lang="en">`, "People", "Occupation", "Nurse", `lang="zh-CN"`, "中文")
		lacks(t, page, "人员名单")
		for _, back := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example"} {
			if r := b.get("/lang?to=zh-CN&back=" + url.QueryEscape(back)); r.location != "/" {
				t.Errorf("back=%q led to %q", back, r.location)
			}
		}
	})
}

func TestStylesheetIsServedWithALongCache(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		b := s.browser()
		login := b.get("/login")
		m := regexp.MustCompile(`href="(/static/houdun\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(login.body)
		if m == nil {
			t.Fatal("no stylesheet link on the login page")
		}
		r := b.get(m[1])
		if r.status != http.StatusOK || !strings.Contains(r.header.Get("Cache-Control"), "max-age=31536000") || !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") {
			t.Errorf("stylesheet: %d %v", r.status, r.header)
		}
		if r := b.get("/static/"); r.status != http.StatusNotFound {
			t.Errorf("static folder listing: %d", r.status)
		}
		if cc := login.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("pages are cached: %q", cc)
		}
	})
}

func TestAdministratorsManageAccountsAndInstitutionsThroughForms(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		s.user("sys_fx", auth.RoleSysadmin, "2109")
		sys := s.as("sys_fx")
		form := url.Values{"username": {"cw_new"}, "display_name": {"新专员"}, "role": {"caseworker"}, "region_code": {"210902"}, "password": {"short"}}
		r := sys.postForm("/users", form)
		if r.status != http.StatusUnprocessableEntity || errorsOf(r.body)["password"] != "密码至少 8 位" {
			t.Fatalf("weak password: %d %v", r.status, errorsOf(r.body))
		}
		lacks(t, r, `value="short"`)
		contains(t, r, `value="cw_new"`, `<option value="caseworker" selected>`)
		// sysadmin makes the account with the role asked for; secadmin grants it (三权分立).
		contains(t, sys.get("/users/new"), `<option value="caseworker">`, `<option value="auditor">`)
		form.Set("password", password)
		if r := sys.postForm("/users", form); r.status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", r.status, r.body)
		}
		list := sys.get("/users?q=cw_new")
		contains(t, list, "cw_new", "新专员", "专班工作人员", "待授予角色", "一次性密码")
		lacks(t, list, `/grant"`)
		if r := s.browser().postForm("/login", url.Values{"username": {"cw_new"}, "password": {password}}); r.status != http.StatusForbidden ||
			!strings.Contains(r.body, "尚待安全管理员授予") {
			t.Errorf("login before the grant: %d", r.status)
		}
		s.user("sec_fx", auth.RoleSecadmin, "2109")
		sec := s.as("sec_fx")
		lacks(t, sec.get("/users"), `href="/users/new"`)
		if r := sec.get("/users/new"); r.status != http.StatusForbidden {
			t.Errorf("secadmin's new-account form: %d", r.status)
		}
		g := regexp.MustCompile(`action="(/users/\d+/grant)"`).FindStringSubmatch(sec.get("/users?q=cw_new").body)
		if g == nil {
			t.Fatal("no grant button for secadmin")
		}
		if r := sec.postForm(g[1], nil); r.status != http.StatusSeeOther {
			t.Fatalf("grant: %d", r.status)
		}
		// The first login goes to the password change before anything else.
		newcomer := s.browser()
		if r := newcomer.postForm("/login", url.Values{"username": {"cw_new"}, "password": {password}}); r.status != http.StatusSeeOther {
			t.Fatalf("login after the grant: %d\n%s", r.status, r.body)
		}
		for _, path := range []string{"/", "/people", "/inbox"} {
			if r := newcomer.get(path); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/account") {
				t.Errorf("%s with a one-time password: %d to %q", path, r.status, r.location)
			}
		}
		contains(t, newcomer.get("/account"), "须先修改密码")
		if r := newcomer.postForm("/account/password", url.Values{"current_password": {password}, "new_password": {"Own-choice!2026"},
			"confirm_password": {"Own-choice!2026"}}); r.status != http.StatusSeeOther {
			t.Fatalf("password change: %d\n%s", r.status, r.body)
		}
		if r := newcomer.get("/people"); r.status != http.StatusOK {
			t.Errorf("after the change: %d", r.status)
		}
		list = sys.get("/users?q=cw_new")
		contains(t, list, "正常")
		m := regexp.MustCompile(`action="(/users/\d+/disable)"`).FindStringSubmatch(list.body)
		if m == nil {
			t.Fatal("no disable button")
		}
		if r := sys.postForm(m[1], nil); r.status != http.StatusSeeOther {
			t.Fatalf("disable: %d", r.status)
		}
		contains(t, sys.get("/users?q=cw_new"), "已停用")
		if r := newcomer.get("/people"); r.status != http.StatusSeeOther {
			t.Errorf("a disabled account's session still works: %d", r.status)
		}
		if r := s.browser().postForm("/login", url.Values{"username": {"cw_new"}, "password": {"Own-choice!2026"}}); r.status != http.StatusUnauthorized {
			t.Errorf("a disabled account logs in: %d", r.status)
		}
		// Nobody disables their own account, not even through the form's address.
		if r := sys.postForm(fmt.Sprintf("/users/%d/disable", userID(t, st, "sys_fx")), nil); r.status != http.StatusForbidden {
			t.Errorf("sysadmin disables itself: %d", r.status)
		}

		cw := s.as("cw_haizhou")
		contains(t, cw.get("/institutions"), "阜新市中心医院")
		lacks(t, cw.get("/institutions"), "新邱区人民医院")
		r = cw.postForm("/institutions", url.Values{"name": {"海州区疾控中心"}, "type": {"cdc"}, "region_code": {"210903"}, "credit_code": {"91350100M000100Y44"}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad institution: %d", r.status)
		}
		errs := errorsOf(r.body)
		if errs["credit_code"] != "统一社会信用代码校验位不正确" {
			t.Errorf("institution errors: %v", errs)
		}
		r = cw.postForm("/institutions", url.Values{"name": {"海州区疾控中心"}, "type": {"cdc"}, "region_code": {"210902"}, "credit_code": {"91350100M000100Y43"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("institution: %d\n%s", r.status, r.body)
		}
		contains(t, cw.get("/institutions?type=cdc"), "海州区疾控中心", "疾病预防控制中心")

		auditor := s.as("auditor_fx")
		if r := auditor.get("/audit?from=2026-13-01"); r.status != http.StatusUnprocessableEntity || errorsOf(r.body)["from"] == "" {
			t.Errorf("bad date: %d %v", r.status, errorsOf(r.body))
		}
		contains(t, auditor.get("/audit?action=institution.create&from=2026-03-01&to=2026-03-01"), "登记单位", "共 3 条")
		contains(t, auditor.get("/audit?action=institution.create&from=2026-03-02"), "共 0 条")
	})
}
