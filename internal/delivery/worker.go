// Package delivery sends the callbacks the use cases write to the outbox (callback_events): a
// worker on every node claims due callbacks with a lease, calls the merchant's URL with the
// signed parameters, logs each attempt and schedules retries with exponential backoff.
//
// Guarantees: at least once — a callback is claimed under a lease, so a node that dies
// mid-delivery loses nothing (the lease runs out and any node claims it again; the merchant may
// then see it twice). In order per order — only the oldest pending callback of an order is ever
// claimed, so a failing one holds back the later ones of its order, and only those.
//
// Why no job library: the outbox row has to be written in the use case's own transaction, on
// SQLite and PostgreSQL alike, and River's SQLite driver is early-testing (only v0.47.0 resolves
// here). The outbox table is already a durable queue; claiming it with a lease (FOR UPDATE SKIP
// LOCKED on PostgreSQL) takes one UPDATE, tested by the shared store suite on both backends.
package delivery

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"code.dny.dev/ssrf"

	"github.com/fpgo/fpgo/internal/callback"
	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/store"
)

// Defaults of Config.
const (
	DefaultConcurrency  = 32
	DefaultPollInterval = 200 * time.Millisecond
	maxErrorText        = 500
	maxBodyRead         = 64 << 10
	userAgent           = "fpgo-callback/1"
)

// Config configures a Worker. Store and Clock are required.
type Config struct {
	Store store.Store
	// Clock is the app clock: next attempts, leases and the callback's timestamp follow it, so
	// the sandbox test clock moves retries forward too.
	Clock clock.Clock
	Log   *slog.Logger
	// Production refuses non-https URLs and local hosts before sending, and non-public addresses
	// at connect time (see callback.NewHTTPClient).
	Production bool
	// Timeout bounds one attempt (default callback.DefaultTimeout, 10s): a slower answer is a
	// failed attempt.
	Timeout time.Duration
	// Lease is how long a claimed callback is reserved for its worker (default 2×Timeout). A
	// node that dies holds its callbacks at most this long.
	Lease time.Duration
	// Schedule is the retry schedule (default DefaultSchedule()).
	Schedule Schedule
	// Concurrency is the most attempts in flight on this node (default 32).
	Concurrency int
	// PollInterval is how often an idle worker looks for due callbacks (default 200ms); Wake
	// makes it look at once.
	PollInterval time.Duration
	// Client sends the requests (default callback.NewHTTPClient(Production, Timeout)). Tests
	// may pass their own; it must not follow redirects.
	Client *http.Client
	// Rand returns jitter values in [0, 1) (default math/rand/v2).
	Rand func() float64
}

// Worker delivers callbacks. One per node; any number of nodes may share a database.
type Worker struct {
	cfg  Config
	log  *slog.Logger
	wake chan struct{}

	errMu      sync.Mutex
	lastErr    string
	lastErrLog time.Time
}

