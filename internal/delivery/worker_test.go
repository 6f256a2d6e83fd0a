package delivery_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fpgo/fpgo/client"
	"github.com/fpgo/fpgo/internal/app"
	"github.com/fpgo/fpgo/internal/callback"
	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/delivery"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/money"
	"github.com/fpgo/fpgo/internal/store"
	"github.com/fpgo/fpgo/internal/store/pgtest"
	"github.com/fpgo/fpgo/internal/store/sqlstore"
)

// ---- the merchant's side, written from the seeds' PHP example and nothing else

// phpGet reads a query string the way PHP fills $_GET: pieces split on '&', name and value split
// at the first '=', both urldecoded ('+' is a space, %XX a byte), in names a leading space is
// dropped and spaces and dots become '_', a repeated name keeps its first position and its last
// value.
func phpGet(raw string) (keys, values []string) {
	pos := map[string]int{}
	for _, piece := range strings.Split(raw, "&") {
		if piece == "" {
			continue
		}
		name, value := piece, ""
		if i := strings.Index(piece, "="); i >= 0 {
			name, value = piece[:i], piece[i+1:]
		}
		name, value = urldecode(name), urldecode(value)
		name = strings.TrimLeft(name, " ")
		name = strings.ReplaceAll(strings.ReplaceAll(name, " ", "_"), ".", "_")
		if name == "" {
			continue
		}
		if i, ok := pos[name]; ok {
			values[i] = value
			continue
		}
		pos[name] = len(keys)
		keys = append(keys, name)
		values = append(values, value)
	}
	return keys, values
}

func urldecode(s string) string {
	var b bytes.Buffer
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '+':
			b.WriteByte(' ')
		case s[i] == '%' && i+2 < len(s):
			if n, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(n))
				i += 2
				continue
			}
			b.WriteByte('%')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// phpVerify is the seeds' handler: concatenate every $_GET value except checksum, append the
// secret, hash('sha256', …), hash_equals with the received checksum.
func phpVerify(rawQuery, secretKey string) (ok bool, get map[string]string) {
	keys, values := phpGet(rawQuery)
	get = map[string]string{}
	concatenated := ""
	for i, k := range keys {
		get[k] = values[i]
		if k == "checksum" {
			continue
		}
		concatenated += values[i]
	}
	sum := sha256.Sum256([]byte(concatenated + secretKey))
	return get["checksum"] != "" && hex.EncodeToString(sum[:]) == get["checksum"], get
}

// ---- a merchant's receiver

type hit struct {
	rawQuery string
	get      map[string]string
	keys     []string
	verified bool
	at       time.Time
}

type receiver struct {
	t      *testing.T
	secret string
	srv    *httptest.Server
	// answer decides the response to the n-th request (1-based) for an order; nil answers 200.
	answer func(n int, get map[string]string, w http.ResponseWriter) bool

	mu    sync.Mutex
	hits  []hit
	count map[string]int
}

func newReceiver(t *testing.T, secret string, answer func(n int, get map[string]string, w http.ResponseWriter) bool) *receiver {
	rc := &receiver{t: t, secret: secret, answer: answer, count: map[string]int{}}
	rc.srv = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "GET only", 405)
		return
	}
	ok, get := phpVerify(r.URL.RawQuery, rc.secret)
	keys, _ := phpGet(r.URL.RawQuery)
	rc.mu.Lock()
	rc.hits = append(rc.hits, hit{rawQuery: r.URL.RawQuery, get: get, keys: keys, verified: ok, at: time.Now()})
	rc.count[get["orderUuid"]]++
	n := rc.count[get["orderUuid"]]
	rc.mu.Unlock()
	if !ok {
		http.Error(w, "Checksum verification failed.", 400)
		return
	}
	if rc.answer != nil && rc.answer(n, get, w) {
		return
	}
	fmt.Fprint(w, "Callback successfully processed.")
}

func (rc *receiver) all() []hit {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]hit(nil), rc.hits...)
}

// ---- the fpgo side

var t0 = time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)

