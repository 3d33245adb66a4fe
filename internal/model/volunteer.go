package model

import (
	"strings"
	"time"

	"houdun/internal/ident"
	"houdun/internal/region"
)

// Skills of a volunteer.
const (
	SkillChildcare   = "childcare"
	SkillEldercare   = "eldercare"
	SkillShopping    = "shopping"
	SkillDriving     = "driving"
	SkillTutoring    = "tutoring"
	SkillCounselling = "counselling"
	SkillOther       = "other"
)

// VolunteerSkills lists the skills in display order.
var VolunteerSkills = []string{SkillChildcare, SkillEldercare, SkillShopping, SkillDriving, SkillTutoring, SkillCounselling, SkillOther}

// Volunteer is a registered volunteer (志愿者) who can be paired with a family
// and assigned cases. The phone is stored encrypted; Phone is filled only for
// an audited reveal. Username links a user account of role volunteer, through
// which the volunteer sees the cases assigned to them.
type Volunteer struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Phone       string    `json:"phone,omitempty"`
	PhoneMasked string    `json:"phone_masked"`
	RegionCode  string    `json:"region_code"`
	Skills      []string  `json:"skills"`
	Available   bool      `json:"available"`
	Active      bool      `json:"active"`
	UserID      *int64    `json:"user_id,omitempty"`
	Username    string    `json:"username,omitempty"`
	Version     int64     `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// VolunteerInput is what a create or update may set; nil pointers are left
// alone on update. An empty Username unlinks the account.
type VolunteerInput struct {
	Name       *string   `json:"name"`
	Phone      *string   `json:"phone"`
	RegionCode *string   `json:"region_code"`
	Skills     *[]string `json:"skills"`
	Available  *bool     `json:"available"`
	Active     *bool     `json:"active"`
	Username   *string   `json:"username"`
	Version    *int64    `json:"version"`
}

// VolunteerFields is a volunteer's full set of values after normalisation.
type VolunteerFields struct {
	Name       string
	Phone      string
	RegionCode string
	Skills     []string
	Available  bool
	Active     bool
	Username   string
}

// Apply copies the set fields of in onto f.
func (in VolunteerInput) Apply(f *VolunteerFields) {
	set(&f.Name, in.Name)
	set(&f.Phone, in.Phone)
	set(&f.RegionCode, in.RegionCode)
	set(&f.Skills, in.Skills)
	set(&f.Available, in.Available)
	set(&f.Active, in.Active)
	set(&f.Username, in.Username)
}

// Normalize trims and checks a volunteer's fields; the store checks the
// region and the account.
func (f *VolunteerFields) Normalize() FieldErrors {
	fe := FieldErrors{}
	checkText(fe, "name", &f.Name, 50, true)
	if strings.TrimSpace(f.Phone) == "" {
		fe.Add("phone", "field.required")
	} else if p, err := ident.NormalizePhone(f.Phone); err != nil {
		fe.Add("phone", "phone.invalid")
	} else {
		f.Phone = p
	}
	if code, ok := region.Normalize(f.RegionCode); ok {
		f.RegionCode = code
	} else {
		f.RegionCode = strings.TrimSpace(f.RegionCode)
	}
	if f.RegionCode == "" {
		fe.Add("region_code", "field.required")
	}
	seen := map[string]bool{}
	skills := []string{}
	for _, s := range f.Skills {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		if !Contains(VolunteerSkills, s) {
			fe.Add("skills", "field.choice")
			continue
		}
		seen[s] = true
		skills = append(skills, s)
	}
	f.Skills = skills
	f.Username = strings.TrimSpace(f.Username)
	return fe
}

// VolunteerFilter selects volunteers; zero fields do not filter.
type VolunteerFilter struct {
	Q          string // name substring
	RegionCode string // prefix
	Skill      string
	Available  *bool
	Active     *bool
	Page       Page
}

// VolunteerProposal is a volunteer proposed for a case: volunteers paired
// with the family come first, then available ones of the region whose skills
// match the need.
type VolunteerProposal struct {
	Volunteer
	Paired         bool     `json:"paired"`
	MatchingSkills []string `json:"matching_skills"`
}

// Pairing is a volunteer's help to one frontline person's family (对口帮助)
// from StartsOn to EndsOn (inclusive; empty: open-ended). Dates are YYYY-MM-DD.
type Pairing struct {
	ID            int64     `json:"id"`
	VolunteerID   int64     `json:"volunteer_id"`
	VolunteerName string    `json:"volunteer_name"`
	PersonID      int64     `json:"person_id"`
	PersonName    string    `json:"person_name"`
	StartsOn      string    `json:"starts_on"`
	EndsOn        string    `json:"ends_on"`
	Note          string    `json:"note"`
	Active        bool      `json:"active"` // today lies in the period
	Version       int64     `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// PairingInput is what a create or update may set; nil pointers are left alone on update.
type PairingInput struct {
	VolunteerID *int64  `json:"volunteer_id"`
	PersonID    *int64  `json:"person_id"`
	StartsOn    *string `json:"starts_on"`
	EndsOn      *string `json:"ends_on"`
	Note        *string `json:"note"`
	Version     *int64  `json:"version"`
}

// PairingFields is a pairing's full set of values after normalisation.
type PairingFields struct {
	VolunteerID int64
	PersonID    int64
	StartsOn    string
	EndsOn      string
	Note        string
}

// Apply copies the set fields of in onto f.
func (in PairingInput) Apply(f *PairingFields) {
	set(&f.VolunteerID, in.VolunteerID)
	set(&f.PersonID, in.PersonID)
	set(&f.StartsOn, in.StartsOn)
	set(&f.EndsOn, in.EndsOn)
	set(&f.Note, in.Note)
}

// Normalize checks a pairing: both ids, a start date, and an end date (when
// given) not before the start.
func (f *PairingFields) Normalize() FieldErrors {
	fe := FieldErrors{}
	if f.VolunteerID <= 0 {
		fe.Add("volunteer_id", "field.required")
	}
	if f.PersonID <= 0 {
		fe.Add("person_id", "field.required")
	}
	f.StartsOn = strings.TrimSpace(f.StartsOn)
	f.EndsOn = strings.TrimSpace(f.EndsOn)
	start, err := time.Parse(time.DateOnly, f.StartsOn)
	if f.StartsOn == "" {
		fe.Add("starts_on", "field.required")
	} else if err != nil {
		fe.Add("starts_on", "pairing.date")
	}
	if f.EndsOn != "" {
		end, err2 := time.Parse(time.DateOnly, f.EndsOn)
		if err2 != nil {
			fe.Add("ends_on", "pairing.date")
		} else if err == nil && end.Before(start) {
			fe.Add("ends_on", "pairing.ends_before_start")
		}
	}
	CheckLongText(fe, "note", &f.Note, 500, false)
	return fe
}

// PairingFilter selects pairings; zero fields do not filter.
type PairingFilter struct {
	VolunteerID int64
	PersonID    int64
	ActiveOnly  bool // only pairings whose period includes today
	Page        Page
}
