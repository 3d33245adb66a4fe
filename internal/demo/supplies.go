package demo

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
)

// The supplies of the demo (物资保障): the city's emergency store and the
// stores of four hospitals; donations (the Red Cross, the charity
// federation, a company) and purchases of masks, suits, goggles, shields,
// gloves, sanitiser and packs, one N95 batch that has expired since;
// transfers from the city's store to the hospitals; weekly lists of 30 N95
// per frontline worker at the central hospital and a pack a week for its
// households with an elderly relative needing care, handed out over the
// last three weeks (the demo worker's among them, confirmed by them but for
// this week's); and 阜新市第二人民医院's store under its N95 reorder level.
// The steps are played on the ledger's clock (supplyEvents), so that the
// ledger and the hand-overs carry their days.

// supplyIDs are what the steps make and use.
type supplyIDs struct {
	items  map[string]int64 // by name
	stores map[string]model.SupplyStore
	plans  []model.Plan
	worker int64 // the worker account's person
}

var demoItems = []struct{ name, category, unit string }{
	{"N95 医用防护口罩", model.ItemMaskN95, "只"},
	{"一次性使用医用外科口罩", model.ItemMaskSurgical, "只"},
	{"医用一次性防护服", model.ItemSuit, "套"},
	{"医用隔离护目镜", model.ItemGoggles, "副"},
	{"医用防护面屏", model.ItemFaceShield, "个"},
	{"医用丁腈检查手套", model.ItemGloves, "副"},
	{"75% 乙醇消毒液（500 mL）", model.ItemSanitiser, "瓶"},
	{"一线人员营养食品包", model.ItemFoodPack, "份"},
	{"家庭生活必需品包", model.ItemDailyPack, "份"},
}

const (
	storeCity    = "阜新市卫生应急物资储备库"
	storeCentral = "阜新市中心医院物资库"
	storeMining  = "阜新矿业集团总医院物资库"
	storeSecond  = "阜新市第二人民医院物资库"
	storeInfect  = "阜新市传染病医院物资库"
)

// supplyEvents are the supply steps and when they happen, from the start of
// the ledger's span; playSupply plays step i.
var supplyEvents = []time.Duration{
	ledgerSpan - 22*24*time.Hour,               // 0: items, stores, donations, purchases, transfers, reorder levels, plans
	ledgerSpan - 14*24*time.Hour,               // 1: the lists of two weeks ago, handed out
	ledgerSpan - 14*24*time.Hour + 6*time.Hour, // 2: the worker confirms
	ledgerSpan - 10*24*time.Hour,               // 3: a purchase and a transfer to replenish
	ledgerSpan - 7*24*time.Hour,                // 4: last week's lists
	ledgerSpan - 7*24*time.Hour + 5*time.Hour,  // 5: the worker confirms
	ledgerSpan - 5*time.Hour,                   // 6: this week's lists, handed out in part
}

// addSupplyEvents puts the supply steps into the ledger's events, in time order.
func addSupplyEvents(lp *ledgerPlan) {
	for i, at := range supplyEvents {
		lp.events = append(lp.events, ledgerEvent{at: at, step: stepSupply, index: i})
	}
	slices.SortStableFunc(lp.events, func(a, b ledgerEvent) int { return cmp.Compare(a.at, b.at) })
}

// chinaTime is the zone the demo city's days are counted in.
var chinaTime = time.FixedZone("CST", 8*60*60)

// fillSuppliesNow plays every supply step at once, for a demo without the
// ledger's clock.
func fillSuppliesNow(st *store.Store, as actors, sum *Summary) error {
	ids := &ledgerIDs{}
	for i, at := range supplyEvents {
		// The days of the lists as the ledger's clock would have them; the times are now.
		if err := playSupply(st, st.Now().Add(at-ledgerSpan), i, ids, as, sum); err != nil {
			return err
		}
	}
	return nil
}

