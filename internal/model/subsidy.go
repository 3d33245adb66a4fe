package model

import (
	"strconv"
	"strings"
	"time"
)

// Fen is an amount of money in fen (分, 1/100 yuan). Every amount of the
// subsidy area is a Fen: no floating point touches money. Yuan appear only
// in String and ParseYuan, the one place that formats and reads them.
type Fen int64

// String formats the amount in yuan with thousands separators and two
// decimals: 360000 → "3,600.00", -5 → "-0.05".
func (f Fen) String() string {
	neg := f < 0
	v := uint64(f)
	if neg {
		v = uint64(-f)
	}
	yuan, fen := v/100, v%100
	digits := strconv.FormatUint(yuan, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	b.WriteByte('.')
	b.WriteByte(byte('0' + fen/10))
	b.WriteByte(byte('0' + fen%10))
	return b.String()
}

// Plain formats the amount in yuan without separators ("3600.00"), as bank
// files want it.
func (f Fen) Plain() string { return strings.ReplaceAll(f.String(), ",", "") }

// maxYuan bounds ParseYuan: a trillion yuan is beyond any subsidy and far
// inside int64 fen.
const maxYuan = 1_000_000_000_000

// ParseYuan reads an amount typed in yuan ("300", "300.5", "1,234.56",
// "¥200") into fen, exactly, by its digits. More than two decimals, a sign
// or anything else is refused (ok false).
func ParseYuan(s string) (Fen, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥")
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || (hasDot && frac == "") {
		return 0, false
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	if len(whole) > 13 {
		return 0, false
	}
	y, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || y > maxYuan {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return Fen(y*100 + f), true
}

// Benefit rule kinds (津贴补助规则).
const (
	BenefitWorkSubsidy = "work_subsidy" // 临时性工作补助: per frontline day, by risk tier
	BenefitMeal        = "meal"         // 伙食补助: per frontline day
	BenefitConsolation = "consolation"  // 慰问金: a fixed sum per person of a campaign, by category
	BenefitPerformance = "performance"  // 一次性绩效: an institution's allocation, split by frontline days
)

// BenefitKinds lists the kinds in display order.
var BenefitKinds = []string{BenefitWorkSubsidy, BenefitMeal, BenefitConsolation, BenefitPerformance}

// Consolation categories: who a campaign's sum is for. A person of several
// gets the largest sum of the campaign that applies to them.
const (
	ConsolationFrontline = "frontline" // anyone with a frontline day in the campaign's period
	ConsolationTier1     = "tier1"     // anyone with a tier-1 day in it
	ConsolationTier2     = "tier2"     // anyone with a tier-2 day in it
)

// ConsolationCategories lists them in display order.
var ConsolationCategories = []string{ConsolationFrontline, ConsolationTier1, ConsolationTier2}

// OpenEnd is the end date of a rule in force until further notice.
const OpenEnd = "9999-12-31"

// MaxBenefitText bounds a rule's campaign and basis texts.
const MaxBenefitText = 200

// BenefitRule is one dated rule of money (a standard). It applies in its
// region and every region below it from StartsOn to EndsOn inclusive; where
// rules of several levels apply, the most specific region's rule wins.
type BenefitRule struct {
	ID         int64  `json:"id"`
	RegionCode string `json:"region_code"`
	Kind       string `json:"kind"`
	// Tier is the risk tier of a work subsidy (1 or 2); 0 for other kinds.
	Tier int `json:"tier"`
	// Category of a consolation rule (frontline, tier1, tier2).
	Category string `json:"category"`
	// Campaign names a consolation campaign (春节慰问): one sum per person per campaign.
	Campaign string `json:"campaign"`
	// InstitutionID and InstitutionName: the institution of a performance allocation.
	InstitutionID   int64  `json:"institution_id,omitempty"`
	InstitutionName string `json:"institution_name,omitempty"`
	// AmountFen: per day (work subsidy, meal), per person (consolation) or
	// the institution's whole allocation (performance).
	AmountFen Fen `json:"amount_fen"`
	// MultiplierPct is the region's uplift of a work subsidy in percent
	// (100: none; Hubei's ×2: 200).
	MultiplierPct int    `json:"multiplier_pct"`
	StartsOn      string `json:"starts_on"`
	EndsOn        string `json:"ends_on"`
	Basis         string `json:"basis"` // the policy document (财社〔2020〕2号)
	CreatedByName string `json:"created_by_name"`
	// InForce is true when the rule applies on the store's today.
	InForce   bool      `json:"in_force"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// BenefitRuleInput creates a rule; an end date closes a rule's period
// (UpdateBenefitRule changes only EndsOn: the past is never rewritten).
type BenefitRuleInput struct {
	RegionCode    string `json:"region_code"`
	Kind          string `json:"kind"`
	Tier          int    `json:"tier"`
	Category      string `json:"category"`
	Campaign      string `json:"campaign"`
	InstitutionID int64  `json:"institution_id"`
	AmountFen     *Fen   `json:"amount_fen"`
	MultiplierPct int    `json:"multiplier_pct"`
	StartsOn      string `json:"starts_on"`
	EndsOn        string `json:"ends_on"`
	Basis         string `json:"basis"`
}

// BenefitRuleEnd ends a rule's period (a new standard follows it).
type BenefitRuleEnd struct {
	EndsOn  string `json:"ends_on"`
	Version *int64 `json:"version"`
}

// BenefitRuleFilter selects rules.
type BenefitRuleFilter struct {
	Kind       string
	RegionCode string // rules of this region and below it
	On         string // in force on this date
	Page       Page
}

// EntitlementPart is one step of an entitlement's computation: the days of
// one rule period (Halves half-days × RateFen × MultiplierPct/100), or for a
// consolation sum the rule's sum, or for a performance share the person's
// Halves out of TotalHalves of the allocation RateFen.
type EntitlementPart struct {
	RuleID        int64  `json:"rule_id"`
	From          string `json:"from"`
	To            string `json:"to"`
	Tier          int    `json:"tier,omitempty"`
	Halves        int64  `json:"halves,omitempty"`
	TotalHalves   int64  `json:"total_halves,omitempty"`
	RateFen       Fen    `json:"rate_fen"`
	MultiplierPct int    `json:"multiplier_pct,omitempty"`
	Category      string `json:"category,omitempty"`
	Campaign      string `json:"campaign,omitempty"`
	AmountFen     Fen    `json:"amount_fen"`
}

// Explanation is how an entitlement's amount came about. For an adjustment,
// TargetFen is what the key now gives in all and BeforeFen what its earlier
// lines (in payment batches) gave, so AmountFen = TargetFen − BeforeFen.
type Explanation struct {
	Parts     []EntitlementPart `json:"parts"`
	TargetFen Fen               `json:"target_fen"`
	BeforeFen Fen               `json:"before_fen,omitempty"`
}

// Entitlement is one line of money owed to one person. Status: open (in no
// batch), batched (in a draft or approved batch), paid.
type Entitlement struct {
	ID             int64       `json:"id"`
	PersonID       int64       `json:"person_id"`
	PersonName     string      `json:"person_name"`
	IDNumberMasked string      `json:"id_number_masked"`
	RegionCode     string      `json:"region_code"`
	InstitutionID  int64       `json:"institution_id"`
	Institution    string      `json:"institution_name"`
	Kind           string      `json:"kind"`
	LineKey        string      `json:"line_key"`
	Adjustment     bool        `json:"adjustment"`
	PeriodFrom     string      `json:"period_from"`
	PeriodTo       string      `json:"period_to"`
	AmountFen      Fen         `json:"amount_fen"`
	Explanation    Explanation `json:"explanation"`
	// ExplanationText is the explanation in the caller's language, one
	// sentence per part ("12 tier-1 days × 300.00 = 3,600.00").
	ExplanationText []string  `json:"explanation_text"`
	Status          string    `json:"status"`
	BatchID         int64     `json:"batch_id,omitempty"`
	Version         int64     `json:"version"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// Entitlement statuses.
const (
	EntitlementOpen    = "open"
	EntitlementBatched = "batched"
	EntitlementPaid    = "paid"
)

// EntitlementStatuses lists them in display order.
var EntitlementStatuses = []string{EntitlementOpen, EntitlementBatched, EntitlementPaid}

// EntitlementFilter selects entitlements.
type EntitlementFilter struct {
	Month         string // YYYY-MM: lines of keys of this month (and one-time keys computed for it)
	Kind          string
	Status        string
	RegionCode    string
	InstitutionID int64
	PersonID      int64
	Q             string // the person's name, a substring
	Page          Page
}

// EntitlementComputation asks for one month's entitlements in a region (and
// optionally one institution).
type EntitlementComputation struct {
	Month         string `json:"month"` // YYYY-MM
	RegionCode    string `json:"region_code"`
	InstitutionID int64  `json:"institution_id"`
}

// ComputationResult says what a computation changed: lines created
// (originals and adjustments), lines recomputed in place (in no batch yet),
// lines removed (in no batch, now owed nothing) and lines unchanged.
type ComputationResult struct {
	Month       string `json:"month"`
	People      int    `json:"people"`
	Created     int    `json:"created"`
	Adjustments int    `json:"adjustments"`
	Updated     int    `json:"updated"`
	Removed     int    `json:"removed"`
	Unchanged   int    `json:"unchanged"`
	TotalFen    Fen    `json:"total_fen"` // what the month's keys give in all now
}

// Payment batch statuses.
const (
	PaymentStatusDraft    = "draft"
	PaymentStatusApproved = "approved"
	PaymentStatusPaid     = "paid"
)

// PaymentStatuses lists them in display order.
var PaymentStatuses = []string{PaymentStatusDraft, PaymentStatusApproved, PaymentStatusPaid}

// PaymentBatch is a batch of payments (发放批次), maker-checker.
type PaymentBatch struct {
	ID             int64      `json:"id"`
	RegionCode     string     `json:"region_code"`
	Name           string     `json:"name"`
	Status         string     `json:"status"`
	TotalFen       Fen        `json:"total_fen"`
	ItemCount      int        `json:"item_count"`
	LineCount      int        `json:"line_count"`
	DraftedByName  string     `json:"drafted_by_name"`
	ApprovedByName string     `json:"approved_by_name,omitempty"`
	ApprovedAt     *time.Time `json:"approved_at,omitempty"`
	ExportedAt     *time.Time `json:"exported_at,omitempty"`
	PaidByName     string     `json:"paid_by_name,omitempty"`
	PaidAt         *time.Time `json:"paid_at,omitempty"`
	// Confirmed counts the items whose receipt the worker confirmed.
	Confirmed int `json:"confirmed"`
	// CanApprove: the caller may approve it now (a draft they did not draft).
	CanApprove bool      `json:"can_approve"`
	Version    int64     `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	// Skipped counts, in the answer to a draft, the people owed money who
	// were left out for want of a bank account on file.
	Skipped int `json:"skipped,omitempty"`
}

// PaymentDraft asks for a batch of the open entitlements of a region (and
// optionally one month, kind or institution).
type PaymentDraft struct {
	Name          string `json:"name"`
	RegionCode    string `json:"region_code"`
	Month         string `json:"month"`
	Kind          string `json:"kind"`
	InstitutionID int64  `json:"institution_id"`
}

// PaymentBatchAction approves or marks paid; Version guards against a stale view.
type PaymentBatchAction struct {
	Version *int64 `json:"version"`
}

// PaymentBatchFilter selects batches.
type PaymentBatchFilter struct {
	Status     string
	RegionCode string
	Q          string // the batch's name, a substring
	Page       Page
}

// PaymentItem is one row of a batch's bank file: one person and the sum of
// their lines. BankAccount is set only in the export of an approved batch;
// everywhere else the account is masked.
type PaymentItem struct {
	ID             int64      `json:"id"`
	BatchID        int64      `json:"batch_id"`
	BatchName      string     `json:"batch_name"`
	BatchStatus    string     `json:"batch_status"`
	PersonID       int64      `json:"person_id"`
	PersonName     string     `json:"person_name"`
	IDNumberMasked string     `json:"id_number_masked"`
	RegionCode     string     `json:"region_code"`
	Institution    string     `json:"institution_name"`
	AmountFen      Fen        `json:"amount_fen"`
	BankName       string     `json:"bank_name"`
	AccountMasked  string     `json:"account_masked"`
	BankAccount    string     `json:"-"`
	PaidAt         *time.Time `json:"paid_at,omitempty"`
	ConfirmedAt    *time.Time `json:"confirmed_at,omitempty"`
	// DaysUnconfirmed: days since payment without a receipt (follow-up list).
	DaysUnconfirmed int `json:"days_unconfirmed,omitempty"`
	// Lines are the entitlements the item pays (on one batch's page and the worker's own).
	Lines []Entitlement `json:"lines,omitempty"`
}

// ReceiptFilter selects paid items: a worker's own, or for finance those of
// a region (FollowUp: unconfirmed for at least Days days).
type ReceiptFilter struct {
	BatchID    int64
	RegionCode string
	Q          string
	FollowUp   bool
	Days       int // 0: the region's setting
	Confirmed  *bool
	Page       Page
}

// BankAccount is a person's account for disbursements, masked.
type BankAccount struct {
	PersonID      int64     `json:"person_id"`
	PersonName    string    `json:"person_name"`
	BankName      string    `json:"bank_name"`
	AccountMasked string    `json:"account_masked"`
	Version       int64     `json:"version"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// BankAccountInput sets a person's account.
type BankAccountInput struct {
	BankName string `json:"bank_name"`
	Account  string `json:"account"`
	Version  *int64 `json:"version"`
}

// SubsidyStats are the area's figures for the dashboard: people and amounts
// entitled (open or batched), approved, paid and confirmed. For a role that
// sees aggregates only, a count of 1–4 people and its amount are hidden
// (Suppressed, JSON null).
type SubsidyStats struct {
	EntitledPeople  Count `json:"entitled_people"`
	EntitledFen     *Fen  `json:"entitled_fen"`
	ApprovedPeople  Count `json:"approved_people"`
	ApprovedFen     *Fen  `json:"approved_fen"`
	PaidPeople      Count `json:"paid_people"`
	PaidFen         *Fen  `json:"paid_fen"`
	ConfirmedPeople Count `json:"confirmed_people"`
	ConfirmedFen    *Fen  `json:"confirmed_fen"`
}
