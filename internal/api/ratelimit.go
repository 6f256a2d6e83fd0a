package api

import (
	"sync"
	"time"
)

// limiter counts requests per key in fixed one-minute windows, as Laravel's throttle does, so
// X-RateLimit-Remaining means the same thing it means against FPGO. Counts are per node.
type limiter struct {
	mu      sync.Mutex
	windows map[string]*window
	now     func() time.Time
}

type window struct {
	start time.Time
	count int
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{windows: map[string]*window{}, now: now}
}

// take counts one request for key against limit and reports whether it is allowed, how many
// remain and, when refused, how long until the window resets.
func (l *limiter) take(key string, limit int) (allowed bool, remaining int, retryAfter time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.windows[key]
	if w == nil || now.Sub(w.start) >= time.Minute {
		if len(l.windows) > 100_000 {
			l.sweep(now)
		}
		w = &window{start: now}
		l.windows[key] = w
	}
	if w.count >= limit {
		return false, 0, w.start.Add(time.Minute).Sub(now)
	}
	w.count++
	return true, limit - w.count, 0
}

func (l *limiter) sweep(now time.Time) {
	for k, w := range l.windows {
		if now.Sub(w.start) >= time.Minute {
			delete(l.windows, k)
		}
	}
}
