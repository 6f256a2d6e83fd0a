package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// PhaseReport is one run of the workload (closed loop, or open loop at a fixed rate).
type PhaseReport struct {
	Mode              string              `json:"mode"`              // closed | open
	Clients           int                 `json:"clients,omitempty"` // closed loop
	Rate              float64             `json:"rate,omitempty"`    // open loop: intended units of work per second
	ElapsedSeconds    float64             `json:"elapsedSeconds"`
	Requests          int                 `json:"requests"`          // answered or failed
	RequestsPerSecond float64             `json:"requestsPerSecond"` // 2xx answers per second
	WritesPerSecond   float64             `json:"writesPerSecond"`   // 2xx creates, cancels, pays and refunds per second
	P50Ms             float64             `json:"p50Ms"`
	P95Ms             float64             `json:"p95Ms"`
	P99Ms             float64             `json:"p99Ms"`
	MaxMs             float64             `json:"maxMs"`
	Errors            int                 `json:"errors"`
	ErrorsBy          map[string]int      `json:"errorsBy,omitempty"`
	Ops               map[string]OpReport `json:"ops"`
	Prefilled         int                 `json:"prefilled,omitempty"` // callbacks: orders created before the phase for it to cancel
	Callbacks         *CallbackStats      `json:"callbacks,omitempty"`
	CPU               *CPUUsage           `json:"cpu,omitempty"`
	Writer            *WriterReport       `json:"writer,omitempty"` // the in-process server's group commit
}

// OpReport is one kind of request within a phase.
type OpReport struct {
	Requests  int            `json:"requests"`
	PerSecond float64        `json:"perSecond"`
	P50Ms     float64        `json:"p50Ms"`
	P95Ms     float64        `json:"p95Ms"`
	P99Ms     float64        `json:"p99Ms"`
	MaxMs     float64        `json:"maxMs"`
	Errors    int            `json:"errors"`
	ErrorsBy  map[string]int `json:"errorsBy,omitempty"`
}

// PhaseReportOf summarizes a phase.
func PhaseReportOf(p *Phase) PhaseReport {
	s := p.Total.Summary(p.Elapsed)
	r := PhaseReport{
		Mode: p.Mode, Clients: p.Clients, Rate: p.Rate, ElapsedSeconds: round3(p.Elapsed.Seconds()),
		Requests: s.Requests, RequestsPerSecond: round1(s.PerSecond),
		P50Ms: Ms(s.P50), P95Ms: Ms(s.P95), P99Ms: Ms(s.P99), MaxMs: Ms(s.Max),
		Errors: s.Errors, ErrorsBy: s.ErrorsBy, Ops: map[string]OpReport{},
	}
	writes := 0
	for kind, rec := range p.ByKind {
		o := rec.Summary(p.Elapsed)
		r.Ops[kind] = OpReport{Requests: o.Requests, PerSecond: round1(o.PerSecond), P50Ms: Ms(o.P50), P95Ms: Ms(o.P95),
			P99Ms: Ms(o.P99), MaxMs: Ms(o.Max), Errors: o.Errors, ErrorsBy: o.ErrorsBy}
		if kind == KindCreate || kind == KindCancel || kind == KindPay || kind == KindRefund {
			writes += o.Successes
		}
	}
	if p.Elapsed > 0 {
		r.WritesPerSecond = round1(float64(writes) / p.Elapsed.Seconds())
	}
	return r
}

// BaselineReport is the raw storage baseline in the report.
type BaselineReport struct {
	Kind           string    `json:"kind"`
	Clients        int       `json:"clients"`
	Transactions   int       `json:"transactions"`
	ElapsedSeconds float64   `json:"elapsedSeconds"`
	PerSecond      float64   `json:"perSecond"`
	P50Ms          float64   `json:"p50Ms,omitempty"`
	P99Ms          float64   `json:"p99Ms,omitempty"`
	Errors         int       `json:"errors"`
	CPU            *CPUUsage `json:"cpu,omitempty"`
}

func baselineReportOf(b BaselineResult) *BaselineReport {
	return &BaselineReport{Kind: b.Kind, Clients: b.Clients, Transactions: b.Transactions, ElapsedSeconds: round3(b.Elapsed.Seconds()),
		PerSecond: round1(b.PerSecond), P50Ms: Ms(b.Latency.P50), P99Ms: Ms(b.Latency.P99), Errors: b.Errors}
}

