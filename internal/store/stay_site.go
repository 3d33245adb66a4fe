package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// Audit actions of accommodation sites.
const (
	ActSiteCreate = "site.create"
	ActSiteUpdate = "site.update"
	ActSiteRooms  = "site.rooms"
)

// anyPrincipal returns the caller and checks that their role holds one of perms.
func anyPrincipal(ctx context.Context, perms ...auth.Permission) (*auth.Principal, error) {
	for _, p := range perms {
		if pr, err := principal(ctx, p); err == nil || model.ErrorCode(err) != model.EForbidden {
			return pr, err
		}
	}
	return nil, model.Errorf(model.EForbidden, "error.forbidden")
}

// siteReach is the condition on stay_sites alias t of the sites a caller may
// house people in and read: those of their scope, and for an institution
// admin also the sites of the region around their institution (the city's
// hotels where their staff are housed), not only its own rest areas.
func siteReach(pr *auth.Principal, t string, a *args) string {
	own := scopeOf(pr).on("stay_sites", t, a)
	if pr.InstitutionID == 0 || pr.PersonID != 0 {
		return own
	}
	inst := "(SELECT ri.region_code FROM institutions ri WHERE ri.id = " + a.add(pr.InstitutionID) + ")"
	return "(" + own + " OR (" + t + ".institution_id IS NULL AND (" + inst + " LIKE " + t + ".region_code || '%' OR " + t + ".region_code LIKE " + inst + " || '%')))"
}

const siteColumns = `t.id, t.name, t.kind, t.region_code, t.institution_id, COALESCE(si.name, ''), t.address, t.contact, t.meals_per_day,
	t.separates_high_risk, t.active, t.version, t.created_at, t.updated_at,
	(SELECT COUNT(*) FROM stay_rooms r WHERE r.site_id = t.id), (SELECT COUNT(*) FROM stay_beds b WHERE b.site_id = t.id AND b.active = TRUE)`

const siteFrom = ` FROM stay_sites t LEFT JOIN institutions si ON si.id = t.institution_id `

func scanSite(row interface{ Scan(...any) error }) (model.Site, error) {
	var st model.Site
	var inst sql.NullInt64
	var created, updated int64
	err := row.Scan(&st.ID, &st.Name, &st.Kind, &st.RegionCode, &inst, &st.InstitutionName, &st.Address, &st.Contact, &st.MealsPerDay,
		&st.SeparatesHighRisk, &st.Active, &st.Version, &created, &updated, &st.Rooms, &st.Beds)
	if inst.Valid {
		st.InstitutionID = &inst.Int64
	}
	st.CreatedAt, st.UpdatedAt = fromMS(created), fromMS(updated)
	return st, err
}

// siteRefs checks a site's region and institution against the caller's
// scope: a region team's site lies in its region (an institution there if
// named); an institution admin's site is a rest area of its own institution,
// in the institution's region.
func (s *Store) siteRefs(ctx context.Context, tx *sql.Tx, pr *auth.Principal, st *model.Site) error {
	fe := model.FieldErrors{}
	if pr.InstitutionID != 0 {
		if st.InstitutionID == nil || *st.InstitutionID != pr.InstitutionID {
			fe.Add("institution_id", "site.own_institution")
			return fe.Err()
		}
	}
	if st.InstitutionID != nil {
		code, err := s.institutionRegion(ctx, tx, pr, *st.InstitutionID)
		if err != nil {
			return err
		}
		if pr.InstitutionID != 0 {
			st.RegionCode = code
		}
	}
	var code string
	err := tx.QueryRowContext(ctx, "SELECT code FROM regions WHERE code = $1", st.RegionCode).Scan(&code)
	switch {
	case err == sql.ErrNoRows:
		fe.Add("region_code", "region.unknown")
	case err != nil:
		return model.Internal(err)
	case pr.InstitutionID == 0 && !scopeOf(pr).hasRegion(st.RegionCode):
		fe.Add("region_code", "region.out_of_scope")
	}
	return fe.Err()
}

