package store_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

func fptr(v float64) *float64 { return &v }

func checkinOf(temp, sleep float64, mood int, symptoms ...string) model.CheckinInput {
	return model.CheckinInput{Temperature: fptr(temp), SleepHours: fptr(sleep), Mood: &mood, Symptoms: symptoms}
}

// checkinWorld is the needs fixture with 刘洋 as the team leader of 张伟's
// batch, deployed from yesterday to tomorrow (China time), and an account
// for 刘洋.
type checkinWorld struct {
	*needFixture
	batch, deployment int64
}

func newCheckinWorld(t *testing.T, st *store.Store, clock *testutil.Clock) *checkinWorld {
	t.Helper()
	f := newNeedFixture(t, st, clock)
	sys := testutil.System()
	u, err := st.InsertUserForTest(sys, model.User{Username: "leader_liu", DisplayName: "刘洋", Role: auth.RoleWorker, PersonID: ptr(f.liu.ID)})
	if err != nil {
		t.Fatal(err)
	}
	f.users["leader_liu"] = u
	from, to := model.ChinaDay(clock.Now().AddDate(0, 0, -1)), model.ChinaDay(clock.Now().AddDate(0, 0, 1))
	b, err := st.CreateBatch(sys, model.BatchInput{Name: ptr("第七批援鄂医疗队"), Destination: ptr("武汉"), RegionCode: ptr("2109"),
		LeaderPersonID: ptr(f.liu.ID), DepartsOn: &from, ReturnsOn: &to})
	if err != nil {
		t.Fatal(err)
	}
	d, err := st.CreateDeployment(sys, model.DeploymentInput{PersonID: ptr(f.zhang.ID), BatchID: &b.ID, StartsOn: from, EndsOn: to})
	if err != nil {
		t.Fatal(err)
	}
	return &checkinWorld{needFixture: f, batch: b.ID, deployment: d.ID}
}

// inboxKinds lists the kinds of a user's unread notifications.
func (w *checkinWorld) inboxKinds(t *testing.T, username string) []string {
	t.Helper()
	list, err := w.st.ListInbox(w.as(username), true, model.Page{Limit: 500})
	if err != nil {
		t.Fatalf("inbox of %s: %v", username, err)
	}
	var kinds []string
	for _, n := range list.Items {
		if strings.HasPrefix(n.Kind, "checkin.") {
			kinds = append(kinds, n.Kind)
		}
	}
	return kinds
}

// TestCheckinOnlyWhenDeployed: a worker checks in on a day a deployment
// covers; on another day, or with nothing planned, the answer says so and
// nothing is written.
func TestCheckinOnlyWhenDeployed(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		w := newCheckinWorld(t, st, clock)
		// 刘洋 leads the batch but is not deployed himself.
		if _, err := st.SubmitCheckin(w.as("leader_liu"), checkinOf(36.5, 7, 4)); code(err) != model.EConflict || model.AsError(err).Msg.Key != "checkin.not_deployed" {
			t.Fatalf("check-in of someone not deployed: %v", err)
		}
		c, err := st.SubmitCheckin(w.as("worker_zhang"), checkinOf(36.62, 6.7, 4, "fatigue", "cough", "cough"))
		if err != nil {
			t.Fatal(err)
		}
		if c.Day != "2026-03-01" || c.Temperature != 36.6 || c.SleepHours != 6.5 || c.Mood != 4 || c.Fever || c.Corrections != 0 ||
			strings.Join(c.Symptoms, ",") != "cough,fatigue" || c.DeploymentID == nil || *c.DeploymentID != w.deployment || c.BatchID == nil || *c.BatchID != w.batch {
			t.Fatalf("check-in = %+v", c)
		}
		// Two days on, the deployment has ended.
		clock.Advance(48 * time.Hour)
		if _, err := st.SubmitCheckin(w.as("worker_zhang"), checkinOf(36.5, 7, 4)); code(err) != model.EConflict {
			t.Fatalf("check-in after the deployment ended: %v", err)
		}
		clock.Advance(-48 * time.Hour)
		for name, c := range map[string]struct {
			ctx   string
			in    model.CheckinInput
			code  model.Code
			field string
		}{
			"no temperature":  {"worker_zhang", model.CheckinInput{SleepHours: fptr(7), Mood: ptr(3)}, model.EInvalid, "temperature"},
			"cold as ice":     {"worker_zhang", checkinOf(30, 7, 3), model.EInvalid, "temperature"},
			"mood 6":          {"worker_zhang", checkinOf(36.5, 7, 6), model.EInvalid, "mood"},
			"sleep 25 h":      {"worker_zhang", checkinOf(36.5, 25, 3), model.EInvalid, "sleep_hours"},
			"unknown symptom": {"worker_zhang", checkinOf(36.5, 7, 3, "sneezing"), model.EInvalid, "symptoms"},
			"case worker":     {"cw_haizhou", checkinOf(36.5, 7, 3), model.EForbidden, ""},
			"leader role":     {"leader_city", checkinOf(36.5, 7, 3), model.EForbidden, ""},
		} {
			_, err := st.SubmitCheckin(w.as(c.ctx), c.in)
			if code(err) != c.code {
				t.Errorf("%s: %v, want %s", name, err, c.code)
			} else if c.field != "" {
				if _, ok := fieldOf(err)[c.field]; !ok {
					t.Errorf("%s: no message on %s: %v", name, c.field, err)
				}
			}
		}
		if l, _ := st.ListCheckins(w.as("cw_haizhou"), model.CheckinFilter{}); l.Total != 1 {
			t.Fatalf("refused check-ins left %d rows", l.Total)
		}
		// A cancelled deployment covers nothing.
		if _, err := st.CancelDeployment(testutil.System(), w.deployment, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SubmitCheckin(w.as("worker_zhang"), checkinOf(36.5, 7, 4)); code(err) != model.EConflict {
			t.Fatalf("check-in on a cancelled deployment: %v", err)
		}
	})
}

