package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/benefit"
	"houdun/internal/httpx"
	"houdun/internal/model"
	"houdun/internal/region"
	"houdun/internal/store"
)

// The pages of subsidies and consolation money (其他保障): the benefit rules
// with the form to enter one, a month's entitlements with the form that
// computes them and each line's explanation, payment batches (draft,
// approve by a second officer, the bank file, paid), the receipt follow-up
// list, a person's bank account, and the worker's own payments with the
// button that confirms receipt (a phone page). The store decides scope and
// the four-eyes rule; the pages offer what benefit.MayApprove grants.

func (h *handlers) subsidyRoutes() []route {
	read := auth.PermEntitlementRead
	return []route{
		{pattern: "GET /benefit-rules", fn: h.ruleList, perm: read},
		{pattern: "POST /benefit-rules", fn: h.ruleCreate, perm: auth.PermBenefitRuleWrite},
		{pattern: "POST /benefit-rules/{id}/end", fn: h.ruleEnd, perm: auth.PermBenefitRuleWrite},
		{pattern: "GET /entitlements", fn: h.entitlementList, perm: read},
		{pattern: "POST /entitlements/compute", fn: h.entitlementCompute, perm: auth.PermEntitlementCompute},
		{pattern: "GET /entitlements/{id}", fn: h.entitlementShow, perm: read},
		{pattern: "GET /payment-batches", fn: h.payBatchList, perm: read},
		{pattern: "POST /payment-batches", fn: h.payBatchDraft, perm: auth.PermPaymentDraft},
		{pattern: "GET /payment-batches/{id}", fn: h.payBatchShow, perm: read},
		{pattern: "POST /payment-batches/{id}/approve", fn: h.payBatchStep("approve"), perm: auth.PermPaymentApprove},
		{pattern: "POST /payment-batches/{id}/mark-paid", fn: h.payBatchStep("paid"), perm: auth.PermPaymentExport},
		{pattern: "POST /payment-batches/{id}/discard", fn: h.payBatchStep("discard"), perm: auth.PermPaymentDraft},
		{pattern: "GET /receipts", fn: h.receiptList, perm: read},
		{pattern: "GET /people/{id}/bank-account", fn: h.bankAccountForm, perm: auth.PermBankAccountWrite},
		{pattern: "POST /people/{id}/bank-account", fn: h.bankAccountSave, perm: auth.PermBankAccountWrite},
		{pattern: "GET /me/payments", fn: h.myPayments, perm: auth.PermReceiptOwn},
		{pattern: "POST /me/payments/{id}/confirm", fn: h.confirmPayment, perm: auth.PermReceiptOwn},
	}
}

func init() {
	for _, k := range []string{"rule_created", "rule_ended", "computed", "batch_drafted", "batch_approved", "batch_paid", "batch_discarded",
		"bank_account_saved", "receipt_confirmed"} {
		notices[k] = "web.notice." + k
	}
}

// Yuan formats fen for the pages ("3,600.00").
func (p Page) Yuan(f model.Fen) string { return f.String() }

// YuanPtr formats a figure the store may have hidden (nil: the hidden mark).
func (p Page) YuanPtr(f *model.Fen) string {
	if f == nil {
		return p.T("aggregate.hidden")
	}
	return f.String()
}

// Explain renders a line's explanation in the page's language.
func (p Page) Explain(e model.Entitlement) []string {
	var out []string
	for _, m := range benefit.Explain(e.Kind, e.Explanation) {
		out = append(out, p.Msg(m))
	}
	return out
}

// RegionName is a region's path name ("" is the whole country's rules).
func (p Page) RegionName(code string) string { return regionLabel(code) }

// When shows a time to the minute, China time.
func (p Page) When(t time.Time) string { return formatTime(t) }

// WhenPtr is When of an optional time.
func (p Page) WhenPtr(t *time.Time) string { return formatTimePtr(t) }

// CanSetBankAccount: the person page offers the bank account form (finance).
func (p Page) CanSetBankAccount() bool { return p.User.Can(auth.PermBankAccountWrite) }

// Figure shows a count the store may have hidden.
func (p Page) Figure(c model.Count) string {
	if c.IsSuppressed() {
		return p.T("aggregate.hidden")
	}
	return strconv.Itoa(int(c))
}

// DaysOf formats half-days as days.
func (p Page) DaysOf(halves int64) string { return benefit.Days(halves) }

