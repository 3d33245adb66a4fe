package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/httpx"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/psych"
	"houdun/internal/region"
	"houdun/internal/store"
)

// The pages of psychological support (心理保障): the worker's self-screening
// on a phone (consent once, answer, the result in plain words with where to
// get help, crisis resources at once after an item-9 answer, their own
// trend); the counsellors' alerts, rounds and caseload; the leaders'
// summary, small cells hidden. The store decides who reads what.

func (h *handlers) psychRoutes() []route {
	return []route{
		{pattern: "GET /me/wellbeing", fn: h.wellbeingHome, perm: auth.PermPsychSelf},
		{pattern: "POST /me/wellbeing/consent", fn: h.wellbeingConsent, perm: auth.PermPsychSelf},
		{pattern: "POST /me/wellbeing/withdraw", fn: h.wellbeingWithdraw, perm: auth.PermPsychSelf},
		{pattern: "GET /me/wellbeing/{instrument}", fn: h.wellbeingForm, perm: auth.PermPsychSelf},
		{pattern: "POST /me/wellbeing/{instrument}", fn: h.wellbeingSubmit, perm: auth.PermPsychSelf},

		{pattern: "GET /psych/alerts", fn: h.psychAlerts, perm: auth.PermPsychWork},
		{pattern: "POST /psych/alerts/{id}/contact", fn: h.psychAlertContact, perm: auth.PermPsychWork},
		{pattern: "POST /psych/duty", fn: h.psychDuty, perm: auth.PermPsychWork},
		{pattern: "GET /psych/rounds", fn: h.psychRounds, perm: auth.PermPsychWork},
		{pattern: "POST /psych/rounds", fn: h.psychRoundCreate, perm: auth.PermPsychWork},
		{pattern: "GET /psych/rounds/{id}", fn: h.psychRoundShow, perm: auth.PermPsychWork},
		{pattern: "POST /psych/rounds/{id}/remind", fn: h.psychRoundRemind, perm: auth.PermPsychWork},
		{pattern: "POST /psych/rounds/{id}/close", fn: h.psychRoundClose, perm: auth.PermPsychWork},
		{pattern: "GET /psych/cases", fn: h.psychCases, perm: auth.PermPsychWork},
		{pattern: "POST /psych/cases", fn: h.psychCaseCreate, perm: auth.PermPsychWork},
		{pattern: "GET /psych/cases/{id}", fn: h.psychCaseShow, perm: auth.PermPsychWork},
		{pattern: "POST /psych/cases/{id}", fn: h.psychCaseUpdate, perm: auth.PermPsychWork},
		{pattern: "POST /psych/cases/{id}/sessions", fn: h.psychSessionCreate, perm: auth.PermPsychWork},
		{pattern: "GET /psych/summary", fn: h.psychSummary, perm: auth.PermPsychSummary},
	}
}

// psychInboxLinks are where the inbox sends the notices of psychological support.
var psychInboxLinks = map[string]string{
	store.NoticePsychAlert: "/psych/alerts", store.NoticePsychReferral: "/psych/cases?status=proposed",
	store.NoticePsychInvited: "/me/wellbeing", store.NoticePsychReminder: "/me/wellbeing",
}

func init() {
	notices["psych_consented"] = "web.psych.notice.consented"
	notices["psych_withdrawn"] = "web.psych.notice.withdrawn"
	notices["psych_contacted"] = "web.psych.notice.contacted"
	notices["psych_duty_on"] = "web.psych.notice.duty_on"
	notices["psych_duty_off"] = "web.psych.notice.duty_off"
	notices["psych_reminded"] = "web.psych.notice.reminded"
	notices["psych_round"] = "web.psych.notice.round"
	notices["psych_closed"] = "web.psych.notice.closed"
	notices["psych_case_saved"] = "web.psych.notice.case_saved"
	notices["psych_session"] = "web.psych.notice.session"
}

// crisisResources are the crisis contacts shown with every result and at
// once after an item-9 answer: the national hotline 12356 unless the
// region sets its own (setting psych.hotline).
type crisisResources struct {
	Hotline string
}

func (h *handlers) crisisFor(ctx context.Context) crisisResources {
	c := crisisResources{Hotline: strconv.Itoa(casework.DefaultPsychHotline)}
	if v, err := h.Store.CrisisHotline(ctx); err == nil {
		c.Hotline = v
	}
	return c
}

