package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/ident"
	"houdun/internal/model"
)

// Hash kinds keep ID numbers and phones in separate keyed-hash domains.
const (
	hashIDNumber = "id_number"
	hashPhone    = "phone"
)

const personColumns = `p.id, p.name, p.id_number_enc, p.phone_enc, p.birth_date, p.sex, p.institution_id, i.name, p.region_code,
	p.department, p.occupation, p.title, p.frontline, p.version, p.created_at, p.updated_at,
	(SELECT COUNT(*) FROM family_members f WHERE f.person_id = p.id)`

const personFrom = ` FROM people p JOIN institutions i ON i.id = p.institution_id `

// scanPerson reads a row of personColumns and fills the masked values; with
// reveal it also keeps the full ID number and phone.
func (s *Store) scanPerson(row interface{ Scan(...any) error }, reveal bool) (model.Person, error) {
	var p model.Person
	var idEnc, phoneEnc []byte
	var created, updated int64
	err := row.Scan(&p.ID, &p.Name, &idEnc, &phoneEnc, &p.BirthDate, &p.Sex, &p.InstitutionID, &p.InstitutionName, &p.RegionCode,
		&p.Department, &p.Occupation, &p.Title, &p.Frontline, &p.Version, &created, &updated, &p.FamilyCount)
	if err != nil {
		return p, err
	}
	p.CreatedAt, p.UpdatedAt = fromMS(created), fromMS(updated)
	idNumber, err := s.seal.Open(idEnc)
	if err != nil {
		return p, fmt.Errorf("person %d id_number: %w", p.ID, err)
	}
	phone, err := s.seal.Open(phoneEnc)
	if err != nil {
		return p, fmt.Errorf("person %d phone: %w", p.ID, err)
	}
	p.IDNumberMasked, p.PhoneMasked = ident.MaskIDNumber(idNumber), maskOptional(phone)
	if reveal {
		p.IDNumber, p.Phone = idNumber, phone
	}
	return p, nil
}

func maskOptional(v string) string {
	if v == "" {
		return ""
	}
	return ident.MaskPhone(v)
}

// ListPeople returns the people in the caller's scope matching f, masked.
func (s *Store) ListPeople(ctx context.Context, f model.PersonFilter) (_ model.List[model.Person], err error) {
	defer wrap(&err, "ListPeople()")
	out := model.List[model.Person]{Items: []model.Person{}}
	pr, err := principal(ctx, auth.PermPersonRead)
	if err != nil {
		return out, err
	}
	page := clampPageFor(ctx, f.Page)
	var a args
	cond := s.personFilter(pr, f, &a)
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM people p WHERE "+cond, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	// The page of ids is chosen first, on the index alone; only its rows are
	// then joined and their families counted.
	q := "SELECT " + personColumns + " FROM (SELECT p.id FROM people p WHERE " + cond + " ORDER BY p.id DESC LIMIT " + a.add(page.Limit) +
		" OFFSET " + a.add(page.Offset) + ") pg JOIN people p ON p.id = pg.id JOIN institutions i ON i.id = p.institution_id ORDER BY p.id DESC"
	rows, err := s.read.QueryContext(ctx, q, a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := s.scanPerson(rows, false)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, p)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, s.auditList(ctx, pr, rows.Err(), ActPersonList, "person", personListDetail(f, out.Items), len(out.Items), out.Total, page)
}

// personListDetail names a people list's filter; a search by exact ID
// number or phone also names the ids it found.
func personListDetail(f model.PersonFilter, found []model.Person) readDetail {
	var d readDetail
	d.set("q", f.Q)
	d.set("id_number", f.IDNumber)
	d.set("phone", f.Phone)
	d.add("institution", f.InstitutionID)
	d.add("region", f.RegionCode)
	d.add("occupation", f.Occupation)
	d.add("frontline", f.Frontline)
	if f.IDNumber != "" || f.Phone != "" {
		ids := make([]string, len(found))
		for i, p := range found {
			ids[i] = strconv.FormatInt(p.ID, 10)
		}
		d.add("ids", ids)
	}
	return d
}

