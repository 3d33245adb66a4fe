package store_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// admins are the three separated administrators of 阜新市 (2109), made on the
// command line as the first accounts of a deployment are.
type admins struct {
	sysadmin, secadmin, auditor context.Context
	sysID, secID                int64
}

func makeAdmins(t *testing.T, st *store.Store) admins {
	t.Helper()
	var a admins
	for _, role := range []string{auth.RoleSysadmin, auth.RoleSecadmin, auth.RoleAuditor} {
		u, err := st.CreateUser(testutil.System(), model.UserInput{Username: ptr(role + "1"), Role: ptr(role), RegionCode: ptr("2109"), Password: ptr("Adm1n-pass!")})
		if err != nil {
			t.Fatal(err)
		}
		ctx := testutil.As(&auth.Principal{UserID: u.ID, Username: u.Username, Role: role, RegionCode: "2109"})
		switch role {
		case auth.RoleSysadmin:
			a.sysadmin, a.sysID = ctx, u.ID
		case auth.RoleSecadmin:
			a.secadmin, a.secID = ctx, u.ID
		default:
			a.auditor = ctx
		}
	}
	return a
}

// denials returns the details of the access.denied rows about account id
// (0: about any account).
func denials(t *testing.T, st *store.Store, a admins, id int64) []string {
	t.Helper()
	f := model.AuditFilter{Action: store.ActDenied, ObjectType: "user"}
	if id != 0 {
		f.ObjectID = strconv.FormatInt(id, 10)
	}
	list, err := st.ListAudit(a.auditor, f)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list.Items {
		out = append(out, e.Detail)
	}
	return out
}

func login(st *store.Store, username, password string) (string, *auth.Principal, error) {
	return st.Login(context.Background(), store.Credentials{Username: username, Password: password, IP: "127.0.0.1", UserAgent: "test"}, store.DefaultSessionPolicy)
}

func wantCode(t *testing.T, what string, err error, want model.Code, key string) {
	t.Helper()
	if e := model.AsError(err); err == nil || e.Code != want || key != "" && e.Msg.Key != key && e.Fields["role"].Key != key && e.Fields["password"].Key != key {
		t.Errorf("%s: %v (%+v), want %s %s", what, err, e, want, key)
	}
}

