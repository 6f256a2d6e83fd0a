// Package bench is `fpgo bench`: it drives a workload against an fpgo server (its own, on a fresh
// database, or one given by URL), measures throughput and latency, and measures in the same run
// the raw storage baseline — the same order-plus-outbox insert transaction committed straight
// into the database, one transaction each — so results are ratios to what the disk allows
// rather than absolute numbers that drift from machine to machine.
package bench

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"
)

// Recorder counts requests of one kind: the latency of each success and the errors by cause.
// Each worker records into its own Recorder (no locks on the hot path); Merge combines them.
type Recorder struct {
	lat    []time.Duration // successes only
	errors map[string]int  // "417", "transport", …
}

// NewRecorder returns an empty recorder with room for n latencies.
func NewRecorder(n int) *Recorder {
	return &Recorder{lat: make([]time.Duration, 0, n), errors: map[string]int{}}
}

// OK records a successful request that took d.
func (r *Recorder) OK(d time.Duration) { r.lat = append(r.lat, d) }

// Err records a failed request; cause is an HTTP status ("500") or a short word ("transport").
func (r *Recorder) Err(cause string) { r.errors[cause]++ }

// ErrStatus records a failed request by its HTTP status code.
func (r *Recorder) ErrStatus(code int) { r.Err(strconv.Itoa(code)) }

// Merge adds o's counts to r.
func (r *Recorder) Merge(o *Recorder) {
	r.lat = append(r.lat, o.lat...)
	for k, v := range o.errors {
		r.errors[k] += v
	}
}

// Successes is the number of successful requests recorded.
func (r *Recorder) Successes() int { return len(r.lat) }

// Errors is the number of failed requests recorded.
func (r *Recorder) Errors() int {
	n := 0
	for _, v := range r.errors {
		n += v
	}
	return n
}

// Summary computes the exact percentiles over everything recorded. elapsed is the wall time the
// requests were sent in; requests per second counts successes only.
func (r *Recorder) Summary(elapsed time.Duration) Summary {
	s := Summary{Successes: len(r.lat), Errors: r.Errors(), ElapsedSeconds: elapsed.Seconds()}
	if len(r.errors) > 0 {
		s.ErrorsBy = make(map[string]int, len(r.errors))
		for k, v := range r.errors {
			s.ErrorsBy[k] = v
		}
	}
	s.Requests = s.Successes + s.Errors
	if elapsed > 0 {
		s.PerSecond = float64(s.Successes) / elapsed.Seconds()
	}
	if len(r.lat) == 0 {
		return s
	}
	sorted := slices.Clone(r.lat)
	slices.Sort(sorted)
	s.P50 = Percentile(sorted, 50)
	s.P95 = Percentile(sorted, 95)
	s.P99 = Percentile(sorted, 99)
	s.Max = sorted[len(sorted)-1]
	var sum time.Duration
	for _, d := range sorted {
		sum += d
	}
	s.Mean = sum / time.Duration(len(sorted))
	return s
}

// Summary is what a Recorder reports.
type Summary struct {
	Requests       int            // successes + errors
	Successes      int            // 2xx
	Errors         int            // everything else, including transport failures
	ErrorsBy       map[string]int // errors by status code or cause
	ElapsedSeconds float64
	PerSecond      float64 // successes per second
	P50, P95, P99  time.Duration
	Mean, Max      time.Duration
}

// Percentile returns the p-th percentile (0 < p ≤ 100) of sorted by the nearest-rank method:
// the smallest value such that at least p% of the values are ≤ it. sorted must be ascending and
// not empty.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	if rank < 1 {
		rank = 1
	}
	if rank > len(sorted) {
		rank = len(sorted)
	}
	return sorted[rank-1]
}

// Ratio is server/baseline, or 0 when there is no baseline.
func Ratio(server, baseline float64) float64 {
	if baseline <= 0 {
		return 0
	}
	return server / baseline
}

// Ms converts a duration to float milliseconds, rounded to the microsecond.
func Ms(d time.Duration) float64 { return math.Round(float64(d.Microseconds())) / 1000 }

// recorders is a set of per-kind recorders owned by one worker.
type recorders map[string]*Recorder

func (rs recorders) get(kind string) *Recorder {
	r := rs[kind]
	if r == nil {
		r = NewRecorder(1024)
		rs[kind] = r
	}
	return r
}

// collector gathers the workers' recorders when they finish.
type collector struct {
	mu     sync.Mutex
	byKind map[string]*Recorder
}

func newCollector() *collector { return &collector{byKind: map[string]*Recorder{}} }

func (c *collector) add(rs recorders) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, r := range rs {
		if c.byKind[k] == nil {
			c.byKind[k] = NewRecorder(0)
		}
		c.byKind[k].Merge(r)
	}
}

// total merges every kind into one recorder.
func (c *collector) total() *Recorder {
	c.mu.Lock()
	defer c.mu.Unlock()
	all := NewRecorder(0)
	for _, k := range c.kinds() {
		all.Merge(c.byKind[k])
	}
	return all
}

func (c *collector) kinds() []string {
	ks := make([]string, 0, len(c.byKind))
	for k := range c.byKind {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
