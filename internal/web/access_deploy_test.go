package web_test

import (
	"strconv"
	"testing"

	"houdun/internal/model"
	"houdun/internal/testutil"
)

// The deployment pages in the page matrix. Case workers and the institution
// admin plan; only case workers build batches (the institution admin reaches
// none: batches belong to regions); finance reads the days. Records: a post
// ({dpost}) at each side's institution, a batch ({dbatch}) of each side's
// district, a deployment ({deploy}) of 张伟 and of 李娜. The matrix posts
// empty forms (422); the cancel form carries version 1, so a second cancel
// of the same deployment is stale (409).
func init() {
	pageAccess = append(pageAccess,
		// method path                                       anon sysadmin secadmin auditor caseworker inst_admin counselor finance volunteer leader  worker
		"GET  /deployments                                   303  403      403      403     200        200        403       403     403       403     403",
		"GET  /deployments/new                               303  403      403      403     200        200        403       403     403       403     403",
		"POST /deployments                                   303  403      403      403     422        422        403       403     403       403     403",
		"GET  /deployments/conflicts                         303  403      403      403     200        200        403       403     403       403     403",
		"GET  /deployments/rest-due                          303  403      403      403     200        200        403       403     403       403     403",
		"GET  /deployments/days                              303  403      403      403     200        200        403       200     403       403     403",
		"GET  /deployments/{deploy}                          303  403      403      403     200/404    200/404    403       403     403       403     403",
		"POST /deployments/{deploy}/cancel                   303  403      403      403     303/404    409/404    403       403     403       403     403",
		"GET  /posts                                         303  403      403      403     200        200        403       403     403       403     403",
		"POST /posts                                         303  403      403      403     422        422        403       403     403       403     403",
		"GET  /posts/{dpost}                                 303  403      403      403     200/404    200/404    403       403     403       403     403",
		"POST /posts/{dpost}                                 303  403      403      403     422/404    422/404    403       403     403       403     403",
		"GET  /candidates?post={dpost}                       303  403      403      403     200/404    200/404    403       403     403       403     403",
		"GET  /batches                                       303  403      403      403     200        200        403       403     403       403     403",
		"POST /batches                                       303  403      403      403     422        403        403       403     403       403     403",
		"GET  /batches/{dbatch}                              303  403      403      403     200/404    404/404    403       403     403       403     403",
	)
	areaRecords = append(areaRecords, func(t *testing.T, s *accessSite, users map[string]model.User) {
		ctx := testutil.System()
		sid := func(n int64) string { return strconv.FormatInt(n, 10) }
		post := func(inst int64) model.Post {
			p, err := s.st.CreatePost(ctx, model.PostInput{Name: ptr("发热门诊"), InstitutionID: &inst, Kind: ptr("fever_clinic"), Tier: ptr(1)})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		batch := func(region string) model.Batch {
			b, err := s.st.CreateBatch(ctx, model.BatchInput{Name: ptr("援鄂医疗队"), Destination: ptr("武汉"), RegionCode: &region, DepartsOn: ptr("2026-02-01"), ReturnsOn: ptr("2026-03-01")})
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		dep := func(person, post int64) model.Deployment {
			d, err := s.st.CreateDeployment(ctx, model.DeploymentInput{PersonID: &person, PostID: &post, StartsOn: "2026-04-01", EndsOn: "2026-04-07"})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		pin, pout := post(s.haizhou.ID), post(s.xinqiu.ID)
		s.recIn["dpost"], s.recOut["dpost"] = sid(pin.ID), sid(pout.ID)
		s.recIn["dbatch"], s.recOut["dbatch"] = sid(batch("210902").ID), sid(batch("210903").ID)
		s.recIn["deploy"], s.recOut["deploy"] = sid(dep(s.zhang.ID, pin.ID).ID), sid(dep(s.li.ID, pout.ID).ID)
	})
}
