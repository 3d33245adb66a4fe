package store

import (
	"context"
	"fmt"
	"testing"
)

func (s *Store) PlanForTest(ctx context.Context, q string, a ...any) string {
	rows, err := s.read.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, a...)
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	out := ""
	for rows.Next() {
		var id, parent, notused int
		var detail string
		rows.Scan(&id, &parent, &notused, &detail)
		out += fmt.Sprintf("%d %d %s\n", id, parent, detail)
	}
	return out
}

var _ = testing.Short
