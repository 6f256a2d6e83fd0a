package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Rec records one request: its kind ("create", "status", …), its outcome, and its latency.
type Rec func(kind string, res Result, latency time.Duration)

// Workload performs one unit of work — one request, or a short fixed sequence — starting at
// start (the intended send time in open-loop mode, now in closed-loop mode) and records every
// request it makes with rec. The first request's latency is measured from start, so in open-loop
// mode a request that could not be sent on time is charged for the wait.
type Workload interface {
	Do(ctx context.Context, start time.Time, rec Rec)
}

// WorkloadFunc adapts a function to Workload.
type WorkloadFunc func(ctx context.Context, start time.Time, rec Rec)

// Do calls f.
func (f WorkloadFunc) Do(ctx context.Context, start time.Time, rec Rec) { f(ctx, start, rec) }

// Phase is the outcome of one run of a workload.
type Phase struct {
	Mode    string        // "closed" or "open"
	Clients int           // closed loop: concurrent clients
	Rate    float64       // open loop: intended requests (units of work) per second
	Elapsed time.Duration // from the first send to the last answer
	ByKind  map[string]*Recorder
	Total   *Recorder
	Dropped int // open loop: sends skipped because MaxInFlight requests were outstanding
}

func (p *Phase) finish(c *collector) {
	p.ByKind = c.byKind
	p.Total = c.total()
}

// record returns a Rec that writes into rs.
func record(rs recorders) Rec {
	return func(kind string, res Result, d time.Duration) {
		r := rs.get(kind)
		if res.OK() {
			r.OK(d)
		} else {
			r.Err(res.Cause())
		}
	}
}

// RunClosed runs w with clients concurrent loops for d: each loop starts its next unit of work
// when the previous one has been answered. Requests in flight at the deadline are finished and
// counted.
func RunClosed(ctx context.Context, w Workload, clients int, d time.Duration) *Phase {
	p := &Phase{Mode: "closed", Clients: clients}
	col := newCollector()
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs := recorders{}
			rec := record(rs)
			for ctx.Err() == nil {
				now := time.Now()
				if !now.Before(deadline) {
					break
				}
				w.Do(ctx, now, rec)
			}
			col.add(rs)
		}()
	}
	wg.Wait()
	p.Elapsed = time.Since(start)
	p.finish(col)
	return p
}

// Schedule returns the intended send time of the i-th unit of work at rate per second from
// start. It is computed from i, not by adding intervals, so the schedule does not drift.
func Schedule(start time.Time, rate float64, i int) time.Time {
	return start.Add(time.Duration(float64(i) * float64(time.Second) / rate))
}

// RunOpen runs w open loop: units of work start at a fixed rate per second for d, each on the
// schedule whether or not earlier ones have been answered, and latency is measured from the
// intended send time — so a slow server cannot hide its queueing by slowing the client down
// (no coordinated omission). At most maxInFlight units run at once; a send that finds them all
// busy is counted as dropped (an error of cause "dropped"), never delayed.
func RunOpen(ctx context.Context, w Workload, rate float64, d time.Duration, maxInFlight int) *Phase {
	return runOpen(ctx, w, rate, d, maxInFlight, nil)
}

// runOpen is RunOpen; afterDispatch, if set, runs once every unit has been sent (tests use it).
func runOpen(ctx context.Context, w Workload, rate float64, d time.Duration, maxInFlight int, afterDispatch func()) *Phase {
	p := &Phase{Mode: "open", Rate: rate}
	col := newCollector()
	n := int(rate * d.Seconds())
	var (
		mu      sync.Mutex
		shared  = recorders{}
		wg      sync.WaitGroup
		flights atomic.Int64
	)
	rec := func(kind string, res Result, lat time.Duration) {
		mu.Lock()
		record(shared)(kind, res, lat)
		mu.Unlock()
	}
	start := time.Now()
	for i := 0; i < n && ctx.Err() == nil; i++ {
		at := Schedule(start, rate, i)
		if wait := time.Until(at); wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
		}
		if flights.Load() >= int64(maxInFlight) {
			p.Dropped++
			rec("dropped", Result{Err: errDropped}, 0)
			continue
		}
		flights.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer flights.Add(-1)
			w.Do(ctx, at, rec)
		}()
	}
	if afterDispatch != nil {
		afterDispatch()
	}
	wg.Wait()
	p.Elapsed = time.Since(start)
	col.add(shared)
	p.finish(col)
	return p
}
