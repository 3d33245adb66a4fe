package store_test

import (
	"testing"

	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

func TestVolunteerRegistry(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		if f.wang.PhoneMasked != "137****2222" || f.wang.Phone != "" || f.wang.Username != "vol_wang" || !f.wang.Available || !f.wang.Active ||
			len(f.wang.Skills) != 2 || f.wang.Skills[0] != "eldercare" {
			t.Fatalf("volunteer = %+v", f.wang)
		}
		full, err := st.GetVolunteer(cw, f.wang.ID, true)
		if err != nil || full.Phone != "13700002222" {
			t.Fatalf("reveal = %q, %v", full.Phone, err)
		}
		cases := []struct {
			name  string
			ctx   string
			in    model.VolunteerInput
			code  model.Code
			field string
		}{
			{"account linked twice", "cw_haizhou", model.VolunteerInput{Name: ptr("王芳2"), Phone: ptr("13700002223"), RegionCode: ptr("210902"), Username: ptr("vol_wang")}, model.EConflict, "username"},
			{"not a volunteer account", "cw_haizhou", model.VolunteerInput{Name: ptr("x"), Phone: ptr("13700002223"), RegionCode: ptr("210902"), Username: ptr("cw_haizhou2")}, model.EInvalid, "username"},
			{"region out of scope", "cw_haizhou", model.VolunteerInput{Name: ptr("x"), Phone: ptr("13700002223"), RegionCode: ptr("210903")}, model.EInvalid, "region_code"},
			{"unknown region", "cw_city", model.VolunteerInput{Name: ptr("x"), Phone: ptr("13700002223"), RegionCode: ptr("219999")}, model.EInvalid, "region_code"},
			{"bad phone", "cw_haizhou", model.VolunteerInput{Name: ptr("x"), Phone: ptr("12345"), RegionCode: ptr("210902")}, model.EInvalid, "phone"},
			{"unknown skill", "cw_haizhou", model.VolunteerInput{Name: ptr("x"), Phone: ptr("13700002223"), RegionCode: ptr("210902"), Skills: ptr([]string{"juggling"})}, model.EInvalid, "skills"},
			{"no name", "cw_haizhou", model.VolunteerInput{Phone: ptr("13700002223"), RegionCode: ptr("210902")}, model.EInvalid, "name"},
			{"volunteer registers", "vol_wang", model.VolunteerInput{Name: ptr("x"), Phone: ptr("13700002223"), RegionCode: ptr("210902")}, model.EForbidden, ""},
		}
		for _, c := range cases {
			_, err := st.CreateVolunteer(f.as(c.ctx), c.in)
			if code(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			} else if c.field != "" {
				if _, ok := fieldOf(err)[c.field]; !ok {
					t.Errorf("%s: no message on %s: %v", c.name, c.field, err)
				}
			}
		}
		up, err := st.UpdateVolunteer(cw, f.wang.ID, model.VolunteerInput{Available: ptr(false), Version: ptr(f.wang.Version)})
		if err != nil || up.Available || up.Version != 2 || up.Username != "vol_wang" {
			t.Fatalf("update = %+v, %v", up, err)
		}
		if _, err := st.UpdateVolunteer(cw, f.wang.ID, model.VolunteerInput{Available: ptr(true), Version: ptr(f.wang.Version)}); code(err) != model.EStaleVersion {
			t.Errorf("stale update: %v", err)
		}
		// The city's volunteers serve its districts: the district lists them, but manages only its own.
		city, err := st.CreateVolunteer(f.as("cw_city"), model.VolunteerInput{Name: ptr("孙杰"), Phone: ptr("13700006666"), RegionCode: ptr("2109"), Skills: ptr([]string{"driving"})})
		if err != nil {
			t.Fatal(err)
		}
		l, _ := st.ListVolunteers(cw, model.VolunteerFilter{})
		if l.Total != 2 {
			t.Errorf("district lists %d volunteers, want 2", l.Total)
		}
		if l, _ := st.ListVolunteers(cw, model.VolunteerFilter{Skill: "driving"}); l.Total != 1 || l.Items[0].ID != city.ID {
			t.Errorf("by skill: %+v", l)
		}
		if l, _ := st.ListVolunteers(f.as("cw_xinqiu"), model.VolunteerFilter{}); l.Total != 1 {
			t.Errorf("Xinqiu lists %d volunteers, want the city's 1", l.Total)
		}
		if _, err := st.UpdateVolunteer(cw, city.ID, model.VolunteerInput{Available: ptr(false)}); code(err) != model.ENotFound {
			t.Errorf("district edits the city's volunteer: %v", err)
		}
		// One with a case is kept; one without may be deleted.
		n := f.create(t, cw, f.newNeed())
		if _, err := st.AssignNeed(cw, n.ID, model.NeedAssign{VolunteerID: &f.wang.ID}); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteVolunteer(cw, f.wang.ID, nil); code(err) != model.EConflict {
			t.Errorf("delete a volunteer with a case: %v", err)
		}
		if err := st.DeleteVolunteer(f.as("cw_city"), city.ID, nil); err != nil {
			t.Errorf("delete: %v", err)
		}
	})
}

