package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/model"
)

// volunteerShowView is a volunteer with their pairings and the form that
// pairs them with a person's family.
type volunteerShowView struct {
	Page
	Volunteer volunteerRow
	Pairings  []model.Pairing
	Pair      pairingForm
	// Q is the name searched for a person to pair with; Found are the people
	// of the scope it matched, offered as a choice.
	Q          string
	Searched   bool
	Found      []option
	FoundTotal int
	Today      string
}

// pairingForm is the pairing form as typed.
type pairingForm struct {
	PersonID string
	StartsOn string
	EndsOn   string
	Note     string
}

// dayOf is the calendar date in China at t, as a date input takes it.
func dayOf(t time.Time) string { return t.In(chinaTime).Format(time.DateOnly) }

func (h *handlers) volunteerShow(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	v := &volunteerShowView{Page: h.page(r, ""), Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	v.Notice = v.notice(r)
	v.Pair.StartsOn = dayOf(h.Store.Now())
	return h.volunteerShowPage(w, r, id, http.StatusOK, v)
}

// volunteerShowPage loads the volunteer, their pairings and, when a name was
// searched, the people it matches.
func (h *handlers) volunteerShowPage(w http.ResponseWriter, r *http.Request, id int64, status int, v *volunteerShowView) error {
	ctx := r.Context()
	vo, err := h.Store.GetVolunteer(ctx, id, false)
	if err != nil {
		return err
	}
	v.Volunteer = newVolunteerRow(v.Page, vo)
	v.Title, v.Current = vo.Name, "volunteers"
	v.Today = dayOf(h.Store.Now())
	pairings, err := h.Store.ListPairings(ctx, model.PairingFilter{VolunteerID: id, Page: model.Page{Limit: 200}})
	if err != nil {
		return err
	}
	v.Pairings = pairings.Items
	if v.Q != "" && v.User != nil && v.User.Can(auth.PermPersonRead) {
		people, err := h.Store.ListPeople(ctx, model.PersonFilter{Q: v.Q, Page: model.Page{Limit: 20}})
		if err != nil {
			return err
		}
		v.Searched, v.FoundTotal = true, people.Total
		for _, p := range people.Items {
			pid := strconv.FormatInt(p.ID, 10)
			v.Found = append(v.Found, option{Value: pid, Text: v.T("web.pairing.person_option", p.Name, p.InstitutionName, p.Department, pid),
				Selected: pid == v.Pair.PersonID || len(people.Items) == 1})
		}
	}
	v.Back = "/volunteers/" + strconv.FormatInt(id, 10)
	h.render(w, r, status, "volunteer_show", v)
	return nil
}

// pairingCreate pairs the volunteer with a person's family.
func (h *handlers) pairingCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	pf := r.PostForm
	f := pairingForm{PersonID: strings.TrimSpace(pf.Get("person_id")), StartsOn: strings.TrimSpace(pf.Get("starts_on")),
		EndsOn: strings.TrimSpace(pf.Get("ends_on")), Note: pf.Get("note")}
	in := model.PairingInput{VolunteerID: &id, StartsOn: &f.StartsOn, EndsOn: &f.EndsOn, Note: &f.Note}
	person, ok := parseID(f.PersonID)
	if !ok {
		err = model.FieldErrors{"person_id": model.M("field.number")}.Err()
	} else {
		in.PersonID = &person
		_, err = h.Store.CreatePairing(r.Context(), in)
	}
	if err == nil {
		return seeOther(w, r, "/volunteers/"+strconv.FormatInt(id, 10)+"?msg=pairing_saved#pairings")
	}
	e := model.AsError(err)
	if e.Code == model.ENotFound && ok && person != 0 {
		// The person is missing or outside the scope: say so beside the field.
		e = model.FieldErrors{"person_id": model.M("web.pairing.person_unknown")}.Err().(*model.Error)
	}
	status := formStatus(e)
	if status == 0 {
		return err
	}
	v := &volunteerShowView{Page: h.page(r, ""), Pair: f, Q: strings.TrimSpace(pf.Get("q"))}
	v.setErrors(e)
	return h.volunteerShowPage(w, r, id, status, v)
}

// pairingEnd ends a pairing now, keeping its record: its last day becomes
// yesterday, so that the volunteer is no longer proposed first from today
// (or the date given, when one is posted).
func (h *handlers) pairingEnd(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	version, _ := versionOf(r.PostForm.Get("version"))
	end := strings.TrimSpace(r.PostForm.Get("ends_on"))
	if end == "" {
		end = dayOf(h.Store.Now().AddDate(0, 0, -1))
	}
	// A pairing that starts today or later cannot end before it begins: the
	// store cuts it to its first day rather than refusing it.
	pa, err := h.Store.EndPairing(r.Context(), id, end, version)
	if err != nil {
		e := model.AsError(err)
		if formStatus(e) == 0 {
			return err
		}
		// The page is shown again: that is a read of the pairing.
		if pa, err = h.Store.GetPairing(r.Context(), id); err != nil {
			return err
		}
		v := &volunteerShowView{Page: h.page(r, "")}
		v.Pair.StartsOn = dayOf(h.Store.Now())
		v.setErrors(e)
		return h.volunteerShowPage(w, r, pa.VolunteerID, formStatus(e), v)
	}
	return seeOther(w, r, "/volunteers/"+strconv.FormatInt(pa.VolunteerID, 10)+"?msg=pairing_ended#pairings")
}
