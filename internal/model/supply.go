package model

import (
	"strings"
	"time"
)

// Item categories of supplies (物资保障): protective equipment and daily
// necessities. Protective is a property of the item, defaulted from its
// category.
const (
	ItemMaskN95      = "mask_n95"
	ItemMaskSurgical = "mask_surgical"
	ItemSuit         = "protective_suit"
	ItemGoggles      = "goggles"
	ItemFaceShield   = "face_shield"
	ItemGloves       = "gloves"
	ItemSanitiser    = "sanitiser"
	ItemFoodPack     = "food_pack"
	ItemDailyPack    = "daily_pack"
	ItemOther        = "other"
)

// ItemCategories lists the categories in display order.
var ItemCategories = []string{ItemMaskN95, ItemMaskSurgical, ItemSuit, ItemGoggles, ItemFaceShield, ItemGloves,
	ItemSanitiser, ItemFoodPack, ItemDailyPack, ItemOther}

// ProtectiveCategory reports whether items of a category are protective equipment by default.
func ProtectiveCategory(c string) bool {
	switch c {
	case ItemMaskN95, ItemMaskSurgical, ItemSuit, ItemGoggles, ItemFaceShield, ItemGloves, ItemSanitiser:
		return true
	}
	return false
}

// Movement kinds of the stock ledger.
const (
	MoveReceipt     = "receipt"
	MoveIssue       = "issue"
	MoveTransferOut = "transfer_out"
	MoveTransferIn  = "transfer_in"
	MoveAdjust      = "adjust"
	MoveCorrection  = "correction"
	// MoveTransfer is what a caller asks for; it is written as a pair.
	MoveTransfer = "transfer"
)

// MovementKinds lists the kinds a movement row has, in display order.
var MovementKinds = []string{MoveReceipt, MoveIssue, MoveTransferOut, MoveTransferIn, MoveAdjust, MoveCorrection}

// Receipt sources.
const (
	SourceDonation = "donation"
	SourcePurchase = "purchase"
)

// ReceiptSources lists the sources of a receipt.
var ReceiptSources = []string{SourceDonation, SourcePurchase}

// Plan bases, periods and distribution line statuses.
const (
	BasisPerson    = "person"
	BasisHousehold = "household"

	PeriodDay   = "day"
	PeriodWeek  = "week"
	PeriodMonth = "month"
	PeriodOnce  = "once"

	LinePending   = "pending"
	LineHanded    = "handed"
	LineConfirmed = "confirmed"
)

// PlanBases, PlanPeriods and LineStatuses list the values in display order.
var (
	PlanBases    = []string{BasisPerson, BasisHousehold}
	PlanPeriods  = []string{PeriodWeek, PeriodDay, PeriodMonth, PeriodOnce}
	LineStatuses = []string{LinePending, LineHanded, LineConfirmed}
)

// Bounds of supply fields.
const (
	MaxSupplyName   = 100
	MaxSupplyText   = 200
	MaxSupplyReason = 500
	MaxQuantity     = 100_000_000
)

