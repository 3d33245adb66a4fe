package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
)

// The demo's daily health check-ins and family liaison log. They read the
// deployments the deployment demo planned (Fill calls fillCheckins after
// it): every deployed person checks in each morning of the last
// checkinDays days, a few forget (the scheduler flags them that evening),
// today's stragglers have not checked in yet, and one has a fever today. The
// district teams' liaison log holds the calls with the families of the
// people deployed.

// checkinDays is how many days of check-ins the demo holds, today included.
const checkinDays = 7

var chinaZone = time.FixedZone("CST", 8*3600)

// dayHash is a stable number of a person's day, for the demo's draws.
func dayHash(personID int64, day string, salt string) uint32 {
	h := fnv.New32a()
	fmt.Fprintf(h, "%d|%s|%s", personID, day, salt)
	return h.Sum32()
}

// familyNotes are what the district teams wrote after a call with a family.
var familyNotes = []struct {
	channel, outcome, note string
}{
	{model.ContactPhone, model.ContactCallArranged, "与配偶约定每晚九点视频通话，由科室协调下夜班时间。"},
	{model.ContactPhone, model.ContactMessageDelivered, "转达本人口信：一切安好，按时吃饭休息，请家里放心。"},
	{model.ContactHome, model.ContactNeedHeard, "上门看望，老人降压药只剩三天的量，需要代购。"},
	{model.ContactPhone, model.ContactNewsGiven, "告知家属本人近况：隔离病区轮班正常，身体无不适。"},
	{model.ContactVideo, model.ContactCallArranged, "孩子想念妈妈，安排周六上午视频通话，已告知本人。"},
	{model.ContactPhone, model.ContactNoAnswer, ""},
	{model.ContactMessage, model.ContactMessageDelivered, "把本人写给孩子的生日祝福转发给家属。"},
	{model.ContactOffice, model.ContactNeedHeard, "家属来电：孩子下周线上课需要电脑，家里只有一台手机。"},
}

// fillCheckins writes the check-ins of the last checkinDays days of the
// deployments in the city, the scheduler's missed-check-in alerts of each
// evening, one fever today, and the liaison log. Without a clock (no
// history) it writes today's only.
func fillCheckins(ctx context.Context, st *store.Store, c *Clock, as actors, sum *Summary) error {
	sys := auth.WithPrincipal(ctx, auth.System())
	now := st.Now()
	if c != nil {
		now = c.baseNow()
		defer c.reset()
	}
	today := model.ChinaDay(now)
	first := model.ChinaDay(now.AddDate(0, 0, -(checkinDays - 1)))
	if c == nil {
		first = today
	}
	var deps []model.Deployment
	for offset := 0; ; offset += 200 {
		l, err := st.ListDeployments(sys, model.DeploymentFilter{From: first, To: today, Page: model.Page{Limit: 200, Offset: offset}})
		if err != nil {
			return fmt.Errorf("demo: deployments: %w", err)
		}
		deps = append(deps, l.Items...)
		if len(l.Items) < 200 {
			break
		}
	}
	if len(deps) == 0 {
		return nil
	}
	workerCtx := as["worker"]
	var workerPerson int64
	if pr := auth.FromContext(workerCtx); pr != nil {
		workerPerson = pr.PersonID
	}
	// The fever of today: the first person of 海州区 (where the demo's case
	// worker sees it; else of the city), not the worker account's, who
	// checks in well.
	var feverPerson int64
	for _, district := range []string{"210902", cityCode} {
		for _, d := range deps {
			if feverPerson == 0 && strings.HasPrefix(d.RegionCode, district) && d.PersonID != workerPerson && d.StartsOn <= today && d.EndsOn >= today {
				feverPerson = d.PersonID
			}
		}
	}
	seen := map[string]bool{}
	for day := first; day <= today; day = nextDay(day) {
		dayStart, _ := time.ParseInLocation(time.DateOnly, day, chinaZone)
		for _, d := range deps {
			if d.StartsOn > day || d.EndsOn < day || seen[fmt.Sprint(d.PersonID, day)] {
				continue
			}
			seen[fmt.Sprint(d.PersonID, day)] = true
			h := dayHash(d.PersonID, day, "checkin")
			missed := h%100 < 6 // a few forget
			if day == today {
				missed = h%100 < 18 && d.PersonID != feverPerson && d.PersonID != workerPerson // not checked in yet
			}
			if missed {
				continue
			}
			at := dayStart.Add(7*time.Hour + time.Duration(h%150)*time.Minute)
			if at.After(now) {
				at = now.Add(-time.Duration(h%40) * time.Minute)
			}
			if c != nil {
				c.setTo(at)
			} else if day != today {
				continue
			}
			in := normalCheckin(h)
			if d.PersonID == feverPerson && day == today {
				t, sleep, mood := 37.9, 4.5, 2
				in = model.CheckinInput{Temperature: &t, SleepHours: &sleep, Mood: &mood, Symptoms: []string{"fatigue", "muscle_ache"},
					Remark: "下夜班后畏寒乏力，已报告护士长"}
			}
			pctx := auth.WithPrincipal(ctx, &auth.Principal{Username: fmt.Sprintf("worker-%d", d.PersonID), Role: auth.RoleWorker, PersonID: d.PersonID})
			if d.PersonID == workerPerson && workerCtx != nil {
				pctx = workerCtx
			}
			if _, err := st.SubmitCheckin(pctx, in); err != nil {
				return fmt.Errorf("demo: check-in of person %d on %s: %w", d.PersonID, day, err)
			}
			sum.Checkins++
		}
		// The scheduler's evening round flags the day's (and the day
		// before's) missed check-ins; the first day's are flagged the next
		// evening, so that nothing before the demo's days is.
		if c != nil && day != today && day != first {
			c.setTo(dayStart.Add((store.CheckinDeadlineHour)*time.Hour + 30*time.Minute))
			if _, err := st.NotifyMissedCheckins(sys, c.Now()); err != nil {
				return fmt.Errorf("demo: missed check-ins of %s: %w", day, err)
			}
		}
	}
	if c != nil {
		c.reset()
	}
	return fillFamilyContacts(ctx, st, as, deps, now, sum)
}

