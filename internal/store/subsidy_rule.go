package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"houdun/internal/auth"
	"houdun/internal/benefit"
	"houdun/internal/model"
)

// Audit actions of the subsidy area.
const (
	ActBenefitRuleCreate  = "benefit_rule.create"
	ActBenefitRuleEnd     = "benefit_rule.end"
	ActEntitlementCompute = "entitlement.compute"
	ActEntitlementList    = "entitlement.list"
	ActEntitlementRead    = "entitlement.read"
	ActBatchDraft         = "payment_batch.draft"
	ActBatchDiscard       = "payment_batch.discard"
	ActBatchApprove       = "payment_batch.approve"
	ActBatchExport        = "export.payment_batch"
	ActBatchPaid          = "payment_batch.paid"
	ActBatchRead          = "payment_batch.read"
	ActBankAccountSet     = "bank_account.set"
	ActBankAccountRead    = "bank_account.read"
	ActReceiptConfirm     = "receipt.confirm"
	ActReceiptList        = "receipt.list"
	ActEntitlementExport  = "export.entitlements"
	ActReceiptExport      = "export.receipts"
	subsidyLockKey        = 725_160 // PostgreSQL: serialises rule periods and computations
)

// lockSubsidy serialises the writers that check what other rows say before
// they write (rule periods, computations) on PostgreSQL; SQLite has one writer.
func (s *Store) lockSubsidy(ctx context.Context, tx queryer) error {
	if s.engine != Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", subsidyLockKey); err != nil {
		return model.Internal(err)
	}
	return nil
}

const benefitRuleColumns = `r.id, r.region_code, r.kind, r.tier, r.category, r.campaign, r.institution_id, COALESCE(i.name, ''), r.amount_fen,
	r.multiplier_pct, r.starts_on, r.ends_on, r.basis, r.created_by_name, r.version, r.created_at, r.updated_at`

const benefitRuleFrom = ` FROM benefit_rules r LEFT JOIN institutions i ON i.id = r.institution_id `

func (s *Store) scanBenefitRule(row interface{ Scan(...any) error }) (model.BenefitRule, error) {
	var r model.BenefitRule
	var inst sql.NullInt64
	var created, updated int64
	err := row.Scan(&r.ID, &r.RegionCode, &r.Kind, &r.Tier, &r.Category, &r.Campaign, &inst, &r.InstitutionName, &r.AmountFen,
		&r.MultiplierPct, &r.StartsOn, &r.EndsOn, &r.Basis, &r.CreatedByName, &r.Version, &created, &updated)
	r.InstitutionID, r.CreatedAt, r.UpdatedAt = inst.Int64, fromMS(created), fromMS(updated)
	d := today(s.now())
	r.InForce = r.StartsOn <= d && d <= r.EndsOn
	return r, err
}

// ruleReach is the condition on benefit_rules r that a caller may read: the
// rules of their region and below it (scope), and those of the regions above
// it, which apply in it too.
func ruleReach(pr *auth.Principal, a *args) string {
	sc := scopeOf(pr)
	if sc.kind != scopeRegion {
		return sc.on("benefit_rules", "r", a)
	}
	chain := settingChain(pr.RegionCode)
	ph := make([]string, len(chain))
	for i, c := range chain {
		ph[i] = a.add(c)
	}
	return "(" + sc.on("benefit_rules", "r", a) + " OR r.region_code IN (" + strings.Join(ph, ", ") + "))"
}

// ListBenefitRules returns the rules the caller may read, by region, kind,
// tier and start. Returns EForbidden without entitlement.read.
func (s *Store) ListBenefitRules(ctx context.Context, f model.BenefitRuleFilter) (_ model.List[model.BenefitRule], err error) {
	defer wrap(&err, "ListBenefitRules()")
	out := model.List[model.BenefitRule]{Items: []model.BenefitRule{}}
	pr, err := principal(ctx, auth.PermEntitlementRead)
	if err != nil {
		return out, err
	}
	page := clampPage(f.Page)
	var a args
	where := ruleReach(pr, &a)
	if f.Kind != "" {
		where += " AND r.kind = " + a.add(f.Kind)
	}
	if f.RegionCode != "" {
		// The rules that apply in the region: its own, those below and those above it.
		chain := settingChain(f.RegionCode)
		ph := make([]string, len(chain))
		for i, c := range chain {
			ph[i] = a.add(c)
		}
		where += " AND (" + regionRange("r.region_code", f.RegionCode, &a) + " OR r.region_code IN (" + strings.Join(ph, ", ") + "))"
	}
	if f.On != "" {
		where += " AND r.starts_on <= " + a.add(f.On) + " AND r.ends_on >= " + a.add(f.On)
	}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+benefitRuleFrom+"WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+benefitRuleColumns+benefitRuleFrom+"WHERE "+where+
		" ORDER BY r.kind, r.tier, r.category, r.region_code, r.starts_on, r.id LIMIT "+a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := s.scanBenefitRule(rows)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, r)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, rows.Err()
}

