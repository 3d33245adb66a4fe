package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildBinary compiles houdun once per test run, without cgo as it ships.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "houdun")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func run(t *testing.T, bin, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func TestBinary(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "houdun.db")

	t.Run("version", func(t *testing.T) {
		out, _, code := run(t, bin, "", "version")
		if code != 0 || !strings.HasPrefix(out, "houdun ") {
			t.Fatalf("version: %q, exit %d", out, code)
		}
	})
	t.Run("bad usage exits 2", func(t *testing.T) {
		for _, args := range [][]string{{}, {"frobnicate"}, {"serve", "--no-such-flag"}, {"import", "pets", "x.csv"}, {"user", "add", "--username", "u"}} {
			if _, _, code := run(t, bin, "", args...); code != 2 {
				t.Errorf("%v: exit %d, want 2", args, code)
			}
		}
	})
	t.Run("migrate creates the database and its key file", func(t *testing.T) {
		if _, errOut, code := run(t, bin, "", "migrate", "--db", db); code != 0 {
			t.Fatalf("migrate: exit %d: %s", code, errOut)
		}
		fi, err := os.Stat(db + ".key")
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("key file: %v %v", fi, err)
		}
	})
	t.Run("user add reads the password from stdin", func(t *testing.T) {
		out, errOut, code := run(t, bin, "Str0ng-pass\n", "user", "add", "--db", db, "--username", "cw.haizhou", "--role", "caseworker", "--region", "210902", "--password-stdin")
		if code != 0 || !strings.Contains(out, "created user cw.haizhou") {
			t.Fatalf("user add: exit %d: %s %s", code, out, errOut)
		}
		_, errOut, code = run(t, bin, "weak\n", "user", "add", "--db", db, "--username", "cw2", "--role", "caseworker", "--region", "210902", "--password-stdin")
		if code != 1 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "密码") {
			t.Fatalf("weak password: exit %d, stderr %q", code, errOut)
		}
	})
	t.Run("--region takes the official six-digit code, and an unknown one is refused by name", func(t *testing.T) {
		out, errOut, code := run(t, bin, "Str0ng-pass\n", "user", "add", "--db", db, "--username", "cw.fuxin", "--role", "caseworker", "--region", "210900", "--password-stdin")
		if code != 0 || !strings.Contains(out, "created user cw.fuxin") {
			t.Fatalf("user add --region 210900: exit %d: %s %s", code, out, errOut)
		}
		_, errOut, code = run(t, bin, "Str0ng-pass\n", "user", "add", "--db", db, "--username", "cw.nowhere", "--role", "caseworker", "--region", "219900", "--password-stdin")
		if code != 1 || !strings.Contains(errOut, "没有代码为 219900 的行政区划") {
			t.Fatalf("user add --region 219900: exit %d, stderr %q", code, errOut)
		}
		file := filepath.Join(dir, "people.csv")
		if out, errOut, code := run(t, bin, "", "export", "people", "--db", db, "--region", "210000", file); code != 0 || !strings.Contains(out, "exported 0 people") {
			t.Fatalf("export --region 210000: exit %d: %s %s", code, out, errOut)
		}
		if _, errOut, code := run(t, bin, "", "export", "people", "--db", db, "--region", "21090", file); code != 1 || !strings.Contains(errOut, "不是区划代码") {
			t.Fatalf("export --region 21090: exit %d, stderr %q", code, errOut)
		}
	})
	t.Run("an administrator's lost authenticator is reset from the command line", func(t *testing.T) {
		out, errOut, code := run(t, bin, "Str0ng-pass!\n", "user", "add", "--db", db, "--username", "sys.admin", "--role", "sysadmin", "--region", "2109", "--password-stdin")
		if code != 0 || !strings.Contains(out, "created user sys.admin") {
			t.Fatalf("user add sysadmin: exit %d: %s %s", code, out, errOut)
		}
		out, errOut, code = run(t, bin, "", "user", "reset-otp", "--db", db, "--username", "sys.admin")
		if code != 0 || !strings.Contains(out, "reset the authenticator of sys.admin") {
			t.Fatalf("reset-otp: exit %d: %s %s", code, out, errOut)
		}
		if _, errOut, code := run(t, bin, "", "user", "reset-otp", "--db", db, "--username", "nobody"); code != 1 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Fatalf("reset-otp of an unknown user: exit %d, stderr %q", code, errOut)
		}
		for _, args := range [][]string{{"user", "reset-otp", "--db", db}, {"user", "frobnicate"}} {
			if _, _, code := run(t, bin, "", args...); code != 2 {
				t.Errorf("%v: exit %d, want 2", args, code)
			}
		}
	})
	t.Run("a bad roster fails with one line per bad row and writes nothing", func(t *testing.T) {
		csv := filepath.Join(dir, "bad.csv")
		os.WriteFile(csv, []byte("姓名,身份证号,手机号,单位,科室,职业类别,职称,是否一线\n张三,123,139,无此单位,,医生,,是\n"), 0o600)
		_, errOut, code := run(t, bin, "", "import", "people", "--db", db, csv)
		if code != 1 || !strings.Contains(errOut, "bad.csv:2:") {
			t.Fatalf("bad import: exit %d, stderr %q", code, errOut)
		}
	})
	t.Run("backup writes a checked copy", func(t *testing.T) {
		dest := filepath.Join(dir, "copy.db")
		out, errOut, code := run(t, bin, "", "backup", "--db", db, dest)
		if code != 0 || !strings.Contains(out, "integrity check ok") {
			t.Fatalf("backup: exit %d: %s %s", code, out, errOut)
		}
		if _, _, code := run(t, bin, "", "backup", "--db", db, dest); code != 1 {
			t.Fatalf("backup over an existing file: exit %d, want 1", code)
		}
	})
	t.Run("serve answers and stops cleanly on SIGTERM", func(t *testing.T) {
		cmd := exec.Command(bin, "serve", "--db", db, "--addr", "127.0.0.1:0")
		stdout, _ := cmd.StdoutPipe()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer cmd.Process.Kill()
		url := ""
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if _, u, ok := strings.Cut(sc.Text(), "listening on "); ok {
				url = u
				break
			}
		}
		go io.Copy(io.Discard, stdout)
		if url == "" {
			t.Fatalf("no URL printed; stderr: %s", stderr.String())
		}
		resp, err := http.Get(url + "healthz")
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]string
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != 200 || body["status"] != "ok" {
			t.Fatalf("healthz: %d %v", resp.StatusCode, body)
		}
		resp, err = http.Post(url+"api/v1/session", "application/json", strings.NewReader(`{"username":"cw.haizhou","password":"Str0ng-pass"}`))
		if err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("login: %v %v", resp, err)
		}
		resp.Body.Close()
		// An administrator made on the command line sets up an authenticator
		// on the web login page before the API lets them in.
		resp, err = http.Post(url+"api/v1/session", "application/json", strings.NewReader(`{"username":"sys.admin","password":"Str0ng-pass!"}`))
		if err != nil {
			t.Fatal(err)
		}
		var e struct{ Error struct{ Code string } }
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || e.Error.Code != "otp_enrolment_required" {
			t.Fatalf("administrator's login: %d %+v", resp.StatusCode, e)
		}
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("exit after SIGTERM: %v; stderr: %s", err, stderr.String())
			}
		case <-time.After(30 * time.Second):
			t.Fatal("server did not stop within 30 s of SIGTERM")
		}
	})
}

