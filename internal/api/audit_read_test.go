package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

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

// TestAuditTrailExportAndAccountFilter: the auditor filters the trail by
// account and action and downloads it as .xlsx, every entry of the filter
// in Chinese; the export is itself audited.
func TestAuditTrailExportAndAccountFilter(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleCaseworker, auth.RoleAuditor)
		cw := f.users[auth.RoleCaseworker].Username
		f.get(t, auth.RoleCaseworker, "/api/v1/people").want(t, http.StatusOK)
		f.get(t, auth.RoleCaseworker, "/api/v1/people/"+id(f.atA.ID)).want(t, http.StatusOK)

		var list struct {
			Total int
			Items []struct{ Username, Action string }
		}
		f.get(t, auth.RoleAuditor, "/api/v1/audit?username="+cw+"&action=person.read").want(t, http.StatusOK).decode(t, &list)
		if list.Total != 1 || list.Items[0].Username != cw || list.Items[0].Action != "person.read" {
			t.Errorf("filtered by account and action: %+v", list)
		}

		r := f.get(t, auth.RoleAuditor, "/api/v1/exports/audit.xlsx?username="+cw).want(t, http.StatusOK)
		x, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows("审计日志")
		if err != nil {
			t.Fatal(err)
		}
		// Row 1 is the title, row 2 the header (report/lists.go's sheet).
		if len(rows) < 4 || rows[1][0] != "编号" || rows[1][5] != "操作" {
			t.Fatalf("sheet rows = %v", rows)
		}
		var actions []string
		for _, row := range rows[2:] {
			if row[2] != cw {
				t.Errorf("row of another account: %v", row)
			}
			actions = append(actions, row[5])
		}
		if got := strings.Join(actions, ","); got != "查看人员,查看人员名单,登录" {
			t.Errorf("actions in the export: %s", got)
		}
		var exports struct {
			Items []struct{ Detail, Outcome string }
		}
		f.get(t, auth.RoleAuditor, "/api/v1/audit?action=export.audit").want(t, http.StatusOK).decode(t, &exports)
		if len(exports.Items) != 1 || !strings.Contains(exports.Items[0].Detail, "username="+cw) || !strings.Contains(exports.Items[0].Detail, "rows=") {
			t.Errorf("export.audit rows = %+v", exports.Items)
		}
		f.get(t, auth.RoleCaseworker, "/api/v1/exports/audit.xlsx").want(t, http.StatusForbidden)
	})
}
