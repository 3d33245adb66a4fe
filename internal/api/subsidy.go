package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/benefit"
	"houdun/internal/httpx"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/report"
	"houdun/internal/store"
)

// Subsidies and consolation money (其他保障): benefit rules as dated data,
// a month's entitlements computed from deployment days and explained, payment
// batches drafted by one finance officer and approved by another, the bank
// file of an approved batch, and receipts. The paying calls (approve,
// mark-paid) take an Idempotency-Key header: the first answer is stored and
// replayed for every repeat of the same key (Idempotency-Replayed: true).

func (h *handlers) subsidyRoutes() []route {
	read, pay := perms(auth.PermEntitlementRead), perms(auth.PermPaymentExport)
	return []route{
		{Method: "GET", Path: "/api/v1/benefit-rules", Handler: h.listBenefitRules, Perm: read},
		{Method: "POST", Path: "/api/v1/benefit-rules", Handler: h.createBenefitRule, Perm: perms(auth.PermBenefitRuleWrite)},
		{Method: "GET", Path: "/api/v1/benefit-rules/{id}", Handler: h.getBenefitRule, Perm: read},
		{Method: "POST", Path: "/api/v1/benefit-rules/{id}/end", Handler: h.endBenefitRule, Perm: perms(auth.PermBenefitRuleWrite)},

		{Method: "POST", Path: "/api/v1/entitlements/compute", Handler: h.computeEntitlements, Perm: perms(auth.PermEntitlementCompute)},
		{Method: "GET", Path: "/api/v1/entitlements", Handler: h.listEntitlements, Perm: read},
		{Method: "GET", Path: "/api/v1/entitlements/{id}", Handler: h.getEntitlement, Perm: read},
		{Method: "GET", Path: "/api/v1/exports/entitlements.xlsx", Handler: h.exportEntitlementsXLSX, Perm: read},

		{Method: "GET", Path: "/api/v1/payment-batches", Handler: h.listPaymentBatches, Perm: read},
		{Method: "POST", Path: "/api/v1/payment-batches", Handler: h.draftPaymentBatch, Perm: perms(auth.PermPaymentDraft)},
		{Method: "GET", Path: "/api/v1/payment-batches/{id}", Handler: h.getPaymentBatch, Perm: read},
		{Method: "DELETE", Path: "/api/v1/payment-batches/{id}", Handler: h.discardPaymentBatch, Perm: perms(auth.PermPaymentDraft)},
		{Method: "GET", Path: "/api/v1/payment-batches/{id}/items", Handler: h.listBatchItems, Perm: read},
		{Method: "POST", Path: "/api/v1/payment-batches/{id}/approve", Handler: h.approvePaymentBatch, Perm: perms(auth.PermPaymentApprove)},
		{Method: "GET", Path: "/api/v1/payment-batches/{id}/export.xlsx", Handler: h.exportBankFile("xlsx"), Perm: pay},
		{Method: "GET", Path: "/api/v1/payment-batches/{id}/export.csv", Handler: h.exportBankFile("csv"), Perm: pay},
		{Method: "POST", Path: "/api/v1/payment-batches/{id}/mark-paid", Handler: h.markPaymentBatchPaid, Perm: pay},

		{Method: "GET", Path: "/api/v1/people/{id}/bank-account", Handler: h.getBankAccount, Perm: read},
		{Method: "PUT", Path: "/api/v1/people/{id}/bank-account", Handler: h.setBankAccount, Perm: perms(auth.PermBankAccountWrite)},

		{Method: "GET", Path: "/api/v1/receipts", Handler: h.listReceipts, Perm: perms(auth.PermReceiptOwn, auth.PermEntitlementRead)},
		{Method: "POST", Path: "/api/v1/receipts/{id}/confirm", Handler: h.confirmReceipt, Perm: perms(auth.PermReceiptOwn)},
		{Method: "GET", Path: "/api/v1/exports/receipts.xlsx", Handler: h.exportReceiptsXLSX, Perm: read},

		{Method: "GET", Path: "/api/v1/subsidies/stats", Handler: h.subsidyStats, Perm: perms(auth.PermEntitlementRead, auth.PermAggregateRead)},
	}
}