// personFilter builds the WHERE condition (scope first) for people alias p.
func (s *Store) personFilter(pr *auth.Principal, f model.PersonFilter, a *args) string {
	cond := []string{scopeOf(pr).on("people", "p", a)}
	if q := strings.TrimSpace(f.Q); q != "" {
		cond = append(cond, "p.name LIKE "+a.add(likePattern(q))+` ESCAPE '\'`)
	}
	if f.IDNumber != "" {
		// An exact search by a malformed number matches nothing rather than failing.
		n := strings.ToUpper(strings.TrimSpace(f.IDNumber))
		cond = append(cond, "p.id_number_hash = "+a.add(s.seal.Hash(hashIDNumber, n)))
	}
	if f.Phone != "" {
		n, err := ident.NormalizePhone(f.Phone)
		if err != nil {
			n = f.Phone
		}
		cond = append(cond, "p.phone_hash = "+a.add(s.seal.Hash(hashPhone, n)))
	}
	if f.InstitutionID != 0 {
		cond = append(cond, "p.institution_id = "+a.add(f.InstitutionID))
	}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("p.region_code", f.RegionCode, a))
	}
	if f.Occupation != "" {
		cond = append(cond, "p.occupation = "+a.add(f.Occupation))
	}
	if f.Frontline != nil {
		cond = append(cond, "p.frontline = "+a.add(*f.Frontline))
	}
	return strings.Join(cond, " AND ")
}

// GetPerson returns one person in the caller's scope. The read is audited;
// with reveal (and the permission for it) the full ID number and phone are
// returned and the reveal is audited as such.
// Returns ENotFound when missing or out of scope, EForbidden for a reveal the role may not make.
func (s *Store) GetPerson(ctx context.Context, id int64, reveal bool) (_ model.Person, err error) {
	defer wrap(&err, "GetPerson(%d)", id)
	pr, err := principal(ctx, auth.PermPersonRead)
	if err != nil {
		return model.Person{}, err
	}
	if reveal && !pr.Can(auth.PermPersonReveal) {
		return model.Person{}, model.Errorf(model.EForbidden, "error.forbidden")
	}
	p, err := s.getPerson(ctx, s.read, pr, id, reveal)
	if err != nil {
		return p, s.auditRead(ctx, pr, err, ActPersonRead, "person", id, "")
	}
	action := ActPersonRead
	if reveal {
		action = ActPersonReveal
	}
	return p, s.Audit(ctx, action, "person", strconv.FormatInt(id, 10), model.OutcomeOK, "")
}

func (s *Store) getPerson(ctx context.Context, q queryer, pr *auth.Principal, id int64, reveal bool) (model.Person, error) {
	var a args
	cond := "p.id = " + a.add(id) + " AND " + scopeOf(pr).on("people", "p", &a)
	p, err := s.scanPerson(q.QueryRowContext(ctx, "SELECT "+personColumns+personFrom+"WHERE "+cond, a...), reveal)
	if err == sql.ErrNoRows {
		return p, model.NotFound("person")
	}
	if err != nil {
		return p, model.Internal(err)
	}
	return p, nil
}

// currentFields reads a person's stored values back as PersonFields (decrypted).
func (s *Store) currentFields(p model.Person) model.PersonFields {
	return model.PersonFields{Name: p.Name, IDNumber: p.IDNumber, Phone: p.Phone, InstitutionID: p.InstitutionID,
		Department: p.Department, Occupation: p.Occupation, Title: p.Title, Frontline: p.Frontline, BirthDate: p.BirthDate, Sex: p.Sex}
}

// institutionRegion returns the region of an institution in the caller's scope,
// or a field error on institution_id.
func (s *Store) institutionRegion(ctx context.Context, q queryer, pr *auth.Principal, id int64) (string, error) {
	var a args
	var code string
	err := q.QueryRowContext(ctx, "SELECT i.region_code FROM institutions i WHERE i.id = "+a.add(id)+" AND "+scopeOf(pr).on("institutions", "i", &a), a...).Scan(&code)
	if err == sql.ErrNoRows {
		return "", model.FieldErrors{"institution_id": model.M("institution.unknown")}.Err()
	}
	if err != nil {
		return "", model.Internal(err)
	}
	return code, nil
}

