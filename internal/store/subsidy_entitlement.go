package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/benefit"
	"houdun/internal/ident"
	"houdun/internal/model"
)

// workedDays is one person's frontline half-days of a period, as the
// deployment area counts them (DeploymentDays): where they worked and how
// many half-days of each tier.
type workedDays struct {
	personID      int64
	regionCode    string
	institutionID int64
	t1, t2        int64
}

// owed is what one key gives one person now.
type owed struct {
	kind          string
	from, to      string
	regionCode    string
	institutionID int64
	expl          model.Explanation
}

// existingLine is a stored line of a key being recomputed.
type existingLine struct {
	id       int64
	personID int64
	key      string
	seq      int
	amount   model.Fen
	expl     string
	batched  bool
}

// computeScope checks the region and institution of a computation or a
// batch against the caller's scope and returns the region to use.
func (s *Store) computeScope(ctx context.Context, pr *auth.Principal, code string, inst int64) (string, model.FieldErrors) {
	fe := model.FieldErrors{}
	if code == "" && !pr.System {
		code = pr.RegionCode
	}
	if !scopeOf(pr).hasRegion(code) {
		fe.Add("region_code", "benefit.region_scope")
		return code, fe
	}
	if inst != 0 {
		ic, err := s.institutionRegion(ctx, s.read, pr, inst)
		if err != nil || !strings.HasPrefix(ic, code) {
			fe.Add("institution_id", "benefit.institution_scope")
		}
	}
	return code, fe
}

