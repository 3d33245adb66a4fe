package importer

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"houdun/internal/auth"
	"houdun/internal/i18n"
	"houdun/internal/ident"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// formulaName is the classic CSV-injection payload, typed as a name.
const formulaName = "=cmd|' /C calc'!A0"

func TestExportPeople(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		newFixture(t, st)
		rows := threePeople()
		rows[1][0] = formulaName
		rows[2][4] = "@SUM(A1:A9)"
		if _, err := ImportPeople(caseworker(), st, strings.NewReader(csvText(rows)), "p.csv", Options{}); err != nil {
			t.Fatal(err)
		}
		outside := [][]string{peopleHeader, {"孙八", idNumber(9, 99), "", "沈阳市第一医院", "", "医生", "", "否"}}
		if _, err := ImportPeople(testutil.System(), st, strings.NewReader(csvText(outside)), "o.csv", Options{}); err != nil {
			t.Fatal(err)
		}
		ctx := caseworker()

		t.Run("csv in Chinese", func(t *testing.T) {
			var buf bytes.Buffer
			n, err := ExportPeople(ctx, st, &buf, "csv", model.PersonFilter{}, i18n.ZH)
			if err != nil || n != 3 {
				t.Fatalf("exported %d, %v; want the 3 people in scope", n, err)
			}
			if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")) {
				t.Error("the CSV must start with a BOM for Excel")
			}
			got, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			wantHeader := append(append([]string(nil), peopleHeader...), "出生日期", "性别", "家属人数")
			if !reflect.DeepEqual(got[0], wantHeader) {
				t.Errorf("header %q, want %q", got[0], wantHeader)
			}
			byName := map[string][]string{}
			for _, r := range got[1:] {
				byName[r[0]] = r
			}
			zhang := byName["'"+formulaName]
			if zhang == nil {
				t.Fatalf("the formula name must be neutralised with a quote; rows %q", got[1:])
			}
			want := []string{"'" + formulaName, ident.MaskIDNumber(rows[1][1]), "139****5678", "阜新市第一人民医院", "呼吸内科", "医生", "主治医师", "是", "1980-01-01", "男", "0"}
			if !reflect.DeepEqual(zhang, want) {
				t.Errorf("row\n got %q\nwant %q", zhang, want)
			}
			if li := byName["李四"]; li == nil || li[4] != "'@SUM(A1:A9)" || li[2] != "" || li[9] != "女" {
				t.Errorf("李四's row %q", li)
			}
			if strings.Contains(buf.String(), rows[1][1]) {
				t.Error("a full ID number left in an export")
			}
		})

		t.Run("xlsx in English", func(t *testing.T) {
			var buf bytes.Buffer
			n, err := ExportPeople(ctx, st, &buf, "xlsx", model.PersonFilter{Occupation: model.OccDoctor}, i18n.EN)
			if err != nil || n != 1 {
				t.Fatalf("exported %d, %v; want the one doctor in scope", n, err)
			}
			f, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, _ := f.GetRows("People")
			want := [][]string{
				{"name", "id_number", "phone", "institution", "department", "occupation", "title", "frontline", "birth_date", "sex", "family_count"},
				{"'" + formulaName, ident.MaskIDNumber(rows[1][1]), "139****5678", "阜新市第一人民医院", "呼吸内科", "Doctor", "主治医师", "Yes", "1980-01-01", "Male", "0"},
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("sheet\n got %q\nwant %q", got, want)
			}
		})

		t.Run("every export is audited", func(t *testing.T) {
			l, err := st.ListAudit(testutil.System(), model.AuditFilter{Action: store.ActExportPeople})
			if err != nil {
				t.Fatal(err)
			}
			var details []string
			for _, e := range l.Items {
				details = append(details, e.ObjectID+" "+e.Detail+" "+e.Username)
			}
			want := []string{"xlsx rows=1 cw", "csv rows=3 cw"}
			if !reflect.DeepEqual(details, want) {
				t.Errorf("audit %q, want %q", details, want)
			}
		})

		t.Run("a role without the export function is refused", func(t *testing.T) {
			counselor := testutil.As(&auth.Principal{UserID: 2, Username: "co", Role: auth.RoleCounselor, RegionCode: "210902"})
			var buf bytes.Buffer
			if _, err := ExportPeople(counselor, st, &buf, "csv", model.PersonFilter{}, i18n.ZH); model.ErrorCode(err) != model.EForbidden || buf.Len() > 0 {
				t.Errorf("got %v and %d bytes", err, buf.Len())
			}
			if _, err := ExportPeople(ctx, st, &buf, "pdf", model.PersonFilter{}, i18n.ZH); model.ErrorCode(err) != model.EInvalid {
				t.Errorf("an unknown format: %v", err)
			}
		})
	})
}

func TestNeutralise(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+86 139": "'+86 139", "-5": "'-5", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"张三": "张三", "": "", "a=b": "a=b", "139****5678": "139****5678",
	} {
		if got := neutralise(in); got != want {
			t.Errorf("neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}
