package delivery

import (
	"math"
	"time"
)

// Schedule decides when a failed callback is tried again, and when fpgo gives up on it.
type Schedule struct {
	// Delays[i] is the wait after the (i+1)th failed attempt; after the list, Every.
	Delays []time.Duration
	Every  time.Duration
	// Window is how long after the start of its retry window (creation, or the last replay) a
	// callback is retried; the last attempt is made as the window closes.
	Window time.Duration
	// Jitter spreads each wait by ±Jitter (0.2 = ±20%) so that callbacks that failed together,
	// e.g. while a merchant's endpoint was down, do not all come back in the same instant.
	Jitter float64
}

// DefaultSchedule: 10s, 30s, 1m, 2m, 5m, 10m, 20m, 40m, 1h, then every 2h, ±20%, for 24 hours —
// about 20 attempts.
func DefaultSchedule() Schedule {
	return Schedule{
		Delays: []time.Duration{
			10 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute,
			10 * time.Minute, 20 * time.Minute, 40 * time.Minute, time.Hour,
		},
		Every:  2 * time.Hour,
		Window: 24 * time.Hour,
		Jitter: 0.2,
	}
}

// Scaled returns the schedule with every wait and the window multiplied by f (e.g. 0.001 turns
// a day into 86 seconds), for sandbox tests. f <= 0 leaves it unchanged.
func (s Schedule) Scaled(f float64) Schedule {
	if f <= 0 || f == 1 {
		return s
	}
	scale := func(d time.Duration) time.Duration {
		v := time.Duration(math.Round(float64(d) * f))
		if v < time.Millisecond {
			v = time.Millisecond
		}
		return v
	}
	out := s
	out.Delays = make([]time.Duration, len(s.Delays))
	for i, d := range s.Delays {
		out.Delays[i] = scale(d)
	}
	out.Every, out.Window = scale(s.Every), scale(s.Window)
	return out
}

// Delay is the wait after the given failed attempt (1-based), before jitter.
func (s Schedule) Delay(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	if attempt <= len(s.Delays) {
		return s.Delays[attempt-1]
	}
	return s.Every
}

// Next returns when to try again after attempt number attempt (1-based) failed at now, for a
// callback whose retry window opened at start. r in [0, 1) picks the jitter (0.5 = none). A wait
// that would end past the window is cut short to the window's end, so the last attempt is made
// as the window closes; ok is false once a failure happens at or after that end: the callback
// has then failed.
func (s Schedule) Next(attempt int, start, now time.Time, r float64) (next time.Time, ok bool) {
	end := start.Add(s.Window)
	if !now.Before(end) {
		return time.Time{}, false
	}
	d := s.Delay(attempt)
	if s.Jitter > 0 {
		d = time.Duration(float64(d) * (1 + s.Jitter*(2*r-1)))
	}
	if d < time.Millisecond {
		d = time.Millisecond
	}
	next = now.Add(d)
	if next.After(end) {
		next = end
	}
	return next, true
}
