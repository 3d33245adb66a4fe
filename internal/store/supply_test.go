package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// supplyFixture: the needs fixture plus an N95 item, a store of the Haizhou
// hospital (210902) and one of the Xinqiu district (210903).
type supplyFixture struct {
	*needFixture
	n95, pack        model.Item
	hospital, xinqiu model.SupplyStore
}

func newSupplyFixture(t *testing.T, st *store.Store, clock *testutil.Clock) *supplyFixture {
	t.Helper()
	f := &supplyFixture{needFixture: newNeedFixture(t, st, clock)}
	city := f.as("cw_city")
	var err error
	if f.n95, err = st.CreateItem(city, model.ItemInput{Name: ptr("N95 口罩"), Category: ptr(model.ItemMaskN95), Unit: ptr("只")}); err != nil {
		t.Fatal(err)
	}
	if !f.n95.Protective {
		t.Error("an N95 mask is protective equipment by default")
	}
	if f.pack, err = st.CreateItem(city, model.ItemInput{Name: ptr("生活物资包"), Category: ptr(model.ItemDailyPack), Unit: ptr("份")}); err != nil {
		t.Fatal(err)
	}
	if f.hospital, err = st.CreateStore(f.as("cw_haizhou"), model.StoreInput{Name: ptr("中心医院物资库"), InstitutionID: ptr(f.w.haizhou.ID)}); err != nil {
		t.Fatal(err)
	}
	if f.hospital.RegionCode != "210902" {
		t.Errorf("a hospital's store takes the hospital's region, got %q", f.hospital.RegionCode)
	}
	if f.xinqiu, err = st.CreateStore(f.as("cw_xinqiu"), model.StoreInput{Name: ptr("新邱区物资库"), RegionCode: ptr("210903")}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *supplyFixture) receive(t *testing.T, ctx context.Context, storeID, qty int64, batch, expiry string) {
	t.Helper()
	f.receiveItem(t, ctx, storeID, f.n95.ID, qty, batch, expiry)
}

func (f *supplyFixture) receiveItem(t *testing.T, ctx context.Context, storeID, itemID, qty int64, batch, expiry string) {
	t.Helper()
	if _, err := f.st.RecordMovement(ctx, model.MovementInput{Kind: model.MoveReceipt, StoreID: storeID, ItemID: itemID, Quantity: qty,
		Batch: batch, ExpiryDate: expiry, Source: model.SourceDonation, Supplier: "阜新市红十字会"}); err != nil {
		t.Fatalf("receipt: %v", err)
	}
}

func (f *supplyFixture) stockOf(t *testing.T, storeID, itemID int64) int64 {
	t.Helper()
	stock, err := f.st.StoreStock(f.as("cw_city"), storeID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range stock.Items {
		if l.ItemID == itemID {
			return l.Quantity
		}
	}
	return 0
}

func (f *supplyFixture) ledgerAgrees(t *testing.T) {
	t.Helper()
	diff, err := f.st.SupplyLedgerCheckForTest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff != "" {
		t.Errorf("stock is not the sum of the movements: %s", diff)
	}
}

func (f *supplyFixture) movements(t *testing.T, storeID int64) int {
	t.Helper()
	l, err := f.st.ListMovements(f.as("cw_city"), model.MovementFilter{StoreID: storeID})
	if err != nil {
		t.Fatal(err)
	}
	return l.Total
}

func TestStockIsTheSumOfMovementsAndNeverBelowZero(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newSupplyFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		f.receive(t, cw, f.hospital.ID, 100, "B2401", "2030-01-01")
		f.receive(t, cw, f.hospital.ID, 50, "B2402", "2029-06-30")
		if _, err := st.RecordMovement(cw, model.MovementInput{Kind: model.MoveReceipt, StoreID: f.hospital.ID, ItemID: f.n95.ID, Quantity: 5,
			Batch: "B2401", ExpiryDate: "2031-01-01", Source: model.SourcePurchase, Supplier: "供应商"}); code(err) != model.EInvalid || fieldOf(err)["expiry_date"].Key == "" {
			t.Errorf("a batch received again with another expiry: %v, want invalid expiry_date", err)
		}
		// FEFO: the batch that expires first goes first, then the next.
		rows, err := st.RecordMovement(cw, model.MovementInput{Kind: model.MoveIssue, StoreID: f.hospital.ID, ItemID: f.n95.ID, Quantity: 70, PersonID: f.zhang.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].Batch != "B2402" || rows[0].Quantity != -50 || rows[1].Batch != "B2401" || rows[1].Quantity != -20 {
			t.Errorf("issue of 70 took %+v, want 50 of B2402 then 20 of B2401", rows)
		}
		before := f.movements(t, f.hospital.ID)
		_, err = st.RecordMovement(cw, model.MovementInput{Kind: model.MoveIssue, StoreID: f.hospital.ID, ItemID: f.n95.ID, Quantity: 81})
		if code(err) != model.EConflict {
			t.Fatalf("an issue larger than the stock: %v, want conflict", err)
		}
		if got := f.movements(t, f.hospital.ID); got != before {
			t.Errorf("the refused issue wrote %d movements", got-before)
		}
		if got := f.stockOf(t, f.hospital.ID, f.n95.ID); got != 80 {
			t.Errorf("stock %d, want 80", got)
		}
		if _, err := st.RecordMovement(cw, model.MovementInput{Kind: model.MoveAdjust, StoreID: f.hospital.ID, ItemID: f.n95.ID, Quantity: -3}); code(err) != model.EInvalid {
			t.Errorf("an adjustment without a reason: %v, want invalid", err)
		}
		adj, err := st.RecordMovement(cw, model.MovementInput{Kind: model.MoveAdjust, StoreID: f.hospital.ID, ItemID: f.n95.ID, Quantity: -3, Batch: "B2401", Reason: "盘点破损"})
		if err != nil {
			t.Fatal(err)
		}
		// A correction is a new row naming the one it reverses; the original stays.
		corr, err := st.RecordMovement(cw, model.MovementInput{Kind: model.MoveCorrection, CorrectsID: adj[0].ID, Reason: "盘点复核无破损"})
		if err != nil {
			t.Fatal(err)
		}
		if len(corr) != 1 || corr[0].Quantity != 3 || *corr[0].CorrectsID != adj[0].ID {
			t.Errorf("correction %+v", corr)
		}
		if _, err := st.RecordMovement(cw, model.MovementInput{Kind: model.MoveCorrection, CorrectsID: adj[0].ID, Reason: "again"}); code(err) != model.EConflict {
			t.Errorf("a second correction of the same row: %v, want conflict", err)
		}
		if orig, err := st.GetMovement(cw, adj[0].ID); err != nil || orig.Quantity != -3 || orig.CorrectedBy == nil || *orig.CorrectedBy != corr[0].ID {
			t.Errorf("the corrected row: %+v, %v", orig, err)
		}
		if got := f.stockOf(t, f.hospital.ID, f.n95.ID); got != 80 {
			t.Errorf("stock %d after the correction, want 80", got)
		}
		// The ledger cannot be edited behind the store.
		if err := st.ExecForTest(context.Background(), "UPDATE supply_movements SET quantity = 1000"); err == nil {
			t.Error("a movement was updated")
		}
		if err := st.ExecForTest(context.Background(), "DELETE FROM supply_movements"); err == nil {
			t.Error("a movement was deleted")
		}
		f.ledgerAgrees(t)
	})
}

func TestFiftyConcurrentIssuesOfTheLastTenMasks(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newSupplyFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		f.receive(t, cw, f.hospital.ID, 10, "LAST", "")
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, conflict, other := 0, 0, []error{}
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := st.RecordMovement(cw, model.MovementInput{Kind: model.MoveIssue, StoreID: f.hospital.ID, ItemID: f.n95.ID, Quantity: 1})
				mu.Lock()
				defer mu.Unlock()
				switch code(err) {
				case "":
					ok++
				case model.EConflict:
					conflict++
				default:
					other = append(other, err)
				}
			}()
		}
		wg.Wait()
		if ok != 10 || conflict != 40 || len(other) > 0 {
			t.Errorf("%d succeeded, %d conflicts, other errors %v; want exactly 10 and 40", ok, conflict, other)
		}
		if got := f.stockOf(t, f.hospital.ID, f.n95.ID); got != 0 {
			t.Errorf("stock %d, want 0", got)
		}
		if got := f.movements(t, f.hospital.ID); got != 11 {
			t.Errorf("%d movements, want the receipt and 10 issues", got)
		}
		f.ledgerAgrees(t)
	})
}

