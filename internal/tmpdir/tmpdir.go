// Package tmpdir is the server's private folder for temporary files: the
// exports written before they are sent, uploaded rosters while they are
// imported, and what excelize spills to disk while it streams a workbook.
// They hold names and case text, so they never go to the shared $TMPDIR: the
// folder is the server's own (mode 0700), emptied when the server starts
// (after a crash) and removed when it stops. Request contexts carry it, so
// that code writing a temporary file asks the context where. It holds no
// rules and does no other I/O.
package tmpdir

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Prepare makes dir the server's private temporary folder and returns it:
// created with mode 0700 when missing, emptied and set to 0700 when it
// exists. An empty dir gets a new folder of its own under the system's
// temporary folder (os.MkdirTemp, 0700), which a crash may leave behind. A
// symbolic link or a file at dir is refused.
func Prepare(dir string) (string, error) {
	if dir == "" {
		return os.MkdirTemp("", "houdun-")
	}
	fi, err := os.Lstat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.Mkdir(dir, 0o700); err != nil {
			return "", fmt.Errorf("temporary folder: %w", err)
		}
		return dir, nil
	case err != nil:
		return "", fmt.Errorf("temporary folder: %w", err)
	case !fi.IsDir():
		return "", fmt.Errorf("temporary folder %s is not a folder (a symbolic link is refused too)", dir)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", fmt.Errorf("temporary folder: %w", err)
	}
	return dir, Empty(dir)
}

// Empty removes everything inside dir, leaving dir itself.
func Empty(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("temporary folder: %w", err)
	}
	var errs []error
	for _, e := range entries {
		errs = append(errs, os.RemoveAll(filepath.Join(dir, e.Name())))
	}
	return errors.Join(errs...)
}

type key struct{}

// With returns ctx carrying dir as the folder for temporary files.
func With(ctx context.Context, dir string) context.Context {
	return context.WithValue(ctx, key{}, dir)
}

// From returns the folder for temporary files that ctx carries; "" (the
// system's, for os.CreateTemp and excelize) outside the server, where the
// command-line tools write their files directly.
func From(ctx context.Context) string {
	dir, _ := ctx.Value(key{}).(string)
	return dir
}
