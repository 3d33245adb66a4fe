package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"houdun/internal/auth"
	"houdun/internal/config"
	"houdun/internal/ident"
	"houdun/internal/model"
	"houdun/internal/server"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

const password = "Fr0ntline!2026"

// chromium returns the browser to drive, or skips the test when there is none.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("HOUDUN_TEST_CHROMIUM"); p != "" {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	t.Skip("no browser: set HOUDUN_TEST_CHROMIUM to a Chromium binary or install Debian's chromium (apt-get install -y chromium fonts-wqy-microhei)")
	return ""
}

// app is the real handler stack on a fresh SQLite store with one hospital in
// Haizhou (210902), two people and a caseworker of that district.
type app struct {
	url   string
	st    *store.Store
	inst  model.Institution
	zhang model.Person
}

func newApp(t *testing.T) *app {
	t.Helper()
	clock := testutil.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	st := testutil.NewStore(t, store.SQLite, clock.Now)
	srv := httptest.NewServer(server.New(config.Default(), st, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	a := &app{url: srv.URL, st: st}
	ctx := testutil.System()
	name, typ, region := "阜新市中心医院", model.InstHospital, "210902"
	var err error
	if a.inst, err = st.CreateInstitution(ctx, model.InstitutionInput{Name: &name, Type: &typ, RegionCode: &region}); err != nil {
		t.Fatal(err)
	}
	people := []struct {
		name, dept, occ, title string
		born                   time.Time
	}{
		{"张伟", "呼吸与危重症医学科", model.OccDoctor, "主治医师", time.Date(1985, 4, 12, 0, 0, 0, 0, time.UTC)},
		{"李娜", "重症医学科", model.OccNurse, "主管护师", time.Date(1990, 7, 1, 0, 0, 0, 0, time.UTC)},
		{"王芳", "感染科", model.OccNurse, "护师", time.Date(1993, 11, 20, 0, 0, 0, 0, time.UTC)},
	}
	for i, p := range people {
		idn, phone, front := ident.MakeIDNumber("210902", p.born, 100+i), fmt.Sprintf("1391234%04d", 5678+i), i != 2
		created, err := st.CreatePerson(ctx, model.PersonInput{Name: &p.name, IDNumber: &idn, Phone: &phone, InstitutionID: &a.inst.ID,
			Department: &p.dept, Occupation: &p.occ, Title: &p.title, Frontline: &front})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			a.zhang = created
		}
	}
	user, role, display := "wang.caseworker", auth.RoleCaseworker, "王专员"
	pw := password
	if _, err := st.CreateUser(ctx, model.UserInput{Username: &user, DisplayName: &display, Role: &role, RegionCode: &region, Password: &pw}); err != nil {
		t.Fatal(err)
	}
	return a
}

// browse starts a headless Chromium for one test, with the flags DOMAIN.md
// lists and Chinese as the browser's language. The whole test has 60 s.
func browse(t *testing.T, width, height int) context.Context {
	t.Helper()
	exec := chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exec),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	return bctx
}

// do runs steps and fails the test on the first error.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// submit clicks a link or a form's button and waits until the next page has
// loaded. Without it a later step can find a node of the page being left
// (a form present on both pages) and fail with "could not find node".
func submit[S chromedp.Selectable](sel S) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.Evaluate[bool](`window.__houdunLeaving = true`)(ctx, t); err != nil {
			return err
		}
		if _, err := chromedp.Click(sel)(ctx, t); err != nil {
			return err
		}
		for {
			// Errors while the old document goes away are expected; poll on.
			loaded, err := chromedp.Evaluate[bool](`window.__houdunLeaving !== true && document.readyState === "complete"`)(ctx, t)
			if err == nil && loaded {
				return nil
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(25 * time.Millisecond):
			}
		}
	})
}