// TestCheckinCorrectionAndFever: a second check-in the same day corrects the
// first; fever alerts the team leader and the district team once, not the
// city team above it nor the other district.
func TestCheckinCorrectionAndFever(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		w := newCheckinWorld(t, st, clock)
		first, err := st.SubmitCheckin(w.as("worker_zhang"), checkinOf(36.8, 7, 4))
		if err != nil {
			t.Fatal(err)
		}
		if k := w.inboxKinds(t, "leader_liu"); len(k) != 0 {
			t.Fatalf("no fever, yet the leader got %v", k)
		}
		clock.Advance(time.Hour)
		second, err := st.SubmitCheckin(w.as("worker_zhang"), checkinOf(37.3, 5, 2, "chills"))
		if err != nil {
			t.Fatal(err)
		}
		if second.ID != first.ID || second.Corrections != 1 || !second.Fever || second.Temperature != 37.3 {
			t.Fatalf("correction = %+v", second)
		}
		for user, want := range map[string]int{"leader_liu": 1, "cw_haizhou": 1, "cw_haizhou2": 1, "cw_city": 0, "cw_xinqiu": 0, "worker_zhang": 0} {
			if got := len(w.inboxKinds(t, user)); got != want {
				t.Errorf("%s has %d check-in notices, want %d", user, got, want)
			}
		}
		// A third answer, still feverish, alerts nobody again.
		if _, err := st.SubmitCheckin(w.as("worker_zhang"), checkinOf(38.1, 5, 2)); err != nil {
			t.Fatal(err)
		}
		if k := w.inboxKinds(t, "leader_liu"); len(k) != 1 || k[0] != store.NoticeCheckinFever {
			t.Fatalf("leader's notices after a second fever answer: %v", k)
		}
		// The fever filter and the counts.
		l, err := st.ListCheckins(w.as("cw_haizhou"), model.CheckinFilter{FeverOnly: true})
		if err != nil || l.Total != 1 {
			t.Fatalf("fever list = %+v, %v", l, err)
		}
		n, err := st.CheckinCounts(w.as("cw_haizhou"), "", "")
		if err != nil || n.Deployed != 1 || n.CheckedIn != 1 || n.Missing != 0 || n.Fever != 1 {
			t.Fatalf("counts = %+v, %v", n, err)
		}
		// A leader sees the same day's figures suppressed: 1 is a small cell.
		n, err = st.CheckinCounts(w.as("leader_city"), "", "")
		if err != nil || !n.Deployed.IsSuppressed() || !n.CheckedIn.IsSuppressed() || n.Missing != 0 || !n.Fever.IsSuppressed() {
			t.Fatalf("leader's counts = %+v, %v", n, err)
		}
		if _, err := st.ListCheckins(w.as("leader_city"), model.CheckinFilter{}); code(err) != model.EForbidden {
			t.Fatalf("a leader lists check-ins: %v", err)
		}
	})
}

