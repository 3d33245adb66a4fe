package report_test

import (
	"bytes"
	"context"
	"strconv"
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
	// The relatives' ID numbers give their sex (the mother's sequence is even).
	motherID := ident.MakeIDNumber("210902", time.Date(1950, 2, 3, 0, 0, 0, 0, time.UTC), 102)
	sonID := ident.MakeIDNumber("210902", time.Date(2016, 9, 1, 0, 0, 0, 0, time.UTC), 103)
	w.secrets = append(w.secrets, motherID, sonID, ident.MaskIDNumber(motherID), ident.MaskIDNumber(sonID))
	mother, err := st.CreateFamilyMember(sys, w.zhang.ID, model.FamilyMemberInput{Name: ptr("李秀英"), Relation: ptr(model.RelParent),
		IDNumber: ptr(motherID), LivesWith: ptr(true), CareNeeds: &[]string{model.CareElderly}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateFamilyMember(sys, w.zhang.ID, model.FamilyMemberInput{Name: ptr("张小明"), Relation: ptr(model.RelChild),
		IDNumber: ptr(sonID), CareNeeds: &[]string{model.CareMinor}}); err != nil {
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
		want := map[int]string{0: "1", 1: "张伟", 2: "阜新市中心医院", 3: "母亲（76岁，需照护，同住）；儿子（9岁，未成年）；本需求涉及：母亲 李秀英",
			4: "母亲独居需照护，本人连续值班", 5: "生活保障", 6: "老人照护", 7: "高", 9: "赵志愿",
			8:  "3月1日 分派给志愿者赵志愿\n3月1日 办理完成：-安排志愿者每日上门照看\n3月1日 回访办结，满意度 4 分",
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
		// Nothing was done yet (the escalation is no measure), and the person has no family registered.
		if len(overdue) > 8 && overdue[8] != "" || overdue[3] != "无登记家属" {
			t.Errorf("escalated case: measures %q, family %q", overdue[8], overdue[3])
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

// TestLedgerForLeadersIsTheSummaryOnly: a leader sees aggregates only, so
// the ledger holds no case, no name, no text, and no count of 1 to 4.
func TestLedgerForLeadersIsTheSummaryOnly(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		w := seedLedger(t, st, clock)
		leader := testutil.As(&auth.Principal{Username: "leader", Role: auth.RoleLeader, RegionCode: "2109"})
		var buf bytes.Buffer
		n, err := report.WriteLedger(leader, st, &buf, model.LedgerFilter{RegionCode: "2109"}, i18n.ZH)
		if err != nil || n != 0 {
			t.Fatalf("WriteLedger = %d, %v", n, err)
		}
		x, sheets := sheetRows(t, buf.Bytes())
		if list := x.GetSheetList(); len(list) != 1 || list[0] != "分类统计" {
			t.Fatalf("sheets %v, want the summary only", list)
		}
		rows := sheets["分类统计"]
		if rows[0][0] != "阜新市一线医务人员及家属需求困难台账" || !strings.Contains(rows[1][0], "仅含汇总") {
			t.Errorf("title %q, subtitle %q", rows[0][0], rows[1][0])
		}
		if strings.Join(rows[2], "|") != "保障类别|待处理|已分派|处理中|已解决|已办结|已驳回|合计" {
			t.Errorf("header %v", rows[2])
		}
		var all []string
		for _, r := range rows {
			for _, v := range r {
				if n, err := strconv.Atoi(v); err == nil && n > 0 && n < model.SmallCell {
					t.Errorf("a count of %d in a leader's ledger: %v", n, r)
				}
				all = append(all, v)
			}
		}
		text := strings.Join(all, "\n")
		for _, s := range append([]string{"张", "王芳", "李秀英", "赵志愿", "需要防护用品"}, w.secrets...) {
			if strings.Contains(text, s) {
				t.Errorf("%q in a leader's ledger", s)
			}
		}
		if !strings.Contains(text, "* 为保护个人信息而隐藏") {
			t.Errorf("no note on the hidden cells: %s", text)
		}
		// A table of some statuses would hide other cells than the full one.
		if _, err := report.WriteLedger(leader, st, &buf, model.LedgerFilter{Status: []string{model.NeedOpen}}, i18n.ZH); model.ErrorCode(err) != model.EInvalid {
			t.Errorf("a leader's summary by status: %v", err)
		}
		// The store refuses a leader the rows themselves.
		if _, err := st.LedgerRows(leader, model.LedgerFilter{}, func(model.LedgerRow) error { return nil }); model.ErrorCode(err) != model.EForbidden {
			t.Errorf("a leader reads ledger rows: %v", err)
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
	age := func(n int) *int { return &n }
	mother := model.LedgerRelative{Relation: model.RelParent, Sex: "female", Age: age(78), LivesWith: true, CareNeeds: []string{model.CareElderly}}
	daughter := model.LedgerRelative{Relation: model.RelChild, Sex: "female", Age: age(8), CareNeeds: []string{model.CareMinor}}
	for _, c := range []struct {
		row    model.LedgerRow
		zh, en string
	}{
		{model.LedgerRow{}, "无登记家属", "No relatives registered"},
		{model.LedgerRow{Family: []model.LedgerRelative{mother, daughter}},
			"母亲（78岁，需照护，同住）；女儿（8岁，未成年）", "mother (78, needs care, lives with them); daughter (8, minor)"},
		// Without an ID number nor a birth date: the relation alone.
		{model.LedgerRow{Family: []model.LedgerRelative{{Relation: model.RelSpouse, CareNeeds: []string{model.CareChronicIll, model.CareDisability}}}},
			"配偶（残疾，慢性病）", "spouse (disabled, chronic illness)"},
		{model.LedgerRow{Family: []model.LedgerRelative{{Relation: model.RelSpouse, Concerned: true}, mother}, FamilyRelation: model.RelSpouse, FamilyMemberName: "李某"},
			"配偶；母亲（78岁，需照护，同住）；本需求涉及：配偶 李某", "spouse; mother (78, needs care, lives with them); this case concerns: spouse 李某"},
		{model.LedgerRow{Family: []model.LedgerRelative{mother, {Relation: model.RelChild, Sex: "male", Age: age(6), Concerned: true}},
			FamilyRelation: model.RelChild, FamilyMemberName: "张小明"},
			"母亲（78岁，需照护，同住）；儿子（6岁）；本需求涉及：儿子 张小明", "mother (78, needs care, lives with them); son (6); this case concerns: son 张小明"},
	} {
		if got := report.FamilySituation(i18n.ZH, &c.row); got != c.zh {
			t.Errorf("FamilySituation = %q, want %q", got, c.zh)
		}
		if got := report.FamilySituation(i18n.EN, &c.row); got != c.en {
			t.Errorf("FamilySituation in English = %q, want %q", got, c.en)
		}
	}
}

func TestKin(t *testing.T) {
	older, younger := true, false
	for _, c := range []struct {
		r         model.LedgerRelative
		personSex string
		zh, en    string
	}{
		{model.LedgerRelative{Relation: model.RelSpouse, Sex: "female"}, "male", "妻子", "wife"},
		{model.LedgerRelative{Relation: model.RelSpouse, Sex: "male"}, "female", "丈夫", "husband"},
		{model.LedgerRelative{Relation: model.RelParent, Sex: "male"}, "", "父亲", "father"},
		{model.LedgerRelative{Relation: model.RelParent}, "", "父母", "parent"},
		{model.LedgerRelative{Relation: model.RelChild, Sex: "female"}, "", "女儿", "daughter"},
		{model.LedgerRelative{Relation: model.RelParentInLaw, Sex: "female"}, "male", "岳母", "mother-in-law"},
		{model.LedgerRelative{Relation: model.RelParentInLaw, Sex: "female"}, "female", "婆婆", "mother-in-law"},
		{model.LedgerRelative{Relation: model.RelParentInLaw, Sex: "male"}, "female", "公公", "father-in-law"},
		{model.LedgerRelative{Relation: model.RelParentInLaw}, "male", "岳父母", "parent-in-law"},
		{model.LedgerRelative{Relation: model.RelParentInLaw, Sex: "male"}, "", "岳父母/公婆", "parent-in-law"},
		{model.LedgerRelative{Relation: model.RelSibling, Sex: "male", Older: &older}, "", "哥哥", "elder brother"},
		{model.LedgerRelative{Relation: model.RelSibling, Sex: "female", Older: &younger}, "", "妹妹", "younger sister"},
		{model.LedgerRelative{Relation: model.RelSibling, Sex: "female"}, "", "姐妹", "sister"},
		{model.LedgerRelative{Relation: model.RelSibling, Older: &older}, "", "兄弟姐妹", "sibling"},
		{model.LedgerRelative{Relation: model.RelOther, Sex: "male"}, "", "其他亲属", "other relative"},
		{model.LedgerRelative{Relation: "cousin"}, "", "其他亲属", "other relative"},
	} {
		if got := report.Kin(i18n.ZH, c.r, c.personSex); got != c.zh {
			t.Errorf("Kin(%+v, %q) = %q, want %q", c.r, c.personSex, got, c.zh)
		}
		if got := report.Kin(i18n.EN, c.r, c.personSex); got != c.en {
			t.Errorf("Kin(%+v, %q) in English = %q, want %q", c.r, c.personSex, got, c.en)
		}
	}
}

func TestMeasuresTaken(t *testing.T) {
	at := func(day, hour int) time.Time { return time.Date(2026, 3, day, hour, 0, 0, 0, time.UTC) }
	four := 4
	row := model.LedgerRow{Measures: "已送达", Steps: []model.LedgerStep{
		{At: at(1, 2), Action: model.EventAssigned, AssigneeKind: model.AssigneeVolunteer, AssigneeName: "赵志愿", Note: "请今天联系"},
		{At: at(1, 17), Action: model.EventStarted, Note: "已电话联系家属\n约好明早上门"}, // 01:00 on 2 March in China
		{At: at(2, 3), Action: model.EventResolved, Note: "已送达\n附发票"},
		{At: at(3, 3), Action: model.EventClosed, Satisfaction: &four},
		{At: at(4, 3), Action: model.EventReopened},
		{At: at(4, 4), Action: model.EventAssigned, AssigneeKind: model.AssigneeUser, AssigneeName: "王专员"},
		{At: at(5, 4), Action: model.EventRejected, Note: "重复登记"},
	}}
	zh := "3月1日 分派给志愿者赵志愿（请今天联系）\n3月2日 开始处理（已电话联系家属；约好明早上门）\n3月2日 办理完成：已送达；附发票\n" +
		"3月3日 回访办结，满意度 4 分\n3月4日 重新办理\n3月4日 分派给工作人员王专员\n3月5日 驳回：重复登记"
	if got := report.MeasuresTaken(i18n.ZH, &row); got != zh {
		t.Errorf("MeasuresTaken =\n%s\nwant\n%s", got, zh)
	}
	en := "1 Mar assigned to volunteer 赵志愿 (请今天联系)\n2 Mar work started (已电话联系家属; 约好明早上门)\n2 Mar resolved: 已送达; 附发票\n" +
		"3 Mar closed after the follow-up, satisfaction 4/5\n4 Mar reopened\n4 Mar assigned to staff member 王专员\n5 Mar rejected: 重复登记"
	if got := report.MeasuresTaken(i18n.EN, &row); got != en {
		t.Errorf("MeasuresTaken in English =\n%s\nwant\n%s", got, en)
	}
	// A row without history keeps its outcome; one with neither is empty.
	if got := report.MeasuresTaken(i18n.ZH, &model.LedgerRow{Measures: "已送达"}); got != "已送达" {
		t.Errorf("without steps: %q", got)
	}
	if got := report.MeasuresTaken(i18n.ZH, &model.LedgerRow{}); got != "" {
		t.Errorf("nothing done: %q", got)
	}
}

// TestLedgerOfAnOpenCaseShowsWhatWasDone: a case still being worked lists
// its assignment and the start with their notes; the English workbook says
// the same in English.
func TestLedgerOfAnOpenCaseShowsWhatWasDone(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		w := seedLedger(t, st, clock)
		sys := testutil.System()
		staff, err := st.CreateUser(sys, model.UserInput{Username: ptr("wang"), DisplayName: ptr("王专员"), Password: ptr("Houdun-2026!"),
			Role: ptr(auth.RoleCaseworker), RegionCode: ptr("210902")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.AssignNeed(sys, w.overdue.ID, model.NeedAssign{UserID: &staff.ID, Note: "=请今天联系"}); err != nil {
			t.Fatal(err)
		}
		clock.Advance(3 * time.Hour) // past midnight in China
		if _, err := st.StartNeed(sys, w.overdue.ID, model.NeedStep{Note: "已电话联系\n明早送口罩"}); err != nil {
			t.Fatal(err)
		}
		read := func(ctx context.Context, region string, lang i18n.Lang) []string {
			t.Helper()
			var buf bytes.Buffer
			if _, err := report.WriteLedger(ctx, st, &buf, model.LedgerFilter{RegionCode: region}, lang); err != nil {
				t.Fatal(err)
			}
			_, sheets := sheetRows(t, buf.Bytes())
			for _, rows := range sheets {
				for _, r := range rows {
					if len(r) > 8 && strings.Contains(r[4], "需要防护用品") {
						return r
					}
				}
			}
			t.Fatal("the open case is not in the ledger")
			return nil
		}
		cw := testutil.As(&auth.Principal{Username: "cw", Role: auth.RoleCaseworker, RegionCode: "210902"})
		row := read(cw, "210902", i18n.ZH)
		if want := "3月1日 分派给工作人员王专员（=请今天联系）\n3月2日 开始处理（已电话联系；明早送口罩）"; row[8] != want {
			t.Errorf("measures of the open case = %q, want %q", row[8], want)
		}
		if !strings.HasPrefix(row[13], "处理中") || row[9] != "王专员" {
			t.Errorf("status %q, responsible %q", row[13], row[9])
		}
		if row := read(cw, "210902", i18n.EN); !strings.HasPrefix(row[8], "1 Mar assigned to staff member 王专员 (=请今天联系)\n2 Mar work started") {
			t.Errorf("English measures = %q", row[8])
		}
	})
}
