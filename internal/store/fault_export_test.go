package store

import (
	"context"
	"fmt"
	"testing"
)

// FillStorage makes the database refuse writes for want of space, as a full
// disk does: on SQLite the writer may not grow the file (max_page_count, which
// answers SQLITE_FULL, the code of a full disk), on PostgreSQL every audit row
// fails with disk_full (53100, raised by a trigger). It returns the undo.
func (s *Store) FillStorage(t testing.TB) func() {
	t.Helper()
	ctx := context.Background()
	if s.engine == SQLite {
		var pages int64
		if err := s.write.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
			t.Fatal(err)
		}
		if _, err := s.write.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
			t.Fatal(err)
		}
		return func() { s.write.ExecContext(ctx, "PRAGMA max_page_count = 4294967294") }
	}
	for _, q := range []string{
		`CREATE FUNCTION houdun_test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$`,
		`CREATE TRIGGER houdun_test_disk_full BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION houdun_test_disk_full()`,
	} {
		if _, err := s.write.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return func() { s.write.ExecContext(ctx, "DROP TRIGGER houdun_test_disk_full ON audit_log") }
}

// WriterPragma reads a pragma on the SQLite writer connection.
func (s *Store) WriterPragma(t testing.TB, name string) int64 {
	t.Helper()
	var v int64
	if err := s.write.QueryRowContext(context.Background(), "PRAGMA "+name).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}