// Report is the whole outcome of `fpgo bench`. The top-level request figures are those of the
// main phase (closed loop, or open loop when --rate is given); ratio = requestsPerSecond /
// baselinePerSecond.
type Report struct {
	Workload          string         `json:"workload"`
	Database          string         `json:"database"` // sqlite | postgres | external
	Target            string         `json:"target"`   // in-process | URL
	Clients           int            `json:"clients"`
	DurationSeconds   float64        `json:"durationSeconds"`
	Mode              string         `json:"mode"`
	Rate              float64        `json:"rate,omitempty"`
	Requests          int            `json:"requests"`
	RequestsPerSecond float64        `json:"requestsPerSecond"`
	WritesPerSecond   float64        `json:"writesPerSecond"`
	P50Ms             float64        `json:"p50Ms"`
	P95Ms             float64        `json:"p95Ms"`
	P99Ms             float64        `json:"p99Ms"`
	MaxMs             float64        `json:"maxMs"`
	Errors            int            `json:"errors"`
	ErrorsBy          map[string]int `json:"errorsBy,omitempty"`
	BaselinePerSecond float64        `json:"baselinePerSecond"`
	Ratio             float64        `json:"ratio"`
	// PgbenchPerSecond and PgbenchRatio: PostgreSQL only, when pgbench is installed.
	PgbenchPerSecond float64         `json:"pgbenchPerSecond,omitempty"`
	PgbenchRatio     float64         `json:"pgbenchRatio,omitempty"`
	Main             PhaseReport     `json:"main"`
	OpenLoop         *PhaseReport    `json:"openLoop,omitempty"` // --rate-of-max: the open loop after the closed one
	Baseline         *BaselineReport `json:"baseline,omitempty"`
	Pgbench          *BaselineReport `json:"pgbench,omitempty"`
	Callbacks        *CallbackStats  `json:"callbacks,omitempty"`
	Machine          Machine         `json:"machine"`
	Notes            []string        `json:"notes,omitempty"`
	StartedAt        time.Time       `json:"startedAt"`
}

// Machine describes where the run happened.
type Machine struct {
	Cores      int         `json:"cores"`
	GOMAXPROCS int         `json:"gomaxprocs"`
	OS         string      `json:"os"`
	Fsync      *FsyncProbe `json:"fsync,omitempty"`
	// Disk: the block device whose writes each phase counts (deviceWriteMBPerSecond), the one
	// the fsync probe ran on.
	Disk string `json:"disk,omitempty"`
}

func (r *Report) setMain(p PhaseReport) {
	r.Main = p
	r.Mode, r.Rate = p.Mode, p.Rate
	r.Requests, r.RequestsPerSecond, r.WritesPerSecond = p.Requests, p.RequestsPerSecond, p.WritesPerSecond
	r.P50Ms, r.P95Ms, r.P99Ms, r.MaxMs = p.P50Ms, p.P95Ms, p.P99Ms, p.MaxMs
	r.Errors, r.ErrorsBy = p.Errors, p.ErrorsBy
	r.Callbacks = p.Callbacks
}

func (r *Report) setBaseline(b BaselineResult) {
	r.Baseline = baselineReportOf(b)
	r.BaselinePerSecond = round1(b.PerSecond)
	r.Ratio = round3(Ratio(r.RequestsPerSecond, b.PerSecond))
}

func (r *Report) setPgbench(b BaselineResult) {
	r.Pgbench = baselineReportOf(b)
	r.PgbenchPerSecond = round1(b.PerSecond)
	r.PgbenchRatio = round3(Ratio(r.RequestsPerSecond, b.PerSecond))
}

