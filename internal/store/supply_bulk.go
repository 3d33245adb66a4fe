package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
)

// BulkSupplies sizes the fixture of the supply benchmarks: Stores stores
// spread over Regions (region codes that exist), Items items, each store
// holding ItemsPerStore of them in BatchesPerItem batches, and Movements
// ledger rows in all: per batch a receipt, then issues that never take it
// below zero.
type BulkSupplies struct {
	Stores, Items, ItemsPerStore, BatchesPerItem, Movements int
	Regions                                                 []string
	At                                                      int64 // Unix ms of the rows
}

// BulkLoadSuppliesForBenchmark writes the fixture straight into the tables
// with multi-row inserts (COPY on PostgreSQL), the balance rows as the sums
// of the movements, without audit rows: so that the benchmarks of package
// api can load five million movements in minutes, which RecordMovement
// would take hours to do. On SQLite the ledger's indexes are dropped during
// the load and built again after it. Only the system principal may call it.
// It returns the stores' and the items' ids.
// Returns EUnauthenticated, EForbidden for a user's principal, EInternal.
func (s *Store) BulkLoadSuppliesForBenchmark(ctx context.Context, spec BulkSupplies) (stores, items []int64, err error) {
	defer wrap(&err, "BulkLoadSuppliesForBenchmark()")
	// unscoped: the system principal's bulk load of a benchmark fixture.
	if _, _, err := jobContext(ctx); err != nil {
		return nil, nil, err
	}
	for i := 0; i < spec.Items; i++ {
		var id int64
		if err := s.write.QueryRowContext(ctx, `INSERT INTO supply_items (name, category, unit, protective, region_code, created_at, updated_at)
			VALUES ($1, 'mask_n95', '只', TRUE, '', $2, $2) RETURNING id`, "基准物资"+strconv.Itoa(i), spec.At).Scan(&id); err != nil {
			return nil, nil, err
		}
		items = append(items, id)
	}
	regionOf := make([]string, spec.Stores)
	for i := 0; i < spec.Stores; i++ {
		var id int64
		regionOf[i] = spec.Regions[i%len(spec.Regions)]
		if err := s.write.QueryRowContext(ctx, `INSERT INTO supply_stores (name, region_code, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id`,
			"基准物资库"+strconv.Itoa(i), regionOf[i], spec.At).Scan(&id); err != nil {
			return nil, nil, err
		}
		stores = append(stores, id)
	}
	var indexes []string
	if s.engine == SQLite {
		rows, err := s.write.QueryContext(ctx, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'supply_movements' AND sql IS NOT NULL")
		if err != nil {
			return nil, nil, err
		}
		var names []string
		for rows.Next() {
			var name, ddl string
			if err := rows.Scan(&name, &ddl); err != nil {
				rows.Close()
				return nil, nil, err
			}
			names, indexes = append(names, name), append(indexes, ddl)
		}
		rows.Close()
		for _, name := range names {
			if _, err := s.write.ExecContext(ctx, "DROP INDEX "+name); err != nil {
				return nil, nil, err
			}
		}
	}
	cols := []string{"kind", "store_id", "item_id", "batch", "expiry_date", "quantity", "source", "supplier", "region_code", "created_by_name", "created_at"}
	batches := spec.Stores * spec.ItemsPerStore * spec.BatchesPerItem
	per := max(1, spec.Movements/batches) // rows per batch: a receipt and per-1 issues
	type bal struct {
		store, item int64
		batch, exp  string
		qty         int64
		region      string
	}
	var balances []bal
	const chunk = 50_000
	var buf [][]any
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		rows := buf
		buf = buf[:0:0]
		return s.txConn(ctx, func(tx *sql.Tx, conn *sql.Conn) error {
			if s.engine == Postgres {
				return copyFrom(ctx, conn, "supply_movements", cols, rows)
			}
			return s.insertMultiRow(ctx, tx, "supply_movements", cols, len(rows), func(j int) []any { return rows[j] }, func(int) {})
		})
	}
	written := 0
	for si, storeID := range stores {
		for k := 0; k < spec.ItemsPerStore; k++ {
			itemID := items[(si*7919+k)%len(items)]
			for b := 0; b < spec.BatchesPerItem; b++ {
				batch := fmt.Sprintf("B%d-%d", k, b)
				exp := fmt.Sprintf("%04d-%02d-28", 2027+b, 1+k%12)
				receipt := int64(per * 20)
				buf = append(buf, []any{"receipt", storeID, itemID, batch, exp, receipt, "donation", "基准捐赠方", regionOf[si], "bench", spec.At})
				qty := receipt
				for m := 1; m < per; m++ {
					q := int64(1 + m%19)
					buf = append(buf, []any{"issue", storeID, itemID, batch, exp, -q, "", "", regionOf[si], "bench", spec.At + int64(m)})
					qty -= q
				}
				written += per
				balances = append(balances, bal{storeID, itemID, batch, exp, qty, regionOf[si]})
				if len(buf) >= chunk {
					if err := flush(); err != nil {
						return nil, nil, err
					}
				}
			}
		}
	}
	if err := flush(); err != nil {
		return nil, nil, err
	}
	bcols := []string{"store_id", "item_id", "batch", "expiry_date", "quantity", "region_code"}
	for i := 0; i < len(balances); i += chunk {
		part := balances[i:min(i+chunk, len(balances))]
		err := s.txConn(ctx, func(tx *sql.Tx, conn *sql.Conn) error {
			row := func(j int) []any { b := part[j]; return []any{b.store, b.item, b.batch, b.exp, b.qty, b.region} }
			if s.engine == Postgres {
				values := make([][]any, len(part))
				for j := range part {
					values[j] = row(j)
				}
				return copyFrom(ctx, conn, "supply_balances", bcols, values)
			}
			return s.insertMultiRow(ctx, tx, "supply_balances", bcols, len(part), row, func(int) {})
		})
		if err != nil {
			return nil, nil, err
		}
	}
	for _, ddl := range indexes {
		if _, err := s.write.ExecContext(ctx, ddl); err != nil {
			return nil, nil, err
		}
	}
	_, err = s.write.ExecContext(ctx, "ANALYZE")
	return stores, items, err
}
