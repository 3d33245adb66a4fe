package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/model"
)

// Audit actions and the inbox kind of supplies (物资保障).
const (
	ActItemCreate         = "supply.item.create"
	ActItemUpdate         = "supply.item.update"
	ActStoreCreate        = "supply.store.create"
	ActStoreUpdate        = "supply.store.update"
	ActReorderSet         = "supply.reorder.set"
	ActMovementRecord     = "supply.movement"
	ActPlanCreate         = "supply.plan.create"
	ActPlanUpdate         = "supply.plan.update"
	ActDistributionCreate = "supply.distribution.create"
	ActDistributionRead   = "supply.distribution.read"
	ActHandOver           = "supply.hand_over"
	ActSupplyConfirm      = "supply.confirm"
	ActMovementList       = "supply.movement.list"
	ActMovementRead       = "supply.movement.read"
	ActMovementExport     = "export.supply_movements"

	// NoticeReorder tells a store's keepers that an item fell to its reorder level.
	NoticeReorder = "supply.reorder"
)

// supplyStoreRow is what a movement needs of its store.
type supplyStoreRow struct {
	id            int64
	name          string
	regionCode    string
	institutionID sql.NullInt64
	active        bool
}

// getSupplyStore reads a store in the caller's scope.
// Returns ENotFound when it is missing or out of scope.
func getSupplyStore(ctx context.Context, q queryer, pr *auth.Principal, id int64) (supplyStoreRow, error) {
	var a args
	var st supplyStoreRow
	err := q.QueryRowContext(ctx, "SELECT s.id, s.name, s.region_code, s.institution_id, s.active FROM supply_stores s WHERE s.id = "+a.add(id)+
		" AND "+scopeOf(pr).on("supply_stores", "s", &a), a...).Scan(&st.id, &st.name, &st.regionCode, &st.institutionID, &st.active)
	if err == sql.ErrNoRows {
		return st, model.NotFound("supply_store")
	}
	if err != nil {
		return st, model.Internal(err)
	}
	return st, nil
}

// itemRow is what a movement needs of its item.
type itemRow struct {
	id         int64
	name, unit string
	protective bool
	active     bool
}

// getItem reads an item of the catalogue.
// unscoped: the catalogue names no person and is shared by every store.
func getItem(ctx context.Context, q queryer, id int64) (itemRow, error) {
	var it itemRow
	err := q.QueryRowContext(ctx, "SELECT id, name, unit, protective, active FROM supply_items WHERE id = $1", id).
		Scan(&it.id, &it.name, &it.unit, &it.protective, &it.active)
	if err == sql.ErrNoRows {
		return it, model.NotFound("supply_item")
	}
	if err != nil {
		return it, model.Internal(err)
	}
	return it, nil
}

func ptrID(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	x := v.Int64
	return &x
}

// ---- Items ----

const supplyItemColumns = "i.id, i.name, i.category, i.unit, i.protective, i.region_code, i.active, i.version, i.created_at"

func scanItem(row interface{ Scan(...any) error }) (model.Item, error) {
	var it model.Item
	var created int64
	err := row.Scan(&it.ID, &it.Name, &it.Category, &it.Unit, &it.Protective, &it.RegionCode, &it.Active, &it.Version, &created)
	it.CreatedAt = fromMS(created)
	return it, err
}

// ListItems returns the item catalogue, active items first by name.
func (s *Store) ListItems(ctx context.Context, f model.ItemFilter) (_ model.List[model.Item], err error) {
	defer wrap(&err, "ListItems()")
	// unscoped: the catalogue names no person and is shared by every store.
	out := model.List[model.Item]{Items: []model.Item{}}
	if _, err := supplyReader(ctx); err != nil {
		return out, err
	}
	page := clampPage(f.Page)
	var a args
	cond := []string{"TRUE"}
	if q := strings.TrimSpace(f.Q); q != "" {
		cond = append(cond, "i.name LIKE "+a.add(likePattern(q))+` ESCAPE '\'`)
	}
	if f.Category != "" {
		cond = append(cond, "i.category = "+a.add(f.Category))
	}
	if f.Protective != nil {
		cond = append(cond, "i.protective = "+a.add(*f.Protective))
	}
	where := strings.Join(cond, " AND ")
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM supply_items i WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+supplyItemColumns+" FROM supply_items i WHERE "+where+
		" ORDER BY i.active DESC, i.category, i.name, i.id LIMIT "+a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, it)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, rows.Err()
}

// supplyReader is a caller who may read supplies: a store keeper, or a
// worker (their own hand-overs, and the catalogue that names them).
func supplyReader(ctx context.Context) (*auth.Principal, error) {
	pr := auth.FromContext(ctx)
	if pr == nil {
		return nil, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	if pr.PasswordChangeRequired {
		return nil, errPasswordChange
	}
	if !pr.Can(auth.PermSupplyRead) && !pr.Can(auth.PermSupplyReceive) {
		return nil, model.Errorf(model.EForbidden, "error.forbidden")
	}
	return pr, nil
}

// GetItem returns one item of the catalogue.
// Returns ENotFound.
func (s *Store) GetItem(ctx context.Context, id int64) (_ model.Item, err error) {
	defer wrap(&err, "GetItem(%d)", id)
	// unscoped: the catalogue names no person and is shared by every store.
	if _, err := supplyReader(ctx); err != nil {
		return model.Item{}, err
	}
	it, err := scanItem(s.read.QueryRowContext(ctx, "SELECT "+supplyItemColumns+" FROM supply_items i WHERE i.id = $1", id))
	if err == sql.ErrNoRows {
		return it, model.NotFound("supply_item")
	}
	if err != nil {
		return it, model.Internal(err)
	}
	return it, nil
}

// CreateItem adds an item to the catalogue, kept by the region named (the
// caller's own by default; it must lie in the caller's region scope: an
// institution admin uses the catalogue and keeps none).
// Returns EForbidden without supply.manage, EInvalid, EConflict for a name
// the region has already.
func (s *Store) CreateItem(ctx context.Context, in model.ItemInput) (_ model.Item, err error) {
	defer wrap(&err, "CreateItem()")
	pr, err := principal(ctx, auth.PermSupplyManage)
	if err != nil {
		return model.Item{}, err
	}
	it := model.Item{Active: true}
	in.Apply(&it)
	if in.Protective == nil {
		it.Protective = model.ProtectiveCategory(it.Category)
	}
	fe := it.Normalize()
	it.RegionCode = pr.RegionCode
	if in.RegionCode != nil {
		it.RegionCode = strings.TrimSpace(*in.RegionCode)
	}
	if !scopeOf(pr).hasRegion(it.RegionCode) || (pr.InstitutionID != 0 || pr.PersonID != 0) {
		fe.Add("region_code", "supply.region_out_of_scope")
	}
	if err := fe.Err(); err != nil {
		return it, err
	}
	now := ms(s.now())
	err = s.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO supply_items (name, category, unit, protective, region_code, active, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, it.Name, it.Category, it.Unit, it.Protective, it.RegionCode, it.Active, now).Scan(&it.ID)
		if isUniqueViolation(err) {
			return &model.Error{Code: model.EConflict, Msg: model.M("supply.item_exists"), Fields: map[string]model.Msg{"name": model.M("supply.item_exists")}}
		}
		if err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActItemCreate, ObjectType: "supply_item", ObjectID: strconv.FormatInt(it.ID, 10),
			Detail: "category=" + it.Category + " region=" + it.RegionCode})
	})
	it.Version, it.CreatedAt = 1, fromMS(now)
	return it, err
}

