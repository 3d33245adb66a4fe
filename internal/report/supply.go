package report

import (
	"context"
	"io"
	"strconv"

	"houdun/internal/auth"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/store"
)

var movementColumns = []listColumn{
	{"supply_time", 17}, {"supply_kind", 10}, {"supply_store", 20}, {"supply_item", 16}, {"supply_batch", 12}, {"supply_expiry", 11},
	{"supply_quantity", 9}, {"supply_unit", 6}, {"supply_party", 22}, {"supply_recipient", 10}, {"supply_reason", 24}, {"supply_by", 12},
}

// WriteMovements writes the stock ledger rows matching f as an .xlsx
// workbook and audits the export (export.supply_movements) with one row.
// Returns EUnauthenticated, EForbidden without supply.read and person.export.
func WriteMovements(ctx context.Context, st *store.Store, w io.Writer, f model.MovementFilter, filter string, lang i18n.Lang) (n int, err error) {
	if _, err := mayExport(ctx, auth.PermSupplyRead); err != nil {
		return 0, err
	}
	defer func() { err = auditExport(ctx, st, store.ActMovementExport, filter, n, err) }()
	s, err := newListSheet(ctx, lang, "export.sheet.supply_movements", "export.col.", movementColumns, lang.T("export.title.supply_movements", dateTime(st.Now())))
	if err != nil {
		return 0, model.Internal(err)
	}
	ctx = store.Covered(ctx)
	cut := false
	for offset := 0; ; offset += listPage {
		f.Page = model.Page{Limit: listPage, Offset: offset}
		list, err := st.ListMovements(ctx, f)
		if err != nil {
			s.x.Close()
			return n, err
		}
		for _, m := range list.Items {
			if n == ListExportMax {
				cut = true
				break
			}
			party := m.Supplier
			if m.Source != "" {
				party = lang.T("supply.source."+m.Source) + " · " + m.Supplier
			}
			if m.OtherStoreName != "" {
				party = m.OtherStoreName
			}
			reason := m.Reason
			if m.ExpiredOverride != "" {
				reason += " " + m.ExpiredOverride
			}
			if err := s.add(dateTime(m.CreatedAt), lang.T("supply.kind."+m.Kind), m.StoreName, m.ItemName, m.Batch, m.ExpiryDate,
				strconv.FormatInt(m.Quantity, 10), m.Unit, party, m.PersonName, reason, m.CreatedByName); err != nil {
				s.x.Close()
				return n, model.Internal(err)
			}
			n++
		}
		if cut || len(list.Items) < listPage {
			break
		}
	}
	if err := s.finish(w, lang, cut); err != nil {
		return n, model.Internal(err)
	}
	return n, nil
}
