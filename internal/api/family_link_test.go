package api_test

import (
	"net/http"
	"strings"
	"testing"

	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// familyLinkProbes build the requests of the family-link routes for the access matrix.
func familyLinkProbes() map[string]probe {
	return map[string]probe{
		"GET /api/v1/me/family-links": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: "/api/v1/me/family-links"}
		}},
		"POST /api/v1/me/family-links": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/me/family-links", JSON: map[string]any{"family_member_id": f.relative[s.person.ID].ID, "days": 14}}
		}},
		"DELETE /api/v1/me/family-links/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			l, err := f.st.CreateFamilyLink(testutil.System(), s.person.ID, model.FamilyLinkInput{FamilyMemberID: ptr(f.relative[s.person.ID].ID)})
			if err != nil {
				t.Fatal(err)
			}
			return call{Method: "DELETE", Path: "/api/v1/me/family-links/" + id(l.ID)}
		}},
	}
}

func TestAWorkerManagesFamilyLinksOverTheAPI(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, "worker")
		mother := f.relative[f.self.ID]
		var made model.FamilyLink
		f.send(t, "worker", "POST", "/api/v1/me/family-links", map[string]any{"family_member_id": mother.ID}).want(t, http.StatusCreated).decode(t, &made)
		if len(made.Token) != 43 || made.Path != "/f/"+made.Token || made.FamilyMemberID != mother.ID || made.PersonID != f.self.ID {
			t.Fatalf("made %+v", made)
		}
		if !made.ExpiresAt.Equal(clock.Now().Add(30 * 24 * 3600e9)) {
			t.Errorf("expires %v, want 30 days from now", made.ExpiresAt)
		}
		var list struct {
			Items []map[string]any `json:"items"`
			Total int              `json:"total"`
		}
		r := f.get(t, "worker", "/api/v1/me/family-links").want(t, http.StatusOK)
		r.decode(t, &list)
		if list.Total != 1 || strings.Contains(string(r.Body), made.Token) || list.Items[0]["token"] != nil {
			t.Errorf("list %s", r.Body)
		}
		e := f.send(t, "worker", "POST", "/api/v1/me/family-links", map[string]any{"family_member_id": mother.ID, "days": 91}).
			want(t, http.StatusBadRequest).apiError(t)
		if e.Fields["days"] == "" {
			t.Errorf("days 91: %+v", e)
		}
		f.send(t, "worker", "DELETE", "/api/v1/me/family-links/"+id(made.ID), nil).want(t, http.StatusNoContent)
		f.send(t, "worker", "DELETE", "/api/v1/me/family-links/"+id(made.ID), nil).want(t, http.StatusNotFound)
		f.do(t, call{Method: "GET", Path: made.Path}).want(t, http.StatusNotFound)
	})
}
