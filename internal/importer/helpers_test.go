package importer

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"houdun/internal/auth"
	"houdun/internal/ident"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// fixedToday is the date the test clocks start on.
var fixedToday = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// Fictitious but valid ID numbers of people born in Fuxin (210902).
func idNumber(day, seq int) string {
	return ident.MakeIDNumber("210902", time.Date(1980, 1, day, 0, 0, 0, 0, time.UTC), seq)
}

// caseworker is a caseworker of 海州区, Fuxin.
func caseworker() context.Context {
	return testutil.As(&auth.Principal{UserID: 1, Username: "cw", Role: auth.RoleCaseworker, RegionCode: "210902"})
}

// fixture is a store with two hospitals in the caseworker's county and one in Shenyang, outside it.
type fixture struct {
	st                *store.Store
	first, central    model.Institution
	shenyang          model.Institution
	firstCreditCode   string
	caseworkerContext context.Context
}

func newFixture(t *testing.T, st *store.Store) fixture {
	t.Helper()
	fx := fixture{st: st, firstCreditCode: "91350100M000100Y43", caseworkerContext: caseworker()}
	fx.first = createInstitution(t, st, "阜新市第一人民医院", "210902", fx.firstCreditCode)
	fx.central = createInstitution(t, st, "阜新市中心医院", "210902", "")
	fx.shenyang = createInstitution(t, st, "沈阳市第一医院", "210102", "")
	return fx
}

func createInstitution(t *testing.T, st *store.Store, name, region, credit string) model.Institution {
	t.Helper()
	typ := model.InstHospital
	in := model.InstitutionInput{Name: &name, Type: &typ, RegionCode: &region}
	if credit != "" {
		in.CreditCode = &credit
	}
	inst, err := st.CreateInstitution(testutil.System(), in)
	if err != nil {
		t.Fatalf("create institution %s: %v", name, err)
	}
	return inst
}

// xlsxBytes builds a workbook whose first sheet holds rows, every cell as text.
func xlsxBytes(t testing.TB, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := f.SetCellStr("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func csvText(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, ","))
		b.WriteString("\r\n")
	}
	return b.String()
}

var peopleHeader = []string{"姓名", "身份证号", "手机号", "单位", "科室", "职业类别", "职称", "是否一线"}

func threePeople() [][]string {
	return [][]string{
		peopleHeader,
		{"张三", idNumber(1, 11), "13912345678", "阜新市第一人民医院", "呼吸内科", "医生", "主治医师", "是"},
		{"李四", idNumber(2, 22), "", "阜新市中心医院", "重症医学科", "护士", "主管护师", "否"},
		{"王五", idNumber(3, 33), "+86 139 0000 1111", "91350100M000100Y43", "检验科", "医技人员", "", ""},
	}
}

// asModelError returns err as *model.Error or fails.
func asModelError(t *testing.T, err error) *model.Error {
	t.Helper()
	var me *model.Error
	if !errors.As(err, &me) {
		t.Fatalf("want a *model.Error, got %v", err)
	}
	return me
}

// countPeople counts everyone in the database.
func countPeople(t *testing.T, st *store.Store) int {
	t.Helper()
	l, err := st.ListPeople(testutil.System(), model.PersonFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return l.Total
}

// personByID finds a person by ID number, as the system.
func personByID(t *testing.T, st *store.Store, id string) model.Person {
	t.Helper()
	l, err := st.ListPeople(testutil.System(), model.PersonFilter{IDNumber: id})
	if err != nil || len(l.Items) != 1 {
		t.Fatalf("person %s: %v (%d found)", ident.MaskIDNumber(id), err, len(l.Items))
	}
	return l.Items[0]
}

// rowErr is a RowError reduced to what tests compare.
type rowErr struct {
	Row    int
	Column string
	Key    string
}

func keysOf(rows []model.RowError) []rowErr {
	out := make([]rowErr, len(rows))
	for i, r := range rows {
		out[i] = rowErr{r.Row, r.Column, r.Msg.Key}
	}
	return out
}