func TestTransferToAStoreOutsideScopeIsNotFound(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newSupplyFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		f.receive(t, cw, f.hospital.ID, 40, "T1", "2030-01-01")
		_, err := st.RecordMovement(cw, model.MovementInput{Kind: model.MoveTransfer, StoreID: f.hospital.ID, ToStoreID: f.xinqiu.ID, ItemID: f.n95.ID, Quantity: 10})
		if code(err) != model.ENotFound {
			t.Fatalf("transfer to another district's store: %v, want not found", err)
		}
		if got := f.movements(t, f.hospital.ID); got != 1 {
			t.Errorf("the refused transfer wrote rows: %d", got)
		}
		// The city's team reaches both stores.
		rows, err := st.RecordMovement(f.as("cw_city"), model.MovementInput{Kind: model.MoveTransfer, StoreID: f.hospital.ID, ToStoreID: f.xinqiu.ID, ItemID: f.n95.ID, Quantity: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].Kind != model.MoveTransferOut || rows[1].Kind != model.MoveTransferIn || rows[1].ExpiryDate != "2030-01-01" || *rows[1].TransferOf != rows[0].ID {
			t.Errorf("transfer rows %+v", rows)
		}
		if a, b := f.stockOf(t, f.hospital.ID, f.n95.ID), f.stockOf(t, f.xinqiu.ID, f.n95.ID); a != 30 || b != 10 {
			t.Errorf("after the transfer %d and %d, want 30 and 10", a, b)
		}
		// The Haizhou team does not see the other store at all.
		if _, err := st.StoreStock(cw, f.xinqiu.ID); code(err) != model.ENotFound {
			t.Errorf("stock of another district's store: %v", err)
		}
		// Correcting a transfer reverses both legs.
		if _, err := st.RecordMovement(f.as("cw_city"), model.MovementInput{Kind: model.MoveCorrection, CorrectsID: rows[1].ID, Reason: "调错库"}); err != nil {
			t.Fatal(err)
		}
		if a, b := f.stockOf(t, f.hospital.ID, f.n95.ID), f.stockOf(t, f.xinqiu.ID, f.n95.ID); a != 40 || b != 0 {
			t.Errorf("after the correction %d and %d, want 40 and 0", a, b)
		}
		f.ledgerAgrees(t)
	})
}

