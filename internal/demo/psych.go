package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
)

// The demo's psychological support: the city counsellor, on duty, launched
// a screening round (PHQ-9 and GAD-7, repeated every 14 days) at two of the
// city's hospitals three weeks ago; a few hundred staff consented and
// answered over the weeks since, with the distribution of Lai et al. (JAMA
// Netw Open 2020; 1,257 staff of 34 hospitals): about half above the mild
// cut-off for depression, 45 % for anxiety, a few per hundred answering
// PHQ-9 item 9 above "not at all". Their alerts are partly contacted; the
// cases screening proposed are partly taken on, with sessions and
// re-screening dates. The demo worker answered twice and has the second
// round's GAD-7 still to do.

// psychHospitals are the hospitals of the demo's rounds.
var psychHospitals = []string{workerInstitution, "阜新市中医医院"}

// psychRespondents bounds the answers per round, to keep the demo's start fast.
const psychRespondents = 220

// bandTargets are the band shares (cumulative) and score ranges of PHQ-9
// and GAD-7 after Lai et al.: PHQ-9 minimal 49.6 %, mild 35.6 %, moderate
// 8.7 %, moderately severe 4.0 %, severe 2.1 %; GAD-7 minimal 55.4 %, mild
// 34.4 %, moderate 6.9 %, severe 3.3 %.
var bandTargets = map[string][]struct {
	upTo   float64
	lo, hi int
}{
	"phq9": {{0.496, 0, 4}, {0.852, 5, 9}, {0.939, 10, 14}, {0.979, 15, 19}, {1, 20, 27}},
	"gad7": {{0.554, 0, 4}, {0.898, 5, 9}, {0.967, 10, 14}, {1, 15, 21}},
}

// answersFor draws answers of n items (0–3) adding up to a score of the
// drawn band; item 9 of PHQ-9 is above 0 for about 1 in 30.
func answersFor(r *rand.Rand, instrument string, n int) []int {
	u := r.Float64()
	score := 0
	for _, b := range bandTargets[instrument] {
		if u <= b.upTo {
			score = b.lo + r.IntN(b.hi-b.lo+1)
			break
		}
	}
	a := make([]int, n)
	last := n
	if instrument == "phq9" {
		last = n - 1 // item 9 is drawn on its own
		if r.IntN(30) == 0 {
			a[n-1] = 1 + r.IntN(2)
			score = max(score-a[n-1], 0)
		}
	}
	for score > 0 {
		i := r.IntN(last)
		if a[i] < 3 {
			a[i]++
			score--
		}
		if full := func() bool {
			for _, v := range a[:last] {
				if v < 3 {
					return false
				}
			}
			return true
		}(); full {
			break
		}
	}
	return a
}

var sessionNotes = []string{
	"连续值守发热门诊两周，入睡困难，担心把病毒带回家。讲解睡眠卫生，约定每周电话随访。",
	"同事确诊后情绪低落、自责。做了哀伤与内疚的正常化，建议与科室主任沟通轮休。",
	"家中老人独居无人照看，焦虑明显。已联系社区专班对接上门服务，焦虑有所缓解。",
	"夜班后反复出现闯入性画面。教授呼吸放松与着陆技术，两周后复评。",
	"自述“撑不下去”，无具体计划。完成安全评估，签订安全计划，家属知情，次日回访。",
}

var contactNotes = []string{
	"已电话联系本人，情绪稳定，无具体计划，约定明早面谈。",
	"联系本人及科室护士长，当晚安排同事陪伴，已做安全评估。",
	"本人接听，表示只是偶尔这样想，已提供热线并约定三天后回访。",
}

