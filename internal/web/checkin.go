package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/region"
	"houdun/internal/store"
)

// The pages of the daily health check-ins (每日健康打卡) and the family
// liaison log (家属联络记录): the deployed worker's one-screen check-in (a
// phone in one hand), the team's check-in list and missing list, the log of
// contacts with families and its form. The store decides scope: a region
// team's, an institution's, a team leader's batch, a worker's own.

func (h *handlers) checkinRoutes() []route {
	return []route{
		{pattern: "GET /checkin", fn: h.checkinPage, perm: auth.PermCheckinSubmit},
		{pattern: "POST /checkin", fn: h.checkinSubmit, perm: auth.PermCheckinSubmit},
		{pattern: "GET /checkins", fn: h.checkinList, perm: auth.PermCheckinRead},
		{pattern: "GET /checkins/missing", fn: h.checkinMissing, perm: auth.PermCheckinRead},

		{pattern: "GET /family-contacts", fn: h.familyContactList, perm: auth.PermFamilyContactRead},
		{pattern: "GET /family-contacts/new", fn: h.familyContactNew, perm: auth.PermFamilyContactWrite},
		{pattern: "POST /family-contacts", fn: h.familyContactCreate, perm: auth.PermFamilyContactWrite},
	}
}

func init() {
	notices["checkin_saved"] = "web.notice.checkin_saved"
	notices["checkin_corrected"] = "web.notice.checkin_corrected"
	notices["family_contact_saved"] = "web.notice.family_contact_saved"
}

// checkinForm is the check-in as typed.
type checkinForm struct {
	Temperature string
	Symptoms    []string
	Sleep       string
	Mood        string
	Remark      string
}

// checkinView is the worker's check-in page.
type checkinView struct {
	Page
	Today      store.CheckinToday
	Form       checkinForm
	Symptoms   []option
	Moods      []option
	Recent     []checkinRow
	FeverLine  float64
	TeamURL    string // the batch's check-ins, for a team leader
	MissingURL string
}

// checkinRow is a check-in as the lists show it.
type checkinRow struct {
	model.Checkin
	SymptomLabels []string
	MoodLabel     string
	Region        string
	Updated       string
	PersonURL     string
}

func newCheckinRow(p Page, c model.Checkin, linkPerson bool) checkinRow {
	row := checkinRow{Checkin: c, MoodLabel: p.T("checkin.mood." + strconv.Itoa(c.Mood)), Region: regionLabel(c.RegionCode), Updated: formatTime(c.UpdatedAt)}
	for _, s := range c.Symptoms {
		row.SymptomLabels = append(row.SymptomLabels, p.T("checkin.symptom."+s))
	}
	if linkPerson {
		row.PersonURL = "/people/" + strconv.FormatInt(c.PersonID, 10)
	}
	return row
}

// Temp shows the temperature with one decimal.
func (c checkinRow) Temp() string { return strconv.FormatFloat(c.Temperature, 'f', 1, 64) }

// Sleep shows the hours slept.
func (c checkinRow) Sleep() string { return strconv.FormatFloat(c.SleepHours, 'f', -1, 64) }

func (h *handlers) checkinPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerson(r, auth.PermCheckinSubmit); err != nil {
		return err
	}
	v := &checkinView{Page: h.page(r, "web.checkin.title")}
	v.Notice = v.notice(r)
	return h.renderCheckin(w, r, http.StatusOK, v, true)
}

