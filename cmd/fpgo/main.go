// Command fpgo is the single fpgo binary: the server and its operator tools.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/alecthomas/kong"

	"github.com/fpgo/fpgo/internal/app"
	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/money"
	"github.com/fpgo/fpgo/internal/server"
	"github.com/fpgo/fpgo/internal/store/sqlstore"
)

// Globals are options every subcommand understands.
type Globals struct {
	DB        string `name:"db" env:"FPGO_DATABASE_URL" default:"fpgo.db" help:"Database: a SQLite file path (created if missing) or a postgres:// URL."`
	LogLevel  string `name:"log-level" env:"FPGO_LOG_LEVEL" default:"info" enum:"debug,info,warn,error" help:"Log level: debug, info, warn or error."`
	LogFormat string `name:"log-format" env:"FPGO_LOG_FORMAT" default:"text" enum:"text,json" help:"Log format: text or json (structured, one object per line)."`
}

// CLI is fpgo's command line.
type CLI struct {
	Globals
	Serve    ServeCmd    `cmd:"" default:"withargs" help:"Run the FPGO Connect API server (the default command)."`
	Merchant MerchantCmd `cmd:"" help:"Create, list and manage merchants and their API tokens."`
	Migrate  MigrateCmd  `cmd:"" help:"Apply database migrations and exit (serve also applies them at start)."`
	CopyDB   CopyDBCmd   `cmd:"" name:"copy-db" help:"Copy all data from one database to another, e.g. a SQLite sandbox into PostgreSQL."`
	Bench    BenchCmd    `cmd:"" help:"Benchmark load, latency and the raw storage baseline in one run, on a fresh temporary SQLite database unless --db is given on the command line (see BENCHMARKS.md)."`
	Callback CallbackCmd `cmd:"" name:"callbacks" help:"List callbacks with their delivery state and replay them."`
}

// ServeCmd runs the server.
type ServeCmd struct {
	Addr            string        `env:"FPGO_ADDR" default:":8080" help:"Address to listen on."`
	Mode            string        `env:"FPGO_MODE" default:"sandbox" enum:"sandbox,production" help:"sandbox: sandbox providers, sandbox API, test clock, callbacks to localhost allowed, a demo merchant on first start. production: none of that."`
	PublicURL       string        `name:"public-url" env:"FPGO_PUBLIC_URL" help:"URL customers and merchants reach this server at, used in payment links (default http://localhost:PORT)."`
	ShutdownTimeout time.Duration `name:"shutdown-timeout" env:"FPGO_SHUTDOWN_TIMEOUT" default:"20s" help:"How long SIGTERM waits for in-flight requests before closing."`
	SweepInterval   time.Duration `name:"sweep-interval" env:"FPGO_SWEEP_INTERVAL" default:"5s" help:"How often payment links past their due date are marked EXPIRED."`
	SMTPURL         string        `name:"smtp-url" env:"FPGO_SMTP_URL" help:"Send customer email through this SMTP server, e.g. smtp://user:pass@mail.example.com:587?from=shop@example.com (smtps:// for TLS on 465, ?tls=none for a local relay). Unset: email stays in the sandbox outbox."`
	CallbackTimeout time.Duration `name:"callback-timeout" env:"FPGO_CALLBACK_TIMEOUT" default:"10s" help:"How long a merchant's callback URL has to answer 2xx; slower counts as a failed attempt."`
	BackoffScale    float64       `name:"callback-backoff-scale" env:"FPGO_CALLBACK_BACKOFF_SCALE" default:"1" help:"Sandbox only: multiply the callback retry schedule (10s, 30s, 1m … every 2h, given up after 24h) by this factor, e.g. 0.001 to see retries and give-ups in seconds."`
	GCPercent       int           `name:"gc-percent" env:"FPGO_GC_PERCENT" default:"400" help:"Garbage-collector target, as GOGC (which wins when set): higher runs the collector less often for more memory. 0 leaves Go's default (100)."`
}

