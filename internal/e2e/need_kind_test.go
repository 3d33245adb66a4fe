package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"houdun/internal/model"
)

// TestTheKindsOfACaseFollowItsCategory: on the new-case form, choosing a
// category offers only the kinds that category takes, and a kind chosen
// before that the new category does not take is cleared, so that 心理保障
// with 就餐 cannot be sent from the form (the server refuses it too).
func TestTheKindsOfACaseFollowItsCategory(t *testing.T) {
	a := newNeedsApp(t)
	ctx := browseFor(t, 390, 844, 60*time.Second)
	a.loginAs(t, ctx, "/needs/new?person_id="+strconv.FormatInt(a.zhang.ID, 10), "wang.caseworker")
	offered := func() string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#f-kind option")).filter(o => o.value && !o.hidden && !o.disabled).map(o => o.value)`))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(got, " ")
	}
	if got := offered(); len(strings.Fields(got)) != len(model.NeedKinds) {
		t.Errorf("without a category: %q offered, want every kind", got)
	}
	choose := func(category string) {
		t.Helper()
		do(t, ctx, "choose "+category, chromedp.SetValue(chromedp.ID("f-category"), category))
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("f-category").dispatchEvent(new Event("change"))`)); err != nil {
			t.Fatal(err)
		}
	}
	choose(model.CategoryLiving)
	do(t, ctx, "choose meals", chromedp.SetValue(chromedp.ID("f-kind"), model.KindMeals))
	if got := offered(); strings.Contains(got, model.KindCounselling) || !strings.Contains(got, model.KindMeals) {
		t.Errorf("living offers %q", got)
	}
	choose(model.CategoryPsychological)
	want := strings.Join(model.NeedKindsByCategory[model.CategoryPsychological], " ")
	if got := offered(); got != want {
		t.Errorf("psychological offers %q, want %q", got, want)
	}
	if kind, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("f-kind").value`)); err != nil || kind != "" {
		t.Errorf("the kind stays %q (%v) after the category changed to one that does not take it", kind, err)
	}
}
