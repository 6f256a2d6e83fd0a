package main

import (
	"testing"
	"time"

	"github.com/alecthomas/kong"
)

func parseCLI(t *testing.T, args ...string) (*CLI, *kong.Context) {
	t.Helper()
	var cli CLI
	parser, err := kong.New(&cli, kong.Name("fpgo"), kong.Exit(func(int) { t.Fatalf("kong exited on %v", args) }))
	if err != nil {
		t.Fatal(err)
	}
	kctx, err := parser.Parse(args)
	if err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	return &cli, kctx
}

func TestBenchFlags(t *testing.T) {
	cli, kctx := parseCLI(t, "bench")
	b := cli.Bench
	if kctx.Command() != "bench" || b.Workload != "create" || b.Clients != 32 || b.Duration != 20*time.Second || b.Rate != 0 || b.Crash {
		t.Errorf("defaults: %q %+v", kctx.Command(), b)
	}
	cli, _ = parseCLI(t, "bench", "--workload", "callbacks", "--clients", "8", "--duration", "10s", "--rate", "500.5",
		"--json", "out.json", "--pprof", "cpu.prof", "--trace", "run.trace", "--url", "http://h:1", "--token", "fpgo_x", "--crash")
	b = cli.Bench
	if b.Workload != "callbacks" || b.Clients != 8 || b.Duration != 10*time.Second || b.Rate != 500.5 || b.JSON != "out.json" ||
		b.PProf != "cpu.prof" || b.Trace != "run.trace" || b.URL != "http://h:1" || b.Token != "fpgo_x" || !b.Crash {
		t.Errorf("flags: %+v", b)
	}
}

// The benchmark writes into a database only when --db is on the command line: never into the
// default fpgo.db, nor into FPGO_DATABASE_URL (which may be the operator's real database).
func TestBenchDatabaseOnlyWhenExplicit(t *testing.T) {
	t.Setenv("FPGO_DATABASE_URL", "postgres://prod/db")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"bench"}, ""},
		{[]string{"bench", "--db", "/tmp/x.db"}, "/tmp/x.db"},
		{[]string{"--db", "postgres://u@h/db", "bench"}, "postgres://u@h/db"},
	} {
		cli, kctx := parseCLI(t, c.args...)
		if got := benchDatabase(&cli.Globals, kctx); got != c.want {
			t.Errorf("%v: database %q, want %q", c.args, got, c.want)
		}
	}
}
