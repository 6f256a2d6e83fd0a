package bench

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func TestPercentileNearestRank(t *testing.T) {
	var hundred []time.Duration
	for i := 1; i <= 100; i++ {
		hundred = append(hundred, ms(i))
	}
	ten := []time.Duration{ms(1), ms(2), ms(3), ms(4), ms(5), ms(6), ms(7), ms(8), ms(9), ms(10)}
	for _, c := range []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"p50 of 1..100", hundred, 50, ms(50)},
		{"p95 of 1..100", hundred, 95, ms(95)},
		{"p99 of 1..100", hundred, 99, ms(99)},
		{"p100 of 1..100", hundred, 100, ms(100)},
		{"p1 of 1..100", hundred, 1, ms(1)},
		{"p50 of 1..10", ten, 50, ms(5)},
		{"p95 of 1..10 rounds up to the 10th", ten, 95, ms(10)},
		{"p99 of 1..10", ten, 99, ms(10)},
		{"p91 of 1..10", ten, 91, ms(10)},
		{"p90 of 1..10", ten, 90, ms(9)},
		{"single value", []time.Duration{ms(7)}, 99, ms(7)},
		{"p0 is the minimum", ten, 0, ms(1)},
		{"empty", nil, 50, 0},
	} {
		if got := Percentile(c.sorted, c.p); got != c.want {
			t.Errorf("%s: Percentile(p%g) = %v, want %v", c.name, c.p, got, c.want)
		}
	}
}

func TestRecorderSummary(t *testing.T) {
	r := NewRecorder(0)
	// 1..100 ms, shuffled: the summary must sort.
	for i := 100; i >= 1; i -= 2 {
		r.OK(ms(i))
	}
	for i := 1; i <= 99; i += 2 {
		r.OK(ms(i))
	}
	r.ErrStatus(500)
	r.ErrStatus(500)
	r.Err("transport")
	s := r.Summary(10 * time.Second)
	if s.Successes != 100 || s.Errors != 3 || s.Requests != 103 {
		t.Fatalf("counts: %+v", s)
	}
	if s.ErrorsBy["500"] != 2 || s.ErrorsBy["transport"] != 1 || len(s.ErrorsBy) != 2 {
		t.Errorf("errors by cause: %v", s.ErrorsBy)
	}
	if s.PerSecond != 10 { // successes only
		t.Errorf("per second = %v, want 10", s.PerSecond)
	}
	if s.P50 != ms(50) || s.P95 != ms(95) || s.P99 != ms(99) || s.Max != ms(100) {
		t.Errorf("percentiles: p50 %v p95 %v p99 %v max %v", s.P50, s.P95, s.P99, s.Max)
	}
	if s.Mean != 50500*time.Microsecond {
		t.Errorf("mean = %v, want 50.5ms", s.Mean)
	}
}

func TestRecorderMergeAndEmpty(t *testing.T) {
	a, b := NewRecorder(0), NewRecorder(0)
	a.OK(ms(1))
	a.Err("417")
	b.OK(ms(3))
	b.OK(ms(2))
	b.Err("417")
	b.Err("dropped")
	a.Merge(b)
	if a.Successes() != 3 || a.Errors() != 3 {
		t.Fatalf("merged: %d ok, %d errors", a.Successes(), a.Errors())
	}
	s := a.Summary(time.Second)
	if s.ErrorsBy["417"] != 2 || s.ErrorsBy["dropped"] != 1 || s.P50 != ms(2) || s.Max != ms(3) {
		t.Errorf("merged summary: %+v", s)
	}
	empty := NewRecorder(0).Summary(0)
	if empty.Requests != 0 || empty.PerSecond != 0 || empty.P99 != 0 || empty.ErrorsBy != nil {
		t.Errorf("empty summary: %+v", empty)
	}
}

func TestRatio(t *testing.T) {
	if got := Ratio(3000, 1500); got != 2 {
		t.Errorf("Ratio(3000, 1500) = %v", got)
	}
	if got := Ratio(100, 0); got != 0 {
		t.Errorf("no baseline: %v, want 0", got)
	}
	r := &Report{}
	r.setMain(PhaseReport{RequestsPerSecond: 2500})
	r.setBaseline(BaselineResult{PerSecond: 1000, Transactions: 20000, Elapsed: 20 * time.Second})
	if r.Ratio != 2.5 || r.BaselinePerSecond != 1000 || r.Baseline.Transactions != 20000 {
		t.Errorf("report ratio: %+v", r)
	}
}

