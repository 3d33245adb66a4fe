package store_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

const adminPassword = "Adm1n-pass!"

// admin creates an account of role scoped to region.
func admin(t *testing.T, st *store.Store, username, role, region string) model.User {
	t.Helper()
	u, err := st.CreateUser(testutil.System(), model.UserInput{Username: ptr(username), Role: ptr(role), RegionCode: ptr(region), Password: ptr(adminPassword)})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func creds(username, password, otp string) store.Credentials {
	return store.Credentials{Username: username, Password: password, OTP: otp, IP: "10.1.2.3", UserAgent: "test"}
}

// codeAt is the authenticator code of secret at t.
func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := auth.TOTPCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// auditDetails lists the detail of each audit row of action, oldest first.
func auditDetails(t *testing.T, st *store.Store, action string) []string {
	t.Helper()
	list, err := st.ListAudit(testutil.As(&auth.Principal{UserID: 1, Username: "aud", Role: auth.RoleAuditor}), model.AuditFilter{Action: action, Page: model.Page{Limit: 500}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(list.Items) - 1; i >= 0; i-- {
		out = append(out, list.Items[i].Outcome+":"+list.Items[i].Detail)
	}
	return out
}

func TestAnAdministratorEnrolsAtTheFirstLoginAndThenNeedsACode(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		pol := store.DefaultSessionPolicy
		ctx := context.Background()
		u := admin(t, st, "sec1", auth.RoleSecadmin, "2109")
		if u.TOTPEnrolled {
			t.Fatal("a new account is enrolled")
		}
		// The one-shot login of the API cannot enrol: it says where to go.
		if _, _, err := st.Login(ctx, creds("sec1", adminPassword, ""), pol); code(err) != model.EOTPEnrol {
			t.Fatalf("API login before enrolment: %v", err)
		}
		// A wrong password is still just a wrong password.
		if _, err := st.BeginLogin(ctx, creds("sec1", "Wrong-pass1", ""), pol); code(err) != model.EUnauthenticated {
			t.Fatalf("wrong password: %v", err)
		}
		res, err := st.BeginLogin(ctx, creds("sec1", adminPassword, ""), pol)
		if err != nil || res.Token != "" || res.Pending == "" || res.Step != store.StepEnrol || res.Key.Secret == "" || !strings.HasPrefix(res.Key.URI, "otpauth://totp/") {
			t.Fatalf("password step: %+v, %v", res, err)
		}
		secret := res.Key.Secret
		p, err := st.GetPendingLogin(ctx, res.Pending)
		if err != nil || p.UserID != u.ID || p.Username != "sec1" || p.Step != store.StepEnrol {
			t.Fatalf("pending login: %+v, %v", p, err)
		}
		if _, _, err := st.CompleteLogin(ctx, res.Pending, "", creds("", "", ""), pol); code(err) != model.EInvalid {
			t.Fatalf("empty code: %v", err)
		}
		if _, _, err := st.CompleteLogin(ctx, res.Pending, "000000", creds("", "", ""), pol); code(err) != model.EOTPInvalid {
			t.Fatalf("wrong code: %v", err)
		}
		if _, _, err := st.CompleteLogin(ctx, "forged-token", codeAt(t, res.Key.Secret, clock.Now()), creds("", "", ""), pol); code(err) != model.EUnauthenticated {
			t.Fatalf("a forged pending token: %v", err)
		}
		token, pr, err := st.CompleteLogin(ctx, res.Pending, codeAt(t, res.Key.Secret, clock.Now()), creds("", "", ""), pol)
		if err != nil || token == "" || pr.UserID != u.ID || pr.Role != auth.RoleSecadmin {
			t.Fatalf("enrolment: %+v, %v", pr, err)
		}
		if got, _ := st.GetUser(testutil.System(), u.ID); !got.TOTPEnrolled {
			t.Error("the account is not marked enrolled")
		}
		// The pending login is used up.
		if _, _, err := st.CompleteLogin(ctx, res.Pending, codeAt(t, secret, clock.Now().Add(30*time.Second)), creds("", "", ""), pol); code(err) != model.EUnauthenticated {
			t.Fatalf("pending login used twice: %v", err)
		}

		// From now on the password alone is not enough.
		if _, _, err := st.Login(ctx, creds("sec1", adminPassword, ""), pol); code(err) != model.EOTPRequired {
			t.Fatalf("API login without a code: %v", err)
		}
		// The code that enrolled cannot be used again…
		if _, _, err := st.Login(ctx, creds("sec1", adminPassword, codeAt(t, secret, clock.Now())), pol); code(err) != model.EOTPInvalid {
			t.Fatalf("a replayed code: %v", err)
		}
		// …but the next step's is (one step of skew), once.
		next := codeAt(t, secret, clock.Now().Add(30*time.Second))
		if _, pr, err := st.Login(ctx, creds("sec1", adminPassword, next), pol); err != nil || pr.UserID != u.ID {
			t.Fatalf("API login with the next code: %v", err)
		}
		if _, _, err := st.Login(ctx, creds("sec1", adminPassword, next), pol); code(err) != model.EOTPInvalid {
			t.Fatalf("the next code twice: %v", err)
		}
		// The web login asks for the code as its second step.
		clock.Advance(90 * time.Second)
		res, err = st.BeginLogin(ctx, creds("sec1", adminPassword, ""), pol)
		if err != nil || res.Step != store.StepOTP || res.Key.Secret != "" {
			t.Fatalf("second login's password step: %+v, %v", res, err)
		}
		if _, err := st.NewEnrolmentKey(ctx, res.Pending); code(err) != model.EConflict {
			t.Fatalf("a new key for an enrolled account: %v", err)
		}
		clock.Advance(20 * time.Second) // typing the code
		if _, _, err := st.CompleteLogin(ctx, res.Pending, codeAt(t, auth.DemoTOTPSecret("other"), clock.Now()), creds("", "", ""), pol); code(err) != model.EOTPInvalid {
			t.Fatalf("a code of another secret: %v", err)
		}
		if _, _, err := st.CompleteLogin(ctx, res.Pending, codeAt(t, secret, clock.Now()), creds("", "", ""), pol); err != nil {
			t.Fatalf("second login's code: %v", err)
		}
		got := auditDetails(t, st, store.ActLogin)
		want := []string{"failed:bad_password", "failed:bad_otp", "ok:", "failed:bad_otp", "ok:", "failed:bad_otp", "failed:bad_otp", "ok:"}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("login audit = %v, want %v", got, want)
		}
		if got := auditDetails(t, st, store.ActOTPEnrol); len(got) != 1 || got[0] != "ok:" {
			t.Errorf("enrolment audit = %v", got)
		}
	})
}

