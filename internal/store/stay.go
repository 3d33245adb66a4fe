package store

import (
	"context"
	"database/sql"
	"log/slog"
	"strconv"
	"strings"
	"unicode/utf8"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/living"
	"houdun/internal/model"
)

// Audit actions of stays.
const (
	ActStayCheckIn  = "stay.check_in"
	ActStayCheckOut = "stay.check_out"
	ActStayCorrect  = "stay.correct"
	ActStayRead     = "stay.read"
	ActStayList     = "stay.list"
	ActStayBoard    = "stay.board"
	ActStayTrace    = "stay.trace"
)

// stayRow is the latest row of a stay with what the store needs beyond the model.
type stayRow struct {
	model.Stay
	institutionID int64
	separates     bool
}

const stayColumns = `COALESCE(s.origin_id, s.id), s.id, s.status, s.person_id, p.name, COALESCE(pi.name, ''), s.site_id, t.name, s.room_id, r.name, r.floor,
	s.bed_id, b.label, s.region_code, s.check_in_on, s.expected_out_on, s.check_out_on, s.high_risk, s.need_id, s.institution_id,
	t.separates_high_risk, (SELECT o.created_at FROM stays o WHERE o.id = COALESCE(s.origin_id, s.id)), s.created_at`

const stayFrom = ` FROM stays s JOIN people p ON p.id = s.person_id LEFT JOIN institutions pi ON pi.id = p.institution_id
	JOIN stay_sites t ON t.id = s.site_id JOIN stay_rooms r ON r.id = s.room_id JOIN stay_beds b ON b.id = s.bed_id `

// stayCurrent keeps the latest row of each stay: the one no row corrects.
const stayCurrent = `NOT EXISTS (SELECT 1 FROM stays c WHERE c.corrects_id = s.id)`

func scanStay(row interface{ Scan(...any) error }) (stayRow, error) {
	var r stayRow
	st := &r.Stay
	var need sql.NullInt64
	var created, updated int64
	err := row.Scan(&st.ID, &st.RowID, &st.Status, &st.PersonID, &st.PersonName, &st.InstitutionName, &st.SiteID, &st.SiteName, &st.RoomID, &st.RoomName,
		&st.Floor, &st.BedID, &st.BedLabel, &st.RegionCode, &st.CheckInOn, &st.ExpectedOutOn, &st.CheckOutOn, &st.HighRisk, &need, &r.institutionID,
		&r.separates, &created, &updated)
	if need.Valid {
		st.NeedID = &need.Int64
	}
	st.CreatedAt, st.UpdatedAt = fromMS(created), fromMS(updated)
	return r, err
}

// stayPrincipal is a caller who may read stays: the team (stay.manage) or a
// worker their own (stay.own; the scope keeps them to it).
func stayPrincipal(ctx context.Context) (*auth.Principal, error) {
	return anyPrincipal(ctx, auth.PermStayManage, auth.PermStayOwn)
}

func (s *Store) getStay(ctx context.Context, q queryer, pr *auth.Principal, id int64) (stayRow, error) {
	var a args
	r, err := scanStay(q.QueryRowContext(ctx, "SELECT "+stayColumns+stayFrom+"WHERE (s.id = "+a.add(id)+" OR s.origin_id = "+a.add(id)+
		") AND "+stayCurrent+" AND "+scopeOf(pr).on("stays", "s", &a), a...))
	if err == sql.ErrNoRows {
		return r, model.NotFound("stay")
	}
	if err != nil {
		return r, model.Internal(err)
	}
	if r.ID != id { // id named a later row of another stay, not a stay
		return r, model.NotFound("stay")
	}
	return r, nil
}

