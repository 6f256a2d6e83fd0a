package e2e

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"
)

// TestCLIMerchants covers the demo-merchant banner, `merchant create --json` against the database
// of a running server, `merchant list` and `merchant rotate-token`.
func TestCLIMerchants(t *testing.T) {
	t.Parallel()
	s := startServer(t)

	// First start of an empty sandbox: the banner names the demo merchant's token and secret.
	out := s.Stdout()
	if s.Token == "" || !strings.Contains(out, "bearer token:    fpgo_") {
		t.Fatalf("banner without bearer token:\n%s", out)
	}
	if s.Secret == "" || !strings.Contains(out, "callback secret: ") {
		t.Fatalf("banner without callback secret:\n%s", out)
	}
	if !reOrg.MatchString(s.Org) {
		t.Fatalf("banner names organization %q", s.Org)
	}
	if strings.Contains(s.Stderr(), s.Token) {
		t.Fatal("the banner's token went to the log")
	}
	r := s.Do(t, "GET", api("orders/status"), s.Token, nil)
	expectOK(t, r, 200, "Order Status Retrieved Successfully", true)

	// merchant create --json, several at once, while the server serves requests.
	var wg sync.WaitGroup
	var mu sync.Mutex
	outs := map[string]string{}
	for _, name := range []string{"Shop A", "Shop B", "Shop C"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, e, code := runCLI(t, nil, "merchant", "create", "--name", name, "--json", "--db", s.DB, "--rate-limit", "7")
			if code != 0 {
				t.Errorf("merchant create %s: exit %d: %s", name, code, e)
			}
			mu.Lock()
			outs[name] = o
			mu.Unlock()
		}()
	}
	for i := 0; i < 20; i++ {
		r := s.Do(t, "GET", api("orders/status"), s.Token, nil)
		if r.Status != 200 {
			t.Errorf("request during merchant create: %s", r)
		}
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	creds := map[string]Merchant{}
	for name, o := range outs {
		dec := json.NewDecoder(strings.NewReader(o))
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil {
			t.Fatalf("merchant create %s: stdout is not JSON: %q", name, o)
		}
		if rest := strings.TrimSpace(o[dec.InputOffset():]); rest != "" {
			t.Fatalf("merchant create %s: more than one JSON object on stdout: %q", name, o)
		}
		if got := strings.Join(keys(obj), ","); got != "callbackSecret,organizationUuid,token" {
			t.Fatalf("merchant create %s: keys %s, want organizationUuid, token, callbackSecret", name, got)
		}
		m := Merchant{Org: text(obj["organizationUuid"]), Token: text(obj["token"]), Secret: text(obj["callbackSecret"])}
		if !reOrg.MatchString(m.Org) || !strings.HasPrefix(m.Token, "fpgo_") || len(m.Secret) < 16 {
			t.Fatalf("merchant create %s: %+v", name, m)
		}
		s.addSecrets(m.Token, m.Secret)
		creds[name] = m
		// The new token works at once against the running server, with the merchant's own limit.
		r := s.Do(t, "GET", api("orders/status"), m.Token, nil)
		expectOK(t, r, 200, "Order Status Retrieved Successfully", true)
		if r.Header.Get("X-RateLimit-Limit") != "7" {
			t.Errorf("X-RateLimit-Limit = %q, want 7 (--rate-limit)", r.Header.Get("X-RateLimit-Limit"))
		}
	}

	// merchant list (text and JSON) shows every merchant, never a token.
	o, e, code := runCLI(t, nil, "merchant", "list", "--db", s.DB)
	if code != 0 {
		t.Fatalf("merchant list: exit %d: %s", code, e)
	}
	for name, m := range creds {
		if !strings.Contains(o, m.Org) || !strings.Contains(o, name) {
			t.Errorf("merchant list lacks %s %s:\n%s", m.Org, name, o)
		}
		if strings.Contains(o, m.Token) || strings.Contains(o, m.Secret) {
			t.Errorf("merchant list prints secrets:\n%s", o)
		}
	}
	if !strings.Contains(o, s.Org) {
		t.Errorf("merchant list lacks the demo merchant %s:\n%s", s.Org, o)
	}
	o, _, code = runCLI(t, nil, "merchant", "list", "--json", "--db", s.DB)
	var rows []map[string]any
	if code != 0 || json.Unmarshal([]byte(o), &rows) != nil || len(rows) != 4 {
		t.Fatalf("merchant list --json (exit %d): %q", code, o)
	}

	// rotate-token: the old token is refused at once, the new one works.
	m := creds["Shop A"]
	o, e, code = runCLI(t, nil, "merchant", "rotate-token", m.Org, "--json", "--db", s.DB)
	if code != 0 {
		t.Fatalf("rotate-token: exit %d: %s", code, e)
	}
	var rotated Merchant
	if err := json.Unmarshal([]byte(o), &rotated); err != nil || rotated.Org != m.Org || !strings.HasPrefix(rotated.Token, "fpgo_") || rotated.Token == m.Token {
		t.Fatalf("rotate-token output %q", o)
	}
	s.addSecrets(rotated.Token)
	expectErr(t, s.Do(t, "GET", api("orders/status"), m.Token, nil), 401, "Unauthorized", "unauthenticated")
	expectOK(t, s.Do(t, "GET", api("orders/status"), rotated.Token, nil), 200, "Order Status Retrieved Successfully", true)
	// Other merchants are unaffected.
	expectOK(t, s.Do(t, "GET", api("orders/status"), creds["Shop B"].Token, nil), 200, "Order Status Retrieved Successfully", true)
	// Text form, and an unknown organization.
	o, _, code = runCLI(t, nil, "merchant", "rotate-token", creds["Shop C"].Org, "--db", s.DB)
	if code != 0 || !strings.Contains(o, "fpgo_") {
		t.Fatalf("rotate-token (text): exit %d: %q", code, o)
	}
	for _, f := range strings.Fields(o) {
		if strings.HasPrefix(f, "fpgo_") {
			s.addSecrets(f)
		}
	}
	expectErr(t, s.Do(t, "GET", api("orders/status"), creds["Shop C"].Token, nil), 401, "Unauthorized", "unauthenticated")
	if _, _, code := runCLI(t, nil, "merchant", "rotate-token", "ORG0000000000", "--db", s.DB); code == 0 {
		t.Error("rotate-token of an unknown organization exited 0")
	}
	if _, _, code := runCLI(t, nil, "merchant", "create", "--json", "--db", s.DB); code == 0 {
		t.Error("merchant create without --name exited 0")
	}

	// A second start on the same database creates no new demo merchant; the old token still works.
	if code := s.Stop(); code != 0 {
		t.Fatalf("first server exited %d", code)
	}
	s2 := startServer(t, withDB(s.DB))
	s2.addSecrets(s.Token, s.Secret, rotated.Token)
	if strings.Contains(s2.Stdout(), "bearer token") || strings.Contains(s2.Stdout(), "Created demo merchant") || s2.Token != "" {
		t.Fatalf("second start printed a new merchant:\n%s", s2.Stdout())
	}
	expectOK(t, s2.Do(t, "GET", api("orders/status"), s.Token, nil), 200, "Order Status Retrieved Successfully", true)
	expectOK(t, s2.Do(t, "GET", api("orders/status"), rotated.Token, nil), 200, "Order Status Retrieved Successfully", true)
	expectErr(t, s2.Do(t, "GET", api("orders/status"), m.Token, nil), 401, "Unauthorized", "unauthenticated")
	o, _, _ = runCLI(t, nil, "merchant", "list", "--json", "--db", s.DB)
	if err := json.Unmarshal([]byte(o), &rows); err != nil || len(rows) != 4 {
		t.Fatalf("after the second start: %d merchants, want 4: %q", len(rows), o)
	}
}