func (h *handlers) kindOptions(v Page, selected string) []option {
	out := make([]option, 0, len(model.BenefitKinds))
	for _, k := range model.BenefitKinds {
		out = append(out, option{Value: k, Text: v.T("benefit.kind." + k), Selected: k == selected})
	}
	return out
}

// normRegion is the stored form of a region typed on a page; "" when empty or malformed.
func normRegion(s string) string {
	if code, ok := region.Normalize(strings.TrimSpace(s)); ok {
		return code
	}
	return ""
}

// --- Benefit rules.

type ruleForm struct {
	Region, Kind, Tier, Category, Campaign, Institution, Amount, Multiplier, StartsOn, EndsOn, Basis string
}

type ruleListView struct {
	Page
	Kind       string
	Kinds      []option
	Rules      []model.BenefitRule
	Form       ruleForm
	FormKinds  []option
	Categories []option
	CanWrite   bool
	Today      string
}

func (h *handlers) ruleList(w http.ResponseWriter, r *http.Request) error {
	return h.renderRules(w, r, http.StatusOK, ruleForm{Kind: model.BenefitWorkSubsidy, Tier: "1", Multiplier: "100"}, nil)
}

func (h *handlers) renderRules(w http.ResponseWriter, r *http.Request, status int, form ruleForm, e *model.Error) error {
	p := auth.FromContext(r.Context())
	kind := r.URL.Query().Get("kind")
	if !model.Contains(model.BenefitKinds, kind) {
		kind = ""
	}
	list, err := h.Store.ListBenefitRules(r.Context(), model.BenefitRuleFilter{Kind: kind, Page: model.Page{Limit: 500}})
	if err != nil {
		return err
	}
	v := &ruleListView{Page: h.page(r, "web.subsidy.rules.title"), Kind: kind, Rules: list.Items, Form: form, CanWrite: p.Can(auth.PermBenefitRuleWrite),
		Today: h.Store.Now().In(chinaTime).Format("2006-01-02")}
	v.Current, v.Notice = "subsidies", v.notice(r)
	v.Kinds, v.FormKinds = h.kindOptions(v.Page, kind), h.kindOptions(v.Page, form.Kind)
	for _, c := range model.ConsolationCategories {
		v.Categories = append(v.Categories, option{Value: c, Text: v.T("benefit.category." + c), Selected: c == form.Category})
	}
	v.setErrors(e)
	h.render(w, r, status, "subsidy_rules", v)
	return nil
}

func (h *handlers) ruleCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	pf := r.PostForm
	form := ruleForm{Region: strings.TrimSpace(pf.Get("region_code")), Kind: pf.Get("kind"), Tier: pf.Get("tier"), Category: pf.Get("category"),
		Campaign: pf.Get("campaign"), Institution: pf.Get("institution_id"), Amount: pf.Get("amount"), Multiplier: pf.Get("multiplier_pct"),
		StartsOn: pf.Get("starts_on"), EndsOn: pf.Get("ends_on"), Basis: pf.Get("basis")}
	in := model.BenefitRuleInput{Kind: form.Kind, Category: form.Category, Campaign: form.Campaign, StartsOn: form.StartsOn, EndsOn: form.EndsOn, Basis: form.Basis}
	fe := model.FieldErrors{}
	if form.Region != "" {
		if in.RegionCode = normRegion(form.Region); in.RegionCode == "" {
			fe.Add("region_code", "benefit.region_scope")
		}
	} else if p := auth.FromContext(r.Context()); p != nil {
		in.RegionCode = p.RegionCode
	}
	in.Tier, _ = strconv.Atoi(form.Tier)
	in.MultiplierPct, _ = strconv.Atoi(strings.TrimSpace(form.Multiplier))
	in.InstitutionID, _ = strconv.ParseInt(strings.TrimSpace(form.Institution), 10, 64)
	if amount, ok := model.ParseYuan(form.Amount); ok {
		in.AmountFen = &amount
	} else if strings.TrimSpace(form.Amount) != "" {
		fe.Add("amount_fen", "web.subsidy.amount_format")
	}
	var err error
	if err = fe.Err(); err == nil {
		_, err = h.Store.CreateBenefitRule(r.Context(), in)
	}
	if err != nil {
		e := model.AsError(err)
		if formStatus(e) == 0 {
			return err
		}
		return h.renderRules(w, r, formStatus(e), form, e)
	}
	return seeOther(w, r, "/benefit-rules?msg=rule_created")
}

