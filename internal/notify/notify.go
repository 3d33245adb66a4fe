// Package notify delivers outbox events: it posts each to the webhooks that
// subscribe to it and mails it to the team mailbox of the case's region. The
// in-app inbox needs no delivery: the store writes its entries in the
// transaction of the change. This package holds no SQL and no delivery
// state: the store's deliveries table does (EnqueueDeliveries,
// DueDeliveries, MarkDelivered, MarkDeliveryFailed), so a restart or a
// second server never sends a delivery recorded as delivered again. Delivery
// is at least once all the same: a POST whose answer was not recorded (a
// crash, a shutdown whose grace ran out) is posted again with the same
// X-Houdun-Delivery id, which receivers use to drop repeats. It must not put
// personal data into anything it sends or logs: the outbox payload carries
// ids, codes, category, urgency, status and times only.
//
// # Webhooks
//
// Each delivery is an HTTP POST of the event's JSON (model.OutboxPayload)
// to the webhook's URL with these headers:
//
//	Content-Type:       application/json
//	X-Houdun-Event:     need.escalated            (the event)
//	X-Houdun-Delivery:  42                         (the delivery id: the same on every retry)
//	X-Houdun-Timestamp: 1772355600                 (Unix seconds of this attempt)
//	X-Houdun-Signature: sha256=<64 hex digits>
//
// The signature is the lower-case hex HMAC-SHA256, keyed with the webhook's
// secret (as given or returned when the webhook was created), of the
// timestamp header, a full stop and the raw request body:
//
//	signature = "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body))
//
// A receiver recomputes it over the body bytes as received, compares it in
// constant time (hmac.Equal; Verify does all of this), rejects timestamps
// more than a few minutes from its own clock (replays), and drops a delivery
// id it has already accepted: delivery is at least once, so a receiver that
// answered too slowly sees the same delivery again. Any 2xx answer within 10
// seconds counts as delivered; anything else (another status, a timeout, a
// refused connection, a redirect to another host) is retried after 30 s,
// 2 min, 10 min, 1 h, 6 h, 12 h and 24 h, and after the eighth failed
// attempt the delivery is failed for good (the sysadmin's delivery list
// shows it with its last error). Only http and https URLs without
// credentials are posted to; redirects are followed only to the same scheme
// and host.
//
// # Mail
//
// Users carry no e-mail address, so mail goes to team mailboxes configured
// per region (config.SMTP, HOUDUN_SMTP_TO): the event is mailed to the
// address of the longest configured region code that begins the code of the
// team holding the case. Mail rides on the same deliveries through one
// system-managed webhooks row, the mail channel (store.MailChannelURL), which
// subscribes to the mailed events and which the sysadmin's webhook routes
// neither list nor touch; a delivery whose team has no mailbox is marked
// delivered without a message. The subject is Chinese (RFC 2047 Q
// encoding, UTF-8), the plain-text body Chinese with the English below.
package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
)

// DefaultBackoff is the wait before each retry: after the first failed
// attempt 30 s, after the second 2 min, and so on. A delivery gets
// len(backoff)+1 attempts.
var DefaultBackoff = []time.Duration{30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour}

// Principal is the identity the delivery worker acts under: the system,
// named "outbox" in the logs.
func Principal() *auth.Principal {
	return &auth.Principal{Username: "outbox", Role: "system", System: true}
}

// Deliverer is the outbox delivery worker. Store is required; Client
// defaults to NewClient(false) (10 s timeout, no redirects to other hosts, no
// internal destinations), Now
// to time.Now, Log to slog.Default(). Without Mail, deliveries of the mail
// channel are retried later (the server keeps the channel inactive then).
type Deliverer struct {
	Store  *store.Store
	Client *http.Client
	Now    func() time.Time
	Log    *slog.Logger
	Mail   *Mailer

	// Backoff overrides DefaultBackoff.
	Backoff []time.Duration
	// Batch is how many deliveries are claimed at a time (default 20) and
	// Workers how many are sent at once (default 4): a claim is leased for
	// store.DeliveryLease, and a batch must be sent well within it.
	Batch   int
	Workers int
	// Grace is how long sends in flight may go on once the context of
	// RunOnce or Run ends (the server shuts down), so that their answers are
	// recorded and not sent again after the restart; default ClientTimeout.
	// The server sets its shutdown grace. No new send starts meanwhile.
	Grace time.Duration
}

func (d *Deliverer) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *Deliverer) log() *slog.Logger {
	if d.Log != nil {
		return d.Log
	}
	return slog.Default()
}

func (d *Deliverer) client() *http.Client {
	if d.Client != nil {
		return d.Client
	}
	return defaultClient
}

var defaultClient = NewClient(false)

func (d *Deliverer) backoff() []time.Duration {
	if len(d.Backoff) > 0 {
		return d.Backoff
	}
	return DefaultBackoff
}

// MaxAttempts is how many attempts a delivery gets before it fails for good.
func (d *Deliverer) MaxAttempts() int { return len(d.backoff()) + 1 }

