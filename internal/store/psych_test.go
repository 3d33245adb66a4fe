package store_test

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

func psychAnswers(n, item9 int) []int {
	a := make([]int, 9)
	for i := 0; i < 8 && n > 0; i++ {
		v := min(n, 3)
		a[i], n = v, n-v
	}
	a[8] = item9
	return a
}

func (f *needFixture) consent(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := f.st.GiveConsent(ctx, model.ConsentInput{Purpose: model.PurposePsychScreening}); err != nil {
		t.Fatalf("consent: %v", err)
	}
}

func (f *needFixture) assess(t *testing.T, ctx context.Context, in model.AssessmentInput) model.AssessmentResult {
	t.Helper()
	r, err := f.st.SubmitAssessment(ctx, in)
	if err != nil {
		t.Fatalf("assess: %v", err)
	}
	return r
}

// kindsOf lists the kinds of a user's unread inbox entries.
func (f *needFixture) kindsOf(t *testing.T, username string) []string {
	t.Helper()
	list, err := f.st.ListInbox(f.as(username), true, model.Page{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, n := range list.Items {
		kinds = append(kinds, n.Kind)
	}
	return kinds
}

func countOf(kinds []string, kind string) int {
	n := 0
	for _, k := range kinds {
		if k == kind {
			n++
		}
	}
	return n
}

func (f *needFixture) addCounselor(t *testing.T, username, region string) {
	t.Helper()
	u, err := f.st.InsertUserForTest(testutil.System(), model.User{Username: username, Role: auth.RoleCounselor, RegionCode: region})
	if err != nil {
		t.Fatal(err)
	}
	f.users[username] = u
}

// TestScreeningNeedsConsentAndWithdrawalStopsInvitations: no answer is taken
// before consent; a round invites the consenting worker through the inbox;
// once consent is withdrawn no new round invites them, no reminder reaches
// them, and no answer is taken.
func TestScreeningNeedsConsentAndWithdrawalStopsInvitations(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		worker, counselor := f.as("worker_zhang"), f.as("counselor_hz")
		in := model.AssessmentInput{Instrument: "phq9", Answers: psychAnswers(3, 0)}
		if _, err := st.SubmitAssessment(worker, in); model.ErrorCode(err) != model.EConsentRequired {
			t.Fatalf("without consent: %v", err)
		}
		if c, err := st.GetConsent(worker, model.PurposePsychScreening); err != nil || c.Active {
			t.Fatalf("consent before = %+v, %v", c, err)
		}
		f.consent(t, worker)
		f.consent(t, worker) // again: nothing changes
		round, err := st.CreateScreening(counselor, model.ScreeningInput{Name: "三月筛查", Instruments: []string{"phq9", "gad7"}, InstitutionID: ptr(f.w.haizhou.ID), RepeatDays: 14})
		if err != nil {
			t.Fatal(err)
		}
		if round.Invited != 1 || round.Answered != 0 || round.NextRoundAt == nil || !round.NextRoundAt.Equal(clock.Now().Add(14*24*time.Hour).Truncate(time.Millisecond)) {
			t.Fatalf("round = %+v", round)
		}
		if got := countOf(f.kindsOf(t, "worker_zhang"), store.NoticePsychInvited); got != 1 {
			t.Fatalf("invitations in the inbox: %d", got)
		}
		in.ScreeningID = &round.ID
		f.assess(t, worker, in)
		got, err := st.GetScreening(counselor, round.ID)
		if err != nil || got.Answered != 0 || len(got.Members) != 1 || got.Members[0].AnsweredAt != nil {
			t.Fatalf("after one of two instruments: %+v %v", got, err)
		}
		f.assess(t, worker, model.AssessmentInput{Instrument: "gad7", Answers: []int{0, 1, 0, 0, 0, 0, 0}, ScreeningID: &round.ID})
		if got, _ = st.GetScreening(counselor, round.ID); got.Answered != 1 || got.Members[0].AnsweredAt == nil || got.Members[0].Name != "张伟" {
			t.Fatalf("after both: %+v", got)
		}
		mine, err := st.MyInvitations(worker)
		if err != nil || len(mine) != 1 || len(mine[0].Done) != 2 {
			t.Fatalf("my invitations = %+v, %v", mine, err)
		}

		if err := st.WithdrawConsent(worker, model.PurposePsychScreening); err != nil {
			t.Fatal(err)
		}
		if err := st.WithdrawConsent(worker, model.PurposePsychScreening); model.ErrorCode(err) != model.ENotFound {
			t.Fatalf("withdrawn twice: %v", err)
		}
		if _, err := st.SubmitAssessment(worker, model.AssessmentInput{Instrument: "phq9", Answers: psychAnswers(0, 0)}); model.ErrorCode(err) != model.EConsentRequired {
			t.Fatalf("after withdrawal: %v", err)
		}
		second, err := st.CreateScreening(counselor, model.ScreeningInput{Name: "四月筛查", Instruments: []string{"phq9"}, InstitutionID: ptr(f.w.haizhou.ID)})
		if err != nil || second.Invited != 0 {
			t.Fatalf("a round after withdrawal invited %d (%v)", second.Invited, err)
		}
		if n, err := st.RemindScreening(counselor, round.ID); err != nil || n != 0 {
			t.Fatalf("reminded %d, %v", n, err)
		}
		if got := countOf(f.kindsOf(t, "worker_zhang"), store.NoticePsychInvited); got != 1 {
			t.Fatalf("invitations after withdrawal: %d", got)
		}
	})
}