func TestAnExpiredBatchIsIssuedOnlyWithAReason(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newSupplyFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		yesterday := clock.Now().AddDate(0, 0, -1).Format(time.DateOnly)
		f.receive(t, cw, f.hospital.ID, 20, "OLD", yesterday)
		_, err := st.RecordMovement(cw, model.MovementInput{Kind: model.MoveIssue, StoreID: f.hospital.ID, ItemID: f.n95.ID, Quantity: 5, Batch: "OLD"})
		if code(err) != model.EInvalid || fieldOf(err)["expired_override"].Key == "" {
			t.Errorf("an expired batch named: %v, want invalid expired_override", err)
		}
		_, err = st.RecordMovement(cw, model.MovementInput{Kind: model.MoveIssue, StoreID: f.hospital.ID, ItemID: f.n95.ID, Quantity: 5})
		if code(err) != model.EConflict || fieldOf(err)["expired_override"].Key == "" {
			t.Errorf("only expired stock left: %v, want conflict naming expired_override", err)
		}
		rows, err := st.RecordMovement(cw, model.MovementInput{Kind: model.MoveIssue, StoreID: f.hospital.ID, ItemID: f.n95.ID, Quantity: 5, Batch: "OLD",
			ExpiredOverride: "新批次未到，经院感科确认外包装完好"})
		if err != nil {
			t.Fatal(err)
		}
		if rows[0].ExpiredOverride == "" {
			t.Error("the override's reason is not on the movement")
		}
		stock, _ := st.StoreStock(cw, f.hospital.ID)
		if len(stock.Items) != 1 || stock.Items[0].Usable != 0 || stock.Items[0].Quantity != 15 || !stock.Items[0].Batches[0].Expired {
			t.Errorf("stock %+v: want 15 expired, 0 usable", stock.Items)
		}
	})
}

