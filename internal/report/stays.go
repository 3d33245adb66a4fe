package report

import (
	"context"
	"io"
	"strconv"

	"houdun/internal/auth"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/region"
	"houdun/internal/store"
)

// Audit actions of the accommodation and transport exports.
const (
	ActStayExport      = "export.stays"
	ActTransportExport = "export.transport"
)

var stayColumns = []listColumn{
	{"stay_person", 10}, {"stay_institution", 20}, {"stay_site", 20}, {"stay_room", 10}, {"stay_bed", 6}, {"stay_in", 12},
	{"stay_expected", 12}, {"stay_out", 12}, {"stay_status", 10}, {"stay_high_risk", 10},
}

// WriteStays writes the stays matching f as an .xlsx workbook and audits
// the export (export.stays) with one row.
// Returns EUnauthenticated, EForbidden without stay.manage and person.export.
func WriteStays(ctx context.Context, st *store.Store, w io.Writer, f model.StayFilter, filter string, lang i18n.Lang) (n int, err error) {
	if _, err := mayExport(ctx, auth.PermStayManage); err != nil {
		return 0, err
	}
	defer func() { err = auditExport(ctx, st, ActStayExport, filter, n, err) }()
	s, err := newListSheet(ctx, lang, "export.sheet.stays", "export.col.", stayColumns, lang.T("export.title.stays", dateTime(st.Now())))
	if err != nil {
		return 0, model.Internal(err)
	}
	return writePages(ctx, s, w, lang, func(ctx context.Context, p model.Page) ([]model.Stay, error) {
		f.Page = p
		list, err := st.ListStays(ctx, f)
		return list.Items, err
	}, func(v model.Stay) error {
		return s.add(v.PersonName, v.InstitutionName, v.SiteName, v.RoomName, v.BedLabel, v.CheckInOn, v.ExpectedOutOn, v.CheckOutOn,
			lang.T("stay.status."+v.Status), yesNo(lang, v.HighRisk))
	})
}

var tripColumns = []listColumn{
	{"trip_wanted", 16}, {"trip_kind", 12}, {"stay_person", 10}, {"trip_family", 10}, {"trip_pickup", 24}, {"trip_destination", 24},
	{"trip_passengers", 6}, {"trip_status", 10}, {"trip_vehicle", 12}, {"trip_driver", 10}, {"region", 18},
}

// WriteTrips writes the transport requests matching f as an .xlsx workbook
// (notes left out) and audits the export (export.transport) with one row.
// Returns EUnauthenticated, EForbidden without transport.manage and person.export.
func WriteTrips(ctx context.Context, st *store.Store, w io.Writer, f model.TripFilter, filter string, lang i18n.Lang) (n int, err error) {
	if _, err := mayExport(ctx, auth.PermTransportManage); err != nil {
		return 0, err
	}
	defer func() { err = auditExport(ctx, st, ActTransportExport, filter, n, err) }()
	s, err := newListSheet(ctx, lang, "export.sheet.transport", "export.col.", tripColumns, lang.T("export.title.transport", dateTime(st.Now())))
	if err != nil {
		return 0, model.Internal(err)
	}
	return writePages(ctx, s, w, lang, func(ctx context.Context, p model.Page) ([]model.Trip, error) {
		f.Page = p
		list, err := st.ListTrips(ctx, f)
		return list.Items, err
	}, func(v model.Trip) error {
		return s.add(dateTime(v.WantedAt), lang.T("trip.kind."+v.Kind), v.PersonName, v.FamilyMemberName, v.Pickup, v.Destination,
			strconv.Itoa(v.Passengers), lang.T("trip.status."+v.Status), v.Vehicle, v.DriverName, region.Label(v.RegionCode))
	})
}