// bodyRegion normalises a region code given in a body (padded or prefix);
// empty stays empty.
func bodyRegion(r *http.Request, st *store.Store, field, raw string) (string, error) {
	if strings.TrimSpace(raw) == "" {
		return "", nil
	}
	return st.EnteredRegion(r.Context(), field, raw)
}

func (h *handlers) listBenefitRules(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := model.BenefitRuleFilter{Kind: q.Get("kind"), On: q.Get("on")}
	if f.Kind != "" && !model.Contains(model.BenefitKinds, f.Kind) {
		return model.Errorf(model.EInvalid, "error.bad_query", "kind")
	}
	var err error
	if f.RegionCode, err = queryRegion(r, h.Store, "region"); err != nil {
		return err
	}
	if f.Page, err = httpx.Page(r); err != nil {
		return err
	}
	list, err := h.Store.ListBenefitRules(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) createBenefitRule(w http.ResponseWriter, r *http.Request) error {
	var in model.BenefitRuleInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	code, err := bodyRegion(r, h.Store, "region_code", in.RegionCode)
	if err != nil {
		return err
	}
	in.RegionCode = code
	rule, err := h.Store.CreateBenefitRule(r.Context(), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, rule)
	return nil
}

func (h *handlers) getBenefitRule(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	rule, err := h.Store.GetBenefitRule(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rule)
	return nil
}

func (h *handlers) endBenefitRule(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.BenefitRuleEnd
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	rule, err := h.Store.EndBenefitRule(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rule)
	return nil
}

func (h *handlers) computeEntitlements(w http.ResponseWriter, r *http.Request) error {
	var in model.EntitlementComputation
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	code, err := bodyRegion(r, h.Store, "region_code", in.RegionCode)
	if err != nil {
		return err
	}
	in.RegionCode = code
	res, err := h.Store.ComputeEntitlements(r.Context(), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, res)
	return nil
}

// entitlementFilterOf reads the entitlement list's query.
func entitlementFilterOf(r *http.Request, st *store.Store) (model.EntitlementFilter, error) {
	q := r.URL.Query()
	f := model.EntitlementFilter{Month: q.Get("month"), Kind: q.Get("kind"), Status: q.Get("status"), Q: q.Get("q")}
	if _, _, ok := benefit.Month(f.Month); f.Month != "" && !ok {
		return f, model.Errorf(model.EInvalid, "error.bad_query", "month")
	}
	if f.Kind != "" && !model.Contains(model.BenefitKinds, f.Kind) {
		return f, model.Errorf(model.EInvalid, "error.bad_query", "kind")
	}
	if f.Status != "" && !model.Contains(model.EntitlementStatuses, f.Status) {
		return f, model.Errorf(model.EInvalid, "error.bad_query", "status")
	}
	var err error
	if f.RegionCode, err = queryRegion(r, st, "region"); err != nil {
		return f, err
	}
	if f.InstitutionID, err = queryInt64(r, "institution_id"); err != nil {
		return f, err
	}
	if f.PersonID, err = queryInt64(r, "person_id"); err != nil {
		return f, err
	}
	f.Page, err = httpx.Page(r)
	return f, err
}

// explainAll fills each line's explanation in the caller's language.
func explainAll(lang i18n.Lang, items []model.Entitlement) {
	for i := range items {
		explain(lang, &items[i])
	}
}

func explain(lang i18n.Lang, e *model.Entitlement) {
	e.ExplanationText = []string{}
	for _, m := range benefit.Explain(e.Kind, e.Explanation) {
		e.ExplanationText = append(e.ExplanationText, lang.Msg(m))
	}
}

func (h *handlers) listEntitlements(w http.ResponseWriter, r *http.Request) error {
	f, err := entitlementFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	list, err := h.Store.ListEntitlements(r.Context(), f)
	if err != nil {
		return err
	}
	explainAll(i18n.FromRequest(r), list.Items)
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) getEntitlement(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	e, err := h.Store.GetEntitlement(r.Context(), id)
	if err != nil {
		return err
	}
	explain(i18n.FromRequest(r), &e)
	httpx.WriteJSON(w, http.StatusOK, e)
	return nil
}

func (h *handlers) exportEntitlementsXLSX(w http.ResponseWriter, r *http.Request) error {
	f, err := entitlementFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	return h.sendExport(w, r, "export.file.entitlements", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
		_, err := report.WriteEntitlements(ctx, h.Store, out, f, report.FilterText(r.URL.Query()), lang)
		return err
	})
}

