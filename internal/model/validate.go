package model

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"houdun/internal/ident"
)

// PersonFields is a person's full set of values after normalisation, as the
// store writes them. Forms, the API and the importer all fill it and call
// Normalize, so one rule set serves every way in.
type PersonFields struct {
	Name          string
	IDNumber      string
	Phone         string
	InstitutionID int64
	Department    string
	Occupation    string
	Title         string
	Frontline     bool
	BirthDate     string // derived from IDNumber
	Sex           string // derived from IDNumber
}

// Apply copies the set fields of in onto f.
func (in PersonInput) Apply(f *PersonFields) {
	set(&f.Name, in.Name)
	set(&f.IDNumber, in.IDNumber)
	set(&f.Phone, in.Phone)
	set(&f.InstitutionID, in.InstitutionID)
	set(&f.Department, in.Department)
	set(&f.Occupation, in.Occupation)
	set(&f.Title, in.Title)
	set(&f.Frontline, in.Frontline)
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// identReason turns an ident error into a message key under prefix.
func identReason(prefix string, err error) string {
	var ie ident.Error
	if errors.As(err, &ie) {
		return prefix + "." + string(ie.Reason)
	}
	return prefix + ".format"
}

// checkText trims *s and checks its length; required makes empty an error.
func checkText(fe FieldErrors, field string, s *string, max int, required bool) {
	*s = strings.TrimSpace(*s)
	switch {
	case required && *s == "":
		fe.Add(field, "field.required")
	case utf8.RuneCountInString(*s) > max:
		fe.Add(field, "field.too_long", max)
	case strings.ContainsAny(*s, "\x00\r\n\t"):
		fe.Add(field, "field.control_chars")
	}
}

// Normalize trims and checks every field, derives birth date and sex from the
// ID number, and returns the problems by field (message keys).
func (f *PersonFields) Normalize(today time.Time) FieldErrors {
	fe := FieldErrors{}
	checkText(fe, "name", &f.Name, 50, true)
	if id, err := ident.ParseIDNumber(f.IDNumber, today); err != nil {
		fe.Add("id_number", identReason("id_number", err))
	} else {
		f.IDNumber, f.BirthDate, f.Sex = id.Number, id.BirthDate.Format(time.DateOnly), id.Sex()
	}
	if strings.TrimSpace(f.Phone) == "" {
		f.Phone = ""
	} else if p, err := ident.NormalizePhone(f.Phone); err != nil {
		fe.Add("phone", "phone.invalid")
	} else {
		f.Phone = p
	}
	if f.InstitutionID <= 0 {
		fe.Add("institution_id", "field.required")
	}
	checkText(fe, "department", &f.Department, 50, false)
	checkText(fe, "title", &f.Title, 50, false)
	if !Contains(Occupations, f.Occupation) {
		fe.Add("occupation", "field.choice")
	}
	return fe
}

// FamilyFields is a family member's full set of values after normalisation.
type FamilyFields struct {
	Name                  string
	Relation              string
	BirthDate             string
	Sex                   string
	IDNumber              string
	Phone                 string
	LivesWith             bool
	CareNeeds             []string
	MedicalWorkerPersonID *int64
}

// Apply copies the set fields of in onto f.
func (in FamilyMemberInput) Apply(f *FamilyFields) {
	set(&f.Name, in.Name)
	set(&f.Relation, in.Relation)
	set(&f.BirthDate, in.BirthDate)
	set(&f.IDNumber, in.IDNumber)
	set(&f.Phone, in.Phone)
	set(&f.LivesWith, in.LivesWith)
	set(&f.CareNeeds, in.CareNeeds)
	if in.MedicalWorkerPersonID != nil {
		if *in.MedicalWorkerPersonID == 0 {
			f.MedicalWorkerPersonID = nil // 0 clears the link
		} else {
			f.MedicalWorkerPersonID = in.MedicalWorkerPersonID
		}
	}
}

// Normalize checks a family member: a birth date or an ID number is required;
// when both are given they must agree.
func (f *FamilyFields) Normalize(today time.Time) FieldErrors {
	fe := FieldErrors{}
	checkText(fe, "name", &f.Name, 50, true)
	if !Contains(Relations, f.Relation) {
		fe.Add("relation", "field.choice")
	}
	f.IDNumber = strings.TrimSpace(f.IDNumber)
	f.BirthDate = strings.TrimSpace(f.BirthDate)
	if f.IDNumber != "" {
		if id, err := ident.ParseIDNumber(f.IDNumber, today); err != nil {
			fe.Add("id_number", identReason("id_number", err))
		} else {
			derived := id.BirthDate.Format(time.DateOnly)
			if f.BirthDate != "" && f.BirthDate != derived {
				fe.Add("birth_date", "family.birth_date_mismatch")
			}
			f.IDNumber, f.BirthDate, f.Sex = id.Number, derived, id.Sex()
		}
	} else if f.BirthDate == "" {
		fe.Add("birth_date", "family.birth_date_or_id")
	} else if d, err := time.Parse(time.DateOnly, f.BirthDate); err != nil || d.After(today) || d.Year() < 1900 {
		fe.Add("birth_date", "field.date")
	} else {
		f.Sex = ""
	}
	if strings.TrimSpace(f.Phone) == "" {
		f.Phone = ""
	} else if p, err := ident.NormalizePhone(f.Phone); err != nil {
		fe.Add("phone", "phone.invalid")
	} else {
		f.Phone = p
	}
	seen := map[string]bool{}
	needs := []string{}
	for _, c := range f.CareNeeds {
		c = strings.TrimSpace(c)
		if c == "" || seen[c] {
			continue
		}
		if !Contains(CareNeeds, c) {
			fe.Add("care_needs", "field.choice")
			continue
		}
		seen[c] = true
		needs = append(needs, c)
	}
	f.CareNeeds = needs
	return fe
}
