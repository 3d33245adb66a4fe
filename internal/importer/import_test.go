package importer

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"houdun/internal/auth"

	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

func TestImportPeopleIsKeyedOnTheIDNumber(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		fx := newFixture(t, st)
		ctx := fx.caseworkerContext
		rows := threePeople()
		steps := []struct {
			name string
			file [][]string
			want model.ImportResult
		}{
			{"a valid file of three people registers them", rows, model.ImportResult{Created: 3}},
			{"importing the same file again changes nothing", rows, model.ImportResult{Unchanged: 3}},
			{"one edited row updates that person only", func() [][]string {
				edited := append([][]string(nil), rows...)
				edited[2] = append([]string(nil), rows[2]...)
				edited[2][4] = "急诊科"
				return edited
			}(), model.ImportResult{Updated: 1, Unchanged: 2}},
		}
		for _, s := range steps {
			res, err := ImportPeople(ctx, st, bytes.NewReader(xlsxBytes(t, s.file)), "名单.xlsx", Options{})
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if res != s.want {
				t.Errorf("%s: got %+v, want %+v", s.name, res, s.want)
			}
		}
		p := personByID(t, st, rows[3][1])
		if p.InstitutionID != fx.first.ID {
			t.Errorf("credit code resolved to institution %d, want %d", p.InstitutionID, fx.first.ID)
		}
		if p.Occupation != model.OccTechnician || p.Frontline || p.PhoneMasked != "139****1111" {
			t.Errorf("王五 stored as %+v", p)
		}
		if p := personByID(t, st, rows[2][1]); p.Department != "急诊科" || p.Occupation != model.OccNurse {
			t.Errorf("李四 stored as %+v", p)
		}
	})
}

func TestImportPeopleListsEveryBadCellAndWritesNothing(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		newFixture(t, st)
		good := idNumber(1, 11)
		badID := good[:17] + string("0123456789"[(int(good[17]-'0')+1)%10])
		if good[17] == 'X' {
			badID = good[:17] + "0"
		}
		file := [][]string{
			peopleHeader,
			{"张三", good, "13912345678", "阜新市第一人民医院", "呼吸内科", "医生", "", "是"},
			{"李四", badID, "13912345678", "阜新市第一人民医院", "", "护士", "", "否"},
			{"王五", idNumber(3, 33), "12345", "阜新市第一人民医院", "", "护士", "", "否"},
			{"赵六", idNumber(4, 44), "", "不存在的医院", "", "护士", "", "否"},
			{"钱七", good, "", "阜新市中心医院", "", "医生", "", "否"},
		}
		_, err := ImportPeople(caseworker(), st, strings.NewReader(csvText(file)), "名单.csv", Options{})
		me := asModelError(t, err)
		if me.Code != model.EImportInvalid || me.Msg.Key != "import.invalid" || me.Msg.Args[0] != 4 {
			t.Fatalf("got %v, want import_invalid with 4 errors", err)
		}
		want := []rowErr{
			{3, "身份证号", "id_number.checksum"},
			{4, "手机号", "phone.invalid"},
			{5, "单位", "institution.unknown"},
			{6, "身份证号", "importer.duplicate_of_row"},
		}
		if got := keysOf(me.Rows); !reflect.DeepEqual(got, want) {
			t.Errorf("row errors\n got %v\nwant %v", got, want)
		}
		if args := me.Rows[3].Msg.Args; len(args) != 1 || args[0] != 2 {
			t.Errorf("the duplicate should name row 2, got %v", args)
		}
		if n := countPeople(t, st); n != 0 {
			t.Errorf("%d people written from a bad file", n)
		}
	})
}

func TestImportPeopleKeepsToTheCallersScope(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		fx := newFixture(t, st)
		elsewhere := idNumber(9, 99)
		// Registered in Shenyang by someone with a wider scope.
		seed := [][]string{peopleHeader, {"孙八", elsewhere, "", "沈阳市第一医院", "", "医生", "", "否"}}
		if _, err := ImportPeople(testutil.System(), st, strings.NewReader(csvText(seed)), "seed.csv", Options{}); err != nil {
			t.Fatal(err)
		}
		file := [][]string{
			peopleHeader,
			{"孙八", elsewhere, "", "阜新市第一人民医院", "", "医生", "", "否"},
			{"周九", idNumber(10, 10), "", "沈阳市第一医院", "", "医生", "", "否"},
		}
		tests := []struct {
			name string
			file [][]string
			want []rowErr
		}{
			{"an institution outside the scope is unknown", [][]string{file[0], file[2]},
				[]rowErr{{2, "单位", "institution.unknown"}}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := ImportPeople(fx.caseworkerContext, st, strings.NewReader(csvText(tt.file)), "x.csv", Options{})
				me := asModelError(t, err)
				if got := keysOf(me.Rows); me.Code != model.EImportInvalid || !reflect.DeepEqual(got, tt.want) {
					t.Errorf("got %v %v, want %v", me.Code, got, tt.want)
				}
			})
		}
		if p := personByID(t, st, elsewhere); p.InstitutionID != fx.shenyang.ID {
			t.Errorf("the person moved to institution %d", p.InstitutionID)
		}
		// A person registered outside the scope is not an error, which
		// would tell that the ID number exists: the row becomes a transfer
		// request and counts as created, as a new person's row does, and the
		// person stays where they are until it is approved.
		fresh := [][]string{peopleHeader, {"吴十", idNumber(11, 11), "", "阜新市第一人民医院", "", "医生", "", "否"}}
		for _, dry := range []bool{true, false} {
			a, errA := ImportPeople(fx.caseworkerContext, st, strings.NewReader(csvText(file[:2])), "x.csv", Options{DryRun: dry})
			b, errB := ImportPeople(fx.caseworkerContext, st, strings.NewReader(csvText(fresh)), "y.csv", Options{DryRun: true})
			if errA != nil || errB != nil || a != b && !(!dry && a.Created == 1 && b.Created == 1) || a.Created != 1 {
				t.Errorf("dry run %v: registered elsewhere %+v %v, new %+v %v", dry, a, errA, b, errB)
			}
		}
		if p := personByID(t, st, elsewhere); p.InstitutionID != fx.shenyang.ID {
			t.Errorf("the person moved to institution %d before approval", p.InstitutionID)
		}
		list, err := st.ListTransfers(testutil.System(), model.TransferFilter{Status: model.TransferSubmitted})
		if err != nil || list.Total != 1 || list.Items[0].Source != model.TransferFromImport || list.Items[0].ToRegionCode != "210902" {
			t.Errorf("transfer requests = %+v, %v", list.Items, err)
		}
	})
}

