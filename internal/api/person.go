package api

import (
	"net/http"
	"strconv"

	"houdun/internal/httpx"
	"houdun/internal/model"
	"houdun/internal/store"
)

// personFilter reads the people list's query parameters.
func personFilter(r *http.Request, st *store.Store) (model.PersonFilter, error) {
	q := r.URL.Query()
	f := model.PersonFilter{Q: q.Get("q"), IDNumber: q.Get("id_number"), Phone: q.Get("phone"), Occupation: q.Get("occupation")}
	var err error
	if f.RegionCode, err = queryRegion(r, st, "region"); err != nil {
		return f, err
	}
	if v := q.Get("institution_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return f, model.Errorf(model.EInvalid, "error.bad_query", "institution_id")
		}
		f.InstitutionID = id
	}
	if v := q.Get("frontline"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, model.Errorf(model.EInvalid, "error.bad_query", "frontline")
		}
		f.Frontline = &b
	}
	if f.Occupation != "" && !model.Contains(model.Occupations, f.Occupation) {
		return f, model.Errorf(model.EInvalid, "error.bad_query", "occupation")
	}
	page, err := httpx.Page(r)
	f.Page = page
	return f, err
}

func (h *handlers) listPeople(w http.ResponseWriter, r *http.Request) error {
	f, err := personFilter(r, h.Store)
	if err != nil {
		return err
	}
	list, err := h.Store.ListPeople(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

// reveal reads ?reveal=true: the caller asks for full ID numbers and phones (audited).
func reveal(r *http.Request) bool {
	b, _ := strconv.ParseBool(r.URL.Query().Get("reveal"))
	return b
}

func (h *handlers) getPerson(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := h.Store.GetPerson(r.Context(), id, reveal(r))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (h *handlers) createPerson(w http.ResponseWriter, r *http.Request) error {
	var in model.PersonInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	reg, err := h.Store.RegisterPerson(r.Context(), in)
	if err != nil {
		return err
	}
	writeRegistration(w, r, reg)
	return nil
}

func (h *handlers) updatePerson(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.PersonInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	p, err := h.Store.UpdatePerson(r.Context(), id, in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if p.IDNumberCorrection != 0 {
		// The other fields are saved; the new ID number waits for a second person.
		status = http.StatusAccepted
	}
	httpx.WriteJSON(w, status, p)
	return nil
}

// versionParam reads an optional ?version= for deletes, which have no body.
func versionParam(r *http.Request) (*int64, error) {
	v := r.URL.Query().Get("version")
	if v == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil, model.Errorf(model.EInvalid, "error.bad_query", "version")
	}
	return &n, nil
}

func (h *handlers) deletePerson(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	version, err := versionParam(r)
	if err != nil {
		return err
	}
	if err := h.Store.DeletePerson(r.Context(), id, version); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type familyList struct {
	Items []model.FamilyMember `json:"items"`
	Total int                  `json:"total"`
}

func (h *handlers) listFamily(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	fam, err := h.Store.ListFamily(r.Context(), id, reveal(r))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, familyList{Items: fam, Total: len(fam)})
	return nil
}

func (h *handlers) createFamilyMember(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.FamilyMemberInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	m, err := h.Store.CreateFamilyMember(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, m)
	return nil
}

func (h *handlers) updateFamilyMember(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	mid, err := httpx.PathID(r, "memberID")
	if err != nil {
		return err
	}
	var in model.FamilyMemberInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	m, err := h.Store.UpdateFamilyMember(r.Context(), id, mid, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, m)
	return nil
}

func (h *handlers) deleteFamilyMember(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	mid, err := httpx.PathID(r, "memberID")
	if err != nil {
		return err
	}
	version, err := versionParam(r)
	if err != nil {
		return err
	}
	if err := h.Store.DeleteFamilyMember(r.Context(), id, mid, version); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
