package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/living"
	"houdun/internal/model"
	"houdun/internal/region"
	"houdun/internal/store"
)

// The pages of isolation accommodation (隔离住宿): the sites with their rooms
// and beds, a site's occupancy board for a night, the stays with search,
// filters, phone cards and the Excel export, the check-in form (a person,
// a site and the dates, then a bed free on every night), a stay with its
// append-only history and the check-out and correction forms, contact
// tracing, and a worker's own stays. The store decides who sees what.

func (h *handlers) stayRoutes() []route {
	return []route{
		{pattern: "GET /sites", fn: h.siteList, perm: auth.PermStayManage},
		{pattern: "GET /sites/new", fn: h.siteNew, perm: auth.PermSiteManage},
		{pattern: "POST /sites", fn: h.siteCreate, perm: auth.PermSiteManage},
		{pattern: "GET /sites/{id}", fn: h.siteShow, perm: auth.PermStayManage},
		{pattern: "POST /sites/{id}/rooms", fn: h.siteRooms, perm: auth.PermSiteManage},
		{pattern: "GET /sites/{id}/board", fn: h.siteBoard, perm: auth.PermStayManage},
		{pattern: "GET /stays", fn: h.stayList, perm: auth.PermStayManage},
		{pattern: "GET /stays/new", fn: h.stayNew, perm: auth.PermStayManage},
		{pattern: "POST /stays", fn: h.stayCreate, perm: auth.PermStayManage},
		{pattern: "GET /stays/trace", fn: h.stayTrace, perm: auth.PermStayManage},
		{pattern: "GET /stays/{id}", fn: h.stayShow}, // the team or the person: the store decides
		{pattern: "POST /stays/{id}/check-out", fn: h.stayCheckOut, perm: auth.PermStayManage},
		{pattern: "POST /stays/{id}/corrections", fn: h.stayCorrect, perm: auth.PermStayManage},
		{pattern: "GET /me/stays", fn: h.myStays, perm: auth.PermStayOwn},
	}
}

func init() {
	notices["site_created"] = "web.notice.site_created"
	notices["rooms_added"] = "web.notice.rooms_added"
	notices["checked_in"] = "web.notice.checked_in"
	notices["checked_out"] = "web.notice.checked_out"
	notices["stay_corrected"] = "web.notice.stay_corrected"
	notices["trip_created"] = "web.notice.trip_created"
	notices["trip_stepped"] = "web.notice.trip_stepped"
}

// today is the date in China as 'YYYY-MM-DD'.
func (h *handlers) today() string { return h.Store.Now().In(chinaTime).Format(living.DateLayout) }

// siteRow is a site as the pages show it.
type siteRow struct {
	model.Site
	URL    string
	Region string
	Free   int
}

func newSiteRow(s model.Site) siteRow {
	return siteRow{Site: s, URL: "/sites/" + strconv.FormatInt(s.ID, 10), Region: regionLabel(s.RegionCode), Free: s.Beds - s.Occupied}
}

// siteListView is the list of sites.
type siteListView struct {
	Page
	Q, Kind, Region string
	Kinds           []option
	Sites           []siteRow
	Pager           pager
	CanWrite        bool
}

func (h *handlers) siteList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	v := &siteListView{Page: h.page(r, "web.sites.title"), Q: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind"), Region: strings.TrimSpace(q.Get("region"))}
	if !model.Contains(model.SiteKinds, v.Kind) {
		v.Kind = ""
	}
	if code, ok := region.Normalize(v.Region); ok {
		v.Region = code
	} else {
		v.Region = ""
	}
	list, err := h.Store.ListSites(r.Context(), model.SiteFilter{Q: v.Q, Kind: v.Kind, RegionCode: v.Region, Page: pageOf(r)})
	if err != nil {
		return err
	}
	v.Current, v.Notice, v.CanWrite = "sites", v.notice(r), v.User.Can(auth.PermSiteManage)
	for _, k := range model.SiteKinds {
		v.Kinds = append(v.Kinds, option{Value: k, Text: v.Label("site.kind", k), Selected: k == v.Kind})
	}
	for _, s := range list.Items {
		v.Sites = append(v.Sites, newSiteRow(s))
	}
	v.Pager = newPager("/sites", url.Values{"q": {v.Q}, "kind": {v.Kind}, "region": {v.Region}}, list.Total, list.Offset, list.Limit)
	h.render(w, r, http.StatusOK, "site_list", v)
	return nil
}