// wellbeingTrendPoint is one of the worker's own results.
type wellbeingTrendPoint struct {
	When, Instrument, Band string
	Score, Max             int
}

// wellbeingView is the worker's page: consent, rounds, the instruments, their trend.
type wellbeingView struct {
	Page
	Consent     model.Consent
	Invitations []model.Invitation
	Instruments []model.InstrumentView
	Trend       []wellbeingTrendPoint
	Chart       any
	Crisis      crisisResources
}

func (h *handlers) wellbeingHome(w http.ResponseWriter, r *http.Request) error {
	return h.renderWellbeing(w, r, http.StatusOK, nil)
}

func (h *handlers) renderWellbeing(w http.ResponseWriter, r *http.Request, status int, e *model.Error) error {
	ctx := r.Context()
	c, err := h.Store.GetConsent(ctx, model.PurposePsychScreening)
	if err != nil {
		return err
	}
	v := &wellbeingView{Page: h.page(r, "web.psych.wellbeing.title"), Consent: c}
	v.Current, v.Notice = "wellbeing", v.notice(r)
	v.setErrors(e)
	v.Crisis = h.crisisFor(ctx)
	for _, id := range psych.Shipped().IDs() {
		v.Instruments = append(v.Instruments, psych.Shipped().Get(id).View(string(v.Lang)))
	}
	if c.Active {
		if v.Invitations, err = h.Store.MyInvitations(ctx); err != nil {
			return err
		}
		list, err := h.Store.ListAssessments(ctx, model.AssessmentFilter{Page: model.Page{Limit: 20}})
		if err != nil {
			return err
		}
		var bars []bar
		for i := len(list.Items) - 1; i >= 0; i-- {
			x := list.Items[i]
			inst := psych.Shipped().Get(x.Instrument)
			_, hi := inst.Range()
			v.Trend = append(v.Trend, wellbeingTrendPoint{When: formatTime(x.CreatedAt), Instrument: x.Instrument, Band: x.Band, Score: x.Score, Max: hi})
			cls := ""
			if b := inst.Band(x.Band); b != nil && b.Refer {
				cls = "warn"
			}
			bars = append(bars, bar{Label: strings.ToUpper(x.Instrument[:3]) + " " + x.CreatedAt.In(chinaTime).Format("01-02"), Value: x.Score, Class: cls})
		}
		if len(bars) > 0 {
			v.Chart = barChart("wellbeing-trend", v.T("web.psych.wellbeing.trend"), bars)
		}
	}
	h.render(w, r, status, "psych_wellbeing", v)
	return nil
}

func (h *handlers) wellbeingConsent(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	if r.PostForm.Get("agree") != "1" {
		return h.renderWellbeing(w, r, http.StatusUnprocessableEntity, &model.Error{Code: model.EInvalid, Msg: model.M("error.invalid"),
			Fields: map[string]model.Msg{"agree": model.M("web.psych.consent.required")}})
	}
	if _, err := h.Store.GiveConsent(r.Context(), model.ConsentInput{Purpose: model.PurposePsychScreening}); err != nil {
		return err
	}
	next := "/me/wellbeing?msg=psych_consented"
	if inst := r.PostForm.Get("next"); psych.Shipped().Get(inst) != nil {
		next = "/me/wellbeing/" + inst
		if sid, ok := parseID(r.PostForm.Get("screening")); ok && sid > 0 {
			next += "?screening=" + strconv.FormatInt(sid, 10)
		}
	}
	return seeOther(w, r, next)
}

func (h *handlers) wellbeingWithdraw(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	if err := h.Store.WithdrawConsent(r.Context(), model.PurposePsychScreening); err != nil && model.ErrorCode(err) != model.ENotFound {
		return err
	}
	return seeOther(w, r, "/me/wellbeing?msg=psych_withdrawn")
}

// wellbeingFormView is one instrument to answer, one question per fieldset.
type wellbeingFormView struct {
	Page
	Instrument  model.InstrumentView
	ScreeningID int64
	Answers     map[int]int // item index → chosen value
	Missing     map[int]bool
}

// Chosen reports whether value was chosen for item i.
func (v *wellbeingFormView) Chosen(i, value int) bool {
	a, ok := v.Answers[i]
	return ok && a == value
}

