package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/model"
)

// jobBatch is how many cases one query of a scheduler job picks up; a job
// repeats until no case is left, each case in a transaction of its own.
const jobBatch = 200

// jobContext checks that a scheduler job runs as the system (package jobs
// puts a system principal named "scheduler" in its context): no user's
// request reaches the jobs.
func jobContext(ctx context.Context) (context.Context, *auth.Principal, error) {
	p := auth.FromContext(ctx)
	if p == nil {
		return ctx, nil, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	if !p.System {
		return ctx, nil, model.Errorf(model.EForbidden, "error.forbidden")
	}
	return ctx, p, nil
}

// queueIndex names the partial index a scheduler query must walk. SQLite's
// planner, without statistics, prefers the list index (status first) and
// would sort every active case at each tick; INDEXED BY pins the small
// partial index, and fails loudly should the query stop matching it.
// PostgreSQL's planner finds the partial index on its own.
func (s *Store) queueIndex(name string) string {
	if s.engine == SQLite {
		return " INDEXED BY " + name
	}
	return ""
}

// candidate is a case a job may have to act on, as it stood when picked.
type candidate struct {
	id      int64
	dueAt   int64
	team    string
	region  string
	urgency string
}

// EscalateOverdue escalates every active case whose deadline passed at now:
// the team of the parent region takes it over (escalation level + 1), with a
// new deadline of now plus its urgency's time, an "escalated" event, inbox
// entries for the new team's case workers, an outbox event and an audit row,
// all in one transaction per case. The guard escalated_due_at (the deadline
// escalated last) makes it idempotent: two servers, a crash or a restart never
// escalate a case twice for the same deadline. A case already at a province
// has no higher team: its deadline is marked as escalated and it stays
// overdue there. It returns how many cases moved up.
// Returns EUnauthenticated without a principal, EForbidden for a user's, EInternal.
func (s *Store) EscalateOverdue(ctx context.Context, now time.Time) (_ int, err error) {
	defer wrap(&err, "EscalateOverdue()")
	ctx, pr, err := jobContext(ctx)
	if err != nil {
		return 0, err
	}
	policies := &policyCache{s: s, q: s.read}
	moved := 0
	last := int64(-1)
	lastID := int64(0)
	for {
		// Walk the queue in (due_at, id) order from where the last batch ended,
		// so that a case another server holds back cannot stall this one.
		cands, err := s.candidates(ctx, s.escalateSQL(), ms(now), last, lastID, jobBatch)
		if err != nil {
			return moved, err
		}
		for _, c := range cands {
			pol, err := policies.get(ctx, c.region)
			if err != nil {
				return moved, err
			}
			ok, err := s.escalateOne(ctx, pr, c, now, pol.DueAt(now, c.urgency))
			if err != nil {
				return moved, err
			}
			if ok {
				moved++
			}
			last, lastID = c.dueAt, c.id
		}
		if len(cands) < jobBatch {
			return moved, nil
		}
	}
}

// escalateSQL picks the next batch of cases to escalate: $1 now, ($2, $3)
// the (due_at, id) the last batch ended at, $4 the batch size.
func (s *Store) escalateSQL() string {
	// unscoped: the scheduler's queue over every region.
	return `SELECT id, due_at, team_region_code, region_code, urgency FROM needs` + s.queueIndex("needs_to_escalate") + `
		WHERE status IN ` + activeStatusSQL + ` AND escalated_due_at < due_at AND due_at <= $1
		AND (due_at > $2 OR (due_at = $2 AND id > $3)) ORDER BY due_at, id LIMIT $4`
}

// remindSQL picks the next batch of cases to remind of a deadline: cond uses
// $1…$n, then ($n+1, $n+2) the (due_at, id) the last batch ended at and $n+3
// the batch size.
func (s *Store) remindSQL(index, guard, cond string, n int) string {
	// unscoped: the scheduler's queue over every region.
	p := func(i int) string { return "$" + strconv.Itoa(n+i) }
	return "SELECT id, due_at, team_region_code, region_code, urgency FROM needs" + s.queueIndex(index) + " WHERE status IN " + activeStatusSQL +
		" AND " + guard + " < due_at AND " + cond + " AND (due_at > " + p(1) + " OR (due_at = " + p(1) + " AND id > " + p(2) + ")) ORDER BY due_at, id LIMIT " + p(3)
}

func (s *Store) candidates(ctx context.Context, q string, a ...any) ([]candidate, error) {
	rows, err := s.read.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	var out []candidate
	for rows.Next() {
		var c candidate
		if err := rows.Scan(&c.id, &c.dueAt, &c.team, &c.region, &c.urgency); err != nil {
			return nil, model.Internal(err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	return out, nil
}

// escalateOne escalates one case if it is still in the state it was picked
// in; it reports whether the case moved up.
func (s *Store) escalateOne(ctx context.Context, pr *auth.Principal, c candidate, now time.Time, newDue time.Time) (bool, error) {
	// unscoped: the scheduler, by id, of a case taken from its queue.
	next, up := casework.NextTeam(c.team)
	moved := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		at := ms(now)
		guard := " WHERE id = $1 AND due_at = $2 AND escalated_due_at < due_at AND status IN " + activeStatusSQL
		if !up {
			_, err := tx.ExecContext(ctx, "UPDATE needs SET escalated_due_at = due_at"+guard, c.id, c.dueAt)
			if err != nil {
				return model.Internal(err)
			}
			return nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE needs SET team_region_code = $3, escalation_level = escalation_level + 1, escalated_due_at = due_at,
			due_at = $4, version = version + 1, updated_at = $5`+guard, c.id, c.dueAt, next, ms(newDue), at)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil // another server did it, or the case changed meanwhile
		}
		after, err := s.getNeed(ctx, tx, pr, c.id)
		if err != nil {
			return err
		}
		if _, err := s.insertNeedEvent(ctx, tx, pr, needEventRec{NeedID: c.id, Action: model.EventEscalated, From: after.Status, To: after.Status,
			Team: next, Note: escalationNote(after.EscalationLevel)}, at); err != nil {
			return err
		}
		team, err := teamUsers(ctx, tx, next)
		if err != nil {
			return err
		}
		if err := s.notify(ctx, tx, team, model.NotifyEscalated, c.id, at); err != nil {
			return err
		}
		if err := s.emit(ctx, tx, model.OutboxNeedEscalated, payloadOf(after), at); err != nil {
			return err
		}
		moved = true
		return s.appendAudit(ctx, tx, auditRecord{Action: ActNeedEscalate, ObjectType: "need", ObjectID: strconv.FormatInt(c.id, 10),
			Detail: "team=" + next + " level=" + strconv.Itoa(after.EscalationLevel)})
	})
	return moved, err
}

// need_events has no column for the level an escalation raised a case to:
// the "escalated" event's note carries it in the machine form "level=N".
// The store writes it here and decodes it in listNeedEvents into
// NeedEvent.EscalationLevel; no caller ever sees the note itself.
const escalationNotePrefix = "level="

func escalationNote(level int) string { return escalationNotePrefix + strconv.Itoa(level) }

// parseEscalationNote reads the level of an escalation's note; false for a
// note that is not the machine form.
func parseEscalationNote(note string) (int, bool) {
	v, ok := strings.CutPrefix(note, escalationNotePrefix)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n > 0
}

// NotifyDeadlines reminds whoever works each active case once per deadline:
// when at most two hours are left (due_soon), and when it has passed
// (overdue). The assignee is told (the volunteer's linked account for a
// volunteer); a case nobody works yet is told to the case workers of its
// team. Each reminder also goes to the outbox. Guard columns hold the deadline
// last reminded of, so that restarts and other servers never repeat one.
// It returns how many reminders were sent.
// Returns EUnauthenticated without a principal, EForbidden for a user's, EInternal.
func (s *Store) NotifyDeadlines(ctx context.Context, now time.Time) (_ int, err error) {
	defer wrap(&err, "NotifyDeadlines()")
	ctx, pr, err := jobContext(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	kinds := []struct {
		index, guard, kind, event, cond string
		args                            []any
	}{
		{"needs_to_flag_overdue", "overdue_notified_for", model.NotifyOverdue, model.OutboxNeedOverdue, "due_at <= $1", []any{ms(now)}},
		{"needs_to_remind", "due_soon_notified_for", model.NotifyDueSoon, model.OutboxNeedDueSoon, "due_at > $1 AND due_at <= $2", []any{ms(now), ms(now.Add(casework.DueSoonWindow))}},
	}
	for _, k := range kinds {
		last, lastID := int64(-1), int64(0)
		for {
			n := len(k.args)
			a := append(append([]any{}, k.args...), last, lastID, jobBatch)
			cands, err := s.candidates(ctx, s.remindSQL(k.index, k.guard, k.cond, n), a...)
			if err != nil {
				return sent, err
			}
			for _, c := range cands {
				ok, err := s.remindOne(ctx, pr, c, k.guard, k.kind, k.event, now)
				if err != nil {
					return sent, err
				}
				if ok {
					sent++
				}
				last, lastID = c.dueAt, c.id
			}
			if len(cands) < jobBatch {
				break
			}
		}
	}
	return sent, nil
}

func (s *Store) remindOne(ctx context.Context, pr *auth.Principal, c candidate, guard, kind, event string, now time.Time) (bool, error) {
	// unscoped: the scheduler, by id, of a case taken from its queue.
	sent := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE needs SET "+guard+" = due_at WHERE id = $1 AND due_at = $2 AND "+guard+" < due_at AND status IN "+activeStatusSQL,
			c.id, c.dueAt)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil
		}
		r, err := s.getNeed(ctx, tx, pr, c.id)
		if err != nil {
			return err
		}
		users, err := assigneeUsers(ctx, tx, r.userID, r.volunteerID)
		if err != nil {
			return err
		}
		if len(users) == 0 {
			if users, err = teamUsers(ctx, tx, r.TeamRegionCode); err != nil {
				return err
			}
		}
		at := ms(now)
		if err := s.notify(ctx, tx, users, kind, c.id, at); err != nil {
			return err
		}
		sent = true
		return s.emit(ctx, tx, event, payloadOf(r), at)
	})
	return sent, err
}
