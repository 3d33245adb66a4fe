package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestFullDiskIsStorageFull: a write the database refuses for want of space
// answers EStorageFull (not a generic internal error), Health reports it
// while the disk is full, a valid session still authenticates, and once
// there is space again writes succeed and Health is clear.
func TestFullDiskIsStorageFull(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, s *store.Store, clock *testutil.Clock) {
		sys := testutil.System()
		inst, err := s.CreateInstitution(sys, model.InstitutionInput{Name: ptr("阜新市中心医院"), Type: ptr("hospital"), RegionCode: ptr("210902")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUser(sys, model.UserInput{Username: ptr("hz-caseworker"), Password: ptr("Houdun-2026!"),
			Role: ptr(auth.RoleCaseworker), RegionCode: ptr("210902")}); err != nil {
			t.Fatal(err)
		}
		token, _, err := s.Login(context.Background(), store.Credentials{Username: "hz-caseworker", Password: "Houdun-2026!", IP: "127.0.0.1"}, store.DefaultSessionPolicy)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		create := func() error {
			n++
			_, err := s.CreateInstitution(sys, model.InstitutionInput{Name: ptr(fmt.Sprintf("第%d社区卫生服务中心", n)), Type: ptr("community_health_centre"),
				RegionCode: ptr("210902")})
			return err
		}
		undo := s.FillStorage(t)
		// The pages in hand may take a few rows more: write until refused.
		var full error
		for range 500 {
			if full = create(); full != nil {
				break
			}
		}
		if model.ErrorCode(full) != model.EStorageFull {
			t.Fatalf("a write on a full disk = %v; want storage_full", full)
		}
		for range 3 {
			if err := create(); model.ErrorCode(err) != model.EStorageFull {
				t.Fatalf("the next write on a full disk = %v; want storage_full", err)
			}
		}
		if err := s.Health(context.Background()); model.ErrorCode(err) != model.EStorageFull {
			t.Errorf("Health on a full disk = %v; want storage_full", err)
		}
		clock.Advance(10 * time.Minute) // the session is touched: a write that may fail
		if _, err := s.Authenticate(context.Background(), token, "127.0.0.1", store.DefaultSessionPolicy); err != nil {
			t.Errorf("a valid session on a full disk: %v", err)
		}
		if _, err := s.GetInstitution(sys, inst.ID); err != nil && model.ErrorCode(err) != model.EStorageFull {
			t.Errorf("a read on a full disk = %v; want it served or refused as storage_full", err)
		}

		undo()
		if err := create(); err != nil {
			t.Fatalf("a write once there is space again: %v", err)
		}
		if err := s.Health(context.Background()); err != nil {
			t.Errorf("Health once there is space again = %v", err)
		}
	})
}

// TestWALLimitIsSizedToTheData: a small database gets a small write-ahead
// log (4 MiB, not 64 MiB that filled a 40 MB volume with 2 MB of data), and
// the setting overrides it.
func TestWALLimitIsSizedToTheData(t *testing.T) {
	dsn := testutil.DSN(t, store.SQLite)
	for _, c := range []struct {
		set, want int64
	}{{0, 4 << 20}, {16 << 20, 16 << 20}} {
		st, err := store.Open(context.Background(), dsn, store.Options{Sealer: testutil.Sealer(), WALLimit: c.set})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		limit, pages := st.WriterPragma(t, "journal_size_limit"), st.WriterPragma(t, "wal_autocheckpoint")
		st.Close()
		if limit != c.want || pages*4096 != c.want {
			t.Errorf("WALLimit %d: journal_size_limit %d, wal_autocheckpoint %d pages; want %d bytes", c.set, limit, pages, c.want)
		}
	}
}

// TestDatabaseFilesArePrivate: the SQLite database, its write-ahead log and
// shared-memory file and a backup are created readable by the server's user
// only (0600), whatever the umask; an existing database that others may read
// is made private at open.
func TestDatabaseFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	path := filepath.Join(dir, "houdun.db")
	st, err := store.Open(context.Background(), path, store.Options{Sealer: testutil.Sealer()})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "copy.db")
	if err := st.Backup(context.Background(), backup); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", backup} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
		} else if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
	st.Close()

	os.Chmod(path, 0o644)
	st, err = store.Open(context.Background(), path, store.Options{Sealer: testutil.Sealer()})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("an existing database readable by others still has mode %v after open", fi.Mode().Perm())
	}
}
