package store

import (
	"context"
	"sort"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/letters"
	"houdun/internal/model"
)

// ActTitlePriorityList audits a read of the title-evaluation priority list.
const ActTitlePriorityList = "title_priority.list"

// ListTitlePriority returns the people in the caller's scope whose
// frontline service in [f.From, f.To] (default: the three years up to
// today) reaches their region's title_priority.min_days: they are flagged
// for priority in title evaluation (职称评聘优先), each with the basis — the
// deployments' days (DeploymentDays), tier-1 days and the periods served.
// Most days first. Returns EForbidden without title_priority.read (and
// deploy.days, which every holder has), EInvalid for a bad period.
func (s *Store) ListTitlePriority(ctx context.Context, f model.TitlePriorityFilter) (_ model.List[model.TitlePriority], err error) {
	defer wrap(&err, "ListTitlePriority()")
	out := model.List[model.TitlePriority]{Items: []model.TitlePriority{}}
	pr, err := principal(ctx, auth.PermTitlePriorityRead)
	if err != nil {
		return out, err
	}
	p := clampPageFor(ctx, f.Page)
	out.Limit, out.Offset = p.Limit, p.Offset
	from, to := s.servicePeriod(f.From, f.To)
	days, err := s.DeploymentDays(Covered(ctx), from, to, model.DaysFilter{InstitutionID: f.InstitutionID, RegionCode: f.RegionCode})
	if err != nil {
		return out, err
	}
	minDays := map[string]int{}
	q := strings.TrimSpace(f.Q)
	var flagged []model.PersonDays
	for _, d := range days {
		m, ok := minDays[d.RegionCode]
		if !ok {
			eff, err := effectiveSettings(ctx, s.read, d.RegionCode)
			if err != nil {
				return out, err
			}
			values := map[string]string{}
			for k, v := range eff {
				values[k] = v.Value
			}
			m = letters.Setting(values, letters.SettingTitleMinDays)
			minDays[d.RegionCode] = m
		}
		if int(d.Tier1HalfDays+d.Tier2HalfDays) < 2*m || q != "" && !strings.Contains(d.PersonName, q) {
			continue
		}
		flagged = append(flagged, d)
	}
	sort.SliceStable(flagged, func(i, j int) bool {
		a, b := flagged[i].Tier1HalfDays+flagged[i].Tier2HalfDays, flagged[j].Tier1HalfDays+flagged[j].Tier2HalfDays
		if a != b {
			return a > b
		}
		return flagged[i].PersonID < flagged[j].PersonID
	})
	out.Total = len(flagged)
	if p.Offset < len(flagged) {
		flagged = flagged[p.Offset:min(len(flagged), p.Offset+p.Limit)]
	} else {
		flagged = nil
	}
	ids := make([]int64, len(flagged))
	for i, d := range flagged {
		ids[i] = d.PersonID
	}
	periods, err := s.servicePeriods(ctx, pr, ids, from, to)
	if err != nil {
		return out, err
	}
	more, err := s.peopleDetails(ctx, pr, ids)
	if err != nil {
		return out, err
	}
	for _, d := range flagged {
		t := model.TitlePriority{PersonID: d.PersonID, PersonName: d.PersonName, InstitutionID: d.InstitutionID, InstitutionName: d.InstitutionName,
			RegionCode: d.RegionCode, Occupation: d.Occupation, FrontlineDays: letters.FormatDays(int(d.Tier1HalfDays + d.Tier2HalfDays)),
			Tier1Days: letters.FormatDays(int(d.Tier1HalfDays)), Periods: periods[d.PersonID]}
		if t.Periods == nil {
			t.Periods = []model.DatePeriod{}
		}
		m := more[d.PersonID]
		t.Department, t.Title = m[0], m[1]
		out.Items = append(out.Items, t)
	}
	var rd readDetail
	rd.add("institution", f.InstitutionID)
	rd.add("region", f.RegionCode)
	rd.add("from", from)
	rd.add("to", to)
	rd.set("q", f.Q)
	return out, s.auditList(ctx, pr, nil, ActTitlePriorityList, "person", rd, len(out.Items), out.Total, p)
}

// peopleDetails reads the department and title of people in scope.
func (s *Store) peopleDetails(ctx context.Context, pr *auth.Principal, ids []int64) (map[int64][2]string, error) {
	out := map[int64][2]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var a args
	ph := make([]string, len(ids))
	for i, id := range ids {
		ph[i] = a.add(id)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT p.id, p.department, p.title FROM people p WHERE p.id IN ("+strings.Join(ph, ", ")+") AND "+
		scopeOf(pr).on("people", "p", &a), a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var dep, title string
		if err := rows.Scan(&id, &dep, &title); err != nil {
			return nil, model.Internal(err)
		}
		out[id] = [2]string{dep, title}
	}
	return out, rowsErr(rows)
}
