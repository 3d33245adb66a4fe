package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"houdun/internal/model"
)

// Group commit of assessments, as of new cases (need_commit.go): a round
// announced to 100,000 workers at once brings submissions by the thousand a
// second, and a SQLite commit waits for the disk. Submissions arriving
// together are written in shared transactions; the first caller to find no
// batch under way leads one, then hands the lead to the next waiting caller.
// Each submission's checks (consent, the round) run before it writes, so a
// refused one fails alone; should a write fail, every submission of the
// batch is written again in a transaction of its own. An alert is committed
// with its assessment, so it reaches the inbox the moment the answer does.

// maxAssessmentBatch bounds the submissions of one shared transaction.
const maxAssessmentBatch = 128

type psychCommitter struct {
	mu      sync.Mutex
	queue   []*assessmentCall
	leading bool
}

type assessmentCall struct {
	ctx  context.Context
	job  *assessmentJob
	wake chan bool // true: lead the next batch; false: done
}

// submitBatched queues one scored submission and waits for the batch that writes it.
func (s *Store) submitBatched(ctx context.Context, j *assessmentJob) (model.AssessmentResult, error) {
	c := &s.psych
	call := &assessmentCall{ctx: ctx, job: j, wake: make(chan bool, 1)}
	c.mu.Lock()
	c.queue = append(c.queue, call)
	lead := !c.leading
	c.leading = true
	c.mu.Unlock()
	if !lead {
		lead = <-call.wake
	}
	if lead {
		s.leadAssessmentBatch(c)
	}
	return j.out, j.err
}

func (s *Store) leadAssessmentBatch(c *psychCommitter) {
	c.mu.Lock()
	n := min(len(c.queue), maxAssessmentBatch)
	batch := append([]*assessmentCall(nil), c.queue[:n]...)
	c.queue = c.queue[n:]
	c.mu.Unlock()

	var panicked any
	func() {
		defer func() {
			if p := recover(); p != nil {
				panicked = p
				for _, call := range batch {
					call.job.out, call.job.err = model.AssessmentResult{}, model.Internal(fmt.Errorf("submit assessment: panic: %v", p))
				}
			}
		}()
		s.writeAssessmentBatch(batch)
	}()

	c.mu.Lock()
	var next *assessmentCall
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

func (s *Store) writeAssessmentBatch(batch []*assessmentCall) {
	err := s.tx(context.WithoutCancel(batch[0].ctx), func(sqlTx *sql.Tx) error {
		tx := &needTx{Tx: sqlTx, stmts: map[string]*sql.Stmt{}}
		for _, call := range batch {
			j := call.job
			j.out, j.err = model.AssessmentResult{}, nil
			if err := call.ctx.Err(); err != nil {
				j.err = err
				continue
			}
			err := s.storeAssessment(context.WithoutCancel(call.ctx), tx, j, ms(s.now()))
			if err != nil {
				if e := model.AsError(err); e != nil && e.Code != model.EInternal && e.Code != model.EUnavailable {
					// Refused by a check that runs before any write.
					j.err = err
					continue
				}
				return err
			}
		}
		return nil
	})
	if err == nil {
		return
	}
	for _, call := range batch {
		j := call.job
		if j.err != nil && model.ErrorCode(j.err) != model.EInternal {
			continue
		}
		ctx := context.WithoutCancel(call.ctx)
		j.err = s.tx(ctx, func(tx *sql.Tx) error {
			return s.storeAssessment(ctx, tx, j, ms(s.now()))
		})
		if j.err != nil {
			j.out = model.AssessmentResult{}
		}
	}
}
