package delivery

import (
	"math/rand/v2"
	"testing"
	"time"
)

var start = time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)

func TestDefaultScheduleDelays(t *testing.T) {
	s := DefaultSchedule()
	want := []time.Duration{10 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute,
		10 * time.Minute, 20 * time.Minute, 40 * time.Minute, time.Hour, 2 * time.Hour, 2 * time.Hour, 2 * time.Hour}
	for i, w := range want {
		if got := s.Delay(i + 1); got != w {
			t.Errorf("Delay(%d) = %s, want %s", i+1, got, w)
		}
	}
	if got := s.Delay(0); got != 10*time.Second {
		t.Errorf("Delay(0) = %s, want the first delay", got)
	}
	if got := s.Delay(1000); got != 2*time.Hour {
		t.Errorf("Delay(1000) = %s", got)
	}
	for i := 2; i < 40; i++ {
		if s.Delay(i) < s.Delay(i-1) {
			t.Fatalf("delays must not shrink: %d: %s < %s", i, s.Delay(i), s.Delay(i-1))
		}
	}
}

func TestNextWithoutJitterIsExact(t *testing.T) {
	s := DefaultSchedule()
	now := start.Add(time.Minute)
	next, ok := s.Next(3, start, now, 0.5)
	if !ok || !next.Equal(now.Add(time.Minute)) {
		t.Fatalf("Next(3) = %s %v, want now+1m", next, ok)
	}
}

func TestJitterStaysWithin20Percent(t *testing.T) {
	s := DefaultSchedule()
	r := rand.New(rand.NewPCG(7, 9))
	now := start
	for attempt := 1; attempt <= 15; attempt++ {
		d := s.Delay(attempt)
		lo, hi := time.Duration(float64(d)*0.8), time.Duration(float64(d)*1.2)
		for range 200 {
			next, ok := s.Next(attempt, start, now, r.Float64())
			if !ok {
				t.Fatalf("attempt %d at the start gave up", attempt)
			}
			if got := next.Sub(now); got < lo || got > hi {
				t.Fatalf("attempt %d: wait %s outside [%s, %s]", attempt, got, lo, hi)
			}
		}
	}
	if next, _ := s.Next(1, start, now, 0); next.Sub(now) != 8*time.Second {
		t.Fatalf("r=0: %s, want 8s", next.Sub(now))
	}
	if next, _ := s.Next(1, start, now, 0.999999999); next.Sub(now) < 11999*time.Millisecond {
		t.Fatalf("r→1: %s, want ≈12s", next.Sub(now))
	}
}

// Following the schedule from creation, a callback that always fails is tried about 20 times,
// the last time when 24 hours have passed, and then given up.
func TestScheduleGivesUpAfterTheWindow(t *testing.T) {
	for _, r := range []float64{0, 0.5, 0.999} {
		s := DefaultSchedule()
		now := start
		attempts := 1
		for {
			next, ok := s.Next(attempts, start, now, r)
			if !ok {
				break
			}
			if !next.After(now) {
				t.Fatalf("next %s not after %s", next, now)
			}
			now = next
			attempts++
			if attempts > 100 {
				t.Fatal("never gives up")
			}
		}
		if now.Sub(start) != 24*time.Hour {
			t.Fatalf("r=%v: last attempt %s after creation, want exactly at the end of the 24h window", r, now.Sub(start))
		}
		if attempts < 15 || attempts > 25 {
			t.Fatalf("r=%v: %d attempts, want about 20", r, attempts)
		}
		t.Logf("r=%v: %d attempts, last %s after creation", r, attempts, now.Sub(start))
	}
}

func TestNextAtTheEndOfTheWindow(t *testing.T) {
	s := DefaultSchedule()
	end := start.Add(24 * time.Hour)
	if next, ok := s.Next(12, start, start.Add(22*time.Hour), 0.5); !ok || !next.Equal(end) {
		t.Fatalf("2h before the end: %s %v, want the end", next, ok)
	}
	if next, ok := s.Next(12, start, end.Add(-time.Minute), 0.5); !ok || !next.Equal(end) {
		t.Fatalf("a wait past the end is cut to the end: %s %v", next, ok)
	}
	if _, ok := s.Next(12, start, end, 0.5); ok {
		t.Fatal("a failure at the end of the window must give up")
	}
	if _, ok := s.Next(1, start, end.Add(time.Hour), 0.5); ok {
		t.Fatal("a failure after the window must give up")
	}
	// A replay opens a new window from its own start.
	replay := start.Add(48 * time.Hour)
	if next, ok := s.Next(1, replay, replay, 0.5); !ok || !next.Equal(replay.Add(10*time.Second)) {
		t.Fatalf("replayed callback: %s %v", next, ok)
	}
}

func TestScaled(t *testing.T) {
	s := DefaultSchedule().Scaled(0.001)
	if s.Delay(1) != 10*time.Millisecond || s.Delay(9) != 3600*time.Millisecond || s.Every != 7200*time.Millisecond ||
		s.Window != 86400*time.Millisecond || s.Jitter != 0.2 {
		t.Fatalf("Scaled(0.001) = %+v", s)
	}
	if DefaultSchedule().Delay(1) != 10*time.Second {
		t.Fatal("Scaled changed the original")
	}
	if tiny := DefaultSchedule().Scaled(1e-9); tiny.Delay(1) != time.Millisecond {
		t.Fatalf("delays are at least 1ms, got %s", tiny.Delay(1))
	}
	for _, f := range []float64{0, -1, 1} {
		if got := DefaultSchedule().Scaled(f); got.Window != 24*time.Hour || got.Delay(1) != 10*time.Second {
			t.Fatalf("Scaled(%v) changed the schedule: %+v", f, got)
		}
	}
}
