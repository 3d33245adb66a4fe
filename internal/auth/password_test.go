package auth

import (
	"regexp"
	"testing"
)

func TestOneTimePasswordsPassThePolicyAndDiffer(t *testing.T) {
	shape := regexp.MustCompile(`^[A-HJ-NP-Za-km-z2-9]{4}(-[A-HJ-NP-Za-km-z2-9]{4}){3}$`)
	seen := map[string]bool{}
	for range 200 {
		p := OneTimePassword()
		if !shape.MatchString(p) {
			t.Fatalf("%q is not four groups of four readable characters", p)
		}
		if key := DefaultPasswordPolicy.Check(p); key != "" {
			t.Fatalf("%q breaks the policy: %s", p, key)
		}
		if seen[p] {
			t.Fatalf("%q came twice", p)
		}
		seen[p] = true
	}
}