func (h *handlers) ruleEnd(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	in := model.BenefitRuleEnd{EndsOn: r.PostForm.Get("ends_on")}
	if v, err := strconv.ParseInt(r.PostForm.Get("version"), 10, 64); err == nil {
		in.Version = &v
	}
	if _, err := h.Store.EndBenefitRule(r.Context(), id, in); err != nil {
		e := model.AsError(err)
		if formStatus(e) == 0 {
			return err
		}
		return h.renderRules(w, r, formStatus(e), ruleForm{Kind: model.BenefitWorkSubsidy, Tier: "1", Multiplier: "100"}, e)
	}
	return seeOther(w, r, "/benefit-rules?msg=rule_ended")
}

// --- Entitlements.

type entitlementFilterForm struct {
	Month, Kind, Status, Region, Q string
}

func newEntitlementFilterForm(r *http.Request, month string) entitlementFilterForm {
	q := r.URL.Query()
	f := entitlementFilterForm{Month: strings.TrimSpace(q.Get("month")), Kind: q.Get("kind"), Status: q.Get("status"),
		Region: normRegion(q.Get("region")), Q: strings.TrimSpace(q.Get("q"))}
	if _, _, ok := benefit.Month(f.Month); !ok {
		f.Month = month
	}
	if !model.Contains(model.BenefitKinds, f.Kind) {
		f.Kind = ""
	}
	if !model.Contains(model.EntitlementStatuses, f.Status) {
		f.Status = ""
	}
	return f
}

func (f entitlementFilterForm) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"month": f.Month, "kind": f.Kind, "status": f.Status, "region": f.Region, "q": f.Q} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

type entitlementListView struct {
	Page
	Filter     entitlementFilterForm
	Kinds      []option
	Statuses   []option
	Lines      []model.Entitlement
	Pager      pager
	Count      int
	Sum        model.Fen
	ExportXLSX string
	CanCompute bool
	CanDraft   bool
	Result     *model.ComputationResult
	Compute    struct{ Month, Region string }
}

// lastMonth is the month before the store's today, the one usually computed.
func (h *handlers) lastMonth() string {
	t := h.Store.Now().In(chinaTime)
	return t.AddDate(0, 0, -t.Day()).Format("2006-01")
}

func (h *handlers) entitlementList(w http.ResponseWriter, r *http.Request) error {
	return h.renderEntitlements(w, r, http.StatusOK, nil, nil)
}

func (h *handlers) renderEntitlements(w http.ResponseWriter, r *http.Request, status int, res *model.ComputationResult, e *model.Error) error {
	p := auth.FromContext(r.Context())
	f := newEntitlementFilterForm(r, h.lastMonth())
	filter := model.EntitlementFilter{Month: f.Month, Kind: f.Kind, Status: f.Status, RegionCode: f.Region, Q: f.Q, Page: pageOf(r)}
	list, err := h.Store.ListEntitlements(r.Context(), filter)
	if err != nil {
		return err
	}
	n, sum, err := h.Store.EntitlementTotal(r.Context(), filter)
	if err != nil {
		return err
	}
	v := &entitlementListView{Page: h.page(r, "web.subsidy.entitlements.title"), Filter: f, Lines: list.Items, Count: n, Sum: sum, Result: res,
		CanCompute: p.Can(auth.PermEntitlementCompute), CanDraft: p.Can(auth.PermPaymentDraft)}
	v.Current, v.Notice = "subsidies", v.notice(r)
	v.Kinds = h.kindOptions(v.Page, f.Kind)
	for _, s := range model.EntitlementStatuses {
		v.Statuses = append(v.Statuses, option{Value: s, Text: v.T("entitlement.status." + s), Selected: s == f.Status})
	}
	v.Pager = newPager("/entitlements", f.values(), list.Total, list.Offset, list.Limit)
	v.ExportXLSX = "/api/v1/exports/entitlements.xlsx?" + f.values().Encode()
	v.Compute.Month, v.Compute.Region = f.Month, f.Region
	if r.Method == http.MethodPost {
		v.Compute.Month, v.Compute.Region = r.PostForm.Get("month"), r.PostForm.Get("region_code")
	}
	v.setErrors(e)
	h.render(w, r, status, "subsidy_entitlements", v)
	return nil
}

