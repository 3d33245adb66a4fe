package api_test

import (
	"net/http"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestWebhookToAnInternalAddressIsRefused: a webhook URL to loopback, a
// private network or a cloud metadata service is refused when it is saved,
// on create and on update, with the url field named.
func TestWebhookToAnInternalAddressIsRefused(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		const admin = auth.RoleSysadmin
		f := newFixture(t, st, clock, admin)
		for _, u := range []string{"http://127.0.0.1:8080/hook", "http://169.254.169.254/latest/meta-data/", "http://100.100.100.200/",
			"http://10.1.2.3/hook", "http://localhost/hook"} {
			r := f.send(t, admin, "POST", "/api/v1/webhooks", map[string]any{"url": u, "events": []string{"need.created"}}).want(t, http.StatusBadRequest)
			if e := r.apiError(t); e.Fields["url"] == "" {
				t.Errorf("POST %s: %s; want the url field named", u, r.Body)
			}
		}
		var hook struct{ ID, Version int64 }
		f.send(t, admin, "POST", "/api/v1/webhooks", map[string]any{"url": "https://hooks.example.org/houdun", "events": []string{"need.created"}}).
			want(t, http.StatusCreated).decode(t, &hook)
		f.send(t, admin, "PATCH", "/api/v1/webhooks/"+id(hook.ID), map[string]any{"url": "http://[::1]/hook", "version": hook.Version}).
			want(t, http.StatusBadRequest)
	})
}