// GetBenefitRule returns one rule the caller may read. Returns ENotFound.
func (s *Store) GetBenefitRule(ctx context.Context, id int64) (_ model.BenefitRule, err error) {
	defer wrap(&err, "GetBenefitRule(%d)", id)
	pr, err := principal(ctx, auth.PermEntitlementRead)
	if err != nil {
		return model.BenefitRule{}, err
	}
	return s.getBenefitRule(ctx, s.read, pr, id)
}

func (s *Store) getBenefitRule(ctx context.Context, q queryer, pr *auth.Principal, id int64) (model.BenefitRule, error) {
	var a args
	r, err := s.scanBenefitRule(q.QueryRowContext(ctx, "SELECT "+benefitRuleColumns+benefitRuleFrom+"WHERE r.id = "+a.add(id)+" AND "+ruleReach(pr, &a), a...))
	if err == sql.ErrNoRows {
		return r, model.NotFound("benefit_rule")
	}
	if err != nil {
		return r, model.Internal(err)
	}
	return r, nil
}

func validDate(d string) bool {
	t, err := time.Parse(time.DateOnly, d)
	return err == nil && t.Year() >= 2000 && (t.Year() < 2200 || d == model.OpenEnd)
}

// normalizeRule checks a new rule's fields and fills its defaults.
func normalizeRule(in model.BenefitRuleInput) (model.BenefitRule, model.FieldErrors) {
	fe := model.FieldErrors{}
	r := model.BenefitRule{RegionCode: strings.TrimSpace(in.RegionCode), Kind: in.Kind, Tier: in.Tier, Category: strings.TrimSpace(in.Category),
		Campaign: strings.TrimSpace(in.Campaign), InstitutionID: in.InstitutionID, MultiplierPct: in.MultiplierPct,
		StartsOn: strings.TrimSpace(in.StartsOn), EndsOn: strings.TrimSpace(in.EndsOn), Basis: strings.TrimSpace(in.Basis)}
	if !model.Contains(model.BenefitKinds, r.Kind) {
		fe.Add("kind", "field.choice")
	}
	if r.MultiplierPct == 0 {
		r.MultiplierPct = 100
	}
	limit := benefit.MaxSum
	switch r.Kind {
	case model.BenefitWorkSubsidy:
		limit = benefit.MaxDayRate
		if r.Tier != 1 && r.Tier != 2 {
			fe.Add("tier", "field.choice")
		}
		r.Category, r.Campaign, r.InstitutionID = "", "", 0
	case model.BenefitMeal:
		limit = benefit.MaxDayRate
		r.Tier, r.Category, r.Campaign, r.InstitutionID = 0, "", "", 0
	case model.BenefitConsolation:
		r.Tier, r.InstitutionID = 0, 0
		if r.Category == "" {
			r.Category = model.ConsolationFrontline
		}
		if !model.Contains(model.ConsolationCategories, r.Category) {
			fe.Add("category", "field.choice")
		}
		if r.Campaign == "" {
			fe.Add("campaign", "field.required")
		}
	case model.BenefitPerformance:
		r.Tier, r.Category, r.Campaign = 0, "", ""
		if r.InstitutionID == 0 {
			fe.Add("institution_id", "field.required")
		}
	}
	if r.Kind != model.BenefitWorkSubsidy && r.MultiplierPct != 100 {
		fe.Add("multiplier_pct", "benefit_rule.multiplier_work_only")
	}
	if r.MultiplierPct < 1 || r.MultiplierPct > benefit.MaxMultiplierPct {
		fe.Add("multiplier_pct", "benefit.range", 1, benefit.MaxMultiplierPct)
	}
	switch {
	case in.AmountFen == nil:
		fe.Add("amount_fen", "field.required")
	case *in.AmountFen < 0 || *in.AmountFen > limit:
		fe.Add("amount_fen", "benefit_rule.amount_range", limit.String())
	default:
		r.AmountFen = *in.AmountFen
	}
	if !validDate(r.StartsOn) {
		fe.Add("starts_on", "field.date")
	}
	oneTime := r.Kind == model.BenefitConsolation || r.Kind == model.BenefitPerformance
	if r.EndsOn == "" && !oneTime {
		r.EndsOn = model.OpenEnd
	}
	switch {
	case r.EndsOn == "" || (oneTime && r.EndsOn == model.OpenEnd):
		fe.Add("ends_on", "benefit_rule.end_required")
	case !validDate(r.EndsOn):
		fe.Add("ends_on", "field.date")
	case r.EndsOn < r.StartsOn:
		fe.Add("ends_on", "benefit_rule.ends_before_start")
	}
	if utf8.RuneCountInString(r.Campaign) > model.MaxBenefitText {
		fe.Add("campaign", "field.too_long", model.MaxBenefitText)
	}
	if utf8.RuneCountInString(r.Basis) > model.MaxBenefitText {
		fe.Add("basis", "field.too_long", model.MaxBenefitText)
	}
	return r, fe
}

