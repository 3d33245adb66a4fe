package store_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"houdun/internal/letters"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

func fuxinTemplate() model.LetterTemplateInput {
	t := letters.FuxinTemplate
	return model.LetterTemplateInput{Name: &t.Name, Title: &t.Title, Body: &t.Body, Sender: &t.Sender}
}

func TestLetterTemplatesRefuseBadPlaceholders(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		for _, c := range []struct{ body, key, bad string }{
			{"尊敬的{{姓命}}同志：", "letter.placeholder_unknown", "{{姓命}}"},
			{"尊敬的{{name}同志：", "letter.placeholder_unclosed", "{{name}同志："},
			{"您在一线{{ 一线天数 }}天。}}", "letter.placeholder_unopened", "。}}"},
		} {
			in := fuxinTemplate()
			in.Body = &c.body
			_, err := st.CreateLetterTemplate(cw, in)
			if code(err) != model.EInvalid || fieldOf(err)["body"].Key != c.key {
				t.Errorf("%q: %v %v, want %s", c.body, err, fieldOf(err), c.key)
				continue
			}
			if got := fieldOf(err)["body"].Args; len(got) != 1 || !strings.Contains(got[0].(string), strings.TrimSuffix(c.bad, "…")) {
				t.Errorf("%q: the message names %v, want %q", c.body, got, c.bad)
			}
		}
		list, err := st.ListLetterTemplates(cw, false, model.Page{})
		if err != nil || list.Total != 0 {
			t.Fatalf("a refused template was saved: %v %+v", err, list)
		}
		// Spaces inside the braces and English names are fine.
		in := fuxinTemplate()
		in.Body = ptr("尊敬的{{ name }}同志：您在{{institution}}一线工作{{ 一线天数 }}天。")
		if _, err := st.CreateLetterTemplate(cw, in); err != nil {
			t.Fatal(err)
		}
	})
}

