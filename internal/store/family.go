package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/ident"
	"houdun/internal/model"
)

const familyColumns = `f.id, f.person_id, f.name, f.relation, f.birth_date, f.sex, f.id_number_enc, f.phone_enc, f.lives_with,
	f.care_needs, f.medical_worker_person_id, f.version, f.created_at, f.updated_at`

func (s *Store) scanFamily(row interface{ Scan(...any) error }, reveal bool) (model.FamilyMember, error) {
	var m model.FamilyMember
	var idEnc, phoneEnc []byte
	var care string
	var med sql.NullInt64
	var created, updated int64
	if err := row.Scan(&m.ID, &m.PersonID, &m.Name, &m.Relation, &m.BirthDate, &m.Sex, &idEnc, &phoneEnc, &m.LivesWith,
		&care, &med, &m.Version, &created, &updated); err != nil {
		return m, err
	}
	m.CreatedAt, m.UpdatedAt = fromMS(created), fromMS(updated)
	m.CareNeeds = splitCare(care)
	if med.Valid {
		m.MedicalWorkerPersonID = &med.Int64
	}
	idNumber, err := s.seal.Open(idEnc)
	if err != nil {
		return m, fmt.Errorf("family %d id_number: %w", m.ID, err)
	}
	phone, err := s.seal.Open(phoneEnc)
	if err != nil {
		return m, fmt.Errorf("family %d phone: %w", m.ID, err)
	}
	if idNumber != "" {
		m.IDNumberMasked = ident.MaskIDNumber(idNumber)
	}
	m.PhoneMasked = maskOptional(phone)
	if reveal {
		m.IDNumber, m.Phone = idNumber, phone
	}
	return m, nil
}

// splitCare and joinCare store care needs as a sorted comma list.
func splitCare(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func joinCare(c []string) string {
	c = append([]string(nil), c...)
	sort.Strings(c)
	return strings.Join(c, ",")
}

// ListFamily returns the family members of a person in the caller's scope; the read is audited.
// Returns ENotFound when the person is missing or out of scope.
func (s *Store) ListFamily(ctx context.Context, personID int64, reveal bool) (_ []model.FamilyMember, err error) {
	defer wrap(&err, "ListFamily(%d)", personID)
	pr, err := principal(ctx, auth.PermPersonRead)
	if err != nil {
		return nil, err
	}
	if reveal && !pr.Can(auth.PermPersonReveal) {
		return nil, model.Errorf(model.EForbidden, "error.forbidden")
	}
	if _, err := s.getPerson(ctx, s.read, pr, personID, false); err != nil {
		return nil, err
	}
	out, err := s.listFamily(ctx, s.read, personID, reveal)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if err := s.hideForeignLink(ctx, s.read, pr, &out[i]); err != nil {
			return nil, err
		}
	}
	action := ActFamilyRead
	if reveal {
		action = ActPersonReveal
	}
	return out, s.Audit(ctx, action, "family", strconv.FormatInt(personID, 10), model.OutcomeOK, "")
}