// enrol enrols an account through the web login's steps and returns its secret.
func enrol(t *testing.T, st *store.Store, clock *testutil.Clock, username string) string {
	t.Helper()
	pol := store.DefaultSessionPolicy
	res, err := st.BeginLogin(context.Background(), creds(username, adminPassword, ""), pol)
	if err != nil || res.Step != store.StepEnrol {
		t.Fatalf("enrol %s: %+v, %v", username, res, err)
	}
	if _, _, err := st.CompleteLogin(context.Background(), res.Pending, codeAt(t, res.Key.Secret, clock.Now()), creds("", "", ""), pol); err != nil {
		t.Fatalf("enrol %s: %v", username, err)
	}
	return res.Key.Secret
}

func TestWrongCodesCountTowardTheLockLikeWrongPasswords(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		pol := store.DefaultSessionPolicy
		ctx := context.Background()
		admin(t, st, "sys1", auth.RoleSysadmin, "2109")
		secret := enrol(t, st, clock, "sys1")
		clock.Advance(time.Minute)
		// Two wrong passwords and two wrong codes; a right password without a
		// code between them does not clear the count.
		for _, c := range []store.Credentials{creds("sys1", "Wrong-pass1", ""), creds("sys1", adminPassword, "123456"), creds("sys1", adminPassword, ""),
			creds("sys1", "Wrong-pass1", "123456"), creds("sys1", adminPassword, "654321")} {
			if _, _, err := st.Login(ctx, c, pol); code(err) == model.ELocked || err == nil {
				t.Fatalf("%+v: %v", c, err)
			}
		}
		// The web login's second step counts too: the fifth failure locks.
		res, err := st.BeginLogin(ctx, creds("sys1", adminPassword, ""), pol)
		if err != nil || res.Step != store.StepOTP {
			t.Fatalf("password step: %+v %v", res, err)
		}
		if _, _, err := st.CompleteLogin(ctx, res.Pending, "111111", creds("", "", ""), pol); code(err) != model.ELocked {
			t.Fatalf("fifth failure: %v", err)
		}
		// Locked: the right code does not help, the answer is the one an
		// unknown name gets, and the pending login is gone.
		if _, _, err := st.Login(ctx, creds("sys1", adminPassword, codeAt(t, secret, clock.Now())), pol); code(err) != model.EUnauthenticated {
			t.Fatalf("right code while locked: %v", err)
		}
		if _, _, err := st.CompleteLogin(ctx, res.Pending, codeAt(t, secret, clock.Now()), creds("", "", ""), pol); code(err) != model.EUnauthenticated {
			t.Fatalf("pending login after the lock: %v", err)
		}
		clock.Advance(31 * time.Minute)
		if _, _, err := st.Login(ctx, creds("sys1", adminPassword, codeAt(t, secret, clock.Now())), pol); err != nil {
			t.Fatalf("after the lock: %v", err)
		}
		got := strings.Join(auditDetails(t, st, store.ActLogin), ",")
		if !strings.Contains(got, "failed:bad_otp locked") || strings.Count(got, "failed:bad_otp") != 3 || strings.Count(got, "failed:bad_password") != 2 {
			t.Errorf("login audit = %s", got)
		}
	})
}