// TestDemo starts `houdun demo` on a small city: it prints the ledger's
// summary, the volunteer account finds its cases, and the server it leaves
// running reads the real clock again (a case recorded now is dated now).
func TestDemo(t *testing.T) {
	bin := buildBinary(t)
	db := filepath.Join(t.TempDir(), "demo.db")
	cmd := exec.Command(bin, "demo", "--db", db, "--addr", "127.0.0.1:0", "--people", "400")
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	url, ledger := "", ""
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "needs ledger") {
			ledger = sc.Text()
		}
		if _, u, ok := strings.Cut(sc.Text(), "listening on "); ok {
			url = u
			break
		}
	}
	go io.Copy(io.Discard, stdout)
	if url == "" || !strings.Contains(ledger, " cases, ") || strings.Contains(ledger, " 0 cases") {
		t.Fatalf("url %q, ledger line %q; stderr: %s", url, ledger, stderr.String())
	}
	call := func(token, method, path, body string, out any) int {
		t.Helper()
		req, _ := http.NewRequest(method, url+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		json.NewDecoder(resp.Body).Decode(out)
		return resp.StatusCode
	}
	login := func(user string) string {
		var s struct{ Token string }
		if code := call("", "POST", "api/v1/session", `{"username":"`+user+`","password":"Demo-2026-`+user+`"}`, &s); code != http.StatusCreated {
			t.Fatalf("login %s: %d", user, code)
		}
		return s.Token
	}
	var needs struct {
		Items []struct {
			ID       int64 `json:"id"`
			PersonID int64 `json:"person_id"`
			Assignee *struct {
				Kind string `json:"kind"`
			} `json:"assignee"`
		}
		Total int
	}
	if code := call(login("volunteer"), "GET", "api/v1/needs", "", &needs); code != 200 || needs.Total == 0 {
		t.Fatalf("the volunteer's cases: %d, %d", code, needs.Total)
	}
	for _, n := range needs.Items {
		if n.Assignee == nil || n.Assignee.Kind != "volunteer" {
			t.Errorf("the volunteer sees case %d assigned to %+v", n.ID, n.Assignee)
		}
	}
	// The cases overdue at the start are escalated by the live scheduler
	// within its first run; whatever their state, the district lists them.
	cw := login("caseworker")
	if code := call(cw, "GET", "api/v1/needs?status=open", "", &needs); code != 200 || needs.Total == 0 {
		t.Fatalf("海州区's open cases: %d, %d", code, needs.Total)
	}
	var created struct {
		CreatedAt time.Time `json:"created_at"`
	}
	body := `{"person_id":` + strconv.FormatInt(needs.Items[0].PersonID, 10) + `,"category":"living","kind":"meals","urgency":"normal","source":"hotline","description":"测试"}`
	if code := call(cw, "POST", "api/v1/needs", body, &created); code != http.StatusCreated || time.Since(created.CreatedAt).Abs() > time.Minute {
		t.Fatalf("a case recorded now: %d, dated %s", code, created.CreatedAt)
	}
}
