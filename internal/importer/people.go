package importer

import (
	"slices"
	"strings"
	"time"

	"houdun/internal/model"
	"houdun/internal/store"
)

// MaxRowErrors is how many bad cells an import reports before it stops
// listing them: enough to fix a file column by column, while a file of
// 200,000 bad rows cannot turn into a response of a million entries.
const MaxRowErrors = 1000

// errorList collects the row errors of a file, which arrive in row order,
// up to MaxRowErrors, and counts the rest.
type errorList struct {
	list    []model.RowError
	omitted int
	firstAt int // row of the first omitted error
}

func (e *errorList) add(re model.RowError) {
	if len(e.list) < MaxRowErrors {
		e.list = append(e.list, re)
		return
	}
	if e.omitted == 0 {
		e.firstAt = re.Row
	}
	e.omitted++
}

// result returns the errors; when some were omitted, a last entry says how many.
func (e *errorList) result() []model.RowError {
	if e.omitted > 0 {
		return append(e.list, model.RowError{Row: e.firstAt, Msg: model.M(moreErrorsKey, e.omitted)})
	}
	return e.list
}

const moreErrorsKey = "importer.more_errors"

// countErrors is the number of bad cells rows stand for, counting the omitted ones.
func countErrors(rows []model.RowError) int {
	n := len(rows)
	if n > 0 && rows[n-1].Msg.Key == moreErrorsKey {
		n += rows[n-1].Msg.Args[0].(int) - 1
	}
	return n
}

// rowCheck holds the problems of one row, at most one per template column
// (the first found wins: a value that could not be parsed is not also
// reported by Normalize as empty).
type rowCheck struct {
	bad []model.Msg
	has []bool
	any bool
}

func newRowCheck(n int) rowCheck {
	return rowCheck{bad: make([]model.Msg, n), has: make([]bool, n)}
}

func (r *rowCheck) reset() {
	clear(r.has)
	r.any = false
}

func (r *rowCheck) set(col int, m model.Msg) {
	if !r.has[col] {
		r.bad[col], r.has[col], r.any = m, true, true
	}
}

// fieldErrors files Normalize's problems under the columns they came from.
func (r *rowCheck) fieldErrors(fe model.FieldErrors, byField map[string]int) {
	for field, m := range fe {
		if c, ok := byField[field]; ok {
			r.set(c, m)
		}
	}
}

// emit adds the row's problems to errs in the order of the file's columns.
func (r *rowCheck) emit(errs *errorList, row int, l layout, order []int) {
	if !r.any {
		return
	}
	for _, c := range order {
		if r.has[c] {
			errs.add(model.RowError{Row: row, Column: l.header[c], Msg: r.bad[c]})
		}
	}
}

// fileOrder lists the template columns in the order the file has them.
func fileOrder(l layout) []int {
	order := make([]int, len(l.pos))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return l.pos[a] - l.pos[b] })
	return order
}

// fieldIndex maps Normalize's field names to template columns.
func fieldIndex(cols []column) map[string]int {
	m := make(map[string]int, len(cols))
	for i, c := range cols {
		m[c.errField] = i
	}
	return m
}

// cellOf returns the cell of template column c in row, "" when absent.
func (l layout) cellOf(row []string, c int) string {
	if p := l.pos[c]; p < len(row) {
		return row[p]
	}
	return ""
}

// institutions resolves the 单位 column among the caller's institutions.
type institutions struct {
	byName map[string][]int64
	byCode map[string]int64
}

func newInstitutions(refs []store.InstitutionRef) institutions {
	in := institutions{byName: make(map[string][]int64, len(refs)), byCode: make(map[string]int64, len(refs))}
	for _, r := range refs {
		in.byName[r.Name] = append(in.byName[r.Name], r.ID)
		if r.CreditCode != "" {
			in.byCode[r.CreditCode] = r.ID
		}
	}
	return in
}

// resolve finds an institution by its exact name, else by its unified
// social credit code. Names repeat across regions, so a name that matches
// several is refused rather than guessed.
func (in institutions) resolve(s string) (int64, model.Msg, bool) {
	if s == "" {
		return 0, model.M("field.required"), false
	}
	switch ids := in.byName[s]; len(ids) {
	case 1:
		return ids[0], model.Msg{}, true
	case 0:
	default:
		return 0, model.M("institution.ambiguous"), false
	}
	if len(s) == 18 {
		if id, ok := in.byCode[strings.ToUpper(s)]; ok {
			return id, model.Msg{}, true
		}
	}
	return 0, model.M("institution.unknown"), false
}