// siteForm is the new-site form as typed.
type siteForm struct {
	Name, Kind, RegionCode, InstitutionID, Address, Contact, Meals string
	Separates                                                      bool
}

// siteFormView is the form of a new site.
type siteFormView struct {
	Page
	Form         siteForm
	Kinds        []option
	Institutions []option
	InstAdmin    bool
}

func (h *handlers) siteFormPage(r *http.Request, f siteForm) (*siteFormView, error) {
	v := &siteFormView{Page: h.page(r, "web.sites.new"), Form: f}
	v.Current, v.InstAdmin = "sites", v.User.InstitutionID != 0
	for _, k := range model.SiteKinds {
		v.Kinds = append(v.Kinds, option{Value: k, Text: v.Label("site.kind", k), Selected: k == f.Kind})
	}
	insts, err := h.Store.ListInstitutions(r.Context(), store.InstitutionFilter{Page: model.Page{Limit: 500}})
	if err != nil {
		return nil, err
	}
	for _, i := range insts.Items {
		id := strconv.FormatInt(i.ID, 10)
		v.Institutions = append(v.Institutions, option{Value: id, Text: i.Name, Selected: id == f.InstitutionID})
	}
	return v, nil
}

func (h *handlers) siteNew(w http.ResponseWriter, r *http.Request) error {
	v, err := h.siteFormPage(r, siteForm{Meals: "3", Kind: model.SiteHotel})
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "site_form", v)
	return nil
}

func (h *handlers) siteCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	pf := r.PostForm
	f := siteForm{Name: pf.Get("name"), Kind: pf.Get("kind"), RegionCode: pf.Get("region_code"), InstitutionID: pf.Get("institution_id"),
		Address: pf.Get("address"), Contact: pf.Get("contact"), Meals: pf.Get("meals_per_day"), Separates: pf.Get("separates_high_risk") == "1"}
	in := model.SiteInput{Name: &f.Name, Kind: &f.Kind, Address: &f.Address, Contact: &f.Contact, SeparatesHighRisk: &f.Separates}
	fe := model.FieldErrors{}
	if strings.TrimSpace(f.RegionCode) != "" || auth.FromContext(r.Context()).InstitutionID == 0 {
		in.RegionCode = &f.RegionCode
	}
	if id, ok := parseID(f.InstitutionID); !ok {
		fe.Add("institution_id", "field.choice")
	} else if id != 0 {
		in.InstitutionID = &id
	}
	if m, err := strconv.Atoi(strings.TrimSpace(f.Meals)); err == nil {
		in.MealsPerDay = &m
	} else {
		fe.Add("meals_per_day", "field.number")
	}
	var s model.Site
	err := fe.Err()
	if err == nil {
		s, err = h.Store.CreateSite(r.Context(), in)
	}
	if err != nil {
		e := model.AsError(err)
		status := formStatus(e)
		if status == 0 {
			return err
		}
		v, verr := h.siteFormPage(r, f)
		if verr != nil {
			return verr
		}
		v.setErrors(e)
		h.render(w, r, status, "site_form", v)
		return nil
	}
	return seeOther(w, r, "/sites/"+strconv.FormatInt(s.ID, 10)+"?msg=site_created")
}

// siteShowView is a site with its rooms and beds and the add-rooms form.
type siteShowView struct {
	Page
	Site     siteRow
	Floors   []floorRooms
	CanWrite bool
	Rooms    model.RoomsInput
	Names    string
	Beds     string
	Today    string
}

// floorRooms are the rooms of one floor.
type floorRooms struct {
	Floor string
	Rooms []model.Room
}

