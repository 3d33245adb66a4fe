//go:build unix

package importer

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"syscall"
	"testing"
	"time"

	"houdun/internal/ident"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// benchRoster builds a valid people roster of n rows over the institutions
// named insts, as .xlsx the way Excel writes one: every text in the shared
// strings table, cells referring to it by index.
func benchRoster(b *testing.B, n int, insts []string) []byte {
	b.Helper()
	var sst, sheet bytes.Buffer
	index := map[string]int{}
	cell := func(s string) {
		i, ok := index[s]
		if !ok {
			i = len(index)
			index[s] = i
			sst.WriteString("<si><t>")
			xml.EscapeText(&sst, []byte(s))
			sst.WriteString("</t></si>")
		}
		fmt.Fprintf(&sheet, `<c t="s"><v>%d</v></c>`, i)
	}
	row := func(num int, cells ...string) {
		fmt.Fprintf(&sheet, `<row r="%d">`, num)
		for _, c := range cells {
			cell(c)
		}
		sheet.WriteString("</row>")
	}
	row(1, peopleHeader...)
	occs := []string{"医生", "护士", "医技人员", "疾控人员", "社区工作者", "其他"}
	depts := []string{"呼吸内科", "重症医学科", "急诊科", "感染科", "检验科", "发热门诊"}
	birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		// 1000 sequence numbers per birth day keep every number distinct.
		id := ident.MakeIDNumber("210902", birth.AddDate(0, 0, i/1000), i%1000)
		frontline := "否"
		if i%3 == 0 {
			frontline = "是"
		}
		row(i+2, fmt.Sprintf("职工%d", i), id, fmt.Sprintf("139%08d", i), insts[i%len(insts)], depts[i%len(depts)], occs[i%len(occs)], "主治医师", frontline)
	}
	ns := `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	return xlsxWithParts(b, map[string]string{
		"xl/sharedStrings.xml":     fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst %s count="%d" uniqueCount="%d">%s</sst>`, ns, 8*(n+1), len(index), sst.String()),
		"xl/worksheets/sheet1.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet ` + ns + `><sheetData>` + sheet.String() + `</sheetData></worksheet>`,
	})
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
	var elapsed, cpu time.Duration
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
		start, startCPU := time.Now(), cpuTime()
		b.StartTimer()
		res, err := ImportPeople(ctx, st, bytes.NewReader(file), "roster.xlsx", Options{})
		b.StopTimer()
		elapsed, cpu = elapsed+time.Since(start), cpu+cpuTime()-startCPU
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
	// Rows per second of CPU time (user and system, all threads): on a
	// shared machine this is steadier than the wall clock.
	b.ReportMetric(float64(n)*float64(b.N)/cpu.Seconds(), "rows/cpu-s")
}

// cpuTime is the CPU time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
