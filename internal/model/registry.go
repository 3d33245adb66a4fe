package model

import "time"

// Region is a division of GB/T 2260 (province, city, county) or a street or
// community added by users below a county. Code prefixes express the hierarchy.
type Region struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	ParentCode string `json:"parent_code,omitempty"`
	Level      int    `json:"level"`
}

// InstitutionType values.
const (
	InstHospital        = "hospital"
	InstCDC             = "cdc"
	InstCommunityHealth = "community_health_centre"
	InstAidTeam         = "aid_team"
	InstOther           = "other"
)

// InstitutionTypes lists the valid institution types in display order.
var InstitutionTypes = []string{InstHospital, InstCDC, InstCommunityHealth, InstAidTeam, InstOther}

// Institution is a workplace of frontline staff.
type Institution struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	Type       string    `json:"type"`
	RegionCode string    `json:"region_code"`
	RegionName string    `json:"region_name,omitempty"`
	CreditCode string    `json:"credit_code,omitempty"`
	Version    int64     `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// InstitutionInput is what a create or update may set; nil pointers are left alone on update.
type InstitutionInput struct {
	Name       *string `json:"name"`
	Type       *string `json:"type"`
	RegionCode *string `json:"region_code"`
	CreditCode *string `json:"credit_code"`
	Version    *int64  `json:"version"`
}

// Occupation values.
const (
	OccDoctor          = "doctor"
	OccNurse           = "nurse"
	OccTechnician      = "technician"
	OccCDCStaff        = "cdc_staff"
	OccCommunityWorker = "community_worker"
	OccOther           = "other"
)

// Occupations lists the valid occupations in display order.
var Occupations = []string{OccDoctor, OccNurse, OccTechnician, OccCDCStaff, OccCommunityWorker, OccOther}

// Person is a frontline worker (or a colleague who may become one).
// The ID number and phone are stored encrypted; IDNumber and Phone are filled
// only for an audited reveal, the masked forms always.
type Person struct {
	ID              int64  `json:"id"`
	Name            string `json:"name"`
	IDNumber        string `json:"id_number,omitempty"`
	IDNumberMasked  string `json:"id_number_masked"`
	Phone           string `json:"phone,omitempty"`
	PhoneMasked     string `json:"phone_masked"`
	BirthDate       string `json:"birth_date"`
	Sex             string `json:"sex"`
	InstitutionID   int64  `json:"institution_id"`
	InstitutionName string `json:"institution_name,omitempty"`
	RegionCode      string `json:"region_code"`
	Department      string `json:"department"`
	Occupation      string `json:"occupation"`
	Title           string `json:"title"`
	Frontline       bool   `json:"frontline"`
	FamilyCount     int    `json:"family_count"`
	// IDNumberCorrection is set on the answer to an update that asked for a
	// new ID number: the request (a transfer of kind id_number) that a second
	// person decides; the number is unchanged until then.
	IDNumberCorrection int64     `json:"id_number_correction,omitempty"`
	Version            int64     `json:"version"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
}

// PersonInput is what a create or update may set; nil pointers are left alone on update.
type PersonInput struct {
	Name          *string `json:"name"`
	IDNumber      *string `json:"id_number"`
	Phone         *string `json:"phone"`
	InstitutionID *int64  `json:"institution_id"`
	Department    *string `json:"department"`
	Occupation    *string `json:"occupation"`
	Title         *string `json:"title"`
	Frontline     *bool   `json:"frontline"`
	Version       *int64  `json:"version"`
}

// PersonFilter selects people for a list; zero fields do not filter.
type PersonFilter struct {
	Q             string // name substring
	IDNumber      string // exact, compared by keyed hash
	Phone         string // exact, compared by keyed hash
	InstitutionID int64
	RegionCode    string // prefix
	Occupation    string
	Frontline     *bool
	Page          Page
}

// Relation values of a family member.
const (
	RelSpouse      = "spouse"
	RelChild       = "child"
	RelParent      = "parent"
	RelParentInLaw = "parent_in_law"
	RelSibling     = "sibling"
	RelOther       = "other"
	CareElderly    = "elderly_care"
	CareMinor      = "minor"
	CareDisability = "disability"
	CareChronicIll = "chronic_illness"
)

// Relations and CareNeeds list the valid values in display order.
var (
	Relations = []string{RelSpouse, RelChild, RelParent, RelParentInLaw, RelSibling, RelOther}
	CareNeeds = []string{CareElderly, CareMinor, CareDisability, CareChronicIll}
)

// FamilyMember is a relative of a person. MedicalWorkerPersonID links a
// relative who is a medical worker to their own person record (the couple rule reads it).
type FamilyMember struct {
	ID                    int64     `json:"id"`
	PersonID              int64     `json:"person_id"`
	Name                  string    `json:"name"`
	Relation              string    `json:"relation"`
	BirthDate             string    `json:"birth_date,omitempty"`
	Sex                   string    `json:"sex,omitempty"`
	IDNumber              string    `json:"id_number,omitempty"`
	IDNumberMasked        string    `json:"id_number_masked,omitempty"`
	Phone                 string    `json:"phone,omitempty"`
	PhoneMasked           string    `json:"phone_masked,omitempty"`
	LivesWith             bool      `json:"lives_with"`
	CareNeeds             []string  `json:"care_needs"`
	MedicalWorkerPersonID *int64    `json:"medical_worker_person_id"`
	Version               int64     `json:"version"`
	CreatedAt             time.Time `json:"created_at"`
	UpdatedAt             time.Time `json:"updated_at"`
}

// FamilyMemberInput is what a create or update may set.
type FamilyMemberInput struct {
	Name                  *string   `json:"name"`
	Relation              *string   `json:"relation"`
	BirthDate             *string   `json:"birth_date"`
	IDNumber              *string   `json:"id_number"`
	Phone                 *string   `json:"phone"`
	LivesWith             *bool     `json:"lives_with"`
	CareNeeds             *[]string `json:"care_needs"`
	MedicalWorkerPersonID *int64    `json:"medical_worker_person_id"`
	Version               *int64    `json:"version"`
}

// ListExportMax bounds the rows of one export of a working list (the case
// list, the visit plan, the volunteers): the lists page by offset, and a
// city's whole history is the ledger's job, not a working list's.
const ListExportMax = 20000

// Page is a window of a list. Limit is capped by the store.
type Page struct {
	Limit  int
	Offset int
}

// List is one page of records with the total count of the whole selection.
type List[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// Contains reports whether v is one of the values.
func Contains(values []string, v string) bool {
	for _, x := range values {
		if x == v {
			return true
		}
	}
	return false
}
