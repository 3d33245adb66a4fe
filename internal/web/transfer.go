package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/model"
	"houdun/internal/region"
)

// The pages of transfer requests (人员转移申请): the list (a region team's
// queue and everyone's own requests, with search and filters, cards on a
// phone) and one request with the approve and reject forms. The store
// decides who sees what; a requester who is not a region team covering both
// sides sees only what they typed and the decision.

func (h *handlers) transferRoutes() []route {
	return []route{
		{pattern: "GET /transfers", fn: h.transferList, perm: auth.PermPersonWrite},
		{pattern: "GET /transfers/{id}", fn: h.transferShow, perm: auth.PermPersonWrite},
		{pattern: "POST /transfers/{id}/approve", fn: h.transferDecide(true), perm: auth.PermPersonWrite},
		{pattern: "POST /transfers/{id}/reject", fn: h.transferDecide(false), perm: auth.PermPersonWrite},
	}
}

func init() {
	notices["person_accepted"] = "web.notice.person_accepted"
	notices["transfer_approved"] = "web.notice.transfer_approved"
	notices["transfer_rejected"] = "web.notice.transfer_rejected"
	notices["id_correction_submitted"] = "web.notice.id_correction_submitted"
}

// transferPage needs a caller who may see transfer requests at all.
func transferPage(r *http.Request) (*auth.Principal, error) {
	p, err := httpx.Require(r)
	if err != nil {
		return nil, err
	}
	if !p.Can(auth.PermTransferDecide) && !p.Can(auth.PermPersonWrite) && !p.Can(auth.PermPersonImport) {
		return nil, httpx.Forbidden("error.forbidden")
	}
	return p, nil
}

// transferFilterForm is the list's filter as the query string carries it.
type transferFilterForm struct {
	Q      string
	Kind   string
	Status string
	Region string
	Mine   bool
}

func newTransferFilterForm(r *http.Request) transferFilterForm {
	q := r.URL.Query()
	f := transferFilterForm{Q: strings.TrimSpace(q.Get("q")), Status: q.Get("status"), Region: strings.TrimSpace(q.Get("region")), Mine: q.Get("mine") == "1",
		Kind: q.Get("kind")}
	if !model.Contains(model.TransferKinds, f.Kind) {
		f.Kind = ""
	}
	if !model.Contains(model.TransferStatuses, f.Status) {
		f.Status = ""
	}
	// The official padded form (210900) is the same region as its prefix (2109).
	if code, ok := region.Normalize(f.Region); ok {
		f.Region = code
	} else {
		f.Region = ""
	}
	return f
}

func (f transferFilterForm) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": f.Q, "kind": f.Kind, "status": f.Status, "region": f.Region} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Mine {
		v.Set("mine", "1")
	}
	return v
}

// Active reports whether any filter is set.
func (f transferFilterForm) Active() bool { return len(f.values()) > 0 }

// transferRow is a request as the pages show it.
type transferRow struct {
	model.Transfer
	URL      string
	Created  string
	Decided  string
	ToRegion string
	From     string // the current institution and region: approvers only
}

func newTransferRow(t model.Transfer) transferRow {
	row := transferRow{Transfer: t, URL: "/transfers/" + strconv.FormatInt(t.ID, 10), Created: formatTime(t.CreatedAt),
		Decided: formatTimePtr(t.DecidedAt), ToRegion: regionLabel(t.ToRegionCode)}
	if t.FromInstitutionName != "" {
		row.From = t.FromInstitutionName + " · " + regionLabel(t.FromRegionCode)
	}
	return row
}

// transferListView is the list page.
type transferListView struct {
	Page
	Filter    transferFilterForm
	Statuses  []option
	Kinds     []option
	Transfers []transferRow
	Pager     pager
	Decider   bool // the caller is a region team: the list is their queue too
}

func (h *handlers) transferList(w http.ResponseWriter, r *http.Request) error {
	p, err := transferPage(r)
	if err != nil {
		return err
	}
	f := newTransferFilterForm(r)
	list, err := h.Store.ListTransfers(r.Context(), model.TransferFilter{Q: f.Q, Kind: f.Kind, Status: f.Status, RegionCode: f.Region, Mine: f.Mine, Page: pageOf(r)})
	if err != nil {
		return err
	}
	v := &transferListView{Page: h.page(r, "web.transfer.title"), Filter: f, Decider: p.Can(auth.PermTransferDecide)}
	v.Current, v.Notice = "transfers", v.notice(r)
	v.Kinds = codeOptions(v.Page, "transfer.kind", model.TransferKinds, f.Kind)
	for _, s := range model.TransferStatuses {
		v.Statuses = append(v.Statuses, option{Value: s, Text: v.Label("transfer.status", s), Selected: s == f.Status})
	}
	for _, t := range list.Items {
		v.Transfers = append(v.Transfers, newTransferRow(t))
	}
	v.Pager = newPager("/transfers", f.values(), list.Total, list.Offset, list.Limit)
	h.render(w, r, http.StatusOK, "transfer_list", v)
	return nil
}

// transferShowView is one request with its forms.
type transferShowView struct {
	Page
	Transfer transferRow
	Reason   string
}

func (h *handlers) transferShow(w http.ResponseWriter, r *http.Request) error {
	if _, err := transferPage(r); err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	t, err := h.Store.GetTransfer(r.Context(), id)
	if err != nil {
		return err
	}
	v := &transferShowView{Page: h.page(r, ""), Transfer: newTransferRow(t)}
	v.Title, v.Current, v.Notice = v.T("web.transfer.show_title", t.ID), "transfers", v.notice(r)
	h.render(w, r, http.StatusOK, "transfer_show", v)
	return nil
}

func (h *handlers) transferDecide(approve bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := transferPage(r); err != nil {
			return err
		}
		id, err := httpx.PathID(r, "id")
		if err != nil {
			return err
		}
		if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
			return err
		}
		d := model.TransferDecision{Reason: r.PostForm.Get("reason")}
		if v, err := strconv.ParseInt(r.PostForm.Get("version"), 10, 64); err == nil {
			d.Version = &v
		}
		msg := "transfer_approved"
		if approve {
			_, err = h.Store.ApproveTransfer(r.Context(), id, d)
		} else {
			_, err = h.Store.RejectTransfer(r.Context(), id, d)
			msg = "transfer_rejected"
		}
		if err != nil {
			e := model.AsError(err)
			status := formStatus(e)
			if status == 0 {
				return err
			}
			t, gerr := h.Store.GetTransfer(r.Context(), id)
			if gerr != nil {
				return gerr
			}
			v := &transferShowView{Page: h.page(r, ""), Transfer: newTransferRow(t), Reason: d.Reason}
			v.Title, v.Current = v.T("web.transfer.show_title", t.ID), "transfers"
			v.setErrors(e)
			h.render(w, r, status, "transfer_show", v)
			return nil
		}
		return seeOther(w, r, "/transfers/"+strconv.FormatInt(id, 10)+"?msg="+msg)
	}
}