// playSupply plays supply step i at now.
func playSupply(st *store.Store, now time.Time, i int, ids *ledgerIDs, as actors, sum *Summary) error {
	if ids.supplies == nil {
		ids.supplies = &supplyIDs{items: map[string]int64{}, stores: map[string]model.SupplyStore{}}
	}
	s := ids.supplies
	day := now.In(chinaTime).Format(time.DateOnly)
	var err error
	switch i {
	case 0:
		err = s.setUp(st, now, as, sum)
	case 1, 4:
		err = s.handOut(st, day, as, 40, 15, sum)
	case 6:
		err = s.handOut(st, day, as, 18, 6, sum)
	case 2, 5:
		err = s.confirm(st, as)
	case 3:
		err = s.replenish(st, now, as, sum)
	}
	if err != nil {
		return fmt.Errorf("demo: supplies, step %d: %w", i, err)
	}
	return nil
}

func (s *supplyIDs) move(ctx context.Context, st *store.Store, sum *Summary, in model.MovementInput) error {
	rows, err := st.RecordMovement(ctx, in)
	if err != nil {
		return fmt.Errorf("%s of %d into store %d: %w", in.Kind, in.Quantity, in.StoreID, err)
	}
	sum.StockMovements += len(rows)
	return nil
}

func (s *supplyIDs) setUp(st *store.Store, now time.Time, as actors, sum *Summary) error {
	sys, city := as[""], as[actorCity]
	for _, it := range demoItems {
		code := cityCode
		created, err := st.CreateItem(city, model.ItemInput{Name: &it.name, Category: &it.category, Unit: &it.unit, RegionCode: &code})
		if err != nil {
			return err
		}
		s.items[it.name] = created.ID
	}
	insts, err := st.ListInstitutions(sys, store.InstitutionFilter{Page: model.Page{Limit: 500}})
	if err != nil {
		return err
	}
	instID := map[string]int64{}
	for _, in := range insts.Items {
		instID[in.Name] = in.ID
	}
	stores := []struct{ name, inst, address, keeper string }{
		{storeCity, "", "阜新市海州区中华路 47 号市卫生健康委员会院内", "市卫生应急办 赵主任"},
		{storeCentral, workerInstitution, "阜新市中心医院后勤楼一层", "设备处 刘库管"},
		{storeMining, "阜新矿业集团总医院", "总医院物资科库房", "物资科 孙科长"},
		{storeSecond, "阜新市第二人民医院", "二院后勤保障部库房", "后勤部 周库管"},
		{storeInfect, "阜新市传染病医院", "传染病医院污染区外库房", "总务科 吴库管"},
	}
	for _, d := range stores {
		in := model.StoreInput{Name: &d.name, Address: &d.address, Keeper: &d.keeper}
		if d.inst != "" {
			id := instID[d.inst]
			in.InstitutionID = &id
		} else {
			code := cityCode
			in.RegionCode = &code
		}
		created, err := st.CreateStore(city, in)
		if err != nil {
			return fmt.Errorf("store %s: %w", d.name, err)
		}
		s.stores[d.name] = created
		sum.Stores++
	}
	date := func(days int) string { return now.AddDate(0, 0, days).In(chinaTime).Format(time.DateOnly) }
	cityID := s.stores[storeCity].ID
	receipts := []model.MovementInput{
		{ItemID: s.items["N95 医用防护口罩"], Quantity: 20000, Batch: "HSH-N95-2301", ExpiryDate: date(700), Source: model.SourceDonation, Supplier: "阜新市红十字会", DocumentNo: "FXHSH-2023-017"},
		{ItemID: s.items["N95 医用防护口罩"], Quantity: 1000, Batch: "CS-N95-2106", ExpiryDate: date(17), Source: model.SourceDonation, Supplier: "阜新市慈善总会", DocumentNo: "FXCS-2023-004"},
		{ItemID: s.items["一次性使用医用外科口罩"], Quantity: 50000, Batch: "CS-WK-2212", ExpiryDate: date(540), Source: model.SourceDonation, Supplier: "阜新市慈善总会", DocumentNo: "FXCS-2023-005"},
		{ItemID: s.items["医用一次性防护服"], Quantity: 3000, Batch: "GY-FHF-2301", ExpiryDate: date(900), Source: model.SourcePurchase, Supplier: "国药控股辽宁有限公司", DocumentNo: "CG-2023-0112"},
		{ItemID: s.items["医用隔离护目镜"], Quantity: 800, Batch: "GY-HMJ-2301", Source: model.SourcePurchase, Supplier: "国药控股辽宁有限公司", DocumentNo: "CG-2023-0112"},
		{ItemID: s.items["医用防护面屏"], Quantity: 1500, Batch: "GY-MP-2301", Source: model.SourcePurchase, Supplier: "国药控股辽宁有限公司", DocumentNo: "CG-2023-0112"},
		{ItemID: s.items["医用丁腈检查手套"], Quantity: 20000, Batch: "ZJ-ST-2212", ExpiryDate: date(1000), Source: model.SourceDonation, Supplier: "阜新某化工企业（捐赠）", DocumentNo: "JZ-2023-009"},
		{ItemID: s.items["75% 乙醇消毒液（500 mL）"], Quantity: 2000, Batch: "YC-2301", ExpiryDate: date(365), Source: model.SourcePurchase, Supplier: "辽宁成大方圆医药", DocumentNo: "CG-2023-0118"},
		{ItemID: s.items["一线人员营养食品包"], Quantity: 600, Batch: "GXS-SP-0105", ExpiryDate: date(150), Source: model.SourcePurchase, Supplier: "阜新市供销合作社", DocumentNo: "CG-2023-0120"},
		{ItemID: s.items["家庭生活必需品包"], Quantity: 600, Batch: "GXS-SH-0105", Source: model.SourcePurchase, Supplier: "阜新市供销合作社", DocumentNo: "CG-2023-0120"},
	}
	for _, in := range receipts {
		in.Kind, in.StoreID = model.MoveReceipt, cityID
		if err := s.move(city, st, sum, in); err != nil {
			return err
		}
	}
	transfers := []struct {
		to, item string
		qty      int64
	}{
		{storeCentral, "N95 医用防护口罩", 3500}, {storeCentral, "医用一次性防护服", 600}, {storeCentral, "医用隔离护目镜", 150},
		{storeCentral, "家庭生活必需品包", 150}, {storeCentral, "一次性使用医用外科口罩", 10000},
		{storeMining, "N95 医用防护口罩", 3000}, {storeMining, "医用一次性防护服", 500},
		{storeSecond, "N95 医用防护口罩", 600}, {storeSecond, "医用一次性防护服", 300},
		{storeInfect, "N95 医用防护口罩", 3000}, {storeInfect, "医用一次性防护服", 900}, {storeInfect, "医用防护面屏", 500},
	}
	for _, tr := range transfers {
		if err := s.move(city, st, sum, model.MovementInput{Kind: model.MoveTransfer, StoreID: cityID, ToStoreID: s.stores[tr.to].ID,
			ItemID: s.items[tr.item], Quantity: tr.qty, DocumentNo: "DB-2023-" + fmt.Sprint(sum.StockMovements)}); err != nil {
			return err
		}
	}
	// Reorder levels: a week of N95 for each hospital; 第二人民医院's is above what it holds.
	levels := []struct {
		store, item string
		level       int64
	}{
		{storeCity, "N95 医用防护口罩", 3000}, {storeCity, "医用一次性防护服", 500},
		{storeCentral, "N95 医用防护口罩", 500}, {storeCentral, "家庭生活必需品包", 20},
		{storeMining, "N95 医用防护口罩", 500}, {storeSecond, "N95 医用防护口罩", 800}, {storeInfect, "N95 医用防护口罩", 600},
	}
	for _, l := range levels {
		lv := l.level
		if err := st.SetReorderLevel(city, s.stores[l.store].ID, model.ReorderInput{ItemID: s.items[l.item], Level: &lv}); err != nil {
			return err
		}
	}
	central := s.stores[storeCentral].ID
	admin := as["institution-admin"]
	for _, in := range []model.PlanInput{
		{Name: "一线人员每周 N95 口罩", StoreID: central, ItemID: s.items["N95 医用防护口罩"], Basis: model.BasisPerson, Quantity: 30, Period: model.PeriodWeek},
		{Name: "需照护老人家庭每周生活物资包", StoreID: central, ItemID: s.items["家庭生活必需品包"], Basis: model.BasisHousehold, Quantity: 1, Period: model.PeriodWeek,
			HouseholdNeed: model.CareElderly, FrontlineOnly: new(bool)},
	} {
		p, err := st.CreatePlan(admin, in)
		if err != nil {
			return err
		}
		s.plans = append(s.plans, p)
	}
	return nil
}

