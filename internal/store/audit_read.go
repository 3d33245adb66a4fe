package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// Reads of personal data are audited in the store, so that the API and the
// pages cannot differ: a list writes one row per call naming its filter and
// how many rows it returned (never a value: a name, ID number or phone
// searched for shows as "set"), a read of one record writes its own row, and
// a read of an id that is missing or out of scope (a probe) writes a row
// with outcome not_found. The system (the scheduler, the command-line tools)
// is not audited row by row, and neither is a list read under Covered, whose
// caller writes one row for the whole (an export).

// Audit actions of reads.
const (
	ActPersonList    = "person.list"
	ActNeedList      = "need.list"
	ActVisitList     = "visit.list"
	ActVisitRead     = "visit.read"
	ActVisitPlanList = "visit.due" // the visit plan: people due to be visited
	ActVolunteerList = "volunteer.list"
	ActVolunteerRead = "volunteer.read"
	ActPairingList   = "pairing.list"
	ActPairingRead   = "pairing.read"
)

// MaxPage is the most rows one list of personal data (people, cases,
// visits, the visit plan, volunteers, pairings) returns; a larger limit is
// cut to it. Other lists (institutions, accounts, the inbox, the audit
// trail) keep clampPage's 500.
const MaxPage = 200

type coveredKey struct{}

// Covered marks ctx as the context of an operation that writes one audit row
// for everything it reads (an export: export.people, rows=N), so that the
// lists it pages through are not audited one by one and may take pages of
// up to 500 rows.
func Covered(ctx context.Context) context.Context {
	return context.WithValue(ctx, coveredKey{}, true)
}

func covered(ctx context.Context) bool {
	v, _ := ctx.Value(coveredKey{}).(bool)
	return v
}

// readDetail is the detail of a read's audit row: key=value pairs of ids,
// codes and counts.
type readDetail []string

// add names a filter value that is not personal data (a region code, an
// institution id, a status); the zero value is left out.
func (d *readDetail) add(key string, v any) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case int:
		if x != 0 {
			s = strconv.Itoa(x)
		}
	case int64:
		if x != 0 {
			s = strconv.FormatInt(x, 10)
		}
	case *bool:
		if x != nil {
			s = strconv.FormatBool(*x)
		}
	case bool:
		if x {
			s = "true"
		}
	case []string:
		s = strings.Join(x, ",")
	default:
		s = fmt.Sprint(x)
	}
	if s = strings.TrimSpace(s); s != "" {
		*d = append(*d, key+"="+strings.ReplaceAll(s, " ", "_"))
	}
}

// set names a filter on personal data (a name, an ID number, a phone) by its
// presence only.
func (d *readDetail) set(key, v string) {
	if strings.TrimSpace(v) != "" {
		*d = append(*d, key+"=set")
	}
}

func (d readDetail) String() string { return strings.Join(d, " ") }

// auditList records one list call of personal data: its filter d, then the
// rows returned, the total and the offset. err is the list's own error,
// returned as it is (and nothing is recorded) when not nil.
func (s *Store) auditList(ctx context.Context, pr *auth.Principal, err error, action, objectType string, d readDetail, n, total int, page model.Page) error {
	if err != nil || pr.System || covered(ctx) {
		return err
	}
	d = append(d, "count="+strconv.Itoa(n), "total="+strconv.Itoa(total))
	if page.Offset > 0 {
		d = append(d, "offset="+strconv.Itoa(page.Offset))
	}
	return s.Audit(ctx, action, objectType, "", model.OutcomeOK, d.String())
}

// auditRead records a read of one record, or, when err says it is missing
// or out of scope, the probe (outcome not_found). Other errors are returned
// as they are, unrecorded.
func (s *Store) auditRead(ctx context.Context, pr *auth.Principal, err error, action, objectType string, id int64, detail string) error {
	if pr.System {
		return err
	}
	outcome := model.OutcomeOK
	switch {
	case err == nil:
	case model.ErrorCode(err) == model.ENotFound:
		outcome = model.OutcomeNotFound
	default:
		return err
	}
	if aerr := s.Audit(ctx, action, objectType, strconv.FormatInt(id, 10), outcome, detail); aerr != nil {
		return aerr
	}
	return err
}

// clampPageFor is the page of a list of personal data: at most MaxPage
// rows, or clampPage's 500 under Covered (an export's batches).
func clampPageFor(ctx context.Context, p model.Page) model.Page {
	p = clampPage(p)
	if !covered(ctx) && p.Limit > MaxPage {
		p.Limit = MaxPage
	}
	return p
}