func (h *handlers) entitlementCompute(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	in := model.EntitlementComputation{Month: strings.TrimSpace(r.PostForm.Get("month"))}
	raw := strings.TrimSpace(r.PostForm.Get("region_code"))
	var err error
	if raw != "" {
		if in.RegionCode = normRegion(raw); in.RegionCode == "" {
			err = model.FieldErrors{"region_code": model.M("benefit.region_scope")}.Err()
		}
	}
	var res model.ComputationResult
	if err == nil {
		res, err = h.Store.ComputeEntitlements(r.Context(), in)
	}
	if err != nil {
		e := model.AsError(err)
		if formStatus(e) == 0 {
			return err
		}
		return h.renderEntitlements(w, r, formStatus(e), nil, e)
	}
	q := url.Values{"month": {in.Month}}
	if in.RegionCode != "" {
		q.Set("region", in.RegionCode)
	}
	r.URL.RawQuery = q.Encode()
	return h.renderEntitlements(w, r, http.StatusOK, &res, nil)
}

type entitlementShowView struct {
	Page
	Line model.Entitlement
}

func (h *handlers) entitlementShow(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	e, err := h.Store.GetEntitlement(r.Context(), id)
	if err != nil {
		return err
	}
	v := &entitlementShowView{Page: h.page(r, ""), Line: e}
	v.Title, v.Current = v.T("web.subsidy.entitlement.title", e.ID), "subsidies"
	h.render(w, r, http.StatusOK, "subsidy_entitlement", v)
	return nil
}

// --- Payment batches.

type payBatchListView struct {
	Page
	Status   string
	Q        string
	Statuses []option
	Batches  []model.PaymentBatch
	Pager    pager
	CanDraft bool
	Draft    model.PaymentDraft
	Kinds    []option
	// Stats are the figures of the scope (the dashboard's, which finance has no page of).
	Stats *model.SubsidyStats
}

func (h *handlers) payBatchList(w http.ResponseWriter, r *http.Request) error {
	return h.renderPayBatches(w, r, http.StatusOK, model.PaymentDraft{Month: h.lastMonth()}, nil)
}

func (h *handlers) renderPayBatches(w http.ResponseWriter, r *http.Request, status int, draft model.PaymentDraft, e *model.Error) error {
	p := auth.FromContext(r.Context())
	q := r.URL.Query()
	st := q.Get("status")
	if !model.Contains(model.PaymentStatuses, st) {
		st = ""
	}
	list, err := h.Store.ListPaymentBatches(r.Context(), model.PaymentBatchFilter{Status: st, Q: strings.TrimSpace(q.Get("q")), Page: pageOf(r)})
	if err != nil {
		return err
	}
	v := &payBatchListView{Page: h.page(r, "web.subsidy.batches.title"), Status: st, Q: strings.TrimSpace(q.Get("q")), Batches: list.Items,
		CanDraft: p.Can(auth.PermPaymentDraft), Draft: draft}
	v.Current, v.Notice = "subsidies", v.notice(r)
	for _, s := range model.PaymentStatuses {
		v.Statuses = append(v.Statuses, option{Value: s, Text: v.T("payment_batch.status." + s), Selected: s == st})
	}
	v.Kinds = h.kindOptions(v.Page, draft.Kind)
	if st, err := h.Store.SubsidyStats(r.Context(), ""); err == nil {
		v.Stats = &st
	} else {
		return err
	}
	vals := url.Values{}
	if st != "" {
		vals.Set("status", st)
	}
	if v.Q != "" {
		vals.Set("q", v.Q)
	}
	v.Pager = newPager("/payment-batches", vals, list.Total, list.Offset, list.Limit)
	v.setErrors(e)
	h.render(w, r, status, "subsidy_batches", v)
	return nil
}

func (h *handlers) payBatchDraft(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	pf := r.PostForm
	in := model.PaymentDraft{Name: pf.Get("name"), Month: strings.TrimSpace(pf.Get("month")), Kind: pf.Get("kind")}
	raw := strings.TrimSpace(pf.Get("region_code"))
	var err error
	if raw != "" {
		if in.RegionCode = normRegion(raw); in.RegionCode == "" {
			err = model.FieldErrors{"region_code": model.M("benefit.region_scope")}.Err()
		}
	}
	var b model.PaymentBatch
	if err == nil {
		b, err = h.Store.DraftPaymentBatch(r.Context(), in)
	}
	if err != nil {
		e := model.AsError(err)
		if formStatus(e) == 0 {
			return err
		}
		in.RegionCode = raw
		return h.renderPayBatches(w, r, formStatus(e), in, e)
	}
	return seeOther(w, r, "/payment-batches/"+strconv.FormatInt(b.ID, 10)+"?msg=batch_drafted")
}