// handOut makes the day's list of each plan and hands over the first n
// lines of the first and m of the second, the demo worker's first.
func (s *supplyIDs) handOut(st *store.Store, day string, as actors, n, m int, sum *Summary) error {
	admin := as["institution-admin"]
	for i, p := range s.plans {
		d, err := st.CreateDistribution(admin, model.DistributionInput{PlanID: p.ID, Day: day})
		if err != nil {
			return err
		}
		limit := n
		if i == 1 {
			limit = m
		}
		lines := d.Lines
		for j, l := range lines {
			if s.isWorker(as, l.PersonID) && j > 0 {
				lines[0], lines[j] = lines[j], lines[0]
				break
			}
		}
		for j, l := range lines {
			if j == limit {
				break
			}
			in := model.HandOver{}
			if !s.isWorker(as, l.PersonID) && j%3 != 0 {
				in.SignatureName = l.PersonName
			}
			if _, err := st.HandOverLine(admin, d.ID, l.ID, in); err != nil {
				return fmt.Errorf("hand-over %d of list %d: %w", l.ID, d.ID, err)
			}
			sum.HandOvers++
			sum.StockMovements++
		}
	}
	return nil
}

// isWorker reports whether personID is the demo worker account's person.
func (s *supplyIDs) isWorker(as actors, personID int64) bool {
	if s.worker == 0 {
		if pr := auth.FromContext(as["worker"]); pr != nil {
			s.worker = pr.PersonID
		}
	}
	return personID == s.worker
}