// TestRemindersReachThoseWhoHaveNotAnswered and the round repeats after repeat_days.
func TestRemindersReachThoseWhoHaveNotAnswered(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		counselor := f.as("counselor_hz")
		round, err := st.CreateScreening(counselor, model.ScreeningInput{Name: "复筛", Instruments: []string{"phq9"}, InstitutionID: ptr(f.w.haizhou.ID), RepeatDays: 7})
		if err != nil || round.Invited != 1 {
			t.Fatalf("%+v %v", round, err)
		}
		if n, err := st.RemindScreening(counselor, round.ID); err != nil || n != 1 {
			t.Fatalf("reminded %d, %v", n, err)
		}
		if got := countOf(f.kindsOf(t, "worker_zhang"), store.NoticePsychReminder); got != 1 {
			t.Fatalf("reminders: %d", got)
		}
		got, _ := st.GetScreening(counselor, round.ID)
		if got.Members[0].Reminders != 1 {
			t.Fatalf("members = %+v", got.Members)
		}
		// Out of scope: the Xinqiu institution answers as a missing one.
		if _, err := st.CreateScreening(counselor, model.ScreeningInput{Name: "x", Instruments: []string{"phq9"}, InstitutionID: ptr(f.w.xinqiu.ID)}); fieldOf(err)["institution_id"].Key == "" {
			t.Fatalf("out of scope: %v", err)
		}
		if _, err := st.GetScreening(f.as("counselor_hz"), round.ID+100); model.ErrorCode(err) != model.ENotFound {
			t.Fatal(err)
		}
		if n, err := st.RepeatScreenings(testutil.System()); err != nil || n != 0 {
			t.Fatalf("repeated early: %d %v", n, err)
		}
		clock.Advance(7*24*time.Hour + time.Minute)
		if n, err := st.RepeatScreenings(testutil.System()); err != nil || n != 1 {
			t.Fatalf("repeated %d %v", n, err)
		}
		list, err := st.ListScreenings(counselor, model.ScreeningFilter{Status: model.ScreeningOpen})
		if err != nil || list.Total != 1 || list.Items[0].RepeatOf == nil || *list.Items[0].RepeatOf != round.ID || list.Items[0].Invited != 1 {
			t.Fatalf("after the repeat: %+v %v", list, err)
		}
	})
}

