// Package config holds the settings of one houdun process: defaults, then the
// environment, then command-line flags. The Config is passed down explicitly;
// there is no global.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"houdun/internal/seal"
	"houdun/internal/store"
)

// Config is everything a subcommand may need.
type Config struct {
	Addr string // listen address of the HTTP server
	DB   string // SQLite file path or postgres:// URL
	// Key is the base64 master key for field encryption (HOUDUN_KEY); with
	// SQLite and no key, a key file beside the database is used or created.
	Key string
	// KeyFile overrides where the key file beside a SQLite database lives.
	KeyFile string
	// SecureCookies marks cookies Secure; on by default behind TLS, set
	// HOUDUN_SECURE_COOKIES=false only for plain-HTTP local use.
	SecureCookies bool
	// MaxBodyBytes caps JSON and form bodies; MaxUploadBytes caps imported files.
	MaxBodyBytes   int64
	MaxUploadBytes int64
	Session        store.SessionPolicy
	ShutdownGrace  time.Duration
	// JobInterval is how often the server's scheduler looks at deadlines
	// (reminders, escalation) and the outbox worker at new events; the issue
	// asks for at least every 15 seconds. Tests shorten it.
	JobInterval time.Duration
	// SMTP is the mail server for outbox events; mail is off unless set.
	SMTP SMTP
	// TempDir is the server's private folder for temporary files
	// (HOUDUN_TMPDIR), emptied at start and removed at shutdown: give it a
	// folder of its own. Default: beside a SQLite database (houdun.db.tmp),
	// a new folder under the system's temporary folder with PostgreSQL.
	TempDir string
	// WALLimit bounds the SQLite write-ahead log in bytes
	// (HOUDUN_SQLITE_WAL_LIMIT, in MiB); 0 sizes it to the database: a
	// quarter of the file, between 4 and 64 MiB.
	WALLimit int64
	// WebhookAllowPrivate lets webhooks reach loopback, link-local, private
	// and metadata addresses (HOUDUN_WEBHOOK_ALLOW_PRIVATE=true), for a
	// receiver on the same machine or network; off by default.
	WebhookAllowPrivate bool
	// TrustedProxies lists the reverse proxies whose X-Real-IP and
	// X-Forwarded-For are believed (HOUDUN_TRUSTED_PROXIES: addresses or
	// CIDR ranges, comma-separated); empty trusts no one, and the peer's
	// address is the caller's.
	TrustedProxies string
	// MetricsToken is the bearer token /metrics asks for
	// (HOUDUN_METRICS_TOKEN); MetricsAddr a listen address of its own for
	// /metrics (HOUDUN_METRICS_ADDR), which the main address then does not
	// serve. With neither, /metrics is off.
	MetricsToken string
	MetricsAddr  string
	// LetterFont is the TrueType font (.ttf, or a .ttc whose first face is
	// used) consolation letters are drawn in (HOUDUN_LETTER_FONT); empty:
	// WenQuanYi Micro Hei from Debian's fonts-wqy-microhei.
	LetterFont string
}

// SMTP is how outbox events reach the teams' mailboxes. Users carry no
// e-mail address, so mail goes to one configured address per region team
// (the dedicated team, 专班), chosen by the team that holds the case: an
// escalated case is mailed to the team it went up to. Mail is off unless
// Addr, From and To are set. Package notify checks the values at start.
type SMTP struct {
	// Addr is the server's host:port (HOUDUN_SMTP_ADDR); the connection is
	// upgraded with STARTTLS whenever the server offers it.
	Addr string
	// From is the sender, e.g. "后盾 <houdun@example.gov.cn>" (HOUDUN_SMTP_FROM).
	From string
	// Username and Password log in with AUTH PLAIN (HOUDUN_SMTP_USERNAME,
	// HOUDUN_SMTP_PASSWORD); Go refuses to send them unencrypted except to
	// localhost. Empty: no login.
	Username string
	Password string
	// To lists the team mailboxes (HOUDUN_SMTP_TO) as REGION=ADDRESS items
	// separated by commas or semicolons, e.g.
	// "2109=fuxin-team@example.cn;21=liaoning-team@example.cn". A case is
	// mailed to the item with the longest region code that begins its team's
	// region code; an item without "REGION=" catches every other region. A
	// team with no matching item gets no mail.
	To string
	// Events are the outbox events mailed, a comma list (HOUDUN_SMTP_EVENTS);
	// default "need.escalated,need.overdue,psych.alert".
	Events string
}

