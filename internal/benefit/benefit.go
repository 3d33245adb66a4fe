// Package benefit holds the rules of the subsidy area (其他保障), pure and
// tested on their own: which dated benefit rule applies to a person on a
// day, how frontline days become fen (half-days exact, rounding once, half
// up), how an institution's allocation is split to the fen, how a rule
// change within a month splits its days, who may approve a payment batch
// (never its drafter), and the words that explain a line. It does no I/O:
// the store reads the days and writes the lines.
package benefit

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// Bounds of a rule's amounts, so that every product of the computation
// stays far inside int64 fen: a per-day rate of at most a million yuan, an
// allocation or a consolation sum of at most a billion, a multiplier of at
// most ×10.
const (
	MaxDayRate       model.Fen = 100_000_000
	MaxSum           model.Fen = 100_000_000_000
	MaxMultiplierPct           = 1000
)

// Applies reports whether rule r applies to a person of region code on day
// (ISO date): its region covers the code and the day lies in its period.
func Applies(r model.BenefitRule, code, day string) bool {
	return strings.HasPrefix(code, r.RegionCode) && r.StartsOn <= day && day <= r.EndsOn
}

// Pick returns the rule of kind (and tier, for a work subsidy) in force for
// a person of region code on day: of those that apply, the most specific
// region's. ok is false when none applies: days without a standard pay nothing.
func Pick(rules []model.BenefitRule, kind string, tier int, code, day string) (model.BenefitRule, bool) {
	var best model.BenefitRule
	found := false
	for _, r := range rules {
		if r.Kind != kind || r.Tier != tier || !Applies(r, code, day) {
			continue
		}
		if !found || len(r.RegionCode) > len(best.RegionCode) {
			best, found = r, true
		}
	}
	return best, found
}

// SameRule reports whether a and b are periods of the same rule: the same
// region, kind, tier, category, campaign and institution. Their periods must
// not overlap.
func SameRule(a, b model.BenefitRule) bool {
	return a.RegionCode == b.RegionCode && a.Kind == b.Kind && a.Tier == b.Tier && a.Category == b.Category &&
		a.Campaign == b.Campaign && a.InstitutionID == b.InstitutionID
}

// Overlap reports whether the periods of a and b share a day.
func Overlap(a, b model.BenefitRule) bool {
	return a.StartsOn <= b.EndsOn && b.StartsOn <= a.EndsOn
}

// DayAmount is what halves half-days at rate per day give with a multiplier
// in percent: halves × rate × pct / 200, rounded once to the fen, half up.
func DayAmount(halves int64, rate model.Fen, pct int) model.Fen {
	if pct <= 0 {
		pct = 100
	}
	n := halves * int64(rate) * int64(pct)
	return model.Fen((n + 100) / 200)
}

// Split divides total among weights in proportion, to the fen: each share
// is rounded down and the fen left over go one each to the largest
// remainders (ties to the earlier weight), so the shares add up to total
// exactly. Zero weights get nothing; with no weight at all, nobody does.
func Split(total model.Fen, weights []int64) []model.Fen {
	out := make([]model.Fen, len(weights))
	var sum int64
	for _, w := range weights {
		if w > 0 {
			sum += w
		}
	}
	if sum == 0 || total <= 0 {
		return out
	}
	type rem struct {
		i int
		r int64
	}
	rems := make([]rem, 0, len(weights))
	var given int64
	for i, w := range weights {
		if w <= 0 {
			continue
		}
		n := int64(total) * w
		out[i] = model.Fen(n / sum)
		given += n / sum
		rems = append(rems, rem{i, n % sum})
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for k := 0; given < int64(total); k++ {
		out[rems[k%len(rems)].i]++
		given++
	}
	return out
}

// Segment is a run of days within which no rule starts or ends.
type Segment struct{ From, To string }

// Segments splits the period from..to (inclusive ISO dates) at every day on
// which one of rules starts or the day after one ends, so that within a
// segment each person's rule stays the same.
func Segments(from, to string, rules []model.BenefitRule) []Segment {
	cuts := map[string]bool{}
	for _, r := range rules {
		if r.StartsOn > from && r.StartsOn <= to {
			cuts[r.StartsOn] = true
		}
		if next := NextDay(r.EndsOn); next > from && next <= to {
			cuts[next] = true
		}
	}
	days := make([]string, 0, len(cuts))
	for d := range cuts {
		days = append(days, d)
	}
	slices.Sort(days)
	var out []Segment
	start := from
	for _, d := range days {
		out = append(out, Segment{start, PrevDay(d)})
		start = d
	}
	return append(out, Segment{start, to})
}

// NextDay is the ISO date after day; the open end stays itself.
func NextDay(day string) string {
	if day >= model.OpenEnd {
		return day
	}
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, 1).Format(time.DateOnly)
}

