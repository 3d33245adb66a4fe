package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// The family liaison log (家属联络记录): contacts of a team member with a
// frontline worker's family. The note is sealed with the field key.

// Audit actions of the family liaison log.
const (
	ActFamilyContactCreate = "family_contact.create"
	ActFamilyContactRead   = "family_contact.read"
	ActFamilyContactList   = "family_contact.list"
	ActFamilyContactExport = "export.family_contacts"
)

const familyContactColumns = `fc.id, fc.person_id, p.name, fc.institution_id, i.name, fc.region_code, fc.family_member_id,
	COALESCE(fm.name, ''), COALESCE(fm.relation, ''), fc.channel, fc.outcome, fc.note_enc, fc.need_id, fc.contacted_at,
	fc.contacted_by, fc.contacted_by_name, fc.created_at`

const familyContactFrom = ` FROM family_contacts fc JOIN people p ON p.id = fc.person_id JOIN institutions i ON i.id = fc.institution_id
	LEFT JOIN family_members fm ON fm.id = fc.family_member_id `

func (s *Store) scanFamilyContact(row interface{ Scan(...any) error }) (model.FamilyContact, error) {
	var c model.FamilyContact
	var member, need, by sql.NullInt64
	var note []byte
	var at, created int64
	if err := row.Scan(&c.ID, &c.PersonID, &c.PersonName, &c.InstitutionID, &c.InstitutionName, &c.RegionCode, &member,
		&c.FamilyMemberName, &c.Relation, &c.Channel, &c.Outcome, &note, &need, &at, &by, &c.ContactedBy, &created); err != nil {
		return c, err
	}
	c.FamilyMemberID, c.NeedID, c.ContactedByID = nullToPtr(member), nullToPtr(need), nullToPtr(by)
	c.ContactedAt, c.CreatedAt = fromMS(at), fromMS(created)
	if len(note) > 0 {
		var err error
		if c.Note, err = s.seal.Open(note); err != nil {
			return c, err
		}
	}
	return c, nil
}

func (s *Store) getFamilyContact(ctx context.Context, q queryer, pr *auth.Principal, id int64) (model.FamilyContact, error) {
	var a args
	cond := "fc.id = " + a.add(id) + " AND " + scopeOf(pr).on("family_contacts", "fc", &a)
	c, err := s.scanFamilyContact(q.QueryRowContext(ctx, "SELECT "+familyContactColumns+familyContactFrom+"WHERE "+cond, a...))
	if err == sql.ErrNoRows {
		return c, model.NotFound("family_contact")
	}
	if err != nil {
		return c, model.Internal(err)
	}
	return c, nil
}