func byFloor(rooms []model.Room) []floorRooms {
	var out []floorRooms
	for _, r := range rooms {
		if len(out) == 0 || out[len(out)-1].Floor != r.Floor {
			out = append(out, floorRooms{Floor: r.Floor})
		}
		out[len(out)-1].Rooms = append(out[len(out)-1].Rooms, r)
	}
	return out
}

func (h *handlers) siteShowPage(r *http.Request, id int64) (*siteShowView, error) {
	s, rooms, err := h.Store.GetSite(r.Context(), id)
	if err != nil {
		return nil, err
	}
	v := &siteShowView{Page: h.page(r, ""), Site: newSiteRow(s), Floors: byFloor(rooms), Beds: "2", Today: h.today()}
	v.Title, v.Current, v.CanWrite = s.Name, "sites", v.User.Can(auth.PermSiteManage)
	return v, nil
}

func (h *handlers) siteShow(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	v, err := h.siteShowPage(r, id)
	if err != nil {
		return err
	}
	v.Notice = v.notice(r)
	h.render(w, r, http.StatusOK, "site_show", v)
	return nil
}

func (h *handlers) siteRooms(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	names, beds, floor := r.PostForm.Get("names"), r.PostForm.Get("beds"), r.PostForm.Get("floor")
	n, _ := strconv.Atoi(strings.TrimSpace(beds))
	_, err = h.Store.AddRooms(r.Context(), id, model.RoomsInput{Floor: floor, Names: []string{names}, Beds: n})
	if err != nil {
		e := model.AsError(err)
		status := formStatus(e)
		if status == 0 {
			return err
		}
		v, verr := h.siteShowPage(r, id)
		if verr != nil {
			return verr
		}
		v.Names, v.Beds, v.Rooms.Floor = names, beds, floor
		v.setErrors(e)
		h.render(w, r, status, "site_show", v)
		return nil
	}
	return seeOther(w, r, "/sites/"+strconv.FormatInt(id, 10)+"?msg=rooms_added")
}

// boardView is a site's occupancy board for a night.
type boardView struct {
	Page
	Board  model.Occupancy
	Floors []boardFloor
	Prev   string
	Next   string
	SiteID int64
	Free   int
}

// boardFloor is one floor of the board.
type boardFloor struct {
	Floor    string
	Rooms    []model.OccupancyRoom
	Beds     int
	Occupied int
}

func (h *handlers) siteBoard(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	date := strings.TrimSpace(r.URL.Query().Get("date"))
	if !living.ValidDate(date) {
		date = h.today()
	}
	o, err := h.Store.Occupancy(r.Context(), id, date)
	if err != nil {
		return err
	}
	v := &boardView{Page: h.page(r, ""), Board: o, SiteID: id, Prev: living.AddDays(date, -1), Next: living.AddDays(date, 1), Free: o.Beds - o.Occupied}
	v.Title, v.Current = v.T("web.board.title", o.SiteName, date), "sites"
	for _, room := range o.Rooms {
		if len(v.Floors) == 0 || v.Floors[len(v.Floors)-1].Floor != room.Floor {
			v.Floors = append(v.Floors, boardFloor{Floor: room.Floor})
		}
		f := &v.Floors[len(v.Floors)-1]
		f.Rooms = append(f.Rooms, room)
		for _, b := range room.Beds {
			if b.Active {
				f.Beds++
			}
			if b.StayID != 0 {
				f.Occupied++
			}
		}
	}
	h.render(w, r, http.StatusOK, "site_board", v)
	return nil
}

// stayRow is a stay as the pages show it.
type stayRow struct {
	model.Stay
	URL   string
	Until string // the check-out, or the expected one
}

func newStayRow(s model.Stay) stayRow {
	row := stayRow{Stay: s, URL: "/stays/" + strconv.FormatInt(s.ID, 10), Until: s.CheckOutOn}
	if row.Until == "" {
		row.Until = s.ExpectedOutOn
	}
	return row
}

