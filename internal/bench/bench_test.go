package bench

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/store/sqlstore"
)

func TestOrderBodyIsTheSeedPaymentLink(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	var body map[string]any
	if err := json.Unmarshal(OrderBody(now, "http://127.0.0.1:9/cb?x=1"), &body); err != nil {
		t.Fatal(err)
	}
	if body["orderDate"] != "1800000000" {
		t.Errorf("orderDate = %v", body["orderDate"])
	}
	products := body["products"].([]any)
	if len(products) != 1 || products[0].(map[string]any)["amount"].(float64) != 51 {
		t.Errorf("products = %v", products)
	}
	if gt := body["orderSummary"].(map[string]any)["grandTotal"]; gt != "51.00" {
		t.Errorf("grandTotal = %v", gt)
	}
	if cb := body["callback"].(map[string]any)["callbackUrl"]; cb != "http://127.0.0.1:9/cb?x=1" {
		t.Errorf("callbackUrl = %v", cb)
	}
	if err := json.Unmarshal(OrderBody(now, ""), &body); err != nil {
		t.Fatal(err)
	}
}

// fakeAPI answers creates with a new uuid and remembers each Idempotency-Key.
type fakeAPI struct {
	mu   sync.Mutex
	keys map[string]int
	n    int
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer tok" {
		w.WriteHeader(401)
		return
	}
	f.mu.Lock()
	if r.Method == http.MethodPost {
		f.keys[r.Header.Get("Idempotency-Key")]++
	}
	f.n++
	n := f.n
	f.mu.Unlock()
	switch {
	case strings.HasSuffix(r.URL.Path, "/payment-link/create"):
		w.WriteHeader(201)
		json.NewEncoder(w).Encode(map[string]any{"status_code": 201, "data": map[string]string{"uuid": "ODR" + strings.Repeat("0", 9) + string(rune('0'+n%10)), "customerUuid": "CSRT1"}})
	case strings.Contains(r.URL.Path, "/orders/details/"):
		w.Write([]byte(`{"status_code":200,"data":{"productList":[{"id":77,"name":"Hair Wash"}]}}`))
	case strings.Contains(r.URL.Path, "/orders/status/ODRLOST"):
		w.WriteHeader(404)
	case strings.Contains(r.URL.Path, "/orders/status/ODRFLAKY"):
		w.WriteHeader(503)
	default:
		w.Write([]byte(`{"status_code":200}`))
	}
}

func TestClientRequests(t *testing.T) {
	f := &fakeAPI{keys: map[string]int{}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	c := NewClient(srv.URL, "tok", 4)
	defer c.Close()
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		res := c.CreateOrder(ctx, "")
		if !res.OK() || !strings.HasPrefix(res.UUID, "ODR") {
			t.Fatalf("create: %+v", res)
		}
	}
	if res, ids := c.LineIDs(ctx, "ODR1"); !res.OK() || len(ids) != 1 || ids[0] != 77 {
		t.Errorf("line ids: %+v %v", res, ids)
	}
	if res := c.Status(ctx, "ODRLOST"); res.OK() || res.Status != 404 || res.Cause() != "404" {
		t.Errorf("status of a missing order: %+v", res)
	}
	if len(f.keys) != 5 {
		t.Errorf("Idempotency-Keys: %v; every create needs its own", f.keys)
	}
	for k, n := range f.keys {
		if k == "" || n != 1 {
			t.Errorf("key %q used %d times", k, n)
		}
	}
	bad := NewClient(srv.URL, "wrong", 1)
	defer bad.Close()
	if res := bad.CreateOrder(ctx, ""); res.OK() || res.Status != 401 || res.Err == nil {
		t.Errorf("wrong token: %+v", res)
	}
}

func TestVerifyOrdersCounts(t *testing.T) {
	srv := httptest.NewServer(&fakeAPI{keys: map[string]int{}})
	defer srv.Close()
	c := NewClient(srv.URL, "tok", 4)
	defer c.Close()
	old := verifyBackoff
	verifyBackoff = 0
	defer func() { verifyBackoff = old }()
	found, lost, unverified := verifyOrders(context.Background(), c, []string{"ODR1", "ODR2", "ODRLOST", "ODR3", "ODRFLAKY"}, 3)
	if found != 3 || len(lost) != 1 || lost[0] != "ODRLOST" || unverified != 1 {
		t.Errorf("found %d, lost %v, unverified %d", found, lost, unverified)
	}
}

