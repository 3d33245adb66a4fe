package notify

import (
	"errors"
	"testing"
)

// TestCheckURL: the worker posts to absolute http and https URLs without
// credentials only, and gives up at once on any other.
func TestCheckURL(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://hooks.example.cn/houdun?team=2109": true,
		"http://127.0.0.1:8080/hook":                true,
		"https://user:pass@hooks.example.cn/":       false,
		"https://token@hooks.example.cn/":           false,
		"ftp://hooks.example.cn/":                   false,
		"file:///etc/passwd":                        false,
		"/relative":                                 false,
		"mailto:team@example.cn":                    false,
		"https://":                                  false,
	} {
		_, err := checkURL(raw)
		if (err == nil) != ok {
			t.Errorf("%s: %v", raw, err)
		}
		var perm permanent
		if err != nil && !errors.As(err, &perm) {
			t.Errorf("%s: refusal is retried: %v", raw, err)
		}
	}
}
