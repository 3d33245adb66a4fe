// Package testutil gives tests a fresh, migrated database: SQLite always,
// and PostgreSQL too when HOUDUN_TEST_POSTGRES holds a URL (CI sets it). It is
// imported by tests only.
package testutil

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"houdun/internal/auth"
	"houdun/internal/seal"
	"houdun/internal/store"
)

// Key is the fixed master key of test databases.
var Key = []byte("0123456789abcdef0123456789abcdef")

// Sealer returns a sealer under Key.
func Sealer() *seal.Sealer {
	s, err := seal.New(Key)
	if err != nil {
		panic(err)
	}
	return s
}

// Clock is a settable clock for stores and services with deadlines.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Engines lists the engines available to this test run.
func Engines() []store.Engine {
	if os.Getenv("HOUDUN_TEST_POSTGRES") != "" {
		return []store.Engine{store.SQLite, store.Postgres}
	}
	return []store.Engine{store.SQLite}
}

var skipOnce sync.Once

// ForEachEngine runs fn as a subtest per engine with a fresh migrated store.
func ForEachEngine(t *testing.T, fn func(t *testing.T, st *store.Store, clock *Clock)) {
	t.Helper()
	if os.Getenv("HOUDUN_TEST_POSTGRES") == "" {
		skipOnce.Do(func() { t.Log("HOUDUN_TEST_POSTGRES is not set: PostgreSQL runs are skipped") })
	}
	for _, e := range Engines() {
		t.Run(string(e), func(t *testing.T) {
			clock := NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
			st := NewStore(t, e, clock.Now)
			fn(t, st, clock)
		})
	}
}

// DSN returns a fresh database for engine: a SQLite file in a temporary folder,
// or a new schema in the PostgreSQL test database (dropped at cleanup).
func DSN(t testing.TB, e store.Engine) string {
	t.Helper()
	if e == store.SQLite {
		return filepath.Join(t.TempDir(), "houdun.db")
	}
	base := os.Getenv("HOUDUN_TEST_POSTGRES")
	if base == "" {
		t.Skip("HOUDUN_TEST_POSTGRES is not set")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// NewStore opens and migrates a fresh database on engine.
func NewStore(t testing.TB, e store.Engine, now func() time.Time) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), DSN(t, e), store.Options{Sealer: Sealer(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// As returns a context acting as p.
func As(p *auth.Principal) context.Context {
	return auth.WithPrincipal(context.Background(), p)
}

// System returns a context acting as the command-line system principal.
func System() context.Context { return As(auth.System()) }