// renderCheckin shows the check-in page; fill takes the form from today's
// check-in (a correction starts from what was sent).
func (h *handlers) renderCheckin(w http.ResponseWriter, r *http.Request, status int, v *checkinView, fill bool) error {
	today, err := h.Store.MyCheckinToday(r.Context())
	if err != nil {
		return err
	}
	v.Today, v.Current, v.FeverLine = today, "checkin", model.FeverLine
	if fill {
		v.Form = checkinForm{Temperature: "", Sleep: "", Mood: ""}
		if c := today.Today; c != nil {
			v.Form = checkinForm{Temperature: strconv.FormatFloat(c.Temperature, 'f', 1, 64), Symptoms: c.Symptoms,
				Sleep: strconv.FormatFloat(c.SleepHours, 'f', -1, 64), Mood: strconv.Itoa(c.Mood), Remark: c.Remark}
		}
	}
	for _, s := range model.CheckinSymptoms {
		v.Symptoms = append(v.Symptoms, option{Value: s, Text: v.T("checkin.symptom." + s), Selected: model.Contains(v.Form.Symptoms, s)})
	}
	for i := 1; i <= 5; i++ {
		m := strconv.Itoa(i)
		v.Moods = append(v.Moods, option{Value: m, Text: v.T("checkin.mood." + m), Selected: v.Form.Mood == m})
	}
	v.Recent = nil
	for _, c := range today.Recent {
		v.Recent = append(v.Recent, newCheckinRow(v.Page, c, false))
	}
	if today.Leads {
		v.TeamURL, v.MissingURL = "/checkins", "/checkins/missing"
	}
	h.render(w, r, status, "checkin_form", v)
	return nil
}

func (h *handlers) checkinSubmit(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerson(r, auth.PermCheckinSubmit); err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	pf := r.PostForm
	f := checkinForm{Temperature: strings.TrimSpace(pf.Get("temperature")), Symptoms: pf["symptoms"], Sleep: strings.TrimSpace(pf.Get("sleep_hours")),
		Mood: pf.Get("mood"), Remark: pf.Get("remark")}
	in := model.CheckinInput{Symptoms: f.Symptoms, Remark: f.Remark}
	fe := model.FieldErrors{}
	num := func(field, s string) *float64 {
		if s == "" {
			return nil
		}
		x, err := strconv.ParseFloat(strings.ReplaceAll(s, "，", "."), 64)
		if err != nil {
			fe.Add(field, "field.number")
			return nil
		}
		return &x
	}
	in.Temperature, in.SleepHours = num("temperature", f.Temperature), num("sleep_hours", f.Sleep)
	if f.Mood != "" {
		if m, err := strconv.Atoi(f.Mood); err == nil {
			in.Mood = &m
		} else {
			fe.Add("mood", "checkin.mood_range")
		}
	}
	var c model.Checkin
	err := fe.Err()
	if err == nil {
		c, err = h.Store.SubmitCheckin(r.Context(), in)
	} else {
		check := in
		for k, m := range check.Normalize() {
			fe.Add(k, m.Key, m.Args...)
		}
		err = fe.Err()
	}
	if err != nil {
		e := model.AsError(err)
		status := formStatus(e)
		if status == 0 {
			return err
		}
		v := &checkinView{Page: h.page(r, "web.checkin.title"), Form: f}
		v.setErrors(e)
		return h.renderCheckin(w, r, status, v, false)
	}
	msg := "checkin_saved"
	if c.Corrections > 0 {
		msg = "checkin_corrected"
	}
	return seeOther(w, r, "/checkin?msg="+msg)
}

// checkinFilterForm is the check-in list's filter as the query carries it.
type checkinFilterForm struct {
	Q, Region, From, To string
	Fever               bool
	Batch, Person       int64
}

func (f checkinFilterForm) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": f.Q, "region": f.Region, "from": f.From, "to": f.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Fever {
		v.Set("fever", "true")
	}
	if f.Batch != 0 {
		v.Set("batch_id", strconv.FormatInt(f.Batch, 10))
	}
	if f.Person != 0 {
		v.Set("person_id", strconv.FormatInt(f.Person, 10))
	}
	return v
}

// Active reports whether a filter is set.
func (f checkinFilterForm) Active() bool { return len(f.values()) > 0 }

// checkinListView is the team's check-ins.
type checkinListView struct {
	Page
	Filter     checkinFilterForm
	Checkins   []checkinRow
	Pager      pager
	Counts     model.CheckinCounts
	ExportURL  string
	ExportMax  int
	MissingURL string
	FeverLine  float64
}

// dayOrEmpty keeps a YYYY-MM-DD value, or "" with a field message.
func dayOrEmpty(fe model.FieldErrors, field, s string) string {
	s = strings.TrimSpace(s)
	if s != "" && !model.ValidDay(s) {
		fe.Add(field, "field.date")
		return ""
	}
	return s
}