// Item is one kind of supply in the catalogue.
type Item struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	Category   string    `json:"category"`
	Unit       string    `json:"unit"`
	Protective bool      `json:"protective"`
	RegionCode string    `json:"region_code"`
	Active     bool      `json:"active"`
	Version    int64     `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
}

// ItemInput creates or changes an item; nil fields are left as they are.
type ItemInput struct {
	Name       *string `json:"name"`
	Category   *string `json:"category"`
	Unit       *string `json:"unit"`
	Protective *bool   `json:"protective"`
	RegionCode *string `json:"region_code"`
	Active     *bool   `json:"active"`
	Version    *int64  `json:"version"`
}

// Normalize checks an item as it will be stored.
func (it *Item) Normalize() FieldErrors {
	fe := FieldErrors{}
	checkText(fe, "name", &it.Name, MaxSupplyName, true)
	checkText(fe, "unit", &it.Unit, 20, true)
	if !Contains(ItemCategories, it.Category) {
		fe.Add("category", "field.choice")
	}
	return fe
}

// Apply copies the set fields of in onto it.
func (in ItemInput) Apply(it *Item) {
	set(&it.Name, in.Name)
	set(&it.Category, in.Category)
	set(&it.Unit, in.Unit)
	set(&it.Protective, in.Protective)
	set(&it.Active, in.Active)
}

// ItemFilter selects items.
type ItemFilter struct {
	Q          string
	Category   string
	Protective *bool
	Page       Page
}

// SupplyStore is a store (物资库) of a region or of one institution.
type SupplyStore struct {
	ID              int64  `json:"id"`
	Name            string `json:"name"`
	RegionCode      string `json:"region_code"`
	RegionName      string `json:"region_name,omitempty"`
	InstitutionID   *int64 `json:"institution_id"`
	InstitutionName string `json:"institution_name,omitempty"`
	Address         string `json:"address"`
	Keeper          string `json:"keeper"`
	Active          bool   `json:"active"`
	// BelowReorder counts the items at or under their reorder level.
	BelowReorder int       `json:"below_reorder"`
	Version      int64     `json:"version"`
	CreatedAt    time.Time `json:"created_at"`
}

// StoreInput creates or changes a store. A store of an institution takes the
// institution's region.
type StoreInput struct {
	Name          *string `json:"name"`
	RegionCode    *string `json:"region_code"`
	InstitutionID *int64  `json:"institution_id"`
	Address       *string `json:"address"`
	Keeper        *string `json:"keeper"`
	Active        *bool   `json:"active"`
	Version       *int64  `json:"version"`
}

// Normalize checks a store's own fields.
func (st *SupplyStore) Normalize() FieldErrors {
	fe := FieldErrors{}
	checkText(fe, "name", &st.Name, MaxSupplyName, true)
	checkText(fe, "address", &st.Address, MaxSupplyText, false)
	checkText(fe, "keeper", &st.Keeper, MaxSupplyName, false)
	return fe
}

// StoreFilter selects stores.
type StoreFilter struct {
	Q             string
	RegionCode    string
	InstitutionID int64
	BelowReorder  bool
	Page          Page
}

// StockBatch is the stock of one batch of an item in a store.
type StockBatch struct {
	Batch      string `json:"batch"`
	ExpiryDate string `json:"expiry_date,omitempty"`
	Quantity   int64  `json:"quantity"`
	Expired    bool   `json:"expired"`
}

// StockLine is the stock of one item in a store: the sum of its movements,
// by batch, with the reorder level.
type StockLine struct {
	ItemID       int64        `json:"item_id"`
	ItemName     string       `json:"item_name"`
	Category     string       `json:"category"`
	Unit         string       `json:"unit"`
	Protective   bool         `json:"protective"`
	Quantity     int64        `json:"quantity"`
	Usable       int64        `json:"usable"` // not expired
	ReorderLevel *int64       `json:"reorder_level"`
	BelowReorder bool         `json:"below_reorder"`
	NextExpiry   string       `json:"next_expiry,omitempty"`
	Batches      []StockBatch `json:"batches"`
}

// Stock is a store's current stock.
type Stock struct {
	Store SupplyStore `json:"store"`
	Items []StockLine `json:"items"`
}

// ReorderInput sets an item's reorder level in a store; nil removes it.
type ReorderInput struct {
	ItemID int64  `json:"item_id"`
	Level  *int64 `json:"level"`
}

// Movement is one row of the stock ledger.
type Movement struct {
	ID               int64     `json:"id"`
	Kind             string    `json:"kind"`
	StoreID          int64     `json:"store_id"`
	StoreName        string    `json:"store_name"`
	ItemID           int64     `json:"item_id"`
	ItemName         string    `json:"item_name"`
	Unit             string    `json:"unit"`
	Batch            string    `json:"batch"`
	ExpiryDate       string    `json:"expiry_date,omitempty"`
	Quantity         int64     `json:"quantity"`
	Source           string    `json:"source,omitempty"`
	Supplier         string    `json:"supplier,omitempty"`
	DocumentNo       string    `json:"document_no,omitempty"`
	Reason           string    `json:"reason,omitempty"`
	ExpiredOverride  string    `json:"expired_override,omitempty"`
	CorrectsID       *int64    `json:"corrects_id,omitempty"`
	CorrectedBy      *int64    `json:"corrected_by,omitempty"`
	TransferOf       *int64    `json:"transfer_of,omitempty"`
	OtherStoreID     *int64    `json:"other_store_id,omitempty"`
	OtherStoreName   string    `json:"other_store_name,omitempty"`
	PersonID         *int64    `json:"person_id,omitempty"`
	PersonName       string    `json:"person_name,omitempty"`
	FamilyMemberID   *int64    `json:"family_member_id,omitempty"`
	NeedID           *int64    `json:"need_id,omitempty"`
	DistributionLine *int64    `json:"distribution_line_id,omitempty"`
	RegionCode       string    `json:"region_code"`
	CreatedByName    string    `json:"created_by_name"`
	CreatedAt        time.Time `json:"created_at"`
}

// MovementInput records a movement: kind receipt, issue, transfer, adjust or
// correction (of CorrectsID). An issue or transfer without a batch takes the
// batches that expire first (FEFO); an expired batch only with
// ExpiredOverride, the reason.
type MovementInput struct {
	Kind            string `json:"kind"`
	StoreID         int64  `json:"store_id"`
	ItemID          int64  `json:"item_id"`
	Quantity        int64  `json:"quantity"`
	Batch           string `json:"batch"`
	ExpiryDate      string `json:"expiry_date"`
	Source          string `json:"source"`
	Supplier        string `json:"supplier"`
	DocumentNo      string `json:"document_no"`
	Reason          string `json:"reason"`
	ExpiredOverride string `json:"expired_override"`
	ToStoreID       int64  `json:"to_store_id"`
	PersonID        int64  `json:"person_id"`
	FamilyMemberID  int64  `json:"family_member_id"`
	NeedID          int64  `json:"need_id"`
	CorrectsID      int64  `json:"corrects_id"`
}

// Normalize checks the fields every kind needs. Where the records named lie
// (scope, stock) is the store's to check.
func (in *MovementInput) Normalize() FieldErrors {
	fe := FieldErrors{}
	in.Kind = strings.TrimSpace(in.Kind)
	checkText(fe, "batch", &in.Batch, 60, false)
	checkText(fe, "supplier", &in.Supplier, MaxSupplyText, false)
	checkText(fe, "document_no", &in.DocumentNo, 60, false)
	checkText(fe, "reason", &in.Reason, MaxSupplyReason, false)
	checkText(fe, "expired_override", &in.ExpiredOverride, MaxSupplyReason, false)
	in.ExpiryDate = strings.TrimSpace(in.ExpiryDate)
	if in.ExpiryDate != "" {
		if _, err := time.Parse(time.DateOnly, in.ExpiryDate); err != nil {
			fe.Add("expiry_date", "supply.date")
		}
	}
	if in.Kind == MoveCorrection {
		if in.CorrectsID <= 0 {
			fe.Add("corrects_id", "field.required")
		}
		if in.Reason == "" {
			fe.Add("reason", "field.required")
		}
		return fe
	}
	if in.StoreID <= 0 {
		fe.Add("store_id", "field.required")
	}
	if in.ItemID <= 0 {
		fe.Add("item_id", "field.required")
	}
	q := in.Quantity
	if in.Kind == MoveAdjust && q < 0 {
		q = -q
	}
	switch {
	case q == 0:
		fe.Add("quantity", "field.required")
	case q < 0 || q > MaxQuantity:
		fe.Add("quantity", "supply.quantity_range", MaxQuantity)
	}
	switch in.Kind {
	case MoveReceipt:
		if !Contains(ReceiptSources, in.Source) {
			fe.Add("source", "field.choice")
		}
		if in.Supplier == "" {
			fe.Add("supplier", "field.required")
		}
	case MoveIssue:
	case MoveTransfer:
		if in.ToStoreID <= 0 {
			fe.Add("to_store_id", "field.required")
		} else if in.ToStoreID == in.StoreID {
			fe.Add("to_store_id", "supply.same_store")
		}
	case MoveAdjust:
		if in.Reason == "" {
			fe.Add("reason", "field.required")
		}
	default:
		fe.Add("kind", "field.choice")
	}
	return fe
}

// MovementFilter selects ledger rows.
type MovementFilter struct {
	StoreID    int64
	ItemID     int64
	Kind       string
	PersonID   int64
	RegionCode string
	From, To   string // YYYY-MM-DD, inclusive
	Q          string // batch, supplier or document number
	Page       Page
}

// Plan is an allocation plan (分配方案).
type Plan struct {
	ID            int64     `json:"id"`
	Name          string    `json:"name"`
	StoreID       int64     `json:"store_id"`
	StoreName     string    `json:"store_name"`
	ItemID        int64     `json:"item_id"`
	ItemName      string    `json:"item_name"`
	Unit          string    `json:"unit"`
	Basis         string    `json:"basis"`
	Quantity      int64     `json:"quantity"`
	Period        string    `json:"period"`
	FrontlineOnly bool      `json:"frontline_only"`
	HouseholdNeed string    `json:"household_need,omitempty"`
	Active        bool      `json:"active"`
	RegionCode    string    `json:"region_code"`
	Version       int64     `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
}

