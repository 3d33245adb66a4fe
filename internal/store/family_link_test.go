package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// linkFor makes a link as ctx for a relative of person, valid for days (0: the default).
func (f *needFixture) linkFor(t *testing.T, ctx context.Context, person, member int64, days int) model.FamilyLink {
	t.Helper()
	in := model.FamilyLinkInput{FamilyMemberID: &member}
	if days != 0 {
		in.Days = &days
	}
	l, err := f.st.CreateFamilyLink(ctx, person, in)
	if err != nil {
		t.Fatalf("create link: %v", err)
	}
	return l
}

// open returns the context of a relative who opened the link of token.
func (f *needFixture) open(t *testing.T, token string) context.Context {
	t.Helper()
	pr, _, err := f.st.AuthenticateFamilyLink(context.Background(), token, "10.1.2.3")
	if err != nil {
		t.Fatalf("open link: %v", err)
	}
	return testutil.As(pr)
}

// familyNeed is a need of the relative member, as the link's form sends it.
func familyNeed(person, member int64, mod ...func(*model.NeedInput)) model.NeedInput {
	in := model.NeedInput{PersonID: person, FamilyMemberID: &member, Category: model.CategoryLiving, Kind: model.KindSupplies,
		Urgency: model.UrgencyHigh, Description: "家里米面和常用药快用完了", Source: model.SourceFamily}
	for _, m := range mod {
		m(&in)
	}
	return in
}