func TestPgbenchScriptHasNoStrayVariables(t *testing.T) {
	script := pgbenchScript(RowShape{OrgID: "ORG1", Doc: `{"a":true,"b":null,"note":"it's","t":"10:00"}`})
	for _, line := range strings.Split(script, "\n") {
		if strings.HasPrefix(line, `\set`) || line == "" {
			continue
		}
		// The only pgbench variable is :zzoid; every other colon must not start a name.
		rest := strings.ReplaceAll(strings.ReplaceAll(line, ":zzoid", ""), "::", "")
		if colonLetter.MatchString(rest) {
			t.Errorf("stray variable in %q", line)
		}
	}
	if !strings.Contains(script, `"note": "it''s"`) && !strings.Contains(script, `"note":"it''s"`) {
		t.Errorf("quote not escaped:\n%s", script)
	}
	if strings.Count(script, "INSERT INTO") != 3 || !strings.Contains(script, "BEGIN;") || !strings.Contains(script, "END;") {
		t.Errorf("not one 3-insert transaction:\n%s", script)
	}
	out := "transaction type: x\nnumber of transactions actually processed: 12345\ntps = 617.250000 (without initial connection time)\n"
	if m := tpsLine.FindStringSubmatch(out); m == nil || m[1] != "617.250000" {
		t.Errorf("tps not parsed: %v", m)
	}
	if m := processedLine.FindStringSubmatch(out); m == nil || m[1] != "12345" {
		t.Errorf("processed not parsed: %v", m)
	}
	// pgbench runs with the server's planner setting: libpq takes it in options, not as a URL parameter.
	for base, mode := range map[string]string{
		"postgres://postgres@127.0.0.1:5432/test?sslmode=disable&search_path=x":                      "force_custom_plan",
		"postgres://postgres@127.0.0.1:5432/test?sslmode=disable&search_path=x&plan_cache_mode=auto": "auto",
	} {
		u, err := libpqURL(base, "fpgo_b")
		want := "options=-csearch_path%3Dfpgo_b%20-cplan_cache_mode%3D" + mode
		if err != nil || strings.Contains(u, "search_path=x") || strings.Contains(u, "&plan_cache_mode") || !strings.Contains(u, want) {
			t.Errorf("libpq URL %q (%v), want %s", u, err, want)
		}
	}
}

// A baseline given a count it cannot reach in its limit stops at the limit; one without a count
// runs for its limit.
func TestSQLiteBaselineStopsAtItsLimit(t *testing.T) {
	ctx := context.Background()
	for _, run := range []BaselineRun{{Count: 1 << 30, Limit: 100 * time.Millisecond}, {Limit: 100 * time.Millisecond}} {
		path := filepath.Join(t.TempDir(), "baseline.db")
		if err := PrepareBaselineDB(ctx, path); err != nil {
			t.Fatal(err)
		}
		res, err := RunBaseline(ctx, path, RowShape{}, 4, run)
		if err != nil {
			t.Fatal(err)
		}
		if res.Transactions == 0 || res.Transactions >= 1<<30 || res.Elapsed < run.Limit || res.Elapsed > run.Limit+5*time.Second {
			t.Errorf("%+v: %d transactions in %s", run, res.Transactions, res.Elapsed)
		}
	}
}

func TestPgbenchArgsCountPerClient(t *testing.T) {
	cases := []struct {
		run  BaselineRun
		want string
	}{
		{BaselineRun{Count: 64, Limit: time.Minute}, "-t 2"},
		{BaselineRun{Count: 65, Limit: time.Minute}, "-t 3"}, // rounded up: at least the count
		{BaselineRun{Count: 1, Limit: time.Minute}, "-t 1"},
		{BaselineRun{Limit: 20 * time.Second}, "-T 20"},
		{BaselineRun{Limit: 100 * time.Millisecond}, "-T 1"},
	}
	for _, c := range cases {
		got := strings.Join(pgbenchArgs("s.sql", "postgres://x", 32, 2, c.run), " ")
		if !strings.Contains(got, " "+c.want+" ") || !strings.HasPrefix(got, "-n -M prepared -f s.sql -c 32 -j 2 ") || !strings.HasSuffix(got, " postgres://x") {
			t.Errorf("%+v: args %q, want %q in them", c.run, got, c.want)
		}
	}
}

