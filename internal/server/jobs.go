package server

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"houdun/internal/auth"
	"houdun/internal/config"
	"houdun/internal/jobs"
	"houdun/internal/notify"
)

// startJobs starts the work the server does on its own, each in a goroutine
// of wg that returns when ctx ends: the scheduler (deadline reminders and the
// escalation of overdue cases, every cfg.JobInterval) and the outbox
// delivery worker (webhooks and team mail, looking for new events as
// often). The worker runs beside the scheduler rather than as one of its
// jobs because the scheduler runs its jobs one after another, and a webhook
// receiver taking its full timeout must not hold back an escalation. Both
// use the store's clock. The scheduler also verifies the audit chain, at
// start and then every day. Bad SMTP settings stop the start.
func (s *Server) startJobs(ctx context.Context, wg *sync.WaitGroup) error {
	mailer, err := notify.NewMailer(s.cfg.SMTP)
	if err != nil {
		return err
	}
	events := strings.Split(config.DefaultSMTPEvents, ",")
	if mailer != nil {
		events = mailer.Events
	}
	sys := auth.WithPrincipal(ctx, notify.Principal())
	if _, err := s.st.EnsureMailChannel(sys, events, mailer != nil); err != nil {
		return fmt.Errorf("mail channel: %w", err)
	}
	sched := &jobs.Scheduler{Store: s.st, Clock: s.st.Now, Interval: s.cfg.JobInterval, Log: s.log}
	sched.Every(jobs.JobAuditVerify, jobs.AuditVerifyInterval, s.verifyAuditChain())
	sched.Every("psych.repeat", 10*time.Minute, func(ctx context.Context, _ time.Time) error { _, err := s.st.RepeatScreenings(ctx); return err })
	sched.Every(jobs.JobMissedCheckins, jobs.MissedCheckinInterval, jobs.MissedCheckins(s.st, s.log))
	worker := &notify.Deliverer{Store: s.st, Client: notify.NewClient(s.cfg.WebhookAllowPrivate), Now: s.st.Now, Log: s.log, Mail: mailer,
		Grace: s.cfg.ShutdownGrace}
	wg.Go(func() { sched.Run(ctx) })
	wg.Go(func() { worker.Run(ctx, s.cfg.JobInterval) })
	return nil
}

// verifyAuditChain is the audit chain's check, recorded for the auditor
// (the /audit page, GET /api/v1/audit/verification) and logged: the first
// run, at start, is "start", the later ones "daily". A broken chain is
// logged as an error naming the row; it does not stop the server.
func (s *Server) verifyAuditChain() jobs.Func {
	var runs atomic.Int64
	return func(ctx context.Context, now time.Time) error {
		via := "daily"
		if runs.Add(1) == 1 {
			via = "start"
		}
		v, err := s.st.CheckAuditChain(ctx, via)
		if err != nil {
			return err
		}
		if v.OK {
			s.log.Info("audit chain verified", "job", jobs.JobAuditVerify, "via", via, "rows", v.Rows)
		} else {
			s.log.Error("audit chain broken", "job", jobs.JobAuditVerify, "via", via, "row", v.BrokenID, "reason", v.Reason, "rows_ok", v.Rows)
		}
		return nil
	}
}
