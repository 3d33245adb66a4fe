package benefit

import (
	"strconv"

	"houdun/internal/casework"
)

// SettingReceiptFollowUpDays is the per-region setting of days after a
// payment past which a receipt the worker has not confirmed is listed for
// follow-up (default 14).
const SettingReceiptFollowUpDays = "subsidy.receipt_followup_days"

// DefaultFollowUpDays is the setting's default.
const DefaultFollowUpDays = 14

func init() {
	casework.Settings = append(casework.Settings, casework.SettingSpec{Name: SettingReceiptFollowUpDays, Default: DefaultFollowUpDays, Min: 1, Max: 365, Unit: "days"})
}

// FollowUpDays reads the setting's value; empty or bad is the default.
func FollowUpDays(value string) int {
	n, err := strconv.Atoi(value)
	if err != nil || n < 1 || n > 365 {
		return DefaultFollowUpDays
	}
	return n
}
