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

// TestAWorkerScreensOnAPhoneAndTheCounsellorSeesTheAlert: on a 390 px
// phone the worker opens the self-check, consents once, answers PHQ-9 with
// item 9 "several days" and at once sees the crisis resources with the
// hotline to call; the page fits the screen. Logged in as the district's
// counsellor in the same browser moments later, the alert is in the inbox
// and on the alerts page, and recording contact closes it.
func TestAWorkerScreensOnAPhoneAndTheCounsellorSeesTheAlert(t *testing.T) {
	a := newApp(t)
	sys := testutil.System()
	region := "210902"
	for _, u := range []model.UserInput{
		{Username: ptrTo("zhang.worker"), Role: ptrTo(auth.RoleWorker), PersonID: &a.zhang.ID, Password: ptrTo(password)},
		{Username: ptrTo("li.counselor"), Role: ptrTo(auth.RoleCounselor), RegionCode: &region, Password: ptrTo(password)},
	} {
		if _, err := a.st.CreateUser(sys, u); err != nil {
			t.Fatal(err)
		}
	}
	ctx := browseFor(t, 390, 844, 90*time.Second)
	do(t, ctx, "log in as the worker",
		chromedp.Navigate(a.url+"/me/wellbeing"),
		chromedp.WaitVisible(chromedp.ID("f-username")),
		chromedp.SendKeys(chromedp.ID("f-username"), "zhang.worker"),
		chromedp.SendKeys(chromedp.ID("f-password"), password),
		submit(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("f-agree")),
	)
	for _, p := range layoutProblems(t, ctx) {
		t.Errorf("consent at 390 px: %s", p)
	}
	do(t, ctx, "consent",
		chromedp.Click(chromedp.ID("f-agree")),
		submit(chromedp.CSS(`form[action="/me/wellbeing/consent"] button[type=submit]`)),
		submit(chromedp.CSS(`a[href="/me/wellbeing/phq9"]`)),
		chromedp.WaitVisible(chromedp.CSS("form.psych-form")),
	)
	// Not a single answer: the form comes back saying how many are missing.
	do(t, ctx, "submit nothing", submit(chromedp.CSS(`form.psych-form button[type=submit]`)))
	wantContains(t, text(t, ctx, ".problem"), "9")
	answers := []int{1, 0, 2, 1, 0, 0, 1, 0, 1} // item 9: several days
	for i, v := range answers {
		do(t, ctx, "answer", chromedp.Click(chromedp.CSS(`label[for="q`+itoa(i)+`-`+itoa(v)+`"]`)))
	}
	for _, p := range layoutProblems(t, ctx) {
		t.Errorf("form at 390 px: %s", p)
	}
	submitted := time.Now()
	do(t, ctx, "submit", submit(chromedp.CSS(`form.psych-form button[type=submit]`)))
	if got := text(t, ctx, "main"); !strings.Contains(got, "12356") {
		t.Fatalf("after the answers: %.600s", got)
	}
	crisis := text(t, ctx, "#crisis")
	wantContains(t, crisis, "12356")
	wantContains(t, text(t, ctx, ".result"), "轻度")
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#crisis a[href="tel:12356"]').length`)); err != nil || n != 1 {
		t.Errorf("hotline link: %d %v", n, err)
	}
	for _, p := range layoutProblems(t, ctx) {
		t.Errorf("result at 390 px: %s", p)
	}

	logout(t, ctx)
	do(t, ctx, "log in as the counsellor",
		chromedp.SendKeys(chromedp.ID("f-username"), "li.counselor"),
		chromedp.SendKeys(chromedp.ID("f-password"), password),
		submit(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("header .who")),
		chromedp.Navigate(a.url+"/inbox"),
		chromedp.WaitVisible(chromedp.CSS("main")),
	)
	wantContains(t, text(t, ctx, "main"), "心理危机预警")
	do(t, ctx, "alerts", chromedp.Navigate(a.url+"/psych/alerts"), chromedp.WaitVisible(chromedp.CSS(".alert-card")))
	if waited := time.Since(submitted); waited > 30*time.Second {
		t.Errorf("the alert took %s to show", waited)
	}
	row := text(t, ctx, ".alert-card")
	wantContains(t, row, "张伟")
	wantContains(t, row, "待联系")
	for _, p := range layoutProblems(t, ctx) {
		t.Errorf("alerts at 390 px: %s", p)
	}
	do(t, ctx, "record contact",
		chromedp.SendKeys(chromedp.CSS(".alert-card textarea"), "已电话联系，本人安全，约明早面谈"),
		submit(chromedp.CSS(`.alert-card form button[type=submit]`)),
	)
	if got := text(t, ctx, "main"); !strings.Contains(got, "没有待处理的预警") {
		t.Errorf("after contact: %.300s", got)
	}
}

func ptrTo[T any](v T) *T { return &v }

func itoa(n int) string { return string(rune('0' + n)) }
