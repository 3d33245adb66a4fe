package api_test

import (
	"fmt"
	"testing"
	"time"

	"houdun/internal/model"
	"houdun/internal/testutil"
)

// The frontline deployment rows of the access matrix. Case workers plan in
// their region and build batches; the institution admin defines posts and
// plans for institution A but builds no batch (and reaches none: batches
// belong to regions); finance reads the days only; leaders get the
// dashboard's counts, never these lists. A person, post or batch out of
// scope answers 404 like a missing id.
func init() {
	access = append(access,
		// method path                                           sysadmin secadmin auditor caseworker inst_admin counselor finance volunteer leader  worker  caseworker@2109
		"GET    /api/v1/posts                                    403      403      403     200        200        403       403     403       403     403     200",
		"POST   /api/v1/posts                                    403      403      403     201/400    201/400    403       403     403       403     403     201/400",
		"GET    /api/v1/posts/{id}                               403      403      403     200/404    200/404    403       403     403       403     403     200/404",
		"PATCH  /api/v1/posts/{id}                               403      403      403     200/404    200/404    403       403     403       403     403     200/404",
		"GET    /api/v1/batches                                  403      403      403     200        200        403       403     403       403     403     200",
		"POST   /api/v1/batches                                  403      403      403     201/400    403        403       403     403       403     403     201/400",
		"GET    /api/v1/batches/{id}                             403      403      403     200/404    404        403       403     403       403     403     200/404",
		"PATCH  /api/v1/batches/{id}                             403      403      403     200/404    403        403       403     403       403     403     200/404",
		"GET    /api/v1/batches/{id}/members                     403      403      403     200/404    404        403       403     403       403     403     200/404",
		"POST   /api/v1/batches/{id}/members                     403      403      403     201/404    403        403       403     403       403     403     201/404",
		"GET    /api/v1/deployments                              403      403      403     200        200        403       403     403       403     403     200",
		"POST   /api/v1/deployments                              403      403      403     201/404    201/404    403       403     403       403     403     201/404",
		"GET    /api/v1/deployments/conflicts                    403      403      403     200        200        403       403     403       403     403     200",
		"GET    /api/v1/deployments/rest-due                     403      403      403     200        200        403       403     403       403     403     200",
		"GET    /api/v1/deployments/days                         403      403      403     200        200        403       200     403       403     403     200",
		"GET    /api/v1/deployments/{id}                         403      403      403     200/404    200/404    403       403     403       403     403     200/404",
		"POST   /api/v1/deployments/{id}/cancel                  403      403      403     200/404    200/404    403       403     403       403     403     200/404",
		"GET    /api/v1/candidates                               403      403      403     200/404    200/404    403       403     403       403     403     200/404",
		"GET    /api/v1/exports/deployments.xlsx                 403      403      403     200        200        403       403     403       403     403     200",
		"GET    /api/v1/exports/deployment-days.xlsx             403      403      403     200        200        403       200     403       403     403     200",
	)
	areaProbes = append(areaProbes, deployProbes)
}

// deployDates are fresh dates for each probe's deployment, 40 days apart so
// that neither the rest rule nor an overlap answers instead of the scope.
func deployDates(f *fixture) (string, string) {
	start := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(f.next())*40)
	return start.Format(time.DateOnly), start.AddDate(0, 0, 4).Format(time.DateOnly)
}

func (f *fixture) seedPost(t *testing.T, inst int64) model.Post {
	t.Helper()
	p, err := f.st.CreatePost(testutil.System(), model.PostInput{Name: ptr(fmt.Sprintf("发热门诊%d", f.next())), InstitutionID: ptr(inst), Kind: ptr("fever_clinic"), Tier: ptr(1)})
	if err != nil {
		t.Fatalf("seed post: %v", err)
	}
	return p
}

func (f *fixture) seedBatch(t *testing.T, region string) model.Batch {
	t.Helper()
	from, to := deployDates(f)
	b, err := f.st.CreateBatch(testutil.System(), model.BatchInput{Name: ptr(fmt.Sprintf("援助批次%d", f.next())), Destination: ptr("武汉"), RegionCode: ptr(region),
		DepartsOn: ptr(from), ReturnsOn: ptr(to)})
	if err != nil {
		t.Fatalf("seed batch: %v", err)
	}
	return b
}

