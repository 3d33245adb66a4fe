package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestAWorkerScreensThemselvesThroughTheAPI: the instruments in the
// request's language, 403 consent_required before consent, 201 with score,
// band and risk after it, 400 invalid with the field in the user's language
// for a missing item (and nothing stored), the item-9 alert in the
// counselor's list, contact recorded.
func TestAWorkerScreensThemselvesThroughTheAPI(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleWorker, auth.RoleCounselor, auth.RoleLeader)
		w := auth.RoleWorker
		r := f.do(t, call{Method: "GET", Path: "/api/v1/instruments", Token: f.tokens[w], Header: map[string]string{"Accept-Language": "en"}}).want(t, http.StatusOK)
		var ins struct{ Items []model.InstrumentView }
		if err := json.Unmarshal(r.Body, &ins); err != nil || len(ins.Items) != 2 || ins.Items[0].ID != "phq9" || len(ins.Items[0].Items) != 9 ||
			!strings.Contains(ins.Items[0].Items[8].Text, "better off dead") || ins.Items[1].ID != "gad7" || ins.Items[0].Scale[0].Label != "Not at all" {
			t.Fatalf("instruments = %s", r.Body)
		}
		nine := map[string]any{"instrument": "phq9", "answers": []int{0, 0, 0, 0, 0, 0, 0, 0, 1}}
		r = f.send(t, w, "POST", "/api/v1/assessments", nine).want(t, http.StatusForbidden)
		if e := r.apiError(t); e.Code != "consent_required" {
			t.Fatalf("without consent: %s", r.Body)
		}
		f.send(t, w, "POST", "/api/v1/consents", map[string]string{"purpose": "psych_screening"}).want(t, http.StatusCreated)
		r = f.send(t, w, "POST", "/api/v1/assessments", map[string]any{"instrument": "phq9", "answers": []int{0, 0, 0, 0, 0, 0, 0, 0}}).want(t, http.StatusBadRequest)
		if e := r.apiError(t); e.Code != "invalid" || !strings.Contains(e.Fields["answers"], "9") {
			t.Fatalf("missing item: %s", r.Body)
		}
		r = f.send(t, w, "POST", "/api/v1/assessments", nine).want(t, http.StatusCreated)
		var res map[string]any
		if err := json.Unmarshal(r.Body, &res); err != nil || res["score"] != 1.0 || res["band"] != "minimal" || fmt.Sprint(res["risk"]) != "[self_harm]" || res["id"] == nil {
			t.Fatalf("result = %s", r.Body)
		}
		var mine model.List[model.Assessment]
		if err := json.Unmarshal(f.send(t, w, "GET", "/api/v1/assessments", nil).want(t, http.StatusOK).Body, &mine); err != nil || mine.Total != 1 {
			t.Fatalf("stored: %+v", mine)
		}
		var alerts model.List[model.Alert]
		if err := json.Unmarshal(f.send(t, auth.RoleCounselor, "GET", "/api/v1/psych/alerts", nil).want(t, http.StatusOK).Body, &alerts); err != nil ||
			alerts.Total != 1 || alerts.Items[0].PersonID != f.self.ID || alerts.Items[0].Status != "open" {
			t.Fatalf("alerts = %+v", alerts)
		}
		f.send(t, auth.RoleCounselor, "POST", fmt.Sprintf("/api/v1/psych/alerts/%d/contact", alerts.Items[0].ID), map[string]string{"note": "已联系"}).want(t, http.StatusOK)
		f.send(t, auth.RoleCounselor, "POST", fmt.Sprintf("/api/v1/psych/alerts/%d/contact", alerts.Items[0].ID), map[string]string{"note": "again"}).want(t, http.StatusConflict)

		// The leader's summary: one person screened, so every cell is null and suppressed.
		r = f.send(t, auth.RoleLeader, "GET", "/api/v1/psych/summary?region=210902", nil).want(t, http.StatusOK)
		if !strings.Contains(string(r.Body), `"suppressed":true`) || !strings.Contains(string(r.Body), `{"band":"minimal","count":null,"suppressed":true}`) ||
			strings.Contains(string(r.Body), "刘一线") {
			t.Fatalf("summary = %s", r.Body)
		}
		f.send(t, w, "DELETE", "/api/v1/consents/psych_screening", nil).want(t, http.StatusNoContent)
		f.send(t, w, "POST", "/api/v1/assessments", nine).want(t, http.StatusForbidden)
	})
}
