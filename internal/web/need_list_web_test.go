package web_test

import (
	"html"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestTheCaseListIsSearchedFilteredByDateAndSortedByItsHeaders: the search
// box finds a case by number, name or words; the date fields narrow it; a
// column header sorts by that column, a second click reverses, and every
// link keeps the other filters. A bad date range leaves the dates out and
// says so on the page instead of answering an error.
func TestTheCaseListIsSearchedFilteredByDateAndSortedByItsHeaders(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newLedgerSite(t, st, clock)
		meals := s.newCase(s.zhang.ID, model.KindMeals, "夜班后食堂已关门，需要送餐")
		ride := s.newCase(s.zhang.ID, model.KindTransport, "夜班后需要接送")
		other := s.newCase(s.li.ID, model.KindMeals, "新邱区的送餐需求") // another district
		no := func(n model.Need) string { return "#" + strconv.FormatInt(n.ID, 10) + "</span>" }
		cw := s.as("cw_haizhou")

		r := cw.get("/needs?q=" + "%E9%80%81%E9%A4%90") // 送餐
		contains(t, r, no(meals), `value="送餐"`)
		lacks(t, r, no(ride), no(other))
		r = cw.get("/needs?q=%23" + strconv.FormatInt(ride.ID, 10))
		contains(t, r, no(ride))
		lacks(t, r, no(meals))
		r = cw.get("/needs?q=%E5%BC%A0%E4%BC%9F") // 张伟
		contains(t, r, no(ride), no(meals))
		if r := cw.get("/needs?q=%E6%9D%8E%E5%A8%9C"); strings.Contains(r.body, no(other)) { // 李娜, out of scope
			t.Error("a name out of scope found its case")
		}

		today := clock.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
		tomorrow := clock.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, 1).Format("2006-01-02")
		contains(t, cw.get("/needs?created_from="+today), no(meals), no(ride))
		lacks(t, cw.get("/needs?created_from="+tomorrow), no(meals), no(ride))
		bad := cw.get("/needs?created_from=" + tomorrow + "&created_to=" + today)
		if bad.status != http.StatusOK {
			t.Fatalf("a bad range: %d", bad.status)
		}
		contains(t, bad, "登记日期无效或结束早于开始", no(meals))

		// Sorted by case number (newest first), then reversed by a second click.
		r = cw.get("/needs?sort=created&category=living&q=%E5%A4%9C%E7%8F%AD") // 夜班
		if i, j := strings.Index(r.body, no(ride)), strings.Index(r.body, no(meals)); i < 0 || j < 0 || i > j {
			t.Errorf("newest first: ride at %d, meals at %d", i, j)
		}
		contains(t, r, `aria-sort="descending"`, "按登记时间排序（降序）")
		link := html.UnescapeString(headerLink(t, r.body, "created"))
		for _, want := range []string{"order=asc", "category=living", "q=%E5%A4%9C%E7%8F%AD", "sort=created"} {
			if !strings.Contains(link, want) {
				t.Errorf("the header link %q lacks %s", link, want)
			}
		}
		r = cw.get(link)
		if i, j := strings.Index(r.body, no(ride)), strings.Index(r.body, no(meals)); i < 0 || j < 0 || i < j {
			t.Errorf("oldest first: ride at %d, meals at %d", i, j)
		}
		contains(t, r, `aria-sort="ascending"`, `name="sort" value="created"`, `name="order" value="asc"`)
		// The download follows the filter, as the API's list query, and works
		// with the page's session; the volunteer's list offers none.
		r = cw.get("/needs?status=all&assignee=unassigned&q=%E5%A4%9C%E7%8F%AD&sort=due_at")
		href := html.UnescapeString(between(r.body, `<a class="button small" href="`, `"`))
		if href != "/api/v1/exports/needs.xlsx?assignee=none&q=%E5%A4%9C%E7%8F%AD&sort=due_at" {
			t.Errorf("download link %q", href)
		}
		if x := cw.get(href); x.status != http.StatusOK || !strings.HasPrefix(x.body, "PK") {
			t.Errorf("download through the page's session: %d", x.status)
		}
		for _, path := range []string{"/visits/due?status=overdue", "/volunteers?skill=shopping"} {
			if !strings.Contains(cw.get(path).body, `download>`) {
				t.Errorf("%s offers no download", path)
			}
		}
		if strings.Contains(s.as("vol_liu").get("/needs").body, "/api/v1/exports/") {
			t.Error("the volunteer's list offers a download")
		}
		// An unknown sort is the default order, not an error.
		if r := cw.get("/needs?sort=n.id&order=sideways"); r.status != http.StatusOK {
			t.Errorf("an unknown sort: %d", r.status)
		}
	})
}

// headerLink is the address of the sorting header link of key on a list page.
func headerLink(t *testing.T, body, key string) string {
	t.Helper()
	for _, part := range strings.Split(body, `<a class="sort" href="`)[1:] {
		href := part[:strings.Index(part, `"`)]
		if strings.Contains(href, "sort="+key) {
			return href
		}
	}
	t.Fatalf("no header link sorts by %s", key)
	return ""
}

// between is the text of s after the first start up to the next end.
func between(s, start, end string) string {
	_, after, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, end)
	return v
}