func (h *handlers) wellbeingInstrument(r *http.Request) (*psych.Instrument, error) {
	inst := psych.Shipped().Get(r.PathValue("instrument"))
	if inst == nil {
		return nil, model.NotFound("instrument")
	}
	return inst, nil
}

func (h *handlers) wellbeingForm(w http.ResponseWriter, r *http.Request) error {
	inst, err := h.wellbeingInstrument(r)
	if err != nil {
		return err
	}
	c, err := h.Store.GetConsent(r.Context(), model.PurposePsychScreening)
	if err != nil {
		return err
	}
	if !c.Active {
		return seeOther(w, r, "/me/wellbeing")
	}
	v := &wellbeingFormView{Page: h.page(r, ""), Answers: map[int]int{}}
	v.Instrument = inst.View(string(v.Lang))
	v.Title, v.Current = v.Instrument.Name, "wellbeing"
	if sid, ok := parseID(r.URL.Query().Get("screening")); ok {
		v.ScreeningID = sid
	}
	h.render(w, r, http.StatusOK, "psych_form", v)
	return nil
}

// wellbeingResultView is the result in plain words.
type wellbeingResultView struct {
	Page
	Instrument model.InstrumentView
	Result     model.AssessmentResult
	BandLabel  string
	Advice     string
	Refer      bool
	Crisis     crisisResources
	Next       []model.InstrumentView // the round's (or the other) instruments still to answer
	Screening  int64
}

