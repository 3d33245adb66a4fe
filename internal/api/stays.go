package api

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/i18n"
	"houdun/internal/living"
	"houdun/internal/model"
	"houdun/internal/report"
	"houdun/internal/store"
)

// staysRoutes are the routes of isolation accommodation and transport help
// (issue 10): sites with rooms and beds, stays (check-in, check-out,
// corrections), the occupancy board, contact tracing, transport requests
// and their steps, and the two list exports.
func (h *handlers) staysRoutes() []route {
	siteRead := perms(auth.PermSiteManage, auth.PermStayManage)
	stayRead := perms(auth.PermStayManage, auth.PermStayOwn)
	tripRead := perms(auth.PermTransportManage, auth.PermTransportAsk, auth.PermTransportDrive)
	return []route{
		{Method: "GET", Path: "/api/v1/sites", Handler: h.listSites, Perm: siteRead},
		{Method: "POST", Path: "/api/v1/sites", Handler: h.createSite, Perm: perms(auth.PermSiteManage)},
		{Method: "GET", Path: "/api/v1/sites/{id}", Handler: h.getSite, Perm: siteRead},
		{Method: "PATCH", Path: "/api/v1/sites/{id}", Handler: h.updateSite, Perm: perms(auth.PermSiteManage)},
		{Method: "POST", Path: "/api/v1/sites/{id}/rooms", Handler: h.addRooms, Perm: perms(auth.PermSiteManage)},
		{Method: "GET", Path: "/api/v1/sites/{id}/occupancy", Handler: h.occupancy, Perm: perms(auth.PermStayManage)},

		{Method: "GET", Path: "/api/v1/stays", Handler: h.listStays, Perm: stayRead},
		{Method: "POST", Path: "/api/v1/stays", Handler: h.checkIn, Perm: perms(auth.PermStayManage)},
		{Method: "GET", Path: "/api/v1/stays/trace", Handler: h.traceStays, Perm: perms(auth.PermStayManage)},
		{Method: "GET", Path: "/api/v1/stays/{id}", Handler: h.getStay, Perm: stayRead},
		{Method: "POST", Path: "/api/v1/stays/{id}/check-out", Handler: h.checkOut, Perm: perms(auth.PermStayManage)},
		{Method: "POST", Path: "/api/v1/stays/{id}/corrections", Handler: h.correctStay, Perm: perms(auth.PermStayManage)},
		{Method: "GET", Path: "/api/v1/exports/stays.xlsx", Handler: h.exportStaysXLSX, Perm: perms(auth.PermStayManage)},

		{Method: "GET", Path: "/api/v1/transport-requests", Handler: h.listTrips, Perm: tripRead},
		{Method: "POST", Path: "/api/v1/transport-requests", Handler: h.createTrip, Perm: perms(auth.PermTransportAsk)},
		{Method: "GET", Path: "/api/v1/transport-requests/{id}", Handler: h.getTrip, Perm: tripRead},
		{Method: "POST", Path: "/api/v1/transport-requests/{id}/assign", Handler: h.stepTrip(living.TripAssign), Perm: perms(auth.PermTransportManage)},
		{Method: "POST", Path: "/api/v1/transport-requests/{id}/start", Handler: h.stepTrip(living.TripStart), Perm: perms(auth.PermTransportManage, auth.PermTransportDrive)},
		{Method: "POST", Path: "/api/v1/transport-requests/{id}/complete", Handler: h.stepTrip(living.TripComplete), Perm: perms(auth.PermTransportManage, auth.PermTransportDrive)},
		{Method: "POST", Path: "/api/v1/transport-requests/{id}/cancel", Handler: h.stepTrip(living.TripCancel), Perm: perms(auth.PermTransportManage, auth.PermTransportAsk)},
		{Method: "GET", Path: "/api/v1/exports/transport-requests.xlsx", Handler: h.exportTripsXLSX, Perm: perms(auth.PermTransportManage)},
	}
}

func siteFilterOf(r *http.Request, st *store.Store) (model.SiteFilter, error) {
	q := r.URL.Query()
	f := model.SiteFilter{Q: q.Get("q"), Kind: q.Get("kind")}
	if f.Kind != "" && !model.Contains(model.SiteKinds, f.Kind) {
		return f, model.Errorf(model.EInvalid, "error.bad_query", "kind")
	}
	var err error
	if f.RegionCode, err = queryRegion(r, st, "region"); err != nil {
		return f, err
	}
	f.Page, err = httpx.Page(r)
	return f, err
}