type env struct {
	t      *testing.T
	db     *sqlstore.DB
	clock  *clock.Fixed
	app    *app.App
	m      *domain.Merchant
	secret string
	logs   *bytes.Buffer
	logMu  *sync.Mutex
	log    *slog.Logger
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), filepath.Join(t.TempDir(), "fpgo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{t: t, db: db, clock: clock.NewFixed(t0), logs: &bytes.Buffer{}, logMu: &sync.Mutex{}}
	e.log = slog.New(slog.NewTextHandler(lockedWriter{e.logMu, e.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.app = app.New(db, e.clock, e.log, "http://fpgo.test", true)
	creds, err := e.app.CreateMerchant(context.Background(), app.NewMerchant{Name: "Shop", Settings: domain.DefaultMerchantSettings()})
	if err != nil {
		t.Fatal(err)
	}
	if e.m, err = e.app.Authenticate(context.Background(), creds.Token); err != nil {
		t.Fatal(err)
	}
	e.secret = creds.CallbackSecret
	if e.secret == "" {
		t.Fatal("merchant without a callback secret")
	}
	return e
}

func (e *env) worker(cfg delivery.Config) *delivery.Worker {
	cfg.Store, cfg.Clock, cfg.Log = e.db, e.clock, e.log
	if cfg.Rand == nil {
		cfg.Rand = func() float64 { return 0.5 } // no jitter: exact schedule
	}
	return delivery.New(cfg)
}

func (e *env) order(callbackURL string) string {
	e.t.Helper()
	in := app.OrderInput{
		Type:      domain.TypePaymentLink,
		Lines:     []domain.Line{{Name: "Router", Quantity: 1000, Rate: 100_00, Tax: 2500, Amount: 100_00}, {Name: "Cable", Quantity: 2000, Rate: 25_00, Tax: 2500, Amount: 50_00}},
		Summary:   domain.Summary{SubTotal: 120_00, TotalTax: 30_00, GrandTotal: 150_00},
		OrderDate: t0,
		Customer:  &app.CustomerInput{Type: domain.Private, Name: "Kari Nordmann", CountryCode: "+47", MSISDN: "46567468", Email: "kari@example.no"},
		Callbacks: domain.Callbacks{CallbackURL: callbackURL},
	}
	c, err := e.app.CreateOrder(context.Background(), e.m, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return c.OrderUUID
}

func (e *env) pay(uuid string) {
	e.t.Helper()
	if _, err := e.app.PayOrder(context.Background(), e.m.ID, uuid, "visa"); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) refund(uuid string, amount int64) {
	e.t.Helper()
	o, err := e.app.Order(context.Background(), e.m.ID, uuid)
	if err != nil {
		e.t.Fatal(err)
	}
	in := app.RefundInput{Type: "regular", GrandTotal: money.Amount(amount), Lines: []domain.RefundLine{{LineID: o.Lines[0].ID, Amount: money.Amount(amount)}}}
	if _, err := e.app.RefundOrder(context.Background(), e.m, uuid, in); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) cancel(uuid string) {
	e.t.Helper()
	if _, err := e.app.CancelOrder(context.Background(), e.m.ID, uuid, "x"); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) runOnce(w *delivery.Worker) int {
	e.t.Helper()
	n, err := w.RunOnce(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) callbacks(uuid string) []app.CallbackLog {
	e.t.Helper()
	logs, err := e.app.Callbacks(context.Background(), e.m.ID, uuid)
	if err != nil {
		e.t.Fatal(err)
	}
	return logs
}

func (e *env) logText() string {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	return e.logs.String()
}

// ---- tests

func TestDeliversSignedCallbacksTheMerchantCanVerify(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, e.secret, nil)
	// The merchant's own parameters, one of them encoded, stay first.
	uuid := e.order(rc.srv.URL + "/callback?order_identifier=rRbl1FWZG59o&note=a+b%26c")
	e.pay(uuid)
	e.clock.Add(time.Minute)
	e.refund(uuid, 10_00)
	w := e.worker(delivery.Config{})

	sendAt := t0.Add(2 * time.Minute)
	e.clock.Set(sendAt)
	if n := e.runOnce(w); n != 1 {
		t.Fatalf("first run attempted %d, want 1 (the refund waits for the payment)", n)
	}
	if n := e.runOnce(w); n != 1 {
		t.Fatalf("second run attempted %d, want 1", n)
	}
	if n := e.runOnce(w); n != 0 {
		t.Fatalf("nothing left, attempted %d", n)
	}
	hits := rc.all()
	if len(hits) != 2 {
		t.Fatalf("receiver got %d callbacks, want 2", len(hits))
	}
	wantKeys := "order_identifier,note,orderUuid,status,paymentMethod,amount,createdAt,timestamp,checksum"
	for i, wantStatus := range []string{"PAID", "PARTIALLY REFUNDED"} {
		h := hits[i]
		if !h.verified {
			t.Fatalf("callback %d fails the PHP verification: %s", i, h.rawQuery)
		}
		if got := strings.Join(h.keys, ","); got != wantKeys {
			t.Fatalf("parameter order %s, want %s", got, wantKeys)
		}
		if i := strings.LastIndex(h.rawQuery, "&checksum="); i < 0 || strings.Contains(h.rawQuery[i+1:], "&") {
			t.Fatalf("checksum is not last: %s", h.rawQuery)
		}
		g := h.get
		if g["order_identifier"] != "rRbl1FWZG59o" || g["note"] != "a b&c" || g["orderUuid"] != uuid || g["status"] != wantStatus ||
			g["paymentMethod"] != "visa" || g["amount"] != "150" || g["createdAt"] != strconv.FormatInt(t0.Unix(), 10) ||
			g["timestamp"] != strconv.FormatInt(sendAt.Unix(), 10) {
			t.Fatalf("callback %d parameters = %v", i, g)
		}
		if err := client.VerifyCallback(h.rawQuery, e.secret); err != nil {
			t.Fatalf("client.VerifyCallback: %v", err)
		}
		if ok, _ := phpVerify(h.rawQuery, e.secret+"x"); ok {
			t.Fatal("verifies with a wrong secret")
		}
	}
	logs := e.callbacks(uuid)
	if len(logs) != 2 {
		t.Fatalf("log has %d callbacks", len(logs))
	}
	for _, l := range logs {
		if l.State != store.CallbackDelivered || len(l.Attempts) != 1 || l.DeliveredAt == nil || !l.DeliveredAt.Equal(sendAt) {
			t.Fatalf("callback %d: %+v", l.ID, l.CallbackDelivery)
		}
		a := l.Attempts[0]
		if a.Attempt != 1 || a.StatusCode != 200 || a.Outcome != store.CallbackDelivered || a.Error != "" || a.NextAttemptAt != nil ||
			!a.AttemptedAt.Equal(sendAt) || !strings.Contains(a.URL, "&checksum=") || a.Latency < 0 {
			t.Fatalf("attempt = %+v", a)
		}
		if strings.Contains(a.URL, e.secret) {
			t.Fatal("the attempt log holds the secret")
		}
	}
	if strings.Contains(e.logText(), e.secret) {
		t.Fatal("the secret appears in the logs")
	}
}

// A merchant endpoint that fails a few times: retried on the schedule, logged, and the order's
// later callback waits while other orders go on.
func TestRetriesWithBackoffKeepingOrderPerOrder(t *testing.T) {
	e := newEnv(t)
	var failing string
	rc := newReceiver(t, e.secret, func(n int, get map[string]string, w http.ResponseWriter) bool {
		if get["orderUuid"] == failing && n <= 3 {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return true
		}
		return false
	})
	a := e.order(rc.srv.URL + "/cb")
	b := e.order(rc.srv.URL + "/cb")
	failing = a
	e.pay(a)
	e.refund(a, 10_00)
	e.cancel(b)
	w := e.worker(delivery.Config{})

	// t0: A's PAID fails (1), B's CANCELLED is delivered; A's refund waits.
	if n := e.runOnce(w); n != 2 {
		t.Fatalf("attempted %d, want 2", n)
	}
	// Retries after 10s, 30s, 1m (no jitter in this test).
	for i, wait := range []time.Duration{10 * time.Second, 30 * time.Second, time.Minute} {
		e.clock.Add(wait - time.Millisecond)
		if n := e.runOnce(w); n != 0 {
			t.Fatalf("retry %d came %s early", i+1, time.Millisecond)
		}
		e.clock.Add(time.Millisecond)
		if n := e.runOnce(w); n != 1 {
			t.Fatalf("retry %d: attempted %d, want 1", i+1, n)
		}
	}
	// The 4th attempt succeeded; now the refund goes.
	if n := e.runOnce(w); n != 1 {
		t.Fatalf("the refund callback: attempted %d", n)
	}
	var seq []string
	for _, h := range rc.all() {
		if !h.verified {
			t.Fatalf("unverifiable callback %s", h.rawQuery)
		}
		seq = append(seq, h.get["orderUuid"][len(h.get["orderUuid"])-2:]+":"+h.get["status"])
	}
	sa, sb := a[len(a)-2:], b[len(b)-2:]
	want := []string{sa + ":PAID", sb + ":CANCELLED", sa + ":PAID", sa + ":PAID", sa + ":PAID", sa + ":PARTIALLY REFUNDED"}
	if len(seq) != len(want) {
		t.Fatalf("receiver saw %v, want %v", seq, want)
	}
	// The first two arrive concurrently; after that the order is fixed.
	if !(seq[0] == want[0] && seq[1] == want[1] || seq[0] == want[1] && seq[1] == want[0]) || strings.Join(seq[2:], " ") != strings.Join(want[2:], " ") {
		t.Fatalf("receiver saw %v, want %v", seq, want)
	}

	logs := e.callbacks(a)
	paid := logs[0]
	if paid.Status != "PAID" || paid.State != store.CallbackDelivered || len(paid.Attempts) != 4 {
		t.Fatalf("PAID callback: %+v with %d attempts", paid.CallbackDelivery, len(paid.Attempts))
	}
	at := t0
	for i, wait := range []time.Duration{10 * time.Second, 30 * time.Second, time.Minute} {
		att := paid.Attempts[i]
		if att.Attempt != i+1 || att.StatusCode != 503 || att.Outcome != store.CallbackPending || !att.AttemptedAt.Equal(at) ||
			att.NextAttemptAt == nil || !att.NextAttemptAt.Equal(at.Add(wait)) || !strings.Contains(att.Error, "HTTP 503") {
			t.Fatalf("attempt %d = %+v", i+1, att)
		}
		at = at.Add(wait)
	}
	if last := paid.Attempts[3]; last.StatusCode != 200 || last.Outcome != store.CallbackDelivered || !last.AttemptedAt.Equal(at) {
		t.Fatalf("last attempt = %+v", last)
	}
	if refund := logs[1]; refund.State != store.CallbackDelivered || len(refund.Attempts) != 1 || !refund.Attempts[0].AttemptedAt.Equal(at) {
		t.Fatalf("refund callback = %+v", refund)
	}
	if strings.Contains(e.logText(), e.secret) {
		t.Fatal("the secret appears in the logs")
	}
}

func TestTimeoutRedirectAndRefusedConnectionAreFailures(t *testing.T) {
	e := newEnv(t)
	var target int
	var tmu sync.Mutex
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tmu.Lock()
		target++
		tmu.Unlock()
	}))
	defer elsewhere.Close()
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-time.After(5 * time.Second):
		}
	}))
	defer slow.Close()
	defer close(release)
	redirect := httptest.NewServer(http.RedirectHandler(elsewhere.URL+"/cb", http.StatusFound))
	defer redirect.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String() + "/cb"
	ln.Close()

	cases := map[string]struct {
		uuid, wantErr string
		wantCode      int
	}{
		"timeout":  {uuid: e.order(slow.URL + "/cb"), wantErr: "timeout"},
		"redirect": {uuid: e.order(redirect.URL + "/cb"), wantErr: "redirects are not followed", wantCode: 302},
		"refused":  {uuid: e.order(refused), wantErr: "refused"},
	}
	for _, c := range cases {
		e.cancel(c.uuid)
	}
	w := e.worker(delivery.Config{Timeout: 200 * time.Millisecond})
	start := time.Now()
	if n := e.runOnce(w); n != 3 {
		t.Fatalf("attempted %d", n)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("the attempt timeout was not applied: took %s", took)
	}
	for name, c := range cases {
		l := e.callbacks(c.uuid)[0]
		a := l.Attempts[0]
		if l.State != store.CallbackPending || a.Outcome != store.CallbackPending || a.StatusCode != c.wantCode ||
			!strings.Contains(a.Error, c.wantErr) || a.NextAttemptAt == nil || !a.NextAttemptAt.Equal(t0.Add(10*time.Second)) {
			t.Errorf("%s: state %s, attempt %+v", name, l.State, a)
		}
		if strings.Contains(a.Error, "/cb") {
			t.Errorf("%s: error text quotes the URL: %s", name, a.Error)
		}
	}
	tmu.Lock()
	defer tmu.Unlock()
	if target != 0 {
		t.Fatal("the redirect was followed")
	}
}

