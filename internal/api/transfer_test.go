package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// requesterAt is the principal of a team registering people at institution
// inst: an institution admin that is not one of the matrix's callers.
func requesterAt(inst model.Institution, userID int64) context.Context {
	return auth.WithPrincipal(context.Background(), &auth.Principal{UserID: userID, Username: fmt.Sprintf("requester-%d", userID),
		Role: auth.RoleInstitutionAdmin, InstitutionID: inst.ID})
}

// transfer makes a fresh person at from and has a team at to register their
// ID number, which submits a transfer request; it returns the request's id.
func (f *fixture) transfer(t *testing.T, ctx context.Context, from, to model.Institution) int64 {
	t.Helper()
	p := f.person(t, fmt.Sprintf("调动%d", f.next()), from.ID)
	reg, err := f.st.RegisterPerson(ctx, model.PersonInput{Name: ptr(p.Name), IDNumber: ptr(f.idNumber[p.ID]), InstitutionID: ptr(to.ID),
		Occupation: ptr(model.OccNurse), Department: ptr("急诊科"), Frontline: ptr(true)})
	if err != nil || reg.TransferID == 0 {
		t.Fatalf("submit transfer: %+v, %v", reg, err)
	}
	return reg.TransferID
}

// transferFor returns a request in (or out of) the caller's reach, as the access matrix describes.
func (f *fixture) transferFor(t *testing.T, who string, in bool) int64 {
	t.Helper()
	other := requesterAt(f.instA, 900000+f.next())
	switch {
	case who == auth.RoleInstitutionAdmin && in:
		u := f.users[who]
		return f.transfer(t, requesterAt(f.instA, u.ID), f.instB, f.instA)
	case who == auth.RoleInstitutionAdmin:
		return f.transfer(t, requesterAt(f.instA2, 900000+f.next()), f.instB, f.instA2)
	case who == cityCaseworker && in:
		return f.transfer(t, other, f.instB, f.instA)
	case who == cityCaseworker:
		return f.transfer(t, other, f.instC, f.instA)
	case in:
		return f.transfer(t, requesterAt(f.instA, 900000+f.next()), f.instA2, f.instA)
	default:
		return f.transfer(t, other, f.instB, f.instA)
	}
}

func transferProbes() map[string]probe {
	path := func(suffix string) func(t *testing.T, f *fixture, who string, s scope) call {
		return func(t *testing.T, f *fixture, who string, s scope) call {
			in := s.person.ID != 0 && (s.person.ID == f.atA.ID || who == cityCaseworker && s.person.ID == f.atB.ID || who == auth.RoleWorker && s.person.ID == f.self.ID)
			id := f.transferFor(t, who, in)
			c := call{Method: "GET", Path: fmt.Sprintf("/api/v1/transfers/%d%s", id, suffix)}
			switch suffix {
			case "/approve":
				c.Method = "POST"
			case "/reject":
				c.Method, c.JSON = "POST", map[string]string{"reason": "查无此调动"}
			}
			return c
		}
	}
	return map[string]probe{
		"GET /api/v1/transfers": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: "/api/v1/transfers?status=submitted"}
		}},
		"GET /api/v1/transfers/{id}":          {scoped: true, build: path("")},
		"POST /api/v1/transfers/{id}/approve": {scoped: true, build: path("/approve")},
		"POST /api/v1/transfers/{id}/reject":  {scoped: true, build: path("/reject")},
	}
}

// TestRegistrationDoesNotTellExistence: registering an ID number that is
// registered in another district answers exactly as registering a new one,
// by form and by import (dry run and real), and what it makes is a transfer
// request that the requester cannot read the other record from.
func TestRegistrationDoesNotTellExistence(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleCaseworker, cityCaseworker)
		person := func(id string) map[string]any {
			return map[string]any{"name": "甲", "id_number": id, "institution_id": f.instA.ID, "occupation": "doctor"}
		}
		elsewhere := f.person(t, "王在新邱", f.instB.ID)
		a := f.send(t, auth.RoleCaseworker, "POST", "/api/v1/people", person(f.idNumber[elsewhere.ID]))
		b := f.send(t, auth.RoleCaseworker, "POST", "/api/v1/people", person(f.freshIDNumber()))
		if a.Status != http.StatusAccepted || a.Status != b.Status || !bytes.Equal(a.Body, b.Body) {
			t.Errorf("registered elsewhere: %d %s\nnew:                %d %s", a.Status, a.Body, b.Status, b.Body)
		}
		// Registered in one's own scope is a plain conflict: the caller sees that person anyway.
		f.send(t, auth.RoleCaseworker, "POST", "/api/v1/people", person(f.idNumber[f.atA.ID])).want(t, http.StatusConflict)

		for _, dry := range []string{"?dry_run=true", ""} {
			other := f.person(t, "李在新邱", f.instB.ID)
			upload := func(id string) *response {
				file := xlsxFile(t, peopleHeaders, [][]string{{"导入人员", id, "13800138000", f.instA.Name, "急诊科", "护士", "护师", "是"}})
				c := uploadCall("/api/v1/imports/people"+dry, "people.xlsx", file)
				c.Token = f.tokens[auth.RoleCaseworker]
				return f.do(t, c)
			}
			a, b := upload(f.idNumber[other.ID]), upload(f.freshIDNumber())
			if a.Status != b.Status || !bytes.Equal(a.Body, b.Body) || a.Status >= 300 {
				t.Errorf("import%s: registered elsewhere: %d %s\nnew: %d %s", dry, a.Status, a.Body, b.Status, b.Body)
			}
		}

		// The district team sees its own requests with nothing of the other record.
		var mine struct{ Items []map[string]any }
		f.get(t, auth.RoleCaseworker, "/api/v1/transfers").want(t, http.StatusOK).decode(t, &mine)
		if len(mine.Items) != 2 {
			t.Fatalf("requester sees %d requests, want 2 (the form's and the real import's)", len(mine.Items))
		}
		for _, it := range mine.Items {
			for _, k := range []string{"person_id", "person_name", "id_number_masked", "from_institution_id", "from_institution_name", "from_region_code"} {
				if _, ok := it[k]; ok {
					t.Errorf("the requester sees %s of the other record: %v", k, it)
				}
			}
			if it["status"] != model.TransferSubmitted || it["can_decide"] != false {
				t.Errorf("requester's view = %v", it)
			}
		}
		if r := f.get(t, auth.RoleCaseworker, "/api/v1/people/"+id(elsewhere.ID)); r.Status != http.StatusNotFound {
			t.Errorf("the other record became visible: %d", r.Status)
		}
	})
}

