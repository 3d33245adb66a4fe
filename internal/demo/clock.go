package demo

import (
	"sync/atomic"
	"time"
)

// Clock is the time the store reads while Fill writes the needs ledger: a
// base clock (the real one in `houdun demo`) shifted by an offset that Fill
// moves back to the weeks it tells the history of, so that cases are
// recorded, escalated and closed on the days they claim. Fill sets the offset
// back to zero before it returns, whatever happens, so a store opened with
// Now: clock.Now serves on the real time afterwards.
//
// A store for the demo is opened with store.Options{Now: clock.Now}; Fill
// checks that the store reads it.
type Clock struct {
	base   func() time.Time
	offset atomic.Int64 // nanoseconds added to base
}

// NewClock returns a clock that reads base (time.Now when nil) with no offset.
func NewClock(base func() time.Time) *Clock {
	if base == nil {
		base = time.Now
	}
	return &Clock{base: base}
}

// Now returns the base time plus the offset.
func (c *Clock) Now() time.Time {
	return c.base().Add(time.Duration(c.offset.Load()))
}

// Offset is how far the clock is shifted from its base; zero outside Fill.
func (c *Clock) Offset() time.Duration { return time.Duration(c.offset.Load()) }

// baseNow is the base time, unshifted.
func (c *Clock) baseNow() time.Time { return c.base() }

// setTo shifts the clock so that it reads t now (and runs on from there).
func (c *Clock) setTo(t time.Time) { c.offset.Store(int64(t.Sub(c.base()))) }

// reset returns the clock to its base.
func (c *Clock) reset() { c.offset.Store(0) }
