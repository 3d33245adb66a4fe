package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/model"
	"houdun/internal/region"
	"houdun/internal/store"
)

// The pages of supplies (物资保障): the stores with their current stock
// (batches, expiry, reorder levels) and the movement forms, the item
// catalogue, the stock ledger, allocation plans, the phone distribution
// list (one tap per person) and the worker's own receipts. The store decides
// what each caller reaches; the pages offer the forms their role may send.

func (h *handlers) supplyRoutes() []route {
	return []route{
		{pattern: "GET /supplies", fn: h.supplyStores, perm: auth.PermSupplyRead},
		{pattern: "POST /supplies/stores", fn: h.supplyStoreCreate, perm: auth.PermSupplyManage},
		{pattern: "GET /supplies/stores/{id}", fn: h.supplyStoreShow, perm: auth.PermSupplyRead},
		{pattern: "POST /supplies/stores/{id}/movements", fn: h.supplyMovementCreate, perm: auth.PermSupplyManage},
		{pattern: "POST /supplies/stores/{id}/reorder", fn: h.supplyReorder, perm: auth.PermSupplyManage},
		{pattern: "GET /supplies/items", fn: h.supplyItems, perm: auth.PermSupplyRead},
		{pattern: "POST /supplies/items", fn: h.supplyItemCreate, perm: auth.PermSupplyManage},
		{pattern: "GET /supplies/movements", fn: h.supplyMovements, perm: auth.PermSupplyRead},
		{pattern: "POST /supplies/movements/{id}/correct", fn: h.supplyCorrect, perm: auth.PermSupplyManage},
		{pattern: "GET /supplies/plans", fn: h.supplyPlans, perm: auth.PermSupplyRead},
		{pattern: "POST /supplies/plans", fn: h.supplyPlanCreate, perm: auth.PermSupplyManage},
		{pattern: "POST /supplies/plans/{id}/distributions", fn: h.supplyDistributionCreate, perm: auth.PermSupplyManage},
		{pattern: "GET /supplies/distributions/{id}", fn: h.supplyDistributionShow, perm: auth.PermSupplyRead},
		{pattern: "POST /supplies/distributions/{id}/lines/{line}", fn: h.supplyHandOver, perm: auth.PermSupplyManage},
		{pattern: "GET /me/supplies", fn: h.supplyMine, perm: auth.PermSupplyReceive},
		{pattern: "POST /me/supplies/{id}/confirm", fn: h.supplyConfirm, perm: auth.PermSupplyReceive},
	}
}

func init() {
	for k, v := range map[string]string{
		"supply_store_created": "web.notice.supply_store_created", "supply_movement": "web.notice.supply_movement",
		"supply_reorder": "web.notice.supply_reorder", "supply_item_created": "web.notice.supply_item_created",
		"supply_plan_created": "web.notice.supply_plan_created", "supply_handed": "web.notice.supply_handed",
		"supply_confirmed": "web.notice.supply_confirmed", "supply_corrected": "web.notice.supply_corrected",
	} {
		notices[k] = v
	}
}

func canManageSupplies(r *http.Request) bool {
	p := auth.FromContext(r.Context())
	return p != nil && p.Can(auth.PermSupplyManage)
}

func formInt(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(r.PostForm.Get(name)), 10, 64)
	return n
}

// ---- Stores ----

type storeFilterForm struct {
	Q, Region string
	Below     bool
}

func (f storeFilterForm) values() url.Values {
	v := url.Values{}
	if f.Q != "" {
		v.Set("q", f.Q)
	}
	if f.Region != "" {
		v.Set("region", f.Region)
	}
	if f.Below {
		v.Set("below", "1")
	}
	return v
}

// Active reports whether any filter is set.
func (f storeFilterForm) Active() bool { return len(f.values()) > 0 }

type storeRow struct {
	model.SupplyStore
	URL, Region, Owner string
}

func newStoreRow(st model.SupplyStore) storeRow {
	row := storeRow{SupplyStore: st, URL: "/supplies/stores/" + strconv.FormatInt(st.ID, 10), Region: regionLabel(st.RegionCode), Owner: st.InstitutionName}
	return row
}

// supplyStoresView is the list of stores with the form that opens one.
type supplyStoresView struct {
	Page
	Filter       storeFilterForm
	Stores       []storeRow
	Pager        pager
	CanManage    bool
	Institutions []option
	Form         map[string]string
	ExportURL    string
}