func TestAdministratorsNeverReachBusinessData(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		a := makeAdmins(t, st)
		cw := model.UserInput{Username: ptr("cw-new"), Role: ptr(auth.RoleCaseworker), RegionCode: ptr("210902"), Password: ptr("Fr0ntline!2026")}

		t.Run("secadmin may not make an account", func(t *testing.T) {
			_, err := st.CreateUser(a.secadmin, model.UserInput{Username: ptr("cw-sec"), Role: ptr(auth.RoleCaseworker), RegionCode: ptr("210902"), Password: ptr("Fr0ntline!2026")})
			wantCode(t, "secadmin creates", err, model.EForbidden, "user.create_sysadmin_only")
			if d := denials(t, st, a, 0); !slices.Contains(d, "create_not_sysadmin") {
				t.Errorf("denials %v lack create_not_sysadmin", d)
			}
		})

		u, err := st.CreateUser(a.sysadmin, cw)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("an account sysadmin makes waits for its role and cannot log in", func(t *testing.T) {
			if !u.RolePending || !u.PasswordChangeRequired {
				t.Errorf("new account %+v: want role pending and a one-time password", u)
			}
			_, _, err := login(st, "cw-new", "Fr0ntline!2026")
			wantCode(t, "login before the grant", err, model.EForbidden, "login.role_pending")
		})

		t.Run("sysadmin may not grant the role", func(t *testing.T) {
			_, err := st.UpdateUser(a.sysadmin, u.ID, model.UserInput{Role: ptr(auth.RoleCaseworker)})
			wantCode(t, "sysadmin grants", err, model.EForbidden, "user.cannot_grant")
			_, err = st.GrantUser(a.sysadmin, u.ID)
			wantCode(t, "sysadmin GrantUser", err, model.EForbidden, "")
			if d := denials(t, st, a, u.ID); !slices.Contains(d, "grant_not_secadmin") {
				t.Errorf("denials %v lack grant_not_secadmin", d)
			}
		})

		t.Run("secadmin may not reset a password, rename or disable", func(t *testing.T) {
			for _, in := range []model.UserInput{{Password: ptr("An0ther-pass!")}, {DisplayName: ptr("x")}, {Disabled: ptr(true)}} {
				_, err := st.UpdateUser(a.secadmin, u.ID, in)
				wantCode(t, "secadmin upkeep", err, model.EForbidden, "user.upkeep_sysadmin_only")
			}
			_, err := st.UpdateUser(a.secadmin, u.ID, model.UserInput{Role: ptr(auth.RoleCaseworker), Password: ptr("An0ther-pass!")})
			wantCode(t, "grant and reset at once", err, model.EForbidden, "user.one_part")
			if d := denials(t, st, a, u.ID); !slices.Contains(d, "upkeep_not_sysadmin") || !slices.Contains(d, "grant_with_upkeep") {
				t.Errorf("denials %v", d)
			}
		})

		t.Run("a business account never becomes an administrator", func(t *testing.T) {
			_, err := st.UpdateUser(a.secadmin, u.ID, model.UserInput{Role: ptr(auth.RoleSysadmin)})
			wantCode(t, "caseworker to sysadmin", err, model.EInvalid, "user.role_kind_fixed")
		})

		var token string
		t.Run("secadmin grants; the first login must change the password before anything else", func(t *testing.T) {
			g, err := st.GrantUser(a.secadmin, u.ID)
			if err != nil || g.RolePending {
				t.Fatalf("grant: %+v, %v", g, err)
			}
			var p *auth.Principal
			token, p, err = login(st, "cw-new", "Fr0ntline!2026")
			if err != nil || !p.PasswordChangeRequired {
				t.Fatalf("login after the grant: %+v, %v", p, err)
			}
			ctx := auth.WithPrincipal(context.Background(), p)
			_, err = st.ListPeople(ctx, model.PersonFilter{})
			wantCode(t, "business data with a one-time password", err, model.EPasswordChange, "password.change_required")
			if err := st.ChangePassword(ctx, model.PasswordChange{Current: "Fr0ntline!2026", New: "Own-choice!2026"}, store.DefaultSessionPolicy); err != nil {
				t.Fatal(err)
			}
			p, err = st.Authenticate(context.Background(), token, "", store.DefaultSessionPolicy)
			if err != nil || p.PasswordChangeRequired {
				t.Fatalf("after the change: %+v, %v", p, err)
			}
			if _, err := st.ListPeople(auth.WithPrincipal(context.Background(), p), model.PersonFilter{}); err != nil {
				t.Errorf("after the change: %v", err)
			}
		})

		t.Run("sysadmin resets a password: it works once, the owner is told, the role waits again", func(t *testing.T) {
			r, err := st.UpdateUser(a.sysadmin, u.ID, model.UserInput{Password: ptr("Reset-by-sys!1")})
			if err != nil || !r.PasswordChangeRequired || !r.RolePending {
				t.Fatalf("reset: %+v, %v", r, err)
			}
			if _, err := st.Authenticate(context.Background(), token, "", store.DefaultSessionPolicy); err == nil {
				t.Error("the owner's session outlived the reset")
			}
			// sysadmin knows the password but cannot use it alone.
			_, _, err = login(st, "cw-new", "Reset-by-sys!1")
			wantCode(t, "sysadmin logs in as the caseworker", err, model.EForbidden, "login.role_pending")
			if _, err := st.GrantUser(a.secadmin, u.ID); err != nil {
				t.Fatal(err)
			}
			_, p, err := login(st, "cw-new", "Reset-by-sys!1")
			if err != nil || !p.PasswordChangeRequired {
				t.Fatalf("login after reset and grant: %+v, %v", p, err)
			}
			// The inbox is readable only after the change; the store refuses before.
			ctx := auth.WithPrincipal(context.Background(), p)
			if _, err := st.ListInbox(ctx, false, model.Page{}); model.ErrorCode(err) != model.EPasswordChange {
				t.Errorf("inbox before the change: %v", err)
			}
			if err := st.ChangePassword(ctx, model.PasswordChange{Current: "Reset-by-sys!1", New: "Mine-again!2026"}, store.DefaultSessionPolicy); err != nil {
				t.Fatal(err)
			}
			p.PasswordChangeRequired = false
			inbox, err := st.ListInbox(auth.WithPrincipal(context.Background(), p), false, model.Page{})
			if err != nil || len(inbox.Items) != 1 || inbox.Items[0].Kind != model.NotifyPasswordReset {
				t.Errorf("inbox = %+v, %v; want one password_reset", inbox, err)
			}
		})

		t.Run("nobody changes their own role, scope, lock state or password", func(t *testing.T) {
			for _, c := range []struct {
				who context.Context
				id  int64
				in  model.UserInput
			}{
				{a.secadmin, a.secID, model.UserInput{Role: ptr(auth.RoleCaseworker)}},
				{a.secadmin, a.secID, model.UserInput{Role: ptr(auth.RoleSysadmin)}},
				{a.secadmin, a.secID, model.UserInput{RegionCode: ptr("21")}},
				{a.sysadmin, a.sysID, model.UserInput{Disabled: ptr(true)}},
				{a.sysadmin, a.sysID, model.UserInput{Password: ptr("Self-reset!2026")}},
			} {
				_, err := st.UpdateUser(c.who, c.id, c.in)
				wantCode(t, "own account", err, model.EForbidden, "user.not_own")
			}
			if d := denials(t, st, a, a.secID); len(d) != 3 || d[0] != "own_account" {
				t.Errorf("secadmin's own denials = %v", d)
			}
			sec, err := st.GetUser(a.secadmin, a.secID)
			if err != nil || sec.Role != auth.RoleSecadmin || sec.RegionCode != "2109" {
				t.Errorf("secadmin now %+v, %v", sec, err)
			}
			if _, _, err := login(st, "secadmin1", "Adm1n-pass!"); model.ErrorCode(err) != model.EOTPEnrol {
				t.Errorf("secadmin logs in without a second factor: %v", err)
			}
		})

		t.Run("an administrator account never becomes a business one", func(t *testing.T) {
			aud, err := st.CreateUser(a.sysadmin, model.UserInput{Username: ptr("aud-new"), Role: ptr(auth.RoleAuditor), RegionCode: ptr("2109"), Password: ptr("Fr0ntline!2026")})
			if err != nil || !aud.RolePending {
				t.Fatalf("sysadmin makes an auditor account: %+v, %v", aud, err)
			}
			_, err = st.UpdateUser(a.secadmin, aud.ID, model.UserInput{Role: ptr(auth.RoleCaseworker), RegionCode: ptr("210902")})
			wantCode(t, "auditor to caseworker", err, model.EInvalid, "user.role_kind_fixed")
			if d := denials(t, st, a, aud.ID); !slices.Contains(d, "role_kind_fixed") {
				t.Errorf("denials %v", d)
			}
			if g, err := st.UpdateUser(a.secadmin, aud.ID, model.UserInput{Role: ptr(auth.RoleSecadmin)}); err != nil || g.Role != auth.RoleSecadmin || g.RolePending {
				t.Errorf("one administrator role for another: %+v, %v", g, err)
			}
		})
	})
}

