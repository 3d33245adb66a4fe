package report

import (
	"context"
	"io"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/region"
	"houdun/internal/store"
)

// The exports of the family liaison log and of the check-ins and the
// missing list, as their pages show them (the same store calls).

var familyContactColumns = []listColumn{
	{"contacted_at", 17}, {"person", 10}, {"institution", 22}, {"relative", 14}, {"channel", 12}, {"outcome", 12}, {"note", 48},
	{"case", 8}, {"by", 12},
}

// WriteFamilyContacts writes the contacts matching f as an .xlsx workbook and
// audits the export (export.family_contacts).
// Returns EUnauthenticated, EForbidden without family_contact.read and person.export.
func WriteFamilyContacts(ctx context.Context, st *store.Store, w io.Writer, f model.FamilyContactFilter, filter string, lang i18n.Lang) (n int, err error) {
	if _, err := mayExport(ctx, auth.PermFamilyContactRead); err != nil {
		return 0, err
	}
	defer func() { err = auditExport(ctx, st, store.ActFamilyContactExport, filter, n, err) }()
	s, err := newListSheet(ctx, lang, "export.sheet.family_contacts", "export.fc_col.", familyContactColumns, lang.T("export.title.family_contacts", dateTime(st.Now())))
	if err != nil {
		return 0, model.Internal(err)
	}
	cctx := store.Covered(ctx)
	cut := false
	for offset := 0; ; offset += listPage {
		f.Page = model.Page{Limit: listPage, Offset: offset}
		list, err := st.ListFamilyContacts(cctx, f)
		if err != nil {
			s.x.Close()
			return n, err
		}
		for _, c := range list.Items {
			if n == ListExportMax {
				cut = true
				break
			}
			relative := c.FamilyMemberName
			if relative != "" && c.Relation != "" {
				relative += "（" + lang.T("importer.relation."+c.Relation) + "）"
			}
			caseNo := ""
			if c.NeedID != nil {
				caseNo = "#" + strconv.FormatInt(*c.NeedID, 10)
			}
			if err := s.add(dateTime(c.ContactedAt), c.PersonName, c.InstitutionName, relative, lang.T("family_contact.channel."+c.Channel),
				lang.T("family_contact.outcome."+c.Outcome), c.Note, caseNo, c.ContactedBy); err != nil {
				s.x.Close()
				return n, model.Internal(err)
			}
			n++
		}
		if cut || len(list.Items) < listPage {
			break
		}
	}
	if err := s.finish(w, lang, cut); err != nil {
		return n, model.Internal(err)
	}
	return n, nil
}

var checkinColumns = []listColumn{
	{"date", 11}, {"person", 10}, {"institution", 22}, {"region", 18}, {"temperature", 9}, {"fever", 7}, {"symptoms", 26},
	{"sleep", 8}, {"mood", 8}, {"remark", 30}, {"corrections", 8},
}

// WriteCheckins writes the check-ins matching f as an .xlsx workbook and
// audits the export (export.checkins).
// Returns EUnauthenticated, EForbidden without checkin.read and person.export.
func WriteCheckins(ctx context.Context, st *store.Store, w io.Writer, f model.CheckinFilter, filter string, lang i18n.Lang) (n int, err error) {
	if _, err := mayExport(ctx, auth.PermCheckinRead); err != nil {
		return 0, err
	}
	defer func() { err = auditExport(ctx, st, store.ActCheckinExport, filter, n, err) }()
	s, err := newListSheet(ctx, lang, "export.sheet.checkins", "export.ci_col.", checkinColumns, lang.T("export.title.checkins", dateTime(st.Now())))
	if err != nil {
		return 0, model.Internal(err)
	}
	cctx := store.Covered(ctx)
	cut := false
	for offset := 0; ; offset += listPage {
		f.Page = model.Page{Limit: listPage, Offset: offset}
		list, err := st.ListCheckins(cctx, f)
		if err != nil {
			s.x.Close()
			return n, err
		}
		for _, c := range list.Items {
			if n == ListExportMax {
				cut = true
				break
			}
			symptoms := make([]string, len(c.Symptoms))
			for i, k := range c.Symptoms {
				symptoms[i] = lang.T("checkin.symptom." + k)
			}
			if err := s.add(c.Day, c.PersonName, c.InstitutionName, region.Label(c.RegionCode), c.Temperature, yesNo(lang, c.Fever),
				strings.Join(symptoms, lang.T("web.list_sep")), c.SleepHours, lang.T("checkin.mood."+strconv.Itoa(c.Mood)), c.Remark, c.Corrections); err != nil {
				s.x.Close()
				return n, model.Internal(err)
			}
			n++
		}
		if cut || len(list.Items) < listPage {
			break
		}
	}
	if err := s.finish(w, lang, cut); err != nil {
		return n, model.Internal(err)
	}
	return n, nil
}

var missingColumns = []listColumn{
	{"person", 10}, {"institution", 22}, {"region", 18}, {"assignment", 24}, {"last", 12},
}

// WriteMissingCheckins writes the missing list of a day as an .xlsx workbook
// and audits the export (export.checkins, filter naming the day).
// Returns EUnauthenticated, EForbidden without checkin.read and person.export, EInvalid (date).
func WriteMissingCheckins(ctx context.Context, st *store.Store, w io.Writer, f model.MissingFilter, filter string, lang i18n.Lang) (n int, err error) {
	if _, err := mayExport(ctx, auth.PermCheckinRead); err != nil {
		return 0, err
	}
	if f.Day == "" {
		f.Day = model.ChinaDay(st.Now())
	}
	defer func() { err = auditExport(ctx, st, store.ActCheckinExport, "missing="+f.Day+"&"+filter, n, err) }()
	s, err := newListSheet(ctx, lang, "export.sheet.missing", "export.ci_col.", missingColumns, lang.T("export.title.missing", f.Day))
	if err != nil {
		return 0, model.Internal(err)
	}
	cctx := store.Covered(ctx)
	cut := false
	for offset := 0; ; offset += listPage {
		f.Page = model.Page{Limit: listPage, Offset: offset}
		list, err := st.ListMissingCheckins(cctx, f)
		if err != nil {
			s.x.Close()
			return n, err
		}
		for _, m := range list.Items {
			if n == ListExportMax {
				cut = true
				break
			}
			if err := s.add(m.PersonName, m.InstitutionName, region.Label(m.RegionCode), m.Assignment, m.LastCheckin); err != nil {
				s.x.Close()
				return n, model.Internal(err)
			}
			n++
		}
		if cut || len(list.Items) < listPage {
			break
		}
	}
	if err := s.finish(w, lang, cut); err != nil {
		return n, model.Internal(err)
	}
	return n, nil
}