func fillPsych(ctx context.Context, st *store.Store, clock *Clock, as actors, instByName map[string]int64, seed uint64, sum *Summary) error {
	counsellor := as["counselor"]
	if _, err := st.SetDuty(counsellor, true); err != nil {
		return fmt.Errorf("demo: counsellor duty: %w", err)
	}
	r := rand.New(rand.NewPCG(seed, 7))
	weeks := []time.Duration{21 * 24 * time.Hour, 14 * 24 * time.Hour, 7 * 24 * time.Hour, 2 * 24 * time.Hour}
	at := func(ago time.Duration) {
		if clock != nil {
			clock.setTo(clock.baseNow().Add(-ago))
		}
	}
	worker := as["worker"]
	for hi, name := range psychHospitals {
		id := instByName[name]
		at(weeks[0])
		round, err := st.CreateScreening(counsellor, model.ScreeningInput{Name: "2020年2月一线医务人员心理健康筛查", Instruments: []string{"phq9", "gad7"},
			InstitutionID: &id, RepeatDays: 14})
		if err != nil {
			return fmt.Errorf("demo: screening round at %s: %w", name, err)
		}
		got, err := st.GetScreening(store.Covered(counsellor), round.ID)
		if err != nil {
			return err
		}
		members := got.Members
		r.Shuffle(len(members), func(i, j int) { members[i], members[j] = members[j], members[i] })
		members = members[:min(len(members), psychRespondents)]
		// Answers arrive over the weeks: most in the first, fewer later.
		for wi, share := range []float64{0.5, 0.3, 0.2} {
			at(weeks[wi] - 6*time.Hour)
			from, to := int(float64(len(members))*sumShares(wi)), int(float64(len(members))*(sumShares(wi)+share))
			if err := answerAll(ctx, st, members[from:min(to, len(members))], round.ID, seed+uint64(hi*10+wi)); err != nil {
				return err
			}
		}
		if _, err := st.RemindScreening(counsellor, round.ID); err != nil {
			return err
		}
	}
	// The demo worker: a mild PHQ-9 and GAD-7 two weeks ago, a PHQ-9 of the
	// round now, its GAD-7 still to do.
	at(weeks[1])
	if _, err := st.GiveConsent(worker, model.ConsentInput{Purpose: model.PurposePsychScreening}); err != nil {
		return fmt.Errorf("demo: the worker's consent: %w", err)
	}
	for _, in := range []model.AssessmentInput{{Instrument: "phq9", Answers: []int{1, 1, 2, 1, 1, 0, 1, 0, 0}}, {Instrument: "gad7", Answers: []int{1, 1, 1, 1, 0, 1, 0}}} {
		if _, err := st.SubmitAssessment(worker, in); err != nil {
			return fmt.Errorf("demo: the worker's answers: %w", err)
		}
	}
	at(weeks[3])
	invs, err := st.MyInvitations(worker)
	if err == nil && len(invs) > 0 && len(invs[0].Done) == 0 {
		sid := invs[0].ScreeningID
		if _, err := st.SubmitAssessment(worker, model.AssessmentInput{Instrument: "phq9", Answers: []int{1, 1, 1, 1, 0, 0, 1, 0, 0}, ScreeningID: &sid}); err != nil {
			return fmt.Errorf("demo: the worker's round: %w", err)
		}
	}
	// The counsellor's work: contact two thirds of the alerts, take on half
	// of the proposed cases with sessions and a re-screening date.
	at(24 * time.Hour)
	alerts, err := st.ListAlerts(store.Covered(counsellor), model.AlertFilter{Page: model.Page{Limit: 500}})
	if err != nil {
		return err
	}
	for i, a := range alerts.Items {
		if i%3 == 2 {
			continue // left open for the counsellor to see
		}
		if _, err := st.ContactAlert(counsellor, a.ID, model.AlertContact{Note: contactNotes[i%len(contactNotes)]}); err != nil {
			return fmt.Errorf("demo: contact of alert %d: %w", a.ID, err)
		}
		sum.PsychAlerts++
	}
	cases, err := st.ListPsychCases(store.Covered(counsellor), model.PsychCaseFilter{Status: model.PsychCaseProposed, Page: model.Page{Limit: 500}})
	if err != nil {
		return err
	}
	now := st.Now()
	for i, c := range cases.Items {
		if i%2 == 1 {
			continue
		}
		sessions := 1 + i%3
		for k := 0; k < sessions; k++ {
			when := now.Add(-time.Duration(sessions-k) * 3 * 24 * time.Hour).Add(time.Duration(r.IntN(8)) * time.Hour)
			channel := model.PsychChannels[(i+k)%len(model.PsychChannels)]
			if _, err := st.AddPsychSession(counsellor, c.ID, model.PsychSessionInput{At: when.Format(time.RFC3339), Channel: channel,
				Notes: sessionNotes[(i+k)%len(sessionNotes)]}); err != nil {
				return fmt.Errorf("demo: session of case %d: %w", c.ID, err)
			}
			sum.PsychSessions++
		}
		next := now.AddDate(0, 0, 7+i%14).Format("2006-01-02")
		if _, err := st.UpdatePsychCase(counsellor, c.ID, model.PsychCaseUpdate{NextScreeningOn: &next}); err != nil {
			return err
		}
	}
	if clock != nil {
		clock.reset()
	}
	return nil
}

func sumShares(i int) float64 { return []float64{0, 0.5, 0.8}[i] }

// answerAll has each member consent and answer both instruments of the
// round, sixteen at a time (the store writes them in shared transactions).
func answerAll(ctx context.Context, st *store.Store, members []model.ScreeningMember, round int64, seed uint64) error {
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	next := make(chan int)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, uint64(g)))
			for i := range next {
				w := workerOf(ctx, members[i].PersonID)
				if _, err := st.GiveConsent(w, model.ConsentInput{Purpose: model.PurposePsychScreening}); err != nil {
					errs <- err
					return
				}
				for _, inst := range []struct {
					id string
					n  int
				}{{"phq9", 9}, {"gad7", 7}} {
					if _, err := st.SubmitAssessment(w, model.AssessmentInput{Instrument: inst.id, Answers: answersFor(r, inst.id, inst.n), ScreeningID: &round}); err != nil {
						errs <- fmt.Errorf("demo: answers of person %d: %w", members[i].PersonID, err)
						return
					}
				}
			}
		}(g)
	}
	for i := range members {
		select {
		case next <- i:
		case err := <-errs:
			close(next)
			wg.Wait()
			return err
		}
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// workerOf is the context of person id answering for themself.
func workerOf(ctx context.Context, id int64) context.Context {
	return auth.WithPrincipal(ctx, &auth.Principal{Role: auth.RoleWorker, PersonID: id, Username: fmt.Sprintf("worker-%d", id)})
}