// ComputeEntitlements computes one month's entitlements of the people of a
// region (and optionally one institution) from their deployment days and
// the rules in force, and brings the stored lines in step in one
// transaction: a key whose lines are in no batch is recomputed in place (or
// removed when it gives nothing now); a key with lines in a batch gets a new
// adjustment line for the difference, so a batched or paid line is never
// edited. With unchanged inputs it changes nothing. Where a rule changes
// within the month, a line has a part per rule period. Consolation sums and
// performance allocations whose period overlaps the month are computed over
// their own period (one line per person per campaign or allocation).
// Returns EForbidden without entitlement.compute, EInvalid (month, region_code, institution_id).
func (s *Store) ComputeEntitlements(ctx context.Context, in model.EntitlementComputation) (_ model.ComputationResult, err error) {
	defer wrap(&err, "ComputeEntitlements(%s)", in.Month)
	res := model.ComputationResult{Month: in.Month}
	pr, err := principal(ctx, auth.PermEntitlementCompute)
	if err != nil {
		return res, err
	}
	from, to, ok := benefit.Month(in.Month)
	fe := model.FieldErrors{}
	if !ok {
		fe.Add("month", "benefit.month")
	}
	code, more := s.computeScope(ctx, pr, in.RegionCode, in.InstitutionID)
	for k, v := range more {
		fe[k] = v
	}
	if err := fe.Err(); err != nil {
		return res, err
	}
	rules, err := s.rulesFor(ctx, s.read, pr, code, from, to)
	if err != nil {
		return res, err
	}
	targets := map[int64]map[string]*owed{}
	put := func(personID int64, key string, t *owed) {
		m := targets[personID]
		if m == nil {
			m = map[string]*owed{}
			targets[personID] = m
		}
		m[key] = t
	}
	var dayRules []model.BenefitRule
	for _, r := range rules {
		if r.Kind == model.BenefitWorkSubsidy || r.Kind == model.BenefitMeal {
			dayRules = append(dayRules, r)
		}
	}
	keys := []string{benefit.WorkKey(1, in.Month), benefit.WorkKey(2, in.Month), benefit.MealKey(in.Month)}
	// Days of the month, a segment per rule period. A part's period is the
	// run of segments in which its rule is the one in force for the
	// person's region, whether or not they worked in each.
	segs := benefit.Segments(from, to, dayRules)
	spans := map[string][2]string{}
	spanOf := func(kind string, tier int, code string, i int, id int64) (string, string) {
		key := kind + "|" + strconv.Itoa(tier) + "|" + code + "|" + strconv.Itoa(i)
		if sp, ok := spans[key]; ok {
			return sp[0], sp[1]
		}
		same := func(j int) bool {
			r, ok := benefit.Pick(dayRules, kind, tier, code, segs[j].From)
			return ok && r.ID == id
		}
		lo, hi := i, i
		for lo > 0 && same(lo-1) {
			lo--
		}
		for hi < len(segs)-1 && same(hi+1) {
			hi++
		}
		spans[key] = [2]string{segs[lo].From, segs[hi].To}
		return segs[lo].From, segs[hi].To
	}
	for i, seg := range segs {
		days, err := s.workedDays(ctx, seg.From, seg.To, code, in.InstitutionID)
		if err != nil {
			return res, err
		}
		for _, d := range days {
			for tier, halves := range map[int]int64{1: d.t1, 2: d.t2} {
				if halves <= 0 {
					continue
				}
				r, ok := benefit.Pick(dayRules, model.BenefitWorkSubsidy, tier, d.regionCode, seg.From)
				if !ok {
					continue
				}
				pf, pt := spanOf(model.BenefitWorkSubsidy, tier, d.regionCode, i, r.ID)
				addPart(put, targets, d, benefit.WorkKey(tier, in.Month), model.BenefitWorkSubsidy, from, to, model.EntitlementPart{RuleID: r.ID,
					From: pf, To: pt, Tier: tier, Halves: halves, RateFen: r.AmountFen, MultiplierPct: r.MultiplierPct,
					AmountFen: benefit.DayAmount(halves, r.AmountFen, r.MultiplierPct)})
			}
			if halves := d.t1 + d.t2; halves > 0 {
				if r, ok := benefit.Pick(dayRules, model.BenefitMeal, 0, d.regionCode, seg.From); ok {
					pf, pt := spanOf(model.BenefitMeal, 0, d.regionCode, i, r.ID)
					addPart(put, targets, d, benefit.MealKey(in.Month), model.BenefitMeal, from, to, model.EntitlementPart{RuleID: r.ID,
						From: pf, To: pt, Halves: halves, RateFen: r.AmountFen, AmountFen: benefit.DayAmount(halves, r.AmountFen, 100)})
				}
			}
		}
	}
	// Consolation campaigns: the largest sum of the campaign that applies
	// to the person, over each rule's own period.
	campaigns := map[string][]model.BenefitRule{}
	for _, r := range rules {
		if r.Kind == model.BenefitConsolation {
			campaigns[r.Campaign] = append(campaigns[r.Campaign], r)
		}
	}
	windows := map[[2]string][]workedDays{}
	window := func(from, to string, inst int64) ([]workedDays, error) {
		if inst != 0 {
			return s.workedDays(ctx, from, to, code, inst)
		}
		if d, ok := windows[[2]string{from, to}]; ok {
			return d, nil
		}
		d, err := s.workedDays(ctx, from, to, code, in.InstitutionID)
		windows[[2]string{from, to}] = d
		return d, err
	}
	for _, campaign := range sortedKeys(campaigns) {
		key := benefit.ConsolationKey(campaign)
		keys = append(keys, key)
		for _, r := range campaigns[campaign] {
			days, err := window(r.StartsOn, r.EndsOn, 0)
			if err != nil {
				return res, err
			}
			for _, d := range days {
				if !consolationMatches(r.Category, d) {
					continue
				}
				// The most specific region's rule of this category wins.
				if best, ok := pickConsolation(campaigns[campaign], r.Category, d); !ok || best.ID != r.ID {
					continue
				}
				cur := targets[d.personID][key]
				if cur != nil && cur.expl.TargetFen >= r.AmountFen {
					continue
				}
				t := &owed{kind: model.BenefitConsolation, from: r.StartsOn, to: r.EndsOn, regionCode: d.regionCode, institutionID: d.institutionID}
				t.expl.Parts = []model.EntitlementPart{{RuleID: r.ID, From: r.StartsOn, To: r.EndsOn, Category: r.Category, Campaign: campaign,
					RateFen: r.AmountFen, AmountFen: r.AmountFen}}
				t.expl.TargetFen = r.AmountFen
				put(d.personID, key, t)
			}
		}
	}
	// Performance allocations: an institution's sum split by frontline days.
	for _, r := range rules {
		if r.Kind != model.BenefitPerformance || (in.InstitutionID != 0 && r.InstitutionID != in.InstitutionID) {
			continue
		}
		key := benefit.PerformanceKey(r.ID)
		keys = append(keys, key)
		days, err := window(r.StartsOn, r.EndsOn, r.InstitutionID)
		if err != nil {
			return res, err
		}
		slices.SortFunc(days, func(a, b workedDays) int { return cmp.Compare(a.personID, b.personID) })
		weights := make([]int64, len(days))
		var total int64
		for i, d := range days {
			weights[i] = d.t1 + d.t2
			total += weights[i]
		}
		for i, share := range benefit.Split(r.AmountFen, weights) {
			if share == 0 {
				continue
			}
			d := days[i]
			t := &owed{kind: model.BenefitPerformance, from: r.StartsOn, to: r.EndsOn, regionCode: d.regionCode, institutionID: d.institutionID}
			t.expl.Parts = []model.EntitlementPart{{RuleID: r.ID, From: r.StartsOn, To: r.EndsOn, Halves: weights[i], TotalHalves: total,
				RateFen: r.AmountFen, AmountFen: share}}
			t.expl.TargetFen = share
			put(d.personID, key, t)
		}
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.lockSubsidy(ctx, tx); err != nil {
			return err
		}
		existing, err := s.linesOfKeys(ctx, tx, pr, keys, code, in.InstitutionID)
		if err != nil {
			return err
		}
		res, err = s.reconcile(ctx, tx, in.Month, targets, existing)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActEntitlementCompute, ObjectType: "entitlement", ObjectID: in.Month,
			Detail: "region=" + code + " institution=" + strconv.FormatInt(in.InstitutionID, 10) + " people=" + strconv.Itoa(res.People) +
				" created=" + strconv.Itoa(res.Created) + " adjustments=" + strconv.Itoa(res.Adjustments) + " updated=" + strconv.Itoa(res.Updated) +
				" removed=" + strconv.Itoa(res.Removed) + " total_fen=" + strconv.FormatInt(int64(res.TotalFen), 10)})
	})
	return res, err
}

