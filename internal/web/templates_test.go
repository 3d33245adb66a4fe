package web

import (
	"bytes"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"houdun/internal/auth"
	"houdun/internal/i18n"
	"houdun/internal/model"
)

// samplePages returns, for every page template, an empty view and a filled
// one in lang. A template without an entry here fails the test, so a new
// page cannot skip it.
func samplePages(lang i18n.Lang) map[string][2]any {
	user := &auth.Principal{UserID: 7, Username: "wang_caseworker", Role: auth.RoleCaseworker, RegionCode: "210902"}
	base := func(title string) Page {
		return Page{Lang: lang, User: user, Title: title, Back: "/people?q=x", Nav: navFor(user, lang), Current: "people",
			Notice: "notice", Problem: "problem", Errors: map[string]string{"name": "bad name", "institution_id": "bad", "occupation": "bad",
				"relation": "bad", "care_needs": "bad", "role": "bad", "type": "bad", "username": "bad", "from": "bad", "otp": "bad",
				"current_password": "bad", "new_password": "bad"}}
	}
	empty := func() Page { return Page{Lang: lang} }
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	link := int64(12)
	person := model.Person{ID: 3, Name: "张三", IDNumber: "11010519491231002X", IDNumberMasked: "110***********002X", Phone: "13912345678",
		PhoneMasked: "139****5678", BirthDate: "1949-12-31", Sex: "female", InstitutionID: 2, InstitutionName: "阜新市中心医院",
		RegionCode: "210902", Department: "呼吸科", Occupation: model.OccNurse, Title: "主管护师", Frontline: true, FamilyCount: 2, Version: 4,
		UpdatedAt: now}
	member := model.FamilyMember{ID: 9, PersonID: 3, Name: "李四", Relation: model.RelParent, BirthDate: "1940-01-02", IDNumberMasked: "110***********0012",
		PhoneMasked: "139****0000", LivesWith: true, CareNeeds: []string{model.CareElderly, model.CareChronicIll}, MedicalWorkerPersonID: &link, Version: 2}
	opts := []option{{Value: "1", Text: "one", Selected: true}, {Value: "2", Text: "two"}}
	pg := pager{Total: 120, From: 51, To: 100, Page: 2, Pages: 3, PrevURL: "/people?page=1", NextURL: "/people?page=3"}
	locked := now.Add(time.Hour)
	job := importJob{ID: "abc", Kind: "people", UserID: 7, Started: now, Done: 5, Total: 10}

	pages := map[string][2]any{
		"login":     {&loginView{Page: empty()}, &loginView{Page: base("login"), Next: "/people", Username: "wang"}},
		"login_otp": {&otpView{Page: empty()}, &otpView{Page: base("otp"), Next: "/people", Username: "sec.admin"}},
		"login_enrol": {&enrolView{Page: empty()}, &enrolView{Page: base("enrol"), Next: "/people", Username: "sec.admin", Secret: "ABCD EFGH IJKL",
			URI: "otpauth://totp/houdun:sec.admin?secret=ABCDEFGHIJKL", QR: "data:image/png;base64,iVBORw0KGgo="}},
		"account": {&accountView{Page: empty()}, &accountView{Page: base("account"), OTP: true, PolicyHint: "hinttext=policy"}},
		"error":   {&errorView{Page: empty()}, &errorView{Page: base("x"), Status: 404, Title: "t", Message: "m"}},
		"home": {&homeView{Page: empty()}, &homeView{Page: base("home"), RoleLabel: "r", Scope: "s", ScopeLink: "/people/1",
			Links: []homeLink{{Href: "/people", Title: "t", Text: "x"}}}},
		"person_list": {&personListView{Page: empty()}, &personListView{Page: base("p"), Filter: personFilterForm{Q: "张", Frontline: "true"},
			Institutions: opts, Occupations: opts, People: []model.Person{person, {ID: 4, Name: "x"}}, Pager: pg, CanWrite: true,
			ExportXLSX: "/api/v1/exports/people.xlsx?q=x", ExportCSV: "/api/v1/exports/people.csv?q=x"}},
		"person_show": {&personShowView{Page: empty()}, &personShowView{Page: base("p"), Person: person, CanReveal: true, CanWrite: true, Revealed: true,
			Family: []familyRow{{FamilyMember: member, Age: 86, CareLabels: []string{"a", "b"}, WorkerURL: "/people/12"}, {Age: -1}}}},
		"person_form": {&personFormView{Page: empty()}, &personFormView{Page: base("p"), Edit: true, Person: person, StaleHint: true,
			Form: personForm{Name: "张三", Phone: "1", ClearPhone: true, Frontline: true, Version: "4"}, Institutions: opts, Occupations: opts,
			Action: "/people/3", Cancel: "/people/3"}},
		"family_form": {&familyFormView{Page: empty()}, &familyFormView{Page: base("f"), Person: person, Member: member, Edit: true, StaleHint: true,
			Form: familyFormOf(member), Relations: opts, CareNeeds: opts, Action: "/people/3/family/9", Cancel: "/people/3"}},
		"family_delete": {&familyDeleteView{Page: empty()}, &familyDeleteView{Page: base("d"), Person: person, Member: member, Action: "/x", Cancel: "/y"}},
		"import": {&importView{Page: empty()}, &importView{Page: base("i"), MaxSize: "32 MiB", Sections: []importSection{
			{Kind: "people", Title: "t", Help: "h", TemplateURL: "/t", Action: "/import/people", Problem: "p", DryRun: true}}}},
		"import_job": {&importJobView{Page: empty()}, &importJobView{Page: base("j"), Job: job, Percent: 50}},
		"institution_list": {&institutionListView{Page: empty()}, &institutionListView{Page: base("i"), Q: "q", Types: opts, Pager: pg, CanWrite: true,
			Institutions: []model.Institution{{ID: 1, Name: "阜新市中心医院", Type: model.InstHospital, RegionCode: "210902", RegionName: "海州区", CreditCode: "91350100M000100Y43"}}}},
		"institution_form": {&institutionFormView{Page: empty()}, &institutionFormView{Page: base("i"), Form: institutionForm{Name: "n", RegionCode: "210902"},
			Types: opts, Regions: []model.Region{{Code: "210902001", Name: "街道"}}}},
		"user_list": {&userListView{Page: empty()}, &userListView{Page: base("u"), Q: "q", Roles: opts, Pager: pg, CanWrite: true, Users: []userRow{
			{User: model.User{ID: 1, Username: "a", Role: auth.RoleCaseworker, RegionCode: "210902"}, Scope: "s", LastLogin: "2026-03-01 17:00", CanChange: true},
			{User: model.User{ID: 2, Username: "b", Role: auth.RoleAuditor, Disabled: true, LockedUntil: &locked}, CanChange: true, OTP: true},
			{User: model.User{ID: 4, Username: "d", Role: auth.RoleSysadmin, TOTPEnrolled: true}, CanChange: true, OTP: true, CanResetOTP: true},
			{User: model.User{ID: 3, Username: "c", Role: auth.RoleWorker}, Locked: true}}}},
		"user_form": {&userFormView{Page: empty()}, &userFormView{Page: base("u"), Form: userForm{Username: "u", Role: auth.RoleCaseworker}, Roles: opts}},
		"user_show": {&userShowView{Page: empty()}, &userShowView{Page: base("u"), Account: model.User{ID: 3, Username: "wang", Role: auth.RoleCaseworker, RegionCode: "210902", RolePending: true},
			Scope: "区划 210902", CanScope: true, CanUpkeep: true, Form: userScopeForm{Role: auth.RoleCaseworker, RegionCode: "210902", Version: "2"},
			DisplayName: "王", Roles: opts, OneTimePassword: "Abcd-2345-efgh-6789"}},
		"audit_list": {&auditListView{Page: empty()}, &auditListView{Page: base("a"), Filter: auditFilterForm{Action: "person.read", From: "2026-01-01"},
			Actions: opts, ObjectTypes: opts, Pager: pg, Entries: []auditRow{
				{AuditEntry: model.AuditEntry{ID: 1, Username: "wang", Role: auth.RoleCaseworker, IP: "10.0.0.1", Action: "person.reveal", ObjectType: "person", ObjectID: "3", Outcome: "ok"},
					When: "2026-03-01 17:00", ActionLabel: "a", RoleLabel: "r", OutcomeText: "o"},
				{AuditEntry: model.AuditEntry{ID: 2, Outcome: "denied"}}}}},
	}
	for name, views := range needSamplePages(lang, base, empty) {
		pages[name] = views
	}
	for name, views := range familyLinkSamplePages(lang, base, empty) {
		pages[name] = views
	}
	for name, views := range transferSamplePages(base, empty) {
		pages[name] = views
	}
	for name, views := range incidentSamplePages(base, empty) {
		pages[name] = views
	}
	for name, views := range staySamplePages(base, empty) {
		pages[name] = views
	}
	for name, views := range deploySamplePages(base, empty) {
		pages[name] = views
	}
	for name, views := range psychSamplePages(lang, base, empty) {
		pages[name] = views
	}
	for name, views := range checkinSamplePages(base, empty) {
		pages[name] = views
	}
	for name, views := range letterSamplePages(base, empty) {
		pages[name] = views
	}
	for name, views := range subsidySamplePages(base, empty) {
		pages[name] = views
	}
	for name, views := range supplySamplePages(base, empty) {
		pages[name] = views
	}
	return pages
}

