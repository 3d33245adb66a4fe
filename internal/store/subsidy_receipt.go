package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/benefit"
	"houdun/internal/model"
)

// receiptPrincipal is a caller who may see payments: finance in scope, or a
// worker their own.
func receiptPrincipal(ctx context.Context) (*auth.Principal, error) {
	pr, err := principal(ctx, auth.PermReceiptOwn)
	if err == nil || model.ErrorCode(err) != model.EForbidden {
		return pr, err
	}
	return principal(ctx, auth.PermEntitlementRead)
}

// FollowUpDays is the region's setting of days after payment past which an
// unconfirmed receipt is followed up.
func (s *Store) FollowUpDays(ctx context.Context, code string) (_ int, err error) {
	defer wrap(&err, "FollowUpDays(%s)", code)
	eff, err := effectiveSettings(ctx, s.read, code)
	if err != nil {
		return 0, err
	}
	return benefit.FollowUpDays(eff[benefit.SettingReceiptFollowUpDays].Value), nil
}

// ListReceipts returns payments (items of approved and paid batches): a
// worker's own, or for finance those of its scope, paid ones only, newest
// first; FollowUp keeps those paid at least Days days ago (the region's
// setting when 0) and still unconfirmed, oldest first. The read is audited.
// Returns EForbidden for other roles.
func (s *Store) ListReceipts(ctx context.Context, f model.ReceiptFilter) (_ model.List[model.PaymentItem], err error) {
	defer wrap(&err, "ListReceipts()")
	out := model.List[model.PaymentItem]{Items: []model.PaymentItem{}}
	pr, err := receiptPrincipal(ctx)
	if err != nil {
		return out, err
	}
	own := pr.Can(auth.PermReceiptOwn) && !pr.Can(auth.PermEntitlementRead)
	page := clampPageFor(ctx, f.Page)
	var a args
	where := scopeOf(pr).on("payment_items", "it", &a)
	if own {
		where += " AND b.status IN ('approved', 'paid')"
	} else {
		where += " AND b.status = 'paid'"
	}
	if f.BatchID != 0 {
		where += " AND it.batch_id = " + a.add(f.BatchID)
	}
	if f.RegionCode != "" {
		where += " AND " + regionRange("it.region_code", f.RegionCode, &a)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		where += " AND p.name LIKE " + a.add(likePattern(q)) + ` ESCAPE '\'`
	}
	if f.Confirmed != nil {
		if *f.Confirmed {
			where += " AND it.confirmed_at <> 0"
		} else {
			where += " AND it.confirmed_at = 0"
		}
	}
	order := " ORDER BY it.id DESC"
	days := f.Days
	if f.FollowUp {
		if days <= 0 {
			code := f.RegionCode
			if code == "" {
				code = pr.RegionCode
			}
			if days, err = s.FollowUpDays(ctx, code); err != nil {
				return out, err
			}
		}
		where += " AND b.status = 'paid' AND it.confirmed_at = 0 AND b.paid_at <= " + a.add(ms(s.now())-int64(days)*86_400_000)
		order = " ORDER BY b.paid_at, it.id"
	}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+itemFrom+"WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	if out.Items, err = s.items(ctx, pr, where+order+" LIMIT "+a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a, false, own); err != nil {
		return out, err
	}
	now := s.now()
	for i := range out.Items {
		it := &out.Items[i]
		if it.PaidAt != nil && it.ConfirmedAt == nil {
			it.DaysUnconfirmed = int(now.Sub(*it.PaidAt).Hours() / 24)
		}
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	var d readDetail
	d.add("batch", f.BatchID)
	d.add("region", f.RegionCode)
	d.add("follow_up", f.FollowUp)
	d.add("days", days)
	d.add("confirmed", f.Confirmed)
	d.set("q", f.Q)
	return out, s.auditList(ctx, pr, nil, ActReceiptList, "receipt", d, len(out.Items), out.Total, page)
}

