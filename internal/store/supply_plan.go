package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// ElderlyAge is the age from which a relative counts as elderly needing
// care for a household plan even when no care need is recorded (高龄老人).
const ElderlyAge = 80

const planColumns = `pl.id, pl.name, pl.store_id, s.name, pl.item_id, i.name, i.unit, pl.basis, pl.quantity, pl.period, pl.frontline_only,
	pl.household_need, pl.active, pl.region_code, pl.version, pl.created_at`

const planFrom = " FROM supply_plans pl JOIN supply_stores s ON s.id = pl.store_id JOIN supply_items i ON i.id = pl.item_id "

func scanPlan(row interface{ Scan(...any) error }) (model.Plan, error) {
	var p model.Plan
	var created int64
	err := row.Scan(&p.ID, &p.Name, &p.StoreID, &p.StoreName, &p.ItemID, &p.ItemName, &p.Unit, &p.Basis, &p.Quantity, &p.Period, &p.FrontlineOnly,
		&p.HouseholdNeed, &p.Active, &p.RegionCode, &p.Version, &created)
	p.CreatedAt = fromMS(created)
	return p, err
}

func (s *Store) getPlan(ctx context.Context, q queryer, pr *auth.Principal, id int64) (model.Plan, error) {
	var a args
	p, err := scanPlan(q.QueryRowContext(ctx, "SELECT "+planColumns+planFrom+"WHERE pl.id = "+a.add(id)+" AND "+scopeOf(pr).on("supply_plans", "pl", &a), a...))
	if err == sql.ErrNoRows {
		return p, model.NotFound("supply_plan")
	}
	if err != nil {
		return p, model.Internal(err)
	}
	return p, nil
}

// CreatePlan makes an allocation plan for a store of the caller's scope.
// Returns EForbidden, EInvalid, ENotFound for a store out of scope.
func (s *Store) CreatePlan(ctx context.Context, in model.PlanInput) (_ model.Plan, err error) {
	defer wrap(&err, "CreatePlan()")
	pr, err := principal(ctx, auth.PermSupplyManage)
	if err != nil {
		return model.Plan{}, err
	}
	if err := in.Normalize().Err(); err != nil {
		return model.Plan{}, err
	}
	var out model.Plan
	err = s.tx(ctx, func(tx *sql.Tx) error {
		st, err := getSupplyStore(ctx, tx, pr, in.StoreID)
		if err != nil {
			return model.FieldErrors{"store_id": model.M("supply.store_unknown")}.Err()
		}
		if _, err := getItem(ctx, tx, in.ItemID); err != nil {
			return model.FieldErrors{"item_id": model.M("supply.item_unknown")}.Err()
		}
		now := ms(s.now())
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO supply_plans (name, store_id, item_id, basis, quantity, period, frontline_only, household_need,
			region_code, institution_id, created_by_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
			in.Name, st.id, in.ItemID, in.Basis, in.Quantity, in.Period, *in.FrontlineOnly, in.HouseholdNeed, st.regionCode, st.institutionID,
			pr.Username, now).Scan(&id); err != nil {
			return model.Internal(err)
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActPlanCreate, ObjectType: "supply_plan", ObjectID: strconv.FormatInt(id, 10),
			Detail: "store=" + strconv.FormatInt(st.id, 10) + " basis=" + in.Basis}); err != nil {
			return err
		}
		out, err = s.getPlan(ctx, tx, auth.System(), id)
		return err
	})
	return out, err
}

// PlanPatch changes a plan's name, quantity or whether it is in use.
type PlanPatch struct {
	Name     *string `json:"name"`
	Quantity *int64  `json:"quantity"`
	Active   *bool   `json:"active"`
	Version  *int64  `json:"version"`
}

