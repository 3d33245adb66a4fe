package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"houdun/internal/ident"
	"houdun/internal/model"
)

// The detail of a ledger row (LedgerRows): each relative of the person, and
// the measures taken from the case's history.

// relatives describes each relative of fi for the ledger: ages on day (a
// YYYY-MM-DD date in China), whether born before the person (born on
// personBirth), and which one the case concerns.
func (fi familyInfo) relatives(personBirth string, concerned *int64, day string) []model.LedgerRelative {
	out := make([]model.LedgerRelative, 0, len(fi.members))
	for _, m := range fi.members {
		r := model.LedgerRelative{Relation: m.relation, Sex: m.sex, LivesWith: m.livesWith, CareNeeds: m.care,
			Concerned: concerned != nil && *concerned == m.id}
		if r.CareNeeds == nil {
			r.CareNeeds = []string{}
		}
		if age, ok := ageOn(m.birthDate, day); ok {
			r.Age = &age
		}
		if m.birthDate != "" && personBirth != "" && m.birthDate != personBirth {
			older := m.birthDate < personBirth // YYYY-MM-DD sorts as it reads
			r.Older = &older
		}
		out = append(out, r)
	}
	return out
}

// ageOn is the age in whole years on day of someone born on birth (both YYYY-MM-DD).
func ageOn(birth, day string) (int, bool) {
	b, err := time.Parse(time.DateOnly, birth)
	if err != nil {
		return 0, false
	}
	d, err := time.Parse(time.DateOnly, day)
	if err != nil || d.Before(b) {
		return 0, false
	}
	return ident.AgeOn(b, d), true
}

// ledgerActions are the events that are measures taken on a case; recording
// and the scheduler's escalations are not.
var ledgerActions = []string{model.EventAssigned, model.EventStarted, model.EventResolved, model.EventRejected, model.EventReopened, model.EventClosed}

// ledgerSteps reads the measures taken on each case, oldest first, by case
// id.
func (s *Store) ledgerSteps(ctx context.Context, needIDs []int64) (map[int64][]model.LedgerStep, error) {
	out := map[int64][]model.LedgerStep{}
	for i := 0; i < len(needIDs); i += lookupBatch {
		chunk := needIDs[i:min(i+lookupBatch, len(needIDs))]
		var a args
		ids := make([]string, len(chunk))
		for j, id := range chunk {
			ids[j] = a.add(id)
		}
		acts := make([]string, len(ledgerActions))
		for j, act := range ledgerActions {
			acts[j] = a.add(act)
		}
		rows, err := s.scan.QueryContext(ctx, `SELECT e.need_id, e.at, e.action, e.note, e.assignee_user_id, COALESCE(NULLIF(u.display_name, ''), u.username, ''),
			e.assignee_volunteer_id, COALESCE(v.name, ''), e.satisfaction
			FROM need_events e LEFT JOIN users u ON u.id = e.assignee_user_id LEFT JOIN volunteers v ON v.id = e.assignee_volunteer_id
			WHERE e.need_id IN (`+strings.Join(ids, ", ")+`) AND e.action IN (`+strings.Join(acts, ", ")+`) ORDER BY e.need_id, e.id`, a...)
		if err != nil {
			return nil, model.Internal(err)
		}
		for rows.Next() {
			var st model.LedgerStep
			var needID, at int64
			var au, av, sat sql.NullInt64
			var userName, volName string
			if err := rows.Scan(&needID, &at, &st.Action, &st.Note, &au, &userName, &av, &volName, &sat); err != nil {
				rows.Close()
				return nil, model.Internal(err)
			}
			st.At = fromMS(at)
			switch {
			case au.Valid:
				st.AssigneeKind, st.AssigneeName = model.AssigneeUser, userName
			case av.Valid:
				st.AssigneeKind, st.AssigneeName = model.AssigneeVolunteer, volName
			}
			if sat.Valid {
				v := int(sat.Int64)
				st.Satisfaction = &v
			}
			out[needID] = append(out[needID], st)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, model.Internal(err)
		}
	}
	return out, nil
}
