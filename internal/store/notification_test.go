package store_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

func TestSettingsPerRegion(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		city, district := f.as("cw_city"), f.as("cw_haizhou")
		if _, err := st.SetSetting(city, "2109", "need.deadline.urgent", "120"); err != nil {
			t.Fatal(err)
		}
		n := f.create(t, district, f.newNeed())
		mustDuration(t, n.DueAt, clock.Now().Add(2*time.Hour))
		// The district's own value wins over the city's.
		if _, err := st.SetSetting(district, "210902", "need.deadline.urgent", " 60 "); err != nil {
			t.Fatal(err)
		}
		n = f.create(t, district, f.newNeed())
		mustDuration(t, n.DueAt, clock.Now().Add(time.Hour))
		eff, err := st.EffectiveSettings(district, "210902")
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]model.EffectiveSetting{}
		for _, e := range eff {
			byName[e.Name] = e
		}
		if e := byName["need.deadline.urgent"]; e.Value != "60" || e.RegionCode != "210902" || e.Default {
			t.Errorf("urgent = %+v", e)
		}
		if e := byName["visit.interval_days"]; e.Value != "7" || !e.Default {
			t.Errorf("visit interval = %+v", e)
		}
		if e, _ := st.EffectiveSettings(district, "210903"); e[0].Value != "120" || e[0].RegionCode != "2109" {
			t.Errorf("Xinqiu inherits %+v", e[0])
		}
		// Removing the district's value brings the city's back.
		if err := st.DeleteSetting(district, "210902", "need.deadline.urgent"); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteSetting(district, "210902", "need.deadline.urgent"); code(err) != model.ENotFound {
			t.Errorf("delete twice: %v", err)
		}
		n = f.create(t, district, f.newNeed())
		mustDuration(t, n.DueAt, clock.Now().Add(2*time.Hour))
		for name, c := range map[string]struct {
			ctx, region, name, value string
			code                     model.Code
		}{
			"out of scope":       {"cw_haizhou", "2109", "need.deadline.urgent", "60", model.ENotFound},
			"unknown name":       {"cw_city", "2109", "need.deadline.yearly", "60", model.EInvalid},
			"out of range":       {"cw_city", "2109", "need.deadline.urgent", "5", model.EInvalid},
			"unknown region":     {"cw_city", "210999", "need.deadline.urgent", "60", model.ENotFound},
			"nationwide by city": {"cw_city", "", "need.deadline.urgent", "60", model.ENotFound},
			"volunteer":          {"vol_wang", "210902", "need.deadline.urgent", "60", model.EForbidden},
		} {
			if _, err := st.SetSetting(f.as(c.ctx), c.region, c.name, c.value); code(err) != c.code {
				t.Errorf("%s: %v, want %s", name, err, c.code)
			}
		}
		rows, err := st.ListSettings(city, "")
		if err != nil || len(rows) != 1 || rows[0].UpdatedBy != "cw_city" {
			t.Errorf("settings = %+v, %v", rows, err)
		}
		// The nationwide value, set by the system.
		if _, err := st.SetSetting(testutil.System(), "", "need.deadline.low", "1440"); err != nil {
			t.Fatal(err)
		}
		n = f.create(t, district, f.newNeed(func(in *model.NeedInput) { in.Urgency = "low" }))
		mustDuration(t, n.DueAt, clock.Now().Add(24*time.Hour))
	})
}

func TestInbox(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		a := f.create(t, cw, f.newNeed())
		b := f.create(t, cw, f.newNeed(func(in *model.NeedInput) { in.Urgency = "high" }))
		for _, n := range []model.Need{a, b} {
			if _, err := st.AssignNeed(cw, n.ID, model.NeedAssign{UserID: ptr(f.uid("vol_zhao"))}); err != nil {
				t.Fatal(err)
			}
		}
		vol := f.as("vol_zhao")
		inbox, err := st.ListInbox(vol, false, model.Page{})
		if err != nil || inbox.Total != 2 || inbox.Items[0].NeedID == nil || *inbox.Items[0].NeedID != b.ID {
			t.Fatalf("inbox = %+v, %v", inbox, err)
		}
		item := inbox.Items[0]
		if item.Kind != "assigned" || item.Need == nil || item.Need.Urgency != "high" || item.Need.Status != "assigned" || item.ReadAt != nil {
			t.Errorf("entry = %+v %+v", item, item.Need)
		}
		// A volunteer's inbox names the person as their case page does: by
		// surname only, never whole, never a phone.
		body, _ := json.Marshal(inbox)
		if !strings.Contains(string(body), `"person_name":"张某"`) || strings.Contains(string(body), "张伟") || strings.Contains(string(body), "139") {
			t.Errorf("the volunteer's inbox names the person beyond the surname: %s", body)
		}
		if n, err := st.MarkRead(vol, item.ID); err != nil || n != 1 {
			t.Fatalf("mark read = %d, %v", n, err)
		}
		// Another user cannot mark it.
		if n, _ := st.MarkRead(cw, inbox.Items[1].ID); n != 0 {
			t.Errorf("another user marked %d entries", n)
		}
		if n, _ := st.UnreadCount(vol); n != 1 {
			t.Errorf("unread = %d", n)
		}
		if l, _ := st.ListInbox(vol, true, model.Page{}); l.Total != 1 || l.Items[0].NeedID == nil || *l.Items[0].NeedID != a.ID {
			t.Errorf("unread list = %+v", l)
		}
		if n, _ := st.MarkRead(vol); n != 1 {
			t.Errorf("mark all = %d", n)
		}
		if _, err := st.ListInbox(testutil.System(), false, model.Page{}); code(err) != model.EForbidden {
			t.Errorf("the command line has an inbox: %v", err)
		}
	})
}

