package server

import (
	"context"
	"fmt"
	"strings"
	"sync"

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
// use the store's clock. Bad SMTP settings stop the start.
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
	worker := &notify.Deliverer{Store: s.st, Client: notify.NewClient(s.cfg.WebhookAllowPrivate), Now: s.st.Now, Log: s.log, Mail: mailer,
		Grace: s.cfg.ShutdownGrace}
	wg.Go(func() { sched.Run(ctx) })
	wg.Go(func() { worker.Run(ctx, s.cfg.JobInterval) })
	return nil
}
