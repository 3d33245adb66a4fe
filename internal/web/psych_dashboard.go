package web

import (
	"net/http"

	"houdun/internal/auth"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/psych"
)

// psychDashboard is psychological support's part of /dashboard: for every
// reader of the summary (leaders, counsellors) the people screened and those
// moderate or worse, small cells hidden exactly as on the summary page; for
// counsellors their open alerts and cases too.
type psychDashboard struct {
	Counsellor            bool
	OpenAlerts, OpenCases int
	Instruments           []psychDashboardFigure
}

type psychDashboardFigure struct {
	Name            string
	Screened, Refer model.Count
}

func (h *handlers) psychDashboard(r *http.Request, p *auth.Principal, code string) (*psychDashboard, error) {
	if !p.Can(auth.PermPsychSummary) {
		return nil, nil
	}
	if code == "" {
		code = p.RegionCode
	}
	sum, err := h.Store.PsychSummary(r.Context(), code)
	if model.ErrorCode(err) == model.ENotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	d := &psychDashboard{}
	lang := string(i18n.FromRequest(r))
	for _, si := range sum.Instruments {
		name := si.Instrument
		if in := psych.Shipped().Get(si.Instrument); in != nil {
			name = in.Name.In(lang)
		}
		d.Instruments = append(d.Instruments, psychDashboardFigure{Name: name, Screened: si.Screened, Refer: si.ModerateOrWorse})
	}
	if p.Can(auth.PermPsychWork) {
		c, err := h.Store.PsychCounts(r.Context())
		if err != nil {
			return nil, err
		}
		d.Counsellor, d.OpenAlerts, d.OpenCases = true, c.OpenAlerts, c.OpenCases
	}
	return d, nil
}
