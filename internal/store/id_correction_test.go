package store_test

import (
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/ident"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestAnIDNumberChangeWaitsForASecondPersonAndTellsNothing: changing a
// registered person's ID number files a correction request, answered the
// same whether the new number is free or registered outside the caller's
// scope; a number registered to someone the caller sees is a conflict. A
// second person of a team covering the record(s) decides: the free number is
// applied with its birth date and sex, the taken one cannot be.
func TestAnIDNumberChangeWaitsForASecondPersonAndTellsNothing(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		w := seed(t, st)
		requester := testutil.As(&auth.Principal{UserID: 101, Username: "cw-haizhou", Role: auth.RoleCaseworker, RegionCode: "210902"})
		colleague := testutil.As(&auth.Principal{UserID: 102, Username: "cw-haizhou-2", Role: auth.RoleCaseworker, RegionCode: "210902"})
		city := testutil.As(&auth.Principal{UserID: 103, Username: "cw-city", Role: auth.RoleCaseworker, RegionCode: "2109"})

		nurse, err := st.CreatePerson(requester, newPerson("陈静", idNumber(31), w.haizhou.ID))
		if err != nil {
			t.Fatal(err)
		}
		neighbour, err := st.CreatePerson(requester, newPerson("孙丽", idNumber(33), w.haizhou.ID))
		if err != nil {
			t.Fatal(err)
		}
		elsewhere, err := st.CreatePerson(city, newPerson("刘洋", idNumber(35), w.xinqiu.ID))
		if err != nil {
			t.Fatal(err)
		}
		free := ident.MakeIDNumber("210902", time.Date(1990, 3, 8, 0, 0, 0, 0, time.UTC), 42) // an even sequence: female

		// A number the requester can see registered to someone else: a plain conflict, nothing written.
		if _, err := st.UpdatePerson(requester, nurse.ID, model.PersonInput{IDNumber: ptr(idNumber(33)), Title: ptr("副主任护师")}); code(err) != model.EConflict {
			t.Fatalf("a number of a neighbour in scope: %v, want a conflict", err)
		}
		// The free number and the one registered elsewhere answer alike.
		answers := map[string]model.Person{}
		for _, c := range []struct{ what, number string }{{"free", free}, {"elsewhere", idNumber(35)}} {
			what, number := c.what, c.number
			p, err := st.UpdatePerson(requester, nurse.ID, model.PersonInput{IDNumber: ptr(number)})
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if p.IDNumberCorrection == 0 || p.IDNumberMasked != ident.MaskIDNumber(idNumber(31)) || p.BirthDate != nurse.BirthDate {
				t.Errorf("%s: %+v, want the old number kept and a correction request", what, p)
			}
			answers[what] = p
		}
		if answers["free"].IDNumberCorrection != answers["elsewhere"].IDNumberCorrection {
			t.Errorf("a second change while one waits files a new request: %d and %d", answers["free"].IDNumberCorrection, answers["elsewhere"].IDNumberCorrection)
		}
		req := answers["elsewhere"].IDNumberCorrection
		// The requester sees only what they asked for, and cannot decide it;
		// the view is the same as of a correction to a free number.
		mine, err := st.GetTransfer(requester, req)
		if err != nil || mine.Kind != model.TransferKindIDNumber || mine.RequestedIDNumberMasked != ident.MaskIDNumber(idNumber(35)) || mine.CanDecide {
			t.Fatalf("requester's view: %+v, %v", mine, err)
		}
		other, err := st.UpdatePerson(requester, neighbour.ID, model.PersonInput{IDNumber: ptr(ident.MakeIDNumber("210902", time.Date(1991, 1, 2, 0, 0, 0, 0, time.UTC), 7))})
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := st.GetTransfer(requester, other.IDNumberCorrection)
		if err != nil {
			t.Fatal(err)
		}
		same := func(v model.Transfer) [6]any {
			return [6]any{v.PersonName, v.IDNumberMasked, v.FromInstitutionID, v.FromRegionCode, v.ApproverRegionCode, v.CanDecide}
		}
		if same(mine) != same(theirs) {
			t.Errorf("the requester tells a number registered elsewhere (%v) from a free one (%v)", same(mine), same(theirs))
		}
		if _, err := st.RejectTransfer(colleague, theirs.ID, model.TransferDecision{Reason: "号码有误"}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ApproveTransfer(requester, req, model.TransferDecision{}); code(err) != model.EForbidden {
			t.Errorf("the requester approves their own correction: %v", err)
		}
		// Registered in 新邱区: the district colleague does not reach it, the city team decides and cannot approve it.
		if _, err := st.GetTransfer(colleague, req); code(err) != model.ENotFound {
			t.Errorf("the district colleague sees a correction to a number registered in another district: %v", err)
		}
		if _, err := st.ApproveTransfer(city, req, model.TransferDecision{}); code(err) != model.EConflict {
			t.Errorf("approving a number registered to %d: %v, want a conflict", elsewhere.ID, err)
		}
		if _, err := st.RejectTransfer(city, req, model.TransferDecision{Reason: "与新邱区在册人员重复，请核实"}); err != nil {
			t.Fatal(err)
		}

		// The free number: the colleague in the district decides, and it takes effect.
		p, err := st.UpdatePerson(requester, nurse.ID, model.PersonInput{IDNumber: ptr(free)})
		if err != nil || p.IDNumberCorrection == 0 || p.IDNumberCorrection == req {
			t.Fatalf("a new correction after the rejection: %+v, %v", p, err)
		}
		got, err := st.ApproveTransfer(colleague, p.IDNumberCorrection, model.TransferDecision{})
		if err != nil || got.Status != model.TransferApproved {
			t.Fatalf("approve: %+v, %v", got, err)
		}
		after, err := st.GetPerson(requester, nurse.ID, true)
		if err != nil || after.IDNumber != free || after.BirthDate != "1990-03-08" || after.Sex != "female" {
			t.Errorf("after approval: %+v, %v", after, err)
		}
		// The old number is free again; the neighbour kept theirs.
		if _, err := st.UpdatePerson(requester, neighbour.ID, model.PersonInput{Title: ptr("护师")}); err != nil {
			t.Errorf("the neighbour: %v", err)
		}
	})
}
