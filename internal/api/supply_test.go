package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestSuppliesThroughTheAPI: a donation of masks is received, an issue
// larger than the stock answers 409 and writes nothing, bad input answers
// 400 with field messages in the caller's language, a distribution list is
// handed over one tap at a time, the stock falls to the reorder level and
// the alert reaches the inbox; a transfer to another district's store is 404.
func TestSuppliesThroughTheAPI(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleCaseworker, auth.RoleWorker, auth.RoleLeader)
		cw := auth.RoleCaseworker
		var item model.Item
		f.send(t, cw, "POST", "/api/v1/items", map[string]any{"name": "N95 口罩", "category": "mask_n95", "unit": "只"}).want(t, http.StatusCreated).decode(t, &item)
		var store model.SupplyStore
		f.send(t, cw, "POST", "/api/v1/stores", map[string]any{"name": "中心医院物资库", "institution_id": f.instA.ID}).want(t, http.StatusCreated).decode(t, &store)
		f.send(t, cw, "PUT", fmt.Sprintf("/api/v1/stores/%d/reorder-levels", store.ID), map[string]any{"item_id": item.ID, "level": 50}).want(t, http.StatusOK)

		bad := f.do(t, call{Method: "POST", Path: "/api/v1/stock-movements", Token: f.tokens[cw], Header: map[string]string{"Accept-Language": "zh-CN"},
			JSON: map[string]any{"kind": "receipt", "store_id": store.ID, "item_id": item.ID, "quantity": 0, "source": "gift"}})
		bad.want(t, http.StatusBadRequest)
		if e := bad.apiError(t); e.Fields["quantity"] == "" || e.Fields["source"] == "" || e.Fields["supplier"] == "" {
			t.Errorf("field messages %+v", e.Fields)
		}
		var written struct{ Items []model.Movement }
		f.send(t, cw, "POST", "/api/v1/stock-movements", map[string]any{"kind": "receipt", "store_id": store.ID, "item_id": item.ID, "quantity": 100,
			"batch": "FX2026-01", "expiry_date": "2028-12-31", "source": "donation", "supplier": "阜新市红十字会"}).want(t, http.StatusCreated).decode(t, &written)
		if len(written.Items) != 1 || written.Items[0].Quantity != 100 || written.Items[0].Supplier != "阜新市红十字会" {
			t.Fatalf("receipt %+v", written.Items)
		}
		stock := func() int64 {
			var s model.Stock
			f.get(t, cw, fmt.Sprintf("/api/v1/stores/%d/stock", store.ID)).want(t, http.StatusOK).decode(t, &s)
			if len(s.Items) == 0 {
				return 0
			}
			return s.Items[0].Quantity
		}
		if got := stock(); got != 100 {
			t.Errorf("stock %d, want 100", got)
		}
		r := f.send(t, cw, "POST", "/api/v1/stock-movements", map[string]any{"kind": "issue", "store_id": store.ID, "item_id": item.ID, "quantity": 101})
		r.want(t, http.StatusConflict)
		if e := r.apiError(t); e.Code != "conflict" {
			t.Errorf("error code %q", e.Code)
		}
		var ledger model.List[model.Movement]
		f.get(t, cw, fmt.Sprintf("/api/v1/stock-movements?store_id=%d", store.ID)).want(t, http.StatusOK).decode(t, &ledger)
		if ledger.Total != 1 {
			t.Errorf("the refused issue wrote rows: %d", ledger.Total)
		}
		// Out of scope: another district's store.
		other, err := st.CreateStore(testutil.System(), model.StoreInput{Name: ptr("新邱区物资库"), RegionCode: ptr("210903")})
		if err != nil {
			t.Fatal(err)
		}
		f.send(t, cw, "POST", "/api/v1/stock-movements", map[string]any{"kind": "transfer", "store_id": store.ID, "to_store_id": other.ID, "item_id": item.ID, "quantity": 5}).
			want(t, http.StatusNotFound)

		// A weekly plan for the hospital's frontline staff, handed over on a phone.
		var plan model.Plan
		f.send(t, cw, "POST", "/api/v1/allocation-plans", map[string]any{"name": "一线人员每周N95", "store_id": store.ID, "item_id": item.ID,
			"basis": "person", "quantity": 30, "period": "week"}).want(t, http.StatusCreated).decode(t, &plan)
		var d model.Distribution
		f.send(t, cw, "POST", "/api/v1/distributions", map[string]any{"plan_id": plan.ID, "day": clock.Now().Format("2006-01-02")}).want(t, http.StatusCreated).decode(t, &d)
		if len(d.Lines) != 2 {
			t.Fatalf("lines %+v: want the two people of institution A", d.Lines)
		}
		for _, l := range d.Lines {
			body := map[string]string{}
			if l.PersonID != f.self.ID {
				body["signature_name"] = l.PersonName
			}
			f.send(t, cw, "POST", fmt.Sprintf("/api/v1/distributions/%d/lines/%d/hand-over", d.ID, l.ID), body).want(t, http.StatusOK)
		}
		f.send(t, cw, "POST", fmt.Sprintf("/api/v1/distributions/%d/lines/%d/hand-over", d.ID, d.Lines[0].ID), nil).want(t, http.StatusConflict)
		if got := stock(); got != 40 {
			t.Errorf("stock %d after two hand-overs of 30, want 40", got)
		}
		var inbox struct{ Items []model.Notification }
		f.get(t, cw, "/api/v1/inbox").want(t, http.StatusOK).decode(t, &inbox)
		alerts := 0
		for _, n := range inbox.Items {
			if n.Kind == "supply.reorder" {
				alerts++
			}
		}
		// One when the level was set on the empty store, one when 40 fell under 50.
		if alerts != 2 {
			t.Errorf("%d reorder alerts, want 2", alerts)
		}
		// The worker confirms their own.
		var mine model.List[model.DistributionLine]
		f.get(t, auth.RoleWorker, "/api/v1/me/supplies").want(t, http.StatusOK).decode(t, &mine)
		if mine.Total != 1 || mine.Items[0].Status != model.LineHanded {
			t.Fatalf("the worker's supplies %+v", mine.Items)
		}
		var ok model.DistributionLine
		f.send(t, auth.RoleWorker, "POST", fmt.Sprintf("/api/v1/me/supplies/%d/confirm", mine.Items[0].ID), nil).want(t, http.StatusOK).decode(t, &ok)
		if ok.Status != model.LineConfirmed || !ok.ConfirmedBySelf {
			t.Errorf("confirmed %+v", ok)
		}
		// The leader's figures: two hand-overs this week are a small cell.
		var counts map[string]any
		f.get(t, auth.RoleLeader, "/api/v1/supplies/stats").want(t, http.StatusOK).decode(t, &counts)
		if counts["hand_overs_week"] != nil || counts["distributed_week"] == nil {
			t.Errorf("leader's figures %v: hand-overs hidden, units shown", counts)
		}
	})
}
