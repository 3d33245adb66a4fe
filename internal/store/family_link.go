package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/model"
)

// Self-service links (家属自助链接). A worker hands one to a relative (or a
// case worker does, on the phone with an elderly parent); the relative opens
// it without an account, reports needs of their own and follows them. The
// token is 32 random bytes shown once; the database keeps its SHA-256 only,
// as it does for sessions. What the link may do is the principal
// auth.FamilyLink builds: need.report_family for one relative, nothing else.

// Audit actions of self-service links.
const (
	ActFamilyLinkCreate = "family_link.create"
	ActFamilyLinkRevoke = "family_link.revoke"
	ActFamilyLinkRead   = "family_link.read" // a person's links listed
	// ActFamilyLinkOpen: a relative opened their link (outcome ok), or a
	// dead or unknown token was tried (outcome denied).
	ActFamilyLinkOpen = "family_link.open"
	// ActFamilyLinkLimited: a report through a link was refused by the hourly limit.
	ActFamilyLinkLimited = "family_link.limited"
)

// familyLinkCases bounds the cases a link's page lists, newest first: at the
// hourly limit's default that is more than two hours of reports.
const familyLinkCases = 50

const familyLinkColumns = `l.id, f.person_id, l.family_member_id, f.name, f.relation, l.created_by_name, l.created_at, l.expires_at, l.last_used_at`

func scanFamilyLink(row interface{ Scan(...any) error }) (model.FamilyLink, error) {
	var l model.FamilyLink
	var created, expires, used int64
	err := row.Scan(&l.ID, &l.PersonID, &l.FamilyMemberID, &l.FamilyMemberName, &l.FamilyRelation, &l.CreatedBy, &created, &expires, &used)
	l.CreatedAt, l.ExpiresAt, l.LastUsedAt = fromMS(created), fromMS(expires), optTime(used)
	return l, err
}

// CreateFamilyLink makes a self-service link for one relative of a person in
// the caller's scope (a worker: their own family), valid for in.Days days.
// The answer carries the token and its path; they are not kept anywhere.
// Returns EForbidden without family_link.manage, ENotFound for a person
// missing or out of scope, EInvalid (fields: family_member_id, days).
func (s *Store) CreateFamilyLink(ctx context.Context, personID int64, in model.FamilyLinkInput) (_ model.FamilyLink, err error) {
	defer wrap(&err, "CreateFamilyLink(%d)", personID)
	// unscoped: the person is read in scope first (getPerson), and the relative must be theirs.
	pr, err := principal(ctx, auth.PermFamilyLinkManage)
	if err != nil {
		return model.FamilyLink{}, err
	}
	if err := in.Normalize().Err(); err != nil {
		return model.FamilyLink{}, err
	}
	token := auth.NewToken()
	var out model.FamilyLink
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.getPerson(ctx, tx, pr, personID, false); err != nil {
			return err
		}
		var owner int64
		err := tx.QueryRowContext(ctx, "SELECT person_id FROM family_members WHERE id = $1", *in.FamilyMemberID).Scan(&owner)
		if err != nil && err != sql.ErrNoRows {
			return model.Internal(err)
		}
		if err == sql.ErrNoRows || owner != personID {
			return model.FieldErrors{"family_member_id": model.M("need.family_member_other")}.Err()
		}
		now := s.now()
		expires := now.Add(time.Duration(*in.Days) * 24 * time.Hour)
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO family_links (family_member_id, token_hash, created_by, created_by_name, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			*in.FamilyMemberID, tokenHash(token), nullID(pr.UserID), pr.Username, ms(now), ms(expires)).Scan(&id)
		if err != nil {
			return model.Internal(err)
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActFamilyLinkCreate, ObjectType: "family_link", ObjectID: strconv.FormatInt(id, 10),
			Detail: "person=" + strconv.FormatInt(personID, 10) + " member=" + strconv.FormatInt(*in.FamilyMemberID, 10) +
				" days=" + strconv.Itoa(*in.Days)}); err != nil {
			return err
		}
		out, err = scanFamilyLink(tx.QueryRowContext(ctx, "SELECT "+familyLinkColumns+
			" FROM family_links l JOIN family_members f ON f.id = l.family_member_id WHERE l.id = $1", id))
		if err != nil {
			return model.Internal(err)
		}
		return nil
	})
	if err != nil {
		return model.FamilyLink{}, err
	}
	out.Token, out.Path = token, model.FamilyLinkPath(token)
	return out, nil
}

