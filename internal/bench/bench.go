package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sync/atomic"
	"time"

	"github.com/fpgo/fpgo/internal/app"
	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/server"
	"github.com/fpgo/fpgo/internal/store/sqlstore"
)

// Config is what `fpgo bench` is told.
type Config struct {
	Workload string        // create | mixed | callbacks
	Clients  int           // concurrent clients (closed loop)
	Duration time.Duration // of each measured phase, and of the baseline
	Warmup   time.Duration // closed-loop load before measuring, not counted
	// Rate > 0 runs the main phase open loop at Rate units of work per second.
	Rate float64
	// RateOfMax > 0 (closed loop only) adds an open-loop phase at this fraction of the closed
	// loop's measured rate, for latency figures without coordinated omission.
	RateOfMax   float64
	MaxInFlight int // open loop: most outstanding units of work (default 4096)
	// Prefill: callbacks workload, closed loop: orders to create before measuring, for the phase
	// to cancel (open loop computes what it needs). 0: each unit creates the order it cancels.
	Prefill int

	URL, Token string // an external server; empty: start one in-process
	// DB: "" = a fresh SQLite file in a temporary directory; a SQLite path; or a postgres:// URL
	// (the run works in fresh schemas it drops afterwards).
	DB  string
	Dir string // for temporary files (default os.TempDir()); the SQLite database goes here too

	NoBaseline bool
	NoPgbench  bool
	PProf      string // CPU profile of the main measured phase
	Trace      string // Go execution trace of the main measured phase
	JSON       string
	Keep       bool // keep the temporary directory

	Out io.Writer    // the table (stdout)
	Log *slog.Logger // progress (stderr)
}