// PlanInput creates a plan.
type PlanInput struct {
	Name          string `json:"name"`
	StoreID       int64  `json:"store_id"`
	ItemID        int64  `json:"item_id"`
	Basis         string `json:"basis"`
	Quantity      int64  `json:"quantity"`
	Period        string `json:"period"`
	FrontlineOnly *bool  `json:"frontline_only"`
	HouseholdNeed string `json:"household_need"`
}

// Normalize checks a plan's fields.
func (in *PlanInput) Normalize() FieldErrors {
	fe := FieldErrors{}
	checkText(fe, "name", &in.Name, MaxSupplyName, true)
	if in.StoreID <= 0 {
		fe.Add("store_id", "field.required")
	}
	if in.ItemID <= 0 {
		fe.Add("item_id", "field.required")
	}
	if !Contains(PlanBases, in.Basis) {
		fe.Add("basis", "field.choice")
	}
	if !Contains(PlanPeriods, in.Period) {
		fe.Add("period", "field.choice")
	}
	if in.Quantity <= 0 || in.Quantity > MaxQuantity {
		fe.Add("quantity", "supply.quantity_range", MaxQuantity)
	}
	in.HouseholdNeed = strings.TrimSpace(in.HouseholdNeed)
	switch {
	case in.Basis == BasisHousehold && in.HouseholdNeed != "" && !Contains(CareNeeds, in.HouseholdNeed):
		fe.Add("household_need", "field.choice")
	case in.Basis == BasisPerson:
		in.HouseholdNeed = ""
	}
	if in.FrontlineOnly == nil {
		t := true
		in.FrontlineOnly = &t
	}
	return fe
}