// CreateSite registers an accommodation site in the caller's scope.
// Returns EUnauthenticated, EForbidden without site.manage, EInvalid.
func (s *Store) CreateSite(ctx context.Context, in model.SiteInput) (_ model.Site, err error) {
	defer wrap(&err, "CreateSite()")
	pr, err := principal(ctx, auth.PermSiteManage)
	if err != nil {
		return model.Site{}, err
	}
	st := model.Site{MealsPerDay: 3, Active: true}
	if pr.InstitutionID != 0 {
		if in.InstitutionID == nil {
			v := pr.InstitutionID
			in.InstitutionID = &v
		}
		if in.RegionCode == nil {
			// A placeholder that siteRefs replaces by the institution's region.
			in.RegionCode = new(string)
			*in.RegionCode = "21"
		}
	}
	in.Apply(&st)
	if err := st.Normalize().Err(); err != nil {
		return st, err
	}
	var out model.Site
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.siteRefs(ctx, tx, pr, &st); err != nil {
			return err
		}
		now := ms(s.now())
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO stay_sites (name, kind, region_code, institution_id, address, contact, meals_per_day,
			separates_high_risk, active, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10) RETURNING id`,
			st.Name, st.Kind, st.RegionCode, st.InstitutionID, st.Address, st.Contact, st.MealsPerDay, st.SeparatesHighRisk, st.Active, now).Scan(&id)
		if err != nil {
			return model.Internal(err)
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActSiteCreate, ObjectType: "site", ObjectID: strconv.FormatInt(id, 10), Detail: "region=" + st.RegionCode}); err != nil {
			return err
		}
		out, err = s.getSite(ctx, tx, pr, id, true)
		return err
	})
	return out, err
}

// UpdateSite changes the given fields of a site the caller manages.
// Returns EUnauthenticated, EForbidden, ENotFound, EInvalid, EStaleVersion.
func (s *Store) UpdateSite(ctx context.Context, id int64, in model.SiteInput) (_ model.Site, err error) {
	defer wrap(&err, "UpdateSite(%d)", id)
	pr, err := principal(ctx, auth.PermSiteManage)
	if err != nil {
		return model.Site{}, err
	}
	var out model.Site
	err = s.tx(ctx, func(tx *sql.Tx) error {
		st, err := s.getSite(ctx, tx, pr, id, true)
		if err != nil {
			return err
		}
		if in.Version != nil && *in.Version != st.Version {
			return staleVersion()
		}
		in.Apply(&st)
		if err := st.Normalize().Err(); err != nil {
			return err
		}
		if err := s.siteRefs(ctx, tx, pr, &st); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE stay_sites SET name = $1, kind = $2, region_code = $3, institution_id = $4, address = $5, contact = $6,
			meals_per_day = $7, separates_high_risk = $8, active = $9, version = version + 1, updated_at = $10 WHERE id = $11 AND version = $12`,
			st.Name, st.Kind, st.RegionCode, st.InstitutionID, st.Address, st.Contact, st.MealsPerDay, st.SeparatesHighRisk, st.Active, ms(s.now()), id, st.Version)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		// Rooms and beds carry the site's region.
		// unscoped: the site was read in the caller's scope above.
		if _, err := tx.ExecContext(ctx, "UPDATE stay_rooms SET region_code = $1 WHERE site_id = $2", st.RegionCode, id); err != nil {
			return model.Internal(err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE stay_beds SET region_code = $1 WHERE site_id = $2", st.RegionCode, id); err != nil {
			return model.Internal(err)
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActSiteUpdate, ObjectType: "site", ObjectID: strconv.FormatInt(id, 10)}); err != nil {
			return err
		}
		out, err = s.getSite(ctx, tx, pr, id, true)
		return err
	})
	return out, err
}

// getSite reads a site in the caller's reach (manage: in their own scope).
func (s *Store) getSite(ctx context.Context, q queryer, pr *auth.Principal, id int64, manage bool) (model.Site, error) {
	var a args
	var cond string
	if manage {
		cond = scopeOf(pr).on("stay_sites", "t", &a)
	} else {
		cond = siteReach(pr, "t", &a)
	}
	st, err := scanSite(q.QueryRowContext(ctx, "SELECT "+siteColumns+siteFrom+"WHERE t.id = "+a.add(id)+" AND "+cond, a...))
	if err == sql.ErrNoRows {
		return st, model.NotFound("site")
	}
	if err != nil {
		return st, model.Internal(err)
	}
	return st, nil
}