func (h *handlers) supplyStores(w http.ResponseWriter, r *http.Request) error {
	return h.renderSupplyStores(w, r, http.StatusOK, nil, nil)
}

func (h *handlers) renderSupplyStores(w http.ResponseWriter, r *http.Request, status int, form map[string]string, e *model.Error) error {
	q := r.URL.Query()
	f := storeFilterForm{Q: strings.TrimSpace(q.Get("q")), Below: q.Get("below") == "1"}
	if code, ok := region.Normalize(q.Get("region")); ok {
		f.Region = code
	}
	list, err := h.Store.ListStores(r.Context(), model.StoreFilter{Q: f.Q, RegionCode: f.Region, BelowReorder: f.Below, Page: pageOf(r)})
	if err != nil {
		return err
	}
	v := &supplyStoresView{Page: h.page(r, "web.supply.stores_title"), Filter: f, CanManage: canManageSupplies(r), Form: form}
	v.Current, v.Notice = "supplies", v.notice(r)
	v.setErrors(e)
	for _, st := range list.Items {
		v.Stores = append(v.Stores, newStoreRow(st))
	}
	v.Pager = newPager("/supplies", f.values(), list.Total, list.Offset, list.Limit)
	if p := auth.FromContext(r.Context()); p != nil && p.Can(auth.PermPersonExport) {
		v.ExportURL = "/api/v1/exports/stock-movements.xlsx"
	}
	if v.CanManage {
		insts, err := h.Store.ListInstitutions(r.Context(), store.InstitutionFilter{Page: model.Page{Limit: 500}})
		if err == nil {
			for _, in := range insts.Items {
				id := strconv.FormatInt(in.ID, 10)
				v.Institutions = append(v.Institutions, option{Value: id, Text: in.Name + " · " + regionLabel(in.RegionCode), Selected: form["institution_id"] == id})
			}
		}
	}
	h.render(w, r, status, "supply_stores", v)
	return nil
}