// UpdatePlan changes a plan of the caller's scope.
// Returns EForbidden, EInvalid, ENotFound, EStaleVersion.
func (s *Store) UpdatePlan(ctx context.Context, id int64, in PlanPatch) (_ model.Plan, err error) {
	defer wrap(&err, "UpdatePlan(%d)", id)
	pr, err := principal(ctx, auth.PermSupplyManage)
	if err != nil {
		return model.Plan{}, err
	}
	var out model.Plan
	err = s.tx(ctx, func(tx *sql.Tx) error {
		p, err := s.getPlan(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if in.Version != nil && *in.Version != p.Version {
			return staleVersion()
		}
		set(&p.Name, in.Name)
		set(&p.Quantity, in.Quantity)
		set(&p.Active, in.Active)
		pi := model.PlanInput{Name: p.Name, StoreID: p.StoreID, ItemID: p.ItemID, Basis: p.Basis, Quantity: p.Quantity, Period: p.Period, HouseholdNeed: p.HouseholdNeed}
		if err := pi.Normalize().Err(); err != nil {
			return err
		}
		// unscoped: the plan was read in scope just above, in this transaction.
		res, err := tx.ExecContext(ctx, "UPDATE supply_plans SET name = $1, quantity = $2, active = $3, version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6",
			pi.Name, p.Quantity, p.Active, ms(s.now()), id, p.Version)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActPlanUpdate, ObjectType: "supply_plan", ObjectID: strconv.FormatInt(id, 10)}); err != nil {
			return err
		}
		out, err = s.getPlan(ctx, tx, auth.System(), id)
		return err
	})
	return out, err
}

// ListPlans returns the plans of the caller's scope, active first.
func (s *Store) ListPlans(ctx context.Context, storeID int64, page model.Page) (_ model.List[model.Plan], err error) {
	defer wrap(&err, "ListPlans()")
	out := model.List[model.Plan]{Items: []model.Plan{}}
	pr, err := principal(ctx, auth.PermSupplyRead)
	if err != nil {
		return out, err
	}
	page = clampPage(page)
	var a args
	where := scopeOf(pr).on("supply_plans", "pl", &a)
	if storeID != 0 {
		where += " AND pl.store_id = " + a.add(storeID)
	}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM supply_plans pl WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+planColumns+planFrom+"WHERE "+where+" ORDER BY pl.active DESC, pl.id DESC LIMIT "+a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, p)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, rows.Err()
}

// GetPlan returns one plan of the caller's scope.
// Returns ENotFound.
func (s *Store) GetPlan(ctx context.Context, id int64) (_ model.Plan, err error) {
	defer wrap(&err, "GetPlan(%d)", id)
	pr, err := principal(ctx, auth.PermSupplyRead)
	if err != nil {
		return model.Plan{}, err
	}
	return s.getPlan(ctx, s.read, pr, id)
}

// ---- Distributions ----

