package report

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"

	"houdun/internal/auth"
	"houdun/internal/benefit"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/region"
	"houdun/internal/store"
)

// The subsidy area's files: the entitlement list and the receipt follow-up
// list as working lists (masked, audited with one row), and the bank
// disbursement file of an approved batch (.xlsx or .csv: name, masked ID
// number, bank, full account, amount), which the store audits and which is
// the only place a full account number leaves the database.

var entitlementColumns = []listColumn{{"person", 12}, {"id_number", 22}, {"institution", 24}, {"kind", 16}, {"period", 24},
	{"amount", 14}, {"status", 12}, {"explanation", 60}}

// WriteEntitlements writes the entitlement list as filtered.
func WriteEntitlements(ctx context.Context, st *store.Store, w io.Writer, f model.EntitlementFilter, filter string, lang i18n.Lang) (n int, err error) {
	if _, err := mayExport(ctx, auth.PermEntitlementRead); err != nil {
		return 0, err
	}
	defer func() { err = auditExport(ctx, st, store.ActEntitlementExport, filter, n, err) }()
	s, err := newListSheet(ctx, lang, "export.sheet.entitlements", "export.col.subsidy.", entitlementColumns, lang.T("export.title.entitlements", dateTime(st.Now())))
	if err != nil {
		return 0, model.Internal(err)
	}
	ctx = store.Covered(ctx)
	cut := false
	for offset := 0; ; offset += listPage {
		f.Page = model.Page{Limit: listPage, Offset: offset}
		list, err := st.ListEntitlements(ctx, f)
		if err != nil {
			s.x.Close()
			return n, err
		}
		for _, e := range list.Items {
			if n == ListExportMax {
				cut = true
				break
			}
			var text string
			for i, m := range benefit.Explain(e.Kind, e.Explanation) {
				if i > 0 {
					text += "；"
				}
				text += lang.Msg(m)
			}
			if err := s.add(e.PersonName, e.IDNumberMasked, e.Institution, lang.T("benefit.kind."+e.Kind), e.PeriodFrom+"–"+e.PeriodTo,
				e.AmountFen.Plain(), lang.T("entitlement.status."+e.Status), text); err != nil {
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

var receiptColumns = []listColumn{{"person", 12}, {"id_number", 22}, {"institution", 24}, {"region", 20}, {"batch", 24},
	{"amount", 14}, {"paid_at", 18}, {"confirmed_at", 18}, {"days", 10}}

// WriteReceipts writes the receipt list (the follow-up list when f.FollowUp).
func WriteReceipts(ctx context.Context, st *store.Store, w io.Writer, f model.ReceiptFilter, filter string, lang i18n.Lang) (n int, err error) {
	if _, err := mayExport(ctx, auth.PermEntitlementRead); err != nil {
		return 0, err
	}
	defer func() { err = auditExport(ctx, st, store.ActReceiptExport, filter, n, err) }()
	s, err := newListSheet(ctx, lang, "export.sheet.receipts", "export.col.subsidy.", receiptColumns, lang.T("export.title.receipts", dateTime(st.Now())))
	if err != nil {
		return 0, model.Internal(err)
	}
	ctx = store.Covered(ctx)
	cut := false
	for offset := 0; ; offset += listPage {
		f.Page = model.Page{Limit: listPage, Offset: offset}
		list, err := st.ListReceipts(ctx, f)
		if err != nil {
			s.x.Close()
			return n, err
		}
		for _, it := range list.Items {
			if n == ListExportMax {
				cut = true
				break
			}
			var paid, confirmed string
			if it.PaidAt != nil {
				paid = dateTime(*it.PaidAt)
			}
			if it.ConfirmedAt != nil {
				confirmed = dateTime(*it.ConfirmedAt)
			}
			if err := s.add(it.PersonName, it.IDNumberMasked, it.Institution, region.Label(it.RegionCode), it.BatchName, it.AmountFen.Plain(),
				paid, confirmed, it.DaysUnconfirmed); err != nil {
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

var bankColumns = []listColumn{{"seq", 8}, {"person", 14}, {"id_number", 22}, {"bank", 26}, {"account", 26}, {"amount", 14}}

// WriteBankFileXLSX writes the bank disbursement file of an approved batch.
func WriteBankFileXLSX(ctx context.Context, st *store.Store, w io.Writer, batchID int64, lang i18n.Lang) error {
	var s *listSheet
	var total model.Fen
	n := 0
	b, err := st.ExportPaymentBatch(ctx, batchID, "xlsx", func(b model.PaymentBatch, it model.PaymentItem) error {
		if s == nil {
			var err error
			if s, err = newListSheet(ctx, lang, "export.sheet.bank", "export.col.subsidy.", bankColumns, lang.T("export.title.bank", b.Name, b.ID, dateTime(st.Now()))); err != nil {
				return model.Internal(err)
			}
		}
		n++
		total += it.AmountFen
		return s.add(n, it.PersonName, it.IDNumberMasked, it.BankName, it.BankAccount, it.AmountFen.Plain())
	})
	if err != nil {
		if s != nil {
			s.x.Close()
		}
		return err
	}
	if s == nil {
		if s, err = newListSheet(ctx, lang, "export.sheet.bank", "export.col.subsidy.", bankColumns, lang.T("export.title.bank", b.Name, b.ID, dateTime(st.Now()))); err != nil {
			return model.Internal(err)
		}
	}
	if err := s.add("", lang.T("export.bank.total", n), "", "", "", total.Plain()); err != nil {
		s.x.Close()
		return model.Internal(err)
	}
	if err := s.finish(w, lang, false); err != nil {
		return model.Internal(err)
	}
	return nil
}

// WriteBankFileCSV writes the same file as CSV (UTF-8 with a byte-order
// mark, which spreadsheet programs need to read Chinese), every cell
// neutralised.
func WriteBankFileCSV(ctx context.Context, st *store.Store, w io.Writer, batchID int64, lang i18n.Lang) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return model.Internal(err)
	}
	cw := csv.NewWriter(w)
	header := make([]string, len(bankColumns))
	for i, c := range bankColumns {
		header[i] = lang.T("export.col.subsidy." + c.key)
	}
	if err := cw.Write(header); err != nil {
		return model.Internal(err)
	}
	var total model.Fen
	n := 0
	_, err := st.ExportPaymentBatch(ctx, batchID, "csv", func(b model.PaymentBatch, it model.PaymentItem) error {
		n++
		total += it.AmountFen
		return cw.Write([]string{strconv.Itoa(n), Neutralise(it.PersonName), it.IDNumberMasked, Neutralise(it.BankName), it.BankAccount, it.AmountFen.Plain()})
	})
	if err != nil {
		return err
	}
	if err := cw.Write([]string{"", lang.T("export.bank.total", n), "", "", "", total.Plain()}); err != nil {
		return model.Internal(err)
	}
	cw.Flush()
	return cw.Error()
}
