package store_test

import (
	"fmt"
	"testing"
	"time"

	"houdun/internal/ident"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// benchRegistry fills a fresh SQLite store with n people spread over the
// seven districts of Fuxin, through the bulk import path.
func benchRegistry(b *testing.B, n int) (*store.Store, []int64) {
	b.Helper()
	st := testutil.NewStore(b, store.SQLite, nil)
	sys := testutil.System()
	districts := benchDistricts
	var insts []int64
	for i := 0; i < 21; i++ {
		in, err := st.CreateInstitution(sys, model.InstitutionInput{Name: ptr(fmt.Sprintf("医院%02d", i)), Type: ptr("hospital"), RegionCode: ptr(districts[i%7])})
		if err != nil {
			b.Fatal(err)
		}
		insts = append(insts, in.ID)
	}
	rows := make([]store.PersonRow, n)
	today := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	surnames := []rune("王李张刘陈杨赵黄周吴")
	for i := range rows {
		f := model.PersonFields{
			Name:          string(surnames[i%10]) + fmt.Sprintf("某%d", i),
			IDNumber:      benchID(i),
			Phone:         fmt.Sprintf("139%08d", i),
			InstitutionID: insts[i%len(insts)],
			Occupation:    model.Occupations[i%len(model.Occupations)],
			Frontline:     i%5 < 2,
		}
		if fe := f.Normalize(today); len(fe) > 0 {
			b.Fatalf("row %d: %v", i, fe)
		}
		rows[i] = store.PersonRow{Row: i + 2, Fields: f}
	}
	if _, err := st.ImportPeople(sys, rows, store.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	return st, insts
}

var benchDistricts = []string{"210902", "210903", "210904", "210905", "210911", "210921", "210922"}

// benchID gives person i a unique, valid ID number in district i%7.
func benchID(i int) string {
	birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/7000)
	return ident.MakeIDNumber(benchDistricts[i%7], birth, (i/7)%1000)
}

// BenchmarkListPeople measures the people list a district case worker opens
// most: the first page of the district, a name search, and an exact ID search.
func BenchmarkListPeople(b *testing.B) {
	st, _ := benchRegistry(b, 100_000)
	ctx := caseworker("210902")
	id := benchID(7 * 1234)
	cases := []struct {
		name string
		f    model.PersonFilter
	}{
		{"district first page", model.PersonFilter{}},
		{"district page 20", model.PersonFilter{Page: model.Page{Limit: 50, Offset: 1000}}},
		{"name search", model.PersonFilter{Q: "王某7"}},
		{"exact ID number", model.PersonFilter{IDNumber: id}},
		{"frontline doctors", model.PersonFilter{Frontline: ptr(true), Occupation: "doctor"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := st.ListPeople(ctx, c.f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// The same exact search without its audit row (as an export's pages
	// run): the difference is what auditing each list costs.
	b.Run("exact ID number, not audited", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.ListPeople(store.Covered(ctx), model.PersonFilter{IDNumber: id}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