// stayListView is the list of stays (the team's, or a worker's own).
type stayListView struct {
	Page
	Q, Status, On string
	SiteID        int64
	PersonID      int64
	PersonName    string
	Statuses      []option
	Sites         []option
	Stays         []stayRow
	Pager         pager
	ExportURL     string
	ExportMax     int
	Mine          bool
	TraceURL      string
}

func (h *handlers) stayList(w http.ResponseWriter, r *http.Request) error {
	return h.stayListFor(w, r, false)
}

func (h *handlers) myStays(w http.ResponseWriter, r *http.Request) error {
	return h.stayListFor(w, r, true)
}

func (h *handlers) stayListFor(w http.ResponseWriter, r *http.Request, mine bool) error {
	q := r.URL.Query()
	v := &stayListView{Page: h.page(r, "web.stays.title"), Q: strings.TrimSpace(q.Get("q")), Status: q.Get("status"), On: strings.TrimSpace(q.Get("on")), Mine: mine}
	if !model.Contains(model.StayStatuses, v.Status) {
		v.Status = ""
	}
	if !living.ValidDate(v.On) {
		v.On = ""
	}
	v.SiteID, _ = parseID(q.Get("site"))
	v.PersonID, _ = parseID(q.Get("person"))
	f := model.StayFilter{Q: v.Q, Status: v.Status, On: v.On, SiteID: v.SiteID, PersonID: v.PersonID, Page: pageOf(r)}
	list, err := h.Store.ListStays(r.Context(), f)
	if err != nil {
		return err
	}
	v.Current, v.Notice = "sites", v.notice(r)
	if mine {
		v.Title, v.Current = v.T("web.stays.mine"), "my_stays"
	} else {
		sites, err := h.Store.ListSites(r.Context(), model.SiteFilter{Page: model.Page{Limit: 500}})
		if err != nil {
			return err
		}
		for _, s := range sites.Items {
			v.Sites = append(v.Sites, option{Value: strconv.FormatInt(s.ID, 10), Text: s.Name, Selected: s.ID == v.SiteID})
		}
		if v.User.Can(auth.PermPersonExport) {
			v.ExportURL, v.ExportMax = "/api/v1/exports/stays.xlsx", model.ListExportMax
			if enc := r.URL.Query(); len(enc) > 0 {
				enc.Del("page")
				v.ExportURL += "?" + enc.Encode()
			}
		}
		if v.PersonID != 0 {
			v.TraceURL = "/stays/trace?person=" + strconv.FormatInt(v.PersonID, 10)
		}
	}
	for _, s := range model.StayStatuses {
		v.Statuses = append(v.Statuses, option{Value: s, Text: v.Label("stay.status", s), Selected: s == v.Status})
	}
	for _, s := range list.Items {
		v.Stays = append(v.Stays, newStayRow(s))
		if s.PersonID == v.PersonID {
			v.PersonName = s.PersonName
		}
	}
	path := "/stays"
	if mine {
		path = "/me/stays"
	}
	vals := url.Values{"q": {v.Q}, "status": {v.Status}, "on": {v.On}}
	if v.SiteID != 0 {
		vals.Set("site", strconv.FormatInt(v.SiteID, 10))
	}
	if v.PersonID != 0 {
		vals.Set("person", strconv.FormatInt(v.PersonID, 10))
	}
	v.Pager = newPager(path, vals, list.Total, list.Offset, list.Limit)
	h.render(w, r, http.StatusOK, "stay_list", v)
	return nil
}

// stayFormView is the check-in form: a person (chosen by search), a site
// and the dates, then a bed free on every night.
type stayFormView struct {
	Page
	PersonID   int64
	PersonName string
	Q          string
	People     []model.Person
	SiteID     int64
	Sites      []option
	In, Out    string
	BedID      int64
	Beds       []store.FreeBed
	NeedID     string
	Separates  bool
}

