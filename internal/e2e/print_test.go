package e2e

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"houdun/internal/model"
)

// TestACaseSheetAndAPersonPrintWithoutFormsOrButtons prints (emulates the
// print medium for) a case page and a person page: the sheet keeps the
// heading, the facts and the case's text and history, and shows no menu,
// form, button or footer.
func TestACaseSheetAndAPersonPrintWithoutFormsOrButtons(t *testing.T) {
	a := newNeedsApp(t)
	n := a.seedCase(t, a.zhang, model.CategoryLiving, model.KindEldercare, model.UrgencyHigh, "母亲 78 岁，行动不便，需要每日送餐并陪同复诊")
	ctx := browseFor(t, 1280, 900, 60*time.Second)
	person := "/people/" + strconv.FormatInt(a.zhang.ID, 10)
	a.loginAs(t, ctx, person, "wang.caseworker")
	printMedium := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	})
	for _, c := range []struct {
		path string
		keep []string // selectors that must print
	}{
		{"/needs/" + strconv.FormatInt(n.ID, 10), []string{"h1", ".description", ".timeline", ".facts"}},
		{person, []string{"h1", ".facts", "#family"}},
	} {
		do(t, ctx, "open "+c.path, chromedp.Navigate(a.url+c.path), printMedium)
		keep, _ := json.Marshal(c.keep)
		js, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
  const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden"; };
  const out = [];
  for (const el of document.querySelectorAll("header.site, nav, footer.site, form, button, .button, input, select, textarea")) {
    if (shown(el)) out.push("printed: " + el.tagName.toLowerCase() + (el.className ? "." + String(el.className).replace(/ /g, ".") : "") + " " + JSON.stringify(el.textContent.trim().slice(0, 30)));
  }
  for (const sel of `+string(keep)+`) {
    const el = document.querySelector(sel);
    if (!el || !shown(el)) out.push("not printed: " + sel);
  }
  return JSON.stringify(out);
})()`))
		if err != nil {
			t.Fatal(err)
		}
		var problems []string
		if err := json.Unmarshal([]byte(js), &problems); err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Errorf("%s: %s", c.path, p)
		}
		screenshot(t, ctx, "/tmp/houdun-print-"+map[bool]string{true: "person", false: "case"}[c.path == person]+".png")
	}
}