func TestResultCause(t *testing.T) {
	for _, c := range []struct {
		r    Result
		ok   bool
		want string
	}{
		{Result{Status: 201}, true, "201"},
		{Result{Status: 417}, false, "417"},
		{Result{Status: 0, Err: context.Canceled}, false, "transport"},
		{Result{Err: errDropped}, false, "dropped"},
	} {
		if c.r.OK() != c.ok || c.r.Cause() != c.want {
			t.Errorf("%+v: OK %v cause %q", c.r, c.r.OK(), c.r.Cause())
		}
	}
}

func TestMixedOpProportions(t *testing.T) {
	const n = 10000
	for _, refunds := range []bool{false, true} {
		count := map[string]int{}
		for i := 0; i < n; i++ {
			count[MixedOp((float64(i)+0.5)/n, refunds)]++
		}
		want := map[string]int{KindCreate: 6000, KindStatus: 1500, KindDetails: 1500, KindCancel: 1000}
		if refunds {
			want[KindCancel], want[KindRefund] = 500, 500
		}
		if !mapsEqual(count, want) {
			t.Errorf("refunds=%v: %v, want %v", refunds, count, want)
		}
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestPhaseReportCountsKindsAndWrites(t *testing.T) {
	col := newCollector()
	w1, w2 := recorders{}, recorders{}
	rec1, rec2 := record(w1), record(w2)
	for i := 0; i < 6; i++ {
		rec1(KindCreate, Result{Status: 201}, ms(10))
	}
	rec1(KindCreate, Result{Status: 510}, ms(1))
	rec2(KindStatus, Result{Status: 200}, ms(2))
	rec2(KindStatus, Result{Status: 404}, ms(2))
	rec2(KindCancel, Result{Status: 202}, ms(4))
	rec2(KindRefund, Result{Status: 202}, ms(4))
	col.add(w1)
	col.add(w2)
	p := &Phase{Mode: "closed", Clients: 2, Elapsed: 2 * time.Second}
	p.finish(col)
	r := PhaseReportOf(p)
	if r.Requests != 11 || r.Errors != 2 || r.ErrorsBy["510"] != 1 || r.ErrorsBy["404"] != 1 {
		t.Errorf("totals: %+v", r)
	}
	if r.RequestsPerSecond != 4.5 { // 9 successes in 2s
		t.Errorf("requests per second = %v", r.RequestsPerSecond)
	}
	if r.WritesPerSecond != 4 { // 6 creates + 1 cancel + 1 refund in 2s
		t.Errorf("writes per second = %v", r.WritesPerSecond)
	}
	if c := r.Ops[KindCreate]; c.Requests != 7 || c.Errors != 1 || c.P50Ms != 10 {
		t.Errorf("create op: %+v", c)
	}
}

func TestReportJSONKeys(t *testing.T) {
	r := &Report{Workload: "create"}
	r.setMain(PhaseReport{Mode: "closed", Requests: 10, RequestsPerSecond: 5, P50Ms: 1, P95Ms: 2, P99Ms: 3})
	r.setBaseline(BaselineResult{PerSecond: 2.5})
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"workload", "requestsPerSecond", "p50Ms", "p95Ms", "p99Ms", "errors", "baselinePerSecond", "ratio"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b)
		}
	}
	if m["ratio"].(float64) != 2 {
		t.Errorf("ratio = %v", m["ratio"])
	}
	var table strings.Builder
	r.WriteTable(&table)
	if !strings.Contains(table.String(), "ratio server/baseline: 2.00") {
		t.Errorf("table:\n%s", table.String())
	}
}

