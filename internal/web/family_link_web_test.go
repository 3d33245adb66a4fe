package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// linkSite is the ledger's site with 张伟's mother registered, and 李娜's son
// (in Xinqiu) as another family.
type linkSite struct {
	*ledgerSite
	mother model.FamilyMember
	liSon  model.FamilyMember
	// lastBody is the page makeLink got: the only one showing the new link.
	lastBody string
}

func newLinkSite(t *testing.T, st *store.Store, clock *testutil.Clock) *linkSite {
	t.Helper()
	s := &linkSite{ledgerSite: newLedgerSite(t, st, clock)}
	var err error
	if s.mother, err = st.CreateFamilyMember(testutil.System(), s.zhang.ID, model.FamilyMemberInput{Name: ptr("赵秀兰"), Relation: ptr(model.RelParent),
		BirthDate: ptr("1948-05-03"), Phone: ptr("13800009999"), CareNeeds: ptr([]string{model.CareElderly})}); err != nil {
		t.Fatal(err)
	}
	if s.liSon, err = st.CreateFamilyMember(testutil.System(), s.li.ID, model.FamilyMemberInput{Name: ptr("李小明"), Relation: ptr(model.RelChild),
		BirthDate: ptr("2016-09-01")}); err != nil {
		t.Fatal(err)
	}
	return s
}

var linkInPage = regexp.MustCompile(`value="(https?://[^"]+/f/([A-Za-z0-9_-]{43}))"`)

// makeLink makes a link on the page at base as b and returns its path and token.
func (s *linkSite) makeLink(b *browser, base string, member int64) (path, token string) {
	s.t.Helper()
	r := b.postForm(base, url.Values{"family_member_id": {strconv.FormatInt(member, 10)}, "days": {"30"}})
	if r.status != http.StatusOK {
		s.t.Fatalf("make a link: %d %v", r.status, fieldErrors(r.body))
	}
	s.lastBody = r.body
	m := linkInPage.FindStringSubmatch(r.body)
	if m == nil {
		s.t.Fatalf("the page shows no link:\n%s", r.body)
	}
	if !strings.HasPrefix(m[1], s.srv.URL+"/f/") {
		s.t.Errorf("link %q is not on this site (%s)", m[1], s.srv.URL)
	}
	return "/f/" + m[2], m[2]
}

func (s *linkSite) linkCases(t *testing.T) []model.Need {
	t.Helper()
	list, err := s.st.ListNeeds(testutil.System(), model.NeedFilter{PersonID: s.zhang.ID})
	if err != nil {
		t.Fatal(err)
	}
	return list.Items
}

