package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"houdun/internal/testutil"
)

// TestHouseAWorkerForAWeekAndArrangeAFamilyHospitalTrip: a case worker
// registers a hotel with its rooms and beds, houses 张伟 there for a week
// and sees him on the occupancy board; 张伟 asks from his phone for his
// mother's trip to hospital; the case worker assigns a car and the volunteer
// driver, who starts and completes the trip from their own list.
func TestHouseAWorkerForAWeekAndArrangeAFamilyHospitalTrip(t *testing.T) {
	chromium(t)
	for _, engine := range testutil.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			a := newNeedsAppOn(t, engine)
			ctx := browseFor(t, 1280, 900, 2*time.Minute)

			// 1. The hotel, its third floor of ten twin rooms.
			a.loginAs(t, ctx, "/sites", "wang.caseworker")
			do(t, ctx, "register the hotel",
				submit(`//main//a[contains(., "登记住宿点")]`),
				chromedp.WaitVisible(chromedp.ID("f-name")),
				chromedp.SendKeys(chromedp.ID("f-name"), "阜新海州宾馆"),
				chromedp.SetValue(chromedp.ID("f-kind"), "hotel"),
				chromedp.SendKeys(chromedp.ID("f-region_code"), "210902"),
				chromedp.SendKeys(chromedp.ID("f-address"), "海州区中华路 58 号"),
				chromedp.Click(chromedp.ID("f-separates")),
				submit(chromedp.CSS(`form[action="/sites"] button.primary`)),
				chromedp.WaitVisible(`//p[@class="notice"]`),
			)
			do(t, ctx, "add its rooms",
				chromedp.SendKeys(chromedp.ID("f-floor"), "3"),
				chromedp.SendKeys(chromedp.ID("f-names"), "301-310"),
				submit(chromedp.CSS(`form[action$="/rooms"] button.primary`)),
				chromedp.WaitVisible(`//p[@class="notice"]`),
			)
			wantContains(t, text(t, ctx, "main"), "20 · 10 间")

			// 2. 张伟 checks in for a week.
			do(t, ctx, "find 张伟 and the hotel's free beds",
				submit(`//main//a[contains(., "办理入住")]`),
				chromedp.WaitVisible(chromedp.ID("f-q")),
				chromedp.SendKeys(chromedp.ID("f-q"), "张伟"),
				submit(chromedp.ID("stay-find")),
				chromedp.WaitVisible(`//ul[@class="choices"]//a[contains(., "张伟")]`),
				submit(`//ul[@class="choices"]//a[contains(., "张伟")]`),
				chromedp.WaitVisible(chromedp.ID("f-bed")),
			)
			in := a.clock.Now().In(time.FixedZone("UTC+8", 8*3600)).Format("2006-01-02")
			wantContains(t, text(t, ctx, "#stay-person"), "张伟")
			do(t, ctx, "check in", submit(chromedp.ID("stay-check-in")), chromedp.WaitVisible(`//p[@class="notice"]`))
			page := text(t, ctx, "main")
			for _, want := range []string{"已办理入住", "阜新海州宾馆", "301-1", in, "在住"} {
				wantContains(t, page, want)
			}
			out, _ := time.Parse("2006-01-02", in)
			wantContains(t, page, out.AddDate(0, 0, 7).Format("2006-01-02"))
			do(t, ctx, "open the board", submit(`//main//a[contains(., "阜新海州宾馆")]`), chromedp.WaitVisible(`//main//a[contains(., "入住情况")]`),
				submit(`//main//a[contains(., "入住情况")]`), chromedp.WaitVisible(chromedp.CSS("ul.board")))
			if got := text(t, ctx, "#board-occupied"); got != "1" {
				t.Errorf("board: %s occupied, want 1", got)
			}
			wantContains(t, text(t, ctx, "ul.board"), "张伟")
			logout(t, ctx)

			// 3. From his phone, 张伟 asks for his mother's trip to hospital.
			phoneCtx := browseFor(t, 390, 844, 2*time.Minute)
			do(t, phoneCtx, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
			a.loginAs(t, phoneCtx, "/transport", "zhang.worker")
			do(t, phoneCtx, "fill in the request",
				submit(chromedp.ID("trip-new")),
				chromedp.WaitVisible(chromedp.ID("f-pickup")),
				chromedp.Click(chromedp.ID("f-kind-hospital")),
				chromedp.SetValue(chromedp.ID("f-family"), strconv.FormatInt(a.mother.ID, 10)),
				chromedp.SendKeys(chromedp.ID("f-pickup"), "海州区西山路 12 号"),
				chromedp.SendKeys(chromedp.ID("f-destination"), "阜新市中心医院门诊楼"),
				chromedp.SendKeys(chromedp.ID("f-note"), "母亲行动不便，需要搀扶"),
				submit(chromedp.ID("trip-submit")),
				chromedp.WaitVisible(`//p[@class="notice"]`),
			)
			if w, err := chromedp.Run(phoneCtx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || w > 390+4 {
				t.Errorf("the request overflows the phone: %d px (%v)", w, err)
			}
			wantContains(t, text(t, phoneCtx, "main"), "赵秀兰")
			wantContains(t, text(t, phoneCtx, "#trip-status"), "待安排")
			tripURL, err := chromedp.Run(phoneCtx, chromedp.Evaluate[string](`location.pathname`))
			if err != nil || !strings.HasPrefix(tripURL, "/transport/") {
				t.Fatalf("trip page %q: %v", tripURL, err)
			}

			// 4. The case worker assigns a car and the volunteer driver.
			a.loginAs(t, ctx, "/transport", "wang.caseworker")
			wantContains(t, text(t, ctx, "table.trips"), "送家属就医")
			do(t, ctx, "assign",
				submit(`//table[contains(@class, "trips")]//a[contains(., "查看")]`),
				chromedp.WaitVisible(chromedp.ID("f-vehicle")),
				chromedp.SendKeys(chromedp.ID("f-vehicle"), "辽J·A1234 白色轿车"),
				chromedp.SetValue(chromedp.ID("f-volunteer"), strconv.FormatInt(a.volunteer.ID, 10)),
				submit(chromedp.ID("trip-assign")),
				chromedp.WaitVisible(`//p[@class="notice"]`),
			)
			wantContains(t, text(t, ctx, "#trip-status"), "已派车")
			logout(t, ctx)

			// 5. The volunteer sees only their own trip, starts and completes it.
			a.loginAs(t, ctx, "/trips", "liu.volunteer")
			wantContains(t, text(t, ctx, "table.trips"), "阜新市中心医院门诊楼")
			do(t, ctx, "start and complete",
				submit(`//table[contains(@class, "trips")]//a[contains(., "查看")]`),
				chromedp.WaitVisible(chromedp.ID("trip-start")),
				submit(chromedp.ID("trip-start")),
				chromedp.WaitVisible(chromedp.ID("trip-complete")),
				chromedp.SendKeys(chromedp.ID("f-outcome"), "已送达门诊，家属陪同"),
				submit(chromedp.ID("trip-complete")),
				chromedp.WaitVisible(`//p[@class="notice"]`),
			)
			wantContains(t, text(t, ctx, "#trip-status"), "已完成")
			do(t, phoneCtx, "the worker sees it done", chromedp.Navigate(a.url+tripURL), chromedp.WaitVisible(chromedp.ID("trip-status")))
			wantContains(t, text(t, phoneCtx, "#trip-status"), "已完成")
		})
	}
}