func TestCallbackStats(t *testing.T) {
	start := time.Unix(1000, 0)
	cancelled := map[string]time.Time{}
	first := map[string]time.Time{}
	// 100 orders cancelled at start+i ms, delivered i ms later (lags 1..100 ms, except below).
	for i := 1; i <= 100; i++ {
		u := "ODR" + string(rune('A'+i%26)) + time.Duration(i).String()
		cancelled[u] = start.Add(ms(i))
		first[u] = start.Add(ms(2 * i))
	}
	cancelled["lost"] = start
	cancelled["early"] = start.Add(ms(50))
	first["early"] = start.Add(ms(49)) // the callback beat the client to the cancel's answer
	first["warm-up"] = start.Add(-time.Second)
	s := callbackStats(cancelled, first, 105, start)
	if s.Cancelled != 102 || s.Delivered != 101 || s.Missing != 1 || s.Early != 1 || s.Received != 105 {
		t.Fatalf("counts: %+v", s)
	}
	// Lags: 0 (early) and 1..100 ms: 101 values; nearest rank p50 = 51st = 50 ms, p99 = 100th = 99 ms.
	if s.LagP50Ms != 50 || s.LagP99Ms != 99 || s.LagMaxMs != 100 {
		t.Errorf("lags: %+v", s)
	}
	// 101 delivered by the last arrival at start+200ms.
	if math.Abs(s.DeliveriesPerSecond-505) > 1e-9 {
		t.Errorf("deliveries per second = %v, want 505", s.DeliveriesPerSecond)
	}
	if none := callbackStats(map[string]time.Time{"x": start}, map[string]time.Time{}, 0, start); none.Delivered != 0 || none.Missing != 1 || none.DeliveriesPerSecond != 0 {
		t.Errorf("nothing delivered: %+v", none)
	}
}

func TestCallbackReceiverTracksOnlyWhileOn(t *testing.T) {
	cr := NewCallbackReceiver()
	defer cr.Close()
	now := time.Now()
	cr.Cancelled("before", now) // not tracking yet
	cr.Track(true)
	cr.Cancelled("a", now)
	cr.Cancelled("b", now)
	cr.Track(false)
	cr.Cancelled("after", now)
	cr.Received("a", now.Add(ms(5)))
	cr.Received("a", now.Add(ms(9))) // a repeat: only the first arrival counts for the lag
	cr.Received("", now)
	s := cr.Stats(now)
	if s.Cancelled != 2 || s.Delivered != 1 || s.Missing != 1 || s.Received != 3 || s.LagMaxMs != 5 {
		t.Errorf("stats: %+v", s)
	}
	cr.Track(true) // a new phase starts from nothing
	if s := cr.Stats(now); s.Cancelled != 0 {
		t.Errorf("after Track(true): %+v", s)
	}
}

func TestOrderPool(t *testing.T) {
	p := &OrderPool{}
	if p.Any() != "" || p.TakeFresh() != "" {
		t.Fatal("empty pool returned an order")
	}
	for _, u := range []string{"a", "b", "c"} {
		p.Add(u)
	}
	seen := map[string]bool{}
	for i := 0; i < 3; i++ {
		u := p.TakeFresh()
		if u == "" || seen[u] {
			t.Fatalf("TakeFresh returned %q (seen %v)", u, seen)
		}
		seen[u] = true
	}
	if p.TakeFresh() != "" || p.Fresh() != 0 {
		t.Error("an order was handed out twice")
	}
	if u := p.Any(); !seen[u] {
		t.Errorf("Any after taking all = %q; reads still see taken orders", u)
	}
}

func TestScheduleDoesNotDrift(t *testing.T) {
	start := time.Unix(0, 0)
	if got := Schedule(start, 3, 3000); !got.Equal(start.Add(1000 * time.Second)) {
		t.Errorf("Schedule(3/s, 3000) = %v", got.Sub(start))
	}
	if got := Schedule(start, 1000, 1); got.Sub(start) != time.Millisecond {
		t.Errorf("Schedule(1000/s, 1) = %v", got.Sub(start))
	}
}

func TestRunClosedCountsEveryUnit(t *testing.T) {
	var calls atomic.Int64
	w := WorkloadFunc(func(ctx context.Context, start time.Time, rec Rec) {
		n := calls.Add(1)
		if n%10 == 0 {
			rec(KindCreate, Result{Status: 503}, time.Since(start))
			return
		}
		rec(KindCreate, Result{Status: 201}, time.Since(start))
		rec(KindCancel, Result{Status: 202}, 0)
	})
	p := RunClosed(context.Background(), w, 4, 20*time.Millisecond)
	n := int(calls.Load())
	failed := n / 10
	c, x := p.ByKind[KindCreate], p.ByKind[KindCancel]
	if c.Successes() != n-failed || c.Errors() != failed || x.Successes() != n-failed {
		t.Errorf("%d calls: create %d ok %d failed, cancel %d ok", n, c.Successes(), c.Errors(), x.Successes())
	}
	if p.Total.Successes()+p.Total.Errors() != 2*(n-failed)+failed {
		t.Errorf("total %d+%d for %d calls", p.Total.Successes(), p.Total.Errors(), n)
	}
	if p.Mode != "closed" || p.Clients != 4 || p.Elapsed <= 0 {
		t.Errorf("phase: %+v", p)
	}
}