func TestSecondFactorFollowsTheAccount(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		a := makeAdmins(t, st)
		sys := testutil.System()
		u, err := st.CreateUser(sys, model.UserInput{Username: ptr("cw-otp"), Role: ptr(auth.RoleCaseworker), RegionCode: ptr("210902"), Password: ptr("Fr0ntline!2026")})
		if err != nil {
			t.Fatal(err)
		}
		secret := "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
		if err := st.EnrolOTP(sys, u.Username, secret); err != nil {
			t.Fatal(err)
		}
		if _, _, err := login(st, "cw-otp", "Fr0ntline!2026"); model.ErrorCode(err) != model.EOTPRequired {
			t.Fatalf("a caseworker with an authenticator logs in without a code: %v", err)
		}
		res, err := st.BeginLogin(context.Background(), store.Credentials{Username: "cw-otp", Password: "Fr0ntline!2026"}, store.DefaultSessionPolicy)
		if err != nil || res.Token != "" || res.Step != store.StepOTP {
			t.Fatalf("web login: %+v, %v", res, err)
		}
		// With an authenticator, a reset does not hand the account over: the
		// code still stands between sysadmin and it, so no grant is needed.
		r, err := st.UpdateUser(a.sysadmin, u.ID, model.UserInput{Password: ptr("Reset-by-sys!1")})
		if err != nil || r.RolePending || !r.PasswordChangeRequired {
			t.Fatalf("reset: %+v, %v", r, err)
		}
		if _, _, err := login(st, "cw-otp", "Reset-by-sys!1"); model.ErrorCode(err) != model.EOTPRequired {
			t.Errorf("after the reset, without a code: %v", err)
		}
		_, p, err := st.Login(context.Background(), store.Credentials{Username: "cw-otp", Password: "Reset-by-sys!1", OTP: codeAt(t, secret, clock.Now())}, store.DefaultSessionPolicy)
		if err != nil || !p.PasswordChangeRequired {
			t.Errorf("with the code: %+v, %v", p, err)
		}
	})
}

