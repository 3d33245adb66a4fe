package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestNeedListSearchDatesAndSort: a case list is searched by case number,
// the person's name or words of the description, inside the caller's scope
// only; filtered by when the case was recorded; and sorted by any of its
// whitelisted keys in either direction, ties broken by the case number.
func TestNeedListSearchDatesAndSort(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw, city := f.as("cw_haizhou"), f.as("cw_city")
		day1 := clock.Now()
		meals := f.create(t, cw, f.newNeed(func(in *model.NeedInput) {
			in.Category, in.Kind, in.Urgency, in.Description = "living", "meals", "normal", "夜班后食堂已关门，需要送餐"
		}))
		clock.Advance(24 * time.Hour)
		day2 := clock.Now()
		care := f.create(t, cw, f.newNeed(func(in *model.NeedInput) { in.Urgency = "high" })) // 母亲独居…
		liuCase := f.create(t, f.as("cw_xinqiu"), f.newNeed(func(in *model.NeedInput) {
			in.PersonID, in.Description, in.Urgency = f.liu.ID, "孩子无人接送，需要100%帮忙", "high"
		}))
		clock.Advance(24 * time.Hour)
		ppe := f.create(t, cw, f.newNeed(func(in *model.NeedInput) {
			in.Category, in.Kind, in.Urgency, in.Description = "safety", "ppe", "high", "家里缺口罩"
		}))
		if _, err := st.AssignNeed(cw, ppe.ID, model.NeedAssign{VolunteerID: &f.wang.ID}); err != nil {
			t.Fatal(err)
		}

		ids := func(who string, nf model.NeedFilter) []int64 {
			t.Helper()
			ctx := cw
			if who == "city" {
				ctx = city
			}
			l, err := st.ListNeeds(ctx, nf)
			if err != nil {
				t.Fatalf("%+v: %v", nf, err)
			}
			out := []int64{}
			for _, n := range l.Items {
				out = append(out, n.ID)
			}
			if l.Total != len(out) {
				t.Errorf("%+v: total %d for %d items", nf, l.Total, len(out))
			}
			return out
		}
		cases := []struct {
			name, who string
			f         model.NeedFilter
			want      []int64
		}{
			{"case number", "", model.NeedFilter{Query: fmt.Sprint(care.ID)}, []int64{care.ID}},
			{"case number with #", "", model.NeedFilter{Query: fmt.Sprintf(" #%d ", meals.ID)}, []int64{meals.ID}},
			{"another district's case number is not found", "", model.NeedFilter{Query: fmt.Sprint(liuCase.ID)}, []int64{}},
			{"the city finds it", "city", model.NeedFilter{Query: fmt.Sprint(liuCase.ID)}, []int64{liuCase.ID}},
			{"words of the description", "", model.NeedFilter{Query: "送餐", Sort: model.NeedSortNewest}, []int64{meals.ID}},
			{"the person's name", "city", model.NeedFilter{Query: "刘洋"}, []int64{liuCase.ID}},
			{"a name out of scope", "", model.NeedFilter{Query: "刘洋"}, []int64{}},
			{"part of a name", "", model.NeedFilter{Query: "张", Sort: model.NeedSortNewest}, []int64{ppe.ID, care.ID, meals.ID}},
			{"words and a filter", "", model.NeedFilter{Query: "张", Category: "safety"}, []int64{ppe.ID}},
			{"% is a character, not a wildcard", "city", model.NeedFilter{Query: "100%"}, []int64{liuCase.ID}},
			{"_ too", "city", model.NeedFilter{Query: "_"}, []int64{}},
			{"nothing matches", "", model.NeedFilter{Query: "不存在的词"}, []int64{}},
			{"recorded from day 2", "", model.NeedFilter{CreatedFrom: day2, Sort: model.NeedSortNewest}, []int64{ppe.ID, care.ID}},
			{"recorded before day 2", "", model.NeedFilter{CreatedTo: day2}, []int64{meals.ID}},
			{"recorded on day 2", "city", model.NeedFilter{CreatedFrom: day2, CreatedTo: day2.Add(24 * time.Hour), Sort: model.NeedSortNewest},
				[]int64{liuCase.ID, care.ID}},
			{"recorded on day 1 and searched", "", model.NeedFilter{CreatedFrom: day1, CreatedTo: day2, Query: "母亲"}, []int64{}},
			{"oldest first", "", model.NeedFilter{Sort: model.NeedSortNewest, Order: model.SortAsc}, []int64{meals.ID, care.ID, ppe.ID}},
			// meals (normal, 72 h from day 1) and ppe (high, 24 h from day 3) fall
			// due at the same moment: the case number decides, reversed with the rest.
			{"deadline", "", model.NeedFilter{Sort: model.NeedSortDueAt}, []int64{care.ID, meals.ID, ppe.ID}},
			{"deadline, latest first", "", model.NeedFilter{Sort: model.NeedSortDueAt, Order: model.SortDesc},
				[]int64{ppe.ID, meals.ID, care.ID}},
			// high (care, then ppe by deadline), normal (meals)
			{"urgency", "", model.NeedFilter{Sort: "urgency"}, []int64{care.ID, ppe.ID, meals.ID}},
			{"urgency, least urgent first", "", model.NeedFilter{Sort: "urgency", Order: model.SortDesc}, []int64{meals.ID, ppe.ID, care.ID}},
			// open (newest first: care, meals), then assigned (ppe)
			{"status", "", model.NeedFilter{Sort: model.NeedSortStatus}, []int64{care.ID, meals.ID, ppe.ID}},
			{"status reversed", "", model.NeedFilter{Sort: model.NeedSortStatus, Order: model.SortDesc}, []int64{ppe.ID, meals.ID, care.ID}},
		}
		for _, c := range cases {
			if got := ids(c.who, c.f); !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}
		// A search pages like any list, with the total of its matches.
		for _, pg := range []struct{ offset, items int }{{0, 2}, {2, 1}, {4, 0}} {
			l, err := st.ListNeeds(cw, model.NeedFilter{Query: "张", Page: model.Page{Limit: 2, Offset: pg.offset}})
			if err != nil || len(l.Items) != pg.items || l.Total != 3 {
				t.Errorf("search from %d: %d items of %d (%v), want %d of 3", pg.offset, len(l.Items), l.Total, err, pg.items)
			}
		}
		// The volunteer sees 张某 on the case assigned to them: a search by the
		// whole name must not confirm it, one by the description still works.
		vol := f.as("vol_wang")
		for q, want := range map[string]int{"张伟": 0, "伟": 0, "口罩": 1} {
			l, err := st.ListNeeds(vol, model.NeedFilter{Query: q})
			if err != nil || len(l.Items) != want {
				t.Errorf("volunteer's search %q: %d cases (%v), want %d", q, len(l.Items), err, want)
			}
		}
	})
}

// TestParseNeedQuery: the search box is a case number when it is one.
func TestParseNeedQuery(t *testing.T) {
	for q, want := range map[string]model.NeedQuery{
		"123":     {CaseID: 123},
		"#123":    {CaseID: 123},
		"＃45":     {CaseID: 45},
		" 7 ":     {CaseID: 7},
		"0":       {Text: "0"},
		"12a":     {Text: "12a"},
		"张伟":      {Text: "张伟"},
		"1390000": {CaseID: 1390000},
		"":        {},
		"#":       {Text: "#"},
	} {
		if got := model.ParseNeedQuery(q); got != want {
			t.Errorf("%q: %+v, want %+v", q, got, want)
		}
	}
}