// CreateFamilyContact records a contact with the family of a person in the
// caller's scope. The relative must be one of the person's family, and a
// linked case one of the person's cases in the caller's scope.
// Returns EUnauthenticated, EForbidden without family_contact.write, EInvalid
// (person_id, family_member_id, channel, outcome, note, need_id,
// contacted_at), ENotFound for a person missing or out of scope.
func (s *Store) CreateFamilyContact(ctx context.Context, in model.FamilyContactInput) (_ model.FamilyContact, err error) {
	defer wrap(&err, "CreateFamilyContact(%d)", in.PersonID)
	// unscoped: the person is read in scope first (getPerson), the relative through them, the case in scope.
	pr, err := principal(ctx, auth.PermFamilyContactWrite)
	if err != nil {
		return model.FamilyContact{}, err
	}
	now := s.now()
	if err := in.Normalize(now).Err(); err != nil {
		return model.FamilyContact{}, err
	}
	var c model.FamilyContact
	err = s.tx(ctx, func(tx *sql.Tx) error {
		p, err := s.getPerson(ctx, tx, pr, in.PersonID, false)
		if err != nil {
			return err
		}
		fe := model.FieldErrors{}
		if in.FamilyMemberID != nil {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM family_members WHERE id = $1 AND person_id = $2", *in.FamilyMemberID, p.ID).Scan(&n); err != nil {
				return model.Internal(err)
			}
			if n == 0 {
				fe.Add("family_member_id", "family_contact.member_other")
			}
		}
		if in.NeedID != nil {
			var a args
			var n int
			q := "SELECT COUNT(*) FROM needs n WHERE n.id = " + a.add(*in.NeedID) + " AND n.person_id = " + a.add(p.ID) + " AND " + scopeOf(pr).reach().on("needs", "n", &a)
			if err := tx.QueryRowContext(ctx, q, a...).Scan(&n); err != nil {
				return model.Internal(err)
			}
			if n == 0 || !pr.Can(auth.PermNeedRead) {
				fe.Add("need_id", "family_contact.need_other")
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		var note any
		if in.Note != "" {
			note = s.seal.Seal(in.Note)
		}
		var member, need any
		if in.FamilyMemberID != nil {
			member = *in.FamilyMemberID
		}
		if in.NeedID != nil {
			need = *in.NeedID
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO family_contacts (person_id, family_member_id, region_code, institution_id, channel, outcome,
			note_enc, need_id, contacted_at, contacted_by, contacted_by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			p.ID, member, p.RegionCode, p.InstitutionID, in.Channel, in.Outcome, note, need, ms(in.ContactedAt), nullID(pr.UserID), pr.Username, ms(now)).Scan(&id); err != nil {
			return model.Internal(err)
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActFamilyContactCreate, ObjectType: "family_contact", ObjectID: strconv.FormatInt(id, 10),
			Detail: "person=" + strconv.FormatInt(p.ID, 10) + " channel=" + in.Channel + " outcome=" + in.Outcome}); err != nil {
			return err
		}
		c, err = s.getFamilyContact(ctx, tx, pr, id)
		return err
	})
	return c, err
}

// GetFamilyContact returns one contact in the caller's scope.
// Returns EUnauthenticated, EForbidden without family_contact.read, ENotFound.
func (s *Store) GetFamilyContact(ctx context.Context, id int64) (_ model.FamilyContact, err error) {
	defer wrap(&err, "GetFamilyContact(%d)", id)
	pr, err := principal(ctx, auth.PermFamilyContactRead)
	if err != nil {
		return model.FamilyContact{}, err
	}
	c, err := s.getFamilyContact(ctx, s.read, pr, id)
	return c, s.auditRead(ctx, pr, err, ActFamilyContactRead, "family_contact", id, "")
}

// ListFamilyContacts returns the contacts in the caller's scope matching f,
// latest first.
// Returns EUnauthenticated, EForbidden without family_contact.read.
func (s *Store) ListFamilyContacts(ctx context.Context, f model.FamilyContactFilter) (_ model.List[model.FamilyContact], err error) {
	defer wrap(&err, "ListFamilyContacts()")
	out := model.List[model.FamilyContact]{Items: []model.FamilyContact{}}
	pr, err := principal(ctx, auth.PermFamilyContactRead)
	if err != nil {
		return out, err
	}
	page := clampPageFor(ctx, f.Page)
	var a args
	cond := []string{scopeOf(pr).on("family_contacts", "fc", &a)}
	if f.PersonID != 0 {
		cond = append(cond, "fc.person_id = "+a.add(f.PersonID))
	}
	if f.InstitutionID != 0 {
		cond = append(cond, "fc.institution_id = "+a.add(f.InstitutionID))
	}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("fc.region_code", f.RegionCode, &a))
	}
	if f.Channel != "" {
		cond = append(cond, "fc.channel = "+a.add(f.Channel))
	}
	if f.Outcome != "" {
		cond = append(cond, "fc.outcome = "+a.add(f.Outcome))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		cond = append(cond, "p.name LIKE "+a.add(likePattern(q))+` ESCAPE '\'`)
	}
	if !f.From.IsZero() {
		cond = append(cond, "fc.contacted_at >= "+a.add(ms(f.From)))
	}
	if !f.To.IsZero() {
		cond = append(cond, "fc.contacted_at < "+a.add(ms(f.To)))
	}
	where := strings.Join(cond, " AND ")
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM family_contacts fc JOIN people p ON p.id = fc.person_id WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+familyContactColumns+familyContactFrom+"WHERE "+where+" ORDER BY fc.contacted_at DESC, fc.id DESC LIMIT "+
		a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := s.scanFamilyContact(rows)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, c)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	var d readDetail
	d.add("person", f.PersonID)
	d.add("institution", f.InstitutionID)
	d.add("region", f.RegionCode)
	d.add("channel", f.Channel)
	d.add("outcome", f.Outcome)
	d.set("q", f.Q)
	if !f.From.IsZero() {
		d.add("from", ms(f.From))
	}
	if !f.To.IsZero() {
		d.add("to", ms(f.To))
	}
	return out, s.auditList(ctx, pr, rows.Err(), ActFamilyContactList, "family_contact", d, len(out.Items), out.Total, page)
}