func (h *handlers) listSites(w http.ResponseWriter, r *http.Request) error {
	f, err := siteFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	list, err := h.Store.ListSites(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) createSite(w http.ResponseWriter, r *http.Request) error {
	var in model.SiteInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	st, err := h.Store.CreateSite(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/sites/"+strconv.FormatInt(st.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, st)
	return nil
}

// siteBody is a site with its rooms and beds.
type siteBody struct {
	model.Site
	RoomList []model.Room `json:"room_list"`
}

func (h *handlers) getSite(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	st, rooms, err := h.Store.GetSite(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, siteBody{Site: st, RoomList: rooms})
	return nil
}

func (h *handlers) updateSite(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.SiteInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	st, err := h.Store.UpdateSite(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (h *handlers) addRooms(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.RoomsInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	rooms, err := h.Store.AddRooms(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, map[string]any{"items": rooms})
	return nil
}

func (h *handlers) occupancy(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	o, err := h.Store.Occupancy(r.Context(), id, r.URL.Query().Get("date"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, o)
	return nil
}

func stayFilterOf(r *http.Request) (model.StayFilter, error) {
	q := r.URL.Query()
	f := model.StayFilter{Q: q.Get("q"), Status: q.Get("status"), On: strings.TrimSpace(q.Get("on"))}
	if f.Status != "" && !model.Contains(model.StayStatuses, f.Status) {
		return f, model.Errorf(model.EInvalid, "error.bad_query", "status")
	}
	if f.On != "" && !living.ValidDate(f.On) {
		return f, model.Errorf(model.EInvalid, "error.bad_query", "on")
	}
	var err error
	if f.SiteID, err = queryInt64(r, "site"); err != nil {
		return f, err
	}
	if f.PersonID, err = queryInt64(r, "person"); err != nil {
		return f, err
	}
	f.Page, err = httpx.Page(r)
	return f, err
}

func (h *handlers) listStays(w http.ResponseWriter, r *http.Request) error {
	f, err := stayFilterOf(r)
	if err != nil {
		return err
	}
	list, err := h.Store.ListStays(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) checkIn(w http.ResponseWriter, r *http.Request) error {
	var in model.CheckIn
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	st, err := h.Store.CheckIn(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/stays/"+strconv.FormatInt(st.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, st)
	return nil
}

func (h *handlers) getStay(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	st, err := h.Store.GetStay(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (h *handlers) checkOut(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.CheckOut
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	st, err := h.Store.CheckOut(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (h *handlers) correctStay(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.StayCorrection
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	st, err := h.Store.CorrectStay(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (h *handlers) traceStays(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := model.TraceFilter{From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	var err error
	if f.PersonID, err = queryInt64(r, "person"); err != nil {
		return err
	}
	if f.SiteID, err = queryInt64(r, "site"); err != nil {
		return err
	}
	if f.RoomID, err = queryInt64(r, "room"); err != nil {
		return err
	}
	rows, err := h.Store.Trace(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": rows})
	return nil
}

func (h *handlers) exportStaysXLSX(w http.ResponseWriter, r *http.Request) error {
	f, err := stayFilterOf(r)
	if err != nil {
		return err
	}
	return h.sendExport(w, r, "export.file.stays", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
		_, err := report.WriteStays(ctx, h.Store, out, f, report.FilterText(r.URL.Query()), lang)
		return err
	})
}

func tripFilterOf(r *http.Request, st *store.Store) (model.TripFilter, error) {
	q := r.URL.Query()
	f := model.TripFilter{Q: q.Get("q"), Status: q.Get("status"), Kind: q.Get("kind")}
	if f.Status != "" && !model.Contains(living.TripStatuses, f.Status) {
		return f, model.Errorf(model.EInvalid, "error.bad_query", "status")
	}
	if f.Kind != "" && !model.Contains(living.TripKinds, f.Kind) {
		return f, model.Errorf(model.EInvalid, "error.bad_query", "kind")
	}
	for name, dst := range map[string]*bool{"open": &f.Open, "mine": &f.Mine} {
		if v := q.Get(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return f, model.Errorf(model.EInvalid, "error.bad_query", name)
			}
			*dst = b
		}
	}
	var err error
	if f.RegionCode, err = queryRegion(r, st, "region"); err != nil {
		return f, err
	}
	f.Page, err = httpx.Page(r)
	return f, err
}

func (h *handlers) listTrips(w http.ResponseWriter, r *http.Request) error {
	f, err := tripFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	list, err := h.Store.ListTrips(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) createTrip(w http.ResponseWriter, r *http.Request) error {
	var in model.TripInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	t, err := h.Store.CreateTrip(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/transport-requests/"+strconv.FormatInt(t.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, t)
	return nil
}

func (h *handlers) getTrip(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	t, err := h.Store.GetTrip(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, t)
	return nil
}

func (h *handlers) stepTrip(act living.TripAction) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r, "id")
		if err != nil {
			return err
		}
		var in model.TripStep
		if err := h.decodeOptionalJSON(w, r, &in); err != nil {
			return err
		}
		t, err := h.Store.StepTrip(r.Context(), id, act, in)
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, t)
		return nil
	}
}

func (h *handlers) exportTripsXLSX(w http.ResponseWriter, r *http.Request) error {
	f, err := tripFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	return h.sendExport(w, r, "export.file.transport", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
		_, err := report.WriteTrips(ctx, h.Store, out, f, report.FilterText(r.URL.Query()), lang)
		return err
	})
}
