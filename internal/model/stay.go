package model

import (
	"strings"
	"time"

	"houdun/internal/living"
	"houdun/internal/region"
)

// Kinds of accommodation site.
const (
	SiteHotel     = "hotel"
	SiteDormitory = "dormitory"
	SiteRestArea  = "rest_area" // a hospital's rest area for its own staff
)

// SiteKinds lists the kinds in display order.
var SiteKinds = []string{SiteHotel, SiteDormitory, SiteRestArea}

// Stay statuses and the actions a stay's rows record.
const (
	StayIn        = "in"
	StayOut       = "out"
	StayCancelled = "cancelled"

	StayCheckIn  = "check_in"
	StayCheckOut = "check_out"
	StayCorrect  = "correct"
	StayCancel   = "cancel"
)

// StayStatuses lists the statuses in display order.
var StayStatuses = []string{StayIn, StayOut, StayCancelled}

// Bounds of the accommodation fields.
const (
	MaxSiteName   = 100
	MaxSiteText   = 200
	MaxRoomName   = 30
	MaxRoomsAdded = 500
	MaxBedsInRoom = 12
	MaxStayReason = 500
)

// Site is an accommodation site (隔离住宿点) with its counts.
type Site struct {
	ID                int64     `json:"id"`
	Name              string    `json:"name"`
	Kind              string    `json:"kind"`
	RegionCode        string    `json:"region_code"`
	InstitutionID     *int64    `json:"institution_id,omitempty"`
	InstitutionName   string    `json:"institution_name,omitempty"`
	Address           string    `json:"address"`
	Contact           string    `json:"contact"`
	MealsPerDay       int       `json:"meals_per_day"`
	SeparatesHighRisk bool      `json:"separates_high_risk"`
	Active            bool      `json:"active"`
	Rooms             int       `json:"rooms"`
	Beds              int       `json:"beds"`
	Occupied          int       `json:"occupied_tonight"`
	Version           int64     `json:"version"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// SiteInput is what a create or update may set; nil is left alone on update.
type SiteInput struct {
	Name              *string `json:"name"`
	Kind              *string `json:"kind"`
	RegionCode        *string `json:"region_code"`
	InstitutionID     *int64  `json:"institution_id"`
	Address           *string `json:"address"`
	Contact           *string `json:"contact"`
	MealsPerDay       *int    `json:"meals_per_day"`
	SeparatesHighRisk *bool   `json:"separates_high_risk"`
	Active            *bool   `json:"active"`
	Version           *int64  `json:"version"`
}

// Apply copies the set fields of in onto s.
func (in SiteInput) Apply(s *Site) {
	set(&s.Name, in.Name)
	set(&s.Kind, in.Kind)
	set(&s.RegionCode, in.RegionCode)
	if in.InstitutionID != nil {
		if *in.InstitutionID == 0 {
			s.InstitutionID = nil
		} else {
			v := *in.InstitutionID
			s.InstitutionID = &v
		}
	}
	set(&s.Address, in.Address)
	set(&s.Contact, in.Contact)
	set(&s.MealsPerDay, in.MealsPerDay)
	set(&s.SeparatesHighRisk, in.SeparatesHighRisk)
	set(&s.Active, in.Active)
}

// Normalize checks a site's fields; the region is normalised to its code.
func (s *Site) Normalize() FieldErrors {
	fe := FieldErrors{}
	checkText(fe, "name", &s.Name, MaxSiteName, true)
	if !Contains(SiteKinds, s.Kind) {
		fe.Add("kind", "field.choice")
	}
	s.RegionCode = strings.TrimSpace(s.RegionCode)
	if code, ok := region.Normalize(s.RegionCode); ok {
		s.RegionCode = code
	} else if s.RegionCode == "" {
		fe.Add("region_code", "field.required")
	} else {
		fe.Add("region_code", "region.unknown")
	}
	checkText(fe, "address", &s.Address, MaxSiteText, false)
	checkText(fe, "contact", &s.Contact, MaxSiteText, false)
	if s.MealsPerDay < 0 || s.MealsPerDay > 6 {
		fe.Add("meals_per_day", "site.meals_range")
	}
	if s.Kind == SiteRestArea && s.InstitutionID == nil {
		fe.Add("institution_id", "site.rest_area_institution")
	}
	return fe
}

// SiteFilter selects sites.
type SiteFilter struct {
	Q          string
	Kind       string
	RegionCode string
	Page       Page
}

// RoomsInput adds rooms to a site: each name gets Beds beds labelled 1…Beds.
// Names may be given as ranges ("301-320").
type RoomsInput struct {
	Floor string   `json:"floor"`
	Names []string `json:"names"`
	Beds  int      `json:"beds"`
}

// Room is a room of a site with its beds.
type Room struct {
	ID     int64  `json:"id"`
	SiteID int64  `json:"site_id"`
	Floor  string `json:"floor"`
	Name   string `json:"name"`
	Beds   []Bed  `json:"beds"`
}

// Bed is one bed of a room.
type Bed struct {
	ID     int64  `json:"id"`
	RoomID int64  `json:"room_id"`
	Label  string `json:"label"`
	Active bool   `json:"active"`
}

// Stay is a stay as it is now (its latest row), with its history for a read of one.
type Stay struct {
	ID              int64      `json:"id"`
	Status          string     `json:"status"`
	PersonID        int64      `json:"person_id"`
	PersonName      string     `json:"person_name"`
	InstitutionName string     `json:"institution_name,omitempty"`
	SiteID          int64      `json:"site_id"`
	SiteName        string     `json:"site_name"`
	RoomID          int64      `json:"room_id"`
	RoomName        string     `json:"room_name"`
	Floor           string     `json:"floor"`
	BedID           int64      `json:"bed_id"`
	BedLabel        string     `json:"bed_label"`
	RegionCode      string     `json:"region_code"`
	CheckInOn       string     `json:"check_in_on"`
	ExpectedOutOn   string     `json:"expected_out_on"`
	CheckOutOn      string     `json:"check_out_on,omitempty"`
	HighRisk        bool       `json:"high_risk"`
	NeedID          *int64     `json:"need_id,omitempty"`
	RowID           int64      `json:"row_id"` // the latest row: a change names it as the row it corrects
	History         []StayRow  `json:"history,omitempty"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	CheckedOutAt    *time.Time `json:"-"`
}

