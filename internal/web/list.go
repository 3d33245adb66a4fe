package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"houdun/internal/ident"
	"houdun/internal/model"
)

// pageSize is the number of rows of every list page.
const pageSize = 50

// pageOf reads the 1-based ?page= of a list; anything else is page 1.
func pageOf(r *http.Request) model.Page {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		n = 1
	}
	if n > 1_000_000 {
		n = 1_000_000
	}
	return model.Page{Limit: pageSize, Offset: (n - 1) * pageSize}
}

// pager is the "rows 51–100 of 230, previous, next" line under a list.
type pager struct {
	Total, From, To int
	Page, Pages     int
	PrevURL         string
	NextURL         string
}

// newPager builds the pager of a list shown at path with the filter values q
// (without page).
func newPager(path string, q url.Values, total, offset, limit int) pager {
	if limit <= 0 {
		limit = pageSize
	}
	p := pager{Total: total, Page: offset/limit + 1, Pages: (total + limit - 1) / limit}
	if total > 0 && offset < total {
		p.From, p.To = offset+1, min(offset+limit, total)
	}
	link := func(page int) string {
		v := url.Values{}
		for k, vs := range q {
			for _, s := range vs {
				if s != "" {
					v.Add(k, s)
				}
			}
		}
		if page > 1 {
			v.Set("page", strconv.Itoa(page))
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	if p.Page > 1 {
		p.PrevURL = link(min(p.Page-1, max(p.Pages, 1)))
	}
	if offset+limit < total {
		p.NextURL = link(p.Page + 1)
	}
	return p
}

// chinaTime is the zone every time on the pages is shown in (UTC+8, no DST):
// the users are in China whatever zone the server runs in.
var chinaTime = time.FixedZone("UTC+8", 8*3600)

// formatTime shows a time to the minute in China time; the zero time is empty.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(chinaTime).Format("2006-01-02 15:04")
}

// formatTimePtr is formatTime of an optional time.
func formatTimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return formatTime(*t)
}

// ageOn returns the age in whole years on today of someone born on birth
// (YYYY-MM-DD), or -1 when the date is missing or malformed.
func ageOn(birth string, today time.Time) int {
	b, err := time.Parse(time.DateOnly, birth)
	if err != nil {
		return -1
	}
	t := today.In(chinaTime)
	return ident.AgeOn(b, time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC))
}

// parseID reads a positive integer id from a form or query value; "" is 0.
func parseID(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}

// parseForm reads an urlencoded form body of at most max bytes.
func parseForm(w http.ResponseWriter, r *http.Request, max int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, max)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return model.Errorf(model.EInvalid, "error.invalid")
	}
	return nil
}

// option is one entry of a select.
type option struct {
	Value    string
	Text     string
	Selected bool
	// Groups names, space-separated, the groups the option belongs to, for
	// a select another one narrows (a case's kinds by category).
	Groups string
}
