package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"unicode/utf8"

	"houdun/internal/auth"
	"houdun/internal/ident"
	"houdun/internal/model"
	"houdun/internal/region"
)

// Audit actions and inbox kinds of transfer requests.
const (
	ActTransferSubmit  = "transfer.submit"
	ActTransferApprove = "transfer.approve"
	ActTransferReject  = "transfer.reject"
	ActTransferRead    = "transfer.read"

	// NoticeTransferSubmitted goes to the approvers of a new request,
	// NoticeTransferDecided to its requester.
	NoticeTransferSubmitted = "transfer.submitted"
	NoticeTransferDecided   = "transfer.decided"
)

// approverRegion is the nearest region that covers both codes: the region
// whose team decides a move between them ("" is the whole country).
// 210902 and 210903 → 2109; 210902 and 210102 → 21.
func approverRegion(a, b string) string {
	for c := a; c != ""; c = region.ParentOf(c) {
		if strings.HasPrefix(b, c) {
			return c
		}
	}
	return ""
}

// canDecide reports whether pr may decide requests whose approver region is
// code: a region team (transfer.decide) whose scope covers the code. Nobody
// decides their own request (four eyes); the command line decides any.
func canDecide(pr *auth.Principal, approverCode string, requestedBy int64) bool {
	if pr.System {
		return true
	}
	if !pr.Can(auth.PermTransferDecide) || pr.PersonID != 0 || pr.InstitutionID != 0 || pr.UserID == 0 || pr.UserID == requestedBy {
		return false
	}
	return strings.HasPrefix(approverCode, pr.RegionCode)
}

// transferScope is the condition on transfer_requests alias t that keeps the
// caller to their own requests and, for a region team, the requests they decide.
func transferScope(pr *auth.Principal, t string, a *args) string {
	if pr.System {
		return "TRUE"
	}
	own := t + ".requested_by = " + a.add(pr.UserID)
	if pr.Can(auth.PermTransferDecide) {
		// A decider's scope reaches the requests whose approver region lies in
		// it (scopedTables: an institution or a person scope reaches none).
		return "(" + own + " OR " + scopeOf(pr).on("transfer_requests", t, a) + ")"
	}
	return own
}

