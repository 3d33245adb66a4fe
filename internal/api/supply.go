package api

import (
	"context"
	"io"
	"net/http"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/report"
	"houdun/internal/store"
)

// supplyRoutes are the routes of supplies (物资保障): the item catalogue,
// stores and their stock, the stock ledger, allocation plans, distribution
// lists and their hand-overs, a worker's own receipts, and the figures.
func (h *handlers) supplyRoutes() []route {
	read, manage, receive := perms(auth.PermSupplyRead), perms(auth.PermSupplyManage), perms(auth.PermSupplyReceive)
	return []route{
		{Method: "GET", Path: "/api/v1/items", Handler: h.listItems, Perm: perms(auth.PermSupplyRead, auth.PermSupplyReceive)},
		{Method: "POST", Path: "/api/v1/items", Handler: h.createItem, Perm: manage},
		{Method: "GET", Path: "/api/v1/items/{id}", Handler: h.getItem, Perm: perms(auth.PermSupplyRead, auth.PermSupplyReceive)},
		{Method: "PATCH", Path: "/api/v1/items/{id}", Handler: h.updateItem, Perm: manage},
		{Method: "GET", Path: "/api/v1/stores", Handler: h.listStores, Perm: read},
		{Method: "POST", Path: "/api/v1/stores", Handler: h.createStore, Perm: manage},
		{Method: "GET", Path: "/api/v1/stores/{id}", Handler: h.getStore, Perm: read},
		{Method: "PATCH", Path: "/api/v1/stores/{id}", Handler: h.updateStore, Perm: manage},
		{Method: "GET", Path: "/api/v1/stores/{id}/stock", Handler: h.storeStock, Perm: read},
		{Method: "PUT", Path: "/api/v1/stores/{id}/reorder-levels", Handler: h.setReorderLevel, Perm: manage},
		{Method: "GET", Path: "/api/v1/stock-movements", Handler: h.listMovements, Perm: read},
		{Method: "POST", Path: "/api/v1/stock-movements", Handler: h.recordMovement, Perm: manage},
		{Method: "GET", Path: "/api/v1/stock-movements/{id}", Handler: h.getMovement, Perm: read},
		{Method: "GET", Path: "/api/v1/exports/stock-movements.xlsx", Handler: h.exportMovementsXLSX, Perm: read},
		{Method: "GET", Path: "/api/v1/allocation-plans", Handler: h.listPlans, Perm: read},
		{Method: "POST", Path: "/api/v1/allocation-plans", Handler: h.createPlan, Perm: manage},
		{Method: "GET", Path: "/api/v1/allocation-plans/{id}", Handler: h.getPlan, Perm: read},
		{Method: "PATCH", Path: "/api/v1/allocation-plans/{id}", Handler: h.updatePlan, Perm: manage},
		{Method: "GET", Path: "/api/v1/distributions", Handler: h.listDistributions, Perm: read},
		{Method: "POST", Path: "/api/v1/distributions", Handler: h.createDistribution, Perm: manage},
		{Method: "GET", Path: "/api/v1/distributions/{id}", Handler: h.getDistribution, Perm: read},
		{Method: "POST", Path: "/api/v1/distributions/{id}/lines/{lineID}/hand-over", Handler: h.handOver, Perm: manage},
		{Method: "GET", Path: "/api/v1/me/supplies", Handler: h.mySupplies, Perm: receive},
		{Method: "POST", Path: "/api/v1/me/supplies/{id}/confirm", Handler: h.confirmSupplyReceipt, Perm: receive},
		{Method: "GET", Path: "/api/v1/supplies/stats", Handler: h.supplyStats, Perm: perms(auth.PermSupplyRead, auth.PermAggregateRead)},
	}
}

