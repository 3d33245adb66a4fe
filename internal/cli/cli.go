// Package cli implements the houdun subcommands, one file and one FlagSet
// each. Exit codes: 0 success, 1 failure with a one-line message on stderr,
// 2 bad usage. It wires packages together and holds no business rules.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"houdun/internal/config"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/seal"
	"houdun/internal/store"
)

// Version is set at build time with -ldflags "-X houdun/internal/cli.Version=…".
var Version = "dev"

// Env is the process environment a command runs in; tests pass their own.
type Env struct {
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Ready, when set, receives the URL once a server listens (tests use it).
	Ready func(url string)
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env Env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the web server and API", runServe},
		{"demo", "fill an empty database with a demo city and serve it", runDemo},
		{"migrate", "bring the database schema up to date", runMigrate},
		{"import", "import people or families from .xlsx or .csv: import people|families FILE", runImport},
		{"export", "export people to .xlsx or .csv: export people FILE", runExport},
		{"user", "manage accounts: user add --username U --role ROLE ... | user reset-otp --username U", runUser},
		{"backup", "write a checked copy of a SQLite database: backup FILE", runBackup},
		{"key", "print a new random encryption key for HOUDUN_KEY", runKey},
		{"version", "print the version", runVersion},
	}
}

// errUsage marks bad usage: exit code 2.
type errUsage struct{ msg string }

func (e errUsage) Error() string { return e.msg }

func usagef(format string, args ...any) error { return errUsage{fmt.Sprintf(format, args...)} }

// Run executes one subcommand and returns the process exit code.
func Run(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.Stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, env, args[1:])
		var u errUsage
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &u):
			fmt.Fprintf(env.Stderr, "houdun %s: %s\n", c.name, u.msg)
			return 2
		default:
			fmt.Fprintf(env.Stderr, "houdun %s: %s\n", c.name, oneLine(err, lang(env)))
			return 1
		}
	}
	fmt.Fprintf(env.Stderr, "houdun: unknown command %q\n", args[0])
	usage(env.Stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: houdun <command> [flags]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command takes --db (a SQLite file or a postgres:// URL; env HOUDUN_DB).")
}

// lang is the language of command-line messages: HOUDUN_LANG, default Chinese.
func lang(env Env) i18n.Lang {
	return i18n.Parse(env.Getenv("HOUDUN_LANG"))
}

// oneLine renders an error for stderr: translated when it is a model.Error,
// never as a raw catalogue key. An internal error (or a full disk, or a
// database that does not answer) adds its cause, which the operator at the
// console may read.
func oneLine(err error, l i18n.Lang) string {
	var e *model.Error
	if !errors.As(err, &e) {
		return strings.ReplaceAll(err.Error(), "\n", " ")
	}
	s := l.Msg(e.Msg)
	for f, m := range e.Fields {
		s += fmt.Sprintf("; %s: %s", f, l.Msg(m))
	}
	if e.Err != nil {
		// The cause of a cause that is itself a model.Error is rendered too.
		s += ": " + oneLine(e.Err, l)
	}
	return strings.ReplaceAll(s, "\n", " ")
}

// flags makes a FlagSet with the flags every command shares.
func flags(name string, env Env, cfg *config.Config) *flag.FlagSet {
	fs := flag.NewFlagSet("houdun "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "SQLite file path or postgres:// URL (env HOUDUN_DB)")
	return fs
}

// parse parses flags that may stand before or after the positional
// arguments (`import people FILE --db x` and `import people --db x FILE`
// both work) and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usagef("%v", err)
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func newLogger(env Env) *slog.Logger {
	return slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// openStore loads the key, opens the database and migrates it.
func openStore(ctx context.Context, cfg config.Config, env Env, log *slog.Logger) (*store.Store, error) {
	return openStoreAt(ctx, cfg, env, log, nil)
}

// openStoreAt is openStore with the clock the store reads (nil: time.Now).
func openStoreAt(ctx context.Context, cfg config.Config, env Env, log *slog.Logger, now func() time.Time) (*store.Store, error) {
	key, created, err := cfg.LoadKey()
	if err != nil {
		return nil, err
	}
	if created {
		log.Warn("created a new encryption key file beside the database; back it up: without it the stored ID numbers and phones cannot be read", "file", keyFileName(cfg))
	}
	s, err := seal.New(key)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, cfg.DB, store.Options{Sealer: s, Logger: log, Now: now, WALLimit: cfg.WALLimit})
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func keyFileName(cfg config.Config) string {
	if cfg.KeyFile != "" {
		return cfg.KeyFile
	}
	return cfg.DB + ".key"
}

func runMigrate(ctx context.Context, env Env, args []string) error {
	cfg := config.FromEnv(env.Getenv)
	fs := flags("migrate", env, &cfg)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, env, newLogger(env))
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(env.Stdout, "migrated")
	return nil
}

func runVersion(ctx context.Context, env Env, args []string) error {
	fmt.Fprintln(env.Stdout, "houdun", Version)
	return nil
}

func runKey(ctx context.Context, env Env, args []string) error {
	fmt.Fprintln(env.Stdout, seal.EncodeKey(seal.NewKey()))
	return nil
}

// redactDSN hides a password in a database URL before it is printed.
func redactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dsn
}
