// Package e2e drives the real fpgo binary over HTTP: every test builds nothing itself, starts its
// own `fpgo serve` on a free port with its own SQLite database, talks to it like a merchant would,
// and stops it with SIGTERM. The binary is built once in TestMain.
//
// Global invariants checked for every server when its test ends:
//   - it exits with code 0 on SIGTERM and logs "stopped";
//   - no request of the test was answered with a 5xx;
//   - its log never contains a bearer token, a callback secret or a full personal number.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Oslo even where the system has no zoneinfo
)

// fpgoBin is the binary built by TestMain.
var fpgoBin string

// callbackSink receives the callbacks of every test's orders ({{CB}} in payloads), so no test
// sends requests to the hosts in the seed examples.
var callbackSink = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(200)
}))

// oslo is the zone fpgo validates dates in.
var oslo = func() *time.Location {
	l, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		panic(err)
	}
	return l
}()

// Personal numbers used in payloads; none may ever appear in a server log.
const (
	pnrKari   = "12345678901"
	pnrZahid  = "28038712383"
	pnrUpdate = "01019912345"
)

var sensitiveAlways = []string{pnrKari, pnrZahid, pnrUpdate}

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	defer callbackSink.Close()
	flag.Parse()
	// The servers spend most of their time waiting on each other's I/O; run more of them at once
	// than GOMAXPROCS (the default -parallel) unless the caller chose.
	explicit := false
	flag.Visit(func(f *flag.Flag) {
		if f.Name == "test.parallel" {
			explicit = true
		}
	})
	if !explicit {
		_ = flag.Set("test.parallel", "8")
	}
	// FPGO_E2E_BIN runs the suite against a binary built elsewhere.
	if bin := os.Getenv("FPGO_E2E_BIN"); bin != "" {
		fpgoBin = bin
		return m.Run()
	}
	root, err := repoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "fpgo-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	fpgoBin = filepath.Join(dir, "fpgo")
	args := []string{"build", "-o", fpgoBin}
	if os.Getenv("FPGO_E2E_RACE") == "1" {
		args = append(args, "-race")
	}
	args = append(args, "./cmd/fpgo")
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building fpgo:", err)
		return 1
	}
	return m.Run()
}

// repoRoot finds the module root: `go env GOMOD`, else the nearest parent holding go.mod.
func repoRoot() (string, error) {
	if out, err := exec.Command("go", "env", "GOMOD").Output(); err == nil {
		p := strings.TrimSpace(string(out))
		if p != "" && p != os.DevNull {
			return filepath.Dir(p), nil
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above " + dir)
		}
		dir = parent
	}
}

// ---- the server under test

// Server is one running `fpgo serve`.
type Server struct {
	Base string // http://127.0.0.1:PORT
	DB   string
	// The demo merchant from the banner (empty when no banner was printed).
	Token, Secret, Org string

	cmd       *exec.Cmd
	stdoutF   string
	stderrF   string
	exited    chan struct{}
	exitCode  int
	client    *http.Client
	stopOnce  sync.Once
	stopCode  int
	mu        sync.Mutex
	secrets   []string
	serverErr []string
}

type serverConfig struct {
	db   string
	args []string
	env  []string
	// bare starts `fpgo` without the serve word, address and database given by FPGO_ADDR and
	// FPGO_DATABASE_URL only.
	bare bool
}

// ServerOption configures startServer.
type ServerOption func(*serverConfig)

// withDB reuses a database file (e.g. a second start).
func withDB(path string) ServerOption { return func(c *serverConfig) { c.db = path } }

// withArgs adds serve flags.
func withArgs(args ...string) ServerOption {
	return func(c *serverConfig) { c.args = append(c.args, args...) }
}

// bareEnv starts plain `fpgo` (serve is the default command) configured through the environment.
func bareEnv() ServerOption { return func(c *serverConfig) { c.bare = true } }

// withEnv adds environment variables.
func withEnv(kv ...string) ServerOption {
	return func(c *serverConfig) { c.env = append(c.env, kv...) }
}