func (h *handlers) wellbeingSubmit(w http.ResponseWriter, r *http.Request) error {
	inst, err := h.wellbeingInstrument(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	lang := string(i18n.FromRequest(r))
	fv := &wellbeingFormView{Page: h.page(r, ""), Answers: map[int]int{}, Missing: map[int]bool{}, Instrument: inst.View(lang)}
	fv.Title, fv.Current = fv.Instrument.Name, "wellbeing"
	in := model.AssessmentInput{Instrument: inst.ID, Answers: make([]int, len(inst.Items))}
	if sid, ok := parseID(r.PostForm.Get("screening")); ok && sid > 0 {
		in.ScreeningID, fv.ScreeningID = &sid, sid
	}
	for i := range inst.Items {
		n, err := strconv.Atoi(r.PostForm.Get("q" + strconv.Itoa(i)))
		if err != nil {
			fv.Missing[i] = true
			continue
		}
		in.Answers[i], fv.Answers[i] = n, n
	}
	if len(fv.Missing) > 0 {
		// Which questions are left, in the user's words; nothing is stored.
		fv.Problem = fv.T("web.psych.form.missing", len(fv.Missing))
		h.render(w, r, http.StatusUnprocessableEntity, "psych_form", fv)
		return nil
	}
	res, err := h.Store.SubmitAssessment(r.Context(), in)
	if model.ErrorCode(err) == model.EConsentRequired {
		return seeOther(w, r, "/me/wellbeing")
	}
	if e := model.AsError(err); e != nil && e.Code == model.EInvalid {
		fv.setErrors(e)
		h.render(w, r, http.StatusUnprocessableEntity, "psych_form", fv)
		return nil
	}
	if err != nil {
		return err
	}
	v := &wellbeingResultView{Page: h.page(r, "web.psych.result.title"), Instrument: fv.Instrument, Result: res, Screening: fv.ScreeningID}
	v.Current = "wellbeing"
	b := inst.Band(res.Band)
	v.BandLabel, v.Refer = b.Label.In(lang), b.Refer
	v.Advice = v.T("web.psych.advice." + adviceLevel(inst, res.Band))
	v.Crisis = h.crisisFor(r.Context())
	done := map[string]bool{inst.ID: true}
	want := psych.Shipped().IDs()
	if fv.ScreeningID != 0 {
		if invs, err := h.Store.MyInvitations(r.Context()); err == nil {
			for _, iv := range invs {
				if iv.ScreeningID == fv.ScreeningID {
					want = iv.Instruments
					for _, d := range iv.Done {
						done[d] = true
					}
				}
			}
		}
	}
	for _, id := range want {
		if !done[id] {
			if next := psych.Shipped().Get(id); next != nil {
				v.Next = append(v.Next, next.View(lang))
			}
		}
	}
	h.render(w, r, http.StatusOK, "psych_result", v)
	return nil
}

// adviceLevel is the plain-words advice for a band: "low" for the lowest
// band, "mild" for a band below the referral bands, "refer" from moderate.
func adviceLevel(inst *psych.Instrument, band string) string {
	if len(inst.Bands) > 0 && inst.Bands[0].ID == band {
		return "low"
	}
	if b := inst.Band(band); b != nil && b.Refer {
		return "refer"
	}
	return "mild"
}

// psychAlertsView is the counsellor's alerts page with their duty.
type psychAlertsView struct {
	Page
	Tab    string // the tab of psych_tabs
	Status string
	Alerts []psychAlertRow
	Duty   model.PsychDuty
	Pager  pager
	Note   string
	NoteOf int64
}

type psychAlertRow struct {
	model.Alert
	Created, Contacted string
	Waiting            string
}

func (h *handlers) psychAlerts(w http.ResponseWriter, r *http.Request) error {
	return h.renderAlerts(w, r, http.StatusOK, nil, 0, "")
}

func (h *handlers) renderAlerts(w http.ResponseWriter, r *http.Request, status int, e *model.Error, noteOf int64, note string) error {
	st := r.URL.Query().Get("status")
	if st != model.AlertContacted && st != "all" {
		st = ""
	}
	list, err := h.Store.ListAlerts(r.Context(), model.AlertFilter{Status: st, Page: pageOf(r)})
	if err != nil {
		return err
	}
	duty, err := h.Store.GetDuty(r.Context())
	if err != nil {
		return err
	}
	v := &psychAlertsView{Page: h.page(r, "web.psych.alerts.title"), Tab: "alerts", Status: st, Duty: duty, NoteOf: noteOf, Note: note}
	v.Current, v.Notice = "psych", v.notice(r)
	v.setErrors(e)
	now := h.Store.Now()
	for _, a := range list.Items {
		row := psychAlertRow{Alert: a, Created: formatTime(a.CreatedAt), Contacted: formatTimePtr(a.ContactedAt)}
		if a.Status == model.AlertOpen {
			row.Waiting = v.T("web.psych.alerts.waiting", int(now.Sub(a.CreatedAt).Minutes()))
		}
		v.Alerts = append(v.Alerts, row)
	}
	q := url.Values{}
	if st != "" {
		q.Set("status", st)
	}
	v.Pager = newPager("/psych/alerts", q, list.Total, list.Offset, list.Limit)
	h.render(w, r, status, "psych_alerts", v)
	return nil
}

func (h *handlers) psychAlertContact(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	note := r.PostForm.Get("note")
	if _, err := h.Store.ContactAlert(r.Context(), id, model.AlertContact{Note: note}); err != nil {
		e := model.AsError(err)
		if status := formStatus(e); status != 0 {
			return h.renderAlerts(w, r, status, e, id, note)
		}
		return err
	}
	return seeOther(w, r, "/psych/alerts?msg=psych_contacted")
}

func (h *handlers) psychDuty(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	on := r.PostForm.Get("on_duty") == "1"
	if _, err := h.Store.SetDuty(r.Context(), on); err != nil {
		return err
	}
	if on {
		return seeOther(w, r, "/psych/alerts?msg=psych_duty_on")
	}
	return seeOther(w, r, "/psych/alerts?msg=psych_duty_off")
}

// psychRoundsView lists the rounds with the launch form.
type psychRoundsView struct {
	Page
	Tab          string // the tab of psych_tabs
	Q, Status    string
	Rounds       []psychRoundRow
	Institutions []option
	Form         psychRoundForm
	Pager        pager
}

type psychRoundForm struct {
	Name, Institution, Batch, RepeatDays string
	PHQ9, GAD7                           bool
}

type psychRoundRow struct {
	model.Screening
	URL, Created, Target, Next string
	Percent                    int
}

func newPsychRoundRow(s model.Screening) psychRoundRow {
	row := psychRoundRow{Screening: s, URL: "/psych/rounds/" + strconv.FormatInt(s.ID, 10), Created: formatTime(s.CreatedAt), Next: formatTimePtr(s.NextRoundAt)}
	row.Target = s.InstitutionName
	if s.BatchID != nil {
		row.Target = s.BatchName
	}
	if s.Invited > 0 {
		row.Percent = s.Answered * 100 / s.Invited
	}
	return row
}

func (h *handlers) psychRounds(w http.ResponseWriter, r *http.Request) error {
	return h.renderRounds(w, r, http.StatusOK, nil, psychRoundForm{PHQ9: true, GAD7: true, RepeatDays: "14"})
}

func (h *handlers) renderRounds(w http.ResponseWriter, r *http.Request, status int, e *model.Error, form psychRoundForm) error {
	q := r.URL.Query()
	v := &psychRoundsView{Page: h.page(r, "web.psych.rounds.title"), Tab: "rounds", Q: strings.TrimSpace(q.Get("q")), Status: q.Get("status"), Form: form}
	if v.Status != model.ScreeningOpen && v.Status != model.ScreeningClosed {
		v.Status = ""
	}
	v.Current, v.Notice = "psych", v.notice(r)
	v.setErrors(e)
	list, err := h.Store.ListScreenings(r.Context(), model.ScreeningFilter{Q: v.Q, Status: v.Status, Page: pageOf(r)})
	if err != nil {
		return err
	}
	for _, s := range list.Items {
		v.Rounds = append(v.Rounds, newPsychRoundRow(s))
	}
	insts, err := h.Store.ListInstitutions(r.Context(), store.InstitutionFilter{Page: model.Page{Limit: 500}})
	if err != nil {
		return err
	}
	for _, in := range insts.Items {
		id := strconv.FormatInt(in.ID, 10)
		v.Institutions = append(v.Institutions, option{Value: id, Text: in.Name, Selected: id == form.Institution})
	}
	qv := url.Values{}
	qv.Set("q", v.Q)
	qv.Set("status", v.Status)
	v.Pager = newPager("/psych/rounds", qv, list.Total, list.Offset, list.Limit)
	h.render(w, r, status, "psych_rounds", v)
	return nil
}

func (h *handlers) psychRoundCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	pf := r.PostForm
	form := psychRoundForm{Name: pf.Get("name"), Institution: pf.Get("institution_id"), Batch: strings.TrimSpace(pf.Get("batch_id")),
		RepeatDays: strings.TrimSpace(pf.Get("repeat_days")), PHQ9: pf.Get("phq9") == "1", GAD7: pf.Get("gad7") == "1"}
	in := model.ScreeningInput{Name: form.Name}
	if form.PHQ9 {
		in.Instruments = append(in.Instruments, "phq9")
	}
	if form.GAD7 {
		in.Instruments = append(in.Instruments, "gad7")
	}
	fe := model.FieldErrors{}
	if id, ok := parseID(form.Institution); ok && id > 0 {
		in.InstitutionID = &id
	}
	if form.Batch != "" {
		if id, ok := parseID(form.Batch); ok {
			in.BatchID = &id
		} else {
			fe.Add("batch_id", "psych.target_unknown")
		}
	}
	if form.RepeatDays != "" {
		n, err := strconv.Atoi(form.RepeatDays)
		if err != nil {
			fe.Add("repeat_days", "psych.repeat_days", model.MaxRepeatDays)
		}
		in.RepeatDays = n
	}
	var s model.Screening
	err := fe.Err()
	if err == nil {
		s, err = h.Store.CreateScreening(r.Context(), in)
	}
	if err != nil {
		e := model.AsError(err)
		if status := formStatus(e); status != 0 {
			return h.renderRounds(w, r, status, e, form)
		}
		return err
	}
	return seeOther(w, r, "/psych/rounds/"+strconv.FormatInt(s.ID, 10)+"?msg=psych_round")
}