func consolationMatches(category string, d workedDays) bool {
	switch category {
	case model.ConsolationTier1:
		return d.t1 > 0
	case model.ConsolationTier2:
		return d.t2 > 0
	}
	return d.t1+d.t2 > 0
}

// pickConsolation is the campaign's rule of a category for the person's
// region: the most specific region's.
func pickConsolation(rules []model.BenefitRule, category string, d workedDays) (model.BenefitRule, bool) {
	var best model.BenefitRule
	found := false
	for _, r := range rules {
		if r.Category != category || !strings.HasPrefix(d.regionCode, r.RegionCode) {
			continue
		}
		if !found || len(r.RegionCode) > len(best.RegionCode) {
			best, found = r, true
		}
	}
	return best, found
}

// addPart adds one rule period's part to a person's target of a key.
func addPart(put func(int64, string, *owed), targets map[int64]map[string]*owed, d workedDays, key, kind, from, to string, p model.EntitlementPart) {
	t := targets[d.personID][key]
	if t == nil {
		t = &owed{kind: kind, from: from, to: to}
		put(d.personID, key, t)
	}
	t.regionCode, t.institutionID = d.regionCode, d.institutionID
	if n := len(t.expl.Parts); n > 0 && t.expl.Parts[n-1].RuleID == p.RuleID && t.expl.Parts[n-1].From == p.From {
		// The same rule in the next segment (another rule changed between):
		// one part, rounded once.
		last := &t.expl.Parts[n-1]
		t.expl.TargetFen -= last.AmountFen
		last.Halves += p.Halves
		last.AmountFen = benefit.DayAmount(last.Halves, last.RateFen, last.MultiplierPct)
		t.expl.TargetFen += last.AmountFen
		return
	}
	t.expl.Parts = append(t.expl.Parts, p)
	t.expl.TargetFen += p.AmountFen
}

