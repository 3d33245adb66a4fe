package web

import (
	"time"

	"houdun/internal/model"
)

// supplySamplePages are the empty and filled views of the supply pages,
// merged into samplePages so that the template test covers them.
func supplySamplePages(base func(string) Page, empty func() Page) map[string][2]any {
	pg := base("s")
	pg.Errors = map[string]string{"quantity": "bad", "expired_override": "expired", "item_id": "x"}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	inst := int64(2)
	st := model.SupplyStore{ID: 1, Name: "中心医院物资库", RegionCode: "210902", InstitutionID: &inst, InstitutionName: "阜新市中心医院", Keeper: "王", Active: true, BelowReorder: 1}
	level := int64(50)
	stock := []stockRow{{StockLine: model.StockLine{ItemID: 1, ItemName: "N95", Unit: "只", Protective: true, Quantity: 40, Usable: 30, ReorderLevel: &level, BelowReorder: true,
		NextExpiry: "2027-01-01", Batches: []model.StockBatch{{Batch: "B1", ExpiryDate: "2027-01-01", Quantity: 30}, {Batch: "", ExpiryDate: "2026-01-01", Quantity: 10, Expired: true}}}, Category: "N95", Level: "50"}}
	c := int64(3)
	mv := model.Movement{ID: 4, Kind: model.MoveIssue, StoreID: 1, StoreName: "库", ItemName: "N95", Unit: "只", Batch: "B1", Quantity: -30, Reason: "r", ExpiredOverride: "o",
		CorrectsID: &c, PersonName: "张伟", CreatedByName: "cw", CreatedAt: now}
	rec := model.Movement{ID: 5, Kind: model.MoveReceipt, StoreID: 1, StoreName: "库", ItemName: "N95", Source: model.SourceDonation, Supplier: "红十字会", Quantity: 100, CorrectedBy: &c, CreatedAt: now}
	opts := []option{{Value: "1", Text: "x", Selected: true}}
	handed := now
	lines := []lineRow{{DistributionLine: model.DistributionLine{ID: 7, PersonName: "张伟", Department: "急诊科", Household: true, Quantity: 30, Status: model.LinePending, Version: 1}, Status: "s"},
		{DistributionLine: model.DistributionLine{ID: 8, PersonName: "李娜", Quantity: 30, Status: model.LineConfirmed, SignatureName: "李娜", HandedAt: &handed, ConfirmedBySelf: true,
			ItemName: "N95", Unit: "只", StoreName: "库", Day: "2026-03-01"}, Status: "s", When: "2026-03-01 17:00"},
		{DistributionLine: model.DistributionLine{ID: 9, PersonName: "王芳", Quantity: 1, Status: model.LineHanded, ItemName: "生活包"}, Status: "s"}}
	plan := planRow{Plan: model.Plan{ID: 1, Name: "一线每周", StoreName: "库", ItemName: "N95", Unit: "只", Quantity: 30, FrontlineOnly: true, Active: true}, Basis: "b", Period: "p", Need: "n",
		Lists: []model.Distribution{{ID: 3, Day: "2026-03-01", Total: 2, Handed: 1}}}
	d := model.Distribution{ID: 3, PlanName: "一线每周", StoreName: "库", ItemName: "N95", Unit: "只", Day: "2026-03-01", Total: 3, Handed: 2}
	return map[string][2]any{
		"supply_stores": {&supplyStoresView{Page: empty()}, &supplyStoresView{Page: pg, Filter: storeFilterForm{Q: "q", Region: "210902", Below: true},
			Stores: []storeRow{newStoreRow(st), newStoreRow(model.SupplyStore{ID: 2, Name: "区库", RegionCode: "210903"})}, Pager: pager{Total: 2, From: 1, To: 2, Page: 1, Pages: 1},
			CanManage: true, Institutions: opts, Form: map[string]string{"name": "n"}, ExportURL: "/x"}},
		"supply_store": {&supplyStoreView{Page: empty()}, &supplyStoreView{Page: pg, Store: newStoreRow(st), Stock: stock, Recent: []movementRow{newMovementRow(pg, mv)},
			CanManage: true, Items: opts, Stores: opts, Sources: opts, Kind: "issue", Form: map[string]string{"quantity": "3"}, LedgerURL: "/l"}},
		"supply_items": {&supplyItemsView{Page: empty()}, &supplyItemsView{Page: pg, Q: "q", Categories: opts, CanManage: true, Form: map[string]string{},
			Items: []model.Item{{ID: 1, Name: "N95", Category: model.ItemMaskN95, Unit: "只", Protective: true, Active: true}, {ID: 2, Name: "包", RegionCode: "2109"}}}},
		"supply_movements": {&supplyMovementsView{Page: empty()}, &supplyMovementsView{Page: pg, Filter: movementFilterForm{Store: "1", Kind: "issue", Q: "q"}, Kinds: opts, Stores: opts,
			Movements: []movementRow{newMovementRow(pg, mv), newMovementRow(pg, rec)}, CanManage: true, ExportURL: "/x", ExportMax: 20000}},
		"supply_plans": {&supplyPlansView{Page: empty()}, &supplyPlansView{Page: pg, Plans: []planRow{plan}, CanManage: true, Stores: opts, Items: opts, Bases: opts,
			Periods: opts, Needs: opts, Form: map[string]string{"frontline_only": "1"}, Today: "2026-03-01"}},
		"supply_distribution": {&supplyDistributionView{Page: empty()}, &supplyDistributionView{Page: pg, Distribution: d, Pending: lines[:1], Done: lines[1:], CanManage: true, Failed: 7}},
		"supply_mine":         {&supplyMineView{Page: empty()}, &supplyMineView{Page: pg, Lines: lines}},
	}
}

// supplyExtraStates: the dashboard with the supply figures, one hidden.
func supplyExtraStates(s map[string][2]any) []any {
	v := *s["dashboard"][1].(*dashboardView)
	n := int64(1200)
	v.Supplies, v.SuppliesURL = &model.SupplyCounts{ProtectiveStock: &n, BelowReorder: &n, DistributedWeek: &n, StoresInScope: &n}, "/supplies"
	return []any{&v}
}