func TestRunOpenMeasuresFromTheIntendedTime(t *testing.T) {
	var mu sync.Mutex
	var starts []time.Time
	w := WorkloadFunc(func(ctx context.Context, start time.Time, rec Rec) {
		mu.Lock()
		starts = append(starts, start)
		mu.Unlock()
		rec(KindCreate, Result{Status: 201}, time.Since(start))
	})
	// 2000/s for 25ms: exactly 50 units, each handed its slot on the schedule.
	p := RunOpen(context.Background(), w, 2000, 25*time.Millisecond, 1000)
	if len(starts) != 50 || p.Total.Successes() != 50 || p.Dropped != 0 {
		t.Fatalf("%d units ran, %d recorded, %d dropped; want 50", len(starts), p.Total.Successes(), p.Dropped)
	}
	slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
	for i, s := range starts {
		if want := Schedule(starts[0], 2000, i); !s.Equal(want) {
			t.Fatalf("unit %d started at +%v, want +%v", i, s.Sub(starts[0]), want.Sub(starts[0]))
		}
	}
}

func TestRunOpenDropsBeyondMaxInFlight(t *testing.T) {
	release := make(chan struct{})
	var ran atomic.Int64
	w := WorkloadFunc(func(ctx context.Context, start time.Time, rec Rec) {
		ran.Add(1)
		<-release
		rec(KindCreate, Result{Status: 201}, time.Since(start))
	})
	p := runOpen(context.Background(), w, 4000, 5*time.Millisecond, 1, func() { close(release) })
	// 20 sends; the first holds the only slot until every send has been made.
	if ran.Load() != 1 || p.Dropped != 19 {
		t.Fatalf("ran %d, dropped %d; want 1 and 19", ran.Load(), p.Dropped)
	}
	if s := p.Total.Summary(p.Elapsed); s.Successes != 1 || s.ErrorsBy["dropped"] != 19 {
		t.Errorf("summary: %+v", s)
	}
}

func TestParseProcStatCPU(t *testing.T) {
	busy, steal, ok := parseProcStatCPU("cpu  1000 50 400 90000 20 10 40 300 0 0")
	if !ok || busy != 15 || steal != 3 { // (1000+50+400+10+40)/100, 300/100
		t.Errorf("busy %v steal %v ok %v", busy, steal, ok)
	}
	if _, _, ok := parseProcStatCPU("cpu0 1 2 3 4 5 6 7 8"); ok {
		t.Error("a per-core line was taken for the total")
	}
	at := time.Unix(0, 0)
	u := cpuBetween(cpuSample{at: at, busy: 100, steal: 1, self: 10, ok: true, written: 1_000_000},
		cpuSample{at: at.Add(2 * time.Second), busy: 103, steal: 1.5, self: 12, ok: true, written: 9_000_000})
	if u == nil || u.SelfCores != 1 || u.OtherCores != 0.5 || u.StealCores != 0.25 || u.WriteMBPerSecond != 4 {
		t.Errorf("usage %+v", u)
	}
	u = cpuBetween(cpuSample{at: at, ok: true, written: -1}, cpuSample{at: at.Add(time.Second), ok: true, written: -1})
	if u == nil || u.WriteMBPerSecond != 0 {
		t.Errorf("usage without /proc/self/io: %+v", u)
	}
}

func TestParseWriteBytes(t *testing.T) {
	io := "rchar: 10\nwchar: 20\nsyscr: 1\nsyscw: 2\nread_bytes: 4096\nwrite_bytes: 81920\ncancelled_write_bytes: 0\n"
	if n := parseWriteBytes(io); n != 81920 {
		t.Errorf("write_bytes = %d, want 81920", n)
	}
	if n := parseWriteBytes("rchar: 1\n"); n != -1 {
		t.Errorf("without write_bytes: %d, want -1", n)
	}
}
