package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/living"
	"houdun/internal/model"
)

// Occupancy returns the board of a site the caller reaches for one night
// (date, 'YYYY-MM-DD'; today when empty): every room and bed in floor and
// name order, who sleeps in each, and the meals to serve. One query over the
// site's beds and that night's rows of stay_nights (by its site index). The
// read names people and is audited (stay.board).
// Returns EUnauthenticated, EForbidden without stay.manage, EInvalid (date), ENotFound.
func (s *Store) Occupancy(ctx context.Context, siteID int64, date string) (_ model.Occupancy, err error) {
	defer wrap(&err, "Occupancy(%d)", siteID)
	pr, err := principal(ctx, auth.PermStayManage)
	if err != nil {
		return model.Occupancy{}, err
	}
	if date = strings.TrimSpace(date); date == "" {
		date = s.today()
	}
	if !living.ValidDate(date) {
		return model.Occupancy{}, model.FieldErrors{"date": model.M("stay.date")}.Err()
	}
	var a args
	var o model.Occupancy
	err = s.read.QueryRowContext(ctx, "SELECT t.id, t.name, t.meals_per_day FROM stay_sites t WHERE t.id = "+a.add(siteID)+" AND "+siteReach(pr, "t", &a), a...).
		Scan(&o.SiteID, &o.SiteName, &o.MealsPerDay)
	if err == sql.ErrNoRows {
		return o, s.auditRead(ctx, pr, model.NotFound("site"), ActStayBoard, "site", siteID, "")
	}
	if err != nil {
		return o, model.Internal(err)
	}
	o.Date, o.Rooms = date, []model.OccupancyRoom{}
	// The site's beds and that night's rows; a stay outside the caller's own
	// scope (another institution's staff in a shared hotel, for an
	// institution admin) shows as taken, without its person.
	var b args
	mine := scopeOf(pr).on("stays", "s", &b)
	rows, err := s.read.QueryContext(ctx, `SELECT r.id, r.floor, r.name, b.id, b.label, b.active, COALESCE(n.stay_id, 0),
		CASE WHEN n.stay_id IS NOT NULL AND `+mine+` THEN n.person_id ELSE 0 END, CASE WHEN `+mine+` THEN p.name ELSE '' END, COALESCE(n.high_risk, FALSE)
		FROM stay_beds b JOIN stay_rooms r ON r.id = b.room_id
		LEFT JOIN stay_nights n ON n.bed_id = b.id AND n.night = `+b.add(date)+` LEFT JOIN people p ON p.id = n.person_id
		LEFT JOIN stays s ON s.id = n.stay_id
		WHERE b.site_id = `+b.add(siteID)+` ORDER BY r.floor, r.name, r.id, b.label, b.id`, b...)
	if err != nil {
		return o, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var rid int64
		var floor, name string
		var b model.OccupancyBed
		if err := rows.Scan(&rid, &floor, &name, &b.ID, &b.Label, &b.Active, &b.StayID, &b.PersonID, &b.PersonName, &b.HighRisk); err != nil {
			return o, model.Internal(err)
		}
		if len(o.Rooms) == 0 || o.Rooms[len(o.Rooms)-1].ID != rid {
			o.Rooms = append(o.Rooms, model.OccupancyRoom{ID: rid, Floor: floor, Name: name})
		}
		room := &o.Rooms[len(o.Rooms)-1]
		room.Beds = append(room.Beds, b)
		if b.Active {
			o.Beds++
		}
		if b.StayID != 0 {
			o.Occupied++
			if b.HighRisk {
				o.HighRisk++
				room.HighRisk = true
			}
		}
	}
	if err := rows.Err(); err != nil {
		return o, model.Internal(err)
	}
	o.Meals = o.Occupied * o.MealsPerDay
	return o, s.auditRead(ctx, pr, nil, ActStayBoard, "site", siteID, "date="+date+" occupied="+strconv.Itoa(o.Occupied))
}

