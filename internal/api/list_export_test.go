package api_test

import (
	"net/http"
	"strings"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// listExportProbes are the access matrix's requests of the list exports:
// each file holds the caller's own rows and none from outside their scope.
func listExportProbes() map[string]probe {
	holds := func(t *testing.T, r *response, in, out string) {
		t.Helper()
		text := exportText(t, r)
		if (in != "" && !strings.Contains(text, in)) || strings.Contains(text, out) {
			t.Errorf("export holds in-scope %s: %v, out-of-scope %s: %v", in, strings.Contains(text, in), out, strings.Contains(text, out))
		}
	}
	return map[string]probe{
		"GET /api/v1/exports/needs.xlsx": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			f.world(t)
			return call{Method: "GET", Path: "/api/v1/exports/needs.xlsx"}
		}, visible: func(t *testing.T, f *fixture, r *response, in, out scope) {
			holds(t, r, in.person.Name, out.person.Name)
		}},
		"GET /api/v1/exports/visits-due.xlsx": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			f.world(t)
			return call{Method: "GET", Path: "/api/v1/exports/visits-due.xlsx"}
		}, visible: func(t *testing.T, f *fixture, r *response, in, out scope) {
			holds(t, r, "", out.person.Name)
		}},
		"GET /api/v1/exports/volunteers.xlsx": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			f.world(t)
			return call{Method: "GET", Path: "/api/v1/exports/volunteers.xlsx"}
		}, visible: func(t *testing.T, f *fixture, r *response, in, out scope) {
			w := f.world(t)
			holds(t, r, w.volunteer[in.region].Name, w.volunteer[out.region].Name)
		}},
	}
}

// TestListExportsAreTheListAsShownNeutralisedAndAudited: the case export
// follows the list's filter, masks what the list masks, makes formula-like
// text inert, and leaves one audit row naming the filter (words searched
// for as *) and the count; a leader, who reads aggregates only, gets 403.
func TestListExportsAreTheListAsShownNeutralisedAndAudited(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		const cw = auth.RoleCaseworker
		f := newFixture(t, st, clock, cw, auth.RoleLeader)
		w := f.world(t)
		evil, err := st.CreateNeed(testutil.System(), model.NeedInput{PersonID: f.atA.ID, Category: model.CategoryLiving, Kind: model.KindMeals,
			Urgency: model.UrgencyHigh, Description: "=HYPERLINK(\"http://evil\",\"送餐\")", Source: model.SourceHotline})
		if err != nil {
			t.Fatal(err)
		}
		r := f.get(t, cw, "/api/v1/exports/needs.xlsx?q=%E9%80%81%E9%A4%90&category=living")
		r.want(t, http.StatusOK)
		if !strings.Contains(r.Header.Get("Content-Disposition"), ".xlsx") {
			t.Errorf("disposition %q", r.Header.Get("Content-Disposition"))
		}
		text := exportText(t, r)
		if !strings.Contains(text, "#"+id(evil.ID)) || !strings.Contains(text, "'=HYPERLINK") {
			t.Errorf("the export lacks the case or its neutralised text:\n%s", text)
		}
		if strings.Contains(text, "#"+id(w.need[f.atA.ID])+"\t") {
			t.Error("the export ignores the filter")
		}
		if strings.Contains(text, "13900000") || strings.Contains(text, f.idNumber[f.atA.ID]) {
			t.Error("the export holds a whole phone or ID number")
		}
		audit, err := st.ListAudit(testutil.System(), model.AuditFilter{Action: store.ActNeedExport})
		if err != nil {
			t.Fatal(err)
		}
		if len(audit.Items) != 1 || audit.Items[0].Detail != "filter=category=living&q=*; rows=1" {
			t.Errorf("audit rows %+v, want one naming the filter and the count", audit.Items)
		}

		for _, path := range []string{"/api/v1/exports/needs.xlsx", "/api/v1/exports/visits-due.xlsx", "/api/v1/exports/volunteers.xlsx"} {
			f.get(t, auth.RoleLeader, path).want(t, http.StatusForbidden)
		}
		r = f.get(t, cw, "/api/v1/exports/volunteers.xlsx")
		r.want(t, http.StatusOK)
		if text := exportText(t, r); !strings.Contains(text, w.volunteer["210902"].Name) || strings.Contains(text, "13700002222") {
			t.Errorf("volunteers export:\n%s", text)
		}
		r = f.get(t, cw, "/api/v1/exports/visits-due.xlsx?status=overdue")
		r.want(t, http.StatusOK)
		f.get(t, cw, "/api/v1/exports/needs.xlsx?sort=name").want(t, http.StatusBadRequest)
	})
}

// TestARefusedDownloadInABrowserIsAPage: the pages' export buttons lead to
// the API; a browser sent there (Accept prefers HTML) that is refused gets a
// page in its language with a way back to where it came from, not raw JSON;
// an API client still gets the JSON error.
func TestARefusedDownloadInABrowserIsAPage(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleCaseworker, auth.RoleLeader)
		browser := map[string]string{"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
			"Referer": "http://example.com/needs?category=living"}
		bad := "/api/v1/exports/needs.xlsx?created_from=2026-13-01"
		r := f.do(t, call{Method: "GET", Path: bad, Token: f.tokens[auth.RoleCaseworker], Header: browser}).want(t, http.StatusBadRequest)
		body := string(r.Body)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Fatalf("a browser's refused download answers %q: %.200s", ct, body)
		}
		for _, want := range []string{`<html lang="zh-CN">`, "无法完成请求", `href="/"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %q: %.600s", want, body)
			}
		}
		// The leader may not download the case list: the page says so.
		r = f.do(t, call{Method: "GET", Path: "/api/v1/exports/needs.xlsx", Token: f.tokens[auth.RoleLeader], Header: browser}).want(t, http.StatusForbidden)
		if !strings.Contains(string(r.Body), "无权访问") {
			t.Errorf("the leader's refusal: %.300s", r.Body)
		}
		// An API client gets JSON, as every error of the API.
		e := f.do(t, call{Method: "GET", Path: bad, Token: f.tokens[auth.RoleCaseworker]}).want(t, http.StatusBadRequest).apiError(t)
		if e.Code != "invalid" {
			t.Errorf("API client: %+v", e)
		}
	})
}