// GetSite returns a site the caller reaches with its rooms and beds and the
// number of beds occupied tonight.
// Returns EUnauthenticated, EForbidden, ENotFound.
func (s *Store) GetSite(ctx context.Context, id int64) (_ model.Site, _ []model.Room, err error) {
	defer wrap(&err, "GetSite(%d)", id)
	pr, err := anyPrincipal(ctx, auth.PermSiteManage, auth.PermStayManage)
	if err != nil {
		return model.Site{}, nil, err
	}
	st, err := s.getSite(ctx, s.read, pr, id, false)
	if err != nil {
		return st, nil, err
	}
	rooms, err := s.siteRooms(ctx, s.read, id)
	if err != nil {
		return st, nil, err
	}
	st.Occupied, err = s.occupiedOn(ctx, s.read, id, s.today())
	return st, rooms, err
}

func (s *Store) occupiedOn(ctx context.Context, q queryer, siteID int64, night string) (int, error) {
	// unscoped: the site was read in scope by the caller.
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM stay_nights WHERE site_id = $1 AND night = $2", siteID, night).Scan(&n); err != nil {
		return 0, model.Internal(err)
	}
	return n, nil
}

// siteRooms lists the rooms of a site with their beds, by floor and name.
func (s *Store) siteRooms(ctx context.Context, q queryer, siteID int64) ([]model.Room, error) {
	// unscoped: the site was read in scope by the caller.
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.floor, r.name, b.id, b.label, b.active FROM stay_rooms r JOIN stay_beds b ON b.room_id = r.id
		WHERE r.site_id = $1 ORDER BY r.floor, r.name, r.id, b.label, b.id`, siteID)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	out := []model.Room{}
	for rows.Next() {
		var rid int64
		var floor, name string
		var b model.Bed
		if err := rows.Scan(&rid, &floor, &name, &b.ID, &b.Label, &b.Active); err != nil {
			return nil, model.Internal(err)
		}
		if len(out) == 0 || out[len(out)-1].ID != rid {
			out = append(out, model.Room{ID: rid, SiteID: siteID, Floor: floor, Name: name, Beds: []model.Bed{}})
		}
		b.RoomID = rid
		out[len(out)-1].Beds = append(out[len(out)-1].Beds, b)
	}
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	return out, nil
}

// ListSites returns the sites the caller reaches, by name, with their
// counts of rooms, beds and beds occupied tonight.
func (s *Store) ListSites(ctx context.Context, f model.SiteFilter) (_ model.List[model.Site], err error) {
	defer wrap(&err, "ListSites()")
	out := model.List[model.Site]{Items: []model.Site{}}
	pr, err := anyPrincipal(ctx, auth.PermSiteManage, auth.PermStayManage)
	if err != nil {
		return out, err
	}
	page := clampPage(f.Page)
	var a args
	cond := []string{siteReach(pr, "t", &a)}
	if q := strings.TrimSpace(f.Q); q != "" {
		cond = append(cond, "(t.name LIKE "+a.add(likePattern(q))+` ESCAPE '\' OR t.address LIKE `+a.add(likePattern(q))+` ESCAPE '\')`)
	}
	if f.Kind != "" {
		cond = append(cond, "t.kind = "+a.add(f.Kind))
	}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("t.region_code", f.RegionCode, &a))
	}
	where := strings.Join(cond, " AND ")
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+siteFrom+"WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	night := a.add(s.today())
	rows, err := s.read.QueryContext(ctx, "SELECT "+siteColumns+", (SELECT COUNT(*) FROM stay_nights n WHERE n.site_id = t.id AND n.night = "+night+")"+
		siteFrom+"WHERE "+where+" ORDER BY t.active DESC, t.name, t.id LIMIT "+a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var st model.Site
		var inst sql.NullInt64
		var created, updated int64
		if err := rows.Scan(&st.ID, &st.Name, &st.Kind, &st.RegionCode, &inst, &st.InstitutionName, &st.Address, &st.Contact, &st.MealsPerDay,
			&st.SeparatesHighRisk, &st.Active, &st.Version, &created, &updated, &st.Rooms, &st.Beds, &st.Occupied); err != nil {
			return out, model.Internal(err)
		}
		if inst.Valid {
			st.InstitutionID = &inst.Int64
		}
		st.CreatedAt, st.UpdatedAt = fromMS(created), fromMS(updated)
		out.Items = append(out.Items, st)
	}
	if err := rows.Err(); err != nil {
		return out, model.Internal(err)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, nil
}