// psychRoundView is one round: who answered.
type psychRoundView struct {
	Page
	Round   psychRoundRow
	Members []psychMemberRow
}

type psychMemberRow struct {
	model.ScreeningMember
	Invited, Answered string
}

func (h *handlers) psychRoundShow(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	s, err := h.Store.GetScreening(r.Context(), id)
	if err != nil {
		return err
	}
	v := &psychRoundView{Page: h.page(r, ""), Round: newPsychRoundRow(s)}
	v.Title, v.Current, v.Notice = s.Name, "psych", v.notice(r)
	for _, m := range s.Members {
		v.Members = append(v.Members, psychMemberRow{ScreeningMember: m, Invited: formatTime(m.InvitedAt), Answered: formatTimePtr(m.AnsweredAt)})
	}
	h.render(w, r, http.StatusOK, "psych_round", v)
	return nil
}

func (h *handlers) psychRoundRemind(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	if _, err := h.Store.RemindScreening(r.Context(), id); err != nil {
		return err
	}
	return seeOther(w, r, "/psych/rounds/"+strconv.FormatInt(id, 10)+"?msg=psych_reminded")
}

func (h *handlers) psychRoundClose(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	if _, err := h.Store.CloseScreening(r.Context(), id); err != nil {
		return err
	}
	return seeOther(w, r, "/psych/rounds/"+strconv.FormatInt(id, 10)+"?msg=psych_closed")
}

