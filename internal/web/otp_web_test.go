package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

var shownSecret = regexp.MustCompile(`<code class="otp-secret" id="otp-secret">([A-Z2-7 ]+)</code>`)

// cookie returns the Set-Cookie line of name in r, or "".
func cookie(r response, name string) string {
	for _, c := range r.header.Values("Set-Cookie") {
		if strings.HasPrefix(c, name+"=") {
			return c
		}
	}
	return ""
}

func TestAnAdministratorEnrolsAnAuthenticatorAndThenLogsInWithItsCodes(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		s.newUser("sec_new", auth.RoleSecadmin, "2109")
		b := s.browser()
		if r := b.get("/users"); r.status != http.StatusSeeOther || r.location != "/login?next=%2Fusers" {
			t.Fatalf("/users without a session: %d %q", r.status, r.location)
		}

		// The password step answers with the enrolment page itself: the key
		// is shown in this answer only.
		r := b.postForm("/login", url.Values{"username": {"sec_new"}, "password": {password}, "next": {"/users"}})
		if r.status != http.StatusOK {
			t.Fatalf("password step: %d %q", r.status, r.location)
		}
		contains(t, r, "绑定身份验证器", `<img src="data:image/png;base64,`, "otpauth://totp/houdun:sec_new?", "密钥只显示这一次", `name="next" value="/users"`)
		m := shownSecret.FindStringSubmatch(r.body)
		if m == nil {
			t.Fatal("no secret on the enrolment page")
		}
		secret := strings.ReplaceAll(m[1], " ", "")
		if c := cookie(r, "houdun_session"); c != "" {
			t.Errorf("a session before the second step: %s", c)
		}
		pending := cookie(r, "houdun_login")
		for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/login"} {
			if !strings.Contains(pending, want) {
				t.Errorf("pending cookie %q lacks %s", pending, want)
			}
		}
		if strings.Contains(pending, secret) {
			t.Error("the pending cookie carries the secret")
		}

		// Nothing else works until the code confirms the authenticator.
		if r := b.get("/users"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/login") {
			t.Errorf("/users during enrolment: %d %q", r.status, r.location)
		}
		if r := b.get("/login/otp"); r.status != http.StatusSeeOther || r.location != "/login/enrol" {
			t.Errorf("the code page during enrolment: %d %q", r.status, r.location)
		}
		// Coming back to the page does not show the key again.
		again := b.get("/login/enrol?next=%2Fusers")
		contains(t, again, "密钥已在上一页显示过", "生成新密钥")
		lacks(t, again, m[1], "data:image/png")

		r = b.postForm("/login/enrol", url.Values{"otp": {"000000"}, "next": {"/users"}})
		if r.status != http.StatusUnauthorized || errorsOf(r.body)["otp"] != "验证码错误、已过期或已使用过" {
			t.Errorf("wrong code: %d %v", r.status, errorsOf(r.body))
		}
		code, _ := auth.TOTPCode(secret, clock.Now())
		r = b.postForm("/login/enrol", url.Values{"otp": {code}, "next": {"/users"}})
		if r.status != http.StatusSeeOther || r.location != "/users" {
			t.Fatalf("enrolment: %d %q\n%s", r.status, r.location, r.body)
		}
		if !strings.Contains(cookie(r, "houdun_session"), "HttpOnly") || !strings.Contains(cookie(r, "houdun_login"), "Max-Age=0") {
			t.Errorf("cookies after the enrolment: %v", r.header.Values("Set-Cookie"))
		}
		contains(t, b.get("/users"), "sec_new", "已绑定验证器")

		// The next login asks for a code as its second step.
		b.postForm("/logout", nil)
		r = b.postForm("/login", url.Values{"username": {"sec_new"}, "password": {password}, "next": {"/users"}})
		if r.status != http.StatusSeeOther || r.location != "/login/otp?next=%2Fusers" {
			t.Fatalf("second login's password step: %d %q", r.status, r.location)
		}
		if r := b.get("/users"); r.status != http.StatusSeeOther {
			t.Errorf("/users between the steps: %d", r.status)
		}
		contains(t, b.get(r.location), "输入动态验证码", "sec_new", `autocomplete="one-time-code"`)
		// The enrolment's code was used: it does not work again.
		if r := b.postForm("/login/otp", url.Values{"otp": {code}}); r.status != http.StatusUnauthorized {
			t.Errorf("a used code: %d", r.status)
		}
		next, _ := auth.TOTPCode(secret, clock.Now().Add(30*time.Second))
		r = b.postForm("/login/otp", url.Values{"otp": {next[:3] + " " + next[3:]}, "next": {"/users"}})
		if r.status != http.StatusSeeOther || r.location != "/users" {
			t.Fatalf("code step: %d %q\n%s", r.status, r.location, r.body)
		}

		// A forged pending cookie is no login.
		forged := s.browser()
		forged.header.Set("Cookie", "houdun_login=forged")
		if r := forged.get("/login/otp"); r.status != http.StatusSeeOther || r.location != "/login" {
			t.Errorf("forged pending login: %d %q", r.status, r.location)
		}
		if r := forged.postForm("/login/otp", url.Values{"otp": {next}}); r.status != http.StatusSeeOther || cookie(r, "houdun_session") != "" {
			t.Errorf("forged pending login's code: %d %v", r.status, r.header.Values("Set-Cookie"))
		}

		// The pages are in English on request.
		s.newUser("aud_new", auth.RoleAuditor, "2109")
		en := s.browser()
		en.header.Set("Accept-Language", "en")
		contains(t, en.postForm("/login", url.Values{"username": {"aud_new"}, "password": {password}}),
			"Set up an authenticator", "If you cannot scan it, enter this key by hand")
	})
}

