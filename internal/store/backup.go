package store

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// ErrBackupPostgres says that PostgreSQL is backed up with its own tools.
var ErrBackupPostgres = errors.New("PostgreSQL databases are backed up with pg_dump, not houdun backup")

// Backup writes a consistent copy of a live SQLite database to dest with
// VACUUM INTO (never a file copy of a live database) and checks the copy with
// PRAGMA integrity_check. The encryption key is not in the copy: back up the
// key file separately.
func (s *Store) Backup(ctx context.Context, dest string) error {
	if s.engine != SQLite {
		return ErrBackupPostgres
	}
	// An empty file of mode 0600 made here is one VACUUM INTO fills,
	// keeping its mode: the copy is as private as the database.
	f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s exists already; choose a new file", dest)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	f.Close()
	if _, err := s.write.ExecContext(ctx, "VACUUM INTO $1", dest); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	copyStore, err := Open(ctx, dest, Options{Sealer: s.seal, Logger: s.log})
	if err != nil {
		return fmt.Errorf("backup: open copy: %w", err)
	}
	defer copyStore.Close()
	var result string
	if err := copyStore.read.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&result); err != nil {
		return fmt.Errorf("backup: integrity check: %w", err)
	}
	if result != "ok" {
		return fmt.Errorf("backup: integrity check of %s failed: %s", dest, result)
	}
	return nil
}
