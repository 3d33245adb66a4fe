package cli

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"houdun/internal/i18n"
	"houdun/internal/model"
)

// TestOneLineNeverPrintsACatalogueKey: every error a command prints is
// rendered through the catalogue ("internal: error.internal: …" was printed
// before), with the internal cause after it for the operator.
func TestOneLineNeverPrintsACatalogueKey(t *testing.T) {
	disk := errors.New("database or disk is full (13)")
	for _, c := range []struct {
		err  error
		want string
	}{
		{model.Internal(errors.New("commit: boom")), "Internal server error; please try again later: commit: boom"},
		{fmt.Errorf("import: %w", model.StorageFull(model.Internal(disk))), "The server's storage is full"},
		{model.Unavailable(errors.New("connection refused")), "The database cannot be reached"},
		{model.NotFound("person"), "not"},
	} {
		got := oneLine(c.err, i18n.EN)
		if strings.Contains(got, "error.") || strings.Contains(got, "internal:") || !strings.Contains(got, c.want) {
			t.Errorf("oneLine(%v) = %q; want %q and no catalogue key", c.err, got, c.want)
		}
	}
	if got := oneLine(model.StorageFull(model.Internal(disk)), i18n.EN); !strings.Contains(got, disk.Error()) {
		t.Errorf("the cause is missing: %q", got)
	}
}
