package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/living"
	"houdun/internal/model"
)

// The pages of transport help (交通保障): the list (the team's queue with
// search, filters, phone cards and the Excel export; a worker's own
// requests; a volunteer driver's own trips at /trips), the request form a
// worker fills in on a phone, and one request with the steps the caller may
// take (living.TripSteps, as the store decides them).

func (h *handlers) tripRoutes() []route {
	return []route{
		{pattern: "GET /transport", fn: h.tripList, perm: auth.PermTransportAsk},
		{pattern: "GET /transport/new", fn: h.tripNew, perm: auth.PermTransportAsk},
		{pattern: "POST /transport", fn: h.tripCreate, perm: auth.PermTransportAsk},
		{pattern: "GET /transport/{id}", fn: h.tripShow},           // team, requester or driver: the store decides
		{pattern: "POST /transport/{id}/{action}", fn: h.tripStep}, // likewise, by living.MayTripStep
		{pattern: "GET /trips", fn: h.driverTrips, perm: auth.PermTransportDrive},
	}
}

// tripRow is a request as the pages show it.
type tripRow struct {
	model.Trip
	URL    string
	Wanted string
	Region string
}

func newTripRow(t model.Trip) tripRow {
	return tripRow{Trip: t, URL: "/transport/" + strconv.FormatInt(t.ID, 10), Wanted: formatTime(t.WantedAt), Region: regionLabel(t.RegionCode)}
}

// tripListView is a list of requests.
type tripListView struct {
	Page
	Q, Status, Kind string
	Open            bool
	Statuses, Kinds []option
	Trips           []tripRow
	Pager           pager
	ExportURL       string
	ExportMax       int
	Team            bool // the caller works the requests of a scope
	Driver          bool // the caller's own trips as a volunteer driver
}

func (h *handlers) tripList(w http.ResponseWriter, r *http.Request) error {
	return h.tripListFor(w, r, false)
}

func (h *handlers) driverTrips(w http.ResponseWriter, r *http.Request) error {
	return h.tripListFor(w, r, true)
}

func (h *handlers) tripListFor(w http.ResponseWriter, r *http.Request, driver bool) error {
	q := r.URL.Query()
	v := &tripListView{Page: h.page(r, "web.trips.title"), Q: strings.TrimSpace(q.Get("q")), Status: q.Get("status"), Kind: q.Get("kind"),
		Open: q.Get("open") == "1", Driver: driver}
	if !model.Contains(living.TripStatuses, v.Status) {
		v.Status = ""
	}
	if !model.Contains(living.TripKinds, v.Kind) {
		v.Kind = ""
	}
	list, err := h.Store.ListTrips(r.Context(), model.TripFilter{Q: v.Q, Status: v.Status, Kind: v.Kind, Open: v.Open, Page: pageOf(r)})
	if err != nil {
		return err
	}
	v.Team = v.User.Can(auth.PermTransportManage)
	v.Current, v.Notice = "transport", v.notice(r)
	if driver {
		v.Title, v.Current = v.T("web.trips.driver_title"), "trips"
	} else if !v.Team {
		v.Title = v.T("web.trips.mine")
	}
	if v.Team && v.User.Can(auth.PermPersonExport) {
		v.ExportURL, v.ExportMax = "/api/v1/exports/transport-requests.xlsx", model.ListExportMax
		if enc := r.URL.Query(); len(enc) > 0 {
			enc.Del("page")
			if enc.Get("open") == "1" {
				enc.Set("open", "true")
			}
			v.ExportURL += "?" + enc.Encode()
		}
	}
	for _, s := range living.TripStatuses {
		v.Statuses = append(v.Statuses, option{Value: s, Text: v.Label("trip.status", s), Selected: s == v.Status})
	}
	for _, k := range living.TripKinds {
		v.Kinds = append(v.Kinds, option{Value: k, Text: v.Label("trip.kind", k), Selected: k == v.Kind})
	}
	for _, t := range list.Items {
		v.Trips = append(v.Trips, newTripRow(t))
	}
	path := "/transport"
	if driver {
		path = "/trips"
	}
	vals := url.Values{"q": {v.Q}, "status": {v.Status}, "kind": {v.Kind}}
	if v.Open {
		vals.Set("open", "1")
	}
	v.Pager = newPager(path, vals, list.Total, list.Offset, list.Limit)
	h.render(w, r, http.StatusOK, "trip_list", v)
	return nil
}

// tripForm is the request form as typed.
type tripForm struct {
	PersonID, FamilyMemberID, Kind, Pickup, Destination, Wanted, Passengers, Note, NeedID string
}

// tripFormView is the request form: on a phone for a worker (their own
// family), for the team a person of their scope named by ?person_id=.
type tripFormView struct {
	Page
	Form       tripForm
	PersonName string
	Kinds      []option
	Family     []option
	Self       bool
}

func (h *handlers) tripFormPage(r *http.Request, f tripForm) (*tripFormView, error) {
	v := &tripFormView{Page: h.page(r, "web.trips.new"), Form: f}
	v.Current = "transport"
	pid, _ := parseID(f.PersonID)
	if pid == 0 {
		pid = v.User.PersonID
		v.Self = true
	}
	for _, k := range living.TripKinds {
		v.Kinds = append(v.Kinds, option{Value: k, Text: v.Label("trip.kind", k), Selected: k == f.Kind})
	}
	if pid != 0 {
		p, err := h.Store.GetPerson(r.Context(), pid, false)
		if err != nil {
			return nil, err
		}
		v.PersonName = p.Name
		fam, err := h.Store.ListFamily(r.Context(), pid, false)
		if err != nil {
			return nil, err
		}
		for _, m := range fam {
			id := strconv.FormatInt(m.ID, 10)
			v.Family = append(v.Family, option{Value: id, Text: m.Name + "（" + v.Label("relation", m.Relation) + "）", Selected: id == f.FamilyMemberID})
		}
	}
	return v, nil
}

