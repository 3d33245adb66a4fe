package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// inboxOwner returns the caller's user id; the inbox is per account.
func inboxOwner(ctx context.Context) (int64, error) {
	pr, err := principal(ctx, auth.PermNotificationRead)
	if err != nil {
		return 0, err
	}
	if pr.UserID == 0 {
		return 0, model.Errorf(model.EForbidden, "error.forbidden")
	}
	return pr.UserID, nil
}

// ListInbox returns a page of the caller's inbox, newest first; Total counts
// the whole selection. The entries name no person.
// Returns EUnauthenticated, EForbidden (no account, e.g. the command line).
func (s *Store) ListInbox(ctx context.Context, unreadOnly bool, page model.Page) (_ model.List[model.Notification], err error) {
	defer wrap(&err, "ListInbox()")
	// unscoped: the caller's own inbox; the case is joined for its number.
	out := model.List[model.Notification]{Items: []model.Notification{}}
	uid, err := inboxOwner(ctx)
	if err != nil {
		return out, err
	}
	page = clampPage(page)
	cond := "nt.user_id = $1"
	if unreadOnly {
		cond += " AND nt.read_at = 0"
	}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications nt WHERE "+cond, uid).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT nt.id, nt.kind, nt.need_id, nt.created_at, nt.read_at,
		n.category, n.kind, n.urgency, n.status, n.due_at, n.escalation_level
		FROM notifications nt LEFT JOIN needs n ON n.id = nt.need_id WHERE `+cond+` ORDER BY nt.id DESC LIMIT $2 OFFSET $3`, uid, page.Limit, page.Offset)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var nt model.Notification
		var needID sql.NullInt64
		var created, read int64
		var cat, kind, urg, status sql.NullString
		var due, level sql.NullInt64
		if err := rows.Scan(&nt.ID, &nt.Kind, &needID, &created, &read, &cat, &kind, &urg, &status, &due, &level); err != nil {
			return out, model.Internal(err)
		}
		nt.NeedID, nt.CreatedAt, nt.ReadAt = nullToPtr(needID), fromMS(created), optTime(read)
		if needID.Valid && cat.Valid {
			nt.Need = &model.NeedBrief{Category: cat.String, Kind: kind.String, Urgency: urg.String, Status: status.String,
				DueAt: fromMS(due.Int64), EscalationLevel: int(level.Int64)}
		}
		out.Items = append(out.Items, nt)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, rows.Err()
}

// UnreadCount returns how many entries of the caller's inbox are unread.
// Returns EUnauthenticated, EForbidden.
func (s *Store) UnreadCount(ctx context.Context) (_ int, err error) {
	defer wrap(&err, "UnreadCount()")
	uid, err := inboxOwner(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at = 0", uid).Scan(&n); err != nil {
		return 0, model.Internal(err)
	}
	return n, nil
}

// MarkRead marks entries of the caller's inbox as read; with no ids, all of
// them. Entries of other users are left alone. It returns how many changed.
// Returns EUnauthenticated, EForbidden.
func (s *Store) MarkRead(ctx context.Context, ids ...int64) (_ int, err error) {
	defer wrap(&err, "MarkRead()")
	uid, err := inboxOwner(ctx)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var a args
		q := "UPDATE notifications SET read_at = " + a.add(ms(s.now())) + " WHERE user_id = " + a.add(uid) + " AND read_at = 0"
		if len(ids) > 0 {
			ph := make([]string, len(ids))
			for i, id := range ids {
				ph[i] = a.add(id)
			}
			q += " AND id IN (" + strings.Join(ph, ", ") + ")"
		}
		res, err := tx.ExecContext(ctx, q, a...)
		if err != nil {
			return model.Internal(err)
		}
		n, _ = res.RowsAffected()
		if n == 0 {
			return nil
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActNotificationRead, ObjectType: "notification", Detail: fmt.Sprintf("rows=%d", n)})
	})
	return int(n), err
}

// --- webhooks ---

const webhookColumns = `id, url, events, secret_enc, active, created_by, version, created_at, updated_at`

func (s *Store) scanWebhook(row interface{ Scan(...any) error }) (model.Webhook, string, error) {
	var w model.Webhook
	var events string
	var secret []byte
	var by sql.NullInt64
	var created, updated int64
	if err := row.Scan(&w.ID, &w.URL, &events, &secret, &w.Active, &by, &w.Version, &created, &updated); err != nil {
		return w, "", err
	}
	w.Events = splitCare(events)
	w.CreatedBy, w.CreatedAt, w.UpdatedAt = nullToPtr(by), fromMS(created), fromMS(updated)
	plain, err := s.seal.Open(secret)
	if err != nil {
		return w, "", fmt.Errorf("webhook %d secret: %w", w.ID, err)
	}
	return w, plain, nil
}

func (s *Store) getWebhook(ctx context.Context, q queryer, id int64) (model.Webhook, string, error) {
	w, secret, err := s.scanWebhook(q.QueryRowContext(ctx, "SELECT "+webhookColumns+" FROM webhooks WHERE id = $1", id))
	if err == sql.ErrNoRows {
		return w, "", model.NotFound("webhook")
	}
	if err != nil {
		return w, "", model.Internal(err)
	}
	return w, secret, nil
}

// ListWebhooks returns every webhook (without secrets) but the mail channel.
// Returns EUnauthenticated, EForbidden without webhook.manage.
func (s *Store) ListWebhooks(ctx context.Context) (_ []model.Webhook, err error) {
	defer wrap(&err, "ListWebhooks()")
	if _, err := principal(ctx, auth.PermWebhookManage); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+webhookColumns+" FROM webhooks WHERE url <> $1 ORDER BY id", MailChannelURL)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	out := []model.Webhook{}
	for rows.Next() {
		w, _, err := s.scanWebhook(rows)
		if err != nil {
			return nil, model.Internal(err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// GetWebhook returns one webhook (without its secret).
// Returns EUnauthenticated, EForbidden, ENotFound (also for the mail channel).
func (s *Store) GetWebhook(ctx context.Context, id int64) (_ model.Webhook, err error) {
	defer wrap(&err, "GetWebhook(%d)", id)
	if _, err := principal(ctx, auth.PermWebhookManage); err != nil {
		return model.Webhook{}, err
	}
	w, _, err := s.managedWebhook(ctx, s.read, id)
	return w, err
}

func newSecret() string {
	b := make([]byte, 24)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// CreateWebhook adds a webhook; without a secret a random one is made. The
// secret is stored sealed and returned this once.
// Returns EUnauthenticated, EForbidden without webhook.manage, EInvalid (url, events, secret).
func (s *Store) CreateWebhook(ctx context.Context, in model.WebhookInput) (_ model.Webhook, err error) {
	defer wrap(&err, "CreateWebhook()")
	pr, err := principal(ctx, auth.PermWebhookManage)
	if err != nil {
		return model.Webhook{}, err
	}
	f := model.WebhookFields{Active: true}
	in.Apply(&f)
	if in.Secret == nil || *in.Secret == "" {
		f.Secret = newSecret()
	}
	if err := f.Normalize().Err(); err != nil {
		return model.Webhook{}, err
	}
	var w model.Webhook
	err = s.tx(ctx, func(tx *sql.Tx) error {
		now := ms(s.now())
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO webhooks (url, events, secret_enc, active, created_by, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING id`, f.URL, strings.Join(f.Events, ","), s.seal.Seal(f.Secret), f.Active, nullID(pr.UserID), now).Scan(&id); err != nil {
			return model.Internal(err)
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActWebhookCreate, ObjectType: "webhook", ObjectID: strconv.FormatInt(id, 10)}); err != nil {
			return err
		}
		var err error
		w, _, err = s.getWebhook(ctx, tx, id)
		return err
	})
	w.Secret = f.Secret
	if err != nil {
		w = model.Webhook{}
	}
	return w, err
}

