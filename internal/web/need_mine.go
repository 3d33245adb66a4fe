package web

import (
	"net/http"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// myNeedsView is a worker's own cases with their progress, made for a phone.
type myNeedsView struct {
	Page
	Cases []myCase
	Pager pager
}

// myCase is one of a worker's cases with the steps of its progress.
type myCase struct {
	caseRow
	Progress []progressStep
}

// caseCard is what the case_card part shows: the page, one case, and
// whether it is the worker's own list (titles link to the case page) rather
// than a relative's link page.
type caseCard struct {
	P      Page
	C      myCase
	Worker bool
}

// Card binds a case to the page for the case_card part.
func (p Page) Card(c myCase, worker bool) caseCard { return caseCard{P: p, C: c, Worker: worker} }

// progressStep is one stage of a case's life as the worker follows it.
type progressStep struct {
	Text    string
	Done    bool
	Current bool
}

// progressOrder is the path of a case that goes well.
var progressOrder = []string{model.NeedOpen, model.NeedAssigned, model.NeedInProgress, model.NeedResolved, model.NeedClosed}

// progressOf marks the stages a case has passed. A rejected case shows its
// last stage as "rejected".
func progressOf(p Page, status string) []progressStep {
	at := -1
	for i, s := range progressOrder {
		if s == status {
			at = i
		}
	}
	out := make([]progressStep, 0, len(progressOrder))
	for i, s := range progressOrder {
		step := progressStep{Text: p.Label("need.status", s), Done: i < at, Current: i == at}
		if at < 0 && status == model.NeedRejected && i == len(progressOrder)-1 {
			step = progressStep{Text: p.Label("need.status", model.NeedRejected), Current: true}
		}
		out = append(out, step)
	}
	if at < 0 && status == model.NeedRejected {
		out[0].Done = true
	}
	return out
}

func (h *handlers) myNeeds(w http.ResponseWriter, r *http.Request) error {
	p, err := requirePerson(r, auth.PermNeedReport)
	if err != nil {
		return err
	}
	v := &myNeedsView{Page: h.page(r, "web.my_needs.title")}
	v.Current, v.Notice = "my_needs", v.notice(r)
	list, err := h.Store.ListNeeds(r.Context(), model.NeedFilter{PersonID: p.PersonID, Sort: model.NeedSortNewest, Page: pageOf(r)})
	if err != nil {
		return err
	}
	now := h.Store.Now()
	for _, n := range list.Items {
		v.Cases = append(v.Cases, myCase{caseRow: newCaseRow(v.Page, n, now), Progress: progressOf(v.Page, n.Status)})
	}
	v.Pager = newPager("/me/needs", nil, list.Total, list.Offset, list.Limit)
	h.render(w, r, http.StatusOK, "need_mine", v)
	return nil
}