func (h *handlers) stayFormPage(r *http.Request, vals url.Values) (*stayFormView, error) {
	v := &stayFormView{Page: h.page(r, "web.stays.new"), Q: strings.TrimSpace(vals.Get("q")), In: strings.TrimSpace(vals.Get("check_in_on")),
		Out: strings.TrimSpace(vals.Get("expected_out_on")), NeedID: strings.TrimSpace(vals.Get("need_id"))}
	v.Current = "sites"
	v.PersonID, _ = parseID(vals.Get("person_id"))
	v.SiteID, _ = parseID(vals.Get("site_id"))
	v.BedID, _ = parseID(vals.Get("bed_id"))
	if !living.ValidDate(v.In) {
		v.In = h.today()
	}
	if !living.ValidDate(v.Out) || v.Out <= v.In {
		v.Out = living.AddDays(v.In, 7)
	}
	ctx := r.Context()
	if v.PersonID != 0 {
		p, err := h.Store.GetPerson(ctx, v.PersonID, false)
		if err != nil {
			return nil, err
		}
		v.PersonName = p.Name
	} else if v.Q != "" {
		list, err := h.Store.ListPeople(ctx, model.PersonFilter{Q: v.Q, Page: model.Page{Limit: 20}})
		if err != nil {
			return nil, err
		}
		v.People = list.Items
	}
	sites, err := h.Store.ListSites(ctx, model.SiteFilter{Page: model.Page{Limit: 500}})
	if err != nil {
		return nil, err
	}
	for _, s := range sites.Items {
		if !s.Active {
			continue
		}
		v.Sites = append(v.Sites, option{Value: strconv.FormatInt(s.ID, 10), Text: v.T("web.stays.site_option", s.Name, s.Beds-s.Occupied), Selected: s.ID == v.SiteID})
		if s.ID == v.SiteID {
			v.Separates = s.SeparatesHighRisk
		}
	}
	if v.SiteID != 0 {
		beds, err := h.Store.FreeBeds(ctx, v.SiteID, v.In, v.Out)
		if err != nil && model.ErrorCode(err) != model.EInvalid {
			return nil, err
		}
		v.Beds = beds
	}
	return v, nil
}

func (h *handlers) stayNew(w http.ResponseWriter, r *http.Request) error {
	v, err := h.stayFormPage(r, r.URL.Query())
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "stay_form", v)
	return nil
}

func (h *handlers) stayCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	pf := r.PostForm
	in := model.CheckIn{CheckInOn: pf.Get("check_in_on"), ExpectedOutOn: pf.Get("expected_out_on")}
	in.PersonID, _ = parseID(pf.Get("person_id"))
	in.BedID, _ = parseID(pf.Get("bed_id"))
	if n, ok := parseID(pf.Get("need_id")); ok && n != 0 {
		in.NeedID = &n
	}
	s, err := h.Store.CheckIn(r.Context(), in)
	if err != nil {
		e := model.AsError(err)
		status := formStatus(e)
		if status == 0 {
			return err
		}
		v, verr := h.stayFormPage(r, pf)
		if verr != nil {
			return verr
		}
		v.setErrors(e)
		h.render(w, r, status, "stay_form", v)
		return nil
	}
	return seeOther(w, r, "/stays/"+strconv.FormatInt(s.ID, 10)+"?msg=checked_in")
}

// historyRow is one row of a stay's history as the page shows it.
type historyRow struct {
	model.StayRow
	When string
}

// stayShowView is one stay with its history and forms.
type stayShowView struct {
	Page
	Stay     stayRow
	History  []historyRow
	CanWrite bool
	OutOn    string
	Reason   string
}

func (h *handlers) stayShowPage(r *http.Request, id int64) (*stayShowView, error) {
	s, err := h.Store.GetStay(r.Context(), id)
	if err != nil {
		return nil, err
	}
	v := &stayShowView{Page: h.page(r, ""), Stay: newStayRow(s), OutOn: h.today()}
	for _, row := range s.History {
		v.History = append(v.History, historyRow{StayRow: row, When: formatTime(row.At)})
	}
	v.Title, v.Current, v.CanWrite = v.T("web.stays.show_title", s.PersonName, s.ID), "sites", v.User.Can(auth.PermStayManage)
	if !v.CanWrite {
		v.Current = "my_stays"
	}
	if v.OutOn < s.CheckInOn {
		v.OutOn = s.CheckInOn
	}
	return v, nil
}

