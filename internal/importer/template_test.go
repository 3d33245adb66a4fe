package importer

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

func TestWriteTemplate(t *testing.T) {
	tests := []struct {
		kind         Kind
		lang         i18n.Lang
		sheets       []string
		header       []string
		textColumns  []string // formatted as text
		dropDowns    []string // columns with a list
		exampleValue string
	}{
		{KindPeople, i18n.ZH, []string{"人员名单", "说明"}, peopleHeader, []string{"B", "C"}, []string{"F", "H"}, "11010519491231002X"},
		{KindPeople, i18n.EN, []string{"People", "Instructions"},
			[]string{"name", "id_number", "phone", "institution", "department", "occupation", "title", "frontline"}, []string{"B", "C"}, []string{"F", "H"}, "Zhang San"},
		{KindFamilies, i18n.ZH, []string{"家属名单", "说明"}, familyHeader, []string{"A", "E", "F"}, []string{"C", "G"}, "1950-03-01"},
		{KindFamilies, i18n.EN, []string{"Families", "Instructions"},
			[]string{"worker_id_number", "name", "relation", "birth_date", "id_number", "phone", "lives_with", "care_needs"}, []string{"A", "E", "F"}, []string{"C", "G"}, "Li Si"},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind)+" "+string(tt.lang), func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteTemplate(&buf, tt.kind, tt.lang); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if got := f.GetSheetList(); !reflect.DeepEqual(got, tt.sheets) {
				t.Errorf("sheets %v, want %v", got, tt.sheets)
			}
			rows, _ := f.GetRows(tt.sheets[0])
			if len(rows) != 1 || !reflect.DeepEqual(rows[0], tt.header) {
				t.Errorf("the roster sheet must hold the header only (no example row a clerk could upload), got %q", rows)
			}
			for _, col := range tt.textColumns {
				id, _ := f.GetColStyle(tt.sheets[0], col)
				style, err := f.GetStyle(id)
				if err != nil || style.NumFmt != 49 {
					t.Errorf("column %s must be formatted as text (@)", col)
				}
			}
			dvs, _ := f.GetDataValidations(tt.sheets[0])
			var lists []string
			for _, dv := range dvs {
				lists = append(lists, dv.Sqref[:1])
			}
			slices.Sort(lists)
			if !reflect.DeepEqual(lists, tt.dropDowns) {
				t.Errorf("drop-down lists on %v, want %v", lists, tt.dropDowns)
			}
			help, _ := f.GetRows(tt.sheets[1])
			var all strings.Builder
			for _, r := range help {
				all.WriteString(strings.Join(r, "\t") + "\n")
			}
			for _, h := range tt.header {
				if !strings.Contains(all.String(), h) {
					t.Errorf("the instructions do not explain %s", h)
				}
			}
			if !strings.Contains(all.String(), tt.exampleValue) {
				t.Errorf("the instructions lack the example %q", tt.exampleValue)
			}
			// The blank template is a valid file for the importer.
			tab, err := ReadTable(bytes.NewReader(buf.Bytes()), "t.xlsx", Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if _, errs := mapHeaders(tab, tt.kind); len(errs) > 0 {
				t.Errorf("the importer does not recognise the template's header: %v", errs)
			}
		})
	}
	if err := WriteTemplate(&bytes.Buffer{}, "pets", i18n.ZH); model.ErrorCode(err) != model.EInvalid {
		t.Errorf("unknown kind: %v", err)
	}
}

func TestAFilledInTemplateImports(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		newFixture(t, st)
		var buf bytes.Buffer
		if err := WriteTemplate(&buf, KindPeople, i18n.ZH); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		row := []any{"张三", idNumber(1, 11), "13912345678", "阜新市第一人民医院", "呼吸内科", "医生", "主治医师", "是"}
		if err := f.SetSheetRow("人员名单", "A2", &row); err != nil {
			t.Fatal(err)
		}
		buf.Reset()
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		res, err := ImportPeople(caseworker(), st, &buf, "人员名单模板.xlsx", Options{})
		if err != nil || res.Created != 1 {
			t.Errorf("got %+v %v, want one person created", res, err)
		}
	})
}