func TestAWorkerHandsOutALinkAndTheRelativeReportsThroughIt(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newLinkSite(t, st, clock)
		worker := s.as("worker_zhang")
		contains(t, worker.get("/me/needs"), `href="/me/family-links"`)
		r := worker.get("/me/family-links")
		if r.status != http.StatusOK {
			t.Fatalf("the worker's links page: %d", r.status)
		}
		contains(t, r, "家属自助链接", "赵秀兰（父母）", "目前没有有效的自助链接。", `name="days" type="number" value="30"`)
		lacks(t, r, "李小明")

		// A relative of another family cannot get a link here.
		bad := worker.postForm("/me/family-links", url.Values{"family_member_id": {strconv.FormatInt(s.liSon.ID, 10)}, "days": {"30"}})
		if bad.status != http.StatusUnprocessableEntity || fieldErrors(bad.body)["family_member_id"] != "该家属不属于所选人员" {
			t.Errorf("a link for another family: %d %v", bad.status, fieldErrors(bad.body))
		}
		bad = worker.postForm("/me/family-links", url.Values{"family_member_id": {strconv.FormatInt(s.mother.ID, 10)}, "days": {"365"}})
		if bad.status != http.StatusUnprocessableEntity || fieldErrors(bad.body)["days"] != "有效天数应为 1–90 天" {
			t.Errorf("a year-long link: %d %v", bad.status, fieldErrors(bad.body))
		}

		path, token := s.makeLink(worker, "/me/family-links", s.mother.ID)
		// The answer that shows the link also shows it as a QR code and
		// offers a copy button (a static script, as the page's CSP wants);
		// the list shown afterwards has neither, the token being gone.
		made := s.lastBody
		for _, want := range []string{`<svg class="qr"`, `aria-label="赵秀兰（父母）的自助链接二维码"`, `data-copy="f-new-link"`, `<script src="/static/copy.js?v=`} {
			if !strings.Contains(made, want) {
				t.Errorf("the new link's page lacks %s", want)
			}
		}
		if js := worker.get("/static/copy.js"); js.status != http.StatusOK || !strings.Contains(js.header.Get("Content-Type"), "javascript") {
			t.Errorf("copy.js: %d %s", js.status, js.header.Get("Content-Type"))
		}
		listed := worker.get("/me/family-links")
		contains(t, listed, "有效的链接", "赵秀兰（父母）", "worker_zhang", "未使用", "停用")
		lacks(t, listed, token, `<svg class="qr"`)

		// The relative opens it on her phone, without an account.
		mother := s.browser()
		r = mother.get(path)
		if r.status != http.StatusOK {
			t.Fatalf("the relative's page: %d", r.status)
		}
		contains(t, r, "您好，赵秀兰", "反映需求", "还没有通过此链接反映的需求。", `<html lang="zh-CN">`, "您反映的情况仅用于安排帮助")
		lacks(t, r, "张伟", s.zhangIDN, "13912345678", "13800009999", "退出", `class="main-nav"`, "查看完整证件号")
		if r.header.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(r.header.Get("X-Robots-Tag"), "noindex") ||
			r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("headers: %v", r.header)
		}
		form := url.Values{"category": {model.CategoryLiving}, "kind": {model.KindSupplies}, "urgency": {model.UrgencyHigh},
			"description": {"家里米面和降压药快用完了，儿子在医院封闭值班"}}

		// Bad input: the message beside the field, the text kept, nothing written.
		for _, c := range []struct {
			name, field, value, errField, want string
		}{
			{"an empty description", "description", "   ", "description", "必填"},
			{"an unknown kind", "kind", "money", "kind", "不是允许的选项"},
			{"no category", "category", "", "category", "必填"},
		} {
			t.Run(c.name, func(t *testing.T) {
				bad := url.Values{}
				for k, v := range form {
					bad[k] = v
				}
				bad.Set(c.field, c.value)
				r := mother.postForm(path, bad)
				if r.status != http.StatusUnprocessableEntity || fieldErrors(r.body)[c.errField] != c.want {
					t.Errorf("status %d, errors %v", r.status, fieldErrors(r.body))
				}
				if c.field != "description" {
					contains(t, r, "降压药")
				}
			})
		}
		r = mother.postForm(path, url.Values{"family_member_id": {strconv.FormatInt(s.liSon.ID, 10)}, "category": form["category"],
			"kind": form["kind"], "urgency": form["urgency"], "description": form["description"]})
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("a case for another family through the link: %d", r.status)
		}
		contains(t, r, "通过此链接只能为链接所属的家属反映需求")
		if n := len(s.linkCases(t)); n != 0 {
			t.Fatalf("refused reports wrote %d cases", n)
		}

		r = mother.postForm(path, form)
		if r.status != http.StatusSeeOther || r.location != path+"?msg=need_reported" {
			t.Fatalf("a good report: %d to %q %v", r.status, r.location, fieldErrors(r.body))
		}
		r = mother.get(r.location)
		contains(t, r, "您反映的需求已提交", "生活物资", "待处理", "降压药", "办理期限：")
		cases := s.linkCases(t)
		if len(cases) != 1 || cases[0].Source != model.SourceFamily || cases[0].FamilyMemberID == nil || *cases[0].FamilyMemberID != s.mother.ID {
			t.Fatalf("recorded %+v", cases)
		}

		// In English when her phone asks for it.
		en := s.browser()
		en.header.Set("Accept-Language", "en-US,en;q=0.9")
		contains(t, en.get(path), "Hello, 赵秀兰", "Needs I reported", "Groceries and daily supplies", `<html lang="en">`)

		// The district's case worker sees who reported it.
		linkID := auth.FamilyLinkOf(cases[0].RecordedBy)
		page := s.as("cw_haizhou").get(caseURL(cases[0].ID))
		contains(t, page, "家属（通过自助链接 #"+strconv.FormatInt(linkID, 10)+"）", "家属反映", "赵秀兰")
		lacks(t, page, "family-link:")

		// Revoked: the link answers exactly as a link that never was.
		r = worker.postForm("/me/family-links/"+strconv.FormatInt(linkID, 10)+"/revoke", nil)
		if r.status != http.StatusSeeOther || r.location != "/me/family-links?msg=family_link_revoked" {
			t.Fatalf("revoke: %d %q", r.status, r.location)
		}
		contains(t, worker.get(r.location), "链接已停用", "目前没有有效的自助链接。")
		gone := mother.get(path)
		unknown := mother.get("/f/" + strings.Repeat("x", 43))
		if gone.status != http.StatusNotFound || unknown.status != http.StatusNotFound {
			t.Fatalf("revoked %d, unknown %d", gone.status, unknown.status)
		}
		contains(t, gone, "链接无效", "此链接无效或已过期")
		lacks(t, gone, "赵秀兰", "降压药", `href="/login"`)
		if a, b := strings.ReplaceAll(gone.body, token, "T"), strings.ReplaceAll(unknown.body, strings.Repeat("x", 43), "T"); a != b {
			t.Errorf("a revoked link and an unknown one answer differently:\n%s\n----\n%s", a, b)
		}
		if r := mother.postForm(path, form); r.status != http.StatusNotFound {
			t.Errorf("a report through a revoked link: %d", r.status)
		}
		if n := len(s.linkCases(t)); n != 1 {
			t.Errorf("%d cases after the revoked link was used, want 1", n)
		}
	})
}

