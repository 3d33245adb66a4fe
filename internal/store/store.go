// Package store is the only package that speaks SQL. It opens the embedded
// SQLite database or PostgreSQL, runs the embedded migrations, and offers one
// method per action, each taking the caller's context: the Principal in it
// decides the scope clause every query on a scoped table carries, and every
// write records its audit row in the same transaction.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"houdun/internal/model"
	"houdun/internal/seal"
)

//go:embed migrations
var migrations embed.FS

// Engine names the database behind a Store.
type Engine string

// Engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Options configure Open.
type Options struct {
	Sealer *seal.Sealer
	Now    func() time.Time // defaults to time.Now
	Logger *slog.Logger
	// WALLimit bounds the SQLite write-ahead log in bytes (see
	// checkpoint.go); 0 sizes it to the database file.
	WALLimit int64
}

// Store is a handle on the database. It is safe for concurrent use.
type Store struct {
	engine Engine
	path   string  // SQLite: the database file
	read   *sql.DB // concurrent readers
	scan   *sql.DB // SQLite: readers for aggregates over many rows (dashboard, visit plan, ledger)
	write  *sql.DB // SQLite: one connection, so writers queue here instead of failing busy
	seal   *seal.Sealer
	now    func() time.Time
	log    *slog.Logger

	ckpt       *sql.DB        // SQLite: the background checkpointer's connection
	ckptStop   func()         // stops the checkpointer and waits for it
	needs      needCommitter  // group commit of new cases (SQLite)
	psych      psychCommitter // group commit of assessments
	readStmts  sync.Map       // SQL text → *sql.Stmt prepared on the readers
	writeStmts sync.Map       // SQL text → *sql.Stmt prepared on the SQLite writer (supply_prepared.go)
	full       fullFlag       // the last write was refused for want of space (fault.go)
}

