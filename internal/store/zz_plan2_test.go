package store_test

import (
	"testing"
	"time"
	"houdun/internal/testutil"
	"houdun/internal/store"
)

func TestZZPlans(t *testing.T) {
	st := testutil.NewStore(t, store.SQLite, nil)
	ctx := testutil.System()
	now := time.Now().UnixMilli()
	for _, q := range []string{
		`SELECT id, due_at, team_region_code, region_code, urgency FROM needs INDEXED BY needs_to_escalate WHERE status IN ('open', 'assigned', 'in_progress') AND escalated_due_at < due_at AND due_at <= $1 AND (due_at > $2 OR (due_at = $2 AND id > $3)) ORDER BY due_at, id LIMIT $4`,
		`SELECT id, due_at, team_region_code, region_code, urgency FROM needs INDEXED BY needs_to_remind WHERE status IN ('open', 'assigned', 'in_progress') AND due_soon_notified_for < due_at AND due_at > $1 AND due_at <= $5 AND (due_at > $2 OR (due_at = $2 AND id > $3)) ORDER BY due_at, id LIMIT $4`,
	} {
		t.Log(st.PlanForTest(ctx, q, now, -1, 0, 200, now))
	}
	if _, err := st.EscalateOverdue(ctx, time.Now()); err != nil { t.Fatal(err) }
	if _, err := st.NotifyDeadlines(ctx, time.Now()); err != nil { t.Fatal(err) }
}