func (f *needFixture) caseCount(t *testing.T) int {
	t.Helper()
	list, err := f.st.ListNeeds(testutil.System(), model.NeedFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return list.Total
}

// TestAFamilyLinkReportsAndFollowsTheRelativesNeeds runs a link's life: the
// worker makes it for his mother, she reports a need through it and sees it,
// the district team sees it as reported by the family, and once revoked the
// link does nothing more.
func TestAFamilyLinkReportsAndFollowsTheRelativesNeeds(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		worker := f.as("worker_zhang")
		l := f.linkFor(t, worker, f.zhang.ID, f.mother.ID, 0)
		if len(l.Token) != 43 || l.Path != "/f/"+l.Token || l.FamilyMemberName != "李秀英" || l.FamilyRelation != "parent" ||
			l.PersonID != f.zhang.ID || l.CreatedBy != "worker_zhang" || l.LastUsedAt != nil {
			t.Fatalf("link = %+v", l)
		}
		mustDuration(t, l.ExpiresAt, clock.Now().Add(30*24*time.Hour))

		// The relative opens it: a principal for her alone, with one permission.
		pr, opened, err := st.AuthenticateFamilyLink(context.Background(), l.Token, "10.1.2.3")
		if err != nil {
			t.Fatal(err)
		}
		if pr.FamilyLinkID != l.ID || pr.PersonID != f.zhang.ID || pr.FamilyMemberID != f.mother.ID || pr.UserID != 0 ||
			pr.Username != "family-link:"+strconv.FormatInt(l.ID, 10) || pr.IP != "10.1.2.3" || opened.Token != "" || opened.FamilyMemberName != "李秀英" {
			t.Fatalf("principal %+v, link %+v", pr, opened)
		}
		for _, perm := range []auth.Permission{auth.PermNeedRead, auth.PermNeedReport, auth.PermNeedWrite, auth.PermPersonRead, auth.PermFamilyLinkManage} {
			if pr.Can(perm) {
				t.Errorf("a link holds %s", perm)
			}
		}
		mother := testutil.As(pr)

		// Cases of the same relative recorded otherwise are not the link's.
		other := f.create(t, f.as("cw_haizhou"), f.newNeed(func(in *model.NeedInput) { in.FamilyMemberID = &f.mother.ID }))
		own := f.create(t, worker, familyNeed(f.zhang.ID, f.mother.ID))

		clock.Advance(time.Minute)
		n := f.create(t, mother, familyNeed(f.zhang.ID, f.mother.ID))
		if n.Source != model.SourceFamily || n.RecordedBy != pr.Username || n.RecordedByID != nil || *n.FamilyMemberID != f.mother.ID ||
			n.Status != model.NeedOpen || n.Events[0].Username != pr.Username {
			t.Fatalf("reported = %+v", n)
		}
		mustDuration(t, n.DueAt, clock.Now().Add(24*time.Hour))

		cases, err := st.ListFamilyLinkNeeds(mother)
		if err != nil {
			t.Fatal(err)
		}
		if len(cases) != 1 || cases[0].ID != n.ID {
			t.Fatalf("the link lists %+v, want only case %d (not %d or %d)", cases, n.ID, other.ID, own.ID)
		}
		if c := cases[0]; c.PersonName != "" || c.ContactPhone != "" || c.InstitutionName != "" || c.RegionCode != "" || c.RecordedBy != "" ||
			c.Description != "家里米面和常用药快用完了" || c.FamilyMemberName != "李秀英" {
			t.Errorf("the relative sees %+v", c)
		}

		// The district team sees it, from the family, recorded through the link.
		seen, err := st.GetNeed(f.as("cw_haizhou"), n.ID)
		if err != nil || seen.Source != model.SourceFamily || seen.FamilyMemberName != "李秀英" || seen.RecordedBy != pr.Username {
			t.Fatalf("team view %+v, %v", seen, err)
		}
		// Its assignment shows on the relative's page as on the worker's.
		if _, err := st.AssignNeed(f.as("cw_haizhou"), n.ID, model.NeedAssign{VolunteerID: &f.wang.ID}); err != nil {
			t.Fatal(err)
		}
		if cases, _ := st.ListFamilyLinkNeeds(mother); cases[0].Status != model.NeedAssigned || cases[0].Assignee == nil ||
			cases[0].Assignee.Name != "王芳" || cases[0].Assignee.VolunteerID != nil {
			t.Errorf("after assignment the relative sees %+v %+v", cases[0], cases[0].Assignee)
		}

		links, err := st.ListFamilyLinks(worker, f.zhang.ID)
		if err != nil || len(links) != 1 || links[0].LastUsedAt == nil || links[0].Token != "" {
			t.Fatalf("links %+v, %v", links, err)
		}
		mustDuration(t, *links[0].LastUsedAt, clock.Now())

		// Every use is in the audit trail with the link as the actor.
		audit, err := st.ListAudit(testutil.As(auditor()), model.AuditFilter{Page: model.Page{Limit: 500}})
		if err != nil {
			t.Fatal(err)
		}
		byAction := map[string]model.AuditEntry{}
		for _, e := range audit.Items {
			if e.Username == pr.Username {
				byAction[e.Action] = e
			}
		}
		created := byAction[store.ActNeedCreate]
		if created.ObjectID != strconv.FormatInt(n.ID, 10) || created.Role != auth.RoleFamilyLink || created.UserID != nil || created.IP != "10.1.2.3" {
			t.Errorf("need.create by the link: %+v", created)
		}
		if e := byAction[store.ActFamilyLinkOpen]; e.Outcome != model.OutcomeOK || e.ObjectID != strconv.FormatInt(l.ID, 10) {
			t.Errorf("family_link.open: %+v", e)
		}

		// Revoked: the token opens nothing, and a page opened before cannot report.
		if err := st.RevokeFamilyLink(worker, f.zhang.ID, l.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.AuthenticateFamilyLink(context.Background(), l.Token, ""); code(err) != model.ENotFound {
			t.Errorf("a revoked link opens: %v", err)
		}
		before := f.caseCount(t)
		if _, err := st.CreateNeed(mother, familyNeed(f.zhang.ID, f.mother.ID)); code(err) != model.ENotFound {
			t.Errorf("reporting through a revoked link: %v", err)
		}
		if f.caseCount(t) != before {
			t.Error("a revoked link wrote a case")
		}
		if err := st.RevokeFamilyLink(worker, f.zhang.ID, l.ID); code(err) != model.ENotFound {
			t.Errorf("revoking twice: %v", err)
		}
		if links, _ := st.ListFamilyLinks(worker, f.zhang.ID); len(links) != 0 {
			t.Errorf("a revoked link is still listed: %+v", links)
		}
		if audit, _ := st.ListAudit(testutil.As(auditor()), model.AuditFilter{Action: store.ActFamilyLinkOpen}); audit.Items[0].Outcome != model.OutcomeDenied ||
			audit.Items[0].Detail != "revoked" {
			t.Errorf("the revoked link's attempt: %+v", audit.Items[0])
		}
		if n, err := st.VerifyAuditChain(context.Background()); err != nil || n == 0 {
			t.Errorf("audit chain: %d rows, %v", n, err)
		}
	})
}