// TestWebhookDeliveries: outbox events become one delivery per subscribed
// webhook, exactly once, handed out with a lease and retried until marked.
func TestWebhookDeliveries(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		admin, cw := f.as("sysadmin"), f.as("cw_haizhou")
		if _, err := st.CreateWebhook(cw, model.WebhookInput{URL: ptr("https://example.org/h"), Events: ptr([]string{"need.assigned"})}); code(err) != model.EForbidden {
			t.Errorf("a case worker manages webhooks: %v", err)
		}
		for name, in := range map[string]model.WebhookInput{
			"ftp url":        {URL: ptr("ftp://example.org/h"), Events: ptr([]string{"need.assigned"})},
			"credentials":    {URL: ptr("https://u:p@example.org/h"), Events: ptr([]string{"need.assigned"})},
			"no events":      {URL: ptr("https://example.org/h"), Events: ptr([]string{})},
			"unknown event":  {URL: ptr("https://example.org/h"), Events: ptr([]string{"need.eaten"})},
			"short secret":   {URL: ptr("https://example.org/h"), Events: ptr([]string{"need.assigned"}), Secret: ptr("short")},
			"relative url":   {URL: ptr("/h"), Events: ptr([]string{"need.assigned"})},
			"missing events": {URL: ptr("https://example.org/h")},
		} {
			if _, err := st.CreateWebhook(admin, in); code(err) != model.EInvalid {
				t.Errorf("%s: %v", name, err)
			}
		}
		hook, err := st.CreateWebhook(admin, model.WebhookInput{URL: ptr("http://127.0.0.1:8080/hook"), Events: ptr([]string{"need.assigned", "need.escalated"})})
		if err != nil {
			t.Fatal(err)
		}
		if len(hook.Secret) < 16 || !hook.Active {
			t.Fatalf("webhook = %+v", hook)
		}
		if again, _ := st.GetWebhook(admin, hook.ID); again.Secret != "" {
			t.Error("the secret is shown again")
		}
		off, err := st.CreateWebhook(admin, model.WebhookInput{URL: ptr("https://example.org/off"), Events: ptr([]string{"need.assigned"}), Active: ptr(false)})
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Second)
		n := f.create(t, cw, f.newNeed())
		if _, err := st.AssignNeed(cw, n.ID, model.NeedAssign{VolunteerID: &f.wang.ID}); err != nil {
			t.Fatal(err)
		}
		sys := testutil.System()
		if c, err := st.EnqueueDeliveries(sys); err != nil || c != 1 {
			t.Fatalf("enqueue = %d, %v", c, err)
		}
		if c, _ := st.EnqueueDeliveries(sys); c != 0 {
			t.Errorf("enqueue again = %d", c)
		}
		due, err := st.DueDeliveries(sys, clock.Now(), 10)
		if err != nil || len(due) != 1 {
			t.Fatalf("due = %+v, %v", due, err)
		}
		d := due[0]
		if d.Event != "need.assigned" || d.URL != "http://127.0.0.1:8080/hook" || d.Secret != hook.Secret || d.Attempts != 1 || d.WebhookID != hook.ID {
			t.Errorf("delivery = %+v", d)
		}
		var p model.OutboxPayload
		if err := json.Unmarshal(d.Payload, &p); err != nil || p.NeedID != n.ID || p.Event != "need.assigned" || p.Status != "assigned" ||
			p.OutboxID != d.OutboxID || p.AssigneeVolunteerID == nil || *p.AssigneeVolunteerID != f.wang.ID || p.Category != "living" {
			t.Errorf("payload = %s, %v", d.Payload, err)
		}
		if strings.Contains(string(d.Payload), "张伟") || strings.Contains(string(d.Payload), "王芳") {
			t.Errorf("payload names people: %s", d.Payload)
		}
		// Leased: not handed out again until the lease ends.
		if again, _ := st.DueDeliveries(sys, clock.Now(), 10); len(again) != 0 {
			t.Errorf("handed out twice: %+v", again)
		}
		if err := st.MarkDeliveryFailed(sys, d.ID, "connection refused", clock.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		due, _ = st.DueDeliveries(sys, clock.Now(), 10)
		if len(due) != 1 || due[0].Attempts != 2 || due[0].LastError != "connection refused" {
			t.Fatalf("retry = %+v", due)
		}
		if err := st.MarkDelivered(sys, d.ID); err != nil {
			t.Fatal(err)
		}
		if err := st.MarkDelivered(sys, d.ID); code(err) != model.ENotFound {
			t.Errorf("delivered twice: %v", err)
		}
		clock.Advance(time.Hour)
		if again, _ := st.DueDeliveries(sys, clock.Now(), 10); len(again) != 0 {
			t.Errorf("a delivered event is due again: %+v", again)
		}
		l, err := st.ListDeliveries(admin, model.DeliveryFilter{WebhookID: hook.ID})
		if err != nil || l.Total != 1 || l.Items[0].Status != "delivered" || l.Items[0].DeliveredAt == nil {
			t.Errorf("deliveries = %+v, %v", l, err)
		}
		// Turning the second webhook on delivers later events only; giving up marks a delivery failed.
		if _, err := st.UpdateWebhook(admin, off.ID, model.WebhookInput{Active: ptr(true), Version: &off.Version}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AssignNeed(cw, n.ID, model.NeedAssign{UserID: ptr(f.uid("vol_zhao"))}); err != nil {
			t.Fatal(err)
		}
		if c, _ := st.EnqueueDeliveries(sys); c != 2 {
			t.Errorf("enqueue for two webhooks = %d", c)
		}
		due, _ = st.DueDeliveries(sys, clock.Now(), 10)
		if len(due) != 2 {
			t.Fatalf("due = %d", len(due))
		}
		if err := st.MarkDeliveryFailed(sys, due[0].ID, "410 gone", time.Time{}); err != nil {
			t.Fatal(err)
		}
		if l, _ := st.ListDeliveries(admin, model.DeliveryFilter{Status: "failed"}); l.Total != 1 {
			t.Errorf("failed deliveries = %d", l.Total)
		}
		if _, err := st.DueDeliveries(cw, clock.Now(), 10); code(err) != model.EForbidden {
			t.Errorf("a case worker reads deliveries: %v", err)
		}
		if err := st.DeleteWebhook(admin, off.ID, nil); err != nil {
			t.Fatal(err)
		}
		if hooks, _ := st.ListWebhooks(admin); len(hooks) != 1 {
			t.Errorf("webhooks = %+v", hooks)
		}
	})
}