// psychCasesView is the caseload with search and filters, cards on a phone.
type psychCasesView struct {
	Page
	Tab       string // the tab of psych_tabs
	Filter    psychCaseFilterForm
	Statuses  []option
	Cases     []psychCaseRow
	Pager     pager
	ExportURL string
	NewPerson string
	NewReason string
}

type psychCaseFilterForm struct {
	Q, Status, Region, Sort string
	Mine                    bool
}

func (f psychCaseFilterForm) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": f.Q, "status": f.Status, "region": f.Region, "sort": f.Sort} {
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
func (f psychCaseFilterForm) Active() bool { return len(f.values()) > 0 }

func newPsychCaseFilterForm(r *http.Request) psychCaseFilterForm {
	q := r.URL.Query()
	f := psychCaseFilterForm{Q: strings.TrimSpace(q.Get("q")), Status: q.Get("status"), Region: strings.TrimSpace(q.Get("region")), Sort: q.Get("sort"), Mine: q.Get("mine") == "1"}
	if f.Status != "all" && !model.Contains(model.PsychCaseStatuses, f.Status) {
		f.Status = ""
	}
	if f.Sort != "next_screening" {
		f.Sort = ""
	}
	if code, ok := region.Normalize(f.Region); ok {
		f.Region = code
	} else {
		f.Region = ""
	}
	return f
}

func (f psychCaseFilterForm) filter(page model.Page) model.PsychCaseFilter {
	return model.PsychCaseFilter{Q: f.Q, Status: f.Status, Mine: f.Mine, RegionCode: f.Region, Sort: f.Sort, Page: page}
}

type psychCaseRow struct {
	model.PsychCase
	URL, Created, LastSession, ReasonText string
}

// reasonText is a case's reason as a page shows it: a screening's
// instrument and band in words, or the referral's own text.
func reasonText(p Page, c model.PsychCase) string {
	if c.Source != model.PsychSourceScreening {
		return c.Reason
	}
	parts := strings.Split(c.Reason, ":")
	inst := psych.Shipped().Get(parts[0])
	if inst == nil || len(parts) < 2 {
		return p.T("psych.source.screening")
	}
	out := inst.Name.In(string(p.Lang))
	if b := inst.Band(parts[1]); b != nil {
		out += " · " + b.Label.In(string(p.Lang))
	}
	if len(parts) > 2 {
		out += " · " + p.T("psych.rule.self_harm")
	}
	return out
}

func newPsychCaseRow(p Page, c model.PsychCase) psychCaseRow {
	return psychCaseRow{PsychCase: c, URL: "/psych/cases/" + strconv.FormatInt(c.ID, 10), Created: formatTime(c.CreatedAt), LastSession: formatTimePtr(c.LastSessionAt),
		ReasonText: reasonText(p, c)}
}

func (h *handlers) psychCases(w http.ResponseWriter, r *http.Request) error {
	return h.renderCases(w, r, http.StatusOK, nil, "", "")
}

func (h *handlers) renderCases(w http.ResponseWriter, r *http.Request, status int, e *model.Error, person, reason string) error {
	f := newPsychCaseFilterForm(r)
	list, err := h.Store.ListPsychCases(r.Context(), f.filter(pageOf(r)))
	if err != nil {
		return err
	}
	v := &psychCasesView{Page: h.page(r, "web.psych.cases.title"), Tab: "cases", Filter: f, NewPerson: person, NewReason: reason}
	v.Current, v.Notice = "psych", v.notice(r)
	v.setErrors(e)
	for _, s := range append([]string{"all"}, model.PsychCaseStatuses...) {
		v.Statuses = append(v.Statuses, option{Value: s, Text: v.Label("psych.case_status", s), Selected: s == f.Status})
	}
	for _, c := range list.Items {
		v.Cases = append(v.Cases, newPsychCaseRow(v.Page, c))
	}
	v.Pager = newPager("/psych/cases", f.values(), list.Total, list.Offset, list.Limit)
	v.ExportURL = "/api/v1/exports/psych-cases.xlsx"
	if q := f.values().Encode(); q != "" {
		v.ExportURL += "?" + q
	}
	h.render(w, r, status, "psych_cases", v)
	return nil
}

