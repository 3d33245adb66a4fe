package httpx

import (
	"net/http/httptest"
	"testing"
)

func TestTheErrorPageLeadsBackToThisSiteOnly(t *testing.T) {
	for ref, want := range map[string]string{
		"http://houdun.example/needs?category=living": "/needs?category=living",
		"http://houdun.example/people":                "/people",
		"http://evil.example/phish":                   "/",
		"":                                            "/",
		"javascript:alert(1)":                         "/",
	} {
		r := httptest.NewRequest("GET", "http://houdun.example/api/v1/exports/needs.xlsx", nil)
		r.Header.Set("Referer", ref)
		if got := backTo(r); got != want {
			t.Errorf("Referer %q: back to %q, want %q", ref, got, want)
		}
	}
	for accept, want := range map[string]bool{
		"text/html,application/xhtml+xml,*/*;q=0.8": true,
		"application/json":                          false,
		"*/*":                                       false,
		"application/json, text/html":               false,
	} {
		r := httptest.NewRequest("GET", "/api/v1/exports/needs.xlsx", nil)
		r.Header.Set("Accept", accept)
		if got := wantsHTML(r); got != want {
			t.Errorf("Accept %q: wantsHTML %v", accept, got)
		}
	}
}
