// Package clock is the only source of time for fpgo. Domain code asks a Clock instead of
// calling time.Now so that the sandbox test clock can move every expiry and schedule forward.
package clock

import (
	"sync"
	"time"
)

// Clock tells the current time.
type Clock interface {
	Now() time.Time
}

// Real is the wall clock.
type Real struct{}

// Now returns the wall-clock time.
func (Real) Now() time.Time { return time.Now() }

// Test is the wall clock shifted by an offset that only grows, so that a sandbox can travel
// forward in time (expire links, run billing cycles) while time still flows between calls.
type Test struct {
	mu     sync.RWMutex
	base   Clock
	offset time.Duration
}

// NewTest returns a test clock running on base with no offset.
func NewTest(base Clock) *Test {
	if base == nil {
		base = Real{}
	}
	return &Test{base: base}
}

// Now returns the base time plus the offset.
func (t *Test) Now() time.Time {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.base.Now().Add(t.offset)
}

// Advance moves the clock forward by d; a negative d is ignored because time never runs backwards
// for the orders that already saw it.
func (t *Test) Advance(d time.Duration) time.Time {
	t.mu.Lock()
	if d > 0 {
		t.offset += d
	}
	t.mu.Unlock()
	return t.Now()
}

// Offset reports how far the clock has been moved.
func (t *Test) Offset() time.Duration {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.offset
}

// SetOffset restores an offset (e.g. one persisted by another node); it never moves backwards.
func (t *Test) SetOffset(d time.Duration) {
	t.mu.Lock()
	if d > t.offset {
		t.offset = d
	}
	t.mu.Unlock()
}

// Fixed is a clock stopped at one instant, for tests.
type Fixed struct {
	mu sync.Mutex
	t  time.Time
}

// NewFixed returns a clock stopped at t.
func NewFixed(t time.Time) *Fixed { return &Fixed{t: t} }

// Now returns the stopped instant.
func (f *Fixed) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

// Set moves the stopped instant.
func (f *Fixed) Set(t time.Time) {
	f.mu.Lock()
	f.t = t
	f.mu.Unlock()
}

// Add moves the stopped instant by d.
func (f *Fixed) Add(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

// Oslo is the zone FPGO validates dates in ("orderDate is today or later").
var Oslo = mustZone("Europe/Oslo")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// Machines without tzdata still get a sane zone: CET without DST is never more than an hour off.
		return time.FixedZone("CET", 3600)
	}
	return loc
}
