package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"houdun/internal/model"
	"houdun/internal/testutil"
)

// TestABatchHitsTheCoupleRuleAndIsOverridden: the district's case worker
// builds an aid-team batch, adds the nurse 李娜, then her husband 张伟 (both
// medical workers, linked as spouses); the couple rule refuses and names her
// deployment; the case worker overrides with a reason, which the conflicts
// page shows. Then a phone shows the member list as cards.
func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

func TestABatchHitsTheCoupleRuleAndIsOverridden(t *testing.T) {
	chromium(t)
	for _, engine := range testutil.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			a := newNeedsAppOn(t, engine)
			zhang, li := a.people[0], a.people[1]
			if _, err := a.st.CreateFamilyMember(testutil.System(), zhang.ID, model.FamilyMemberInput{Name: ptr("李娜"), Relation: ptr(model.RelSpouse),
				BirthDate: ptr("1986-04-12"), LivesWith: ptr(true), MedicalWorkerPersonID: &li.ID}); err != nil {
				t.Fatal(err)
			}
			ctx := browseFor(t, 1280, 900, 60*time.Second)
			a.loginAs(t, ctx, "/batches", "wang.caseworker")
			do(t, ctx, "the batches page", chromedp.Navigate(a.url+"/batches"), chromedp.WaitVisible(chromedp.CSS("main h1")))
			if body := text(t, ctx, "main"); !containsAll(body, "新建批次") {
				t.Fatalf("the batches page: %.500s", body)
			}
			do(t, ctx, "build a batch",
				chromedp.WaitVisible(chromedp.ID("f-name")),
				chromedp.SendKeys(chromedp.ID("f-name"), "辽宁援鄂医疗队阜新第7批"),
				chromedp.SendKeys(chromedp.ID("f-destination"), "湖北省武汉市"),
				chromedp.SetValue(chromedp.ID("f-departs_on"), "2026-03-05"),
				chromedp.SetValue(chromedp.ID("f-returns_on"), "2026-04-20"),
				chromedp.SetValue(chromedp.ID("f-leader_person_id"), strconv.FormatInt(a.people[2].ID, 10)),
				submit(chromedp.CSS(`form[method="post"][action="/batches"] button.primary`)),
			)
			if body := text(t, ctx, "main"); !containsAll(body, "添加队员") {
				t.Fatalf("after building the batch: %.800s", body)
			}
			wantContains(t, text(t, ctx, "h1"), "辽宁援鄂医疗队阜新第7批")
			wantContains(t, text(t, ctx, "dl.facts"), "王芳")
			addMember := func(what string, person model.Person, role string) {
				t.Helper()
				do(t, ctx, what,
					submit(`//main//a[contains(., "添加队员")]`),
					chromedp.WaitVisible(chromedp.ID("f-person_id")),
					chromedp.SetValue(chromedp.ID("f-person_id"), strconv.FormatInt(person.ID, 10)),
					chromedp.SendKeys(chromedp.ID("f-role"), role),
					submit(chromedp.CSS(`form[action="/deployments"] button.primary`)),
				)
			}
			addMember("add 李娜", li, "护士")
			if body := text(t, ctx, "main"); !containsAll(body, "派驻已安排") {
				t.Fatalf("after adding 李娜: %.1500s", body)
			}
			wantContains(t, text(t, ctx, "p.notice"), "派驻已安排")
			wantContains(t, text(t, ctx, "table.deployments tbody"), "李娜")

			// Her husband: the couple rule refuses and names her deployment.
			addMember("add 张伟", zhang, "医生")
			do(t, ctx, "the refusal", chromedp.WaitVisible(chromedp.ID("conflicts")))
			box := text(t, ctx, "#conflicts")
			for _, want := range []string{"李娜", "辽宁援鄂医疗队阜新第7批", "2026-03-05"} {
				wantContains(t, box, want)
			}
			wantContains(t, text(t, ctx, "div.problem"), "配偶")
			// Overriding needs a reason: without one the rule refuses again.
			do(t, ctx, "override without a reason",
				chromedp.Click(chromedp.ID("f-override")),
				submit(chromedp.CSS(`form[action="/deployments"] button.primary`)),
				chromedp.WaitVisible(chromedp.ID("conflicts")),
			)
			do(t, ctx, "override with a reason",
				chromedp.Click(chromedp.ID("f-override")),
				chromedp.SendKeys(chromedp.ID("f-override_reason"), "重症专业仅此一人；其父母已来阜照看孩子"),
				submit(chromedp.CSS(`form[action="/deployments"] button.primary`)),
				chromedp.WaitVisible(chromedp.CSS("p.notice")),
			)
			members := text(t, ctx, "table.deployments tbody")
			wantContains(t, members, "张伟")
			wantContains(t, members, "已说明理由")
			screenshot(t, ctx, "/tmp/houdun-batch.png")

			do(t, ctx, "the conflicts page",
				chromedp.Navigate(a.url+"/deployments/conflicts?from=2026-01-01"),
				chromedp.WaitVisible(chromedp.CSS("table.conflicts")),
			)
			row := text(t, ctx, "table.conflicts tbody")
			for _, want := range []string{"张伟", "李娜", "双医护家庭同时派驻", "重症专业仅此一人", "已说明理由放行", "严重"} {
				wantContains(t, row, want)
			}
			screenshot(t, ctx, "/tmp/houdun-conflicts.png")

			// The member list on a phone: cards, nothing wider than the screen.
			fits := phone(t, ctx)
			do(t, ctx, "the deployments on a phone",
				chromedp.Navigate(a.url+"/deployments?status=all"),
				chromedp.WaitVisible(chromedp.CSS("table.deployments")),
			)
			fits("the deployment list")
			screenshot(t, ctx, "/tmp/houdun-deployments-phone.png")
		})
	}
}
