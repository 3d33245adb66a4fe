package importer

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"houdun/internal/ident"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// benchRoster builds a valid people roster of n rows over the institutions
// named insts, as .xlsx: shared strings, as Excel writes them.
func benchRoster(b *testing.B, n int, insts []string) []byte {
	b.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	row := make([]any, len(peopleHeader))
	for i, h := range peopleHeader {
		row[i] = h
	}
	if err := sw.SetRow("A1", row); err != nil {
		b.Fatal(err)
	}
	occs := []string{"医生", "护士", "医技人员", "疾控人员", "社区工作者", "其他"}
	depts := []string{"呼吸内科", "重症医学科", "急诊科", "感染科", "检验科", "发热门诊"}
	birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		// 1000 sequence numbers per birth day keep every number distinct.
		id := ident.MakeIDNumber("210902", birth.AddDate(0, 0, i/1000), i%1000)
		phone := fmt.Sprintf("139%08d", i)
		frontline := "否"
		if i%3 == 0 {
			frontline = "是"
		}
		row = []any{fmt.Sprintf("职工%d", i), id, phone, insts[i%len(insts)], depts[i%len(depts)], occs[i%len(occs)], "主治医师", frontline}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkImportPeople100k times a whole import of 100,000 new people —
// reading the .xlsx, validating every row, writing them into a fresh SQLite
// database — and reports rows per second. Setting up the database is not timed.
func BenchmarkImportPeople100k(b *testing.B) {
	const n = 100_000
	names := make([]string, 20)
	for i := range names {
		names[i] = fmt.Sprintf("阜新市第%d医院", i+1)
	}
	file := benchRoster(b, n, names)
	b.Logf("roster: %d rows, %.1f MB", n, float64(len(file))/1e6)
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		clock := testutil.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		st := testutil.NewStore(b, store.SQLite, clock.Now)
		typ := model.InstHospital
		region := "210902"
		for _, name := range names {
			if _, err := st.CreateInstitution(testutil.System(), model.InstitutionInput{Name: &name, Type: &typ, RegionCode: &region}); err != nil {
				b.Fatal(err)
			}
		}
		ctx := caseworker()
		start := time.Now()
		b.StartTimer()
		res, err := ImportPeople(ctx, st, bytes.NewReader(file), "roster.xlsx", Options{})
		b.StopTimer()
		elapsed += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if res.Created != n {
			b.Fatalf("created %d, want %d", res.Created, n)
		}
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/elapsed.Seconds(), "rows/s")
}