// TestCLIMigrateAndEnv covers `migrate`, FPGO_DATABASE_URL instead of --db, and production mode
// (no demo merchant).
func TestCLIMigrateAndEnv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := dir + "/env.db"
	_, e, code := runCLI(t, []string{"FPGO_DATABASE_URL=" + db}, "migrate")
	if code != 0 {
		t.Fatalf("migrate: exit %d: %s", code, e)
	}
	o, e, code := runCLI(t, []string{"FPGO_DATABASE_URL=" + db}, "merchant", "create", "--name", "Env Shop", "--json")
	if code != 0 || !strings.Contains(o, "organizationUuid") {
		t.Fatalf("merchant create via FPGO_DATABASE_URL: exit %d: %s %s", code, o, e)
	}
	// `fpgo` alone serves, configured by FPGO_ADDR and FPGO_DATABASE_URL; the merchant created above
	// is there, so no demo merchant is added.
	env := startServer(t, bareEnv(), withDB(db))
	if strings.Contains(env.Stdout(), "bearer token") {
		t.Fatalf("a database with a merchant got a demo merchant:\n%s", env.Stdout())
	}
	var created Merchant
	if err := json.Unmarshal([]byte(o), &created); err != nil {
		t.Fatal(err)
	}
	env.addSecrets(created.Token, created.Secret)
	expectOK(t, env.Do(t, "GET", api("orders/status"), created.Token, nil), 200, "Order Status Retrieved Successfully", true)

}