// TestCheckinAnswersAreSealed: a raw read of the tables shows no answer.
func TestCheckinAnswersAreSealed(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		w := newCheckinWorld(t, st, clock)
		in := checkinOf(37.9, 4.5, 2, "short_breath")
		in.Remark = "夜班后胸闷气短"
		if _, err := st.SubmitCheckin(w.as("worker_zhang"), in); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateFamilyContact(w.as("cw_haizhou"), model.FamilyContactInput{PersonID: w.zhang.ID, FamilyMemberID: &w.mother.ID,
			Channel: "phone", Outcome: "message_delivered", Note: "转告母亲：本人低烧已就诊"}); err != nil {
			t.Fatal(err)
		}
		raw := rawRows(t, st, "SELECT * FROM checkins") + rawRows(t, st, "SELECT * FROM family_contacts") + rawRows(t, st, "SELECT * FROM audit_log")
		for _, plain := range []string{"37.9", "4.5", "short_breath", "胸闷", "低烧", "转告母亲", "fever=", "temperature"} {
			if strings.Contains(raw, plain) {
				t.Errorf("the database holds %q in the clear", plain)
			}
		}
	})
}

// rawRows renders every value of a query's rows, bytes as text.
func rawRows(t *testing.T, st *store.Store, q string) string {
	t.Helper()
	rows, err := store.ReadDB(st).Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if bs, ok := v.([]byte); ok {
				b.Write(bs)
			} else {
				fmt.Fprint(&b, v)
			}
			b.WriteByte('|')
		}
	}
	return b.String()
}

// TestMissedCheckinsAreFlaggedOnce: after the day's deadline the scheduler
// flags each deployed person without a check-in once, and tells each
// recipient once; the missing list shows who is missing, for the team
// leader too, but not for another worker.
func TestMissedCheckinsAreFlaggedOnce(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		w := newCheckinWorld(t, st, clock)
		job := testutil.System()
		// 09:00 UTC is 17:00 in China: yesterday was missed, today is not due yet.
		n, err := st.NotifyMissedCheckins(job, clock.Now())
		if err != nil || n != 1 {
			t.Fatalf("first run: %d, %v", n, err)
		}
		if n, err := st.NotifyMissedCheckins(job, clock.Now()); err != nil || n != 0 {
			t.Fatalf("second run: %d, %v", n, err)
		}
		if k := w.inboxKinds(t, "leader_liu"); len(k) != 1 || k[0] != store.NoticeCheckinMissed {
			t.Fatalf("leader's notices: %v", k)
		}
		m, err := st.ListMissingCheckins(w.as("leader_liu"), model.MissingFilter{})
		if err != nil || m.Total != 1 || m.Items[0].PersonID != w.zhang.ID || m.Items[0].Assignment != "第七批援鄂医疗队" {
			t.Fatalf("leader's missing list = %+v, %v", m, err)
		}
		for user, want := range map[string]int{"cw_haizhou": 1, "cw_city": 1, "instadmin_hz": 1, "cw_xinqiu": 0, "worker_zhang": 1} {
			m, err := st.ListMissingCheckins(w.as(user), model.MissingFilter{})
			if err != nil || m.Total != want {
				t.Errorf("%s's missing list: %d, %v; want %d", user, m.Total, err, want)
			}
		}
		if _, err := st.ListMissingCheckins(w.as("cw_haizhou"), model.MissingFilter{Day: "2026-02-30"}); code(err) != model.EInvalid {
			t.Errorf("a bad date: %v", err)
		}
		// 张伟 checks in; past 20:00 today nobody is flagged for today.
		c, err := st.SubmitCheckin(w.as("worker_zhang"), checkinOf(36.4, 7, 3))
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(4 * time.Hour)
		if n, err := st.NotifyMissedCheckins(job, clock.Now()); err != nil || n != 0 {
			t.Fatalf("run after the check-in: %d, %v", n, err)
		}
		// The leader reads the batch's check-in; the case worker of another district does not.
		if _, err := st.GetCheckin(w.as("leader_liu"), c.ID); err != nil {
			t.Errorf("the team leader reads the check-in: %v", err)
		}
		if _, err := st.GetCheckin(w.as("cw_xinqiu"), c.ID); code(err) != model.ENotFound {
			t.Errorf("another district reads the check-in: %v", err)
		}
		if m, _ := st.ListMissingCheckins(w.as("cw_haizhou"), model.MissingFilter{}); m.Total != 0 {
			t.Errorf("missing after the check-in: %+v", m)
		}
		// A user's context may not run the job.
		if _, err := st.NotifyMissedCheckins(w.as("cw_city"), clock.Now()); code(err) != model.EForbidden {
			t.Errorf("a user runs the job: %v", err)
		}
	})
}

