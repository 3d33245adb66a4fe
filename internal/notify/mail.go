package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"houdun/internal/config"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/region"
)

// MailTimeout bounds one SMTP conversation: connecting, STARTTLS, login and DATA.
const MailTimeout = 30 * time.Second

// Mailer sends outbox events to the team mailboxes over SMTP. Build it with
// NewMailer; the fields are exported for tests.
type Mailer struct {
	Addr     string // host:port
	From     *mail.Address
	Username string
	Password string
	// Teams maps a region code to its team mailbox; "" catches every region
	// without one of its own.
	Teams map[string]*mail.Address
	// Events are the outbox events the mail channel subscribes to.
	Events []string
	// Timeout overrides MailTimeout.
	Timeout time.Duration
	// TLSConfig is used for STARTTLS; nil verifies the server's certificate
	// for the host of Addr.
	TLSConfig *tls.Config
}

// NewMailer checks the SMTP settings and returns the mailer, or nil when
// mail is off (none of HOUDUN_SMTP_ADDR, _FROM, _TO set).
func NewMailer(c config.SMTP) (*Mailer, error) {
	if c.Addr == "" && c.From == "" && c.To == "" {
		return nil, nil
	}
	if !c.Enabled() {
		return nil, errors.New("smtp: HOUDUN_SMTP_ADDR, HOUDUN_SMTP_FROM and HOUDUN_SMTP_TO are needed together")
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		return nil, fmt.Errorf("smtp: HOUDUN_SMTP_ADDR %q is not host:port", c.Addr)
	}
	from, err := mail.ParseAddress(c.From)
	if err != nil {
		return nil, fmt.Errorf("smtp: HOUDUN_SMTP_FROM: %w", err)
	}
	teams, err := ParseTeams(c.To)
	if err != nil {
		return nil, err
	}
	events := c.Events
	if strings.TrimSpace(events) == "" {
		events = config.DefaultSMTPEvents
	}
	var evs []string
	for e := range strings.SplitSeq(events, ",") {
		e = strings.TrimSpace(e)
		if e == "" || slices.Contains(evs, e) {
			continue
		}
		if !model.Contains(model.OutboxEvents, e) {
			return nil, fmt.Errorf("smtp: HOUDUN_SMTP_EVENTS: unknown event %q (known: %s)", e, strings.Join(model.OutboxEvents, ", "))
		}
		evs = append(evs, e)
	}
	return &Mailer{Addr: c.Addr, From: from, Username: c.Username, Password: c.Password, Teams: teams, Events: evs}, nil
}

// ParseTeams reads HOUDUN_SMTP_TO: REGION=ADDRESS items separated by commas
// or semicolons; an item without REGION= is the catch-all.
func ParseTeams(s string) (map[string]*mail.Address, error) {
	teams := map[string]*mail.Address{}
	for item := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ',' || r == ';' }) {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		code, addr := "", item
		if i := strings.IndexByte(item, '='); i >= 0 && !strings.ContainsAny(item[:i], "@<\"") {
			code, addr = strings.TrimSpace(item[:i]), strings.TrimSpace(item[i+1:])
			if region.LevelOfCode(code) == 0 {
				return nil, fmt.Errorf("smtp: HOUDUN_SMTP_TO: %q is not a region code", code)
			}
		}
		a, err := mail.ParseAddress(addr)
		if err != nil {
			return nil, fmt.Errorf("smtp: HOUDUN_SMTP_TO: %q: %w", addr, err)
		}
		if _, dup := teams[code]; dup {
			return nil, fmt.Errorf("smtp: HOUDUN_SMTP_TO names region %q twice", code)
		}
		teams[code] = a
	}
	if len(teams) == 0 {
		return nil, errors.New("smtp: HOUDUN_SMTP_TO names no mailbox")
	}
	return teams, nil
}

func (m *Mailer) timeout() time.Duration {
	if m == nil || m.Timeout <= 0 {
		return MailTimeout
	}
	return m.Timeout
}

// Recipient returns the mailbox of the team of region teamRegion: the one
// configured for the longest region code that begins it.
func (m *Mailer) Recipient(teamRegion string) (string, bool) {
	best, found := "", false
	for code := range m.Teams {
		if strings.HasPrefix(teamRegion, code) && (!found || len(code) > len(best)) {
			best, found = code, true
		}
	}
	if !found {
		return "", false
	}
	return m.Teams[best].Address, true
}