func (c *Config) defaults() error {
	if c.Workload == "" {
		c.Workload = WorkloadCreate
	}
	switch c.Workload {
	case WorkloadCreate, WorkloadMixed, WorkloadCallbacks:
	default:
		return fmt.Errorf("unknown workload %q (create, mixed or callbacks)", c.Workload)
	}
	if c.Clients <= 0 {
		c.Clients = 32
	}
	if c.Duration <= 0 {
		c.Duration = 20 * time.Second
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = 4096
	}
	if c.Out == nil {
		c.Out = io.Discard
	}
	if c.Log == nil {
		c.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.URL != "" && c.Token == "" {
		return errors.New("--url needs --token")
	}
	if c.Rate < 0 || c.RateOfMax < 0 {
		return errors.New("--rate and --rate-of-max must not be negative")
	}
	return nil
}

// rateLimitHint says what to do when a running server (--url) rate-limits the bench's merchant.
const rateLimitHint = "give --token a merchant that allows the load, e.g. fpgo merchant create --name bench --rate-limit 1000000000"

// target is where the load goes and what database backs it.
type target struct {
	dbURL     string // the database the server runs on ("" for an external server without --db)
	dialect   string // sqlite | postgres | external
	pgBase    string // postgres: the URL given, without our schema
	schemas   []string
	workDir   string
	baseURL   string
	token     string
	stop      func() error
	serverLog *os.File
	// writer samples the in-process server's group commit (nil for an external server).
	writer func() sqlstore.WriterStats
	disk   *blockDevice // holds the database (SQLite) or the temporary directory; nil: unknown
}

func (t *target) cleanup(keep bool, log *slog.Logger) {
	if t.stop != nil {
		if err := t.stop(); err != nil {
			log.Warn("stopping the server", "err", err)
		}
		t.stop = nil
	}
	if t.serverLog != nil {
		t.serverLog.Close()
	}
	for _, s := range t.schemas {
		if err := DropSchema(t.pgBase, s); err != nil {
			log.Warn("dropping schema", "schema", s, "err", err)
		}
	}
	t.schemas = nil
	if !keep && t.workDir != "" {
		os.RemoveAll(t.workDir)
	} else if t.workDir != "" {
		log.Info("kept temporary files", "dir", t.workDir)
	}
}

// Run runs the benchmark and reports.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	log := cfg.Log
	rep := &Report{
		Workload: cfg.Workload, Clients: cfg.Clients, DurationSeconds: cfg.Duration.Seconds(), StartedAt: time.Now().UTC(),
		Machine: Machine{Cores: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), OS: runtime.GOOS + "/" + runtime.GOARCH},
	}
	t, err := prepareTarget(ctx, &cfg)
	if err != nil {
		return nil, err
	}
	defer t.cleanup(cfg.Keep, log)
	rep.Database = t.dialect
	rep.Target = "in-process server"
	if cfg.URL != "" {
		rep.Target = cfg.URL
	}

	// The fsync probe: on the disk of the SQLite database, else of the temporary directory.
	probeDir := t.workDir
	if t.dialect == "sqlite" {
		probeDir = filepath.Dir(t.dbURL)
	}
	// The disk's writes say something only where the database is known to be on this machine.
	if t.dialect != "external" {
		if t.disk = deviceOf(probeDir); t.disk != nil {
			rep.Machine.Disk = t.disk.name
		}
	}
	if fp, err := ProbeFsync(probeDir, 200); err != nil {
		log.Warn("fsync probe failed", "err", err)
	} else {
		rep.Machine.Fsync = &fp
		log.Info("fsync probe", "median_us", fp.MedianMicros, "p99_us", fp.P99Micros, "dir", fp.Dir)
	}
	if t.dialect == "postgres" {
		rep.Notes = append(rep.Notes, "the fsync probe ran in the temporary directory; PostgreSQL's data directory may be on another disk")
	}

	cr := NewCallbackReceiver()
	defer cr.Close()
	client := NewClient(t.baseURL, t.token, cfg.Clients)
	defer client.Close()
	if !client.Healthy(ctx) {
		return nil, fmt.Errorf("server at %s does not answer /healthz", t.baseURL)
	}
	// A first request catches a bad token or payload before the clock starts.
	first := client.CreateOrder(ctx, cr.URL())
	if !first.OK() {
		if first.Status == http.StatusTooManyRequests {
			return nil, fmt.Errorf("a test order failed: %v: refused by the merchant's rate limit; %s", first.Err, rateLimitHint)
		}
		return nil, fmt.Errorf("a test order failed: %v", first.Err)
	}
	pool := &OrderPool{}
	var w Workload
	switch cfg.Workload {
	case WorkloadCreate:
		w = CreateWorkload(client, cr.URL(), nil)
	case WorkloadMixed:
		refunds := false
		if res := client.Pay(ctx, first.UUID); res.OK() {
			refunds = true
		} else {
			rep.Notes = append(rep.Notes, fmt.Sprintf("the sandbox API cannot pay an order (POST /sandbox/v1/orders/{uuid}/pay answered %s), so the mix has no refunds: its 10%% status changes are all cancels", res.Cause()))
		}
		w = MixedWorkload(client, cr.URL(), refunds)
	case WorkloadCallbacks:
		w = CallbacksWorkload(client, cr, pool)
	}

	if cfg.Warmup > 0 {
		log.Info("warming up", "for", cfg.Warmup.String(), "clients", cfg.Clients)
		RunClosed(ctx, w, cfg.Clients, cfg.Warmup)
	}
	// prefill gives the callbacks workload orders to cancel, so the phase measures status
	// changes and their callbacks rather than creates.
	prefill := func(n int) int {
		if cfg.Workload != WorkloadCallbacks {
			return 0
		}
		n -= pool.Fresh()
		if n <= 0 {
			return 0
		}
		log.Info("creating orders for the callbacks workload to cancel", "orders", n)
		return Prefill(ctx, client, cr.URL(), pool, n, cfg.Clients)
	}
	// phase runs one measured phase: closed loop when rate is 0.
	phase := func(rate float64, pre int, profile bool) (PhaseReport, *Phase, error) {
		made := prefill(pre)
		if profile {
			stop, err := startRecording(cfg.PProf, pprof.StartCPUProfile, pprof.StopCPUProfile)
			if err != nil {
				return PhaseReport{}, nil, err
			}
			defer stop()
			stop, err = startRecording(cfg.Trace, trace.Start, trace.Stop)
			if err != nil {
				return PhaseReport{}, nil, err
			}
			defer stop()
		}
		cr.Track(true)
		start := time.Now()
		cpu0 := sampleCPU(t.disk)
		var w0 sqlstore.WriterStats
		if t.writer != nil {
			w0 = t.writer()
		}
		var p *Phase
		if rate > 0 {
			log.Info("measuring open loop", "rate", rate, "for", cfg.Duration.String())
			p = RunOpen(ctx, w, rate, cfg.Duration, cfg.MaxInFlight)
		} else {
			log.Info("measuring closed loop", "clients", cfg.Clients, "for", cfg.Duration.String())
			p = RunClosed(ctx, w, cfg.Clients, cfg.Duration)
		}
		pr := PhaseReportOf(p)
		pr.CPU = cpuBetween(cpu0, sampleCPU(t.disk))
		if t.writer != nil {
			pr.Writer = writerBetween(w0, t.writer(), p.Elapsed)
		}
		pr.Prefilled = made
		log.Info("phase done", "mode", pr.Mode, "ok_per_s", pr.RequestsPerSecond, "p50_ms", pr.P50Ms, "p99_ms", pr.P99Ms, "errors", pr.Errors)
		if cfg.Workload == WorkloadCallbacks {
			cr.Track(false)
			log.Info("waiting for the callbacks to arrive")
			cr.Drain(ctx, 5*time.Second, 60*time.Second)
			cs := cr.Stats(start)
			pr.Callbacks = &cs
			log.Info("callbacks", "delivered", cs.Delivered, "of", cs.Cancelled, "per_s", cs.DeliveriesPerSecond, "lag_p99_ms", cs.LagP99Ms)
		}
		return pr, p, nil
	}

	pre := cfg.Prefill
	if cfg.Rate > 0 && pre == 0 {
		pre = int(cfg.Rate*cfg.Duration.Seconds()) + cfg.Clients
	}
	mainReport, main, err := phase(cfg.Rate, pre, true)
	if err != nil {
		return nil, err
	}
	rep.setMain(mainReport)
	if n := mainReport.ErrorsBy["429"]; n > 0 && cfg.URL != "" {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d requests were refused by the merchant's rate limit (429): %s", n, rateLimitHint))
	}
	if cfg.Rate == 0 && cfg.RateOfMax > 0 && ctx.Err() == nil {
		if rate := unitsPerSecond(cfg.Workload, main) * cfg.RateOfMax; rate > 0 {
			op, _, err := phase(rate, int(rate*cfg.Duration.Seconds())+cfg.Clients, false)
			if err != nil {
				return nil, err
			}
			rep.OpenLoop = &op
		}
	}
	if cfg.Workload == WorkloadCallbacks && cr.Stats(time.Now()).Received == 0 {
		rep.Notes = append(rep.Notes, "no callback arrived at all: the server under test delivers no callbacks")
	}
	if t.stop != nil {
		if err := t.stop(); err != nil {
			log.Warn("stopping the server", "err", err)
		}
		t.stop = nil
	}
	if ctx.Err() != nil {
		return rep, ctx.Err()
	}

	if !cfg.NoBaseline && t.dbURL != "" {
		if err := runBaselines(ctx, &cfg, t, rep, int(main.Total.Successes())); err != nil {
			return rep, err
		}
	} else if t.dbURL == "" {
		rep.Notes = append(rep.Notes, "no baseline: an external server without --db")
	}
	if cfg.Workload != WorkloadCreate && rep.Baseline != nil {
		rep.Notes = append(rep.Notes, "ratio counts every request of the mix against the insert-only baseline; writesPerSecond counts the writes (creates, cancels, pays, refunds)")
	}
	rep.WriteTable(cfg.Out)
	if cfg.JSON != "" {
		if err := rep.WriteJSON(cfg.JSON); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// baselineLimit bounds the Go baseline's run: at four times the phase's length the server
// was more than four times as fast, and the rate is measured well enough.
func baselineLimit(phase time.Duration) time.Duration { return 4 * phase }

// unitsPerSecond is the closed loop's rate in units of work (what RunOpen schedules): requests
// for create and mixed (close enough: a refund unit is three requests), cancels for callbacks.
func unitsPerSecond(workload string, p *Phase) float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	if workload == WorkloadCallbacks {
		if c := p.ByKind[KindCancel]; c != nil {
			return float64(c.Successes()) / p.Elapsed.Seconds()
		}
		return 0
	}
	return float64(p.Total.Successes()) / p.Elapsed.Seconds()
}