// A callback that never gets through is retried for 24 hours, then failed; a replay sends it
// again when the merchant has fixed the endpoint.
func TestFailsAfter24HoursAndReplayRedelivers(t *testing.T) {
	e := newEnv(t)
	var mu sync.Mutex
	up := false
	rc := newReceiver(t, e.secret, func(n int, get map[string]string, w http.ResponseWriter) bool {
		mu.Lock()
		defer mu.Unlock()
		if !up {
			http.Error(w, "nope", 500)
			return true
		}
		return false
	})
	uuid := e.order(rc.srv.URL + "/cb")
	e.cancel(uuid)
	w := e.worker(delivery.Config{})
	attempts := 0
	for {
		l := e.callbacks(uuid)[0]
		if l.State != store.CallbackPending {
			break
		}
		e.clock.Set(l.NextAttemptAt)
		attempts += e.runOnce(w)
		if attempts > 50 {
			t.Fatal("never gave up")
		}
	}
	l := e.callbacks(uuid)[0]
	if l.State != store.CallbackFailed || len(l.Attempts) != attempts || attempts < 15 || attempts > 25 {
		t.Fatalf("state %s after %d attempts (%d logged)", l.State, attempts, len(l.Attempts))
	}
	last := l.Attempts[len(l.Attempts)-1]
	if !last.AttemptedAt.Equal(t0.Add(24*time.Hour)) || last.Outcome != store.CallbackFailed || !strings.Contains(last.Error, "giving up") {
		t.Fatalf("last attempt = %+v", last)
	}
	if !strings.Contains(e.logText(), "callback failed, no more retries") {
		t.Fatal("giving up is not logged")
	}

	// The merchant fixes the endpoint and asks for a replay.
	mu.Lock()
	up = true
	mu.Unlock()
	e.clock.Add(time.Hour)
	replayed, err := e.app.ReplayCallback(context.Background(), e.m.ID, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if replayed.State != store.CallbackPending || replayed.Replays != 1 {
		t.Fatalf("replayed = %+v", replayed.CallbackDelivery)
	}
	if _, err := e.app.ReplayCallback(context.Background(), "ORG0000000000", l.ID); err == nil {
		t.Fatal("another merchant replayed the callback")
	}
	if n := e.runOnce(w); n != 1 {
		t.Fatalf("replay attempted %d", n)
	}
	l = e.callbacks(uuid)[0]
	if l.State != store.CallbackDelivered || len(l.Attempts) != attempts+1 || l.Attempts[attempts].Attempt != 1 {
		t.Fatalf("after replay: %s with %d attempts", l.State, len(l.Attempts))
	}
	hits := rc.all()
	lastHit := hits[len(hits)-1]
	if !lastHit.verified || lastHit.get["status"] != "CANCELLED" || lastHit.get["timestamp"] != strconv.FormatInt(e.clock.Now().Unix(), 10) {
		t.Fatalf("replayed callback = %+v", lastHit)
	}
	// A delivered callback may be replayed too (the merchant lost it).
	if _, err := e.app.ReplayCallback(context.Background(), e.m.ID, l.ID); err != nil {
		t.Fatal(err)
	}
	if n := e.runOnce(w); n != 1 || len(rc.all()) != len(hits)+1 {
		t.Fatal("replay of a delivered callback was not sent")
	}
}

// The loop a server runs: woken by commits, many orders at once, several callbacks per order,
// a flaky endpoint, the scaled-down schedule — every callback arrives, each order's in order.
func TestRunLoopDeliversEverythingInOrderPerOrder(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Now()) // the loop runs in real time
	var mu sync.Mutex
	failedOnce := map[string]bool{}
	rc := newReceiver(t, e.secret, func(n int, get map[string]string, w http.ResponseWriter) bool {
		mu.Lock()
		defer mu.Unlock()
		key := get["orderUuid"] + get["status"]
		if n%3 == 1 && !failedOnce[key] { // every order's 1st, 4th, … request fails once
			failedOnce[key] = true
			http.Error(w, "flaky", 502)
			return true
		}
		return false
	})
	w := delivery.New(delivery.Config{Store: e.db, Clock: clock.Real{}, Log: e.log, Schedule: delivery.DefaultSchedule().Scaled(0.002),
		Concurrency: 8, PollInterval: 50 * time.Millisecond})
	e.app.Clock = clock.Real{}
	e.app.Notify = w.Wake
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()

	const orders = 20
	var uuids []string
	for i := range orders {
		u := e.order(rc.srv.URL + "/cb?shop=" + strconv.Itoa(i))
		uuids = append(uuids, u)
	}
	for i, u := range uuids {
		if i%2 == 0 {
			e.cancel(u)
			continue
		}
		e.pay(u)
		e.refund(u, 10_00)
		e.refund(u, 20_00)
	}
	wantSeq := func(i int) []string {
		if i%2 == 0 {
			return []string{"CANCELLED"}
		}
		return []string{"PAID", "PARTIALLY REFUNDED", "PARTIALLY REFUNDED"}
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		pending := 0
		for _, u := range uuids {
			for _, l := range e.callbacks(u) {
				if l.State != store.CallbackDelivered {
					pending++
				}
			}
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d callbacks still not delivered", pending)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done

	got := map[string][]string{}
	for _, h := range rc.all() {
		if !h.verified {
			t.Fatalf("unverifiable callback %s", h.rawQuery)
		}
		u := h.get["orderUuid"]
		got[u] = append(got[u], h.get["status"])
	}
	for i, u := range uuids {
		// Retries repeat a callback (at least once); the order must hold.
		if seq := got[u]; !isOrderedWithRepeats(seq, wantSeq(i)) {
			t.Errorf("order %s received %v, want %v (repeats allowed)", u, got[u], wantSeq(i))
		}
	}
}

// isOrderedWithRepeats: got is want with each element repeated one or more times, in order.
// Identical neighbours in want (two partial refunds) may each repeat too.
func isOrderedWithRepeats(got, want []string) bool {
	n, m := len(got), len(want)
	if m == 0 {
		return n == 0
	}
	// ok[i][j]: got[:i] matches want[:j] with want[j-1] being the current element.
	ok := make([][]bool, n+1)
	for i := range ok {
		ok[i] = make([]bool, m+1)
	}
	ok[0][0] = true
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			if got[i-1] != want[j-1] {
				continue
			}
			ok[i][j] = ok[i-1][j-1] || ok[i-1][j]
		}
	}
	return ok[n][m]
}

