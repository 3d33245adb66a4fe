// Package seal encrypts sensitive fields (ID numbers, phones) for storage and
// makes keyed hashes of them so that uniqueness and exact search work without
// decrypting. The key lives outside the database; a copy of the database alone
// reveals nothing. It must not log or return plaintext anywhere but Open.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"os"
	"strings"
	"sync"
)

// KeySize is the size of the master key in bytes.
const KeySize = 32

// version prefixes every ciphertext so the scheme can change later.
const version byte = 1

// Sealer encrypts with AES-256-GCM and hashes with HMAC-SHA-256, each under
// its own key derived from the master key.
type Sealer struct {
	aead     cipher.AEAD
	hashKey  []byte
	auditKey []byte    // keys the audit chain: a subkey of its own, so a field hash never doubles as a chain link
	hmacs    sync.Pool // keyed HMAC states, reused: setting one up costs more than hashing an ID
}

// New derives the encryption and hashing keys from a 32-byte master key.
func New(master []byte) (*Sealer, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("seal: key must be %d bytes, got %d", KeySize, len(master))
	}
	encKey, err := hkdf.Key(sha256.New, master, nil, "houdun field encryption v1", 32)
	if err != nil {
		return nil, err
	}
	hashKey, err := hkdf.Key(sha256.New, master, nil, "houdun field hash v1", 32)
	if err != nil {
		return nil, err
	}
	auditKey, err := hkdf.Key(sha256.New, master, nil, "houdun audit chain v1", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	sl := &Sealer{aead: aead, hashKey: hashKey, auditKey: auditKey}
	sl.hmacs.New = func() any { return hmac.New(sha256.New, sl.hashKey) }
	return sl, nil
}

// Seal encrypts plaintext; the empty string seals to nil so optional fields stay NULL.
func (s *Sealer) Seal(plaintext string) []byte {
	if plaintext == "" {
		return nil
	}
	out := make([]byte, 1+s.aead.NonceSize(), 1+s.aead.NonceSize()+len(plaintext)+s.aead.Overhead())
	out[0] = version
	if _, err := rand.Read(out[1:]); err != nil {
		panic(err) // the system's random source failing is not recoverable
	}
	return s.aead.Seal(out, out[1:1+s.aead.NonceSize()], []byte(plaintext), nil)
}

// ErrCorrupt means a ciphertext was altered or sealed under another key.
var ErrCorrupt = errors.New("seal: ciphertext corrupt or key wrong")

// Open decrypts what Seal produced; nil opens to "".
func (s *Sealer) Open(ciphertext []byte) (string, error) {
	if len(ciphertext) == 0 {
		return "", nil
	}
	n := s.aead.NonceSize()
	if len(ciphertext) < 1+n+s.aead.Overhead() || ciphertext[0] != version {
		return "", ErrCorrupt
	}
	plain, err := s.aead.Open(nil, ciphertext[1:1+n], ciphertext[1+n:], nil)
	if err != nil {
		return "", ErrCorrupt
	}
	return string(plain), nil
}

// Hash returns a keyed hash of a normalised value, for unique indexes and
// exact search. The kind separates domains so an ID number and a phone with
// the same digits never collide. The empty value hashes to nil.
func (s *Sealer) Hash(kind, normalised string) []byte {
	if normalised == "" {
		return nil
	}
	m := s.hmacs.Get().(hash.Hash)
	m.Reset()
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(normalised))
	sum := m.Sum(nil)
	s.hmacs.Put(m)
	return sum
}

// AuditMAC returns a fresh HMAC-SHA-256 under the audit chain's subkey
// (HKDF of the master key, info "houdun audit chain v1"): whoever can write
// the database but does not hold the key cannot recompute a chain link.
func (s *Sealer) AuditMAC() hash.Hash {
	return hmac.New(sha256.New, s.auditKey)
}

// NewKey returns a fresh random master key.
func NewKey() []byte {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		panic(err)
	}
	return k
}

// EncodeKey and DecodeKey use standard base64, the form of HOUDUN_KEY and key files.
func EncodeKey(k []byte) string { return base64.StdEncoding.EncodeToString(k) }

// DecodeKey parses a base64 master key.
func DecodeKey(s string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("seal: key is not base64: %w", err)
	}
	if len(k) != KeySize {
		return nil, fmt.Errorf("seal: key must be %d bytes, got %d", KeySize, len(k))
	}
	return k, nil
}

// LoadOrCreateKeyFile reads the master key from path, creating the file with a
// new key (mode 0600) when it does not exist yet. created reports the latter.
func LoadOrCreateKeyFile(path string) (key []byte, created bool, err error) {
	b, err := os.ReadFile(path)
	if err == nil {
		k, err := DecodeKey(string(b))
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", path, err)
		}
		return k, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, false, err
	}
	k := NewKey()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, false, err
	}
	if _, err := f.WriteString(EncodeKey(k) + "\n"); err != nil {
		f.Close()
		return nil, false, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, false, err
	}
	return k, true, f.Close()
}
