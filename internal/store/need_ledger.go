package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// ledgerBatch is how many cases the ledger export reads per query.
const ledgerBatch = 1000

// LedgerRows streams the ledger (台账) of the caller's scope to fn, one row per
// case in the order recorded: person, institution, family situation (each
// relative's relation, sex, age on today's date, care needs and whether they
// live with the person; never a relative's name but that of the one the case
// concerns), need, the measures taken (the steps of the case's history that
// are measures: assignments, starts, resolutions, rejections, reopenings,
// follow-ups, with their notes), who is responsible, dates and status. A
// role that may not read individual cases (a leader) gets no rows: it sees
// aggregates only, the ledger's summary (LedgerSummary).
// The export is audited (ledger.export) with its row count. It returns how
// many rows fn received; an error from fn stops the export and is returned.
// Returns EUnauthenticated, EForbidden without ledger.export and need.read, EInternal.
func (s *Store) LedgerRows(ctx context.Context, f model.LedgerFilter, fn func(model.LedgerRow) error) (int, error) {
	pr, err := principal(ctx, auth.PermLedgerExport)
	if err != nil {
		return 0, err
	}
	if !pr.Can(auth.PermNeedRead) {
		return 0, model.Errorf(model.EForbidden, "error.forbidden")
	}
	var a args
	where := ledgerWhere(pr, f, &a)
	n, last := 0, int64(0)
	var ferr error
	for {
		b := append(args{}, a...)
		q := `SELECT n.id, n.person_id, p.name, p.sex, i.name, p.department, p.occupation, n.region_code,
			COALESCE(f.name, ''), COALESCE(f.relation, ''), n.category, n.kind, n.urgency, n.source, n.description, n.resolution, n.reject_reason,
			COALESCE(NULLIF(u.display_name, ''), u.username, v.name, ''), n.team_region_code, n.escalation_level, n.status, n.satisfaction,
			n.created_at, n.due_at, n.resolved_at, n.closed_at, p.birth_date, n.family_member_id` + needFrom + "WHERE " + where + " AND n.id > " + b.add(last) +
			" ORDER BY n.id LIMIT " + b.add(ledgerBatch)
		rows, err := s.scan.QueryContext(ctx, q, b...)
		if err != nil {
			return n, model.Internal(err)
		}
		var batch []model.LedgerRow
		var persons, needIDs []int64
		var births []string    // the person's birth date, per row
		var concerned []*int64 // the relative the case is about, per row
		for rows.Next() {
			var r model.LedgerRow
			var personID int64
			var resolution, reason, birth string
			var sat, member sql.NullInt64
			var created, due, resolved, closed int64
			if err := rows.Scan(&r.NeedID, &personID, &r.PersonName, &r.Sex, &r.InstitutionName, &r.Department, &r.Occupation, &r.RegionCode,
				&r.FamilyMemberName, &r.FamilyRelation, &r.Category, &r.Kind, &r.Urgency, &r.Source, &r.Description, &resolution, &reason,
				&r.Responsible, &r.TeamRegionCode, &r.EscalationLevel, &r.Status, &sat, &created, &due, &resolved, &closed, &birth, &member); err != nil {
				rows.Close()
				return n, model.Internal(err)
			}
			r.Measures = resolution
			if r.Status == model.NeedRejected {
				r.Measures = reason
			}
			if sat.Valid {
				v := int(sat.Int64)
				r.Satisfaction = &v
			}
			r.CreatedAt, r.DueAt, r.ResolvedAt, r.ClosedAt = fromMS(created), fromMS(due), optTime(resolved), optTime(closed)
			batch = append(batch, r)
			persons, needIDs = append(persons, personID), append(needIDs, r.NeedID)
			births, concerned = append(births, birth), append(concerned, nullToPtr(member))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return n, model.Internal(err)
		}
		fam, err := s.familySituation(ctx, persons)
		if err != nil {
			return n, err
		}
		steps, err := s.ledgerSteps(ctx, needIDs)
		if err != nil {
			return n, err
		}
		day := today(s.now())
		for i := range batch {
			fs := fam[persons[i]]
			batch[i].FamilyCount, batch[i].FamilyCareNeeds = fs.count, fs.care
			if batch[i].FamilyCareNeeds == nil {
				batch[i].FamilyCareNeeds = []string{}
			}
			batch[i].Family = fs.relatives(births[i], concerned[i], day)
			batch[i].Steps = steps[batch[i].NeedID]
			if batch[i].Steps == nil {
				batch[i].Steps = []model.LedgerStep{}
			}
			if ferr = fn(batch[i]); ferr != nil {
				break
			}
			n++
		}
		if ferr != nil || len(batch) < ledgerBatch {
			break
		}
		last = batch[len(batch)-1].NeedID
	}
	outcome := model.OutcomeOK
	if ferr != nil {
		outcome = model.OutcomeFailed
	}
	if err := s.Audit(ctx, ActLedgerExport, "need", "", outcome, fmt.Sprintf("region=%s rows=%d", f.RegionCode, n)); err != nil {
		return n, err
	}
	return n, ferr
}

