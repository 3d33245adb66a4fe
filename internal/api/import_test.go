package api_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"houdun/internal/auth"
	"houdun/internal/ident"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// The headers of the rosters, as the downloaded templates write them.
var (
	peopleHeaders = []string{"姓名", "身份证号", "手机号", "单位", "科室", "职业类别", "职称", "是否一线"}
	familyHeaders = []string{"职工身份证号", "家属姓名", "关系", "出生日期", "身份证号", "手机号", "是否同住", "照护需求"}
)

// xlsxFile builds a workbook with one sheet: the header row, then rows. ID
// numbers and phones are written as text, as the template formats them.
func xlsxFile(t *testing.T, header []string, rows [][]string) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	sheet := x.GetSheetName(0)
	for r, row := range append([][]string{header}, rows...) {
		for c, v := range row {
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				t.Fatal(err)
			}
			if err := x.SetCellStr(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// uploadCall posts content as the "file" part of a multipart form.
func uploadCall(path, filename string, content []byte) call {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, _ := mw.CreateFormFile("file", filename)
	w.Write(content)
	mw.Close()
	return call{Method: "POST", Path: path, Body: buf.Bytes(), ContentType: mw.FormDataContentType()}
}

type importResult struct {
	Created, Updated, Unchanged int
	DryRun                      bool `json:"dry_run"`
}

func TestImportsOverHTTP(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleCaseworker, auth.RoleAuditor)
		cw := f.tokens[auth.RoleCaseworker]
		upload := func(t *testing.T, query, filename string, content []byte) *response {
			t.Helper()
			c := uploadCall("/api/v1/imports/people"+query, filename, content)
			c.Token = cw
			return f.do(t, c)
		}
		total := func(t *testing.T) int {
			t.Helper()
			var l struct{ Total int }
			f.get(t, auth.RoleCaseworker, "/api/v1/people").want(t, http.StatusOK).decode(t, &l)
			return l.Total
		}
		ids := []string{f.freshIDNumber(), f.freshIDNumber(), f.freshIDNumber()}
		roster := [][]string{
			{"陈静", ids[0], "13800138001", f.instA.Name, "感染科", "护士", "主管护师", "是"},
			{"杨帆", ids[1], "", f.instA.Name, "ICU", "医生", "主治医师", "否"},
			{"周洋", ids[2], "+86 138 0013 8003", f.instA2.Name, "检验科", "医技人员", "", "是"},
		}
		file := xlsxFile(t, peopleHeaders, roster)

		t.Run("a dry run counts and writes nothing", func(t *testing.T) {
			before := total(t)
			var res importResult
			upload(t, "?dry_run=true", "名单.xlsx", file).want(t, http.StatusOK).decode(t, &res)
			if res != (importResult{Created: 3, DryRun: true}) {
				t.Errorf("dry run = %+v", res)
			}
			if after := total(t); after != before {
				t.Errorf("a dry run wrote %d people", after-before)
			}
		})

		t.Run("a valid roster creates everyone with 201", func(t *testing.T) {
			before := total(t)
			var res importResult
			upload(t, "", "名单.xlsx", file).want(t, http.StatusCreated).decode(t, &res)
			if res != (importResult{Created: 3}) {
				t.Errorf("import = %+v", res)
			}
			if after := total(t); after != before+3 {
				t.Errorf("people %d → %d, want 3 more", before, after)
			}
			list, err := st.ListPeople(testutil.System(), model.PersonFilter{IDNumber: ids[2]})
			if err != nil || list.Total != 1 || list.Items[0].Occupation != model.OccTechnician || list.Items[0].InstitutionID != f.instA2.ID ||
				list.Items[0].PhoneMasked != "138****8003" || !list.Items[0].Frontline {
				t.Errorf("imported person = %+v, %v", list.Items, err)
			}
		})

		t.Run("the same roster again changes nothing and answers 200", func(t *testing.T) {
			var res importResult
			upload(t, "", "名单.xlsx", file).want(t, http.StatusOK).decode(t, &res)
			if res != (importResult{Unchanged: 3}) {
				t.Errorf("re-import = %+v", res)
			}
		})

		t.Run("a changed row updates that person", func(t *testing.T) {
			changed := [][]string{roster[0], roster[1], append([]string(nil), roster[2]...)}
			changed[2][6] = "主管技师"
			var res importResult
			upload(t, "", "名单.xlsx", xlsxFile(t, peopleHeaders, changed)).want(t, http.StatusOK).decode(t, &res)
			if res != (importResult{Updated: 1, Unchanged: 2}) {
				t.Errorf("import = %+v", res)
			}
		})

		t.Run("a roster with bad rows answers 422 listing them and writes nothing", func(t *testing.T) {
			before := total(t)
			good := f.freshIDNumber()
			bad := good[:17] + "1" // a wrong check character
			if good[17] == '1' {
				bad = good[:17] + "2"
			}
			r := upload(t, "", "名单.xlsx", xlsxFile(t, peopleHeaders, [][]string{
				{"好人", f.freshIDNumber(), "", f.instA.Name, "", "医生", "", "是"},
				{"坏号", bad, "", f.instA.Name, "", "医生", "", "是"},
				{"坏类", f.freshIDNumber(), "", f.instA.Name, "", "飞行员", "", "是"},
				{"外单位", f.freshIDNumber(), "", f.instB.Name, "", "医生", "", "是"},
			})).want(t, http.StatusUnprocessableEntity)
			e := r.apiError(t)
			if e.Code != "import_invalid" || len(e.Rows) == 0 {
				t.Fatalf("error = %+v", e)
			}
			got := map[string]string{}
			for _, row := range e.Rows {
				if row.Message == "" {
					t.Errorf("row %d %s has no message", row.Row, row.Column)
				}
				got[fmt.Sprintf("%d/%s", row.Row, row.Column)] = row.Message
			}
			if got["3/身份证号"] != "身份证号校验位不正确" {
				t.Errorf("bad ID number in row 3 not reported as such: %v", got)
			}
			if _, ok := got["4/职业类别"]; !ok {
				t.Errorf("bad occupation in row 4 not reported: %v", got)
			}
			if len(e.Rows) < 2 {
				t.Errorf("rows = %+v", e.Rows)
			}
			if after := total(t); after != before {
				t.Errorf("a failed import wrote %d people", after-before)
			}
		})

		t.Run("an institution outside the caller's scope is a bad row", func(t *testing.T) {
			r := upload(t, "", "名单.xlsx", xlsxFile(t, peopleHeaders, [][]string{{"外单位", f.freshIDNumber(), "", f.instB.Name, "", "医生", "", "是"}}))
			e := r.want(t, http.StatusUnprocessableEntity).apiError(t)
			if len(e.Rows) != 1 || e.Rows[0].Row != 2 {
				t.Errorf("rows = %+v", e.Rows)
			}
		})

		t.Run("a text file named .xlsx answers 415", func(t *testing.T) {
			e := upload(t, "", "名单.xlsx", []byte("姓名,身份证号\n张三,110105194912310021\n")).want(t, http.StatusUnsupportedMediaType).apiError(t)
			if e.Code != "unsupported" {
				t.Errorf("error = %+v", e)
			}
		})

		t.Run("an upload without a file answers 400", func(t *testing.T) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			mw.WriteField("note", "no file here")
			mw.Close()
			f.do(t, call{Method: "POST", Path: "/api/v1/imports/people", Token: cw, Body: buf.Bytes(), ContentType: mw.FormDataContentType()}).
				want(t, http.StatusBadRequest)
		})

		t.Run("a JSON body answers 415", func(t *testing.T) {
			f.send(t, auth.RoleCaseworker, "POST", "/api/v1/imports/people", map[string]string{"name": "x"}).want(t, http.StatusUnsupportedMediaType)
		})

		t.Run("a file over the upload limit answers 413", func(t *testing.T) {
			big := bytes.Repeat([]byte("a"), 33<<20)
			upload(t, "", "big.csv", big).want(t, http.StatusRequestEntityTooLarge)
		})

		t.Run("a CSV sent as the raw body is imported", func(t *testing.T) {
			id := f.freshIDNumber()
			body := strings.Join(peopleHeaders, ",") + "\n" + "吴敏," + id + ",13800138009," + f.instA.Name + ",发热门诊,护士,护师,是\n"
			var res importResult
			f.do(t, call{Method: "POST", Path: "/api/v1/imports/people?filename=roster.csv", Token: cw, Body: []byte(body), ContentType: "text/csv"}).
				want(t, http.StatusCreated).decode(t, &res)
			if res.Created != 1 {
				t.Errorf("import = %+v", res)
			}
		})

		t.Run("a families roster creates relatives, and again leaves them", func(t *testing.T) {
			fam := xlsxFile(t, familyHeaders, [][]string{
				{ids[0], "陈父", "父母", "1950-03-01", "", "", "是", "老人需照护"},
				{ids[0], "陈子", "子女", "2016-09-01", "", "", "是", "未成年子女"},
			})
			for _, c := range []struct {
				status int
				want   importResult
			}{{http.StatusCreated, importResult{Created: 2}}, {http.StatusOK, importResult{Unchanged: 2}}} {
				r := uploadCall("/api/v1/imports/families", "家属.xlsx", fam)
				r.Token = cw
				var res importResult
				f.do(t, r).want(t, c.status).decode(t, &res)
				if res != c.want {
					t.Errorf("families import = %+v, want %+v", res, c.want)
				}
			}
		})

		t.Run("imports are audited", func(t *testing.T) {
			var l struct{ Total int }
			f.get(t, auth.RoleAuditor, "/api/v1/audit?action=import.people").want(t, http.StatusOK).decode(t, &l)
			if l.Total == 0 {
				t.Error("no import.people audit rows")
			}
		})
	})
}

