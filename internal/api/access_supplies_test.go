package api_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/testutil"
)

// Supplies (物资保障). Case workers keep the stores of their region,
// institution admins those of their institution; in scope is a store of the
// caller's institution (A; for the city's case worker B), out of scope one of
// another district (B; for the city C) or, for the institution admin, of A2.
// The item catalogue is shared; an item is changed only by the region that
// keeps it, which an institution admin is not (400 on create, 404 on change).
// A worker sees the catalogue and their own hand-overs and confirms them;
// out of scope for them is a colleague's. Leaders and finance see the
// figures only (suppressed for the leader).
func init() {
	access = append(access,
		// method path                                               sysadmin secadmin auditor caseworker inst_admin counselor finance volunteer leader  worker  caseworker@2109
		"GET    /api/v1/items                                        403      403      403     200        200        403       403     403       403     200     200",
		"POST   /api/v1/items                                        403      403      403     201        400        403       403     403       403     403     201",
		"GET    /api/v1/items/{id}                                   403      403      403     200        200        403       403     403       403     200     200",
		"PATCH  /api/v1/items/{id}                                   403      403      403     200/404    404        403       403     403       403     403     200/404",
		"GET    /api/v1/stores                                       403      403      403     200        200        403       403     403       403     403     200",
		"POST   /api/v1/stores                                       403      403      403     201/400    201/400    403       403     403       403     403     201/400",
		"GET    /api/v1/stores/{id}                                  403      403      403     200/404    200/404    403       403     403       403     403     200/404",
		"PATCH  /api/v1/stores/{id}                                  403      403      403     200/404    200/404    403       403     403       403     403     200/404",
		"GET    /api/v1/stores/{id}/stock                            403      403      403     200/404    200/404    403       403     403       403     403     200/404",
		"PUT    /api/v1/stores/{id}/reorder-levels                   403      403      403     200/404    200/404    403       403     403       403     403     200/404",
		"GET    /api/v1/stock-movements                              403      403      403     200        200        403       403     403       403     403     200",
		"POST   /api/v1/stock-movements                              403      403      403     201/404    201/404    403       403     403       403     403     201/404",
		"GET    /api/v1/stock-movements/{id}                         403      403      403     200/404    200/404    403       403     403       403     403     200/404",
		"GET    /api/v1/exports/stock-movements.xlsx                 403      403      403     200        200        403       403     403       403     403     200",
		"GET    /api/v1/allocation-plans                             403      403      403     200        200        403       403     403       403     403     200",
		"POST   /api/v1/allocation-plans                             403      403      403     201/400    201/400    403       403     403       403     403     201/400",
		"GET    /api/v1/allocation-plans/{id}                        403      403      403     200/404    200/404    403       403     403       403     403     200/404",
		"PATCH  /api/v1/allocation-plans/{id}                        403      403      403     200/404    200/404    403       403     403       403     403     200/404",
		"GET    /api/v1/distributions                                403      403      403     200        200        403       403     403       403     403     200",
		"POST   /api/v1/distributions                                403      403      403     201/404    201/404    403       403     403       403     403     201/404",
		"GET    /api/v1/distributions/{id}                           403      403      403     200/404    200/404    403       403     403       403     403     200/404",
		"POST   /api/v1/distributions/{id}/lines/{lineID}/hand-over  403      403      403     200/404    200/404    403       403     403       403     403     200/404",
		"GET    /api/v1/me/supplies                                  403      403      403     403        403        403       403     403       403     200     403",
		"POST   /api/v1/me/supplies/{id}/confirm                     403      403      403     403        403        403       403     403       403     200/404 403",
		"GET    /api/v1/supplies/stats                               403      403      403     200        200        403       200     403       200     403     200",
	)
	areaProbes = append(areaProbes, supplyProbes)
}

// supplyWorld is what the supply probes build once per fixture: an item,
// and per institution a store with stock.
type supplyWorld struct {
	mu     sync.Mutex
	item   model.Item
	stores map[int64]model.SupplyStore
	items  map[string]model.Item // by region: an item that region keeps
}

var (
	supplyWorldsMu sync.Mutex
	supplyWorlds   = map[*fixture]*supplyWorld{}
)

func (f *fixture) supplies(t *testing.T) *supplyWorld {
	t.Helper()
	supplyWorldsMu.Lock()
	defer supplyWorldsMu.Unlock()
	w, ok := supplyWorlds[f]
	if !ok {
		it, err := f.st.CreateItem(testutil.System(), model.ItemInput{Name: ptr("N95 口罩"), Category: ptr(model.ItemMaskN95), Unit: ptr("只"), RegionCode: ptr("")})
		if err != nil {
			t.Fatal(err)
		}
		w = &supplyWorld{item: it, stores: map[int64]model.SupplyStore{}, items: map[string]model.Item{}}
		supplyWorlds[f] = w
	}
	return w
}

