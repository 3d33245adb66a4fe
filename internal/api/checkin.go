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
	"houdun/internal/model"
	"houdun/internal/report"
	"houdun/internal/store"
)

// The daily health check-ins of deployed people (每日健康打卡) and the family
// liaison log (家属联络记录).

func (h *handlers) checkinRoutes() []route {
	return []route{
		{Method: "POST", Path: "/api/v1/checkins", Handler: h.submitCheckin, Perm: perms(auth.PermCheckinSubmit)},
		{Method: "GET", Path: "/api/v1/checkins", Handler: h.listCheckins, Perm: perms(auth.PermCheckinRead)},
		{Method: "GET", Path: "/api/v1/checkins/missing", Handler: h.listMissingCheckins, Perm: perms(auth.PermCheckinRead)},
		{Method: "GET", Path: "/api/v1/checkins/counts", Handler: h.checkinCounts, Perm: perms(auth.PermCheckinRead, auth.PermAggregateRead)},
		{Method: "GET", Path: "/api/v1/checkins/{id}", Handler: h.getCheckin, Perm: perms(auth.PermCheckinRead)},
		{Method: "GET", Path: "/api/v1/exports/checkins.xlsx", Handler: h.exportCheckinsXLSX, Perm: perms(auth.PermPersonExport)},
		{Method: "GET", Path: "/api/v1/exports/checkins-missing.xlsx", Handler: h.exportMissingXLSX, Perm: perms(auth.PermPersonExport)},

		{Method: "POST", Path: "/api/v1/family-contacts", Handler: h.createFamilyContact, Perm: perms(auth.PermFamilyContactWrite)},
		{Method: "GET", Path: "/api/v1/family-contacts", Handler: h.listFamilyContacts, Perm: perms(auth.PermFamilyContactRead)},
		{Method: "GET", Path: "/api/v1/family-contacts/{id}", Handler: h.getFamilyContact, Perm: perms(auth.PermFamilyContactRead)},
		{Method: "GET", Path: "/api/v1/exports/family-contacts.xlsx", Handler: h.exportFamilyContactsXLSX, Perm: perms(auth.PermPersonExport)},
	}
}

