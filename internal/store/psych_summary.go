package store

import (
	"context"
	"sort"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/psych"
)

// SummaryWeeks is how many weeks the summary's trend goes back.
const SummaryWeeks = 12

// PsychSummary returns a region's screening for leaders and counselors:
// per instrument the people screened by severity band of their latest
// result, and the assessments by week and band, every table published
// through model.CountTable with small-cell suppression, so that no cell
// under 5 people is shown and none can be worked out from the totals. No
// name, no individual score leaves the store.
// Returns EUnauthenticated, EForbidden without psych.summary, ENotFound (region out of scope).
func (s *Store) PsychSummary(ctx context.Context, regionCode string) (_ model.PsychSummary, err error) {
	defer wrap(&err, "PsychSummary(%q)", regionCode)
	out := model.PsychSummary{RegionCode: regionCode, Instruments: []model.PsychSummaryInstrument{}}
	pr, err := principal(ctx, auth.PermPsychSummary)
	if err != nil {
		return out, err
	}
	if regionCode == "" {
		regionCode = pr.RegionCode
		out.RegionCode = regionCode
	}
	if !scopeOf(pr).hasRegion(regionCode) {
		return out, model.NotFound("region")
	}
	now := s.now()
	thisWeek := weekOf(now)
	first := thisWeek.AddDate(0, 0, -7*(SummaryWeeks-1))
	var a args
	rows, err := s.scan.QueryContext(ctx, "SELECT x.person_id, x.instrument, x.result_enc, x.created_at FROM psych_assessments x WHERE "+
		scopeOf(pr).on("psych_assessments", "x", &a)+" AND "+regionRange("x.region_code", regionCode, &a)+" ORDER BY x.id", a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	type key struct {
		person int64
		inst   string
	}
	latest := map[key]string{}
	weekly := map[string]map[time.Time]map[string]int{}
	for rows.Next() {
		var person, created int64
		var inst string
		var enc []byte
		if err := rows.Scan(&person, &inst, &enc, &created); err != nil {
			return out, model.Internal(err)
		}
		r, err := s.openResult(enc)
		if err != nil {
			return out, err
		}
		latest[key{person, inst}] = r.Band
		if w := weekOf(fromMS(created)); !w.Before(first) {
			if weekly[inst] == nil {
				weekly[inst] = map[time.Time]map[string]int{}
			}
			if weekly[inst][w] == nil {
				weekly[inst][w] = map[string]int{}
			}
			weekly[inst][w][r.Band]++
		}
	}
	if err := rows.Err(); err != nil {
		return out, model.Internal(err)
	}
	byBand := map[string]map[string]int{}
	for k, band := range latest {
		if byBand[k.inst] == nil {
			byBand[k.inst] = map[string]int{}
		}
		byBand[k.inst][band]++
	}
	set := psych.Shipped()
	for _, id := range set.IDs() {
		inst := set.Get(id)
		bands := make([]string, len(inst.Bands))
		for i, b := range inst.Bands {
			bands[i] = b.ID
		}
		// The distribution: one row (the instrument), a column per band.
		// The bands that propose a referral are published as a group too, so
		// that suppression keeps their sum from undoing a hidden cell.
		var refer []int
		for j, b := range inst.Bands {
			if b.Refer {
				refer = append(refer, j)
			}
		}
		t := model.CountTable{Cells: [][]int{make([]int, len(bands))}, Groups: [][]int{refer}}
		for j, b := range bands {
			t.Cells[0][j] = byBand[id][b]
		}
		fig := t.Publish(true)
		si := model.PsychSummaryInstrument{Instrument: id, Screened: fig.Total, ModerateOrWorse: fig.Groups[0], Bands: cells(bands, fig.Cells[0])}
		out.Suppressed = out.Suppressed || fig.Total.IsSuppressed() || fig.Groups[0].IsSuppressed() || anyHidden(fig.Cells[0])
		// The trend: a row per week, a column per band.
		var weeks []time.Time
		for w := first; !w.After(thisWeek); w = w.AddDate(0, 0, 7) {
			weeks = append(weeks, w)
		}
		sort.Slice(weeks, func(i, j int) bool { return weeks[i].Before(weeks[j]) })
		wt := model.CountTable{Cells: make([][]int, len(weeks))}
		for i, w := range weeks {
			wt.Cells[i] = make([]int, len(bands))
			for j, b := range bands {
				wt.Cells[i][j] = weekly[id][w][b]
			}
		}
		wf := wt.Publish(true)
		for i, w := range weeks {
			hidden := wf.RowTotals[i].IsSuppressed() || anyHidden(wf.Cells[i])
			out.Suppressed = out.Suppressed || hidden
			si.Weeks = append(si.Weeks, model.PsychSummaryWeek{Week: w.Format("2006-01-02"), Assessed: wf.RowTotals[i], Suppressed: hidden,
				Bands: cells(bands, wf.Cells[i])})
		}
		out.Instruments = append(out.Instruments, si)
	}
	return out, nil
}

func cells(bands []string, row []model.Count) []model.PsychSummaryCell {
	out := make([]model.PsychSummaryCell, len(bands))
	for j, b := range bands {
		out[j] = model.PsychSummaryCell{Band: b, Count: row[j], Suppressed: row[j].IsSuppressed()}
	}
	return out
}

func anyHidden(row []model.Count) bool {
	for _, c := range row {
		if c.IsSuppressed() {
			return true
		}
	}
	return false
}

// weekOf is the Monday (00:00 China Standard Time) of t's week.
func weekOf(t time.Time) time.Time {
	t = t.In(beijing)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, beijing)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// PsychCounts returns the counsellor's open alerts and cases not closed in
// scope: counts only, so no read of personal data to audit.
// Returns EUnauthenticated, EForbidden without psych.work.
func (s *Store) PsychCounts(ctx context.Context) (_ model.PsychCounts, err error) {
	defer wrap(&err, "PsychCounts()")
	var out model.PsychCounts
	pr, err := principal(ctx, auth.PermPsychWork)
	if err != nil {
		return out, err
	}
	var a args
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM psych_alerts al WHERE al.status = "+a.add(model.AlertOpen)+" AND "+
		scopeOf(pr).on("psych_alerts", "al", &a), a...).Scan(&out.OpenAlerts); err != nil {
		return out, model.Internal(err)
	}
	a = args{}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM psych_cases c WHERE c.status <> "+a.add(model.PsychCaseClosed)+" AND "+
		scopeOf(pr).on("psych_cases", "c", &a), a...).Scan(&out.OpenCases); err != nil {
		return out, model.Internal(err)
	}
	return out, nil
}