// UpdateItem changes an item the caller's region keeps.
// Returns EForbidden, EInvalid, ENotFound (out of scope too), EStaleVersion.
func (s *Store) UpdateItem(ctx context.Context, id int64, in model.ItemInput) (_ model.Item, err error) {
	defer wrap(&err, "UpdateItem(%d)", id)
	pr, err := principal(ctx, auth.PermSupplyManage)
	if err != nil {
		return model.Item{}, err
	}
	var out model.Item
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var a args
		it, err := scanItem(tx.QueryRowContext(ctx, "SELECT "+supplyItemColumns+" FROM supply_items i WHERE i.id = "+a.add(id)+" AND "+scopeOf(pr).on("supply_items", "i", &a), a...))
		if err == sql.ErrNoRows {
			return model.NotFound("supply_item")
		}
		if err != nil {
			return model.Internal(err)
		}
		if in.Version != nil && *in.Version != it.Version {
			return staleVersion()
		}
		in.Apply(&it)
		if err := it.Normalize().Err(); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE supply_items SET name = $1, category = $2, unit = $3, protective = $4, active = $5,
			version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8`, it.Name, it.Category, it.Unit, it.Protective, it.Active, ms(s.now()), id, it.Version)
		if isUniqueViolation(err) {
			return &model.Error{Code: model.EConflict, Msg: model.M("supply.item_exists"), Fields: map[string]model.Msg{"name": model.M("supply.item_exists")}}
		}
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		it.Version++
		out = it
		return s.appendAudit(ctx, tx, auditRecord{Action: ActItemUpdate, ObjectType: "supply_item", ObjectID: strconv.FormatInt(id, 10)})
	})
	return out, err
}

// ---- Stores ----

const storeColumns = `s.id, s.name, s.region_code, COALESCE(r.name, ''), s.institution_id, COALESCE(i.name, ''), s.address, s.keeper, s.active,
	(SELECT COUNT(*) FROM supply_reorder_levels l WHERE l.store_id = s.id AND l.below = TRUE), s.version, s.created_at`

const storeFrom = " FROM supply_stores s LEFT JOIN regions r ON r.code = s.region_code LEFT JOIN institutions i ON i.id = s.institution_id "

func scanStore(row interface{ Scan(...any) error }) (model.SupplyStore, error) {
	var st model.SupplyStore
	var inst sql.NullInt64
	var created int64
	err := row.Scan(&st.ID, &st.Name, &st.RegionCode, &st.RegionName, &inst, &st.InstitutionName, &st.Address, &st.Keeper, &st.Active,
		&st.BelowReorder, &st.Version, &created)
	st.InstitutionID, st.CreatedAt = ptrID(inst), fromMS(created)
	return st, err
}

// ListStores returns the stores of the caller's scope by region and name.
func (s *Store) ListStores(ctx context.Context, f model.StoreFilter) (_ model.List[model.SupplyStore], err error) {
	defer wrap(&err, "ListStores()")
	out := model.List[model.SupplyStore]{Items: []model.SupplyStore{}}
	pr, err := principal(ctx, auth.PermSupplyRead)
	if err != nil {
		return out, err
	}
	page := clampPage(f.Page)
	var a args
	cond := []string{scopeOf(pr).on("supply_stores", "s", &a)}
	if q := strings.TrimSpace(f.Q); q != "" {
		p := a.add(likePattern(q))
		cond = append(cond, "(s.name LIKE "+p+` ESCAPE '\' OR s.address LIKE `+p+` ESCAPE '\')`)
	}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("s.region_code", f.RegionCode, &a))
	}
	if f.InstitutionID != 0 {
		cond = append(cond, "s.institution_id = "+a.add(f.InstitutionID))
	}
	if f.BelowReorder {
		cond = append(cond, "EXISTS (SELECT 1 FROM supply_reorder_levels l WHERE l.store_id = s.id AND l.below = TRUE)")
	}
	where := strings.Join(cond, " AND ")
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM supply_stores s WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+storeColumns+storeFrom+"WHERE "+where+" ORDER BY s.active DESC, s.region_code, s.name, s.id LIMIT "+
		a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		st, err := scanStore(rows)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, st)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, rows.Err()
}

func (s *Store) getStoreFull(ctx context.Context, q queryer, pr *auth.Principal, id int64) (model.SupplyStore, error) {
	var a args
	st, err := scanStore(q.QueryRowContext(ctx, "SELECT "+storeColumns+storeFrom+"WHERE s.id = "+a.add(id)+" AND "+scopeOf(pr).on("supply_stores", "s", &a), a...))
	if err == sql.ErrNoRows {
		return st, model.NotFound("supply_store")
	}
	if err != nil {
		return st, model.Internal(err)
	}
	return st, nil
}