type payBatchShowView struct {
	Page
	Batch      model.PaymentBatch
	Items      []model.PaymentItem
	Pager      pager
	CanExport  bool
	CanDraft   bool
	Drafter    bool   // the caller drafted it: someone else approves
	IdemKey    string // the paying forms' Idempotency-Key: a double submit is answered once
	ExportXLSX string
	ExportCSV  string
}

func newIdemKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (h *handlers) payBatchShow(w http.ResponseWriter, r *http.Request) error {
	return h.renderPayBatch(w, r, http.StatusOK, nil)
}

func (h *handlers) renderPayBatch(w http.ResponseWriter, r *http.Request, status int, e *model.Error) error {
	p := auth.FromContext(r.Context())
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	b, err := h.Store.GetPaymentBatch(r.Context(), id)
	if err != nil {
		return err
	}
	items, err := h.Store.ListBatchItems(r.Context(), id, pageOf(r))
	if err != nil {
		return err
	}
	v := &payBatchShowView{Page: h.page(r, ""), Batch: b, Items: items.Items, CanExport: p.Can(auth.PermPaymentExport) && b.Status != model.PaymentStatusDraft,
		CanDraft: p.Can(auth.PermPaymentDraft) && b.Status == model.PaymentStatusDraft, IdemKey: newIdemKey(),
		Drafter: b.Status == model.PaymentStatusDraft && !b.CanApprove && b.DraftedByName == p.Username}
	v.Title, v.Current, v.Notice = v.T("web.subsidy.batch.title", b.Name), "subsidies", v.notice(r)
	base := "/api/v1/payment-batches/" + strconv.FormatInt(id, 10)
	v.ExportXLSX, v.ExportCSV = base+"/export.xlsx", base+"/export.csv"
	v.Pager = newPager("/payment-batches/"+strconv.FormatInt(id, 10), nil, items.Total, items.Offset, items.Limit)
	v.setErrors(e)
	h.render(w, r, status, "subsidy_batch", v)
	return nil
}

// batchStep approves, marks paid or discards a batch from its page.
func (h *handlers) payBatchStep(step string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r, "id")
		if err != nil {
			return err
		}
		if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
			return err
		}
		act := model.PaymentBatchAction{}
		// An approved batch is frozen: marking it paid needs no version, the
		// status guards it (and the form's key answers a double submit once).
		if v, err := strconv.ParseInt(r.PostForm.Get("version"), 10, 64); err == nil && step != "paid" {
			act.Version = &v
		}
		key := r.PostForm.Get("idempotency_key")
		if len(key) > store.MaxIdempotencyKey {
			key = ""
		}
		idem := store.Idempotency{Key: key, Fingerprint: store.Fingerprint("POST", r.URL.Path, step)}
		msg := ""
		switch step {
		case "approve":
			_, _, err = h.Store.ApprovePaymentBatch(r.Context(), id, act, idem)
			msg = "batch_approved"
		case "paid":
			_, _, err = h.Store.MarkPaymentBatchPaid(r.Context(), id, act, idem)
			msg = "batch_paid"
		case "discard":
			if err = h.Store.DiscardPaymentBatch(r.Context(), id); err == nil {
				return seeOther(w, r, "/payment-batches?msg=batch_discarded")
			}
		}
		if err != nil {
			e := model.AsError(err)
			if formStatus(e) == 0 {
				return err
			}
			return h.renderPayBatch(w, r, formStatus(e), e)
		}
		return seeOther(w, r, "/payment-batches/"+strconv.FormatInt(id, 10)+"?msg="+msg)
	}
}

// --- Receipts.

type receiptListView struct {
	Page
	FollowUp   bool
	Days       string
	Q          string
	Items      []model.PaymentItem
	Pager      pager
	ExportXLSX string
	DefaultDay int
}

