package store

import (
	"errors"
	"fmt"

	"houdun/internal/model"
)

// wrap names the operation in an error that reaches the log, as pkgsite's
// derrors.Wrap does: deferred at the top of an exported method,
//
//	defer wrap(&err, "UpdatePerson(%d)", id)
//
// turns an internal failure (or a foreign error) into "UpdatePerson(7): cause",
// so that a 500 in the log says which query failed. An answer meant for the
// user (not found, invalid, conflict, forbidden…) is left exactly as it is,
// and errors.As still finds the model.Error inside, so the code and message
// the user sees do not change.
func wrap(errp *error, format string, args ...any) {
	if *errp == nil {
		return
	}
	var e *model.Error
	if errors.As(*errp, &e) && e.Code != model.EInternal && e.Code != model.EUnavailable {
		return
	}
	*errp = fmt.Errorf(format+": %w", append(args, *errp)...)
}