func (h *handlers) checkinList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermCheckinRead)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	fe := model.FieldErrors{}
	f := checkinFilterForm{Q: strings.TrimSpace(q.Get("q")), From: dayOrEmpty(fe, "from", q.Get("from")), To: dayOrEmpty(fe, "to", q.Get("to")),
		Fever: q.Get("fever") == "true" || q.Get("fever") == "1"}
	if b, ok := parseID(q.Get("batch_id")); ok {
		f.Batch = b
	}
	if id, ok := parseID(q.Get("person_id")); ok {
		f.Person = id
	}
	if code, ok := region.Normalize(strings.TrimSpace(q.Get("region"))); ok {
		f.Region = code
	}
	list, err := h.Store.ListCheckins(r.Context(), model.CheckinFilter{Q: f.Q, RegionCode: f.Region, From: f.From, To: f.To, FeverOnly: f.Fever,
		BatchID: f.Batch, PersonID: f.Person, Page: pageOf(r)})
	if err != nil {
		return err
	}
	v := &checkinListView{Page: h.page(r, "web.checkins.title"), Filter: f, FeverLine: model.FeverLine, MissingURL: "/checkins/missing"}
	v.Current, v.Notice = "checkins", v.notice(r)
	if err := fe.Err(); err != nil {
		v.setErrors(model.AsError(err))
	}
	if v.Counts, err = h.Store.CheckinCounts(r.Context(), "", ""); err != nil {
		return err
	}
	for _, c := range list.Items {
		v.Checkins = append(v.Checkins, newCheckinRow(v.Page, c, p.Can(auth.PermPersonRead) && p.PersonID == 0))
	}
	if p.Can(auth.PermPersonExport) {
		v.ExportURL, v.ExportMax = "/api/v1/exports/checkins.xlsx", model.ListExportMax
		if e := f.values().Encode(); e != "" {
			v.ExportURL += "?" + e
		}
	}
	v.Pager = newPager("/checkins", f.values(), list.Total, list.Offset, list.Limit)
	h.render(w, r, http.StatusOK, "checkin_list", v)
	return nil
}

// missingView is the missing list of a day.
type missingView struct {
	Page
	Day       string
	Region    string
	Items     []missingRow
	Pager     pager
	Counts    model.CheckinCounts
	ExportURL string
	ExportMax int
	Today     string
}

type missingRow struct {
	model.MissingCheckin
	Region    string
	PersonURL string
}

func (h *handlers) checkinMissing(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermCheckinRead)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	fe := model.FieldErrors{}
	v := &missingView{Page: h.page(r, "web.missing.title"), Day: dayOrEmpty(fe, "date", q.Get("date")), Today: model.ChinaDay(h.Store.Now())}
	v.Current = "checkins"
	if v.Day == "" {
		v.Day = v.Today
	}
	if code, ok := region.Normalize(strings.TrimSpace(q.Get("region"))); ok {
		v.Region = code
	}
	if err := fe.Err(); err != nil {
		v.setErrors(model.AsError(err))
	}
	list, err := h.Store.ListMissingCheckins(r.Context(), model.MissingFilter{Day: v.Day, RegionCode: v.Region, Page: pageOf(r)})
	if err != nil {
		return err
	}
	if v.Counts, err = h.Store.CheckinCounts(r.Context(), v.Day, v.Region); err != nil {
		return err
	}
	for _, m := range list.Items {
		row := missingRow{MissingCheckin: m, Region: regionLabel(m.RegionCode)}
		if p.Can(auth.PermPersonRead) && p.PersonID == 0 {
			row.PersonURL = "/people/" + strconv.FormatInt(m.PersonID, 10)
		}
		v.Items = append(v.Items, row)
	}
	qv := url.Values{"date": {v.Day}}
	if v.Region != "" {
		qv.Set("region", v.Region)
	}
	if p.Can(auth.PermPersonExport) {
		v.ExportURL, v.ExportMax = "/api/v1/exports/checkins-missing.xlsx?"+qv.Encode(), model.ListExportMax
	}
	v.Pager = newPager("/checkins/missing", qv, list.Total, list.Offset, list.Limit)
	h.render(w, r, http.StatusOK, "checkin_missing", v)
	return nil
}

