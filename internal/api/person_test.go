package api_test

import (
	"net/http"
	"strings"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/ident"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

type personJSON struct {
	ID             int64
	Name           string
	IDNumber       *string `json:"id_number"`
	IDNumberMasked string  `json:"id_number_masked"`
	Phone          *string `json:"phone"`
	PhoneMasked    string  `json:"phone_masked"`
	BirthDate      string  `json:"birth_date"`
	Sex            string
	Version        int64
}

func TestMaskingAndReveal(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleCaseworker, auth.RoleAuditor, auth.RoleFinance, auth.RoleWorker)
		fullID, fullPhone := f.idNumber[f.atA.ID], f.phone[f.atA.ID]
		relativeID := ""
		if m, err := st.ListFamily(testutil.System(), f.atA.ID, true); err == nil && len(m) == 1 {
			relativeID = m[0].IDNumber
		} else {
			t.Fatalf("relative: %v", err)
		}
		leaks := func(t *testing.T, r *response) {
			t.Helper()
			for pid, full := range f.idNumber {
				if strings.Contains(string(r.Body), full) || strings.Contains(string(r.Body), f.phone[pid]) {
					t.Errorf("answer holds the full ID number or phone of person %d: %s", pid, r.Body)
				}
			}
			if strings.Contains(string(r.Body), relativeID) {
				t.Errorf("answer holds a relative's full ID number: %s", r.Body)
			}
		}

		for _, c := range []struct{ name, who, path string }{
			{"the people list", auth.RoleCaseworker, "/api/v1/people"},
			{"the people list, even with reveal", auth.RoleCaseworker, "/api/v1/people?reveal=true"},
			{"one person", auth.RoleCaseworker, "/api/v1/people/" + id(f.atA.ID)},
			{"one person for finance", auth.RoleFinance, "/api/v1/people/" + id(f.atA.ID)},
			{"a family", auth.RoleCaseworker, "/api/v1/people/" + id(f.atA.ID) + "/family"},
			{"a search by full ID number", auth.RoleCaseworker, "/api/v1/people?id_number=" + fullID},
		} {
			t.Run(c.name+" is masked", func(t *testing.T) {
				r := f.get(t, c.who, c.path).want(t, http.StatusOK)
				// The search echoes nothing of its query: only the masked form.
				if c.name == "a search by full ID number" {
					if ids := r.ids(t); len(ids) != 1 || !ids[f.atA.ID] {
						t.Errorf("search by ID number found %v", ids)
					}
				}
				leaks(t, r)
				if !strings.Contains(string(r.Body), ident.MaskIDNumber(fullID)) && !strings.Contains(string(r.Body), ident.MaskIDNumber(relativeID)) {
					t.Errorf("answer lacks the masked ID number: %s", r.Body)
				}
				if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
					t.Errorf("Cache-Control = %q, want no-store on personal data", cc)
				}
			})
		}

		t.Run("a caseworker's reveal returns the full values and is audited", func(t *testing.T) {
			var p personJSON
			f.get(t, auth.RoleCaseworker, "/api/v1/people/"+id(f.atA.ID)+"?reveal=true").want(t, http.StatusOK).decode(t, &p)
			if p.IDNumber == nil || *p.IDNumber != fullID || p.Phone == nil || *p.Phone != fullPhone {
				t.Errorf("reveal = %+v", p)
			}
			var fam struct {
				Items []struct {
					IDNumber string `json:"id_number"`
				}
			}
			f.get(t, auth.RoleCaseworker, "/api/v1/people/"+id(f.atA.ID)+"/family?reveal=true").want(t, http.StatusOK).decode(t, &fam)
			if len(fam.Items) != 1 || fam.Items[0].IDNumber != relativeID {
				t.Errorf("family reveal = %+v", fam)
			}

			var audit struct {
				Total int
				Items []struct {
					Action, ObjectType, ObjectID, Username, Outcome string
					UserID                                          *int64 `json:"user_id"`
				}
			}
			f.get(t, auth.RoleAuditor, "/api/v1/audit?action=person.reveal&object_type=person&object_id="+id(f.atA.ID)).want(t, http.StatusOK).decode(t, &audit)
			if audit.Total != 1 || len(audit.Items) != 1 {
				t.Fatalf("person.reveal audit rows = %+v", audit)
			}
			a := audit.Items[0]
			if a.Username != f.users[auth.RoleCaseworker].Username || a.UserID == nil || *a.UserID != f.users[auth.RoleCaseworker].ID || a.Outcome != "ok" {
				t.Errorf("audit row = %+v", a)
			}
			// The audit trail holds ids, never the revealed values.
			all := f.get(t, auth.RoleAuditor, "/api/v1/audit?limit=500").want(t, http.StatusOK)
			leaks(t, all)
		})

		t.Run("finance may not reveal: 403", func(t *testing.T) {
			for _, path := range []string{"/api/v1/people/" + id(f.atA.ID) + "?reveal=true", "/api/v1/people/" + id(f.atA.ID) + "/family?reveal=true"} {
				e := f.get(t, auth.RoleFinance, path).want(t, http.StatusForbidden).apiError(t)
				if e.Code != "forbidden" {
					t.Errorf("%s: %+v", path, e)
				}
			}
		})

		t.Run("a worker may reveal their own record only", func(t *testing.T) {
			var p personJSON
			f.get(t, auth.RoleWorker, "/api/v1/people/"+id(f.self.ID)+"?reveal=true").want(t, http.StatusOK).decode(t, &p)
			if p.IDNumber == nil || *p.IDNumber != f.idNumber[f.self.ID] {
				t.Errorf("own reveal = %+v", p)
			}
			f.get(t, auth.RoleWorker, "/api/v1/people/"+id(f.atA.ID)+"?reveal=true").want(t, http.StatusNotFound)
		})

		t.Run("writes answer masked records", func(t *testing.T) {
			newID := f.freshIDNumber()
			r := f.send(t, auth.RoleCaseworker, "POST", "/api/v1/people", map[string]any{"name": "新人", "id_number": newID, "phone": "13912340000",
				"institution_id": f.instA.ID, "occupation": "nurse"}).want(t, http.StatusAccepted)
			if strings.Contains(string(r.Body), newID) || strings.Contains(string(r.Body), "13912340000") {
				t.Errorf("registration answer = %s", r.Body)
			}
			var l struct{ Items []personJSON }
			r = f.get(t, auth.RoleCaseworker, "/api/v1/people?id_number="+newID).want(t, http.StatusOK)
			r.decode(t, &l)
			if len(l.Items) != 1 {
				t.Fatalf("the new person is not found by ID number: %s", r.Body)
			}
			p := l.Items[0]
			if strings.Contains(string(r.Body), newID) || strings.Contains(string(r.Body), "13912340000") || p.IDNumberMasked != ident.MaskIDNumber(newID) || p.PhoneMasked != "139****0000" {
				t.Errorf("created person = %s", r.Body)
			}
			if p.BirthDate == "" || (p.Sex != "male" && p.Sex != "female") {
				t.Errorf("birth date and sex not derived: %+v", p)
			}
		})
	})
}
