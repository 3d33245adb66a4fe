package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/model"
)

// stepChange is what one step writes beyond the status: more columns of the
// case, the history row's details, and whom to tell.
type stepChange struct {
	set    []string // "col = $n" built on the step's args
	event  needEventRec
	notify []int64
	kind   string // inbox kind for notify
}

// stepFunc computes the change of a step from the case as it is now.
type stepFunc func(tx *sql.Tx, pr *auth.Principal, cur needRow, now time.Time, a *args) (stepChange, error)

var stepAudit = map[casework.Action]string{
	casework.Assign: ActNeedAssign, casework.Start: ActNeedStart, casework.Resolve: ActNeedResolve,
	casework.Close: ActNeedClose, casework.Reject: ActNeedReject, casework.Reopen: ActNeedReopen,
}

// step runs one life-cycle step on a case in the caller's scope: it checks
// the right, the version and the transition, then updates the case under a
// guard on its version and status (so that of two concurrent steps one wins
// and the other answers 409), and writes the history row, the inbox entries,
// the outbox event and the audit row in the same transaction.
func (s *Store) step(ctx context.Context, id int64, act casework.Action, version *int64, fe model.FieldErrors, fn stepFunc) (model.Need, error) {
	// unscoped: the case is read in scope first (getNeed) in the same transaction.
	pr := auth.FromContext(ctx)
	if pr == nil {
		return model.Need{}, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	// The right to the step if the case is one's own; whether it is, once
	// the case is read.
	if !casework.MayStep(pr.Can, act, true) || !pr.Can(auth.PermNeedRead) {
		return model.Need{}, model.Errorf(model.EForbidden, "error.forbidden")
	}
	if err := fe.Err(); err != nil {
		return model.Need{}, err
	}
	var out model.Need
	err := s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.getNeed(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if !casework.MayStep(pr.Can, act, casework.AssignedTo(pr.UserID, cur.userID, cur.volunteerUserID)) {
			return model.Errorf(model.EForbidden, "need.not_your_case")
		}
		if version != nil && *version != cur.Version {
			return staleVersion()
		}
		next, ok := casework.Next(cur.Status, act)
		if !ok {
			return model.Errorf(model.EConflict, "need.transition", model.M("need.action."+string(act)), model.M("need.status."+cur.Status))
		}
		now := s.now()
		at := ms(now)
		var a args
		ch, err := fn(tx, pr, cur, now, &a)
		if err != nil {
			return err
		}
		sets := append([]string{"status = " + a.add(next), "version = version + 1", "updated_at = " + a.add(at)}, ch.set...)
		from := casework.From(act)
		ph := make([]string, len(from))
		for i, st := range from {
			ph[i] = a.add(st)
		}
		res, err := tx.ExecContext(ctx, "UPDATE needs SET "+strings.Join(sets, ", ")+" WHERE id = "+a.add(id)+
			" AND version = "+a.add(cur.Version)+" AND status IN ("+strings.Join(ph, ", ")+")", a...)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		ch.event.NeedID, ch.event.Action, ch.event.From, ch.event.To = id, act.Event(), cur.Status, next
		if _, err := s.insertNeedEvent(ctx, tx, pr, ch.event, at); err != nil {
			return err
		}
		after, err := s.getNeed(ctx, tx, auth.System(), id)
		if err != nil {
			return err
		}
		if len(ch.notify) > 0 {
			var others []int64
			for _, u := range ch.notify {
				if u != pr.UserID {
					others = append(others, u)
				}
			}
			if err := s.notify(ctx, tx, others, ch.kind, id, at); err != nil {
				return err
			}
		}
		if err := s.emit(ctx, tx, act.OutboxEvent(), payloadOf(after), at); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: stepAudit[act], ObjectType: "need", ObjectID: strconv.FormatInt(id, 10),
			Detail: "from=" + cur.Status + " to=" + next}); err != nil {
			return err
		}
		if out, _, err = s.present(pr, after, now); err != nil {
			return model.Internal(err)
		}
		out.Events, err = s.listNeedEvents(ctx, tx, id)
		return err
	})
	return out, err
}