func TestLettersAreGeneratedDeliveredAndScoped(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		sys := testutil.System()
		cityTpl, err := st.CreateLetterTemplate(f.as("cw_city"), fuxinTemplate())
		if err != nil {
			t.Fatal(err)
		}
		// A district team uses its city's template but does not edit it.
		cw := f.as("cw_haizhou")
		got, err := st.GetLetterTemplate(cw, cityTpl.ID)
		if err != nil || got.Editable {
			t.Fatalf("city template for the district: %+v %v", got, err)
		}
		if _, err := st.UpdateLetterTemplate(cw, cityTpl.ID, model.LetterTemplateInput{Title: ptr("改")}); code(err) != model.EForbidden {
			t.Errorf("district edits the city's template: %v", err)
		}
		colleague, err := st.CreatePerson(sys, newPerson("陈静", idNumber(105), f.w.haizhou.ID))
		if err != nil {
			t.Fatal(err)
		}
		res, err := st.GenerateLetters(cw, model.LetterGeneration{TemplateID: cityTpl.ID, InstitutionID: f.w.haizhou.ID, Date: "2023-01-06"})
		if err != nil || res.Created != 2 || len(res.LetterIDs) != 2 {
			t.Fatalf("generate: %+v %v", res, err)
		}
		l, err := st.GetLetter(cw, res.LetterIDs[0])
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(l.Body, "尊敬的张伟同志：") || !strings.Contains(l.Body, "阜新市中心医院呼吸内科") || l.Date != "2023-01-06" || l.Status != model.LetterGenerated {
			t.Errorf("letter: %+v", l)
		}
		if strings.Contains(l.Body, "{{") {
			t.Errorf("a placeholder is left: %s", l.Body)
		}
		// A person out of scope is refused by name of the field, and nothing is written.
		_, err = st.GenerateLetters(cw, model.LetterGeneration{TemplateID: cityTpl.ID, PersonIDs: []int64{f.zhang.ID, f.liu.ID}})
		if code(err) != model.EInvalid || fieldOf(err)["person_ids"].Key != "letter.person_unknown" {
			t.Errorf("out of scope person: %v", err)
		}
		// Xinqiu's team sees none of Haizhou's letters.
		if _, err := st.GetLetter(f.as("cw_xinqiu"), l.ID); code(err) != model.ENotFound {
			t.Errorf("out of scope letter: %v", err)
		}
		// Sent, then generating again refreshes only the one not yet sent.
		if l, err = st.DeliverLetter(cw, l.ID, model.LetterDelivery{Status: model.LetterSent, Version: &l.Version}); err != nil || l.Status != model.LetterSent || l.SentAt == nil {
			t.Fatalf("sent: %+v %v", l, err)
		}
		if _, err := st.DeliverLetter(cw, l.ID, model.LetterDelivery{Status: model.LetterSent}); code(err) != model.EConflict {
			t.Errorf("sent twice: %v", err)
		}
		res, err = st.GenerateLetters(cw, model.LetterGeneration{TemplateID: cityTpl.ID, InstitutionID: f.w.haizhou.ID})
		if err != nil || res.Created != 0 || res.Refreshed != 1 || res.Kept != 1 {
			t.Errorf("again: %+v %v", res, err)
		}
		// The worker sees their own letter only and confirms it arrived.
		worker := f.as("worker_zhang")
		mine, err := st.ListLetters(worker, model.LetterFilter{})
		if err != nil || mine.Total != 1 || mine.Items[0].PersonID != f.zhang.ID {
			t.Fatalf("worker's letters: %+v %v", mine, err)
		}
		if _, err := st.DeliverLetter(worker, l.ID, model.LetterDelivery{Status: model.LetterSent}); code(err) != model.EForbidden {
			t.Errorf("worker marks sent: %v", err)
		}
		other, _ := st.ListLetters(cw, model.LetterFilter{PersonID: colleague.ID})
		if _, err := st.DeliverLetter(worker, other.Items[0].ID, model.LetterDelivery{Status: model.LetterReceived}); code(err) != model.ENotFound {
			t.Errorf("worker confirms a colleague's letter: %v", err)
		}
		if l, err = st.DeliverLetter(worker, l.ID, model.LetterDelivery{Status: model.LetterReceived}); err != nil || l.Status != model.LetterReceived || l.ReceivedByName != "worker_zhang" {
			t.Errorf("received: %+v %v", l, err)
		}
		byStatus, _ := st.ListLetters(cw, model.LetterFilter{Status: model.LetterReceived})
		if byStatus.Total != 1 {
			t.Errorf("received filter: %d", byStatus.Total)
		}
		// An inactive template makes no letters.
		if _, err := st.UpdateLetterTemplate(f.as("cw_city"), cityTpl.ID, model.LetterTemplateInput{Active: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.GenerateLetters(cw, model.LetterGeneration{TemplateID: cityTpl.ID}); fieldOf(err)["template_id"].Key != "letter.template_inactive" {
			t.Errorf("inactive template: %v", err)
		}
	})
}

