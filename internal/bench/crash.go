package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/fpgo/fpgo/internal/store/sqlstore"
)

// CrashConfig configures the durability check.
type CrashConfig struct {
	Exe      string // the fpgo binary; started as `Exe serve …`
	DB       string // "" = a fresh SQLite file; a SQLite path; a postgres:// URL (a fresh schema)
	Dir      string
	Clients  int
	Duration time.Duration // create load per cycle before the SIGKILL
	Cycles   int
	Keep     bool
	JSON     string
	Out      io.Writer
	Log      *slog.Logger
}

// CrashReport is the outcome: every order that got a 2xx must be found after the restarts.
type CrashReport struct {
	Database     string       `json:"database"`
	Clients      int          `json:"clients"`
	Cycles       []CrashCycle `json:"cycles"`
	Acknowledged int          `json:"acknowledged"` // orders that got a 2xx, over all cycles
	Found        int          `json:"found"`        // of those, found after the last restart
	Lost         int          `json:"lost"`         // answered 404 after the restart
	Unverified   int          `json:"unverified"`   // could not be checked (no answer after retries)
}

// CrashCycle is one load-and-kill.
type CrashCycle struct {
	Acknowledged   int     `json:"acknowledged"`
	Failed         int     `json:"failed"` // requests without a 2xx: those cut off by the kill
	LoadSeconds    float64 `json:"loadSeconds"`
	KilledAfterSec float64 `json:"killedAfterSeconds"`
}

// acked collects the uuids of acknowledged orders.
type acked struct {
	mu    sync.Mutex
	uuids []string
}

func (a *acked) add(u string) {
	a.mu.Lock()
	a.uuids = append(a.uuids, u)
	a.mu.Unlock()
}

func (a *acked) list() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.uuids...)
}

// RunCrash starts fpgo as a subprocess, drives create load, kills it with SIGKILL while requests
// are in flight, restarts it on the same database, and checks with GET orders/status/{uuid}
// that every order that was answered 2xx is there.
func RunCrash(ctx context.Context, cfg CrashConfig) (*CrashReport, error) {
	if cfg.Clients <= 0 {
		cfg.Clients = 32
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 20 * time.Second
	}
	if cfg.Cycles <= 0 {
		cfg.Cycles = 1
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	log := cfg.Log
	dir := cfg.Dir
	if dir == "" {
		dir = os.TempDir()
	}
	work, err := os.MkdirTemp(dir, "fpgo-crash-")
	if err != nil {
		return nil, err
	}
	t := &target{workDir: work}
	defer t.cleanup(cfg.Keep, log)
	switch {
	case cfg.DB == "":
		t.dialect, t.dbURL = "sqlite", filepath.Join(work, "fpgo.db")
	case sqlstore.IsPostgres(cfg.DB):
		t.dialect, t.pgBase = "postgres", cfg.DB
		schema, u, err := CreateSchema(ctx, cfg.DB, "fpgo_crash")
		if err != nil {
			return nil, err
		}
		t.schemas = append(t.schemas, schema)
		t.dbURL = u
	default:
		abs, err := filepath.Abs(cfg.DB)
		if err != nil {
			return nil, err
		}
		t.dialect, t.dbURL = "sqlite", abs
	}
	token, err := CreateBenchMerchant(ctx, t.dbURL)
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(work, "server.log")
	rep := &CrashReport{Database: t.dialect, Clients: cfg.Clients}
	all := &acked{}
	for cycle := 1; cycle <= cfg.Cycles; cycle++ {
		srv, err := startSubprocess(ctx, cfg.Exe, t.dbURL, logPath)
		if err != nil {
			return nil, err
		}
		client := NewClient(srv.url, token, cfg.Clients)
		cyc := &acked{}
		w := CreateWorkload(client, "", func(u string) { cyc.add(u); all.add(u) })
		loadCtx, stopLoad := context.WithCancel(ctx)
		phase := make(chan *Phase, 1)
		start := time.Now()
		go func() { phase <- RunClosed(loadCtx, w, cfg.Clients, 24*time.Hour) }()
		log.Info("crash: load running", "cycle", cycle, "kill_after", cfg.Duration.String())
		select {
		case <-time.After(cfg.Duration):
		case <-ctx.Done():
		}
		killedAfter := time.Since(start)
		_ = srv.cmd.Process.Signal(syscall.SIGKILL) // while the clients are still sending
		stopLoad()
		<-srv.exited
		p := <-phase
		client.Close()
		c := CrashCycle{Acknowledged: len(cyc.list()), Failed: p.Total.Errors(), LoadSeconds: round3(p.Elapsed.Seconds()), KilledAfterSec: round3(killedAfter.Seconds())}
		rep.Cycles = append(rep.Cycles, c)
		log.Info("crash: killed", "cycle", cycle, "acknowledged", c.Acknowledged, "failed", c.Failed)
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
	}
	// Restart on the same database and look for every acknowledged order.
	srv, err := startSubprocess(ctx, cfg.Exe, t.dbURL, logPath)
	if err != nil {
		return rep, fmt.Errorf("restart after kill: %w", err)
	}
	defer srv.terminate()
	uuids := all.list()
	rep.Acknowledged = len(uuids)
	client := NewClient(srv.url, token, cfg.Clients)
	defer client.Close()
	found, lost, unverified := verifyOrders(ctx, client, uuids, cfg.Clients)
	rep.Found, rep.Lost, rep.Unverified = found, len(lost), unverified
	for i, u := range lost {
		if i == 20 {
			log.Error("crash: more lost orders not listed", "count", len(lost)-20)
			break
		}
		log.Error("crash: acknowledged order missing after restart", "order", u)
	}
	fmt.Fprintf(cfg.Out, "fpgo bench --crash: database=%s clients=%d cycles=%d\n", rep.Database, rep.Clients, len(rep.Cycles))
	for i, c := range rep.Cycles {
		fmt.Fprintf(cfg.Out, "cycle %d: SIGKILL after %.1fs of create load; %d orders acknowledged, %d requests cut off by the kill\n",
			i+1, c.KilledAfterSec, c.Acknowledged, c.Failed)
	}
	fmt.Fprintf(cfg.Out, "after restart: %d acknowledged, %d found, %d lost, %d unverified\n", rep.Acknowledged, rep.Found, rep.Lost, rep.Unverified)
	if cfg.JSON != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(cfg.JSON, append(b, '\n'), 0o644); err != nil {
			return rep, err
		}
	}
	if rep.Acknowledged == 0 {
		return rep, errors.New("no order was acknowledged before the kill; nothing was checked")
	}
	if rep.Unverified > 0 {
		return rep, fmt.Errorf("%d acknowledged orders could not be checked", rep.Unverified)
	}
	return rep, nil
}