func TestTheSecurityAdministratorResetsAnAuthenticatorFromTheAccountsList(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		s.user("sec_fx", auth.RoleSecadmin, "2109")
		s.user("sys_fx", auth.RoleSysadmin, "2109")
		sec, sys := s.as("sec_fx"), s.as("sys_fx")
		list := sec.get("/users?q=sys_fx")
		contains(t, list, "已绑定验证器", "重置验证器")
		m := regexp.MustCompile(`action="(/users/\d+/otp/reset)"`).FindStringSubmatch(list.body)
		if m == nil {
			t.Fatal("no reset button")
		}
		lacks(t, sys.get("/users"), "重置验证器")
		if r := sys.postForm(m[1], nil); r.status != http.StatusForbidden {
			t.Errorf("sysadmin resets: %d", r.status)
		}
		r := sec.postForm(m[1], nil)
		if r.status != http.StatusSeeOther || r.location != "/users?msg=otp_reset" {
			t.Fatalf("reset: %d %q", r.status, r.location)
		}
		contains(t, sec.get(r.location), "已重置该账号的身份验证器", "未绑定验证器")
		if r := sys.get("/users"); r.status != http.StatusSeeOther {
			t.Errorf("the reset account's session goes on: %d", r.status)
		}
		// Its next login enrols a new authenticator.
		contains(t, s.browser().postForm("/login", url.Values{"username": {"sys_fx"}, "password": {password}}), "绑定身份验证器", "otp-secret")
	})
}

