package store

import (
	"context"
	"fmt"
)

// SupplyLedgerCheckForTest compares every balance row with the sum of its
// batch's movements and returns the differences ("" when none).
func (s *Store) SupplyLedgerCheckForTest(ctx context.Context) (string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT COALESCE(b.store_id, m.store_id), COALESCE(b.item_id, m.item_id), COALESCE(b.batch, m.batch),
		COALESCE(b.quantity, 0), COALESCE(m.total, 0)
		FROM supply_balances b FULL OUTER JOIN (SELECT store_id, item_id, batch, SUM(quantity) AS total FROM supply_movements GROUP BY store_id, item_id, batch) m
		ON m.store_id = b.store_id AND m.item_id = b.item_id AND m.batch = b.batch
		WHERE COALESCE(b.quantity, 0) <> COALESCE(m.total, 0)`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var out string
	for rows.Next() {
		var store, item, bal, sum int64
		var batch string
		if err := rows.Scan(&store, &item, &batch, &bal, &sum); err != nil {
			return "", err
		}
		out += fmt.Sprintf("store %d item %d batch %q: balance %d, movements %d; ", store, item, batch, bal, sum)
	}
	return out, rows.Err()
}