// overlappingRule finds another period of the same rule that shares a day with r.
func (s *Store) overlappingRule(ctx context.Context, q queryer, pr *auth.Principal, r model.BenefitRule) (int64, error) {
	var a args
	cond := "r.region_code = " + a.add(r.RegionCode) + " AND r.kind = " + a.add(r.Kind) + " AND r.tier = " + a.add(r.Tier) +
		" AND r.category = " + a.add(r.Category) + " AND r.campaign = " + a.add(r.Campaign) +
		" AND COALESCE(r.institution_id, 0) = " + a.add(r.InstitutionID) + " AND r.starts_on <= " + a.add(r.EndsOn) +
		" AND r.ends_on >= " + a.add(r.StartsOn) + " AND r.id <> " + a.add(r.ID) + " AND " + ruleReach(pr, &a)
	var id int64
	err := q.QueryRowContext(ctx, "SELECT r.id FROM benefit_rules r WHERE "+cond+" LIMIT 1", a...).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, model.Internal(err)
	}
	return id, nil
}

// CreateBenefitRule enters a dated rule for a region in the caller's scope.
// A period that overlaps another period of the same rule is refused: a new
// standard starts where the old one ends (end it first), and the past is
// never rewritten.
// Returns EForbidden without benefit_rule.write, EInvalid (fields; region_code
// outside scope or unknown, starts_on for an overlap).
func (s *Store) CreateBenefitRule(ctx context.Context, in model.BenefitRuleInput) (_ model.BenefitRule, err error) {
	defer wrap(&err, "CreateBenefitRule()")
	pr, err := principal(ctx, auth.PermBenefitRuleWrite)
	if err != nil {
		return model.BenefitRule{}, err
	}
	r, fe := normalizeRule(in)
	if !scopeOf(pr).hasRegion(r.RegionCode) {
		fe.Add("region_code", "benefit.region_scope")
	}
	if err := fe.Err(); err != nil {
		return model.BenefitRule{}, err
	}
	var out model.BenefitRule
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.regionExists(ctx, tx, r.RegionCode); err != nil {
			return model.FieldErrors{"region_code": model.M("benefit.region_scope")}.Err()
		}
		if r.InstitutionID != 0 {
			code, err := s.institutionRegion(ctx, tx, pr, r.InstitutionID)
			if err != nil || !strings.HasPrefix(code, r.RegionCode) {
				return model.FieldErrors{"institution_id": model.M("benefit_rule.institution_region")}.Err()
			}
		}
		if err := s.lockSubsidy(ctx, tx); err != nil {
			return err
		}
		other, err := s.overlappingRule(ctx, tx, pr, r)
		if err != nil {
			return err
		}
		if other != 0 {
			return model.FieldErrors{"starts_on": model.M("benefit_rule.overlap", other)}.Err()
		}
		now := ms(s.now())
		var by sql.NullInt64
		if pr.UserID != 0 {
			by = sql.NullInt64{Int64: pr.UserID, Valid: true}
		}
		var inst sql.NullInt64
		if r.InstitutionID != 0 {
			inst = sql.NullInt64{Int64: r.InstitutionID, Valid: true}
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO benefit_rules (region_code, kind, tier, category, campaign, institution_id, amount_fen,
			multiplier_pct, starts_on, ends_on, basis, created_by, created_by_name, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
			r.RegionCode, r.Kind, r.Tier, r.Category, r.Campaign, inst, int64(r.AmountFen), r.MultiplierPct, r.StartsOn, r.EndsOn, r.Basis,
			by, pr.Username, now).Scan(&id); err != nil {
			return model.Internal(err)
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActBenefitRuleCreate, ObjectType: "benefit_rule", ObjectID: strconv.FormatInt(id, 10),
			Detail: "kind=" + r.Kind + " region=" + r.RegionCode + " tier=" + strconv.Itoa(r.Tier) + " amount_fen=" + strconv.FormatInt(int64(r.AmountFen), 10) +
				" from=" + r.StartsOn + " to=" + r.EndsOn}); err != nil {
			return err
		}
		out, err = s.getBenefitRule(ctx, tx, pr, id)
		return err
	})
	return out, err
}