// Trace answers who stayed where when, for contact tracing: a person's
// nights (PersonID), or everyone's in a room or a site over a period (From
// to To, inclusive), one row per stay and room with the first and last
// night. It reads the nights the stays held (a check-out frees the later
// ones), in the caller's scope; the read is audited (stay.trace).
// Returns EUnauthenticated, EForbidden, EInvalid (no person, room or site; dates).
func (s *Store) Trace(ctx context.Context, f model.TraceFilter) (_ []model.TraceRow, err error) {
	defer wrap(&err, "Trace()")
	pr, err := stayPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	fe := model.FieldErrors{}
	if f.PersonID == 0 && f.RoomID == 0 && f.SiteID == 0 {
		fe.Add("person_id", "stay.trace_subject")
	}
	if f.From != "" && !living.ValidDate(f.From) {
		fe.Add("from", "stay.date")
	}
	if f.To != "" && !living.ValidDate(f.To) {
		fe.Add("to", "stay.date")
	}
	if f.PersonID == 0 && (f.From == "" || f.To == "") {
		fe.Add("from", "stay.trace_period")
	}
	if f.From != "" && f.To != "" && f.To < f.From {
		fe.Add("to", "stay.period_order")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var a args
	var d readDetail
	cond := []string{scopeOf(pr).on("stays", "s", &a)}
	if f.PersonID != 0 {
		cond = append(cond, "n.person_id = "+a.add(f.PersonID))
		d.add("person", f.PersonID)
	}
	if f.RoomID != 0 {
		cond = append(cond, "n.room_id = "+a.add(f.RoomID))
		d.add("room", f.RoomID)
	}
	if f.SiteID != 0 {
		cond = append(cond, "n.site_id = "+a.add(f.SiteID))
		d.add("site", f.SiteID)
	}
	if f.From != "" {
		cond = append(cond, "n.night >= "+a.add(f.From))
		d.add("from", f.From)
	}
	if f.To != "" {
		cond = append(cond, "n.night <= "+a.add(f.To))
		d.add("to", f.To)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT n.stay_id, n.person_id, p.name, n.site_id, t.name, n.room_id, r.name, b.label,
		MIN(n.night), MAX(n.night), COUNT(*), MAX(CASE WHEN n.high_risk THEN 1 ELSE 0 END)
		FROM stay_nights n JOIN stays s ON s.id = n.stay_id JOIN people p ON p.id = n.person_id JOIN stay_sites t ON t.id = n.site_id
		JOIN stay_rooms r ON r.id = n.room_id JOIN stay_beds b ON b.id = n.bed_id
		WHERE `+strings.Join(cond, " AND ")+`
		GROUP BY n.stay_id, n.person_id, p.name, n.site_id, t.name, n.room_id, r.name, b.label ORDER BY MIN(n.night), n.stay_id LIMIT 1000`, a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	out := []model.TraceRow{}
	for rows.Next() {
		var t model.TraceRow
		var hr int
		if err := rows.Scan(&t.StayID, &t.PersonID, &t.PersonName, &t.SiteID, &t.SiteName, &t.RoomID, &t.RoomName, &t.BedLabel,
			&t.FirstNight, &t.LastNight, &t.Nights, &hr); err != nil {
			return nil, model.Internal(err)
		}
		t.HighRisk = hr == 1
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	return out, s.auditList(ctx, pr, nil, ActStayTrace, "stay", d, len(out), len(out), model.Page{})
}

// StayCounts are the accommodation and transport figures of the dashboard.
type StayCounts struct {
	BedsOccupied  model.Count `json:"beds_occupied"`  // beds occupied tonight in scope
	Beds          model.Count `json:"beds"`           // active beds of the sites in scope
	TransportOpen model.Count `json:"transport_open"` // transport requests still to be carried out
	Suppressed    bool        `json:"suppressed"`     // small counts were hidden (a role of aggregates only)
}

// StayDashboard counts beds occupied tonight and open transport requests in
// the caller's scope. It names nobody; for a role that sees aggregates only
// (a leader: neither stay.manage nor transport.manage) every figure goes
// through model.Suppress, the one suppression rule. The three figures are
// no sums of one another, so no complementary cell needs hiding.
func (s *Store) StayDashboard(ctx context.Context) (_ StayCounts, err error) {
	defer wrap(&err, "StayDashboard()")
	pr := auth.FromContext(ctx)
	var c StayCounts
	if pr == nil {
		return c, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	team := pr.System || pr.Can(auth.PermStayManage) || pr.Can(auth.PermTransportManage)
	if !team && !pr.Can(auth.PermAggregateRead) {
		return c, model.Errorf(model.EForbidden, "error.forbidden")
	}
	var occupied, beds, open int
	var a args
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM stay_nights n WHERE n.night = "+a.add(s.today())+" AND "+scopeOf(pr).on("stay_nights", "n", &a), a...).
		Scan(&occupied); err != nil {
		return c, model.Internal(err)
	}
	a = nil
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM stay_beds b WHERE b.active = TRUE AND "+scopeOf(pr).on("stay_beds", "b", &a), a...).
		Scan(&beds); err != nil {
		return c, model.Internal(err)
	}
	a = nil
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM transport_requests t WHERE t.status IN ('requested', 'assigned', 'under_way') AND "+
		scopeOf(pr).on("transport_requests", "t", &a), a...).Scan(&open); err != nil {
		return c, model.Internal(err)
	}
	figures := []int{occupied, beds, open}
	out := []*model.Count{&c.BedsOccupied, &c.Beds, &c.TransportOpen}
	var hidden []bool
	if !team {
		hidden = model.Suppress(figures, nil)
	}
	for i, f := range figures {
		*out[i] = model.Count(f)
		if hidden != nil && hidden[i] {
			*out[i], c.Suppressed = model.Suppressed, true
		}
	}
	return c, nil
}

// FreeBed is a bed free on every night of a period, for the check-in form.
type FreeBed struct {
	ID       int64
	Floor    string
	Room     string
	Label    string
	HighRisk bool // the room holds high-risk staff in the period
	Mixed    bool // the room holds other staff in the period
}

// FreeBeds lists the active beds of a site the caller reaches that no stay
// holds on any night from in up to the day before out, by floor and room,
// marking rooms that hold high-risk or other staff then (a separating site
// takes only one group per room).
// Returns EUnauthenticated, EForbidden without stay.manage, EInvalid, ENotFound.
func (s *Store) FreeBeds(ctx context.Context, siteID int64, in, out string) (_ []FreeBed, err error) {
	defer wrap(&err, "FreeBeds(%d)", siteID)
	pr, err := principal(ctx, auth.PermStayManage)
	if err != nil {
		return nil, err
	}
	fe := model.FieldErrors{}
	model.CheckStayDates(fe, in, out)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if _, err := s.getSite(ctx, s.read, pr, siteID, false); err != nil {
		return nil, err
	}
	// unscoped: the site was read in the caller's reach just above.
	rows, err := s.read.QueryContext(ctx, `SELECT b.id, r.floor, r.name, b.label,
		EXISTS (SELECT 1 FROM stay_nights h WHERE h.room_id = r.id AND h.night >= $2 AND h.night < $3 AND h.high_risk = TRUE),
		EXISTS (SELECT 1 FROM stay_nights o WHERE o.room_id = r.id AND o.night >= $2 AND o.night < $3 AND o.high_risk = FALSE)
		FROM stay_beds b JOIN stay_rooms r ON r.id = b.room_id
		WHERE b.site_id = $1 AND b.active = TRUE AND NOT EXISTS (SELECT 1 FROM stay_nights n WHERE n.bed_id = b.id AND n.night >= $2 AND n.night < $3)
		ORDER BY r.floor, r.name, r.id, b.label LIMIT 2000`, siteID, in, out)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	var beds []FreeBed
	for rows.Next() {
		var b FreeBed
		if err := rows.Scan(&b.ID, &b.Floor, &b.Room, &b.Label, &b.HighRisk, &b.Mixed); err != nil {
			return nil, model.Internal(err)
		}
		beds = append(beds, b)
	}
	return beds, rows.Err()
}