func TestACaseWorkerHandsOutALinkForAFamilyInScope(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newLinkSite(t, st, clock)
		cw := s.as("cw_haizhou")
		worker := s.as("worker_zhang")
		logged := map[string]*browser{"cw_haizhou": cw, "worker_zhang": worker}
		base := "/people/" + strconv.FormatInt(s.zhang.ID, 10) + "/family-links"
		contains(t, cw.get("/people/"+strconv.FormatInt(s.zhang.ID, 10)), `href="`+base+`"`)
		contains(t, cw.get(base), "张伟 的家属自助链接", "赵秀兰（父母）")
		path, _ := s.makeLink(cw, base, s.mother.ID)
		if r := s.browser().get(path); r.status != http.StatusOK {
			t.Errorf("the case worker's link: %d", r.status)
		}
		// The worker sees the team's link among his family's.
		contains(t, worker.get("/me/family-links"), "cw_haizhou")

		other := "/people/" + strconv.FormatInt(s.li.ID, 10) + "/family-links"
		for _, c := range []struct {
			who, method, path string
			want              int
		}{
			{"cw_haizhou", "GET", other, http.StatusNotFound},
			{"cw_haizhou", "POST", other, http.StatusNotFound},
			{"worker_zhang", "GET", other, http.StatusNotFound},
			{"vol_liu", "GET", "/me/family-links", http.StatusForbidden},
			{"vol_liu", "GET", base, http.StatusForbidden},
			{"leader_fx", "GET", base, http.StatusForbidden},
			{"finance_fx", "POST", base, http.StatusForbidden},
			{"cw_haizhou", "GET", "/me/family-links", http.StatusForbidden},
		} {
			b, ok := logged[c.who]
			if !ok {
				b = s.as(c.who)
				logged[c.who] = b
			}
			var r response
			if c.method == "GET" {
				r = b.get(c.path)
			} else {
				r = b.postForm(c.path, url.Values{"family_member_id": {strconv.FormatInt(s.liSon.ID, 10)}})
			}
			if r.status != c.want {
				t.Errorf("%s %s %s: %d, want %d", c.who, c.method, c.path, r.status, c.want)
			}
		}
		links, err := st.ListFamilyLinks(testutil.System(), s.li.ID)
		if err != nil || len(links) != 0 {
			t.Errorf("links of the other family: %+v, %v", links, err)
		}
	})
}