// Run starts the server and stops gracefully on SIGINT or SIGTERM.
func (c *ServeCmd) Run(g *Globals) error {
	log := newLogger(g, os.Stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return server.Run(ctx, server.Config{
		Addr: c.Addr, DatabaseURL: g.DB, Mode: c.Mode, PublicURL: c.PublicURL,
		ShutdownTimeout: c.ShutdownTimeout, SweepInterval: c.SweepInterval, Banner: os.Stdout,
		SMTPURL:         c.SMTPURL,
		CallbackTimeout: c.CallbackTimeout, CallbackBackoffScale: c.BackoffScale,
		GCPercent: c.GCPercent,
	}, log)
}

// MigrateCmd applies migrations.
type MigrateCmd struct{}

// Run opens the database, which applies pending migrations.
func (MigrateCmd) Run(g *Globals) error {
	db, err := sqlstore.Open(context.Background(), g.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(os.Stderr, "migrations applied (%s)\n", db.Dialect())
	return nil
}

// MerchantCmd groups merchant administration.
type MerchantCmd struct {
	Create      MerchantCreateCmd `cmd:"" help:"Create a merchant and print its token and callback secret (shown once)."`
	List        MerchantListCmd   `cmd:"" help:"List merchants."`
	RotateToken RotateTokenCmd    `cmd:"" name:"rotate-token" help:"Replace a merchant's bearer token; the old one stops working at once."`
}

// MerchantCreateCmd creates a merchant.
type MerchantCreateCmd struct {
	Name              string   `required:"" help:"The merchant's name."`
	OrgNumber         string   `name:"org-number" help:"The merchant's organization number (used by the company invoice-fee lookup)."`
	RateLimit         int      `name:"rate-limit" default:"240" help:"API requests per minute per token."`
	TaxRates          []string `name:"tax-rates" default:"0,12,15,25" help:"Allowed VAT rates in percent."`
	RefundLimit       string   `name:"refund-limit" default:"50000" help:"Largest amount one refund request may return (NOK; 0 = no limit)."`
	WeeklyRefundLimit string   `name:"weekly-refund-limit" default:"200000" help:"Most that may be refunded in any 7 days (NOK; 0 = no limit)."`
	DelayedCharge     bool     `name:"delayed-charge" help:"Card payments end AUTHORIZED and are charged with orders/delayed/charge."`
	JSON              bool     `name:"json" help:"Print only a JSON object on stdout."`
}

// Run creates the merchant.
func (c *MerchantCreateCmd) Run(g *Globals) error {
	s := domain.DefaultMerchantSettings()
	s.RateLimit = c.RateLimit
	s.DelayedCharge = c.DelayedCharge
	s.TaxRates = nil
	for _, t := range c.TaxRates {
		r, err := money.ParseRate(strings.TrimSpace(t))
		if err != nil {
			return fmt.Errorf("--tax-rates: %q: %w", t, err)
		}
		s.TaxRates = append(s.TaxRates, r)
	}
	var err error
	if s.RefundLimitRequest, err = money.Parse(c.RefundLimit); err != nil {
		return fmt.Errorf("--refund-limit: %w", err)
	}
	if s.RefundLimitWeekly, err = money.Parse(c.WeeklyRefundLimit); err != nil {
		return fmt.Errorf("--weekly-refund-limit: %w", err)
	}
	a, closeDB, err := openApp(g)
	if err != nil {
		return err
	}
	defer closeDB()
	creds, err := a.CreateMerchant(context.Background(), app.NewMerchant{Name: c.Name, OrgNumber: c.OrgNumber, Settings: s})
	if err != nil {
		return err
	}
	if c.JSON {
		return json.NewEncoder(os.Stdout).Encode(creds)
	}
	fmt.Printf("organization:    %s\nbearer token:    %s\ncallback secret: %s\n(the token is shown only now)\n", creds.OrganizationUUID, creds.Token, creds.CallbackSecret)
	return nil
}

// MerchantListCmd lists merchants.
type MerchantListCmd struct {
	JSON bool `name:"json" help:"Print JSON."`
}

// Run lists merchants without their secrets.
func (c *MerchantListCmd) Run(g *Globals) error {
	a, closeDB, err := openApp(g)
	if err != nil {
		return err
	}
	defer closeDB()
	ms, err := a.Merchants(context.Background())
	if err != nil {
		return err
	}
	if c.JSON {
		type row struct {
			OrganizationUUID string `json:"organizationUuid"`
			Name             string `json:"name"`
			OrgNumber        string `json:"orgNumber"`
			RateLimit        int    `json:"rateLimit"`
			CreatedAt        string `json:"createdAt"`
		}
		rows := []row{}
		for _, m := range ms {
			rows = append(rows, row{m.ID, m.Name, m.OrgNumber, m.Settings.RateLimit, m.CreatedAt.Format(time.RFC3339)})
		}
		return json.NewEncoder(os.Stdout).Encode(rows)
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ORGANIZATION\tNAME\tORG NUMBER\tRATE LIMIT\tCREATED")
	for _, m := range ms {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d/min\t%s\n", m.ID, m.Name, m.OrgNumber, m.Settings.RateLimit, m.CreatedAt.Format(time.RFC3339))
	}
	return tw.Flush()
}

// RotateTokenCmd replaces a token.
type RotateTokenCmd struct {
	Organization string `arg:"" help:"The merchant's organization id (ORG…)."`
	JSON         bool   `name:"json" help:"Print only a JSON object on stdout."`
}

// Run rotates the token.
func (c *RotateTokenCmd) Run(g *Globals) error {
	a, closeDB, err := openApp(g)
	if err != nil {
		return err
	}
	defer closeDB()
	creds, err := a.RotateToken(context.Background(), c.Organization)
	if err != nil {
		return err
	}
	if c.JSON {
		return json.NewEncoder(os.Stdout).Encode(creds)
	}
	fmt.Printf("organization: %s\nbearer token: %s\n(the old token no longer works)\n", creds.OrganizationUUID, creds.Token)
	return nil
}

func openApp(g *Globals) (*app.App, func(), error) {
	db, err := sqlstore.Open(context.Background(), g.DB)
	if err != nil {
		return nil, nil, fmt.Errorf("open database: %w", err)
	}
	return app.New(db, clock.Real{}, newLogger(g, os.Stderr), "", false), func() { db.Close() }, nil
}

func newLogger(g *Globals, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(g.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if g.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// helpWithServeFlags adds the serve command's options to the top-level help: serve is the
// default command, so `fpgo --addr :9090` works and its flags belong on the first page.
func helpWithServeFlags(opts kong.HelpOptions, ctx *kong.Context) error {
	if err := kong.DefaultHelpPrinter(opts, ctx); err != nil {
		return err
	}
	if ctx.Selected() != nil {
		return nil
	}
	for _, child := range ctx.Model.Children {
		if child.Name != "serve" {
			continue
		}
		w := ctx.Stdout
		fmt.Fprintln(w, "\nServer options (fpgo [serve] …):")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, f := range child.Flags {
			if f.Hidden {
				continue
			}
			name := "--" + f.Name
			if !f.IsBool() {
				name += "=" + f.FormatPlaceHolder()
			}
			help := f.Help
			if len(f.Envs) > 0 {
				help += " ($" + strings.Join(f.Envs, ", $") + ")"
			}
			fmt.Fprintf(tw, "  %s\t%s\n", name, help)
		}
		return tw.Flush()
	}
	return nil
}

func main() {
	var cli CLI
	ctx := kong.Parse(&cli,
		kong.Name("fpgo"),
		kong.Description("fpgo — a self-hostable server for the Front Payment Go (FPGO) Connect API.\n\n"+
			"Every flag can also be set with the FPGO_* environment variable shown next to it."),
		kong.UsageOnError(),
		kong.Bind(&cli.Globals),
		kong.Help(helpWithServeFlags),
	)
	if err := ctx.Run(&cli.Globals); err != nil {
		fmt.Fprintln(os.Stderr, "fpgo:", err)
		os.Exit(1)
	}
}