// ListFamilyLinks returns the links of a person's family in the caller's
// scope that still work (neither revoked nor expired), newest first. The
// read is audited.
// Returns EForbidden, ENotFound for a person missing or out of scope.
func (s *Store) ListFamilyLinks(ctx context.Context, personID int64) (_ []model.FamilyLink, err error) {
	defer wrap(&err, "ListFamilyLinks(%d)", personID)
	// unscoped: the person is read in scope first (getPerson).
	pr, err := principal(ctx, auth.PermFamilyLinkManage)
	if err != nil {
		return nil, err
	}
	if _, err := s.getPerson(ctx, s.read, pr, personID, false); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+familyLinkColumns+` FROM family_links l JOIN family_members f ON f.id = l.family_member_id
		WHERE f.person_id = $1 AND l.revoked_at = 0 AND l.expires_at > $2 ORDER BY l.id DESC`, personID, ms(s.now()))
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	out := []model.FamilyLink{}
	for rows.Next() {
		l, err := scanFamilyLink(rows)
		if err != nil {
			return nil, model.Internal(err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	return out, s.Audit(ctx, ActFamilyLinkRead, "person", strconv.FormatInt(personID, 10), model.OutcomeOK, "links="+strconv.Itoa(len(out)))
}

// RevokeFamilyLink ends a link of a person's family in the caller's scope at
// once: the next request through it finds nothing.
// Returns EForbidden, ENotFound for a person or link missing, out of scope,
// of another family or already revoked.
func (s *Store) RevokeFamilyLink(ctx context.Context, personID, id int64) (err error) {
	defer wrap(&err, "RevokeFamilyLink(%d, %d)", personID, id)
	// unscoped: the person is read in scope first (getPerson).
	pr, err := principal(ctx, auth.PermFamilyLinkManage)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.getPerson(ctx, tx, pr, personID, false); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE family_links SET revoked_at = $1, revoked_by_name = $2
			WHERE id = $3 AND revoked_at = 0 AND family_member_id IN (SELECT f.id FROM family_members f WHERE f.person_id = $4)`,
			ms(s.now()), pr.Username, id, personID)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return model.NotFound("family_link")
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActFamilyLinkRevoke, ObjectType: "family_link", ObjectID: strconv.FormatInt(id, 10),
			Detail: "person=" + strconv.FormatInt(personID, 10)})
	})
}

// validToken reports whether s looks like a token of auth.NewToken: 43
// characters of unpadded base64url. Anything else is refused unlooked-up.
func validToken(s string) bool {
	if len(s) != 43 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// AuthenticateFamilyLink returns the principal that acts through the
// self-service link of token, and the link (without its token). A token
// that is malformed, unknown, expired or revoked gets one answer, and the
// attempt is audited (family_link.open, denied) without the token.
// Returns ENotFound for any token that does not work.
func (s *Store) AuthenticateFamilyLink(ctx context.Context, token, ip string) (_ *auth.Principal, _ model.FamilyLink, err error) {
	defer wrap(&err, "AuthenticateFamilyLink()")
	// unscoped: the token is the credential; no principal exists yet.
	gone := model.NotFound("family_link")
	anon := auth.WithPrincipal(ctx, &auth.Principal{Username: "anonymous", IP: ip})
	if !validToken(token) {
		s.Audit(anon, ActFamilyLinkOpen, "family_link", "", model.OutcomeDenied, "unknown")
		return nil, model.FamilyLink{}, gone
	}
	var revoked int64
	row := s.read.QueryRowContext(ctx, "SELECT "+familyLinkColumns+`, l.revoked_at FROM family_links l
		JOIN family_members f ON f.id = l.family_member_id WHERE l.token_hash = $1`, tokenHash(token))
	var l model.FamilyLink
	var created, expires, used int64
	err = row.Scan(&l.ID, &l.PersonID, &l.FamilyMemberID, &l.FamilyMemberName, &l.FamilyRelation, &l.CreatedBy, &created, &expires, &used, &revoked)
	if err == sql.ErrNoRows {
		s.Audit(anon, ActFamilyLinkOpen, "family_link", "", model.OutcomeDenied, "unknown")
		return nil, model.FamilyLink{}, gone
	}
	if err != nil {
		return nil, model.FamilyLink{}, model.Internal(err)
	}
	l.CreatedAt, l.ExpiresAt, l.LastUsedAt = fromMS(created), fromMS(expires), optTime(used)
	pr := auth.FamilyLink(l.ID, l.PersonID, l.FamilyMemberID, ip)
	if revoked != 0 || !s.now().Before(l.ExpiresAt) {
		detail := "expired"
		if revoked != 0 {
			detail = "revoked"
		}
		s.Audit(auth.WithPrincipal(ctx, pr), ActFamilyLinkOpen, "family_link", strconv.FormatInt(l.ID, 10), model.OutcomeDenied, detail)
		return nil, model.FamilyLink{}, gone
	}
	return pr, l, nil
}

// checkLinkUse refuses a case reported through a self-service link that has
// ended since its page was read (revoked, expired) or that has reached its
// hourly limit. It runs in the transaction that writes the case and locks
// the link's row on PostgreSQL, so that neither a revocation nor two
// reports at once slip past it (SQLite has one writer anyway).
func (s *Store) checkLinkUse(ctx context.Context, tx *needTx, pr *auth.Principal, perHour int, now time.Time) error {
	// unscoped: the link's own budget, counted for the link's principal.
	lock := ""
	if s.engine == Postgres {
		lock = " FOR UPDATE"
	}
	var expires, revoked int64
	err := tx.QueryRowContext(ctx, "SELECT expires_at, revoked_at FROM family_links WHERE id = $1 AND family_member_id = $2"+lock,
		pr.FamilyLinkID, pr.FamilyMemberID).Scan(&expires, &revoked)
	if err == sql.ErrNoRows || err == nil && (revoked != 0 || expires <= ms(now)) {
		return model.NotFound("family_link")
	}
	if err != nil {
		return model.Internal(err)
	}
	var recent int
	err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM needs WHERE family_member_id = $1 AND created_by IS NULL AND created_by_name = $2
		AND created_at > $3`, pr.FamilyMemberID, pr.Username, ms(now.Add(-time.Hour))).Scan(&recent)
	if err != nil {
		return model.Internal(err)
	}
	if recent >= perHour {
		return model.Errorf(model.ERateLimited, "family_link.rate_limited", perHour)
	}
	return nil
}

// ListFamilyLinkNeeds returns the cases reported through the caller's
// self-service link, newest first (at most 50), as the relative may see
// them: what was asked, how far it has come, who handles it (as the worker
// sees on their own page) and the outcome; no phone, institution, region or
// recorder. The page's read is audited as the link's use (family_link.open).
// Returns EForbidden for any caller but a link.
func (s *Store) ListFamilyLinkNeeds(ctx context.Context) (_ []model.Need, err error) {
	defer wrap(&err, "ListFamilyLinkNeeds()")
	pr, err := principal(ctx, auth.PermNeedReportFamily)
	if err != nil {
		return nil, err
	}
	if pr.FamilyLinkID == 0 {
		return nil, model.Errorf(model.EForbidden, "error.forbidden")
	}
	var a args
	q := "SELECT " + needColumns + needFrom + "WHERE " + scopeOf(pr).on("needs", "n", &a) + " ORDER BY n.id DESC LIMIT " + a.add(familyLinkCases)
	rows, err := s.read.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	now := s.now()
	out := []model.Need{}
	for rows.Next() {
		r, err := scanNeed(rows)
		if err != nil {
			return nil, model.Internal(err)
		}
		out = append(out, presentToLink(r.Need, now))
	}
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	return out, s.Audit(ctx, ActFamilyLinkOpen, "family_link", strconv.FormatInt(pr.FamilyLinkID, 10), model.OutcomeOK,
		"cases="+strconv.Itoa(len(out)))
}

// presentToLink is a case as its relative sees it through their link.
func presentToLink(n model.Need, now time.Time) model.Need {
	out := model.Need{ID: n.ID, FamilyMemberID: n.FamilyMemberID, FamilyMemberName: n.FamilyMemberName, FamilyRelation: n.FamilyRelation,
		Category: n.Category, Kind: n.Kind, Urgency: n.Urgency, Description: n.Description, Source: n.Source, Status: n.Status,
		DueAt: n.DueAt, Resolution: n.Resolution, RejectReason: n.RejectReason, Satisfaction: n.Satisfaction,
		CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt, AssignedAt: n.AssignedAt, ResolvedAt: n.ResolvedAt, ClosedAt: n.ClosedAt}
	out.Overdue = casework.Overdue(n.Status, n.DueAt, now)
	if n.Assignee != nil {
		out.Assignee = &model.NeedAssignee{Kind: n.Assignee.Kind, Name: n.Assignee.Name}
	}
	return out
}
