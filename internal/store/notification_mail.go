package store

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// MailChannelURL is the URL of the mail channel: the one webhooks row through
// which outbox events reach the team mailboxes by SMTP. Its deliveries live
// in the deliveries table like any webhook's (retries, leases, no repeat
// after a restart, the sysadmin's delivery list); package notify mails each
// to the address configured for the case's team region. It is an internal
// delivery target, not one of the sysadmin's webhooks: ListWebhooks leaves it
// out, and GetWebhook, UpdateWebhook and DeleteWebhook answer ENotFound for
// it, as for a missing row (managedWebhook); no sysadmin can create such a
// row either, since WebhookFields.Normalize accepts http and https only. Only
// EnsureMailChannel, at every server start, changes it.
const MailChannelURL = "mailto:team-mailboxes"

// managedWebhook reads a webhook the sysadmin manages: any row but the mail
// channel, which answers ENotFound exactly like a missing one.
func (s *Store) managedWebhook(ctx context.Context, q queryer, id int64) (model.Webhook, string, error) {
	w, secret, err := s.getWebhook(ctx, q, id)
	if err == nil && w.URL == MailChannelURL {
		return model.Webhook{}, "", model.NotFound("webhook")
	}
	return w, secret, err
}

// EnsureMailChannel makes the mail channel carry events while active: it
// creates the row on first use (a random secret, unused by mail) and sets
// its events and active flag. Every server start calls it, with active =
// whether SMTP is configured; an inactive channel takes no new events and
// its pending deliveries wait. Inactive and never created, it creates
// nothing. It returns the channel (zero when none exists).
// Returns EUnauthenticated, EForbidden without webhook.manage, EInvalid (events).
func (s *Store) EnsureMailChannel(ctx context.Context, events []string, active bool) (_ model.Webhook, err error) {
	defer wrap(&err, "EnsureMailChannel()")
	if _, err := principal(ctx, auth.PermWebhookManage); err != nil {
		return model.Webhook{}, err
	}
	var evs []string
	for _, e := range events {
		if !model.Contains(model.OutboxEvents, e) {
			fe := model.FieldErrors{}
			fe.Add("events", "field.choice")
			return model.Webhook{}, fe.Err()
		}
		if !slices.Contains(evs, e) {
			evs = append(evs, e)
		}
	}
	if len(evs) == 0 {
		fe := model.FieldErrors{}
		fe.Add("events", "field.required")
		return model.Webhook{}, fe.Err()
	}
	var w model.Webhook
	err = s.tx(ctx, func(tx *sql.Tx) error {
		w = model.Webhook{}
		if s.engine == Postgres {
			// Two servers starting at once must not both create the channel:
			// every writer of the audit chain queues on this lock anyway.
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", auditLockKey); err != nil {
				return model.Internal(err)
			}
		}
		var id int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM webhooks WHERE url = $1 ORDER BY id LIMIT 1", MailChannelURL).Scan(&id)
		switch {
		case err == sql.ErrNoRows && !active:
			return nil
		case err == sql.ErrNoRows:
			now := ms(s.now())
			if err := tx.QueryRowContext(ctx, `INSERT INTO webhooks (url, events, secret_enc, active, created_by, version, created_at, updated_at)
				VALUES ($1, $2, $3, TRUE, NULL, 1, $4, $4) RETURNING id`, MailChannelURL, strings.Join(evs, ","), s.seal.Seal(newSecret()), now).Scan(&id); err != nil {
				return model.Internal(err)
			}
			if err := s.appendAudit(ctx, tx, auditRecord{Action: ActWebhookCreate, ObjectType: "webhook", ObjectID: strconv.FormatInt(id, 10), Detail: "mail channel"}); err != nil {
				return err
			}
		case err != nil:
			return model.Internal(err)
		default:
			cur, _, err := s.getWebhook(ctx, tx, id)
			if err != nil {
				return err
			}
			if cur.Active != active || !slices.Equal(cur.Events, evs) {
				if _, err := tx.ExecContext(ctx, "UPDATE webhooks SET events = $1, active = $2, version = version + 1, updated_at = $3 WHERE id = $4",
					strings.Join(evs, ","), active, ms(s.now()), id); err != nil {
					return model.Internal(err)
				}
				if err := s.appendAudit(ctx, tx, auditRecord{Action: ActWebhookUpdate, ObjectType: "webhook", ObjectID: strconv.FormatInt(id, 10),
					Detail: "mail channel active=" + strconv.FormatBool(active)}); err != nil {
					return err
				}
			}
		}
		w, _, err = s.getWebhook(ctx, tx, id)
		return err
	})
	return w, err
}