// Send delivers one message to one recipient: EHLO, STARTTLS when the server
// offers it, AUTH PLAIN when a username is set, MAIL, RCPT, DATA, QUIT.
func (m *Mailer) Send(ctx context.Context, to string, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, m.timeout())
	defer cancel()
	host, _, err := net.SplitHostPort(m.Addr)
	if err != nil {
		return permanent{fmt.Errorf("smtp address: %w", err)}
	}
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", m.Addr)
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp greeting: %w", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
		if m.TLSConfig != nil {
			cfg = m.TLSConfig.Clone()
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("smtp starttls: %w", err)
		}
	}
	if m.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("smtp: the server offers no AUTH")
		}
		if err := c.Auth(smtp.PlainAuth("", m.Username, m.Password, host)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	if err := c.Mail(m.From.Address); err != nil {
		return fmt.Errorf("smtp MAIL: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("smtp RCPT: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	// The message is accepted; a failed QUIT does not make it undelivered.
	c.Quit()
	return nil
}

// beijing is China Standard Time; a fixed zone needs no tzdata in the binary.
var beijing = time.FixedZone("CST", 8*60*60)

// Compose writes the message of one delivery: a Chinese subject, the body in
// Chinese with the English below, ids and codes only. Its Message-ID is the
// same on every retry, so a mail client shows a repeat once.
func (m *Mailer) Compose(dl model.Delivery, p model.OutboxPayload, to string, now time.Time) []byte {
	zh, en := i18n.ZH, i18n.EN
	subject := zh.T("notify.mail.subject", zh.T("outbox_event."+p.Event), p.NeedID, zh.T("need.urgency."+p.Urgency))
	if p.AlertID != 0 {
		subject = "【后盾】" + zh.T("outbox_event."+p.Event) + " #" + strconv.FormatInt(p.AlertID, 10)
	}
	domain := "houdun.invalid"
	if i := strings.LastIndexByte(m.From.Address, '@'); i >= 0 {
		domain = m.From.Address[i+1:]
	}
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", m.From.String())
	header("To", to)
	// Encoded words are folded one to a line, to keep within 78 characters.
	header("Subject", strings.ReplaceAll(mime.QEncoding.Encode("UTF-8", subject), "?= =?", "?=\r\n =?"))
	header("Date", now.In(beijing).Format(time.RFC1123Z))
	header("Message-ID", fmt.Sprintf("<houdun.delivery.%d.%d@%s>", dl.ID, dl.OutboxID, domain))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "base64")
	header("Auto-Submitted", "auto-generated")
	header(HeaderEvent, p.Event)
	header(HeaderDelivery, strconv.FormatInt(dl.ID, 10))
	b.WriteString("\r\n")
	text := mailBody(zh, p) + "\n----\n\n" + mailBody(en, p)
	text = strings.ReplaceAll(text, "\n", "\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(text))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}

// mailBody is the text of a message in one language.
func mailBody(l i18n.Lang, p model.OutboxPayload) string {
	var b strings.Builder
	sep := "："
	if l == i18n.EN {
		sep = ": "
	}
	line := func(key, value string) { b.WriteString(l.T(key) + sep + value + "\n") }
	zone := " (" + l.T("notify.mail.time_zone") + ")"
	if l == i18n.ZH {
		zone = "（" + l.T("notify.mail.time_zone") + "）"
	}
	b.WriteString(l.T("notify.mail.heading") + "\n\n")
	line("notify.mail.event", l.T("outbox_event."+p.Event))
	if p.AlertID != 0 {
		// A crisis alert (psych.alert): no name, no score, only where to look.
		line("notify.mail.alert", "#"+strconv.FormatInt(p.AlertID, 10))
		line("notify.mail.region", regionLabel(p.RegionCode))
		if !p.At.IsZero() {
			line("notify.mail.at", p.At.In(beijing).Format("2006-01-02 15:04")+zone)
		}
		b.WriteString("\n" + l.T("notify.mail.alert_action") + "\n" + l.T("notify.mail.footer") + "\n")
		return b.String()
	}
	line("notify.mail.need", "#"+strconv.FormatInt(p.NeedID, 10))
	line("notify.mail.category", l.T("need.category."+p.Category))
	line("notify.mail.kind", l.T("need.kind."+p.Kind))
	line("notify.mail.urgency", l.T("need.urgency."+p.Urgency))
	line("notify.mail.status", l.T("need.status."+p.Status))
	line("notify.mail.level", strconv.Itoa(p.EscalationLevel))
	line("notify.mail.team", regionLabel(p.TeamRegionCode))
	line("notify.mail.region", regionLabel(p.RegionCode))
	if !p.DueAt.IsZero() {
		line("notify.mail.due", p.DueAt.In(beijing).Format("2006-01-02 15:04")+zone)
	}
	if !p.At.IsZero() {
		line("notify.mail.at", p.At.In(beijing).Format("2006-01-02 15:04")+zone)
	}
	b.WriteString("\n" + l.T("notify.mail.action") + "\n" + l.T("notify.mail.footer") + "\n")
	return b.String()
}

var regionNames = sync.OnceValue(func() map[string]string {
	names := map[string]string{}
	for _, r := range region.National() {
		names[r.Code] = r.Name
	}
	return names
})

// regionLabel is a region code with the name of the division when the
// national list has it (street and community codes added by users do not).
func regionLabel(code string) string {
	if code == "" {
		return "-"
	}
	if name, ok := regionNames()[code]; ok {
		return code + " " + name
	}
	return code
}