// extraStates renders pages in states the filled view above does not reach.
func extraStates(lang i18n.Lang) map[string][]any {
	s := samplePages(lang)
	doneJob := *s["import_job"][1].(*importJobView)
	doneJob.Job.Finished, doneJob.Job.Result = time.Now(), model.ImportResult{Created: 3, DryRun: true}
	doneJob.Job.DryRun = true
	badJob := *s["import_job"][1].(*importJobView)
	badJob.Job.Finished = time.Now()
	badJob.Job.Err = &model.Error{Code: model.EImportInvalid, Msg: model.M("import.invalid", 1)}
	badJob.Problem = "p"
	badJob.Rows = []importRowView{{Row: 3, Column: "身份证号", Message: "m"}}
	newPerson := *s["person_form"][1].(*personFormView)
	newPerson.Edit = false
	masked := *s["person_show"][1].(*personShowView)
	masked.Revealed = false
	newMember := *s["family_form"][1].(*familyFormView)
	newMember.Edit = false
	extra := map[string][]any{"import_job": {&doneJob, &badJob}, "person_form": {&newPerson}, "person_show": {&masked}, "family_form": {&newMember}}
	for name, views := range needExtraStates(lang, s) {
		extra[name] = append(extra[name], views...)
	}
	for name, views := range familyLinkExtraStates(s) {
		extra[name] = append(extra[name], views...)
	}
	extra["transfer_show"] = append(extra["transfer_show"], transferExtraStates(s)...)
	extra["dashboard"] = append(extra["dashboard"], supplyExtraStates(s)...)
	for name, views := range incidentExtraStates(s) {
		extra[name] = append(extra[name], views...)
	}
	for name, views := range checkinExtraStates(s) {
		extra[name] = append(extra[name], views...)
	}
	return extra
}

