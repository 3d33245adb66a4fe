package api_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// statsFigures is the table of GET /api/v1/needs/stats as JSON gives it
// (nil: suppressed).
type statsFigures struct {
	Counts []struct {
		Category, Status string
		Count            *int
	}
	ByCategory []struct {
		Category string
		Count    *int
	} `json:"by_category"`
	ByStatus []struct {
		Status string
		Count  *int
	} `json:"by_status"`
	Total, Active, Resolved *int
	Suppressed              bool
}

// shown renders a figure as the page and the workbook do: the number, or
// the mark of a hidden figure.
func shown(n *int) string {
	if n == nil {
		return "*"
	}
	return strconv.Itoa(*n)
}

// TestLeaderSeesTheSameSuppressedTableEverywhere: a table where the total
// minus the visible cells would give a hidden cell back gets a
// complementary suppression, and the API, the dashboard page and the
// ledger's summary sheet — the whole of a leader's ledger — hide the same
// cells; no published figure is 1 to 4.
func TestLeaderSeesTheSameSuppressedTableEverywhere(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		const cw, leader = auth.RoleCaseworker, auth.RoleLeader
		f := newFixture(t, st, clock, cw, leader)
		// 生活保障: 6 open, 1 assigned (total 7); 心理保障: 5 open. The
		// living row's total minus its 6 would give the 1 back.
		for range 6 {
			f.newNeed(t, f.atA.ID, model.CategoryLiving)
		}
		one := f.newNeed(t, f.atA.ID, model.CategoryLiving)
		f.stepNeed(t, one.ID, model.NeedAssigned, &model.NeedAssign{UserID: ptr(f.users[cw].ID)})
		for range 5 {
			f.newNeed(t, f.atA.ID, model.CategoryPsychological)
		}

		var exact, stats statsFigures
		f.get(t, cw, "/api/v1/needs/stats").want(t, http.StatusOK).decode(t, &exact)
		if exact.Suppressed || shown(exact.Total) != "12" {
			t.Fatalf("caseworker's stats: %+v", exact)
		}
		f.get(t, leader, "/api/v1/needs/stats").want(t, http.StatusOK).decode(t, &stats)
		if !stats.Suppressed || shown(stats.Total) != "12" {
			t.Fatalf("leader's stats: %+v", stats)
		}
		cell := map[[2]string]string{}
		for _, c := range stats.Counts {
			cell[[2]string{c.Category, c.Status}] = shown(c.Count)
		}
		if cell[[2]string{model.CategoryLiving, model.NeedAssigned}] != "*" {
			t.Errorf("the small cell is shown: %v", cell)
		}
		if cell[[2]string{model.CategoryLiving, model.NeedOpen}] != "*" {
			t.Errorf("no complementary suppression in the living row: %v", cell)
		}
		var figures []*int
		for _, c := range stats.Counts {
			figures = append(figures, c.Count)
		}
		for _, c := range stats.ByCategory {
			figures = append(figures, c.Count)
		}
		for _, c := range stats.ByStatus {
			figures = append(figures, c.Count)
		}
		for _, n := range append(figures, stats.Total, stats.Active, stats.Resolved) {
			if n != nil && *n > 0 && *n < model.SmallCell {
				t.Errorf("a published figure of %d", *n)
			}
		}

		// The dashboard page shows the same figures.
		page := f.do(t, call{Method: "GET", Path: "/dashboard", Header: map[string]string{"Cookie": "houdun_session=" + f.tokens[leader]}}).want(t, http.StatusOK)
		body := string(page.Body)
		catName := map[string]string{model.CategoryLiving: "生活保障", model.CategoryPsychological: "心理保障"}
		for _, c := range stats.ByCategory {
			if name := catName[c.Category]; name != "" && !strings.Contains(body, name+": "+shown(c.Count)) {
				t.Errorf("the page does not show %s: %s", name, shown(c.Count))
			}
		}
		for _, c := range stats.ByStatus {
			if c.Status == model.NeedOpen && !strings.Contains(body, "待处理: "+shown(c.Count)) {
				t.Errorf("the page does not show 待处理: %s", shown(c.Count))
			}
		}

		// A summary of some statuses would hide other cells: refused.
		f.get(t, leader, "/api/v1/ledger.xlsx?status=open").want(t, http.StatusBadRequest)
		// The leader's ledger is the summary sheet alone, with the same cells.
		r := f.get(t, leader, "/api/v1/ledger.xlsx?region=210902").want(t, http.StatusOK)
		x, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		if sheets := x.GetSheetList(); len(sheets) != 1 || sheets[0] != "分类统计" {
			t.Fatalf("a leader's ledger has sheets %v, want the summary only", sheets)
		}
		rows, err := x.GetRows("分类统计")
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			for _, v := range row {
				if n, err := strconv.Atoi(v); err == nil && n > 0 && n < model.SmallCell {
					t.Errorf("a cell of %d in a leader's ledger: %v", n, row)
				}
				if strings.Contains(v, "需求") && strings.Contains(v, "压力") {
					t.Errorf("a case's text in a leader's ledger: %q", v)
				}
			}
		}
		// Rows: title, period, header, one per category, the totals.
		sheet := map[[2]string]string{}
		for i, c := range model.NeedCategories {
			row := rows[3+i]
			for j, s := range model.NeedStatuses {
				if j+1 < len(row) {
					sheet[[2]string{c, s}] = row[j+1]
				}
			}
			sheet[[2]string{c, "total"}] = row[len(model.NeedStatuses)+1]
		}
		totals := rows[3+len(model.NeedCategories)]
		for _, c := range stats.Counts {
			if got := sheet[[2]string{c.Category, c.Status}]; got != shown(c.Count) {
				t.Errorf("sheet %s/%s = %q, API %s", c.Category, c.Status, got, shown(c.Count))
			}
		}
		for _, c := range stats.ByCategory {
			if got := sheet[[2]string{c.Category, "total"}]; got != shown(c.Count) {
				t.Errorf("sheet total of %s = %q, API %s", c.Category, got, shown(c.Count))
			}
		}
		for j, c := range stats.ByStatus {
			if got := totals[j+1]; got != shown(c.Count) {
				t.Errorf("sheet total of %s = %q, API %s", c.Status, got, shown(c.Count))
			}
		}
		if got := totals[len(totals)-1]; got != shown(stats.Total) {
			t.Errorf("sheet grand total %q, API %s", got, shown(stats.Total))
		}
	})
}