// StayRow is one row of a stay's append-only history.
type StayRow struct {
	ID            int64     `json:"id"`
	CorrectsID    *int64    `json:"corrects_id,omitempty"`
	Action        string    `json:"action"`
	Status        string    `json:"status"`
	BedID         int64     `json:"bed_id"`
	CheckInOn     string    `json:"check_in_on"`
	ExpectedOutOn string    `json:"expected_out_on"`
	CheckOutOn    string    `json:"check_out_on,omitempty"`
	Reason        string    `json:"reason,omitempty"`
	ByName        string    `json:"by_name"`
	At            time.Time `json:"at"`
}

// CheckIn houses a person in a bed from CheckInOn to ExpectedOutOn; NeedID
// names a case of kind accommodation of theirs that the stay settles.
type CheckIn struct {
	PersonID      int64  `json:"person_id"`
	BedID         int64  `json:"bed_id"`
	CheckInOn     string `json:"check_in_on"`
	ExpectedOutOn string `json:"expected_out_on"`
	NeedID        *int64 `json:"need_id"`
}

// Normalize checks the dates: a stay holds 1 to living.MaxNights nights.
func (c *CheckIn) Normalize() FieldErrors {
	fe := FieldErrors{}
	if c.PersonID <= 0 {
		fe.Add("person_id", "field.required")
	}
	if c.BedID <= 0 {
		fe.Add("bed_id", "field.required")
	}
	c.CheckInOn, c.ExpectedOutOn = strings.TrimSpace(c.CheckInOn), strings.TrimSpace(c.ExpectedOutOn)
	CheckStayDates(fe, c.CheckInOn, c.ExpectedOutOn)
	return fe
}