// stayHistory lists the rows of a stay, oldest first.
func (s *Store) stayHistory(ctx context.Context, q queryer, id int64) ([]model.StayRow, error) {
	// unscoped: the stay was read in scope first.
	rows, err := q.QueryContext(ctx, `SELECT id, corrects_id, action, status, bed_id, check_in_on, expected_out_on, check_out_on, reason, created_by_name, created_at
		FROM stays WHERE id = $1 OR origin_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	var out []model.StayRow
	for rows.Next() {
		var h model.StayRow
		var corr sql.NullInt64
		var at int64
		if err := rows.Scan(&h.ID, &corr, &h.Action, &h.Status, &h.BedID, &h.CheckInOn, &h.ExpectedOutOn, &h.CheckOutOn, &h.Reason, &h.ByName, &at); err != nil {
			return nil, model.Internal(err)
		}
		if corr.Valid {
			h.CorrectsID = &corr.Int64
		}
		h.At = fromMS(at)
		out = append(out, h)
	}
	return out, rows.Err()
}

// bedRef is a bed with its room and site, as a check-in needs it.
type bedRef struct {
	id, roomID, siteID int64
	region             string
	separates, active  bool
}

// stayBed reads a bed of a site the caller may house people in.
func (s *Store) stayBed(ctx context.Context, tx *sql.Tx, pr *auth.Principal, bedID int64) (bedRef, error) {
	var a args
	var b bedRef
	var siteActive bool
	err := tx.QueryRowContext(ctx, `SELECT b.id, b.room_id, b.site_id, t.region_code, t.separates_high_risk, b.active, t.active
		FROM stay_beds b JOIN stay_sites t ON t.id = b.site_id WHERE b.id = `+a.add(bedID)+" AND "+siteReach(pr, "t", &a), a...).
		Scan(&b.id, &b.roomID, &b.siteID, &b.region, &b.separates, &b.active, &siteActive)
	if err == sql.ErrNoRows {
		return b, model.FieldErrors{"bed_id": model.M("stay.bed_unknown")}.Err()
	}
	if err != nil {
		return b, model.Internal(err)
	}
	if !b.active || !siteActive {
		return b, model.FieldErrors{"bed_id": model.M("stay.bed_inactive")}.Err()
	}
	return b, nil
}

// highRisk reads the person's deployments (migration 00012, in the caller's
// scope) and applies living.HighRisk for a stay from in to out.
func (s *Store) highRisk(ctx context.Context, q queryer, pr *auth.Principal, personID int64, in, out string) (bool, error) {
	var a args
	rows, err := q.QueryContext(ctx, "SELECT d.tier, d.starts_on, d.ends_on, d.status FROM deployments d WHERE d.person_id = "+a.add(personID)+
		" AND d.tier = 1 AND d.ends_on >= "+a.add(living.AddDays(in, -living.HighRiskWindowDays))+" AND d.starts_on < "+a.add(out)+
		" AND "+scopeOf(pr).on("deployments", "d", &a), a...)
	if err != nil {
		return false, model.Internal(err)
	}
	defer rows.Close()
	var deps []living.Deployment
	for rows.Next() {
		var d living.Deployment
		var status string
		if err := rows.Scan(&d.Tier, &d.StartsOn, &d.EndsOn, &status); err != nil {
			return false, model.Internal(err)
		}
		d.Cancelled = status == "cancelled"
		deps = append(deps, d)
	}
	if err := rows.Err(); err != nil {
		return false, model.Internal(err)
	}
	return living.HighRisk(deps, in, out), nil
}

// checkSeparation refuses a stay of group highRisk in a room that holds the
// other group on one of the nights, on a site that keeps them apart. The
// no-op UPDATE locks the room's row until commit, so that on PostgreSQL two
// concurrent check-ins into one room are decided one after the other (on
// SQLite the single writer does so already).
func (s *Store) checkSeparation(ctx context.Context, tx *sql.Tx, b bedRef, stayID int64, highRisk bool, nights []string) error {
	// unscoped: the bed was read in the caller's reach (stayBed).
	if !b.separates || len(nights) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "UPDATE stay_rooms SET version = version WHERE id = $1", b.roomID); err != nil {
		return model.Internal(err)
	}
	var night string
	err := tx.QueryRowContext(ctx, `SELECT night FROM stay_nights WHERE room_id = $1 AND night >= $2 AND night <= $3 AND high_risk <> $4 AND stay_id <> $5
		ORDER BY night LIMIT 1`, b.roomID, nights[0], nights[len(nights)-1], highRisk, stayID).Scan(&night)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return model.Internal(err)
	}
	key := "stay.room_high_risk"
	if highRisk {
		key = "stay.room_not_high_risk"
	}
	return model.Errorf(model.EConflict, key, night)
}

// writeNights replaces the nights a stay holds. A bed or the person already
// taken on one of them answers EConflict naming the night; the unique keys
// of stay_nights decide between concurrent check-ins.
func (s *Store) writeNights(ctx context.Context, tx *sql.Tx, stayID, personID int64, b bedRef, highRisk bool, nights []string) error {
	// unscoped: the stay and the bed were read in the caller's scope first.
	if _, err := tx.ExecContext(ctx, "DELETE FROM stay_nights WHERE stay_id = $1", stayID); err != nil {
		return model.Internal(err)
	}
	if len(nights) == 0 {
		return nil
	}
	var night string
	err := tx.QueryRowContext(ctx, "SELECT night FROM stay_nights WHERE bed_id = $1 AND night >= $2 AND night <= $3 ORDER BY night LIMIT 1",
		b.id, nights[0], nights[len(nights)-1]).Scan(&night)
	if err == nil {
		return model.Errorf(model.EConflict, "stay.bed_taken", night)
	}
	if err != sql.ErrNoRows {
		return model.Internal(err)
	}
	err = tx.QueryRowContext(ctx, "SELECT night FROM stay_nights WHERE person_id = $1 AND night >= $2 AND night <= $3 ORDER BY night LIMIT 1",
		personID, nights[0], nights[len(nights)-1]).Scan(&night)
	if err == nil {
		return model.Errorf(model.EConflict, "stay.person_housed", night)
	}
	if err != sql.ErrNoRows {
		return model.Internal(err)
	}
	for len(nights) > 0 {
		n := min(len(nights), 100)
		var a args
		var vals []string
		for _, night := range nights[:n] {
			vals = append(vals, "("+a.add(b.id)+", "+a.add(night)+", "+a.add(stayID)+", "+a.add(personID)+", "+a.add(b.siteID)+", "+
				a.add(b.roomID)+", "+a.add(b.region)+", "+a.add(highRisk)+")")
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO stay_nights (bed_id, night, stay_id, person_id, site_id, room_id, region_code, high_risk) VALUES "+
			strings.Join(vals, ", "), a...)
		if isUniqueViolation(err) {
			return &model.Error{Code: model.EConflict, Msg: model.M("stay.bed_taken", nights[0]), Err: err}
		}
		if err != nil {
			return model.Internal(err)
		}
		nights = nights[n:]
	}
	return nil
}

// settleable checks that a case may be settled by a stay or a trip: a case
// of kind of the caller's scope, of the same person, in a status that
// Resolve may leave, and the caller may resolve it (casework.MayStep).
func (s *Store) settleable(ctx context.Context, q queryer, pr *auth.Principal, needID, personID int64, kind string) error {
	bad := func(key string) error { return model.FieldErrors{"need_id": model.M(key)}.Err() }
	if !pr.Can(auth.PermNeedRead) {
		return bad("settle.not_yours")
	}
	n, err := s.getNeed(ctx, q, pr, needID)
	if model.ErrorCode(err) == model.ENotFound {
		return bad("settle.unknown")
	}
	if err != nil {
		return err
	}
	switch {
	case n.Kind != kind:
		return bad("settle.kind")
	case n.PersonID != personID:
		return bad("settle.person")
	case !casework.MayStep(pr.Can, casework.Resolve, casework.AssignedTo(pr.UserID, n.userID, n.volunteerUserID)):
		return bad("settle.not_yours")
	}
	if _, ok := casework.Next(n.Status, casework.Resolve); !ok {
		return bad("settle.status")
	}
	return nil
}

// settle resolves a linked case through the ledger's own step, after the
// stay or trip that settles it is written. A refusal there (someone
// stepped the case meanwhile) leaves the link, and the case for its team.
func (s *Store) settle(ctx context.Context, needID int64, resolution string) {
	if _, err := s.StepNeed(ctx, needID, casework.Resolve, model.NeedStep{Resolution: resolution}); err != nil {
		slog.Warn("settling a case", "need", needID, "err", err)
	}
}

// CheckIn houses a person of the caller's scope in a bed of a site they
// reach, from CheckInOn for the nights up to ExpectedOutOn. The person must
// not be housed elsewhere on those nights, nor the bed taken; on a site that
// keeps high-risk staff apart, the room must hold only their group. A linked
// case of kind accommodation is resolved by it.
// Returns EUnauthenticated, EForbidden without stay.manage, EInvalid (fields,
// a person or bed out of reach, a case that cannot be settled), EConflict (a
// bed or person taken on a night, a room of the other group).
func (s *Store) CheckIn(ctx context.Context, in model.CheckIn) (_ model.Stay, err error) {
	defer wrap(&err, "CheckIn()")
	pr, err := principal(ctx, auth.PermStayManage)
	if err != nil {
		return model.Stay{}, err
	}
	if err := in.Normalize().Err(); err != nil {
		return model.Stay{}, err
	}
	nights := living.Nights(in.CheckInOn, in.ExpectedOutOn)
	var out model.Stay
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var a args
		var instID int64
		err := tx.QueryRowContext(ctx, "SELECT p.institution_id FROM people p WHERE p.id = "+a.add(in.PersonID)+" AND "+scopeOf(pr).on("people", "p", &a), a...).Scan(&instID)
		if err == sql.ErrNoRows {
			return model.FieldErrors{"person_id": model.M("stay.person_unknown")}.Err()
		}
		if err != nil {
			return model.Internal(err)
		}
		b, err := s.stayBed(ctx, tx, pr, in.BedID)
		if err != nil {
			return err
		}
		if in.NeedID != nil {
			if err := s.settleable(ctx, tx, pr, *in.NeedID, in.PersonID, model.KindAccommodation); err != nil {
				return err
			}
		}
		hr, err := s.highRisk(ctx, tx, pr, in.PersonID, in.CheckInOn, in.ExpectedOutOn)
		if err != nil {
			return err
		}
		if err := s.checkSeparation(ctx, tx, b, 0, hr, nights); err != nil {
			return err
		}
		var by sql.NullInt64
		if pr.UserID != 0 {
			by = sql.NullInt64{Int64: pr.UserID, Valid: true}
		}
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO stays (action, status, person_id, institution_id, region_code, site_id, room_id, bed_id,
			check_in_on, expected_out_on, high_risk, need_id, created_by, created_by_name, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
			model.StayCheckIn, model.StayIn, in.PersonID, instID, b.region, b.siteID, b.roomID, b.id, in.CheckInOn, in.ExpectedOutOn, hr,
			in.NeedID, by, pr.Username, ms(s.now())).Scan(&id)
		if err != nil {
			return model.Internal(err)
		}
		if err := s.writeNights(ctx, tx, id, in.PersonID, b, hr, nights); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActStayCheckIn, ObjectType: "stay", ObjectID: strconv.FormatInt(id, 10),
			Detail: "person=" + strconv.FormatInt(in.PersonID, 10) + " bed=" + strconv.FormatInt(b.id, 10) + " nights=" + strconv.Itoa(len(nights))}); err != nil {
			return err
		}
		r, err := s.getStay(ctx, tx, pr, id)
		out = r.Stay
		return err
	})
	if err == nil && in.NeedID != nil {
		s.settle(ctx, *in.NeedID, settleText(model.StayCheckIn, out.ID))
		out.NeedID = in.NeedID
	}
	return out, err
}

// settleText is the resolution a settled case records: language-neutral, a
// reference the case page links.
func settleText(what string, id int64) string {
	return what + " #" + strconv.FormatInt(id, 10)
}

// CheckOut ends a stay on a date, not before its check-in: the nights from
// that date on are freed (a later date holds the nights up to it, if free).
// Returns EUnauthenticated, EForbidden, ENotFound, EInvalid (the date, a
// date before the check-in), EConflict (not in; a night taken), EStaleVersion.
func (s *Store) CheckOut(ctx context.Context, id int64, in model.CheckOut) (_ model.Stay, err error) {
	defer wrap(&err, "CheckOut(%d)", id)
	date := strings.TrimSpace(in.CheckOutOn)
	return s.changeStay(ctx, id, in.RowID, func(cur stayRow) (stayChange, error) {
		if !living.ValidDate(date) {
			return stayChange{}, model.FieldErrors{"check_out_on": model.M("stay.date")}.Err()
		}
		if date < cur.CheckInOn {
			return stayChange{}, model.FieldErrors{"check_out_on": model.M("stay.out_before_check_in", cur.CheckInOn)}.Err()
		}
		if cur.Status != model.StayIn {
			return stayChange{}, model.Errorf(model.EConflict, "stay.not_in")
		}
		return stayChange{action: model.StayCheckOut, status: model.StayOut, bedID: cur.BedID, in: cur.CheckInOn, expected: cur.ExpectedOutOn, out: date}, nil
	})
}

// CorrectStay corrects a stay by a new row that references the one it
// corrects: another bed, other dates, or a cancellation of a stay entered in
// error; the reason is required. The nights are written anew under the same
// rules as a check-in.
// Returns EUnauthenticated, EForbidden, ENotFound, EInvalid, EConflict, EStaleVersion.
func (s *Store) CorrectStay(ctx context.Context, id int64, in model.StayCorrection) (_ model.Stay, err error) {
	defer wrap(&err, "CorrectStay(%d)", id)
	in.Reason = strings.TrimSpace(in.Reason)
	return s.changeStay(ctx, id, in.RowID, func(cur stayRow) (stayChange, error) {
		fe := model.FieldErrors{}
		switch {
		case in.Reason == "":
			fe.Add("reason", "field.required")
		case utf8.RuneCountInString(in.Reason) > model.MaxStayReason:
			fe.Add("reason", "field.too_long", model.MaxStayReason)
		}
		if cur.Status == model.StayCancelled {
			return stayChange{}, model.Errorf(model.EConflict, "stay.cancelled")
		}
		ch := stayChange{action: model.StayCorrect, status: cur.Status, bedID: cur.BedID, in: cur.CheckInOn, expected: cur.ExpectedOutOn,
			out: cur.CheckOutOn, reason: in.Reason}
		if in.Cancel {
			ch.action, ch.status = model.StayCancel, model.StayCancelled
			return ch, fe.Err()
		}
		if in.BedID != nil {
			ch.bedID = *in.BedID
		}
		if in.CheckInOn != nil {
			ch.in = strings.TrimSpace(*in.CheckInOn)
		}
		if in.ExpectedOutOn != nil {
			ch.expected = strings.TrimSpace(*in.ExpectedOutOn)
		}
		if in.CheckOutOn != nil && cur.Status == model.StayOut {
			ch.out = strings.TrimSpace(*in.CheckOutOn)
		}
		model.CheckStayDates(fe, ch.in, ch.expected)
		if ch.out != "" {
			if !living.ValidDate(ch.out) {
				fe.Add("check_out_on", "stay.date")
			} else if ch.out < ch.in {
				fe.Add("check_out_on", "stay.out_before_check_in", ch.in)
			}
		}
		return ch, fe.Err()
	})
}

// stayChange is the new row a check-out or a correction writes.
type stayChange struct {
	action, status    string
	bedID             int64
	in, expected, out string
	reason            string
}

func (ch stayChange) nights() []string {
	switch {
	case ch.status == model.StayCancelled:
		return nil
	case ch.out != "":
		return living.Nights(ch.in, ch.out)
	}
	return living.Nights(ch.in, ch.expected)
}

// changeStay writes the new row of a stay computed by fn from its latest
// row, and the nights it holds now, in one transaction: two changes of the
// same row race on the unique corrects_id, and the loser answers EStaleVersion.
func (s *Store) changeStay(ctx context.Context, id int64, rowID *int64, fn func(cur stayRow) (stayChange, error)) (model.Stay, error) {
	pr, err := principal(ctx, auth.PermStayManage)
	if err != nil {
		return model.Stay{}, err
	}
	var out model.Stay
	err = s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.getStay(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if rowID != nil && *rowID != cur.RowID {
			return staleVersion()
		}
		ch, err := fn(cur)
		if err != nil {
			return err
		}
		b := bedRef{id: cur.BedID, roomID: cur.RoomID, siteID: cur.SiteID, region: cur.RegionCode, separates: cur.separates}
		if ch.bedID != cur.BedID {
			if b, err = s.stayBed(ctx, tx, pr, ch.bedID); err != nil {
				return err
			}
		}
		nights := ch.nights()
		hr := cur.HighRisk
		if ch.action == model.StayCorrect {
			if hr, err = s.highRisk(ctx, tx, pr, cur.PersonID, ch.in, ch.expected); err != nil {
				return err
			}
			if err := s.checkSeparation(ctx, tx, b, cur.ID, hr, nights); err != nil {
				return err
			}
		}
		var by sql.NullInt64
		if pr.UserID != 0 {
			by = sql.NullInt64{Int64: pr.UserID, Valid: true}
		}
		var rid int64
		err = tx.QueryRowContext(ctx, `INSERT INTO stays (origin_id, corrects_id, action, status, person_id, institution_id, region_code, site_id, room_id,
			bed_id, check_in_on, expected_out_on, check_out_on, high_risk, need_id, reason, created_by, created_by_name, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
			cur.ID, cur.RowID, ch.action, ch.status, cur.PersonID, cur.institutionID, b.region, b.siteID, b.roomID, b.id, ch.in, ch.expected, ch.out,
			hr, cur.NeedID, ch.reason, by, pr.Username, ms(s.now())).Scan(&rid)
		if isUniqueViolation(err) {
			return staleVersion()
		}
		if err != nil {
			return model.Internal(err)
		}
		if err := s.writeNights(ctx, tx, cur.ID, cur.PersonID, b, hr, nights); err != nil {
			return err
		}
		action := ActStayCorrect
		if ch.action == model.StayCheckOut {
			action = ActStayCheckOut
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: action, ObjectType: "stay", ObjectID: strconv.FormatInt(cur.ID, 10),
			Detail: "row=" + strconv.FormatInt(rid, 10) + " corrects=" + strconv.FormatInt(cur.RowID, 10) + " status=" + ch.status}); err != nil {
			return err
		}
		r, err := s.getStay(ctx, tx, pr, cur.ID)
		out = r.Stay
		return err
	})
	return out, err
}

