package api_test

import (
	"slices"
	"sort"
	"testing"

	"houdun/internal/living"
	"houdun/internal/model"
)

// TestOpenAPIStaySchemasMatchModels keeps the accommodation and transport
// schemas of openapi_stays.json in step with the model's json fields, and
// their closed lists with the model's.
func TestOpenAPIStaySchemasMatchModels(t *testing.T) {
	doc := readOpenAPI(t)
	for name, v := range map[string]any{
		"Site": model.Site{}, "SiteInput": model.SiteInput{}, "SitePatch": model.SiteInput{}, "Room": model.Room{}, "Bed": model.Bed{},
		"RoomsInput": model.RoomsInput{}, "Stay": model.Stay{}, "StayRow": model.StayRow{}, "CheckIn": model.CheckIn{},
		"CheckOut": model.CheckOut{}, "StayCorrection": model.StayCorrection{}, "Occupancy": model.Occupancy{},
		"OccupancyRoom": model.OccupancyRoom{}, "OccupancyBed": model.OccupancyBed{}, "TraceRow": model.TraceRow{},
		"Trip": model.Trip{}, "TripInput": model.TripInput{}, "TripStep": model.TripStep{},
	} {
		s, ok := doc.Components.Schemas[name]
		if !ok {
			t.Errorf("schema %s is missing", name)
			continue
		}
		var got []string
		for p := range s.Properties {
			got = append(got, p)
		}
		sort.Strings(got)
		if want := jsonFields(v); !slices.Equal(got, want) {
			t.Errorf("%s: properties %v, want %v", name, got, want)
		}
	}
	for name, want := range map[string][]string{
		"SiteKind": model.SiteKinds, "StayStatus": model.StayStatuses, "TripKind": living.TripKinds, "TripStatus": living.TripStatuses,
	} {
		if got := doc.Components.Schemas[name].Enum; !slices.Equal(got, want) {
			t.Errorf("%s enum = %v, want %v", name, got, want)
		}
	}
}