// TestAScreeningForABatchInvitesItsMembers reads the batch's deployments.
func TestAScreeningForABatchInvitesItsMembers(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		ctx := testutil.System()
		now := clock.Now().UnixMilli()
		for _, q := range []string{
			"INSERT INTO aid_batches (id, name, destination, region_code, departs_on, returns_on, created_at, updated_at) VALUES (7, '第一批援鄂医疗队', '武汉', '2109', '2020-02-01', '2020-03-31', " + itoa(now) + ", " + itoa(now) + ")",
			"INSERT INTO deployments (person_id, region_code, institution_id, batch_id, tier, starts_on, ends_on, created_at, updated_at) VALUES (" +
				itoa(f.zhang.ID) + ", '210902', " + itoa(f.w.haizhou.ID) + ", 7, 1, '2020-02-01', '2020-03-31', " + itoa(now) + ", " + itoa(now) + ")",
			"INSERT INTO deployments (person_id, region_code, institution_id, batch_id, tier, starts_on, ends_on, status, created_at, updated_at) VALUES (" +
				itoa(f.liu.ID) + ", '210903', " + itoa(f.w.xinqiu.ID) + ", 7, 1, '2020-02-01', '2020-03-31', 'cancelled', " + itoa(now) + ", " + itoa(now) + ")",
		} {
			if err := st.ExecForTest(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		f.addCounselor(t, "counselor_city", "2109")
		round, err := st.CreateScreening(f.as("counselor_city"), model.ScreeningInput{Name: "援鄂队员返程筛查", Instruments: []string{"phq9"}, BatchID: ptr(int64(7))})
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.GetScreening(f.as("counselor_city"), round.ID)
		if err != nil || got.Invited != 1 || got.BatchName != "第一批援鄂医疗队" || got.Members[0].PersonID != f.zhang.ID {
			t.Fatalf("batch round = %+v %v", got, err)
		}
		if _, err := st.CreateScreening(f.as("counselor_city"), model.ScreeningInput{Name: "x", Instruments: []string{"phq9"}, BatchID: ptr(int64(8))}); fieldOf(err)["batch_id"].Key == "" {
			t.Fatalf("unknown batch: %v", err)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestItem9AlertsTheOnDutyCounsellorsWhateverTheTotal: a minimal total with
// item 9 above "not at all" opens an alert in the inbox of the counsellors on
// duty for the region (all of them when none is), an outbox event without
// name or score, and stays open until contact is recorded.
func TestItem9AlertsTheOnDutyCounsellorsWhateverTheTotal(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		f.addCounselor(t, "counselor_hz2", "210902")
		f.addCounselor(t, "counselor_xq", "210903")
		worker := f.as("worker_zhang")
		f.consent(t, worker)
		r := f.assess(t, worker, model.AssessmentInput{Instrument: "phq9", Answers: psychAnswers(0, 1)})
		if r.Score != 1 || r.Band != "minimal" || !r.Alert || len(r.Risk) != 1 || r.Risk[0] != "self_harm" || !r.Referral {
			t.Fatalf("result = %+v", r)
		}
		// Nobody on duty: every counsellor of Haizhou, none of Xinqiu.
		for user, want := range map[string]int{"counselor_hz": 1, "counselor_hz2": 1, "counselor_xq": 0} {
			if got := countOf(f.kindsOf(t, user), store.NoticePsychAlert); got != want {
				t.Errorf("%s: %d alerts", user, got)
			}
		}
		events, err := st.OutboxForTest(testutil.System())
		if err != nil || len(events) != 1 || events[0][0] != model.OutboxPsychAlert || strings.Contains(events[0][1], "张伟") ||
			strings.Contains(events[0][1], "score") || !strings.Contains(events[0][1], `"region_code":"210902"`) {
			t.Fatalf("outbox = %v %v", events, err)
		}
		// One on duty: only they are told.
		if d, err := st.SetDuty(f.as("counselor_hz2"), true); err != nil || !d.OnDuty {
			t.Fatalf("duty %+v %v", d, err)
		}
		f.assess(t, worker, model.AssessmentInput{Instrument: "phq9", Answers: psychAnswers(20, 2)})
		if a, b := countOf(f.kindsOf(t, "counselor_hz"), store.NoticePsychAlert), countOf(f.kindsOf(t, "counselor_hz2"), store.NoticePsychAlert); a != 1 || b != 2 {
			t.Fatalf("with one on duty: %d, %d", a, b)
		}
		alerts, err := st.ListAlerts(f.as("counselor_hz"), model.AlertFilter{})
		if err != nil || alerts.Total != 2 || alerts.Items[0].PersonName != "张伟" || alerts.Items[0].Status != model.AlertOpen || alerts.Items[0].AssessmentID != r.ID {
			t.Fatalf("alerts = %+v %v", alerts, err)
		}
		if l, _ := st.ListAlerts(f.as("counselor_xq"), model.AlertFilter{}); l.Total != 0 {
			t.Fatalf("Xinqiu sees %d", l.Total)
		}
		if _, err := st.ContactAlert(f.as("counselor_xq"), alerts.Items[0].ID, model.AlertContact{Note: "x"}); model.ErrorCode(err) != model.ENotFound {
			t.Fatalf("out of scope: %v", err)
		}
		if _, err := st.ContactAlert(f.as("counselor_hz"), alerts.Items[0].ID, model.AlertContact{}); fieldOf(err)["note"].Key != "field.required" {
			t.Fatalf("no note: %v", err)
		}
		al, err := st.ContactAlert(f.as("counselor_hz"), alerts.Items[0].ID, model.AlertContact{Note: "已电话联系，本人安全，约明早面谈"})
		if err != nil || al.Status != model.AlertContacted || al.ContactedByName != "counselor_hz" || al.Note == "" {
			t.Fatalf("contact = %+v %v", al, err)
		}
		if _, err := st.ContactAlert(f.as("counselor_hz"), al.ID, model.AlertContact{Note: "again"}); model.ErrorCode(err) != model.EConflict {
			t.Fatalf("twice: %v", err)
		}
		if l, _ := st.ListAlerts(f.as("counselor_hz"), model.AlertFilter{}); l.Total != 1 {
			t.Fatalf("open after contact: %d", l.Total)
		}
		// A worker and a leader read no alert.
		for _, who := range []string{"worker_zhang", "leader_city", "cw_haizhou"} {
			if _, err := st.ListAlerts(f.as(who), model.AlertFilter{}); model.ErrorCode(err) != model.EForbidden {
				t.Errorf("%s: %v", who, err)
			}
		}
	})
}

// TestBadAnswersStoreNothing: a missing item, an answer out of range, an
// instrument the round does not include, a round that did not invite the
// worker: invalid, and nothing is written.
func TestBadAnswersStoreNothing(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		worker := f.as("worker_zhang")
		f.consent(t, worker)
		round, err := st.CreateScreening(f.as("counselor_hz"), model.ScreeningInput{Name: "仅PHQ-9", Instruments: []string{"phq9"}, InstitutionID: ptr(f.w.haizhou.ID)})
		if err != nil {
			t.Fatal(err)
		}
		other, err := st.CreateScreening(testutil.System(), model.ScreeningInput{Name: "新邱", Instruments: []string{"phq9"}, InstitutionID: ptr(f.w.xinqiu.ID)})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name  string
			in    model.AssessmentInput
			field string
		}{
			{"a missing item", model.AssessmentInput{Instrument: "phq9", Answers: []int{0, 0, 0, 0, 0, 0, 0, 0}}, "answers"},
			{"out of range", model.AssessmentInput{Instrument: "phq9", Answers: []int{0, 0, 0, 0, 0, 0, 0, 0, 4}}, "answers"},
			{"unknown instrument", model.AssessmentInput{Instrument: "bdi", Answers: []int{0}}, "instrument"},
			{"not in the round", model.AssessmentInput{Instrument: "gad7", Answers: []int{0, 0, 0, 0, 0, 0, 0}, ScreeningID: &round.ID}, "instrument"},
			{"not invited", model.AssessmentInput{Instrument: "phq9", Answers: psychAnswers(0, 0), ScreeningID: &other.ID}, "screening_id"},
		} {
			_, err := st.SubmitAssessment(worker, c.in)
			if model.ErrorCode(err) != model.EInvalid || fieldOf(err)[c.field].Key == "" {
				t.Errorf("%s: %v", c.name, err)
			}
		}
		// A closed round takes no more answers.
		if _, err := st.CloseScreening(f.as("counselor_hz"), round.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SubmitAssessment(worker, model.AssessmentInput{Instrument: "phq9", Answers: psychAnswers(0, 0), ScreeningID: &round.ID}); fieldOf(err)["screening_id"].Key != "psych.round_closed" {
			t.Errorf("a closed round: %v", err)
		}
		list, err := st.ListAssessments(worker, model.AssessmentFilter{})
		if err != nil || list.Total != 0 {
			t.Fatalf("stored %d, %v", list.Total, err)
		}
	})
}

