package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestDeployOpenAPISchemasMatchModels: the fragment's schemas are the model's fields.
func TestDeployOpenAPISchemasMatchModels(t *testing.T) {
	doc := readOpenAPI(t)
	for name, v := range map[string]any{
		"Post": model.Post{}, "PostInput": model.PostInput{}, "PostPatch": model.PostInput{}, "PostList": model.List[model.Post]{},
		"Batch": model.Batch{}, "BatchInput": model.BatchInput{}, "BatchPatch": model.BatchInput{},
		"Deployment": model.Deployment{}, "DeploymentInput": model.DeploymentInput{}, "DeploymentList": model.List[model.Deployment]{},
		"ConflictRef": model.ConflictRef{}, "DeploymentConflict": model.DeploymentConflict{}, "RestDue": model.RestDue{},
		"PersonDays": model.PersonDays{}, "Candidate": model.Candidate{}, "CandidateList": model.CandidateList{},
	} {
		if got, want := schemaFields(t, doc, name), jsonFieldsDeep(reflect.TypeOf(v)); !slices.Equal(got, want) {
			t.Errorf("%s: properties %v, want the json fields %v", name, got, want)
		}
	}
	if got := doc.Components.Schemas["PostKind"].Enum; !slices.Equal(got, model.PostKinds) {
		t.Errorf("PostKind enum = %v", got)
	}
}

// deployAPI is the fixture with the couple 张伟 (atA) and 刘一线 (self) at
// institution A linked as medical workers, and two posts of A.
type deployAPI struct {
	*fixture
	fever, sampling model.Post
}

func newDeployAPI(t *testing.T, st *store.Store, clock *testutil.Clock) *deployAPI {
	t.Helper()
	f := &deployAPI{fixture: newFixture(t, st, clock, auth.RoleCaseworker, auth.RoleInstitutionAdmin, auth.RoleFinance, auth.RoleLeader, cityCaseworker)}
	if _, err := st.CreateFamilyMember(testutil.System(), f.atA.ID, model.FamilyMemberInput{Name: ptr("刘一线"), Relation: ptr(model.RelSpouse),
		BirthDate: ptr("1986-01-01"), LivesWith: ptr(true), MedicalWorkerPersonID: ptr(f.self.ID)}); err != nil {
		t.Fatal(err)
	}
	var p model.Post
	f.send(t, auth.RoleInstitutionAdmin, "POST", "/api/v1/posts", map[string]any{"name": "发热门诊", "institution_id": f.instA.ID, "kind": "fever_clinic", "tier": 1}).
		want(t, http.StatusCreated).decode(t, &p)
	f.fever = p
	f.send(t, auth.RoleCaseworker, "POST", "/api/v1/posts", map[string]any{"name": "核酸采样点", "institution_id": f.instA.ID, "kind": "sampling", "tier": 2}).
		want(t, http.StatusCreated).decode(t, &f.sampling)
	return f
}

