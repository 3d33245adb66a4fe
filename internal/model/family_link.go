package model

import "time"

// Validity of a self-service link, in days: the default when none is asked
// for, and the most that may be asked. A link is a bearer secret handed to a
// relative's phone, so it cannot be open-ended.
const (
	FamilyLinkDefaultDays = 30
	FamilyLinkMaxDays     = 90
)

// FamilyLink is a relative's self-service link (家属自助链接): through it a
// relative without an account reports needs of their own (source family) and
// follows the cases so reported. Only the SHA-256 of its token is stored; the
// token itself is in the answer that creates the link and nowhere else.
type FamilyLink struct {
	ID               int64      `json:"id"`
	PersonID         int64      `json:"person_id"`
	FamilyMemberID   int64      `json:"family_member_id"`
	FamilyMemberName string     `json:"family_member_name"`
	FamilyRelation   string     `json:"family_relation"`
	CreatedBy        string     `json:"created_by"` // the username that made it
	CreatedAt        time.Time  `json:"created_at"`
	ExpiresAt        time.Time  `json:"expires_at"`
	LastUsedAt       *time.Time `json:"last_used_at,omitempty"` // the last case reported through it
	// Token and Path ("/f/{token}") are set only in the answer that creates the link.
	Token string `json:"token,omitempty"`
	Path  string `json:"path,omitempty"`
}

// FamilyLinkInput asks for a link for one relative of a person, valid for
// Days days (FamilyLinkDefaultDays when nil).
type FamilyLinkInput struct {
	FamilyMemberID *int64 `json:"family_member_id"`
	Days           *int   `json:"days"`
}

// Normalize checks the input and fills in the default validity.
func (in *FamilyLinkInput) Normalize() FieldErrors {
	fe := FieldErrors{}
	if in.FamilyMemberID == nil || *in.FamilyMemberID <= 0 {
		fe.Add("family_member_id", "field.required")
	}
	if in.Days == nil {
		d := FamilyLinkDefaultDays
		in.Days = &d
	} else if *in.Days < 1 || *in.Days > FamilyLinkMaxDays {
		fe.Add("days", "family_link.days_range", 1, FamilyLinkMaxDays)
	}
	return fe
}

// FamilyLinkPath is the address of a link on the site.
func FamilyLinkPath(token string) string { return "/f/" + token }