func (h *handlers) listPaymentBatches(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := model.PaymentBatchFilter{Status: q.Get("status"), Q: q.Get("q")}
	if f.Status != "" && !model.Contains(model.PaymentStatuses, f.Status) {
		return model.Errorf(model.EInvalid, "error.bad_query", "status")
	}
	var err error
	if f.RegionCode, err = queryRegion(r, h.Store, "region"); err != nil {
		return err
	}
	if f.Page, err = httpx.Page(r); err != nil {
		return err
	}
	list, err := h.Store.ListPaymentBatches(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) draftPaymentBatch(w http.ResponseWriter, r *http.Request) error {
	var in model.PaymentDraft
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	code, err := bodyRegion(r, h.Store, "region_code", in.RegionCode)
	if err != nil {
		return err
	}
	in.RegionCode = code
	b, err := h.Store.DraftPaymentBatch(r.Context(), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, b)
	return nil
}

func (h *handlers) getPaymentBatch(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	b, err := h.Store.GetPaymentBatch(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, b)
	return nil
}

func (h *handlers) discardPaymentBatch(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.Store.DiscardPaymentBatch(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *handlers) listBatchItems(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	page, err := httpx.Page(r)
	if err != nil {
		return err
	}
	list, err := h.Store.ListBatchItems(r.Context(), id, page)
	if err != nil {
		return err
	}
	lang := i18n.FromRequest(r)
	for i := range list.Items {
		explainAll(lang, list.Items[i].Lines)
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

// paying reads the body of a paying call and its Idempotency-Key; the
// fingerprint binds the key to this method, path and body.
func (h *handlers) paying(w http.ResponseWriter, r *http.Request, dst any) (store.Idempotency, error) {
	r.Body = http.MaxBytesReader(w, r.Body, h.Config.MaxBodyBytes)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return store.Idempotency{}, model.Errorf(model.ETooLarge, "error.too_large", strconv.FormatInt(h.Config.MaxBodyBytes, 10)+" B")
	}
	if len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, dst); err != nil {
			return store.Idempotency{}, model.Errorf(model.EInvalid, "error.bad_json", err.Error())
		}
	}
	key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	return store.Idempotency{Key: key, Fingerprint: store.Fingerprint(r.Method, r.URL.Path, string(bytes.TrimSpace(body)))}, nil
}

func writeBatch(w http.ResponseWriter, b model.PaymentBatch, replayed bool) {
	if replayed {
		w.Header().Set("Idempotency-Replayed", "true")
	}
	httpx.WriteJSON(w, http.StatusOK, b)
}

func (h *handlers) approvePaymentBatch(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var act model.PaymentBatchAction
	idem, err := h.paying(w, r, &act)
	if err != nil {
		return err
	}
	b, replayed, err := h.Store.ApprovePaymentBatch(r.Context(), id, act, idem)
	if err != nil {
		return err
	}
	writeBatch(w, b, replayed)
	return nil
}

func (h *handlers) markPaymentBatchPaid(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var act model.PaymentBatchAction
	idem, err := h.paying(w, r, &act)
	if err != nil {
		return err
	}
	b, replayed, err := h.Store.MarkPaymentBatchPaid(r.Context(), id, act, idem)
	if err != nil {
		return err
	}
	writeBatch(w, b, replayed)
	return nil
}

// exportBankFile is the bank disbursement file of an approved batch: name,
// masked ID number, bank, account and amount per person, as .xlsx or .csv.
func (h *handlers) exportBankFile(format string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r, "id")
		if err != nil {
			return err
		}
		if format == "csv" {
			return h.sendFile(w, r, "export.file.bank", "csv", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
				return report.WriteBankFileCSV(ctx, h.Store, out, id, lang)
			})
		}
		return h.sendExport(w, r, "export.file.bank", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
			return report.WriteBankFileXLSX(ctx, h.Store, out, id, lang)
		})
	}
}

