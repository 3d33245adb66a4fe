package web_test

import (
	"context"
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

// TestAuditPageShowsTheChainCheck: the auditor's /audit page says whether
// and when the audit chain was last verified.
func TestAuditPageShowsTheChainCheck(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		auditor := s.as("auditor_fx")
		contains(t, auditor.get("/audit"), "审计链尚未校验过")
		if _, err := st.CheckAuditChain(testutil.System(), "start"); err != nil {
			t.Fatal(err)
		}
		r := auditor.get("/audit")
		contains(t, r, "服务启动时", "条记录完整，未发现篡改")
		lacks(t, r, `role="alert"`)
		auditor.header.Set("Accept-Language", "en")
		contains(t, auditor.get("/audit?lang=en"), "at server start")
	})
}

// auditRowsOf returns the actions audited on one object after row id after.
func auditRowsOf(t *testing.T, st *store.Store, objectType string, objectID int64, after int64) []string {
	t.Helper()
	auditor := testutil.As(&auth.Principal{UserID: 1, Username: "aud", Role: auth.RoleAuditor})
	list, err := st.ListAudit(auditor, model.AuditFilter{ObjectType: objectType, ObjectID: strconv.FormatInt(objectID, 10)})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list.Items {
		if e.ID > after {
			out = append(out, e.Action)
		}
	}
	return out
}

func auditHead(t *testing.T, st *store.Store) int64 {
	t.Helper()
	auditor := testutil.As(&auth.Principal{UserID: 1, Username: "aud", Role: auth.RoleAuditor})
	list, err := st.ListAudit(auditor, model.AuditFilter{Page: model.Page{Limit: 1}})
	if err != nil || len(list.Items) == 0 {
		t.Fatal(err)
	}
	return list.Items[0].ID
}