// GetStay returns a stay the caller may see with its history; the read is audited.
// Returns EUnauthenticated, EForbidden, ENotFound.
func (s *Store) GetStay(ctx context.Context, id int64) (_ model.Stay, err error) {
	defer wrap(&err, "GetStay(%d)", id)
	pr, err := stayPrincipal(ctx)
	if err != nil {
		return model.Stay{}, err
	}
	r, err := s.getStay(ctx, s.read, pr, id)
	if err != nil {
		return model.Stay{}, s.auditRead(ctx, pr, err, ActStayRead, "stay", id, "")
	}
	if r.History, err = s.stayHistory(ctx, s.read, id); err != nil {
		return model.Stay{}, err
	}
	return r.Stay, s.auditRead(ctx, pr, nil, ActStayRead, "stay", id, "")
}

// ListStays returns the stays the caller may see as they are now, newest
// check-in first; the list is audited.
func (s *Store) ListStays(ctx context.Context, f model.StayFilter) (_ model.List[model.Stay], err error) {
	defer wrap(&err, "ListStays()")
	out := model.List[model.Stay]{Items: []model.Stay{}}
	pr, err := stayPrincipal(ctx)
	if err != nil {
		return out, err
	}
	page := clampPageFor(ctx, f.Page)
	var a args
	var d readDetail
	cond := []string{stayCurrent, scopeOf(pr).on("stays", "s", &a)}
	if q := strings.TrimSpace(f.Q); q != "" {
		cond = append(cond, "p.name LIKE "+a.add(likePattern(q))+` ESCAPE '\'`)
		d.set("q", q)
	}
	if f.Status != "" {
		cond = append(cond, "s.status = "+a.add(f.Status))
		d.add("status", f.Status)
	}
	if f.SiteID != 0 {
		cond = append(cond, "s.site_id = "+a.add(f.SiteID))
		d.add("site", f.SiteID)
	}
	if f.PersonID != 0 {
		cond = append(cond, "s.person_id = "+a.add(f.PersonID))
		d.add("person", f.PersonID)
	}
	if f.On != "" {
		cond = append(cond, "s.status <> 'cancelled' AND s.check_in_on <= "+a.add(f.On)+
			" AND (CASE WHEN s.check_out_on <> '' THEN s.check_out_on ELSE s.expected_out_on END) > "+a.add(f.On))
		d.add("on", f.On)
	}
	where := strings.Join(cond, " AND ")
	err = s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+stayFrom+"WHERE "+where, a...).Scan(&out.Total)
	if err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+stayColumns+stayFrom+"WHERE "+where+" ORDER BY s.check_in_on DESC, s.id DESC LIMIT "+
		a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanStay(rows)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, r.Stay)
	}
	if err := rows.Err(); err != nil {
		return out, model.Internal(err)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, s.auditList(ctx, pr, nil, ActStayList, "stay", d, len(out.Items), out.Total, page)
}
