package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestDashboardRegionsAndNoDeadEnds: the dashboard takes a region picked or
// typed (name, stripped code or the official six digits) from a picker of
// the caller's scope; an unknown region or an end before the start, on the
// filter or on the ledger download, answers with the dashboard and the
// message, never all zeros or raw JSON; a good download goes on to the API
// with the stored code.
func TestDashboardRegionsAndNoDeadEnds(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newLedgerSite(t, st, clock)
		s.newCase(s.zhang.ID, model.KindMeals, "送餐")
		for _, who := range []string{"leader_fx", "cw_haizhou"} {
			c := s.as(who)
			r := c.get("/dashboard")
			contains(t, r, `<datalist id="region-choices">`, `<option value="210902">辽宁省阜新市海州区</option>`, `list="region-choices"`)
			for _, region := range []string{"210902", "210902000", "海州区", "辽宁省阜新市海州区"} {
				r := c.get("/dashboard?region=" + region)
				if r.status != http.StatusOK || !strings.Contains(r.body, "阜新市海州区") {
					t.Errorf("%s: dashboard?region=%s: %d", who, region, r.status)
				}
			}
			for query, msg := range map[string]string{
				"region=219900":                 "没有代码为 219900 的行政区划",
				"region=21090":                  "不是区划代码",
				"region=无此区":                    "您的范围内没有名为“无此区”的行政区划",
				"from=2026-03-05&to=2026-03-01": "结束日期不能早于开始日期",
				"region=210103":                 "超出您的管辖范围",
				"region=219900&from=2026-03-01": "没有代码为 219900",
			} {
				for _, path := range []string{"/dashboard?", "/dashboard/ledger?"} {
					if who == "cw_haizhou" && query == "region=210103" {
						continue // out of a district's scope is tested with the leader
					}
					r := c.get(path + query)
					if r.status != http.StatusUnprocessableEntity || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(r.body, msg) {
						t.Errorf("%s %s%s: %d %q, want the dashboard with %q", who, path, query, r.status, r.header.Get("Content-Type"), msg)
					}
				}
			}
		}
		leader := s.as("leader_fx")
		r := leader.get("/dashboard/ledger?region=210900&from=2026-03-01&to=2026-03-05")
		if r.status != http.StatusSeeOther || r.location != "/api/v1/ledger.xlsx?from=2026-03-01&region=2109&to=2026-03-05" {
			t.Fatalf("a good download: %d to %q", r.status, r.location)
		}
		if r := leader.get(r.location); r.status != http.StatusOK {
			t.Errorf("the download: %d", r.status)
		}
	})
}

// TestFormsTakeTheOfficialRegionCode: a page form's region box takes the
// padded official code and stores the prefix.
func TestFormsTakeTheOfficialRegionCode(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newLedgerSite(t, st, clock)
		cw := s.as("cw_haizhou")
		r := cw.postForm("/institutions", url.Values{"name": {"海州区疾控中心"}, "type": {"cdc"}, "region_code": {"210902000000"}, "credit_code": {"91350100M000100Y43"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("institution with region 210902000000: %d %v", r.status, errorsOf(r.body))
		}
		list, err := st.ListInstitutions(testutil.System(), store.InstitutionFilter{Q: "海州区疾控中心"})
		if err != nil || len(list.Items) != 1 || list.Items[0].RegionCode != "210902" {
			t.Errorf("stored as %+v, %v", list.Items, err)
		}
	})
}