// transferPrincipal is a caller who may see transfer requests: one who may
// register people (their own requests) or decide them.
func transferPrincipal(ctx context.Context) (*auth.Principal, error) {
	pr := auth.FromContext(ctx)
	if pr == nil {
		return nil, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	if !pr.Can(auth.PermTransferDecide) && !pr.Can(auth.PermPersonWrite) && !pr.Can(auth.PermPersonImport) {
		return nil, model.Errorf(model.EForbidden, "error.forbidden")
	}
	return pr, nil
}

// registeredPerson finds a person by ID-number hash anywhere.
// unscoped: the caller never sees the answer; it decides between registering
// and submitting a transfer request, which answer the same.
func registeredPerson(ctx context.Context, q queryer, hash []byte) (existingPerson, bool, error) {
	var e existingPerson
	err := q.QueryRowContext(ctx, `SELECT id, institution_id, region_code FROM people WHERE id_number_hash = $1`, hash).
		Scan(&e.id, &e.institutionID, &e.regionCode)
	if err == sql.ErrNoRows {
		return e, false, nil
	}
	if err != nil {
		return e, false, model.Internal(err)
	}
	return e, true, nil
}

// RegisterPerson registers a person at an institution in the caller's scope.
// When the ID number is registered in another area, which the caller must
// not learn, a transfer request is submitted instead; both answer the same
// Registration. Returns EInvalid for bad fields or an institution out of
// scope, EConflict when the ID number is registered in the caller's own scope.
func (s *Store) RegisterPerson(ctx context.Context, in model.PersonInput) (_ model.Registration, err error) {
	defer wrap(&err, "RegisterPerson()")
	reg := model.Registration{Status: model.RegistrationAccepted}
	pr, err := principal(ctx, auth.PermPersonWrite)
	if err != nil {
		return reg, err
	}
	var f model.PersonFields
	in.Apply(&f)
	if err := f.Normalize(s.now()).Err(); err != nil {
		return reg, err
	}
	hash := s.seal.Hash(hashIDNumber, f.IDNumber)
	err = s.tx(ctx, func(tx *sql.Tx) error {
		regionCode, err := s.institutionRegion(ctx, tx, pr, f.InstitutionID)
		if err != nil {
			return err
		}
		e, found, err := registeredPerson(ctx, tx, hash)
		if err != nil {
			return err
		}
		if found && scopeOf(pr).hasPerson(e.id, e.institutionID, e.regionCode) {
			return idNumberTaken(nil)
		}
		if found {
			now := ms(s.now())
			var approver string
			var fresh bool
			if reg.TransferID, approver, fresh, err = s.submitTransfer(ctx, tx, pr, e, &f, regionCode, model.TransferFromForm, now); err != nil || !fresh {
				return err
			}
			return s.notifyApprovers(ctx, tx, pr, approver, now)
		}
		reg.PersonID, err = s.insertPerson(ctx, tx, &f, hash, regionCode)
		return err
	})
	return reg, err
}

// submitTransfer files a request to move person e to f's institution (in
// region toRegion) and audits it; it returns the request, the region whose
// team decides it, and whether it is new. An open request of the same person
// to the same institution is answered with its id, unchanged.
func (s *Store) submitTransfer(ctx context.Context, tx queryer, pr *auth.Principal, e existingPerson, f *model.PersonFields, toRegion, source string, now int64) (int64, string, bool, error) {
	// unscoped: a request about a person outside the caller's scope by design; the caller is told nothing of it.
	var id int64
	approver := approverRegion(e.regionCode, toRegion)
	err := tx.QueryRowContext(ctx, `SELECT id FROM transfer_requests WHERE person_id = $1 AND to_institution_id = $2 AND status = $3`,
		e.id, f.InstitutionID, model.TransferSubmitted).Scan(&id)
	if err == nil {
		return id, approver, false, nil
	}
	if err != sql.ErrNoRows {
		return 0, "", false, model.Internal(err)
	}
	var by sql.NullInt64
	if pr.UserID != 0 {
		by = sql.NullInt64{Int64: pr.UserID, Valid: true}
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO transfer_requests (person_id, from_institution_id, from_region_code, to_institution_id, to_region_code,
		approver_region_code, requested_name, department, occupation, title, frontline, source, status, requested_by, requested_by_name, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id`,
		e.id, e.institutionID, e.regionCode, f.InstitutionID, toRegion, approver, f.Name, f.Department, f.Occupation, f.Title, f.Frontline,
		source, model.TransferSubmitted, by, pr.Username, now).Scan(&id)
	if err != nil {
		return 0, "", false, model.Internal(err)
	}
	if err := s.appendAudit(ctx, tx, auditRecord{Action: ActTransferSubmit, ObjectType: "transfer", ObjectID: strconv.FormatInt(id, 10),
		Detail: "person=" + strconv.FormatInt(e.id, 10) + " from=" + e.regionCode + " to=" + toRegion + " source=" + source}); err != nil {
		return 0, "", false, err
	}
	return id, approver, true, nil
}

// notifyApprovers tells the region teams who decide requests of the approver
// region (every account that may decide them, the requester excepted) that
// one is waiting. The entry names nobody.
func (s *Store) notifyApprovers(ctx context.Context, tx queryer, pr *auth.Principal, approver string, now int64) error {
	// unscoped: the recipients are the accounts whose region covers the approver region.
	var a args
	rows, err := tx.QueryContext(ctx, `SELECT id, role, region_code FROM users WHERE disabled = FALSE AND region_code IS NOT NULL
		AND institution_id IS NULL AND person_id IS NULL AND (region_code = '' OR `+a.add(approver)+` LIKE region_code || '%')`, a...)
	if err != nil {
		return model.Internal(err)
	}
	var to []int64
	for rows.Next() {
		var uid int64
		var role, code string
		if err := rows.Scan(&uid, &role, &code); err != nil {
			rows.Close()
			return model.Internal(err)
		}
		if auth.RoleCan(role, auth.PermTransferDecide) && uid != pr.UserID {
			to = append(to, uid)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return model.Internal(err)
	}
	return s.transferNotice(ctx, tx, to, NoticeTransferSubmitted, now)
}

// transferNotice puts an inbox entry (naming nobody) into each user's inbox;
// an account that no longer exists gets none.
func (s *Store) transferNotice(ctx context.Context, tx queryer, users []int64, kind string, now int64) error {
	// unscoped: notices to accounts already chosen by notifyApprovers or the request's requester.
	for _, u := range users {
		if _, err := tx.ExecContext(ctx, "INSERT INTO notifications (user_id, kind, created_at) SELECT id, CAST($2 AS TEXT), CAST($3 AS BIGINT) FROM users WHERE id = $1", u, kind, now); err != nil {
			return model.Internal(err)
		}
	}
	return nil
}

const transferColumns = `t.id, t.kind, t.requested_id_number_enc, t.status, t.source, t.requested_name, t.to_institution_id, ti.name, t.to_region_code, t.department, t.occupation,
	t.title, t.frontline, t.requested_by, t.requested_by_name, t.person_id, p.name, p.id_number_enc, t.from_institution_id, fi.name,
	t.from_region_code, t.approver_region_code, t.reason, t.decided_by_name, t.decided_at, t.version, t.created_at, t.updated_at`

const transferFrom = ` FROM transfer_requests t JOIN institutions ti ON ti.id = t.to_institution_id
	JOIN institutions fi ON fi.id = t.from_institution_id JOIN people p ON p.id = t.person_id `

// scanTransfer reads a row of transferColumns. The fields about the existing
// record are kept only for a caller who decides the request.
func (s *Store) scanTransfer(pr *auth.Principal, row interface{ Scan(...any) error }) (model.Transfer, error) {
	var t model.Transfer
	var by sql.NullInt64
	var idEnc, requestedEnc []byte
	var decided, created, updated int64
	err := row.Scan(&t.ID, &t.Kind, &requestedEnc, &t.Status, &t.Source, &t.RequestedName, &t.ToInstitutionID, &t.ToInstitutionName, &t.ToRegionCode, &t.Department,
		&t.Occupation, &t.Title, &t.Frontline, &by, &t.RequestedByName, &t.PersonID, &t.PersonName, &idEnc, &t.FromInstitutionID,
		&t.FromInstitutionName, &t.FromRegionCode, &t.ApproverRegionCode, &t.Reason, &t.DecidedByName, &decided, &t.Version, &created, &updated)
	if err != nil {
		return t, err
	}
	t.DecidedAt, t.CreatedAt, t.UpdatedAt = optTime(decided), fromMS(created), fromMS(updated)
	if len(requestedEnc) > 0 {
		// The number asked for: the requester typed it, the deciders decide on it.
		if n, err := s.seal.Open(requestedEnc); err == nil {
			t.RequestedIDNumberMasked = ident.MaskIDNumber(n)
		}
	}
	if t.Kind == model.TransferKindIDNumber && !pr.System && pr.UserID != 0 && by.Int64 == pr.UserID {
		// The requester of a correction sees what they asked for and the
		// decision, alike whoever decides it: which team decides (or whether
		// they could see the record as its decider) would tell whether the
		// number is registered elsewhere.
		t.PersonName, t.IDNumberMasked, t.FromInstitutionID, t.FromInstitutionName, t.FromRegionCode, t.ApproverRegionCode = "", "", 0, "", "", ""
		return t, nil
	}
	if !canSeeRecord(pr, t.ApproverRegionCode, by.Int64) {
		t.PersonID, t.PersonName, t.FromInstitutionID, t.FromInstitutionName, t.FromRegionCode, t.ApproverRegionCode = 0, "", 0, "", "", ""
		return t, nil
	}
	if idNumber, err := s.seal.Open(idEnc); err == nil {
		t.IDNumberMasked = ident.MaskIDNumber(idNumber)
	}
	t.CanDecide = t.Status == model.TransferSubmitted && canDecide(pr, t.ApproverRegionCode, by.Int64)
	return t, nil
}

// canSeeRecord: a region team covering both sides sees the existing record,
// their own requests included (they could see it anyway); a requester who is
// not such a team sees only what they typed.
func canSeeRecord(pr *auth.Principal, approverCode string, requestedBy int64) bool {
	if pr.System {
		return true
	}
	return pr.Can(auth.PermTransferDecide) && pr.PersonID == 0 && pr.InstitutionID == 0 && strings.HasPrefix(approverCode, pr.RegionCode)
}

// ListTransfers returns the transfer requests the caller may see, newest first:
// their own, and for a region team those whose both sides lie in its region.
func (s *Store) ListTransfers(ctx context.Context, f model.TransferFilter) (_ model.List[model.Transfer], err error) {
	defer wrap(&err, "ListTransfers()")
	out := model.List[model.Transfer]{Items: []model.Transfer{}}
	pr, err := transferPrincipal(ctx)
	if err != nil {
		return out, err
	}
	page := clampPage(f.Page)
	var a args
	cond := []string{transferScope(pr, "t", &a)}
	if f.Mine {
		cond = append(cond, "t.requested_by = "+a.add(pr.UserID))
	}
	if f.Status != "" {
		cond = append(cond, "t.status = "+a.add(f.Status))
	}
	if f.Kind != "" {
		cond = append(cond, "t.kind = "+a.add(f.Kind))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		// The record's name is searched only where the caller sees it.
		own := "t.requested_name LIKE " + a.add(likePattern(q)) + ` ESCAPE '\'`
		if pr.System || pr.Can(auth.PermTransferDecide) && pr.PersonID == 0 && pr.InstitutionID == 0 {
			own = "(" + own + " OR (" + regionRange("t.approver_region_code", pr.RegionCode, &a) + " AND p.name LIKE " + a.add(likePattern(q)) + ` ESCAPE '\'))`
		}
		cond = append(cond, own)
	}
	if f.RegionCode != "" {
		cond = append(cond, "("+regionRange("t.to_region_code", f.RegionCode, &a)+" OR "+regionRange("t.from_region_code", f.RegionCode, &a)+")")
	}
	where := strings.Join(cond, " AND ")
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+transferFrom+"WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	q := "SELECT " + transferColumns + transferFrom + "WHERE " + where + " ORDER BY t.id DESC LIMIT " + a.add(page.Limit) + " OFFSET " + a.add(page.Offset)
	rows, err := s.read.QueryContext(ctx, q, a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		t, err := s.scanTransfer(pr, rows)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, t)
	}
	if err := rows.Err(); err != nil {
		return out, model.Internal(err)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, s.Audit(ctx, ActTransferRead, "transfer", "list", model.OutcomeOK, "count="+strconv.Itoa(len(out.Items)))
}

func (s *Store) getTransfer(ctx context.Context, q queryer, pr *auth.Principal, id int64) (model.Transfer, error) {
	var a args
	t, err := s.scanTransfer(pr, q.QueryRowContext(ctx, "SELECT "+transferColumns+transferFrom+"WHERE t.id = "+a.add(id)+" AND "+transferScope(pr, "t", &a), a...))
	if err == sql.ErrNoRows {
		return t, model.NotFound("transfer")
	}
	if err != nil {
		return t, model.Internal(err)
	}
	return t, nil
}

// GetTransfer returns one request the caller may see; the read is audited.
// Returns ENotFound when missing or not theirs to see.
func (s *Store) GetTransfer(ctx context.Context, id int64) (_ model.Transfer, err error) {
	defer wrap(&err, "GetTransfer(%d)", id)
	pr, err := transferPrincipal(ctx)
	if err != nil {
		return model.Transfer{}, err
	}
	t, err := s.getTransfer(ctx, s.read, pr, id)
	if err != nil {
		return t, err
	}
	return t, s.Audit(ctx, ActTransferRead, "transfer", strconv.FormatInt(id, 10), model.OutcomeOK, "")
}

// ApproveTransfer moves the person to the requested institution (and its
// region; their cases and visits follow) with the requested post, in one
// transaction with the audit rows of the request and of the person.
// Returns ENotFound when the caller may not see the request, EForbidden when
// they see it but may not decide it (their own request, or not a region team
// covering both sides), EConflict when it is decided already or the person
// moved meanwhile, EStaleVersion for a stale version.
func (s *Store) ApproveTransfer(ctx context.Context, id int64, d model.TransferDecision) (_ model.Transfer, err error) {
	defer wrap(&err, "ApproveTransfer(%d)", id)
	return s.decideTransfer(ctx, id, d, true)
}

// RejectTransfer closes a request with a reason, which the requester sees.
// Errors as ApproveTransfer, and EInvalid without a reason.
func (s *Store) RejectTransfer(ctx context.Context, id int64, d model.TransferDecision) (_ model.Transfer, err error) {
	defer wrap(&err, "RejectTransfer(%d)", id)
	return s.decideTransfer(ctx, id, d, false)
}

func (s *Store) decideTransfer(ctx context.Context, id int64, d model.TransferDecision, approve bool) (model.Transfer, error) {
	// unscoped: the request is read through getTransfer in scope first; canDecide checks the approver region.
	pr, err := transferPrincipal(ctx)
	if err != nil {
		return model.Transfer{}, err
	}
	d.Reason = strings.TrimSpace(d.Reason)
	if !approve && d.Reason == "" {
		return model.Transfer{}, model.FieldErrors{"reason": model.M("field.required")}.Err()
	}
	if utf8.RuneCountInString(d.Reason) > model.MaxTransferReason {
		return model.Transfer{}, model.FieldErrors{"reason": model.M("field.too_long", model.MaxTransferReason)}.Err()
	}
	var out model.Transfer
	err = s.tx(ctx, func(tx *sql.Tx) error {
		t, err := s.getTransfer(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		var requestedBy sql.NullInt64
		var approverCode string
		if err := tx.QueryRowContext(ctx, "SELECT requested_by, approver_region_code FROM transfer_requests WHERE id = $1", id).Scan(&requestedBy, &approverCode); err != nil {
			return model.Internal(err)
		}
		if !canDecide(pr, approverCode, requestedBy.Int64) {
			return model.Errorf(model.EForbidden, "transfer.not_yours")
		}
		if d.Version != nil && *d.Version != t.Version {
			return staleVersion()
		}
		if t.Status != model.TransferSubmitted {
			return model.Errorf(model.EConflict, "transfer.decided")
		}
		now := ms(s.now())
		status, action := model.TransferRejected, ActTransferReject
		switch {
		case approve && t.Kind == model.TransferKindIDNumber:
			status, action = model.TransferApproved, ActTransferApprove
			if err := s.applyIDCorrection(ctx, tx, id, t); err != nil {
				return err
			}
		case approve:
			status, action = model.TransferApproved, ActTransferApprove
			res, err := tx.ExecContext(ctx, `UPDATE people SET institution_id = $1, region_code = $2, department = $3, occupation = $4, title = $5,
				frontline = $6, version = version + 1, updated_at = $7 WHERE id = $8 AND institution_id = $9`,
				t.ToInstitutionID, t.ToRegionCode, t.Department, t.Occupation, t.Title, t.Frontline, now, t.PersonID, t.FromInstitutionID)
			if err != nil {
				return model.Internal(err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return model.Errorf(model.EConflict, "transfer.person_moved")
			}
			if err := s.appendAudit(ctx, tx, auditRecord{Action: ActPersonUpdate, ObjectType: "person", ObjectID: strconv.FormatInt(t.PersonID, 10),
				Detail: "transfer=" + strconv.FormatInt(id, 10) + " from=" + t.FromRegionCode + " to=" + t.ToRegionCode}); err != nil {
				return err
			}
		}
		var by sql.NullInt64
		if pr.UserID != 0 {
			by = sql.NullInt64{Int64: pr.UserID, Valid: true}
		}
		res, err := tx.ExecContext(ctx, `UPDATE transfer_requests SET status = $1, reason = $2, decided_by = $3, decided_by_name = $4, decided_at = $5,
			version = version + 1, updated_at = $5 WHERE id = $6 AND version = $7`, status, d.Reason, by, pr.Username, now, id, t.Version)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: action, ObjectType: "transfer", ObjectID: strconv.FormatInt(id, 10),
			Detail: "person=" + strconv.FormatInt(t.PersonID, 10)}); err != nil {
			return err
		}
		if requestedBy.Valid {
			if err := s.transferNotice(ctx, tx, []int64{requestedBy.Int64}, NoticeTransferDecided, now); err != nil {
				return err
			}
		}
		out, err = s.getTransfer(ctx, tx, pr, id)
		return err
	})
	return out, err
}