// GetStore returns one store of the caller's scope.
// Returns ENotFound when missing or out of scope.
func (s *Store) GetStore(ctx context.Context, id int64) (_ model.SupplyStore, err error) {
	defer wrap(&err, "GetStore(%d)", id)
	pr, err := principal(ctx, auth.PermSupplyRead)
	if err != nil {
		return model.SupplyStore{}, err
	}
	return s.getStoreFull(ctx, s.read, pr, id)
}

// CreateStore opens a store of a region (region_code in the caller's
// scope) or of an institution (institution_id in scope; its region is the
// store's). An institution admin's stores are their institution's.
// Returns EForbidden, EInvalid (region or institution out of scope too), EConflict for a name the region has.
func (s *Store) CreateStore(ctx context.Context, in model.StoreInput) (_ model.SupplyStore, err error) {
	defer wrap(&err, "CreateStore()")
	pr, err := principal(ctx, auth.PermSupplyManage)
	if err != nil {
		return model.SupplyStore{}, err
	}
	st := model.SupplyStore{Active: true}
	set(&st.Name, in.Name)
	set(&st.Address, in.Address)
	set(&st.Keeper, in.Keeper)
	set(&st.Active, in.Active)
	fe := st.Normalize()
	instID := int64(0)
	if in.InstitutionID != nil {
		instID = *in.InstitutionID
	}
	if pr.InstitutionID != 0 && instID == 0 {
		instID = pr.InstitutionID
	}
	if instID == 0 {
		if in.RegionCode != nil {
			st.RegionCode = strings.TrimSpace(*in.RegionCode)
		}
		if st.RegionCode == "" {
			fe.Add("region_code", "field.required")
		} else if !scopeOf(pr).hasRegion(st.RegionCode) {
			fe.Add("region_code", "supply.region_out_of_scope")
		}
	}
	if err := fe.Err(); err != nil {
		return st, err
	}
	now := ms(s.now())
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if instID != 0 {
			code, err := s.institutionRegion(ctx, tx, pr, instID)
			if err != nil {
				return err
			}
			st.RegionCode = code
		} else {
			var one int
			if err := tx.QueryRowContext(ctx, "SELECT 1 FROM regions WHERE code = $1", st.RegionCode).Scan(&one); err == sql.ErrNoRows {
				return model.FieldErrors{"region_code": model.M("supply.region_out_of_scope")}.Err()
			} else if err != nil {
				return model.Internal(err)
			}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO supply_stores (name, region_code, institution_id, address, keeper, active, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, st.Name, st.RegionCode, nullID(instID), st.Address, st.Keeper, st.Active, now).Scan(&st.ID)
		if isUniqueViolation(err) {
			return &model.Error{Code: model.EConflict, Msg: model.M("supply.store_exists"), Fields: map[string]model.Msg{"name": model.M("supply.store_exists")}}
		}
		if err != nil {
			return model.Internal(err)
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActStoreCreate, ObjectType: "supply_store", ObjectID: strconv.FormatInt(st.ID, 10),
			Detail: "region=" + st.RegionCode}); err != nil {
			return err
		}
		st, err = s.getStoreFull(ctx, tx, auth.System(), st.ID)
		return err
	})
	return st, err
}

// UpdateStore changes a store's name, address, keeper or whether it is in use.
// Returns EForbidden, EInvalid, ENotFound, EStaleVersion, EConflict.
func (s *Store) UpdateStore(ctx context.Context, id int64, in model.StoreInput) (_ model.SupplyStore, err error) {
	defer wrap(&err, "UpdateStore(%d)", id)
	pr, err := principal(ctx, auth.PermSupplyManage)
	if err != nil {
		return model.SupplyStore{}, err
	}
	var out model.SupplyStore
	err = s.tx(ctx, func(tx *sql.Tx) error {
		st, err := s.getStoreFull(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if in.Version != nil && *in.Version != st.Version {
			return staleVersion()
		}
		set(&st.Name, in.Name)
		set(&st.Address, in.Address)
		set(&st.Keeper, in.Keeper)
		set(&st.Active, in.Active)
		if err := st.Normalize().Err(); err != nil {
			return err
		}
		// unscoped: the store was read in scope just above, in this transaction.
		res, err := tx.ExecContext(ctx, `UPDATE supply_stores SET name = $1, address = $2, keeper = $3, active = $4, version = version + 1, updated_at = $5
			WHERE id = $6 AND version = $7`, st.Name, st.Address, st.Keeper, st.Active, ms(s.now()), id, st.Version)
		if isUniqueViolation(err) {
			return &model.Error{Code: model.EConflict, Msg: model.M("supply.store_exists"), Fields: map[string]model.Msg{"name": model.M("supply.store_exists")}}
		}
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActStoreUpdate, ObjectType: "supply_store", ObjectID: strconv.FormatInt(id, 10)}); err != nil {
			return err
		}
		out, err = s.getStoreFull(ctx, tx, auth.System(), id)
		return err
	})
	return out, err
}

// SetReorderLevel sets (or, with a nil level, removes) an item's reorder
// level in a store; a level at or above the stock raises the alert at once.
// Returns EForbidden, EInvalid, ENotFound.
func (s *Store) SetReorderLevel(ctx context.Context, storeID int64, in model.ReorderInput) (err error) {
	defer wrap(&err, "SetReorderLevel(%d)", storeID)
	pr, err := principal(ctx, auth.PermSupplyManage)
	if err != nil {
		return err
	}
	if in.Level != nil && (*in.Level < 0 || *in.Level > model.MaxQuantity) {
		return model.FieldErrors{"level": model.M("supply.quantity_range", model.MaxQuantity)}.Err()
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		st, err := getSupplyStore(ctx, tx, pr, storeID)
		if err != nil {
			return err
		}
		if _, err := getItem(ctx, tx, in.ItemID); err != nil {
			return model.FieldErrors{"item_id": model.M("supply.item_unknown")}.Err()
		}
		now := ms(s.now())
		detail := "item=" + strconv.FormatInt(in.ItemID, 10)
		if in.Level == nil {
			// unscoped: the store was read in scope above.
			if _, err := tx.ExecContext(ctx, "DELETE FROM supply_reorder_levels WHERE store_id = $1 AND item_id = $2", storeID, in.ItemID); err != nil {
				return model.Internal(err)
			}
		} else {
			detail += " level=" + strconv.FormatInt(*in.Level, 10)
			if _, err := tx.ExecContext(ctx, `INSERT INTO supply_reorder_levels (store_id, item_id, level, below, region_code, institution_id, updated_at)
				VALUES ($1, $2, $3, FALSE, $4, $5, $6) ON CONFLICT (store_id, item_id) DO UPDATE SET level = excluded.level, updated_at = excluded.updated_at`,
				storeID, in.ItemID, *in.Level, st.regionCode, st.institutionID, now); err != nil {
				return model.Internal(err)
			}
			if err := s.checkReorder(ctx, tx, st, in.ItemID, now); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActReorderSet, ObjectType: "supply_store", ObjectID: strconv.FormatInt(storeID, 10), Detail: detail})
	})
}

