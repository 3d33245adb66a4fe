package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestAFailedQueryNamesItsOperation: a store method that fails inside says
// which method and record in the error the log gets, while the user still
// sees the plain internal error, and an answer such as not found is left
// exactly as it was.
func TestAFailedQueryNamesItsOperation(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, _ *testutil.Clock) {
		ctx, cancel := context.WithCancel(testutil.System())
		cancel()
		_, err := st.GetPerson(ctx, 42, false)
		if err == nil {
			t.Fatal("a query on a cancelled context succeeded")
		}
		if !strings.HasPrefix(err.Error(), "GetPerson(42): ") {
			t.Errorf("error = %q, want it to name GetPerson(42)", err)
		}
		e := model.AsError(err)
		if e.Code != model.EInternal || e.Msg.Key != "error.internal" {
			t.Errorf("the user sees %s %s, want internal error.internal", e.Code, e.Msg.Key)
		}
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the cause is lost: %v", err)
		}

		_, err = st.GetPerson(testutil.System(), 42, false)
		if err == nil || err.Error() != model.NotFound("person").Error() {
			t.Errorf("a missing person = %v, want the plain not found", err)
		}
		var me *model.Error
		if !errors.As(err, &me) || me.Code != model.ENotFound {
			t.Errorf("errors.As lost the model.Error: %v", err)
		}
	})
}
