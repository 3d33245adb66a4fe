package store

import (
	"context"
	"os"
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
// file is cut back to the WAL limit once checkpointed (journal_size_limit).
//
// The WAL limit bounds both: the log that the writer lets grow before it
// checkpoints by itself, and the size the file is cut back to. A fixed
// 64 MiB filled a small volume long before the data did (on a 40 MB volume
// writes failed after 2 MB of data), so by default it is sized to the data:
// a quarter of the database file at open, at least 4 MiB and at most 64
// MiB; HOUDUN_SQLITE_WAL_LIMIT sets it (Options.WALLimit).

const (
	checkpointEvery = time.Second
	minWALLimit     = 4 << 20
	maxWALLimit     = 64 << 20
	walPageSize     = 4096 // SQLite's default page size, which houdun keeps
)

// walLimit is the WAL limit in bytes for the database at path: set, or
// sized to the file.
func walLimit(set int64, path string) int64 {
	if set > 0 {
		return max(set, 1<<20)
	}
	var size int64
	if fi, err := os.Stat(path); err == nil {
		size = fi.Size()
	}
	return min(max(size/4, minWALLimit), maxWALLimit)
}

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