// WriteJSON writes the report to path.
func (r *Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// WriteTable prints the short human summary.
func (r *Report) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "fpgo bench: workload=%s database=%s target=%s clients=%d duration=%gs\n",
		r.Workload, r.Database, r.Target, r.Clients, r.DurationSeconds)
	if f := r.Machine.Fsync; f != nil {
		fmt.Fprintf(w, "machine: %d cores; fsync of a 4 KiB write: median %.0f µs, p99 %.0f µs (%d samples in %s)\n",
			r.Machine.Cores, f.MedianMicros, f.P99Micros, f.Samples, f.Dir)
	} else {
		fmt.Fprintf(w, "machine: %d cores\n", r.Machine.Cores)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\trequest\tok/s\tp50 ms\tp95 ms\tp99 ms\tmax ms\trequests\terrors\t")
	phase := func(name string, p PhaseReport) {
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t%.2f\t%.2f\t%.2f\t%.2f\t%d\t%s\t\n", name, "all", p.RequestsPerSecond, p.P50Ms, p.P95Ms, p.P99Ms, p.MaxMs, p.Requests, errText(p.Errors, p.ErrorsBy))
		if len(p.Ops) > 1 {
			kinds := make([]string, 0, len(p.Ops))
			for k := range p.Ops {
				kinds = append(kinds, k)
			}
			sort.Strings(kinds)
			for _, k := range kinds {
				o := p.Ops[k]
				fmt.Fprintf(tw, "\t%s\t%.1f\t%.2f\t%.2f\t%.2f\t%.2f\t%d\t%s\t\n", k, o.PerSecond, o.P50Ms, o.P95Ms, o.P99Ms, o.MaxMs, o.Requests, errText(o.Errors, o.ErrorsBy))
			}
		}
	}
	phase(phaseName(r.Main), r.Main)
	if r.OpenLoop != nil {
		phase(phaseName(*r.OpenLoop), *r.OpenLoop)
	}
	if b := r.Baseline; b != nil {
		fmt.Fprintf(tw, "baseline\ttx\t%.1f\t%.2f\t\t%.2f\t\t%d\t%d\t\n", b.PerSecond, b.P50Ms, b.P99Ms, b.Transactions, b.Errors)
	}
	if b := r.Pgbench; b != nil {
		fmt.Fprintf(tw, "pgbench\ttx\t%.1f\t\t\t\t\t%d\t\t\n", b.PerSecond, b.Transactions)
	}
	tw.Flush()
	fmt.Fprintln(w)
	if b := r.Baseline; b != nil {
		fmt.Fprintf(w, "baseline: %s, %d clients, %d transactions in %.1fs\n", b.Kind, b.Clients, b.Transactions, b.ElapsedSeconds)
		fmt.Fprintf(w, "ratio server/baseline: %.2f  (%.1f req/s ÷ %.1f tx/s)\n", r.Ratio, r.RequestsPerSecond, r.BaselinePerSecond)
	}
	if b := r.Pgbench; b != nil {
		fmt.Fprintf(w, "pgbench: %s; ratio server/pgbench: %.2f\n", b.Kind, r.PgbenchRatio)
	}
	cpu := func(name string, c *CPUUsage, perSecond float64) {
		if c == nil {
			return
		}
		fmt.Fprintf(w, "cpu during %s: this process %.2f cores, other processes %.2f, stolen %.2f", name, c.SelfCores, c.OtherCores, c.StealCores)
		if c.WriteMBPerSecond > 0 && perSecond > 0 {
			fmt.Fprintf(w, "; page cache dirtied %.1f MB/s, %.1f KB per write", c.WriteMBPerSecond, c.WriteMBPerSecond*1000/perSecond)
		}
		if c.DeviceWriteMBPerSecond > 0 && perSecond > 0 {
			fmt.Fprintf(w, "; %s wrote %.1f MB/s, %.1f KB per write (every process)", r.Machine.Disk, c.DeviceWriteMBPerSecond, c.DeviceWriteMBPerSecond*1000/perSecond)
		}
		fmt.Fprintln(w)
	}
	cpu(phaseName(r.Main), r.Main.CPU, r.Main.WritesPerSecond)
	if r.OpenLoop != nil {
		cpu(phaseName(*r.OpenLoop), r.OpenLoop.CPU, r.OpenLoop.WritesPerSecond)
	}
	if r.Baseline != nil {
		cpu("baseline", r.Baseline.CPU, r.Baseline.PerSecond)
	}
	if r.Pgbench != nil {
		cpu("pgbench (pgbench itself counts as other)", r.Pgbench.CPU, 0)
	}
	r.Main.Writer.write(w, phaseName(r.Main))
	if r.OpenLoop != nil {
		r.OpenLoop.Writer.write(w, phaseName(*r.OpenLoop))
	}
	for _, p := range []*PhaseReport{&r.Main, r.OpenLoop} {
		if p == nil || p.Callbacks == nil {
			continue
		}
		c := p.Callbacks
		fmt.Fprintf(w, "callbacks (%s): %d of %d status changes delivered, %d missing; %.1f deliveries/s; lag p50 %.1f ms, p99 %.1f ms, max %.1f ms",
			phaseName(*p), c.Delivered, c.Cancelled, c.Missing, c.DeliveriesPerSecond, c.LagP50Ms, c.LagP99Ms, c.LagMaxMs)
		if p.Prefilled > 0 {
			fmt.Fprintf(w, " (%d orders created beforehand)", p.Prefilled)
		}
		fmt.Fprintln(w)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

func phaseName(p PhaseReport) string {
	if p.Mode == "open" {
		return fmt.Sprintf("open %.0f/s", p.Rate)
	}
	return fmt.Sprintf("closed %d clients", p.Clients)
}

func errText(n int, by map[string]int) string {
	if n == 0 {
		return "0"
	}
	keys := make([]string, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s:%d", k, by[k])
	}
	return fmt.Sprintf("%d (%s)", n, strings.Join(parts, " "))
}

func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }
func round3(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }
