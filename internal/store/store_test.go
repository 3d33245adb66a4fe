package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/ident"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

func ptr[T any](v T) *T { return &v }

// world is a small registry in two districts of Fuxin.
type world struct {
	haizhou, xinqiu model.Institution // 210902, 210903
}

func seed(t *testing.T, st *store.Store) world {
	t.Helper()
	sys := testutil.System()
	a, err := st.CreateInstitution(sys, model.InstitutionInput{Name: ptr("阜新市中心医院"), Type: ptr("hospital"), RegionCode: ptr("210902"), CreditCode: ptr("91350100M000100Y43")})
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.CreateInstitution(sys, model.InstitutionInput{Name: ptr("新邱区社区卫生服务中心"), Type: ptr("community_health_centre"), RegionCode: ptr("210903")})
	if err != nil {
		t.Fatal(err)
	}
	return world{haizhou: a, xinqiu: b}
}

func idNumber(seq int) string {
	return ident.MakeIDNumber("210902", time.Date(1985, 5, 17, 0, 0, 0, 0, time.UTC), seq)
}

func newPerson(name, id string, inst int64) model.PersonInput {
	return model.PersonInput{Name: ptr(name), IDNumber: ptr(id), Phone: ptr("+86 139-1234-5678"), InstitutionID: ptr(inst),
		Department: ptr("呼吸内科"), Occupation: ptr("doctor"), Title: ptr("主治医师"), Frontline: ptr(true)}
}

func caseworker(region string) context.Context {
	return testutil.As(&auth.Principal{UserID: 99, Username: "cw", Role: auth.RoleCaseworker, RegionCode: region})
}

func code(err error) model.Code { return model.ErrorCode(err) }

func TestPersonLifecycle(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		w := seed(t, st)
		ctx := caseworker("210902")
		p, err := st.CreatePerson(ctx, newPerson(" 张伟 ", idNumber(13), w.haizhou.ID))
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != "张伟" || p.Sex != "male" || p.BirthDate != "1985-05-17" || p.RegionCode != "210902" || p.Version != 1 {
			t.Fatalf("created person = %+v", p)
		}
		if p.IDNumber != "" || p.Phone != "" || p.IDNumberMasked != ident.MaskIDNumber(idNumber(13)) || p.PhoneMasked != "139****5678" {
			t.Fatalf("created person leaks or mis-masks: id=%q phone=%q masked=%q/%q", p.IDNumber, p.Phone, p.IDNumberMasked, p.PhoneMasked)
		}
		got, err := st.GetPerson(ctx, p.ID, true)
		if err != nil || got.IDNumber != idNumber(13) || got.Phone != "13912345678" {
			t.Fatalf("reveal = %q %q, %v", got.IDNumber, got.Phone, err)
		}
		// Exact search by ID number and phone go through the keyed hash.
		for _, f := range []model.PersonFilter{{IDNumber: idNumber(13)}, {Phone: "13912345678"}, {Q: "张"}, {Frontline: ptr(true)}} {
			list, err := st.ListPeople(ctx, f)
			if err != nil || list.Total != 1 {
				t.Fatalf("search %+v: total %d, %v", f, list.Total, err)
			}
		}
		up, err := st.UpdatePerson(ctx, p.ID, model.PersonInput{Title: ptr("副主任医师"), Version: ptr(int64(1))})
		if err != nil || up.Title != "副主任医师" || up.Version != 2 {
			t.Fatalf("update = %+v, %v", up, err)
		}
		// A stale version is refused and changes nothing.
		if _, err := st.UpdatePerson(ctx, p.ID, model.PersonInput{Title: ptr("主任医师"), Version: ptr(int64(1))}); code(err) != model.EStaleVersion {
			t.Fatalf("stale update: %v", err)
		}
		if again, _ := st.GetPerson(ctx, p.ID, false); again.Title != "副主任医师" {
			t.Fatalf("stale update changed the title to %q", again.Title)
		}
		// The same ID number cannot be registered twice.
		if _, err := st.CreatePerson(ctx, newPerson("李娜", idNumber(13), w.haizhou.ID)); code(err) != model.EConflict {
			t.Fatalf("duplicate ID: %v", err)
		}
		if err := st.DeletePerson(ctx, p.ID, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := st.GetPerson(ctx, p.ID, false); code(err) != model.ENotFound {
			t.Fatalf("deleted person: %v", err)
		}
	})
}

func TestPersonValidation(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		w := seed(t, st)
		ctx := caseworker("2109")
		bad := newPerson("", "110105194912310021", w.haizhou.ID)
		bad.Phone = ptr("12345")
		bad.Occupation = ptr("pilot")
		_, err := st.CreatePerson(ctx, bad)
		var me *model.Error
		if !errors.As(err, &me) || me.Code != model.EInvalid {
			t.Fatalf("err = %v", err)
		}
		for _, f := range []string{"name", "id_number", "phone", "occupation"} {
			if _, ok := me.Fields[f]; !ok {
				t.Errorf("no message for %s: %v", f, me.Fields)
			}
		}
		if me.Fields["id_number"].Key != "id_number.checksum" {
			t.Errorf("id_number message = %v", me.Fields["id_number"])
		}
		list, _ := st.ListPeople(ctx, model.PersonFilter{})
		if list.Total != 0 {
			t.Fatalf("invalid input wrote %d people", list.Total)
		}
	})
}

func TestScopeHidesOtherDistricts(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		w := seed(t, st)
		sys := testutil.System()
		mine, err := st.CreatePerson(sys, newPerson("王芳", idNumber(2), w.haizhou.ID))
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := st.CreatePerson(sys, newPerson("刘洋", idNumber(4), w.xinqiu.ID))
		if err != nil {
			t.Fatal(err)
		}
		ctx := caseworker("210902")
		list, err := st.ListPeople(ctx, model.PersonFilter{})
		if err != nil || list.Total != 1 || list.Items[0].ID != mine.ID {
			t.Fatalf("list = %+v, %v", list, err)
		}
		// Out of scope answers exactly like a missing record.
		checks := map[string]error{}
		_, checks["get"] = st.GetPerson(ctx, theirs.ID, false)
		_, checks["update"] = st.UpdatePerson(ctx, theirs.ID, model.PersonInput{Title: ptr("x")})
		checks["delete"] = st.DeletePerson(ctx, theirs.ID, nil)
		_, checks["family"] = st.ListFamily(ctx, theirs.ID, false)
		_, checks["add relative"] = st.CreateFamilyMember(ctx, theirs.ID, model.FamilyMemberInput{Name: ptr("x"), Relation: ptr("child"), BirthDate: ptr("2015-01-01")})
		_, checks["institution"] = st.GetInstitution(ctx, w.xinqiu.ID)
		for what, err := range checks {
			if code(err) != model.ENotFound {
				t.Errorf("%s out of scope: %v, want not_found", what, err)
			}
		}
		// Moving my person to an institution outside my scope is refused.
		if _, err := st.UpdatePerson(ctx, mine.ID, model.PersonInput{InstitutionID: ptr(w.xinqiu.ID)}); code(err) != model.EInvalid {
			t.Errorf("move out of scope: %v", err)
		}
		// An institution-scoped user sees only that institution.
		ia := testutil.As(&auth.Principal{UserID: 5, Role: auth.RoleInstitutionAdmin, InstitutionID: w.xinqiu.ID})
		list, _ = st.ListPeople(ia, model.PersonFilter{})
		if list.Total != 1 || list.Items[0].ID != theirs.ID {
			t.Errorf("institution admin sees %+v", list.Items)
		}
		// A worker sees only themselves.
		wk := testutil.As(&auth.Principal{UserID: 6, Role: auth.RoleWorker, PersonID: mine.ID})
		list, _ = st.ListPeople(wk, model.PersonFilter{})
		if list.Total != 1 || list.Items[0].ID != mine.ID {
			t.Errorf("worker sees %+v", list.Items)
		}
		// Roles without registry access are refused outright.
		for _, role := range []string{auth.RoleLeader, auth.RoleSysadmin, auth.RoleSecadmin, auth.RoleAuditor} {
			ctx := testutil.As(&auth.Principal{UserID: 7, Role: role, RegionCode: "2109"})
			if _, err := st.ListPeople(ctx, model.PersonFilter{}); code(err) != model.EForbidden {
				t.Errorf("%s lists people: %v", role, err)
			}
		}
	})
}

func TestFamilyAndCoupleLink(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		w := seed(t, st)
		ctx := caseworker("2109")
		nurse, err := st.CreatePerson(ctx, newPerson("陈静", idNumber(6), w.haizhou.ID))
		if err != nil {
			t.Fatal(err)
		}
		// The husband is registered as a relative first, by ID number…
		husbandID := idNumber(7)
		rel, err := st.CreateFamilyMember(ctx, nurse.ID, model.FamilyMemberInput{Name: ptr("赵强"), Relation: ptr("spouse"), IDNumber: ptr(husbandID),
			LivesWith: ptr(true), CareNeeds: ptr([]string{"chronic_illness", "chronic_illness"})})
		if err != nil {
			t.Fatal(err)
		}
		if rel.MedicalWorkerPersonID != nil || rel.Sex != "male" || len(rel.CareNeeds) != 1 {
			t.Fatalf("relative = %+v", rel)
		}
		// …then registered as a doctor himself: the relative is linked to him.
		husband, err := st.CreatePerson(ctx, newPerson("赵强", husbandID, w.xinqiu.ID))
		if err != nil {
			t.Fatal(err)
		}
		fam, err := st.ListFamily(ctx, nurse.ID, false)
		if err != nil || len(fam) != 1 || fam[0].MedicalWorkerPersonID == nil || *fam[0].MedicalWorkerPersonID != husband.ID {
			t.Fatalf("family = %+v, %v", fam, err)
		}
		// Registering him as her relative again is a conflict, a child without a birth date is invalid.
		if _, err := st.CreateFamilyMember(ctx, nurse.ID, model.FamilyMemberInput{Name: ptr("赵强"), Relation: ptr("spouse"), IDNumber: ptr(husbandID)}); code(err) != model.EConflict {
			t.Errorf("duplicate relative: %v", err)
		}
		if _, err := st.CreateFamilyMember(ctx, nurse.ID, model.FamilyMemberInput{Name: ptr("赵小宝"), Relation: ptr("child")}); code(err) != model.EInvalid {
			t.Errorf("child without birth date: %v", err)
		}
		child, err := st.CreateFamilyMember(ctx, nurse.ID, model.FamilyMemberInput{Name: ptr("赵小宝"), Relation: ptr("child"), BirthDate: ptr("2018-06-01"), CareNeeds: ptr([]string{"minor"})})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.UpdateFamilyMember(ctx, nurse.ID, child.ID, model.FamilyMemberInput{LivesWith: ptr(true), Version: ptr(int64(1))}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.UpdateFamilyMember(ctx, nurse.ID, child.ID, model.FamilyMemberInput{LivesWith: ptr(false), Version: ptr(int64(1))}); code(err) != model.EStaleVersion {
			t.Errorf("stale family update: %v", err)
		}
		// A relative of another person cannot be reached through this person.
		other, _ := st.CreatePerson(ctx, newPerson("孙丽", idNumber(8), w.haizhou.ID))
		if _, err := st.UpdateFamilyMember(ctx, other.ID, child.ID, model.FamilyMemberInput{Name: ptr("x")}); code(err) != model.ENotFound {
			t.Errorf("relative through another person: %v", err)
		}
		if err := st.DeleteFamilyMember(ctx, nurse.ID, child.ID, nil); err != nil {
			t.Fatal(err)
		}
		fam, _ = st.ListFamily(ctx, nurse.ID, false)
		if len(fam) != 1 {
			t.Fatalf("after delete: %d relatives", len(fam))
		}
	})
}