func (h *handlers) stayShow(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	v, err := h.stayShowPage(r, id)
	if err != nil {
		return err
	}
	v.Notice = v.notice(r)
	h.render(w, r, http.StatusOK, "stay_show", v)
	return nil
}

func (h *handlers) stayChange(correct bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r, "id")
		if err != nil {
			return err
		}
		if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
			return err
		}
		pf := r.PostForm
		var row *int64
		if n, ok := parseID(pf.Get("row_id")); ok && n != 0 {
			row = &n
		}
		msg := "checked_out"
		if correct {
			c := model.StayCorrection{Reason: pf.Get("reason"), Cancel: pf.Get("cancel") == "1", RowID: row}
			if s := strings.TrimSpace(pf.Get("expected_out_on")); s != "" {
				c.ExpectedOutOn = &s
			}
			if s := strings.TrimSpace(pf.Get("check_in_on")); s != "" {
				c.CheckInOn = &s
			}
			if n, ok := parseID(pf.Get("bed_id")); ok && n != 0 {
				c.BedID = &n
			}
			err, msg = h.correctStay(r, id, c), "stay_corrected"
		} else {
			_, err = h.Store.CheckOut(r.Context(), id, model.CheckOut{CheckOutOn: pf.Get("check_out_on"), RowID: row})
		}
		if err != nil {
			e := model.AsError(err)
			status := formStatus(e)
			if status == 0 {
				return err
			}
			v, verr := h.stayShowPage(r, id)
			if verr != nil {
				return verr
			}
			v.OutOn, v.Reason = pf.Get("check_out_on"), pf.Get("reason")
			v.setErrors(e)
			h.render(w, r, status, "stay_show", v)
			return nil
		}
		return seeOther(w, r, "/stays/"+strconv.FormatInt(id, 10)+"?msg="+msg)
	}
}

func (h *handlers) correctStay(r *http.Request, id int64, c model.StayCorrection) error {
	_, err := h.Store.CorrectStay(r.Context(), id, c)
	return err
}

func (h *handlers) stayCheckOut(w http.ResponseWriter, r *http.Request) error {
	return h.stayChange(false)(w, r)
}

func (h *handlers) stayCorrect(w http.ResponseWriter, r *http.Request) error {
	return h.stayChange(true)(w, r)
}

// traceView answers who stayed where when.
type traceView struct {
	Page
	PersonID       int64
	SiteID, RoomID int64
	From, To       string
	Sites          []option
	Rows           []model.TraceRow
	Asked          bool
}

func (h *handlers) stayTrace(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	v := &traceView{Page: h.page(r, "web.trace.title"), From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	v.Current = "sites"
	v.PersonID, _ = parseID(q.Get("person"))
	v.SiteID, _ = parseID(q.Get("site"))
	v.RoomID, _ = parseID(q.Get("room"))
	sites, err := h.Store.ListSites(r.Context(), model.SiteFilter{Page: model.Page{Limit: 500}})
	if err != nil {
		return err
	}
	for _, s := range sites.Items {
		v.Sites = append(v.Sites, option{Value: strconv.FormatInt(s.ID, 10), Text: s.Name, Selected: s.ID == v.SiteID})
	}
	status := http.StatusOK
	if v.PersonID != 0 || v.SiteID != 0 || v.RoomID != 0 {
		v.Asked = true
		rows, err := h.Store.Trace(r.Context(), model.TraceFilter{PersonID: v.PersonID, SiteID: v.SiteID, RoomID: v.RoomID, From: v.From, To: v.To})
		if e := model.AsError(err); err != nil && e.Code == model.EInvalid {
			v.setErrors(e)
			status = http.StatusUnprocessableEntity
		} else if err != nil {
			return err
		}
		v.Rows = rows
	}
	h.render(w, r, status, "stay_trace", v)
	return nil
}
