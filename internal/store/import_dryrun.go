package store

import (
	"context"
	"fmt"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// ActImportDryRun is the audit row of a dry run ("check only"), written
// whatever its outcome: its transaction is rolled back, so the row of the
// import itself never reaches the trail.
const ActImportDryRun = "import.dry_run"

// DryRunsPerMinute is how many dry runs one account may make in a minute.
// A dry run checks a whole file against the registry without writing, so it
// is the cheapest way to ask many questions at once; real teams check a file
// a few times before importing it.
const DryRunsPerMinute = 10

// DryRunAllowed checks that the caller may import and has made fewer than
// DryRunsPerMinute dry runs in the last minute, counted from the audit trail
// (so the limit holds across the API, the pages and several servers).
// The command line is not limited.
// Returns EUnauthenticated, EForbidden, ERateLimited.
func (s *Store) DryRunAllowed(ctx context.Context) error {
	pr, err := principal(ctx, auth.PermPersonImport)
	if err != nil {
		return err
	}
	if pr.UserID == 0 {
		return nil
	}
	var n int
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE user_id = $1 AND at > $2 AND action = $3",
		pr.UserID, ms(s.now().Add(-time.Minute)), ActImportDryRun).Scan(&n); err != nil {
		return model.Internal(err)
	}
	if n >= DryRunsPerMinute {
		return model.Errorf(model.ERateLimited, "import.dry_run_limited", DryRunsPerMinute)
	}
	return nil
}

// AuditDryRun writes the one audit row of a dry run: the kind of roster, the
// file (by hash), the counts and whether it passed; no row's content.
func (s *Store) AuditDryRun(ctx context.Context, kind, filename string, rows int, res model.ImportResult, failed error) error {
	outcome := model.OutcomeOK
	detail := fmt.Sprintf("kind=%s rows=%d created=%d updated=%d unchanged=%d", kind, rows, res.Created, res.Updated, res.Unchanged)
	if failed != nil {
		outcome = model.OutcomeFailed
		e := model.AsError(failed)
		detail = fmt.Sprintf("kind=%s rows=%d error=%s bad_cells=%d", kind, rows, e.Code, len(e.Rows))
	}
	return s.Audit(ctx, ActImportDryRun, "import", filename, outcome, detail)
}
