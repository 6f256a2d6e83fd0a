package e2e

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fpgo/fpgo/client"
	"github.com/fpgo/fpgo/internal/store/pgtest"
)

// callbackLog records every verified callback by order and status.
type callbackLog struct {
	mu     sync.Mutex
	secret string
	got    map[string]map[string]int // orderUuid -> status -> deliveries
	bad    int
}

func (c *callbackLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cb, err := client.ParseCallback(r.URL.RawQuery, c.secret)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.bad++
		http.Error(w, "bad checksum", 400)
		return
	}
	if c.got[cb.OrderUUID] == nil {
		c.got[cb.OrderUUID] = map[string]int{}
	}
	c.got[cb.OrderUUID][cb.Status]++
	w.WriteHeader(200)
}

func (c *callbackLog) has(uuid, status string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.got[uuid][status] > 0
}

// Two `fpgo serve` processes share one PostgreSQL database behind a "load balancer" (requests
// alternate between them); one is killed with SIGKILL in the middle of the load. Every order that
// was acknowledged must exist, every acknowledged cancel must have happened, and every one of those
// status changes must reach the merchant as a verified callback — delivered by the surviving node.
func TestTwoNodesOnePostgresKillOne(t *testing.T) {
	dbURL := pgtest.URL(t)
	cbTimeout := []string{"--callback-timeout", "1s", "--sweep-interval", "500ms"} // lease = 2 × timeout
	a := startServer(t, withDB(dbURL), withArgs(cbTimeout...))
	if a.Token == "" {
		t.Fatal("first node printed no demo merchant")
	}
	dir := t.TempDir()
	b, _, msg := tryStart(t, dir, 0, serverConfig{db: dbURL, args: cbTimeout})
	if b == nil {
		t.Fatalf("second node: %s", msg)
	}
	t.Cleanup(func() {
		_ = b.cmd.Process.Kill()
		<-b.exited
	})
	if b.Token != "" {
		t.Fatal("second node created another demo merchant on a shared database")
	}
	m := a.newMerchant(t, "Load", "--rate-limit", "1000000")
	log := &callbackLog{secret: m.Secret, got: map[string]map[string]int{}}
	recv := httptest.NewServer(log)
	defer recv.Close()

	nodes := []*Server{a, b}
	var (
		mu        sync.Mutex
		created   []string
		cancelled []string
		killed    atomic.Bool
		n         atomic.Int64
	)
	deadline := time.Now().Add(4 * time.Second)
	killAt := time.Now().Add(2 * time.Second)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				i := n.Add(1)
				node := nodes[i%2]
				p := set(paymentLink(), "callback.callbackUrl", recv.URL+"/cb?shop=1")
				r, err := node.try("POST", api("orders/payment-link/create"), m.Token, p)
				if err != nil || r.Status != 201 {
					if node == b && killed.Load() {
						continue // the dead node answers nothing; nothing was acknowledged
					}
					t.Errorf("create on live node: %v %v", err, r)
					return
				}
				uuid := r.Str("data.uuid")
				mu.Lock()
				created = append(created, uuid)
				mu.Unlock()
				other := nodes[(i+1)%2]
				r, err = other.try("POST", api("orders/cancel/"+uuid), m.Token, map[string]any{"cancellationNote": "e2e"})
				if err == nil && r.Status == 202 {
					mu.Lock()
					cancelled = append(cancelled, uuid)
					mu.Unlock()
				} else if !(other == b && killed.Load()) {
					t.Errorf("cancel on live node: %v %v", err, r)
				}
			}
		}()
	}
	time.Sleep(time.Until(killAt))
	killed.Store(true)
	if err := b.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-b.exited
	wg.Wait()
	if len(created) < 20 || len(cancelled) < 10 {
		t.Fatalf("too little load to mean anything: %d created, %d cancelled", len(created), len(cancelled))
	}
	cancelledSet := map[string]bool{}
	for _, u := range cancelled {
		cancelledSet[u] = true
	}
	// Every acknowledged order and cancel is in the database, read through the surviving node.
	for _, u := range created {
		st := a.status(t, m.Token, u)
		if cancelledSet[u] && st != "CANCELLED" {
			t.Errorf("acknowledged cancel of %s, status %s", u, st)
		}
		if st != "SENT" && st != "CANCELLED" {
			t.Errorf("%s has status %s", u, st)
		}
	}
	// Every acknowledged cancel reaches the merchant, including those node b had claimed.
	wait := time.Now().Add(30 * time.Second)
	var missing []string
	for {
		missing = missing[:0]
		for _, u := range cancelled {
			if !log.has(u, "CANCELLED") {
				missing = append(missing, u)
			}
		}
		if len(missing) == 0 || time.Now().After(wait) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(missing) > 0 {
		t.Fatalf("%d of %d acknowledged cancels never called back, e.g. %v", len(missing), len(cancelled), missing[:min(3, len(missing))])
	}
	log.mu.Lock()
	bad := log.bad
	log.mu.Unlock()
	if bad > 0 {
		t.Fatalf("%d callbacks failed checksum verification", bad)
	}
	t.Logf("%d orders created, %d cancelled, node b killed mid-load; all callbacks verified", len(created), len(cancelled))
	_ = os.RemoveAll(filepath.Join(dir))
}
