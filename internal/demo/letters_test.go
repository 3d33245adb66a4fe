package demo

import (
	"context"
	"testing"

	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// The demo shows the letters area filled: the city's template, the central
// hospital's letters in every delivery state (the worker's own sent), its
// nominations in every state and one work-injury case.
func TestFillLetters(t *testing.T) {
	st := testutil.NewStore(t, store.SQLite, nil)
	sum, err := Fill(context.Background(), st, Options{Seed: 3, People: testPeople})
	if err != nil {
		t.Fatal(err)
	}
	sys := testutil.System()
	if sum.Letters == 0 || sum.Commendations != len(demoDeeds) || sum.WorkInjuryCases != 1 {
		t.Fatalf("summary: %d letters, %d commendations, %d cases", sum.Letters, sum.Commendations, sum.WorkInjuryCases)
	}
	for _, s := range model.LetterStatuses {
		l, err := st.ListLetters(sys, model.LetterFilter{Status: s, Page: model.Page{Limit: 1}})
		if err != nil || l.Total == 0 {
			t.Errorf("no letter %s: %v", s, err)
		}
	}
	for _, s := range model.CommendationStatuses {
		c, err := st.ListCommendations(sys, model.CommendationFilter{Status: s, Page: model.Page{Limit: 1}})
		if err != nil || c.Total == 0 {
			t.Errorf("no commendation %s: %v", s, err)
		}
	}
	cases, err := st.ListWorkInjuryCases(sys, model.WorkInjuryFilter{})
	if err != nil || cases.Total != 1 || cases.Items[0].DocumentsDone != 4 {
		t.Errorf("work-injury cases: %+v %v", cases, err)
	}
}
