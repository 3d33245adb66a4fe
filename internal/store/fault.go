package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync/atomic"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"houdun/internal/model"
)

// A full disk is told as it is: a write the database refuses for want of
// space answers model.EStorageFull (507 "storage full" in the user's
// language) instead of a generic internal error, and /healthz reports it
// until a write succeeds again.

// isStorageFull reports whether err is a database (or file) refusing a
// write for want of space: SQLITE_FULL, PostgreSQL's disk_full (53100), or
// ENOSPC from the file system.
func isStorageFull(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "53100"
	}
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_FULL {
		return true
	}
	return errors.Is(err, syscall.ENOSPC)
}

// classify turns a write's internal error that is a full disk into
// EStorageFull, and remembers it for Health; other errors pass as they are.
func (s *Store) classify(err error) error {
	if err == nil || !isStorageFull(err) {
		return err
	}
	s.full.Store(true)
	if model.ErrorCode(err) == model.EStorageFull {
		return err
	}
	return model.StorageFull(err)
}

// wrote notes a write that succeeded: there is space again.
func (s *Store) wrote() {
	if s.full.Load() {
		s.full.Store(false)
	}
}

// fullFlag is the store's memory of the last write refused for want of space.
type fullFlag = atomic.Bool

// privateFiles makes the SQLite database at path readable by the server's
// user only: a new file is created with mode 0600 before SQLite opens it,
// and SQLite gives its -wal and -shm files the mode of the database. An
// existing database, log or shared-memory file that others may read is set
// to 0600 too: it holds the registry (the key file lies elsewhere, but
// names, families and case texts are in clear).
func privateFiles(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		return f.Close()
	}
	if !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create %s: %w", path, err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 == 0 {
			continue
		}
		if err := os.Chmod(p, fi.Mode().Perm()&0o700); err != nil {
			return fmt.Errorf("make %s private: %w", p, err)
		}
	}
	return nil
}