func TestReorderLevelRaisesOneAlertPerCrossing(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newSupplyFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		if err := st.SetReorderLevel(cw, f.hospital.ID, model.ReorderInput{ItemID: f.n95.ID, Level: ptr(int64(20))}); err != nil {
			t.Fatal(err)
		}
		alerts := func(user string) int {
			list, err := st.ListInbox(f.as(user), false, model.Page{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, e := range list.Items {
				if e.Kind == store.NoticeReorder {
					n++
				}
			}
			return n
		}
		// Setting a level above an empty stock is a crossing already.
		if got := alerts("cw_haizhou"); got != 1 {
			t.Errorf("%d alerts after the level is set on an empty store, want 1", got)
		}
		issue := func(q int64) {
			if _, err := st.RecordMovement(cw, model.MovementInput{Kind: model.MoveIssue, StoreID: f.hospital.ID, ItemID: f.n95.ID, Quantity: q}); err != nil {
				t.Fatal(err)
			}
		}
		f.receive(t, cw, f.hospital.ID, 50, "R1", "")
		issue(35) // 15: below
		issue(5)  // 10: still below, no new alert
		if got := alerts("cw_haizhou"); got != 2 {
			t.Errorf("%d alerts, want 2 (one per crossing)", got)
		}
		f.receive(t, cw, f.hospital.ID, 40, "R2", "") // 50: above again
		issue(31)                                     // 19: below
		if got := alerts("cw_haizhou"); got != 3 {
			t.Errorf("%d alerts after the second crossing, want 3", got)
		}
		if got := alerts("cw_city"); got != 3 {
			t.Errorf("the city's team got %d alerts, want 3", got)
		}
		if got := alerts("instadmin_hz"); got != 3 {
			t.Errorf("the hospital's admin got %d alerts, want 3", got)
		}
		if got := alerts("cw_xinqiu"); got != 0 {
			t.Errorf("another district got %d alerts", got)
		}
		list, _ := st.ListStores(cw, model.StoreFilter{BelowReorder: true})
		if list.Total != 1 || list.Items[0].ID != f.hospital.ID {
			t.Errorf("stores below their level: %+v", list.Items)
		}
	})
}

