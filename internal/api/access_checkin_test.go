package api_test

import (
	"fmt"
	"sync"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/testutil"
)

// The check-ins of deployed people and the family liaison log. Everyone of
// the fixture's people is deployed today (an aid-team batch of Fuxin, and
// one of Shenyang for 沈阳市和平区); a check-in is the worker's own (201 for
// the day's first). Reading check-ins is the region teams', the institution's
// and the worker's own; the day's counts are also a leader's and finance's
// (aggregate.read), suppressed. The liaison log is the region teams' to keep
// and the institution's to read.
func init() {
	access = append(access,
		// method path                                           sysadmin secadmin auditor caseworker inst_admin counselor finance volunteer leader  worker  caseworker@2109
		"POST   /api/v1/checkins                                 403      403      403     403        403        403       403     403       403     201     403",
		"GET    /api/v1/checkins                                 403      403      403     200        200        403       403     403       403     200     200",
		"GET    /api/v1/checkins/missing                         403      403      403     200        200        403       403     403       403     200     200",
		"GET    /api/v1/checkins/counts                          403      403      403     200        200        403       200     403       200     200     200",
		"GET    /api/v1/checkins/{id}                            403      403      403     200/404    200/404    403       403     403       403     200/404 200/404",
		"GET    /api/v1/exports/checkins.xlsx                    403      403      403     200        200        403       403     403       403     403     200",
		"GET    /api/v1/exports/checkins-missing.xlsx            403      403      403     200        200        403       403     403       403     403     200",

		"POST   /api/v1/family-contacts                          403      403      403     201/404    403        403       403     403       403     403     201/404",
		"GET    /api/v1/family-contacts                          403      403      403     200        200        403       403     403       403     403     200",
		"GET    /api/v1/family-contacts/{id}                     403      403      403     200/404    200/404    403       403     403       403     403     200/404",
		"GET    /api/v1/exports/family-contacts.xlsx             403      403      403     200        200        403       403     403       403     403     200",
	)
	areaProbes = append(areaProbes, checkinProbes)
}

// checkinRecords holds, per fixture, the check-in and the family contact of
// each person, made on first use.
var checkinRecords sync.Map // *fixture → *checkinFixture

type checkinFixture struct {
	mu       sync.Mutex
	deployed bool
	checkin  map[int64]int64 // person → check-in id
	contact  map[int64]int64 // person → family contact id
}

func checkinsOf(t *testing.T, f *fixture) *checkinFixture {
	t.Helper()
	v, _ := checkinRecords.LoadOrStore(f, &checkinFixture{checkin: map[int64]int64{}, contact: map[int64]int64{}})
	c := v.(*checkinFixture)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.deployed {
		sys := testutil.System()
		day := model.ChinaDay(f.clock.Now())
		to := model.ChinaDay(f.clock.Now().AddDate(0, 0, 3))
		batches := map[string]int64{}
		for _, code := range []string{"2109", "2101"} {
			b, err := f.st.CreateBatch(sys, model.BatchInput{Name: ptr("援助医疗队 " + code), Destination: ptr("武汉"), RegionCode: ptr(code), DepartsOn: &day, ReturnsOn: &to})
			if err != nil {
				t.Fatalf("batch: %v", err)
			}
			batches[code] = b.ID
		}
		for _, p := range []model.Person{f.self, f.atA, f.atA2, f.atB, f.atC} {
			b := batches["2109"]
			if p.RegionCode[:4] == "2101" {
				b = batches["2101"]
			}
			if _, err := f.st.CreateDeployment(sys, model.DeploymentInput{PersonID: ptr(p.ID), BatchID: &b, StartsOn: day, EndsOn: to}); err != nil {
				t.Fatalf("deploy %s: %v", p.Name, err)
			}
		}
		c.deployed = true
	}
	return c
}

// checkinID is a check-in of person today, sent as the person's own worker.
func (c *checkinFixture) checkinID(t *testing.T, f *fixture, p model.Person) int64 {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if id, ok := c.checkin[p.ID]; ok {
		return id
	}
	ctx := testutil.As(&auth.Principal{Username: fmt.Sprintf("worker-%d", p.ID), Role: auth.RoleWorker, PersonID: p.ID})
	ci, err := f.st.SubmitCheckin(ctx, model.CheckinInput{Temperature: ptr(36.6), SleepHours: ptr(7.0), Mood: ptr(4)})
	if err != nil {
		t.Fatalf("check-in of %s: %v", p.Name, err)
	}
	c.checkin[p.ID] = ci.ID
	return ci.ID
}

func checkinProbes() map[string]probe {
	fixed := func(method, path string) func(t *testing.T, f *fixture, who string, s scope) call {
		return func(t *testing.T, f *fixture, who string, s scope) call {
			checkinsOf(t, f)
			return call{Method: method, Path: path}
		}
	}
	return map[string]probe{
		"POST /api/v1/checkins": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			checkinsOf(t, f)
			return call{Method: "POST", Path: "/api/v1/checkins", JSON: map[string]any{"temperature": 36.5, "symptoms": []string{}, "sleep_hours": 7, "mood": 4}}
		}},
		"GET /api/v1/checkins":         {build: fixed("GET", "/api/v1/checkins")},
		"GET /api/v1/checkins/missing": {build: fixed("GET", "/api/v1/checkins/missing")},
		"GET /api/v1/checkins/counts":  {build: fixed("GET", "/api/v1/checkins/counts")},
		"GET /api/v1/checkins/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			c := checkinsOf(t, f)
			return call{Method: "GET", Path: "/api/v1/checkins/" + id(c.checkinID(t, f, s.person))}
		}},
		"GET /api/v1/exports/checkins.xlsx":         {build: fixed("GET", "/api/v1/exports/checkins.xlsx")},
		"GET /api/v1/exports/checkins-missing.xlsx": {build: fixed("GET", "/api/v1/exports/checkins-missing.xlsx")},

		"POST /api/v1/family-contacts": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/family-contacts", JSON: map[string]any{"person_id": s.person.ID,
				"family_member_id": f.relative[s.person.ID].ID, "channel": "phone", "outcome": "call_arranged", "note": "约好晚上八点视频"}}
		}},
		"GET /api/v1/family-contacts": {build: fixed("GET", "/api/v1/family-contacts")},
		"GET /api/v1/family-contacts/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			c := checkinsOf(t, f)
			c.mu.Lock()
			defer c.mu.Unlock()
			cid, ok := c.contact[s.person.ID]
			if !ok {
				fc, err := f.st.CreateFamilyContact(testutil.System(), model.FamilyContactInput{PersonID: s.person.ID, Channel: "video", Outcome: "news_given"})
				if err != nil {
					t.Fatalf("contact: %v", err)
				}
				cid = fc.ID
				c.contact[s.person.ID] = cid
			}
			return call{Method: "GET", Path: "/api/v1/family-contacts/" + id(cid)}
		}},
		"GET /api/v1/exports/family-contacts.xlsx": {build: fixed("GET", "/api/v1/exports/family-contacts.xlsx")},
	}
}