// confirm: the demo worker confirms what was handed to them.
func (s *supplyIDs) confirm(st *store.Store, as actors) error {
	mine, err := st.MySupplies(as["worker"], model.Page{Limit: 50})
	if err != nil {
		return err
	}
	for _, l := range mine.Items {
		if l.Status == model.LineHanded {
			if _, err := st.ConfirmSupplyReceipt(as["worker"], l.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// replenish: a purchase of N95 for the city's store, and a transfer to the
// central hospital, whose stock the weekly lists draw down.
func (s *supplyIDs) replenish(st *store.Store, now time.Time, as actors, sum *Summary) error {
	city := as[actorCity]
	cityID := s.stores[storeCity].ID
	expiry := now.AddDate(2, 0, 0).In(chinaTime).Format(time.DateOnly)
	if err := s.move(city, st, sum, model.MovementInput{Kind: model.MoveReceipt, StoreID: cityID, ItemID: s.items["N95 医用防护口罩"], Quantity: 10000,
		Batch: "GY-N95-2302", ExpiryDate: expiry, Source: model.SourcePurchase, Supplier: "国药控股辽宁有限公司", DocumentNo: "CG-2023-0207"}); err != nil {
		return err
	}
	return s.move(city, st, sum, model.MovementInput{Kind: model.MoveTransfer, StoreID: cityID, ToStoreID: s.stores[storeCentral].ID,
		ItemID: s.items["N95 医用防护口罩"], Quantity: 1500, DocumentNo: "DB-2023-0208"})
}