// TestTheMailChannelIsNoWebhookOfTheSysadmin: the mail channel's row in
// webhooks is an internal delivery target. The sysadmin's list leaves it
// out; reading, changing or deleting it answers as for a missing webhook and
// changes nothing; it still takes its events.
func TestTheMailChannelIsNoWebhookOfTheSysadmin(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		admin, sys := f.as("sysadmin"), testutil.System()
		channel, err := st.EnsureMailChannel(sys, []string{"need.assigned"}, true)
		if err != nil || channel.ID == 0 {
			t.Fatalf("mail channel: %+v, %v", channel, err)
		}
		hook, err := st.CreateWebhook(admin, model.WebhookInput{URL: ptr("https://example.org/h"), Events: ptr([]string{"need.assigned"})})
		if err != nil {
			t.Fatal(err)
		}
		hooks, err := st.ListWebhooks(admin)
		if err != nil || len(hooks) != 1 || hooks[0].ID != hook.ID {
			t.Errorf("webhooks = %+v, %v; want only the sysadmin's", hooks, err)
		}
		if _, err := st.GetWebhook(admin, channel.ID); code(err) != model.ENotFound {
			t.Errorf("get the channel: %v", err)
		}
		if _, err := st.UpdateWebhook(admin, channel.ID, model.WebhookInput{URL: ptr("https://evil.example.org/"), Active: ptr(false)}); code(err) != model.ENotFound {
			t.Errorf("update the channel: %v", err)
		}
		if err := st.DeleteWebhook(admin, channel.ID, nil); code(err) != model.ENotFound {
			t.Errorf("delete the channel: %v", err)
		}
		// The same answers as for an id nobody has.
		if _, err := st.GetWebhook(admin, 987654); code(err) != model.ENotFound {
			t.Errorf("a missing webhook: %v", err)
		}
		// Untouched, and still delivering.
		again, err := st.EnsureMailChannel(sys, []string{"need.assigned"}, true)
		if err != nil || again.ID != channel.ID || again.Version != channel.Version || again.URL != store.MailChannelURL || !again.Active {
			t.Errorf("the channel after the calls: %+v, %v", again, err)
		}
		n := f.create(t, f.as("cw_haizhou"), f.newNeed())
		if _, err := st.AssignNeed(f.as("cw_haizhou"), n.ID, model.NeedAssign{VolunteerID: &f.wang.ID}); err != nil {
			t.Fatal(err)
		}
		if c, err := st.EnqueueDeliveries(sys); err != nil || c != 2 {
			t.Errorf("deliveries for the webhook and the channel = %d, %v", c, err)
		}
	})
}