// CreateDistribution generates the distribution list of a plan for a day:
// one line per person the plan covers in the store's reach (its
// institution's people, or its region's) and the caller's scope — every
// frontline worker, or each worker whose household holds a relative with
// the plan's care need (for elderly care also a relative aged ElderlyAge or
// more) — leaving out those handed this plan in the same period. Asking
// again for the same plan and day answers the list there is.
// Returns EForbidden, EInvalid (day, an inactive plan), ENotFound (plan).
func (s *Store) CreateDistribution(ctx context.Context, in model.DistributionInput) (_ model.Distribution, err error) {
	defer wrap(&err, "CreateDistribution(%d)", in.PlanID)
	pr, err := principal(ctx, auth.PermSupplyManage)
	if err != nil {
		return model.Distribution{}, err
	}
	day, perr := time.Parse(time.DateOnly, strings.TrimSpace(in.Day))
	if perr != nil {
		return model.Distribution{}, model.FieldErrors{"day": model.M("supply.date")}.Err()
	}
	var id int64
	err = s.tx(ctx, func(tx *sql.Tx) error {
		p, err := s.getPlan(ctx, tx, pr, in.PlanID)
		if err != nil {
			return err
		}
		if !p.Active {
			return model.FieldErrors{"plan_id": model.M("supply.plan_inactive")}.Err()
		}
		st, err := getSupplyStore(ctx, tx, auth.System(), p.StoreID)
		if err != nil {
			return err
		}
		dayText := day.Format(time.DateOnly)
		// unscoped: the plan was read in scope above; this is its list of the day.
		err = tx.QueryRowContext(ctx, "SELECT id FROM supply_distributions WHERE plan_id = $1 AND day = $2", p.ID, dayText).Scan(&id)
		if err == nil {
			return nil
		}
		if err != sql.ErrNoRows {
			return model.Internal(err)
		}
		now := ms(s.now())
		if err := tx.QueryRowContext(ctx, `INSERT INTO supply_distributions (plan_id, store_id, item_id, day, region_code, institution_id, created_by_name, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, p.ID, st.id, p.ItemID, dayText, st.regionCode, st.institutionID, pr.Username, now).Scan(&id); err != nil {
			return model.Internal(err)
		}
		var a args
		cond := []string{scopeOf(pr).on("people", "p", &a)}
		if st.institutionID.Valid {
			cond = append(cond, "p.institution_id = "+a.add(st.institutionID.Int64))
		} else {
			cond = append(cond, regionRange("p.region_code", st.regionCode, &a))
		}
		if p.FrontlineOnly {
			cond = append(cond, "p.frontline = TRUE")
		}
		if p.Basis == model.BasisHousehold {
			fam := "f.care_needs <> ''"
			if p.HouseholdNeed != "" {
				fam = "f.care_needs LIKE " + a.add("%"+p.HouseholdNeed+"%")
			}
			if p.HouseholdNeed == model.CareElderly || p.HouseholdNeed == "" {
				fam = "(" + fam + " OR (f.birth_date <> '' AND f.birth_date <= " + a.add(day.AddDate(-ElderlyAge, 0, 0).Format(time.DateOnly)) + "))"
			}
			cond = append(cond, "EXISTS (SELECT 1 FROM family_members f WHERE f.person_id = p.id AND "+fam+")")
		}
		from := model.PeriodStart(p.Period, day).Format(time.DateOnly)
		cond = append(cond, `NOT EXISTS (SELECT 1 FROM supply_distribution_lines l JOIN supply_distributions d ON d.id = l.distribution_id
			WHERE d.plan_id = `+a.add(p.ID)+" AND l.person_id = p.id AND l.status <> 'pending' AND d.day >= "+a.add(from)+" AND d.day < "+a.add(model.PeriodEnd(p.Period, day).Format(time.DateOnly))+")")
		q := `INSERT INTO supply_distribution_lines (distribution_id, person_id, household, quantity, status, region_code, institution_id)
			SELECT ` + a.add(id) + ", p.id, " + a.add(p.Basis == model.BasisHousehold) + ", " + a.add(p.Quantity) + ", 'pending', p.region_code, p.institution_id FROM people p WHERE " +
			strings.Join(cond, " AND ")
		res, err := tx.ExecContext(ctx, q, a...)
		if err != nil {
			return model.Internal(err)
		}
		n, _ := res.RowsAffected()
		return s.appendAudit(ctx, tx, auditRecord{Action: ActDistributionCreate, ObjectType: "supply_distribution", ObjectID: strconv.FormatInt(id, 10),
			Detail: "plan=" + strconv.FormatInt(p.ID, 10) + " day=" + dayText + " lines=" + strconv.FormatInt(n, 10)})
	})
	if err != nil {
		return model.Distribution{}, err
	}
	return s.distribution(ctx, s.write, pr, id, true)
}

const distributionColumns = `d.id, d.plan_id, pl.name, d.store_id, s.name, d.item_id, i.name, i.unit, d.day, d.created_at,
	(SELECT COUNT(*) FROM supply_distribution_lines l WHERE l.distribution_id = d.id),
	(SELECT COUNT(*) FROM supply_distribution_lines l WHERE l.distribution_id = d.id AND l.status <> 'pending')`

const distributionFrom = ` FROM supply_distributions d JOIN supply_plans pl ON pl.id = d.plan_id JOIN supply_stores s ON s.id = d.store_id
	JOIN supply_items i ON i.id = d.item_id `

func scanDistribution(row interface{ Scan(...any) error }) (model.Distribution, error) {
	var d model.Distribution
	var created int64
	err := row.Scan(&d.ID, &d.PlanID, &d.PlanName, &d.StoreID, &d.StoreName, &d.ItemID, &d.ItemName, &d.Unit, &d.Day, &created, &d.Total, &d.Handed)
	d.CreatedAt = fromMS(created)
	return d, err
}

const lineColumns = `l.id, l.distribution_id, l.person_id, p.name, p.department, l.household, l.quantity, l.status, l.movement_id, l.handed_at,
	l.handed_by_name, l.signature_name, l.confirmed_at, l.confirmed_by_self, i.name, i.unit, s.name, d.day, l.version`

const lineFrom = ` FROM supply_distribution_lines l JOIN supply_distributions d ON d.id = l.distribution_id JOIN people p ON p.id = l.person_id
	JOIN supply_items i ON i.id = d.item_id JOIN supply_stores s ON s.id = d.store_id `

func scanLine(row interface{ Scan(...any) error }) (model.DistributionLine, error) {
	var l model.DistributionLine
	var mv sql.NullInt64
	var handed, confirmed int64
	err := row.Scan(&l.ID, &l.DistributionID, &l.PersonID, &l.PersonName, &l.Department, &l.Household, &l.Quantity, &l.Status, &mv, &handed,
		&l.HandedByName, &l.SignatureName, &confirmed, &l.ConfirmedBySelf, &l.ItemName, &l.Unit, &l.StoreName, &l.Day, &l.Version)
	l.MovementID, l.HandedAt, l.ConfirmedAt = ptrID(mv), optTime(handed), optTime(confirmed)
	return l, err
}

// distribution reads a list of the caller's scope, with its lines when asked.
func (s *Store) distribution(ctx context.Context, q queryer, pr *auth.Principal, id int64, lines bool) (model.Distribution, error) {
	var a args
	d, err := scanDistribution(q.QueryRowContext(ctx, "SELECT "+distributionColumns+distributionFrom+"WHERE d.id = "+a.add(id)+" AND "+
		scopeOf(pr).on("supply_distributions", "d", &a), a...))
	if err == sql.ErrNoRows {
		return d, model.NotFound("supply_distribution")
	}
	if err != nil || !lines {
		return d, modelErr(err)
	}
	// unscoped: the lines of a list read in scope above.
	rows, err := q.QueryContext(ctx, "SELECT "+lineColumns+lineFrom+"WHERE l.distribution_id = $1 ORDER BY CASE WHEN l.status = 'pending' THEN 0 ELSE 1 END, p.department, p.name, l.id", id)
	if err != nil {
		return d, model.Internal(err)
	}
	defer rows.Close()
	d.Lines = []model.DistributionLine{}
	for rows.Next() {
		l, err := scanLine(rows)
		if err != nil {
			return d, model.Internal(err)
		}
		d.Lines = append(d.Lines, l)
	}
	return d, modelErr(rows.Err())
}

func modelErr(err error) error {
	if err == nil {
		return nil
	}
	return model.Internal(err)
}

// GetDistribution returns a distribution list with its lines; it names
// people, so the read is audited.
// Returns ENotFound when missing or out of scope.
func (s *Store) GetDistribution(ctx context.Context, id int64) (_ model.Distribution, err error) {
	defer wrap(&err, "GetDistribution(%d)", id)
	pr, err := principal(ctx, auth.PermSupplyRead)
	if err != nil {
		return model.Distribution{}, err
	}
	d, err := s.distribution(ctx, s.read, pr, id, true)
	return d, s.auditRead(ctx, pr, err, ActDistributionRead, "supply_distribution", id, "lines="+strconv.Itoa(len(d.Lines)))
}

// ListDistributions returns the distribution lists of the caller's scope, newest day first.
func (s *Store) ListDistributions(ctx context.Context, f model.DistributionFilter) (_ model.List[model.Distribution], err error) {
	defer wrap(&err, "ListDistributions()")
	out := model.List[model.Distribution]{Items: []model.Distribution{}}
	pr, err := principal(ctx, auth.PermSupplyRead)
	if err != nil {
		return out, err
	}
	page := clampPage(f.Page)
	var a args
	cond := []string{scopeOf(pr).on("supply_distributions", "d", &a)}
	if f.StoreID != 0 {
		cond = append(cond, "d.store_id = "+a.add(f.StoreID))
	}
	if f.PlanID != 0 {
		cond = append(cond, "d.plan_id = "+a.add(f.PlanID))
	}
	if f.Day != "" {
		cond = append(cond, "d.day = "+a.add(f.Day))
	}
	where := strings.Join(cond, " AND ")
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM supply_distributions d WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+distributionColumns+distributionFrom+"WHERE "+where+" ORDER BY d.day DESC, d.id DESC LIMIT "+
		a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		d, err := scanDistribution(rows)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, d)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, modelErr(rows.Err())
}

// HandOverLine hands one line of a list over (one tap on the phone): an
// issue movement from the list's store to the person, FEFO, written with
// the line's new status in one transaction. A signature name confirms the
// receipt at once; otherwise the worker confirms it on their own page. A
// case named (need_id, the person's, of kind ppe or supplies) is resolved
// in the same transaction.
// Returns EForbidden, ENotFound (list or line out of scope), EConflict
// (handed already, handed this period on another list, not enough stock),
// EStaleVersion, EInvalid (an expired batch without a reason, the case).
func (s *Store) HandOverLine(ctx context.Context, distributionID, lineID int64, in model.HandOver) (_ model.DistributionLine, err error) {
	defer wrap(&err, "HandOverLine(%d)", lineID)
	pr, err := principal(ctx, auth.PermSupplyManage)
	if err != nil {
		return model.DistributionLine{}, err
	}
	fe := model.FieldErrors{}
	checkTextField(fe, "signature_name", &in.SignatureName, model.MaxSupplyName)
	checkTextField(fe, "expired_override", &in.ExpiredOverride, model.MaxSupplyReason)
	if err := fe.Err(); err != nil {
		return model.DistributionLine{}, err
	}
	var personID, qty int64
	run := func(tx *sql.Tx) error {
		var a args
		var l struct {
			status                     string
			version, plan, store, item int64
			day, period                string
		}
		err := tx.QueryRowContext(ctx, `SELECT l.status, l.version, l.person_id, l.quantity, d.plan_id, d.store_id, d.item_id, d.day, pl.period
			FROM supply_distribution_lines l JOIN supply_distributions d ON d.id = l.distribution_id JOIN supply_plans pl ON pl.id = d.plan_id
			WHERE l.id = `+a.add(lineID)+" AND l.distribution_id = "+a.add(distributionID)+" AND "+scopeOf(pr).on("supply_distribution_lines", "l", &a), a...).
			Scan(&l.status, &l.version, &personID, &qty, &l.plan, &l.store, &l.item, &l.day, &l.period)
		if err == sql.ErrNoRows {
			return model.NotFound("supply_line")
		}
		if err != nil {
			return model.Internal(err)
		}
		if in.Version != nil && *in.Version != l.version {
			return staleVersion()
		}
		if l.status != model.LinePending {
			return model.Errorf(model.EConflict, "supply.line_handed")
		}
		day, _ := time.Parse(time.DateOnly, l.day)
		from := model.PeriodStart(l.period, day).Format(time.DateOnly)
		var other int
		// unscoped: lines of the same plan and person as the line read in scope above.
		err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM supply_distribution_lines x JOIN supply_distributions d ON d.id = x.distribution_id
			WHERE d.plan_id = $1 AND x.person_id = $2 AND x.status <> 'pending' AND d.day >= $3 AND d.day < $4`, l.plan, personID, from,
			model.PeriodEnd(l.period, day).Format(time.DateOnly)).Scan(&other)
		if err != nil {
			return model.Internal(err)
		}
		if other > 0 {
			return model.Errorf(model.EConflict, "supply.handed_this_period")
		}
		st, err := getSupplyStore(ctx, tx, pr, l.store)
		if err != nil {
			return err
		}
		today := s.now().Format(time.DateOnly)
		takes, err := pickBatches(ctx, tx, st.id, l.item, qty, "", in.ExpiredOverride, today)
		if err != nil {
			return err
		}
		now := ms(s.now())
		var first int64
		for _, t := range takes {
			m := movementRec{kind: model.MoveIssue, store: st, itemID: l.item, batch: t.batch, quantity: -t.quantity, personID: personID, lineID: lineID, needID: in.NeedID}
			if t.expiry != "" && t.expiry < today {
				m.override = in.ExpiredOverride
			}
			id, err := s.writeMovement(ctx, tx, pr, m, now)
			if err != nil {
				return err
			}
			if first == 0 {
				first = id
			}
		}
		status, confirmed := model.LineHanded, int64(0)
		if in.SignatureName != "" {
			status, confirmed = model.LineConfirmed, now
		}
		// unscoped: the line was read in scope above, in this transaction.
		res, err := tx.ExecContext(ctx, `UPDATE supply_distribution_lines SET status = $1, movement_id = $2, handed_at = $3, handed_by_name = $4,
			signature_name = $5, confirmed_at = $6, version = version + 1 WHERE id = $7 AND status = 'pending' AND version = $8`,
			status, first, now, pr.Username, in.SignatureName, confirmed, lineID, l.version)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActHandOver, ObjectType: "supply_line", ObjectID: strconv.FormatInt(lineID, 10),
			Detail: "distribution=" + strconv.FormatInt(distributionID, 10) + " person=" + strconv.FormatInt(personID, 10)}); err != nil {
			return err
		}
		return s.checkReorder(ctx, tx, st, l.item, now)
	}
	if in.NeedID != 0 {
		_, err = s.settleNeed(ctx, in.NeedID, 0, 0, func(tx *sql.Tx) error {
			if err := run(tx); err != nil {
				return err
			}
			var np int64
			// unscoped: the case was read in scope by the step; its person must be the line's.
			if err := tx.QueryRowContext(ctx, "SELECT person_id FROM needs WHERE id = $1", in.NeedID).Scan(&np); err != nil {
				return model.Internal(err)
			}
			if np != personID {
				return model.FieldErrors{"need_id": model.M("supply.need_person")}.Err()
			}
			return nil
		})
	} else {
		err = s.txGrouped(ctx, run)
	}
	if err != nil {
		return model.DistributionLine{}, err
	}
	return s.line(ctx, s.write, lineID)
}

