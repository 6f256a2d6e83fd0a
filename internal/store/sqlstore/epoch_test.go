package sqlstore

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// gatedRead is a read that takes the value when it begins and returns it when let go.
type gatedRead struct {
	value atomic.Int64
	reads atomic.Int64
	began chan struct{}
	gate  chan struct{}
	err   error
}

func newGatedRead() *gatedRead {
	return &gatedRead{began: make(chan struct{}, 100), gate: make(chan struct{})}
}

func (g *gatedRead) read(ctx context.Context) (int64, error) {
	v := g.value.Load()
	g.reads.Add(1)
	g.began <- struct{}{}
	<-g.gate
	return v, g.err
}

func waitWaiting(t *testing.T, s *sharedRead, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		s.mu.Lock()
		k := len(s.waiting)
		s.mu.Unlock()
		if k >= n {
			return
		}
	}
	t.Fatalf("fewer than %d callers waiting", n)
}

// A caller that asks while a read is under way is answered by the next read, so it sees a change
// committed after that read began (a token rotated just before the request must be refused).
func TestSharedReadNeverAnswersWithAReadThatBeganEarlier(t *testing.T) {
	g := newGatedRead()
	g.value.Store(1)
	s := &sharedRead{read: g.read}
	a := make(chan int64, 1)
	go func() { n, _ := s.get(context.Background()); a <- n }()
	<-g.began // read 1 has taken value 1
	g.value.Store(2)
	b := make(chan int64, 1)
	go func() { n, _ := s.get(context.Background()); b <- n }()
	waitWaiting(t, s, 1)
	close(g.gate)
	if got := <-a; got != 1 {
		t.Fatalf("first caller got %d, want 1", got)
	}
	if got := <-b; got != 2 {
		t.Fatalf("caller that asked after the change got %d, want 2 from a read of its own", got)
	}
	if g.reads.Load() != 2 {
		t.Fatalf("%d reads, want 2", g.reads.Load())
	}
}

// Callers that ask while a read is under way share the next one.
func TestSharedReadIsShared(t *testing.T) {
	g := newGatedRead()
	g.value.Store(7)
	s := &sharedRead{read: g.read}
	var wg sync.WaitGroup
	wg.Go(func() { _, _ = s.get(context.Background()) })
	<-g.began
	const n = 50
	got := make([]int64, n)
	for i := range n {
		wg.Go(func() { got[i], _ = s.get(context.Background()) })
	}
	waitWaiting(t, s, n)
	close(g.gate)
	wg.Wait()
	for i, v := range got {
		if v != 7 {
			t.Fatalf("caller %d got %d", i, v)
		}
	}
	if r := g.reads.Load(); r != 2 {
		t.Fatalf("%d reads for %d callers, want 2", r, n+1)
	}
}

func TestSharedReadErrorsAndCancellation(t *testing.T) {
	g := newGatedRead()
	g.err = errors.New("db down")
	s := &sharedRead{read: g.read}
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() { _, err := s.get(ctx); res <- err }()
	<-g.began
	cancel()
	if err := <-res; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller: %v", err)
	}
	close(g.gate) // the read finishes with nobody left waiting for it
	if _, err := s.get(context.Background()); err == nil || err.Error() != "db down" {
		t.Fatalf("read error: %v", err)
	}
}

// The loop that makes the reads stays for the linger time, so callers that come one after
// another are served by the same goroutine (a new one grew its stack into SQLite every time),
// and it ends once nobody has asked for that long.
func TestSharedReadLoopLingersThenEnds(t *testing.T) {
	var reads atomic.Int64
	s := &sharedRead{read: func(context.Context) (int64, error) { return reads.Add(1), nil }, linger: 500 * time.Millisecond}
	loops := 0
	for i := range 5 {
		s.mu.Lock()
		if !s.running {
			loops++
		}
		s.mu.Unlock()
		n, err := s.get(context.Background())
		if err != nil || n != int64(i+1) {
			t.Fatalf("get %d: %d, %v; want a read of its own", i, n, err)
		}
	}
	if loops != 1 {
		t.Fatalf("%d loops started for 5 callers one after another, want 1", loops)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		s.mu.Lock()
		running := s.running
		s.mu.Unlock()
		if !running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the read loop is still running long after its linger time")
		}
	}
	if n, err := s.get(context.Background()); err != nil || n != 6 {
		t.Fatalf("get after the loop ended: %d, %v", n, err)
	}
}
