package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"houdun/internal/seal"
)

// TestATransactionRetryStopsWithItsContext: a serialisation failure is
// retried after a wait, but a request that has gone away does not wait out
// the retries: the wait ends with the context, and fn is not run again.
func TestATransactionRetryStopsWithItsContext(t *testing.T) {
	sl, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "retry.db"), Options{Sealer: sl})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	defer func(w func(int) time.Duration) { txRetryWait = w }(txRetryWait)
	txRetryWait = func(int) time.Duration { return time.Hour }

	ctx, cancel := context.WithCancel(context.Background())
	runs := 0
	done := make(chan error, 1)
	go func() {
		done <- s.tx(ctx, func(*sql.Tx) error {
			runs++
			go func() { time.Sleep(20 * time.Millisecond); cancel() }()
			return &pgconn.PgError{Code: "40001"}
		})
	}()
	select {
	case err := <-done:
		if !retryable(err) {
			t.Errorf("tx = %v, want the last serialisation failure", err)
		}
		if runs != 1 {
			t.Errorf("fn ran %d times, want 1", runs)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the retry wait did not end with the context")
	}
}