func TestEveryTemplateRendersEmptyAndFilledInBothLanguages(t *testing.T) {
	rd, err := newRenderer()
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	missingKey = func(key string) { missing = append(missing, key) }
	t.Cleanup(func() { missingKey = func(string) {} })

	names := rd.names()
	sort.Strings(names)
	for _, lang := range i18n.Langs {
		samples, extra := samplePages(lang), extraStates(lang)
		for _, name := range names {
			views, ok := samples[name]
			if !ok {
				t.Errorf("template %s has no sample views in samplePages", name)
				continue
			}
			for i, view := range append(views[:], extra[name]...) {
				t.Run(string(lang)+"/"+name+"/"+[]string{"empty", "filled", "extra", "extra2"}[min(i, 3)], func(t *testing.T) {
					missing = nil
					b, err := rd.execute(name, view)
					if err != nil {
						t.Fatal(err)
					}
					if len(missing) > 0 {
						t.Errorf("catalogue keys without text: %v", missing)
					}
					checkHTML(t, b, lang)
				})
			}
		}
	}
}

// keyPrefixes are the first segments of catalogue keys ("web", "role", …).
func keyPrefixes() map[string]bool {
	out := map[string]bool{}
	for _, k := range i18n.Keys() {
		if p, _, ok := strings.Cut(k, "."); ok {
			out[p] = true
		}
	}
	return out
}

