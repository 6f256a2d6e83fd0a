// Package server wires fpgo together — store, clock, use cases, HTTP API, background loops —
// and runs it until the context ends, shutting down gracefully so in-flight requests finish.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/fpgo/fpgo/internal/api"
	"github.com/fpgo/fpgo/internal/app"
	"github.com/fpgo/fpgo/internal/checkout"
	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/delivery"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/notify"
	"github.com/fpgo/fpgo/internal/provider"
	"github.com/fpgo/fpgo/internal/provider/sandbox"
	"github.com/fpgo/fpgo/internal/sandboxapi"
	"github.com/fpgo/fpgo/internal/store/sqlstore"
)

// Config is everything `fpgo serve` can be told.
type Config struct {
	Addr            string
	DatabaseURL     string
	Mode            string // sandbox | production
	PublicURL       string
	ShutdownTimeout time.Duration
	SweepInterval   time.Duration
	// CallbackTimeout bounds one callback attempt (0: 10s).
	CallbackTimeout time.Duration
	// CallbackBackoffScale multiplies the callback retry schedule and its 24-hour window
	// (sandbox only; 0 or 1: unchanged), so tests see retries and give-ups in seconds.
	CallbackBackoffScale float64
	// SMTPURL, if set, sends customer email through this SMTP server (see notify.ParseSMTPURL);
	// otherwise email stays in the outbox.
	SMTPURL string
	// Banner receives the demo merchant's credentials on first start (stdout); never the log.
	Banner io.Writer
	// Ready, if set, is called with the bound address once the server accepts connections.
	Ready func(addr string)
	// StoreOpened, if set, is given the store once it is open (the benchmark reads its
	// group-commit statistics).
	StoreOpened func(*sqlstore.DB)
	// GCPercent sets the garbage collector's target (as GOGC does) while the server runs; 0
	// leaves the runtime's setting. A GOGC environment variable wins over it.
	GCPercent int
}

// DefaultGCPercent is fpgo serve's garbage-collector target. fpgo keeps only a few MB live, so
// with Go's default of 100 the collector ran about 40 times a second under an order-create load,
// each cycle taking CPU and short pauses from the single SQLite writer everything queues behind;
// at 400 it runs a quarter as often, for a heap of tens of MB.
const DefaultGCPercent = 400

// setGCPercent applies pct unless it is 0 or GOGC is set, and returns what undoes it.
func setGCPercent(pct int) (restore func()) {
	if pct <= 0 || os.Getenv("GOGC") != "" {
		return func() {}
	}
	prev := debug.SetGCPercent(pct)
	return func() { debug.SetGCPercent(prev) }
}

// Sandbox reports whether sandbox mode is on.
func (c Config) Sandbox() bool { return c.Mode != "production" }

