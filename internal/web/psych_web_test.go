package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestTheSelfCheckPages: consent once through the form (refused unticked),
// the answers of PHQ-9 with item 9 above "not at all" give the result in
// plain words with the crisis resources; the counsellor's alerts page lists
// it and a caseworker's person page says no more than "referred".
func TestTheSelfCheckPages(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		name, role, pw := "zhang.worker", auth.RoleWorker, password
		if _, err := st.CreateUser(testutil.System(), model.UserInput{Username: &name, Role: &role, PersonID: &s.zhang.ID, Password: &pw}); err != nil {
			t.Fatal(err)
		}
		s.user("hz.counselor", auth.RoleCounselor, "210902")
		w := s.as(name)
		if r := w.postForm("/me/wellbeing/consent", url.Values{}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "请勾选同意") {
			t.Fatalf("unticked: %d %.300s", r.status, r.body)
		}
		if r := w.postForm("/me/wellbeing/consent", url.Values{"agree": {"1"}}); r.status != http.StatusSeeOther {
			t.Fatalf("consent: %d", r.status)
		}
		form := url.Values{}
		for i, v := range []int{1, 0, 2, 1, 0, 0, 1, 0, 1} {
			form.Set("q"+strconv.Itoa(i), strconv.Itoa(v))
		}
		r := w.postForm("/me/wellbeing/phq9", form)
		if r.status != http.StatusOK || !strings.Contains(r.body, `id="crisis"`) || !strings.Contains(r.body, "tel:12356") || !strings.Contains(r.body, "轻度") {
			t.Fatalf("result: %d %.2000s", r.status, r.body)
		}
		c := s.as("hz.counselor")
		r = c.get("/psych/alerts")
		if r.status != http.StatusOK || !strings.Contains(r.body, "张伟") {
			t.Fatalf("alerts: %d", r.status)
		}
		// A round for the institution from the launch form (no batch).
		r = c.postForm("/psych/rounds", url.Values{"name": {"三月筛查"}, "institution_id": {strconv.FormatInt(s.zhang.InstitutionID, 10)}, "batch_id": {""},
			"repeat_days": {"14"}, "phq9": {"1"}})
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/psych/rounds/") {
			t.Fatalf("launch: %d %.500s", r.status, r.body)
		}
		if r = c.get(r.location); r.status != http.StatusOK || !strings.Contains(r.body, "张伟") {
			t.Fatalf("round page: %d", r.status)
		}
		// Neither institution nor batch: the form again with its message.
		if r = c.postForm("/psych/rounds", url.Values{"name": {"x"}, "phq9": {"1"}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "二选一") {
			t.Fatalf("no target: %d", r.status)
		}
		// The caseload's phone cards: every cell of the table is labelled.
		r = c.get("/psych/cases")
		if r.status != http.StatusOK || !strings.Contains(r.body, "张伟") || strings.Contains(r.body, "<td>") {
			t.Fatalf("caseload: %d", r.status)
		}
	})
}