func (h *handlers) listItems(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := model.ItemFilter{Q: q.Get("q"), Category: q.Get("category")}
	if f.Category != "" && !model.Contains(model.ItemCategories, f.Category) {
		return model.Errorf(model.EInvalid, "error.bad_query", "category")
	}
	if v := q.Get("protective"); v != "" {
		b := v == "true"
		if !b && v != "false" {
			return model.Errorf(model.EInvalid, "error.bad_query", "protective")
		}
		f.Protective = &b
	}
	var err error
	if f.Page, err = httpx.Page(r); err != nil {
		return err
	}
	list, err := h.Store.ListItems(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) createItem(w http.ResponseWriter, r *http.Request) error {
	var in model.ItemInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	if in.RegionCode != nil && *in.RegionCode != "" {
		code, err := h.Store.EnteredRegion(r.Context(), "region_code", *in.RegionCode)
		if err != nil {
			return err
		}
		in.RegionCode = &code
	}
	it, err := h.Store.CreateItem(r.Context(), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, it)
	return nil
}

func (h *handlers) getItem(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	it, err := h.Store.GetItem(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, it)
	return nil
}

func (h *handlers) updateItem(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.ItemInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	it, err := h.Store.UpdateItem(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, it)
	return nil
}

// storeFilterOf reads the store list's query parameters.
func storeFilterOf(r *http.Request, st *store.Store) (model.StoreFilter, error) {
	q := r.URL.Query()
	f := model.StoreFilter{Q: q.Get("q"), BelowReorder: q.Get("below_reorder") == "true"}
	var err error
	if f.RegionCode, err = queryRegion(r, st, "region"); err != nil {
		return f, err
	}
	if f.InstitutionID, err = queryInt64(r, "institution_id"); err != nil {
		return f, err
	}
	f.Page, err = httpx.Page(r)
	return f, err
}

func (h *handlers) listStores(w http.ResponseWriter, r *http.Request) error {
	f, err := storeFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	list, err := h.Store.ListStores(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) createStore(w http.ResponseWriter, r *http.Request) error {
	var in model.StoreInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	if in.RegionCode != nil && *in.RegionCode != "" {
		code, err := h.Store.EnteredRegion(r.Context(), "region_code", *in.RegionCode)
		if err != nil {
			return err
		}
		in.RegionCode = &code
	}
	st, err := h.Store.CreateStore(r.Context(), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, st)
	return nil
}

func (h *handlers) getStore(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	st, err := h.Store.GetStore(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (h *handlers) updateStore(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.StoreInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	st, err := h.Store.UpdateStore(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (h *handlers) storeStock(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	stock, err := h.Store.StoreStock(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, stock)
	return nil
}

func (h *handlers) setReorderLevel(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.ReorderInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	if err := h.Store.SetReorderLevel(r.Context(), id, in); err != nil {
		return err
	}
	stock, err := h.Store.StoreStock(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, stock)
	return nil
}

// movementFilterOf reads the ledger's query parameters.
func movementFilterOf(r *http.Request, st *store.Store) (model.MovementFilter, error) {
	q := r.URL.Query()
	f := model.MovementFilter{Kind: q.Get("kind"), From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")), Q: q.Get("q")}
	if f.Kind != "" && !model.Contains(model.MovementKinds, f.Kind) {
		return f, model.Errorf(model.EInvalid, "error.bad_query", "kind")
	}
	for name, v := range map[string]string{"from": f.From, "to": f.To} {
		if v != "" && !validDay(v) {
			return f, model.Errorf(model.EInvalid, "error.bad_query", name)
		}
	}
	var err error
	if f.StoreID, err = queryInt64(r, "store_id"); err != nil {
		return f, err
	}
	if f.ItemID, err = queryInt64(r, "item_id"); err != nil {
		return f, err
	}
	if f.PersonID, err = queryInt64(r, "person_id"); err != nil {
		return f, err
	}
	if f.RegionCode, err = queryRegion(r, st, "region"); err != nil {
		return f, err
	}
	f.Page, err = httpx.Page(r)
	return f, err
}

func validDay(v string) bool {
	return len(v) == 10 && v[4] == '-' && v[7] == '-' && strings.Trim(v[:4]+v[5:7]+v[8:], "0123456789") == ""
}

func (h *handlers) listMovements(w http.ResponseWriter, r *http.Request) error {
	f, err := movementFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	list, err := h.Store.ListMovements(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

// movementsBody is the answer to recording a movement: the rows written
// (an issue may take several batches; a transfer writes pairs).
type movementsBody struct {
	Items []model.Movement `json:"items"`
}

func (h *handlers) recordMovement(w http.ResponseWriter, r *http.Request) error {
	var in model.MovementInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	rows, err := h.Store.RecordMovement(r.Context(), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, movementsBody{Items: rows})
	return nil
}

func (h *handlers) getMovement(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	m, err := h.Store.GetMovement(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, m)
	return nil
}

// exportMovementsXLSX is GET /api/v1/exports/stock-movements.xlsx with the query of GET /api/v1/stock-movements.
func (h *handlers) exportMovementsXLSX(w http.ResponseWriter, r *http.Request) error {
	f, err := movementFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	return h.sendExport(w, r, "export.file.supply_movements", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
		_, err := report.WriteMovements(ctx, h.Store, out, f, report.FilterText(r.URL.Query()), lang)
		return err
	})
}

func (h *handlers) listPlans(w http.ResponseWriter, r *http.Request) error {
	storeID, err := queryInt64(r, "store_id")
	if err != nil {
		return err
	}
	page, err := httpx.Page(r)
	if err != nil {
		return err
	}
	list, err := h.Store.ListPlans(r.Context(), storeID, page)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) createPlan(w http.ResponseWriter, r *http.Request) error {
	var in model.PlanInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	p, err := h.Store.CreatePlan(r.Context(), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, p)
	return nil
}

func (h *handlers) getPlan(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := h.Store.GetPlan(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (h *handlers) updatePlan(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in store.PlanPatch
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	p, err := h.Store.UpdatePlan(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (h *handlers) listDistributions(w http.ResponseWriter, r *http.Request) error {
	f := model.DistributionFilter{Day: strings.TrimSpace(r.URL.Query().Get("day"))}
	if f.Day != "" && !validDay(f.Day) {
		return model.Errorf(model.EInvalid, "error.bad_query", "day")
	}
	var err error
	if f.StoreID, err = queryInt64(r, "store_id"); err != nil {
		return err
	}
	if f.PlanID, err = queryInt64(r, "plan_id"); err != nil {
		return err
	}
	if f.Page, err = httpx.Page(r); err != nil {
		return err
	}
	list, err := h.Store.ListDistributions(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) createDistribution(w http.ResponseWriter, r *http.Request) error {
	var in model.DistributionInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	d, err := h.Store.CreateDistribution(r.Context(), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, d)
	return nil
}

func (h *handlers) getDistribution(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	d, err := h.Store.GetDistribution(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (h *handlers) handOver(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	lineID, err := httpx.PathID(r, "lineID")
	if err != nil {
		return err
	}
	var in model.HandOver
	if err := h.decodeOptionalJSON(w, r, &in); err != nil {
		return err
	}
	l, err := h.Store.HandOverLine(r.Context(), id, lineID, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, l)
	return nil
}

func (h *handlers) mySupplies(w http.ResponseWriter, r *http.Request) error {
	page, err := httpx.Page(r)
	if err != nil {
		return err
	}
	list, err := h.Store.MySupplies(r.Context(), page)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) confirmSupplyReceipt(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	l, err := h.Store.ConfirmSupplyReceipt(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, l)
	return nil
}

func (h *handlers) supplyStats(w http.ResponseWriter, r *http.Request) error {
	c, err := h.Store.SupplyCounts(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}
