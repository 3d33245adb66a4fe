package api_test

import (
	"net/http"
	"strings"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestAPIListsAreCappedAndAudited: /api/v1/people?limit=500 answers at most
// store.MaxPage rows and leaves one person.list row; a search by full ID
// number is audited without the number; a probe of another district's
// person answers 404 and is audited as such.
func TestAPIListsAreCappedAndAudited(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleCaseworker, auth.RoleAuditor)
		var list struct{ Limit int }
		f.get(t, auth.RoleCaseworker, "/api/v1/people?limit=500").want(t, http.StatusOK).decode(t, &list)
		if list.Limit != store.MaxPage {
			t.Errorf("limit = %d, want %d", list.Limit, store.MaxPage)
		}
		full := f.idNumber[f.atA.ID]
		f.get(t, auth.RoleCaseworker, "/api/v1/people?id_number="+full).want(t, http.StatusOK)
		f.get(t, auth.RoleCaseworker, "/api/v1/people/"+id(f.atB.ID)).want(t, http.StatusNotFound)

		type auditRows struct {
			Items []struct {
				Action, Outcome, Detail string
				ObjectID                string `json:"object_id"`
			}
		}
		var audit auditRows
		r := f.get(t, auth.RoleAuditor, "/api/v1/audit?action=person.list").want(t, http.StatusOK)
		if strings.Contains(string(r.Body), full) {
			t.Errorf("the audit trail holds the ID number searched for: %s", r.Body)
		}
		r.decode(t, &audit)
		if len(audit.Items) != 2 || !strings.Contains(audit.Items[0].Detail, "id_number=set") || !strings.Contains(audit.Items[1].Detail, "count=") {
			t.Errorf("person.list rows = %+v", audit.Items)
		}
		audit = auditRows{}
		f.get(t, auth.RoleAuditor, "/api/v1/audit?action=person.read").want(t, http.StatusOK).decode(t, &audit)
		if len(audit.Items) != 1 || audit.Items[0].ObjectID != id(f.atB.ID) || audit.Items[0].Outcome != "not_found" {
			t.Errorf("probe rows = %+v", audit.Items)
		}
	})
}
