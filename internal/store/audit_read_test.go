package store_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// auditSince returns the audit rows after id last, oldest first.
func auditSince(t *testing.T, st *store.Store, last int64) []model.AuditEntry {
	t.Helper()
	list, err := st.ListAudit(testutil.As(auditor()), model.AuditFilter{Page: model.Page{Limit: 200}})
	if err != nil {
		t.Fatal(err)
	}
	var out []model.AuditEntry
	for i := len(list.Items) - 1; i >= 0; i-- {
		e := list.Items[i]
		if e.ID > last && e.Action != store.ActAuditRead {
			out = append(out, e)
		}
	}
	return out
}

func lastAuditID(t *testing.T, st *store.Store) int64 {
	t.Helper()
	list, err := st.ListAudit(testutil.As(auditor()), model.AuditFilter{Page: model.Page{Limit: 1}})
	if err != nil || len(list.Items) == 0 {
		t.Fatalf("audit head: %v", err)
	}
	return list.Items[0].ID
}

// TestReadsOfPersonalDataAreAudited: every list of people, cases, visits,
// the visit plan, volunteers and pairings, every read of a visit, volunteer
// or pairing, and every read of an id that is missing or out of scope leaves
// exactly one audit row, naming the filter and the count but no personal
// value; pages are capped at store.MaxPage rows.
func TestReadsOfPersonalDataAreAudited(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		visit, err := st.CreateVisit(cw, model.VisitInput{PersonID: f.zhang.ID, Target: "both", Channel: "home", VisitedAt: clock.Now().Add(-time.Hour), Notes: "入户"})
		if err != nil {
			t.Fatal(err)
		}
		pa, err := st.CreatePairing(cw, model.PairingInput{VolunteerID: &f.wang.ID, PersonID: &f.zhang.ID, StartsOn: ptr("2026-02-01")})
		if err != nil {
			t.Fatal(err)
		}
		needID := f.create(t, cw, f.newNeed()).ID
		reads := []struct {
			name           string
			read           func() error
			action, object string
			outcome        string
			detail         []string // parts the detail must hold
		}{
			{"people, a page of 500 asked", func() error {
				l, err := st.ListPeople(cw, model.PersonFilter{Page: model.Page{Limit: 500}})
				if err == nil && l.Limit != store.MaxPage {
					t.Errorf("people page limit %d, want %d", l.Limit, store.MaxPage)
				}
				return err
			}, store.ActPersonList, "person", "ok", []string{"count=1", "total=1"}},
			{"people by exact ID number", func() error {
				_, err := st.ListPeople(cw, model.PersonFilter{IDNumber: idNumber(101)})
				return err
			}, store.ActPersonList, "person", "ok", []string{"id_number=set", "ids=" + strconv.FormatInt(f.zhang.ID, 10), "count=1"}},
			{"people by phone", func() error {
				_, err := st.ListPeople(cw, model.PersonFilter{Phone: "13912345678", Q: "张"})
				return err
			}, store.ActPersonList, "person", "ok", []string{"q=set", "phone=set"}},
			{"cases", func() error {
				_, err := st.ListNeeds(cw, model.NeedFilter{Category: "living", Page: model.Page{Limit: 1000}})
				return err
			}, store.ActNeedList, "need", "ok", []string{"category=living", "count=1"}},
			{"visits", func() error {
				_, err := st.ListVisits(cw, model.VisitFilter{PersonID: f.zhang.ID})
				return err
			}, store.ActVisitList, "visit", "ok", []string{"person=" + strconv.FormatInt(f.zhang.ID, 10), "count=1"}},
			{"the visit plan", func() error {
				_, err := st.VisitsDue(cw, model.VisitDueFilter{Status: model.VisitPlanDue})
				return err
			}, store.ActVisitPlanList, "visit", "ok", []string{"status=due"}},
			{"a visit", func() error { _, err := st.GetVisit(cw, visit.ID); return err }, store.ActVisitRead, "visit", "ok", nil},
			{"volunteers", func() error {
				_, err := st.ListVolunteers(cw, model.VolunteerFilter{Q: "王"})
				return err
			}, store.ActVolunteerList, "volunteer", "ok", []string{"q=set", "count=1"}},
			{"a volunteer", func() error { _, err := st.GetVolunteer(cw, f.wang.ID, false); return err }, store.ActVolunteerRead, "volunteer", "ok", nil},
			{"pairings", func() error {
				_, err := st.ListPairings(cw, model.PairingFilter{VolunteerID: f.wang.ID})
				return err
			}, store.ActPairingList, "pairing", "ok", []string{"count=1"}},
			{"a pairing", func() error { _, err := st.GetPairing(cw, pa.ID); return err }, store.ActPairingRead, "pairing", "ok", nil},
			{"a person out of scope", func() error { _, err := st.GetPerson(cw, f.liu.ID, false); return err }, store.ActPersonRead, "person", "not_found", nil},
			{"a missing case", func() error { _, err := st.GetNeed(cw, needID+1000); return err }, store.ActNeedRead, "need", "not_found", nil},
			{"a missing visit", func() error { _, err := st.GetVisit(cw, visit.ID+1000); return err }, store.ActVisitRead, "visit", "not_found", nil},
			{"a missing volunteer", func() error { _, err := st.GetVolunteer(cw, f.wang.ID+1000, false); return err }, store.ActVolunteerRead, "volunteer", "not_found", nil},
			{"a missing pairing", func() error { _, err := st.GetPairing(cw, pa.ID+1000); return err }, store.ActPairingRead, "pairing", "not_found", nil},
		}
		for _, r := range reads {
			last := lastAuditID(t, st)
			err := r.read()
			if r.outcome == "not_found" {
				if code(err) != model.ENotFound {
					t.Errorf("%s: %v, want not_found", r.name, err)
				}
			} else if err != nil {
				t.Errorf("%s: %v", r.name, err)
				continue
			}
			rows := auditSince(t, st, last)
			if len(rows) != 1 {
				t.Errorf("%s: %d audit rows, want 1: %+v", r.name, len(rows), rows)
				continue
			}
			e := rows[0]
			if e.Action != r.action || e.ObjectType != r.object || e.Outcome != r.outcome || e.Username != "cw_haizhou" {
				t.Errorf("%s: audit row %s %s %s by %s, want %s %s %s", r.name, e.Action, e.ObjectType, e.Outcome, e.Username, r.action, r.object, r.outcome)
			}
			for _, part := range r.detail {
				if !strings.Contains(" "+e.Detail+" ", " "+part+" ") {
					t.Errorf("%s: detail %q lacks %q", r.name, e.Detail, part)
				}
			}
			for _, secret := range []string{idNumber(101), "13912345678", "张", "王"} {
				if strings.Contains(e.Detail, secret) {
					t.Errorf("%s: detail %q carries personal data", r.name, e.Detail)
				}
			}
		}

		// The system (scheduler, command line) and an export's own pages are not audited list by list.
		last := lastAuditID(t, st)
		if _, err := st.ListPeople(testutil.System(), model.PersonFilter{}); err != nil {
			t.Fatal(err)
		}
		l, err := st.ListPeople(store.Covered(cw), model.PersonFilter{Page: model.Page{Limit: 500}})
		if err != nil || l.Limit != 500 {
			t.Fatalf("covered page: limit %d, %v", l.Limit, err)
		}
		if rows := auditSince(t, st, last); len(rows) != 0 {
			t.Errorf("system and covered reads wrote %+v", rows)
		}
	})
}
