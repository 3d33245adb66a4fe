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

// TestACheckInThroughTheAPI: a worker with no deployment today gets a clear
// 409; deployed, bad answers get 400 with the fields named, the day's first
// check-in 201, a correction 200; fever reaches the team leader's and the
// district team's inboxes; the team leader reads the batch's check-ins; a
// leader's counts are suppressed.
func TestACheckInThroughTheAPI(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleWorker, auth.RoleCaseworker, auth.RoleLeader)
		good := map[string]any{"temperature": 36.6, "symptoms": []string{}, "sleep_hours": 7, "mood": 4}
		r := f.send(t, auth.RoleWorker, "POST", "/api/v1/checkins", good).want(t, http.StatusConflict)
		if e := r.apiError(t); e.Code != "conflict" {
			t.Fatalf("not deployed: %+v", e)
		}
		// 刘 (atA) leads the batch 张 (self) is deployed in, and has a worker account.
		sys := testutil.System()
		day, to := model.ChinaDay(clock.Now()), model.ChinaDay(clock.Now().AddDate(0, 0, 7))
		b, err := st.CreateBatch(sys, model.BatchInput{Name: ptr("第七批援鄂医疗队"), Destination: ptr("武汉"), RegionCode: ptr("2109"),
			LeaderPersonID: ptr(f.atA.ID), DepartsOn: &day, ReturnsOn: &to})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateDeployment(sys, model.DeploymentInput{PersonID: ptr(f.self.ID), BatchID: &b.ID, StartsOn: day, EndsOn: to}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateUser(sys, model.UserInput{Username: ptr("leader-liu"), Password: ptr(password), Role: ptr(auth.RoleWorker), PersonID: ptr(f.atA.ID)}); err != nil {
			t.Fatal(err)
		}
		f.tokens["leader-liu"] = f.login(t, "leader-liu")

		r = f.do(t, call{Method: "POST", Path: "/api/v1/checkins", Token: f.tokens[auth.RoleWorker], Header: map[string]string{"Accept-Language": "en"},
			JSON: map[string]any{"temperature": 45, "sleep_hours": 7, "mood": 0, "symptoms": []string{"sneezing"}}}).want(t, http.StatusBadRequest)
		e := r.apiError(t)
		for _, field := range []string{"temperature", "mood", "symptoms"} {
			if e.Fields[field] == "" {
				t.Errorf("no message on %s: %+v", field, e)
			}
		}
		if l, _ := st.ListCheckins(sys, model.CheckinFilter{}); l.Total != 0 {
			t.Fatalf("a refused check-in was written")
		}
		f.send(t, auth.RoleWorker, "POST", "/api/v1/checkins", good).want(t, http.StatusCreated)
		var c model.Checkin
		f.send(t, auth.RoleWorker, "POST", "/api/v1/checkins", map[string]any{"temperature": 38.2, "symptoms": []string{"chills"}, "sleep_hours": 4.5, "mood": 2}).
			want(t, http.StatusOK).decode(t, &c)
		if !c.Fever || c.Corrections != 1 || c.Temperature != 38.2 {
			t.Fatalf("correction = %+v", c)
		}
		for _, who := range []string{"leader-liu", auth.RoleCaseworker} {
			var inbox struct {
				Items []model.Notification `json:"items"`
			}
			f.get(t, who, "/api/v1/inbox").want(t, http.StatusOK).decode(t, &inbox)
			if len(inbox.Items) != 1 || inbox.Items[0].Kind != store.NoticeCheckinFever {
				t.Errorf("%s's inbox: %+v", who, inbox.Items)
			}
		}
		var list model.List[model.Checkin]
		f.get(t, "leader-liu", "/api/v1/checkins").want(t, http.StatusOK).decode(t, &list)
		if list.Total != 1 || list.Items[0].PersonID != f.self.ID || list.Items[0].Temperature != 38.2 {
			t.Fatalf("the team leader's list: %+v", list)
		}
		// The leader role sees the day's counts, small ones as null.
		var counts map[string]any
		f.get(t, auth.RoleLeader, "/api/v1/checkins/counts").want(t, http.StatusOK).decode(t, &counts)
		if counts["deployed"] != nil || counts["fever"] != nil || counts["missing"] != float64(0) {
			t.Fatalf("leader's counts: %v", counts)
		}
		f.get(t, auth.RoleCaseworker, "/api/v1/checkins/missing?date=2026-13-01").want(t, http.StatusBadRequest)
		var missing model.List[model.MissingCheckin]
		f.get(t, auth.RoleCaseworker, "/api/v1/checkins/missing?date="+day).want(t, http.StatusOK).decode(t, &missing)
		if missing.Total != 0 {
			t.Fatalf("missing after the check-in: %+v", missing)
		}
	})
}

// TestAFamilyContactThroughTheAPI: a contact is recorded with its note and
// read back; bad input names its fields and writes nothing.
func TestAFamilyContactThroughTheAPI(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleCaseworker)
		rel := f.relative[f.atA.ID]
		r := f.send(t, auth.RoleCaseworker, "POST", "/api/v1/family-contacts", map[string]any{"person_id": f.atA.ID, "channel": "fax", "outcome": "message_delivered"}).
			want(t, http.StatusBadRequest)
		if e := r.apiError(t); e.Fields["channel"] == "" || e.Fields["note"] == "" {
			t.Fatalf("bad contact: %+v", e)
		}
		var c model.FamilyContact
		r = f.send(t, auth.RoleCaseworker, "POST", "/api/v1/family-contacts", map[string]any{"person_id": f.atA.ID, "family_member_id": rel.ID,
			"channel": "phone", "outcome": "message_delivered", "note": "转达：一切安好，勿念"}).want(t, http.StatusCreated)
		r.decode(t, &c)
		if c.Note != "转达：一切安好，勿念" || c.FamilyMemberName != rel.Name || r.Header.Get("Location") == "" {
			t.Fatalf("contact = %+v", c)
		}
		var list model.List[model.FamilyContact]
		f.get(t, auth.RoleCaseworker, "/api/v1/family-contacts?outcome=message_delivered&person_id="+id(f.atA.ID)).want(t, http.StatusOK).decode(t, &list)
		if list.Total != 1 || list.Items[0].ID != c.ID {
			t.Fatalf("list = %+v", list)
		}
		f.get(t, auth.RoleCaseworker, "/api/v1/family-contacts?outcome=gossip").want(t, http.StatusBadRequest)
		// The log as filtered downloads as .xlsx, with one audit row for the file.
		text := exportText(t, f.get(t, auth.RoleCaseworker, "/api/v1/exports/family-contacts.xlsx?outcome=message_delivered").want(t, http.StatusOK))
		if !strings.Contains(text, f.atA.Name) || !strings.Contains(text, "转达：一切安好，勿念") || !strings.Contains(text, "传递口信") {
			t.Fatalf("export:\n%s", text)
		}
		audit, err := st.ListAudit(testutil.System(), model.AuditFilter{Action: store.ActFamilyContactExport})
		if err != nil || audit.Total != 1 {
			t.Fatalf("export audit rows: %d, %v", audit.Total, err)
		}
	})
}