// AssignNeed assigns (or reassigns) a case to a user account or a volunteer.
// A user must be enabled, in a role that works cases (caseworker, volunteer,
// counselor), and reach the case with their own scope; a volunteer must be
// active and registered in the caller's scope. The assignee is told in their
// inbox. Two concurrent assignments with the same version: one wins, the other
// answers EStaleVersion.
// Returns EUnauthenticated, EForbidden without need.assign, EInvalid (user_id,
// volunteer_id, note), ENotFound, EStaleVersion, EConflict when the status does
// not allow it (resolved, closed, rejected).
func (s *Store) AssignNeed(ctx context.Context, id int64, in model.NeedAssign) (_ model.Need, err error) {
	defer wrap(&err, "AssignNeed(%d)", id)
	fe := in.Normalize()
	return s.step(ctx, id, casework.Assign, in.Version, fe, func(tx *sql.Tx, pr *auth.Principal, cur needRow, now time.Time, a *args) (stepChange, error) {
		ch := stepChange{kind: model.NotifyAssigned, event: needEventRec{Note: in.Note}}
		if in.UserID != nil {
			if err := s.checkAssigneeUser(ctx, tx, *in.UserID, cur.ID); err != nil {
				return ch, err
			}
			ch.event.AssigneeUser = in.UserID
			ch.notify = []int64{*in.UserID}
			ch.set = []string{"assignee_user_id = " + a.add(*in.UserID), "assignee_volunteer_id = NULL"}
		} else {
			uid, err := s.checkAssigneeVolunteer(ctx, tx, pr, *in.VolunteerID)
			if err != nil {
				return ch, err
			}
			ch.event.AssigneeVolunteer = in.VolunteerID
			if uid != 0 {
				ch.notify = []int64{uid}
			}
			ch.set = []string{"assignee_volunteer_id = " + a.add(*in.VolunteerID), "assignee_user_id = NULL"}
		}
		ch.set = append(ch.set, "assigned_at = "+a.add(ms(now)))
		return ch, nil
	})
}

// checkAssigneeUser: the account must be enabled, in a role that works cases,
// and its own scope must reach the case.
func (s *Store) checkAssigneeUser(ctx context.Context, tx *sql.Tx, uid, needID int64) error {
	bad := model.FieldErrors{"user_id": model.M("need.assignee_invalid")}.Err()
	var role, regionCode string
	var inst, person sql.NullInt64
	var disabled bool
	err := tx.QueryRowContext(ctx, "SELECT role, COALESCE(region_code, ''), institution_id, person_id, disabled FROM users WHERE id = $1", uid).
		Scan(&role, &regionCode, &inst, &person, &disabled)
	if err == sql.ErrNoRows {
		return bad
	}
	if err != nil {
		return model.Internal(err)
	}
	if disabled || !(auth.RoleCan(role, auth.PermNeedProgress) || auth.RoleCan(role, auth.PermNeedWrite)) {
		return bad
	}
	them := &auth.Principal{UserID: uid, Role: role, RegionCode: regionCode, InstitutionID: inst.Int64, PersonID: person.Int64}
	var a args
	var one int
	err = tx.QueryRowContext(ctx, "SELECT 1 FROM needs n WHERE n.id = "+a.add(needID)+" AND "+scopeOf(them).reach().on("needs", "n", &a), a...).Scan(&one)
	if err == sql.ErrNoRows {
		return model.FieldErrors{"user_id": model.M("need.assignee_out_of_scope")}.Err()
	}
	if err != nil {
		return model.Internal(err)
	}
	return nil
}

// checkAssigneeVolunteer: the volunteer must be active and one the caller may
// use (volunteerReach: their region range and the regions above it, as
// ProposedVolunteers proposes); it returns the linked account (0 when none).
func (s *Store) checkAssigneeVolunteer(ctx context.Context, tx *sql.Tx, pr *auth.Principal, vid int64) (int64, error) {
	var a args
	var uid sql.NullInt64
	var active bool
	err := tx.QueryRowContext(ctx, "SELECT v.user_id, v.active FROM volunteers v WHERE v.id = "+a.add(vid)+" AND "+volunteerReach(pr, "v", &a), a...).
		Scan(&uid, &active)
	if err == sql.ErrNoRows || (err == nil && !active) {
		return 0, model.FieldErrors{"volunteer_id": model.M("need.volunteer_invalid")}.Err()
	}
	if err != nil {
		return 0, model.Internal(err)
	}
	return uid.Int64, nil
}

// StartNeed marks an assigned case as being worked on.
// Returns EUnauthenticated, EForbidden (a volunteer or counselor on a case not
// assigned to them), EInvalid (note), ENotFound, EStaleVersion, EConflict.
func (s *Store) StartNeed(ctx context.Context, id int64, in model.NeedStep) (_ model.Need, err error) {
	defer wrap(&err, "StartNeed(%d)", id)
	fe := in.NormalizeFor(string(casework.Start))
	return s.step(ctx, id, casework.Start, in.Version, fe, func(tx *sql.Tx, pr *auth.Principal, cur needRow, now time.Time, a *args) (stepChange, error) {
		return stepChange{event: needEventRec{Note: in.Note}}, nil
	})
}

