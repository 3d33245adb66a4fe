package report

import (
	"context"
	"io"
	"time"

	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/store"
)

// auditColumns are the audit export's columns (catalogue keys audit_export.<key>).
var auditColumns = []listColumn{
	{"id", 9}, {"at", 20}, {"user", 16}, {"role", 12}, {"ip", 16}, {"action", 20},
	{"object_type", 14}, {"object_id", 12}, {"outcome", 8}, {"detail", 48}, {"hash", 20},
}

// WriteAuditLog writes the audit entries matching f (every one, newest
// first) to w as an .xlsx workbook, streamed through the list exports'
// sheet (lists.go: the server's private folder for what spills to disk, a
// title, a frozen header, every text neutralised): one row per entry,
// actions, roles, object types and outcomes in the reader's language, times
// in China time. The store allows it to the auditor only and audits the
// export itself (export.audit). It returns the number of entries written.
//
// Returns EUnauthenticated, EForbidden, EInternal.
func WriteAuditLog(ctx context.Context, st *store.Store, w io.Writer, f model.AuditFilter, lang i18n.Lang) (int, error) {
	s, err := newListSheet(ctx, lang, "audit_export.sheet", "audit_export.", auditColumns,
		lang.T("audit_export.sheet")+" "+dateTime(st.Now()))
	if err != nil {
		return 0, model.Internal(err)
	}
	n, err := st.ExportAudit(ctx, f, func(e *model.AuditEntry) error {
		return s.add(e.ID, e.At.In(chinaTime).Format(time.DateTime), e.Username, label(lang, "role", e.Role), e.IP,
			label(lang, "audit_action", e.Action), label(lang, "audit_object", e.ObjectType), e.ObjectID,
			label(lang, "outcome", e.Outcome), e.Detail, e.Hash)
	})
	if err != nil {
		s.x.Close()
		return n, keepModelError(err)
	}
	if err := s.finish(w, lang, false); err != nil {
		return n, model.Internal(err)
	}
	return n, nil
}

// label is the catalogue's name of a coded value, or the code itself when
// the catalogue has none (a new area's action stays readable).
func label(lang i18n.Lang, group, code string) string {
	if code == "" || !i18n.Has(group+"."+code) {
		return code
	}
	return lang.T(group + "." + code)
}