// PeriodStart is the first day of the plan period that holds day: the
// Monday of its ISO week, the first of its month, the day itself; a plan
// given once starts at the beginning of time.
func PeriodStart(period string, day time.Time) time.Time {
	switch period {
	case PeriodWeek:
		wd := (int(day.Weekday()) + 6) % 7
		return day.AddDate(0, 0, -wd)
	case PeriodMonth:
		return time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, day.Location())
	case PeriodOnce:
		return time.Time{}
	}
	return day
}

// Distribution is a distribution list (发放清单) of a plan for a day.
type Distribution struct {
	ID        int64              `json:"id"`
	PlanID    int64              `json:"plan_id"`
	PlanName  string             `json:"plan_name"`
	StoreID   int64              `json:"store_id"`
	StoreName string             `json:"store_name"`
	ItemID    int64              `json:"item_id"`
	ItemName  string             `json:"item_name"`
	Unit      string             `json:"unit"`
	Day       string             `json:"day"`
	Lines     []DistributionLine `json:"lines,omitempty"`
	Total     int                `json:"total"`
	Handed    int                `json:"handed"`
	CreatedAt time.Time          `json:"created_at"`
}

// DistributionLine is one person's or household's hand-over.
type DistributionLine struct {
	ID              int64      `json:"id"`
	DistributionID  int64      `json:"distribution_id"`
	PersonID        int64      `json:"person_id"`
	PersonName      string     `json:"person_name"`
	Department      string     `json:"department,omitempty"`
	Household       bool       `json:"household"`
	Quantity        int64      `json:"quantity"`
	Status          string     `json:"status"`
	MovementID      *int64     `json:"movement_id,omitempty"`
	HandedAt        *time.Time `json:"handed_at,omitempty"`
	HandedByName    string     `json:"handed_by_name,omitempty"`
	SignatureName   string     `json:"signature_name,omitempty"`
	ConfirmedAt     *time.Time `json:"confirmed_at,omitempty"`
	ConfirmedBySelf bool       `json:"confirmed_by_self"`
	// Shown on the worker's own page.
	ItemName  string `json:"item_name,omitempty"`
	Unit      string `json:"unit,omitempty"`
	StoreName string `json:"store_name,omitempty"`
	Day       string `json:"day,omitempty"`
	Version   int64  `json:"version"`
}

// DistributionInput generates the list of a plan for a day.
type DistributionInput struct {
	PlanID int64  `json:"plan_id"`
	Day    string `json:"day"`
}

// HandOver hands a line over: an issue movement from the list's store. A
// signature name confirms the receipt at once; NeedID settles a case of the
// recipient's.
type HandOver struct {
	SignatureName   string `json:"signature_name"`
	ExpiredOverride string `json:"expired_override"`
	NeedID          int64  `json:"need_id"`
	Version         *int64 `json:"version"`
}

// DistributionFilter selects distribution lists.
type DistributionFilter struct {
	StoreID int64
	PlanID  int64
	Day     string
	Page    Page
}

// SupplyCounts are the dashboard's figures of supplies in the caller's scope.
// A nil count is suppressed (a leader's small cell).
type SupplyCounts struct {
	ProtectiveStock *int64 `json:"protective_stock"`
	BelowReorder    *int64 `json:"below_reorder"`
	DistributedWeek *int64 `json:"distributed_week"`
	HandOversWeek   *int64 `json:"hand_overs_week"`
	StoresInScope   *int64 `json:"stores"`
}

// PeriodEnd is the first day after the plan period that holds day.
func PeriodEnd(period string, day time.Time) time.Time {
	switch period {
	case PeriodWeek:
		return PeriodStart(period, day).AddDate(0, 0, 7)
	case PeriodMonth:
		return PeriodStart(period, day).AddDate(0, 1, 0)
	case PeriodOnce:
		return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return day.AddDate(0, 0, 1)
}
