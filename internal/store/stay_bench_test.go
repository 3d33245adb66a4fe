package store_test

import (
	"strconv"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// BenchmarkOccupancyBoard reads the board of a 1,000-bed hotel (500 twin
// rooms on 20 floors) for one night, with 90 nights of history in it (every
// bed taken by back-to-back week-long stays: about 13,000 stays and 90,000
// bed-nights), as a district case worker: the audited read the page and
// GET /api/v1/sites/{id}/occupancy make. Target: under 50 ms (issue 10).
// The fixture is built with bulk inserts outside the timer; run with
//
//	go test ./internal/store -run '^$' -bench OccupancyBoard -benchtime 200x
//
// and HOUDUN_TEST_POSTGRES set for PostgreSQL too.
func BenchmarkOccupancyBoard(b *testing.B) {
	for _, engine := range testutil.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			st := testutil.NewStore(b, engine, nil)
			sys := testutil.System()
			inst, err := st.CreateInstitution(sys, model.InstitutionInput{Name: ptr("阜新市中心医院"), Type: ptr("hospital"), RegionCode: ptr("210902")})
			if err != nil {
				b.Fatal(err)
			}
			rows := make([]store.PersonRow, 1500)
			for i := range rows {
				f := model.PersonFields{Name: "医护" + string(rune('甲'+i%10)) + strconv.Itoa(i), IDNumber: benchID(7 * i), InstitutionID: inst.ID,
					Occupation: model.OccNurse, Frontline: true}
				if fe := f.Normalize(st.Now()); len(fe) > 0 {
					b.Fatalf("row %d: %v", i, fe)
				}
				rows[i] = store.PersonRow{Row: i + 2, Fields: f}
			}
			if _, err := st.ImportPeople(sys, rows, store.ImportOptions{}); err != nil {
				b.Fatal(err)
			}
			people, err := st.PeopleForTest(sys)
			if err != nil {
				b.Fatal(err)
			}
			ids := make([]int64, len(people))
			for i, p := range people {
				ids[i] = p.ID
			}
			cw := testutil.As(&auth.Principal{UserID: 1, Username: "cw", Role: auth.RoleCaseworker, RegionCode: "210902"})
			site, err := st.CreateSite(cw, model.SiteInput{Name: ptr("千床酒店"), Kind: ptr(model.SiteHotel), RegionCode: ptr("210902"), SeparatesHighRisk: ptr(true)})
			if err != nil {
				b.Fatal(err)
			}
			for floor := 1; floor <= 20; floor++ {
				f := strconv.Itoa(floor)
				if _, err := st.AddRooms(cw, site.ID, model.RoomsInput{Floor: f, Names: []string{f + "01-" + f + "25"}, Beds: 2}); err != nil {
					b.Fatal(err)
				}
			}
			from := "2026-01-01"
			n, err := st.BulkStaysForTest(sys, site.ID, ids, from, 90, 7)
			if err != nil {
				b.Fatal(err)
			}
			night := "2026-02-15"
			o, err := st.Occupancy(cw, site.ID, night)
			if err != nil || o.Beds != 1000 || o.Occupied != 1000 {
				b.Fatalf("board: %d beds, %d occupied, %v", o.Beds, o.Occupied, err)
			}
			b.Logf("%d stays in the fixture", n)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := st.Occupancy(cw, site.ID, night); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