func TestTheAccountPageChangesThePasswordAndEndsTheOtherSessions(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		here, there := s.as("cw_haizhou"), s.as("cw_haizhou")
		contains(t, here.get("/people"), `href="/account"`, "账号安全")
		page := here.get("/account")
		contains(t, page, "修改密码", "当前密码", "至少 8 位")
		lacks(t, page, "更换身份验证器")
		const next = "Brand-new-2026"
		for _, c := range []struct {
			name, lang     string
			form           url.Values
			field, message string
		}{
			{"the two new passwords differ", "", url.Values{"current_password": {password}, "new_password": {next}, "confirm_password": {next + "x"}},
				"confirm_password", "两次输入的新密码不一致"},
			{"a wrong current password", "", url.Values{"current_password": {"Wrong-pass-1"}, "new_password": {next}, "confirm_password": {next}},
				"current_password", "当前密码不正确"},
			{"a short new password", "", url.Values{"current_password": {password}, "new_password": {"Ab1!"}, "confirm_password": {"Ab1!"}},
				"new_password", "密码至少 8 位"},
			{"the same password, in English", "en", url.Values{"current_password": {password}, "new_password": {password}, "confirm_password": {password}},
				"new_password", "The new password must differ from the current one"},
		} {
			t.Run(c.name, func(t *testing.T) {
				here.header.Del("Accept-Language")
				if c.lang != "" {
					here.header.Set("Accept-Language", c.lang)
				}
				r := here.postForm("/account/password", c.form)
				if r.status != http.StatusUnprocessableEntity || errorsOf(r.body)[c.field] != c.message {
					t.Errorf("%d %v, want %s: %s", r.status, errorsOf(r.body), c.field, c.message)
				}
				lacks(t, r, `value="`+c.form.Get("new_password")+`"`, `value="`+c.form.Get("current_password")+`"`)
			})
		}
		here.header.Del("Accept-Language")
		// Nothing was changed by the refused attempts.
		if r := there.get("/people"); r.status != http.StatusOK {
			t.Fatalf("the other session after refused changes: %d", r.status)
		}
		r := here.postForm("/account/password", url.Values{"current_password": {password}, "new_password": {next}, "confirm_password": {next}})
		if r.status != http.StatusSeeOther || r.location != "/account?msg=password_changed" {
			t.Fatalf("change: %d %q %v", r.status, r.location, errorsOf(r.body))
		}
		contains(t, here.get(r.location), "密码已修改")
		if r := here.get("/people"); r.status != http.StatusOK {
			t.Errorf("the changing session ended: %d", r.status)
		}
		if r := there.get("/people"); r.status != http.StatusSeeOther {
			t.Errorf("the other session survives: %d", r.status)
		}
		if r := s.browser().postForm("/login", url.Values{"username": {"cw_haizhou"}, "password": {password}}); r.status != http.StatusUnauthorized {
			t.Errorf("the old password: %d", r.status)
		}
		if r := s.browser().postForm("/login", url.Values{"username": {"cw_haizhou"}, "password": {next}}); r.status != http.StatusSeeOther {
			t.Errorf("the new password: %d", r.status)
		}
	})
}

func TestAnAdministratorReplacesTheirOwnAuthenticatorWithItsCode(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		aud := s.as("auditor_fx")
		contains(t, aud.get("/account"), "更换身份验证器", `action="/account/otp/reset"`)
		r := aud.postForm("/account/otp/reset", url.Values{"otp": {"000000"}})
		if r.status != http.StatusUnauthorized || errorsOf(r.body)["otp"] == "" {
			t.Errorf("wrong code: %d %v", r.status, errorsOf(r.body))
		}
		r = aud.postForm("/account/otp/reset", url.Values{"otp": {""}})
		if r.status != http.StatusBadRequest || errorsOf(r.body)["otp"] != "解除自己的身份验证器须输入当前验证码" {
			t.Errorf("no code: %d %v", r.status, errorsOf(r.body))
		}
		r = aud.postForm("/account/otp/reset", url.Values{"otp": {s.otp("auditor_fx")}})
		if r.status != http.StatusSeeOther || r.location != "/login?msg=otp_removed" {
			t.Fatalf("reset: %d %q %v", r.status, r.location, errorsOf(r.body))
		}
		contains(t, aud.get(r.location), "身份验证器已解除绑定")
		if r := aud.get("/audit"); r.status != http.StatusSeeOther {
			t.Errorf("the session goes on after the reset: %d", r.status)
		}
	})
}
