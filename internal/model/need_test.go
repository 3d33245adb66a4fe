package model

import "testing"

func TestAKindMustBelongToItsCategory(t *testing.T) {
	for _, c := range []struct {
		category, kind string
		ok             bool
	}{
		{CategoryPsychological, KindMeals, false},
		{CategoryPsychological, KindCounselling, true},
		{CategoryLiving, KindMeals, true},
		{CategoryLiving, KindPPE, false},
		{CategorySafety, KindPPE, true},
		{CategoryHumanistic, KindDiscrimination, true},
		{CategoryOther, KindLegal, true},
		{CategorySafety, KindOther, true},
	} {
		in := NeedInput{PersonID: 1, Category: c.category, Kind: c.kind, Urgency: UrgencyNormal, Source: SourceVisit, Description: "x"}
		fe := in.Normalize()
		if got := fe["kind"]; (got.Key == "") != c.ok {
			t.Errorf("%s with %s: kind error %q, want ok=%v", c.category, c.kind, got.Key, c.ok)
		}
	}
	// Every category's kinds are kinds.
	for cat, kinds := range NeedKindsByCategory {
		for _, k := range kinds {
			if !Contains(NeedKinds, k) {
				t.Errorf("%s lists unknown kind %s", cat, k)
			}
		}
	}
	for _, cat := range NeedCategories {
		if _, ok := NeedKindsByCategory[cat]; !ok {
			t.Errorf("category %s has no kinds", cat)
		}
	}
}