// familyContactFilterForm is the liaison log's filter as the query carries it.
type familyContactFilterForm struct {
	Q, Region, Channel, Outcome, From, To string
	Person                                int64
}

func (f familyContactFilterForm) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": f.Q, "region": f.Region, "channel": f.Channel, "outcome": f.Outcome, "from": f.From, "to": f.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Person != 0 {
		v.Set("person_id", strconv.FormatInt(f.Person, 10))
	}
	return v
}

// Active reports whether a filter is set.
func (f familyContactFilterForm) Active() bool { return len(f.values()) > 0 }

// familyContactRow is a contact as the lists show it.
type familyContactRow struct {
	model.FamilyContact
	When     string
	Channel  string
	Outcome  string
	Relation string
	CaseURL  string
}

func newFamilyContactRow(p Page, c model.FamilyContact) familyContactRow {
	row := familyContactRow{FamilyContact: c, When: formatTime(c.ContactedAt), Channel: p.Label("family_contact.channel", c.Channel),
		Outcome: p.Label("family_contact.outcome", c.Outcome), Relation: p.Label("relation", c.Relation)}
	if c.NeedID != nil {
		row.CaseURL = caseURL(*c.NeedID)
	}
	return row
}

// familyContactListView is the liaison log.
type familyContactListView struct {
	Page
	Filter    familyContactFilterForm
	Channels  []option
	Outcomes  []option
	Contacts  []familyContactRow
	Pager     pager
	ExportURL string
	ExportMax int
}

func (h *handlers) familyContactList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermFamilyContactRead)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	fe := model.FieldErrors{}
	f := familyContactFilterForm{Q: strings.TrimSpace(q.Get("q")), Channel: q.Get("channel"), Outcome: q.Get("outcome"),
		From: dayOrEmpty(fe, "from", q.Get("from")), To: dayOrEmpty(fe, "to", q.Get("to"))}
	if !model.Contains(model.ContactChannels, f.Channel) {
		f.Channel = ""
	}
	if !model.Contains(model.ContactOutcomes, f.Outcome) {
		f.Outcome = ""
	}
	if code, ok := region.Normalize(strings.TrimSpace(q.Get("region"))); ok {
		f.Region = code
	}
	if id, ok := parseID(q.Get("person_id")); ok {
		f.Person = id
	}
	mf := model.FamilyContactFilter{Q: f.Q, RegionCode: f.Region, Channel: f.Channel, Outcome: f.Outcome, PersonID: f.Person, Page: pageOf(r)}
	if t, ok := parseDay(f.From); ok {
		mf.From = t
	}
	if t, ok := parseDay(f.To); ok && !t.IsZero() {
		mf.To = t.AddDate(0, 0, 1)
	}
	list, err := h.Store.ListFamilyContacts(r.Context(), mf)
	if err != nil {
		return err
	}
	v := &familyContactListView{Page: h.page(r, "web.family_contacts.title"), Filter: f}
	v.Current, v.Notice = "family_contacts", v.notice(r)
	if err := fe.Err(); err != nil {
		v.setErrors(model.AsError(err))
	}
	v.Channels = codeOptions(v.Page, "family_contact.channel", model.ContactChannels, f.Channel)
	v.Outcomes = codeOptions(v.Page, "family_contact.outcome", model.ContactOutcomes, f.Outcome)
	for _, c := range list.Items {
		v.Contacts = append(v.Contacts, newFamilyContactRow(v.Page, c))
	}
	if p.Can(auth.PermPersonExport) {
		v.ExportURL, v.ExportMax = "/api/v1/exports/family-contacts.xlsx", model.ListExportMax
		if e := f.values().Encode(); e != "" {
			v.ExportURL += "?" + e
		}
	}
	v.Pager = newPager("/family-contacts", f.values(), list.Total, list.Offset, list.Limit)
	h.render(w, r, http.StatusOK, "family_contact_list", v)
	return nil
}

