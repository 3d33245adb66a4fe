package web

import (
	"net/http"
	"strconv"
	"strings"

	"houdun/internal/casework"
	"houdun/internal/httpx"
	"houdun/internal/model"
)

// needStep takes one step of a case's life: POST /needs/{id}/{action} with
// the version the page was shown with. A refused step (a wrong field, a
// stale version, a status that no longer allows it) shows the case page
// again with the message and the typed text; a missing right is the 403 page.
func (h *handlers) needStep(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	act := casework.Action(r.PathValue("action"))
	if !act.Valid() {
		return model.NotFound("page")
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	pf := r.PostForm
	f := stepForm{Assignee: strings.TrimSpace(pf.Get("assignee")), Note: pf.Get("note"), Resolution: pf.Get("resolution"),
		Reason: pf.Get("reason"), Satisfaction: strings.TrimSpace(pf.Get("satisfaction")), Version: pf.Get("version")}
	err = h.takeStep(r, id, act, f)
	if err == nil {
		return seeOther(w, r, caseURL(id)+"?msg=need_"+act.Event())
	}
	e := model.AsError(err)
	status := formStatus(e)
	if status == 0 {
		return err
	}
	v := &needShowView{Page: h.page(r, ""), Posted: string(act), Typed: f}
	v.setErrors(e)
	if v.Errors != nil {
		// The assign form has one select for either kind of assignee.
		for _, k := range []string{"user_id", "volunteer_id"} {
			if m, ok := v.Errors[k]; ok {
				v.Errors["assignee"] = m
			}
		}
	}
	v.StaleHint = e.Code == model.EStaleVersion || e.Code == model.EConflict
	return h.needShowPage(w, r, p, id, status, v)
}

// takeStep sends one step to the store.
func (h *handlers) takeStep(r *http.Request, id int64, act casework.Action, f stepForm) error {
	version, ok := versionOf(f.Version)
	if !ok {
		return model.Errorf(model.EStaleVersion, "error.stale_version")
	}
	ctx := r.Context()
	if act == casework.Assign {
		in := model.NeedAssign{Note: f.Note, Version: version}
		kind, raw, _ := strings.Cut(f.Assignee, ":")
		aid, ok := parseID(raw)
		switch {
		case f.Assignee == "":
			// The store words "give one assignee".
		case !ok || aid == 0 || (kind != "u" && kind != "v"):
			return model.FieldErrors{"assignee": model.M("field.choice")}.Err()
		case kind == "u":
			in.UserID = &aid
		default:
			in.VolunteerID = &aid
		}
		_, err := h.Store.AssignNeed(ctx, id, in)
		return err
	}
	// Each step reads only its own fields (model.NeedStep.NormalizeFor).
	step := model.NeedStep{Note: f.Note, Resolution: f.Resolution, Reason: f.Reason, Version: version}
	if act == casework.Close && f.Satisfaction != "" {
		n, err := strconv.Atoi(f.Satisfaction)
		if err != nil {
			return model.FieldErrors{"satisfaction": model.M("need.satisfaction_range", model.SatisfactionMin, model.SatisfactionMax)}.Err()
		}
		step.Satisfaction = &n
	}
	_, err := h.Store.StepNeed(ctx, id, act, step)
	return err
}