func TestThePendingLoginExpiresAndANewKeyReplacesTheOld(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		pol := store.DefaultSessionPolicy
		ctx := context.Background()
		admin(t, st, "aud1", auth.RoleAuditor, "2109")
		res, err := st.BeginLogin(ctx, creds("aud1", adminPassword, ""), pol)
		if err != nil || res.Step != store.StepEnrol {
			t.Fatal(res, err)
		}
		first := res.Key.Secret
		key, err := st.NewEnrolmentKey(ctx, res.Pending)
		if err != nil || key.Secret == "" || key.Secret == first {
			t.Fatalf("new key: %+v, %v", key, err)
		}
		if _, _, err := st.CompleteLogin(ctx, res.Pending, codeAt(t, first, clock.Now()), creds("", "", ""), pol); code(err) != model.EOTPInvalid {
			t.Fatalf("the replaced key's code: %v", err)
		}
		clock.Advance(pol.PendingFor + time.Second)
		if _, err := st.GetPendingLogin(ctx, res.Pending); code(err) != model.EUnauthenticated {
			t.Fatalf("expired pending login: %v", err)
		}
		if _, _, err := st.CompleteLogin(ctx, res.Pending, codeAt(t, key.Secret, clock.Now()), creds("", "", ""), pol); code(err) != model.EUnauthenticated {
			t.Fatalf("completing an expired pending login: %v", err)
		}
		if _, err := st.DeleteExpiredSessions(ctx, pol); err != nil {
			t.Fatal(err)
		}
		// A new password step replaces an older pending login of the account.
		a, _ := st.BeginLogin(ctx, creds("aud1", adminPassword, ""), pol)
		b, _ := st.BeginLogin(ctx, creds("aud1", adminPassword, ""), pol)
		if _, err := st.GetPendingLogin(ctx, a.Pending); code(err) != model.EUnauthenticated {
			t.Errorf("the older pending login survives: %v", err)
		}
		if _, _, err := st.CompleteLogin(ctx, b.Pending, codeAt(t, b.Key.Secret, clock.Now()), creds("", "", ""), pol); err != nil {
			t.Fatalf("the newer pending login: %v", err)
		}
		if got := auditDetails(t, st, store.ActLoginPending); strings.Join(got, ",") != "ok:enrol,ok:enrol,ok:enrol" {
			t.Errorf("pending audit = %v", got)
		}
	})
}

