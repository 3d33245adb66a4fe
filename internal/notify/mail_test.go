package notify_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"math/big"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"houdun/internal/config"
	"houdun/internal/model"
	"houdun/internal/notify"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// fakeSMTP is a minimal SMTP server on 127.0.0.1: EHLO/HELO, STARTTLS (when
// tls is set), AUTH PLAIN (when user is set, and only after STARTTLS), MAIL,
// RCPT, DATA, RSET, NOOP, QUIT. It keeps every accepted message.
type fakeSMTP struct {
	ln         net.Listener
	tls        *tls.Config
	user, pass string

	mu       sync.Mutex
	failData int // answer 451 to this many DATA commands first
	msgs     []smtpMsg
	wg       sync.WaitGroup
}

type smtpMsg struct {
	from   string
	to     []string
	data   string
	secure bool
	authed bool
}

func newFakeSMTP(t *testing.T, configure func(*fakeSMTP)) *fakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSMTP{ln: ln}
	if configure != nil {
		configure(f)
	}
	f.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			f.wg.Go(func() { f.session(c) })
		}
	})
	t.Cleanup(func() { ln.Close(); f.wg.Wait() })
	return f
}

func (f *fakeSMTP) addr() string { return f.ln.Addr().String() }

func (f *fakeSMTP) messages() []smtpMsg {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]smtpMsg(nil), f.msgs...)
}

func (f *fakeSMTP) session(c net.Conn) {
	defer func() { c.Close() }()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	say := func(format string, a ...any) { fmt.Fprintf(c, format+"\r\n", a...) }
	var cur smtpMsg
	secure, authed := false, false
	say("220 127.0.0.1 fake ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			ext := []string{"fake greets " + arg}
			if f.tls != nil && !secure {
				ext = append(ext, "STARTTLS")
			}
			if f.user != "" && secure {
				ext = append(ext, "AUTH PLAIN")
			}
			for i, e := range ext {
				if i == len(ext)-1 {
					say("250 %s", e)
				} else {
					say("250-%s", e)
				}
			}
		case "STARTTLS":
			say("220 ready to start TLS")
			tc := tls.Server(c, f.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			c, r, secure = tc, bufio.NewReader(tc), true
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			raw, _ := base64.StdEncoding.DecodeString(resp)
			if !secure || mech != "PLAIN" || string(raw) != "\x00"+f.user+"\x00"+f.pass {
				say("535 authentication failed")
				continue
			}
			authed = true
			say("235 authenticated")
		case "MAIL":
			if f.user != "" && !authed {
				say("530 authentication required")
				continue
			}
			cur = smtpMsg{from: arg, secure: secure, authed: authed}
			say("250 ok")
		case "RCPT":
			cur.to = append(cur.to, arg)
			say("250 ok")
		case "DATA":
			f.mu.Lock()
			fail := f.failData > 0
			if fail {
				f.failData--
			}
			f.mu.Unlock()
			if fail {
				say("451 try again later")
				continue
			}
			say("354 end with .")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(strings.TrimPrefix(l, "."))
			}
			cur.data = data.String()
			f.mu.Lock()
			f.msgs = append(f.msgs, cur)
			f.mu.Unlock()
			cur = smtpMsg{}
			say("250 queued")
		case "RSET", "NOOP":
			say("250 ok")
		case "QUIT":
			say("221 bye")
			return
		default:
			say("502 not implemented")
		}
	}
}

// selfSigned returns a server certificate for 127.0.0.1 and a client
// configuration that trusts it.
func selfSigned(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
}

// decoded returns a message's subject and its text body.
func decoded(t *testing.T, raw string) (header mail.Header, subject, body string) {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, m.Body))
	if err != nil {
		t.Fatal(err)
	}
	return m.Header, subject, string(b)
}

func mailer(t *testing.T, c config.SMTP) *notify.Mailer {
	t.Helper()
	m, err := notify.NewMailer(c)
	if err != nil || m == nil {
		t.Fatalf("NewMailer = %v, %v", m, err)
	}
	return m
}

// escalate makes one urgent Haizhou case overdue and escalates it to the
// Fuxin city team (2109); it returns the case.
func escalate(t *testing.T, st *store.Store, clock *testutil.Clock) int64 {
	t.Helper()
	id := urgentCases(t, st, nurse(t, st), 1)[0]
	clock.Advance(4*time.Hour + time.Second)
	if n, err := st.EscalateOverdue(testutil.System(), clock.Now()); err != nil || n != 1 {
		t.Fatalf("EscalateOverdue = %d, %v", n, err)
	}
	return id
}