// TestFamilyContactLog: a case worker records contacts with a worker's
// family in scope; the relative must be the person's, a linked case the
// person's; the institution admin reads the log, others do not.
func TestFamilyContactLog(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		w := newCheckinWorld(t, st, clock)
		cw := w.as("cw_haizhou")
		need := w.create(t, cw, w.newNeed())
		at := clock.Now().Add(-time.Hour)
		c, err := st.CreateFamilyContact(cw, model.FamilyContactInput{PersonID: w.zhang.ID, FamilyMemberID: &w.mother.ID, Channel: "phone",
			Outcome: "need_heard", Note: "母亲说药快吃完了", NeedID: &need.ID, ContactedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		if c.PersonName != "张伟" || c.FamilyMemberName != "李秀英" || c.Relation != "parent" || c.Note != "母亲说药快吃完了" || c.ContactedBy != "cw_haizhou" ||
			!c.ContactedAt.Equal(at) || c.NeedID == nil || *c.NeedID != need.ID {
			t.Fatalf("contact = %+v", c)
		}
		for name, tc := range map[string]struct {
			ctx   string
			in    model.FamilyContactInput
			code  model.Code
			field string
		}{
			"another's relative":   {"cw_city", model.FamilyContactInput{PersonID: w.zhang.ID, FamilyMemberID: &w.liuSon.ID, Channel: "phone", Outcome: "news_given"}, model.EInvalid, "family_member_id"},
			"another's case":       {"cw_city", model.FamilyContactInput{PersonID: w.liu.ID, NeedID: &need.ID, Channel: "phone", Outcome: "news_given"}, model.EInvalid, "need_id"},
			"message without note": {"cw_haizhou", model.FamilyContactInput{PersonID: w.zhang.ID, Channel: "video", Outcome: "message_delivered"}, model.EInvalid, "note"},
			"in the future":        {"cw_haizhou", model.FamilyContactInput{PersonID: w.zhang.ID, Channel: "phone", Outcome: "no_answer", ContactedAt: clock.Now().Add(time.Hour)}, model.EInvalid, "contacted_at"},
			"unknown channel":      {"cw_haizhou", model.FamilyContactInput{PersonID: w.zhang.ID, Channel: "pigeon", Outcome: "no_answer"}, model.EInvalid, "channel"},
			"out of scope":         {"cw_xinqiu", model.FamilyContactInput{PersonID: w.zhang.ID, Channel: "phone", Outcome: "no_answer"}, model.ENotFound, ""},
			"institution admin":    {"instadmin_hz", model.FamilyContactInput{PersonID: w.zhang.ID, Channel: "phone", Outcome: "no_answer"}, model.EForbidden, ""},
			"worker":               {"worker_zhang", model.FamilyContactInput{PersonID: w.zhang.ID, Channel: "phone", Outcome: "no_answer"}, model.EForbidden, ""},
		} {
			_, err := st.CreateFamilyContact(w.as(tc.ctx), tc.in)
			if code(err) != tc.code {
				t.Errorf("%s: %v, want %s", name, err, tc.code)
			} else if tc.field != "" {
				if _, ok := fieldOf(err)[tc.field]; !ok {
					t.Errorf("%s: no message on %s: %v", name, tc.field, err)
				}
			}
		}
		if _, err := st.CreateFamilyContact(w.as("cw_city"), model.FamilyContactInput{PersonID: w.liu.ID, Channel: "video", Outcome: "call_arranged"}); err != nil {
			t.Fatal(err)
		}
		for user, want := range map[string]int{"cw_haizhou": 1, "cw_city": 2, "instadmin_hz": 1, "cw_xinqiu": 1} {
			l, err := st.ListFamilyContacts(w.as(user), model.FamilyContactFilter{})
			if err != nil || l.Total != want {
				t.Errorf("%s lists %d contacts (%v), want %d", user, l.Total, err, want)
			}
		}
		if l, _ := st.ListFamilyContacts(w.as("cw_city"), model.FamilyContactFilter{Q: "张", Outcome: "need_heard"}); l.Total != 1 {
			t.Errorf("search by name and outcome: %d", l.Total)
		}
		if _, err := st.GetFamilyContact(w.as("cw_xinqiu"), c.ID); code(err) != model.ENotFound {
			t.Errorf("out of scope read: %v", err)
		}
		for _, user := range []string{"leader_city", "worker_zhang", "vol_wang", "counselor_hz"} {
			if _, err := st.ListFamilyContacts(w.as(user), model.FamilyContactFilter{}); code(err) != model.EForbidden {
				t.Errorf("%s lists the log: %v", user, err)
			}
		}
	})
}
