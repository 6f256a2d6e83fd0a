package server

import (
	"runtime/debug"
	"testing"
)

func TestSetGCPercent(t *testing.T) {
	current := func() int { p := debug.SetGCPercent(100); debug.SetGCPercent(p); return p }
	before := current()

	t.Setenv("GOGC", "")
	restore := setGCPercent(400)
	if got := current(); got != 400 {
		t.Errorf("GC percent while serving = %d, want 400", got)
	}
	restore()
	if got := current(); got != before {
		t.Errorf("GC percent after = %d, want it restored to %d", got, before)
	}

	setGCPercent(0)()
	if got := current(); got != before {
		t.Errorf("--gc-percent 0 changed the GC percent to %d", got)
	}

	t.Setenv("GOGC", "150")
	restore = setGCPercent(400)
	if got := current(); got != before {
		t.Errorf("with GOGC set, GC percent = %d, want it left at %d", got, before)
	}
	restore()
}