// checkReorder compares an item's stock in a store with its reorder level
// after a change: crossing down to the level raises one alert to the
// store's keepers (below becomes true under a guard, so two writers cannot
// both raise it); rising above it again clears the mark for the next time.
func (s *Store) checkReorder(ctx context.Context, tx queryer, st supplyStoreRow, itemID int64, now int64) error {
	// unscoped: the store was read in the caller's scope by every caller.
	var total int64
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(SUM(quantity), 0) FROM supply_balances WHERE store_id = $1 AND item_id = $2", st.id, itemID).Scan(&total); err != nil {
		return model.Internal(err)
	}
	res, err := tx.ExecContext(ctx, "UPDATE supply_reorder_levels SET below = TRUE, updated_at = $1 WHERE store_id = $2 AND item_id = $3 AND below = FALSE AND level >= $4",
		now, st.id, itemID, total)
	if err != nil {
		return model.Internal(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		_, err := tx.ExecContext(ctx, "UPDATE supply_reorder_levels SET below = FALSE, updated_at = $1 WHERE store_id = $2 AND item_id = $3 AND below = TRUE AND level < $4",
			now, st.id, itemID, total)
		if err != nil {
			return model.Internal(err)
		}
		return nil
	}
	keepers, err := storeKeepers(ctx, tx, st)
	if err != nil {
		return err
	}
	return s.transferNotice(ctx, tx, keepers, NoticeReorder, now)
}

// storeKeepers are the enabled accounts that manage supplies and whose scope
// reaches the store: region teams whose region covers it, and the admins of
// its institution.
func storeKeepers(ctx context.Context, tx queryer, st supplyStoreRow) ([]int64, error) {
	// unscoped: the recipients are chosen by the store's region and institution.
	var a args
	q := `SELECT id, role FROM users WHERE disabled = FALSE AND person_id IS NULL AND (
		(institution_id IS NULL AND region_code IS NOT NULL AND (region_code = '' OR ` + a.add(st.regionCode) + ` LIKE region_code || '%'))`
	if st.institutionID.Valid {
		q += " OR institution_id = " + a.add(st.institutionID.Int64)
	}
	rows, err := tx.QueryContext(ctx, q+") ORDER BY id", a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		var role string
		if err := rows.Scan(&id, &role); err != nil {
			return nil, model.Internal(err)
		}
		if auth.RoleCan(role, auth.PermSupplyManage) {
			out = append(out, id)
		}
	}
	return out, rows.Err()
}

// StoreStock returns a store's current stock: per item the sum of its
// movements by batch (the balance rows the movements keep), the usable
// (unexpired) part, the next expiry and the reorder level.
// Returns ENotFound when the store is missing or out of scope.
func (s *Store) StoreStock(ctx context.Context, storeID int64) (_ model.Stock, err error) {
	defer wrap(&err, "StoreStock(%d)", storeID)
	pr, err := principal(ctx, auth.PermSupplyRead)
	if err != nil {
		return model.Stock{}, err
	}
	st, err := s.getStoreFull(ctx, s.read, pr, storeID)
	if err != nil {
		return model.Stock{}, err
	}
	out := model.Stock{Store: st, Items: []model.StockLine{}}
	today := s.now().Format(time.DateOnly)
	// unscoped: the store was read in scope above; rows are this store's.
	rows, err := s.read.QueryContext(ctx, `SELECT i.id, i.name, i.category, i.unit, i.protective, b.batch, b.expiry_date, b.quantity, l.level, COALESCE(l.below, FALSE)
		FROM (SELECT item_id, batch, expiry_date, quantity FROM supply_balances WHERE store_id = $1 AND quantity > 0
		      UNION ALL SELECT item_id, NULL, NULL, 0 FROM supply_reorder_levels WHERE store_id = $1) b
		JOIN supply_items i ON i.id = b.item_id
		LEFT JOIN supply_reorder_levels l ON l.store_id = $1 AND l.item_id = b.item_id
		ORDER BY i.protective DESC, i.category, i.name, i.id, b.expiry_date, b.batch`, storeID)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var line model.StockLine
		var batch, expiry sql.NullString
		var qty int64
		var level sql.NullInt64
		if err := rows.Scan(&line.ItemID, &line.ItemName, &line.Category, &line.Unit, &line.Protective, &batch, &expiry, &qty, &level, &line.BelowReorder); err != nil {
			return out, model.Internal(err)
		}
		n := len(out.Items)
		if n == 0 || out.Items[n-1].ItemID != line.ItemID {
			line.ReorderLevel = ptrID(level)
			line.Batches = []model.StockBatch{}
			out.Items = append(out.Items, line)
			n++
		}
		cur := &out.Items[n-1]
		if !batch.Valid {
			continue
		}
		b := model.StockBatch{Batch: batch.String, ExpiryDate: expiry.String, Quantity: qty, Expired: expiry.String != "" && expiry.String < today}
		cur.Batches = append(cur.Batches, b)
		cur.Quantity += qty
		if !b.Expired {
			cur.Usable += qty
			if b.ExpiryDate != "" && (cur.NextExpiry == "" || b.ExpiryDate < cur.NextExpiry) {
				cur.NextExpiry = b.ExpiryDate
			}
		}
	}
	return out, rows.Err()
}