func TestTheSameDeedIsNotRewardedTwice(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		inst := f.as("instadmin_hz")
		deed := "2022年12月连续坚守发热门诊42天，带病坚持接诊。"
		c, err := st.NominateCommendation(inst, model.CommendationInput{PersonID: f.zhang.ID, Level: model.CommendJigong, Deed: deed, DeedOn: "2022-12-31"})
		if err != nil || c.Status != model.CommendationNominated || c.CanDecide {
			t.Fatalf("nominate: %+v %v", c, err)
		}
		// The same deed, spaced and punctuated differently, at another level.
		same := " 2022年12月 连续坚守发热门诊42天,带病坚持接诊 "
		if _, err := st.NominateCommendation(inst, model.CommendationInput{PersonID: f.zhang.ID, Level: model.CommendJiajiang, Deed: same}); code(err) != model.EConflict {
			t.Errorf("same deed twice: %v", err)
		}
		// Another institution's person is out of reach.
		if _, err := st.NominateCommendation(inst, model.CommendationInput{PersonID: f.liu.ID, Level: model.CommendJiajiang, Deed: "x"}); fieldOf(err)["person_id"].Key != "commendation.person_unknown" {
			t.Errorf("other institution: %v", err)
		}
		if _, err := st.NominateCommendation(inst, model.CommendationInput{PersonID: f.zhang.ID, Level: "medal", Deed: ""}); len(fieldOf(err)) != 2 {
			t.Errorf("bad level and empty deed: %v", fieldOf(err))
		}
		// The institution cannot decide; Xinqiu's team cannot see it.
		if _, err := st.DecideCommendation(inst, c.ID, true, model.CommendationDecision{}); code(err) != model.EForbidden {
			t.Errorf("institution approves: %v", err)
		}
		if _, err := st.DecideCommendation(f.as("cw_xinqiu"), c.ID, true, model.CommendationDecision{}); code(err) != model.ENotFound {
			t.Errorf("other district approves: %v", err)
		}
		cw := f.as("cw_haizhou")
		if _, err := st.DecideCommendation(cw, c.ID, false, model.CommendationDecision{}); fieldOf(err)["reason"].Key != "field.required" {
			t.Errorf("reject without reason: %v", err)
		}
		if c, err = st.DecideCommendation(cw, c.ID, false, model.CommendationDecision{Reason: "事迹材料不完整", Version: &c.Version}); err != nil || c.Status != model.CommendationRejected {
			t.Fatalf("reject: %+v %v", c, err)
		}
		// Rejected, the deed may be nominated again; approved, never again.
		again, err := st.NominateCommendation(inst, model.CommendationInput{PersonID: f.zhang.ID, Level: model.CommendJigong, Deed: same})
		if err != nil {
			t.Fatalf("again after rejection: %v", err)
		}
		if again, err = st.DecideCommendation(cw, again.ID, true, model.CommendationDecision{}); err != nil || again.Status != model.CommendationApproved || again.DecidedByName != "cw_haizhou" {
			t.Fatalf("approve: %+v %v", again, err)
		}
		if _, err := st.DecideCommendation(cw, again.ID, false, model.CommendationDecision{Reason: "x"}); code(err) != model.EConflict {
			t.Errorf("decided twice: %v", err)
		}
		if _, err := st.NominateCommendation(inst, model.CommendationInput{PersonID: f.zhang.ID, Level: model.CommendJidagong, Deed: deed}); code(err) != model.EConflict {
			t.Errorf("approved deed nominated again: %v", err)
		}
		list, err := st.ListCommendations(cw, model.CommendationFilter{Status: model.CommendationApproved})
		if err != nil || list.Total != 1 {
			t.Errorf("approved list: %+v %v", list, err)
		}
	})
}