var peopleFields = fieldIndex(peopleColumns)

// asNumberMsg explains an ID number or phone that Excel turned into a number.
var asNumberMsg = model.M("importer.as_number")

// People validates a people table against the template and the caller's
// institutions (from store.InstitutionIndex). Every bad cell of every row
// is reported (up to MaxRowErrors), in row order and within a row in the
// file's column order, quoting the file's own header; rows come back only
// when there is no error at all.
func People(t *Table, insts []store.InstitutionRef, today time.Time) ([]store.PersonRow, []model.RowError) {
	v := newPeopleValidator(t, insts, today)
	for i, row := range t.Rows {
		v.row(t.RowNumbers[i], row)
	}
	return v.result()
}

// rowValidator checks the rows of a file one at a time, as they are read,
// keeping only the valid rows' values and the first MaxRowErrors problems:
// what an import holds in memory is what it will write, never the file.
type rowValidator[R any] struct {
	headerErrs []model.RowError
	row        func(num int, cells []string) // cells are valid during the call only
	out        *[]R
	errs       *errorList
}

// result returns the valid rows, or every problem when there is one.
func (v rowValidator[R]) result() ([]R, []model.RowError) {
	if len(v.headerErrs) > 0 {
		return nil, v.headerErrs
	}
	if bad := v.errs.result(); len(bad) > 0 {
		return nil, bad
	}
	return *v.out, nil
}

// headerFailed is the validator of a file whose header is wrong: its rows are not looked at.
func headerFailed[R any](errs []model.RowError) rowValidator[R] {
	return rowValidator[R]{headerErrs: errs, row: func(int, []string) {}}
}

// newPeopleValidator validates people rows under t's header.
func newPeopleValidator(t *Table, insts []store.InstitutionRef, today time.Time) rowValidator[store.PersonRow] {
	l, headerErrs := mapHeaders(t, KindPeople)
	if len(headerErrs) > 0 {
		return headerFailed[store.PersonRow](headerErrs)
	}
	order := fileOrder(l)
	inst := newInstitutions(insts)
	var errs errorList
	out := make([]store.PersonRow, 0, len(t.Rows))
	firstRow := make(map[string]int, len(t.Rows)) // ID number → row that has it first
	chk := newRowCheck(len(peopleColumns))
	check := func(num int, row []string) {
		chk.reset()
		f := model.PersonFields{
			Name:       l.cellOf(row, pName),
			IDNumber:   l.cellOf(row, pIDNumber),
			Phone:      l.cellOf(row, pPhone),
			Department: l.cellOf(row, pDepartment),
			Title:      l.cellOf(row, pTitle),
		}
		if looksScientific(f.IDNumber) {
			chk.set(pIDNumber, asNumberMsg)
		}
		if looksScientific(f.Phone) {
			chk.set(pPhone, asNumberMsg)
		}
		if id, msg, ok := inst.resolve(l.cellOf(row, pInstitution)); ok {
			f.InstitutionID = id
		} else {
			chk.set(pInstitution, msg)
		}
		if s := l.cellOf(row, pOccupation); s == "" {
			chk.set(pOccupation, model.M("field.required"))
		} else if v, ok := occupations.parse(s); ok {
			f.Occupation = v
		} else {
			chk.set(pOccupation, occupations.invalid())
		}
		if v, ok := parseBool(l.cellOf(row, pFrontline)); ok {
			f.Frontline = v
		} else {
			chk.set(pFrontline, model.M("field.bool"))
		}
		chk.fieldErrors(f.Normalize(today), peopleFields)
		if !chk.has[pIDNumber] {
			if first, dup := firstRow[f.IDNumber]; dup {
				chk.set(pIDNumber, model.M("importer.duplicate_of_row", first))
			} else {
				firstRow[f.IDNumber] = num
			}
		}
		if chk.any {
			chk.emit(&errs, num, l, order)
			return
		}
		out = append(out, store.PersonRow{Row: num, Fields: f})
	}
	return rowValidator[store.PersonRow]{row: check, out: &out, errs: &errs}
}