func TestAnIssueSettlesAPPECase(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newSupplyFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		f.receive(t, cw, f.hospital.ID, 100, "P1", "")
		ppe := f.create(t, cw, f.newNeed(func(in *model.NeedInput) {
			in.Category, in.Kind, in.Description = "safety", "ppe", "科室N95口罩不足"
		}))
		other := f.create(t, cw, f.newNeed())
		for _, n := range []model.Need{ppe, other} {
			if _, err := st.AssignNeed(cw, n.ID, model.NeedAssign{UserID: ptr(f.uid("cw_haizhou"))}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.RecordMovement(cw, model.MovementInput{Kind: model.MoveIssue, StoreID: f.hospital.ID, ItemID: f.n95.ID, Quantity: 10, NeedID: other.ID}); code(err) != model.EInvalid {
			t.Errorf("an eldercare case settled by masks: %v, want invalid", err)
		}
		if _, err := st.RecordMovement(cw, model.MovementInput{Kind: model.MoveIssue, StoreID: f.hospital.ID, ItemID: f.n95.ID, Quantity: 10, NeedID: ppe.ID, PersonID: f.liu.ID}); code(err) != model.EInvalid {
			t.Errorf("a case settled by an issue to someone else: %v, want invalid", err)
		}
		if got := f.stockOf(t, f.hospital.ID, f.n95.ID); got != 100 {
			t.Fatalf("refused settlements moved stock: %d", got)
		}
		rows, err := st.RecordMovement(cw, model.MovementInput{Kind: model.MoveIssue, StoreID: f.hospital.ID, ItemID: f.n95.ID, Quantity: 30, NeedID: ppe.ID})
		if err != nil {
			t.Fatal(err)
		}
		if rows[0].NeedID == nil || *rows[0].NeedID != ppe.ID {
			t.Errorf("the movement does not name the case: %+v", rows[0])
		}
		n, err := st.GetNeed(cw, ppe.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n.Status != model.NeedResolved {
			t.Errorf("case %s after the issue, want resolved", n.Status)
		}
		// A resolved case is not resolved twice, and the stock stays.
		if _, err := st.RecordMovement(cw, model.MovementInput{Kind: model.MoveIssue, StoreID: f.hospital.ID, ItemID: f.n95.ID, Quantity: 30, NeedID: ppe.ID}); code(err) != model.EConflict {
			t.Errorf("settling a resolved case: %v, want conflict", err)
		}
		if got := f.stockOf(t, f.hospital.ID, f.n95.ID); got != 70 {
			t.Errorf("stock %d, want 70", got)
		}
	})
}

func TestDistributionListHandedOverAndConfirmed(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newSupplyFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		f.receive(t, cw, f.hospital.ID, 100, "D1", "2030-01-01")
		f.receiveItem(t, cw, f.hospital.ID, f.pack.ID, 5, "PK1", "")
		plan, err := st.CreatePlan(cw, model.PlanInput{Name: "一线人员N95每周", StoreID: f.hospital.ID, ItemID: f.n95.ID, Basis: model.BasisPerson, Quantity: 30, Period: model.PeriodWeek})
		if err != nil {
			t.Fatal(err)
		}
		day := clock.Now().Format(time.DateOnly)
		d, err := st.CreateDistribution(cw, model.DistributionInput{PlanID: plan.ID, Day: day})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Lines) != 1 || d.Lines[0].PersonID != f.zhang.ID || d.Lines[0].Quantity != 30 {
			t.Fatalf("lines %+v: want 张伟 with 30", d.Lines)
		}
		again, err := st.CreateDistribution(cw, model.DistributionInput{PlanID: plan.ID, Day: day})
		if err != nil || again.ID != d.ID {
			t.Errorf("the same plan and day again: %d, %v; want list %d", again.ID, err, d.ID)
		}
		line := d.Lines[0]
		if _, err := st.ConfirmSupplyReceipt(f.as("worker_zhang"), line.ID); code(err) != model.EConflict {
			t.Errorf("confirming before the hand-over: %v", err)
		}
		got, err := st.HandOverLine(cw, d.ID, line.ID, model.HandOver{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != model.LineHanded || got.MovementID == nil {
			t.Errorf("line after the tap: %+v", got)
		}
		if _, err := st.HandOverLine(cw, d.ID, line.ID, model.HandOver{}); code(err) != model.EConflict {
			t.Errorf("a second tap: %v, want conflict", err)
		}
		if s := f.stockOf(t, f.hospital.ID, f.n95.ID); s != 70 {
			t.Errorf("stock %d after the hand-over, want 70", s)
		}
		// The worker sees and confirms their own, and nobody else's.
		mine, err := st.MySupplies(f.as("worker_zhang"), model.Page{})
		if err != nil || mine.Total != 1 || mine.Items[0].ItemName != "N95 口罩" {
			t.Fatalf("the worker's supplies: %+v, %v", mine, err)
		}
		ok, err := st.ConfirmSupplyReceipt(f.as("worker_zhang"), line.ID)
		if err != nil || ok.Status != model.LineConfirmed || !ok.ConfirmedBySelf {
			t.Errorf("confirmation: %+v, %v", ok, err)
		}
		// Another day of the same week (the fixture's day is a Sunday): the worker is not on the list again.
		sameWeek := clock.Now().AddDate(0, 0, -1).Format(time.DateOnly)
		next, err := st.CreateDistribution(cw, model.DistributionInput{PlanID: plan.ID, Day: sameWeek})
		if err != nil || len(next.Lines) != 0 {
			t.Errorf("another day of the same week: %+v, %v; want nobody", next.Lines, err)
		}
		// A pack per household with elderly care needs: 张伟's mother.
		hh, err := st.CreatePlan(cw, model.PlanInput{Name: "老人家庭生活包", StoreID: f.hospital.ID, ItemID: f.pack.ID, Basis: model.BasisHousehold, Quantity: 1,
			Period: model.PeriodWeek, HouseholdNeed: model.CareElderly, FrontlineOnly: ptr(false)})
		if err != nil {
			t.Fatal(err)
		}
		hd, err := st.CreateDistribution(cw, model.DistributionInput{PlanID: hh.ID, Day: day})
		if err != nil || len(hd.Lines) != 1 || !hd.Lines[0].Household || hd.Lines[0].PersonID != f.zhang.ID {
			t.Fatalf("household list %+v, %v", hd.Lines, err)
		}
		signed, err := st.HandOverLine(cw, hd.ID, hd.Lines[0].ID, model.HandOver{SignatureName: "李秀英"})
		if err != nil || signed.Status != model.LineConfirmed || signed.SignatureName != "李秀英" {
			t.Errorf("signed hand-over: %+v, %v", signed, err)
		}
		// Another district's team reaches neither the list nor its lines.
		if _, err := st.GetDistribution(f.as("cw_xinqiu"), d.ID); code(err) != model.ENotFound {
			t.Errorf("another district reads the list: %v", err)
		}
		if _, err := st.HandOverLine(f.as("cw_xinqiu"), hd.ID, hd.Lines[0].ID, model.HandOver{}); code(err) != model.ENotFound {
			t.Errorf("another district hands over: %v", err)
		}
		counts, err := st.SupplyCounts(cw)
		if err != nil || *counts.ProtectiveStock != 70 || *counts.DistributedWeek != 31 {
			t.Errorf("counts %d %d %d, %v", *counts.ProtectiveStock, *counts.DistributedWeek, *counts.HandOversWeek, err)
		}
		lead, err := st.SupplyCounts(f.as("leader_city"))
		if err != nil || lead.HandOversWeek != nil || lead.ProtectiveStock == nil {
			t.Errorf("a leader's counts: 2 hand-overs must be hidden, the stock shown: %+v, %v", lead, err)
		}
		f.ledgerAgrees(t)
	})
}
