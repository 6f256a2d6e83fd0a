package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fpgo/fpgo/internal/app"
	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/store"
)

// CallbackCmd groups the operator's view of callback delivery.
type CallbackCmd struct {
	List   CallbackListCmd   `cmd:"" help:"List callbacks with their delivery state, oldest first."`
	Replay CallbackReplayCmd `cmd:"" help:"Queue a callback again: a delivered or failed one gets a new round of attempts, a pending one is tried now. A running server sends it within a second."`
}

// CallbackListCmd lists callbacks.
type CallbackListCmd struct {
	Org      []string `name:"org" placeholder:"ORG" help:"Only callbacks of these organizations (repeat the flag or separate with commas)."`
	Order    []string `name:"order" placeholder:"ODR" help:"Only callbacks of these orders (or reservations, subscriptions…)."`
	State    string   `name:"state" placeholder:"STATE" help:"Only callbacks in this state: pending, delivered or failed."`
	After    int64    `name:"after" placeholder:"ID" help:"Only callbacks with a larger id (to page through a long list)."`
	Limit    int      `name:"limit" default:"100" help:"At most this many callbacks."`
	Attempts bool     `name:"attempts" help:"Also print every attempt (always included with --json)."`
	JSON     bool     `name:"json" help:"Print JSON, attempts included."`
}

// CallbackReplayCmd replays one callback.
type CallbackReplayCmd struct {
	ID   int64 `arg:"" help:"The callback's id (from fpgo callbacks list, or the id in GET /api/v1/connect/callbacks)."`
	JSON bool  `name:"json" help:"Print JSON."`
}

// openCallbackApp opens the database with the sandbox clock's stored offset (zero in
// production), so a replay's retry window starts at the time the server's worker sees.
func openCallbackApp(g *Globals) (*app.App, func(), error) {
	a, closeDB, err := openApp(g)
	if err != nil {
		return nil, nil, err
	}
	var offset time.Duration
	if err := a.Store.Read(context.Background(), func(tx store.Tx) error {
		var err error
		offset, err = tx.SandboxClockOffset()
		return err
	}); err != nil {
		closeDB()
		return nil, nil, err
	}
	tc := clock.NewTest(clock.Real{})
	tc.SetOffset(offset)
	a.Clock = tc
	return a, closeDB, nil
}

func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for p := range strings.SplitSeq(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// Run lists the callbacks.
func (c *CallbackListCmd) Run(g *Globals) error {
	switch c.State {
	case "", store.CallbackPending, store.CallbackDelivered, store.CallbackFailed:
	default:
		return fmt.Errorf("--state must be pending, delivered or failed, not %q", c.State)
	}
	a, closeDB, err := openCallbackApp(g)
	if err != nil {
		return err
	}
	defer closeDB()
	logs, err := a.ListCallbacks(context.Background(), store.CallbackFilter{
		OrgIDs: splitList(c.Org), SubjectUUIDs: splitList(c.Order), State: c.State, AfterID: c.After, Limit: c.Limit,
	})
	if err != nil {
		return err
	}
	if c.JSON {
		out := make([]callbackRow, 0, len(logs))
		for _, l := range logs {
			out = append(out, toCallbackRow(l))
		}
		return json.NewEncoder(os.Stdout).Encode(out)
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tORGANIZATION\tKIND\tSUBJECT\tSTATUS\tSTATE\tATTEMPTS\tLAST RESULT\tNEXT ATTEMPT / DELIVERED")
	for _, l := range logs {
		when := ""
		switch {
		case l.State == store.CallbackPending:
			when = "next " + l.NextAttemptAt.UTC().Format(time.RFC3339)
		case l.DeliveredAt != nil && l.State == store.CallbackDelivered:
			when = "delivered " + l.DeliveredAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", l.ID, l.OrgID, l.Kind, l.SubjectUUID, l.Status, l.State,
			len(l.Attempts), lastResult(l.LastStatusCode, l.LastError, 60), when)
		if c.Attempts {
			for _, at := range l.Attempts {
				fmt.Fprintf(tw, "\t  #%d\t%s\t%dms\t%s\t%s\t\t%s\t\n", at.Attempt, at.AttemptedAt.UTC().Format(time.RFC3339),
					at.Latency.Milliseconds(), at.Outcome, "", lastResult(at.StatusCode, at.Error, 80))
			}
		}
	}
	return tw.Flush()
}

func lastResult(code int, errText string, max int) string {
	s := ""
	if code != 0 {
		s = "HTTP " + strconv.Itoa(code)
	}
	if errText != "" && (code == 0 || code < 200 || code > 299) {
		s = errText
	}
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "") + "…"
	}
	if s == "" {
		s = "-"
	}
	return s
}