// TestSavingAFormWritesNoReadTheUserDidNotMake: saving the person and the
// volunteer edit forms and the new-case form is audited as the write alone,
// not as a read of the record too; a save that fails shows the form again,
// which is a read.
func TestSavingAFormWritesNoReadTheUserDidNotMake(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		cw := s.as("cw_haizhou")
		path := "/people/" + strconv.FormatInt(s.zhang.ID, 10)
		form := url.Values{"name": {"张伟"}, "institution_id": {strconv.FormatInt(s.haizhou.ID, 10)}, "occupation": {"nurse"},
			"department": {"感染科"}, "version": {"1"}}
		head := auditHead(t, st)
		if r := cw.postForm(path, form); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d", r.status)
		}
		if got := auditRowsOf(t, st, "person", s.zhang.ID, head); strings.Join(got, ",") != "person.update" {
			t.Errorf("saving the person form audited %v, want person.update only", got)
		}
		head = auditHead(t, st)
		if r := cw.postForm(path, form); r.status != http.StatusConflict { // version 1 is stale now
			t.Fatalf("stale save: %d", r.status)
		}
		if got := auditRowsOf(t, st, "person", s.zhang.ID, head); strings.Join(got, ",") != "person.read" {
			t.Errorf("a failed save audited %v, want the read of the form shown again", got)
		}

		vo, err := st.CreateVolunteer(cwContext(s), model.VolunteerInput{Name: ptr("孙丽"), Phone: ptr("13700001111"), RegionCode: ptr("210902")})
		if err != nil {
			t.Fatal(err)
		}
		head = auditHead(t, st)
		vform := url.Values{"name": {"孙丽"}, "region_code": {"210902"}, "available": {"1"}, "active": {"1"}, "version": {strconv.FormatInt(vo.Version, 10)}}
		if r := cw.postForm("/volunteers/"+strconv.FormatInt(vo.ID, 10), vform); r.status != http.StatusSeeOther {
			t.Fatalf("volunteer save: %d", r.status)
		}
		if got := auditRowsOf(t, st, "volunteer", vo.ID, head); strings.Join(got, ",") != "volunteer.update" {
			t.Errorf("saving the volunteer form audited %v, want volunteer.update only", got)
		}

		// Adding a relative: the new relative alone.
		head = auditHead(t, st)
		if r := cw.postForm(path+"/family", url.Values{"name": {"王五"}, "relation": {"spouse"}, "birth_date": {"1986-01-01"}}); r.status != http.StatusSeeOther {
			t.Fatalf("add a relative: %d", r.status)
		}
		if got := auditRowsOf(t, st, "person", s.zhang.ID, head); len(got) != 0 {
			t.Errorf("adding a relative audited %v on the person, want nothing", got)
		}

		// Changing a relative: the update alone, no read of the person or the family.
		fam, err := st.ListFamily(cwContext(s), s.zhang.ID, false)
		if err != nil || len(fam) == 0 {
			t.Fatalf("family: %v %v", fam, err)
		}
		rel := fam[len(fam)-1]
		head = auditHead(t, st)
		relPath := path + "/family/" + strconv.FormatInt(rel.ID, 10)
		if r := cw.postForm(relPath, url.Values{"name": {"王五"}, "relation": {"spouse"}, "birth_date": {"1986-01-01"}, "lives_with": {"1"},
			"version": {strconv.FormatInt(rel.Version, 10)}}); r.status != http.StatusSeeOther {
			t.Fatalf("change a relative: %d", r.status)
		}
		if got := auditRowsOf(t, st, "person", s.zhang.ID, head); len(got) != 0 {
			t.Errorf("changing a relative audited %v on the person, want nothing", got)
		}
		if got := auditRowsOf(t, st, "family", s.zhang.ID, head); len(got) != 0 {
			t.Errorf("changing a relative audited %v on the family, want nothing", got)
		}
		if got := auditRowsOf(t, st, "family_member", rel.ID, head); strings.Join(got, ",") != "family.update" {
			t.Errorf("changing a relative audited %v, want family.update only", got)
		}
		// A stale save shows the form again: that is a read.
		head = auditHead(t, st)
		if r := cw.postForm(relPath, url.Values{"name": {"王五"}, "relation": {"spouse"}, "birth_date": {"1986-01-01"},
			"version": {strconv.FormatInt(rel.Version, 10)}}); r.status != http.StatusConflict {
			t.Fatalf("stale relative save: %d", r.status)
		}
		if got := auditRowsOf(t, st, "family", s.zhang.ID, head); strings.Join(got, ",") != "family.read" {
			t.Errorf("a failed relative save audited %v, want the read of the form shown again", got)
		}

		// Ending a pairing from the volunteer's page: the update alone.
		pa, err := st.CreatePairing(cwContext(s), model.PairingInput{VolunteerID: &vo.ID, PersonID: &s.zhang.ID, StartsOn: ptr("2026-02-01")})
		if err != nil {
			t.Fatal(err)
		}
		head = auditHead(t, st)
		if r := cw.postForm("/pairings/"+strconv.FormatInt(pa.ID, 10)+"/end", url.Values{"version": {strconv.FormatInt(pa.Version, 10)}}); r.status != http.StatusSeeOther {
			t.Fatalf("end the pairing: %d", r.status)
		}
		if got := auditRowsOf(t, st, "pairing", pa.ID, head); strings.Join(got, ",") != "pairing.update" {
			t.Errorf("ending a pairing audited %v, want pairing.update only", got)
		}

		// Recording a case for a person: the case is audited, the person is not read.
		head = auditHead(t, st)
		r := cw.postForm("/needs", url.Values{"person_id": {strconv.FormatInt(s.zhang.ID, 10)}, "category": {"living"}, "kind": {"eldercare"},
			"urgency": {"high"}, "source": {"visit"}, "description": {"母亲独居"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("new case: %d", r.status)
		}
		if got := auditRowsOf(t, st, "person", s.zhang.ID, head); len(got) != 0 {
			t.Errorf("recording a case audited %v on its person, want nothing", got)
		}
	})
}

// cwContext acts as the site's district case worker directly on the store.
func cwContext(_ *site) context.Context {
	return testutil.As(&auth.Principal{UserID: 2, Username: "cw_haizhou", Role: auth.RoleCaseworker, RegionCode: "210902"})
}

// TestAuditPageFiltersByAccountAndActionAndExports: the auditor narrows the
// trail to one account and one action (chosen by its Chinese name), and the
// page offers the .xlsx of that filter; each entry carries its labels for
// the phone's card layout.
func TestAuditPageFiltersByAccountAndActionAndExports(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		s.as("cw_haizhou").get("/people")
		auditor := s.as("auditor_fx")
		r := auditor.get("/audit?username=cw_haizhou&action=person.list")
		contains(t, r, `<option value="person.list" selected>查看人员名单</option>`, `name="username" type="text" value="cw_haizhou"`, "共 1 条",
			`href="/api/v1/exports/audit.xlsx?action=person.list&amp;username=cw_haizhou"`, `data-label="操作"`, `class="data cases audit-log"`)
		contains(t, auditor.get("/audit?username=nobody"), "共 0 条")
		if x := auditor.get("/api/v1/exports/audit.xlsx?action=person.list&username=cw_haizhou"); x.status != http.StatusOK {
			t.Errorf("export from the page's link: %d", x.status)
		}
	})
}