func freePort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startServer starts `fpgo serve` on a free port and waits for /readyz = 200. When the test ends
// the server is stopped with SIGTERM and the global invariants are checked.
func startServer(t *testing.T, opts ...ServerOption) *Server {
	t.Helper()
	dir := t.TempDir()
	cfg := serverConfig{db: filepath.Join(dir, "fpgo.db")}
	for _, o := range opts {
		o(&cfg)
	}
	var lastErr string
	for attempt := 0; attempt < 6; attempt++ {
		s, retry, msg := tryStart(t, dir, attempt, cfg)
		if s != nil {
			t.Cleanup(func() { s.finish(t) })
			return s
		}
		lastErr = msg
		if !retry {
			break
		}
	}
	t.Fatalf("fpgo serve did not become ready: %s", lastErr)
	return nil
}

func tryStart(t *testing.T, dir string, attempt int, cfg serverConfig) (*Server, bool, string) {
	addr := freePort(t)
	s := &Server{
		Base:    "http://" + addr,
		DB:      cfg.db,
		stdoutF: filepath.Join(dir, fmt.Sprintf("stdout-%d-%d.txt", time.Now().UnixNano(), attempt)),
		stderrF: filepath.Join(dir, fmt.Sprintf("stderr-%d-%d.txt", time.Now().UnixNano(), attempt)),
		exited:  make(chan struct{}),
		client:  &http.Client{Timeout: 20 * time.Second},
		secrets: append([]string(nil), sensitiveAlways...),
	}
	outF, err := os.Create(s.stdoutF)
	if err != nil {
		t.Fatal(err)
	}
	errF, err := os.Create(s.stderrF)
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"serve", "--addr", addr, "--db", cfg.db}, cfg.args...)
	env := append(os.Environ(), cfg.env...)
	if cfg.bare {
		args = cfg.args
		env = append(env, "FPGO_ADDR="+addr, "FPGO_DATABASE_URL="+cfg.db)
	}
	s.cmd = exec.Command(fpgoBin, args...)
	s.cmd.Env = env
	s.cmd.Stdout, s.cmd.Stderr = outF, errF
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start fpgo: %v", err)
	}
	outF.Close()
	errF.Close()
	go func() {
		_ = s.cmd.Wait()
		s.exitCode = s.cmd.ProcessState.ExitCode()
		close(s.exited)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			stderr := s.Stderr()
			return nil, strings.Contains(stderr, "address already in use"), fmt.Sprintf("exited with %d: %s", s.exitCode, stderr)
		default:
		}
		resp, err := s.client.Get(s.Base + "/readyz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				s.parseBanner()
				return s, false, ""
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	return nil, true, "timeout; stderr: " + s.Stderr()
}

var (
	bannerToken  = regexp.MustCompile(`bearer token:\s+(fpgo_\S+)`)
	bannerSecret = regexp.MustCompile(`callback secret:\s+(\S+)`)
	bannerOrg    = regexp.MustCompile(`Created demo merchant (ORG\d+)`)
)

func (s *Server) parseBanner() {
	out := s.Stdout()
	if m := bannerToken.FindStringSubmatch(out); m != nil {
		s.Token = m[1]
	}
	if m := bannerSecret.FindStringSubmatch(out); m != nil {
		s.Secret = m[1]
	}
	if m := bannerOrg.FindStringSubmatch(out); m != nil {
		s.Org = m[1]
	}
	s.addSecrets(s.Token, s.Secret)
}

func (s *Server) addSecrets(v ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range v {
		if x != "" {
			s.secrets = append(s.secrets, x)
		}
	}
}

// Stdout is everything the server printed on stdout so far.
func (s *Server) Stdout() string {
	b, _ := os.ReadFile(s.stdoutF)
	return string(b)
}

// Stderr is the server's log so far.
func (s *Server) Stderr() string {
	b, _ := os.ReadFile(s.stderrF)
	return string(b)
}

// Stop sends SIGTERM and returns the exit code (-1 if it did not exit within 20 s).
func (s *Server) Stop() int {
	s.stopOnce.Do(func() {
		// Close our idle keep-alive connections first: a connection the transport dialled but
		// never used is "new" to the server, and http.Server.Shutdown waits up to 5 s for those.
		s.client.CloseIdleConnections()
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
			s.stopCode = s.exitCode
		case <-time.After(20 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
			s.stopCode = -1
		}
	})
	return s.stopCode
}