func TestDeploymentAPI(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newDeployAPI(t, st, clock)
		ia, cw := auth.RoleInstitutionAdmin, auth.RoleCaseworker
		plan := func(who string, person, post int64, from, to string, extra map[string]any) *response {
			body := map[string]any{"person_id": person, "post_id": post, "starts_on": from, "ends_on": to}
			for k, v := range extra {
				body[k] = v
			}
			return f.send(t, who, "POST", "/api/v1/deployments", body)
		}
		var first model.Deployment
		plan(ia, f.self.ID, f.fever.ID, "2026-11-01", "2026-11-10", nil).want(t, http.StatusCreated).decode(t, &first)

		// The couple rule: 409 couple_conflict naming her deployment.
		r := plan(ia, f.atA.ID, f.sampling.ID, "2026-11-05", "2026-11-08", nil).want(t, http.StatusConflict)
		var body struct {
			Error struct {
				Code      string              `json:"code"`
				Message   string              `json:"message"`
				Conflicts []model.ConflictRef `json:"conflicts"`
			} `json:"error"`
		}
		r.decode(t, &body)
		if body.Error.Code != "couple_conflict" || len(body.Error.Conflicts) != 1 || body.Error.Conflicts[0].DeploymentID != first.ID || body.Error.Message == "" {
			t.Fatalf("couple conflict = %s", r.Body)
		}
		// An institution admin may not override (403); an override needs a reason.
		if e := plan(ia, f.atA.ID, f.sampling.ID, "2026-11-05", "2026-11-08", map[string]any{"override_reason": "人手不足"}).want(t, http.StatusForbidden).apiError(t); e.Code != "forbidden" {
			t.Errorf("institution admin override: %+v", e)
		}
		if e := plan(cw, f.atA.ID, f.sampling.ID, "2026-11-05", "2026-11-08", map[string]any{"override_reason": "   "}).want(t, http.StatusConflict).apiError(t); e.Code != "couple_conflict" {
			t.Errorf("blank reason: %+v", e)
		}
		var over model.Deployment
		plan(cw, f.atA.ID, f.sampling.ID, "2026-11-05", "2026-11-08", map[string]any{"override_reason": "采样任务紧急，家中由祖父母照看"}).want(t, http.StatusCreated).decode(t, &over)
		if len(over.Conflicts) != 1 || over.Conflicts[0].Status != "overridden" {
			t.Fatalf("override = %+v", over.Conflicts)
		}
		var conflicts model.List[model.DeploymentConflict]
		f.get(t, cw, "/api/v1/deployments/conflicts?from=2026-10-01").want(t, http.StatusOK).decode(t, &conflicts)
		if conflicts.Total != 1 || conflicts.Items[0].Reason != "采样任务紧急，家中由祖父母照看" {
			t.Fatalf("conflicts = %+v", conflicts)
		}
		f.get(t, auth.RoleLeader, "/api/v1/deployments/conflicts").want(t, http.StatusForbidden)

		// Bad input answers with field messages in the caller's language and writes nothing.
		e := plan(cw, f.atA2.ID, f.fever.ID, "2026-11-20", "2026-11-10", nil).want(t, http.StatusBadRequest).apiError(t)
		if e.Code != "invalid" || !strings.Contains(e.Fields["ends_on"], "结束日期不能早于开始日期") {
			t.Errorf("end before start: %+v", e)
		}
		e = f.do(t, call{Method: "POST", Path: "/api/v1/deployments?lang=en", Token: f.tokens[cw], JSON: map[string]any{"person_id": f.atA2.ID, "post_id": f.fever.ID,
			"starts_on": "2026-11-20", "ends_on": "2026-11-10"}}).want(t, http.StatusBadRequest).apiError(t)
		if e.Fields["ends_on"] != "The end cannot be before the start" {
			t.Errorf("english: %+v", e)
		}
		if e := plan(cw, f.self.ID, f.sampling.ID, "2026-11-10", "2026-11-12", nil).want(t, http.StatusConflict).apiError(t); e.Code != "conflict" {
			t.Errorf("overlapping the same person: %+v", e)
		}
		plan(cw, f.atB.ID, f.fever.ID, "2026-11-01", "2026-11-02", nil).want(t, http.StatusNotFound)  // 新邱区: out of 海州区's scope
		plan(ia, f.atA2.ID, f.fever.ID, "2026-11-01", "2026-11-02", nil).want(t, http.StatusNotFound) // institution A2: out of A's
		f.get(t, auth.RoleCaseworker, fmt.Sprintf("/api/v1/deployments/%d", first.ID)).want(t, http.StatusOK)
		f.send(t, auth.RoleFinance, "POST", "/api/v1/deployments", map[string]any{"person_id": f.atA.ID}).want(t, http.StatusForbidden)

		// ?active_on
		var list model.List[model.Deployment]
		f.get(t, ia, "/api/v1/deployments?active_on=2026-11-06").want(t, http.StatusOK).decode(t, &list)
		if list.Total != 2 {
			t.Errorf("active on 11-06: %d", list.Total)
		}
		f.get(t, ia, "/api/v1/deployments?active_on=2026-11").want(t, http.StatusBadRequest)

		// The days report: finance reads it; halves are exact numbers.
		plan(cw, f.atA2.ID, f.sampling.ID, "2026-11-20", "2026-11-22", map[string]any{"shift_hours": 4}).want(t, http.StatusCreated)
		r = f.get(t, auth.RoleFinance, "/api/v1/deployments/days?from=2026-11-01&to=2026-11-30").want(t, http.StatusOK)
		var days struct {
			Items []map[string]json.RawMessage `json:"items"`
			Total int                          `json:"total"`
		}
		r.decode(t, &days)
		got := map[string]string{}
		for _, it := range days.Items {
			got[string(it["person_id"])] = string(it["tier1_days"]) + "/" + string(it["tier2_days"]) + "/" + string(it["tier2_half_days"])
		}
		if days.Total != 3 || got[fmt.Sprint(f.self.ID)] != "10/0/0" || got[fmt.Sprint(f.atA.ID)] != "0/4/8" || got[fmt.Sprint(f.atA2.ID)] != "0/1.5/3" {
			t.Fatalf("days = %v (%s)", got, r.Body)
		}
		f.get(t, auth.RoleFinance, "/api/v1/deployments/days?from=2026-11-30&to=2026-11-01").want(t, http.StatusBadRequest)
		f.get(t, auth.RoleFinance, "/api/v1/deployments/days").want(t, http.StatusBadRequest)
		f.get(t, auth.RoleLeader, "/api/v1/deployments/days?from=2026-11-01&to=2026-11-30").want(t, http.StatusForbidden)

		// Candidates for the fever clinic in November: 刘一线 and 张伟 are
		// deployed, 李娜 (A2) is outside the institution admin's reach.
		var cands model.CandidateList
		f.get(t, ia, fmt.Sprintf("/api/v1/candidates?post=%d&count=5&starts_on=2026-11-06&ends_on=2026-11-07", f.fever.ID)).want(t, http.StatusOK).decode(t, &cands)
		for _, c := range cands.Items {
			if c.PersonID == f.self.ID || c.PersonID == f.atA.ID || c.PersonID == f.atA2.ID {
				t.Errorf("proposed %d", c.PersonID)
			}
			if c.Rank == 0 || len(c.Reasons) != 4 {
				t.Errorf("candidate = %+v", c)
			}
		}
		// After November, 张伟's wife is free again; in it, 张伟 ranks last
		// for the days around her deployment.
		f.get(t, cw, fmt.Sprintf("/api/v1/candidates?post=%d&count=10&starts_on=2026-11-09&ends_on=2026-11-09", f.sampling.ID)).want(t, http.StatusOK).decode(t, &cands)
		if len(cands.Items) == 0 {
			t.Fatalf("no candidates: %+v", cands)
		}
		f.get(t, cw, "/api/v1/candidates?count=5").want(t, http.StatusBadRequest)
		f.get(t, cw, fmt.Sprintf("/api/v1/candidates?post=%d&count=500", f.fever.ID)).want(t, http.StatusBadRequest)
		f.get(t, auth.RoleCaseworker, "/api/v1/candidates?post=999999").want(t, http.StatusNotFound)

		// Cancel, export.
		f.send(t, cw, "POST", fmt.Sprintf("/api/v1/deployments/%d/cancel", over.ID), map[string]any{"version": over.Version}).want(t, http.StatusOK)
		f.send(t, cw, "POST", fmt.Sprintf("/api/v1/deployments/%d/cancel", over.ID), nil).want(t, http.StatusConflict)
		x := f.get(t, cw, "/api/v1/exports/deployments.xlsx?status=all").want(t, http.StatusOK)
		if !strings.HasPrefix(string(x.Body), "PK") {
			t.Errorf("export is not an xlsx")
		}
		f.get(t, auth.RoleFinance, "/api/v1/exports/deployment-days.xlsx?from=2026-11-01&to=2026-11-30").want(t, http.StatusOK)
	})
}

