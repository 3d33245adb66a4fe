package jobs

import (
	"context"
	"log/slog"
	"time"

	"houdun/internal/store"
)

// JobMissedCheckins flags the daily health check-ins that deployed people
// missed (store.NotifyMissedCheckins): after the day's deadline, and for
// yesterday in case the server was down at the deadline.
const JobMissedCheckins = "checkin.missed"

// MissedCheckinInterval is how often the missed check-ins are looked for;
// the store's alert rows keep each person's day from being flagged twice.
const MissedCheckinInterval = 15 * time.Minute

// MissedCheckins is the job that flags missed check-ins, added by the server
// with Every.
func MissedCheckins(st *store.Store, log *slog.Logger) Func {
	if log == nil {
		log = slog.Default()
	}
	return func(ctx context.Context, now time.Time) error {
		n, err := st.NotifyMissedCheckins(ctx, now)
		if n > 0 {
			log.Info("missed check-ins flagged", "job", JobMissedCheckins, "people", n)
		}
		return err
	}
}