func TestCommonPasswordsAreRefused(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		a := makeAdmins(t, st)
		for _, pw := range []string{"P@ssw0rd", "Password1", "Qwerty123", "1Qaz2wsx"} {
			_, err := st.CreateUser(a.sysadmin, model.UserInput{Username: ptr("cw-" + strings.ToLower(pw[:4])), Role: ptr(auth.RoleCaseworker), RegionCode: ptr("210902"), Password: ptr(pw)})
			wantCode(t, pw, err, model.EInvalid, "password.common")
		}
		u, err := st.CreateUser(testutil.System(), model.UserInput{Username: ptr("cw-c"), Role: ptr(auth.RoleCaseworker), RegionCode: ptr("210902"), Password: ptr("Fr0ntline!2026")})
		if err != nil {
			t.Fatal(err)
		}
		_, p, err := login(st, "cw-c", "Fr0ntline!2026")
		if err != nil {
			t.Fatal(err)
		}
		err = st.ChangePassword(auth.WithPrincipal(context.Background(), p), model.PasswordChange{Current: "Fr0ntline!2026", New: "P@ssw0rd"}, store.DefaultSessionPolicy)
		if e := model.AsError(err); e.Fields["new_password"].Key != "password.common" {
			t.Errorf("own change to a common password: %v", err)
		}
		_, err = st.UpdateUser(a.sysadmin, u.ID, model.UserInput{Password: ptr("Password1")})
		wantCode(t, "reset to a common password", err, model.EInvalid, "password.common")
	})
}

func TestLockedAndUnknownAnswerAlike(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		if _, err := st.CreateUser(testutil.System(), model.UserInput{Username: ptr("cw-l"), Role: ptr(auth.RoleCaseworker), RegionCode: ptr("210902"), Password: ptr("Fr0ntline!2026")}); err != nil {
			t.Fatal(err)
		}
		_, _, unknown := login(st, "no-such-user", "Wrong-pass-1")
		for i := 0; i < store.DefaultSessionPolicy.MaxFailures; i++ {
			_, _, err := login(st, "cw-l", "Wrong-pass-1")
			if model.AsError(err).Code != model.AsError(unknown).Code || model.AsError(err).Msg.Key != model.AsError(unknown).Msg.Key {
				t.Errorf("failure %d answers %v, an unknown name %v", i+1, err, unknown)
			}
		}
		for _, pw := range []string{"Wrong-pass-1", "Fr0ntline!2026"} {
			_, _, err := login(st, "cw-l", pw)
			if model.AsError(err).Code != model.AsError(unknown).Code || model.AsError(err).Msg.Key != model.AsError(unknown).Msg.Key {
				t.Errorf("locked, password %q: %v, an unknown name %v", pw, err, unknown)
			}
		}
	})
}
