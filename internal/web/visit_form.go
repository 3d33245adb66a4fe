package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// visitForm is a visit as typed, with the blocks of needs heard during it.
// The blocks are numbered from 0 in the field names (needs[0].category); the
// form carries their count, and "add another need" re-renders it with one
// more block, so that no script is needed.
type visitForm struct {
	Target    string
	Channel   string
	VisitedAt string // datetime-local, China time
	Notes     string
	Needs     []needForm
}

func newVisitForm(pf url.Values) visitForm {
	f := visitForm{Target: pf.Get("target"), Channel: pf.Get("channel"), VisitedAt: strings.TrimSpace(pf.Get("visited_at")), Notes: pf.Get("notes")}
	n, err := strconv.Atoi(pf.Get("blocks"))
	if err != nil || n < 0 {
		n = 0
	}
	n = min(n, model.VisitNeedsMax)
	for i := range n {
		f.Needs = append(f.Needs, newNeedForm(pf, needPrefix(i)))
	}
	return f
}

func needPrefix(i int) string { return "needs[" + strconv.Itoa(i) + "]." }

// needBlock is one block of the visit form with its field names and errors.
type needBlock struct {
	needForm
	Index                                int
	Prefix                               string
	Family, Categories, Kinds, Urgencies []option
}

// Name is the posted name of a field of the block.
func (b needBlock) Name(field string) string { return b.Prefix + field }

// ID is the element id of a field of the block.
func (b needBlock) ID(field string) string { return "f-needs-" + strconv.Itoa(b.Index) + "-" + field }

// visitFormView is the visit page.
type visitFormView struct {
	Page
	Person   model.Person
	Form     visitForm
	Blocks   []needBlock
	Targets  []option
	Channels []option
	MaxTime  string // the latest visit time the picker offers: now
	MinDue   string
	CanAdd   bool
	CanNeeds bool // the role may record needs with the visit
}

// BlockErr is the message of a field of block i.
func (v *visitFormView) BlockErr(i int, field string) string { return v.Errors[needPrefix(i)+field] }

func (h *handlers) visitFormPage(w http.ResponseWriter, r *http.Request, status int, v *visitFormView) error {
	family, err := h.Store.ListFamily(r.Context(), v.Person.ID, false)
	if err != nil {
		return err
	}
	v.Targets = codeOptions(v.Page, "visit.target", model.VisitTargets, v.Form.Target)
	v.Channels = codeOptions(v.Page, "visit.channel", model.VisitChannels, v.Form.Channel)
	now := h.Store.Now()
	v.MaxTime, v.MinDue = formatLocal(now), formatLocal(now)
	v.Blocks = nil
	for i, nf := range v.Form.Needs {
		b := needBlock{needForm: nf, Index: i, Prefix: needPrefix(i)}
		for _, m := range family {
			id := strconv.FormatInt(m.ID, 10)
			b.Family = append(b.Family, option{Value: id, Text: v.T("web.need.family_option", m.Name, v.Label("relation", m.Relation)), Selected: id == nf.FamilyMemberID})
		}
		b.Categories = codeOptions(v.Page, "need.category", model.NeedCategories, nf.Category)
		b.Kinds = kindOptions(v.Page, nf.Kind)
		b.Urgencies = codeOptions(v.Page, "need.urgency", model.NeedUrgencies, nf.Urgency)
		v.Blocks = append(v.Blocks, b)
	}
	v.CanAdd = v.CanNeeds && len(v.Form.Needs) < model.VisitNeedsMax
	v.Title, v.Current = v.T("web.visit.new_title", v.Person.Name), "visits"
	v.Back = "/visits/new?person_id=" + strconv.FormatInt(v.Person.ID, 10)
	h.render(w, r, status, "visit_form", v)
	return nil
}

func (h *handlers) visitNew(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermVisitWrite)
	if err != nil {
		return err
	}
	person, err := h.formPerson(r, r.URL.Query().Get("person_id"))
	if err != nil {
		return err
	}
	v := &visitFormView{Page: h.page(r, ""), Person: person, CanNeeds: p.Can(auth.PermNeedWrite),
		Form: visitForm{Target: model.VisitTargetPerson, VisitedAt: formatLocal(h.Store.Now())}}
	if v.CanNeeds {
		v.Form.Needs = []needForm{{Urgency: model.UrgencyNormal}}
	}
	return h.visitFormPage(w, r, http.StatusOK, v)
}