// Stopping the loop waits for the attempt in flight and records it.
func TestGracefulStopFinishesTheAttemptInFlight(t *testing.T) {
	e := newEnv(t)
	started := make(chan struct{}, 1)
	rc := newReceiver(t, e.secret, func(n int, get map[string]string, w http.ResponseWriter) bool {
		started <- struct{}{}
		time.Sleep(300 * time.Millisecond)
		return false
	})
	uuid := e.order(rc.srv.URL + "/cb")
	e.cancel(uuid)
	w := e.worker(delivery.Config{PollInterval: 10 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("callback never sent")
	}
	cancel()
	<-done
	if l := e.callbacks(uuid)[0]; l.State != store.CallbackDelivered || len(l.Attempts) != 1 {
		t.Fatalf("after a graceful stop: %s, %d attempts", l.State, len(l.Attempts))
	}
}

// A claimed callback whose worker died is claimed again when its lease runs out.
func TestLeaseOfADeadWorkerRunsOut(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, e.secret, nil)
	uuid := e.order(rc.srv.URL + "/cb")
	e.cancel(uuid)
	// A worker claims the callback and dies before sending it.
	if err := e.db.Write(context.Background(), func(tx store.Tx) error {
		_, err := tx.ClaimCallbacks(e.clock.Now(), 20*time.Second, 10)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	w := e.worker(delivery.Config{})
	if n := e.runOnce(w); n != 0 {
		t.Fatal("claimed a callback under another worker's lease")
	}
	e.clock.Add(20 * time.Second)
	if n := e.runOnce(w); n != 1 || len(rc.all()) != 1 {
		t.Fatal("the callback was not sent after the lease ran out")
	}
	if l := e.callbacks(uuid)[0]; l.State != store.CallbackDelivered || l.Attempts[0].Attempt != 2 {
		t.Fatalf("after the lease: %+v", l)
	}
}

// ---- production mode: https only, public addresses only, checked when connecting

func TestProductionRefusesLocalAndPlainHTTPDestinations(t *testing.T) {
	e := newEnv(t)
	var hits int
	var mu sync.Mutex
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
	}))
	defer tlsSrv.Close()
	port := tlsSrv.Listener.Addr().(*net.TCPAddr).Port

	// Orders made in sandbox mode, delivered by a production worker (e.g. a database moved over):
	// the worker applies the rules itself.
	urls := map[string]string{
		"http":           fmt.Sprintf("http://example.com:%d/cb", port),
		"loopback ip":    fmt.Sprintf("https://127.0.0.1:%d/cb", port),
		"localhost":      fmt.Sprintf("https://localhost:%d/cb", port),
		"private ip":     fmt.Sprintf("https://10.0.0.1:%d/cb", port),
		"metadata":       "https://169.254.169.254/latest/meta-data",
		"ipv6 loopback":  fmt.Sprintf("https://[::1]:%d/cb", port),
		"hex ip in name": fmt.Sprintf("https://0x7f000001:%d/cb", port),
	}
	uuids := map[string]string{}
	for name, u := range urls {
		uuids[name] = e.order(u)
		e.cancel(uuids[name])
	}
	// A name that passes the URL check but resolves to loopback (here from /etc/hosts): only
	// the connect-time check can refuse it — the DNS-rebinding case.
	var sneaky string
	for _, name := range candidateLoopbackNames() {
		if callback.CheckDestination(fmt.Sprintf("https://%s:%d/", name, port), true) != nil {
			continue
		}
		if addrs, err := net.LookupHost(name); err == nil && len(addrs) > 0 && isLoopback(addrs) {
			sneaky = name
			break
		}
	}
	if sneaky != "" {
		uuids["dns to loopback"] = e.order(fmt.Sprintf("https://%s:%d/cb", sneaky, port))
		e.cancel(uuids["dns to loopback"])
	} else {
		t.Log("no host name resolving to loopback found; the connect-time case is not exercised")
	}

	w := e.worker(delivery.Config{Production: true, Timeout: 2 * time.Second})
	if n := e.runOnce(w); n != len(uuids) {
		t.Fatalf("attempted %d, want %d", n, len(uuids))
	}
	for name, uuid := range uuids {
		l := e.callbacks(uuid)[0]
		a := l.Attempts[0]
		if a.StatusCode != 0 || a.Outcome == store.CallbackDelivered || a.Error == "" {
			t.Errorf("%s: %+v", name, a)
			continue
		}
		if name == "dns to loopback" {
			// Refused when connecting: DNS may answer otherwise later, so it is retried.
			if !strings.Contains(a.Error, "refused at connect time") || l.State != store.CallbackPending {
				t.Errorf("%s: state %s, error %q", name, l.State, a.Error)
			}
			continue
		}
		// Refused before sending: no retry can fix the URL.
		if !strings.Contains(a.Error, "refused before sending") || l.State != store.CallbackFailed {
			t.Errorf("%s: state %s, error %q", name, l.State, a.Error)
		}
		if name == "http" && !strings.Contains(a.Error, "https") {
			t.Errorf("http: error %q does not say https is required", a.Error)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if hits != 0 {
		t.Fatalf("the local server was reached %d times", hits)
	}
}

func candidateLoopbackNames() []string {
	names := []string{"ip6-localhost", "ip6-loopback"}
	if h, err := os.Hostname(); err == nil && h != "" {
		names = append([]string{h}, names...)
	}
	return names
}

func isLoopback(addrs []string) bool {
	for _, a := range addrs {
		ip := net.ParseIP(a)
		if ip == nil || !ip.IsLoopback() {
			return false
		}
	}
	return true
}

// In sandbox mode, http and localhost are fine.
func TestSandboxAllowsHTTPToLocalhost(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, e.secret, nil)
	u := strings.Replace(rc.srv.URL, "127.0.0.1", "localhost", 1)
	uuid := e.order(u + "/cb")
	e.cancel(uuid)
	w := e.worker(delivery.Config{})
	e.runOnce(w)
	if l := e.callbacks(uuid)[0]; l.State != store.CallbackDelivered {
		t.Fatalf("sandbox delivery to %s: %+v", u, l.Attempts)
	}
}

