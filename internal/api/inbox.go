package api

import (
	"net/http"

	"houdun/internal/httpx"
	"houdun/internal/model"
)

// The caller's in-app inbox: assigned to you, due within 2 hours, overdue,
// escalated to your team, resolved. Entries name no person.

// inboxList is a page of the inbox with the number of unread entries (the
// badge), which does not depend on the filter.
type inboxList struct {
	Items  []model.Notification `json:"items"`
	Total  int                  `json:"total"`
	Limit  int                  `json:"limit"`
	Offset int                  `json:"offset"`
	Unread int                  `json:"unread"`
}

// listInbox reads unread (true: unread entries only) and paging.
func (h *handlers) listInbox(w http.ResponseWriter, r *http.Request) error {
	unread, err := queryBool(r, "unread")
	if err != nil {
		return err
	}
	page, err := httpx.Page(r)
	if err != nil {
		return err
	}
	list, err := h.Store.ListInbox(r.Context(), unread, page)
	if err != nil {
		return err
	}
	n, err := h.Store.UnreadCount(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, inboxList{Items: list.Items, Total: list.Total, Limit: list.Limit, Offset: list.Offset, Unread: n})
	return nil
}

// inboxReadMax bounds the ids one request marks.
const inboxReadMax = 500

// inboxRead marks entries read: {"ids": [...]} or {"all": true}.
type inboxRead struct {
	IDs []int64 `json:"ids"`
	All bool    `json:"all"`
}

// inboxReadAnswer says how many entries changed and how many stay unread.
type inboxReadAnswer struct {
	Marked int `json:"marked"`
	Unread int `json:"unread"`
}

// markInboxRead marks the given entries of the caller's inbox, or all of
// them, as read; ids of other users' entries are ignored.
func (h *handlers) markInboxRead(w http.ResponseWriter, r *http.Request) error {
	var in inboxRead
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	fe := model.FieldErrors{}
	switch {
	case in.All == (len(in.IDs) > 0):
		fe.Add("ids", "inbox.ids_or_all")
	case len(in.IDs) > inboxReadMax:
		fe.Add("ids", "inbox.too_many_ids", inboxReadMax)
	}
	for _, id := range in.IDs {
		if id <= 0 {
			fe.Add("ids", "inbox.bad_id")
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	n, err := h.Store.MarkRead(r.Context(), in.IDs...)
	if err != nil {
		return err
	}
	unread, err := h.Store.UnreadCount(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, inboxReadAnswer{Marked: n, Unread: unread})
	return nil
}
