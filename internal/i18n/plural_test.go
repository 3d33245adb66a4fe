package i18n

import (
	"strings"
	"testing"
)

func TestEnglishCountsOfOneAreSingular(t *testing.T) {
	for _, c := range []struct {
		key  string
		n    any
		want string
	}{
		{"web.users.total", 1, "1 account"},
		{"web.users.total", 2, "2 accounts"},
		{"web.users.total", 0, "0 accounts"},
		{"need.escalation_level", 1, "Escalated 1 level"},
		{"need.escalation_level", 3, "Escalated 3 levels"},
		{"login.locked", int64(1), "try again in 1 minute"},
		{"web.visits_due.days", 1, "1 day"},
	} {
		if got := T(EN, c.key, c.n); !strings.HasSuffix(got, c.want) {
			t.Errorf("%s with %v: %q, want it to end in %q", c.key, c.n, got, c.want)
		}
	}
	if got := T(ZH, "web.users.total", 1); got != "共 1 个账号" {
		t.Errorf("Chinese: %q", got)
	}
}

func TestEverySingularHasItsKeyAndNoTextSaysItsPluralInBrackets(t *testing.T) {
	for key, one := range singulars {
		pair, ok := messages[key]
		if !ok {
			t.Errorf("singular of %s, which the catalogue lacks", key)
			continue
		}
		if strings.Count(one, "%") != strings.Count(pair[1], "%") {
			t.Errorf("%s: singular %q and plural %q take different arguments", key, one, pair[1])
		}
	}
	for key, pair := range messages {
		if strings.Contains(pair[1], "(s)") {
			t.Errorf("%s: %q: write the plural, and add the singular with addSingular", key, pair[1])
		}
	}
}