func TestLedgerAndStats(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		a := f.create(t, cw, f.newNeed(func(in *model.NeedInput) { in.FamilyMemberID = &f.mother.ID }))
		b := f.create(t, cw, f.newNeed(func(in *model.NeedInput) { in.Category = "psychological"; in.Kind = "counselling"; in.Urgency = "low" }))
		f.create(t, f.as("cw_xinqiu"), f.newNeed(func(in *model.NeedInput) { in.PersonID = f.liu.ID }))
		st.AssignNeed(cw, a.ID, model.NeedAssign{VolunteerID: &f.wang.ID})
		clock.Advance(3 * time.Hour)
		st.ResolveNeed(cw, a.ID, model.NeedStep{Resolution: "已安排助老员"})
		st.CloseNeed(cw, a.ID, model.NeedStep{Satisfaction: ptr(5)})
		clock.Advance(2 * time.Hour) // the Xinqiu case is overdue now

		var rows []model.LedgerRow
		collect := func(r model.LedgerRow) error { rows = append(rows, r); return nil }
		n, err := st.LedgerRows(f.as("cw_city"), model.LedgerFilter{RegionCode: "210902"}, collect)
		if err != nil || n != 2 || len(rows) != 2 {
			t.Fatalf("ledger = %d rows, %v", n, err)
		}
		r := rows[0]
		if r.NeedID != a.ID || r.PersonName != "张伟" || r.InstitutionName != "阜新市中心医院" || r.FamilyCount != 1 || len(r.FamilyCareNeeds) != 1 ||
			r.FamilyMemberName != "李秀英" || r.Measures != "已安排助老员" || r.Responsible != "王芳" || r.Status != "closed" || r.Satisfaction == nil {
			t.Errorf("ledger row = %+v", r)
		}
		// The leader sees aggregates only: the ledger's summary, not its rows.
		for _, who := range []string{"leader_city", "vol_wang", "finance_city", "worker_zhang", "instadmin_hz"} {
			if _, err := st.LedgerRows(f.as(who), model.LedgerFilter{}, collect); code(err) != model.EForbidden {
				t.Errorf("%s exports the ledger: %v", who, err)
			}
		}
		sum, err := st.LedgerSummary(f.as("leader_city"), model.LedgerFilter{})
		if err != nil || sum.Total != model.Suppressed || sum.Cells[0][4] != model.Suppressed {
			t.Errorf("leader's ledger summary = %+v, %v", sum, err)
		}
		audit, _ := st.ListAudit(testutil.As(auditor()), model.AuditFilter{Action: "ledger.export"})
		if audit.Total != 2 {
			t.Errorf("%d ledger exports audited, want 2", audit.Total)
		}

		stats, err := st.NeedStats(f.as("cw_city"), model.NeedStatsFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if stats.Total != 3 || stats.Active != 2 || stats.Overdue != 1 || stats.Resolved != 1 || stats.MedianResolve() != 3*time.Hour || stats.MeanSatisfaction != 5 ||
			stats.Suppressed {
			t.Errorf("stats = %+v", stats)
		}
		// The leader sees the same figures with the cells under 5 suppressed,
		// and no median or mean resting on fewer than 5 cases.
		stats, err = st.NeedStats(f.as("leader_city"), model.NeedStatsFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if !stats.Suppressed || stats.Total != model.Suppressed || stats.Escalated != 0 || stats.MedianResolveSeconds != 0 || stats.MeanSatisfaction != 0 ||
			stats.Visits == nil || stats.Visits.People != model.Suppressed {
			t.Errorf("leader's stats = %+v", stats)
		}
		stats, _ = st.NeedStats(f.as("counselor_hz"), model.NeedStatsFilter{})
		if stats.Total != 1 || len(stats.Counts) != 1 || stats.Counts[0].Category != "psychological" {
			t.Errorf("counselor stats = %+v (case %d)", stats, b.ID)
		}
		if _, err := st.NeedStats(f.as("finance_city"), model.NeedStatsFilter{}); code(err) != model.EForbidden {
			t.Errorf("finance reads need stats: %v", err)
		}
	})
}
