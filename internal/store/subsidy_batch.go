package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"houdun/internal/auth"
	"houdun/internal/benefit"
	"houdun/internal/ident"
	"houdun/internal/model"
)

// hashBankAccount is the keyed-hash kind of bank account numbers.
const hashBankAccount = "bank_account"

// MaxBatchName bounds a batch's name.
const MaxBatchName = 100

// normalizeAccount keeps the digits of an account number typed with spaces
// or dashes; ok is false for anything but 8 to 32 digits.
func normalizeAccount(s string) (string, bool) {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c)
		case c == ' ' || c == '-':
		default:
			return "", false
		}
	}
	n := b.Len()
	return b.String(), n >= 8 && n <= 32
}

// SetBankAccount records (or replaces) the bank account of a person in the
// caller's scope, sealed and hashed; a batch drafted earlier keeps the
// account it was drafted with.
// Returns EForbidden without bank_account.write, ENotFound, EInvalid (bank_name, account), EStaleVersion.
func (s *Store) SetBankAccount(ctx context.Context, personID int64, in model.BankAccountInput) (_ model.BankAccount, err error) {
	defer wrap(&err, "SetBankAccount(%d)", personID)
	pr, err := principal(ctx, auth.PermBankAccountWrite)
	if err != nil {
		return model.BankAccount{}, err
	}
	fe := model.FieldErrors{}
	bank := strings.TrimSpace(in.BankName)
	switch {
	case bank == "":
		fe.Add("bank_name", "field.required")
	case utf8.RuneCountInString(bank) > 100:
		fe.Add("bank_name", "field.too_long", 100)
	}
	account, ok := normalizeAccount(in.Account)
	if !ok {
		fe.Add("account", "bank_account.format")
	}
	if err := fe.Err(); err != nil {
		return model.BankAccount{}, err
	}
	var out model.BankAccount
	err = s.tx(ctx, func(tx *sql.Tx) error {
		// unscoped: the person is read in scope first; the account is theirs.
		p, err := s.getPerson(ctx, tx, pr, personID, false)
		if err != nil {
			return err
		}
		now := ms(s.now())
		var version int64
		err = tx.QueryRowContext(ctx, "SELECT version FROM bank_accounts WHERE person_id = $1", personID).Scan(&version)
		switch {
		case err == sql.ErrNoRows:
			if _, err := tx.ExecContext(ctx, `INSERT INTO bank_accounts (person_id, region_code, institution_id, bank_name, account_enc, account_hash, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, personID, p.RegionCode, p.InstitutionID, bank, s.seal.Seal(account),
				s.seal.Hash(hashBankAccount, account), now); err != nil {
				return model.Internal(err)
			}
		case err != nil:
			return model.Internal(err)
		default:
			if in.Version != nil && *in.Version != version {
				return staleVersion()
			}
			if _, err := tx.ExecContext(ctx, `UPDATE bank_accounts SET region_code = $1, institution_id = $2, bank_name = $3, account_enc = $4,
				account_hash = $5, version = version + 1, updated_at = $6 WHERE person_id = $7`, p.RegionCode, p.InstitutionID, bank,
				s.seal.Seal(account), s.seal.Hash(hashBankAccount, account), now, personID); err != nil {
				return model.Internal(err)
			}
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActBankAccountSet, ObjectType: "person", ObjectID: strconv.FormatInt(personID, 10)}); err != nil {
			return err
		}
		out, err = s.bankAccount(ctx, tx, pr, personID)
		return err
	})
	return out, err
}

func (s *Store) bankAccount(ctx context.Context, q queryer, pr *auth.Principal, personID int64) (model.BankAccount, error) {
	var a args
	var ba model.BankAccount
	var enc []byte
	var updated int64
	err := q.QueryRowContext(ctx, `SELECT b.person_id, p.name, b.bank_name, b.account_enc, b.version, b.updated_at FROM bank_accounts b
		JOIN people p ON p.id = b.person_id WHERE b.person_id = `+a.add(personID)+" AND "+scopeOf(pr).on("bank_accounts", "b", &a), a...).
		Scan(&ba.PersonID, &ba.PersonName, &ba.BankName, &enc, &ba.Version, &updated)
	if err == sql.ErrNoRows {
		return ba, model.NotFound("bank_account")
	}
	if err != nil {
		return ba, model.Internal(err)
	}
	ba.UpdatedAt = fromMS(updated)
	if acc, err := s.seal.Open(enc); err == nil {
		ba.AccountMasked = ident.MaskBankAccount(acc)
	}
	return ba, nil
}

// GetBankAccount returns a person's account, masked; the read is audited.
// Returns ENotFound when the person has none or is out of scope.
func (s *Store) GetBankAccount(ctx context.Context, personID int64) (_ model.BankAccount, err error) {
	defer wrap(&err, "GetBankAccount(%d)", personID)
	pr, err := principal(ctx, auth.PermEntitlementRead)
	if err != nil {
		return model.BankAccount{}, err
	}
	ba, err := s.bankAccount(ctx, s.read, pr, personID)
	return ba, s.auditRead(ctx, pr, err, ActBankAccountRead, "person", personID, "")
}

const payBatchColumns = `b.id, b.region_code, b.name, b.status, b.total_fen, b.item_count, b.line_count, b.drafted_by, b.drafted_by_name,
	b.approved_by_name, b.approved_at, b.exported_at, b.paid_by_name, b.paid_at, b.version, b.created_at, b.updated_at,
	(SELECT COUNT(*) FROM payment_items it WHERE it.batch_id = b.id AND it.confirmed_at <> 0)`

func (s *Store) scanPayBatch(pr *auth.Principal, row interface{ Scan(...any) error }) (model.PaymentBatch, int64, error) {
	var b model.PaymentBatch
	var drafter sql.NullInt64
	var approved, exported, paid, created, updated int64
	err := row.Scan(&b.ID, &b.RegionCode, &b.Name, &b.Status, &b.TotalFen, &b.ItemCount, &b.LineCount, &drafter, &b.DraftedByName,
		&b.ApprovedByName, &approved, &exported, &b.PaidByName, &paid, &b.Version, &created, &updated, &b.Confirmed)
	b.ApprovedAt, b.ExportedAt, b.PaidAt, b.CreatedAt, b.UpdatedAt = optTime(approved), optTime(exported), optTime(paid), fromMS(created), fromMS(updated)
	b.CanApprove = b.Status == model.PaymentStatusDraft && benefit.MayApprove(pr, drafter.Int64)
	return b, drafter.Int64, err
}

func (s *Store) getPayBatch(ctx context.Context, q queryer, pr *auth.Principal, id int64) (model.PaymentBatch, int64, error) {
	var a args
	b, drafter, err := s.scanPayBatch(pr, q.QueryRowContext(ctx, "SELECT "+payBatchColumns+" FROM payment_batches b WHERE b.id = "+a.add(id)+" AND "+
		scopeOf(pr).on("payment_batches", "b", &a), a...))
	if err == sql.ErrNoRows {
		return b, 0, model.NotFound("payment_batch")
	}
	if err != nil {
		return b, 0, model.Internal(err)
	}
	return b, drafter, nil
}

// ListPaymentBatches returns the batches of the caller's scope, newest first.
// Returns EForbidden without entitlement.read.
func (s *Store) ListPaymentBatches(ctx context.Context, f model.PaymentBatchFilter) (_ model.List[model.PaymentBatch], err error) {
	defer wrap(&err, "ListPaymentBatches()")
	out := model.List[model.PaymentBatch]{Items: []model.PaymentBatch{}}
	pr, err := principal(ctx, auth.PermEntitlementRead)
	if err != nil {
		return out, err
	}
	page := clampPage(f.Page)
	var a args
	where := scopeOf(pr).on("payment_batches", "b", &a)
	if f.Status != "" {
		where += " AND b.status = " + a.add(f.Status)
	}
	if f.RegionCode != "" {
		where += " AND " + regionRange("b.region_code", f.RegionCode, &a)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		where += " AND b.name LIKE " + a.add(likePattern(q)) + ` ESCAPE '\'`
	}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM payment_batches b WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+payBatchColumns+" FROM payment_batches b WHERE "+where+" ORDER BY b.id DESC LIMIT "+
		a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		b, _, err := s.scanPayBatch(pr, rows)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, b)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, rows.Err()
}

// GetPaymentBatch returns one batch of the caller's scope. Returns ENotFound.
func (s *Store) GetPaymentBatch(ctx context.Context, id int64) (_ model.PaymentBatch, err error) {
	defer wrap(&err, "GetPaymentBatch(%d)", id)
	pr, err := principal(ctx, auth.PermEntitlementRead)
	if err != nil {
		return model.PaymentBatch{}, err
	}
	b, _, err := s.getPayBatch(ctx, s.read, pr, id)
	return b, err
}

// openLine is an open entitlement a draft may take.
type openLine struct {
	id, personID, institutionID int64
	regionCode                  string
	amount                      model.Fen
}

// DraftPaymentBatch drafts a batch of the open entitlements of a region (and
// optionally a month, kind or institution): one item per person whose lines
// add up to more than nothing, with the person's bank account as it is now.
// People without an account are left out (counted in Skipped) and their
// lines stay open. Two drafts never take the same entitlement: the database
// refuses a second line of it.
// Returns EForbidden without payment.draft, EInvalid (name, region_code,
// month, kind, institution_id; payment_batch.empty when nothing is owed).
func (s *Store) DraftPaymentBatch(ctx context.Context, in model.PaymentDraft) (_ model.PaymentBatch, err error) {
	defer wrap(&err, "DraftPaymentBatch()")
	pr, err := principal(ctx, auth.PermPaymentDraft)
	if err != nil {
		return model.PaymentBatch{}, err
	}
	in.Name = strings.TrimSpace(in.Name)
	code, fe := s.computeScope(ctx, pr, strings.TrimSpace(in.RegionCode), in.InstitutionID)
	switch {
	case in.Name == "":
		fe.Add("name", "field.required")
	case utf8.RuneCountInString(in.Name) > MaxBatchName:
		fe.Add("name", "field.too_long", MaxBatchName)
	}
	if _, _, ok := benefit.Month(in.Month); in.Month != "" && !ok {
		fe.Add("month", "benefit.month")
	}
	if in.Kind != "" && !model.Contains(model.BenefitKinds, in.Kind) {
		fe.Add("kind", "field.choice")
	}
	if err := fe.Err(); err != nil {
		return model.PaymentBatch{}, err
	}
	var out model.PaymentBatch
	err = s.tx(ctx, func(tx *sql.Tx) error {
		f := model.EntitlementFilter{Month: in.Month, Kind: in.Kind, Status: model.EntitlementOpen, RegionCode: code, InstitutionID: in.InstitutionID}
		var a args
		rows, err := tx.QueryContext(ctx, "SELECT e.id, e.person_id, e.institution_id, e.region_code, e.amount_fen"+entitlementFrom+"WHERE "+
			entitlementWhere(pr, f, &a)+" ORDER BY e.person_id, e.id", a...)
		if err != nil {
			return model.Internal(err)
		}
		var lines []openLine
		for rows.Next() {
			var l openLine
			if err := rows.Scan(&l.id, &l.personID, &l.institutionID, &l.regionCode, &l.amount); err != nil {
				rows.Close()
				return model.Internal(err)
			}
			lines = append(lines, l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return model.Internal(err)
		}
		// People and their sums, in person order.
		type person struct {
			lines []openLine
			sum   model.Fen
		}
		var order []int64
		byPerson := map[int64]*person{}
		for _, l := range lines {
			p := byPerson[l.personID]
			if p == nil {
				p = &person{}
				byPerson[l.personID] = p
				order = append(order, l.personID)
			}
			p.lines = append(p.lines, l)
			p.sum += l.amount
		}
		now := ms(s.now())
		var by sql.NullInt64
		if pr.UserID != 0 {
			by = sql.NullInt64{Int64: pr.UserID, Valid: true}
		}
		var batchID int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO payment_batches (region_code, name, status, drafted_by, drafted_by_name, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, code, in.Name, model.PaymentStatusDraft, by, pr.Username, now).Scan(&batchID); err != nil {
			return model.Internal(err)
		}
		var total model.Fen
		items, count, skipped := 0, 0, 0
		for _, pid := range order {
			p := byPerson[pid]
			if p.sum <= 0 {
				continue // nothing owed on balance: the lines wait for the next batch
			}
			var bank string
			var enc []byte
			err := tx.QueryRowContext(ctx, "SELECT bank_name, account_enc FROM bank_accounts WHERE person_id = $1", pid).Scan(&bank, &enc)
			if err == sql.ErrNoRows {
				skipped++
				continue
			}
			if err != nil {
				return model.Internal(err)
			}
			first := p.lines[len(p.lines)-1]
			var itemID int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO payment_items (batch_id, person_id, region_code, institution_id, amount_fen, bank_name, account_enc, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, batchID, pid, first.regionCode, first.institutionID, int64(p.sum), bank, enc, now).Scan(&itemID); err != nil {
				return model.Internal(err)
			}
			for _, l := range p.lines {
				if _, err := tx.ExecContext(ctx, "INSERT INTO payment_lines (batch_id, item_id, entitlement_id, amount_fen) VALUES ($1, $2, $3, $4)",
					batchID, itemID, l.id, int64(l.amount)); err != nil {
					if isUniqueViolation(err) {
						return model.Errorf(model.EConflict, "payment_batch.taken")
					}
					return model.Internal(err)
				}
				count++
			}
			total += p.sum
			items++
		}
		if items == 0 {
			return &model.Error{Code: model.EInvalid, Msg: model.M("payment_batch.empty", skipped)}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE payment_batches SET total_fen = $1, item_count = $2, line_count = $3 WHERE id = $4",
			int64(total), items, count, batchID); err != nil {
			return model.Internal(err)
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActBatchDraft, ObjectType: "payment_batch", ObjectID: strconv.FormatInt(batchID, 10),
			Detail: "region=" + code + " month=" + in.Month + " items=" + strconv.Itoa(items) + " lines=" + strconv.Itoa(count) +
				" total_fen=" + strconv.FormatInt(int64(total), 10) + " skipped=" + strconv.Itoa(skipped)}); err != nil {
			return err
		}
		out, _, err = s.getPayBatch(ctx, tx, pr, batchID)
		out.Skipped = skipped
		return err
	})
	return out, err
}

// DiscardPaymentBatch deletes a draft; its entitlements are open again.
// Returns ENotFound, EForbidden without payment.draft, EConflict when no longer a draft.
func (s *Store) DiscardPaymentBatch(ctx context.Context, id int64) (err error) {
	defer wrap(&err, "DiscardPaymentBatch(%d)", id)
	pr, err := principal(ctx, auth.PermPaymentDraft)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		// unscoped: the batch is read in scope first (getPayBatch).
		b, _, err := s.getPayBatch(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if b.Status != model.PaymentStatusDraft {
			return model.Errorf(model.EConflict, "payment_batch.frozen")
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM payment_batches WHERE id = $1 AND status = $2", id, model.PaymentStatusDraft)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return model.Errorf(model.EConflict, "payment_batch.frozen")
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActBatchDiscard, ObjectType: "payment_batch", ObjectID: strconv.FormatInt(id, 10),
			Detail: "total_fen=" + strconv.FormatInt(int64(b.TotalFen), 10)})
	})
}