func TestWorkInjuryCasesFollowTheirChecklistAndDeadline(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		today := clock.Now().In(time.FixedZone("", 8*3600))
		infected := today.AddDate(0, 0, -3).Format(time.DateOnly)
		c, err := st.OpenWorkInjuryCase(cw, model.WorkInjuryInput{PersonID: f.zhang.ID, InfectedOn: infected, Diagnosis: "新型冠状病毒感染（普通型）"})
		if err != nil {
			t.Fatal(err)
		}
		if want := today.AddDate(0, 0, 27).Format(time.DateOnly); c.DeadlineOn != want || len(c.Documents) != len(letters.InjuryDocuments) || c.Overdue {
			t.Errorf("opened: deadline %s (want %s), %d documents, overdue %v", c.DeadlineOn, want, len(c.Documents), c.Overdue)
		}
		if _, err := st.OpenWorkInjuryCase(cw, model.WorkInjuryInput{PersonID: f.zhang.ID, InfectedOn: infected, Diagnosis: "x"}); code(err) != model.EConflict {
			t.Errorf("second open case: %v", err)
		}
		if _, err := st.OpenWorkInjuryCase(cw, model.WorkInjuryInput{PersonID: f.liu.ID, InfectedOn: infected, Diagnosis: "x"}); fieldOf(err)["person_id"].Key == "" {
			t.Errorf("out of scope person: %v", err)
		}
		// Filing needs every document.
		if _, err := st.UpdateWorkInjuryCase(cw, c.ID, model.WorkInjuryUpdate{Status: ptr(model.InjurySubmitted)}); fieldOf(err)["status"].Key != "injury.documents_missing" {
			t.Errorf("filed without documents: %v", err)
		}
		if _, err := st.UpdateWorkInjuryCase(cw, c.ID, model.WorkInjuryUpdate{Documents: map[string]bool{"passport": true}}); fieldOf(err)["documents"].Key != "injury.document_unknown" {
			t.Errorf("unknown document: %v", err)
		}
		// 28 days on, it is overdue.
		clock.Advance(28 * 24 * time.Hour)
		overdue, err := st.ListWorkInjuryCases(cw, model.WorkInjuryFilter{Overdue: true})
		if err != nil || overdue.Total != 1 || !overdue.Items[0].Overdue {
			t.Fatalf("overdue: %+v %v", overdue, err)
		}
		docs := map[string]bool{}
		for _, d := range letters.InjuryDocuments {
			docs[d] = true
		}
		c, err = st.UpdateWorkInjuryCase(cw, c.ID, model.WorkInjuryUpdate{Documents: docs, Status: ptr(model.InjurySubmitted), Version: &c.Version})
		if err != nil || c.Status != model.InjurySubmitted || c.DocumentsDone != len(docs) || c.SubmittedOn == "" {
			t.Fatalf("filed: %+v %v", c, err)
		}
		if c, err = st.UpdateWorkInjuryCase(cw, c.ID, model.WorkInjuryUpdate{Status: ptr(model.InjuryRecognised)}); err != nil || c.DecidedOn == "" {
			t.Fatalf("recognised: %+v %v", c, err)
		}
		if _, err := st.UpdateWorkInjuryCase(cw, c.ID, model.WorkInjuryUpdate{Status: ptr(model.InjuryOpen)}); code(err) != model.EConflict {
			t.Errorf("decided case reopened: %v", err)
		}
		// A region's shorter fast track applies to new cases.
		if _, err := st.SetSetting(cw, "210902", letters.SettingInjuryDeadlineDays, "15"); err != nil {
			t.Fatal(err)
		}
		p2, _ := st.CreatePerson(testutil.System(), newPerson("陈静", idNumber(105), f.w.haizhou.ID))
		c2, err := st.OpenWorkInjuryCase(cw, model.WorkInjuryInput{PersonID: p2.ID, InfectedOn: "2023-01-01", DiagnosedOn: "2023-01-02", Diagnosis: "x"})
		if err != nil || c2.DeadlineOn != "2023-01-17" {
			t.Errorf("fast track: %+v %v", c2, err)
		}
		if _, err := st.GetWorkInjuryCase(f.as("cw_xinqiu"), c.ID); code(err) != model.ENotFound {
			t.Errorf("out of scope: %v", err)
		}
	})
}

func TestWorkInjuryDiagnosisIsSealed(t *testing.T) {
	dir := t.TempDir()
	ctx := t.Context()
	st, err := store.Open(ctx, filepath.Join(dir, "h.db"), store.Options{Sealer: testutil.Sealer()})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	w := seed(t, st)
	p, err := st.CreatePerson(testutil.System(), newPerson("吴刚", idNumber(21), w.haizhou.ID))
	if err != nil {
		t.Fatal(err)
	}
	const diagnosis, note = "新冠病毒感染重型伴呼吸衰竭", "家属称其有高血压病史"
	if _, err := st.OpenWorkInjuryCase(testutil.System(), model.WorkInjuryInput{PersonID: p.ID, InfectedOn: "2023-01-01", Diagnosis: diagnosis, Note: note}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	for _, f := range []string{"h.db", "h.db-wal"} {
		b, _ := os.ReadFile(filepath.Join(dir, f))
		for _, secret := range []string{diagnosis, note} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s contains %q in clear", f, secret)
			}
		}
	}
}