// verifyBackoff is the pause before the n-th retry of a lookup, times n.
var verifyBackoff = 100 * time.Millisecond

// verifyOrders looks each uuid up; 200 is found, 404 is lost, anything else is retried and
// finally counted as unverified.
func verifyOrders(ctx context.Context, c *Client, uuids []string, workers int) (found int, lost []string, unverified int) {
	var mu sync.Mutex
	next := make(chan string)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range next {
				status := 0
				for try := 0; try < 5 && ctx.Err() == nil; try++ {
					status = c.Status(ctx, u).Status
					if status == 200 || status == 404 {
						break
					}
					time.Sleep(time.Duration(try+1) * verifyBackoff)
				}
				mu.Lock()
				switch status {
				case 200:
					found++
				case 404:
					lost = append(lost, u)
				default:
					unverified++
				}
				mu.Unlock()
			}
		}()
	}
	for _, u := range uuids {
		next <- u
	}
	close(next)
	wg.Wait()
	return found, lost, unverified
}

type subprocess struct {
	cmd    *exec.Cmd
	url    string
	exited chan error
}

// startSubprocess runs `exe serve` on a free port and waits until /healthz answers.
func startSubprocess(ctx context.Context, exe, dsn, logPath string) (*subprocess, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "serve", "--db", dsn, "--addr", addr, "--mode", "sandbox", "--log-level", "warn", "--shutdown-timeout", "2s")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	s := &subprocess{cmd: cmd, url: "http://" + addr, exited: make(chan error, 1)}
	go func() {
		s.exited <- cmd.Wait()
		logf.Close()
	}()
	probe := NewClient(s.url, "", 1)
	defer probe.Close()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.exited:
			s.exited <- err
			return nil, fmt.Errorf("fpgo serve exited before it was ready: %v (see %s)", err, logPath)
		case <-ctx.Done():
			s.kill()
			return nil, ctx.Err()
		default:
		}
		if probe.Healthy(ctx) {
			return s, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.kill()
	return nil, fmt.Errorf("fpgo serve did not answer /healthz within 60s (see %s)", logPath)
}

// kill sends SIGKILL and waits for the process to be gone.
func (s *subprocess) kill() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.exited
}

// terminate asks the process to stop (SIGTERM) and kills it if it does not.
func (s *subprocess) terminate() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		s.kill()
	}
}

// freeAddr returns a 127.0.0.1 address with a port nobody listens on right now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr, nil
}