// TestModerateOrWorseProposesACaseWorkedWithSessions, and only the person
// and counselors in scope read a result.
func TestModerateOrWorseProposesACaseWorkedWithSessions(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		worker, counselor := f.as("worker_zhang"), f.as("counselor_hz")
		f.consent(t, worker)
		if r := f.assess(t, worker, model.AssessmentInput{Instrument: "gad7", Answers: []int{1, 1, 1, 1, 1, 0, 0}}); r.Referral || r.Band != "mild" {
			t.Fatalf("mild: %+v", r)
		}
		r := f.assess(t, worker, model.AssessmentInput{Instrument: "gad7", Answers: []int{2, 2, 2, 2, 1, 1, 0}})
		if !r.Referral || r.Band != "moderate" || r.Score != 10 {
			t.Fatalf("moderate: %+v", r)
		}
		if r := f.assess(t, worker, model.AssessmentInput{Instrument: "gad7", Answers: []int{3, 3, 3, 3, 3, 3, 3}}); r.Referral {
			t.Fatal("a second case proposed while one is open")
		}
		cases, err := st.ListPsychCases(counselor, model.PsychCaseFilter{})
		if err != nil || cases.Total != 1 || cases.Items[0].Status != model.PsychCaseProposed || cases.Items[0].Source != model.PsychSourceScreening {
			t.Fatalf("cases = %+v %v", cases, err)
		}
		c := cases.Items[0]
		if _, err := st.CreatePsychCase(counselor, model.PsychCaseInput{PersonID: f.zhang.ID, Reason: "科室转介"}); model.ErrorCode(err) != model.EConflict {
			t.Fatalf("a second case: %v", err)
		}
		se, err := st.AddPsychSession(counselor, c.ID, model.PsychSessionInput{At: clock.Now().Add(-time.Hour).Format(time.RFC3339), Channel: "phone", Notes: "连续夜班后失眠，担心家中老人"})
		if err != nil || se.Channel != "phone" {
			t.Fatalf("session %+v %v", se, err)
		}
		if _, err := st.AddPsychSession(counselor, c.ID, model.PsychSessionInput{At: clock.Now().Add(time.Hour).Format(time.RFC3339), Channel: "fax"}); fieldOf(err)["at"].Key == "" || fieldOf(err)["channel"].Key == "" {
			t.Fatalf("future and fax: %v", err)
		}
		got, err := st.UpdatePsychCase(counselor, c.ID, model.PsychCaseUpdate{NextScreeningOn: ptr("2020-03-15")})
		if err != nil || got.Status != model.PsychCaseOpen || got.CounselorName != "counselor_hz" || got.NextScreeningOn != "2020-03-15" || len(got.Sessions) != 1 ||
			got.Sessions[0].Notes != "连续夜班后失眠，担心家中老人" {
			t.Fatalf("case = %+v %v", got, err)
		}
		if _, err := st.UpdatePsychCase(counselor, c.ID, model.PsychCaseUpdate{NextScreeningOn: ptr("15.3.2020")}); fieldOf(err)["next_screening_on"].Key == "" {
			t.Fatalf("bad date: %v", err)
		}
		if referred, err := st.PsychReferred(f.as("cw_haizhou"), f.zhang.ID); err != nil || !referred {
			t.Fatalf("referred = %v %v", referred, err)
		}
		closed, err := st.UpdatePsychCase(counselor, c.ID, model.PsychCaseUpdate{Status: ptr(model.PsychCaseClosed), Version: &got.Version})
		if err != nil || closed.Status != model.PsychCaseClosed {
			t.Fatalf("close %+v %v", closed, err)
		}
		if referred, _ := st.PsychReferred(f.as("cw_haizhou"), f.zhang.ID); referred {
			t.Fatal("still referred after closing")
		}

		// Who reads results: the worker their own, the counselor in scope.
		if l, err := st.ListAssessments(worker, model.AssessmentFilter{}); err != nil || l.Total != 3 || l.Items[0].Score != 21 {
			t.Fatalf("own = %+v %v", l, err)
		}
		if l, err := st.ListAssessments(counselor, model.AssessmentFilter{PersonID: f.zhang.ID}); err != nil || l.Total != 3 || len(l.Items[0].Answers) != 7 {
			t.Fatalf("counselor = %+v %v", l, err)
		}
		f.addCounselor(t, "counselor_xq", "210903")
		if l, _ := st.ListAssessments(f.as("counselor_xq"), model.AssessmentFilter{PersonID: f.zhang.ID}); l.Total != 0 {
			t.Fatal("Xinqiu reads Haizhou's results")
		}
		if _, err := st.GetAssessment(f.as("counselor_xq"), r.ID); model.ErrorCode(err) != model.ENotFound {
			t.Fatalf("out of scope: %v", err)
		}
		if x, err := st.GetAssessment(counselor, r.ID); err != nil || x.Score != 10 || x.Band != "moderate" {
			t.Fatalf("get = %+v %v", x, err)
		}
		for _, who := range []string{"leader_city", "cw_haizhou", "instadmin_hz", "finance_city", "vol_wang"} {
			if _, err := st.ListAssessments(f.as(who), model.AssessmentFilter{}); model.ErrorCode(err) != model.EForbidden {
				t.Errorf("%s reads results: %v", who, err)
			}
		}
	})
}