func TestAuditTrailIsChainedAndAppendOnly(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		w := seed(t, st)
		ctx := caseworker("210902")
		p, err := st.CreatePerson(ctx, newPerson("周敏", idNumber(10), w.haizhou.ID))
		if err != nil {
			t.Fatal(err)
		}
		st.GetPerson(ctx, p.ID, false)
		st.GetPerson(ctx, p.ID, true)
		if _, err := st.ListAudit(ctx, model.AuditFilter{}); code(err) != model.EForbidden {
			t.Fatalf("caseworker reads audit: %v", err)
		}
		auditor := testutil.As(&auth.Principal{UserID: 3, Username: "aud", Role: auth.RoleAuditor, RegionCode: "2109"})
		list, err := st.ListAudit(auditor, model.AuditFilter{ObjectType: "person"})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range list.Items {
			actions = append(actions, e.Action)
			if e.Username != "cw" {
				t.Errorf("entry %s by %q", e.Action, e.Username)
			}
		}
		if strings.Join(actions, ",") != "person.reveal,person.read,person.create" {
			t.Fatalf("audit actions = %v", actions)
		}
		n, err := st.VerifyAuditChain(context.Background())
		if err != nil || n < 5 {
			t.Fatalf("chain: %d rows, %v", n, err)
		}
	})
}

func TestAuditRowsCannotBeChangedInTheDatabase(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "h.db")
	st, err := store.Open(context.Background(), dsn, store.Options{Sealer: testutil.Sealer()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.Migrate(context.Background())
	st.Audit(testutil.System(), "test.event", "", "", model.OutcomeOK, "")
	db, _ := sql.Open("sqlite", dsn)
	defer db.Close()
	if _, err := db.Exec("UPDATE audit_log SET username = 'mallory'"); err == nil {
		t.Fatal("audit row updated")
	}
	if _, err := db.Exec("DELETE FROM audit_log"); err == nil {
		t.Fatal("audit row deleted")
	}
}

func TestDatabaseFileRevealsNoIDNumbersOrPhones(t *testing.T) {
	dir := t.TempDir()
	dsn := filepath.Join(dir, "h.db")
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, store.Options{Sealer: testutil.Sealer()})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	w := seed(t, st)
	id := idNumber(21)
	p, err := st.CreatePerson(testutil.System(), newPerson("吴刚", id, w.haizhou.ID))
	if err != nil {
		t.Fatal(err)
	}
	st.CreateFamilyMember(testutil.System(), p.ID, model.FamilyMemberInput{Name: ptr("吴小"), Relation: ptr("child"), IDNumber: ptr(idNumber(22)), Phone: ptr("13800001111")})
	st.Close()
	for _, f := range []string{"h.db", "h.db-wal"} {
		b, _ := os.ReadFile(filepath.Join(dir, f))
		for _, secret := range []string{id, idNumber(22), "13912345678", "13800001111", id[6:14] + id[14:17]} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s contains %q in clear", f, secret)
			}
		}
	}
}

