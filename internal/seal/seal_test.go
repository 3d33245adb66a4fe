package seal

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSealOpenRoundTrip(t *testing.T) {
	s, err := New(NewKey())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"11010519491231002X", "13912345678", "中文"} {
		c := s.Seal(v)
		if bytes.Contains(c, []byte(v)) {
			t.Fatalf("ciphertext of %q contains the plaintext", v)
		}
		got, err := s.Open(c)
		if err != nil || got != v {
			t.Fatalf("Open(Seal(%q)) = %q, %v", v, got, err)
		}
	}
	if c := s.Seal(""); c != nil {
		t.Fatalf("empty value sealed to %x, want nil", c)
	}
}

func TestSealIsRandomised(t *testing.T) {
	s, _ := New(NewKey())
	if bytes.Equal(s.Seal("x"), s.Seal("x")) {
		t.Fatal("two seals of one value are equal: nonce reused")
	}
}

func TestOpenRejectsTamperingAndOtherKeys(t *testing.T) {
	s1, _ := New(NewKey())
	s2, _ := New(NewKey())
	c := s1.Seal("13912345678")
	if _, err := s2.Open(c); err != ErrCorrupt {
		t.Fatalf("other key: err = %v, want ErrCorrupt", err)
	}
	c[len(c)-1] ^= 1
	if _, err := s1.Open(c); err != ErrCorrupt {
		t.Fatalf("tampered: err = %v, want ErrCorrupt", err)
	}
	if _, err := s1.Open([]byte{1, 2, 3}); err != ErrCorrupt {
		t.Fatalf("short: err = %v, want ErrCorrupt", err)
	}
}

func TestHashIsKeyedAndSeparatesKinds(t *testing.T) {
	k := NewKey()
	s1, _ := New(k)
	s1b, _ := New(k)
	s2, _ := New(NewKey())
	if !bytes.Equal(s1.Hash("id", "1"), s1b.Hash("id", "1")) {
		t.Fatal("same key, same value: hashes differ")
	}
	if bytes.Equal(s1.Hash("id", "1"), s2.Hash("id", "1")) {
		t.Fatal("different keys give the same hash")
	}
	if bytes.Equal(s1.Hash("id", "1"), s1.Hash("phone", "1")) {
		t.Fatal("kinds do not separate")
	}
}

func TestKeyFileCreatedOnceThenReused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "houdun.db.key")
	k1, created, err := LoadOrCreateKeyFile(path)
	if err != nil || !created {
		t.Fatalf("first load: created=%v err=%v", created, err)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	k2, created, err := LoadOrCreateKeyFile(path)
	if err != nil || created || !bytes.Equal(k1, k2) {
		t.Fatalf("second load: created=%v err=%v same=%v", created, err, bytes.Equal(k1, k2))
	}
	os.WriteFile(path, []byte("not a key"), 0o600)
	if _, _, err := LoadOrCreateKeyFile(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("bad key file: err = %v", err)
	}
}