func (h *handlers) tripNew(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := tripForm{PersonID: q.Get("person_id"), Kind: q.Get("kind"), NeedID: q.Get("need_id"), Passengers: "1",
		Wanted: h.Store.Now().Add(2 * time.Hour).In(chinaTime).Format("2006-01-02T15:04")}
	if f.Kind == "" {
		f.Kind = living.TripCommute
	}
	v, err := h.tripFormPage(r, f)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "trip_form", v)
	return nil
}

func (h *handlers) tripCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	pf := r.PostForm
	f := tripForm{PersonID: pf.Get("person_id"), FamilyMemberID: pf.Get("family_member_id"), Kind: pf.Get("kind"), Pickup: pf.Get("pickup"),
		Destination: pf.Get("destination"), Wanted: pf.Get("wanted_at"), Passengers: pf.Get("passengers"), Note: pf.Get("note"), NeedID: pf.Get("need_id")}
	in := model.TripInput{Kind: f.Kind, Pickup: f.Pickup, Destination: f.Destination, Note: f.Note}
	fe := model.FieldErrors{}
	in.PersonID, _ = parseID(f.PersonID)
	if id, ok := parseID(f.FamilyMemberID); ok && id != 0 {
		in.FamilyMemberID = &id
	}
	if id, ok := parseID(f.NeedID); ok && id != 0 {
		in.NeedID = &id
	}
	if s := strings.TrimSpace(f.Wanted); s != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", s, chinaTime)
		if err != nil {
			fe.Add("wanted_at", "field.date")
		}
		in.WantedAt = t
	}
	if s := strings.TrimSpace(f.Passengers); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			fe.Add("passengers", "field.number")
		}
		in.Passengers = n
	}
	var t model.Trip
	err := fe.Err()
	if err == nil {
		t, err = h.Store.CreateTrip(r.Context(), in)
	}
	if err != nil {
		e := model.AsError(err)
		status := formStatus(e)
		if status == 0 {
			return err
		}
		v, verr := h.tripFormPage(r, f)
		if verr != nil {
			return verr
		}
		v.setErrors(e)
		h.render(w, r, status, "trip_form", v)
		return nil
	}
	return seeOther(w, r, "/transport/"+strconv.FormatInt(t.ID, 10)+"?msg=trip_created")
}

// tripShowView is one request with the forms of the steps the caller may take.
type tripShowView struct {
	Page
	Trip       tripRow
	Steps      map[string]bool
	Volunteers []option
	Vehicle    string
	Outcome    string
}

func (h *handlers) tripShowPage(r *http.Request, id int64) (*tripShowView, error) {
	t, err := h.Store.GetTrip(r.Context(), id)
	if err != nil {
		return nil, err
	}
	v := &tripShowView{Page: h.page(r, ""), Trip: newTripRow(t), Steps: map[string]bool{}, Vehicle: t.Vehicle}
	v.Title, v.Current = v.T("web.trips.show_title", v.Label("trip.kind", t.Kind), t.ID), "transport"
	if v.User.Can(auth.PermTransportDrive) {
		v.Current = "trips"
	}
	for _, s := range t.Steps {
		v.Steps[s] = true
	}
	if v.Steps[string(living.TripAssign)] && v.User.Can(auth.PermVolunteerManage) {
		vols, err := h.Store.ListVolunteers(r.Context(), model.VolunteerFilter{Skill: model.SkillDriving, Active: ptrTo(true), Page: model.Page{Limit: 200}})
		if err != nil {
			return nil, err
		}
		for _, vo := range vols.Items {
			id := strconv.FormatInt(vo.ID, 10)
			v.Volunteers = append(v.Volunteers, option{Value: id, Text: vo.Name, Selected: t.VolunteerID != nil && *t.VolunteerID == vo.ID})
		}
	}
	return v, nil
}

func ptrTo[T any](v T) *T { return &v }

func (h *handlers) tripShow(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	v, err := h.tripShowPage(r, id)
	if err != nil {
		return err
	}
	v.Notice = v.notice(r)
	h.render(w, r, http.StatusOK, "trip_show", v)
	return nil
}

func (h *handlers) tripStep(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	act := living.TripAction(r.PathValue("action"))
	if !slices.Contains(living.TripActions, act) {
		return model.NotFound("transport")
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	pf := r.PostForm
	in := model.TripStep{Vehicle: pf.Get("vehicle"), Outcome: pf.Get("outcome")}
	if act == living.TripCancel {
		in.Outcome = pf.Get("reason") // its own field beside the completion's outcome
	}
	if n, ok := parseID(pf.Get("volunteer_id")); ok && n != 0 {
		in.VolunteerID = &n
	}
	if n, err := strconv.ParseInt(pf.Get("version"), 10, 64); err == nil {
		in.Version = &n
	}
	if _, err := h.Store.StepTrip(r.Context(), id, act, in); err != nil {
		e := model.AsError(err)
		status := formStatus(e)
		if status == 0 {
			return err
		}
		v, verr := h.tripShowPage(r, id)
		if verr != nil {
			return verr
		}
		v.Vehicle, v.Outcome = in.Vehicle, in.Outcome
		v.setErrors(e)
		if act == living.TripCancel && v.Errors["outcome"] != "" {
			v.Errors["reason"] = v.Errors["outcome"]
		}
		h.render(w, r, status, "trip_show", v)
		return nil
	}
	return seeOther(w, r, "/transport/"+strconv.FormatInt(id, 10)+"?msg=trip_stepped")
}