// roomNames expands "301-320" into 301 … 320; other names stay as they are.
func roomNames(names []string) ([]string, model.FieldErrors) {
	fe := model.FieldErrors{}
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		for _, part := range strings.FieldsFunc(n, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '\n' }) {
			lo, hi, isRange := strings.Cut(part, "-")
			a, err1 := strconv.Atoi(lo)
			b, err2 := strconv.Atoi(hi)
			if isRange && err1 == nil && err2 == nil && b >= a && b-a < model.MaxRoomsAdded {
				for i := a; i <= b; i++ {
					name := strconv.Itoa(i)
					if len(lo) > len(name) { // keep leading zeros: 01-12
						name = strings.Repeat("0", len(lo)-len(name)) + name
					}
					if !seen[name] {
						seen[name] = true
						out = append(out, name)
					}
				}
				continue
			}
			if len([]rune(part)) > model.MaxRoomName {
				fe.Add("names", "field.too_long", model.MaxRoomName)
				continue
			}
			if !seen[part] {
				seen[part] = true
				out = append(out, part)
			}
		}
	}
	if len(out) == 0 {
		fe.Add("names", "field.required")
	}
	if len(out) > model.MaxRoomsAdded {
		fe.Add("names", "site.too_many_rooms", model.MaxRoomsAdded)
	}
	return out, fe
}

// AddRooms adds rooms, each with in.Beds beds labelled 1…n, to a site the
// caller manages, and returns the site's rooms. A room name the site has
// already answers EConflict and adds nothing.
// Returns EUnauthenticated, EForbidden, ENotFound, EInvalid, EConflict.
func (s *Store) AddRooms(ctx context.Context, siteID int64, in model.RoomsInput) (_ []model.Room, err error) {
	defer wrap(&err, "AddRooms(%d)", siteID)
	pr, err := principal(ctx, auth.PermSiteManage)
	if err != nil {
		return nil, err
	}
	names, fe := roomNames(in.Names)
	in.Floor = strings.TrimSpace(in.Floor)
	if len([]rune(in.Floor)) > model.MaxRoomName {
		fe.Add("floor", "field.too_long", model.MaxRoomName)
	}
	if in.Beds < 1 || in.Beds > model.MaxBedsInRoom {
		fe.Add("beds", "site.beds_range", model.MaxBedsInRoom)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var out []model.Room
	err = s.tx(ctx, func(tx *sql.Tx) error {
		st, err := s.getSite(ctx, tx, pr, siteID, true)
		if err != nil {
			return err
		}
		now := ms(s.now())
		for _, name := range names {
			var rid int64
			err := tx.QueryRowContext(ctx, "INSERT INTO stay_rooms (site_id, region_code, floor, name, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
				siteID, st.RegionCode, in.Floor, name, now).Scan(&rid)
			if isUniqueViolation(err) {
				return &model.Error{Code: model.EConflict, Msg: model.M("site.room_exists", name), Fields: model.FieldErrors{"names": model.M("site.room_exists", name)}, Err: err}
			}
			if err != nil {
				return model.Internal(err)
			}
			for b := 1; b <= in.Beds; b++ {
				if _, err := tx.ExecContext(ctx, "INSERT INTO stay_beds (room_id, site_id, region_code, label, created_at) VALUES ($1, $2, $3, $4, $5)",
					rid, siteID, st.RegionCode, strconv.Itoa(b), now); err != nil {
					return model.Internal(err)
				}
			}
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActSiteRooms, ObjectType: "site", ObjectID: strconv.FormatInt(siteID, 10),
			Detail: "rooms=" + strconv.Itoa(len(names)) + " beds=" + strconv.Itoa(len(names)*in.Beds)}); err != nil {
			return err
		}
		out, err = s.siteRooms(ctx, tx, siteID)
		return err
	})
	return out, err
}