// Order creation in production refuses callback URLs the worker could never call.
func TestProductionOrderCreationChecksTheCallbackURL(t *testing.T) {
	e := newEnv(t)
	e.app.Sandbox = false
	for url, want := range map[string]string{
		"http://shop.example/cb":       "The callback.callback url must be a valid https URL.",
		"ftp://shop.example/cb":        "The callback.callback url must be a valid https URL.",
		"https://127.0.0.1/cb":         "The callback.callback url must point to a public host.",
		"https://localhost:8443/cb":    "The callback.callback url must point to a public host.",
		"https://192.168.1.10/cb":      "The callback.callback url must point to a public host.",
		"https://[fe80::1]/cb":         "The callback.callback url must point to a public host.",
		"https://169.254.169.254/meta": "The callback.callback url must point to a public host.",
	} {
		in := app.OrderInput{
			Type:      domain.TypePaymentLink,
			Lines:     []domain.Line{{Name: "A", Quantity: 1000, Rate: 10_00, Tax: 0, Amount: 10_00}},
			Summary:   domain.Summary{SubTotal: 10_00, GrandTotal: 10_00},
			OrderDate: t0,
			Customer:  &app.CustomerInput{Type: domain.Private, Name: "Kari", CountryCode: "+47", MSISDN: "46567468", Email: "k@example.no"},
			Callbacks: domain.Callbacks{CallbackURL: url},
		}
		_, err := e.app.CreateOrder(context.Background(), e.m, in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", url, err, want)
		}
	}
	in := app.OrderInput{
		Type: domain.TypePaymentLink, Lines: []domain.Line{{Name: "A", Quantity: 1000, Rate: 10_00, Amount: 10_00}},
		Summary: domain.Summary{SubTotal: 10_00, GrandTotal: 10_00}, OrderDate: t0,
		Customer:  &app.CustomerInput{Type: domain.Private, Name: "Kari", CountryCode: "+47", MSISDN: "46567468", Email: "k@example.no"},
		Callbacks: domain.Callbacks{CallbackURL: "https://shop.example/cb?x=1"},
	}
	if _, err := e.app.CreateOrder(context.Background(), e.m, in); err != nil {
		t.Fatalf("public https URL refused: %v", err)
	}
}