func (s *Store) listFamily(ctx context.Context, q queryer, personID int64, reveal bool) ([]model.FamilyMember, error) {
	// unscoped: the caller read the person in scope first (getPerson).
	rows, err := q.QueryContext(ctx, "SELECT "+familyColumns+" FROM family_members f WHERE f.person_id = $1 ORDER BY f.id", personID)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	out := []model.FamilyMember{}
	for rows.Next() {
		m, err := s.scanFamily(rows, reveal)
		if err != nil {
			return nil, model.Internal(err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func (s *Store) getFamily(ctx context.Context, q queryer, pr *auth.Principal, personID, id int64, reveal bool) (model.FamilyMember, error) {
	// unscoped: the person is read in scope first (getPerson).
	if _, err := s.getPerson(ctx, q, pr, personID, false); err != nil {
		return model.FamilyMember{}, err
	}
	m, err := s.scanFamily(q.QueryRowContext(ctx, "SELECT "+familyColumns+" FROM family_members f WHERE f.id = $1 AND f.person_id = $2", id, personID), reveal)
	if err == sql.ErrNoRows {
		return m, model.NotFound("family_member")
	}
	if err != nil {
		return m, model.Internal(err)
	}
	return m, nil
}

// medicalLink resolves the medical-worker link of a relative: an explicit id
// must be a person in the caller's scope; without one, a relative whose ID
// number is registered as a person is linked to that record.
func (s *Store) medicalLink(ctx context.Context, tx *sql.Tx, pr *auth.Principal, personID int64, f *model.FamilyFields) error {
	// unscoped: the worker named is read in scope (getPerson); the ID-number match links relatives to a worker without showing them.
	if f.MedicalWorkerPersonID != nil {
		if *f.MedicalWorkerPersonID == personID {
			return model.FieldErrors{"medical_worker_person_id": model.M("family.link_self")}.Err()
		}
		if _, err := s.getPerson(ctx, tx, pr, *f.MedicalWorkerPersonID, false); err != nil {
			return model.FieldErrors{"medical_worker_person_id": model.M("person.unknown")}.Err()
		}
		return nil
	}
	if f.IDNumber == "" {
		return nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, "SELECT id FROM people WHERE id_number_hash = $1", s.seal.Hash(hashIDNumber, f.IDNumber)).Scan(&id)
	if err == nil && id != personID {
		f.MedicalWorkerPersonID = &id
	} else if err != nil && err != sql.ErrNoRows {
		return model.Internal(err)
	}
	return nil
}

// hideForeignLink blanks a relative's medical-worker link when the linked
// person is outside the caller's scope. The link stays in the database (the
// couple rule needs a spouse who works in another district), but showing it
// would tell the caller that the relative's ID number is registered
// elsewhere: the existence oracle that registration no longer gives.
func (s *Store) hideForeignLink(ctx context.Context, q queryer, pr *auth.Principal, m *model.FamilyMember) error {
	if m.MedicalWorkerPersonID == nil {
		return nil
	}
	_, err := s.getPerson(ctx, q, pr, *m.MedicalWorkerPersonID, false)
	if model.ErrorCode(err) == model.ENotFound {
		m.MedicalWorkerPersonID = nil
		return nil
	}
	return err
}

func familyTaken(err error) error {
	return &model.Error{Code: model.EConflict, Msg: model.M("family.id_number_taken"),
		Fields: map[string]model.Msg{"id_number": model.M("family.id_number_taken")}, Err: err}
}

func nullInt(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// CreateFamilyMember adds a relative to a person in the caller's scope.
// Returns ENotFound for a missing or out-of-scope person, EInvalid, EConflict.
func (s *Store) CreateFamilyMember(ctx context.Context, personID int64, in model.FamilyMemberInput) (_ model.FamilyMember, err error) {
	defer wrap(&err, "CreateFamilyMember(%d)", personID)
	pr, err := principal(ctx, auth.PermPersonWrite)
	if err != nil {
		return model.FamilyMember{}, err
	}
	var f model.FamilyFields
	in.Apply(&f)
	if err := f.Normalize(s.now()).Err(); err != nil {
		return model.FamilyMember{}, err
	}
	var m model.FamilyMember
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.getPerson(ctx, tx, pr, personID, false); err != nil {
			return err
		}
		if err := s.medicalLink(ctx, tx, pr, personID, &f); err != nil {
			return err
		}
		now := ms(s.now())
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO family_members (person_id, name, relation, birth_date, sex, id_number_enc, id_number_hash,
			phone_enc, phone_hash, lives_with, care_needs, medical_worker_person_id, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $13) RETURNING id`,
			personID, f.Name, f.Relation, f.BirthDate, f.Sex, s.seal.Seal(f.IDNumber), s.seal.Hash(hashIDNumber, f.IDNumber),
			s.seal.Seal(f.Phone), s.seal.Hash(hashPhone, f.Phone), f.LivesWith, joinCare(f.CareNeeds), nullInt(f.MedicalWorkerPersonID), now).Scan(&id)
		if isUniqueViolation(err) {
			return familyTaken(err)
		}
		if err != nil {
			return model.Internal(err)
		}
		if err := s.touchPerson(ctx, tx, personID); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActFamilyCreate, ObjectType: "family_member", ObjectID: strconv.FormatInt(id, 10),
			Detail: "person=" + strconv.FormatInt(personID, 10)}); err != nil {
			return err
		}
		if m, err = s.getFamily(ctx, tx, pr, personID, id, false); err != nil {
			return err
		}
		return s.hideForeignLink(ctx, tx, pr, &m)
	})
	return m, err
}

// touchPerson bumps a person's update time when the family changes, so that
// lists sorted by change and exports see it.
func (s *Store) touchPerson(ctx context.Context, tx *sql.Tx, personID int64) error {
	// unscoped: by id, of a person the caller has already read in scope.
	if _, err := tx.ExecContext(ctx, "UPDATE people SET updated_at = $1 WHERE id = $2", ms(s.now()), personID); err != nil {
		return model.Internal(err)
	}
	return nil
}

// UpdateFamilyMember changes the given fields of a relative.
// Returns ENotFound, EInvalid, EConflict, EStaleVersion.
func (s *Store) UpdateFamilyMember(ctx context.Context, personID, id int64, in model.FamilyMemberInput) (_ model.FamilyMember, err error) {
	defer wrap(&err, "UpdateFamilyMember(%d, %d)", personID, id)
	// unscoped: the relative is read in scope first (getFamily).
	pr, err := principal(ctx, auth.PermPersonWrite)
	if err != nil {
		return model.FamilyMember{}, err
	}
	var m model.FamilyMember
	err = s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.getFamily(ctx, tx, pr, personID, id, true)
		if err != nil {
			return err
		}
		if in.Version != nil && *in.Version != cur.Version {
			return staleVersion()
		}
		f := model.FamilyFields{Name: cur.Name, Relation: cur.Relation, BirthDate: cur.BirthDate, IDNumber: cur.IDNumber, Phone: cur.Phone,
			LivesWith: cur.LivesWith, CareNeeds: cur.CareNeeds, MedicalWorkerPersonID: cur.MedicalWorkerPersonID}
		if in.IDNumber != nil && in.BirthDate == nil {
			f.BirthDate = "" // a new ID number brings its own birth date
		}
		in.Apply(&f)
		if err := f.Normalize(s.now()).Err(); err != nil {
			return err
		}
		if in.MedicalWorkerPersonID != nil || in.IDNumber != nil {
			if in.MedicalWorkerPersonID == nil {
				f.MedicalWorkerPersonID = nil
			}
			if err := s.medicalLink(ctx, tx, pr, personID, &f); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE family_members SET name = $1, relation = $2, birth_date = $3, sex = $4, id_number_enc = $5,
			id_number_hash = $6, phone_enc = $7, phone_hash = $8, lives_with = $9, care_needs = $10, medical_worker_person_id = $11,
			version = version + 1, updated_at = $12 WHERE id = $13 AND version = $14`,
			f.Name, f.Relation, f.BirthDate, f.Sex, s.seal.Seal(f.IDNumber), s.seal.Hash(hashIDNumber, f.IDNumber), s.seal.Seal(f.Phone),
			s.seal.Hash(hashPhone, f.Phone), f.LivesWith, joinCare(f.CareNeeds), nullInt(f.MedicalWorkerPersonID), ms(s.now()), id, cur.Version)
		if isUniqueViolation(err) {
			return familyTaken(err)
		}
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		if err := s.touchPerson(ctx, tx, personID); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActFamilyUpdate, ObjectType: "family_member", ObjectID: strconv.FormatInt(id, 10),
			Detail: "person=" + strconv.FormatInt(personID, 10)}); err != nil {
			return err
		}
		if m, err = s.getFamily(ctx, tx, pr, personID, id, false); err != nil {
			return err
		}
		return s.hideForeignLink(ctx, tx, pr, &m)
	})
	return m, err
}

