package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/ident"
	"houdun/internal/model"
	"houdun/internal/seal"
)

// TestNeedCountsOfAnUnknownCategory: a case whose category is not in the
// model's list (none is written today; a category may be retired) is still
// counted, under its own name, with or without a period.
func TestNeedCountsOfAnUnknownCategory(t *testing.T) {
	sl, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "stats.db"), Options{Sealer: sl, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	sys := auth.WithPrincipal(context.Background(), auth.System())
	str := func(v string) *string { return &v }
	inst, err := s.CreateInstitution(sys, model.InstitutionInput{Name: str("医院"), Type: str("hospital"), RegionCode: str("210902")})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.CreatePerson(sys, model.PersonInput{Name: str("张伟"), IDNumber: str(ident.MakeIDNumber("210902", time.Date(1985, 5, 17, 0, 0, 0, 0, time.UTC), 7)),
		InstitutionID: &inst.ID, Occupation: str("doctor")})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := s.CreateNeed(sys, model.NeedInput{PersonID: p.ID, Category: "living", Kind: "other", Urgency: "low", Description: "d", Source: "hotline"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.write.Exec("UPDATE needs SET category = 'legacy' WHERE id = (SELECT MIN(id) FROM needs)"); err != nil {
		t.Fatal(err)
	}
	want := []model.NeedCount{{Category: "legacy", Status: "open", Count: 1}, {Category: "living", Status: "open", Count: 1}}
	for _, f := range []model.NeedStatsFilter{{}, {From: now.AddDate(0, 0, -1)}} {
		st, err := s.NeedStats(sys, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Counts) != 2 || st.Counts[0] != want[0] || st.Counts[1] != want[1] || st.Total != 2 {
			t.Errorf("%+v: counts %+v, total %d", f, st.Counts, st.Total)
		}
	}
}