// finish stops the server and checks the invariants every server must keep.
func (s *Server) finish(t *testing.T) {
	t.Helper()
	start := time.Now()
	code := s.Stop()
	if d := time.Since(start); d > 2*time.Second {
		t.Logf("fpgo serve took %v to stop after SIGTERM; log tail:\n%s", d.Round(time.Millisecond), tail(s.Stderr(), 1500))
	}
	if code != 0 {
		t.Errorf("fpgo serve exited with %d after SIGTERM, want 0; log:\n%s", code, tail(s.Stderr(), 3000))
	}
	log := s.Stderr()
	if !strings.Contains(log, "stopped") {
		t.Errorf("log has no \"stopped\" line after SIGTERM:\n%s", tail(log, 2000))
	}
	s.mu.Lock()
	secrets := append([]string(nil), s.secrets...)
	fivexx := append([]string(nil), s.serverErr...)
	s.mu.Unlock()
	for _, sec := range secrets {
		if strings.Contains(log, sec) {
			t.Errorf("server log contains a secret or personal number %q", redact(sec))
		}
	}
	for _, e := range fivexx {
		t.Errorf("5xx answered: %s", e)
	}
	if t.Failed() {
		t.Logf("server log (tail):\n%s", tail(log, 4000))
	}
}

func redact(s string) string {
	if len(s) <= 6 {
		return s
	}
	return s[:6] + "…"
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// ---- HTTP

// Resp is one answer of the server.
type Resp struct {
	Method, Path string
	Status       int
	Header       http.Header
	Raw          []byte
	Body         map[string]any // the decoded JSON object, nil if the body is not one
}

func (r *Resp) String() string {
	return fmt.Sprintf("%s %s -> %d %s", r.Method, r.Path, r.Status, tail(string(r.Raw), 1500))
}

// Do sends a request. body is nil (none), a string or []byte (sent as is) or anything else (sent
// as JSON). hdr is key, value pairs.
func (s *Server) Do(t testing.TB, method, path, token string, body any, hdr ...string) *Resp {
	t.Helper()
	r, err := s.try(method, path, token, body, hdr...)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

func (s *Server) try(method, path, token string, body any, hdr ...string) (*Resp, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(j)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, s.Base+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	if d := time.Since(start); d > 2*time.Second {
		fmt.Fprintf(os.Stderr, "e2e: slow answer: %s %s took %v\n", method, path, d.Round(time.Millisecond))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	r := &Resp{Method: method, Path: path, Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if dec.Decode(&m) == nil {
		r.Body = m
	}
	if resp.StatusCode >= 500 {
		s.mu.Lock()
		s.serverErr = append(s.serverErr, r.String())
		s.mu.Unlock()
	}
	return r, nil
}

// api is the path of a Connect API endpoint.
func api(p string) string { return "/api/v1/connect/" + strings.TrimPrefix(p, "/") }

// Get returns the value at a dotted path of the body ("data.orderSummary.grandTotal").
func (r *Resp) Get(path string) any {
	v, _ := dig(r.Body, path)
	return v
}

// Str returns the value at path as text (numbers as written).
func (r *Resp) Str(path string) string { return text(r.Get(path)) }

// Errors returns the "errors" list of an error envelope.
func (r *Resp) Errors() []string {
	list, _ := r.Body["errors"].([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		out = append(out, text(e))
	}
	return out
}

func dig(v any, path string) (any, bool) {
	if path == "" {
		return v, true
	}
	for _, seg := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[seg]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return string(x)
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// num returns a JSON number as float64 (for comparisons where 51 and 51.00 are the same).
func num(t testing.TB, v any) float64 {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("%#v is not a JSON number", v)
	}
	f, err := n.Float64()
	if err != nil {
		t.Fatalf("%v: %v", n, err)
	}
	return f
}

func keys(v any) []string {
	m, _ := v.(map[string]any)
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// ---- envelope expectations

// expectOK checks a success envelope.
func expectOK(t testing.TB, r *Resp, status int, message string, isData bool) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("want %d %s, got %s", status, message, r)
	}
	want := map[string]any{"status_code": json.Number(strconv.Itoa(status)), "status_message": "OK", "message": message, "is_data": isData}
	for k, v := range want {
		if got := r.Body[k]; !reflect.DeepEqual(got, v) {
			t.Fatalf("%s = %#v, want %#v in %s", k, got, v, r)
		}
	}
	if _, ok := r.Body["data"]; !ok {
		t.Fatalf("no data key in %s", r)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q in %s", ct, r)
	}
	if _, ok := r.Body["is_error"]; ok {
		t.Fatalf("success envelope carries is_error: %s", r)
	}
}

// expectErr checks an error envelope ({status_code, status_message, message, is_error: true, errors}).
func expectErr(t testing.TB, r *Resp, status int, statusMessage, message string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("want %d %s, got %s", status, message, r)
	}
	want := map[string]any{"status_code": json.Number(strconv.Itoa(status)), "status_message": statusMessage, "message": message, "is_error": true}
	for k, v := range want {
		if got := r.Body[k]; !reflect.DeepEqual(got, v) {
			t.Fatalf("%s = %#v, want %#v in %s", k, got, v, r)
		}
	}
	if _, ok := r.Body["errors"]; !ok {
		t.Fatalf("no errors key in %s", r)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q in %s", ct, r)
	}
}

// expectConflict checks a 400 Conflict of Business Logic with the given key.
func expectConflict(t testing.TB, r *Resp, key string) {
	t.Helper()
	expectErr(t, r, 400, "Conflict of Business Logic", key)
}

// expect404 checks FPGO's exact not-found body.
func expect404(t testing.TB, r *Resp, key string) {
	t.Helper()
	want := map[string]any{"status_code": json.Number("404"), "status_message": "Not Found", "message": key, "is_data": false, "data": nil}
	if r.Status != 404 || !reflect.DeepEqual(r.Body, want) {
		t.Fatalf("want exactly %v, got %s", want, r)
	}
}

// expect417 checks a validation error whose errors include every msg.
func expect417(t testing.TB, r *Resp, msgs ...string) {
	t.Helper()
	expectErr(t, r, 417, "Client Error", "payloadValidationErrors")
	got := r.Errors()
	for _, m := range msgs {
		if !slices.Contains(got, m) {
			t.Fatalf("errors %q lack %q", got, m)
		}
	}
}

// expect417Exact checks a validation error with exactly these messages.
func expect417Exact(t testing.TB, r *Resp, msgs ...string) {
	t.Helper()
	expectErr(t, r, 417, "Client Error", "payloadValidationErrors")
	if got := r.Errors(); !slices.Equal(got, msgs) {
		t.Fatalf("errors = %q, want %q", got, msgs)
	}
}

// ---- API helpers

// create posts an order and returns its uuid and customer uuid (201 expected).
func (s *Server) create(t testing.TB, token, endpoint string, payload any, hdr ...string) (string, string) {
	t.Helper()
	r := s.Do(t, "POST", api(endpoint), token, payload, hdr...)
	if r.Status != 201 {
		t.Fatalf("create %s: %s", endpoint, r)
	}
	uuid := r.Str("data.uuid")
	if uuid == "" {
		uuid = r.Str("data.orderUuid")
	}
	if !reOrder.MatchString(uuid) {
		t.Fatalf("create %s: order uuid %q in %s", endpoint, uuid, r)
	}
	return uuid, r.Str("data.customerUuid")
}

// status returns an order's status (orders/status/{uuid}).
func (s *Server) status(t testing.TB, token, uuid string) string {
	t.Helper()
	r := s.Do(t, "GET", api("orders/status/"+uuid), token, nil)
	expectOK(t, r, 200, "Order Status Retrieved Successfully", true)
	return r.Str("data.status")
}

// details returns the data of orders/details/{uuid}.
func (s *Server) details(t testing.TB, token, uuid string) *Resp {
	t.Helper()
	r := s.Do(t, "GET", api("orders/details/"+uuid), token, nil)
	expectOK(t, r, 200, "orderRetrievedSuccessfully", true)
	return r
}

// list returns one page of orders/status.
func (s *Server) list(t testing.TB, token, query string) *Resp {
	t.Helper()
	p := api("orders/status")
	if query != "" {
		p += "?" + query
	}
	r := s.Do(t, "GET", p, token, nil)
	expectOK(t, r, 200, "Order Status Retrieved Successfully", true)
	return r
}

// total is the number of the merchant's orders.
func (s *Server) total(t testing.TB, token string) int {
	t.Helper()
	r := s.list(t, token, "")
	n, err := strconv.Atoi(r.Str("metaData.total"))
	if err != nil {
		t.Fatalf("metaData.total in %s", r)
	}
	return n
}

// lineIDs returns the numeric ids of an order's product lines.
func (s *Server) lineIDs(t testing.TB, token, uuid string) []int64 {
	t.Helper()
	d := s.details(t, token, uuid)
	list, _ := d.Get("data.productList").([]any)
	var ids []int64
	for i := range list {
		n, ok := d.Get(fmt.Sprintf("data.productList.%d.id", i)).(json.Number)
		if !ok {
			t.Fatalf("productList.%d.id is not a number: %s", i, d)
		}
		id, err := n.Int64()
		if err != nil || id <= 0 {
			t.Fatalf("productList.%d.id = %v", i, n)
		}
		ids = append(ids, id)
	}
	return ids
}

var (
	reOrder    = regexp.MustCompile(`^ODR\d{10}$`)
	reCustomer = regexp.MustCompile(`^CSRT\d{10}$`)
	reOrg      = regexp.MustCompile(`^ORG\d{10}$`)
	reAddress  = regexp.MustCompile(`^ADRS\d{10}$`)
)

// ---- CLI

// runCLI runs fpgo with args and returns stdout, stderr and the exit code.
func runCLI(t testing.TB, env []string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, fpgoBin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("fpgo %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return out.String(), errb.String(), code
}

// Merchant is what `fpgo merchant create --json` prints.
type Merchant struct {
	Org    string `json:"organizationUuid"`
	Token  string `json:"token"`
	Secret string `json:"callbackSecret"`
}

// newMerchant creates a merchant in the server's database with the CLI while the server runs.
func (s *Server) newMerchant(t testing.TB, name string, flags ...string) Merchant {
	t.Helper()
	args := append([]string{"merchant", "create", "--name", name, "--json", "--db", s.DB}, flags...)
	start := time.Now()
	out, errOut, code := runCLI(t, nil, args...)
	if d := time.Since(start); d > 2*time.Second {
		t.Logf("fpgo merchant create took %v next to the running server", d.Round(time.Millisecond))
	}
	if code != 0 {
		t.Fatalf("fpgo %v: exit %d: %s", args, code, errOut)
	}
	var m Merchant
	if err := json.Unmarshal([]byte(out), &m); err != nil || m.Token == "" {
		t.Fatalf("merchant create output %q: %v", out, err)
	}
	s.addSecrets(m.Token, m.Secret)
	return m
}

// ---- payloads (the seed examples, with dates that pass validation)

func nowUnix() string { return strconv.FormatInt(time.Now().Unix(), 10) }

// osloToday is today's date as "d M, Y" ("2 Jan, 2006") in Europe/Oslo.
func osloToday() string { return time.Now().In(oslo).Format("2 Jan, 2006") }

func osloDate(t time.Time) string { return t.In(oslo).Format("02.01.2006") }

// payload decodes a JSON template after filling {{NOW}} (Unix time), {{TODAY}} ("d M, Y" in
// Oslo), {{DUE}} (an hour from now, Unix) and {{CB}} (the local callback receiver). Numbers keep
// their exact text.
func payload(tmpl string) map[string]any {
	s := strings.NewReplacer(
		"{{CB}}", callbackSink.URL,
		"{{NOW}}", nowUnix(),
		"{{TODAY}}", osloToday(),
		"{{DUE}}", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10),
	).Replace(tmpl)
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		panic(fmt.Sprintf("payload template: %v\n%s", err, s))
	}
	return m
}

// set puts v at a dotted path, creating objects on the way; list indexes work in arrays and in
// objects keyed "0", "1", ….
func set(m map[string]any, path string, v any) map[string]any {
	segs := strings.Split(path, ".")
	var cur any = m
	for i, seg := range segs {
		last := i == len(segs)-1
		switch x := cur.(type) {
		case map[string]any:
			if last {
				x[seg] = v
				return m
			}
			next, ok := x[seg]
			if !ok || next == nil {
				next = map[string]any{}
				x[seg] = next
			}
			cur = next
		case []any:
			idx, err := strconv.Atoi(seg)
			if err != nil || idx >= len(x) {
				panic("set: bad index " + path)
			}
			if last {
				x[idx] = v
				return m
			}
			cur = x[idx]
		default:
			panic("set: cannot descend into " + path)
		}
	}
	return m
}

// del removes the key at a dotted path.
func del(m map[string]any, path string) map[string]any {
	var parent any = m
	key := path
	if i := strings.LastIndex(path, "."); i >= 0 {
		parent, _ = dig(m, path[:i])
		key = path[i+1:]
	}
	if p, ok := parent.(map[string]any); ok {
		delete(p, key)
	}
	return m
}

const customerKari = `{
    "type": "private",
    "countryCode": "+47",
    "msisdn": "46567468",
    "email": "test@yopmail.com",
    "firstName": "",
    "name": "Kari Nordmann",
    "preferredLanguage": "en",
    "personalNumber": "12345678901",
    "address": {"street": "Luramyrveien 65", "zip": "4313", "city": "Sandnes", "country": "NO"}
  }`

// paymentLinkJSON is the payment-link seed, with products as an object keyed "0" and numbers as
// strings, as many real clients send them.
var paymentLinkJSON = `{
  "products": {"0": {"name": "Hair Wash", "productId": "VFDDF", "quantity": "1", "rate": "51.00", "discount": "0", "tax": "0", "amount": "51.00"}},
  "orderSummary": {"subTotal": "51.00", "totalTax": "0.00", "totalDiscount": "0.00", "grandTotal": "51.00"},
  "sendOrderBy": {"sms": false, "email": false},
  "orderDate": "{{NOW}}",
  "customerDetails": ` + customerKari + `,
  "invoiceAsPaymentOption": true,
  "referenceNo": null,
  "customerReference": null,
  "secureDetails": true,
  "callback": {"callbackUrl": "{{CB}}/callback-url"}
}`

func paymentLink() map[string]any { return payload(paymentLinkJSON) }

// invoiceJSON is the Send Invoice seed (private customer).
var invoiceJSON = `{
  "products": [{"name": "Hair Wash", "productId": "VFDDF", "quantity": "1", "rate": 51, "discount": 0, "tax": "0", "amount": 51}],
  "orderSummary": {"subTotal": "51.00", "totalTax": "0.00", "totalDiscount": "0.00", "grandTotal": "51.00"},
  "orderDate": "{{NOW}}",
  "customerDetails": {
    "type": "private", "countryCode": "+47", "msisdn": "46567468", "email": "test@yopmail.com", "firstName": "",
    "name": "Kari Nordmann", "preferredLanguage": "en", "personalNumber": "12345678901", "organizationId": null,
    "address": {"street": "Luramyrveien 65", "zip": "4313", "city": "Sandnes", "country": "NO"}
  },
  "invoiceInterval": 0,
  "invoiceMaturity": 10,
  "invoiceFeeApplicable": true,
  "separateInvoices": true,
  "referenceNo": null,
  "customerReference": null,
  "callback": {"callbackUrl": "{{CB}}/callback-url"}
}`

func invoice() map[string]any { return payload(invoiceJSON) }

// corporateInvoice is the Send Invoice seed for a corporate customer (organizationId a JSON number).
func corporateInvoice() map[string]any {
	p := invoice()
	set(p, "customerDetails.type", "corporate")
	set(p, "customerDetails.personalNumber", nil)
	set(p, "customerDetails.organizationId", json.Number("123456789"))
	set(p, "customerDetails.name", "Nordmann AS")
	set(p, "invoiceMaturity", json.Number("30"))
	return p
}

// fakturaJSON is the e-Faktura seed, with the order date as "d M, Y".
var fakturaJSON = `{
  "products": [{"name": "Hair Wash", "productId": "VFDDF", "quantity": "1", "rate": 51, "discount": 0, "tax": "0", "amount": 51}],
  "orderSummary": {"subTotal": "51.00", "totalTax": "0.00", "totalDiscount": "0.00", "grandTotal": "51.00"},
  "orderDate": "{{TODAY}}",
  "customerDetails": {
    "countryCode": "+47", "msisdn": "46567468", "email": "test@yopmail.com", "name": "Kari Nordmann",
    "preferredLanguage": "en", "personalNumber": "12345678901",
    "address": {"street": "Luramyrveien 65", "zip": "4313", "city": "Sandnes", "country": "NO"}
  },
  "invoiceInterval": 0,
  "invoiceMaturity": 10,
  "invoiceFeeApplicable": true,
  "separateInvoices": true,
  "referenceNo": null,
  "customerReference": null,
  "callback": {"callbackUrl": "{{CB}}/callback-url"}
}`

func faktura() map[string]any { return payload(fakturaJSON) }

// ehfJSON is the EHF seed with organizationId as a JSON number and a maturity from its table (the
// example's 10 is wrong, DESIGN.md).
var ehfJSON = `{
  "products": [{"name": "Hair Wash", "productId": "VFDDF", "quantity": "1", "rate": 51, "discount": 0, "tax": "0", "amount": 51}],
  "orderSummary": {"subTotal": "51.00", "totalTax": "0.00", "totalDiscount": "0.00", "grandTotal": "51.00"},
  "orderDate": "{{NOW}}",
  "customerDetails": {
    "countryCode": "+47", "msisdn": "46567468", "email": "test@yopmail.com", "name": "Kari Nordmann",
    "preferredLanguage": "en", "organizationId": 123456789,
    "address": {"street": "Luramyrveien 65", "zip": "4313", "city": "Sandnes", "country": "NO"}
  },
  "invoiceInterval": 0,
  "invoiceMaturity": 14,
  "invoiceFeeApplicable": true,
  "separateInvoices": true,
  "referenceNo": null,
  "customerReference": null,
  "callback": {"callbackUrl": "{{CB}}/callback-url"}
}`

func ehf() map[string]any { return payload(ehfJSON) }

// regularJSON is the Create Checkout Session seed.
var regularJSON = `{
  "products": [{"name": "Test Product", "productId": "1234", "quantity": 1, "rate": 4500, "discount": 0, "tax": 12, "amount": 4500}],
  "orderSummary": {"subTotal": 4017.86, "totalTax": 482.14, "totalDiscount": 0.00, "grandTotal": 4500.00, "shippingCost": 0.00},
  "referenceNo": "",
  "customerReference": "",
  "orderDate": "{{NOW}}",
  "withCustomer": true,
  "customerDetails": {
    "type": "private", "countryCode": "+47", "msisdn": "46567468", "email": "kari@nordmann.no", "name": "Kari Nordmann",
    "preferredLanguage": "en", "personalNumber": null, "organizationId": null,
    "address": {"street": "Luramyrveien 65", "zip": "4313", "city": "Sandnes", "country": "NO"}
  },
  "submitPayment": {"via": "visa"},
  "callback": {
    "callbackUrl": "{{CB}}/callback",
    "success": "{{CB}}/success",
    "failure": "{{CB}}/failure"
  }
}`

func regular() map[string]any { return payload(regularJSON) }

// invoiceSubmitJSON is the Create Session for Invoice Order seed.
var invoiceSubmitJSON = `{
  "products": [{"name": "Router", "productId": "R_1", "quantity": "1", "rate": 40, "discount": 0, "tax": "0", "amount": 40}],
  "orderSummary": {"subTotal": "40", "totalTax": "0", "totalDiscount": "0.00", "grandTotal": "40"},
  "orderDate": "{{NOW}}",
  "customerDetails": {
    "type": "private", "countryCode": "+47", "msisdn": "46567468", "email": "zahid@yopmail.com", "name": "Zahidul",
    "preferredLanguage": "en", "personalNumber": "28038712383", "organizationId": "",
    "address": {"street": "Klosterenget 144", "zip": "7030", "city": "Trondheim", "country": "NO"}
  },
  "referenceNo": "Dhaka",
  "customerReference": "3500",
  "invoiceInterval": 0,
  "separateInvoices": true,
  "invoiceFeeApplicable": true,
  "invoiceMaturity": 10,
  "callback": {
    "callbackUrl": "{{CB}}/?order_identifier=rRbl1FWZG59o&order_status=success",
    "success": "{{CB}}/?order_identifier=rRbl1FWZG59o&order_status=success",
    "failure": "{{CB}}/?order_identifier=rRbl1FWZG59o&order_status=failed"
  }
}`

func invoiceSubmit() map[string]any { return payload(invoiceSubmitJSON) }

// hostedJSON is the Hosted Checkout seed with a due date an hour ahead.
var hostedJSON = `{
  "products": [{"name": "Router", "productId": "R_1", "quantity": "1", "rate": 5, "discount": 0, "tax": "0", "amount": 5}],
  "orderSummary": {"subTotal": "5", "totalTax": "0", "totalDiscount": "0.00", "grandTotal": "5"},
  "orderDate": "{{NOW}}",
  "dueDateForPaymentLink": "{{DUE}}",
  "customerDetails": {
    "type": "private", "countryCode": "+47", "msisdn": "46567468", "email": "john_doe@yopmail.com", "name": "John Doe",
    "personalNumber": null, "organizationId": null,
    "address": {"street": "Klosterenget 144", "zip": "7030", "city": "Trondheim", "country": "NO"}
  },
  "checkoutLanguage": "en",
  "referencesNo": null,
  "customerNotes": null,
  "callback": {
    "callbackUrl": "{{CB}}/callback?order_identifier=rRbl1FWZG59o&order_status=failed",
    "success": "{{CB}}/?order_identifier=rRbl1FWZG59o&order_status=success",
    "failure": "{{CB}}/?order_identifier=rRbl1FWZG59o&order_status=failed"
  }
}`

func hosted() map[string]any { return payload(hostedJSON) }

// twoLineInvoiceJSON is an invoice order of 251.00 in two lines (2 × 100.00 at 25 % and 51.00 at
// 12 %), for refunds.
var twoLineInvoiceJSON = `{
  "products": [
    {"name": "Router", "productId": "R_1", "quantity": 2, "rate": "100.00", "discount": "0", "tax": 25, "amount": "200.00"},
    {"name": "Cable", "productId": "C_1", "quantity": "1", "rate": 51, "discount": 0, "tax": "12", "amount": 51}
  ],
  "orderSummary": {"subTotal": "205.54", "totalTax": "45.46", "totalDiscount": "0.00", "grandTotal": "251.00"},
  "orderDate": "{{NOW}}",
  "customerDetails": {
    "type": "private", "countryCode": "+47", "msisdn": "46567468", "email": "test@yopmail.com",
    "name": "Kari Nordmann", "preferredLanguage": "en", "personalNumber": "12345678901",
    "address": {"street": "Luramyrveien 65", "zip": "4313", "city": "Sandnes", "country": "NO"}
  },
  "invoiceInterval": 0,
  "invoiceMaturity": 10,
  "invoiceFeeApplicable": true,
  "separateInvoices": true,
  "callback": {"callbackUrl": "{{CB}}/callback-url"}
}`

func twoLineInvoice() map[string]any { return payload(twoLineInvoiceJSON) }

// refund builds a refund body: id, amount pairs.
func refund(typ, grandTotal string, lines ...any) map[string]any {
	products := []any{}
	for i := 0; i+1 < len(lines); i += 2 {
		products = append(products, map[string]any{"id": lines[i], "amount": lines[i+1]})
	}
	return map[string]any{"type": typ, "grandTotal": grandTotal, "products": products}
}

// eventually polls cond every 100 ms until it holds or d passes.
func eventually(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}