// readStmt returns q prepared on the readers, parsed once per connection
// instead of once per call: for the few queries every request runs.
func (s *Store) readStmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := s.readStmts.Load(q); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.read.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if prev, loaded := s.readStmts.LoadOrStore(q, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// IsPostgresDSN reports whether dsn names a PostgreSQL database rather than a SQLite file.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to dsn (a SQLite file path or a postgres:// URL). It does not migrate.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	if opts.Sealer == nil {
		return nil, errors.New("store: no sealer")
	}
	s := &Store{seal: opts.Sealer, now: opts.Now, log: opts.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	var err error
	if IsPostgresDSN(dsn) {
		s.engine = Postgres
		s.read, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		s.read.SetMaxOpenConns(4 * runtime.GOMAXPROCS(0))
		s.read.SetMaxIdleConns(4 * runtime.GOMAXPROCS(0))
		s.write, s.scan = s.read, s.read
	} else {
		s.engine = SQLite
		if dsn == "" {
			return nil, errors.New("store: empty database path")
		}
		s.path = dsn
		if err := privateFiles(dsn); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		// busy_timeout comes first so that the other pragmas already wait on a lock.
		base := "file:" + (&url.URL{Path: dsn}).EscapedPath() + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)"
		// synchronous=FULL: money will be written here, and a commit must survive a power cut.
		// A 256 MiB page cache on the writer (used as it fills) keeps the
		// random-keyed indexes (hashes, person, institution) in memory during
		// bulk imports and with a million cases. The writer checkpoints only
		// when the background checkpointer falls far behind, past the WAL
		// limit, which also caps the log file (see checkpoint.go).
		wal := walLimit(opts.WALLimit, dsn)
		s.write, err = sql.Open("sqlite", base+"&_pragma=synchronous(FULL)&_pragma=cache_size(-262144)&_pragma=temp_store(2)"+
			"&_pragma=wal_autocheckpoint("+strconv.FormatInt(wal/walPageSize, 10)+")&_pragma=journal_size_limit("+strconv.FormatInt(wal, 10)+")&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		s.write.SetMaxOpenConns(1)
		s.write.SetConnMaxLifetime(0)
		s.ckpt, err = sql.Open("sqlite", base+"&_pragma=synchronous(FULL)&_pragma=wal_autocheckpoint(0)")
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		s.ckpt.SetMaxOpenConns(1)
		s.read, err = sql.Open("sqlite", base+"&_pragma=query_only(1)&_pragma=temp_store(2)")
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		s.read.SetMaxOpenConns(2 * runtime.GOMAXPROCS(0))
		s.read.SetMaxIdleConns(2 * runtime.GOMAXPROCS(0))
		// The aggregate readers map the file (mmap_size, 1 GiB) instead of
		// copying each page through a read call into a small cache: the
		// dashboard, the visit plan and the ledger read rows all over the
		// table, and this halves what each costs. The other readers do not:
		// a mapped reader unmaps and maps again whenever the file has grown,
		// which on a busy writer would cost every request.
		s.scan, err = sql.Open("sqlite", base+"&_pragma=query_only(1)&_pragma=mmap_size(1073741824)&_pragma=temp_store(2)")
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		s.scan.SetMaxOpenConns(runtime.GOMAXPROCS(0))
		s.scan.SetMaxIdleConns(runtime.GOMAXPROCS(0))
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.write.PingContext(pingCtx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	if s.ckpt != nil {
		s.startCheckpointer()
	}
	return s, nil
}

// Engine reports which database is behind s.
func (s *Store) Engine() Engine { return s.engine }

// Path is the SQLite database file; "" for PostgreSQL.
func (s *Store) Path() string { return s.path }

// Now is the store's clock, injected so tests can move time.
func (s *Store) Now() time.Time { return s.now() }

// Close closes both pools.
func (s *Store) Close() (err error) {
	defer wrap(&err, "Close()")
	s.stopCheckpointer()
	if s.ckpt != nil {
		err = s.ckpt.Close()
	}
	if s.write != nil {
		err = errors.Join(err, s.write.Close())
	}
	if s.read != nil && s.read != s.write {
		err = errors.Join(err, s.read.Close())
	}
	if s.scan != nil && s.scan != s.read {
		err = errors.Join(err, s.scan.Close())
	}
	return err
}

// Ping reports whether the database answers; /healthz uses it.
func (s *Store) Ping(ctx context.Context) (err error) {
	defer wrap(&err, "Ping()")
	var one int
	return s.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Health is what /healthz reports: nil when the database answers and takes
// writes; EUnavailable when it does not answer; EStorageFull while the last
// write was refused for want of space (until a write succeeds again).
func (s *Store) Health(ctx context.Context) error {
	if err := s.Ping(ctx); err != nil {
		return model.Unavailable(err)
	}
	if s.full.Load() {
		return model.StorageFull(errors.New("the last write was refused: storage full"))
	}
	return nil
}

// Migrate brings the schema up to date, keys an audit chain written before
// the key (once; see keyAuditChain) and loads the national region list into
// an empty regions table.
func (s *Store) Migrate(ctx context.Context) (err error) {
	defer wrap(&err, "Migrate()")
	dir, dialect := "migrations/sqlite", goose.DialectSQLite3
	if s.engine == Postgres {
		dir, dialect = "migrations/postgres", goose.DialectPostgres
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(dialect, s.write, sub)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	if err := s.keyAuditChain(ctx); err != nil {
		return fmt.Errorf("store: key the audit chain: %w", err)
	}
	return s.loadNationalRegions(ctx)
}

// ms converts a time to the stored form, Unix milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS converts a stored time back; 0 is the zero time.
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// txRetryWait is the wait before retry attempt+1 of a write transaction.
var txRetryWait = func(attempt int) time.Duration { return time.Duration(10*(attempt+1)) * time.Millisecond }

// tx runs fn in a write transaction, committing when it returns nil. On
// PostgreSQL a serialisation failure or deadlock is retried a few times;
// the wait between attempts ends when ctx does, with the last failure.
func (s *Store) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := s.tryTx(ctx, fn)
		if err == nil {
			s.wrote()
			return nil
		}
		if attempt >= 4 || !retryable(err) {
			return s.classify(err)
		}
		t := time.NewTimer(txRetryWait(attempt))
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

func (s *Store) tryTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return model.Internal(fmt.Errorf("begin: %w", err))
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return model.Internal(fmt.Errorf("commit: %w", err))
	}
	return nil
}

func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "40001" || pgErr.Code == "40P01"
	}
	return false
}

// isUniqueViolation reports whether err is a unique-constraint failure on either engine.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// isForeignKeyViolation reports whether err is a foreign-key failure on either engine.
func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23503"
	}
	return err != nil && strings.Contains(err.Error(), "FOREIGN KEY constraint failed")
}

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// args numbers placeholders as $1, $2, … while a query is assembled, so that
// optional filters can be appended without counting by hand.
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return fmt.Sprintf("$%d", len(*a))
}

// likePattern escapes a user's search text for LIKE … ESCAPE '\'.
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(q) + "%"
}

// clampPage applies the default and maximum page sizes; lists of personal
// data use clampPageFor, whose maximum is MaxPage.
func clampPage(p model.Page) model.Page {
	if p.Limit <= 0 {
		p.Limit = 50
	}
	if p.Limit > 500 {
		p.Limit = 500
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	return p
}