// checkTextField is checkText for the store's own inputs.
func checkTextField(fe model.FieldErrors, field string, v *string, max int) {
	*v = strings.TrimSpace(*v)
	if len([]rune(*v)) > max {
		fe.Add(field, "field.too_long", max)
	} else if strings.ContainsAny(*v, "\x00\r\n\t") {
		fe.Add(field, "field.control_chars")
	}
}

func (s *Store) line(ctx context.Context, q queryer, id int64) (model.DistributionLine, error) {
	// unscoped: a line the caller has just handed over or confirmed in scope.
	l, err := scanLine(q.QueryRowContext(ctx, "SELECT "+lineColumns+lineFrom+"WHERE l.id = $1", id))
	if err != nil {
		return l, model.Internal(err)
	}
	return l, nil
}

// MySupplies returns what was handed (or is waiting) for the calling
// worker, newest first.
func (s *Store) MySupplies(ctx context.Context, page model.Page) (_ model.List[model.DistributionLine], err error) {
	defer wrap(&err, "MySupplies()")
	out := model.List[model.DistributionLine]{Items: []model.DistributionLine{}}
	pr, err := principal(ctx, auth.PermSupplyReceive)
	if err != nil {
		return out, err
	}
	page = clampPage(page)
	var a args
	where := scopeOf(pr).on("supply_distribution_lines", "l", &a)
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM supply_distribution_lines l WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+lineColumns+lineFrom+"WHERE "+where+" ORDER BY d.day DESC, l.id DESC LIMIT "+a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanLine(rows)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, l)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, modelErr(rows.Err())
}