func TestImportPeopleDryRunWritesNothing(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		newFixture(t, st)
		var progress []int
		opt := Options{DryRun: true, Progress: func(done, total int) { progress = append(progress, done) }}
		res, err := ImportPeople(caseworker(), st, bytes.NewReader(xlsxBytes(t, threePeople())), "名单.xlsx", opt)
		if err != nil {
			t.Fatal(err)
		}
		if want := (model.ImportResult{Created: 3, DryRun: true}); res != want {
			t.Errorf("got %+v, want %+v", res, want)
		}
		if n := countPeople(t, st); n != 0 {
			t.Errorf("a dry run wrote %d people", n)
		}
		if len(progress) == 0 || progress[len(progress)-1] != 3 {
			t.Errorf("progress reports %v, want it to end at 3", progress)
		}
	})
}

func TestImportPeopleAcceptsTheFilesClerksHave(t *testing.T) {
	english := threePeople()
	english[0] = []string{"Name", "ID Number", "phone", "Institution", "department", "OCCUPATION", "title", "Frontline"}
	english[1][5], english[2][5], english[3][5] = "doctor", "Nurse", "technician"
	english[1][7] = "yes"

	gb, err := simplifiedchinese.GB18030.NewEncoder().String(csvText(threePeople()))
	if err != nil {
		t.Fatal(err)
	}
	extraColumns := threePeople()
	for i := range extraColumns {
		note := "备注"
		if i > 0 {
			note = "随便写点什么"
		}
		extraColumns[i] = append([]string{note}, extraColumns[i]...)
	}
	tests := []struct {
		name, filename string
		content        []byte
	}{
		{"English headers and values", "roster.xlsx", xlsxBytes(t, english)},
		{"CSV saved by Chinese Excel (GB18030)", "名单.csv", []byte(gb)},
		{"CSV UTF-8 with a BOM", "名单.csv", append([]byte("\xEF\xBB\xBF"), csvText(threePeople())...)},
		{"CSV UTF-8 without a BOM", "名单.CSV", []byte(csvText(threePeople()))},
		{"an extra column of the clerk's own", "名单.xlsx", xlsxBytes(t, extraColumns)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
				newFixture(t, st)
				res, err := ImportPeople(caseworker(), st, bytes.NewReader(tt.content), tt.filename, Options{})
				if err != nil {
					t.Fatal(err)
				}
				if res.Created != 3 {
					t.Errorf("created %d, want 3", res.Created)
				}
				if p := personByID(t, st, threePeople()[1][1]); p.Name != "张三" || p.Occupation != model.OccDoctor || !p.Frontline {
					t.Errorf("张三 stored as %+v", p)
				}
			})
		})
	}
}

func TestImportPeopleNeedsTheImportPermission(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		newFixture(t, st)
		counselor := testutil.As(&auth.Principal{UserID: 2, Username: "co", Role: auth.RoleCounselor, RegionCode: "210902"})
		for name, ctx := range map[string]context.Context{"a counselor": counselor, "nobody": context.Background()} {
			_, err := ImportPeople(ctx, st, bytes.NewReader(xlsxBytes(t, threePeople())), "x.xlsx", Options{})
			if c := model.ErrorCode(err); c != model.EForbidden && c != model.EUnauthenticated {
				t.Errorf("%s: got %v", name, err)
			}
			_, err = ImportFamilies(ctx, st, strings.NewReader("x"), "x.csv", Options{})
			if c := model.ErrorCode(err); c != model.EForbidden && c != model.EUnauthenticated {
				t.Errorf("%s importing families: got %v", name, err)
			}
		}
	})
}

func TestImportPeopleRefusesAFileWithoutRows(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		newFixture(t, st)
		var tmpl bytes.Buffer
		if err := WriteTemplate(&tmpl, KindPeople, "zh-CN"); err != nil {
			t.Fatal(err)
		}
		_, err := ImportPeople(caseworker(), st, &tmpl, "模板.xlsx", Options{})
		if me := asModelError(t, err); me.Code != model.EInvalid || me.Msg.Key != "importer.no_rows" {
			t.Errorf("the blank template: got %v", err)
		}
	})
}