func TestBatchAPI(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newDeployAPI(t, st, clock)
		cw := cityCaseworker
		var b model.Batch
		f.send(t, cw, "POST", "/api/v1/batches", map[string]any{"name": "辽宁援鄂第7批", "destination": "湖北省武汉市", "region_code": "210900",
			"leader_person_id": f.atB.ID, "departs_on": "2026-11-01", "returns_on": "2026-12-15"}).want(t, http.StatusCreated).decode(t, &b)
		if b.QuarantineDays != 14 || b.LeaderName != "王芳" {
			t.Fatalf("batch = %+v", b)
		}
		f.send(t, auth.RoleInstitutionAdmin, "POST", "/api/v1/batches", map[string]any{"name": "x"}).want(t, http.StatusForbidden)
		f.send(t, cw, "POST", "/api/v1/batches", map[string]any{"name": "x", "destination": "武汉", "region_code": "2109", "departs_on": "2026-11-10", "returns_on": "2026-11-01"}).
			want(t, http.StatusBadRequest)
		// Members: 刘一线 as a nurse; then her husband 张伟 hits the couple rule.
		f.send(t, cw, "POST", fmt.Sprintf("/api/v1/batches/%d/members", b.ID), map[string]any{"person_id": f.self.ID, "role": "护士"}).want(t, http.StatusCreated)
		e := f.send(t, cw, "POST", fmt.Sprintf("/api/v1/batches/%d/members", b.ID), map[string]any{"person_id": f.atA.ID, "role": "医生"}).want(t, http.StatusConflict).apiError(t)
		if e.Code != "couple_conflict" {
			t.Fatalf("member couple: %+v", e)
		}
		f.send(t, cw, "POST", fmt.Sprintf("/api/v1/batches/%d/members", b.ID), map[string]any{"person_id": f.atA.ID, "role": "医生", "override_reason": "重症专业仅此一人"}).
			want(t, http.StatusCreated)
		var members model.List[model.Deployment]
		f.get(t, cw, fmt.Sprintf("/api/v1/batches/%d/members", b.ID)).want(t, http.StatusOK).decode(t, &members)
		if members.Total != 2 || members.Items[0].StartsOn != "2026-11-01" {
			t.Fatalf("members = %+v", members)
		}
		f.get(t, auth.RoleCaseworker, fmt.Sprintf("/api/v1/batches/%d", b.ID)).want(t, http.StatusNotFound) // a district does not reach the city's batch
	})
}