func TestLoginLocksAfterFiveFailuresAndSessionsExpire(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		sys := testutil.System()
		if _, err := st.CreateUser(sys, model.UserInput{Username: ptr("cw1"), Role: ptr("caseworker"), RegionCode: ptr("210902"), Password: ptr("weak")}); code(err) != model.EInvalid {
			t.Fatalf("weak password accepted: %v", err)
		}
		u, err := st.CreateUser(sys, model.UserInput{Username: ptr("cw1"), Role: ptr("caseworker"), RegionCode: ptr("210902"), Password: ptr("Str0ng-pass")})
		if err != nil {
			t.Fatal(err)
		}
		pol := store.DefaultSessionPolicy
		ctx := context.Background()
		token, p, err := st.Login(ctx, store.Credentials{Username: "cw1", Password: "Str0ng-pass", IP: "127.0.0.1", UserAgent: "test"}, pol)
		if err != nil || p.RegionCode != "210902" || p.Role != "caseworker" {
			t.Fatalf("login: %+v, %v", p, err)
		}
		if _, _, err := st.Login(ctx, store.Credentials{Username: "nobody", Password: "x", IP: "127.0.0.1", UserAgent: "test"}, pol); code(err) != model.EUnauthenticated {
			t.Fatalf("unknown user: %v", err)
		}
		for i := 0; i < 4; i++ {
			if _, _, err := st.Login(ctx, store.Credentials{Username: "cw1", Password: "wrong", IP: "127.0.0.1", UserAgent: "test"}, pol); code(err) != model.EUnauthenticated {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
		// The fifth locks the account; it and what follows answer as an
		// unknown name does (TestLockedAndUnknownAnswerAlike).
		if _, _, err := st.Login(ctx, store.Credentials{Username: "cw1", Password: "wrong", IP: "127.0.0.1", UserAgent: "test"}, pol); code(err) != model.EUnauthenticated {
			t.Fatalf("fifth failure: %v", err)
		}
		if _, _, err := st.Login(ctx, store.Credentials{Username: "cw1", Password: "Str0ng-pass", IP: "127.0.0.1", UserAgent: "test"}, pol); code(err) != model.EUnauthenticated {
			t.Fatalf("right password while locked: %v", err)
		}
		clock.Advance(31 * time.Minute)
		// The earlier session idled out meanwhile.
		if _, err := st.Authenticate(ctx, token, "", pol); code(err) != model.EUnauthenticated {
			t.Fatalf("idle session still valid: %v", err)
		}
		token, _, err = st.Login(ctx, store.Credentials{Username: "cw1", Password: "Str0ng-pass", IP: "127.0.0.1", UserAgent: "test"}, pol)
		if err != nil {
			t.Fatalf("login after lock: %v", err)
		}
		// Disabling the account ends its sessions at once.
		if _, err := st.UpdateUser(sys, u.ID, model.UserInput{Disabled: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Authenticate(ctx, token, "", pol); code(err) != model.EUnauthenticated {
			t.Fatalf("disabled user's session: %v", err)
		}
		if _, _, err := st.Login(ctx, store.Credentials{Username: "cw1", Password: "Str0ng-pass", IP: "127.0.0.1", UserAgent: "test"}, pol); code(err) != model.EUnauthenticated {
			t.Fatalf("disabled user logs in: %v", err)
		}
	})
}

func TestSeparationOfAdministrators(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		sysadmin := testutil.As(&auth.Principal{UserID: 1, Role: auth.RoleSysadmin, RegionCode: "2109"})
		secadmin := testutil.As(&auth.Principal{UserID: 2, Role: auth.RoleSecadmin, RegionCode: "2109"})
		in := model.UserInput{Username: ptr("aud2"), Role: ptr("auditor"), RegionCode: ptr("2109"), Password: ptr("Str0ng-pass")}
		if _, err := st.CreateUser(secadmin, in); code(err) != model.EForbidden {
			t.Fatalf("secadmin makes an account: %v", err)
		}
		if u, err := st.CreateUser(sysadmin, in); err != nil || !u.RolePending {
			t.Fatalf("sysadmin makes an auditor account, its role pending: %+v, %v", u, err)
		}
		cw := model.UserInput{Username: ptr("cw2"), Role: ptr("caseworker"), RegionCode: ptr("21"), Password: ptr("Str0ng-pass")}
		if _, err := st.CreateUser(sysadmin, cw); code(err) != model.EInvalid {
			t.Fatalf("sysadmin of 2109 creates a province-wide user: %v", err)
		}
		cw.RegionCode = ptr("210902")
		if _, err := st.CreateUser(sysadmin, cw); err != nil {
			t.Fatal(err)
		}
		list, err := st.ListUsers(sysadmin, model.UserFilter{})
		if err != nil || list.Total != 2 {
			t.Fatalf("users = %+v, %v", list, err)
		}
	})
}