// linesOfKeys loads the stored lines of keys in the computation's scope,
// with whether each is in a payment batch.
func (s *Store) linesOfKeys(ctx context.Context, q queryer, pr *auth.Principal, keys []string, code string, inst int64) (map[int64]map[string][]existingLine, error) {
	out := map[int64]map[string][]existingLine{}
	for len(keys) > 0 {
		n := min(len(keys), 100)
		var a args
		ph := make([]string, n)
		for i, k := range keys[:n] {
			ph[i] = a.add(k)
		}
		keys = keys[n:]
		where := "e.line_key IN (" + strings.Join(ph, ", ") + ") AND " + regionRange("e.region_code", code, &a) + " AND " + scopeOf(pr).on("entitlements", "e", &a)
		if inst != 0 {
			where += " AND e.institution_id = " + a.add(inst)
		}
		rows, err := q.QueryContext(ctx, `SELECT e.id, e.person_id, e.line_key, e.seq, e.amount_fen, e.explanation,
			EXISTS (SELECT 1 FROM payment_lines pl WHERE pl.entitlement_id = e.id) FROM entitlements e WHERE `+where, a...)
		if err != nil {
			return nil, model.Internal(err)
		}
		for rows.Next() {
			var l existingLine
			if err := rows.Scan(&l.id, &l.personID, &l.key, &l.seq, &l.amount, &l.expl, &l.batched); err != nil {
				rows.Close()
				return nil, model.Internal(err)
			}
			m := out[l.personID]
			if m == nil {
				m = map[string][]existingLine{}
				out[l.personID] = m
			}
			m[l.key] = append(m[l.key], l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, model.Internal(err)
		}
	}
	return out, nil
}

// newLine is a line to insert.
type newLine struct {
	personID int64
	key      string
	seq      int
	adjust   bool
	t        *owed
	amount   model.Fen
	expl     string
}

// reconcile brings the stored lines of each person and key in step with
// the targets (see ComputeEntitlements).
func (s *Store) reconcile(ctx context.Context, tx *sql.Tx, month string, targets map[int64]map[string]*owed, existing map[int64]map[string][]existingLine) (model.ComputationResult, error) {
	// unscoped: the lines were loaded in the computation's scope (linesOfKeys); this writes those and the people's new ones.
	res := model.ComputationResult{Month: month}
	now := ms(s.now())
	var inserts []newLine
	people := map[int64]bool{}
	seen := map[int64]map[string]bool{}
	handle := func(personID int64, key string, t *owed, lines []existingLine) error {
		var want model.Fen
		if t != nil {
			want = t.expl.TargetFen
			res.TotalFen += want
			people[personID] = true
		}
		var before model.Fen
		var open *existingLine
		maxSeq := 0
		for i := range lines {
			l := &lines[i]
			maxSeq = max(maxSeq, l.seq)
			if l.batched {
				before += l.amount
			} else {
				open = l
			}
		}
		delta := want - before
		var expl string
		if delta != 0 {
			var e model.Explanation
			if t != nil {
				e = t.expl
			}
			e.BeforeFen = before
			e.TargetFen = want
			b, err := json.Marshal(e)
			if err != nil {
				return model.Internal(err)
			}
			expl = string(b)
		}
		switch {
		case open != nil && delta == 0:
			if _, err := tx.ExecContext(ctx, "DELETE FROM entitlements WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM payment_lines WHERE entitlement_id = $1)", open.id); err != nil {
				return model.Internal(err)
			}
			res.Removed++
		case open != nil && open.amount == delta && open.expl == expl:
			res.Unchanged++
		case open != nil:
			period := [2]string{"", ""}
			if t != nil {
				period = [2]string{t.from, t.to}
			}
			q := "UPDATE entitlements SET amount_fen = $1, explanation = $2, version = version + 1, updated_at = $3"
			argv := []any{int64(delta), expl, now, open.id}
			if t != nil {
				q += ", region_code = $5, institution_id = $6, period_from = $7, period_to = $8"
				argv = append(argv, t.regionCode, t.institutionID, period[0], period[1])
			}
			if _, err := tx.ExecContext(ctx, q+" WHERE id = $4", argv...); err != nil {
				return model.Internal(err)
			}
			res.Updated++
		case delta == 0:
			if len(lines) > 0 || t != nil {
				res.Unchanged++
			}
		default:
			if t == nil {
				// Owed nothing now after a batched line: the adjustment takes it back.
				l := lines[len(lines)-1]
				t = &owed{}
				if err := tx.QueryRowContext(ctx, "SELECT kind, period_from, period_to, region_code, institution_id FROM entitlements WHERE id = $1", l.id).
					Scan(&t.kind, &t.from, &t.to, &t.regionCode, &t.institutionID); err != nil {
					return model.Internal(err)
				}
			}
			inserts = append(inserts, newLine{personID: personID, key: key, seq: maxSeq + 1, adjust: maxSeq > 0, t: t, amount: delta, expl: expl})
			if maxSeq > 0 {
				res.Adjustments++
			} else {
				res.Created++
			}
		}
		return nil
	}
	for personID, byKey := range targets {
		for key, t := range byKey {
			if seen[personID] == nil {
				seen[personID] = map[string]bool{}
			}
			seen[personID][key] = true
			if err := handle(personID, key, t, existing[personID][key]); err != nil {
				return res, err
			}
		}
	}
	for personID, byKey := range existing {
		for key, lines := range byKey {
			if seen[personID][key] {
				continue
			}
			if err := handle(personID, key, nil, lines); err != nil {
				return res, err
			}
		}
	}
	res.People = len(people)
	return res, s.insertLines(ctx, tx, inserts, now)
}

var entitlementInsertColumns = []string{"person_id", "region_code", "institution_id", "kind", "line_key", "seq", "adjustment", "period_from",
	"period_to", "amount_fen", "explanation", "created_at", "updated_at"}

// insertLines writes new lines in multi-row inserts (on SQLite through
// insertMultiRow, whose plain ? placeholders the driver binds in linear time).
func (s *Store) insertLines(ctx context.Context, tx *sql.Tx, lines []newLine, now int64) error {
	row := func(i int) []any {
		l := lines[i]
		return []any{l.personID, l.t.regionCode, l.t.institutionID, l.t.kind, l.key, l.seq, l.adjust, l.t.from, l.t.to, int64(l.amount), l.expl, now, now}
	}
	if s.engine == SQLite {
		return s.insertMultiRow(ctx, tx, "entitlements", entitlementInsertColumns, len(lines), row, func(int) {})
	}
	const cols = 13
	const perStmt = 400
	for len(lines) > 0 {
		n := min(len(lines), perStmt)
		var sb strings.Builder
		sb.WriteString(`INSERT INTO entitlements (person_id, region_code, institution_id, kind, line_key, seq, adjustment, period_from, period_to,
			amount_fen, explanation, created_at, updated_at) VALUES `)
		argv := make([]any, 0, n*cols)
		for i, l := range lines[:n] {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteByte('(')
			for c := range cols {
				if c > 0 {
					sb.WriteString(", ")
				}
				sb.WriteString("$" + strconv.Itoa(i*cols+c+1))
			}
			sb.WriteByte(')')
			argv = append(argv, l.personID, l.t.regionCode, l.t.institutionID, l.t.kind, l.key, l.seq, l.adjust, l.t.from, l.t.to,
				int64(l.amount), l.expl, now, now)
		}
		if _, err := tx.ExecContext(ctx, sb.String(), argv...); err != nil {
			return model.Internal(err)
		}
		lines = lines[n:]
	}
	return nil
}

const entitlementColumns = `e.id, e.person_id, p.name, p.id_number_enc, e.region_code, e.institution_id, i.name, e.kind, e.line_key, e.adjustment,
	e.period_from, e.period_to, e.amount_fen, e.explanation, COALESCE(pl.batch_id, 0), COALESCE(b.status, ''), e.version, e.created_at, e.updated_at`

const entitlementFrom = ` FROM entitlements e JOIN people p ON p.id = e.person_id JOIN institutions i ON i.id = e.institution_id
	LEFT JOIN payment_lines pl ON pl.entitlement_id = e.id LEFT JOIN payment_batches b ON b.id = pl.batch_id `

func (s *Store) scanEntitlement(row interface{ Scan(...any) error }) (model.Entitlement, error) {
	var e model.Entitlement
	var idEnc []byte
	var expl, batchStatus string
	var created, updated int64
	err := row.Scan(&e.ID, &e.PersonID, &e.PersonName, &idEnc, &e.RegionCode, &e.InstitutionID, &e.Institution, &e.Kind, &e.LineKey, &e.Adjustment,
		&e.PeriodFrom, &e.PeriodTo, &e.AmountFen, &expl, &e.BatchID, &batchStatus, &e.Version, &created, &updated)
	if err != nil {
		return e, err
	}
	e.CreatedAt, e.UpdatedAt = fromMS(created), fromMS(updated)
	if expl != "" {
		if err := json.Unmarshal([]byte(expl), &e.Explanation); err != nil {
			return e, err
		}
	}
	if id, err := s.seal.Open(idEnc); err == nil {
		e.IDNumberMasked = ident.MaskIDNumber(id)
	}
	switch {
	case batchStatus == model.PaymentStatusPaid:
		e.Status = model.EntitlementPaid
	case e.BatchID != 0:
		e.Status = model.EntitlementBatched
	default:
		e.Status = model.EntitlementOpen
	}
	return e, nil
}

// entitlementWhere is the filter of the entitlement list on alias e.
func entitlementWhere(pr *auth.Principal, f model.EntitlementFilter, a *args) string {
	where := scopeOf(pr).on("entitlements", "e", a)
	if from, to, ok := benefit.Month(f.Month); ok {
		where += " AND e.period_from <= " + a.add(to) + " AND e.period_to >= " + a.add(from)
	}
	if f.Kind != "" {
		where += " AND e.kind = " + a.add(f.Kind)
	}
	switch f.Status {
	case model.EntitlementOpen:
		where += " AND pl.id IS NULL"
	case model.EntitlementBatched:
		where += " AND pl.id IS NOT NULL AND b.status <> 'paid'"
	case model.EntitlementPaid:
		where += " AND b.status = 'paid'"
	}
	if f.RegionCode != "" {
		where += " AND " + regionRange("e.region_code", f.RegionCode, a)
	}
	if f.InstitutionID != 0 {
		where += " AND e.institution_id = " + a.add(f.InstitutionID)
	}
	if f.PersonID != 0 {
		where += " AND e.person_id = " + a.add(f.PersonID)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		where += " AND p.name LIKE " + a.add(likePattern(q)) + ` ESCAPE '\'`
	}
	return where
}

// ListEntitlements returns the lines in the caller's scope, by person and
// key; the read is audited (amounts of named people are personal data).
// Returns EForbidden without entitlement.read.
func (s *Store) ListEntitlements(ctx context.Context, f model.EntitlementFilter) (_ model.List[model.Entitlement], err error) {
	defer wrap(&err, "ListEntitlements()")
	out := model.List[model.Entitlement]{Items: []model.Entitlement{}}
	pr, err := principal(ctx, auth.PermEntitlementRead)
	if err != nil {
		return out, err
	}
	page := clampPageFor(ctx, f.Page)
	var a args
	where := entitlementWhere(pr, f, &a)
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+entitlementFrom+"WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+entitlementColumns+entitlementFrom+"WHERE "+where+
		" ORDER BY p.name, e.person_id, e.line_key, e.seq LIMIT "+a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := s.scanEntitlement(rows)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, e)
	}
	if err := rows.Err(); err != nil {
		return out, model.Internal(err)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	var d readDetail
	d.add("month", f.Month)
	d.add("kind", f.Kind)
	d.add("status", f.Status)
	d.add("region", f.RegionCode)
	d.add("institution", f.InstitutionID)
	d.add("person", f.PersonID)
	d.set("q", f.Q)
	return out, s.auditList(ctx, pr, nil, ActEntitlementList, "entitlement", d, len(out.Items), out.Total, page)
}