// ledgerWhere is the selection of the ledger on needs alias n: the
// caller's reach and the filter.
func ledgerWhere(pr *auth.Principal, f model.LedgerFilter, a *args) string {
	cond := []string{needReach(pr, "n", a)}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("n.region_code", f.RegionCode, a))
	}
	if !f.From.IsZero() {
		cond = append(cond, "n.created_at >= "+a.add(ms(f.From)))
	}
	if !f.To.IsZero() {
		cond = append(cond, "n.created_at < "+a.add(ms(f.To)))
	}
	if len(f.Status) > 0 {
		cond = append(cond, "n.status IN "+statusList(f.Status, a))
	}
	return strings.Join(cond, " AND ")
}

// LedgerSummary returns the ledger's summary, the cases of the caller's
// reach matching f counted per category and status (model.NeedTable), as
// the caller may see it: for a role that sees aggregates only (a leader),
// with the small cells and their complements hidden as on the dashboard
// (CountTable.Publish), which is all of the ledger such a role gets; such a
// role gets it for every status only, the table the dashboard shows. The
// export is audited (ledger.export).
// Returns EUnauthenticated, EForbidden without ledger.export, EInvalid for a
// status filter with suppression, EInternal.
func (s *Store) LedgerSummary(ctx context.Context, f model.LedgerFilter) (model.TableFigures, error) {
	pr, err := principal(ctx, auth.PermLedgerExport)
	if err != nil {
		return model.TableFigures{}, err
	}
	suppress := !pr.Can(auth.PermNeedRead)
	if suppress && len(f.Status) > 0 {
		// The statuses are the table's columns: a table of some of them
		// would hide other cells than the dashboard's full table, and the
		// two together would give hidden cells back.
		return model.TableFigures{}, model.FieldErrors{"status": model.M("ledger.summary_all_statuses")}.Err()
	}
	var a args
	q := "SELECT n.category, n.status, COUNT(*) FROM needs n WHERE " + ledgerWhere(pr, f, &a) + " GROUP BY n.category, n.status"
	rows, err := s.scan.QueryContext(ctx, q, a...)
	if err != nil {
		return model.TableFigures{}, model.Internal(err)
	}
	defer rows.Close()
	counts := map[[2]string]int{}
	for rows.Next() {
		var c, st string
		var n int
		if err := rows.Scan(&c, &st, &n); err != nil {
			return model.TableFigures{}, model.Internal(err)
		}
		counts[[2]string{c, st}] = n
	}
	if err := rows.Err(); err != nil {
		return model.TableFigures{}, model.Internal(err)
	}
	fig := model.NeedTable(func(c, st string) int { return counts[[2]string{c, st}] }).Publish(suppress)
	if err := s.Audit(ctx, ActLedgerExport, "need", "", model.OutcomeOK, fmt.Sprintf("region=%s summary=true suppressed=%t", f.RegionCode, suppress)); err != nil {
		return fig, err
	}
	return fig, nil
}

type familyInfo struct {
	count   int
	care    []string
	members []familyRow
}

// familyRow is one relative as the ledger reads them: no name, no ID number.
type familyRow struct {
	id                       int64
	relation, sex, birthDate string
	livesWith                bool
	care                     []string
}

// familySituation counts each person's relatives, collects their care needs
// and reads each relative (in the order registered) for the ledger.
func (s *Store) familySituation(ctx context.Context, persons []int64) (map[int64]familyInfo, error) {
	out := map[int64]familyInfo{}
	seen := map[int64]bool{}
	var ids []int64
	for _, p := range persons {
		if !seen[p] {
			seen[p] = true
			ids = append(ids, p)
		}
	}
	for i := 0; i < len(ids); i += lookupBatch {
		chunk := ids[i:min(i+lookupBatch, len(ids))]
		var a args
		ph := make([]string, len(chunk))
		for j, id := range chunk {
			ph[j] = a.add(id)
		}
		rows, err := s.scan.QueryContext(ctx, "SELECT person_id, care_needs, id, relation, sex, birth_date, lives_with FROM family_members WHERE person_id IN ("+
			strings.Join(ph, ", ")+") ORDER BY person_id, id", a...)
		if err != nil {
			return nil, model.Internal(err)
		}
		for rows.Next() {
			var pid int64
			var care string
			var m familyRow
			if err := rows.Scan(&pid, &care, &m.id, &m.relation, &m.sex, &m.birthDate, &m.livesWith); err != nil {
				rows.Close()
				return nil, model.Internal(err)
			}
			fi := out[pid]
			fi.count++
			m.care = splitCare(care)
			fi.members = append(fi.members, m)
			for _, c := range splitCare(care) {
				if !model.Contains(fi.care, c) {
					fi.care = append(fi.care, c)
				}
			}
			out[pid] = fi
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, model.Internal(err)
		}
	}
	return out, nil
}