func (f *fixture) seedDeployment(t *testing.T, s scope) model.Deployment {
	t.Helper()
	from, to := deployDates(f)
	d, err := f.st.CreateDeployment(testutil.System(), model.DeploymentInput{PersonID: ptr(s.person.ID), PostID: ptr(f.seedPost(t, s.inst.ID).ID), StartsOn: from, EndsOn: to})
	if err != nil {
		t.Fatalf("seed deployment: %v", err)
	}
	return d
}

func deployProbes() map[string]probe {
	fixed := func(method, path string) func(t *testing.T, f *fixture, who string, s scope) call {
		return func(t *testing.T, f *fixture, who string, s scope) call { return call{Method: method, Path: path} }
	}
	return map[string]probe{
		"GET /api/v1/posts": {build: fixed("GET", "/api/v1/posts")},
		"POST /api/v1/posts": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/posts", JSON: map[string]any{"name": "隔离病区", "institution_id": s.inst.ID, "kind": "isolation_ward", "tier": 1}}
		}},
		"GET /api/v1/posts/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: "/api/v1/posts/" + id(f.seedPost(t, s.inst.ID).ID)}
		}},
		"PATCH /api/v1/posts/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "PATCH", Path: "/api/v1/posts/" + id(f.seedPost(t, s.inst.ID).ID), JSON: map[string]any{"tier": 2}}
		}},
		"GET /api/v1/batches": {build: fixed("GET", "/api/v1/batches")},
		"POST /api/v1/batches": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/batches", JSON: map[string]any{"name": "援鄂医疗队", "destination": "湖北省武汉市", "region_code": s.region,
				"departs_on": "2026-02-01", "returns_on": "2026-03-20"}}
		}},
		"GET /api/v1/batches/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: "/api/v1/batches/" + id(f.seedBatch(t, s.region).ID)}
		}},
		"PATCH /api/v1/batches/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "PATCH", Path: "/api/v1/batches/" + id(f.seedBatch(t, s.region).ID), JSON: map[string]any{"destination": "湖北省黄冈市"}}
		}},
		"GET /api/v1/batches/{id}/members": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: "/api/v1/batches/" + id(f.seedBatch(t, s.region).ID) + "/members"}
		}},
		"POST /api/v1/batches/{id}/members": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/batches/" + id(f.seedBatch(t, s.region).ID) + "/members", JSON: map[string]any{"person_id": s.person.ID, "role": "护士"}}
		}},
		"GET /api/v1/deployments": {build: fixed("GET", "/api/v1/deployments?status=all")},
		"POST /api/v1/deployments": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			from, to := deployDates(f)
			post := f.seedPost(t, f.instA.ID)
			if who == cityCaseworker {
				post = f.seedPost(t, f.instB.ID)
			}
			return call{Method: "POST", Path: "/api/v1/deployments", JSON: map[string]any{"person_id": s.person.ID, "post_id": post.ID, "starts_on": from, "ends_on": to}}
		}},
		"GET /api/v1/deployments/conflicts": {build: fixed("GET", "/api/v1/deployments/conflicts")},
		"GET /api/v1/deployments/rest-due":  {build: fixed("GET", "/api/v1/deployments/rest-due")},
		"GET /api/v1/deployments/days":      {build: fixed("GET", "/api/v1/deployments/days?from=2027-01-01&to=2027-12-31")},
		"GET /api/v1/deployments/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: "/api/v1/deployments/" + id(f.seedDeployment(t, s).ID)}
		}},
		"POST /api/v1/deployments/{id}/cancel": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/deployments/" + id(f.seedDeployment(t, s).ID) + "/cancel"}
		}},
		"GET /api/v1/candidates": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: "/api/v1/candidates?count=5&post=" + id(f.seedPost(t, s.inst.ID).ID)}
		}},
		"GET /api/v1/exports/deployments.xlsx":     {build: fixed("GET", "/api/v1/exports/deployments.xlsx")},
		"GET /api/v1/exports/deployment-days.xlsx": {build: fixed("GET", "/api/v1/exports/deployment-days.xlsx?from=2027-01-01&to=2027-12-31")},
	}
}
