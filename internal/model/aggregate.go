package model

import (
	"bytes"
	"strconv"
)

// SmallCell is the smallest count a role that sees aggregates only (a
// leader) is shown exactly: DOMAIN.md asks that cells under 5 people be
// suppressed in aggregate views. The store applies it, so that the API and
// the pages show the same figures and neither can forget it.
const SmallCell = 5

// Count is a figure of an aggregate view. A small cell hidden from the
// caller is Suppressed: JSON null, "<5" on a page.
type Count int

// Suppressed stands for a count of 1 to SmallCell-1 the caller may not see.
const Suppressed Count = -1

// IsSuppressed reports whether the count is hidden.
func (c Count) IsSuppressed() bool { return c < 0 }

// Suppress returns c, or Suppressed for a small cell (1 to SmallCell-1);
// zero stays zero.
func (c Count) Suppress() Count {
	if c > 0 && c < SmallCell {
		return Suppressed
	}
	return c
}

// MarshalJSON writes the number, or null when suppressed.
func (c Count) MarshalJSON() ([]byte, error) {
	if c.IsSuppressed() {
		return []byte("null"), nil
	}
	return strconv.AppendInt(nil, int64(c), 10), nil
}

// UnmarshalJSON reads a number, or null as Suppressed.
func (c *Count) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*c = Suppressed
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return err
	}
	*c = Count(n)
	return nil
}
