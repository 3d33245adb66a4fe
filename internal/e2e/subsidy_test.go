package e2e

import (
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"houdun/internal/auth"
	"houdun/internal/config"
	"houdun/internal/ident"
	"houdun/internal/model"
	"houdun/internal/server"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestFromDeploymentDaysToAReceiptedBatch is the money's way in the
// browser: 张伟's 12 tier-1 days and 李娜's 4 tier-2 days of February become
// explained entitlements; one finance officer drafts the batch and may not
// approve it, the second approves it, the bank file is downloaded and the
// batch marked paid; 张伟 confirms receipt on his phone.
func TestFromDeploymentDaysToAReceiptedBatch(t *testing.T) {
	clock := testutil.NewClock(time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC))
	st := testutil.NewStore(t, store.SQLite, clock.Now)
	srv := httptest.NewServer(server.New(config.Default(), st, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	sys := testutil.System()
	name, typ, region := "阜新市中心医院", model.InstHospital, "210902"
	inst, err := st.CreateInstitution(sys, model.InstitutionInput{Name: &name, Type: &typ, RegionCode: &region})
	if err != nil {
		t.Fatal(err)
	}
	var people []model.Person
	for i, n := range []string{"张伟", "李娜"} {
		idn, front, occ := ident.MakeIDNumber("210902", time.Date(1986+i, 5, 1, 0, 0, 0, 0, time.UTC), 120+i), true, model.OccNurse
		p, err := st.CreatePerson(sys, model.PersonInput{Name: &n, IDNumber: &idn, InstitutionID: &inst.ID, Occupation: &occ, Frontline: &front})
		if err != nil {
			t.Fatal(err)
		}
		people = append(people, p)
		if _, err := st.SetBankAccount(sys, p.ID, model.BankAccountInput{BankName: "中国工商银行阜新分行", Account: fmt.Sprintf("62220212345678900%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	for tier, rate := range map[int]model.Fen{1: 30000, 2: 20000} {
		if _, err := st.CreateBenefitRule(sys, model.BenefitRuleInput{Kind: model.BenefitWorkSubsidy, Tier: tier, AmountFen: &rate, StartsOn: "2020-01-01", Basis: "财社〔2020〕2号"}); err != nil {
			t.Fatal(err)
		}
	}
	for i, d := range []struct {
		tier     int
		from, to string
	}{{1, "2026-02-02", "2026-02-13"}, {2, "2026-02-03", "2026-02-06"}} {
		post, err := st.CreatePost(sys, model.PostInput{Name: ptr(fmt.Sprintf("岗位%d", i)), InstitutionID: &inst.ID, Kind: ptr(model.PostIsolationWard), Tier: ptr(d.tier)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateDeployment(sys, model.DeploymentInput{PersonID: &people[i].ID, PostID: &post.ID, StartsOn: d.from, EndsOn: d.to}); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []model.UserInput{
		{Username: ptr("fin.maker"), DisplayName: ptr("财务甲"), Role: ptr(auth.RoleFinance), RegionCode: ptr("2109"), Password: ptr(password)},
		{Username: ptr("fin.checker"), DisplayName: ptr("财务乙"), Role: ptr(auth.RoleFinance), RegionCode: ptr("2109"), Password: ptr(password)},
		{Username: ptr("zhang.worker"), Role: ptr(auth.RoleWorker), PersonID: &people[0].ID, Password: ptr(password)},
	} {
		if _, err := st.CreateUser(sys, u); err != nil {
			t.Fatal(err)
		}
	}
	a := &needsApp{app: app{url: srv.URL, st: st}}
	ctx := browseFor(t, 1280, 900, 120*time.Second)

	a.loginAs(t, ctx, "/entitlements", "fin.maker")
	do(t, ctx, "compute February",
		chromedp.SetValue(chromedp.ID("c-month"), "2026-02"),
		submit(chromedp.ID("compute")),
		chromedp.WaitVisible(chromedp.CSS("div.notice")),
	)
	wantContains(t, text(t, ctx, "div.notice"), "2026-02：2 人")
	table := text(t, ctx, "table.data")
	for _, want := range []string{"张伟", "12 天", "300.00 元 = 3,600.00 元", "李娜", "800.00"} {
		wantContains(t, table, want)
	}
	do(t, ctx, "draft the batch",
		submit(chromedp.CSS(`nav.tabs a[href="/payment-batches"]`)),
		chromedp.WaitVisible(chromedp.ID("f-name")),
		chromedp.SendKeys(chromedp.ID("f-name"), "2026年2月一线补助"),
		chromedp.SetValue(chromedp.ID("f-month"), "2026-02"),
		submit(chromedp.ID("draft")),
		chromedp.WaitVisible(chromedp.ID("batch-status")),
	)
	wantContains(t, text(t, ctx, "#batch-total"), "4,400.00")
	wantContains(t, text(t, ctx, "#four-eyes"), "制单人以外")
	batchURL, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	logout(t, ctx)

	a.loginAs(t, ctx, batchURL, "fin.checker")
	do(t, ctx, "approve", submit(chromedp.ID("approve")), chromedp.WaitVisible(chromedp.ID("export-csv")))
	wantContains(t, text(t, ctx, "#batch-status"), "已复核")
	file, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.getElementById("export-csv").href).then(r => r.text())`, chromedp.EvalAsValue, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"622202123456789000", "3600.00", "800.00", "4400.00", people[0].IDNumberMasked} {
		wantContains(t, file, want)
	}
	if strings.Contains(file, people[0].IDNumber) && people[0].IDNumber != "" {
		t.Error("the bank file holds the full ID number")
	}
	do(t, ctx, "mark paid", submit(chromedp.ID("mark-paid")), chromedp.WaitVisible(chromedp.ID("batch-status")))
	wantContains(t, text(t, ctx, "#batch-status"), "已发放")
	logout(t, ctx)

	do(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	a.loginAs(t, ctx, "/me/payments", "zhang.worker")
	wantContains(t, text(t, ctx, "ul.payments"), "3,600.00")
	do(t, ctx, "confirm receipt", submit(chromedp.CSS("button.confirm")), chromedp.WaitVisible(chromedp.CSS("p.notice")))
	wantContains(t, text(t, ctx, "ul.payments"), "已确认到账")
	if w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || w > 390+4 {
		t.Errorf("the payments page overflows the phone: %d px (%v)", w, err)
	}
	screenshot(t, ctx, "/tmp/houdun-payments-phone.png")
	b, err := st.ListPaymentBatches(sys, model.PaymentBatchFilter{})
	if err != nil || len(b.Items) != 1 || b.Items[0].Status != model.PaymentStatusPaid || b.Items[0].Confirmed != 1 || b.Items[0].ApprovedByName != "fin.checker" {
		t.Errorf("batch after the browser: %+v %v", b.Items, err)
	}
}