// TestProductionMode: no demo merchant, and callback URLs must be public https.
func TestProductionMode(t *testing.T) {
	t.Parallel()
	s := startServer(t, withArgs("--mode", "production"))
	if strings.Contains(s.Stdout(), "bearer token") {
		t.Fatalf("production mode printed a demo merchant:\n%s", s.Stdout())
	}
	o, _, _ := runCLI(t, nil, "merchant", "list", "--json", "--db", s.DB)
	if strings.TrimSpace(o) != "[]" {
		t.Fatalf("production mode created merchants: %s", o)
	}
	tok := s.newMerchant(t, "Live Shop").Token
	for _, u := range []string{callbackSink.URL + "/cb", "http://example.com/cb", "https://127.0.0.1/cb", "https://localhost/cb", "https://10.1.2.3/cb", "https://[::1]/cb"} {
		p := paymentLink()
		set(p, "callback.callbackUrl", u)
		r := s.Do(t, "POST", api("orders/payment-link/create"), tok, p)
		expectErr(t, r, 417, "Client Error", "payloadValidationErrors")
		if errs := r.Errors(); len(errs) != 1 || !strings.HasPrefix(errs[0], "The callback.callback url ") {
			t.Errorf("callback %s: errors %q", u, errs)
		}
	}
	if n := s.total(t, tok); n != 0 {
		t.Fatalf("%d orders with refused callback URLs", n)
	}
	p := paymentLink()
	set(p, "callback.callbackUrl", "https://shop.example.com/fpgo/callback?ref=1")
	s.create(t, tok, "orders/payment-link/create", p)
}

// TestCLIHelp: --help exits 0 and documents every serve flag and its FPGO_ variable.
func TestCLIHelp(t *testing.T) {
	t.Parallel()
	top, e, code := runCLI(t, nil, "--help")
	if code != 0 {
		t.Fatalf("fpgo --help: exit %d: %s", code, e)
	}
	serve, e, code := runCLI(t, nil, "serve", "--help")
	if code != 0 {
		t.Fatalf("fpgo serve --help: exit %d: %s", code, e)
	}
	for _, want := range []string{"serve", "merchant", "migrate"} {
		if !strings.Contains(top, want) {
			t.Errorf("fpgo --help lacks %s:\n%s", want, top)
		}
	}
	serveFlags := []string{
		"--addr", "--db", "--mode", "--public-url", "--shutdown-timeout", "--log-level", "--log-format", "--sweep-interval",
		"FPGO_ADDR", "FPGO_DATABASE_URL", "FPGO_MODE", "FPGO_PUBLIC_URL", "FPGO_SHUTDOWN_TIMEOUT", "FPGO_LOG_LEVEL",
		"FPGO_LOG_FORMAT", "FPGO_SWEEP_INTERVAL",
	}
	for _, want := range serveFlags {
		if !strings.Contains(serve, want) {
			t.Errorf("fpgo serve --help lacks %s:\n%s", want, serve)
		}
	}
	// serve is the default command (`fpgo` alone serves), so the top-level help documents its flags too.
	var missing []string
	for _, want := range serveFlags {
		if !strings.Contains(top, want) {
			missing = append(missing, want)
		}
	}
	if len(missing) > 0 {
		t.Errorf("fpgo --help does not mention %v although `fpgo` alone runs serve:\n%s", missing, top)
	}
	mc, _, code := runCLI(t, nil, "merchant", "create", "--help")
	if code != 0 {
		t.Fatalf("merchant create --help: exit %d", code)
	}
	for _, want := range []string{"--name", "--json", "--rate-limit", "--org-number", "--refund-limit", "--weekly-refund-limit", "--delayed-charge"} {
		if !strings.Contains(mc, want) {
			t.Errorf("fpgo merchant create --help lacks %s", want)
		}
	}
	// An unknown flag is an error, not a silent start.
	if _, e, code := runCLI(t, nil, "serve", "--no-such-flag"); code == 0 || !bytes.Contains([]byte(e), []byte("no-such-flag")) {
		t.Errorf("unknown flag: exit %d, stderr %q", code, e)
	}
}