// The days a letter and the title-evaluation list name are the deployments'
// own count; the periods are the deployments' ranges, adjacent ones joined.
func TestLettersAndTitlePriorityNameTheDeploymentDays(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newDeployFixture(t, st)
		for _, d := range []struct {
			who      string
			person   int64
			post     int64
			from, to string
		}{
			{"cw", f.zhang.ID, f.fever.ID, "2022-12-01", "2022-12-10"},    // 10 tier-1 days
			{"cw", f.zhang.ID, f.sampling.ID, "2022-12-11", "2022-12-14"}, // 4 tier-2 days, joined to the first period
			{"cw", f.zhang.ID, f.fever.ID, "2022-12-20", "2022-12-21"},    // 2 more tier-1 days
			{"cw", f.wang.ID, f.sampling.ID, "2022-12-01", "2022-12-01"},  // 1 day: below a minimum of 3
		} {
			if _, err := f.plan(t, d.who, d.person, d.post, d.from, d.to, func(in *model.DeploymentInput) { in.OverrideReason = "测试" }); err != nil {
				t.Fatalf("plan %v: %v", d, err)
			}
		}
		cw := f.as("cw")
		tplIn := fuxinTemplate()
		tpl, err := st.CreateLetterTemplate(cw, tplIn)
		if err != nil {
			t.Fatal(err)
		}
		res, err := st.GenerateLetters(cw, model.LetterGeneration{TemplateID: tpl.ID, PersonIDs: []int64{f.zhang.ID}, From: "2022-12-01", To: "2022-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		l, _ := st.GetLetter(cw, res.LetterIDs[0])
		if l.FrontlineDays != "16" || !strings.Contains(l.Body, "累计在一线工作16天（2022-12-01至2022-12-14，2022-12-20至2022-12-21）") {
			t.Errorf("letter days %s: %s", l.FrontlineDays, l.Body)
		}
		if _, err := st.SetSetting(cw, "210902", letters.SettingTitleMinDays, "3"); err != nil {
			t.Fatal(err)
		}
		list, err := st.ListTitlePriority(cw, model.TitlePriorityFilter{From: "2022-12-01", To: "2022-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		if list.Total != 1 || list.Items[0].PersonID != f.zhang.ID || list.Items[0].FrontlineDays != "16" || list.Items[0].Tier1Days != "12" ||
			len(list.Items[0].Periods) != 2 || list.Items[0].Department != "呼吸内科" {
			t.Errorf("title priority: %+v", list)
		}
		// Xinqiu's team sees nobody of Haizhou.
		if other, err := st.ListTitlePriority(f.as("cw_xinqiu"), model.TitlePriorityFilter{From: "2022-12-01", To: "2022-12-31"}); err != nil || other.Total != 0 {
			t.Errorf("out of scope: %+v %v", other, err)
		}
	})
}

// The dashboard's counts: exact for the team, small cells hidden for a
// leader, with the complement that would give them away.
func TestLetterStatsAreSuppressedForLeaders(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		tpl, err := st.CreateLetterTemplate(cw, fuxinTemplate())
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for i := range 7 {
			p, err := st.CreatePerson(testutil.System(), newPerson("一线"+string(rune('甲'+i)), idNumber(300+i), f.w.haizhou.ID))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, p.ID)
		}
		res, err := st.GenerateLetters(cw, model.LetterGeneration{TemplateID: tpl.ID, PersonIDs: ids})
		if err != nil {
			t.Fatal(err)
		}
		for i, id := range res.LetterIDs {
			if _, err := st.DeliverLetter(cw, id, model.LetterDelivery{Status: model.LetterSent}); err != nil {
				t.Fatal(err)
			}
			if i < 5 {
				if _, err := st.DeliverLetter(cw, id, model.LetterDelivery{Status: model.LetterReceived}); err != nil {
					t.Fatal(err)
				}
			}
		}
		team, err := st.LetterStats(cw)
		if err != nil || team.LettersSent != 7 || team.LettersReceived != 5 || team.Suppressed {
			t.Fatalf("team: %+v %v", team, err)
		}
		leader, err := st.LetterStats(f.as("leader_city"))
		if err != nil || !leader.Suppressed {
			t.Fatalf("leader: %+v %v", leader, err)
		}
		// 7 sent, 5 received: the 2 not received are a small cell, so one
		// of the published pair must be hidden too.
		if !leader.LettersSent.IsSuppressed() && !leader.LettersReceived.IsSuppressed() {
			t.Errorf("leader sees %d sent and %d received: the 2 awaiting follow", leader.LettersSent, leader.LettersReceived)
		}
		if _, err := st.LetterStats(f.as("vol_wang")); code(err) != model.EForbidden {
			t.Errorf("volunteer: %v", err)
		}
	})
}