// runBaselines measures the raw insert rate on the same disk or server, after the server run:
// as many transactions as the server answered requests in its main phase, so both databases
// end up the same size.
func runBaselines(ctx context.Context, cfg *Config, t *target, rep *Report, count int) error {
	run := BaselineRun{Count: count, Limit: baselineLimit(cfg.Duration)}
	shape := RowShape{OrgID: baselineOrgID, Doc: SampleDoc(ctx, t.dbURL)}
	var baseDSN, schema string
	if t.dialect == "postgres" {
		var err error
		schema, baseDSN, err = CreateSchema(ctx, t.pgBase, "fpgo_bench_baseline")
		if err != nil {
			return err
		}
		t.schemas = append(t.schemas, schema)
	} else {
		baseDSN = filepath.Join(filepath.Dir(t.dbURL), fmt.Sprintf("fpgo-bench-baseline-%d.db", time.Now().UnixNano()))
		defer func() {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(baseDSN + suffix)
			}
		}()
	}
	if err := PrepareBaselineDB(ctx, baseDSN); err != nil {
		return err
	}
	cfg.Log.Info("measuring the raw baseline", "clients", cfg.Clients, "transactions", run.Count, "at_most_for", run.Limit.String())
	cpu0 := sampleCPU(t.disk)
	b, err := RunBaseline(ctx, baseDSN, shape, cfg.Clients, run)
	if err != nil {
		return err
	}
	if b.Transactions < run.Count {
		rep.Notes = append(rep.Notes, fmt.Sprintf("the baseline stopped at its time limit (%s) after %d of the %d transactions the server made", run.Limit, b.Transactions, run.Count))
	}
	rep.setBaseline(b)
	rep.Baseline.CPU = cpuBetween(cpu0, sampleCPU(t.disk))
	cfg.Log.Info("baseline done", "tx_per_s", rep.BaselinePerSecond, "ratio", rep.Ratio)
	if t.dialect == "postgres" && !cfg.NoPgbench {
		pschema, purl, err := CreateSchema(ctx, t.pgBase, "fpgo_bench_pgbench")
		if err != nil {
			return err
		}
		t.schemas = append(t.schemas, pschema)
		if err := PrepareBaselineDB(ctx, purl); err != nil {
			return err
		}
		cfg.Log.Info("measuring the pgbench baseline", "clients", cfg.Clients, "transactions", run.Count)
		cpu0 := sampleCPU(t.disk)
		pb, err := RunPgbench(ctx, t.pgBase, pschema, t.workDir, shape, cfg.Clients, run)
		cpu := cpuBetween(cpu0, sampleCPU(t.disk))
		switch {
		case errors.Is(err, ErrNoPgbench):
			rep.Notes = append(rep.Notes, "pgbench is not installed; only the Go baseline was measured")
		case err != nil:
			return err
		default:
			rep.setPgbench(pb)
			rep.Pgbench.CPU = cpu
			cfg.Log.Info("pgbench done", "tx_per_s", rep.PgbenchPerSecond, "ratio", rep.PgbenchRatio)
		}
	}
	return nil
}