// TestOfficialRegionCodes: the padded GB/T 2260 form (210000, 210900,
// 210902000, 12 digits) works wherever a region is entered — query
// parameters and JSON bodies — as the stored prefix does, and an unknown or
// malformed code answers with a message naming it instead of an empty
// answer.
func TestOfficialRegionCodes(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		const cw = auth.RoleCaseworker
		f := newFixture(t, st, clock, cw, cityCaseworker)
		for range 2 {
			f.newNeed(t, f.atA.ID, model.CategoryLiving)
		}
		f.newNeed(t, f.atB.ID, model.CategoryLiving)
		total := func(path string) string {
			var s statsFigures
			f.get(t, cityCaseworker, path).want(t, http.StatusOK).decode(t, &s)
			return shown(s.Total)
		}
		for path, want := range map[string]string{
			"/api/v1/needs/stats?region=2109": "3", "/api/v1/needs/stats?region=210900": "3", "/api/v1/needs/stats?region=210000": "3",
			"/api/v1/needs/stats?region=210902": "2", "/api/v1/needs/stats?region=210902000000": "2",
		} {
			if got := total(path); got != want {
				t.Errorf("%s: total %s, want %s", path, got, want)
			}
		}
		var regions struct{ Items []model.Region }
		f.get(t, cityCaseworker, "/api/v1/regions?parent=210900").want(t, http.StatusOK).decode(t, &regions)
		if len(regions.Items) == 0 || regions.Items[0].ParentCode != "2109" {
			t.Errorf("?parent=210900 lists %v", regions.Items)
		}
		var list struct{ Total int }
		f.get(t, cityCaseworker, "/api/v1/needs?region=210902000").want(t, http.StatusOK).decode(t, &list)
		if list.Total != 2 {
			t.Errorf("?region=210902000 lists %d cases, want 2", list.Total)
		}
		f.get(t, cityCaseworker, "/api/v1/ledger.xlsx?region=210900").want(t, http.StatusOK)

		for path, want := range map[string]string{
			"/api/v1/needs/stats?region=219900": "没有代码为 219900 的行政区划",
			"/api/v1/needs/stats?region=21090":  "“21090”不是区划代码",
			"/api/v1/needs?region=219900":       "219900",
			"/api/v1/ledger.xlsx?region=219900": "219900",
			"/api/v1/regions?parent=2199":       "2199",
			"/api/v1/visits/due?region=abc":     "abc",
		} {
			e := f.get(t, cityCaseworker, path).want(t, http.StatusBadRequest).apiError(t)
			if !strings.Contains(strings.Join(mapValues(e.Fields), " "), want) {
				t.Errorf("%s: %+v, want a message naming %s", path, e, want)
			}
		}

		// A JSON body takes the padded form and stores the prefix.
		var vol struct {
			RegionCode string `json:"region_code"`
		}
		f.send(t, cw, "POST", "/api/v1/volunteers", map[string]any{"name": "钱志愿", "phone": "13700003333", "region_code": "210902000000"}).
			want(t, http.StatusCreated).decode(t, &vol)
		if vol.RegionCode != "210902" {
			t.Errorf("volunteer stored with region %q", vol.RegionCode)
		}
		var inst struct {
			RegionCode string `json:"region_code"`
		}
		f.send(t, cw, "POST", "/api/v1/institutions", map[string]any{"name": "海州区妇幼保健院", "type": model.InstHospital, "region_code": " 210902 "}).
			want(t, http.StatusCreated).decode(t, &inst)
		if inst.RegionCode != "210902" {
			t.Errorf("institution stored with region %q", inst.RegionCode)
		}
	})
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
