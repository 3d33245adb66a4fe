package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestAWorkerChecksInAndTheTeamSeesIt: the worker's page says when there is
// nothing to check in; deployed, a bad answer comes back with its message
// beside the field, a good one is saved and a second corrects it; the
// district team sees the fever on the list, the dashboard and in the inbox,
// and the missing list is empty.
func TestAWorkerChecksInAndTheTeamSeesIt(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		pw, role, name := password, auth.RoleWorker, "worker_zhang"
		if _, err := st.CreateUser(testutil.System(), model.UserInput{Username: &name, Role: &role, PersonID: &s.zhang.ID, Password: &pw}); err != nil {
			t.Fatal(err)
		}
		w := s.as("worker_zhang")
		contains(t, w.get("/checkin"), "无需打卡")
		day, to := model.ChinaDay(clock.Now()), model.ChinaDay(clock.Now().AddDate(0, 0, 5))
		post, err := st.CreatePost(testutil.System(), model.PostInput{Name: ptr("发热门诊"), InstitutionID: &s.haizhou.ID, Kind: ptr("fever_clinic"), Tier: ptr(1)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateDeployment(testutil.System(), model.DeploymentInput{PersonID: &s.zhang.ID, PostID: &post.ID, StartsOn: day, EndsOn: to}); err != nil {
			t.Fatal(err)
		}
		contains(t, w.get("/checkin"), "派驻：发热门诊", `name="temperature"`, `name="mood"`)
		r := w.postForm("/checkin", url.Values{"temperature": {"52"}, "sleep_hours": {"7"}, "symptoms": {"cough"}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad check-in: %d", r.status)
		}
		if e := errorsOf(r.body); e["temperature"] == "" || e["mood"] == "" {
			t.Fatalf("messages: %v", e)
		}
		contains(t, r, `value="52"`)
		r = w.postForm("/checkin", url.Values{"temperature": {"36.7"}, "sleep_hours": {"7"}, "mood": {"4"}})
		if r.status != http.StatusSeeOther || r.location != "/checkin?msg=checkin_saved" {
			t.Fatalf("check-in: %d %q", r.status, r.location)
		}
		r = w.postForm("/checkin", url.Values{"temperature": {"37.8"}, "sleep_hours": {"5"}, "mood": {"2"}, "symptoms": {"cough", "fatigue"}})
		if r.status != http.StatusSeeOther || r.location != "/checkin?msg=checkin_corrected" {
			t.Fatalf("correction: %d %q", r.status, r.location)
		}
		contains(t, w.get("/checkin?msg=checkin_corrected"), "今日打卡已更正", "37.8 ℃", "更正今日打卡")

		cw := s.as("cw_haizhou")
		contains(t, cw.get("/checkins?fever=true"), "张伟", "37.8 ℃", "咳嗽", `data-label="`)
		contains(t, cw.get("/inbox"), "发热", `href="/checkins?fever=true"`)
		contains(t, cw.get("/checkins/missing"), "当天派驻人员均已打卡")
		contains(t, cw.get("/dashboard"), "派驻人员健康打卡")
		contains(t, cw.get("/people/"+strconv.FormatInt(s.zhang.ID, 10)), "健康打卡（最近七次）", "37.8 ℃", `href="/checkins?person_id=`)
		// The leader sees the day's figures on the dashboard, hidden when small, and no list.
		leader := s.as("leader_fx")
		contains(t, leader.get("/dashboard"), "派驻人员健康打卡")
		if r := leader.get("/checkins"); r.status != http.StatusForbidden {
			t.Fatalf("a leader lists check-ins: %d", r.status)
		}
	})
}

// TestAFamilyContactIsRecordedThroughTheForm: the form answers a missing
// choice with its message and keeps the text; saved, the contact shows on
// the person's page and in the log, found by name and outcome.
func TestAFamilyContactIsRecordedThroughTheForm(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		m, err := st.CreateFamilyMember(testutil.System(), s.zhang.ID, model.FamilyMemberInput{Name: ptr("王秀兰"), Relation: ptr(model.RelSpouse), BirthDate: ptr("1986-03-02")})
		if err != nil {
			t.Fatal(err)
		}
		cw := s.as("cw_haizhou")
		pid := strconv.FormatInt(s.zhang.ID, 10)
		contains(t, cw.get("/people/"+pid), "家属联络", `href="/family-contacts/new?person_id=`+pid+`"`)
		form := url.Values{"person_id": {pid}, "family_member_id": {strconv.FormatInt(m.ID, 10)}, "channel": {"phone"},
			"contacted_at": {clock.Now().Add(-30 * time.Minute).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")}, "note": {"孩子发烧，已请社区医生上门"}}
		r := cw.postForm("/family-contacts", form)
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("no outcome: %d", r.status)
		}
		if e := errorsOf(r.body); e["outcome"] == "" {
			t.Fatalf("messages: %v", e)
		}
		contains(t, r, "孩子发烧，已请社区医生上门")
		form.Set("outcome", "need_heard")
		r = cw.postForm("/family-contacts", form)
		if r.status != http.StatusSeeOther || r.location != "/people/"+pid+"?msg=family_contact_saved#liaison" {
			t.Fatalf("save: %d %q %s", r.status, r.location, r.body)
		}
		contains(t, cw.get("/people/"+pid+"?msg=family_contact_saved"), "家属联络已记录", "了解到需求", "孩子发烧")
		contains(t, cw.get("/family-contacts?q=张&outcome=need_heard"), "张伟", "王秀兰", "电话", `href="/api/v1/exports/family-contacts.xlsx?`)
		lacks(t, cw.get("/family-contacts?outcome=no_answer"), "王秀兰")
	})
}