// ---- Movements ----

// movementRec is one row to write to the ledger.
type movementRec struct {
	kind, batch, expiry, source, supplier, documentNo, reason, override string
	quantity                                                            int64
	store                                                               supplyStoreRow
	itemID                                                              int64
	correctsID, transferOf, otherStore, personID, familyMemberID        int64
	needID, lineID                                                      int64
}

// writeMovement appends one movement and moves its batch's balance by the
// same quantity in the same transaction. A decrease is a guarded update
// (quantity + change >= 0): of concurrent issues of the last units, those
// that would take the balance below zero change nothing and answer
// EConflict, so the whole transaction writes nothing.
func (s *Store) writeMovement(ctx context.Context, tx queryer, pr *auth.Principal, m movementRec, now int64) (int64, error) {
	// unscoped: the store was read in the caller's scope by every caller; the balance row is the store's.
	if m.quantity > 0 {
		var expiry string
		err := tx.QueryRowContext(ctx, `INSERT INTO supply_balances (store_id, item_id, batch, expiry_date, quantity, region_code, institution_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (store_id, item_id, batch) DO UPDATE SET quantity = supply_balances.quantity + excluded.quantity
			RETURNING expiry_date`, m.store.id, m.itemID, m.batch, m.expiry, m.quantity, m.store.regionCode, m.store.institutionID).Scan(&expiry)
		if err != nil {
			return 0, model.Internal(err)
		}
		if m.kind == model.MoveReceipt && expiry != m.expiry {
			return 0, model.FieldErrors{"expiry_date": model.M("supply.batch_expiry_differs", expiry)}.Err()
		}
		m.expiry = expiry
	} else {
		var expiry string
		err := tx.QueryRowContext(ctx, `UPDATE supply_balances SET quantity = quantity + $1 WHERE store_id = $2 AND item_id = $3 AND batch = $4
			AND quantity + $1 >= 0 RETURNING expiry_date`, m.quantity, m.store.id, m.itemID, m.batch).Scan(&expiry)
		if err == sql.ErrNoRows {
			return 0, model.Errorf(model.EConflict, "supply.insufficient")
		}
		if err != nil {
			return 0, model.Internal(err)
		}
		m.expiry = expiry
	}
	by := nullID(pr.UserID)
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO supply_movements (kind, store_id, item_id, batch, expiry_date, quantity, source, supplier, document_no, reason,
		expired_override, corrects_id, transfer_of, other_store_id, person_id, family_member_id, need_id, distribution_line_id, region_code, institution_id,
		created_by, created_by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
		RETURNING id`, m.kind, m.store.id, m.itemID, m.batch, m.expiry, m.quantity, m.source, m.supplier, m.documentNo, m.reason, m.override,
		nullID(m.correctsID), nullID(m.transferOf), nullID(m.otherStore), nullID(m.personID), nullID(m.familyMemberID), nullID(m.needID), nullID(m.lineID),
		m.store.regionCode, m.store.institutionID, by, pr.Username, now).Scan(&id)
	if isUniqueViolation(err) {
		return 0, model.Errorf(model.EConflict, "supply.corrected_already")
	}
	if err != nil {
		return 0, model.Internal(err)
	}
	detail := fmt.Sprintf("kind=%s store=%d item=%d qty=%d", m.kind, m.store.id, m.itemID, m.quantity)
	if m.needID != 0 {
		detail += " need=" + strconv.FormatInt(m.needID, 10)
	}
	if m.override != "" {
		detail += " expired_override=set"
	}
	if err := s.appendAudit(ctx, tx, auditRecord{Action: ActMovementRecord, ObjectType: "supply_movement", ObjectID: strconv.FormatInt(id, 10), Detail: detail}); err != nil {
		return 0, err
	}
	return id, nil
}

// take is a part of a withdrawal from one batch.
type take struct {
	batch, expiry string
	quantity      int64
}

// pickBatches chooses the batches a withdrawal of qty takes: the named
// batch, or the batches that expire first (FEFO, batches without an expiry
// last). An expired batch is taken only with an override reason; without
// one, what stock remains in expired batches does not count.
// Returns EConflict when the stock is not enough, EInvalid for an expired
// batch named without a reason or a batch the store does not hold.
func pickBatches(ctx context.Context, tx queryer, storeID, itemID, qty int64, batch, override, today string) ([]take, error) {
	// unscoped: the store was read in the caller's scope by every caller.
	q := "SELECT batch, expiry_date, quantity FROM supply_balances WHERE store_id = $1 AND item_id = $2 AND quantity > 0"
	a := args{storeID, itemID}
	if batch != "" {
		q += " AND batch = " + a.add(batch)
	}
	rows, err := tx.QueryContext(ctx, q+" ORDER BY CASE WHEN expiry_date = '' THEN 1 ELSE 0 END, expiry_date, batch", a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	var avail []take
	expiredLeft := false
	for rows.Next() {
		var t take
		if err := rows.Scan(&t.batch, &t.expiry, &t.quantity); err != nil {
			rows.Close()
			return nil, model.Internal(err)
		}
		if t.expiry != "" && t.expiry < today && override == "" {
			expiredLeft = true
			continue
		}
		avail = append(avail, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	if batch != "" && expiredLeft {
		return nil, model.FieldErrors{"expired_override": model.M("supply.expired_batch")}.Err()
	}
	var out []take
	left := qty
	for _, t := range avail {
		if left == 0 {
			break
		}
		n := min(t.quantity, left)
		out = append(out, take{batch: t.batch, expiry: t.expiry, quantity: n})
		left -= n
	}
	if left > 0 {
		if expiredLeft {
			return nil, &model.Error{Code: model.EConflict, Msg: model.M("supply.insufficient_unexpired"),
				Fields: map[string]model.Msg{"expired_override": model.M("supply.expired_batch")}}
		}
		return nil, model.Errorf(model.EConflict, "supply.insufficient")
	}
	return out, nil
}

// RecordMovement writes a movement to the stock ledger and returns the rows
// written: a receipt (one row), an issue or adjustment down (one row per
// batch taken), a transfer (an out and an in row per batch), a correction
// (the reversal of the row it corrects, both legs of a transfer). An issue
// that names a case (need_id) of kind ppe or supplies resolves it in the
// same transaction, through the ledger's step rules (ResolveNeed's).
// Returns EForbidden, EInvalid (fields, the recipient or case out of scope),
// ENotFound (the store, the destination store, or the corrected row out of
// scope), EConflict (not enough stock: nothing written; corrected twice).
func (s *Store) RecordMovement(ctx context.Context, in model.MovementInput) (_ []model.Movement, err error) {
	defer wrap(&err, "RecordMovement(%s)", in.Kind)
	pr, err := principal(ctx, auth.PermSupplyManage)
	if err != nil {
		return nil, err
	}
	if err := in.Normalize().Err(); err != nil {
		return nil, err
	}
	var ids []int64
	var missed []string
	defer func() { s.prepareMissed(ctx, missed) }()
	run := func(tx *sql.Tx) error {
		var err error
		ids, err = s.recordMovement(ctx, s.prepared(tx, &missed), pr, in)
		return err
	}
	if in.NeedID != 0 {
		if in.Kind != model.MoveIssue {
			return nil, model.FieldErrors{"need_id": model.M("supply.need_issue_only")}.Err()
		}
		if _, err := s.settleNeed(ctx, in.NeedID, in.PersonID, in.Quantity, run); err != nil {
			return nil, err
		}
	} else if err := s.txGrouped(ctx, run); err != nil {
		return nil, err
	}
	return s.movementsByID(ctx, ids)
}

// settleNeed resolves case needID (of kind ppe or supplies, of the
// recipient personID when one is named) with the issue run writes, in one
// transaction: the step's rules (right, status) decide, and a case that may
// not be resolved leaves the stock untouched.
func (s *Store) settleNeed(ctx context.Context, needID, personID, qty int64, run func(tx *sql.Tx) error) (model.Need, error) {
	fe := model.FieldErrors{}
	return s.step(ctx, needID, casework.Resolve, nil, fe, func(tx *sql.Tx, pr *auth.Principal, cur needRow, now time.Time, a *args) (stepChange, error) {
		if cur.Kind != model.KindPPE && cur.Kind != model.KindSupplies {
			return stepChange{}, model.FieldErrors{"need_id": model.M("supply.need_kind")}.Err()
		}
		if personID != 0 && personID != cur.PersonID {
			return stepChange{}, model.FieldErrors{"need_id": model.M("supply.need_person")}.Err()
		}
		if err := run(tx); err != nil {
			return stepChange{}, err
		}
		res := "物资发放 / supplies issued: " + strconv.FormatInt(qty, 10)
		return stepChange{kind: model.NotifyResolved, event: needEventRec{Note: res},
			set: []string{"resolution = " + a.add(res), "resolved_at = " + a.add(ms(now))}}, nil
	})
}

func (s *Store) recordMovement(ctx context.Context, tx queryer, pr *auth.Principal, in model.MovementInput) ([]int64, error) {
	now := ms(s.now())
	today := s.now().Format(time.DateOnly)
	if in.Kind == model.MoveCorrection {
		return s.correctMovement(ctx, tx, pr, in, now)
	}
	st, err := getSupplyStore(ctx, tx, pr, in.StoreID)
	if err != nil {
		return nil, err
	}
	if !st.active {
		return nil, model.FieldErrors{"store_id": model.M("supply.store_inactive")}.Err()
	}
	it, err := getItem(ctx, tx, in.ItemID)
	if err != nil {
		return nil, model.FieldErrors{"item_id": model.M("supply.item_unknown")}.Err()
	}
	base := movementRec{kind: in.Kind, store: st, itemID: it.id, reason: in.Reason, documentNo: in.DocumentNo, override: in.ExpiredOverride, needID: in.NeedID}
	var ids []int64
	switch in.Kind {
	case model.MoveReceipt:
		if !it.active {
			return nil, model.FieldErrors{"item_id": model.M("supply.item_inactive")}.Err()
		}
		m := base
		m.batch, m.expiry, m.source, m.supplier, m.quantity, m.override = in.Batch, in.ExpiryDate, in.Source, in.Supplier, in.Quantity, ""
		id, err := s.writeMovement(ctx, tx, pr, m, now)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	case model.MoveIssue:
		if in.PersonID != 0 {
			if err := s.checkRecipient(ctx, tx, pr, st, in.PersonID, in.FamilyMemberID); err != nil {
				return nil, err
			}
		} else if in.FamilyMemberID != 0 {
			return nil, model.FieldErrors{"person_id": model.M("field.required")}.Err()
		}
		takes, err := pickBatches(ctx, tx, st.id, it.id, in.Quantity, in.Batch, in.ExpiredOverride, today)
		if err != nil {
			return nil, err
		}
		for _, t := range takes {
			m := base
			m.batch, m.quantity, m.personID, m.familyMemberID = t.batch, -t.quantity, in.PersonID, in.FamilyMemberID
			if !(t.expiry != "" && t.expiry < today) {
				m.override = ""
			}
			id, err := s.writeMovement(ctx, tx, pr, m, now)
			if err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
	case model.MoveTransfer:
		to, err := getSupplyStore(ctx, tx, pr, in.ToStoreID)
		if err != nil {
			return nil, err
		}
		if !to.active {
			return nil, model.FieldErrors{"to_store_id": model.M("supply.store_inactive")}.Err()
		}
		takes, err := pickBatches(ctx, tx, st.id, it.id, in.Quantity, in.Batch, in.ExpiredOverride, today)
		if err != nil {
			return nil, err
		}
		for _, t := range takes {
			out := base
			out.kind, out.batch, out.quantity, out.otherStore = model.MoveTransferOut, t.batch, -t.quantity, to.id
			outID, err := s.writeMovement(ctx, tx, pr, out, now)
			if err != nil {
				return nil, err
			}
			inRow := base
			inRow.kind, inRow.store, inRow.batch, inRow.expiry, inRow.quantity, inRow.otherStore, inRow.transferOf, inRow.override =
				model.MoveTransferIn, to, t.batch, t.expiry, t.quantity, st.id, outID, ""
			inID, err := s.writeMovement(ctx, tx, pr, inRow, now)
			if err != nil {
				return nil, err
			}
			ids = append(ids, outID, inID)
		}
		if err := s.checkReorder(ctx, tx, to, it.id, now); err != nil {
			return nil, err
		}
	case model.MoveAdjust:
		if in.Quantity > 0 {
			m := base
			m.batch, m.quantity, m.override = in.Batch, in.Quantity, ""
			var expiry string
			// unscoped: the store was read in scope above.
			err := tx.QueryRowContext(ctx, "SELECT expiry_date FROM supply_balances WHERE store_id = $1 AND item_id = $2 AND batch = $3", st.id, it.id, in.Batch).Scan(&expiry)
			if err != nil && err != sql.ErrNoRows {
				return nil, model.Internal(err)
			}
			m.expiry = expiry
			if err == sql.ErrNoRows {
				m.expiry = in.ExpiryDate
			}
			id, err := s.writeMovement(ctx, tx, pr, m, now)
			if err != nil {
				return nil, err
			}
			ids = append(ids, id)
			break
		}
		// A loss counts expired stock too: it is what was found on the shelf.
		takes, err := pickBatches(ctx, tx, st.id, it.id, -in.Quantity, in.Batch, "adjust", today)
		if err != nil {
			return nil, err
		}
		for _, t := range takes {
			m := base
			m.batch, m.quantity, m.override = t.batch, -t.quantity, ""
			id, err := s.writeMovement(ctx, tx, pr, m, now)
			if err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
	}
	if err := s.checkReorder(ctx, tx, st, it.id, now); err != nil {
		return nil, err
	}
	return ids, nil
}

// checkRecipient: the person must be in the caller's scope and reach the
// store (the institution's people for an institution store, the region's
// for a region store); a relative must be theirs.
func (s *Store) checkRecipient(ctx context.Context, tx queryer, pr *auth.Principal, st supplyStoreRow, personID, familyMemberID int64) error {
	var a args
	var inst int64
	var code string
	err := tx.QueryRowContext(ctx, "SELECT p.institution_id, p.region_code FROM people p WHERE p.id = "+a.add(personID)+" AND "+scopeOf(pr).on("people", "p", &a), a...).
		Scan(&inst, &code)
	if err == sql.ErrNoRows || (err == nil && !strings.HasPrefix(code, st.regionCode)) {
		return model.FieldErrors{"person_id": model.M("supply.recipient_unknown")}.Err()
	}
	if err != nil {
		return model.Internal(err)
	}
	if familyMemberID != 0 {
		var one int
		// unscoped: the relative's person was read in scope above.
		err := tx.QueryRowContext(ctx, "SELECT 1 FROM family_members WHERE id = $1 AND person_id = $2", familyMemberID, personID).Scan(&one)
		if err == sql.ErrNoRows {
			return model.FieldErrors{"family_member_id": model.M("supply.recipient_unknown")}.Err()
		}
		if err != nil {
			return model.Internal(err)
		}
	}
	return nil
}

// correctMovement reverses a movement of the caller's scope (both legs of a
// transfer) with new rows that name it; the original stays as it was.
func (s *Store) correctMovement(ctx context.Context, tx queryer, pr *auth.Principal, in model.MovementInput, now int64) ([]int64, error) {
	var a args
	var kind, batch, expiry string
	var storeID, itemID, qty int64
	var transferOf, corrects sql.NullInt64
	err := tx.QueryRowContext(ctx, "SELECT m.kind, m.store_id, m.item_id, m.batch, m.expiry_date, m.quantity, m.transfer_of, m.corrects_id FROM supply_movements m WHERE m.id = "+
		a.add(in.CorrectsID)+" AND "+scopeOf(pr).on("supply_movements", "m", &a), a...).Scan(&kind, &storeID, &itemID, &batch, &expiry, &qty, &transferOf, &corrects)
	if err == sql.ErrNoRows {
		return nil, model.NotFound("supply_movement")
	}
	if err != nil {
		return nil, model.Internal(err)
	}
	if kind == model.MoveCorrection {
		return nil, model.FieldErrors{"corrects_id": model.M("supply.correct_correction")}.Err()
	}
	type leg struct {
		id, store, qty int64
		kind           string
	}
	legs := []leg{{in.CorrectsID, storeID, qty, kind}}
	if kind == model.MoveTransferIn || kind == model.MoveTransferOut {
		// The other leg of the transfer.
		var oid, ostore, oqty int64
		var q string
		var qa []any
		if kind == model.MoveTransferIn {
			q, qa = "SELECT id, store_id, quantity FROM supply_movements WHERE id = $1", []any{transferOf.Int64}
		} else {
			q, qa = "SELECT id, store_id, quantity FROM supply_movements WHERE transfer_of = $1", []any{in.CorrectsID}
		}
		// unscoped: the other leg of a transfer whose first leg was read in scope.
		if err := tx.QueryRowContext(ctx, q, qa...).Scan(&oid, &ostore, &oqty); err != nil {
			return nil, model.Internal(err)
		}
		legs = append(legs, leg{oid, ostore, oqty, ""})
	}
	// Increases first, so that a reversed transfer's stock is back before it is taken.
	sort.Slice(legs, func(i, j int) bool { return legs[i].qty < legs[j].qty })
	var ids []int64
	for _, l := range legs {
		// unscoped: the stores of a movement read in scope (a transfer's other store may lie outside it; reversing the caller's own transfer is theirs to do).
		var st supplyStoreRow
		if err := tx.QueryRowContext(ctx, "SELECT id, name, region_code, institution_id, active FROM supply_stores WHERE id = $1", l.store).
			Scan(&st.id, &st.name, &st.regionCode, &st.institutionID, &st.active); err != nil {
			return nil, model.Internal(err)
		}
		m := movementRec{kind: model.MoveCorrection, store: st, itemID: itemID, batch: batch, expiry: expiry, quantity: -l.qty, reason: in.Reason, correctsID: l.id}
		id, err := s.writeMovement(ctx, tx, pr, m, now)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
		if err := s.checkReorder(ctx, tx, st, itemID, now); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

const movementColumns = `m.id, m.kind, m.store_id, s.name, m.item_id, i.name, i.unit, m.batch, m.expiry_date, m.quantity, m.source, m.supplier,
	m.document_no, m.reason, m.expired_override, m.corrects_id, (SELECT c.id FROM supply_movements c WHERE c.corrects_id = m.id), m.transfer_of,
	m.other_store_id, COALESCE(o.name, ''), m.person_id, COALESCE(p.name, ''), m.family_member_id, m.need_id, m.distribution_line_id, m.region_code,
	m.created_by_name, m.created_at`

const movementFrom = ` FROM supply_movements m JOIN supply_stores s ON s.id = m.store_id JOIN supply_items i ON i.id = m.item_id
	LEFT JOIN supply_stores o ON o.id = m.other_store_id LEFT JOIN people p ON p.id = m.person_id `

func scanMovement(row interface{ Scan(...any) error }) (model.Movement, error) {
	var m model.Movement
	var corrects, correctedBy, transferOf, other, person, fam, need, line sql.NullInt64
	var created int64
	err := row.Scan(&m.ID, &m.Kind, &m.StoreID, &m.StoreName, &m.ItemID, &m.ItemName, &m.Unit, &m.Batch, &m.ExpiryDate, &m.Quantity, &m.Source,
		&m.Supplier, &m.DocumentNo, &m.Reason, &m.ExpiredOverride, &corrects, &correctedBy, &transferOf, &other, &m.OtherStoreName, &person,
		&m.PersonName, &fam, &need, &line, &m.RegionCode, &m.CreatedByName, &created)
	m.CorrectsID, m.CorrectedBy, m.TransferOf, m.OtherStoreID, m.PersonID = ptrID(corrects), ptrID(correctedBy), ptrID(transferOf), ptrID(other), ptrID(person)
	m.FamilyMemberID, m.NeedID, m.DistributionLine, m.CreatedAt = ptrID(fam), ptrID(need), ptrID(line), fromMS(created)
	return m, err
}

// movementsByID reads rows just written, in order.
func (s *Store) movementsByID(ctx context.Context, ids []int64) ([]model.Movement, error) {
	// unscoped: rows the caller has just written in their scope.
	out := make([]model.Movement, 0, len(ids))
	st, err := s.readStmt(ctx, "SELECT "+movementColumns+movementFrom+"WHERE m.id = $1")
	if err != nil {
		return nil, model.Internal(err)
	}
	for _, id := range ids {
		m, err := scanMovement(st.QueryRowContext(ctx, id))
		if err != nil {
			return nil, model.Internal(err)
		}
		out = append(out, m)
	}
	return out, nil
}

// ListMovements returns the stock ledger of the caller's scope, newest
// first. Rows naming a recipient are personal data: the list is audited.
func (s *Store) ListMovements(ctx context.Context, f model.MovementFilter) (_ model.List[model.Movement], err error) {
	defer wrap(&err, "ListMovements()")
	out := model.List[model.Movement]{Items: []model.Movement{}}
	pr, err := principal(ctx, auth.PermSupplyRead)
	if err != nil {
		return out, err
	}
	page := clampPageFor(ctx, f.Page)
	var a args
	cond := []string{scopeOf(pr).on("supply_movements", "m", &a)}
	var d readDetail
	if f.StoreID != 0 {
		cond = append(cond, "m.store_id = "+a.add(f.StoreID))
		d.add("store", f.StoreID)
	}
	if f.ItemID != 0 {
		cond = append(cond, "m.item_id = "+a.add(f.ItemID))
		d.add("item", f.ItemID)
	}
	if f.Kind != "" {
		cond = append(cond, "m.kind = "+a.add(f.Kind))
		d.add("kind", f.Kind)
	}
	if f.PersonID != 0 {
		cond = append(cond, "m.person_id = "+a.add(f.PersonID))
		d.add("person", f.PersonID)
	}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("m.region_code", f.RegionCode, &a))
		d.add("region", f.RegionCode)
	}
	if f.From != "" {
		if t, err := time.ParseInLocation(time.DateOnly, f.From, time.Local); err == nil {
			cond = append(cond, "m.created_at >= "+a.add(ms(t)))
			d.add("from", f.From)
		}
	}
	if f.To != "" {
		if t, err := time.ParseInLocation(time.DateOnly, f.To, time.Local); err == nil {
			cond = append(cond, "m.created_at < "+a.add(ms(t.AddDate(0, 0, 1))))
			d.add("to", f.To)
		}
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		p := a.add(likePattern(q))
		cond = append(cond, "(m.batch LIKE "+p+` ESCAPE '\' OR m.supplier LIKE `+p+` ESCAPE '\' OR m.document_no LIKE `+p+` ESCAPE '\')`)
		d.set("q", q)
	}
	where := strings.Join(cond, " AND ")
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM supply_movements m WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+movementColumns+movementFrom+"WHERE "+where+" ORDER BY m.id DESC LIMIT "+a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanMovement(rows)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, m)
	}
	if err := rows.Err(); err != nil {
		return out, model.Internal(err)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, s.auditList(ctx, pr, nil, ActMovementList, "supply_movement", d, len(out.Items), out.Total, page)
}

// GetMovement returns one ledger row of the caller's scope.
// Returns ENotFound when missing or out of scope.
func (s *Store) GetMovement(ctx context.Context, id int64) (_ model.Movement, err error) {
	defer wrap(&err, "GetMovement(%d)", id)
	pr, err := principal(ctx, auth.PermSupplyRead)
	if err != nil {
		return model.Movement{}, err
	}
	var a args
	m, err := scanMovement(s.read.QueryRowContext(ctx, "SELECT "+movementColumns+movementFrom+"WHERE m.id = "+a.add(id)+" AND "+scopeOf(pr).on("supply_movements", "m", &a), a...))
	if err == sql.ErrNoRows {
		err = model.NotFound("supply_movement")
	} else if err != nil {
		return m, model.Internal(err)
	}
	// A movement may name its recipient: the read is audited.
	return m, s.auditRead(ctx, pr, err, ActMovementRead, "supply_movement", id, "")
}
