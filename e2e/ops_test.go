package e2e

import (
	"bufio"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRateLimit: the merchant's per-minute limit, its headers and the 429.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	m := s.newMerchant(t, "Slow Shop", "--rate-limit", "5")
	for i := 1; i <= 5; i++ {
		r := s.Do(t, "GET", api("orders/status"), m.Token, nil)
		if r.Status != 200 {
			t.Fatalf("request %d: %s", i, r)
		}
		if got := r.Header.Get("X-RateLimit-Limit"); got != "5" {
			t.Fatalf("request %d: X-RateLimit-Limit %q, want 5", i, got)
		}
		if got := r.Header.Get("X-RateLimit-Remaining"); got != strconv.Itoa(5-i) {
			t.Fatalf("request %d: X-RateLimit-Remaining %q, want %d", i, got, 5-i)
		}
	}
	r := s.Do(t, "POST", api("orders/payment-link/create"), m.Token, paymentLink())
	expectErr(t, r, 429, "Too Many Requests", r.Str("message"))
	retry, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || retry < 1 || retry > 60 {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	if r.Header.Get("X-RateLimit-Limit") != "5" || r.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("429 headers: %v", r.Header)
	}
	// The refused create created nothing, and other merchants are not limited by it.
	expectOK(t, s.Do(t, "GET", api("orders/status"), s.Token, nil), 200, "Order Status Retrieved Successfully", true)
	if got := s.Do(t, "GET", api("orders/status"), s.Token, nil).Header.Get("X-RateLimit-Limit"); got != "240" {
		t.Fatalf("default X-RateLimit-Limit %q, want 240", got)
	}
	if r := s.Do(t, "GET", api("orders/status"), m.Token, nil); r.Status != 429 {
		t.Fatalf("7th request: %s", r)
	}
	// Health checks are not rate limited.
	for i := 0; i < 3; i++ {
		if r := s.Do(t, "GET", "/healthz", "", nil); r.Status != 200 {
			t.Fatalf("healthz: %s", r)
		}
	}
}

// TestPaymentLinkExpiry: a link past its due date becomes EXPIRED and cannot be cancelled.
func TestPaymentLinkExpiry(t *testing.T) {
	t.Parallel()
	s := startServer(t, withArgs("--sweep-interval", "200ms"))
	tok := s.Token
	due := time.Now().Add(4 * time.Second)
	p := paymentLink()
	set(p, "dueDateForPaymentLink", strconv.FormatInt(due.Unix(), 10))
	uuid, _ := s.create(t, tok, "orders/payment-link/create", p)
	h := hosted()
	set(h, "dueDateForPaymentLink", strconv.FormatInt(due.Unix(), 10)+".5")
	hu, _ := s.create(t, tok, "hosted/orders/payment-link/create", h)
	// A link due at the end of today does not expire now.
	l := paymentLink()
	set(l, "dueDateForPaymentLink", osloToday())
	later, _ := s.create(t, tok, "orders/payment-link/create", l)
	if st := s.status(t, tok, uuid); st != "SENT" {
		t.Fatalf("status before due: %s", st)
	}
	// Touch nothing until the due date has passed: the sweeper (every 200 ms) must expire the link
	// by itself, which its callback event shows (reads would expire it lazily).
	time.Sleep(time.Until(due.Add(1500 * time.Millisecond)))
	if r := s.Do(t, "GET", api("callbacks?orderUuid="+uuid), tok, nil); r.Status == 200 {
		swept := eventually(5*time.Second, func() bool {
			r := s.Do(t, "GET", api("callbacks?orderUuid="+uuid), tok, nil)
			list, _ := r.Get("data").([]any)
			for _, e := range list {
				if m, _ := e.(map[string]any); m != nil && m["status"] == "EXPIRED" {
					return true
				}
			}
			return false
		})
		if !swept {
			t.Errorf("no EXPIRED callback event for %s: the sweeper did not expire it", uuid)
		}
	} else {
		t.Logf("callbacks log not served (%d); the sweeper is checked through reads only", r.Status)
	}
	ok := eventually(15*time.Second, func() bool {
		return s.status(t, tok, uuid) == "EXPIRED" && s.status(t, tok, hu) == "EXPIRED"
	})
	if !ok {
		t.Fatalf("not EXPIRED after the due date: %s, %s", s.status(t, tok, uuid), s.status(t, tok, hu))
	}
	expectConflict(t, s.Do(t, "POST", api("orders/cancel/"+uuid), tok, map[string]any{"cancellationNote": "late"}), "orderStatusAlreadyExpired")
	expectConflict(t, s.Do(t, "POST", api("orders/resend/"+uuid), tok, map[string]any{}), "orderStatusAlreadyExpired")
	up := hosted()
	set(set(up, "fpgoUuid", hu), "orderFrom", "PARTNER")
	expectConflict(t, s.Do(t, "POST", api("hosted/orders/payment-link/create"), tok, up), "orderStatusAlreadyExpired")
	if st := s.status(t, tok, later); st != "SENT" {
		t.Fatalf("a link due at the end of today is %s", st)
	}
	r := s.list(t, tok, "type=expired")
	if len(rows(t, r)) != 2 {
		t.Fatalf("?type=expired: %s", r)
	}
	if st := s.details(t, tok, uuid).Str("data.status"); st != "EXPIRED" {
		t.Fatalf("details status %s", st)
	}
}

