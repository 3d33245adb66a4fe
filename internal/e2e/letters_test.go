package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"houdun/internal/letterpdf"
)

// TestACaseworkerGeneratesALetterAndTheWorkerConfirmsIt: the case worker
// saves the suggested template under a name, generates the hospital's
// letters, downloads one as PDF (served with its Chinese font) and marks it
// sent; the worker, on a phone, finds it and confirms it arrived.
func TestACaseworkerGeneratesALetterAndTheWorkerConfirmsIt(t *testing.T) {
	if _, err := letterpdf.LoadFont(letterpdf.DefaultFontPath); err != nil {
		t.Skipf("no letter font: %v", err)
	}
	a := newNeedsApp(t)
	ctx := browseFor(t, 1280, 900, 90*time.Second)
	a.loginAs(t, ctx, "/letter-templates", "wang.caseworker")
	do(t, ctx, "save the template",
		chromedp.WaitVisible(chromedp.ID("f-name")),
		chromedp.SendKeys(chromedp.ID("f-name"), "致一线医务人员的慰问信"),
		submit(chromedp.CSS(`form[action="/letter-templates"] button[type=submit]`)),
	)
	wantContains(t, text(t, ctx, "table.data"), "致一线医务人员的慰问信")
	do(t, ctx, "generate the hospital's letters",
		chromedp.Navigate(a.url+"/letters"),
		chromedp.WaitVisible(chromedp.ID("g-template")),
		chromedp.SetValue(chromedp.ID("g-template"), "1"),
		chromedp.SetValue(chromedp.ID("g-institution"), "1"),
		submit(chromedp.CSS(`form[action="/letters/generate"] button[type=submit]`)),
	)
	wantContains(t, text(t, ctx, ".notice"), "慰问信已生成")
	list := text(t, ctx, "table.data tbody")
	for _, name := range []string{"张伟", "李娜", "王芳"} {
		wantContains(t, list, name)
	}
	// The PDF link serves a PDF with its font embedded.
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () => {
  const a = [...document.querySelectorAll("table.data a")].find(a => a.textContent.startsWith("PDF"));
  const r = await fetch(a.href);
  const b = new Uint8Array(await r.arrayBuffer());
  const head = String.fromCharCode(...b.slice(0, 5));
  const all = new TextDecoder("latin1").decode(b);
  return [r.status, r.headers.get("Content-Type"), head, all.includes("/FontFile2"), b.length].join(" ");
})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "200 application/pdf %PDF- true") {
		t.Errorf("the PDF link answers %q", got)
	}
	do(t, ctx, "mark 张伟's letter sent",
		submit(chromedp.CSS(`table.data tbody tr:last-child form input[value="sent"] + input + button`)),
	)
	wantContains(t, text(t, ctx, ".notice"), "送达状态已登记")
	screenshot(t, ctx, "/tmp/houdun-letters.png")
	logout(t, ctx)

	phone := browseFor(t, 390, 844, 60*time.Second)
	a.loginAs(t, phone, "/letters", "zhang.worker")
	own := text(t, phone, "table.data tbody")
	wantContains(t, own, "张伟")
	if strings.Contains(own, "李娜") {
		t.Errorf("the worker sees a colleague's letter: %q", own)
	}
	do(t, phone, "confirm the letter arrived",
		submit(chromedp.CSS(`table.data form input[value="received"] + input + button`)),
	)
	wantContains(t, text(t, phone, "table.data tbody"), "已签收")
	screenshot(t, phone, "/tmp/houdun-letters-phone.png")
}