func TestConcurrentUpdatesOneWins(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		w := seed(t, st)
		ctx := caseworker("2109")
		p, err := st.CreatePerson(ctx, newPerson("郑洁", idNumber(30), w.haizhou.ID))
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = st.UpdatePerson(ctx, p.ID, model.PersonInput{Department: ptr("科室" + string(rune('A'+i))), Version: ptr(p.Version)})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch code(err) {
			case "":
				ok++
			case model.EStaleVersion:
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d of 8 concurrent updates won, want exactly 1", ok)
		}
	})
}

func TestStreetsAndCommunitiesBelowACounty(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		ctx := caseworker("210902")
		if _, err := st.CreateRegion(ctx, model.Region{Code: "210902001", Name: "河北街道"}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateRegion(ctx, model.Region{Code: "210902001001", Name: "光明社区"}); err != nil {
			t.Fatal(err)
		}
		kids, err := st.ListRegions(ctx, "210902001")
		if err != nil || len(kids) != 1 || kids[0].Name != "光明社区" || kids[0].Level != 5 {
			t.Fatalf("children = %+v, %v", kids, err)
		}
		if _, err := st.CreateRegion(ctx, model.Region{Code: "210903001", Name: "外区街道"}); code(err) != model.ENotFound {
			t.Errorf("street outside scope: %v", err)
		}
		if _, err := st.CreateRegion(ctx, model.Region{Code: "2109020011", Name: "坏代码"}); code(err) != model.EInvalid {
			t.Errorf("bad code: %v", err)
		}
		if _, err := st.CreateRegion(ctx, model.Region{Code: "210902001", Name: "重复"}); code(err) != model.EConflict {
			t.Errorf("duplicate: %v", err)
		}
		path, err := st.RegionPath(ctx, "210902001001")
		if err != nil || len(path) != 5 || path[0].Name != "辽宁省" {
			t.Fatalf("path = %+v, %v", path, err)
		}
	})
}

// TestAForeignMedicalLinkIsKeptButNotShown: a relative whose ID number is a
// worker registered in another district is linked to that worker (the couple
// rule needs it), but a case worker who cannot see that worker is not told:
// the link shows only to callers whose scope covers both.
func TestAForeignMedicalLinkIsKeptButNotShown(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		w := seed(t, st)
		city, district := caseworker("2109"), caseworker("210902")
		husbandID := idNumber(17)
		husband, err := st.CreatePerson(city, newPerson("赵强", husbandID, w.xinqiu.ID))
		if err != nil {
			t.Fatal(err)
		}
		nurse, err := st.CreatePerson(district, newPerson("陈静", idNumber(16), w.haizhou.ID))
		if err != nil {
			t.Fatal(err)
		}
		rel, err := st.CreateFamilyMember(district, nurse.ID, model.FamilyMemberInput{Name: ptr("赵强"), Relation: ptr("spouse"), IDNumber: ptr(husbandID)})
		if err != nil {
			t.Fatal(err)
		}
		if rel.MedicalWorkerPersonID != nil {
			t.Errorf("the district's case worker is told the spouse is registered elsewhere: link %d", *rel.MedicalWorkerPersonID)
		}
		fam, err := st.ListFamily(district, nurse.ID, false)
		if err != nil || len(fam) != 1 || fam[0].MedicalWorkerPersonID != nil {
			t.Errorf("district family list = %+v, %v: want the relative without a link", fam, err)
		}
		// The city's team sees both sides, and the link.
		fam, err = st.ListFamily(city, nurse.ID, false)
		if err != nil || len(fam) != 1 || fam[0].MedicalWorkerPersonID == nil || *fam[0].MedicalWorkerPersonID != husband.ID {
			t.Fatalf("city family list = %+v, %v: want the link to %d", fam, err, husband.ID)
		}
		// An edit by the district keeps the link it cannot see.
		if _, err := st.UpdateFamilyMember(district, nurse.ID, rel.ID, model.FamilyMemberInput{LivesWith: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		fam, err = st.ListFamily(city, nurse.ID, false)
		if err != nil || fam[0].MedicalWorkerPersonID == nil {
			t.Errorf("after the district's edit: %+v, %v: the link is lost", fam, err)
		}
	})
}