// EntitlementTotal is the number of lines and their sum under a filter, for
// the list's footer.
func (s *Store) EntitlementTotal(ctx context.Context, f model.EntitlementFilter) (_ int, _ model.Fen, err error) {
	defer wrap(&err, "EntitlementTotal()")
	pr, err := principal(ctx, auth.PermEntitlementRead)
	if err != nil {
		return 0, 0, err
	}
	var a args
	var n int
	var sum int64
	err = s.read.QueryRowContext(ctx, "SELECT COUNT(*), COALESCE(SUM(e.amount_fen), 0)"+entitlementFrom+"WHERE "+entitlementWhere(pr, f, &a), a...).Scan(&n, &sum)
	if err != nil {
		return 0, 0, model.Internal(err)
	}
	return n, model.Fen(sum), nil
}

// GetEntitlement returns one line with its explanation; the read is audited.
// Returns ENotFound.
func (s *Store) GetEntitlement(ctx context.Context, id int64) (_ model.Entitlement, err error) {
	defer wrap(&err, "GetEntitlement(%d)", id)
	pr, err := principal(ctx, auth.PermEntitlementRead)
	if err != nil {
		return model.Entitlement{}, err
	}
	var a args
	e, err := s.scanEntitlement(s.read.QueryRowContext(ctx, "SELECT "+entitlementColumns+entitlementFrom+"WHERE e.id = "+a.add(id)+" AND "+
		scopeOf(pr).on("entitlements", "e", &a), a...))
	if err == sql.ErrNoRows {
		err = model.NotFound("entitlement")
	} else if err != nil {
		return e, model.Internal(err)
	}
	return e, s.auditRead(ctx, pr, err, ActEntitlementRead, "entitlement", id, "")
}

// workedDays reads the frontline days of the people of a region (and
// optionally one institution) from the deployment area's count
// (DeploymentDays: each day once at its higher tier, short days as halves).
// The days are read under Covered: the computation's own audit row names them.
func (s *Store) workedDays(ctx context.Context, from, to, code string, inst int64) ([]workedDays, error) {
	days, err := s.DeploymentDays(Covered(ctx), from, to, model.DaysFilter{RegionCode: code, InstitutionID: inst})
	if err != nil {
		return nil, err
	}
	out := make([]workedDays, 0, len(days))
	for _, d := range days {
		out = append(out, workedDays{personID: d.PersonID, regionCode: d.RegionCode, institutionID: d.InstitutionID, t1: d.Tier1HalfDays, t2: d.Tier2HalfDays})
	}
	return out, nil
}