// TestTransferApproval: the city team approves a move between two of its
// districts; the person moves in one transaction with audit rows, and the
// district team then sees them. A rejection needs a reason.
func TestTransferApproval(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleCaseworker, cityCaseworker)
		elsewhere := f.person(t, "王在新邱", f.instB.ID)
		f.send(t, auth.RoleCaseworker, "POST", "/api/v1/people", map[string]any{"name": "王在新邱", "id_number": f.idNumber[elsewhere.ID],
			"institution_id": f.instA.ID, "occupation": "doctor", "title": "主治医师", "department": "感染科"}).want(t, http.StatusAccepted)

		var queue struct{ Items []model.Transfer }
		f.get(t, cityCaseworker, "/api/v1/transfers?status=submitted&q=王在").want(t, http.StatusOK).decode(t, &queue)
		if len(queue.Items) != 1 || queue.Items[0].PersonID != elsewhere.ID || !queue.Items[0].CanDecide || queue.Items[0].FromRegionCode != "210903" {
			t.Fatalf("city queue = %+v", queue.Items)
		}
		tr := queue.Items[0]
		// A region in its official padded form (新邱区 210903, 阜新市 210900) filters either side.
		for _, code := range []string{"210903", "210900"} {
			var byRegion struct{ Items []model.Transfer }
			f.get(t, cityCaseworker, "/api/v1/transfers?region="+code).want(t, http.StatusOK).decode(t, &byRegion)
			if len(byRegion.Items) != 1 {
				t.Errorf("?region=%s: %d requests", code, len(byRegion.Items))
			}
		}
		// The requester may not decide their own request.
		f.send(t, auth.RoleCaseworker, "POST", fmt.Sprintf("/api/v1/transfers/%d/approve", tr.ID), nil).want(t, http.StatusForbidden)
		f.send(t, cityCaseworker, "POST", fmt.Sprintf("/api/v1/transfers/%d/reject", tr.ID), map[string]string{"reason": " "}).want(t, http.StatusBadRequest)

		var done model.Transfer
		f.send(t, cityCaseworker, "POST", fmt.Sprintf("/api/v1/transfers/%d/approve", tr.ID), nil).want(t, http.StatusOK).decode(t, &done)
		if done.Status != model.TransferApproved || done.DecidedAt == nil {
			t.Errorf("approved = %+v", done)
		}
		f.send(t, cityCaseworker, "POST", fmt.Sprintf("/api/v1/transfers/%d/approve", tr.ID), nil).want(t, http.StatusConflict)
		got, err := st.GetPerson(testutil.System(), elsewhere.ID, false)
		if err != nil || got.InstitutionID != f.instA.ID || got.RegionCode != "210902" || got.Title != "主治医师" || got.Name != elsewhere.Name {
			t.Errorf("moved person = %+v, %v", got, err)
		}
		f.get(t, auth.RoleCaseworker, "/api/v1/people/"+id(elsewhere.ID)).want(t, http.StatusOK)
		audit, err := st.ListAudit(testutil.As(&auth.Principal{Username: "auditor", Role: auth.RoleAuditor}), model.AuditFilter{Action: store.ActPersonUpdate, ObjectType: "person", ObjectID: id(elsewhere.ID)})
		if err != nil || len(audit.Items) == 0 || !strings.Contains(audit.Items[0].Detail, fmt.Sprintf("transfer=%d", tr.ID)) {
			t.Errorf("person audit = %+v, %v", audit.Items, err)
		}
		// The requester's inbox says it was decided, naming nobody.
		var inbox struct{ Items []model.Notification }
		f.get(t, auth.RoleCaseworker, "/api/v1/inbox").want(t, http.StatusOK).decode(t, &inbox)
		if len(inbox.Items) == 0 || inbox.Items[0].Kind != store.NoticeTransferDecided {
			t.Errorf("requester inbox = %+v", inbox.Items)
		}
	})
}

