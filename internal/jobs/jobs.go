// Package jobs is the in-process scheduler: the periodic work the server does
// on its own — deadline reminders and the escalation of overdue cases, and
// whatever other areas add with Every (the outbox delivery worker, …). It
// runs inside the server, not in cron. It holds no rules and no state of its
// own: each job keeps its progress in the database (the guard columns of the
// store), so that a restart, a crash or a second server never does the same
// work twice. Time comes from Clock, so tests move it instead of sleeping.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"houdun/internal/auth"
	"houdun/internal/store"
)

// DefaultInterval is how often the deadlines are looked at: the issue asks
// for at least every 15 seconds.
const DefaultInterval = 15 * time.Second

// Names of the built-in jobs.
const (
	JobDeadlines = "need.deadlines" // reminders before and at each deadline
	JobEscalate  = "need.escalate"  // escalation of overdue cases

	JobAuditVerify = "audit.verify" // the audit chain's check, added by the server
)

// AuditVerifyInterval is how often the server verifies the audit chain
// (and once at start).
const AuditVerifyInterval = 24 * time.Hour

// Func is one run of a job at now.
type Func func(ctx context.Context, now time.Time) error

type job struct {
	name     string
	interval time.Duration
	fn       Func
	next     time.Time // zero: run at the next tick
}

// Scheduler runs the jobs. The zero value with Store set is ready: Clock
// defaults to time.Now, Interval to 15 s, Log to slog.Default(). The built-in
// jobs (deadline reminders, then escalation, each every Interval) run first
// at every tick, then the jobs added with Every in the order added.
type Scheduler struct {
	Store    *store.Store
	Clock    func() time.Time
	Interval time.Duration
	Log      *slog.Logger

	mu      sync.Mutex
	jobs    []*job
	started bool
}

// Every adds a job that runs every interval (at the next tick first). Jobs
// added while the scheduler runs start at its next tick.
func (s *Scheduler) Every(name string, interval time.Duration, fn Func) {
	if interval <= 0 {
		panic("jobs: interval of " + name + " must be positive")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobs = append(s.jobs, &job{name: name, interval: interval, fn: fn})
}

// Principal is the identity the jobs act under: the system, named
// "scheduler" in the audit trail and in the history of a case.
func Principal() *auth.Principal {
	return &auth.Principal{Username: "scheduler", Role: "system", System: true}
}

func (s *Scheduler) init() {
	if s.started {
		return
	}
	s.started = true
	if s.Clock == nil {
		s.Clock = time.Now
	}
	if s.Interval <= 0 {
		s.Interval = DefaultInterval
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
	if s.Store == nil {
		return
	}
	st := s.Store
	builtins := []*job{
		{name: JobDeadlines, interval: s.Interval, fn: func(ctx context.Context, now time.Time) error {
			n, err := st.NotifyDeadlines(ctx, now)
			if n > 0 {
				s.Log.Info("deadline reminders sent", "job", JobDeadlines, "reminders", n)
			}
			return err
		}},
		{name: JobEscalate, interval: s.Interval, fn: func(ctx context.Context, now time.Time) error {
			n, err := st.EscalateOverdue(ctx, now)
			if n > 0 {
				s.Log.Info("overdue cases escalated", "job", JobEscalate, "cases", n)
			}
			return err
		}},
	}
	s.jobs = append(builtins, s.jobs...)
}

// Tick runs, once, every job that is due at Clock(): each job's next run is
// its interval after this one. A job's error or panic is logged and returned
// (joined with the others') and does not keep the other jobs from running.
func (s *Scheduler) Tick(ctx context.Context) error {
	s.mu.Lock()
	s.init()
	jobs := append([]*job(nil), s.jobs...)
	s.mu.Unlock()
	ctx = auth.WithPrincipal(ctx, Principal())
	var errs []error
	for _, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		now := s.Clock()
		s.mu.Lock()
		due := !now.Before(j.next)
		if due {
			j.next = now.Add(j.interval)
		}
		s.mu.Unlock()
		if !due {
			continue
		}
		if err := s.run(ctx, j, now); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (s *Scheduler) run(ctx context.Context, j *job, now time.Time) (err error) {
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("jobs: %s panicked: %v", j.name, p)
		}
		if err != nil && ctx.Err() == nil {
			s.Log.Error("job failed", "job", j.name, "err", err, "took", time.Since(start))
		}
	}()
	if err := j.fn(ctx, now); err != nil {
		return fmt.Errorf("jobs: %s: %w", j.name, err)
	}
	return nil
}

// wake is how often Run looks at the jobs: the shortest interval, at most Interval.
func (s *Scheduler) wake() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.Interval
	for _, j := range s.jobs {
		d = min(d, j.interval)
	}
	return d
}

// Run ticks at once (catching up after a restart) and then every wake-up
// period until ctx ends; it returns nil when ctx is cancelled.
func (s *Scheduler) Run(ctx context.Context) error {
	s.mu.Lock()
	s.init()
	s.mu.Unlock()
	s.Log.Info("scheduler started", "interval", s.Interval)
	for {
		s.Tick(ctx)
		t := time.NewTimer(s.wake())
		select {
		case <-ctx.Done():
			t.Stop()
			s.Log.Info("scheduler stopped")
			return nil
		case <-t.C:
		}
	}
}