// EndBenefitRule moves the end of a rule's period (a new standard follows
// from the next day, or a campaign is extended). The end may not move
// before yesterday, so days already worked under the rule keep it, and not
// into another period of the same rule.
// Returns ENotFound, EForbidden, EInvalid (ends_on), EStaleVersion.
func (s *Store) EndBenefitRule(ctx context.Context, id int64, in model.BenefitRuleEnd) (_ model.BenefitRule, err error) {
	defer wrap(&err, "EndBenefitRule(%d)", id)
	pr, err := principal(ctx, auth.PermBenefitRuleWrite)
	if err != nil {
		return model.BenefitRule{}, err
	}
	end := strings.TrimSpace(in.EndsOn)
	var out model.BenefitRule
	err = s.tx(ctx, func(tx *sql.Tx) error {
		r, err := s.getBenefitRule(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if !scopeOf(pr).hasRegion(r.RegionCode) {
			// A rule of a region above the caller's applies to them but is not theirs to change.
			return model.Errorf(model.EForbidden, "benefit_rule.not_yours")
		}
		if in.Version != nil && *in.Version != r.Version {
			return staleVersion()
		}
		yesterday := benefit.PrevDay(today(s.now()))
		oneTime := r.Kind == model.BenefitConsolation || r.Kind == model.BenefitPerformance
		switch {
		case !validDate(end) || (oneTime && end == model.OpenEnd):
			return model.FieldErrors{"ends_on": model.M("field.date")}.Err()
		case end < r.StartsOn:
			return model.FieldErrors{"ends_on": model.M("benefit_rule.ends_before_start")}.Err()
		case end < yesterday && end < r.EndsOn:
			return model.FieldErrors{"ends_on": model.M("benefit_rule.past_end", yesterday)}.Err()
		}
		if err := s.lockSubsidy(ctx, tx); err != nil {
			return err
		}
		moved := r
		moved.EndsOn = end
		if other, err := s.overlappingRule(ctx, tx, pr, moved); err != nil {
			return err
		} else if other != 0 {
			return model.FieldErrors{"ends_on": model.M("benefit_rule.overlap", other)}.Err()
		}
		res, err := tx.ExecContext(ctx, "UPDATE benefit_rules SET ends_on = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4",
			end, ms(s.now()), id, r.Version)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActBenefitRuleEnd, ObjectType: "benefit_rule", ObjectID: strconv.FormatInt(id, 10),
			Detail: "from=" + r.EndsOn + " to=" + end}); err != nil {
			return err
		}
		out, err = s.getBenefitRule(ctx, tx, pr, id)
		return err
	})
	return out, err
}

// rulesFor loads every rule of kinds that may apply in region code (its own,
// those above and those below it) and overlaps from..to, for a computation.
func (s *Store) rulesFor(ctx context.Context, q queryer, pr *auth.Principal, code, from, to string) ([]model.BenefitRule, error) {
	var a args
	chain := settingChain(code)
	ph := make([]string, len(chain))
	for i, c := range chain {
		ph[i] = a.add(c)
	}
	where := "(" + regionRange("r.region_code", code, &a) + " OR r.region_code IN (" + strings.Join(ph, ", ") + ")) AND r.starts_on <= " + a.add(to) +
		" AND r.ends_on >= " + a.add(from) + " AND " + ruleReach(pr, &a)
	rows, err := q.QueryContext(ctx, "SELECT "+benefitRuleColumns+benefitRuleFrom+"WHERE "+where+" ORDER BY r.id", a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	var out []model.BenefitRule
	for rows.Next() {
		r, err := s.scanBenefitRule(rows)
		if err != nil {
			return nil, model.Internal(err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