// CheckStayDates checks a stay's check-in and expected check-out dates.
func CheckStayDates(fe FieldErrors, in, out string) {
	if !living.ValidDate(in) {
		fe.Add("check_in_on", "stay.date")
	}
	switch {
	case !living.ValidDate(out):
		fe.Add("expected_out_on", "stay.date")
	case out <= in:
		fe.Add("expected_out_on", "stay.out_before_in")
	case len(living.Nights(in, out)) > living.MaxNights:
		fe.Add("expected_out_on", "stay.too_long", living.MaxNights)
	}
}

// CheckOut ends a stay on a date (not before its check-in).
type CheckOut struct {
	CheckOutOn string `json:"check_out_on"`
	RowID      *int64 `json:"row_id"` // the latest row as the caller saw it; stale answers 409
}

// StayCorrection corrects a stay by a new row: another bed, other dates, or
// (Cancel) a stay entered in error. Reason is required.
type StayCorrection struct {
	BedID         *int64  `json:"bed_id"`
	CheckInOn     *string `json:"check_in_on"`
	ExpectedOutOn *string `json:"expected_out_on"`
	CheckOutOn    *string `json:"check_out_on"`
	Cancel        bool    `json:"cancel"`
	Reason        string  `json:"reason"`
	RowID         *int64  `json:"row_id"`
}

// StayFilter selects stays (their current state).
type StayFilter struct {
	Q        string // the person's name, a substring
	Status   string
	SiteID   int64
	PersonID int64
	On       string // staying on this night
	Page     Page
}

// Occupancy is a site's board for one night: every bed, and who sleeps in it.
type Occupancy struct {
	SiteID      int64           `json:"site_id"`
	SiteName    string          `json:"site_name"`
	Date        string          `json:"date"`
	MealsPerDay int             `json:"meals_per_day"`
	Beds        int             `json:"beds"`
	Occupied    int             `json:"occupied"`
	HighRisk    int             `json:"high_risk"`
	Meals       int             `json:"meals"` // meals to serve that day: occupied × meals per day
	Rooms       []OccupancyRoom `json:"rooms"`
}

// OccupancyRoom is one room of the board.
type OccupancyRoom struct {
	ID       int64          `json:"id"`
	Floor    string         `json:"floor"`
	Name     string         `json:"name"`
	HighRisk bool           `json:"high_risk"` // the room holds high-risk staff that night
	Beds     []OccupancyBed `json:"beds"`
}

// OccupancyBed is one bed of the board; StayID 0 is a free bed. A stay the
// caller may not see (another institution's staff) has no person.
type OccupancyBed struct {
	ID         int64  `json:"id"`
	Label      string `json:"label"`
	Active     bool   `json:"active"`
	StayID     int64  `json:"stay_id,omitempty"`
	PersonID   int64  `json:"person_id,omitempty"`
	PersonName string `json:"person_name,omitempty"`
	HighRisk   bool   `json:"high_risk,omitempty"`
}

// TraceFilter asks who stayed where when: a person's stays, or the people in
// a room (or a whole site) over a period (From to To inclusive).
type TraceFilter struct {
	PersonID int64
	SiteID   int64
	RoomID   int64
	From, To string
}

// TraceRow is one person's nights in one room.
type TraceRow struct {
	StayID     int64  `json:"stay_id"`
	PersonID   int64  `json:"person_id"`
	PersonName string `json:"person_name"`
	SiteID     int64  `json:"site_id"`
	SiteName   string `json:"site_name"`
	RoomID     int64  `json:"room_id"`
	RoomName   string `json:"room_name"`
	BedLabel   string `json:"bed_label"`
	FirstNight string `json:"first_night"`
	LastNight  string `json:"last_night"`
	Nights     int    `json:"nights"`
	HighRisk   bool   `json:"high_risk"`
}

// MaxTripText bounds a transport request's places and note.
const MaxTripText = 200