// Two nodes on one database share the queue: every callback is delivered, none twice (no node
// dies here, so no lease runs out), and each order's callbacks stay in order. PostgreSQL when
// FPGO_TEST_POSTGRES_URL is set, otherwise two handles on one SQLite file.
func TestTwoNodesShareTheQueue(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "shared.db")
	if os.Getenv(pgtest.EnvVar) != "" {
		dsn = pgtest.URL(t)
	}
	open := func() *sqlstore.DB {
		db, err := sqlstore.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	dbA, dbB := open(), open()
	a := app.New(dbA, clock.Real{}, nil, "http://fpgo.test", true)
	creds, err := a.CreateMerchant(context.Background(), app.NewMerchant{Name: "Shop", Settings: domain.DefaultMerchantSettings()})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := a.Authenticate(context.Background(), creds.Token)
	rc := newReceiver(t, creds.CallbackSecret, nil)
	e := &env{t: t, app: a, m: m}

	const orders = 15
	var uuids []string
	for i := range orders {
		u := e.order(rc.srv.URL + "/cb")
		uuids = append(uuids, u)
		if i%3 == 0 {
			e.cancel(u)
			continue
		}
		e.pay(u)
		e.refund(u, 10_00)
	}
	want := 0
	for i := range orders {
		if i%3 == 0 {
			want++
		} else {
			want += 2
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, db := range []*sqlstore.DB{dbA, dbB} {
		w := delivery.New(delivery.Config{Store: db, Clock: clock.Real{}, Concurrency: 4, PollInterval: 10 * time.Millisecond})
		wg.Go(func() { w.Run(ctx) })
	}
	deadline := time.Now().Add(15 * time.Second)
	for len(rc.all()) < want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // a duplicate, if any, would arrive now
	cancel()
	wg.Wait()
	hits := rc.all()
	if len(hits) != want {
		t.Fatalf("receiver got %d callbacks, want exactly %d", len(hits), want)
	}
	seen := map[string][]string{}
	for _, h := range hits {
		if !h.verified {
			t.Fatalf("unverifiable %s", h.rawQuery)
		}
		seen[h.get["orderUuid"]] = append(seen[h.get["orderUuid"]], h.get["status"])
	}
	for i, u := range uuids {
		w := "PAID,PARTIALLY REFUNDED"
		if i%3 == 0 {
			w = "CANCELLED"
		}
		if got := strings.Join(seen[u], ","); got != w {
			t.Errorf("order %s got %s, want %s", u, got, w)
		}
	}
}