func TestTemplatesAndExports(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleCaseworker, auth.RoleAuditor)
		cw := f.tokens[auth.RoleCaseworker]

		for _, c := range []struct {
			kind, path string
			header     []string
		}{
			{"people", "/api/v1/imports/people/template.xlsx", peopleHeaders},
			{"families", "/api/v1/imports/families/template.xlsx", familyHeaders},
		} {
			t.Run("the "+c.kind+" template is an .xlsx attachment with the roster's headers", func(t *testing.T) {
				r := f.get(t, auth.RoleCaseworker, c.path).want(t, http.StatusOK)
				if !bytes.HasPrefix(r.Body, []byte("PK\x03\x04")) {
					t.Fatalf("template does not start with the zip signature: %q", r.Body[:min(8, len(r.Body))])
				}
				if ct := r.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
					t.Errorf("Content-Type = %q", ct)
				}
				disp, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition"))
				if err != nil || disp != "attachment" || !strings.HasSuffix(params["filename"], ".xlsx") {
					t.Errorf("Content-Disposition = %q (%v)", r.Header.Get("Content-Disposition"), err)
				}
				sheet, x := rosterSheet(t, r.Body, c.header[0])
				defer x.Close()
				rows, _ := x.GetRows(sheet)
				if got := rows[0][:min(len(rows[0]), len(c.header))]; strings.Join(got, ",") != strings.Join(c.header, ",") {
					t.Errorf("template header = %v, want %v", rows[0], c.header)
				}
			})
		}

		t.Run("an English template has English headers", func(t *testing.T) {
			r := f.do(t, call{Method: "GET", Path: "/api/v1/imports/people/template.xlsx", Token: cw, Header: map[string]string{"Accept-Language": "en"}}).
				want(t, http.StatusOK)
			sheet, x := rosterSheet(t, r.Body, "name")
			x.Close()
			if sheet == "" {
				t.Error("no sheet starts with the English header name")
			}
		})

		t.Run("a filled-in template imports", func(t *testing.T) {
			r := f.get(t, auth.RoleCaseworker, "/api/v1/imports/people/template.xlsx").want(t, http.StatusOK)
			sheet, x := rosterSheet(t, r.Body, "姓名")
			defer x.Close()
			row := []string{"孙丽", f.freshIDNumber(), "13800138010", f.instA.Name, "重症医学科", "护士", "护师", "是"}
			for i, v := range row {
				cell, _ := excelize.CoordinatesToCellName(i+1, 2)
				x.SetCellStr(sheet, cell, v)
			}
			var buf bytes.Buffer
			if err := x.Write(&buf); err != nil {
				t.Fatal(err)
			}
			c := uploadCall("/api/v1/imports/people", "filled.xlsx", buf.Bytes())
			c.Token = cw
			var res importResult
			f.do(t, c).want(t, http.StatusCreated).decode(t, &res)
			if res.Created != 1 {
				t.Errorf("import = %+v", res)
			}
		})

		t.Run("the CSV export holds masked ID numbers and phones only and neutralises formulas", func(t *testing.T) {
			formula := f.person(t, "=HYPERLINK(\"http://evil.example\",\"点我\")", f.instA.ID)
			plus := f.person(t, "+1+1", f.instA.ID)
			r := f.get(t, auth.RoleCaseworker, "/api/v1/exports/people.csv").want(t, http.StatusOK)
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
				t.Errorf("Content-Type = %q", ct)
			}
			if d := r.Header.Get("Content-Disposition"); !strings.HasPrefix(d, "attachment") || !strings.Contains(d, ".csv") {
				t.Errorf("Content-Disposition = %q", d)
			}
			if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q", cc)
			}
			text := strings.TrimPrefix(string(r.Body), "\ufeff")
			for pid, full := range f.idNumber {
				if strings.Contains(text, full) {
					t.Errorf("export holds the full ID number of person %d", pid)
				}
				if strings.Contains(text, f.phone[pid]) {
					t.Errorf("export holds the full phone of person %d", pid)
				}
			}
			if !strings.Contains(text, ident.MaskIDNumber(f.idNumber[f.atA.ID])) {
				t.Error("export lacks the masked ID number")
			}
			records, err := csv.NewReader(strings.NewReader(text)).ReadAll()
			if err != nil {
				t.Fatalf("export is not CSV: %v", err)
			}
			found := 0
			for _, rec := range records {
				for _, cell := range rec {
					if cell != "" && strings.ContainsAny(cell[:1], "=+-@\t\r") {
						t.Errorf("cell %q starts like a formula", cell)
					}
					if strings.Contains(cell, "HYPERLINK") || strings.Contains(cell, "+1+1") {
						found++
					}
				}
			}
			if found != 2 {
				t.Errorf("the formula-looking names %q and %q: %d found in the export", formula.Name, plus.Name, found)
			}
		})

		t.Run("the xlsx export holds masked values only", func(t *testing.T) {
			r := f.get(t, auth.RoleCaseworker, "/api/v1/exports/people.xlsx").want(t, http.StatusOK)
			text := exportText(t, r)
			for pid, full := range f.idNumber {
				if strings.Contains(text, full) || strings.Contains(text, f.phone[pid]) {
					t.Errorf("xlsx export holds the full ID number or phone of person %d", pid)
				}
			}
			if !strings.Contains(text, f.atA.Name) || strings.Contains(text, f.atB.Name) {
				t.Error("xlsx export does not hold exactly the caller's people")
			}
		})

		t.Run("exports honour the list filters", func(t *testing.T) {
			r := f.get(t, auth.RoleCaseworker, fmt.Sprintf("/api/v1/exports/people.csv?institution_id=%d", f.instA2.ID)).want(t, http.StatusOK)
			if text := string(r.Body); !strings.Contains(text, f.atA2.Name) || strings.Contains(text, f.atA.Name) {
				t.Error("export ignores institution_id")
			}
		})

		t.Run("exports are audited", func(t *testing.T) {
			var l struct{ Total int }
			f.get(t, auth.RoleAuditor, "/api/v1/audit?action=export.people").want(t, http.StatusOK).decode(t, &l)
			if l.Total == 0 {
				t.Error("no export.people audit rows")
			}
		})
	})
}

// rosterSheet opens a workbook and finds the sheet whose A1 is firstHeader.
func rosterSheet(t *testing.T, content []byte, firstHeader string) (string, *excelize.File) {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(content))
	if err != nil {
		t.Fatalf("not an .xlsx: %v", err)
	}
	for _, s := range x.GetSheetList() {
		if v, _ := x.GetCellValue(s, "A1"); v == firstHeader {
			return s, x
		}
	}
	t.Errorf("no sheet has %q in A1 (sheets %v)", firstHeader, x.GetSheetList())
	return "", x
}