func (h *handlers) receiptList(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	q := r.URL.Query()
	f := model.ReceiptFilter{FollowUp: q.Get("all") != "1", Q: strings.TrimSpace(q.Get("q")), Page: pageOf(r)}
	days := strings.TrimSpace(q.Get("days"))
	if n, err := strconv.Atoi(days); err == nil && n >= 1 && n <= 365 {
		f.Days = n
	} else {
		days = ""
	}
	list, err := h.Store.ListReceipts(r.Context(), f)
	if err != nil {
		return err
	}
	def, err := h.Store.FollowUpDays(r.Context(), p.RegionCode)
	if err != nil {
		return err
	}
	v := &receiptListView{Page: h.page(r, "web.subsidy.receipts.title"), FollowUp: f.FollowUp, Days: days, Q: f.Q, Items: list.Items, DefaultDay: def}
	v.Current = "subsidies"
	vals := url.Values{}
	if !f.FollowUp {
		vals.Set("all", "1")
	}
	if days != "" {
		vals.Set("days", days)
	}
	if f.Q != "" {
		vals.Set("q", f.Q)
	}
	v.Pager = newPager("/receipts", vals, list.Total, list.Offset, list.Limit)
	ev := url.Values{"follow_up": {strconv.FormatBool(f.FollowUp)}}
	if days != "" {
		ev.Set("days", days)
	}
	if f.Q != "" {
		ev.Set("q", f.Q)
	}
	v.ExportXLSX = "/api/v1/exports/receipts.xlsx?" + ev.Encode()
	h.render(w, r, http.StatusOK, "subsidy_receipts", v)
	return nil
}

// --- Bank accounts.

type bankAccountView struct {
	Page
	Person  model.Person
	Account *model.BankAccount
	Bank    string
}

func (h *handlers) bankAccountForm(w http.ResponseWriter, r *http.Request) error {
	return h.renderBankAccount(w, r, http.StatusOK, "", nil)
}

func (h *handlers) renderBankAccount(w http.ResponseWriter, r *http.Request, status int, bank string, e *model.Error) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	person, err := h.Store.GetPerson(r.Context(), id, false)
	if err != nil {
		return err
	}
	v := &bankAccountView{Page: h.page(r, ""), Person: person, Bank: bank}
	if ba, err := h.Store.GetBankAccount(r.Context(), id); err == nil {
		v.Account = &ba
		if bank == "" {
			v.Bank = ba.BankName
		}
	} else if model.ErrorCode(err) != model.ENotFound {
		return err
	}
	v.Title, v.Current, v.Notice = v.T("web.subsidy.bank.title", person.Name), "subsidies", v.notice(r)
	v.setErrors(e)
	h.render(w, r, status, "subsidy_bank_account", v)
	return nil
}

func (h *handlers) bankAccountSave(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	in := model.BankAccountInput{BankName: r.PostForm.Get("bank_name"), Account: r.PostForm.Get("account")}
	if _, err := h.Store.SetBankAccount(r.Context(), id, in); err != nil {
		e := model.AsError(err)
		if formStatus(e) == 0 {
			return err
		}
		return h.renderBankAccount(w, r, formStatus(e), in.BankName, e)
	}
	return seeOther(w, r, "/people/"+strconv.FormatInt(id, 10)+"/bank-account?msg=bank_account_saved")
}

// --- The worker's own payments (a phone page).

type myPaymentsView struct {
	Page
	Items []model.PaymentItem
}

func (h *handlers) myPayments(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Store.ListReceipts(r.Context(), model.ReceiptFilter{Page: model.Page{Limit: 100}})
	if err != nil {
		return err
	}
	v := &myPaymentsView{Page: h.page(r, "web.subsidy.mine.title"), Items: list.Items}
	v.Current, v.Notice = "my_payments", v.notice(r)
	h.render(w, r, http.StatusOK, "subsidy_mine", v)
	return nil
}

func (h *handlers) confirmPayment(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	if _, err := h.Store.ConfirmReceipt(r.Context(), id); err != nil {
		return err
	}
	return seeOther(w, r, "/me/payments?msg=receipt_confirmed")
}

// subsidyDashboard adds the money's figures to the dashboard for the roles
// that work it (exact) or read aggregates (small cells hidden by the store).
func (h *handlers) subsidyDashboard(r *http.Request, p *auth.Principal, v *dashboardView, code string) error {
	if !p.Can(auth.PermEntitlementRead) && !p.Can(auth.PermAggregateRead) {
		return nil
	}
	st, err := h.Store.SubsidyStats(r.Context(), code)
	if err != nil {
		return err
	}
	v.Subsidy, v.SubsidyLink = &st, p.Can(auth.PermEntitlementRead)
	return nil
}
