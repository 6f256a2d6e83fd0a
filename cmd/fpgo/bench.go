package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/alecthomas/kong"

	"github.com/fpgo/fpgo/internal/bench"
)

// BenchCmd is `fpgo bench`: load, latency and the raw storage baseline in one run.
type BenchCmd struct {
	Workload    string        `default:"create" enum:"create,mixed,callbacks" help:"create: payment-link orders; mixed: 60% create, 30% status/details, 10% cancel; callbacks: create+cancel with callbacks to a local receiver."`
	Clients     int           `default:"32" help:"Concurrent clients (closed loop), and the baseline's client count."`
	Duration    time.Duration `default:"20s" help:"Length of each measured phase. The baseline commits as many transactions as the main phase's answered requests (at most for 4 × this)."`
	Warmup      time.Duration `default:"2s" help:"Load before measuring, not counted."`
	Rate        float64       `help:"Open loop: start this many orders (units of work) per second on a fixed schedule, latency measured from the intended send time. 0: closed loop."`
	RateOfMax   float64       `name:"rate-of-max" help:"After the closed loop, also run open loop at this fraction of its measured maximum (0.5 for the latency figures)."`
	Prefill     int           `name:"prefill" help:"callbacks, closed loop: orders to create before measuring for the phase to cancel (open loop creates what it needs). 0: each unit creates the order it cancels."`
	MaxInFlight int           `name:"max-in-flight" default:"4096" help:"Open loop: most outstanding requests; sends beyond are counted as dropped."`
	URL         string        `name:"url" help:"Benchmark a running server at this URL instead of starting one (needs --token; no baseline unless --db is given too)."`
	Token       string        `name:"token" help:"Bearer token for --url, of a merchant whose rate limit allows the load (fpgo merchant create --rate-limit 1000000000)."`
	Dir         string        `name:"dir" help:"Directory for the temporary database and files (default: the system temp dir). Put it on the disk you want to measure."`
	NoBaseline  bool          `name:"no-baseline" help:"Skip the raw storage baseline."`
	NoPgbench   bool          `name:"no-pgbench" help:"PostgreSQL: skip the pgbench baseline (the Go baseline still runs)."`
	JSON        string        `name:"json" placeholder:"FILE" help:"Also write the results as JSON to FILE."`
	PProf       string        `name:"pprof" placeholder:"FILE" help:"Write a CPU profile of the main measured phase (the in-process server and the load generator share the process) to FILE."`
	Trace       string        `name:"trace" placeholder:"FILE" help:"Write a Go execution trace of the main measured phase to FILE (go tool trace FILE): where each goroutine's time went, e.g. the SQLite writer's in fsync or waiting for a CPU. About 2 MB a second under load: use a short --duration."`
	Keep        bool          `name:"keep" help:"Keep the temporary directory (database, server log)."`
	Crash       bool          `name:"crash" help:"Durability check instead: run the server as a subprocess, SIGKILL it under create load, restart it and check every acknowledged order is there. Exits non-zero on any loss."`
	CrashCycles int           `name:"crash-cycles" default:"1" help:"--crash: how many kill-and-restart cycles (each runs --duration of load)."`
}

// Run runs the benchmark. The database is the global --db only when it was given on the command
// line: the default (fpgo.db) and FPGO_DATABASE_URL are ignored, so the benchmark never writes
// into a database it was not pointed at explicitly.
func (c *BenchCmd) Run(g *Globals, kctx *kong.Context) error {
	db := benchDatabase(g, kctx)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := newLogger(g, os.Stderr)
	if c.Crash {
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		rep, err := bench.RunCrash(ctx, bench.CrashConfig{
			Exe: exe, DB: db, Dir: c.Dir, Clients: c.Clients, Duration: c.Duration, Cycles: c.CrashCycles,
			Keep: c.Keep, JSON: c.JSON, Out: os.Stdout, Log: log,
		})
		if err != nil {
			return err
		}
		if rep.Lost > 0 {
			return fmt.Errorf("%d acknowledged orders lost", rep.Lost)
		}
		return nil
	}
	_, err := bench.Run(ctx, bench.Config{
		Workload: c.Workload, Clients: c.Clients, Duration: c.Duration, Warmup: c.Warmup,
		Rate: c.Rate, RateOfMax: c.RateOfMax, MaxInFlight: c.MaxInFlight, Prefill: c.Prefill,
		URL: c.URL, Token: c.Token, DB: db, Dir: c.Dir,
		NoBaseline: c.NoBaseline, NoPgbench: c.NoPgbench, PProf: c.PProf, Trace: c.Trace, JSON: c.JSON, Keep: c.Keep,
		Out: os.Stdout, Log: log,
	})
	if errors.Is(err, context.Canceled) {
		return errors.New("interrupted")
	}
	return err
}

// benchDatabase is the global --db if it was given on the command line, else "" (a fresh
// temporary SQLite database).
func benchDatabase(g *Globals, kctx *kong.Context) string {
	for _, p := range kctx.Path {
		if p.Flag != nil && p.Flag.Name == "db" {
			return g.DB
		}
	}
	return ""
}
