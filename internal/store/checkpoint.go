package store

import (
	"context"
	"sync"
	"time"
)

// Checkpointing the SQLite write-ahead log in the background.
//
// By default SQLite copies the WAL back into the database file inside the
// commit that makes the log pass 1,000 pages: that commit then writes and
// fsyncs megabytes while every other writer waits for it. Here a connection
// of its own checkpoints every checkpointEvery in PASSIVE mode, beside the
// writer rather than in its way, and pages rewritten by many commits (the
// tails of the busy indexes) reach the database file once instead of once per
// thousand pages. The writer still checkpoints by itself past
// writerCheckpointPages, should this one fall behind (a reader holding an old
// snapshot for long, say). After a large transaction (an import) the log
// file is cut back to 64 MiB once checkpointed (journal_size_limit).

const (
	checkpointEvery       = time.Second
	writerCheckpointPages = 16384 // 64 MiB of log with 4 KiB pages
)

func (s *Store) startCheckpointer() {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if _, err := s.ckpt.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)"); err != nil && ctx.Err() == nil {
					s.log.Warn("wal checkpoint", "err", err)
				}
			}
		}
	})
	s.ckptStop = func() { cancel(); wg.Wait() }
}

func (s *Store) stopCheckpointer() {
	if s.ckptStop != nil {
		s.ckptStop()
		s.ckptStop = nil
	}
}