// sendFile is sendExport for a CSV file.
func (h *handlers) sendFile(w http.ResponseWriter, r *http.Request, fileKey, ext string, write func(context.Context, io.Writer, i18n.Lang) error) error {
	lang := i18n.FromRequest(r)
	var buf bytes.Buffer
	if err := write(r.Context(), &buf, lang); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", attachment(lang.T(fileKey)+"-"+h.Store.Now().In(chinaTime).Format("20060102")+"."+ext))
	_, err := w.Write(buf.Bytes())
	return err
}

func (h *handlers) getBankAccount(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	ba, err := h.Store.GetBankAccount(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, ba)
	return nil
}

func (h *handlers) setBankAccount(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.BankAccountInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	ba, err := h.Store.SetBankAccount(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, ba)
	return nil
}

// receiptFilterOf reads the receipt list's query.
func receiptFilterOf(r *http.Request, st *store.Store) (model.ReceiptFilter, error) {
	q := r.URL.Query()
	f := model.ReceiptFilter{Q: q.Get("q"), FollowUp: q.Get("follow_up") == "true" || q.Get("follow_up") == "1"}
	var err error
	if f.BatchID, err = queryInt64(r, "batch_id"); err != nil {
		return f, err
	}
	if v := q.Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 365 {
			return f, model.Errorf(model.EInvalid, "error.bad_query", "days")
		}
		f.Days = n
	}
	if v := q.Get("confirmed"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, model.Errorf(model.EInvalid, "error.bad_query", "confirmed")
		}
		f.Confirmed = &b
	}
	if f.RegionCode, err = queryRegion(r, st, "region"); err != nil {
		return f, err
	}
	f.Page, err = httpx.Page(r)
	return f, err
}

func (h *handlers) listReceipts(w http.ResponseWriter, r *http.Request) error {
	f, err := receiptFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	list, err := h.Store.ListReceipts(r.Context(), f)
	if err != nil {
		return err
	}
	lang := i18n.FromRequest(r)
	for i := range list.Items {
		explainAll(lang, list.Items[i].Lines)
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) confirmReceipt(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	it, err := h.Store.ConfirmReceipt(r.Context(), id)
	if err != nil {
		return err
	}
	explainAll(i18n.FromRequest(r), it.Lines)
	httpx.WriteJSON(w, http.StatusOK, it)
	return nil
}

func (h *handlers) exportReceiptsXLSX(w http.ResponseWriter, r *http.Request) error {
	f, err := receiptFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	return h.sendExport(w, r, "export.file.receipts", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
		_, err := report.WriteReceipts(ctx, h.Store, out, f, report.FilterText(r.URL.Query()), lang)
		return err
	})
}

func (h *handlers) subsidyStats(w http.ResponseWriter, r *http.Request) error {
	code, err := queryRegion(r, h.Store, "region")
	if err != nil {
		return err
	}
	st, err := h.Store.SubsidyStats(r.Context(), code)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, st)
	return nil
}
