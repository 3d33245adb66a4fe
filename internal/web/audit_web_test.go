package web_test

import (
	"testing"

	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestAuditPageShowsTheChainCheck: the auditor's /audit page says whether
// and when the audit chain was last verified.
func TestAuditPageShowsTheChainCheck(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		auditor := s.as("auditor_fx")
		contains(t, auditor.get("/audit"), "审计链尚未校验过")
		if _, err := st.CheckAuditChain(testutil.System(), "start"); err != nil {
			t.Fatal(err)
		}
		r := auditor.get("/audit")
		contains(t, r, "服务启动时", "条记录完整，未发现篡改")
		lacks(t, r, `role="alert"`)
		auditor.header.Set("Accept-Language", "en")
		contains(t, auditor.get("/audit?lang=en"), "at server start")
	})
}
