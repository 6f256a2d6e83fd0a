package delivery_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The crash test drives the real binary: callbacks that are pending when `fpgo serve` is killed
// with SIGKILL — once while the merchant's endpoint refuses connections, once while attempts are
// in flight to an endpoint that never answers — all arrive, verifiably signed, after a restart.

func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the fpgo binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "fpgo")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/fpgo/fpgo/cmd/fpgo")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type serverProc struct {
	cmd  *exec.Cmd
	addr string
	logs *syncBuffer
}

func startFPGO(t *testing.T, bin, db string, logs *syncBuffer) *serverProc {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve", "--db", db, "--addr", addr, "--mode", "sandbox",
		"--callback-timeout", "1s", "--callback-backoff-scale", "0.01", "--log-level", "debug")
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serverProc{cmd: cmd, addr: addr, logs: logs}
	t.Cleanup(func() { p.kill() })
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("fpgo did not start: %v\n%s", err, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill sends SIGKILL: no shutdown code runs, exactly like a crash or an OOM kill.
func (p *serverProc) kill() {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
}

func (p *serverProc) call(t *testing.T, method, path, token, body string) map[string]any {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+p.addr+"/api/v1/connect/"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var env map[string]any
	if err := json.Unmarshal(b, &env); err != nil || resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return env
}

// createAndCancel creates payment links whose callbacks go to callbackURL and cancels them; every
// answered cancel is a committed CANCELLED status with its callback in the outbox.
func createAndCancel(t *testing.T, p *serverProc, token, callbackURL string, n int) []string {
	t.Helper()
	var uuids []string
	for i := range n {
		body := fmt.Sprintf(`{
		  "products": [{"name": "Hair Wash", "quantity": "1", "rate": 51, "discount": 0, "tax": "0", "amount": 51}],
		  "orderSummary": {"subTotal": "51.00", "totalTax": "0.00", "totalDiscount": "0.00", "grandTotal": "51.00"},
		  "orderDate": "%d",
		  "customerDetails": {"type": "private", "countryCode": "+47", "msisdn": "46567468", "email": "kari@example.no",
		    "name": "Kari Nordmann", "address": {"street": "Luramyrveien 65", "zip": "4313", "city": "Sandnes", "country": "NO"}},
		  "invoiceAsPaymentOption": false,
		  "callback": {"callbackUrl": "%s?n=%d"}}`, time.Now().Unix(), callbackURL, i)
		env := p.call(t, "POST", "orders/payment-link/create", token, body)
		data, _ := env["data"].(map[string]any)
		uuid, _ := data["uuid"].(string)
		if uuid == "" {
			uuid, _ = data["orderUuid"].(string)
		}
		if uuid == "" {
			t.Fatalf("no order uuid in %v", env)
		}
		uuids = append(uuids, uuid)
	}
	for _, u := range uuids {
		p.call(t, "POST", "orders/cancel/"+u, token, `{"cancellationNote":"x"}`)
	}
	return uuids
}

func TestKill9LosesNoCallback(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "fpgo.db")
	out, err := exec.Command(bin, "merchant", "create", "--name", "Crash Shop", "--json", "--db", db).Output()
	if err != nil {
		t.Fatalf("merchant create: %v", err)
	}
	var creds struct {
		Org    string `json:"organizationUuid"`
		Token  string `json:"token"`
		Secret string `json:"callbackSecret"`
	}
	if err := json.Unmarshal(out, &creds); err != nil || creds.Token == "" || creds.Secret == "" {
		t.Fatalf("merchant create printed %s (%v)", out, err)
	}
	started := time.Now()

	// The merchant's endpoint: not listening at first.
	recvAddr := freeAddr(t)
	callbackURL := "http://" + recvAddr + "/callback"
	logs := &syncBuffer{}

	// 1. Endpoint down: connections refused. Kill right after the cancels are answered.
	p := startFPGO(t, bin, db, logs)
	down := createAndCancel(t, p, creds.Token, callbackURL, 15)
	p.kill()

	// 2. Endpoint up but never answering: kill while attempts are in flight (their leases are
	// live when the process dies).
	var (
		mu      sync.Mutex
		mode    = "hang"
		got     = map[string][]string{} // orderUuid -> statuses answered 200
		bad     []string
		inHang  = make(chan struct{}, 100)
		release = make(chan struct{})
	)
	ln, err := net.Listen("tcp", recvAddr)
	if err != nil {
		t.Fatalf("receiver cannot listen on %s: %v", recvAddr, err)
	}
	recv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, get := phpVerify(r.URL.RawQuery, creds.Secret)
		mu.Lock()
		m := mode
		if !ok {
			bad = append(bad, r.URL.RawQuery)
		}
		mu.Unlock()
		if m == "hang" {
			select {
			case inHang <- struct{}{}:
			default:
			}
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		if !ok {
			http.Error(w, "Checksum verification failed.", 400)
			return
		}
		mu.Lock()
		got[get["orderUuid"]] = append(got[get["orderUuid"]], get["status"])
		mu.Unlock()
		fmt.Fprint(w, "Callback successfully processed.")
	})}
	go recv.Serve(ln)
	defer recv.Close()
	defer close(release)

	p = startFPGO(t, bin, db, logs)
	hung := createAndCancel(t, p, creds.Token, callbackURL, 5)
	select {
	case <-inHang:
	case <-time.After(10 * time.Second):
		t.Fatal("no attempt reached the receiver")
	}
	p.kill()

	// 3. Endpoint healthy: restart on the same database; everything arrives.
	mu.Lock()
	mode = "ok"
	mu.Unlock()
	p = startFPGO(t, bin, db, logs)
	all := append(append([]string{}, down...), hung...)
	deadline := time.Now().Add(15 * time.Second)
	for {
		mu.Lock()
		missing := 0
		for _, u := range all {
			if len(got[u]) == 0 {
				missing++
			}
		}
		mu.Unlock()
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d CANCELLED callbacks never arrived\nserver log:\n%s", missing, len(all), tail(logs.String(), 4000))
		}
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	for _, u := range all {
		for _, st := range got[u] {
			if st != "CANCELLED" {
				t.Errorf("order %s: callback status %q", u, st)
			}
		}
	}
	if len(bad) > 0 {
		t.Errorf("%d callbacks failed the PHP checksum verification, e.g. %s", len(bad), bad[0])
	}
	mu.Unlock()

	// The delivery log says so, through the API and the CLI.
	env := p.call(t, "GET", "callbacks?orderUuid="+hung[0], creds.Token, "")
	list, _ := env["data"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["state"] != "delivered" {
		t.Fatalf("callback log of %s: %v", hung[0], env)
	}
	attempts := list[0].(map[string]any)["attempts"].([]any)
	if len(attempts) < 1 || attempts[len(attempts)-1].(map[string]any)["outcome"] != "delivered" {
		t.Fatalf("attempts: %v", attempts)
	}
	cli, err := exec.Command(bin, "callbacks", "list", "--db", db, "--state", "pending", "--json").Output()
	if err != nil {
		t.Fatalf("callbacks list: %v", err)
	}
	var pending []map[string]any
	if err := json.Unmarshal(cli, &pending); err != nil || len(pending) != 0 {
		t.Fatalf("pending after recovery: %s (%v)", cli, err)
	}
	if strings.Contains(logs.String(), creds.Secret) {
		t.Fatal("the callback secret appears in the server's output")
	}
	t.Logf("kill -9 twice, %d callbacks recovered; %s without the build", len(all), time.Since(started).Round(time.Millisecond))
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// Operators list and replay callbacks with the CLI; the running server sends the replay.
func TestCLIListAndReplay(t *testing.T) {
	bin := buildBinary(t)
	db := filepath.Join(t.TempDir(), "fpgo.db")
	out, err := exec.Command(bin, "merchant", "create", "--name", "CLI Shop", "--json", "--db", db).Output()
	if err != nil {
		t.Fatal(err)
	}
	var creds struct {
		Org    string `json:"organizationUuid"`
		Token  string `json:"token"`
		Secret string `json:"callbackSecret"`
	}
	if err := json.Unmarshal(out, &creds); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	n := 0
	recv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ok, _ := phpVerify(r.URL.RawQuery, creds.Secret); ok {
			mu.Lock()
			n++
			mu.Unlock()
		}
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go recv.Serve(ln)
	defer recv.Close()
	count := func() int { mu.Lock(); defer mu.Unlock(); return n }
	waitFor := func(want int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for count() < want {
			if time.Now().After(deadline) {
				t.Fatalf("receiver got %d callbacks, want %d", count(), want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	p := startFPGO(t, bin, db, &syncBuffer{})
	uuids := createAndCancel(t, p, creds.Token, "http://"+ln.Addr().String()+"/cb", 2)
	waitFor(2)

	list := func(args ...string) []map[string]any {
		t.Helper()
		out, err := exec.Command(bin, append([]string{"callbacks", "list", "--db", db, "--json"}, args...)...).Output()
		if err != nil {
			t.Fatalf("callbacks list %v: %v", args, err)
		}
		var rows []map[string]any
		if err := json.Unmarshal(out, &rows); err != nil {
			t.Fatalf("callbacks list %v printed %s", args, out)
		}
		return rows
	}
	var rows []map[string]any
	for deadline := time.Now().Add(5 * time.Second); ; {
		if rows = list("--order", uuids[0]+","+uuids[1], "--state", "delivered"); len(rows) == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(rows) != 2 || rows[0]["organizationUuid"] != creds.Org || rows[0]["status"] != "CANCELLED" {
		t.Fatalf("delivered callbacks: %v", rows)
	}
	if rows := list("--org", "ORG0000000000"); len(rows) != 0 {
		t.Fatalf("other organization: %v", rows)
	}
	text, err := exec.Command(bin, "callbacks", "list", "--db", db, "--attempts").Output()
	if err != nil || !strings.Contains(string(text), uuids[0]) || !strings.Contains(string(text), "delivered") {
		t.Fatalf("callbacks list (table): %v\n%s", err, text)
	}
	id := strconv.FormatInt(int64(rows[0]["id"].(float64)), 10)
	if out, err := exec.Command(bin, "callbacks", "replay", id, "--db", db).CombinedOutput(); err != nil || !strings.Contains(string(out), "queued") {
		t.Fatalf("callbacks replay: %v %s", err, out)
	}
	waitFor(3)
	if out, err := exec.Command(bin, "callbacks", "replay", "999999", "--db", db).CombinedOutput(); err == nil || !strings.Contains(string(out), "no callback with id 999999") {
		t.Fatalf("replay of an unknown id: %v %s", err, out)
	}
}
