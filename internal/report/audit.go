package report

import (
	"context"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/store"
)

// auditColumns are the audit export's columns: catalogue key and width.
var auditColumns = []struct {
	key   string
	width float64
}{
	{"audit_export.id", 9}, {"audit_export.at", 20}, {"audit_export.user", 16}, {"audit_export.role", 12},
	{"audit_export.ip", 16}, {"audit_export.action", 20}, {"audit_export.object_type", 14}, {"audit_export.object_id", 12},
	{"audit_export.outcome", 8}, {"audit_export.detail", 48}, {"audit_export.hash", 20},
}

// WriteAuditLog writes the audit entries matching f (every one, newest
// first) to w as an .xlsx workbook, streamed: one row per entry under a
// frozen header, actions, roles, object types and outcomes in the reader's
// language, times in China time, every text neutralised. The store allows
// it to the auditor only and audits the export itself (export.audit). It
// returns the number of entries written.
//
// Returns EUnauthenticated, EForbidden, EInternal.
func WriteAuditLog(ctx context.Context, st *store.Store, w io.Writer, f model.AuditFilter, lang i18n.Lang) (int, error) {
	x := excelize.NewFile()
	defer x.Close()
	sheet := lang.T("audit_export.sheet")
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return 0, model.Internal(err)
	}
	s, err := newStyles(x)
	if err != nil {
		return 0, model.Internal(err)
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return 0, model.Internal(err)
	}
	row := make([]any, len(auditColumns))
	for i, c := range auditColumns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return 0, model.Internal(err)
		}
		row[i] = excelize.Cell{StyleID: s.header, Value: lang.T(c.key)}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return 0, model.Internal(err)
	}
	if err := sw.SetRow("A1", row); err != nil {
		return 0, model.Internal(err)
	}
	text := func(v string) excelize.Cell { return excelize.Cell{StyleID: s.text, Value: Neutralise(v)} }
	sheetRow := 2
	n, err := st.ExportAudit(ctx, f, func(e *model.AuditEntry) error {
		row[0] = excelize.Cell{StyleID: s.center, Value: e.ID}
		row[1] = text(e.At.In(chinaTime).Format(time.DateTime))
		row[2] = text(e.Username)
		row[3] = text(label(lang, "role", e.Role))
		row[4] = text(e.IP)
		row[5] = text(label(lang, "audit_action", e.Action))
		row[6] = text(label(lang, "audit_object", e.ObjectType))
		row[7] = text(e.ObjectID)
		row[8] = text(label(lang, "outcome", e.Outcome))
		row[9] = text(e.Detail)
		row[10] = text(e.Hash)
		cell, err := excelize.CoordinatesToCellName(1, sheetRow)
		if err != nil {
			return err
		}
		sheetRow++
		return sw.SetRow(cell, row)
	})
	if err != nil {
		return n, keepModelError(err)
	}
	if err := sw.Flush(); err != nil {
		return n, model.Internal(err)
	}
	if err := x.Write(w); err != nil {
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
