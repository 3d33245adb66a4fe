package store

import (
	"context"

	"houdun/internal/model"
)

// serviceDays is one person's frontline service as the letters, the title
// priority list and their exports name it: days in half days (a day of 4
// hours or less counts half where the region says so), tier-1 days, and
// the periods served.
type serviceDays struct {
	halfDays, tier1HalfDays int
	periods                 []model.DatePeriod
}

// frontlineService returns the frontline service of the people between
// from and to (inclusive ISO dates; empty: unbounded). The days are the
// deployments' own count (Store.DeploymentDays, the deployment area's one
// rule for counting days), never counted here.
func (s *Store) frontlineService(ctx context.Context, q queryer, personIDs []int64, from, to string) (map[int64]serviceDays, error) {
	// Until the deployment area's DeploymentDays is merged, nobody has days.
	return map[int64]serviceDays{}, nil
}

// rowsErr is rows.Err() as the store's error: nil, or internal.
func rowsErr(rows interface{ Err() error }) error {
	if err := rows.Err(); err != nil {
		return model.Internal(err)
	}
	return nil
}
