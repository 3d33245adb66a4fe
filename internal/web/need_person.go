package web

import (
	"net/http"
	"strconv"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// personCasework is what a person's page shows of the needs ledger: the
// buttons to record a visit or a case, the open cases and the last visit.
type personCasework struct {
	Show      bool
	CanVisit  bool // visit.write: "record a visit"
	CanNeed   bool // need.write: "new case"
	CanReport bool // a worker on their own page: "report a need"
	ReadCases bool
	ReadVisit bool
	Open      []caseRow
	OpenTotal int
	OpenURL   string
	LastVisit *model.Visit
	VisitedAt string
	VisitURL  string
	NeedURL   string
}

// personCaseworkOf loads the casework block of a person's page for p.
func (h *handlers) personCaseworkOf(r *http.Request, p *auth.Principal, pg Page, personID int64) (personCasework, error) {
	id := strconv.FormatInt(personID, 10)
	c := personCasework{CanVisit: p.Can(auth.PermVisitWrite), CanNeed: p.Can(auth.PermNeedWrite),
		CanReport: p.Can(auth.PermNeedReport) && p.PersonID == personID,
		ReadCases: p.Can(auth.PermNeedRead), ReadVisit: p.Can(auth.PermVisitRead),
		VisitURL: "/visits/new?person_id=" + id, NeedURL: "/needs/new?person_id=" + id}
	c.Show = c.CanVisit || c.CanNeed || c.CanReport || c.ReadCases || c.ReadVisit
	ctx := r.Context()
	if c.ReadCases {
		list, err := h.Store.ListNeeds(ctx, model.NeedFilter{PersonID: personID, Status: model.NeedActiveStatuses, Page: model.Page{Limit: 10}})
		if err != nil {
			return c, err
		}
		now := h.Store.Now()
		for _, n := range list.Items {
			c.Open = append(c.Open, newCaseRow(pg, n, now))
		}
		c.OpenTotal = list.Total
		if c.CanReport {
			c.OpenURL = "/me/needs"
		}
	}
	if c.ReadVisit {
		visits, err := h.Store.ListVisits(ctx, model.VisitFilter{PersonID: personID, Page: model.Page{Limit: 1}})
		if err != nil {
			return c, err
		}
		if len(visits.Items) > 0 {
			v := visits.Items[0]
			c.LastVisit, c.VisitedAt = &v, formatTime(v.VisitedAt)
		}
	}
	return c, nil
}