// TestOperations: health, request ids in responses and logs, the double-slash path, graceful stop.
func TestOperations(t *testing.T) {
	t.Parallel()
	s := startServer(t, withEnv("FPGO_LOG_FORMAT=json", "FPGO_LOG_LEVEL=debug"))
	tok := s.Token

	r := s.Do(t, "GET", "/healthz", "", nil)
	if r.Status != 200 || r.Header.Get("X-Request-Id") == "" {
		t.Fatalf("healthz: %s %v", r, r.Header)
	}
	r = s.Do(t, "GET", "/readyz", "", nil)
	if r.Status != 200 || r.Header.Get("X-Request-Id") == "" {
		t.Fatalf("readyz: %s", r)
	}
	// Every response carries a request id, and the log line for it names it.
	ids := map[string]int{}
	for _, c := range []struct {
		method, path, token string
		body                any
		status              int
	}{
		{"GET", api("orders/status"), tok, nil, 200},
		{"GET", "/api/v1/connect//orders/status", tok, nil, 200},
		{"POST", api("orders/payment-link/create"), tok, paymentLink(), 201},
		{"POST", api("orders/payment-link/create"), tok, "{", 417},
		{"GET", api("orders/status"), "", nil, 401},
		{"GET", api("orders/details/ODR0000000000"), tok, nil, 404},
		{"GET", "/nope", "", nil, 404},
		{"DELETE", api("orders/status"), tok, nil, 405},
	} {
		r := s.Do(t, c.method, c.path, c.token, c.body)
		if r.Status != c.status {
			t.Fatalf("%s %s: want %d, got %s", c.method, c.path, c.status, r)
		}
		id := r.Header.Get("X-Request-Id")
		if id == "" {
			t.Fatalf("%s %s: no X-Request-Id", c.method, c.path)
		}
		if _, dup := ids[id]; dup {
			t.Fatalf("request id %s given twice", id)
		}
		ids[id] = c.status
	}
	// The double-slash path answers like the single one.
	r = s.Do(t, "GET", "/api/v1/connect//orders/status", tok, nil)
	expectOK(t, r, 200, "Order Status Retrieved Successfully", true)
	if r.Str("metaData.total") != "1" {
		t.Fatalf("double-slash list: %s", r)
	}
	// A client's own request id is echoed.
	r = s.Do(t, "GET", api("orders/status"), tok, nil, "X-Request-Id", "client-chosen-id-42")
	if r.Header.Get("X-Request-Id") != "client-chosen-id-42" {
		t.Fatalf("X-Request-Id %q, want the client's", r.Header.Get("X-Request-Id"))
	}
	ids["client-chosen-id-42"] = 200
	long := strings.Repeat("a", 65)
	if got := s.Do(t, "GET", "/healthz", "", nil, "X-Request-Id", long).Header.Get("X-Request-Id"); got == long || got == "" {
		t.Fatalf("an over-long client request id was echoed (%q)", got)
	}

	// JSON log lines (FPGO_LOG_FORMAT=json) carry request_id and the status.
	found := map[string]bool{}
	if !eventually(5*time.Second, func() bool {
		for _, line := range logLines(t, s.Stderr()) {
			if id, _ := line["request_id"].(string); id != "" {
				if want, ok := ids[id]; ok && text(line["status"]) == strconv.Itoa(want) {
					found[id] = true
				}
			}
		}
		return len(found) == len(ids)
	}) {
		t.Fatalf("log lines found for %d of %d request ids %v:\n%s", len(found), len(ids), ids, tail(s.Stderr(), 3000))
	}

	// SIGTERM: exit 0 and a "stopped" line.
	if code := s.Stop(); code != 0 {
		t.Fatalf("exit code %d after SIGTERM", code)
	}
	stopped := false
	for _, line := range logLines(t, s.Stderr()) {
		if line["msg"] == "stopped" {
			stopped = true
		}
	}
	if !stopped {
		t.Fatalf("no stopped line:\n%s", tail(s.Stderr(), 2000))
	}
	if _, err := s.try("GET", "/healthz", "", nil); err == nil {
		t.Fatal("server still answers after it stopped")
	}
}