func (h *handlers) psychCaseCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	person, reason := strings.TrimSpace(r.PostForm.Get("person_id")), r.PostForm.Get("reason")
	in := model.PsychCaseInput{Reason: reason}
	if id, ok := parseID(person); ok {
		in.PersonID = id
	}
	c, err := h.Store.CreatePsychCase(r.Context(), in)
	if err != nil {
		e := model.AsError(err)
		if status := formStatus(e); status != 0 {
			return h.renderCases(w, r, status, e, person, reason)
		}
		return err
	}
	return seeOther(w, r, "/psych/cases/"+strconv.FormatInt(c.ID, 10)+"?msg=psych_case_saved")
}

// psychCaseView is one case with its sessions, the person's results and the forms.
type psychCaseView struct {
	Page
	Case        psychCaseRow
	Sessions    []psychSessionRow
	Assessments []psychAssessmentRow
	Channels    []option
	Session     model.PsychSessionInput
	Next        string
}

type psychSessionRow struct {
	model.PsychSession
	When string
}

type psychAssessmentRow struct {
	model.Assessment
	When, Name, BandLabel string
	Alert                 bool
}

func (h *handlers) psychCaseShow(w http.ResponseWriter, r *http.Request) error {
	return h.renderCase(w, r, http.StatusOK, nil, model.PsychSessionInput{Channel: "phone"}, "")
}

func (h *handlers) renderCase(w http.ResponseWriter, r *http.Request, status int, e *model.Error, se model.PsychSessionInput, next string) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Store.GetPsychCase(r.Context(), id)
	if err != nil {
		return err
	}
	v := &psychCaseView{Page: h.page(r, ""), Session: se, Next: next}
	v.Case = newPsychCaseRow(v.Page, c)
	v.Title, v.Current, v.Notice = v.T("web.psych.case.title", c.ID), "psych", v.notice(r)
	v.setErrors(e)
	if v.Next == "" {
		v.Next = c.NextScreeningOn
	}
	if v.Session.At == "" {
		v.Session.At = h.Store.Now().In(chinaTime).Format("2006-01-02T15:04")
	}
	for _, s := range c.Sessions {
		v.Sessions = append(v.Sessions, psychSessionRow{PsychSession: s, When: formatTime(s.At)})
	}
	for _, ch := range model.PsychChannels {
		v.Channels = append(v.Channels, option{Value: ch, Text: v.Label("psych.channel", ch), Selected: ch == v.Session.Channel})
	}
	list, err := h.Store.ListAssessments(r.Context(), model.AssessmentFilter{PersonID: c.PersonID, Page: model.Page{Limit: 20}})
	if err != nil {
		return err
	}
	for _, x := range list.Items {
		inst := psych.Shipped().Get(x.Instrument)
		row := psychAssessmentRow{Assessment: x, When: formatTime(x.CreatedAt), Name: inst.Name.In(string(v.Lang)), Alert: len(x.Risk) > 0}
		if b := inst.Band(x.Band); b != nil {
			row.BandLabel = b.Label.In(string(v.Lang))
		}
		v.Assessments = append(v.Assessments, row)
	}
	h.render(w, r, status, "psych_case", v)
	return nil
}

func (h *handlers) psychCaseUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	in := model.PsychCaseUpdate{}
	if st := r.PostForm.Get("status"); st != "" {
		in.Status = &st
	}
	if r.PostForm.Has("next_screening_on") {
		n := r.PostForm.Get("next_screening_on")
		in.NextScreeningOn = &n
	}
	if v, err := strconv.ParseInt(r.PostForm.Get("version"), 10, 64); err == nil {
		in.Version = &v
	}
	if _, err := h.Store.UpdatePsychCase(r.Context(), id, in); err != nil {
		e := model.AsError(err)
		if status := formStatus(e); status != 0 {
			n := ""
			if in.NextScreeningOn != nil {
				n = *in.NextScreeningOn
			}
			return h.renderCase(w, r, status, e, model.PsychSessionInput{Channel: "phone"}, n)
		}
		return err
	}
	return seeOther(w, r, "/psych/cases/"+strconv.FormatInt(id, 10)+"?msg=psych_case_saved")
}

