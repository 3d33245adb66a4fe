package importer

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"houdun/internal/ident"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

var familyHeader = []string{"职工身份证号", "家属姓名", "关系", "出生日期", "身份证号", "手机号", "是否同住", "照护需求"}

// registerThreePeople imports 张三, 李四 and 王五 as the caseworker.
func registerThreePeople(t *testing.T, st *store.Store) [][]string {
	t.Helper()
	rows := threePeople()
	if _, err := ImportPeople(caseworker(), st, strings.NewReader(csvText(rows)), "people.csv", Options{}); err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestImportFamiliesFindsTheWorkerAndReadsTheCareNeeds(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		newFixture(t, st)
		people := registerThreePeople(t, st)
		zhang, li, wang := people[1][1], people[2][1], people[3][1]
		file := [][]string{
			familyHeader,
			// A father who needs care, with a birth date typed with slashes.
			{zhang, "张父", "父亲", "1950/3/1", "", "", "是", "老人需照护、慢性病"},
			// A child whose birth date is an Excel date cell, read raw as a serial.
			{zhang, "张小宝", "子女", "43891", "", "", "是", "未成年子女"},
			// 李四's wife is 王五, a registered worker herself: the link is derived.
			{strings.ToLower(li), "王五", "配偶", "", wang, "13900001111", "否", ""},
		}
		ctx := caseworker()
		res, err := ImportFamilies(ctx, st, bytes.NewReader(xlsxBytes(t, file)), "家属.xlsx", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res != (model.ImportResult{Created: 3}) {
			t.Errorf("first import: %+v, want created 3", res)
		}
		res, err = ImportFamilies(ctx, st, bytes.NewReader(xlsxBytes(t, file)), "家属.xlsx", Options{})
		if err != nil || res != (model.ImportResult{Unchanged: 3}) {
			t.Errorf("importing again: %+v %v, want unchanged 3", res, err)
		}

		members, err := st.ListFamily(ctx, personByID(t, st, zhang).ID, false)
		if err != nil {
			t.Fatal(err)
		}
		type member struct {
			Name, Relation, BirthDate string
			LivesWith                 bool
			CareNeeds                 []string
		}
		var got []member
		for _, m := range members {
			got = append(got, member{m.Name, m.Relation, m.BirthDate, m.LivesWith, m.CareNeeds})
		}
		want := []member{
			{"张父", model.RelParent, "1950-03-01", true, []string{model.CareChronicIll, model.CareElderly}},
			{"张小宝", model.RelChild, "2020-03-01", true, []string{model.CareMinor}},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("张三's family\n got %+v\nwant %+v", got, want)
		}
		spouse, err := st.ListFamily(ctx, personByID(t, st, li).ID, false)
		if err != nil || len(spouse) != 1 {
			t.Fatalf("李四's family: %v %v", spouse, err)
		}
		if w := personByID(t, st, wang); spouse[0].MedicalWorkerPersonID == nil || *spouse[0].MedicalWorkerPersonID != w.ID {
			t.Errorf("the spouse should link to 王五 (%d), got %v", w.ID, spouse[0].MedicalWorkerPersonID)
		}
		if spouse[0].BirthDate != "1980-01-03" || spouse[0].Sex == "" {
			t.Errorf("birth date and sex come from the ID number, got %q %q", spouse[0].BirthDate, spouse[0].Sex)
		}
	})
}

func TestImportFamiliesListsEveryBadCell(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		newFixture(t, st)
		people := registerThreePeople(t, st)
		zhang := people[1][1]
		file := [][]string{
			familyHeader,
			{zhang, "张父", "父亲", "1950-03-01", "", "", "是", "老人需照护"},
			{zhang, "张父", "父母", "1950-03-01", "", "", "是", ""},                 // the same father again
			{zhang, "张母", "母亲", "1950-02-30", "", "", "同住", "需要人陪"},            // no such date; not yes/no; not a care need
			{zhang, "张某", "表哥", "", "", "", "", ""},                            // not a relation; neither birth date nor ID
			{"1.10105E+17", "李某", "子女", "2010-01-01", "", "", "", ""},          // the worker's ID as an Excel number
			{zhang, "张三自己", "其他", "", zhang, "", "", ""},                       // the worker as his own relative
			{"11010519491231002Y", "", "子女", "", "", "1380000", "", "残疾, 慢性病"}, // bad worker ID, no name, bad phone
		}
		_, err := ImportFamilies(caseworker(), st, strings.NewReader(csvText(file)), "家属.csv", Options{})
		me := asModelError(t, err)
		want := []rowErr{
			{3, "家属姓名", "importer.duplicate_of_row"},
			{4, "出生日期", "field.date"},
			{4, "是否同住", "field.bool"},
			{4, "照护需求", "importer.choice"},
			{5, "关系", "importer.choice"},
			{5, "出生日期", "family.birth_date_or_id"},
			{6, "职工身份证号", "importer.as_number"},
			{7, "身份证号", "family.link_self"},
			{8, "职工身份证号", "id_number.characters"},
			{8, "家属姓名", "field.required"},
			{8, "出生日期", "family.birth_date_or_id"},
			{8, "手机号", "phone.invalid"},
		}
		if got := keysOf(me.Rows); me.Code != model.EImportInvalid || !reflect.DeepEqual(got, want) {
			t.Errorf("got %s\n%v\nwant\n%v", me.Code, got, want)
		}
		if me.Msg.Args[0] != len(want) {
			t.Errorf("message counts %v errors, want %d", me.Msg.Args[0], len(want))
		}
	})
}

func TestImportFamiliesNeedsARegisteredWorkerInScope(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		newFixture(t, st)
		registerThreePeople(t, st)
		stranger := ident.MakeIDNumber("210102", time.Date(1975, 5, 5, 0, 0, 0, 0, time.UTC), 5)
		file := [][]string{
			{"worker_id_number", "name", "relation", "birth_date", "id_number", "phone", "lives_with", "care_needs"},
			{stranger, "Li Si", "spouse", "1976-01-01", "", "", "no", ""},
		}
		_, err := ImportFamilies(caseworker(), st, strings.NewReader(csvText(file)), "families.csv", Options{})
		me := asModelError(t, err)
		want := []rowErr{{2, "worker_id_number", "import.worker_unknown"}}
		if got := keysOf(me.Rows); me.Code != model.EImportInvalid || !reflect.DeepEqual(got, want) {
			t.Errorf("got %s %v, want %v", me.Code, got, want)
		}
	})
}