func TestFamilyLinksAreHandedOutInScopeOnly(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		// The case worker of the district makes one for the mother over the phone.
		l := f.linkFor(t, f.as("cw_haizhou"), f.zhang.ID, f.mother.ID, 7)
		mustDuration(t, l.ExpiresAt, clock.Now().Add(7*24*time.Hour))
		if l.CreatedBy != "cw_haizhou" {
			t.Errorf("created by %q", l.CreatedBy)
		}
		// The worker sees it among his family's links and may revoke it.
		if links, err := st.ListFamilyLinks(f.as("worker_zhang"), f.zhang.ID); err != nil || len(links) != 1 {
			t.Fatalf("the worker's list: %+v, %v", links, err)
		}

		cases := []struct {
			name   string
			ctx    context.Context
			person int64
			member int64
			days   int
			want   model.Code
			field  string
		}{
			{"a relative of another person", f.as("worker_zhang"), f.zhang.ID, f.liuSon.ID, 0, model.EInvalid, "family_member_id"},
			{"another person's family, for a worker", f.as("worker_zhang"), f.liu.ID, f.liuSon.ID, 0, model.ENotFound, ""},
			{"a family in another district", f.as("cw_xinqiu"), f.zhang.ID, f.mother.ID, 0, model.ENotFound, ""},
			{"no relative", f.as("worker_zhang"), f.zhang.ID, 0, 0, model.EInvalid, "family_member_id"},
			{"no day", f.as("worker_zhang"), f.zhang.ID, f.mother.ID, -1, model.EInvalid, "days"},
			{"more than 90 days", f.as("worker_zhang"), f.zhang.ID, f.mother.ID, 91, model.EInvalid, "days"},
			{"a volunteer", f.as("vol_wang"), f.zhang.ID, f.mother.ID, 0, model.EForbidden, ""},
			{"a counselor", f.as("counselor_hz"), f.zhang.ID, f.mother.ID, 0, model.EForbidden, ""},
			{"an institution admin", f.as("instadmin_hz"), f.zhang.ID, f.mother.ID, 0, model.EForbidden, ""},
			{"a leader", f.as("leader_city"), f.zhang.ID, f.mother.ID, 0, model.EForbidden, ""},
			{"the sysadmin", f.as("sysadmin"), f.zhang.ID, f.mother.ID, 0, model.EForbidden, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				in := model.FamilyLinkInput{FamilyMemberID: &c.member}
				if c.days != 0 {
					in.Days = &c.days
				}
				_, err := st.CreateFamilyLink(c.ctx, c.person, in)
				if code(err) != c.want {
					t.Fatalf("err = %v, want %s", err, c.want)
				}
				if c.field != "" && fieldOf(err)[c.field].Key == "" {
					t.Errorf("no message on %s: %v", c.field, err)
				}
			})
		}
		if links, _ := st.ListFamilyLinks(f.as("cw_haizhou"), f.zhang.ID); len(links) != 1 {
			t.Errorf("refused requests made links: %d", len(links))
		}
		if _, err := st.ListFamilyLinks(f.as("cw_xinqiu"), f.zhang.ID); code(err) != model.ENotFound {
			t.Errorf("another district lists the links: %v", err)
		}
		if err := st.RevokeFamilyLink(f.as("cw_xinqiu"), f.zhang.ID, l.ID); code(err) != model.ENotFound {
			t.Errorf("another district revokes: %v", err)
		}
		// A link id under another family's person is missing, not revocable.
		if err := st.RevokeFamilyLink(f.as("cw_city"), f.liu.ID, l.ID); code(err) != model.ENotFound {
			t.Errorf("revoking under another person: %v", err)
		}
		if err := st.RevokeFamilyLink(f.as("worker_zhang"), f.zhang.ID, l.ID); err != nil {
			t.Errorf("the worker revokes the team's link: %v", err)
		}
	})
}

