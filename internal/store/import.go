package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// PersonRow is one validated row of a people file, with its row number for error reports.
type PersonRow struct {
	Row    int
	Fields model.PersonFields
}

// FamilyRow is one validated row of a families file: the worker by ID number, and the relative.
type FamilyRow struct {
	Row            int
	WorkerIDNumber string
	WorkerColumn   string // header of the worker column, for error reports
	Fields         model.FamilyFields
}

// ImportOptions control an import.
type ImportOptions struct {
	DryRun   bool
	Filename string
	// Progress, when set, is called now and then with the rows done so far.
	Progress func(done, total int)
	// IDColumn names the ID-number column in the file, for row errors found here.
	IDColumn string
}

// InstitutionRef is the part of an institution an importer needs to resolve a name.
type InstitutionRef struct {
	ID         int64
	Name       string
	CreditCode string
	RegionCode string
}

// InstitutionIndex returns every institution in the caller's scope, for
// resolving the 单位 column of a roster by name or credit code.
func (s *Store) InstitutionIndex(ctx context.Context) (_ []InstitutionRef, err error) {
	defer wrap(&err, "InstitutionIndex()")
	pr, err := principal(ctx, auth.PermPersonImport)
	if err != nil {
		return nil, err
	}
	var a args
	rows, err := s.read.QueryContext(ctx, "SELECT i.id, i.name, COALESCE(i.credit_code, ''), i.region_code FROM institutions i WHERE "+scopeOf(pr).on("institutions", "i", &a), a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	var out []InstitutionRef
	for rows.Next() {
		var r InstitutionRef
		if err := rows.Scan(&r.ID, &r.Name, &r.CreditCode, &r.RegionCode); err != nil {
			return nil, model.Internal(err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

type existingPerson struct {
	id            int64
	name          string
	phoneHash     []byte
	institutionID int64
	regionCode    string
	department    string
	occupation    string
	title         string
	frontline     bool
}

// lookupBatch is how many keyed hashes one IN (…) query carries.
const lookupBatch = 500

// existingPeople loads the people whose ID-number hash is among hashes.
func (s *Store) existingPeople(ctx context.Context, q queryer, hashes [][]byte) (map[string]existingPerson, error) {
	// unscoped: matching by ID-number hash across scope; ImportPeople refuses a match outside it (scope.hasPerson).
	out := make(map[string]existingPerson, len(hashes))
	for i := 0; i < len(hashes); i += lookupBatch {
		chunk := hashes[i:min(i+lookupBatch, len(hashes))]
		var a args
		for _, h := range chunk {
			a = append(a, h)
		}
		rows, err := q.QueryContext(ctx, `SELECT id, id_number_hash, name, phone_hash, institution_id, region_code, department, occupation, title, frontline
			FROM people WHERE id_number_hash IN (`+s.placeholders(len(chunk))+")", a...)
		if err != nil {
			return nil, model.Internal(err)
		}
		for rows.Next() {
			var e existingPerson
			var h []byte
			if err := rows.Scan(&e.id, &h, &e.name, &e.phoneHash, &e.institutionID, &e.regionCode, &e.department, &e.occupation, &e.title, &e.frontline); err != nil {
				rows.Close()
				return nil, model.Internal(err)
			}
			out[string(h)] = e
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, model.Internal(err)
		}
	}
	return out, nil
}

// ImportPeople writes a validated roster all or nothing, keyed on the ID
// number: new people are created, changed ones updated, the rest counted as
// unchanged. A row whose ID number is registered outside the caller's scope
// becomes a transfer request and is counted as created, exactly like a new
// person, so that the result does not tell which ID numbers exist elsewhere.
// Rows naming an institution out of scope fail the whole import with
// EImportInvalid listing them. A dry run does everything but commit; it is
// rate-limited per account and audited with its counts (see DryRunAllowed).
func (s *Store) ImportPeople(ctx context.Context, rows []PersonRow, opt ImportOptions) (_ model.ImportResult, err error) {
	defer wrap(&err, "ImportPeople()")
	res := model.ImportResult{DryRun: opt.DryRun}
	pr, err := principal(ctx, auth.PermPersonImport)
	if err != nil {
		return res, err
	}
	insts, err := s.InstitutionIndex(ctx)
	if err != nil {
		return res, err
	}
	instRegion := make(map[int64]string, len(insts))
	for _, in := range insts {
		instRegion[in.ID] = in.RegionCode
	}
	hashes := make([][]byte, len(rows))
	parallel(len(rows), func(i int) { hashes[i] = s.seal.Hash(hashIDNumber, rows[i].Fields.IDNumber) })
	err = s.txConn(ctx, func(tx *sql.Tx, conn *sql.Conn) error {
		existing, err := s.existingPeople(ctx, tx, hashes)
		if err != nil {
			return err
		}
		var bad []model.RowError
		var inserts []personInsert
		var updates []int
		var transfers []personTransfer
		now := ms(s.now())
		for i, r := range rows {
			f := &r.Fields
			region, ok := instRegion[f.InstitutionID]
			if !ok {
				bad = append(bad, model.RowError{Row: r.Row, Column: "institution_id", Msg: model.M("institution.unknown")})
				continue
			}
			e, found := existing[string(hashes[i])]
			if !found {
				inserts = append(inserts, personInsert{f: f, hash: hashes[i], region: region})
				continue
			}
			if !scopeOf(pr).hasPerson(e.id, e.institutionID, e.regionCode) {
				transfers = append(transfers, personTransfer{i: i, e: e, region: region})
				continue
			}
			if e.name == f.Name && bytes.Equal(e.phoneHash, s.seal.Hash(hashPhone, f.Phone)) && e.institutionID == f.InstitutionID &&
				e.department == f.Department && e.occupation == f.Occupation && e.title == f.Title && e.frontline == f.Frontline {
				res.Unchanged++
				continue
			}
			updates = append(updates, i)
			existing[string(hashes[i])] = existingPerson{id: e.id, regionCode: region}
		}
		if len(bad) > 0 {
			return &model.Error{Code: model.EImportInvalid, Msg: model.M("import.invalid", len(bad)), Rows: bad}
		}
		done := res.Unchanged
		progress := func(n int) {
			done += n
			if opt.Progress != nil {
				opt.Progress(done, len(rows))
			}
		}
		if err := s.insertPeople(ctx, tx, conn, inserts, now, progress); err != nil {
			return err
		}
		res.Created = len(inserts) + len(transfers)
		approvers := map[string]bool{}
		for _, t := range transfers {
			_, approver, fresh, err := s.submitTransfer(ctx, tx, pr, t.e, &rows[t.i].Fields, t.region, model.TransferFromImport, now)
			if err != nil {
				return err
			}
			if fresh {
				approvers[approver] = true
			}
		}
		for approver := range approvers {
			if err := s.notifyApprovers(ctx, tx, pr, approver, now); err != nil {
				return err
			}
		}
		progress(len(transfers))
		if len(updates) > 0 {
			stmt, err := tx.PrepareContext(ctx, `UPDATE people SET name = $1, phone_enc = $2, phone_hash = $3, institution_id = $4, region_code = $5,
				department = $6, occupation = $7, title = $8, frontline = $9, version = version + 1, updated_at = $10 WHERE id = $11`)
			if err != nil {
				return model.Internal(err)
			}
			defer stmt.Close()
			for k, i := range updates {
				f := rows[i].Fields
				e := existing[string(hashes[i])]
				if _, err := stmt.ExecContext(ctx, f.Name, s.seal.Seal(f.Phone), s.seal.Hash(hashPhone, f.Phone), f.InstitutionID, e.regionCode,
					f.Department, f.Occupation, f.Title, f.Frontline, now, e.id); err != nil {
					return model.Internal(err)
				}
				if k%1000 == 999 {
					progress(1000)
				}
			}
			progress(len(updates) % 1000)
		}
		res.Updated = len(updates)
		if len(inserts) > 0 {
			// Relatives registered earlier whose ID number is one of the new people are medical workers too.
			if _, err := tx.ExecContext(ctx, `UPDATE family_members SET medical_worker_person_id =
				(SELECT p.id FROM people p WHERE p.id_number_hash = family_members.id_number_hash)
				WHERE medical_worker_person_id IS NULL AND id_number_hash IN (SELECT id_number_hash FROM people WHERE created_at = $1)`, now); err != nil {
				return model.Internal(err)
			}
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActImportPeople, ObjectType: "import", ObjectID: opt.Filename,
			Detail: fmt.Sprintf("rows=%d created=%d updated=%d unchanged=%d transfers=%d dry_run=%t", len(rows), len(inserts), res.Updated, res.Unchanged, len(transfers), opt.DryRun)}); err != nil {
			return err
		}
		if opt.DryRun {
			return errDryRun
		}
		return nil
	})
	if err == errDryRun {
		err = nil
	}
	return res, err
}

// errDryRun rolls a dry run's transaction back after all its work is done.
var errDryRun = fmt.Errorf("dry run")

// personTransfer is a row whose ID number is registered outside the
// caller's scope: rows[i] asks to move person e to region.
type personTransfer struct {
	i      int
	e      existingPerson
	region string
}

type personInsert struct {
	f      *model.PersonFields
	hash   []byte
	region string
}

var personInsertColumns = []string{"name", "id_number_enc", "id_number_hash", "phone_enc", "phone_hash", "birth_date", "sex",
	"institution_id", "region_code", "department", "occupation", "title", "frontline", "version", "created_at", "updated_at"}

func (s *Store) personInsertValues(p personInsert, now int64) []any {
	f := p.f
	return []any{f.Name, s.seal.Seal(f.IDNumber), p.hash, s.seal.Seal(f.Phone), s.seal.Hash(hashPhone, f.Phone), f.BirthDate, f.Sex,
		f.InstitutionID, p.region, f.Department, f.Occupation, f.Title, f.Frontline, int64(1), now, now}
}

// insertPeople writes new people: COPY on PostgreSQL, multi-row inserts on SQLite.
func (s *Store) insertPeople(ctx context.Context, tx *sql.Tx, conn *sql.Conn, ins []personInsert, now int64, progress func(int)) error {
	if len(ins) == 0 {
		return nil
	}
	// In hash order the unique index on the ID-number hash grows at its end
	// instead of splitting pages all over; row ids do not care about order.
	slices.SortFunc(ins, func(a, b personInsert) int { return bytes.Compare(a.hash, b.hash) })
	if s.engine == Postgres {
		const chunk = 5000
		for i := 0; i < len(ins); i += chunk {
			part := ins[i:min(i+chunk, len(ins))]
			values := make([][]any, len(part))
			for j, p := range part {
				values[j] = s.personInsertValues(p, now)
			}
			if err := copyFrom(ctx, conn, "people", personInsertColumns, values); err != nil {
				return err
			}
			progress(len(part))
		}
		return nil
	}
	return s.insertMultiRow(ctx, tx, "people", personInsertColumns, len(ins), func(j int) []any { return s.personInsertValues(ins[j], now) }, progress)
}

// insertMultiRow inserts n rows with as many rows per statement as SQLite's
// parameter limit allows; far fewer round trips into the engine than one per row.
func (s *Store) insertMultiRow(ctx context.Context, tx *sql.Tx, table string, cols []string, n int, row func(int) []any, progress func(int)) error {
	per := min(32000/len(cols), 200)
	var stmt *sql.Stmt
	stmtRows := 0
	defer func() {
		if stmt != nil {
			stmt.Close()
		}
	}()
	// The values (sealed and hashed fields) are made on another goroutine,
	// one batch ahead, so the second core seals while the first writes.
	batches := make(chan []any, 4)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(batches)
		for i := 0; i < n; i += per {
			m := min(per, n-i)
			vals := make([]any, 0, m*len(cols))
			for r := 0; r < m; r++ {
				vals = append(vals, row(i+r)...)
			}
			select {
			case batches <- vals:
			case <-stop:
				return
			}
		}
	}()
	for i := 0; i < n; i += per {
		m := min(per, n-i)
		if stmt == nil || stmtRows != m {
			if stmt != nil {
				stmt.Close()
			}
			var sb strings.Builder
			// OR FAIL: an error ends the whole import transaction anyway, and it
			// spares SQLite the statement journal a multi-row INSERT otherwise keeps.
			sb.WriteString("INSERT OR FAIL INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
			k := 0
			for r := 0; r < m; r++ {
				if r > 0 {
					sb.WriteString(", ")
				}
				sb.WriteByte('(')
				for c := range cols {
					if c > 0 {
						sb.WriteString(", ")
					}
					k++
					// Plain ? on SQLite: the driver resolves $n names by a linear
					// scan per parameter, quadratic over a wide statement.
					sb.WriteString("?")
				}
				sb.WriteByte(')')
			}
			var err error
			if stmt, err = tx.PrepareContext(ctx, sb.String()); err != nil {
				return model.Internal(err)
			}
			stmtRows = m
		}
		vals := <-batches
		if _, err := stmt.ExecContext(ctx, vals...); err != nil {
			if isUniqueViolation(err) {
				return &model.Error{Code: model.EConflict, Msg: model.M("import.conflict"), Err: err}
			}
			return model.Internal(err)
		}
		progress(m)
	}
	return nil
}

// copyFrom streams rows into a PostgreSQL table with COPY, on the connection
// whose transaction is open, so the copy commits or rolls back with it.
func copyFrom(ctx context.Context, conn *sql.Conn, table string, cols []string, values [][]any) error {
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		if _, err := pc.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(values)); err != nil {
			if isUniqueViolation(err) {
				return &model.Error{Code: model.EConflict, Msg: model.M("import.conflict"), Err: err}
			}
			return model.Internal(fmt.Errorf("copy into %s: %w", table, err))
		}
		return nil
	})
}

// txConn is tx with the connection exposed, for COPY on PostgreSQL.
func (s *Store) txConn(ctx context.Context, fn func(tx *sql.Tx, conn *sql.Conn) error) (err error) {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return model.Internal(err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return model.Internal(err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx, conn); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return model.Internal(err)
	}
	return nil
}

// placeholders returns n placeholders for an IN list that is the whole of a
// statement's parameters: plain ? on SQLite, whose driver resolves $n names
// by a linear scan (quadratic over a long list), $1…$n on PostgreSQL.
func (s *Store) placeholders(n int) string {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		if s.engine == SQLite {
			sb.WriteByte('?')
		} else {
			fmt.Fprintf(&sb, "$%d", i+1)
		}
	}
	return sb.String()
}

// parallel runs fn(0..n-1) on every core; fn must only touch index i.
func parallel(n int, fn func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < 1000 || workers == 1 {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	per := (n + workers - 1) / workers
	for w := 0; w < workers; w++ {
		lo, hi := w*per, min((w+1)*per, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				fn(i)
			}
		}()
	}
	wg.Wait()
}