// DeleteFamilyMember removes a relative.
// Returns ENotFound, EStaleVersion.
func (s *Store) DeleteFamilyMember(ctx context.Context, personID, id int64, version *int64) (err error) {
	defer wrap(&err, "DeleteFamilyMember(%d, %d)", personID, id)
	// unscoped: the relative is read in scope first (getFamily).
	pr, err := principal(ctx, auth.PermPersonWrite)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.getFamily(ctx, tx, pr, personID, id, false)
		if err != nil {
			return err
		}
		if version != nil && *version != cur.Version {
			return staleVersion()
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM family_members WHERE id = $1", id); err != nil {
			return model.Internal(err)
		}
		if err := s.touchPerson(ctx, tx, personID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActFamilyDelete, ObjectType: "family_member", ObjectID: strconv.FormatInt(id, 10),
			Detail: "person=" + strconv.FormatInt(personID, 10)})
	})
}

// FamilyForForm returns a person in scope and, when memberID is not 0, one of
// their relatives (masked, its foreign link hidden as ListFamily does), for a
// form that is being saved: the save is audited as the change it makes, and
// this read only compares the stored relative with the form, showing the
// user nothing, so it writes no audited read of its own. Pages that show a
// relative (a form shown again too) use GetPerson and ListFamily, audited.
// Returns ENotFound when either is missing or out of scope.
func (s *Store) FamilyForForm(ctx context.Context, personID, memberID int64) (_ model.Person, _ *model.FamilyMember, err error) {
	defer wrap(&err, "FamilyForForm(%d, %d)", personID, memberID)
	pr, err := principal(ctx, auth.PermPersonWrite)
	if err != nil {
		return model.Person{}, nil, err
	}
	p, err := s.getPerson(ctx, s.read, pr, personID, false)
	if err != nil || memberID == 0 {
		return p, nil, err
	}
	m, err := s.getFamily(ctx, s.read, pr, personID, memberID, false)
	if err != nil {
		return p, nil, err
	}
	if err := s.hideForeignLink(ctx, s.read, pr, &m); err != nil {
		return p, nil, err
	}
	return p, &m, nil
}