// RunOnce turns new outbox events into deliveries, then sends every delivery
// due now, batch after batch, until none is left. It returns how many were
// delivered and how many attempts failed (retried later or given up). A
// delivery's failure is not an error of RunOnce: only the store's are.
func (d *Deliverer) RunOnce(ctx context.Context) (delivered, failed int, err error) {
	if d.Store == nil {
		return 0, 0, errors.New("notify: Deliverer without a Store")
	}
	ctx = auth.WithPrincipal(ctx, Principal())
	if _, err := d.Store.EnqueueDeliveries(ctx); err != nil {
		return 0, 0, fmt.Errorf("notify: enqueue: %w", err)
	}
	batch, workers := d.Batch, d.Workers
	if batch <= 0 {
		batch = 20
	}
	if workers <= 0 {
		workers = 4
	}
	// The sends run on a context of their own that outlives ctx by the
	// grace: a shutdown stops new sends, but one in flight gets its answer
	// and records it, instead of being cut off and posted again once the
	// lease runs out (delivery stays at least once: a crash still repeats).
	grace := d.Grace
	if grace <= 0 {
		grace = ClientTimeout
	}
	send, cancelSend := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelSend()
	stopGrace := context.AfterFunc(ctx, func() { time.AfterFunc(grace, cancelSend) })
	defer stopGrace()
	for ctx.Err() == nil {
		due, err := d.Store.DueDeliveries(ctx, d.now(), batch)
		if err != nil {
			return delivered, failed, fmt.Errorf("notify: due deliveries: %w", err)
		}
		if len(due) == 0 {
			break
		}
		var mu sync.Mutex
		var errs []error
		work := make(chan model.Delivery)
		var wg sync.WaitGroup
		for range min(workers, len(due)) {
			wg.Go(func() {
				for dl := range work {
					if ctx.Err() != nil {
						continue // shutting down: the lease brings it back
					}
					res, err := d.deliver(send, dl)
					mu.Lock()
					switch {
					case err != nil:
						errs = append(errs, err)
					case res == sent:
						delivered++
					case res == failedAttempt:
						failed++
					}
					mu.Unlock()
				}
			})
		}
		for _, dl := range due {
			work <- dl
		}
		close(work)
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return delivered, failed, err
		}
		if len(due) < batch {
			break
		}
	}
	return delivered, failed, nil
}

// Run calls RunOnce at once and then every interval until ctx ends; errors
// are logged, never fatal. It returns when ctx is cancelled, after the sends
// in flight have stopped.
func (d *Deliverer) Run(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = 15 * time.Second
	}
	d.log().Info("outbox worker started", "interval", interval, "mail", d.Mail != nil)
	for {
		delivered, failed, err := d.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			d.log().Error("outbox delivery failed", "err", err)
		}
		if delivered > 0 || failed > 0 {
			d.log().Info("outbox deliveries", "delivered", delivered, "failed_attempts", failed)
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			d.log().Info("outbox worker stopped")
			return
		case <-t.C:
		}
	}
}

// permanent marks a failure that no retry can cure (a URL that is refused).
type permanent struct{ error }

// outcome is what became of one claimed delivery.
type outcome int

const (
	sent          outcome = iota + 1 // delivered and marked so
	failedAttempt                    // failed, marked for a retry or given up
	leftAlone                        // not tried (lease too short, shutdown): the lease brings it back
)

// deliver sends one claimed delivery and records the outcome; the error is
// the store's only. ctx is the send context of RunOnce, which a shutdown
// cancels only after the grace.
func (d *Deliverer) deliver(ctx context.Context, dl model.Delivery) (outcome, error) {
	log := d.log().With("delivery", dl.ID, "webhook", dl.WebhookID, "event", dl.Event, "attempt", dl.Attempts)
	// A claim whose lease would end before a send could time out is left to
	// the next claim, so that two workers never post it at once.
	mailing := strings.HasPrefix(dl.URL, "mailto:")
	limit := d.client().Timeout
	if mailing {
		limit = d.Mail.timeout()
	}
	if d.now().Add(limit).After(dl.NextAttemptAt) {
		log.Warn("delivery lease too short; left for the next run")
		return leftAlone, nil
	}
	var err error
	if mailing {
		err = d.mail(ctx, dl)
	} else {
		err = d.post(ctx, dl)
	}
	// The outcome is recorded even while the server shuts down, so that a
	// sent event is not sent again after the restart.
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err == nil {
		if err := d.Store.MarkDelivered(mctx, dl.ID); err != nil {
			if model.ErrorCode(err) == model.ENotFound {
				log.Warn("delivery was no longer pending when sent")
				return leftAlone, nil
			}
			return leftAlone, fmt.Errorf("notify: mark delivery %d delivered: %w", dl.ID, err)
		}
		return sent, nil
	}
	if ctx.Err() != nil {
		// Cut short when the shutdown's grace ran out: the lease brings it
		// back after the restart, and the receiver may see it twice.
		return leftAlone, nil
	}
	cause := err.Error()
	var next time.Time
	var perm permanent
	if !errors.As(err, &perm) && dl.Attempts < d.MaxAttempts() {
		b := d.backoff()
		next = d.now().Add(b[min(max(dl.Attempts, 1), len(b))-1])
	}
	if next.IsZero() {
		log.Warn("delivery failed for good", "cause", cause)
	} else {
		log.Info("delivery failed; will retry", "cause", cause, "next_attempt_at", next)
	}
	if err := d.Store.MarkDeliveryFailed(mctx, dl.ID, cause, next); err != nil && model.ErrorCode(err) != model.ENotFound {
		return leftAlone, fmt.Errorf("notify: mark delivery %d failed: %w", dl.ID, err)
	}
	return failedAttempt, nil
}

// mail sends a delivery of the mail channel to its team's mailbox.
func (d *Deliverer) mail(ctx context.Context, dl model.Delivery) error {
	if d.Mail == nil {
		return errors.New("mail is not configured on this server")
	}
	var p model.OutboxPayload
	if err := json.Unmarshal(dl.Payload, &p); err != nil {
		return permanent{fmt.Errorf("payload: %w", err)}
	}
	to, ok := d.Mail.Recipient(p.TeamRegionCode)
	if !ok {
		d.log().Debug("no team mailbox for the region; nothing mailed", "delivery", dl.ID, "team_region", p.TeamRegionCode)
		return nil
	}
	return d.Mail.Send(ctx, to, d.Mail.Compose(dl, p, to, d.now()))
}
