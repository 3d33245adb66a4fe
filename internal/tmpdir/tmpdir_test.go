package tmpdir_test

import (
	"os"
	"path/filepath"
	"testing"

	"houdun/internal/tmpdir"
)

// TestPrepare: a missing folder is made 0700, an existing one emptied and
// made 0700, a symbolic link refused; without a folder a new private one
// is made under the system's temporary folder.
func TestPrepare(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "tmp")
	if got, err := tmpdir.Prepare(dir); err != nil || got != dir {
		t.Fatalf("Prepare(missing) = %q, %v", got, err)
	}
	os.MkdirAll(filepath.Join(dir, "excelize-1", "x"), 0o755)
	os.WriteFile(filepath.Join(dir, "houdun-ledger-2"), []byte("张伟"), 0o644)
	os.Chmod(dir, 0o755)
	if _, err := tmpdir.Prepare(dir); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	fi, _ := os.Stat(dir)
	if len(entries) != 0 || fi.Mode().Perm() != 0o700 {
		t.Errorf("after Prepare: %d entries, mode %v; want empty, 0700", len(entries), fi.Mode().Perm())
	}
	link := filepath.Join(base, "link")
	os.Symlink(base, link)
	if _, err := tmpdir.Prepare(link); err == nil {
		t.Error("a symbolic link is accepted")
	}
	own, err := tmpdir.Prepare("")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(own)
	if fi, err := os.Stat(own); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("a folder of its own: %v, %v", fi.Mode(), err)
	}
}