// storeOf is the store of an institution, stocked with 100,000 masks.
func (f *fixture) storeOf(t *testing.T, instID int64) model.SupplyStore {
	t.Helper()
	w := f.supplies(t)
	w.mu.Lock()
	defer w.mu.Unlock()
	if st, ok := w.stores[instID]; ok {
		return st
	}
	sys := testutil.System()
	st, err := f.st.CreateStore(sys, model.StoreInput{Name: ptr(fmt.Sprintf("物资库%d", instID)), InstitutionID: ptr(instID)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.RecordMovement(sys, model.MovementInput{Kind: model.MoveReceipt, StoreID: st.ID, ItemID: w.item.ID, Quantity: 100000,
		Batch: "A1", ExpiryDate: "2035-01-01", Source: model.SourceDonation, Supplier: "红十字会"}); err != nil {
		t.Fatal(err)
	}
	w.stores[instID] = st
	return st
}

// itemOf is an item kept by region code.
func (f *fixture) itemOf(t *testing.T, code string) model.Item {
	t.Helper()
	w := f.supplies(t)
	w.mu.Lock()
	defer w.mu.Unlock()
	if it, ok := w.items[code]; ok {
		return it
	}
	it, err := f.st.CreateItem(testutil.System(), model.ItemInput{Name: ptr("防护服 " + code), Category: ptr(model.ItemSuit), Unit: ptr("套"), RegionCode: ptr(code)})
	if err != nil {
		t.Fatal(err)
	}
	w.items[code] = it
	return it
}

// planAt is a fresh one-off plan of an institution's store, for everyone there.
func (f *fixture) planAt(t *testing.T, instID int64) model.Plan {
	t.Helper()
	st := f.storeOf(t, instID)
	p, err := f.st.CreatePlan(testutil.System(), model.PlanInput{Name: fmt.Sprintf("方案%d", f.next()), StoreID: st.ID, ItemID: f.supplies(t).item.ID,
		Basis: model.BasisPerson, Quantity: 2, Period: model.PeriodOnce, FrontlineOnly: ptr(false)})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// lineFor is a pending line of a fresh list for person at their institution.
func (f *fixture) lineFor(t *testing.T, person model.Person) model.DistributionLine {
	t.Helper()
	d, err := f.st.CreateDistribution(testutil.System(), model.DistributionInput{PlanID: f.planAt(t, person.InstitutionID).ID, Day: f.clock.Now().Format(time.DateOnly)})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range d.Lines {
		if l.PersonID == person.ID {
			return l
		}
	}
	t.Fatalf("no line for person %d in %+v", person.ID, d.Lines)
	return model.DistributionLine{}
}

func supplyProbes() map[string]probe {
	fixed := func(method, path string) func(t *testing.T, f *fixture, who string, s scope) call {
		return func(t *testing.T, f *fixture, who string, s scope) call { return call{Method: method, Path: path} }
	}
	store := func(format string) func(t *testing.T, f *fixture, who string, s scope) call {
		return func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: fmt.Sprintf(format, f.storeOf(t, s.inst.ID).ID)}
		}
	}
	return map[string]probe{
		"GET /api/v1/items": {build: fixed("GET", "/api/v1/items?category=mask_n95")},
		"POST /api/v1/items": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/items", JSON: map[string]any{"name": fmt.Sprintf("医用外科口罩%d", f.next()), "category": "mask_surgical", "unit": "只"}}
		}},
		"GET /api/v1/items/{id}": {build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d", f.supplies(t).item.ID)}
		}},
		"PATCH /api/v1/items/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "PATCH", Path: fmt.Sprintf("/api/v1/items/%d", f.itemOf(t, s.region).ID), JSON: map[string]string{"unit": "件"}}
		}},
		"GET /api/v1/stores": {build: fixed("GET", "/api/v1/stores")},
		"POST /api/v1/stores": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/stores", JSON: map[string]any{"name": fmt.Sprintf("新库%d", f.next()), "institution_id": s.inst.ID}}
		}},
		"GET /api/v1/stores/{id}": {scoped: true, build: store("/api/v1/stores/%d")},
		"PATCH /api/v1/stores/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "PATCH", Path: fmt.Sprintf("/api/v1/stores/%d", f.storeOf(t, s.inst.ID).ID), JSON: map[string]string{"keeper": "库管员"}}
		}},
		"GET /api/v1/stores/{id}/stock": {scoped: true, build: store("/api/v1/stores/%d/stock")},
		"PUT /api/v1/stores/{id}/reorder-levels": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "PUT", Path: fmt.Sprintf("/api/v1/stores/%d/reorder-levels", f.storeOf(t, s.inst.ID).ID),
				JSON: map[string]any{"item_id": f.supplies(t).item.ID, "level": 10}}
		}},
		"GET /api/v1/stock-movements": {build: fixed("GET", "/api/v1/stock-movements?kind=receipt")},
		"POST /api/v1/stock-movements": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/stock-movements", JSON: map[string]any{"kind": "receipt", "store_id": f.storeOf(t, s.inst.ID).ID,
				"item_id": f.supplies(t).item.ID, "quantity": 500, "batch": "A1", "expiry_date": "2035-01-01", "source": "purchase", "supplier": "医药公司"}}
		}},
		"GET /api/v1/stock-movements/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			st := f.storeOf(t, s.inst.ID)
			l, err := f.st.ListMovements(testutil.System(), model.MovementFilter{StoreID: st.ID, Kind: model.MoveReceipt})
			if err != nil || len(l.Items) == 0 {
				t.Fatalf("no receipt in store %d: %v", st.ID, err)
			}
			return call{Method: "GET", Path: fmt.Sprintf("/api/v1/stock-movements/%d", l.Items[len(l.Items)-1].ID)}
		}},
		"GET /api/v1/exports/stock-movements.xlsx": {build: fixed("GET", "/api/v1/exports/stock-movements.xlsx")},
		"GET /api/v1/allocation-plans":             {build: fixed("GET", "/api/v1/allocation-plans")},
		"POST /api/v1/allocation-plans": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/allocation-plans", JSON: map[string]any{"name": "一线人员每周N95", "store_id": f.storeOf(t, s.inst.ID).ID,
				"item_id": f.supplies(t).item.ID, "basis": "person", "quantity": 30, "period": "week"}}
		}},
		"GET /api/v1/allocation-plans/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "GET", Path: fmt.Sprintf("/api/v1/allocation-plans/%d", f.planAt(t, s.inst.ID).ID)}
		}},
		"PATCH /api/v1/allocation-plans/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "PATCH", Path: fmt.Sprintf("/api/v1/allocation-plans/%d", f.planAt(t, s.inst.ID).ID), JSON: map[string]any{"quantity": 20}}
		}},
		"GET /api/v1/distributions": {build: fixed("GET", "/api/v1/distributions")},
		"POST /api/v1/distributions": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			return call{Method: "POST", Path: "/api/v1/distributions", JSON: map[string]any{"plan_id": f.planAt(t, s.inst.ID).ID, "day": f.clock.Now().Format(time.DateOnly)}}
		}},
		"GET /api/v1/distributions/{id}": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			d, err := f.st.CreateDistribution(testutil.System(), model.DistributionInput{PlanID: f.planAt(t, s.inst.ID).ID, Day: f.clock.Now().Format(time.DateOnly)})
			if err != nil {
				t.Fatal(err)
			}
			return call{Method: "GET", Path: fmt.Sprintf("/api/v1/distributions/%d", d.ID)}
		}},
		"POST /api/v1/distributions/{id}/lines/{lineID}/hand-over": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			p := f.atA
			switch s.inst.ID {
			case f.instA2.ID:
				p = f.atA2
			case f.instB.ID:
				p = f.atB
			case f.instC.ID:
				p = f.atC
			}
			l := f.lineFor(t, p)
			return call{Method: "POST", Path: fmt.Sprintf("/api/v1/distributions/%d/lines/%d/hand-over", l.DistributionID, l.ID), JSON: map[string]string{"signature_name": p.Name}}
		}},
		"GET /api/v1/me/supplies": {build: fixed("GET", "/api/v1/me/supplies")},
		"POST /api/v1/me/supplies/{id}/confirm": {scoped: true, build: func(t *testing.T, f *fixture, who string, s scope) call {
			// The worker's own hand-over in scope, a colleague's outside it.
			p := f.self
			if who == auth.RoleWorker && s.person.ID != f.self.ID {
				p = f.atA
			}
			l := f.lineFor(t, p)
			if _, err := f.st.HandOverLine(testutil.System(), l.DistributionID, l.ID, model.HandOver{}); err != nil {
				t.Fatal(err)
			}
			return call{Method: "POST", Path: fmt.Sprintf("/api/v1/me/supplies/%d/confirm", l.ID)}
		}},
		"GET /api/v1/supplies/stats": {build: fixed("GET", "/api/v1/supplies/stats")},
	}
}