// normalCheckin is an unremarkable morning: 36.1–36.9 ℃, 5–8 hours of
// sleep, a middling to good mood, now and then tired or a sore throat.
func normalCheckin(h uint32) model.CheckinInput {
	t := 36.1 + float64(h%9)/10
	sleep := 5 + float64(h/9%7)/2
	mood := 3 + int(h/63%3)
	if h/189%7 == 0 {
		mood = 2
	}
	var symptoms []string
	switch h / 1323 % 12 {
	case 0, 1:
		symptoms = []string{"fatigue"}
	case 2:
		symptoms = []string{"sore_throat"}
	}
	return model.CheckinInput{Temperature: &t, SleepHours: &sleep, Mood: &mood, Symptoms: symptoms}
}

func nextDay(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return "9999-12-31"
	}
	return t.AddDate(0, 0, 1).Format(time.DateOnly)
}

// fillFamilyContacts records, as the district teams, the calls with the
// families of the first people deployed (one or two each over the last
// days).
func fillFamilyContacts(ctx context.Context, st *store.Store, as actors, deps []model.Deployment, now time.Time, sum *Summary) error {
	sys := auth.WithPrincipal(ctx, auth.System())
	done := map[int64]bool{}
	n := 0
	for _, d := range deps {
		if done[d.PersonID] || n >= 24 {
			continue
		}
		done[d.PersonID] = true
		by := as["caseworker-city"]
		if strings.HasPrefix(d.RegionCode, "210902") {
			by = as["caseworker"]
		}
		if by == nil {
			by = sys
		}
		family, err := st.ListFamily(sys, d.PersonID, false)
		if err != nil {
			return fmt.Errorf("demo: family of person %d: %w", d.PersonID, err)
		}
		if len(family) == 0 {
			continue
		}
		h := dayHash(d.PersonID, "", "family")
		for k := 0; k <= int(h%2); k++ {
			note := familyNotes[(int(h)+k*3)%len(familyNotes)]
			m := family[(int(h)+k)%len(family)]
			at := now.Add(-time.Duration(6+int(h%90)+k*30) * time.Hour).Truncate(time.Minute)
			if _, err := st.CreateFamilyContact(by, model.FamilyContactInput{PersonID: d.PersonID, FamilyMemberID: &m.ID, Channel: note.channel,
				Outcome: note.outcome, Note: note.note, ContactedAt: at}); err != nil {
				return fmt.Errorf("demo: family contact of person %d: %w", d.PersonID, err)
			}
			sum.FamilyContacts++
		}
		n++
	}
	return nil
}
