package report_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"houdun/internal/auth"
	"houdun/internal/i18n"
	"houdun/internal/ident"
	"houdun/internal/jobs"
	"houdun/internal/model"
	"houdun/internal/report"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

func ptr[T any](v T) *T { return &v }

// ledgerWorld is a district with three cases: 张伟's (about his mother, who
// needs care) closed with satisfaction 4, an escalated overdue one of a
// person whose name is a formula, and one in another district.
type ledgerWorld struct {
	zhang, formula, other model.Person
	closed, overdue       model.Need
	secrets               []string // ID numbers and phones that must never appear
}

func seedLedger(t *testing.T, st *store.Store, clock *testutil.Clock) ledgerWorld {
	t.Helper()
	sys := testutil.System()
	var w ledgerWorld
	inst := func(name, region string) model.Institution {
		in, err := st.CreateInstitution(sys, model.InstitutionInput{Name: ptr(name), Type: ptr(model.InstHospital), RegionCode: ptr(region)})
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
	a, b := inst("阜新市中心医院", "210902"), inst("新邱区人民医院", "210903")
	seq := 0
	person := func(name string, instID int64) model.Person {
		seq++
		id := ident.MakeIDNumber("210902", time.Date(1985, 1, seq, 0, 0, 0, 0, time.UTC), 2*seq+1)
		phone := "1390000000" + string(rune('0'+seq))
		p, err := st.CreatePerson(sys, model.PersonInput{Name: ptr(name), IDNumber: ptr(id), Phone: ptr(phone), InstitutionID: ptr(instID),
			Occupation: ptr(model.OccNurse), Frontline: ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		w.secrets = append(w.secrets, id, phone, ident.MaskPhone(phone), ident.MaskIDNumber(id))
		return p
	}
	w.zhang, w.formula, w.other = person("张伟", a.ID), person("=HYPERLINK(\"http://x\")", a.ID), person("王芳", b.ID)
	mother, err := st.CreateFamilyMember(sys, w.zhang.ID, model.FamilyMemberInput{Name: ptr("李秀英"), Relation: ptr(model.RelParent),
		BirthDate: ptr("1950-02-03"), CareNeeds: &[]string{model.CareElderly}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateFamilyMember(sys, w.zhang.ID, model.FamilyMemberInput{Name: ptr("张小明"), Relation: ptr(model.RelChild),
		BirthDate: ptr("2016-09-01"), CareNeeds: &[]string{model.CareMinor}}); err != nil {
		t.Fatal(err)
	}
	vol, err := st.CreateVolunteer(sys, model.VolunteerInput{Name: ptr("赵志愿"), Phone: ptr("13700001111"), RegionCode: ptr("210902")})
	if err != nil {
		t.Fatal(err)
	}
	need := func(p model.Person, urgency, desc string, fam *int64) model.Need {
		n, err := st.CreateNeed(sys, model.NeedInput{PersonID: p.ID, FamilyMemberID: fam, Category: model.CategoryLiving, Kind: model.KindEldercare,
			Urgency: urgency, Description: desc, Source: model.SourceVisit})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	w.closed = need(w.zhang, model.UrgencyHigh, "母亲独居需照护，本人连续值班", &mother.ID)
	if _, err := st.AssignNeed(sys, w.closed.ID, model.NeedAssign{VolunteerID: &vol.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ResolveNeed(sys, w.closed.ID, model.NeedStep{Resolution: "-安排志愿者每日上门照看"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CloseNeed(sys, w.closed.ID, model.NeedStep{Satisfaction: ptr(4)}); err != nil {
		t.Fatal(err)
	}
	w.overdue = need(w.formula, model.UrgencyUrgent, "@SUM(1+1) 需要防护用品", nil)
	need(w.other, model.UrgencyLow, "新邱区的需求", nil)
	clock.Advance(5 * time.Hour)
	if _, err := st.EscalateOverdue(auth.WithPrincipal(context.Background(), jobs.Principal()), clock.Now()); err != nil {
		t.Fatal(err)
	}
	return w
}

// sheetRows reads every row of every sheet, by sheet name.
func sheetRows(t *testing.T, b []byte) (*excelize.File, map[string][][]string) {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not an .xlsx: %v", err)
	}
	t.Cleanup(func() { x.Close() })
	out := map[string][][]string{}
	for _, s := range x.GetSheetList() {
		rows, err := x.GetRows(s)
		if err != nil {
			t.Fatal(err)
		}
		out[s] = rows
	}
	return x, out
}

func TestLedgerWorkbook(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		w := seedLedger(t, st, clock)
		caseworker := testutil.As(&auth.Principal{Username: "cw", Role: auth.RoleCaseworker, RegionCode: "210902"})
		var buf bytes.Buffer
		n, err := report.WriteLedger(caseworker, st, &buf, model.LedgerFilter{RegionCode: "210902"}, i18n.ZH)
		if err != nil || n != 2 {
			t.Fatalf("WriteLedger = %d, %v; want the district's 2 cases", n, err)
		}
		x, sheets := sheetRows(t, buf.Bytes())
		if got := x.GetSheetList(); len(got) != 2 || got[0] != "需求困难台账" || got[1] != "分类统计" {
			t.Fatalf("sheets = %v", got)
		}
		rows := sheets["需求困难台账"]
		if rows[0][0] != "阜新市海州区一线医务人员及家属需求困难台账" {
			t.Errorf("title = %q", rows[0][0])
		}
		if !strings.Contains(rows[1][0], "登记时段：全部") || strings.Contains(rows[1][0], "脱敏") {
			t.Errorf("subtitle = %q", rows[1][0])
		}
		wantHeader := []string{"序号", "姓名", "单位", "家庭情况", "需求内容", "保障类别", "需求类型", "紧急程度", "采取措施", "责任人",
			"登记日期", "办理期限", "办结日期", "状态", "满意度"}
		if strings.Join(rows[2], "|") != strings.Join(wantHeader, "|") {
			t.Errorf("header = %v", rows[2])
		}
		if len(rows) != 5 {
			t.Fatalf("%d rows, want title, subtitle, header and 2 cases: %v", len(rows), rows)
		}
		closed := rows[3]
		want := map[int]string{0: "1", 1: "张伟", 2: "阜新市中心医院", 3: "家属2人（老人需照护、未成年子女）；本需求涉及：父母 李秀英",
			4: "母亲独居需照护，本人连续值班", 5: "生活保障", 6: "老人照护", 7: "高", 8: "'-安排志愿者每日上门照看", 9: "赵志愿",
			10: "2026-03-01", 11: "2026-03-02 17:00", 12: "2026-03-01", 13: "已办结", 14: "4"}
		for col, v := range want {
			if closed[col] != v {
				t.Errorf("closed case, column %s: %q, want %q", wantHeader[col], closed[col], v)
			}
		}
		overdue := rows[4]
		if overdue[1] != `'=HYPERLINK("http://x")` || overdue[4] != "'@SUM(1+1) 需要防护用品" {
			t.Errorf("formula-like cells not neutralised: name %q, need %q", overdue[1], overdue[4])
		}
		if overdue[9] != "未分派" || !strings.HasPrefix(overdue[13], "待处理") || !strings.Contains(overdue[13], "升级 1 级") {
			t.Errorf("escalated case: responsible %q, status %q", overdue[9], overdue[13])
		}
		text := string(buf.Bytes())
		for _, sheet := range sheets {
			for _, r := range sheet {
				text += strings.Join(r, "\t")
			}
		}
		for _, s := range w.secrets {
			if strings.Contains(text, s) {
				t.Errorf("the ledger holds an ID number or phone: %s", s)
			}
		}
		if strings.Contains(text, "王芳") {
			t.Error("the ledger holds a case of another district")
		}

		panes, err := x.GetPanes("需求困难台账")
		if err != nil || !panes.Freeze || panes.YSplit != 3 || panes.TopLeftCell != "A4" {
			t.Errorf("panes = %+v, %v; want the first three rows frozen", panes, err)
		}
		if wd, _ := x.GetColWidth("需求困难台账", "E"); wd < 30 {
			t.Errorf("need column width %v", wd)
		}
		merged, _ := x.GetMergeCells("需求困难台账")
		if len(merged) != 2 || merged[0].GetStartAxis() != "A1" || merged[0].GetEndAxis() != "O1" {
			t.Errorf("merged cells %v", merged)
		}

		summary := sheets["分类统计"]
		if strings.Join(summary[0], "|") != "保障类别|待处理|已分派|处理中|已解决|已办结|已驳回|合计" {
			t.Errorf("summary header %v", summary[0])
		}
		if strings.Join(summary[1], "|") != "生活保障|1|0|0|0|1|0|2" || strings.Join(summary[6], "|") != "合计|1|0|0|0|1|0|2" {
			t.Errorf("summary rows %v / %v", summary[1], summary[6])
		}

		audit, err := st.ListAudit(testutil.System(), model.AuditFilter{Action: store.ActLedgerExport})
		if err != nil || len(audit.Items) != 1 || !strings.Contains(audit.Items[0].Detail, "rows=2") {
			t.Errorf("export audit: %+v, %v", audit.Items, err)
		}
	})
}

func TestLedgerForLeadersIsMasked(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		seedLedger(t, st, clock)
		leader := testutil.As(&auth.Principal{Username: "leader", Role: auth.RoleLeader, RegionCode: "2109"})
		var buf bytes.Buffer
		n, err := report.WriteLedger(leader, st, &buf, model.LedgerFilter{RegionCode: "2109"}, i18n.ZH)
		if err != nil || n != 3 {
			t.Fatalf("WriteLedger = %d, %v", n, err)
		}
		_, sheets := sheetRows(t, buf.Bytes())
		rows := sheets["需求困难台账"]
		if rows[0][0] != "阜新市一线医务人员及家属需求困难台账" || !strings.Contains(rows[1][0], "姓名已脱敏") {
			t.Errorf("title %q, subtitle %q", rows[0][0], rows[1][0])
		}
		var names []string
		for _, r := range rows[3:] {
			names = append(names, r[1])
		}
		if strings.Join(names, ",") != "张某,'=**,王某" {
			t.Errorf("names = %v, want surnames only", names)
		}
		for _, r := range rows[3:] {
			if strings.Contains(strings.Join(r, ""), "李秀英") || strings.Contains(strings.Join(r, ""), "赵志愿") {
				t.Errorf("a relative's or the responsible person's full name in a leader's ledger: %v", r)
			}
		}
	})
}

func TestLedgerRefusals(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		seedLedger(t, st, clock)
		for _, c := range []struct {
			name string
			ctx  context.Context
			f    model.LedgerFilter
			code model.Code
		}{
			{"nobody", context.Background(), model.LedgerFilter{}, model.EUnauthenticated},
			{"a counselor", testutil.As(&auth.Principal{Username: "c", Role: auth.RoleCounselor, RegionCode: "210902"}), model.LedgerFilter{}, model.EForbidden},
			{"an unknown region", testutil.As(&auth.Principal{Username: "cw", Role: auth.RoleCaseworker, RegionCode: "2109"}), model.LedgerFilter{RegionCode: "219999"}, model.ENotFound},
		} {
			var buf bytes.Buffer
			if _, err := report.WriteLedger(c.ctx, st, &buf, c.f, i18n.ZH); model.ErrorCode(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
			if buf.Len() != 0 {
				t.Errorf("%s: %d bytes written", c.name, buf.Len())
			}
		}
	})
}

func TestLedgerInEnglishAndByPeriod(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		seedLedger(t, st, clock)
		cw := testutil.As(&auth.Principal{Username: "cw", Role: auth.RoleCaseworker, RegionCode: "2109"})
		var buf bytes.Buffer
		from := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
		n, err := report.WriteLedger(cw, st, &buf, model.LedgerFilter{From: from}, i18n.EN)
		if err != nil || n != 0 {
			t.Fatalf("cases recorded from 2 March: %d, %v", n, err)
		}
		_, sheets := sheetRows(t, buf.Bytes())
		rows := sheets["Ledger"]
		if !strings.HasPrefix(rows[0][0], "Ledger of needs and difficulties") || !strings.Contains(rows[1][0], "from 2026-03-02") || rows[2][1] != "Name" {
			t.Errorf("English ledger: %v", rows)
		}
	})
}

func TestNeutralise(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+86": "'+86", "-3": "'-3", "@x": "'@x", "\tx": "'\tx", "\rx": "'\rx", "\nx": "'\nx",
		"": "", "张伟": "张伟", "a=b": "a=b", "'x": "'x",
	} {
		if got := report.Neutralise(in); got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFamilySituation(t *testing.T) {
	for _, c := range []struct {
		row  model.LedgerRow
		want string
	}{
		{model.LedgerRow{}, "无登记家属"},
		{model.LedgerRow{FamilyCount: 1}, "家属1人"},
		{model.LedgerRow{FamilyCount: 3, FamilyCareNeeds: []string{model.CareMinor, model.CareElderly}}, "家属3人（老人需照护、未成年子女）"},
		{model.LedgerRow{FamilyCount: 1, FamilyRelation: model.RelSpouse, FamilyMemberName: "李某"}, "家属1人；本需求涉及：配偶 李某"},
	} {
		if got := report.FamilySituation(i18n.ZH, &c.row); got != c.want {
			t.Errorf("FamilySituation(%+v) = %q, want %q", c.row, got, c.want)
		}
	}
}