// prepareTarget sets up the database, the merchant and the server (or the external target).
func prepareTarget(ctx context.Context, cfg *Config) (*target, error) {
	dir := cfg.Dir
	if dir == "" {
		dir = os.TempDir()
	}
	work, err := os.MkdirTemp(dir, "fpgo-bench-")
	if err != nil {
		return nil, err
	}
	t := &target{workDir: work}
	ok := false
	defer func() {
		if !ok {
			t.cleanup(cfg.Keep, cfg.Log)
		}
	}()
	switch {
	case cfg.DB == "" && cfg.URL != "":
		t.dialect = "external"
	case cfg.DB == "":
		t.dialect, t.dbURL = "sqlite", filepath.Join(work, "fpgo.db")
	case sqlstore.IsPostgres(cfg.DB):
		t.dialect, t.pgBase = "postgres", cfg.DB
		if cfg.URL == "" {
			schema, u, err := CreateSchema(ctx, cfg.DB, "fpgo_bench")
			if err != nil {
				return nil, err
			}
			t.schemas = append(t.schemas, schema)
			t.dbURL = u
		} else {
			t.dbURL = cfg.DB // the external server's database: only for the baseline's schema and row sample
		}
	default:
		abs, err := filepath.Abs(cfg.DB)
		if err != nil {
			return nil, err
		}
		t.dialect, t.dbURL = "sqlite", abs
	}
	if cfg.URL != "" {
		t.baseURL, t.token = cfg.URL, cfg.Token
		ok = true
		return t, nil
	}
	if t.token, err = CreateBenchMerchant(ctx, t.dbURL); err != nil {
		return nil, err
	}
	if t.serverLog, err = os.Create(filepath.Join(work, "server.log")); err != nil {
		return nil, err
	}
	serverLog := slog.New(slog.NewTextHandler(t.serverLog, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if t.baseURL, t.stop, t.writer, err = StartServer(ctx, t.dbURL, serverLog); err != nil {
		return nil, err
	}
	ok = true
	return t, nil
}

// CreateBenchMerchant creates a merchant on dsn with a rate limit the benchmark cannot reach
// and returns its bearer token.
func CreateBenchMerchant(ctx context.Context, dsn string) (string, error) {
	st, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return "", fmt.Errorf("open database: %w", err)
	}
	defer st.Close()
	a := app.New(st, clock.Real{}, slog.New(slog.NewTextHandler(io.Discard, nil)), "", true)
	s := domain.DefaultMerchantSettings()
	s.RateLimit = 1_000_000_000
	s.RefundLimitRequest, s.RefundLimitWeekly = 0, 0 // no limit: the mixed workload refunds thousands of orders
	creds, err := a.CreateMerchant(ctx, app.NewMerchant{Name: "fpgo bench", OrgNumber: "999999998", Settings: s})
	if err != nil {
		return "", fmt.Errorf("create merchant: %w", err)
	}
	return creds.Token, nil
}

// StartServer runs fpgo (server.Run, sandbox mode) in this process on 127.0.0.1 and a free port
// and returns its URL, a function that shuts it down and one that samples its group commit.
func StartServer(ctx context.Context, dsn string, log *slog.Logger) (string, func() error, func() sqlstore.WriterStats, error) {
	sctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	var db atomic.Pointer[sqlstore.DB]
	go func() {
		done <- server.Run(sctx, server.Config{
			Addr: "127.0.0.1:0", DatabaseURL: dsn, Mode: "sandbox",
			ShutdownTimeout: 10 * time.Second, SweepInterval: 5 * time.Second, GCPercent: server.DefaultGCPercent,
			Banner: io.Discard, Ready: func(addr string) { ready <- addr },
			StoreOpened: func(d *sqlstore.DB) { db.Store(d) },
		}, log)
	}()
	writer := func() sqlstore.WriterStats {
		if d := db.Load(); d != nil {
			return d.WriterStats()
		}
		return sqlstore.WriterStats{}
	}
	select {
	case addr := <-ready:
		stop := func() error {
			cancel()
			return <-done
		}
		return "http://" + addr, stop, writer, nil
	case err := <-done:
		cancel()
		if err == nil {
			err = errors.New("server stopped before it was ready")
		}
		return "", nil, nil, err
	case <-ctx.Done():
		cancel()
		<-done
		return "", nil, nil, ctx.Err()
	}
}

// startRecording starts a CPU profile or an execution trace into the file path (nothing when
// path is empty) and returns what ends it and closes the file.
func startRecording(path string, start func(io.Writer) error, stop func()) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := start(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		stop()
		f.Close()
	}, nil
}
