package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"unicode/utf8"

	"houdun/internal/auth"
	"houdun/internal/living"
	"houdun/internal/model"
)

// Audit actions of transport requests.
const (
	ActTripCreate = "transport.create"
	ActTripStep   = "transport.step"
	ActTripRead   = "transport.read"
	ActTripList   = "transport.list"
)

// transportPrincipal is a caller who may see transport requests.
func transportPrincipal(ctx context.Context) (*auth.Principal, error) {
	return anyPrincipal(ctx, auth.PermTransportManage, auth.PermTransportAsk, auth.PermTransportDrive)
}

// transportScope is the condition on transport_requests alias t: the team's
// and the requester's scope (a worker: their own), and for a volunteer
// driver only the trips assigned to them.
func transportScope(pr *auth.Principal, t string, a *args) string {
	if !pr.System && pr.Role == auth.RoleVolunteer {
		if pr.UserID == 0 {
			return "FALSE"
		}
		return t + ".volunteer_id IN (SELECT vu.id FROM volunteers vu WHERE vu.user_id = " + a.add(pr.UserID) + ")"
	}
	return scopeOf(pr).on("transport_requests", t, a)
}

const tripColumns = `t.id, t.status, t.kind, t.person_id, p.name, COALESCE(ti.name, ''), t.family_member_id, COALESCE(fm.name, ''), t.region_code,
	t.pickup, t.destination, t.wanted_at, t.passengers, t.note_enc, t.vehicle, t.volunteer_id, COALESCE(v.name, ''), COALESCE(v.user_id, 0),
	t.assigned_at, t.started_at, t.completed_at, t.outcome, t.need_id, t.requested_by, t.requested_by_name, t.version, t.created_at, t.updated_at`

const tripFrom = ` FROM transport_requests t JOIN people p ON p.id = t.person_id LEFT JOIN institutions ti ON ti.id = t.institution_id
	LEFT JOIN family_members fm ON fm.id = t.family_member_id LEFT JOIN volunteers v ON v.id = t.volunteer_id `

// tripRow is a request with what the rules need.
type tripRow struct {
	model.Trip
	driverUser  int64
	requestedBy int64
}

func (s *Store) scanTrip(pr *auth.Principal, row interface{ Scan(...any) error }) (tripRow, error) {
	var r tripRow
	t := &r.Trip
	var fam, vol, need, by sql.NullInt64
	var note []byte
	var wanted, assigned, started, completed, created, updated int64
	err := row.Scan(&t.ID, &t.Status, &t.Kind, &t.PersonID, &t.PersonName, &t.InstitutionName, &fam, &t.FamilyMemberName, &t.RegionCode,
		&t.Pickup, &t.Destination, &wanted, &t.Passengers, &note, &t.Vehicle, &vol, &t.DriverName, &r.driverUser,
		&assigned, &started, &completed, &t.Outcome, &need, &by, &t.RequestedByName, &t.Version, &created, &updated)
	if err != nil {
		return r, err
	}
	if fam.Valid {
		t.FamilyMemberID = &fam.Int64
	}
	if vol.Valid {
		t.VolunteerID = &vol.Int64
	}
	if need.Valid {
		t.NeedID = &need.Int64
	}
	r.requestedBy = by.Int64
	if len(note) > 0 {
		if plain, err := s.seal.Open(note); err == nil {
			t.Note = plain
		}
	}
	t.WantedAt, t.CreatedAt, t.UpdatedAt = fromMS(wanted), fromMS(created), fromMS(updated)
	t.AssignedAt, t.StartedAt, t.CompletedAt = optTime(assigned), optTime(started), optTime(completed)
	t.Steps = []string{}
	for _, a := range living.TripSteps(tripCaller(pr, r), t.Status) {
		t.Steps = append(t.Steps, string(a))
	}
	return r, nil
}

// tripCaller is the caller as the trip rules see them for one request.
func tripCaller(pr *auth.Principal, r tripRow) living.TripCaller {
	return living.TripCaller{
		Manager:   pr.System || pr.Can(auth.PermTransportManage),
		Driver:    pr.Can(auth.PermTransportDrive) && pr.UserID != 0 && r.driverUser == pr.UserID,
		Requester: pr.Can(auth.PermTransportAsk) && ((pr.PersonID != 0 && pr.PersonID == r.PersonID) || (pr.UserID != 0 && r.requestedBy == pr.UserID)),
	}
}

func (s *Store) getTrip(ctx context.Context, q queryer, pr *auth.Principal, id int64) (tripRow, error) {
	var a args
	r, err := s.scanTrip(pr, q.QueryRowContext(ctx, "SELECT "+tripColumns+tripFrom+"WHERE t.id = "+a.add(id)+" AND "+transportScope(pr, "t", &a), a...))
	if err == sql.ErrNoRows {
		return r, model.NotFound("transport")
	}
	if err != nil {
		return r, model.Internal(err)
	}
	return r, nil
}