func TestALinksReportsAreLimitedProtectedAndAuditedWithoutTheToken(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newLinkSite(t, st, clock)
		if _, err := st.SetSetting(testutil.System(), "210902", casework.SettingFamilyLinkPerHour, "2"); err != nil {
			t.Fatal(err)
		}
		path, token := s.makeLink(s.as("worker_zhang"), "/me/family-links", s.mother.ID)
		mother := s.browser()
		form := url.Values{"category": {model.CategoryLiving}, "kind": {model.KindMeals}, "urgency": {model.UrgencyNormal}, "description": {"需要送餐"}}

		// Another site cannot post through the relative's browser.
		forged := s.browser()
		forged.header.Set("Origin", "https://evil.example")
		forged.header.Set("Sec-Fetch-Site", "cross-site")
		if r := forged.postForm(path, form); r.status != http.StatusForbidden {
			t.Errorf("a cross-site post: %d", r.status)
		}
		// A body past the limit is refused before anything is read into a case.
		huge := url.Values{"category": form["category"], "kind": form["kind"], "urgency": form["urgency"], "description": {strings.Repeat("饭", 40000)}}
		if r := mother.postForm(path, huge); r.status != http.StatusRequestEntityTooLarge {
			t.Errorf("a 120 KB report: %d", r.status)
		}
		if n := len(s.linkCases(t)); n != 0 {
			t.Fatalf("%d cases after refused posts", n)
		}

		for range 2 {
			if r := mother.postForm(path, form); r.status != http.StatusSeeOther {
				t.Fatalf("a report within the limit: %d", r.status)
			}
		}
		r := mother.postForm(path, form)
		if r.status != http.StatusTooManyRequests {
			t.Fatalf("the third report in the hour: %d", r.status)
		}
		contains(t, r, "通过此链接一小时内最多可提交 2 条需求", "需要送餐")
		en := s.browser()
		en.header.Set("Accept-Language", "en")
		contains(t, en.postForm(path, form), "At most 2 needs can be sent through this link in an hour")
		if n := len(s.linkCases(t)); n != 2 {
			t.Errorf("%d cases, want 2", n)
		}

		audit, err := st.ListAudit(testutil.As(&auth.Principal{Role: auth.RoleAuditor}), model.AuditFilter{Page: model.Page{Limit: 500}})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, e := range audit.Items {
			if strings.Contains(e.ObjectID+e.Detail, token) {
				t.Errorf("audit row %d holds the token: %+v", e.ID, e)
			}
			if strings.HasPrefix(e.Username, "family-link:") {
				actions[e.Action]++
			}
			if e.Action == store.ActDenied && strings.HasPrefix(e.Detail, "429") && e.ObjectID != "POST /f/{token}" {
				t.Errorf("denial names %q", e.ObjectID)
			}
		}
		if actions[store.ActNeedCreate] != 2 || actions[store.ActFamilyLinkLimited] != 2 || actions[store.ActFamilyLinkOpen] == 0 {
			t.Errorf("the link's audit rows: %v", actions)
		}
	})
}

// TestGuessingLinkTokensIsSlowedLikeGuessingPasswords: every token that does
// not work uses up the address's login budget; past it the address gets 429
// before any token is looked up.
func TestGuessingLinkTokensIsSlowedLikeGuessingPasswords(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newLinkSite(t, st, clock)
		guesser := s.browser()
		for i := range 10 {
			if r := guesser.get("/f/" + strings.Repeat(string(rune('a'+i)), 43)); r.status != http.StatusNotFound {
				t.Fatalf("guess %d: %d", i+1, r.status)
			}
		}
		if r := guesser.get("/f/" + strings.Repeat("z", 43)); r.status != http.StatusTooManyRequests {
			t.Fatalf("the eleventh guess: %d", r.status)
		}
	})
}