// ConfirmSupplyReceipt is the worker's confirmation that a hand-over reached them.
// Confirming again answers the line as it is.
// Returns EForbidden, ENotFound (not theirs), EConflict (not handed over yet).
func (s *Store) ConfirmSupplyReceipt(ctx context.Context, lineID int64) (_ model.DistributionLine, err error) {
	defer wrap(&err, "ConfirmSupplyReceipt(%d)", lineID)
	pr, err := principal(ctx, auth.PermSupplyReceive)
	if err != nil {
		return model.DistributionLine{}, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var a args
		var status string
		err := tx.QueryRowContext(ctx, "SELECT l.status FROM supply_distribution_lines l WHERE l.id = "+a.add(lineID)+" AND "+scopeOf(pr).on("supply_distribution_lines", "l", &a), a...).Scan(&status)
		if err == sql.ErrNoRows {
			return model.NotFound("supply_line")
		}
		if err != nil {
			return model.Internal(err)
		}
		switch status {
		case model.LinePending:
			return model.Errorf(model.EConflict, "supply.not_handed")
		case model.LineConfirmed:
			return nil
		}
		// unscoped: the line was read in scope above, in this transaction.
		if _, err := tx.ExecContext(ctx, "UPDATE supply_distribution_lines SET status = $1, confirmed_at = $2, confirmed_by_self = TRUE, version = version + 1 WHERE id = $3 AND status = $4",
			model.LineConfirmed, ms(s.now()), lineID, model.LineHanded); err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActSupplyConfirm, ObjectType: "supply_line", ObjectID: strconv.FormatInt(lineID, 10)})
	})
	if err != nil {
		return model.DistributionLine{}, err
	}
	return s.line(ctx, s.write, lineID)
}