// text returns the text of the first element matching a CSS selector.
func text(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("text of %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}

func wantContains(t *testing.T, got, want string) {
	t.Helper()
	if !strings.Contains(got, want) {
		t.Errorf("%q does not contain %q", got, want)
	}
}

// screenshot saves a full-page PNG for a person to look at.
func screenshot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 is a PNG, below it a JPEG
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// login opens a page, is sent to the login form, and logs in.
func (a *app) login(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	do(t, ctx, "log in",
		chromedp.Navigate(a.url+path),
		chromedp.WaitVisible(chromedp.ID("f-username")),
		chromedp.SendKeys(chromedp.ID("f-username"), "wang.caseworker"),
		chromedp.SendKeys(chromedp.ID("f-password"), password),
		submit(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("header .who")),
	)
}

func TestCaseworkerFindsAPersonAndAddsAFamilyMember(t *testing.T) {
	a := newApp(t)
	ctx := browse(t, 1280, 900)
	a.login(t, ctx, "/people")
	wantContains(t, text(t, ctx, "h1"), "人员名单")
	wantContains(t, text(t, ctx, "header .who"), "wang.caseworker")
	wantContains(t, text(t, ctx, "p.count"), "共 3 人")
	screenshot(t, ctx, "/tmp/houdun-people.png")

	// Filter by name: the filter stays in the address and the form.
	do(t, ctx, "filter by name",
		chromedp.SendKeys(chromedp.ID("f-q"), "张伟"),
		submit(chromedp.CSS(`form.filters button[type=submit]`)),
		chromedp.WaitVisible(`//p[@class="count" and contains(., "共 1 人")]`),
	)
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("f-q"))); v != "张伟" {
		t.Errorf("the name filter is not kept: %q", v)
	}
	body := text(t, ctx, "table.data tbody")
	wantContains(t, body, a.zhang.IDNumberMasked)
	if strings.Contains(body, "李娜") {
		t.Error("the filter let another person through")
	}

	// Open the person and add a family member, with a mistake first.
	do(t, ctx, "open the person",
		submit(`//table//a[text()="张伟"]`),
		chromedp.WaitVisible(`//h1[contains(., "张伟")]`),
		submit(`//a[contains(., "添加家属")]`),
		chromedp.WaitVisible(chromedp.ID("f-name")),
		chromedp.SendKeys(chromedp.ID("f-name"), "张小明"),
		chromedp.SetValue(chromedp.ID("f-relation"), "child"),
		chromedp.Click(chromedp.ID("f-care-minor")),
		chromedp.Click(chromedp.ID("f-lives_with")),
		submit(chromedp.CSS(`form.form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("f-birth_date-error")),
	)
	wantContains(t, text(t, ctx, "#f-birth_date-error"), "请填写出生日期或身份证号")
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("f-name"))); v != "张小明" {
		t.Errorf("the typed name is lost: %q", v)
	}
	if checked, _ := chromedp.Run(ctx, chromedp.JavascriptAttribute[bool](chromedp.ID("f-care-minor"), "checked")); !checked {
		t.Error("the ticked care need is lost")
	}
	// The error is red and beside its field.
	color, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.getElementById("f-birth_date-error")).color`))
	if err != nil || color != "rgb(179, 38, 30)" {
		t.Errorf("error colour %q (%v)", color, err)
	}
	screenshot(t, ctx, "/tmp/houdun-family-form-error.png")

	do(t, ctx, "correct and save",
		chromedp.SetValue(chromedp.ID("f-birth_date"), "2015-06-01"),
		submit(chromedp.CSS(`form.form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("family")),
		chromedp.WaitVisible(`//p[@class="notice"]`),
	)
	family := text(t, ctx, "#family table tbody")
	for _, want := range []string{"张小明", "子女", "2015-06-01", "(10 岁)", "未成年子女", "是"} {
		wantContains(t, family, want)
	}
	screenshot(t, ctx, "/tmp/houdun-person.png")

	// Switch to English: the same page, in English labels.
	do(t, ctx, "switch to English",
		submit(chromedp.CSS("a.lang")),
		chromedp.WaitVisible(`//h2[contains(., "Family members")]`),
	)
	family = text(t, ctx, "#family table")
	for _, want := range []string{"Relation", "Child", "Minor", "Lives with", "Yes"} {
		wantContains(t, family, want)
	}
	wantContains(t, text(t, ctx, "nav.main-nav"), "People")
	wantContains(t, text(t, ctx, "a.lang"), "中文")
	screenshot(t, ctx, "/tmp/houdun-person-en.png")
}

func TestPeopleListFitsAPhoneScreen(t *testing.T) {
	a := newApp(t)
	ctx := browse(t, 375, 740)
	do(t, ctx, "phone viewport", chromedp.EmulateViewport(375, 740, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	a.login(t, ctx, "/people")
	wantContains(t, text(t, ctx, "h1"), "人员名单")
	widths, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth,
		document.querySelector(".table-wrap").scrollWidth, document.querySelector(".table-wrap").clientWidth]`))
	if err != nil {
		t.Fatal(err)
	}
	page, viewport, table, wrap := widths[0], widths[1], widths[2], widths[3]
	if viewport != 375 {
		t.Errorf("viewport is %d px wide, want 375", viewport)
	}
	if page > 375+4 {
		t.Errorf("the page overflows the phone: %d px wide", page)
	}
	if table <= wrap {
		t.Logf("the table fits without scrolling (%d ≤ %d)", table, wrap)
	} else if wrap > 375 {
		t.Errorf("the table's scrolling wrapper is %d px wide", wrap)
	}
	screenshot(t, ctx, "/tmp/houdun-people-phone.png")
	do(t, ctx, "open a person on the phone",
		submit(`//table//a[text()="张伟"]`),
		chromedp.WaitVisible(`//h1[contains(., "张伟")]`),
	)
	if w, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 375+4 {
		t.Errorf("the person page overflows the phone: %d px", w)
	}
	screenshot(t, ctx, "/tmp/houdun-person-phone.png")
}

func TestRosterUploadThroughTheImportPage(t *testing.T) {
	a := newApp(t)
	ctx := browse(t, 1280, 900)
	path := filepath.Join(t.TempDir(), "一线人员名单.xlsx")
	f := excelize.NewFile()
	sheet := f.GetSheetName(0)
	rows := [][]any{
		{"姓名", "身份证号", "手机号", "单位", "科室", "职业类别", "职称", "是否一线"},
		{"赵磊", ident.MakeIDNumber("210902", time.Date(1982, 3, 4, 0, 0, 0, 0, time.UTC), 201), "13800001111", "阜新市中心医院", "急诊科", "医生", "副主任医师", "是"},
		{"钱敏", ident.MakeIDNumber("210902", time.Date(1995, 9, 9, 0, 0, 0, 0, time.UTC), 202), "", "阜新市中心医院", "发热门诊", "护士", "护师", "否"},
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	f.Close()

	a.login(t, ctx, "/import")
	wantContains(t, text(t, ctx, "h1"), "批量导入")
	do(t, ctx, "upload the roster",
		chromedp.SetUploadFiles(chromedp.ID("file-people"), []string{path}),
		submit(chromedp.CSS(`form[action="/import/people"] button[type=submit]`)),
		chromedp.WaitVisible(`//p[@class="success"]`),
	)
	wantContains(t, text(t, ctx, "p.success"), "导入完成")
	counts := text(t, ctx, "dl.counts")
	wantContains(t, counts, "新增")
	if created, _ := chromedp.Run(ctx, chromedp.Text(`//dl[contains(@class,"counts")]/div[1]/dd`)); strings.TrimSpace(created) != "2" {
		t.Errorf("created %q, want 2", created)
	}
	screenshot(t, ctx, "/tmp/houdun-import-done.png")
	list, err := a.st.ListPeople(testutil.System(), model.PersonFilter{Q: "赵磊"})
	if err != nil || list.Total != 1 {
		t.Errorf("the imported person is not in the store: %d %v", list.Total, err)
	}
}