// TestALinkReportsForItsOwnRelativeOnly: what a link may not do is refused
// with a message on the field, and writes nothing.
func TestALinkReportsForItsOwnRelativeOnly(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		sister, err := st.CreateFamilyMember(testutil.System(), f.zhang.ID, model.FamilyMemberInput{Name: ptr("张丽"), Relation: ptr("sibling"),
			BirthDate: ptr("1988-10-02")})
		if err != nil {
			t.Fatal(err)
		}
		l := f.linkFor(t, f.as("worker_zhang"), f.zhang.ID, f.mother.ID, 0)
		mother := f.open(t, l.Token)
		cases := []struct {
			name  string
			in    model.NeedInput
			want  model.Code
			field string
		}{
			{"another relative of the same person", familyNeed(f.zhang.ID, sister.ID), model.EInvalid, "family_member_id"},
			{"a relative of another family", familyNeed(f.liu.ID, f.liuSon.ID), model.EInvalid, "family_member_id"},
			{"another family's person with the link's relative", familyNeed(f.liu.ID, f.mother.ID), model.ENotFound, ""},
			{"the person himself", familyNeed(f.zhang.ID, f.mother.ID, func(in *model.NeedInput) { in.FamilyMemberID = nil }), model.EInvalid, "family_member_id"},
			{"as the person's own report", familyNeed(f.zhang.ID, f.mother.ID, func(in *model.NeedInput) { in.Source = model.SourceSelf }), model.EInvalid, "source"},
			{"as a visit", familyNeed(f.zhang.ID, f.mother.ID, func(in *model.NeedInput) { in.Source = model.SourceVisit }), model.EInvalid, "source"},
			{"no description", familyNeed(f.zhang.ID, f.mother.ID, func(in *model.NeedInput) { in.Description = "  " }), model.EInvalid, "description"},
			{"an unknown kind", familyNeed(f.zhang.ID, f.mother.ID, func(in *model.NeedInput) { in.Kind = "money" }), model.EInvalid, "kind"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := st.CreateNeed(mother, c.in)
				if code(err) != c.want {
					t.Fatalf("err = %v, want %s", err, c.want)
				}
				if c.field != "" && fieldOf(err)[c.field].Key == "" {
					t.Errorf("no message on %s: %v", c.field, err)
				}
			})
		}
		if n := f.caseCount(t); n != 0 {
			t.Errorf("refused reports wrote %d cases", n)
		}
		// A link reads nothing but its own page.
		if _, err := st.ListNeeds(mother, model.NeedFilter{}); code(err) != model.EForbidden {
			t.Errorf("a link lists cases: %v", err)
		}
		if _, err := st.GetPerson(mother, f.zhang.ID, false); code(err) != model.EForbidden {
			t.Errorf("a link reads the person: %v", err)
		}
		if _, err := st.ListFamily(mother, f.zhang.ID, false); code(err) != model.EForbidden {
			t.Errorf("a link reads the family: %v", err)
		}
		if _, err := st.CreateFamilyLink(mother, f.zhang.ID, model.FamilyLinkInput{FamilyMemberID: &f.mother.ID}); code(err) != model.EForbidden {
			t.Errorf("a link makes links: %v", err)
		}
		if _, err := st.ListFamilyLinkNeeds(f.as("worker_zhang")); code(err) != model.EForbidden {
			t.Errorf("an account reads a link's page: %v", err)
		}
	})
}

func TestALinkEndsAndUnknownTokensLookTheSame(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		l := f.linkFor(t, f.as("worker_zhang"), f.zhang.ID, f.mother.ID, 1)
		mother := f.open(t, l.Token)
		clock.Advance(24*time.Hour - time.Minute)
		f.create(t, mother, familyNeed(f.zhang.ID, f.mother.ID))
		clock.Advance(time.Minute)
		_, _, expired := st.AuthenticateFamilyLink(context.Background(), l.Token, "")
		if _, err := st.CreateNeed(mother, familyNeed(f.zhang.ID, f.mother.ID)); code(err) != model.ENotFound {
			t.Errorf("a page opened before the link expired still reports: %v", err)
		}
		_, _, unknown := st.AuthenticateFamilyLink(context.Background(), "A"+l.Token[1:], "")
		_, _, malformed := st.AuthenticateFamilyLink(context.Background(), "../../etc/passwd", "")
		for name, err := range map[string]error{"expired": expired, "unknown": unknown, "malformed": malformed} {
			e := model.AsError(err)
			if e.Code != model.ENotFound || e.Msg.Key != "error.not_found" {
				t.Errorf("%s token: %v", name, err)
			}
		}
		if links, _ := st.ListFamilyLinks(f.as("worker_zhang"), f.zhang.ID); len(links) != 0 {
			t.Errorf("an expired link is listed as in use: %+v", links)
		}
	})
}