// familyContactForm is a contact as typed.
type familyContactForm struct {
	FamilyMemberID, Channel, Outcome, ContactedAt, Note, NeedID string
}

// familyContactFormView is the page recording a contact.
type familyContactFormView struct {
	Page
	Person   model.Person
	Form     familyContactForm
	Family   []option
	Channels []option
	Outcomes []option
	Cases    []option
	MaxTime  string
	NewCase  string // the form opening a case for the person, for need.write holders
}

func (h *handlers) familyContactFormPage(w http.ResponseWriter, r *http.Request, status int, v *familyContactFormView) error {
	p := auth.FromContext(r.Context())
	family, err := h.Store.ListFamily(r.Context(), v.Person.ID, false)
	if err != nil {
		return err
	}
	v.Family = nil
	for _, m := range family {
		id := strconv.FormatInt(m.ID, 10)
		v.Family = append(v.Family, option{Value: id, Text: v.T("web.need.family_option", m.Name, v.Label("relation", m.Relation)), Selected: id == v.Form.FamilyMemberID})
	}
	v.Channels = codeOptions(v.Page, "family_contact.channel", model.ContactChannels, v.Form.Channel)
	v.Outcomes = codeOptions(v.Page, "family_contact.outcome", model.ContactOutcomes, v.Form.Outcome)
	v.Cases = nil
	if p.Can(auth.PermNeedRead) {
		cases, err := h.Store.ListNeeds(r.Context(), model.NeedFilter{PersonID: v.Person.ID, Status: model.NeedActiveStatuses, Page: model.Page{Limit: 50}})
		if err != nil {
			return err
		}
		for _, n := range cases.Items {
			id := strconv.FormatInt(n.ID, 10)
			v.Cases = append(v.Cases, option{Value: id, Text: "#" + id + " " + v.Label("need.category", n.Category) + " · " + v.Label("need.kind", n.Kind), Selected: id == v.Form.NeedID})
		}
	}
	if p.Can(auth.PermNeedWrite) {
		v.NewCase = "/needs/new?person_id=" + strconv.FormatInt(v.Person.ID, 10)
	}
	v.MaxTime = formatLocal(h.Store.Now())
	v.Title, v.Current = v.T("web.family_contact.new_title", v.Person.Name), "family_contacts"
	v.Back = "/family-contacts/new?person_id=" + strconv.FormatInt(v.Person.ID, 10)
	h.render(w, r, status, "family_contact_form", v)
	return nil
}

func (h *handlers) familyContactNew(w http.ResponseWriter, r *http.Request) error {
	person, err := h.formPerson(r, r.URL.Query().Get("person_id"))
	if err != nil {
		return err
	}
	v := &familyContactFormView{Page: h.page(r, ""), Person: person, Form: familyContactForm{Channel: model.ContactPhone, ContactedAt: formatLocal(h.Store.Now())}}
	return h.familyContactFormPage(w, r, http.StatusOK, v)
}

func (h *handlers) familyContactCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	person, err := h.formPerson(r, r.PostForm.Get("person_id"))
	if err != nil {
		return err
	}
	pf := r.PostForm
	f := familyContactForm{FamilyMemberID: pf.Get("family_member_id"), Channel: pf.Get("channel"), Outcome: pf.Get("outcome"),
		ContactedAt: strings.TrimSpace(pf.Get("contacted_at")), Note: pf.Get("note"), NeedID: pf.Get("need_id")}
	in := model.FamilyContactInput{PersonID: person.ID, Channel: f.Channel, Outcome: f.Outcome, Note: f.Note}
	fe := model.FieldErrors{}
	if t, ok := parseLocal(f.ContactedAt); ok {
		in.ContactedAt = t
	} else {
		fe.Add("contacted_at", "web.form.datetime")
	}
	if id, ok := parseID(f.FamilyMemberID); !ok {
		fe.Add("family_member_id", "field.choice")
	} else if id != 0 {
		in.FamilyMemberID = &id
	}
	if id, ok := parseID(f.NeedID); !ok {
		fe.Add("need_id", "field.choice")
	} else if id != 0 {
		in.NeedID = &id
	}
	if len(fe) == 0 {
		_, err = h.Store.CreateFamilyContact(r.Context(), in)
	} else {
		check := in
		for k, m := range check.Normalize(h.Store.Now()) {
			fe.Add(k, m.Key, m.Args...)
		}
		err = fe.Err()
	}
	if err != nil {
		e := model.AsError(err)
		status := formStatus(e)
		if status == 0 {
			return err
		}
		v := &familyContactFormView{Page: h.page(r, ""), Person: person, Form: f}
		v.setErrors(e)
		v.requireChosen("channel", f.Channel)
		v.requireChosen("outcome", f.Outcome)
		return h.familyContactFormPage(w, r, status, v)
	}
	return seeOther(w, r, "/people/"+strconv.FormatInt(person.ID, 10)+"?msg=family_contact_saved#liaison")
}

