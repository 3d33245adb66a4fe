package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/testutil"
)

// TestAnAdministratorEnrolsAnAuthenticatorAndLogsInWithItsCode is the first
// day of a security administrator: the password, then the enrolment page
// with its QR code and key, a code computed here from the key the page shows
// (as the phone's app would), the accounts page; then, after logging out, a
// login with the password and the next code.
func TestAnAdministratorEnrolsAnAuthenticatorAndLogsInWithItsCode(t *testing.T) {
	a := newApp(t)
	user, role, region, display := "zhao.secadmin", auth.RoleSecadmin, "2109", "赵安全"
	pw := password
	if _, err := a.st.CreateUser(testutil.System(), model.UserInput{Username: &user, DisplayName: &display, Role: &role, RegionCode: &region, Password: &pw}); err != nil {
		t.Fatal(err)
	}
	ctx := browse(t, 1280, 900)
	do(t, ctx, "password step",
		chromedp.Navigate(a.url+"/users"),
		chromedp.WaitVisible(chromedp.ID("f-username")),
		chromedp.SendKeys(chromedp.ID("f-username"), user),
		chromedp.SendKeys(chromedp.ID("f-password"), password),
		submit(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("otp-secret")),
	)
	wantContains(t, text(t, ctx, "h1"), "绑定身份验证器")
	// The QR code is an inline image the page's CSP lets through: it has loaded.
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelector("figure.qr img").naturalWidth`))
	if err != nil || width != 220 {
		t.Errorf("QR code width %d (%v): the image did not load", width, err)
	}
	if uri, _ := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS("code.otp-uri"))); !strings.Contains(uri, "otpauth://totp/houdun:zhao.secadmin") {
		t.Errorf("otpauth URI %q", uri)
	}
	screenshot(t, ctx, "/tmp/houdun-otp-enrol.png")
	secret := strings.ReplaceAll(text(t, ctx, "#otp-secret"), " ", "")
	// Nothing but the second step until the code is typed.
	if cookies, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.cookie`)); err != nil || strings.Contains(cookies, "houdun") {
		t.Errorf("script-readable cookies %q (%v)", cookies, err)
	}

	code, err := auth.TOTPCode(secret, a.st.Now())
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "confirm the authenticator",
		chromedp.SendKeys(chromedp.ID("f-otp"), code),
		submit(chromedp.CSS(`form[action="/login/enrol"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("header .who")),
	)
	wantContains(t, text(t, ctx, "header .who"), user)
	wantContains(t, text(t, ctx, "h1"), "账号")
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/users") {
		t.Errorf("after enrolling: %s, want the page asked for", loc)
	}
	wantContains(t, text(t, ctx, "table.data tbody"), "已绑定验证器")

	logout(t, ctx)
	do(t, ctx, "password step of the next login",
		chromedp.SendKeys(chromedp.ID("f-username"), user),
		chromedp.SendKeys(chromedp.ID("f-password"), password),
		submit(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("f-otp")),
	)
	wantContains(t, text(t, ctx, "h1"), "输入动态验证码")
	// The enrolment's code is used up; the phone's next one is good.
	do(t, ctx, "a used code",
		chromedp.SendKeys(chromedp.ID("f-otp"), code),
		submit(chromedp.CSS(`form[action="/login/otp"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("f-otp-error")),
	)
	wantContains(t, text(t, ctx, "#f-otp-error"), "验证码错误")
	next, err := auth.TOTPCode(secret, a.st.Now().Add(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "the next code",
		chromedp.SendKeys(chromedp.ID("f-otp"), next),
		submit(chromedp.CSS(`form[action="/login/otp"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("header .who")),
	)
	wantContains(t, text(t, ctx, "header .who"), user)
	screenshot(t, ctx, "/tmp/houdun-otp-logged-in.png")
}
