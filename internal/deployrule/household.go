package deployrule

import (
	"slices"

	"houdun/internal/model"
)

// Member is what the rules need of a family member of a deployed person.
type Member struct {
	Relation  string
	BirthDate string // ISO, may be empty
	LivesWith bool
	CareNeeds []string
	// MedicalWorker is the person id of a relative who is a registered medical
	// worker themselves (the family link), 0 for none.
	MedicalWorker int64
}

// AdultAge is the age from which a relative counts as an adult.
const AdultAge = 18

// age is the member's age in whole years on day on; ok is false without a birth date.
func (m Member) age(on Day) (int, bool) {
	b, ok := ParseDay(m.BirthDate)
	if !ok {
		return 0, false
	}
	bt, ot := b.Time(), on.Time()
	years := ot.Year() - bt.Year()
	if ot.Month() < bt.Month() || ot.Month() == bt.Month() && ot.Day() < bt.Day() {
		years--
	}
	return years, true
}

// Minor reports whether the member is a child under 18 on day on (by birth
// date, or marked as a minor in care).
func (m Member) Minor(on Day) bool {
	if slices.Contains(m.CareNeeds, model.CareMinor) {
		return true
	}
	if a, ok := m.age(on); ok {
		return a < AdultAge
	}
	return false
}

// Dependant reports whether the member needs someone at home: an elderly
// relative needing care, a minor child, or a relative with a disability.
func (m Member) Dependant(on Day) bool {
	return slices.Contains(m.CareNeeds, model.CareElderly) || slices.Contains(m.CareNeeds, model.CareDisability) || m.Minor(on)
}

// carer reports whether the member is an adult living with the family who
// could look after dependants: no care needs of their own, not a minor, and
// not one of the deployed workers.
func (m Member) carer(on Day, deployed []int64) bool {
	if !m.LivesWith || len(m.CareNeeds) > 0 || m.Minor(on) {
		return false
	}
	if m.MedicalWorker != 0 && slices.Contains(deployed, m.MedicalWorker) {
		return false
	}
	if _, ok := m.age(on); !ok && m.Relation == model.RelChild {
		return false // a child of unknown age is not counted on as a carer
	}
	return true
}

// Dependants counts the members who need someone at home on day on.
func Dependants(members []Member, on Day) int {
	n := 0
	for _, m := range members {
		if m.Dependant(on) {
			n++
		}
	}
	return n
}

// Severe reports whether a couple conflict leaves the household without
// care: there are elderly needing care, minor children or relatives with a
// disability, and no other adult living with them (the deployed workers do
// not count). members is the household as both workers registered it.
func Severe(members []Member, deployed []int64, on Day) bool {
	if Dependants(members, on) == 0 {
		return false
	}
	for _, m := range members {
		if m.carer(on, deployed) {
			return false
		}
	}
	return true
}