func idNumberTaken(err error) error {
	return &model.Error{Code: model.EConflict, Msg: model.M("person.id_number_taken"),
		Fields: map[string]model.Msg{"id_number": model.M("person.id_number_taken")}, Err: err}
}

// CreatePerson registers a person at an institution in the caller's scope
// and returns the record; it is RegisterPerson for callers that need the
// person (the command line, the demo, tests). When the ID number is
// registered in another area it submits a transfer request and answers
// EConflict transfer.submitted_instead: never hand that answer to a user,
// whose answer must not tell (RegisterPerson's is the same either way).
// Returns EInvalid for bad fields, EConflict when the ID number is registered already.
func (s *Store) CreatePerson(ctx context.Context, in model.PersonInput) (_ model.Person, err error) {
	defer wrap(&err, "CreatePerson()")
	reg, err := s.RegisterPerson(ctx, in)
	if err != nil {
		return model.Person{}, err
	}
	if reg.PersonID == 0 {
		return model.Person{}, model.Errorf(model.EConflict, "transfer.submitted_instead")
	}
	pr := auth.FromContext(ctx)
	return s.getPerson(ctx, s.read, pr, reg.PersonID, false)
}

// insertPerson writes a new person (validated fields, region of their
// institution) with its audit row, and links relatives registered earlier.
func (s *Store) insertPerson(ctx context.Context, tx *sql.Tx, f *model.PersonFields, hash []byte, regionCode string) (int64, error) {
	now := ms(s.now())
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO people (name, id_number_enc, id_number_hash, phone_enc, phone_hash, birth_date, sex,
		institution_id, region_code, department, occupation, title, frontline, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $14) RETURNING id`,
		f.Name, s.seal.Seal(f.IDNumber), hash, s.seal.Seal(f.Phone), s.seal.Hash(hashPhone, f.Phone),
		f.BirthDate, f.Sex, f.InstitutionID, regionCode, f.Department, f.Occupation, f.Title, f.Frontline, now).Scan(&id)
	if isUniqueViolation(err) {
		return 0, idNumberTaken(err)
	}
	if err != nil {
		return 0, model.Internal(err)
	}
	if err := s.linkRelativesTo(ctx, tx, id, f.IDNumber); err != nil {
		return 0, err
	}
	return id, s.appendAudit(ctx, tx, auditRecord{Action: ActPersonCreate, ObjectType: "person", ObjectID: strconv.FormatInt(id, 10)})
}

// linkRelativesTo links family members elsewhere whose ID number is this
// person's, so the couple rule sees a relative who is a medical worker too.
func (s *Store) linkRelativesTo(ctx context.Context, tx *sql.Tx, personID int64, idNumber string) error {
	// unscoped: links relatives to a worker the caller has just written in scope, by ID-number hash.
	_, err := tx.ExecContext(ctx, `UPDATE family_members SET medical_worker_person_id = $1
		WHERE id_number_hash = $2 AND medical_worker_person_id IS NULL AND person_id <> $1`, personID, s.seal.Hash(hashIDNumber, idNumber))
	if err != nil {
		return model.Internal(err)
	}
	return nil
}

// UpdatePerson changes the given fields of a person in scope. A stale version
// answers EStaleVersion and changes nothing. A new ID number is not changed
// at once: the answer's IDNumberCorrection names the correction request that
// a second person decides (the number stays until then).
// Returns ENotFound when missing or out of scope, EInvalid, EConflict (the
// new ID number is registered to another person in the caller's scope).
func (s *Store) UpdatePerson(ctx context.Context, id int64, in model.PersonInput) (_ model.Person, err error) {
	defer wrap(&err, "UpdatePerson(%d)", id)
	// unscoped: the person is read in scope first (getPerson) in the same transaction.
	pr, err := principal(ctx, auth.PermPersonWrite)
	if err != nil {
		return model.Person{}, err
	}
	var p model.Person
	err = s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.getPerson(ctx, tx, pr, id, true)
		if err != nil {
			return err
		}
		if in.Version != nil && *in.Version != cur.Version {
			return staleVersion()
		}
		f := s.currentFields(cur)
		in.Apply(&f)
		if err := f.Normalize(s.now()).Err(); err != nil {
			return err
		}
		// A new ID number is not written: it becomes a correction request
		// that a second person decides (id_correction.go), answered the same
		// whether the number is free or registered outside the caller's
		// scope. Registered to someone the caller sees is a plain conflict.
		newIDNumber := ""
		var holder *existingPerson
		if f.IDNumber != cur.IDNumber {
			newIDNumber = f.IDNumber
			f.IDNumber, f.BirthDate, f.Sex = cur.IDNumber, cur.BirthDate, cur.Sex
			e, found, err := registeredPerson(ctx, tx, s.seal.Hash(hashIDNumber, newIDNumber))
			if err != nil {
				return err
			}
			if found && e.id != id {
				if scopeOf(pr).hasPerson(e.id, e.institutionID, e.regionCode) {
					return idNumberTaken(nil)
				}
				holder = &e
			}
		}
		regionCode := cur.RegionCode
		if f.InstitutionID != cur.InstitutionID {
			if regionCode, err = s.institutionRegion(ctx, tx, pr, f.InstitutionID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE people SET name = $1, id_number_enc = $2, id_number_hash = $3, phone_enc = $4, phone_hash = $5,
			birth_date = $6, sex = $7, institution_id = $8, region_code = $9, department = $10, occupation = $11, title = $12, frontline = $13,
			version = version + 1, updated_at = $14 WHERE id = $15 AND version = $16`,
			f.Name, s.seal.Seal(f.IDNumber), s.seal.Hash(hashIDNumber, f.IDNumber), s.seal.Seal(f.Phone), s.seal.Hash(hashPhone, f.Phone),
			f.BirthDate, f.Sex, f.InstitutionID, regionCode, f.Department, f.Occupation, f.Title, f.Frontline, ms(s.now()), id, cur.Version)
		if isUniqueViolation(err) {
			return idNumberTaken(err)
		}
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActPersonUpdate, ObjectType: "person", ObjectID: strconv.FormatInt(id, 10)}); err != nil {
			return err
		}
		var correction int64
		if newIDNumber != "" {
			req := cur // the record as just saved
			req.Name, req.InstitutionID, req.RegionCode, req.Department, req.Occupation, req.Title, req.Frontline =
				f.Name, f.InstitutionID, regionCode, f.Department, f.Occupation, f.Title, f.Frontline
			if correction, err = s.submitIDCorrection(ctx, tx, pr, req, newIDNumber, idCorrectionApprover(regionCode, holder)); err != nil {
				return err
			}
		}
		p, err = s.getPerson(ctx, tx, pr, id, false)
		p.IDNumberCorrection = correction
		return err
	})
	return p, err
}

// DeletePerson removes a person and their family members (a deletion request
// under PIPL, or a record entered by mistake).
// Returns ENotFound when missing or out of scope, EConflict when a user account is tied to the person.
func (s *Store) DeletePerson(ctx context.Context, id int64, version *int64) (err error) {
	defer wrap(&err, "DeletePerson(%d)", id)
	// unscoped: the person is read in scope first (getPerson) in the same transaction.
	pr, err := principal(ctx, auth.PermPersonWrite)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.getPerson(ctx, tx, pr, id, false)
		if err != nil {
			return err
		}
		if version != nil && *version != cur.Version {
			return staleVersion()
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM people WHERE id = $1", id)
		if isForeignKeyViolation(err) {
			return &model.Error{Code: model.EConflict, Msg: model.M("person.in_use"), Err: err}
		}
		if err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActPersonDelete, ObjectType: "person", ObjectID: strconv.FormatInt(id, 10)})
	})
}