func (h *handlers) supplyStoreCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"name", "region_code", "institution_id", "address", "keeper"} {
		form[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	in := model.StoreInput{Name: ptrOf(form["name"]), Address: ptrOf(form["address"]), Keeper: ptrOf(form["keeper"])}
	if id := formInt(r, "institution_id"); id > 0 {
		in.InstitutionID = &id
	} else if form["region_code"] != "" {
		code, err := h.Store.EnteredRegion(r.Context(), "region_code", form["region_code"])
		if err != nil {
			return h.supplyFormFailed(w, r, err, func(status int, e *model.Error) error { return h.renderSupplyStores(w, r, status, form, e) })
		}
		in.RegionCode = &code
	}
	st, err := h.Store.CreateStore(r.Context(), in)
	if err != nil {
		return h.supplyFormFailed(w, r, err, func(status int, e *model.Error) error { return h.renderSupplyStores(w, r, status, form, e) })
	}
	return seeOther(w, r, "/supplies/stores/"+strconv.FormatInt(st.ID, 10)+"?msg=supply_store_created")
}

// supplyFormFailed shows a form again with the store's messages (422 for
// bad input, 409 for a conflict); other errors go to the error page.
func (h *handlers) supplyFormFailed(w http.ResponseWriter, r *http.Request, err error, again func(status int, e *model.Error) error) error {
	e := model.AsError(err)
	status := formStatus(e)
	if status == 0 {
		return err
	}
	return again(status, e)
}

func ptrOf(s string) *string { return &s }

// supplyStoreView is one store: its stock and the movement forms.
type supplyStoreView struct {
	Page
	Store     storeRow
	Stock     []stockRow
	Recent    []movementRow
	CanManage bool
	Items     []option
	Stores    []option
	Kind      string // the form that failed, shown open
	Form      map[string]string
	Kinds     []option
	Sources   []option
	LedgerURL string
}

type stockRow struct {
	model.StockLine
	Category string
	Level    string
}

func (h *handlers) supplyStoreShow(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	return h.renderSupplyStore(w, r, id, http.StatusOK, "", nil, nil)
}

func (h *handlers) renderSupplyStore(w http.ResponseWriter, r *http.Request, id int64, status int, kind string, form map[string]string, e *model.Error) error {
	stock, err := h.Store.StoreStock(r.Context(), id)
	if err != nil {
		return err
	}
	v := &supplyStoreView{Page: h.page(r, ""), Store: newStoreRow(stock.Store), CanManage: canManageSupplies(r), Kind: kind, Form: form,
		LedgerURL: "/supplies/movements?store=" + strconv.FormatInt(id, 10)}
	v.Title, v.Current, v.Notice = stock.Store.Name, "supplies", v.notice(r)
	v.setErrors(e)
	if v.Form == nil {
		v.Form = map[string]string{}
	}
	for _, l := range stock.Items {
		row := stockRow{StockLine: l, Category: v.Label("supply.category", l.Category)}
		if l.ReorderLevel != nil {
			row.Level = strconv.FormatInt(*l.ReorderLevel, 10)
		}
		v.Stock = append(v.Stock, row)
	}
	recent, err := h.Store.ListMovements(r.Context(), model.MovementFilter{StoreID: id, Page: model.Page{Limit: 10}})
	if err != nil {
		return err
	}
	for _, m := range recent.Items {
		v.Recent = append(v.Recent, newMovementRow(v.Page, m))
	}
	if v.CanManage {
		items, err := h.Store.ListItems(r.Context(), model.ItemFilter{Page: model.Page{Limit: 500}})
		if err != nil {
			return err
		}
		for _, it := range items.Items {
			if !it.Active {
				continue
			}
			s := strconv.FormatInt(it.ID, 10)
			v.Items = append(v.Items, option{Value: s, Text: it.Name + "（" + it.Unit + "）", Selected: v.Form["item_id"] == s})
		}
		stores, err := h.Store.ListStores(r.Context(), model.StoreFilter{Page: model.Page{Limit: 500}})
		if err != nil {
			return err
		}
		for _, st := range stores.Items {
			if st.ID == id || !st.Active {
				continue
			}
			s := strconv.FormatInt(st.ID, 10)
			v.Stores = append(v.Stores, option{Value: s, Text: st.Name, Selected: v.Form["to_store_id"] == s})
		}
		for _, s := range model.ReceiptSources {
			v.Sources = append(v.Sources, option{Value: s, Text: v.Label("supply.source", s), Selected: v.Form["source"] == s})
		}
	}
	h.render(w, r, status, "supply_store", v)
	return nil
}

var movementFormFields = []string{"kind", "item_id", "quantity", "batch", "expiry_date", "source", "supplier", "document_no", "reason",
	"expired_override", "to_store_id", "person_id", "need_id"}

func (h *handlers) supplyMovementCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range movementFormFields {
		form[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	in := model.MovementInput{Kind: form["kind"], StoreID: id, ItemID: formInt(r, "item_id"), Quantity: formInt(r, "quantity"), Batch: form["batch"],
		ExpiryDate: form["expiry_date"], Source: form["source"], Supplier: form["supplier"], DocumentNo: form["document_no"], Reason: form["reason"],
		ExpiredOverride: form["expired_override"], ToStoreID: formInt(r, "to_store_id"), PersonID: formInt(r, "person_id"), NeedID: formInt(r, "need_id")}
	if in.Kind == model.MoveAdjust && r.PostForm.Get("direction") == "down" && in.Quantity > 0 {
		in.Quantity = -in.Quantity
	}
	if _, err := h.Store.RecordMovement(r.Context(), in); err != nil {
		e := model.AsError(err)
		if e.Code == model.ENotFound && in.Kind == model.MoveTransfer {
			// The receiving store is missing or out of scope: a message on its field, as for any bad choice.
			e = &model.Error{Code: model.EInvalid, Msg: model.M("error.invalid"), Fields: map[string]model.Msg{"to_store_id": model.M("supply.store_unknown")}}
		}
		return h.supplyFormFailed(w, r, e, func(status int, e *model.Error) error { return h.renderSupplyStore(w, r, id, status, in.Kind, form, e) })
	}
	return seeOther(w, r, "/supplies/stores/"+strconv.FormatInt(id, 10)+"?msg=supply_movement")
}

func (h *handlers) supplyReorder(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	in := model.ReorderInput{ItemID: formInt(r, "item_id")}
	form := map[string]string{"item_id": r.PostForm.Get("item_id"), "level": strings.TrimSpace(r.PostForm.Get("level"))}
	if form["level"] != "" {
		n, err := strconv.ParseInt(form["level"], 10, 64)
		if err != nil {
			n = -1
		}
		in.Level = &n
	}
	if err := h.Store.SetReorderLevel(r.Context(), id, in); err != nil {
		return h.supplyFormFailed(w, r, err, func(status int, e *model.Error) error {
			return h.renderSupplyStore(w, r, id, status, "reorder", form, e)
		})
	}
	return seeOther(w, r, "/supplies/stores/"+strconv.FormatInt(id, 10)+"?msg=supply_reorder")
}

// ---- Items ----

type supplyItemsView struct {
	Page
	Q, Category string
	Categories  []option
	Items       []model.Item
	Pager       pager
	CanManage   bool
	Form        map[string]string
}

func (h *handlers) supplyItems(w http.ResponseWriter, r *http.Request) error {
	return h.renderSupplyItems(w, r, http.StatusOK, nil, nil)
}

func (h *handlers) renderSupplyItems(w http.ResponseWriter, r *http.Request, status int, form map[string]string, e *model.Error) error {
	q := r.URL.Query()
	v := &supplyItemsView{Page: h.page(r, "web.supply.items_title"), Q: strings.TrimSpace(q.Get("q")), Category: q.Get("category"), CanManage: canManageSupplies(r), Form: form}
	if !model.Contains(model.ItemCategories, v.Category) {
		v.Category = ""
	}
	if v.Form == nil {
		v.Form = map[string]string{}
	}
	v.Current, v.Notice = "supplies", v.notice(r)
	v.setErrors(e)
	for _, c := range model.ItemCategories {
		v.Categories = append(v.Categories, option{Value: c, Text: v.Label("supply.category", c), Selected: c == v.Category})
	}
	list, err := h.Store.ListItems(r.Context(), model.ItemFilter{Q: v.Q, Category: v.Category, Page: pageOf(r)})
	if err != nil {
		return err
	}
	v.Items = list.Items
	qv := url.Values{"q": {v.Q}, "category": {v.Category}}
	v.Pager = newPager("/supplies/items", qv, list.Total, list.Offset, list.Limit)
	h.render(w, r, status, "supply_items", v)
	return nil
}

func (h *handlers) supplyItemCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"name", "category", "unit", "protective"} {
		form[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	in := model.ItemInput{Name: ptrOf(form["name"]), Category: ptrOf(form["category"]), Unit: ptrOf(form["unit"])}
	switch form["protective"] {
	case "yes":
		in.Protective = ptr(true)
	case "no":
		in.Protective = ptr(false)
	}
	if _, err := h.Store.CreateItem(r.Context(), in); err != nil {
		return h.supplyFormFailed(w, r, err, func(status int, e *model.Error) error { return h.renderSupplyItems(w, r, status, form, e) })
	}
	return seeOther(w, r, "/supplies/items?msg=supply_item_created")
}

func ptr[T any](v T) *T { return &v }

// ---- The ledger ----

type movementRow struct {
	model.Movement
	Kind, When, Party string
	Correctable       bool
}

func newMovementRow(p Page, m model.Movement) movementRow {
	row := movementRow{Movement: m, Kind: p.Label("supply.kind", m.Kind), When: formatTime(m.CreatedAt), Party: m.Supplier}
	if m.Source != "" {
		row.Party = p.Label("supply.source", m.Source) + " · " + m.Supplier
	}
	if m.OtherStoreName != "" {
		row.Party = m.OtherStoreName
	}
	if m.PersonName != "" {
		row.Party = m.PersonName
	}
	row.Correctable = m.Kind != model.MoveCorrection && m.CorrectedBy == nil
	return row
}

type movementFilterForm struct {
	Store, Kind, From, To, Q string
}

func (f movementFilterForm) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"store": f.Store, "kind": f.Kind, "from": f.From, "to": f.To, "q": f.Q} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// Active reports whether any filter is set.
func (f movementFilterForm) Active() bool { return len(f.values()) > 0 }

type supplyMovementsView struct {
	Page
	Filter    movementFilterForm
	Kinds     []option
	Stores    []option
	Movements []movementRow
	Pager     pager
	CanManage bool
	ExportURL string
	ExportMax int
}

func (h *handlers) supplyMovements(w http.ResponseWriter, r *http.Request) error {
	return h.renderSupplyMovements(w, r, http.StatusOK, nil)
}

func (h *handlers) renderSupplyMovements(w http.ResponseWriter, r *http.Request, status int, e *model.Error) error {
	q := r.URL.Query()
	f := movementFilterForm{Store: strings.TrimSpace(q.Get("store")), Kind: q.Get("kind"), From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")), Q: strings.TrimSpace(q.Get("q"))}
	if !model.Contains(model.MovementKinds, f.Kind) {
		f.Kind = ""
	}
	if _, ok := parseDay(f.From); !ok {
		f.From = ""
	}
	if _, ok := parseDay(f.To); !ok {
		f.To = ""
	}
	storeID, ok := parseID(f.Store)
	if !ok {
		f.Store = ""
	}
	mf := model.MovementFilter{StoreID: storeID, Kind: f.Kind, From: f.From, To: f.To, Q: f.Q, Page: pageOf(r)}
	list, err := h.Store.ListMovements(r.Context(), mf)
	if err != nil {
		return err
	}
	v := &supplyMovementsView{Page: h.page(r, "web.supply.ledger_title"), Filter: f, CanManage: canManageSupplies(r), ExportMax: model.ListExportMax}
	v.Current, v.Notice = "supplies", v.notice(r)
	v.setErrors(e)
	for _, k := range model.MovementKinds {
		v.Kinds = append(v.Kinds, option{Value: k, Text: v.Label("supply.kind", k), Selected: k == f.Kind})
	}
	stores, err := h.Store.ListStores(r.Context(), model.StoreFilter{Page: model.Page{Limit: 500}})
	if err != nil {
		return err
	}
	for _, st := range stores.Items {
		s := strconv.FormatInt(st.ID, 10)
		v.Stores = append(v.Stores, option{Value: s, Text: st.Name, Selected: s == f.Store})
	}
	for _, m := range list.Items {
		v.Movements = append(v.Movements, newMovementRow(v.Page, m))
	}
	v.Pager = newPager("/supplies/movements", f.values(), list.Total, list.Offset, list.Limit)
	if p := auth.FromContext(r.Context()); p != nil && p.Can(auth.PermPersonExport) {
		eq := url.Values{}
		for k, s := range map[string]string{"store_id": f.Store, "kind": f.Kind, "from": f.From, "to": f.To, "q": f.Q} {
			if s != "" {
				eq.Set(k, s)
			}
		}
		v.ExportURL = "/api/v1/exports/stock-movements.xlsx"
		if len(eq) > 0 {
			v.ExportURL += "?" + eq.Encode()
		}
	}
	h.render(w, r, status, "supply_movements", v)
	return nil
}

func (h *handlers) supplyCorrect(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	if _, err := h.Store.RecordMovement(r.Context(), model.MovementInput{Kind: model.MoveCorrection, CorrectsID: id, Reason: r.PostForm.Get("reason")}); err != nil {
		return h.supplyFormFailed(w, r, err, func(status int, e *model.Error) error { return h.renderSupplyMovements(w, r, status, e) })
	}
	return seeOther(w, r, "/supplies/movements?msg=supply_corrected")
}

// ---- Plans and distribution lists ----

type planRow struct {
	model.Plan
	Basis, Period, Need string
	Lists               []model.Distribution
}

type supplyPlansView struct {
	Page
	Plans     []planRow
	Pager     pager
	CanManage bool
	Stores    []option
	Items     []option
	Bases     []option
	Periods   []option
	Needs     []option
	Form      map[string]string
	Today     string
}

func (h *handlers) supplyPlans(w http.ResponseWriter, r *http.Request) error {
	return h.renderSupplyPlans(w, r, http.StatusOK, nil, nil)
}

func (h *handlers) renderSupplyPlans(w http.ResponseWriter, r *http.Request, status int, form map[string]string, e *model.Error) error {
	v := &supplyPlansView{Page: h.page(r, "web.supply.plans_title"), CanManage: canManageSupplies(r), Form: form, Today: h.Store.Now().In(chinaTime).Format(time.DateOnly)}
	if v.Form == nil {
		v.Form = map[string]string{"frontline_only": "1"}
	}
	v.Current, v.Notice = "supplies", v.notice(r)
	v.setErrors(e)
	list, err := h.Store.ListPlans(r.Context(), 0, pageOf(r))
	if err != nil {
		return err
	}
	for _, p := range list.Items {
		row := planRow{Plan: p, Basis: v.Label("supply.basis", p.Basis), Period: v.Label("supply.period", p.Period)}
		if p.HouseholdNeed != "" {
			row.Need = v.Label("care", p.HouseholdNeed)
		}
		ds, err := h.Store.ListDistributions(r.Context(), model.DistributionFilter{PlanID: p.ID, Page: model.Page{Limit: 5}})
		if err != nil {
			return err
		}
		row.Lists = ds.Items
		v.Plans = append(v.Plans, row)
	}
	v.Pager = newPager("/supplies/plans", nil, list.Total, list.Offset, list.Limit)
	if v.CanManage {
		stores, err := h.Store.ListStores(r.Context(), model.StoreFilter{Page: model.Page{Limit: 500}})
		if err != nil {
			return err
		}
		for _, st := range stores.Items {
			s := strconv.FormatInt(st.ID, 10)
			v.Stores = append(v.Stores, option{Value: s, Text: st.Name, Selected: v.Form["store_id"] == s})
		}
		items, err := h.Store.ListItems(r.Context(), model.ItemFilter{Page: model.Page{Limit: 500}})
		if err != nil {
			return err
		}
		for _, it := range items.Items {
			s := strconv.FormatInt(it.ID, 10)
			v.Items = append(v.Items, option{Value: s, Text: it.Name + "（" + it.Unit + "）", Selected: v.Form["item_id"] == s})
		}
		for _, b := range model.PlanBases {
			v.Bases = append(v.Bases, option{Value: b, Text: v.Label("supply.basis", b), Selected: v.Form["basis"] == b})
		}
		for _, p := range model.PlanPeriods {
			v.Periods = append(v.Periods, option{Value: p, Text: v.Label("supply.period", p), Selected: v.Form["period"] == p})
		}
		for _, c := range model.CareNeeds {
			v.Needs = append(v.Needs, option{Value: c, Text: v.Label("care", c), Selected: v.Form["household_need"] == c})
		}
	}
	h.render(w, r, status, "supply_plans", v)
	return nil
}

func (h *handlers) supplyPlanCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"name", "store_id", "item_id", "basis", "quantity", "period", "household_need", "frontline_only"} {
		form[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	in := model.PlanInput{Name: form["name"], StoreID: formInt(r, "store_id"), ItemID: formInt(r, "item_id"), Basis: form["basis"], Quantity: formInt(r, "quantity"),
		Period: form["period"], HouseholdNeed: form["household_need"], FrontlineOnly: ptr(form["frontline_only"] == "1")}
	if _, err := h.Store.CreatePlan(r.Context(), in); err != nil {
		return h.supplyFormFailed(w, r, err, func(status int, e *model.Error) error { return h.renderSupplyPlans(w, r, status, form, e) })
	}
	return seeOther(w, r, "/supplies/plans?msg=supply_plan_created")
}

func (h *handlers) supplyDistributionCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	d, err := h.Store.CreateDistribution(r.Context(), model.DistributionInput{PlanID: id, Day: r.PostForm.Get("day")})
	if err != nil {
		return h.supplyFormFailed(w, r, err, func(status int, e *model.Error) error { return h.renderSupplyPlans(w, r, status, nil, e) })
	}
	return seeOther(w, r, "/supplies/distributions/"+strconv.FormatInt(d.ID, 10))
}

// supplyDistributionView is the phone distribution list: one card and one
// tap per person.
type supplyDistributionView struct {
	Page
	Distribution model.Distribution
	Pending      []lineRow
	Done         []lineRow
	CanManage    bool
	Failed       int64 // the line whose hand-over failed
}

type lineRow struct {
	model.DistributionLine
	Status, When string
}

func newLineRow(p Page, l model.DistributionLine) lineRow {
	return lineRow{DistributionLine: l, Status: p.Label("supply.line", l.Status), When: formatTimePtr(l.HandedAt)}
}

func (h *handlers) supplyDistributionShow(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	return h.renderSupplyDistribution(w, r, id, http.StatusOK, 0, nil)
}

func (h *handlers) renderSupplyDistribution(w http.ResponseWriter, r *http.Request, id int64, status int, failed int64, e *model.Error) error {
	d, err := h.Store.GetDistribution(r.Context(), id)
	if err != nil {
		return err
	}
	v := &supplyDistributionView{Page: h.page(r, ""), Distribution: d, CanManage: canManageSupplies(r), Failed: failed}
	v.Title, v.Current, v.Notice = v.T("web.supply.distribution_title", d.PlanName, d.Day), "supplies", v.notice(r)
	v.setErrors(e)
	for _, l := range d.Lines {
		if l.Status == model.LinePending {
			v.Pending = append(v.Pending, newLineRow(v.Page, l))
		} else {
			v.Done = append(v.Done, newLineRow(v.Page, l))
		}
	}
	h.render(w, r, status, "supply_distribution", v)
	return nil
}

func (h *handlers) supplyHandOver(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	line, err := httpx.PathID(r, "line")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	in := model.HandOver{SignatureName: r.PostForm.Get("signature_name"), ExpiredOverride: r.PostForm.Get("expired_override")}
	if v, err := strconv.ParseInt(r.PostForm.Get("version"), 10, 64); err == nil {
		in.Version = &v
	}
	if _, err := h.Store.HandOverLine(r.Context(), id, line, in); err != nil {
		return h.supplyFormFailed(w, r, err, func(status int, e *model.Error) error { return h.renderSupplyDistribution(w, r, id, status, line, e) })
	}
	return seeOther(w, r, "/supplies/distributions/"+strconv.FormatInt(id, 10)+"?msg=supply_handed")
}

// ---- A worker's own ----

type supplyMineView struct {
	Page
	Lines []lineRow
	Pager pager
}

func (h *handlers) supplyMine(w http.ResponseWriter, r *http.Request) error {
	return h.renderSupplyMine(w, r, http.StatusOK, nil)
}

func (h *handlers) renderSupplyMine(w http.ResponseWriter, r *http.Request, status int, e *model.Error) error {
	list, err := h.Store.MySupplies(r.Context(), pageOf(r))
	if err != nil {
		return err
	}
	v := &supplyMineView{Page: h.page(r, "web.supply.mine_title")}
	v.Current, v.Notice = "my_supplies", v.notice(r)
	v.setErrors(e)
	for _, l := range list.Items {
		v.Lines = append(v.Lines, newLineRow(v.Page, l))
	}
	v.Pager = newPager("/me/supplies", nil, list.Total, list.Offset, list.Limit)
	h.render(w, r, status, "supply_mine", v)
	return nil
}

func (h *handlers) supplyConfirm(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Store.ConfirmSupplyReceipt(r.Context(), id); err != nil {
		return h.supplyFormFailed(w, r, err, func(status int, e *model.Error) error { return h.renderSupplyMine(w, r, status, e) })
	}
	return seeOther(w, r, "/me/supplies?msg=supply_confirmed")
}

// selectField is one labelled select for the "supply_select" template.
type selectField struct {
	ID, Name, Label, Choose, Error string
	Required                       bool
	Options                        []option
}

// Select describes a select of the page's one form of its kind.
func (p Page) Select(name, labelKey string, opts []option) selectField {
	return selectField{ID: "f-" + name, Name: name, Label: p.T(labelKey), Choose: p.T("web.supply.choose"), Error: p.Errors[name], Options: opts}
}

// KindField is a field of one of the store page's movement forms: it keeps
// what was typed and shows the messages only on the form that failed.
func (v *supplyStoreView) KindField(kind, name, labelKey string, opts ...string) field {
	value := ""
	if v.Kind == kind {
		value = v.Form[name]
	}
	f := v.Field(name, labelKey, value, opts...)
	f.ID = "f-" + kind + "-" + name
	if v.Kind != kind {
		f.Error = ""
	}
	return f
}

// KindSelect is KindField's select.
func (v *supplyStoreView) KindSelect(kind, name, labelKey string, opts []option) selectField {
	f := v.Select(name, labelKey, nil)
	f.ID = "f-" + kind + "-" + name
	for _, o := range opts {
		if v.Kind != kind {
			o.Selected = false
		}
		f.Options = append(f.Options, o)
	}
	if v.Kind != kind {
		f.Error = ""
	}
	return f
}