// UpdateWebhook changes a webhook; a new secret is returned this once.
// Returns EUnauthenticated, EForbidden, ENotFound (also for the mail channel),
// EInvalid, EStaleVersion.
func (s *Store) UpdateWebhook(ctx context.Context, id int64, in model.WebhookInput) (_ model.Webhook, err error) {
	defer wrap(&err, "UpdateWebhook(%d)", id)
	if _, err := principal(ctx, auth.PermWebhookManage); err != nil {
		return model.Webhook{}, err
	}
	var w model.Webhook
	var f model.WebhookFields
	err = s.tx(ctx, func(tx *sql.Tx) error {
		cur, secret, err := s.managedWebhook(ctx, tx, id)
		if err != nil {
			return err
		}
		if in.Version != nil && *in.Version != cur.Version {
			return staleVersion()
		}
		f = model.WebhookFields{URL: cur.URL, Events: cur.Events, Secret: secret, Active: cur.Active}
		in.Apply(&f)
		if err := f.Normalize().Err(); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE webhooks SET url = $1, events = $2, secret_enc = $3, active = $4, version = version + 1, updated_at = $5
			WHERE id = $6 AND version = $7`, f.URL, strings.Join(f.Events, ","), s.seal.Seal(f.Secret), f.Active, ms(s.now()), id, cur.Version)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActWebhookUpdate, ObjectType: "webhook", ObjectID: strconv.FormatInt(id, 10)}); err != nil {
			return err
		}
		w, _, err = s.getWebhook(ctx, tx, id)
		return err
	})
	if err == nil && in.Secret != nil {
		w.Secret = f.Secret
	}
	return w, err
}

// DeleteWebhook removes a webhook and its deliveries.
// Returns EUnauthenticated, EForbidden, ENotFound (also for the mail channel), EStaleVersion.
func (s *Store) DeleteWebhook(ctx context.Context, id int64, version *int64) (err error) {
	defer wrap(&err, "DeleteWebhook(%d)", id)
	if _, err := principal(ctx, auth.PermWebhookManage); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		cur, _, err := s.managedWebhook(ctx, tx, id)
		if err != nil {
			return err
		}
		if version != nil && *version != cur.Version {
			return staleVersion()
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM webhooks WHERE id = $1", id); err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActWebhookDelete, ObjectType: "webhook", ObjectID: strconv.FormatInt(id, 10)})
	})
}

// --- deliveries ---

// deliveryPrincipal: the delivery worker runs as the system (auth.System());
// a sysadmin may act on deliveries too.
func deliveryPrincipal(ctx context.Context) error {
	_, err := principal(ctx, auth.PermWebhookManage)
	return err
}

// EnqueueDeliveries turns new outbox events into pending deliveries, one per
// active webhook subscribed to the event, and marks the events enqueued. It
// is idempotent: the pair (outbox, webhook) is unique, so a repeat after a
// crash or on another server adds nothing. Events no webhook wants are
// marked too. It returns how many deliveries it created.
// Returns EUnauthenticated, EForbidden for a caller without webhook.manage, EInternal.
func (s *Store) EnqueueDeliveries(ctx context.Context) (_ int, err error) {
	defer wrap(&err, "EnqueueDeliveries()")
	if err := deliveryPrincipal(ctx); err != nil {
		return 0, err
	}
	created := 0
	for {
		var done bool
		err := s.tx(ctx, func(tx *sql.Tx) error {
			hooks, err := activeHooks(ctx, tx)
			if err != nil {
				return err
			}
			rows, err := tx.QueryContext(ctx, "SELECT id, event, created_at FROM outbox WHERE enqueued_at = 0 ORDER BY id LIMIT 500")
			if err != nil {
				return model.Internal(err)
			}
			type ev struct {
				id, at int64
				event  string
			}
			var evs []ev
			for rows.Next() {
				var e ev
				if err := rows.Scan(&e.id, &e.event, &e.at); err != nil {
					rows.Close()
					return model.Internal(err)
				}
				evs = append(evs, e)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return model.Internal(err)
			}
			done = len(evs) < 500
			if len(evs) == 0 {
				return nil
			}
			now := ms(s.now())
			for _, e := range evs {
				for _, h := range hooks {
					if !h.wants(e.event) || e.at < h.created {
						continue
					}
					res, err := tx.ExecContext(ctx, `INSERT INTO deliveries (outbox_id, webhook_id, status, attempts, next_attempt_at, created_at)
						VALUES ($1, $2, 'pending', 0, $3, $3) ON CONFLICT (outbox_id, webhook_id) DO NOTHING`, e.id, h.id, now)
					if err != nil {
						return model.Internal(err)
					}
					n, _ := res.RowsAffected()
					created += int(n)
				}
			}
			// Mark exactly the events read: on PostgreSQL an event with a lower
			// id may commit after the SELECT, and a range would mark it unsent.
			a := args{now}
			ph := make([]string, len(evs))
			for i, e := range evs {
				ph[i] = a.add(e.id)
			}
			_, err = tx.ExecContext(ctx, "UPDATE outbox SET enqueued_at = $1 WHERE id IN ("+strings.Join(ph, ", ")+")", a...)
			if err != nil {
				return model.Internal(err)
			}
			return nil
		})
		if err != nil || done {
			return created, err
		}
	}
}

type hook struct {
	id, created int64
	events      []string
}

func (h hook) wants(event string) bool { return model.Contains(h.events, event) }

func activeHooks(ctx context.Context, q queryer) ([]hook, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, events, created_at FROM webhooks WHERE active = TRUE ORDER BY id")
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	var out []hook
	for rows.Next() {
		var h hook
		var events string
		if err := rows.Scan(&h.id, &events, &h.created); err != nil {
			return nil, model.Internal(err)
		}
		h.events = splitCare(events)
		out = append(out, h)
	}
	return out, rows.Err()
}

// DeliveryLease is how long a delivery handed out by DueDeliveries is held
// back from other workers; one not marked by then is handed out again.
const DeliveryLease = 2 * time.Minute

// DueDeliveries hands out up to limit pending deliveries due at now, oldest
// first, with the webhook's URL and secret and the event's payload (its
// outbox_id filled in). Each is claimed for DeliveryLease and its attempt
// counted, so two workers never post the same delivery at once; the worker
// then calls MarkDelivered or MarkDeliveryFailed. Deliveries of inactive
// webhooks wait.
// Returns EUnauthenticated, EForbidden for a caller without webhook.manage, EInternal.
func (s *Store) DueDeliveries(ctx context.Context, now time.Time, limit int) (_ []model.Delivery, err error) {
	defer wrap(&err, "DueDeliveries()")
	if err := deliveryPrincipal(ctx); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	var out []model.Delivery
	err = s.tx(ctx, func(tx *sql.Tx) error {
		out = nil
		rows, err := tx.QueryContext(ctx, `SELECT d.id, d.outbox_id, d.webhook_id, w.url, w.secret_enc, o.event, o.payload, d.status, d.attempts,
			d.next_attempt_at, d.last_error, d.created_at
			FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN outbox o ON o.id = d.outbox_id
			WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND w.active = TRUE ORDER BY d.next_attempt_at, d.id LIMIT $2`, ms(now), limit)
		if err != nil {
			return model.Internal(err)
		}
		var cands []model.Delivery
		for rows.Next() {
			var d model.Delivery
			var secret []byte
			var payload string
			var next, created int64
			if err := rows.Scan(&d.ID, &d.OutboxID, &d.WebhookID, &d.URL, &secret, &d.Event, &payload, &d.Status, &d.Attempts, &next, &d.LastError, &created); err != nil {
				rows.Close()
				return model.Internal(err)
			}
			if d.Secret, err = s.seal.Open(secret); err != nil {
				rows.Close()
				return model.Internal(err)
			}
			d.Payload = withOutboxID(payload, d.OutboxID)
			d.NextAttemptAt, d.CreatedAt = fromMS(next), fromMS(created)
			cands = append(cands, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return model.Internal(err)
		}
		lease := ms(now.Add(DeliveryLease))
		for _, d := range cands {
			res, err := tx.ExecContext(ctx, `UPDATE deliveries SET next_attempt_at = $1, attempts = attempts + 1
				WHERE id = $2 AND status = 'pending' AND next_attempt_at <= $3`, lease, d.ID, ms(now))
			if err != nil {
				return model.Internal(err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				d.Attempts++
				d.NextAttemptAt = fromMS(lease)
				out = append(out, d)
			}
		}
		return nil
	})
	return out, err
}

// withOutboxID adds the outbox id to a stored payload, so that a receiver can
// drop a repeated delivery.
func withOutboxID(payload string, id int64) json.RawMessage {
	var p model.OutboxPayload
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return json.RawMessage(payload)
	}
	p.OutboxID = id
	b, err := json.Marshal(p)
	if err != nil {
		return json.RawMessage(payload)
	}
	return b
}

// MarkDelivered records a successful delivery.
// Returns EUnauthenticated, EForbidden, ENotFound for an unknown or no longer pending delivery.
func (s *Store) MarkDelivered(ctx context.Context, id int64) (err error) {
	defer wrap(&err, "MarkDelivered(%d)", id)
	if err := deliveryPrincipal(ctx); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE deliveries SET status = 'delivered', delivered_at = $1, last_error = '' WHERE id = $2 AND status = 'pending'",
			ms(s.now()), id)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return model.NotFound("delivery")
		}
		return nil
	})
}

// MarkDeliveryFailed records a failed attempt: the delivery is tried again at
// nextAttemptAt, or, with a zero nextAttemptAt, given up (status failed). The
// error text is kept short; it must carry no personal data.
// Returns EUnauthenticated, EForbidden, ENotFound for an unknown or no longer pending delivery.
func (s *Store) MarkDeliveryFailed(ctx context.Context, id int64, cause string, nextAttemptAt time.Time) (err error) {
	defer wrap(&err, "MarkDeliveryFailed(%d)", id)
	if err := deliveryPrincipal(ctx); err != nil {
		return err
	}
	if r := []rune(cause); len(r) > 500 {
		cause = string(r[:500])
	}
	status, next := model.DeliveryPending, ms(nextAttemptAt)
	if nextAttemptAt.IsZero() {
		status, next = model.DeliveryFailed, 0
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE deliveries SET status = $1, next_attempt_at = $2, last_error = $3 WHERE id = $4 AND status = 'pending'",
			status, next, cause, id)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return model.NotFound("delivery")
		}
		return nil
	})
}

// ListDeliveries returns deliveries for the sysadmin's page, newest first
// (without secrets).
// Returns EUnauthenticated, EForbidden without webhook.manage.
func (s *Store) ListDeliveries(ctx context.Context, f model.DeliveryFilter) (_ model.List[model.Delivery], err error) {
	defer wrap(&err, "ListDeliveries()")
	out := model.List[model.Delivery]{Items: []model.Delivery{}}
	if _, err := principal(ctx, auth.PermWebhookManage); err != nil {
		return out, err
	}
	page := clampPage(f.Page)
	var a args
	cond := []string{"TRUE"}
	if f.WebhookID != 0 {
		cond = append(cond, "d.webhook_id = "+a.add(f.WebhookID))
	}
	if f.Status != "" {
		cond = append(cond, "d.status = "+a.add(f.Status))
	}
	where := strings.Join(cond, " AND ")
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM deliveries d WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT d.id, d.outbox_id, d.webhook_id, w.url, o.event, o.payload, d.status, d.attempts, d.next_attempt_at,
		d.last_error, d.delivered_at, d.created_at FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN outbox o ON o.id = d.outbox_id
		WHERE `+where+" ORDER BY d.id DESC LIMIT "+a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var d model.Delivery
		var payload string
		var next, delivered, created int64
		if err := rows.Scan(&d.ID, &d.OutboxID, &d.WebhookID, &d.URL, &d.Event, &payload, &d.Status, &d.Attempts, &next, &d.LastError, &delivered, &created); err != nil {
			return out, model.Internal(err)
		}
		d.Payload = json.RawMessage(payload)
		d.NextAttemptAt, d.DeliveredAt, d.CreatedAt = fromMS(next), optTime(delivered), fromMS(created)
		out.Items = append(out.Items, d)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, rows.Err()
}
