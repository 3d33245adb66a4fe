package web

import (
	"net/http"
	"strconv"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/model"
)

// personShowView is a person with their family.
type personShowView struct {
	Page
	Person    model.Person
	Family    []familyRow
	Revealed  bool
	CanReveal bool
	CanWrite  bool
	CanLinks  bool // family_link.manage: the family's self-service links
	Updated   string
	Casework  personCasework // visits and open cases (need_person.go)
	// Referred: the person has a psychological case not closed; all the
	// page says of it (no score, no reason).
	Referred bool
	Liaison  personLiaison // contacts with the family (checkin.go)
}

// familyRow is a family member as the table shows it.
type familyRow struct {
	model.FamilyMember
	Age        int // -1 when unknown
	CareLabels []string
	WorkerURL  string // the relative's own person record, when they are a medical worker
}

// notices are the messages a redirect after a save may ask a page to show.
var notices = map[string]string{
	"saved":          "web.notice.saved",
	"created":        "web.notice.created",
	"family_saved":   "web.notice.family_saved",
	"family_deleted": "web.notice.family_deleted",
}

// notice returns the translated ?msg= of a redirect after a save.
func (p Page) notice(r *http.Request) string {
	if key, ok := notices[r.URL.Query().Get("msg")]; ok {
		return p.T(key)
	}
	return ""
}

func (h *handlers) personShow(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermPersonRead)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	// A reveal is a read the store audits as such; the role must hold it.
	reveal := r.URL.Query().Get("reveal") == "1"
	if reveal && !p.Can(auth.PermPersonReveal) {
		return httpx.Forbidden("error.forbidden")
	}
	person, err := h.Store.GetPerson(r.Context(), id, reveal)
	if err != nil {
		return err
	}
	family, err := h.Store.ListFamily(r.Context(), id, reveal)
	if err != nil {
		return err
	}
	v := &personShowView{Page: h.page(r, ""), Person: person, Revealed: reveal,
		CanReveal: p.Can(auth.PermPersonReveal), CanWrite: p.Can(auth.PermPersonWrite),
		CanLinks: p.Can(auth.PermFamilyLinkManage), Updated: formatTime(person.UpdatedAt)}
	v.Title, v.Current, v.Notice = person.Name, "people", v.notice(r)
	today := h.Store.Now()
	for _, m := range family {
		row := familyRow{FamilyMember: m, Age: ageOn(m.BirthDate, today)}
		for _, c := range m.CareNeeds {
			row.CareLabels = append(row.CareLabels, v.Label("care", c))
		}
		if m.MedicalWorkerPersonID != nil {
			row.WorkerURL = "/people/" + strconv.FormatInt(*m.MedicalWorkerPersonID, 10)
		}
		v.Family = append(v.Family, row)
	}
	if v.Casework, err = h.personCaseworkOf(r, p, v.Page, id); err != nil {
		return err
	}
	if v.Referred, err = h.Store.PsychReferred(r.Context(), id); err != nil {
		return err
	}
	if v.Liaison, err = h.personLiaisonOf(r, p, v.Page, id); err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "person_show", v)
	return nil
}
