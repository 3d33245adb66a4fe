package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
)

// Options control an import.
type Options struct {
	// DryRun validates everything, the store's checks included, and writes nothing.
	DryRun bool
	// Progress, when set, is called now and then with the rows written so far.
	Progress func(done, total int)
	Limits   Limits
}

// ImportPeople reads a people roster, validates it against the caller's
// institutions and writes it all or nothing, keyed on the ID number: a
// second import of the same file creates and updates nothing.
//
// Returns EUnauthenticated or EForbidden for a caller who may not import,
// the errors of ReadTable for an unreadable file, EInvalid for a file
// without data rows, and EImportInvalid listing every bad cell (nothing is
// written then).
func ImportPeople(ctx context.Context, st *store.Store, r io.Reader, filename string, opt Options) (res model.ImportResult, err error) {
	res = model.ImportResult{DryRun: opt.DryRun}
	// The index is the caller's scope; fetching it first also checks the
	// permission before any of the file is read.
	insts, err := st.InstitutionIndex(ctx)
	if err != nil {
		return res, err
	}
	var t *Table
	var sum []byte
	if opt.DryRun {
		if err := st.DryRunAllowed(ctx); err != nil {
			return res, err
		}
		defer func() { auditDryRun(ctx, st, KindPeople, filename, sum, t, res, err) }()
	}
	// Rows are validated as they are read; only the valid ones are kept.
	today := st.Now()
	var v *rowValidator[store.PersonRow]
	t, sum, err = readHashed(r, filename, opt.Limits, func(t *Table, num int, cells []string) {
		if v == nil {
			pv := newPeopleValidator(t, insts, today)
			v = &pv
		}
		v.row(num, cells)
	})
	if err != nil {
		return res, err
	}
	if v == nil {
		pv := newPeopleValidator(t, insts, today)
		v = &pv
	}
	rows, bad := v.result()
	if len(bad) > 0 {
		return res, invalid(bad)
	}
	if len(rows) == 0 {
		return res, model.Errorf(model.EInvalid, "importer.no_rows")
	}
	l, _ := mapHeaders(t, KindPeople)
	res, err = st.ImportPeople(ctx, rows, store.ImportOptions{DryRun: opt.DryRun, Filename: auditName(filename, sum),
		Progress: opt.Progress, IDColumn: l.header[pIDNumber]})
	return res, storeRowErrors(err, map[string]string{"institution_id": l.header[pInstitution], "id_number": l.header[pIDNumber]})
}

// ImportFamilies reads a families roster and writes it all or nothing,
// keyed on the worker's ID number and the relative's ID number (or relation
// and name). Every worker must already be registered in the caller's scope.
// Errors as for ImportPeople.
func ImportFamilies(ctx context.Context, st *store.Store, r io.Reader, filename string, opt Options) (res model.ImportResult, err error) {
	res = model.ImportResult{DryRun: opt.DryRun}
	// The store checks again; asking here spares reading a file for nothing.
	if p := auth.FromContext(ctx); p == nil {
		return res, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	} else if !p.Can(auth.PermPersonImport) {
		return res, model.Errorf(model.EForbidden, "error.forbidden")
	}
	var t *Table
	var sum []byte
	if opt.DryRun {
		if err := st.DryRunAllowed(ctx); err != nil {
			return res, err
		}
		defer func() { auditDryRun(ctx, st, KindFamilies, filename, sum, t, res, err) }()
	}
	today := st.Now()
	var v *rowValidator[store.FamilyRow]
	t, sum, err = readHashed(r, filename, opt.Limits, func(t *Table, num int, cells []string) {
		if v == nil {
			fv := newFamiliesValidator(t, today)
			v = &fv
		}
		v.row(num, cells)
	})
	if err != nil {
		return res, err
	}
	if v == nil {
		fv := newFamiliesValidator(t, today)
		v = &fv
	}
	rows, bad := v.result()
	if len(bad) > 0 {
		return res, invalid(bad)
	}
	if len(rows) == 0 {
		return res, model.Errorf(model.EInvalid, "importer.no_rows")
	}
	l, _ := mapHeaders(t, KindFamilies)
	res, err = st.ImportFamilies(ctx, rows, store.ImportOptions{DryRun: opt.DryRun, Filename: auditName(filename, sum),
		Progress: opt.Progress, IDColumn: l.header[fIDNumber]})
	return res, storeRowErrors(err, map[string]string{"id_number": l.header[fIDNumber], "worker_id_number": l.header[fWorker]})
}

// auditDryRun writes the one audit row of a dry run, counts only. A failure
// to write it goes nowhere: the check itself is done and wrote nothing.
func auditDryRun(ctx context.Context, st *store.Store, kind Kind, filename string, sum []byte, t *Table, res model.ImportResult, err error) {
	rows := 0
	if t != nil {
		rows = t.DataRows
	}
	_ = st.AuditDryRun(ctx, string(kind), auditName(filename, sum), rows, res, err)
}

// readHashed streams the rows of the file to row and returns its header
// and the SHA-256 of the bytes read.
func readHashed(r io.Reader, filename string, lim Limits, row func(t *Table, num int, cells []string)) (*Table, []byte, error) {
	h := sha256.New()
	t, err := StreamTable(io.TeeReader(r, h), filename, lim, row)
	return t, h.Sum(nil), err
}

// auditName identifies the file in the audit trail by its extension and
// content hash. The file's name is left out: rosters are often named after
// the people in them ("张三等12人.xlsx"), and the audit trail holds no
// personal data; the hash still matches the file a clerk kept.
func auditName(filename string, sum []byte) string {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(filename), "."))
	return ext + " sha256:" + hex.EncodeToString(sum)
}

// invalid is the error of a file with bad cells.
func invalid(rows []model.RowError) error {
	return &model.Error{Code: model.EImportInvalid, Msg: model.M("import.invalid", countErrors(rows)), Rows: rows}
}

// storeRowErrors puts the file's own header on the row errors the store
// found (it names columns by field), in row order.
func storeRowErrors(err error, headers map[string]string) error {
	var me *model.Error
	if !errors.As(err, &me) || len(me.Rows) == 0 {
		return err
	}
	for i, re := range me.Rows {
		if h, ok := headers[re.Column]; ok {
			me.Rows[i].Column = h
		}
	}
	slices.SortStableFunc(me.Rows, func(a, b model.RowError) int { return a.Row - b.Row })
	return err
}