func (h *handlers) psychSessionCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	in := model.PsychSessionInput{At: r.PostForm.Get("at"), Channel: r.PostForm.Get("channel"), Notes: r.PostForm.Get("notes")}
	if _, err := h.Store.AddPsychSession(r.Context(), id, in); err != nil {
		e := model.AsError(err)
		if status := formStatus(e); status != 0 {
			return h.renderCase(w, r, status, e, in, "")
		}
		return err
	}
	return seeOther(w, r, "/psych/cases/"+strconv.FormatInt(id, 10)+"?msg=psych_session")
}

// psychSummaryView is the region's summary: figures by band and week, small cells hidden.
type psychSummaryView struct {
	Page
	Region        string
	RegionChoices []regionChoice
	Summary       model.PsychSummary
	Instruments   []psychSummaryBlock
}

type psychSummaryBlock struct {
	Name   string
	Bands  []string // band labels, in order
	Cells  []string // the distribution, "<5" where hidden
	Total  string
	Chart  any
	Weeks  []psychSummaryWeekRow
	Trend  any
	Hidden bool
}

type psychSummaryWeekRow struct {
	Week  string
	Total string
	Cells []string
}

func (h *handlers) psychSummary(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	v := &psychSummaryView{Page: h.page(r, "web.psych.summary.title"), Region: strings.TrimSpace(r.URL.Query().Get("region"))}
	v.Current = "psych_summary"
	v.RegionChoices = h.regionChoices(r, p)
	code := p.RegionCode
	if v.Region != "" {
		c, msg := h.enteredRegion(r, p, "region", v.Region, v.RegionChoices)
		if msg != nil {
			v.Errors = map[string]string{"region": v.Msg(*msg)}
		} else {
			code = c
		}
	}
	sum, err := h.Store.PsychSummary(r.Context(), code)
	if err != nil {
		return err
	}
	v.Summary = sum
	lang := string(v.Lang)
	for _, si := range sum.Instruments {
		inst := psych.Shipped().Get(si.Instrument)
		b := psychSummaryBlock{Name: inst.Name.In(lang), Total: countText(v.Page, si.Screened)}
		var bars []bar
		for i, c := range si.Bands {
			label := inst.Bands[i].Label.In(lang)
			b.Bands = append(b.Bands, label)
			b.Cells = append(b.Cells, countText(v.Page, c.Count))
			b.Hidden = b.Hidden || c.Suppressed
			cls := ""
			if inst.Bands[i].Refer {
				cls = "warn"
			}
			if c.Suppressed {
				cls = "muted"
			}
			bars = append(bars, bar{Label: label, Value: max(int(c.Count), 0), Text: countText(v.Page, c.Count), Class: cls})
		}
		b.Chart = barChart("psych-"+si.Instrument, b.Name, bars)
		var trend []bar
		for _, wk := range si.Weeks {
			row := psychSummaryWeekRow{Week: wk.Week, Total: countText(v.Page, wk.Assessed)}
			for _, c := range wk.Bands {
				row.Cells = append(row.Cells, countText(v.Page, c.Count))
			}
			b.Weeks = append(b.Weeks, row)
			trend = append(trend, bar{Label: wk.Week, Value: max(int(wk.Assessed), 0), Text: countText(v.Page, wk.Assessed)})
		}
		b.Trend = barChart("psych-trend-"+si.Instrument, v.T("web.psych.summary.trend")+" · "+b.Name, trend)
		v.Instruments = append(v.Instruments, b)
	}
	h.render(w, r, http.StatusOK, "psych_summary", v)
	return nil
}

// InstrumentName is an instrument's name in the page's language.
func (p Page) InstrumentName(id string) string {
	if in := psych.Shipped().Get(id); in != nil {
		return in.Name.In(string(p.Lang))
	}
	return id
}

// BandName is a severity band's name in the page's language.
func (p Page) BandName(instrument, band string) string {
	if in := psych.Shipped().Get(instrument); in != nil {
		if b := in.Band(band); b != nil {
			return b.Label.In(string(p.Lang))
		}
	}
	return band
}
