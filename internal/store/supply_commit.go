package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"houdun/internal/model"
)

// Group commit of stock movements on SQLite, as need_commit.go does for new
// cases: a commit waits for the disk, and with one writer connection a
// transaction per movement caps a store at a few hundred movements a second
// (a busy hand-out morning has more). Movements arriving together share one
// transaction, each under a savepoint of its own, so that one refused (not
// enough stock, out of scope) is rolled back alone and the others stand;
// should the shared transaction itself fail, every call is written again in
// a transaction of its own. PostgreSQL commits concurrent writers together
// itself: each movement there is a transaction of its own.

// maxMovementBatch bounds the movements of one shared transaction.
const maxMovementBatch = 64

type groupCall struct {
	ctx  context.Context
	fn   func(tx *sql.Tx) error
	err  error
	wake chan bool // true: lead the next batch; false: done
}

type groupCommitter struct {
	mu      sync.Mutex
	queue   []*groupCall
	leading bool
}

// supplyCommits is the committer of each store's movements.
var supplyCommits sync.Map // *Store → *groupCommitter

// txGrouped runs fn in a write transaction shared with the calls queued at
// the same moment (SQLite), or in one of its own (PostgreSQL).
func (s *Store) txGrouped(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if s.engine != SQLite {
		return s.tx(ctx, fn)
	}
	v, _ := supplyCommits.LoadOrStore(s, &groupCommitter{})
	c := v.(*groupCommitter)
	call := &groupCall{ctx: ctx, fn: fn, wake: make(chan bool, 1)}
	c.mu.Lock()
	c.queue = append(c.queue, call)
	lead := !c.leading
	c.leading = true
	c.mu.Unlock()
	if !lead {
		lead = <-call.wake
	}
	if lead {
		s.leadGroup(c)
	}
	return call.err
}

func (s *Store) leadGroup(c *groupCommitter) {
	c.mu.Lock()
	n := min(len(c.queue), maxMovementBatch)
	batch := append([]*groupCall(nil), c.queue[:n]...)
	c.queue = c.queue[n:]
	c.mu.Unlock()

	var panicked any
	func() {
		defer func() {
			if p := recover(); p != nil {
				panicked = p
				for _, call := range batch {
					call.err = model.Internal(fmt.Errorf("movement: panic: %v", p))
				}
			}
		}()
		s.writeGroup(batch)
	}()

	c.mu.Lock()
	var next *groupCall
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

// writeGroup writes a batch in one transaction, each call under a savepoint.
func (s *Store) writeGroup(batch []*groupCall) {
	if len(batch) == 1 {
		batch[0].err = s.tx(batch[0].ctx, batch[0].fn)
		return
	}
	err := s.tx(context.WithoutCancel(batch[0].ctx), func(tx *sql.Tx) error {
		for _, call := range batch {
			call.err = nil
			if err := call.ctx.Err(); err != nil {
				call.err = err
				continue
			}
			if _, err := tx.ExecContext(call.ctx, "SAVEPOINT movement"); err != nil {
				return err
			}
			if call.err = call.fn(tx); call.err != nil {
				if _, err := tx.ExecContext(call.ctx, "ROLLBACK TO movement"); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(call.ctx, "RELEASE movement"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for _, call := range batch {
			call.err = s.tx(call.ctx, call.fn)
		}
	}
}