// The baseline's count is what it committed: one orders, one order_lines and one
// callback_events row per counted transaction.
func TestSQLiteBaselineCountsCommittedTransactions(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "baseline.db")
	if err := PrepareBaselineDB(ctx, path); err != nil {
		t.Fatal(err)
	}
	const want = 57 // not a multiple of the client count
	res, err := RunBaseline(ctx, path, RowShape{}, 4, BaselineRun{Count: want, Limit: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if res.Transactions != want || res.Errors != 0 {
		t.Fatalf("baseline committed %d transactions (%d errors), want %d: %+v", res.Transactions, res.Errors, want, res)
	}
	db, err := sql.Open("sqlite", SQLiteBaselineDSN(path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, table := range []string{"orders", "order_lines", "callback_events"} {
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != res.Transactions {
			t.Errorf("%s has %d rows, baseline counted %d transactions", table, n, res.Transactions)
		}
	}
	// The lines carry their order's creation time, as the store's do (migration 00008).
	var unkeyed int
	if err := db.QueryRow(`SELECT COUNT(*) FROM order_lines l JOIN orders o ON o.uuid = l.order_uuid WHERE l.order_created <> o.created_at`).Scan(&unkeyed); err != nil || unkeyed != 0 {
		t.Errorf("%d lines without their order's time (%v)", unkeyed, err)
	}
	var mode string
	if err := db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q (%v)", mode, err)
	}
	var sync int
	if err := db.QueryRow(`PRAGMA synchronous`).Scan(&sync); err != nil || sync != 2 {
		t.Errorf("synchronous = %d (%v), want 2 (FULL)", sync, err)
	}
}

func TestProbeFsync(t *testing.T) {
	p, err := ProbeFsync(t.TempDir(), 5)
	if err != nil {
		t.Fatal(err)
	}
	if p.Samples != 5 || p.MedianMicros <= 0 || p.P99Micros < p.MedianMicros {
		t.Errorf("probe: %+v", p)
	}
}

// A whole run on a tiny budget: the in-process server, the workload, the baseline and the
// report fit together. Nothing here is timed.
func TestRunInProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server")
	}
	dir := t.TempDir()
	jsonPath := filepath.Join(dir, "out.json")
	tracePath := filepath.Join(t.TempDir(), "run.trace")
	profPath := filepath.Join(t.TempDir(), "cpu.prof")
	var out bytes.Buffer
	rep, err := Run(context.Background(), Config{
		Workload: WorkloadCallbacks, Clients: 2, Duration: 150 * time.Millisecond, RateOfMax: 0.5,
		Dir: dir, JSON: jsonPath, Trace: tracePath, PProf: profPath, Out: &out,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Main.Requests == 0 || rep.Errors != 0 {
		t.Errorf("main phase: %+v", rep.Main)
	}
	if rep.Baseline == nil || rep.Baseline.Transactions == 0 || rep.Ratio <= 0 {
		t.Errorf("baseline: %+v ratio %v", rep.Baseline, rep.Ratio)
	}
	if rep.OpenLoop == nil || rep.OpenLoop.Mode != "open" {
		t.Errorf("open loop: %+v", rep.OpenLoop)
	}
	if rep.Callbacks == nil || rep.Callbacks.Cancelled == 0 {
		t.Errorf("callbacks: %+v", rep.Callbacks)
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m["workload"] != "callbacks" || m["ratio"] == nil {
		t.Errorf("JSON: %s", b)
	}
	if !strings.Contains(out.String(), "ratio server/baseline") {
		t.Errorf("table:\n%s", out.String())
	}
	if tr, err := os.ReadFile(tracePath); err != nil || !bytes.HasPrefix(tr, []byte("go 1.")) {
		t.Errorf("execution trace: %d bytes, err %v", len(tr), err)
	}
	if prof, err := os.ReadFile(profPath); err != nil || !bytes.HasPrefix(prof, []byte{0x1f, 0x8b}) {
		t.Errorf("CPU profile (gzipped protobuf): %d bytes, err %v", len(prof), err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "fpgo-bench-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestWriterBetweenDerivesPerWriteFigures(t *testing.T) {
	a := sqlstore.WriterStats{Batches: 10, Writes: 50, Busy: time.Second, RunningWrites: 300 * time.Millisecond, Commit: 500 * time.Millisecond,
		Checkpoints: 7, WriterCheckpoints: 1, WriterCheckpointing: 3 * time.Millisecond}
	b := sqlstore.WriterStats{Batches: 110, Writes: 850, Redone: 2, Busy: 2500 * time.Millisecond, RunningWrites: 380 * time.Millisecond, Commit: 660 * time.Millisecond,
		Checkpoints: 407, WriterCheckpoints: 13, WriterCheckpointing: 45500 * time.Microsecond}
	r := writerBetween(a, b, 2*time.Second)
	want := WriterReport{Commits: 100, Writes: 800, WritesPerCommit: 8, Redone: 2, BusyFraction: 0.75, RunningMicrosPerWrite: 100, CommitMicrosPerWrite: 200,
		Checkpoints: 400, WriterCheckpoints: 12, WriterCheckpointMs: 42.5}
	if r == nil || *r != want {
		t.Fatalf("got %+v, want %+v", r, want)
	}
	var out strings.Builder
	r.write(&out, "closed 32 clients")
	if got := out.String(); got != "group commit during closed 32 clients: 8.0 writes per commit (100 commits); the writer busy 75% of the time, per write 100 µs running it and 200 µs in COMMIT; 400 checkpoints beside it and 12 by the writer itself (42.5 ms); 2 batches run again after a failed write\n" {
		t.Errorf("line %q", got)
	}
	// PostgreSQL reports no writer time; a phase without commits reports nothing.
	pg := writerBetween(sqlstore.WriterStats{Batches: 1, Writes: 1}, sqlstore.WriterStats{Batches: 3, Writes: 9}, time.Second)
	if pg == nil || pg.WritesPerCommit != 4 || pg.BusyFraction != 0 {
		t.Errorf("postgres: %+v", pg)
	}
	out.Reset()
	(&WriterReport{Commits: 1, Writes: 3, WritesPerCommit: 3, Redone: 1}).write(&out, "p")
	if got := out.String(); got != "group commit during p: 3.0 writes per commit (1 commits); 1 batch run again after a failed write\n" {
		t.Errorf("line %q", got)
	}
	if r := writerBetween(b, b, time.Second); r != nil {
		t.Errorf("no commits: %+v, want nil", r)
	}
}

// A running server that rate-limits the bench's merchant gets an answer saying why and what to
// do, whether it refuses the first request or later ones; the local disk's writes are not
// reported, as the server's database may be elsewhere.
func TestRunExternalExplainsTheRateLimit(t *testing.T) {
	run := func(t *testing.T, allowed int64) (*Report, string, error) {
		var creates atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/healthz" {
				w.WriteHeader(http.StatusOK)
				return
			}
			if creates.Add(1) <= allowed {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusCreated)
				fmt.Fprint(w, `{"data":{"uuid":"ODR1234567890"}}`)
				return
			}
			w.Header().Set("Retry-After", "60")
			w.WriteHeader(http.StatusTooManyRequests)
		}))
		defer srv.Close()
		var out bytes.Buffer
		rep, err := Run(context.Background(), Config{
			Workload: WorkloadCreate, Clients: 2, Duration: 100 * time.Millisecond,
			URL: srv.URL, Token: "fpgo_test", Dir: t.TempDir(), Out: &out,
		})
		return rep, out.String(), err
	}
	t.Run("the first request", func(t *testing.T) {
		_, _, err := run(t, 0)
		if err == nil || !strings.Contains(err.Error(), "rate limit") || !strings.Contains(err.Error(), rateLimitHint) {
			t.Errorf("error %v, want one naming the rate limit and %q", err, rateLimitHint)
		}
	})
	t.Run("during the run", func(t *testing.T) {
		rep, table, err := run(t, 1)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Errors == 0 || rep.ErrorsBy["429"] != rep.Errors {
			t.Fatalf("errors: %d %v", rep.Errors, rep.ErrorsBy)
		}
		want := fmt.Sprintf("%d requests were refused by the merchant's rate limit (429): %s", rep.Errors, rateLimitHint)
		if !slices.Contains(rep.Notes, want) || !strings.Contains(table, want) {
			t.Errorf("notes %q, table:\n%s\nwant %q", rep.Notes, table, want)
		}
		if rep.Machine.Disk != "" || rep.Main.CPU != nil && rep.Main.CPU.DeviceWriteMBPerSecond != 0 {
			t.Errorf("an external server's disk was reported: %q %+v", rep.Machine.Disk, rep.Main.CPU)
		}
	})
}