// SupplyCounts are the dashboard's figures of the caller's scope: units of
// protective equipment in stock, item lines at or under their reorder
// level, units handed over this week (Monday on) and the hand-overs. For a
// caller who sees aggregates only (a leader) they go through model.Suppress.
func (s *Store) SupplyCounts(ctx context.Context) (_ model.SupplyCounts, err error) {
	defer wrap(&err, "SupplyCounts()")
	var out model.SupplyCounts
	pr := auth.FromContext(ctx)
	if pr == nil {
		return out, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	if !pr.Can(auth.PermSupplyRead) && !pr.Can(auth.PermAggregateRead) {
		return out, model.Errorf(model.EForbidden, "error.forbidden")
	}
	sc := scopeOf(pr)
	var a args
	weekStart := model.PeriodStart(model.PeriodWeek, s.now())
	weekStart = time.Date(weekStart.Year(), weekStart.Month(), weekStart.Day(), 0, 0, 0, 0, weekStart.Location())
	q := `SELECT
		(SELECT COALESCE(SUM(b.quantity), 0) FROM supply_balances b JOIN supply_items i ON i.id = b.item_id WHERE i.protective = TRUE AND ` + sc.on("supply_balances", "b", &a) + `),
		(SELECT COUNT(*) FROM supply_reorder_levels l WHERE l.below = TRUE AND ` + sc.on("supply_reorder_levels", "l", &a) + `),
		(SELECT COALESCE(SUM(-m.quantity), 0) FROM supply_movements m WHERE m.kind = 'issue' AND m.created_at >= ` + a.add(ms(weekStart)) + ` AND ` + sc.on("supply_movements", "m", &a) + `),
		(SELECT COUNT(*) FROM supply_distribution_lines x WHERE x.handed_at >= ` + a.add(ms(weekStart)) + ` AND ` + sc.on("supply_distribution_lines", "x", &a) + `),
		(SELECT COUNT(*) FROM supply_stores s WHERE s.active = TRUE AND ` + sc.on("supply_stores", "s", &a) + `)`
	var v [5]int64
	if err := s.read.QueryRowContext(ctx, q, a...).Scan(&v[0], &v[1], &v[2], &v[3], &v[4]); err != nil {
		return out, model.Internal(err)
	}
	ptr := func(i int) *int64 { x := v[i]; return &x }
	out = model.SupplyCounts{ProtectiveStock: ptr(0), BelowReorder: ptr(1), DistributedWeek: ptr(2), HandOversWeek: ptr(3), StoresInScope: ptr(4)}
	if !pr.Can(auth.PermSupplyRead) {
		figs := make([]int, len(v))
		for i, x := range v {
			figs[i] = int(x)
		}
		hidden := model.Suppress(figs, nil)
		for i, p := range []**int64{&out.ProtectiveStock, &out.BelowReorder, &out.DistributedWeek, &out.HandOversWeek, &out.StoresInScope} {
			if hidden[i] {
				*p = nil
			}
		}
	}
	return out, nil
}