// New returns a worker with cfg's defaults filled in.
func New(cfg Config) *Worker {
	if cfg.Timeout <= 0 {
		cfg.Timeout = callback.DefaultTimeout
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * cfg.Timeout
	}
	if cfg.Schedule.Window == 0 {
		cfg.Schedule = DefaultSchedule()
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.Client == nil {
		cfg.Client = callback.NewHTTPClient(cfg.Production, cfg.Timeout)
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Float64
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Worker{cfg: cfg, log: log.With("component", "callbacks"), wake: make(chan struct{}, 1)}
}

// Wake tells the worker that callbacks may be due (e.g. after a commit that wrote some). It
// never blocks.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers callbacks until ctx ends, then waits for the attempts in flight (each bounded by
// Timeout) and records them, so a graceful stop leaves no lease behind.
//
// One write transaction per turn of the loop records every attempt that finished since the last
// one and claims callbacks for the free slots (see sync): attempts that finish together cost one
// write, and a delivered callback's successor in its order is claimed in the transaction that
// records it. An attempt holds its slot only while it is being sent, not while its outcome waits
// for that write, so a slow commit does not idle the slots.
func (w *Worker) Run(ctx context.Context) {
	ticker := time.NewTicker(w.cfg.PollInterval)
	defer ticker.Stop()
	results := make(chan finished, w.cfg.Concurrency)
	var done []finished // attempts sent, outcome not recorded yet
	sending := 0
	claimNow := true
	stop := ctx.Done()
	for {
		stopping := ctx.Err() != nil
		want := 0
		if claimNow && !stopping {
			want = w.cfg.Concurrency - sending
		}
		if len(done) > 0 || want > 0 {
			batch, secrets, err := w.sync(ctx, done, want)
			if err != nil && ctx.Err() == nil {
				w.logErr("record and claim callbacks", err)
			}
			done = done[:0]
			for i := range batch {
				sending++
				go func(d store.CallbackDelivery) {
					results <- finished{d: d, a: w.try(context.WithoutCancel(ctx), &d, secrets[d.OrgID])}
				}(batch[i])
			}
		}
		claimNow = false
		if stopping && sending == 0 {
			return
		}
		select {
		case <-stop:
			stop = nil // from now on only the attempts in flight are waited for and recorded
		case <-w.wake:
			claimNow = true
		case r := <-results:
			sending--
			done = append(done, r)
			// Gather the others that finished meanwhile into the same write.
			for more := true; more; {
				select {
				case r := <-results:
					sending--
					done = append(done, r)
				default:
					more = false
				}
			}
			// A finished callback may let the next one of its order go.
			claimNow = true
		case <-ticker.C:
			claimNow = !stopping && sending < w.cfg.Concurrency && w.hasDue(ctx)
		}
	}
}

// RunOnce claims the callbacks due now (up to Concurrency), attempts them all, records their
// outcomes in one write and returns how many it attempted. For tests and tools; Run is the loop
// servers use.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	batch, secrets, err := w.sync(ctx, nil, w.cfg.Concurrency)
	if err != nil {
		return 0, err
	}
	done := make([]finished, len(batch))
	var wg sync.WaitGroup
	for i := range batch {
		wg.Go(func() { done[i] = finished{d: batch[i], a: w.try(ctx, &batch[i], secrets[batch[i].OrgID])} })
	}
	wg.Wait()
	if len(done) > 0 {
		_, _, _ = w.sync(ctx, done, 0)
	}
	return len(batch), nil
}

func (w *Worker) hasDue(ctx context.Context) bool {
	var due bool
	err := w.cfg.Store.Read(ctx, func(tx store.Tx) error {
		var err error
		due, err = tx.HasDueCallbacks(w.cfg.Clock.Now())
		return err
	})
	if err != nil {
		if ctx.Err() == nil {
			w.logErr("look for due callbacks", err)
		}
		return false
	}
	return due
}

// secret is a merchant's callback secret, or why there is none.
type secret struct {
	value string
	err   error
}

// finished is an attempt that was sent (or refused) and whose outcome is to be recorded under
// the lease d was claimed with.
type finished struct {
	d store.CallbackDelivery
	a *store.CallbackAttempt
}

// sync records the outcomes of done and claims up to n due callbacks, with their merchants'
// callback secrets, in one write transaction, and logs every outcome. If that transaction fails,
// nothing is claimed (the error is returned when n > 0) and each outcome is recorded again in a
// write of its own, so one that cannot be recorded, or a failing claim, leaves no other outcome
// unrecorded.
func (w *Worker) sync(ctx context.Context, done []finished, n int) ([]store.CallbackDelivery, map[string]secret, error) {
	// Outcomes are recorded in event id order: two nodes recording overlapping sets (only after a
	// lease ran out) lock the rows in the same order.
	slices.SortFunc(done, func(a, b finished) int { return cmp.Compare(a.d.ID, b.d.ID) })
	batch, secrets, current, err := w.write(context.WithoutCancel(ctx), done, n)
	if err != nil && len(done) > 0 {
		for i := range done {
			_, _, cur, rerr := w.write(context.WithoutCancel(ctx), done[i:i+1], 0)
			w.logOutcome(&done[i], len(cur) == 1 && cur[0], rerr)
		}
		if n <= 0 {
			return nil, nil, nil // nothing was to be claimed: the outcomes' errors are logged above
		}
		return nil, nil, err
	}
	for i := range done {
		w.logOutcome(&done[i], current[i], nil)
	}
	return batch, secrets, err
}

// write is sync's transaction: record done (current[i] reports whether done[i]'s lease was still
// the current one), then claim up to n and load the secrets their signatures need.
func (w *Worker) write(ctx context.Context, done []finished, n int) (batch []store.CallbackDelivery, secrets map[string]secret, current []bool, err error) {
	err = w.cfg.Store.Write(ctx, func(tx store.Tx) error {
		// fn may run more than once: start from scratch each time.
		batch, secrets, current = nil, nil, make([]bool, len(done))
		for i := range done {
			ok, err := tx.RecordCallbackAttempt(done[i].a, done[i].d.LockedUntil)
			if err != nil {
				return fmt.Errorf("record attempt %d of callback %d: %w", done[i].a.Attempt, done[i].d.ID, err)
			}
			current[i] = ok
		}
		if n <= 0 {
			return nil
		}
		var err error
		if batch, err = tx.ClaimCallbacks(w.cfg.Clock.Now(), w.cfg.Lease, n); err != nil {
			return err
		}
		secrets, err = loadSecrets(tx, batch)
		return err
	})
	if err != nil {
		// Nothing was committed: no lease was taken.
		return nil, nil, nil, err
	}
	return batch, secrets, current, nil
}

// loadSecrets looks up the callback secret of every merchant in batch.
func loadSecrets(tx store.Tx, batch []store.CallbackDelivery) (map[string]secret, error) {
	secrets := map[string]secret{}
	for _, d := range batch {
		if _, ok := secrets[d.OrgID]; ok {
			continue
		}
		m, err := tx.MerchantByID(d.OrgID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			secrets[d.OrgID] = secret{err: errors.New("the merchant no longer exists")}
		case err != nil:
			return nil, err
		case m.CallbackSecret == "":
			secrets[d.OrgID] = secret{err: errors.New("the merchant has no callback secret to sign with")}
		default:
			secrets[d.OrgID] = secret{value: m.CallbackSecret}
		}
	}
	return secrets, nil
}

// permanentError is a failure no retry can fix (a URL production may never call, an unsigned
// callback): the callback fails at once. A replay tries again.
type permanentError struct{ error }

// try makes one delivery attempt of d and returns its outcome, to be recorded by sync.
func (w *Worker) try(ctx context.Context, d *store.CallbackDelivery, sec secret) *store.CallbackAttempt {
	sentAt := w.cfg.Clock.Now()
	a := &store.CallbackAttempt{EventID: d.ID, OrgID: d.OrgID, Attempt: d.Attempts, AttemptedAt: sentAt, URL: redactedURL(d.URL)}
	var err error
	switch {
	case sec.err != nil:
		err = permanentError{sec.err}
	default:
		var signed string
		if signed, err = SignedURL(d, sec.value, sentAt); err != nil {
			err = permanentError{err}
			break
		}
		a.URL = redactedURL(signed)
		if err = callback.CheckDestination(d.URL, w.cfg.Production); err != nil {
			err = permanentError{fmt.Errorf("refused before sending: %w", err)}
			break
		}
		a.StatusCode, a.Latency, err = w.send(ctx, signed)
	}

	var perm permanentError
	switch {
	case err == nil:
		a.Outcome = store.CallbackDelivered
	case errors.As(err, &perm):
		a.Outcome = store.CallbackFailed
	default:
		if next, ok := w.cfg.Schedule.Next(d.Attempts, d.RetryFrom, w.cfg.Clock.Now(), w.cfg.Rand()); ok {
			a.Outcome, a.NextAttemptAt = store.CallbackPending, &next
		} else {
			a.Outcome = store.CallbackFailed
			err = fmt.Errorf("%w; giving up: the next attempt would fall outside the %s retry window", err, w.cfg.Schedule.Window)
		}
	}
	if err != nil {
		a.Error = truncate(err.Error(), maxErrorText)
	}
	return a
}

// logOutcome logs a recorded (or unrecordable: rerr) attempt.
func (w *Worker) logOutcome(f *finished, current bool, rerr error) {
	d, a := &f.d, f.a
	log := w.log.With("callback", d.ID, "org", d.OrgID, "kind", d.Kind, "subject", d.SubjectUUID, "status", d.Status,
		"attempt", d.Attempts, "host", hostOf(d.URL), "http_status", a.StatusCode, "latency_ms", a.Latency.Milliseconds())
	switch {
	case rerr != nil:
		// Its lease runs out and it is attempted again: delivered twice rather than lost.
		log.Error("callback attempt not recorded", "outcome", a.Outcome, "err", rerr)
	case !current:
		log.Warn("callback lease had expired; attempt logged, state left to the newer claim", "outcome", a.Outcome)
	case a.Outcome == store.CallbackDelivered:
		log.Debug("callback delivered")
	case a.Outcome == store.CallbackPending:
		log.Warn("callback attempt failed, will retry", "err", a.Error, "next_attempt_at", a.NextAttemptAt.UTC().Format(time.RFC3339))
	default:
		log.Error("callback failed, no more retries", "err", a.Error)
	}
}

// send makes the GET request. Only a 2xx answer is a delivery; redirects are not followed.
func (w *Worker) send(ctx context.Context, signed string) (code int, latency time.Duration, err error) {
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, signed, nil)
	if err != nil {
		return 0, 0, permanentError{errors.New("the callback URL cannot be requested")}
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", "*/*")
	start := time.Now() // latency is measured on the wall clock, not the app clock
	resp, err := w.cfg.Client.Do(req)
	if err != nil {
		return 0, time.Since(start), errors.New(describe(err, w.cfg.Timeout))
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxBodyRead))
	resp.Body.Close()
	latency = time.Since(start)
	switch c := resp.StatusCode; {
	case c >= 200 && c <= 299:
		return c, latency, nil
	case c >= 300 && c <= 399:
		return c, latency, fmt.Errorf("HTTP %d: redirects are not followed; answer the callback URL itself with 2xx", c)
	default:
		return c, latency, fmt.Errorf("HTTP %d: only a 2xx answer counts as delivered", c)
	}
}

// describe turns a transport error into a message for the attempt log: without the URL (whose
// merchant parameters may be secret), and saying plainly what happened.
func describe(err error, timeout time.Duration) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	switch {
	case errors.Is(err, ssrf.ErrProhibitedIP), errors.Is(err, ssrf.ErrProhibitedPort), errors.Is(err, ssrf.ErrProhibitedNetwork):
		return "refused at connect time: the address is not public (production mode): " + err.Error()
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return fmt.Sprintf("no answer within %s (timeout)", timeout)
	}
	return err.Error()
}

// redactedURL is a URL for the attempt log: user info (HTTP basic auth credentials) removed.
func redactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	u.User = nil
	return u.String()
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// logErr logs a repeating background error at most every 30 seconds.
func (w *Worker) logErr(what string, err error) {
	w.errMu.Lock()
	defer w.errMu.Unlock()
	msg := err.Error()
	if msg == w.lastErr && time.Since(w.lastErrLog) < 30*time.Second {
		return
	}
	w.lastErr, w.lastErrLog = msg, time.Now()
	w.log.Warn(what, "err", err)
}