// TestEscalationMailedToTheTeamOnce: an escalated case is mailed once, over
// STARTTLS with a login, to the mailbox of the team it went up to, with a
// Chinese subject and a Chinese and English body naming nobody; a failed
// DATA is retried after the backoff; running again, or after a restart,
// sends nothing more.
func TestEscalationMailedToTheTeamOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dsn string, clock *testutil.Clock) {
		st := open(t, dsn, clock)
		serverTLS, clientTLS := selfSigned(t)
		smtpd := newFakeSMTP(t, func(f *fakeSMTP) { f.tls, f.user, f.pass, f.failData = serverTLS, "houdun", "s3cret-pass", 1 })
		m := mailer(t, config.SMTP{Addr: smtpd.addr(), From: "后盾系统 <houdun@fx.example.cn>", Username: "houdun", Password: "s3cret-pass",
			To: "2109=fuxin-team@fx.example.cn; 21=liaoning-team@ln.example.cn", Events: "need.escalated"})
		m.TLSConfig = clientTLS
		if _, err := st.EnsureMailChannel(testutil.System(), m.Events, true); err != nil {
			t.Fatal(err)
		}
		id := escalate(t, st, clock)

		d := &notify.Deliverer{Client: local, Store: st, Now: clock.Now, Log: quiet, Mail: m}
		run(t, d, 0, 1) // 451 at DATA
		clock.Advance(30 * time.Second)
		run(t, d, 1, 0)
		run(t, d, 0, 0)
		msgs := smtpd.messages()
		if len(msgs) != 1 {
			t.Fatalf("%d messages, want 1", len(msgs))
		}
		msg := msgs[0]
		if !msg.secure || !msg.authed || msg.from != "FROM:<houdun@fx.example.cn>" || strings.Join(msg.to, ",") != "TO:<fuxin-team@fx.example.cn>" {
			t.Errorf("envelope = %+v", msg)
		}
		h, subject, body := decoded(t, msg.data)
		if want := fmt.Sprintf("【后盾】逾期升级：需求 #%d（紧急）", id); subject != want {
			t.Errorf("subject = %q, want %q", subject, want)
		}
		if !strings.HasPrefix(h.Get("Subject"), "=?UTF-8?q?") || h.Get("Content-Type") != "text/plain; charset=UTF-8" || h.Get("To") != "fuxin-team@fx.example.cn" {
			t.Errorf("header = %v", h)
		}
		if from, err := h.AddressList("From"); err != nil || from[0].Name != "后盾系统" {
			t.Errorf("From = %v, %v", from, err)
		}
		zh, en, ok := strings.Cut(body, "----")
		if !ok || !strings.Contains(zh, "事件：逾期升级") || !strings.Contains(zh, "承办专班：2109 阜新市") || !strings.Contains(zh, "升级层级：1") ||
			!strings.Contains(zh, "保障类别：生活保障") || !strings.Contains(en, "Event: Case escalated") || !strings.Contains(en, "Urgency: Urgent") ||
			!strings.Contains(zh, fmt.Sprintf("需求编号：#%d", id)) {
			t.Errorf("body =\n%s", body)
		}
		for _, secret := range []string{"张伟", "11010519491231002X", "13912345678", "值班"} {
			if strings.Contains(msg.data, secret) || strings.Contains(body, secret) {
				t.Errorf("the mail carries %q", secret)
			}
		}

		// A restart (with its start-up call) sends nothing again.
		st.Close()
		restarted := open(t, dsn, clock)
		if _, err := restarted.EnsureMailChannel(testutil.System(), m.Events, true); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Hour)
		run(t, &notify.Deliverer{Client: local, Store: restarted, Now: clock.Now, Log: quiet, Mail: m}, 0, 0)
		if n := len(smtpd.messages()); n != 1 {
			t.Errorf("%d messages after the restart", n)
		}
		dls := deliveries(t, restarted)
		if len(dls) != 1 || dls[0].URL != store.MailChannelURL || dls[0].Status != model.DeliveryDelivered || dls[0].Attempts != 2 {
			t.Errorf("deliveries = %+v", dls)
		}
	})
}