// ConfirmReceipt records that a worker received a payment of a paid batch:
// their own only. Confirming again changes nothing.
// Returns ENotFound (not theirs, or not paid yet), EForbidden without receipt.own.
func (s *Store) ConfirmReceipt(ctx context.Context, itemID int64) (_ model.PaymentItem, err error) {
	defer wrap(&err, "ConfirmReceipt(%d)", itemID)
	pr, err := principal(ctx, auth.PermReceiptOwn)
	if err != nil {
		return model.PaymentItem{}, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var a args
		var confirmed int64
		var status string
		err := tx.QueryRowContext(ctx, "SELECT it.confirmed_at, b.status FROM payment_items it JOIN payment_batches b ON b.id = it.batch_id WHERE it.id = "+
			a.add(itemID)+" AND "+scopeOf(pr).on("payment_items", "it", &a), a...).Scan(&confirmed, &status)
		if err == sql.ErrNoRows || (err == nil && status != model.PaymentStatusPaid) {
			return model.NotFound("receipt")
		}
		if err != nil {
			return model.Internal(err)
		}
		if confirmed != 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "UPDATE payment_items SET confirmed_at = $1 WHERE id = $2 AND confirmed_at = 0", ms(s.now()), itemID); err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActReceiptConfirm, ObjectType: "receipt", ObjectID: strconv.FormatInt(itemID, 10)})
	})
	if err != nil {
		return model.PaymentItem{}, err
	}
	var a args
	items, err := s.items(ctx, pr, "it.id = "+a.add(itemID)+" AND "+scopeOf(pr).on("payment_items", "it", &a), a, false, true)
	if err != nil || len(items) == 0 {
		return model.PaymentItem{}, model.NotFound("receipt")
	}
	return items[0], nil
}

// SubsidyStats counts the people and sums of the caller's scope (and
// region): entitled (every line), approved (items of approved and paid
// batches), paid and confirmed. For a role that sees aggregates only (a
// leader) a count of 1–4 people and its sum are hidden.
// Returns EForbidden without entitlement.read or aggregate.read.
func (s *Store) SubsidyStats(ctx context.Context, code string) (_ model.SubsidyStats, err error) {
	defer wrap(&err, "SubsidyStats()")
	var st model.SubsidyStats
	pr := auth.FromContext(ctx)
	if pr == nil {
		return st, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	if _, err := principal(ctx, auth.PermEntitlementRead); err != nil {
		if _, err2 := principal(ctx, auth.PermAggregateRead); err2 != nil {
			return st, err
		}
	}
	suppress := !pr.Can(auth.PermEntitlementRead)
	var a args
	ew := scopeOf(pr).on("entitlements", "e", &a)
	if code != "" {
		ew += " AND " + regionRange("e.region_code", code, &a)
	}
	var n [4]int
	var sum [4]int64
	if err := s.scan.QueryRowContext(ctx, "SELECT COUNT(DISTINCT e.person_id), COALESCE(SUM(e.amount_fen), 0) FROM entitlements e WHERE "+ew, a...).
		Scan(&n[0], &sum[0]); err != nil {
		return st, model.Internal(err)
	}
	var b args
	iw := scopeOf(pr).on("payment_items", "it", &b)
	if code != "" {
		iw += " AND " + regionRange("it.region_code", code, &b)
	}
	if err := s.scan.QueryRowContext(ctx, `SELECT
		COUNT(DISTINCT CASE WHEN pb.status IN ('approved', 'paid') THEN it.person_id END),
		COALESCE(SUM(CASE WHEN pb.status IN ('approved', 'paid') THEN it.amount_fen END), 0),
		COUNT(DISTINCT CASE WHEN pb.status = 'paid' THEN it.person_id END),
		COALESCE(SUM(CASE WHEN pb.status = 'paid' THEN it.amount_fen END), 0),
		COUNT(DISTINCT CASE WHEN pb.status = 'paid' AND it.confirmed_at <> 0 THEN it.person_id END),
		COALESCE(SUM(CASE WHEN pb.status = 'paid' AND it.confirmed_at <> 0 THEN it.amount_fen END), 0)
		FROM payment_items it JOIN payment_batches pb ON pb.id = it.batch_id WHERE `+iw, b...).
		Scan(&n[1], &sum[1], &n[2], &sum[2], &n[3], &sum[3]); err != nil {
		return st, model.Internal(err)
	}
	fig := func(i int) (model.Count, *model.Fen) {
		c := model.Count(n[i])
		if suppress {
			c = c.Suppress()
		}
		if c.IsSuppressed() {
			return c, nil
		}
		f := model.Fen(sum[i])
		return c, &f
	}
	st.EntitledPeople, st.EntitledFen = fig(0)
	st.ApprovedPeople, st.ApprovedFen = fig(1)
	st.PaidPeople, st.PaidFen = fig(2)
	st.ConfirmedPeople, st.ConfirmedFen = fig(3)
	return st, nil
}