// DefaultSMTPEvents are the outbox events mailed unless HOUDUN_SMTP_EVENTS says otherwise.
const DefaultSMTPEvents = "need.escalated,need.overdue,psych.alert"

// Enabled reports whether mail is configured.
func (m SMTP) Enabled() bool { return m.Addr != "" && m.From != "" && m.To != "" }

// Default returns the built-in defaults.
func Default() Config {
	return Config{
		Addr:           "127.0.0.1:8080",
		DB:             "houdun.db",
		MaxBodyBytes:   1 << 20,
		MaxUploadBytes: 32 << 20,
		Session:        store.DefaultSessionPolicy,
		ShutdownGrace:  20 * time.Second,
		JobInterval:    15 * time.Second,
		SMTP:           SMTP{Events: DefaultSMTPEvents},
	}
}

// FromEnv returns the defaults overridden by HOUDUN_* variables.
func FromEnv(getenv func(string) string) Config {
	c := Default()
	if v := getenv("HOUDUN_ADDR"); v != "" {
		c.Addr = v
	}
	if v := getenv("HOUDUN_DB"); v != "" {
		c.DB = v
	}
	c.Key = getenv("HOUDUN_KEY")
	c.KeyFile = getenv("HOUDUN_KEY_FILE")
	c.SecureCookies = strings.EqualFold(getenv("HOUDUN_SECURE_COOKIES"), "true")
	c.TempDir = strings.TrimSpace(getenv("HOUDUN_TMPDIR"))
	c.WebhookAllowPrivate = strings.EqualFold(getenv("HOUDUN_WEBHOOK_ALLOW_PRIVATE"), "true")
	c.TrustedProxies = getenv("HOUDUN_TRUSTED_PROXIES")
	c.MetricsToken = strings.TrimSpace(getenv("HOUDUN_METRICS_TOKEN"))
	c.MetricsAddr = strings.TrimSpace(getenv("HOUDUN_METRICS_ADDR"))
	c.LetterFont = strings.TrimSpace(getenv("HOUDUN_LETTER_FONT"))
	if mib, err := strconv.ParseInt(strings.TrimSpace(getenv("HOUDUN_SQLITE_WAL_LIMIT")), 10, 64); err == nil && mib > 0 {
		c.WALLimit = mib << 20
	}
	c.SMTP.Addr = strings.TrimSpace(getenv("HOUDUN_SMTP_ADDR"))
	c.SMTP.From = strings.TrimSpace(getenv("HOUDUN_SMTP_FROM"))
	c.SMTP.Username = getenv("HOUDUN_SMTP_USERNAME")
	c.SMTP.Password = getenv("HOUDUN_SMTP_PASSWORD")
	c.SMTP.To = strings.TrimSpace(getenv("HOUDUN_SMTP_TO"))
	if v := strings.TrimSpace(getenv("HOUDUN_SMTP_EVENTS")); v != "" {
		c.SMTP.Events = v
	}
	return c
}

// ErrNoKey means a PostgreSQL database was named without HOUDUN_KEY.
var ErrNoKey = errors.New("HOUDUN_KEY must hold the base64 encryption key when the database is PostgreSQL (create one with `houdun key`)")

// LoadKey returns the master key: HOUDUN_KEY when set; for SQLite otherwise the
// key file beside the database (created on first start, mode 0600).
// created reports that a new key file was written.
func (c Config) LoadKey() (key []byte, created bool, err error) {
	if c.Key != "" {
		k, err := seal.DecodeKey(c.Key)
		return k, false, err
	}
	if store.IsPostgresDSN(c.DB) {
		return nil, false, ErrNoKey
	}
	path := c.KeyFile
	if path == "" {
		path = c.DB + ".key"
	}
	if dir := filepath.Dir(path); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, false, fmt.Errorf("key file folder: %w", err)
		}
	}
	// A database that exists without its key file cannot be read: refuse to
	// make a new key that would silently hide every stored ID number.
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if fi, err := os.Stat(c.DB); err == nil && fi.Size() > 0 {
			return nil, false, fmt.Errorf("the database %s exists but its key file %s is missing; restore the key file (without it the encrypted ID numbers and phones are lost)", c.DB, path)
		}
	}
	return seal.LoadOrCreateKeyFile(path)
}