// TestDryRunsAreLimited: an account gets DryRunsPerMinute checks a minute,
// then a clear 429 in its language; each check leaves one audit row.
func TestDryRunsAreLimited(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleCaseworker)
		check := func() *response {
			file := xlsxFile(t, peopleHeaders, [][]string{{"导入人员", f.freshIDNumber(), "13800138000", f.instA.Name, "急诊科", "护士", "护师", "是"}})
			c := uploadCall("/api/v1/imports/people?dry_run=true", "people.xlsx", file)
			c.Token = f.tokens[auth.RoleCaseworker]
			c.Header = map[string]string{"Accept-Language": "en"}
			return f.do(t, c)
		}
		for i := 0; i < store.DryRunsPerMinute; i++ {
			check().want(t, http.StatusOK)
		}
		r := check().want(t, http.StatusTooManyRequests)
		if e := r.apiError(t); e.Code != "rate_limited" || !strings.Contains(e.Message, "Too many checks") {
			t.Errorf("limited = %+v", e)
		}
		audit, err := st.ListAudit(testutil.As(&auth.Principal{Username: "auditor", Role: auth.RoleAuditor}), model.AuditFilter{Action: store.ActImportDryRun})
		if err != nil || audit.Total != store.DryRunsPerMinute {
			t.Fatalf("dry-run audit rows = %d, %v", audit.Total, err)
		}
		if d := audit.Items[0].Detail; !strings.HasPrefix(d, "kind=people rows=1 created=1") {
			t.Errorf("detail = %q", d)
		}
		clock.Advance(time.Minute + time.Second)
		check().want(t, http.StatusOK)
	})
}

// TestAnIDNumberChangeThroughTheAPIAnswersAlike: PATCH /people/{id} with a
// new ID number saves the other fields and answers 202 with the correction
// request, the same whether the number is free or registered in another
// district; a number of someone the caller sees answers 409; the request
// lists under kind=id_number and a second person approves it.
func TestAnIDNumberChangeThroughTheAPIAnswersAlike(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleCaseworker, cityCaseworker)
		cw := auth.RoleCaseworker
		neighbour := f.person(t, "孙丽", f.instA.ID)
		path := "/api/v1/people/" + id(f.atA.ID)
		f.send(t, cw, "PATCH", path, map[string]any{"id_number": f.idNumber[neighbour.ID]}).want(t, http.StatusConflict)

		type answer struct {
			IDNumberMasked     string `json:"id_number_masked"`
			Title              string `json:"title"`
			IDNumberCorrection int64  `json:"id_number_correction"`
		}
		shape := func(number, title string) (answer, string) {
			t.Helper()
			r := f.send(t, cw, "PATCH", path, map[string]any{"id_number": number, "title": title}).want(t, http.StatusAccepted)
			var a answer
			r.decode(t, &a)
			keys := map[string]any{}
			r.decode(t, &keys)
			var names []string
			for k := range keys {
				names = append(names, k)
			}
			return a, fmt.Sprint(len(names))
		}
		free, freeKeys := shape(f.freshIDNumber(), "主管护师")
		taken, takenKeys := shape(f.idNumber[f.atB.ID], "副主任护师")
		if free.IDNumberCorrection == 0 || free.IDNumberCorrection != taken.IDNumberCorrection || freeKeys != takenKeys ||
			free.IDNumberMasked != taken.IDNumberMasked || taken.Title != "副主任护师" {
			t.Errorf("a free number answers %+v (%s keys), one registered elsewhere %+v (%s keys)", free, freeKeys, taken, takenKeys)
		}
		var list struct {
			Items []struct {
				ID                      int64  `json:"id"`
				Kind                    string `json:"kind"`
				RequestedIDNumberMasked string `json:"requested_id_number_masked"`
				ApproverRegionCode      string `json:"approver_region_code"`
			} `json:"items"`
		}
		f.get(t, cw, "/api/v1/transfers?kind=id_number").want(t, http.StatusOK).decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != taken.IDNumberCorrection || list.Items[0].ApproverRegionCode != "" || list.Items[0].RequestedIDNumberMasked == "" {
			t.Errorf("the requester's list: %+v", list.Items)
		}
		f.get(t, cw, "/api/v1/transfers?kind=nonsense").want(t, http.StatusBadRequest)
		// The city's team covers both districts: it cannot give the number of a registered person.
		f.send(t, cityCaseworker, "POST", "/api/v1/transfers/"+id(taken.IDNumberCorrection)+"/approve", map[string]any{}).want(t, http.StatusConflict)
		f.send(t, cityCaseworker, "POST", "/api/v1/transfers/"+id(taken.IDNumberCorrection)+"/reject", map[string]any{"reason": "号码与新邱区在册人员重复"}).want(t, http.StatusOK)
	})
}
