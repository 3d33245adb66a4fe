package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"houdun/internal/auth"
	"houdun/internal/config"
	"houdun/internal/demo"
	"houdun/internal/server"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestNoPageIsWiderThanTheScreen logs in as every demo account (a small demo
// city with eight weeks of its ledger, so every list has rows), walks every
// page the account can reach from its menu and one record of each kind the
// pages link to, and checks each page at a phone's width (390 px) and at a
// desk's (1280 px): the page is no wider than the screen, and no button or
// link styled as one lies outside it.
func TestNoPageIsWiderThanTheScreen(t *testing.T) {
	chromium(t)
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := demo.NewClock(func() time.Time { return now })
	st := testutil.NewStore(t, store.SQLite, clock.Now)
	sum, err := demo.Fill(context.Background(), st, demo.Options{Seed: 6, People: 300, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(config.Default(), st, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	shots := os.Getenv("HOUDUN_TEST_SCREENSHOTS") // a folder: a phone screenshot of every page
	for _, acc := range sum.Accounts {
		t.Run(acc.Username, func(t *testing.T) {
			ctx := browseFor(t, 1280, 900, 4*time.Minute)
			loginDemo(t, ctx, srv.URL, acc, st.Now())
			pages := crawl(t, ctx, srv.URL)
			if len(pages) < 2 {
				t.Fatalf("%s reached only %v", acc.Username, pages)
			}
			for _, size := range []struct{ w, h int64 }{{390, 844}, {1280, 900}} {
				do(t, ctx, "viewport", chromedp.EmulateViewport(size.w, size.h))
				for _, path := range pages {
					do(t, ctx, "open "+path, chromedp.Navigate(srv.URL+path))
					for _, problem := range layoutProblems(t, ctx) {
						t.Errorf("%s at %d px: %s", path, size.w, problem)
					}
					if shots != "" && size.w == 390 {
						name := strings.Trim(regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(path, "-"), "-")
						phoneShot(t, ctx, fmt.Sprintf("%s/%s-%s.png", shots, acc.Username, name))
					}
				}
			}
			t.Logf("%s: %d pages: %s", acc.Username, len(pages), strings.Join(pages, " "))
		})
	}
}

// loginDemo logs in as a demo account, with the code of its authenticator
// when it is an administrator's.
func loginDemo(t *testing.T, ctx context.Context, base string, acc demo.Account, now time.Time) {
	t.Helper()
	do(t, ctx, "log in as "+acc.Username,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("f-username")),
		chromedp.SendKeys(chromedp.ID("f-username"), acc.Username),
		chromedp.SendKeys(chromedp.ID("f-password"), acc.Password),
		submit(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	if secret := acc.OTPSecret(); secret != "" {
		code, err := auth.TOTPCode(secret, now)
		if err != nil {
			t.Fatal(err)
		}
		do(t, ctx, "second step of "+acc.Username,
			chromedp.WaitVisible(chromedp.ID("f-otp")),
			chromedp.SendKeys(chromedp.ID("f-otp"), code),
			submit(chromedp.CSS(`form[action="/login/otp"] button[type=submit]`)),
		)
	}
	do(t, ctx, "logged in as "+acc.Username, chromedp.WaitVisible(chromedp.CSS("header .who")))
}

// idPart is a record's id in a path: the pages of one kind are visited once.
var idPart = regexp.MustCompile(`/[0-9]+(/|$)`)

// crawl walks the site from the home page by its links, breadth first, and
// returns one path of every page shape ("/people/{id}") it reaches. It
// leaves out downloads, the language switch and logging out.
func crawl(t *testing.T, ctx context.Context, base string) []string {
	t.Helper()
	seen := map[string]bool{}
	var out []string
	queue := []string{"/"}
	for len(queue) > 0 && len(out) < 60 {
		path := queue[0]
		queue = queue[1:]
		do(t, ctx, "crawl "+path, chromedp.Navigate(base+path))
		status, err := chromedp.Run(ctx, chromedp.Evaluate[int](`performance.getEntriesByType("navigation")[0].responseStatus`))
		if err != nil {
			t.Fatal(err)
		}
		if status != 200 {
			t.Errorf("%s answers %d to a link the site shows", path, status)
			continue
		}
		out = append(out, path)
		links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("a[href]"), a => a.getAttribute("href"))`))
		if err != nil {
			t.Fatal(err)
		}
		for _, href := range links {
			if !strings.HasPrefix(href, "/") || strings.HasPrefix(href, "//") {
				continue
			}
			href, _, _ = strings.Cut(href, "#")
			p, _, _ := strings.Cut(href, "?")
			if skipCrawl(p) {
				continue
			}
			shape := idPart.ReplaceAllString(p, "/{id}$1")
			if seen[shape] || (p == "/" && path == "/") {
				continue
			}
			seen[shape] = true
			queue = append(queue, href)
		}
		seen["/"] = true
	}
	return out
}

func skipCrawl(p string) bool {
	// Files, not pages: spreadsheets, archives and the letters' PDFs.
	for _, s := range []string{".xlsx", ".csv", ".zip", ".pdf", "/pdf", "/export", "/download", "/static/"} {
		if strings.Contains(p, s) {
			return true
		}
	}
	return p == "/lang" || p == "/logout" || p == "/login"
}

// layoutProblems measures the page shown: its width against the screen's,
// and every visible button against the screen's edges.
func layoutProblems(t *testing.T, ctx context.Context) []string {
	t.Helper()
	js, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
  const vw = document.documentElement.clientWidth, out = [];
  const sw = document.documentElement.scrollWidth;
  if (sw > vw) {
    let widest = "";
    for (const el of document.querySelectorAll("body *")) {
      const r = el.getBoundingClientRect();
      if (r.right > vw + 1 && r.width > 0) { widest = el.tagName.toLowerCase() + (el.className ? "." + String(el.className).replace(/ /g, ".") : ""); }
    }
    out.push("page " + sw + " px wide on a " + vw + " px screen (last element past the edge: " + widest + ")");
  }
  for (const el of document.querySelectorAll("button, .button, input[type=submit]")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || el.closest("details:not([open])")) continue;
    if (r.left < -1 || r.right > vw + 1) out.push("button " + JSON.stringify(el.textContent.trim().slice(0, 30)) + " at " + Math.round(r.left) + "–" + Math.round(r.right) + " px");
  }
  return JSON.stringify(out);
})()`))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	if err := json.Unmarshal([]byte(js), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// phoneShot saves what a phone shows of the page's first list (or its top).
func phoneShot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const el = document.querySelector("table.data, .inbox-list, .case-cards"); if (el) el.scrollIntoView(); return true })()`)); err != nil {
		t.Fatal(err)
	}
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
}