// Trip is a transport request (交通保障申请). Note is sealed at rest.
type Trip struct {
	ID               int64      `json:"id"`
	Status           string     `json:"status"`
	Kind             string     `json:"kind"`
	PersonID         int64      `json:"person_id"`
	PersonName       string     `json:"person_name"`
	InstitutionName  string     `json:"institution_name,omitempty"`
	FamilyMemberID   *int64     `json:"family_member_id,omitempty"`
	FamilyMemberName string     `json:"family_member_name,omitempty"`
	RegionCode       string     `json:"region_code"`
	Pickup           string     `json:"pickup"`
	Destination      string     `json:"destination"`
	WantedAt         time.Time  `json:"wanted_at"`
	Passengers       int        `json:"passengers"`
	Note             string     `json:"note,omitempty"`
	Vehicle          string     `json:"vehicle,omitempty"`
	VolunteerID      *int64     `json:"volunteer_id,omitempty"`
	DriverName       string     `json:"driver_name,omitempty"`
	AssignedAt       *time.Time `json:"assigned_at,omitempty"`
	StartedAt        *time.Time `json:"started_at,omitempty"`
	CompletedAt      *time.Time `json:"completed_at,omitempty"`
	Outcome          string     `json:"outcome,omitempty"`
	NeedID           *int64     `json:"need_id,omitempty"`
	RequestedByName  string     `json:"requested_by_name"`
	// Steps are the steps the caller may take now (living.TripSteps).
	Steps     []string  `json:"steps"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TripInput asks for transport. PersonID 0 is the caller's own record (a
// worker); a hospital trip names the family member it takes.
type TripInput struct {
	PersonID       int64     `json:"person_id"`
	FamilyMemberID *int64    `json:"family_member_id"`
	Kind           string    `json:"kind"`
	Pickup         string    `json:"pickup"`
	Destination    string    `json:"destination"`
	WantedAt       time.Time `json:"wanted_at"`
	Passengers     int       `json:"passengers"`
	Note           string    `json:"note"`
	NeedID         *int64    `json:"need_id"`
}

// Normalize checks a request's fields; now bounds the wanted time (not more
// than a day in the past, not more than 90 days ahead).
func (in *TripInput) Normalize(now time.Time) FieldErrors {
	fe := FieldErrors{}
	if !Contains(living.TripKinds, in.Kind) {
		fe.Add("kind", "field.choice")
	}
	checkText(fe, "pickup", &in.Pickup, MaxTripText, true)
	checkText(fe, "destination", &in.Destination, MaxTripText, true)
	in.Note = strings.TrimSpace(in.Note)
	if len([]rune(in.Note)) > MaxTripText*5 {
		fe.Add("note", "field.too_long", MaxTripText*5)
	}
	switch {
	case in.WantedAt.IsZero():
		fe.Add("wanted_at", "field.required")
	case in.WantedAt.Before(now.Add(-24 * time.Hour)):
		fe.Add("wanted_at", "trip.wanted_past")
	case in.WantedAt.After(now.AddDate(0, 0, 90)):
		fe.Add("wanted_at", "trip.wanted_far")
	}
	if in.Passengers == 0 {
		in.Passengers = 1
	}
	if in.Passengers < 1 || in.Passengers > 20 {
		fe.Add("passengers", "trip.passengers")
	}
	if in.Kind == living.TripHospital && in.FamilyMemberID == nil {
		fe.Add("family_member_id", "trip.family_required")
	}
	return fe
}

// TripStep is a step of a request: assign (Vehicle and/or VolunteerID),
// start, complete (Outcome), cancel (Outcome as the reason).
type TripStep struct {
	Vehicle     string `json:"vehicle"`
	VolunteerID *int64 `json:"volunteer_id"`
	Outcome     string `json:"outcome"`
	Version     *int64 `json:"version"`
}

// TripFilter selects transport requests.
type TripFilter struct {
	Q          string // the person's name, a substring
	Status     string
	Kind       string
	RegionCode string
	Open       bool // still to be carried out
	Mine       bool // a volunteer driver's own trips, a worker's own requests
	Page       Page
}