// TestALinkReportsAtMostTheRegionsHourlyLimit: the limit is a per-region
// setting (20 by default); the hour slides.
func TestALinkReportsAtMostTheRegionsHourlyLimit(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		if spec, _ := casework.Spec(casework.SettingFamilyLinkPerHour); spec.Default != 20 {
			t.Errorf("default limit %d, want 20", spec.Default)
		}
		if _, err := st.SetSetting(f.as("cw_haizhou"), "210902", casework.SettingFamilyLinkPerHour, "3"); err != nil {
			t.Fatal(err)
		}
		l := f.linkFor(t, f.as("worker_zhang"), f.zhang.ID, f.mother.ID, 0)
		mother := f.open(t, l.Token)
		// The worker's own reports for the same relative do not count.
		f.create(t, f.as("worker_zhang"), familyNeed(f.zhang.ID, f.mother.ID))
		for i := range 3 {
			f.create(t, mother, familyNeed(f.zhang.ID, f.mother.ID))
			clock.Advance(time.Duration(i+1) * time.Minute)
		}
		_, err := st.CreateNeed(mother, familyNeed(f.zhang.ID, f.mother.ID))
		if e := model.AsError(err); e.Code != model.ERateLimited || e.Msg.Key != "family_link.rate_limited" || len(e.Msg.Args) != 1 || e.Msg.Args[0] != 3 {
			t.Fatalf("the fourth report within the hour: %v", err)
		}
		// The first report (six minutes ago) leaves the hour a full hour after it was made.
		clock.Advance(time.Hour - 6*time.Minute - time.Millisecond)
		if _, err := st.CreateNeed(mother, familyNeed(f.zhang.ID, f.mother.ID)); code(err) != model.ERateLimited {
			t.Errorf("still within the hour: %v", err)
		}
		clock.Advance(time.Millisecond)
		f.create(t, mother, familyNeed(f.zhang.ID, f.mother.ID))
		if n := f.caseCount(t); n != 5 {
			t.Errorf("%d cases, want 5", n)
		}
	})
}

func TestDeletingARelativeOrAPersonRemovesTheirLinks(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_city")
		mine := f.linkFor(t, cw, f.zhang.ID, f.mother.ID, 0)
		f.create(t, f.open(t, mine.Token), familyNeed(f.zhang.ID, f.mother.ID))
		theirs := f.linkFor(t, cw, f.liu.ID, f.liuSon.ID, 0)
		f.create(t, f.open(t, theirs.Token), familyNeed(f.liu.ID, f.liuSon.ID))

		if err := st.DeleteFamilyMember(cw, f.zhang.ID, f.mother.ID, nil); err != nil {
			t.Fatalf("delete the relative: %v", err)
		}
		if err := st.DeletePerson(cw, f.liu.ID, nil); err != nil {
			t.Fatalf("delete the person: %v", err)
		}
		for name, token := range map[string]string{"the relative's": mine.Token, "the person's": theirs.Token} {
			if _, _, err := st.AuthenticateFamilyLink(context.Background(), token, ""); code(err) != model.ENotFound {
				t.Errorf("%s link still opens: %v", name, err)
			}
		}
		if links, err := st.ListFamilyLinks(cw, f.zhang.ID); err != nil || len(links) != 0 {
			t.Errorf("links left: %+v, %v", links, err)
		}
	})
}

func TestTheDatabaseKeepsOnlyTheTokensHash(t *testing.T) {
	dir := t.TempDir()
	clock := testutil.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	st, err := store.Open(context.Background(), filepath.Join(dir, "h.db"), store.Options{Sealer: testutil.Sealer(), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	f := newNeedFixture(t, st, clock)
	l := f.linkFor(t, f.as("worker_zhang"), f.zhang.ID, f.mother.ID, 0)
	f.open(t, l.Token)
	st.Close()
	sum := sha256.Sum256([]byte(l.Token))
	var all []byte
	for _, name := range []string{"h.db", "h.db-wal"} {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		all = append(all, b...)
	}
	if bytes.Contains(all, []byte(l.Token)) {
		t.Error("the database holds the token in clear")
	}
	if !bytes.Contains(all, []byte(hex.EncodeToString(sum[:]))) {
		t.Error("the database does not hold the token's SHA-256")
	}
}