// TestMailChannel: the channel is made once, follows the configured events,
// turns off when mail is off (no new deliveries) and on again; a region
// without a mailbox gets no mail.
func TestMailChannel(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dsn string, clock *testutil.Clock) {
		st := open(t, dsn, clock)
		sys := testutil.System()
		if w, err := st.EnsureMailChannel(sys, []string{"need.escalated"}, false); err != nil || w.ID != 0 {
			t.Fatalf("mail off, no channel: %+v, %v", w, err)
		}
		if _, err := st.EnsureMailChannel(sys, []string{"need.eaten"}, true); model.ErrorCode(err) != model.EInvalid {
			t.Errorf("unknown event: %v", err)
		}
		if _, err := st.EnsureMailChannel(testutil.As(nil), []string{"need.escalated"}, true); err == nil {
			t.Error("a caller without a principal made the channel")
		}
		first, err := st.EnsureMailChannel(sys, []string{"need.escalated", "need.overdue"}, true)
		if err != nil || first.URL != store.MailChannelURL || !first.Active || len(first.Events) != 2 {
			t.Fatalf("channel = %+v, %v", first, err)
		}
		again, _ := st.EnsureMailChannel(sys, []string{"need.escalated", "need.overdue"}, true)
		if again.ID != first.ID || again.Version != first.Version {
			t.Errorf("second start changed the channel: %+v", again)
		}
		off, _ := st.EnsureMailChannel(sys, []string{"need.escalated"}, false)
		if off.ID != first.ID || off.Active || len(off.Events) != 1 {
			t.Errorf("turned off: %+v", off)
		}
		// An internal delivery target, not one of the sysadmin's webhooks.
		if hooks, _ := st.ListWebhooks(sys); len(hooks) != 0 {
			t.Errorf("webhooks = %+v", hooks)
		}
		escalate(t, st, clock)
		if n, _ := st.EnqueueDeliveries(sys); n != 0 {
			t.Errorf("an inactive channel took %d deliveries", n)
		}

		// On again, for a mailbox of another province only: delivered without a message.
		st.EnsureMailChannel(sys, []string{"need.overdue"}, true)
		smtpd := newFakeSMTP(t, nil)
		m := mailer(t, config.SMTP{Addr: smtpd.addr(), From: "houdun@example.cn", To: "22=jilin-team@example.cn"})
		if _, err := st.NotifyDeadlines(sys, clock.Now().Add(5*time.Hour)); err != nil {
			t.Fatal(err)
		}
		clock.Advance(5 * time.Hour)
		run(t, &notify.Deliverer{Client: local, Store: st, Now: clock.Now, Log: quiet, Mail: m}, 1, 0)
		if n := len(smtpd.messages()); n != 0 {
			t.Errorf("%d messages to another province", n)
		}
	})
}

// TestNewMailer: the settings are checked at start; mail is off without them.
func TestNewMailer(t *testing.T) {
	if m, err := notify.NewMailer(config.SMTP{Events: config.DefaultSMTPEvents}); m != nil || err != nil {
		t.Errorf("no settings: %v, %v", m, err)
	}
	good := config.SMTP{Addr: "smtp.example.cn:587", From: "houdun@example.cn", To: "2109=a@example.cn"}
	for name, c := range map[string]func(*config.SMTP){
		"no recipients":  func(c *config.SMTP) { c.To = "" },
		"no port":        func(c *config.SMTP) { c.Addr = "smtp.example.cn" },
		"bad sender":     func(c *config.SMTP) { c.From = "houdun" },
		"bad region":     func(c *config.SMTP) { c.To = "fuxin=a@example.cn" },
		"bad address":    func(c *config.SMTP) { c.To = "2109=not an address" },
		"region twice":   func(c *config.SMTP) { c.To = "2109=a@example.cn,2109=b@example.cn" },
		"unknown event":  func(c *config.SMTP) { c.Events = "need.escalated,need.eaten" },
		"empty list":     func(c *config.SMTP) { c.To = " ; , " },
		"two catch-alls": func(c *config.SMTP) { c.To = "a@example.cn,b@example.cn" },
	} {
		cfg := good
		c(&cfg)
		if _, err := notify.NewMailer(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	m := mailer(t, config.SMTP{Addr: "smtp.example.cn:587", From: "houdun@example.cn",
		To: "2109=fuxin@example.cn; 21=Liaoning Team <liaoning@example.cn>, duty@example.cn"})
	if strings.Join(m.Events, ",") != "need.escalated,need.overdue,psych.alert" {
		t.Errorf("default events = %v", m.Events)
	}
	for team, want := range map[string]string{
		"210902":    "fuxin@example.cn",
		"2109":      "fuxin@example.cn",
		"210902001": "fuxin@example.cn",
		"21":        "liaoning@example.cn",
		"2102":      "liaoning@example.cn",
		"22":        "duty@example.cn",
	} {
		if got, ok := m.Recipient(team); !ok || got != want {
			t.Errorf("Recipient(%s) = %q, %v; want %q", team, got, ok, want)
		}
	}
	m = mailer(t, config.SMTP{Addr: "smtp.example.cn:587", From: "houdun@example.cn", To: "2109=fuxin@example.cn"})
	if got, ok := m.Recipient("2102"); ok {
		t.Errorf("Dalian is mailed at %s", got)
	}
}

// TestMailTimeout: a server that never greets fails the send within the timeout.
func TestMailTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			defer c.Close()
			io.Copy(io.Discard, c)
		}
	}()
	m := mailer(t, config.SMTP{Addr: ln.Addr().String(), From: "houdun@example.cn", To: "a@example.cn"})
	m.Timeout = 100 * time.Millisecond
	start := time.Now()
	if err := m.Send(context.Background(), "a@example.cn", []byte("Subject: x\r\n\r\nx\r\n")); err == nil {
		t.Error("sent to a silent server")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("gave up after %s", d)
	}
}