// PrevDay is the ISO date before day.
func PrevDay(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, -1).Format(time.DateOnly)
}

// Month returns the first and last day of a month given as YYYY-MM; ok is
// false for anything else.
func Month(month string) (from, to string, ok bool) {
	t, err := time.Parse("2006-01", month)
	if err != nil || len(month) != 7 {
		return "", "", false
	}
	return t.Format(time.DateOnly), t.AddDate(0, 1, -1).Format(time.DateOnly), true
}

// Keys of entitlement lines: what one line pays, so that a recomputation
// finds the lines of the same thing. Days of a month: per kind and tier;
// one-time sums: per campaign or allocation.
func WorkKey(tier int, month string) string {
	return model.BenefitWorkSubsidy + "|" + strconv.Itoa(tier) + "|" + month
}

// MealKey is the key of a month's meal subsidy.
func MealKey(month string) string { return model.BenefitMeal + "|" + month }

// ConsolationKey is the key of a campaign's consolation sum (one per person).
func ConsolationKey(campaign string) string { return model.BenefitConsolation + "|" + campaign }

// PerformanceKey is the key of one allocation's share.
func PerformanceKey(ruleID int64) string {
	return model.BenefitPerformance + "|" + strconv.FormatInt(ruleID, 10)
}

// MayApprove is the four-eyes rule of payment batches: an account holding
// payment.approve whose scope covers the batch, and never the account that
// drafted it. The command line (system) approves nothing: a batch needs two people.
func MayApprove(pr *auth.Principal, draftedBy int64) bool {
	if pr == nil || pr.System || pr.UserID == 0 || !pr.Can(auth.PermPaymentApprove) {
		return false
	}
	return pr.UserID != draftedBy
}

// Days formats half-days as days: 24 → "12", 25 → "12.5".
func Days(halves int64) string {
	s := strconv.FormatInt(halves/2, 10)
	if halves%2 != 0 {
		s += ".5"
	}
	return s
}

// Multiplier formats a percentage as a factor: 200 → "2", 150 → "1.5".
func Multiplier(pct int) string {
	s := strconv.Itoa(pct / 100)
	if r := pct % 100; r != 0 {
		f := strconv.Itoa(100 + r)[1:]
		s += "." + strings.TrimRight(f, "0")
	}
	return s
}

// Explain is an entitlement's explanation as messages, one per part and one
// for an adjustment, for the caller's language to render.
func Explain(kind string, e model.Explanation) []model.Msg {
	var out []model.Msg
	for _, p := range e.Parts {
		period := p.From + "–" + p.To
		switch kind {
		case model.BenefitWorkSubsidy:
			if p.MultiplierPct != 0 && p.MultiplierPct != 100 {
				out = append(out, model.M("entitlement.explain.work_uplift", period, Days(p.Halves), p.Tier, p.RateFen.String(),
					Multiplier(p.MultiplierPct), p.AmountFen.String()))
			} else {
				out = append(out, model.M("entitlement.explain.work", period, Days(p.Halves), p.Tier, p.RateFen.String(), p.AmountFen.String()))
			}
		case model.BenefitMeal:
			out = append(out, model.M("entitlement.explain.meal", period, Days(p.Halves), p.RateFen.String(), p.AmountFen.String()))
		case model.BenefitConsolation:
			out = append(out, model.M("entitlement.explain.consolation", p.Campaign, model.M("benefit.category."+p.Category), p.AmountFen.String()))
		case model.BenefitPerformance:
			out = append(out, model.M("entitlement.explain.performance", period, Days(p.Halves), Days(p.TotalHalves), p.RateFen.String(), p.AmountFen.String()))
		}
	}
	if e.BeforeFen != 0 {
		out = append(out, model.M("entitlement.explain.adjustment", e.TargetFen.String(), e.BeforeFen.String(), (e.TargetFen-e.BeforeFen).String()))
	}
	return out
}