// Run replays the callback.
func (c *CallbackReplayCmd) Run(g *Globals) error {
	a, closeDB, err := openCallbackApp(g)
	if err != nil {
		return err
	}
	defer closeDB()
	l, err := a.ReplayCallback(context.Background(), "", c.ID)
	if err != nil {
		if err == app.ErrCallbackNotFound {
			return fmt.Errorf("no callback with id %d", c.ID)
		}
		return err
	}
	if c.JSON {
		return json.NewEncoder(os.Stdout).Encode(toCallbackRow(l))
	}
	fmt.Printf("callback %d (%s %s %s) queued: next attempt at %s\n", l.ID, l.OrgID, l.SubjectUUID, l.Status,
		l.NextAttemptAt.UTC().Format(time.RFC3339))
	return nil
}

type callbackRow struct {
	ID             int64        `json:"id"`
	Organization   string       `json:"organizationUuid"`
	Kind           string       `json:"kind"`
	Subject        string       `json:"orderUuid"`
	Status         string       `json:"status"`
	PaymentMethod  string       `json:"paymentMethod"`
	Amount         string       `json:"amount"`
	SubjectAt      time.Time    `json:"createdAt"`
	URL            string       `json:"url"`
	EventAt        time.Time    `json:"eventAt"`
	State          string       `json:"state"`
	NextAttemptAt  *time.Time   `json:"nextAttemptAt"`
	LastStatusCode int          `json:"lastStatusCode"`
	LastError      string       `json:"lastError"`
	DeliveredAt    *time.Time   `json:"deliveredAt"`
	Replays        int          `json:"replays"`
	Attempts       []attemptRow `json:"attempts"`
}

type attemptRow struct {
	Attempt       int        `json:"attempt"`
	AttemptedAt   time.Time  `json:"attemptedAt"`
	URL           string     `json:"url"`
	StatusCode    int        `json:"statusCode"`
	LatencyMs     int64      `json:"latencyMs"`
	Error         string     `json:"error"`
	Outcome       string     `json:"outcome"`
	NextAttemptAt *time.Time `json:"nextAttemptAt"`
}

func toCallbackRow(l app.CallbackLog) callbackRow {
	r := callbackRow{
		ID: l.ID, Organization: l.OrgID, Kind: l.Kind, Subject: l.SubjectUUID, Status: l.Status, PaymentMethod: l.PaymentMethod,
		Amount: l.Amount, SubjectAt: l.SubjectAt, URL: l.URL, EventAt: l.CreatedAt, State: l.State,
		LastStatusCode: l.LastStatusCode, LastError: l.LastError, DeliveredAt: l.DeliveredAt, Replays: l.Replays, Attempts: []attemptRow{},
	}
	if l.State == store.CallbackPending {
		next := l.NextAttemptAt
		r.NextAttemptAt = &next
	}
	for _, a := range l.Attempts {
		r.Attempts = append(r.Attempts, attemptRow{a.Attempt, a.AttemptedAt, a.URL, a.StatusCode, a.Latency.Milliseconds(), a.Error, a.Outcome, a.NextAttemptAt})
	}
	return r
}
