package importer

import (
	"errors"
	"time"

	"houdun/internal/ident"
	"houdun/internal/model"
	"houdun/internal/store"
)

var familyFields = fieldIndex(familyColumns)

// idNumberMsg is the message for an ID number ident rejects, under the same
// keys Normalize uses for a person's own number.
func idNumberMsg(err error) model.Msg {
	var ie ident.Error
	if errors.As(err, &ie) {
		return model.M("id_number." + string(ie.Reason))
	}
	return model.M("id_number.format")
}

// Families validates a families table: each row names a worker by ID number
// and describes one relative. Whether the worker is registered (and in the
// caller's scope) is the store's question; everything a row says by itself
// is checked here, and so are repeats inside the file: the same relative of
// the same worker twice, by ID number or by relation and name, which is how
// the store tells relatives apart.
func Families(t *Table, today time.Time) ([]store.FamilyRow, []model.RowError) {
	v := newFamiliesValidator(t, today)
	for i, row := range t.Rows {
		v.row(t.RowNumbers[i], row)
	}
	return v.result()
}

// newFamiliesValidator validates families rows under t's header.
func newFamiliesValidator(t *Table, today time.Time) rowValidator[store.FamilyRow] {
	l, headerErrs := mapHeaders(t, KindFamilies)
	if len(headerErrs) > 0 {
		return headerFailed[store.FamilyRow](headerErrs)
	}
	order := fileOrder(l)
	var errs errorList
	out := make([]store.FamilyRow, 0, len(t.Rows))
	firstByID := map[string]int{}   // worker|relative ID → first row
	firstByName := map[string]int{} // worker|relation|name → first row
	chk := newRowCheck(len(familyColumns))
	check := func(num int, row []string) {
		chk.reset()
		worker := l.cellOf(row, fWorker)
		if looksScientific(worker) {
			chk.set(fWorker, asNumberMsg)
		} else if id, err := ident.ParseIDNumber(worker, today); err != nil {
			chk.set(fWorker, idNumberMsg(err))
		} else {
			worker = id.Number
		}
		f := model.FamilyFields{
			Name:     l.cellOf(row, fName),
			IDNumber: l.cellOf(row, fIDNumber),
			Phone:    l.cellOf(row, fPhone),
		}
		if s := l.cellOf(row, fRelation); s == "" {
			chk.set(fRelation, model.M("field.required"))
		} else if v, ok := relations.parse(s); ok {
			f.Relation = v
		} else {
			chk.set(fRelation, relations.invalid())
		}
		if s := l.cellOf(row, fBirthDate); s != "" {
			if d, ok := parseDate(s); ok {
				f.BirthDate = d
			} else {
				chk.set(fBirthDate, model.M("field.date"))
			}
		}
		if looksScientific(f.IDNumber) {
			chk.set(fIDNumber, asNumberMsg)
			f.IDNumber = ""
		}
		if looksScientific(f.Phone) {
			chk.set(fPhone, asNumberMsg)
		}
		if v, ok := parseBool(l.cellOf(row, fLivesWith)); ok {
			f.LivesWith = v
		} else {
			chk.set(fLivesWith, model.M("field.bool"))
		}
		if s := l.cellOf(row, fCareNeeds); s != "" {
			for _, part := range splitCare(s) {
				if v, ok := careNeeds.parse(part); ok {
					f.CareNeeds = append(f.CareNeeds, v)
				} else {
					chk.set(fCareNeeds, careNeeds.invalid())
				}
			}
		}
		chk.fieldErrors(f.Normalize(today), familyFields)
		if !chk.has[fWorker] {
			repeated := false // one repeat is reported once, by ID number if it has one
			if f.IDNumber != "" && !chk.has[fIDNumber] {
				if f.IDNumber == worker {
					chk.set(fIDNumber, model.M("family.link_self"))
				} else if first, dup := firstByID[worker+"|"+f.IDNumber]; dup {
					chk.set(fIDNumber, model.M("importer.duplicate_of_row", first))
					repeated = true
				} else {
					firstByID[worker+"|"+f.IDNumber] = num
				}
			}
			if !repeated && !chk.has[fName] && !chk.has[fRelation] {
				key := worker + "|" + f.Relation + "|" + f.Name
				if first, dup := firstByName[key]; dup {
					chk.set(fName, model.M("importer.duplicate_of_row", first))
				} else {
					firstByName[key] = num
				}
			}
		}
		if chk.any {
			chk.emit(&errs, num, l, order)
			return
		}
		out = append(out, store.FamilyRow{Row: num, WorkerIDNumber: worker, WorkerColumn: l.header[fWorker], Fields: f})
	}
	return rowValidator[store.FamilyRow]{row: check, out: &out, errs: &errs}
}