// checkHTML fails on a text or attribute that is a catalogue key rendered
// raw, and on Chinese text on an English page's chrome.
func checkHTML(t *testing.T, b []byte, lang i18n.Lang) {
	t.Helper()
	prefixes := keyPrefixes()
	looksLikeKey := func(s string) bool {
		s = strings.TrimSpace(s)
		if s == "" || strings.ContainsAny(s, " \n/") {
			return false
		}
		if i18n.Has(s) {
			return true
		}
		p, rest, ok := strings.Cut(s, ".")
		return ok && rest != "" && prefixes[p]
	}
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			if looksLikeKey(n.Data) {
				t.Errorf("raw catalogue key in text: %q", n.Data)
			}
		case html.ElementNode:
			for _, a := range n.Attr {
				if slices.Contains([]string{"title", "placeholder", "aria-label", "alt", "value"}, a.Key) && looksLikeKey(a.Val) {
					t.Errorf("raw catalogue key in %s=%q", a.Key, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if !bytes.Contains(b, []byte(`<html lang="`)) || !bytes.Contains(b, []byte("</html>")) {
		t.Error("page is not a whole document")
	}
}

func TestLocalPathRefusesOtherSites(t *testing.T) {
	for in, want := range map[string]string{
		"/people?q=1":          "/people?q=1",
		"/":                    "/",
		"":                     "",
		"people":               "",
		"//evil.example/x":     "",
		"/\\evil.example":      "",
		"https://evil.example": "",
		"/x\r\nLocation: y":    "",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPagerLinksKeepTheFilter(t *testing.T) {
	p := newPager("/people", map[string][]string{"q": {"张"}, "frontline": {""}}, 120, 50, 50)
	if p.From != 51 || p.To != 100 || p.Page != 2 || p.Pages != 3 {
		t.Errorf("pager = %+v", p)
	}
	if p.PrevURL != "/people?q=%E5%BC%A0" || p.NextURL != "/people?page=3&q=%E5%BC%A0" {
		t.Errorf("prev %q next %q", p.PrevURL, p.NextURL)
	}
	if p := newPager("/people", nil, 0, 0, 50); p.PrevURL != "" || p.NextURL != "" || p.From != 0 {
		t.Errorf("empty pager = %+v", p)
	}
}

func TestJobRegistryShowsAJobOnlyToItsOwner(t *testing.T) {
	jr := newJobRegistry()
	j, err := jr.start("people", 7, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := jr.get(j.ID, 8); ok {
		t.Error("another user sees the job")
	}
	if _, err := jr.start("people", 7, false); err != nil {
		t.Fatal(err)
	}
	if _, err := jr.start("people", 7, false); model.ErrorCode(err) != model.ERateLimited {
		t.Errorf("third running job of one user: %v", err)
	}
	jr.progress(j.ID, 5, 10)
	jr.finish(j.ID, model.ImportResult{Created: 10}, nil)
	got, ok := jr.get(j.ID, 7)
	if !ok || got.Running() || got.Done != 10 || got.Result.Created != 10 {
		t.Errorf("finished job = %+v", got)
	}
	now := time.Now()
	jr.now = func() time.Time { return now.Add(jobKeep + time.Minute) }
	if _, err := jr.start("people", 9, false); err != nil {
		t.Fatal(err)
	}
	if _, ok := jr.get(j.ID, 7); ok {
		t.Error("an expired job is still kept")
	}
}

func TestEveryCodedValueHasALabelInBothLanguages(t *testing.T) {
	groups := map[string][]string{
		"role": auth.Roles, "occupation": model.Occupations, "relation": model.Relations, "care": model.CareNeeds,
		"inst_type": model.InstitutionTypes, "sex": {"male", "female"}, "audit_action": auditActions,
		"audit_object": auditObjectTypes, "outcome": {model.OutcomeOK, model.OutcomeDenied, model.OutcomeFailed},
	}
	for group, values := range groups {
		for _, v := range values {
			prefix := group
			if p, ok := labelGroups[group]; ok {
				prefix = p
			}
			key := prefix + "." + v
			zh, en := i18n.Texts(key)
			if zh == "" || en == "" {
				t.Errorf("%s has no label in both languages (key %s)", v, key)
			}
		}
	}
}
