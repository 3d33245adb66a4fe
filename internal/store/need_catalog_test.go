package store_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"houdun/internal/casework"
	"houdun/internal/i18n"
	"houdun/internal/model"
)

// TestNeedLabelsAndMessagesAreTranslated: every value of the needs ledger has
// a label, and every message key its code uses has a text, in both languages.
func TestNeedLabelsAndMessagesAreTranslated(t *testing.T) {
	lists := map[string][]string{
		"need.category.":     model.NeedCategories,
		"need.kind.":         model.NeedKinds,
		"need.urgency.":      model.NeedUrgencies,
		"need.source.":       model.NeedSources,
		"need.status.":       model.NeedStatuses,
		"visit.channel.":     model.VisitChannels,
		"visit.target.":      model.VisitTargets,
		"volunteer.skill.":   model.VolunteerSkills,
		"notification.kind.": model.NotificationKinds,
		"outbox_event.":      model.OutboxEvents,
		"delivery.status.":   {model.DeliveryPending, model.DeliveryDelivered, model.DeliveryFailed},
		"need.event.": {model.EventCreated, model.EventAssigned, model.EventStarted, model.EventResolved, model.EventClosed,
			model.EventRejected, model.EventReopened, model.EventEscalated},
	}
	for _, a := range casework.Actions {
		lists["need.action."] = append(lists["need.action."], string(a))
	}
	for _, s := range casework.Settings {
		lists["setting."] = append(lists["setting."], s.Name)
	}
	var keys []string
	for prefix, values := range lists {
		for _, v := range values {
			keys = append(keys, prefix+v)
		}
	}
	// Message keys written in the code of the needs ledger.
	files, _ := filepath.Glob("*.go")
	more, _ := filepath.Glob("../model/*.go")
	files = append(files, more...)
	more, _ = filepath.Glob("../casework/*.go")
	files = append(files, more...)
	key := regexp.MustCompile(`"((?:need|visit|volunteer|pairing|webhook|setting|notification)\.[a-z_.]+[a-z])"`)
	mine := regexp.MustCompile(`^(need|visit|volunteer|pairing|setting|notification|casework)`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || !mine.MatchString(filepath.Base(f)) && filepath.Dir(f) != "../casework" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(src), -1) {
			keys = append(keys, m[1])
		}
	}
	ignore := regexp.MustCompile(`^(need\.deadline\.[a-z]+|need\.(read|write|create|assign|start|resolve|close|reject|reopen|escalate|report|progress|created|assigned|started|resolved|closed|rejected|reopened|escalated|due_soon|overdue)|visit\.(interval_days|interval_days_care|read|write|create)|volunteer\.(manage|create|update|delete|reveal)|pairing\.(create|update|delete)|webhook\.(manage|create|update|delete)|setting\.(write|update|delete)|notification\.read)$`)
	for _, k := range keys {
		if ignore.MatchString(k) {
			continue // permissions, audit actions, outbox events, setting names
		}
		zh, en := i18n.Texts(k)
		if !i18n.Has(k) || zh == "" || en == "" {
			t.Errorf("no text for %s", k)
		}
	}
	// The conflict message renders both its arguments in each language.
	for _, lang := range i18n.Langs {
		got := lang.Msg(model.M("need.transition", model.M("need.action.close"), model.M("need.status.open")))
		if got == "" || regexp.MustCompile(`%!|MISSING|EXTRA`).MatchString(got) {
			t.Errorf("%s: %q", lang, got)
		}
		t.Logf("%s: %s", lang, got)
	}
}
