package clock

import (
	"testing"
	"time"
)

func TestTestClockAdvancesAndNeverGoesBack(t *testing.T) {
	base := NewFixed(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC))
	c := NewTest(base)
	if got := c.Now(); !got.Equal(base.Now()) {
		t.Fatalf("Now = %v, want %v", got, base.Now())
	}
	c.Advance(90 * time.Minute)
	if got, want := c.Now(), base.Now().Add(90*time.Minute); !got.Equal(want) {
		t.Fatalf("after Advance Now = %v, want %v", got, want)
	}
	c.Advance(-time.Hour)
	if c.Offset() != 90*time.Minute {
		t.Fatalf("negative advance changed offset to %v", c.Offset())
	}
	c.SetOffset(time.Minute)
	if c.Offset() != 90*time.Minute {
		t.Fatalf("SetOffset moved the clock backwards to %v", c.Offset())
	}
	c.SetOffset(2 * time.Hour)
	if c.Offset() != 2*time.Hour {
		t.Fatalf("SetOffset forward = %v", c.Offset())
	}
}

func TestOsloZone(t *testing.T) {
	summer := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC).In(Oslo)
	if _, off := summer.Zone(); off != 2*3600 {
		t.Fatalf("Oslo summer offset = %d, want 7200 (tzdata missing?)", off)
	}
}
