package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// Group commit of new cases on SQLite.
//
// A SQLite commit with synchronous=FULL waits for the disk (2–5 ms here), and
// the single writer connection makes commits queue one behind the other, so a
// transaction per case caps case creation at a few hundred a second. Cases
// arriving together (a hotline's busy hour, a district's import through the
// API) are therefore written in shared transactions: the first caller to find
// no batch under way leads one, taking every call queued meanwhile; each case
// is checked before it is written, so that a refused case (an unknown person,
// a family member of another person) fails alone and leaves the others
// (writeNeedBatch). After
// its batch the leader hands the lead to the next waiting call and returns,
// so that no caller serves others for long. A lone caller is written at once.
// PostgreSQL has its own group commit and concurrent writers: each case there
// is a transaction of its own.

// maxNeedBatch bounds the cases of one shared transaction.
const maxNeedBatch = 64

type needCall struct {
	ctx  context.Context
	pr   *auth.Principal
	in   model.NeedInput
	out  model.Need
	err  error
	wake chan bool // true: lead the next batch; false: done
}

type needCommitter struct {
	mu      sync.Mutex
	queue   []*needCall
	leading bool
}

// createGrouped queues one validated case and waits for the batch that writes it.
func (s *Store) createGrouped(ctx context.Context, pr *auth.Principal, in model.NeedInput) (model.Need, error) {
	c := &s.needs
	call := &needCall{ctx: ctx, pr: pr, in: in, wake: make(chan bool, 1)}
	c.mu.Lock()
	c.queue = append(c.queue, call)
	lead := !c.leading
	c.leading = true
	c.mu.Unlock()
	if !lead {
		lead = <-call.wake
	}
	if lead {
		s.leadNeedBatch(c)
	}
	return call.out, call.err
}

// leadNeedBatch writes the queued calls (up to maxNeedBatch) in one
// transaction, answers them, and passes the lead on.
func (s *Store) leadNeedBatch(c *needCommitter) {
	c.mu.Lock()
	n := min(len(c.queue), maxNeedBatch)
	batch := append([]*needCall(nil), c.queue[:n]...)
	c.queue = c.queue[n:]
	c.mu.Unlock()

	// A panic must not leave the waiting callers (and every later one) stuck:
	// they are answered and the lead passed on before it goes up the stack.
	var panicked any
	func() {
		defer func() {
			if p := recover(); p != nil {
				panicked = p
				for _, call := range batch {
					call.out, call.err = model.Need{}, model.Internal(fmt.Errorf("create need: panic: %v", p))
				}
			}
		}()
		s.writeNeedBatch(batch)
	}()

	c.mu.Lock()
	var next *needCall
	if len(c.queue) > 0 {
		next = c.queue[0]
	} else {
		c.leading = false
	}
	c.mu.Unlock()
	for _, call := range batch {
		select {
		case call.wake <- false:
		default:
		}
	}
	if next != nil {
		next.wake <- true
	}
	if panicked != nil {
		panic(panicked)
	}
}

// writeNeedBatch writes a batch in one transaction. Each case is checked
// (reads only) before it is written, so a refused case leaves nothing to undo
// and needs no savepoint. Should a write itself fail (the disk, a constraint),
// the shared transaction is rolled back and every case is written again in a
// transaction of its own, so that one case's fault is that case's alone.
func (s *Store) writeNeedBatch(batch []*needCall) {
	// A caller that goes away must not interrupt the shared transaction: the
	// statements run without its cancellation, after a check that it still waits.
	written := make([]needRow, len(batch))
	err := s.tx(context.WithoutCancel(batch[0].ctx), func(sqlTx *sql.Tx) error {
		// The batch's statements are parsed once and reused by every case in it.
		tx := &needTx{Tx: sqlTx, stmts: map[string]*sql.Stmt{}}
		pols := &policyCache{s: s, q: tx}
		for i, call := range batch {
			call.out, call.err = model.Need{}, nil
			if err := call.ctx.Err(); err != nil {
				call.err = err
				continue
			}
			ctx := context.WithoutCancel(call.ctx)
			now := s.now()
			r, err := s.checkNeed(ctx, tx, call.pr, &call.in, "", now, pols)
			if err != nil {
				call.err = err
				continue
			}
			if err := s.insertNeed(ctx, tx, call.pr, &r, &call.in, nil, now); err != nil {
				return err
			}
			written[i] = r
		}
		return nil
	})
	if err != nil {
		s.writeNeedsAlone(batch)
		return
	}
	for i, call := range batch {
		if call.err != nil {
			continue
		}
		out, _, err := s.present(call.pr, written[i], fromMS(ms(written[i].CreatedAt)))
		call.out, call.err = out, err
		if err != nil {
			call.err = model.Internal(err)
		}
	}
}

// writeNeedsAlone writes each case of a failed batch in a transaction of its
// own (the callers whose cases were refused already keep their answers).
func (s *Store) writeNeedsAlone(batch []*needCall) {
	for _, call := range batch {
		if call.err != nil {
			continue
		}
		ctx := context.WithoutCancel(call.ctx)
		var out model.Need
		err := s.tx(ctx, func(tx *sql.Tx) error {
			var err error
			out, err = s.createAndRead(ctx, &needTx{Tx: tx}, call.pr, &call.in, &policyCache{s: s, q: tx})
			return err
		})
		call.out, call.err = out, err
	}
}

// needTx is a write transaction whose statements, with stmts set, are
// prepared once per SQL text and reused: parsing is a third of the cost of a
// case on SQLite. The embedded *sql.Tx is what appendAudit takes.
type needTx struct {
	*sql.Tx
	stmts map[string]*sql.Stmt
}

func (t *needTx) stmt(ctx context.Context, q string) *sql.Stmt {
	if t.stmts == nil {
		return nil
	}
	if st, ok := t.stmts[q]; ok {
		return st
	}
	st, err := t.Tx.PrepareContext(ctx, q)
	if err != nil {
		return nil // the unprepared call below reports the error
	}
	t.stmts[q] = st
	return st
}

func (t *needTx) ExecContext(ctx context.Context, q string, a ...any) (sql.Result, error) {
	if st := t.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, a...)
	}
	return t.Tx.ExecContext(ctx, q, a...)
}

func (t *needTx) QueryContext(ctx context.Context, q string, a ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, a...)
	}
	return t.Tx.QueryContext(ctx, q, a...)
}

func (t *needTx) QueryRowContext(ctx context.Context, q string, a ...any) *sql.Row {
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, a...)
	}
	return t.Tx.QueryRowContext(ctx, q, a...)
}