func TestTheSecurityAdministratorResetsAnotherAdministratorsAuthenticator(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		pol := store.DefaultSessionPolicy
		ctx := context.Background()
		sec := admin(t, st, "sec1", auth.RoleSecadmin, "2109")
		sys := admin(t, st, "sys1", auth.RoleSysadmin, "2109")
		far := admin(t, st, "sys-shenyang", auth.RoleSysadmin, "2101")
		secSecret := enrol(t, st, clock, "sec1")
		sysSecret := enrol(t, st, clock, "sys1")
		clock.Advance(time.Minute)
		login := func(username, secret string) (string, *auth.Principal) {
			t.Helper()
			clock.Advance(30 * time.Second)
			token, pr, err := st.Login(ctx, creds(username, adminPassword, codeAt(t, secret, clock.Now())), pol)
			if err != nil {
				t.Fatalf("login %s: %v", username, err)
			}
			return token, pr
		}
		secToken, secPr := login("sec1", secSecret)
		sysToken, sysPr := login("sys1", sysSecret)
		asSec, asSys := auth.WithPrincipal(ctx, secPr), auth.WithPrincipal(ctx, sysPr)

		// The sysadmin keeps accounts but not the administrators' security (三权分立).
		if err := st.ResetOTP(asSys, sec.ID, "", pol); code(err) != model.EForbidden {
			t.Fatalf("sysadmin resets the secadmin: %v", err)
		}
		// Out of the secadmin's scope reads as missing.
		if err := st.ResetOTP(asSec, far.ID, "", pol); code(err) != model.ENotFound {
			t.Fatalf("reset out of scope: %v", err)
		}
		if err := st.ResetOTP(asSec, sys.ID, "", pol); err != nil {
			t.Fatalf("secadmin resets the sysadmin: %v", err)
		}
		if _, err := st.Authenticate(ctx, sysToken, "", pol); code(err) != model.EUnauthenticated {
			t.Errorf("the reset account's session survives: %v", err)
		}
		if got, _ := st.GetUser(testutil.System(), sys.ID); got.TOTPEnrolled || got.Version != sys.Version+1 {
			t.Errorf("after the reset: %+v", got)
		}
		if _, _, err := st.Login(ctx, creds("sys1", adminPassword, codeAt(t, sysSecret, clock.Now().Add(30*time.Second))), pol); code(err) != model.EOTPEnrol {
			t.Errorf("login with the old authenticator: %v", err)
		}
		if _, err := st.Authenticate(ctx, secToken, "", pol); err != nil {
			t.Errorf("the resetter's own session ended: %v", err)
		}

		// Nobody resets their own without a current code.
		if err := st.ResetOTP(asSec, sec.ID, "", pol); code(err) != model.EInvalid {
			t.Fatalf("own reset without a code: %v", err)
		}
		if err := st.ResetOTP(asSec, sec.ID, "000000", pol); code(err) != model.EOTPInvalid {
			t.Fatalf("own reset with a wrong code: %v", err)
		}
		if got, _ := st.GetUser(testutil.System(), sec.ID); !got.TOTPEnrolled {
			t.Fatal("a wrong code reset the authenticator")
		}
		clock.Advance(30 * time.Second)
		if err := st.ResetOTP(asSec, sec.ID, codeAt(t, secSecret, clock.Now()), pol); err != nil {
			t.Fatalf("own reset with the code: %v", err)
		}
		if _, err := st.Authenticate(ctx, secToken, "", pol); code(err) != model.EUnauthenticated {
			t.Errorf("own reset leaves the session: %v", err)
		}

		// The operator at the server resets anyone (houdun user reset-otp).
		if err := st.ResetOTP(testutil.System(), far.ID, "", pol); err != nil {
			t.Fatalf("system reset: %v", err)
		}
		got := auditDetails(t, st, store.ActOTPReset)
		if strings.Join(got, ",") != "ok:by_security_admin,failed:bad_otp,ok:by_self,ok:by_system" {
			t.Errorf("reset audit = %v", got)
		}
	})
}

