package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/letterpdf"
	"houdun/internal/letters"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// A case worker writes a template, generates an institution's letters and
// downloads one PDF and the merged one; a bad placeholder is refused with a
// message naming it, in the caller's language, and nothing is saved.
func TestLettersThroughTheAPI(t *testing.T) {
	t.Parallel()
	if _, err := letterpdf.LoadFont(letterpdf.DefaultFontPath); err != nil {
		t.Skipf("no letter font: %v", err)
	}
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleCaseworker, auth.RoleWorker)
		tf := letters.FuxinTemplate
		bad := f.send(t, auth.RoleCaseworker, "POST", "/api/v1/letter-templates", map[string]string{"name": tf.Name, "title": tf.Title, "body": "尊敬的{{名字}}同志：", "sender": tf.Sender})
		bad.want(t, http.StatusBadRequest)
		if e := bad.apiError(t); e.Code != "invalid" || !strings.Contains(e.Fields["body"], "{{名字}}") {
			t.Errorf("bad placeholder: %+v", e)
		}
		var tpl struct{ ID int64 }
		f.send(t, auth.RoleCaseworker, "POST", "/api/v1/letter-templates", map[string]string{"name": tf.Name, "title": tf.Title, "body": tf.Body, "sender": tf.Sender}).
			want(t, http.StatusCreated).decode(t, &tpl)
		var res struct {
			Created   int
			LetterIDs []int64 `json:"letter_ids"`
		}
		f.send(t, auth.RoleCaseworker, "POST", "/api/v1/letters/generate", map[string]any{"template_id": tpl.ID, "institution_id": f.instA.ID}).
			want(t, http.StatusCreated).decode(t, &res)
		if res.Created < 2 {
			t.Fatalf("generated %+v", res)
		}
		pdf := f.get(t, auth.RoleCaseworker, fmt.Sprintf("/api/v1/letters/%d/pdf", res.LetterIDs[0])).want(t, http.StatusOK)
		if ct := pdf.Header.Get("Content-Type"); ct != "application/pdf" || !bytes.HasPrefix(pdf.Body, []byte("%PDF-")) {
			t.Errorf("pdf: %s %.10q", ct, pdf.Body)
		}
		merged := f.get(t, auth.RoleCaseworker, fmt.Sprintf("/api/v1/letters/merged.pdf?institution_id=%d", f.instA.ID)).want(t, http.StatusOK)
		if n := bytes.Count(merged.Body, []byte("/Type /Page\n")); n < res.Created {
			t.Errorf("merged PDF has %d pages for %d letters", n, res.Created)
		}
		// The worker reads their own letter and confirms it.
		var mine struct{ Items []struct{ ID int64 } }
		f.get(t, auth.RoleWorker, "/api/v1/letters").want(t, http.StatusOK).decode(t, &mine)
		if len(mine.Items) != 1 {
			t.Fatalf("worker's letters: %+v", mine)
		}
		f.get(t, auth.RoleWorker, fmt.Sprintf("/api/v1/letters/%d/pdf", mine.Items[0].ID)).want(t, http.StatusOK)
		f.send(t, auth.RoleWorker, "POST", fmt.Sprintf("/api/v1/letters/%d/delivery", mine.Items[0].ID), map[string]string{"status": "received"}).want(t, http.StatusOK)
	})
}
