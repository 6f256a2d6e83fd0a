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
	"strings"
	"time"

	"github.com/fpgo/fpgo/internal/api"
	"github.com/fpgo/fpgo/internal/app"
	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/domain"
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
	// Banner receives the demo merchant's credentials on first start (stdout); never the log.
	Banner io.Writer
	// Ready, if set, is called with the bound address once the server accepts connections.
	Ready func(addr string)
}

// Sandbox reports whether sandbox mode is on.
func (c Config) Sandbox() bool { return c.Mode != "production" }

// Run serves until ctx is cancelled, then drains in-flight requests for up to ShutdownTimeout.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	if cfg.Mode != "sandbox" && cfg.Mode != "production" {
		return fmt.Errorf("mode must be sandbox or production, not %q", cfg.Mode)
	}
	db, err := sqlstore.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer db.Close()

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
		Handler:           api.New(a, log),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	bg, stopBG := context.WithCancel(context.Background())
	defer stopBG()
	go a.RunExpirySweeper(bg, cfg.SweepInterval)

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