// blockIndex matches the fields of the store's errors about a need of the visit.
var blockIndex = regexp.MustCompile(`^needs\[(\d+)\]\.(.+)$`)

func (h *handlers) visitCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermVisitWrite)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	person, err := h.formPerson(r, r.PostForm.Get("person_id"))
	if err != nil {
		return err
	}
	f := newVisitForm(r.PostForm)
	v := &visitFormView{Page: h.page(r, ""), Person: person, Form: f, CanNeeds: p.Can(auth.PermNeedWrite)}
	if !v.CanNeeds {
		v.Form.Needs = nil
	}
	// The two buttons that change the form only show it again.
	if r.PostForm.Get("add") == "need" && v.CanNeeds {
		if len(v.Form.Needs) < model.VisitNeedsMax {
			v.Form.Needs = append(v.Form.Needs, needForm{Urgency: model.UrgencyNormal})
		}
		return h.visitFormPage(w, r, http.StatusOK, v)
	}
	if raw := r.PostForm.Get("remove"); raw != "" {
		if i, err := strconv.Atoi(raw); err == nil && i >= 0 && i < len(v.Form.Needs) {
			v.Form.Needs = append(v.Form.Needs[:i:i], v.Form.Needs[i+1:]...)
		}
		return h.visitFormPage(w, r, http.StatusOK, v)
	}

	in := model.VisitInput{PersonID: person.ID, Target: f.Target, Channel: f.Channel, Notes: f.Notes}
	fe := model.FieldErrors{}
	if t, ok := parseLocal(f.VisitedAt); !ok {
		fe.Add("visited_at", "web.form.datetime")
	} else {
		in.VisitedAt = t
	}
	// Empty blocks are left out; blockOf maps the store's index of a need
	// back to its block on the page.
	var blockOf []int
	for i, nf := range v.Form.Needs {
		if nf.blank() {
			continue
		}
		nf.Source = model.SourceVisit
		ni, nfe := nf.input(person.ID)
		for k, m := range nfe {
			fe[needPrefix(i)+k] = m
		}
		in.Needs = append(in.Needs, ni)
		blockOf = append(blockOf, i)
	}
	// remap names a field of the j-th need sent with the page's block.
	remap := func(k string) string {
		if sm := blockIndex.FindStringSubmatch(k); sm != nil {
			if j, _ := strconv.Atoi(sm[1]); j < len(blockOf) {
				return needPrefix(blockOf[j]) + sm[2]
			}
		}
		return k
	}
	if len(fe) > 0 {
		check := in
		for k, m := range check.Normalize(h.Store.Now()) {
			fe.Add(remap(k), m.Key, m.Args...)
		}
		return h.visitFormFailed(w, r, v, fe.Err())
	}
	if _, err := h.Store.CreateVisit(r.Context(), in); err != nil {
		e := model.AsError(err)
		if len(e.Fields) > 0 {
			fields := make(map[string]model.Msg, len(e.Fields))
			for k, m := range e.Fields {
				fields[remap(k)] = m
			}
			e = &model.Error{Code: e.Code, Msg: e.Msg, Fields: fields, Err: e.Err}
		}
		return h.visitFormFailed(w, r, v, e)
	}
	return seeOther(w, r, "/people/"+strconv.FormatInt(person.ID, 10)+"?msg=visit_saved#casework")
}

func (h *handlers) visitFormFailed(w http.ResponseWriter, r *http.Request, v *visitFormView, err error) error {
	e := model.AsError(err)
	status := formStatus(e)
	if status == 0 {
		return err
	}
	v.setErrors(e)
	v.requireChosen("channel", v.Form.Channel)
	for i, nf := range v.Form.Needs {
		v.requireChosen(needPrefix(i)+"category", nf.Category)
		v.requireChosen(needPrefix(i)+"kind", nf.Kind)
	}
	return h.visitFormPage(w, r, status, v)
}