// reconcileBatch checks that a batch's total is the sum of its lines and of
// its items, to the fen.
func reconcileBatch(ctx context.Context, tx queryer, id int64, total model.Fen) error {
	// unscoped: the batch was read in scope by the caller.
	var lines, items int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT SUM(amount_fen) FROM payment_lines WHERE batch_id = $1), 0),
		COALESCE((SELECT SUM(amount_fen) FROM payment_items WHERE batch_id = $1), 0)`, id).Scan(&lines, &items); err != nil {
		return model.Internal(err)
	}
	if model.Fen(lines) != total || model.Fen(items) != total {
		return model.Internal(errors.New("payment batch " + strconv.FormatInt(id, 10) + " does not reconcile: total " + total.Plain() +
			", lines " + model.Fen(lines).Plain() + ", items " + model.Fen(items).Plain()))
	}
	return nil
}

// Idempotency is the key and fingerprint of a paying call; an empty Key
// runs the call as it is.
type Idempotency struct {
	Key         string
	Fingerprint string // hash of method, path and body
}

// Fingerprint hashes a request's parts for Idempotency.
func Fingerprint(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(strconv.Itoa(len(p)) + ":" + p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// MaxIdempotencyKey bounds an Idempotency-Key.
const MaxIdempotencyKey = 200

var errKeyTaken = errors.New("idempotency key taken")

// idempotent runs fn in a write transaction at most once per account and
// key: the first success's answer (the JSON of what fn returns) is stored
// in the same transaction, and every repeat gets it back (replayed true)
// without running fn. A repeat running at the same moment waits on the
// key's unique index and then replays. A key reused for another request is
// refused; a failure stores nothing, so the key may be used again.
func (s *Store) idempotent(ctx context.Context, pr *auth.Principal, idem Idempotency, out any, fn func(tx *sql.Tx) (any, error)) (bool, error) {
	store := func(v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return model.Internal(err)
		}
		return json.Unmarshal(b, out)
	}
	if idem.Key == "" || pr.UserID == 0 {
		return false, s.tx(ctx, func(tx *sql.Tx) error {
			v, err := fn(tx)
			if err != nil {
				return err
			}
			return store(v)
		})
	}
	if len(idem.Key) > MaxIdempotencyKey {
		return false, model.Errorf(model.EInvalid, "idempotency.key_too_long", MaxIdempotencyKey)
	}
	for attempt := 0; attempt < 5; attempt++ {
		var fp, body string
		err := s.write.QueryRowContext(ctx, "SELECT fingerprint, body FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2", pr.UserID, idem.Key).Scan(&fp, &body)
		if err == nil {
			if fp != idem.Fingerprint {
				return false, model.Errorf(model.EConflict, "idempotency.key_reused")
			}
			if err := json.Unmarshal([]byte(body), out); err != nil {
				return false, model.Internal(err)
			}
			return true, nil
		}
		if err != sql.ErrNoRows {
			return false, model.Internal(err)
		}
		err = s.tx(ctx, func(tx *sql.Tx) error {
			now := ms(s.now())
			if _, err := tx.ExecContext(ctx, "INSERT INTO idempotency_keys (user_id, idem_key, fingerprint, status, body, created_at) VALUES ($1, $2, $3, 0, '', $4)",
				pr.UserID, idem.Key, idem.Fingerprint, now); err != nil {
				if isUniqueViolation(err) {
					return errKeyTaken
				}
				return model.Internal(err)
			}
			v, err := fn(tx)
			if err != nil {
				return err
			}
			b, err := json.Marshal(v)
			if err != nil {
				return model.Internal(err)
			}
			if _, err := tx.ExecContext(ctx, "UPDATE idempotency_keys SET status = 200, body = $1 WHERE user_id = $2 AND idem_key = $3",
				string(b), pr.UserID, idem.Key); err != nil {
				return model.Internal(err)
			}
			return json.Unmarshal(b, out)
		})
		if errors.Is(err, errKeyTaken) {
			continue
		}
		return false, err
	}
	return false, model.Errorf(model.EConflict, "idempotency.busy")
}

// denyApproval records a refused approval (the drafter, or a role that may
// not approve) and returns the refusal.
func (s *Store) denyApproval(ctx context.Context, id int64, reason string) error {
	if err := s.Audit(ctx, ActDenied, "payment_batch", strconv.FormatInt(id, 10), model.OutcomeDenied, reason); err != nil {
		return err
	}
	return model.Errorf(model.EForbidden, "payment_batch.four_eyes")
}

// ApprovePaymentBatch approves a draft: another account than the one that
// drafted it (four eyes; the refusal is audited), after checking that its
// total is the sum of its lines. Approval freezes it.
// Returns ENotFound, EForbidden (payment.approve, or the drafter), EConflict
// when not a draft, EStaleVersion. With an idempotency key, a repeat gets the
// first answer (replayed true).
func (s *Store) ApprovePaymentBatch(ctx context.Context, id int64, act model.PaymentBatchAction, idem Idempotency) (_ model.PaymentBatch, replayed bool, err error) {
	defer wrap(&err, "ApprovePaymentBatch(%d)", id)
	pr, err := principal(ctx, auth.PermPaymentApprove)
	if err != nil {
		return model.PaymentBatch{}, false, err
	}
	var out model.PaymentBatch
	var denied bool
	replayed, err = s.idempotent(ctx, pr, idem, &out, func(tx *sql.Tx) (any, error) {
		// unscoped: the batch is read in scope first (getPayBatch).
		b, drafter, err := s.getPayBatch(ctx, tx, pr, id)
		if err != nil {
			return nil, err
		}
		if !benefit.MayApprove(pr, drafter) {
			denied = true
			return nil, model.Errorf(model.EForbidden, "payment_batch.four_eyes")
		}
		if act.Version != nil && *act.Version != b.Version {
			return nil, staleVersion()
		}
		if b.Status != model.PaymentStatusDraft {
			return nil, model.Errorf(model.EConflict, "payment_batch.frozen")
		}
		if err := reconcileBatch(ctx, tx, id, b.TotalFen); err != nil {
			return nil, err
		}
		now := ms(s.now())
		var by sql.NullInt64
		if pr.UserID != 0 {
			by = sql.NullInt64{Int64: pr.UserID, Valid: true}
		}
		res, err := tx.ExecContext(ctx, `UPDATE payment_batches SET status = $1, approved_by = $2, approved_by_name = $3, approved_at = $4,
			version = version + 1, updated_at = $4 WHERE id = $5 AND status = $6 AND version = $7`,
			model.PaymentStatusApproved, by, pr.Username, now, id, model.PaymentStatusDraft, b.Version)
		if err != nil {
			return nil, model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil, staleVersion()
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActBatchApprove, ObjectType: "payment_batch", ObjectID: strconv.FormatInt(id, 10),
			Detail: "total_fen=" + strconv.FormatInt(int64(b.TotalFen), 10) + " items=" + strconv.Itoa(b.ItemCount)}); err != nil {
			return nil, err
		}
		nb, _, err := s.getPayBatch(ctx, tx, pr, id)
		return nb, err
	})
	if denied {
		return out, false, s.denyApproval(ctx, id, "drafter")
	}
	return out, replayed, err
}

// MarkPaymentBatchPaid records that the bank paid an approved batch whose
// file was exported. A batch is paid once: with an idempotency key a repeat
// gets the first answer (replayed true), without one it answers EConflict.
// Returns ENotFound, EForbidden without payment.export, EConflict (not
// approved, not exported, paid already), EStaleVersion.
func (s *Store) MarkPaymentBatchPaid(ctx context.Context, id int64, act model.PaymentBatchAction, idem Idempotency) (_ model.PaymentBatch, replayed bool, err error) {
	defer wrap(&err, "MarkPaymentBatchPaid(%d)", id)
	pr, err := principal(ctx, auth.PermPaymentExport)
	if err != nil {
		return model.PaymentBatch{}, false, err
	}
	var out model.PaymentBatch
	replayed, err = s.idempotent(ctx, pr, idem, &out, func(tx *sql.Tx) (any, error) {
		// unscoped: the batch is read in scope first (getPayBatch).
		b, _, err := s.getPayBatch(ctx, tx, pr, id)
		if err != nil {
			return nil, err
		}
		if act.Version != nil && *act.Version != b.Version {
			return nil, staleVersion()
		}
		switch {
		case b.Status == model.PaymentStatusPaid:
			return nil, model.Errorf(model.EConflict, "payment_batch.paid_already")
		case b.Status != model.PaymentStatusApproved:
			return nil, model.Errorf(model.EConflict, "payment_batch.not_approved")
		case b.ExportedAt == nil:
			return nil, model.Errorf(model.EConflict, "payment_batch.not_exported")
		}
		if err := reconcileBatch(ctx, tx, id, b.TotalFen); err != nil {
			return nil, err
		}
		now := ms(s.now())
		res, err := tx.ExecContext(ctx, `UPDATE payment_batches SET status = $1, paid_by_name = $2, paid_at = $3, version = version + 1, updated_at = $3
			WHERE id = $4 AND status = $5 AND version = $6`, model.PaymentStatusPaid, pr.Username, now, id, model.PaymentStatusApproved, b.Version)
		if err != nil {
			return nil, model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil, model.Errorf(model.EConflict, "payment_batch.paid_already")
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActBatchPaid, ObjectType: "payment_batch", ObjectID: strconv.FormatInt(id, 10),
			Detail: "total_fen=" + strconv.FormatInt(int64(b.TotalFen), 10) + " items=" + strconv.Itoa(b.ItemCount)}); err != nil {
			return nil, err
		}
		nb, _, err := s.getPayBatch(ctx, tx, pr, id)
		return nb, err
	})
	return out, replayed, err
}

const itemColumns = `it.id, it.batch_id, b.name, b.status, it.person_id, p.name, p.id_number_enc, it.region_code, i.name, it.amount_fen,
	it.bank_name, it.account_enc, b.paid_at, it.confirmed_at`

const itemFrom = ` FROM payment_items it JOIN payment_batches b ON b.id = it.batch_id JOIN people p ON p.id = it.person_id
	JOIN institutions i ON i.id = it.institution_id `

// scanItem reads a row of itemColumns; the account is opened only for the
// bank file (full) and masked otherwise.
func (s *Store) scanItem(row interface{ Scan(...any) error }, full bool) (model.PaymentItem, error) {
	var it model.PaymentItem
	var idEnc, accEnc []byte
	var paid, confirmed int64
	err := row.Scan(&it.ID, &it.BatchID, &it.BatchName, &it.BatchStatus, &it.PersonID, &it.PersonName, &idEnc, &it.RegionCode, &it.Institution,
		&it.AmountFen, &it.BankName, &accEnc, &paid, &confirmed)
	if err != nil {
		return it, err
	}
	it.PaidAt, it.ConfirmedAt = optTime(paid), optTime(confirmed)
	if it.BatchStatus != model.PaymentStatusPaid {
		it.PaidAt = nil
	}
	if id, err := s.seal.Open(idEnc); err == nil {
		it.IDNumberMasked = ident.MaskIDNumber(id)
	}
	if acc, err := s.seal.Open(accEnc); err == nil {
		it.AccountMasked = ident.MaskBankAccount(acc)
		if full {
			it.BankAccount = acc
		}
	}
	return it, nil
}

// ListBatchItems returns the items of a batch of the caller's scope with
// their lines, accounts masked; the read is audited.
// Returns ENotFound.
func (s *Store) ListBatchItems(ctx context.Context, batchID int64, page model.Page) (_ model.List[model.PaymentItem], err error) {
	defer wrap(&err, "ListBatchItems(%d)", batchID)
	out := model.List[model.PaymentItem]{Items: []model.PaymentItem{}}
	pr, err := principal(ctx, auth.PermEntitlementRead)
	if err != nil {
		return out, err
	}
	if _, _, err := s.getPayBatch(ctx, s.read, pr, batchID); err != nil {
		return out, s.auditRead(ctx, pr, err, ActBatchRead, "payment_batch", batchID, "")
	}
	page = clampPageFor(ctx, page)
	var a args
	where := "it.batch_id = " + a.add(batchID) + " AND " + scopeOf(pr).on("payment_items", "it", &a)
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+itemFrom+"WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	if out.Items, err = s.items(ctx, pr, where+" ORDER BY it.id LIMIT "+a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a, false, true); err != nil {
		return out, err
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, s.auditRead(ctx, pr, nil, ActBatchRead, "payment_batch", batchID, "items="+strconv.Itoa(len(out.Items)))
}

// items reads items under a condition on alias it (scoped by the caller),
// with their lines when withLines.
func (s *Store) items(ctx context.Context, pr *auth.Principal, where string, a args, full, withLines bool) ([]model.PaymentItem, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT "+itemColumns+itemFrom+"WHERE "+where, a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	out := []model.PaymentItem{}
	idx := map[int64]int{}
	for rows.Next() {
		it, err := s.scanItem(rows, full)
		if err != nil {
			rows.Close()
			return nil, model.Internal(err)
		}
		idx[it.ID] = len(out)
		out = append(out, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	if !withLines || len(out) == 0 {
		return out, nil
	}
	var la args
	ph := make([]string, 0, len(out))
	for _, it := range out {
		ph = append(ph, la.add(it.ID))
	}
	lrows, err := s.read.QueryContext(ctx, "SELECT pl.item_id, "+entitlementColumns+entitlementFrom+"WHERE pl.item_id IN ("+strings.Join(ph, ", ")+") AND "+
		scopeOf(pr).on("entitlements", "e", &la)+" ORDER BY e.line_key, e.seq", la...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer lrows.Close()
	for lrows.Next() {
		var itemID int64
		var e model.Entitlement
		row := scanFunc(func(dest ...any) error { return lrows.Scan(append([]any{&itemID}, dest...)...) })
		if e, err = s.scanEntitlement(row); err != nil {
			return nil, model.Internal(err)
		}
		if i, ok := idx[itemID]; ok {
			out[i].Lines = append(out[i].Lines, e)
		}
	}
	return out, lrows.Err()
}

// scanFunc adapts a function to the Scan of a row.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// ExportPaymentBatch hands fn every item of an approved (or paid) batch with
// the full bank account, for the bank file; the export is audited with one
// row and the first one stamps the batch exported.
// Returns ENotFound, EForbidden without payment.export, EConflict for a draft.
func (s *Store) ExportPaymentBatch(ctx context.Context, id int64, format string, fn func(b model.PaymentBatch, it model.PaymentItem) error) (_ model.PaymentBatch, err error) {
	defer wrap(&err, "ExportPaymentBatch(%d)", id)
	pr, err := principal(ctx, auth.PermPaymentExport)
	if err != nil {
		return model.PaymentBatch{}, err
	}
	b, _, err := s.getPayBatch(ctx, s.read, pr, id)
	if err != nil {
		return b, err
	}
	if b.Status == model.PaymentStatusDraft {
		return b, model.Errorf(model.EConflict, "payment_batch.not_approved")
	}
	var a args
	items, err := s.items(ctx, pr, "it.batch_id = "+a.add(id)+" AND "+scopeOf(pr).on("payment_items", "it", &a)+" ORDER BY it.id", a, true, false)
	if err != nil {
		return b, err
	}
	var sum model.Fen
	for _, it := range items {
		sum += it.AmountFen
		if err := fn(b, it); err != nil {
			return b, err
		}
	}
	if sum != b.TotalFen {
		return b, model.Internal(errors.New("export of batch " + strconv.FormatInt(id, 10) + " does not add up to its total"))
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE payment_batches SET exported_at = $1 WHERE id = $2 AND exported_at = 0", ms(s.now()), id); err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActBatchExport, ObjectType: "payment_batch", ObjectID: strconv.FormatInt(id, 10),
			Detail: "format=" + format + " rows=" + strconv.Itoa(len(items)) + " total_fen=" + strconv.FormatInt(int64(sum), 10)})
	})
	if err != nil {
		return b, err
	}
	b, _, err = s.getPayBatch(ctx, s.read, pr, id)
	return b, err
}
