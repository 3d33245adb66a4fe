package casework_test

import (
	"testing"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/model"
)

// TestWhoMayTakeAStep is the one table of step rights: the store enforces
// it and the case page offers exactly what it grants.
func TestWhoMayTakeAStep(t *testing.T) {
	caseworker := &auth.Principal{UserID: 7, Role: auth.RoleCaseworker}
	volunteer := &auth.Principal{UserID: 9, Role: auth.RoleVolunteer}
	counselor := &auth.Principal{UserID: 7, Role: auth.RoleCounselor}
	leader := &auth.Principal{UserID: 5, Role: auth.RoleLeader}
	for _, tc := range []struct {
		name string
		p    *auth.Principal
		own  bool
		a    casework.Action
		want bool
	}{
		{"a case worker assigns", caseworker, false, casework.Assign, true},
		{"a case worker closes another's case", caseworker, false, casework.Close, true},
		{"a case worker resolves another's case", caseworker, false, casework.Resolve, true},
		{"a volunteer starts their case", volunteer, true, casework.Start, true},
		{"a volunteer does not start another's case", volunteer, false, casework.Start, false},
		{"a volunteer does not assign", volunteer, true, casework.Assign, false},
		{"a volunteer does not close", volunteer, true, casework.Close, false},
		{"a volunteer does not reopen", volunteer, true, casework.Reopen, false},
		{"a counselor resolves their own case", counselor, true, casework.Resolve, true},
		{"a counselor does not resolve another's case", counselor, false, casework.Resolve, false},
		{"a leader takes no step", leader, true, casework.Start, false},
		{"an unknown action is refused", caseworker, true, casework.Action("delete"), false},
	} {
		if got := casework.MayStep(tc.p.Can, tc.a, tc.own); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestTheStepsOffered: the status allows, the right grants.
func TestTheStepsOffered(t *testing.T) {
	volunteer := &auth.Principal{UserID: 9, Role: auth.RoleVolunteer}
	got := casework.Offered(volunteer.Can, model.NeedAssigned, true)
	if len(got) != 2 || got[0] != casework.Start || got[1] != casework.Resolve {
		t.Errorf("a volunteer's own assigned case offers %v, want start and resolve", got)
	}
	if got := casework.Offered(volunteer.Can, model.NeedAssigned, false); len(got) != 0 {
		t.Errorf("another's case offers a volunteer %v", got)
	}
	caseworker := &auth.Principal{UserID: 7, Role: auth.RoleCaseworker}
	if got := casework.Offered(caseworker.Can, model.NeedClosed, false); len(got) != 1 || got[0] != casework.Reopen {
		t.Errorf("a closed case offers a case worker %v, want reopen", got)
	}
}

func TestAssignedTo(t *testing.T) {
	me, other := int64(7), int64(8)
	for _, tc := range []struct {
		name            string
		user, volunteer *int64
		want            bool
	}{
		{"assigned to the account", &me, nil, true},
		{"assigned to another account", &other, nil, false},
		{"assigned to the account's volunteer record", nil, &me, true},
		{"assigned to another's volunteer record", nil, &other, false},
		{"unassigned", nil, nil, false},
	} {
		if got := casework.AssignedTo(me, tc.user, tc.volunteer); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if casework.AssignedTo(0, nil, nil) {
		t.Error("no account is assigned a case")
	}
}
