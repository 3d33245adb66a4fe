package importer

import (
	"archive/zip"
	"bytes"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// inflatingXLSX builds a small .xlsx whose worksheet inflates to about
// mib MiB: a header of every template column plus extra ones up to
// MaxColumns, and rows of long inline strings in every column, the shape of
// the upload that took the server from 121 MB to 3 GB (361 KB → 195 MiB).
func inflatingXLSX(t testing.TB, mib int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	add("[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`)
	add("_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	add("xl/workbook.xml", `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	add("xl/_rels/workbook.xml.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	cell := func(s string) string { return `<c t="inlineStr"><is><t>` + s + `</t></is></c>` }
	var head strings.Builder
	head.WriteString(`<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row>`)
	for i, h := range []string{"姓名", "身份证号", "手机号", "单位", "科室", "职业类别", "职称", "是否一线"} {
		_ = i
		head.WriteString(cell(h))
	}
	for i := 8; i < DefaultMaxColumns; i++ {
		head.WriteString(cell(fmt.Sprintf("备注%d", i)))
	}
	head.WriteString(`</row>`)
	w.Write([]byte(head.String()))
	var row strings.Builder
	row.WriteString("<row>")
	for i := 0; i < DefaultMaxColumns; i++ {
		row.WriteString(cell(strings.Repeat("长", 20)))
	}
	row.WriteString("</row>")
	r := []byte(row.String())
	for n := 0; n < mib<<20; n += len(r) {
		w.Write(r)
	}
	w.Write([]byte(`</sheetData></worksheet>`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// peakHeap runs fn and returns the most heap in use above the start while it ran.
func peakHeap(fn func()) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(20))
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > base && m.HeapInuse-base > peak.Load() {
				peak.Store(m.HeapInuse - base)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	<-done
	return peak.Load()
}

// TestImportMemoryIsBoundedByTheRowsKeptNotTheFile: a file of a few hundred
// KiB that inflates to 100 MiB of long cells costs an import a few MiB of
// heap (its upload and the first MaxRowErrors problems), where holding the
// table cost more than the inflated size. Several at once stay bounded by
// the gate, which answers "busy" past its slots.
func TestImportMemoryIsBoundedByTheRowsKeptNotTheFile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 100 MiB worksheet")
	}
	file := inflatingXLSX(t, 100)
	t.Logf("file %d KiB", len(file)>>10)
	st := testutil.NewStore(t, store.SQLite, time.Now)
	ctx := testutil.System()
	var err error
	peak := peakHeap(func() {
		_, err = ImportPeople(ctx, st, bytes.NewReader(file), "bomb.xlsx", Options{})
	})
	if model.ErrorCode(err) != model.EImportInvalid {
		t.Fatalf("import: %v", err)
	}
	t.Logf("peak heap above the start: %d MiB", peak>>20)
	if peak > 48<<20 {
		t.Errorf("streaming import used %d MiB of heap for a %d KiB file", peak>>20, len(file)>>10)
	}
	// What holding the table costs, for comparison: the old way.
	held := peakHeap(func() {
		tb, err := ReadTable(bytes.NewReader(file), "bomb.xlsx", Limits{})
		if err == nil {
			People(tb, []store.InstitutionRef{}, time.Now())
		}
	})
	t.Logf("holding the table: %d MiB", held>>20)
	if held < 4*peak {
		t.Errorf("the control did not show the cost of holding the table: %d vs %d MiB", held>>20, peak>>20)
	}
}

func TestGateAnswersBusyPastItsSlots(t *testing.T) {
	g := NewGate(2)
	a, err := g.Enter()
	if err != nil {
		t.Fatal(err)
	}
	b, err := g.Enter()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Enter(); model.ErrorCode(err) != model.EUnavailable {
		t.Fatalf("third import: %v, want unavailable", err)
	}
	a()
	c, err := g.Enter()
	if err != nil {
		t.Fatalf("after one left: %v", err)
	}
	b()
	c()
}
