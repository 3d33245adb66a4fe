package store

import (
	"context"
	"database/sql"
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
// gets a savepoint of its own, so that a refused case (an unknown person, a
// family member of another person) fails alone and leaves the others. After
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

// needCommitters holds the committer of each open store.
var needCommitters sync.Map // *Store → *needCommitter

func (s *Store) needCommitter() *needCommitter {
	if c, ok := needCommitters.Load(s); ok {
		return c.(*needCommitter)
	}
	c, _ := needCommitters.LoadOrStore(s, &needCommitter{})
	return c.(*needCommitter)
}

// createGrouped queues one validated case and waits for the batch that writes it.
func (s *Store) createGrouped(ctx context.Context, pr *auth.Principal, in model.NeedInput) (model.Need, error) {
	c := s.needCommitter()
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

	// A caller that goes away must not interrupt the shared transaction: the
	// statements run without its cancellation, after a check that it still waits.
	err := s.tx(context.WithoutCancel(batch[0].ctx), func(tx *sql.Tx) error {
		for _, call := range batch {
			call.out, call.err = model.Need{}, nil
			if err := call.ctx.Err(); err != nil {
				call.err = err
				continue
			}
			ctx := context.WithoutCancel(call.ctx)
			if _, err := tx.ExecContext(ctx, "SAVEPOINT need_create"); err != nil {
				return model.Internal(err)
			}
			call.out, call.err = s.createAndRead(ctx, tx, call.pr, &call.in)
			if call.err != nil {
				if _, err := tx.ExecContext(ctx, "ROLLBACK TO need_create"); err != nil {
					return model.Internal(err)
				}
			}
			if _, err := tx.ExecContext(ctx, "RELEASE need_create"); err != nil {
				return model.Internal(err)
			}
		}
		return nil
	})
	if err != nil {
		for _, call := range batch {
			if call.err == nil {
				call.out, call.err = model.Need{}, err
			}
		}
	}

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
}
