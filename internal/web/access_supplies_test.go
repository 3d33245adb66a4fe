package web_test

import (
	"strconv"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/testutil"
)

// The supply pages. In scope is the store of 阜新市中心医院 (海州区), which both
// the district's case worker and the hospital's admin keep; out of scope is
// 新邱区's store. Empty forms answer 422 where the input is checked before
// the record is looked up (a correction's reason, a list's day), and 404
// out of scope where the record comes first. Each keeper hands over a line
// of a list of their own; the worker confirms their own hand-over, and a
// colleague's answers 404.
func init() {
	pageAccess = append(pageAccess,
		// method path                                          anon sysadmin secadmin auditor caseworker inst_admin counselor finance volunteer leader  worker
		"GET  /supplies                                         303  403      403      403     200        200        403       403     403       403     403",
		"POST /supplies/stores                                  303  403      403      403     422        422        403       403     403       403     403",
		"GET  /supplies/stores/{sstore}                         303  403      403      403     200/404    200/404    403       403     403       403     403",
		"POST /supplies/stores/{sstore}/movements               303  403      403      403     422/404    422/404    403       403     403       403     403",
		"POST /supplies/stores/{sstore}/reorder                 303  403      403      403     422/404    422/404    403       403     403       403     403",
		"GET  /supplies/items                                   303  403      403      403     200        200        403       403     403       403     403",
		"POST /supplies/items                                   303  403      403      403     422        422        403       403     403       403     403",
		"GET  /supplies/movements                               303  403      403      403     200        200        403       403     403       403     403",
		"POST /supplies/movements/{smove}/correct               303  403      403      403     422        422        403       403     403       403     403",
		"GET  /supplies/plans                                   303  403      403      403     200        200        403       403     403       403     403",
		"POST /supplies/plans                                   303  403      403      403     422        422        403       403     403       403     403",
		"POST /supplies/plans/{splan}/distributions             303  403      403      403     422        422        403       403     403       403     403",
		"GET  /supplies/distributions/{sdist}                   303  403      403      403     200/404    200/404    403       403     403       403     403",
		"POST /supplies/distributions/{sdist}/lines/{sline}     303  403      403      403     303/404    303/404    403       403     403       403     403",
		"GET  /me/supplies                                      303  403      403      403     403        403        403       403     403       403     200",
		"POST /me/supplies/{sown}/confirm                       303  403      403      403     403        403        403       403     403       403     303/404",
	)
	areaRecords = append(areaRecords, supplyRecords)
}

func supplyRecords(t *testing.T, s *accessSite, users map[string]model.User) {
	ctx := testutil.System()
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	sid := func(n int64) string { return strconv.FormatInt(n, 10) }
	item, err := s.st.CreateItem(ctx, model.ItemInput{Name: ptr("N95 口罩"), Category: ptr(model.ItemMaskN95), Unit: ptr("只"), RegionCode: ptr("")})
	check(err)
	in, err := s.st.CreateStore(ctx, model.StoreInput{Name: ptr("中心医院物资库"), InstitutionID: &s.haizhou.ID})
	check(err)
	out, err := s.st.CreateStore(ctx, model.StoreInput{Name: ptr("新邱区物资库"), RegionCode: ptr("210903")})
	check(err)
	var moveIn, moveOut int64
	for _, st := range []*model.SupplyStore{&in, &out} {
		rows, err := s.st.RecordMovement(ctx, model.MovementInput{Kind: model.MoveReceipt, StoreID: st.ID, ItemID: item.ID, Quantity: 1000, Batch: "B1",
			ExpiryDate: "2030-01-01", Source: model.SourceDonation, Supplier: "红十字会"})
		check(err)
		if st == &in {
			moveIn = rows[0].ID
		} else {
			moveOut = rows[0].ID
		}
	}
	day := s.clock.Now().Format(time.DateOnly)
	list := func(storeID int64) (model.Plan, model.Distribution) {
		p, err := s.st.CreatePlan(ctx, model.PlanInput{Name: "一线每周", StoreID: storeID, ItemID: item.ID, Basis: model.BasisPerson, Quantity: 30, Period: model.PeriodOnce})
		check(err)
		d, err := s.st.CreateDistribution(ctx, model.DistributionInput{PlanID: p.ID, Day: day})
		check(err)
		// The list's line of the matrix's person of that side (张伟 or 李娜);
		// other areas' records may add frontline colleagues to the list.
		var mine []model.DistributionLine
		for _, l := range d.Lines {
			if l.PersonID == s.zhang.ID || l.PersonID == s.li.ID {
				mine = append(mine, l)
			}
		}
		if len(mine) != 1 {
			t.Fatalf("list of store %d: %+v", storeID, d.Lines)
		}
		d.Lines = mine
		return p, d
	}
	planIn, distIn := list(in.ID)
	planOut, distOut := list(out.ID)
	_, distCW := list(in.ID)
	_, distAdmin := list(in.ID)
	_, distOwn := list(in.ID)
	_, err = s.st.HandOverLine(ctx, distOwn.ID, distOwn.Lines[0].ID, model.HandOver{})
	check(err)
	_, distOther := list(out.ID)
	_, err = s.st.HandOverLine(ctx, distOther.ID, distOther.Lines[0].ID, model.HandOver{})
	check(err)
	for k, v := range map[string]string{"sstore": sid(in.ID), "smove": sid(moveIn), "splan": sid(planIn.ID), "sdist": sid(distIn.ID), "sline": sid(distIn.Lines[0].ID), "sown": sid(distOwn.Lines[0].ID)} {
		s.recIn[k] = v
	}
	for k, v := range map[string]string{"sstore": sid(out.ID), "smove": sid(moveOut), "splan": sid(planOut.ID), "sdist": sid(distOut.ID), "sline": sid(distOut.Lines[0].ID), "sown": sid(distOther.Lines[0].ID)} {
		s.recOut[k] = v
	}
	for role, d := range map[string]model.Distribution{auth.RoleCaseworker: distCW, auth.RoleInstitutionAdmin: distAdmin} {
		if s.byRole[role] == nil {
			s.byRole[role] = pageRecords{}
		}
		s.byRole[role]["sdist"], s.byRole[role]["sline"] = sid(d.ID), sid(d.Lines[0].ID)
	}
}