// submitCheckin answers 201 for the day's first check-in and 200 for a
// correction of it.
func (h *handlers) submitCheckin(w http.ResponseWriter, r *http.Request) error {
	var in model.CheckinInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	c, err := h.Store.SubmitCheckin(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/checkins/"+strconv.FormatInt(c.ID, 10))
	status := http.StatusCreated
	if c.Corrections > 0 {
		status = http.StatusOK
	}
	httpx.WriteJSON(w, status, c)
	return nil
}

// queryDay reads an optional YYYY-MM-DD date.
func queryDay(r *http.Request, name string) (string, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v != "" && !model.ValidDay(v) {
		return "", model.Errorf(model.EInvalid, "error.bad_query", name)
	}
	return v, nil
}

// checkinFilterOf reads person_id, batch_id, institution, region, q, from, to (days), fever.
func checkinFilterOf(r *http.Request, st *store.Store) (model.CheckinFilter, error) {
	var f model.CheckinFilter
	var err error
	if f.RegionCode, err = queryRegion(r, st, "region"); err != nil {
		return f, err
	}
	if f.PersonID, err = queryInt64(r, "person_id"); err != nil {
		return f, err
	}
	if f.BatchID, err = queryInt64(r, "batch_id"); err != nil {
		return f, err
	}
	if f.InstitutionID, err = queryInt64(r, "institution"); err != nil {
		return f, err
	}
	if f.From, err = queryDay(r, "from"); err != nil {
		return f, err
	}
	if f.To, err = queryDay(r, "to"); err != nil {
		return f, err
	}
	if f.FeverOnly, err = queryBool(r, "fever"); err != nil {
		return f, err
	}
	f.Q = strings.TrimSpace(r.URL.Query().Get("q"))
	return f, nil
}

func (h *handlers) listCheckins(w http.ResponseWriter, r *http.Request) error {
	f, err := checkinFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	if f.Page, err = httpx.Page(r); err != nil {
		return err
	}
	list, err := h.Store.ListCheckins(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) getCheckin(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Store.GetCheckin(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

// missingFilterOf reads date, batch_id, institution and region.
func missingFilterOf(r *http.Request, st *store.Store) (model.MissingFilter, error) {
	var f model.MissingFilter
	var err error
	if f.Day, err = queryDay(r, "date"); err != nil {
		return f, err
	}
	if f.RegionCode, err = queryRegion(r, st, "region"); err != nil {
		return f, err
	}
	if f.BatchID, err = queryInt64(r, "batch_id"); err != nil {
		return f, err
	}
	if f.InstitutionID, err = queryInt64(r, "institution"); err != nil {
		return f, err
	}
	return f, nil
}

func (h *handlers) listMissingCheckins(w http.ResponseWriter, r *http.Request) error {
	f, err := missingFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	if f.Page, err = httpx.Page(r); err != nil {
		return err
	}
	list, err := h.Store.ListMissingCheckins(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) checkinCounts(w http.ResponseWriter, r *http.Request) error {
	day, err := queryDay(r, "date")
	if err != nil {
		return err
	}
	code, err := queryRegion(r, h.Store, "region")
	if err != nil {
		return err
	}
	n, err := h.Store.CheckinCounts(r.Context(), day, code)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, n)
	return nil
}

func (h *handlers) exportCheckinsXLSX(w http.ResponseWriter, r *http.Request) error {
	f, err := checkinFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	return h.sendExport(w, r, "export.file.checkins", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
		_, err := report.WriteCheckins(ctx, h.Store, out, f, report.FilterText(r.URL.Query()), lang)
		return err
	})
}

func (h *handlers) exportMissingXLSX(w http.ResponseWriter, r *http.Request) error {
	f, err := missingFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	return h.sendExport(w, r, "export.file.missing", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
		_, err := report.WriteMissingCheckins(ctx, h.Store, out, f, report.FilterText(r.URL.Query()), lang)
		return err
	})
}

func (h *handlers) createFamilyContact(w http.ResponseWriter, r *http.Request) error {
	var in model.FamilyContactInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	c, err := h.Store.CreateFamilyContact(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/family-contacts/"+strconv.FormatInt(c.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, c)
	return nil
}

// familyContactFilterOf reads person_id, institution, region, channel, outcome, q, from, to.
func familyContactFilterOf(r *http.Request, st *store.Store) (model.FamilyContactFilter, error) {
	var f model.FamilyContactFilter
	var err error
	if f.RegionCode, err = queryRegion(r, st, "region"); err != nil {
		return f, err
	}
	if f.PersonID, err = queryInt64(r, "person_id"); err != nil {
		return f, err
	}
	if f.InstitutionID, err = queryInt64(r, "institution"); err != nil {
		return f, err
	}
	if f.Channel, err = queryChoice(r, "channel", model.ContactChannels); err != nil {
		return f, err
	}
	if f.Outcome, err = queryChoice(r, "outcome", model.ContactOutcomes); err != nil {
		return f, err
	}
	if f.From, f.To, err = queryPeriod(r); err != nil {
		return f, err
	}
	f.Q = strings.TrimSpace(r.URL.Query().Get("q"))
	return f, nil
}

func (h *handlers) listFamilyContacts(w http.ResponseWriter, r *http.Request) error {
	f, err := familyContactFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	if f.Page, err = httpx.Page(r); err != nil {
		return err
	}
	list, err := h.Store.ListFamilyContacts(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) getFamilyContact(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Store.GetFamilyContact(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (h *handlers) exportFamilyContactsXLSX(w http.ResponseWriter, r *http.Request) error {
	f, err := familyContactFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	return h.sendExport(w, r, "export.file.family_contacts", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
		_, err := report.WriteFamilyContacts(ctx, h.Store, out, f, report.FilterText(r.URL.Query()), lang)
		return err
	})
}
