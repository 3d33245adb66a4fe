package web

import (
	"net/http"
	"strings"

	"houdun/internal/model"
)

// inboxView is the caller's notifications, newest first. An entry names its
// case by number and its person as the reader may see them (the store
// decides: the surname for a volunteer, nobody once the case is out of scope).
type inboxView struct {
	Page
	Entries []inboxRow
	Pager   pager
}

// inboxRow is one notification as the page words it.
type inboxRow struct {
	model.Notification
	When    string
	Text    string
	CaseURL string
	CaseNo  int64
	Brief   string // category · kind · urgency
	Status  string
	Due     string
}

// Read reports whether the entry was read.
func (e inboxRow) Read() bool { return e.ReadAt != nil }

func (h *handlers) inbox(w http.ResponseWriter, r *http.Request) error {
	v := &inboxView{Page: h.page(r, "web.inbox.title")}
	v.Current, v.Notice = "inbox", v.notice(r)
	list, err := h.Store.ListInbox(r.Context(), false, pageOf(r))
	if err != nil {
		return err
	}
	for _, nt := range list.Items {
		row := inboxRow{Notification: nt, When: formatTime(nt.CreatedAt), Text: v.Label("notification.kind", nt.Kind)}
		if nt.NeedID != nil {
			row.CaseURL, row.CaseNo = caseURL(*nt.NeedID), *nt.NeedID
		} else if strings.HasPrefix(nt.Kind, "transfer.") {
			row.CaseURL = "/transfers"
		} else if strings.HasPrefix(nt.Kind, "incident.") {
			row.CaseURL = "/incidents"
		}
		if b := nt.Need; b != nil {
			row.Brief = v.T("web.inbox.brief", v.Label("need.category", b.Category), v.Label("need.kind", b.Kind), v.Label("need.urgency", b.Urgency))
			row.Status, row.Due = v.Label("need.status", b.Status), formatTime(b.DueAt)
		}
		v.Entries = append(v.Entries, row)
	}
	v.Pager = newPager("/inbox", nil, list.Total, list.Offset, list.Limit)
	h.render(w, r, http.StatusOK, "inbox", v)
	return nil
}

// inboxRead marks every entry read, or the one named by id.
func (h *handlers) inboxRead(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	var ids []int64
	if raw := r.PostForm.Get("id"); raw != "" {
		id, ok := parseID(raw)
		if !ok || id == 0 {
			return model.NotFound("notification")
		}
		ids = append(ids, id)
	}
	if _, err := h.Store.MarkRead(r.Context(), ids...); err != nil {
		return err
	}
	if len(ids) > 0 {
		return seeOther(w, r, "/inbox")
	}
	return seeOther(w, r, "/inbox?msg=inbox_all_read")
}