// logLines parses a JSON log, failing on any line that is not a JSON object.
func logLines(t *testing.T, log string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(log))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON with --log-format json: %q", sc.Text())
		}
		out = append(out, m)
	}
	return out
}

// TestLogsKeepSecrets: after a run full of personal data at debug level, the log holds no bearer
// token, callback secret or full personal number (the harness checks every server's log for
// these too; this test makes sure there is plenty to leak).
func TestLogsKeepSecrets(t *testing.T) {
	t.Parallel()
	s := startServer(t, withArgs("--log-level", "debug"))
	tok := s.Token
	m := s.newMerchant(t, "Second")
	_, cust := s.create(t, tok, "orders/payment-link/create", paymentLink())
	s.create(t, tok, "orders/faktura/create", faktura())
	s.create(t, tok, "orders/invoice/submit", invoiceSubmit())
	s.create(t, m.Token, "orders/invoice/create", invoice())
	s.Do(t, "PUT", api("customers/update/private/"+cust), tok, customerUpdate("Kari"))
	// Failing requests carrying personal data, in bodies, query strings and bad tokens.
	bad := paymentLink()
	set(bad, "customerDetails.email", "nope")
	s.Do(t, "POST", api("orders/payment-link/create"), tok, bad)
	s.Do(t, "POST", api("orders/payment-link/create"), tok, `{"customerDetails":{"personalNumber":"`+pnrKari+`"`)
	s.Do(t, "GET", api("orders/status?type="+pnrKari), tok, nil)
	s.Do(t, "GET", api("orders/status?personalNumber="+pnrZahid), tok, nil)
	s.Do(t, "GET", api("orders/status"), "", nil, "Authorization", "Bearer "+m.Secret)
	s.Do(t, "GET", api("orders/status"), tok+"x", nil)
	s.Do(t, "GET", "/nope?token="+tok, "", nil)
	if code := s.Stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	log := s.Stderr()
	if !strings.Contains(log, "request_id=") {
		t.Fatalf("text log lines lack request_id:\n%s", tail(log, 2000))
	}
	for _, secret := range []string{tok, s.Secret, m.Token, m.Secret, pnrKari, pnrZahid, pnrUpdate} {
		if strings.Contains(log, secret) {
			t.Errorf("log contains %q", redact(secret))
		}
	}
}