func TestAUserChangesTheirOwnPassword(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		pol := store.DefaultSessionPolicy
		ctx := context.Background()
		u := admin(t, st, "cw1", auth.RoleCaseworker, "210902")
		here, pr, err := st.Login(ctx, creds("cw1", adminPassword, ""), pol)
		if err != nil {
			t.Fatal(err)
		}
		elsewhere, _, err := st.Login(ctx, creds("cw1", adminPassword, ""), pol)
		if err != nil {
			t.Fatal(err)
		}
		me := auth.WithPrincipal(ctx, pr)
		const next = "N3w-password!"
		for _, c := range []struct {
			name   string
			in     model.PasswordChange
			fields map[string]string
		}{
			{"nothing given", model.PasswordChange{}, map[string]string{"current_password": "field.required", "new_password": "field.required"}},
			{"a wrong current password", model.PasswordChange{Current: "Wrong-pass1", New: next}, map[string]string{"current_password": "password.wrong_current"}},
			{"too short", model.PasswordChange{Current: adminPassword, New: "Sh0rt!"}, map[string]string{"new_password": "password.too_short"}},
			{"too simple", model.PasswordChange{Current: adminPassword, New: "alllowercase"}, map[string]string{"new_password": "password.too_simple"}},
			{"the same again", model.PasswordChange{Current: adminPassword, New: adminPassword}, map[string]string{"new_password": "password.unchanged"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				err := st.ChangePassword(me, c.in, pol)
				e := model.AsError(err)
				if e.Code != model.EInvalid || len(e.Fields) != len(c.fields) {
					t.Fatalf("err = %v", err)
				}
				for f, key := range c.fields {
					if e.Fields[f].Key != key {
						t.Errorf("%s: %v, want %s", f, e.Fields[f], key)
					}
				}
			})
		}
		// Nothing changed: the old password logs in, both sessions live.
		if _, _, err := st.Login(ctx, creds("cw1", adminPassword, ""), pol); err != nil {
			t.Fatalf("old password after refused changes: %v", err)
		}
		if _, err := st.Authenticate(ctx, elsewhere, "", pol); err != nil {
			t.Fatalf("other session after refused changes: %v", err)
		}
		if err := st.ChangePassword(me, model.PasswordChange{Current: adminPassword, New: next}, pol); err != nil {
			t.Fatalf("change: %v", err)
		}
		if _, err := st.Authenticate(ctx, here, "", pol); err != nil {
			t.Errorf("the session that changed it ended: %v", err)
		}
		if _, err := st.Authenticate(ctx, elsewhere, "", pol); code(err) != model.EUnauthenticated {
			t.Errorf("another session survives the change: %v", err)
		}
		if _, _, err := st.Login(ctx, creds("cw1", adminPassword, ""), pol); code(err) != model.EUnauthenticated {
			t.Errorf("old password after the change: %v", err)
		}
		if _, _, err := st.Login(ctx, creds("cw1", next, ""), pol); err != nil {
			t.Errorf("new password: %v", err)
		}
		if got, _ := st.GetUser(testutil.System(), u.ID); got.Version != u.Version+1 {
			t.Errorf("version %d, want %d", got.Version, u.Version+1)
		}
		if got := auditDetails(t, st, store.ActPasswordChange); strings.Join(got, ",") != "failed:bad_password,ok:" {
			t.Errorf("audit = %v", got)
		}

		// Guessing the current password from inside a session locks the
		// account and ends its sessions, this one too.
		for i := 1; i <= pol.MaxFailures; i++ {
			err := st.ChangePassword(me, model.PasswordChange{Current: "Wrong-pass1", New: "An0ther-pass!"}, pol)
			if want := model.EInvalid; i == pol.MaxFailures {
				want = model.ELocked
				if code(err) != want {
					t.Fatalf("guess %d: %v", i, err)
				}
			} else if code(err) != want {
				t.Fatalf("guess %d: %v", i, err)
			}
		}
		if _, err := st.Authenticate(ctx, here, "", pol); code(err) != model.EUnauthenticated {
			t.Errorf("the guessing session survives the lock: %v", err)
		}
	})
}

func TestDatabaseFileRevealsNoAuthenticatorSecret(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	clock := testutil.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	st, err := store.Open(ctx, filepath.Join(dir, "h.db"), store.Options{Sealer: testutil.Sealer(), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	admin(t, st, "sec1", auth.RoleSecadmin, "2109")
	secret := enrol(t, st, clock, "sec1")
	pending, err := st.BeginLogin(ctx, creds(mustAdmin(t, st, "sec2"), adminPassword, ""), store.DefaultSessionPolicy)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	for _, f := range []string{"h.db", "h.db-wal"} {
		b, _ := os.ReadFile(filepath.Join(dir, f))
		for _, s := range []string{secret, pending.Key.Secret, pending.Pending} {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds a secret in clear", f)
			}
		}
	}
}

func mustAdmin(t *testing.T, st *store.Store, username string) string {
	admin(t, st, username, auth.RoleSecadmin, "2109")
	return username
}