// personLiaison is the liaison section of a person's page: the latest
// contacts with the family and the button to record one.
type personLiaison struct {
	Read     bool
	Contacts []familyContactRow
	Total    int
	NewURL   string
	AllURL   string
	// The person's latest check-ins, for the roles that read them.
	ReadCheckins bool
	Checkins     []checkinRow
	CheckinsURL  string
}

// personLiaisonOf reads the person's latest family contacts for the caller.
func (h *handlers) personLiaisonOf(r *http.Request, p *auth.Principal, pg Page, personID int64) (personLiaison, error) {
	var l personLiaison
	id := strconv.FormatInt(personID, 10)
	if p.Can(auth.PermCheckinRead) && p.PersonID == 0 {
		list, err := h.Store.ListCheckins(r.Context(), model.CheckinFilter{PersonID: personID, Page: model.Page{Limit: 7}})
		if err != nil {
			return l, err
		}
		l.ReadCheckins, l.CheckinsURL = true, "/checkins?person_id="+id
		for _, c := range list.Items {
			l.Checkins = append(l.Checkins, newCheckinRow(pg, c, false))
		}
	}
	if !p.Can(auth.PermFamilyContactRead) {
		return l, nil
	}
	list, err := h.Store.ListFamilyContacts(r.Context(), model.FamilyContactFilter{PersonID: personID, Page: model.Page{Limit: 5}})
	if err != nil {
		return l, err
	}
	l.Read, l.Total = true, list.Total
	for _, c := range list.Items {
		l.Contacts = append(l.Contacts, newFamilyContactRow(pg, c))
	}
	l.AllURL = "/family-contacts?person_id=" + id
	if p.Can(auth.PermFamilyContactWrite) {
		l.NewURL = "/family-contacts/new?person_id=" + id
	}
	return l, nil
}

// dashboardCheckins puts the day's check-in figures of the caller's scope
// on the dashboard (suppressed for leaders by the store).
func (h *handlers) dashboardCheckins(r *http.Request, p *auth.Principal, regionCode string) (*model.CheckinCounts, error) {
	if !p.Can(auth.PermCheckinRead) && !p.Can(auth.PermAggregateRead) {
		return nil, nil
	}
	if p.PersonID != 0 {
		return nil, nil
	}
	n, err := h.Store.CheckinCounts(r.Context(), "", regionCode)
	if err != nil {
		return nil, err
	}
	return &n, nil
}

// checkinInboxURL is the page an inbox entry about check-ins opens.
func checkinInboxURL(kind string) string {
	switch kind {
	case store.NoticeCheckinFever:
		return "/checkins?fever=true"
	case store.NoticeCheckinMissed:
		return "/checkins/missing"
	}
	return ""
}

// countText shows a count, the mark aggregate.hidden when the store hid it.
func countText(p Page, n model.Count) string {
	if n.IsSuppressed() {
		return p.T("aggregate.hidden")
	}
	return strconv.Itoa(int(n))
}

// Count shows one of the day's figures.
func (v *checkinListView) Count(n model.Count) string { return countText(v.Page, n) }

// Count shows one of the day's figures.
func (v *missingView) Count(n model.Count) string { return countText(v.Page, n) }