func TestPairingsAndProposals(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		// 赵敏 is paired with 张伟's family but is not available in general; 钱进 drives; 孙丽 shops.
		zhao, _ := st.CreateVolunteer(cw, model.VolunteerInput{Name: ptr("赵敏"), Phone: ptr("13500004444"), RegionCode: ptr("210902"), Available: ptr(false)})
		qian, _ := st.CreateVolunteer(cw, model.VolunteerInput{Name: ptr("钱进"), Phone: ptr("13500005555"), RegionCode: ptr("210902"), Skills: ptr([]string{"driving"})})
		sun, _ := st.CreateVolunteer(f.as("cw_city"), model.VolunteerInput{Name: ptr("孙丽"), Phone: ptr("13500006666"), RegionCode: ptr("2109"), Skills: ptr([]string{"shopping"})})
		far, _ := st.CreateVolunteer(f.as("cw_xinqiu"), model.VolunteerInput{Name: ptr("周全"), Phone: ptr("13500007777"), RegionCode: ptr("210903"), Skills: ptr([]string{"shopping"})})
		pa, err := st.CreatePairing(cw, model.PairingInput{VolunteerID: &zhao.ID, PersonID: &f.zhang.ID, StartsOn: ptr("2026-02-01"), EndsOn: ptr("2026-06-30")})
		if err != nil {
			t.Fatal(err)
		}
		if !pa.Active || pa.VolunteerName != "赵敏" || pa.PersonName != "张伟" {
			t.Fatalf("pairing = %+v", pa)
		}
		cases := []struct {
			name string
			in   model.PairingInput
			code model.Code
		}{
			{"overlapping period", model.PairingInput{VolunteerID: &zhao.ID, PersonID: &f.zhang.ID, StartsOn: ptr("2026-06-01")}, model.EConflict},
			{"enclosing period", model.PairingInput{VolunteerID: &zhao.ID, PersonID: &f.zhang.ID, StartsOn: ptr("2026-01-01"), EndsOn: ptr("2026-12-31")}, model.EConflict},
			{"ends before it starts", model.PairingInput{VolunteerID: &zhao.ID, PersonID: &f.zhang.ID, StartsOn: ptr("2026-08-01"), EndsOn: ptr("2026-07-01")}, model.EInvalid},
			{"bad date", model.PairingInput{VolunteerID: &zhao.ID, PersonID: &f.zhang.ID, StartsOn: ptr("2026-13-01")}, model.EInvalid},
			{"person out of scope", model.PairingInput{VolunteerID: &zhao.ID, PersonID: &f.liu.ID, StartsOn: ptr("2026-03-01")}, model.ENotFound},
			{"volunteer out of reach", model.PairingInput{VolunteerID: &far.ID, PersonID: &f.zhang.ID, StartsOn: ptr("2026-03-01")}, model.EInvalid},
		}
		for _, c := range cases {
			if _, err := st.CreatePairing(cw, c.in); code(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
		}
		// The next period, after this one ends, is fine.
		if _, err := st.CreatePairing(cw, model.PairingInput{VolunteerID: &zhao.ID, PersonID: &f.zhang.ID, StartsOn: ptr("2026-07-01")}); err != nil {
			t.Errorf("following period: %v", err)
		}
		// Ending the first pairing earlier is an update that overlaps nothing.
		if _, err := st.UpdatePairing(cw, pa.ID, model.PairingInput{EndsOn: ptr("2026-05-31"), Version: &pa.Version}); err != nil {
			t.Errorf("end earlier: %v", err)
		}
		l, _ := st.ListPairings(cw, model.PairingFilter{PersonID: f.zhang.ID, ActiveOnly: true})
		if l.Total != 1 || l.Items[0].ID != pa.ID {
			t.Errorf("active pairings = %+v", l)
		}
		// Proposals for a supplies case of 张伟: the paired volunteer first, then
		// the available ones of the region whose skills match; 周全 is in another district.
		n := f.create(t, cw, f.newNeed(func(in *model.NeedInput) { in.Kind = "supplies" }))
		props, err := st.ProposedVolunteers(cw, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range props {
			names = append(names, p.Name)
		}
		if len(props) != 4 || props[0].ID != zhao.ID || !props[0].Paired || props[1].Paired {
			t.Fatalf("proposals = %v", names)
		}
		got := map[int64]bool{}
		for _, p := range props[1:] {
			got[p.ID] = true
		}
		if !got[f.wang.ID] || !got[qian.ID] || !got[sun.ID] {
			t.Errorf("proposals = %v", names)
		}
		if _, err := st.ProposedVolunteers(f.as("vol_wang"), n.ID); code(err) != model.EForbidden {
			t.Errorf("volunteer asks for proposals: %v", err)
		}
		if err := st.DeletePairing(cw, pa.ID, nil); err != nil {
			t.Fatal(err)
		}
	})
}