// TestEveryReadOfAResultIsAudited: lists and single reads, each one row naming no score.
func TestEveryReadOfAResultIsAudited(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		worker, counselor := f.as("worker_zhang"), f.as("counselor_hz")
		f.consent(t, worker)
		r := f.assess(t, worker, model.AssessmentInput{Instrument: "phq9", Answers: psychAnswers(12, 1)})
		last := lastAuditID(t, st)
		if _, err := st.ListAssessments(counselor, model.AssessmentFilter{PersonID: f.zhang.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.GetAssessment(counselor, r.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ListAlerts(counselor, model.AlertFilter{}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ListPsychCases(counselor, model.PsychCaseFilter{}); err != nil {
			t.Fatal(err)
		}
		got := auditSince(t, st, last)
		var actions []string
		for _, e := range got {
			actions = append(actions, e.Action)
			if strings.Contains(e.Detail, "12") || strings.Contains(e.Detail, "moderate") {
				t.Errorf("audit detail carries the result: %q", e.Detail)
			}
		}
		if want := "psych.assessment.list,psych.assessment.read,psych.alert.list,psych.case.list"; strings.Join(actions, ",") != want {
			t.Fatalf("audited %v, want %s", actions, want)
		}
	})
}

// TestAnswersScoresAndNotesAreSealedInTheFile: a raw read of the SQLite
// database (and its write-ahead log) shows none of the answers, scores,
// bands, notes or reasons.
func TestAnswersScoresAndNotesAreSealedInTheFile(t *testing.T) {
	st := testutil.NewStore(t, store.SQLite, nil)
	clock := testutil.NewClock(time.Date(2020, 2, 10, 9, 0, 0, 0, time.UTC))
	f := newNeedFixture(t, st, clock)
	worker, counselor := f.as("worker_zhang"), f.as("counselor_hz")
	f.consent(t, worker)
	r := f.assess(t, worker, model.AssessmentInput{Instrument: "phq9", Answers: []int{3, 3, 3, 3, 2, 2, 2, 2, 1}})
	alerts, _ := st.ListAlerts(counselor, model.AlertFilter{})
	if _, err := st.ContactAlert(counselor, alerts.Items[0].ID, model.AlertContact{Note: "夜间电话回访确认安全"}); err != nil {
		t.Fatal(err)
	}
	c, err := st.CreatePsychCase(counselor, model.PsychCaseInput{PersonID: f.liu.ID, Reason: "同事反映其连续哭泣"})
	if model.ErrorCode(err) != model.EInvalid {
		// 刘洋 is in Xinqiu, outside the Haizhou counselor's scope.
		t.Fatalf("out of scope referral: %+v %v", c, err)
	}
	cases, _ := st.ListPsychCases(counselor, model.PsychCaseFilter{})
	if _, err := st.AddPsychSession(counselor, cases.Items[0].ID, model.PsychSessionInput{At: "2020-02-10T08:30", Channel: "video", Notes: "诉说目睹同事感染后的恐惧"}); err != nil {
		t.Fatal(err)
	}
	var raw []byte
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(st.Path() + suffix)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		raw = append(raw, b...)
	}
	for _, plain := range []string{"夜间电话回访确认安全", "诉说目睹同事感染后的恐惧", `"a":[3,3,3,3`, `"s":21`, "moderately_severe", "severe\"", `"answers"`} {
		if bytes.Contains(raw, []byte(plain)) {
			t.Errorf("the database file holds %q in plain text", plain)
		}
	}
	if r.Score != 21 || r.Band != "severe" {
		t.Fatalf("result %+v", r)
	}
	if !bytes.Contains(raw, []byte("张伟")) {
		t.Fatal("the raw read found nothing at all: wrong file?")
	}
}

// TestTheSummarySuppressesSmallCells: a leader sees how many were screened
// by band, each cell under 5 null and flagged, never a name; complementary
// suppression keeps a hidden cell from being worked out from the total.
func TestTheSummarySuppressesSmallCells(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		sys := testutil.System()
		// 8 people screened: 6 minimal, 2 mild (PHQ-9).
		for i := 0; i < 8; i++ {
			p, err := st.CreatePerson(sys, newPerson("筛查"+string(rune('甲'+i)), idNumber(300+i), f.w.haizhou.ID))
			if err != nil {
				t.Fatal(err)
			}
			ctx := testutil.As(&auth.Principal{Role: auth.RoleWorker, PersonID: p.ID, Username: "w"})
			f.consent(t, ctx)
			score := 2
			if i >= 6 {
				score = 6
			}
			f.assess(t, ctx, model.AssessmentInput{Instrument: "phq9", Answers: psychAnswers(score, 0)})
		}
		sum, err := st.PsychSummary(f.as("leader_city"), "2109")
		if err != nil {
			t.Fatal(err)
		}
		phq := sum.Instruments[0]
		if phq.Instrument != "phq9" || !sum.Suppressed {
			t.Fatalf("summary = %+v", sum)
		}
		counts := map[string]model.Count{}
		for _, c := range phq.Bands {
			counts[c.Band] = c.Count
			if c.Suppressed != c.Count.IsSuppressed() {
				t.Errorf("%s: flag %v count %v", c.Band, c.Suppressed, c.Count)
			}
		}
		// mild (2) is hidden; minimal (6) must go too, or 8 − 6 = 2 would show it.
		if !counts["mild"].IsSuppressed() || counts["moderate"] != 0 || (!counts["minimal"].IsSuppressed() && !phq.Screened.IsSuppressed()) {
			t.Fatalf("cells = %v screened %v", counts, phq.Screened)
		}
		if len(phq.Weeks) != store.SummaryWeeks {
			t.Fatalf("weeks = %d", len(phq.Weeks))
		}
		for _, who := range []string{"cw_haizhou", "worker_zhang", "finance_city"} {
			if _, err := st.PsychSummary(f.as(who), "2109"); model.ErrorCode(err) != model.EForbidden {
				t.Errorf("%s: %v", who, err)
			}
		}
		if _, err := st.PsychSummary(f.as("counselor_hz"), "2109"); model.ErrorCode(err) != model.ENotFound {
			t.Errorf("a district counselor's summary of the city: %v", err)
		}
		if s, err := st.PsychSummary(f.as("counselor_hz"), "210902"); err != nil || len(s.Instruments) != 2 {
			t.Errorf("counselor %+v %v", s, err)
		}
	})
}
