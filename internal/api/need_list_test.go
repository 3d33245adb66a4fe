package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// chinaZone is the zone of calendar dates in queries.
var chinaZone = time.FixedZone("UTC+8", 8*3600)

// TestCaseListSearchAndSortThroughTheAPI: GET /api/v1/needs finds a case by
// its number, by the person's name and by words of its description, inside
// the caller's scope only, and sorts by status in either direction.
func TestCaseListSearchAndSortThroughTheAPI(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		const cw = auth.RoleCaseworker
		f := newFixture(t, st, clock, cw)
		w := f.world(t)
		a, b := w.need[f.atA.ID], w.need[f.atB.ID] // atB is in another district
		resolved := f.stepNeed(t, f.newNeed(t, f.atA2.ID, model.CategoryLiving).ID, model.NeedResolved,
			&model.NeedAssign{VolunteerID: ptr(w.volunteer["210902"].ID)})
		na, err := st.GetNeed(testutil.System(), a)
		if err != nil {
			t.Fatal(err)
		}
		nb, err := st.GetNeed(testutil.System(), b)
		if err != nil {
			t.Fatal(err)
		}
		words := func(n model.Need) string { return url.QueryEscape(n.Description[:strings.Index(n.Description, "：")]) }
		list := func(query string) []int64 {
			t.Helper()
			r := f.get(t, cw, "/api/v1/needs?"+query)
			r.want(t, 200)
			var l needListJSON
			r.decode(t, &l)
			out := []int64{}
			for _, n := range l.Items {
				out = append(out, n.ID)
			}
			return out
		}
		for _, c := range []struct {
			name, query string
			want        []int64
		}{
			{"by number", "q=" + url.QueryEscape(fmt.Sprintf("#%d", a)), []int64{a}},
			{"another district's number", "q=" + fmt.Sprint(b), []int64{}},
			{"by name", "q=" + url.QueryEscape(na.PersonName) + "&category=psychological", []int64{a}},
			{"another district's name", "q=" + url.QueryEscape(nb.PersonName), []int64{}},
			{"by description words", "q=" + words(na), []int64{a}},
			{"another district's words", "q=" + words(nb), []int64{}},
			{"recorded today", "q=" + words(na) + "&created_from=" + clock.Now().In(chinaZone).Format("2006-01-02"), []int64{a}},
			{"recorded tomorrow", "q=" + words(na) + "&created_from=" + clock.Now().In(chinaZone).AddDate(0, 0, 1).Format("2006-01-02"), []int64{}},
			{"resolved last by status", "sort=status&status=open,resolved&person_id=" + fmt.Sprint(f.atA2.ID), []int64{w.need[f.atA2.ID], resolved.ID}},
			{"resolved first reversed", "sort=status&order=desc&status=open,resolved&person_id=" + fmt.Sprint(f.atA2.ID), []int64{resolved.ID, w.need[f.atA2.ID]}},
		} {
			if got := list(c.query); !slices.Equal(got, c.want) {
				t.Errorf("%s (%s): %v, want %v", c.name, c.query, got, c.want)
			}
		}
	})
}