// Run serves until ctx is cancelled, then drains in-flight requests for up to ShutdownTimeout.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	if cfg.Mode != "sandbox" && cfg.Mode != "production" {
		return fmt.Errorf("mode must be sandbox or production, not %q", cfg.Mode)
	}
	if !cfg.Sandbox() && cfg.CallbackBackoffScale != 0 && cfg.CallbackBackoffScale != 1 {
		return errors.New("--callback-backoff-scale is only allowed in sandbox mode")
	}
	if cfg.CallbackBackoffScale < 0 {
		return errors.New("--callback-backoff-scale must not be negative")
	}
	var smtp *notify.SMTP
	if cfg.SMTPURL != "" {
		var err error
		if smtp, err = notify.ParseSMTPURL(cfg.SMTPURL); err != nil {
			return err
		}
	}
	defer setGCPercent(cfg.GCPercent)()
	db, err := sqlstore.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer db.Close()
	if cfg.StoreOpened != nil {
		cfg.StoreOpened(db)
	}

	var clk clock.Clock = clock.Real{}
	if cfg.Sandbox() {
		clk = clock.NewTest(clock.Real{})
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	publicURL := cfg.PublicURL
	if publicURL == "" {
		publicURL = "http://" + displayAddr(ln.Addr().String())
	}
	a := app.New(db, clk, log, publicURL, cfg.Sandbox())
	if cfg.Sandbox() {
		if err := ensureDemoMerchant(ctx, a, cfg.Banner, publicURL); err != nil {
			return err
		}
	}
	srv := &http.Server{
		Handler:           api.New(a, log, checkoutRoutes(a, cfg, publicURL, log)...),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	bg, stopBG := context.WithCancel(context.Background())
	defer stopBG()
	go a.RunExpirySweeper(bg, cfg.SweepInterval)
	go a.RunClockSync(bg, time.Second)
	if smtp != nil {
		mailer := &notify.Loop{Store: db, Clock: clk, Sender: smtp, Log: log}
		mailDone := make(chan struct{})
		go func() { defer close(mailDone); mailer.Run(bg) }()
		defer func() { stopBG(); <-mailDone }()
	}

	// Callback delivery: the worker drains the outbox the use cases write; a commit wakes it.
	// It stops after the HTTP server, finishing the attempts in flight, before the database closes.
	worker := delivery.New(delivery.Config{
		Store: db, Clock: clk, Log: log, Production: !cfg.Sandbox(), Timeout: cfg.CallbackTimeout,
		Schedule: delivery.DefaultSchedule().Scaled(cfg.CallbackBackoffScale),
	})
	a.Notify = worker.Wake
	workerDone := make(chan struct{})
	go func() { defer close(workerDone); worker.Run(bg) }()
	defer func() { stopBG(); <-workerDone }()

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("fpgo listening", "addr", ln.Addr().String(), "public_url", publicURL, "mode", cfg.Mode, "database", db.Dialect())
	if cfg.Ready != nil {
		cfg.Ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	err = srv.Shutdown(sctx)
	stopBG()
	<-workerDone
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// ensureDemoMerchant creates a merchant on the first start of an empty sandbox so a newcomer can
// call the API at once; its token is shown once, on stdout.
func ensureDemoMerchant(ctx context.Context, a *app.App, out io.Writer, publicURL string) error {
	ms, err := a.Merchants(ctx)
	if err != nil {
		return err
	}
	if len(ms) > 0 {
		return nil
	}
	creds, err := a.CreateMerchant(ctx, app.NewMerchant{Name: "Demo Merchant", OrgNumber: "999999999", Settings: domain.DefaultMerchantSettings()})
	if err != nil {
		return err
	}
	if out != nil {
		line := strings.Repeat("─", 72)
		fmt.Fprintf(out, "%s\nCreated demo merchant %s (shown once — keep it):\n  bearer token:    %s\n  callback secret: %s\n"+
			"Try: curl -H 'Authorization: Bearer %s' %s/api/v1/connect/orders/status\n%s\n",
			line, creds.OrganizationUUID, creds.Token, creds.CallbackSecret, creds.Token, publicURL, line)
	}
	return nil
}

// checkoutRoutes mounts the customer pages and, in sandbox mode, the sandbox providers and the
// sandbox control API. Production has no real providers yet: payments there answer
// "temporarily unavailable" rather than silently using a sandbox.
func checkoutRoutes(a *app.App, cfg Config, publicURL string, log *slog.Logger) []api.Option {
	p := app.Providers{
		Cards:   provider.Unconfigured{Name: "card gateway"},
		Wallets: map[string]provider.WalletProvider{},
		BankID:  provider.UnconfiguredBankID{},
		Credit:  provider.Unconfigured{Name: "credit bureau"},
	}
	for _, m := range provider.WalletMethods {
		p.Wallets[m] = provider.Unconfigured{Name: m}
	}
	if cfg.Sandbox() {
		p.Cards, p.BankID, p.Credit = sandbox.Cards{}, sandbox.BankID{PagePath: checkout.SandboxBankIDPath}, sandbox.CreditBureau{}
		for _, m := range provider.WalletMethods {
			p.Wallets[m] = sandbox.Wallet{PagePath: checkout.SandboxWalletPath}
		}
	}
	co := app.NewCheckout(a, p)
	secure := strings.HasPrefix(publicURL, "https://")
	opts := []api.Option{api.Mount(checkout.New(co, checkout.Config{Sandbox: cfg.Sandbox(), SecureCookies: secure, Log: log}).Routes)}
	if cfg.Sandbox() {
		opts = append(opts, sandboxapi.Options(co, secure)...)
	}
	return opts
}
