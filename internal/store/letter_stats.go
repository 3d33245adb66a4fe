package store

import (
	"context"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// LetterStats counts, in the caller's scope, the letters sent and
// received, the commendations waiting and approved, and the work-injury
// cases not yet decided and those past their deadline. A caller who reads
// none of these records (a leader: aggregate.read only) gets small cells
// suppressed, with their complements (a sent count minus a received one).
// Returns EForbidden for a role with neither.
func (s *Store) LetterStats(ctx context.Context) (_ model.LetterStats, err error) {
	defer wrap(&err, "LetterStats()")
	var st model.LetterStats
	pr := auth.FromContext(ctx)
	if pr == nil {
		return st, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	records := pr.System || pr.Can(auth.PermLetterManage) || pr.Can(auth.PermCommendationReview) || pr.Can(auth.PermCommendationNominate) || pr.Can(auth.PermWorkInjuryManage)
	if !records && !pr.Can(auth.PermAggregateRead) {
		return st, model.Errorf(model.EForbidden, "error.forbidden")
	}
	count := func(q string, table, alias string, extra ...any) (int, error) {
		var a args
		for _, v := range extra {
			a.add(v)
		}
		var n int
		err := s.read.QueryRowContext(ctx, q+" AND "+scopeOf(pr).on(table, alias, &a), a...).Scan(&n)
		return n, err
	}
	var f [8]int
	queries := []struct {
		q, table string
		extra    []any
	}{
		{"SELECT COUNT(*) FROM letters l WHERE l.status IN ('sent', 'received')", "letters", nil},
		{"SELECT COUNT(*) FROM letters l WHERE l.status = 'received'", "letters", nil},
		{"SELECT COUNT(*) FROM commendations l WHERE l.status = 'nominated'", "commendations", nil},
		{"SELECT COUNT(*) FROM commendations l WHERE l.status = 'approved'", "commendations", nil},
		{"SELECT COUNT(*) FROM work_injury_cases l WHERE l.status IN ('open', 'submitted')", "work_injury_cases", nil},
		{"SELECT COUNT(*) FROM work_injury_cases l WHERE l.status = 'open' AND l.deadline_on < $1", "work_injury_cases", []any{s.today()}},
	}
	for i, q := range queries {
		n, err := count(q.q, q.table, "l", q.extra...)
		if err != nil {
			return st, model.Internal(err)
		}
		f[i] = n
	}
	f[6] = f[0] - f[1] // sent, not yet received
	f[7] = f[4] - f[5] // open, within the deadline
	hidden := make([]bool, len(f))
	if !records {
		st.Suppressed = true
		hidden = model.Suppress(f[:], []model.Line{{Total: 0, Parts: []int{1, 6}}, {Total: 4, Parts: []int{5, 7}}})
	}
	c := func(i int) model.Count {
		if hidden[i] {
			return model.Suppressed
		}
		return model.Count(f[i])
	}
	st.LettersSent, st.LettersReceived, st.CommendationsPending, st.CommendationsApproved, st.InjuryOpen, st.InjuryOverdue = c(0), c(1), c(2), c(3), c(4), c(5)
	return st, nil
}
