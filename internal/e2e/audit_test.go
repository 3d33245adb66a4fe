package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/testutil"
)

// TestAuditTrailFitsAPhoneScreen: the auditor opens the audit trail on a
// phone; its entries are cards (one labelled line per field, as the case
// list's), nothing is wider than the screen, and the newest check of the
// audit chain is shown above them.
func TestAuditTrailFitsAPhoneScreen(t *testing.T) {
	a := newApp(t)
	user, role, region := "qian.auditor", auth.RoleAuditor, "2109"
	pw := password
	if _, err := a.st.CreateUser(testutil.System(), model.UserInput{Username: &user, Role: &role, RegionCode: &region, Password: &pw}); err != nil {
		t.Fatal(err)
	}
	secret := auth.DemoTOTPSecret("e2e " + user)
	if err := a.st.EnrolOTP(testutil.System(), user, secret); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.CheckAuditChain(testutil.System(), "start"); err != nil {
		t.Fatal(err)
	}
	code, err := auth.TOTPCode(secret, a.st.Now())
	if err != nil {
		t.Fatal(err)
	}
	ctx := browse(t, 390, 800)
	do(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 800, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	do(t, ctx, "log in with the code",
		chromedp.Navigate(a.url+"/audit"),
		chromedp.WaitVisible(chromedp.ID("f-username")),
		chromedp.SendKeys(chromedp.ID("f-username"), user),
		chromedp.SendKeys(chromedp.ID("f-password"), password),
		submit(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("f-otp")),
		chromedp.SendKeys(chromedp.ID("f-otp"), code),
		submit(chromedp.CSS(`form[action="/login/otp"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("table.audit-log")),
	)
	wantContains(t, text(t, ctx, "#audit-chain"), "未发现篡改")
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](`[document.documentElement.scrollWidth,
		getComputedStyle(document.querySelector("table.audit-log td")).display,
		getComputedStyle(document.querySelector("table.audit-log td"), "::before").content]`))
	if err != nil {
		t.Fatal(err)
	}
	if w, _ := got[0].(float64); w > 390+4 {
		t.Errorf("the audit trail overflows the phone: %v px", got[0])
	}
	// A phone shows every list as cards: each cell a line with its label
	// hanging in the margin (houdun.css, "Every list as cards").
	if got[1] != "flow-root" || got[2] != `"时间"` {
		t.Errorf("an entry's cell shows as %v with label %v, want a labelled card line", got[1], got[2])
	}
	screenshot(t, ctx, "/tmp/houdun-audit-phone.png")
}