// CreateTrip records a transport request for a person of the caller's scope
// (a worker: themselves) and, for a hospital trip, a family member of theirs.
// Returns EUnauthenticated, EForbidden without transport.ask, EInvalid.
func (s *Store) CreateTrip(ctx context.Context, in model.TripInput) (_ model.Trip, err error) {
	defer wrap(&err, "CreateTrip()")
	pr, err := principal(ctx, auth.PermTransportAsk)
	if err != nil {
		return model.Trip{}, err
	}
	if in.PersonID == 0 {
		in.PersonID = pr.PersonID
	}
	fe := in.Normalize(s.now())
	if in.PersonID == 0 {
		fe.Add("person_id", "field.required")
	}
	if err := fe.Err(); err != nil {
		return model.Trip{}, err
	}
	var out model.Trip
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var a args
		var instID int64
		var code string
		err := tx.QueryRowContext(ctx, "SELECT p.institution_id, p.region_code FROM people p WHERE p.id = "+a.add(in.PersonID)+" AND "+
			scopeOf(pr).on("people", "p", &a), a...).Scan(&instID, &code)
		if err == sql.ErrNoRows {
			return model.FieldErrors{"person_id": model.M("stay.person_unknown")}.Err()
		}
		if err != nil {
			return model.Internal(err)
		}
		if in.FamilyMemberID != nil {
			var one int
			// unscoped: family_members is reached through its person, read in scope just above.
			err := tx.QueryRowContext(ctx, "SELECT 1 FROM family_members WHERE id = $1 AND person_id = $2", *in.FamilyMemberID, in.PersonID).Scan(&one)
			if err == sql.ErrNoRows {
				return model.FieldErrors{"family_member_id": model.M("trip.family_unknown")}.Err()
			}
			if err != nil {
				return model.Internal(err)
			}
		}
		if in.NeedID != nil {
			if err := s.settleable(ctx, tx, pr, *in.NeedID, in.PersonID, model.KindTransport); err != nil {
				return err
			}
		}
		var note []byte
		if in.Note != "" {
			note = s.seal.Seal(in.Note)
		}
		var by sql.NullInt64
		if pr.UserID != 0 {
			by = sql.NullInt64{Int64: pr.UserID, Valid: true}
		}
		now := ms(s.now())
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO transport_requests (person_id, family_member_id, region_code, institution_id, kind, pickup, destination,
			wanted_at, passengers, note_enc, status, need_id, requested_by, requested_by_name, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $15) RETURNING id`,
			in.PersonID, in.FamilyMemberID, code, instID, in.Kind, in.Pickup, in.Destination, ms(in.WantedAt), in.Passengers, note,
			living.TripRequested, in.NeedID, by, pr.Username, now).Scan(&id)
		if err != nil {
			return model.Internal(err)
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActTripCreate, ObjectType: "transport", ObjectID: strconv.FormatInt(id, 10),
			Detail: "person=" + strconv.FormatInt(in.PersonID, 10) + " kind=" + in.Kind}); err != nil {
			return err
		}
		r, err := s.getTrip(ctx, tx, pr, id)
		out = r.Trip
		return err
	})
	return out, err
}

// StepTrip takes a step of a request: the team assigns (a vehicle and/or an
// active volunteer it may use), starts, completes and cancels; the assigned
// driver starts and completes; the requester cancels before anyone is on
// the way (living.MayTripStep). Completing a request linked to a case of
// kind transport resolves the case when the caller may (casework rules).
// Returns EUnauthenticated, EForbidden, ENotFound, EInvalid, EConflict (the
// status does not allow it), EStaleVersion.
func (s *Store) StepTrip(ctx context.Context, id int64, act living.TripAction, in model.TripStep) (_ model.Trip, err error) {
	defer wrap(&err, "StepTrip(%d, %s)", id, act)
	pr, err := transportPrincipal(ctx)
	if err != nil {
		return model.Trip{}, err
	}
	in.Vehicle, in.Outcome = strings.TrimSpace(in.Vehicle), strings.TrimSpace(in.Outcome)
	fe := model.FieldErrors{}
	if utf8.RuneCountInString(in.Vehicle) > model.MaxTripText {
		fe.Add("vehicle", "field.too_long", model.MaxTripText)
	}
	if utf8.RuneCountInString(in.Outcome) > model.MaxTripText*5 {
		fe.Add("outcome", "field.too_long", model.MaxTripText*5)
	}
	if act == living.TripAssign && in.Vehicle == "" && in.VolunteerID == nil {
		fe.Add("vehicle", "trip.assign_required")
	}
	if act == living.TripCancel && in.Outcome == "" {
		fe.Add("outcome", "field.required")
	}
	var out tripRow
	settle := false
	err = s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.getTrip(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if !living.MayTripStep(tripCaller(pr, cur), act) {
			return model.Errorf(model.EForbidden, "trip.not_yours")
		}
		// The fields are checked once the caller may take the step at all.
		if err := fe.Err(); err != nil {
			return err
		}
		if in.Version != nil && *in.Version != cur.Version {
			return staleVersion()
		}
		next, ok := living.TripNext(cur.Status, act)
		if !ok {
			return model.Errorf(model.EConflict, "trip.transition", model.M("trip.action."+string(act)), model.M("trip.status."+cur.Status))
		}
		now := ms(s.now())
		var a args
		sets := []string{"status = " + a.add(next), "version = version + 1", "updated_at = " + a.add(now)}
		switch act {
		case living.TripAssign:
			var vol any
			if in.VolunteerID != nil {
				if _, err := s.checkAssigneeVolunteer(ctx, tx, pr, *in.VolunteerID); err != nil {
					return err
				}
				vol = *in.VolunteerID
			}
			sets = append(sets, "vehicle = "+a.add(in.Vehicle), "volunteer_id = "+a.add(vol), "assigned_at = "+a.add(now))
		case living.TripStart:
			sets = append(sets, "started_at = "+a.add(now))
		case living.TripComplete:
			sets = append(sets, "completed_at = "+a.add(now), "outcome = "+a.add(in.Outcome))
		case living.TripCancel:
			sets = append(sets, "outcome = "+a.add(in.Outcome))
		}
		from := living.TripFrom(act)
		ph := make([]string, len(from))
		for i, st := range from {
			ph[i] = a.add(st)
		}
		// unscoped: the request was read in the caller's scope above; the guard is its version and status.
		res, err := tx.ExecContext(ctx, "UPDATE transport_requests SET "+strings.Join(sets, ", ")+" WHERE id = "+a.add(id)+" AND version = "+
			a.add(cur.Version)+" AND status IN ("+strings.Join(ph, ", ")+")", a...)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActTripStep, ObjectType: "transport", ObjectID: strconv.FormatInt(id, 10),
			Detail: "step=" + string(act) + " from=" + cur.Status + " to=" + next}); err != nil {
			return err
		}
		if act == living.TripComplete && cur.NeedID != nil && pr.Can(auth.PermNeedRead) {
			settle = s.settleable(ctx, tx, pr, *cur.NeedID, cur.PersonID, model.KindTransport) == nil
		}
		out, err = s.getTrip(ctx, tx, pr, id)
		return err
	})
	if err == nil && settle {
		s.settle(ctx, *out.NeedID, settleText("transport", id))
	}
	return out.Trip, err
}

// GetTrip returns a request the caller may see; the read is audited.
// Returns EUnauthenticated, EForbidden, ENotFound.
func (s *Store) GetTrip(ctx context.Context, id int64) (_ model.Trip, err error) {
	defer wrap(&err, "GetTrip(%d)", id)
	pr, err := transportPrincipal(ctx)
	if err != nil {
		return model.Trip{}, err
	}
	r, err := s.getTrip(ctx, s.read, pr, id)
	return r.Trip, s.auditRead(ctx, pr, err, ActTripRead, "transport", id, "")
}

// ListTrips returns the requests the caller may see: open ones by the time
// wanted, the rest newest first; the list is audited.
func (s *Store) ListTrips(ctx context.Context, f model.TripFilter) (_ model.List[model.Trip], err error) {
	defer wrap(&err, "ListTrips()")
	out := model.List[model.Trip]{Items: []model.Trip{}}
	pr, err := transportPrincipal(ctx)
	if err != nil {
		return out, err
	}
	page := clampPageFor(ctx, f.Page)
	var a args
	var d readDetail
	cond := []string{transportScope(pr, "t", &a)}
	if f.Mine && pr.UserID != 0 && !pr.Can(auth.PermTransportDrive) {
		cond = append(cond, "(t.requested_by = "+a.add(pr.UserID)+" OR t.person_id = "+a.add(pr.PersonID)+")")
		d.add("mine", true)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		cond = append(cond, "(p.name LIKE "+a.add(likePattern(q))+` ESCAPE '\' OR t.destination LIKE `+a.add(likePattern(q))+` ESCAPE '\')`)
		d.set("q", q)
	}
	if f.Status != "" {
		cond = append(cond, "t.status = "+a.add(f.Status))
		d.add("status", f.Status)
	}
	if f.Open {
		cond = append(cond, "t.status IN ('requested', 'assigned', 'under_way')")
		d.add("open", true)
	}
	if f.Kind != "" {
		cond = append(cond, "t.kind = "+a.add(f.Kind))
		d.add("kind", f.Kind)
	}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("t.region_code", f.RegionCode, &a))
		d.add("region", f.RegionCode)
	}
	where := strings.Join(cond, " AND ")
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+tripFrom+"WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+tripColumns+tripFrom+"WHERE "+where+
		" ORDER BY CASE WHEN t.status IN ('requested', 'assigned', 'under_way') THEN 0 ELSE 1 END, CASE WHEN t.status IN ('requested', 'assigned', 'under_way') THEN t.wanted_at ELSE -t.wanted_at END, t.id DESC LIMIT "+
		a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := s.scanTrip(pr, rows)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, r.Trip)
	}
	if err := rows.Err(); err != nil {
		return out, model.Internal(err)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, s.auditList(ctx, pr, nil, ActTripList, "transport", d, len(out.Items), out.Total, page)
}