// ResolveNeed records how a case was solved; the one who recorded it is told
// so that the follow-up can close it.
// Returns EUnauthenticated, EForbidden, EInvalid (resolution required, note),
// ENotFound, EStaleVersion, EConflict.
func (s *Store) ResolveNeed(ctx context.Context, id int64, in model.NeedStep) (_ model.Need, err error) {
	defer wrap(&err, "ResolveNeed(%d)", id)
	fe := in.NormalizeFor(string(casework.Resolve))
	return s.step(ctx, id, casework.Resolve, in.Version, fe, func(tx *sql.Tx, pr *auth.Principal, cur needRow, now time.Time, a *args) (stepChange, error) {
		note := in.Resolution
		if in.Note != "" {
			note += "\n" + in.Note
		}
		ch := stepChange{kind: model.NotifyResolved, event: needEventRec{Note: note},
			set: []string{"resolution = " + a.add(in.Resolution), "resolved_at = " + a.add(ms(now))}}
		if cur.RecordedByID != nil {
			ch.notify = []int64{*cur.RecordedByID}
		}
		return ch, nil
	})
}

// CloseNeed closes a resolved case after the follow-up with the person, with
// their satisfaction (1–5).
// Returns EUnauthenticated, EForbidden without need.write, EInvalid
// (satisfaction missing or outside 1–5), ENotFound, EStaleVersion, EConflict.
func (s *Store) CloseNeed(ctx context.Context, id int64, in model.NeedStep) (_ model.Need, err error) {
	defer wrap(&err, "CloseNeed(%d)", id)
	fe := in.NormalizeFor(string(casework.Close))
	return s.step(ctx, id, casework.Close, in.Version, fe, func(tx *sql.Tx, pr *auth.Principal, cur needRow, now time.Time, a *args) (stepChange, error) {
		return stepChange{event: needEventRec{Note: in.Note, Satisfaction: in.Satisfaction},
			set: []string{"satisfaction = " + a.add(*in.Satisfaction), "closed_at = " + a.add(ms(now))}}, nil
	})
}

// RejectNeed rejects a case that will not be taken up, with the reason.
// Returns EUnauthenticated, EForbidden without need.write, EInvalid (reason
// required), ENotFound, EStaleVersion, EConflict.
func (s *Store) RejectNeed(ctx context.Context, id int64, in model.NeedStep) (_ model.Need, err error) {
	defer wrap(&err, "RejectNeed(%d)", id)
	fe := in.NormalizeFor(string(casework.Reject))
	return s.step(ctx, id, casework.Reject, in.Version, fe, func(tx *sql.Tx, pr *auth.Principal, cur needRow, now time.Time, a *args) (stepChange, error) {
		note := in.Reason
		if in.Note != "" {
			note += "\n" + in.Note
		}
		return stepChange{event: needEventRec{Note: note}, set: []string{"reject_reason = " + a.add(in.Reason)}}, nil
	})
}

// ReopenNeed takes a resolved, closed or rejected case up again: it is open
// and unassigned, back with the team of the person's region at escalation
// level 0, with a new deadline from its urgency; the previous outcome stays in
// the history.
// Returns EUnauthenticated, EForbidden without need.write, EInvalid (note),
// ENotFound, EStaleVersion, EConflict.
func (s *Store) ReopenNeed(ctx context.Context, id int64, in model.NeedStep) (_ model.Need, err error) {
	defer wrap(&err, "ReopenNeed(%d)", id)
	fe := in.NormalizeFor(string(casework.Reopen))
	return s.step(ctx, id, casework.Reopen, in.Version, fe, func(tx *sql.Tx, pr *auth.Principal, cur needRow, now time.Time, a *args) (stepChange, error) {
		pol, err := s.policy(ctx, tx, cur.RegionCode)
		if err != nil {
			return stepChange{}, err
		}
		return stepChange{event: needEventRec{Note: in.Note, Team: cur.RegionCode}, set: []string{
			"due_at = " + a.add(ms(pol.DueAt(now, cur.Urgency))), "team_region_code = region_code", "escalation_level = 0",
			"escalated_due_at = 0", "due_soon_notified_for = 0", "overdue_notified_for = 0",
			"assignee_user_id = NULL", "assignee_volunteer_id = NULL", "assigned_at = 0",
			"resolution = ''", "reject_reason = ''", "satisfaction = NULL", "resolved_at = 0", "closed_at = 0",
		}}, nil
	})
}

// StepNeed takes step act of a case with in: StartNeed, ResolveNeed,
// CloseNeed, RejectNeed or ReopenNeed, so that the API and the pages send
// every step through this one switch. Assigning has its own input
// (AssignNeed).
// Returns what the step returns; EInternal for assign or an unknown action.
func (s *Store) StepNeed(ctx context.Context, id int64, act casework.Action, in model.NeedStep) (model.Need, error) {
	switch act {
	case casework.Start:
		return s.StartNeed(ctx, id, in)
	case casework.Resolve:
		return s.ResolveNeed(ctx, id, in)
	case casework.Close:
		return s.CloseNeed(ctx, id, in)
	case casework.Reject:
		return s.RejectNeed(ctx, id, in)
	case casework.Reopen:
		return s.ReopenNeed(ctx, id, in)
	}
	return model.Need{}, model.Internal(fmt.Errorf("StepNeed(%d): no step %q", id, act))
}
