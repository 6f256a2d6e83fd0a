package sqlstore

import (
	"context"
	"sync"
	"time"
)

// Every authenticated request reads the credentials epoch (store.Store.CredentialsEpoch). Under
// load most of those reads run at the same moment and find the same value: on PostgreSQL each
// was a round trip and a statement for the server, as many as all the writes of a group-commit
// batch together. So the requests that ask while a read is being made wait for the next one and
// share it.
//
// A request is only ever answered by a read that began after it asked. It therefore sees every
// change committed before it asked, as with a read of its own: a token rotated by the CLI or by
// another node is refused on the next request, not some time later.
//
// The goroutine that makes the reads stays for a while after it runs out of callers. Started
// afresh for every read, it grew its stack into SQLite's deep call chain each time: 0.3 of the
// 1.4 CPU seconds the reads took under a create benchmark.
type sharedRead struct {
	read    func(context.Context) (int64, error)
	mu      sync.Mutex
	waiting []chan sharedResult
	running bool
	kick    chan struct{} // wakes a lingering loop; made with the first loop
	linger  time.Duration // how long an idle loop waits for callers; 0: sharedReadLinger
}

type sharedResult struct {
	n   int64
	err error
}

// sharedReadLimit bounds one read made for others; a caller's own context bounds its wait.
const sharedReadLimit = 10 * time.Second

// sharedReadLinger is how long the read loop waits for the next caller before it ends.
const sharedReadLinger = time.Second

func (s *sharedRead) get(ctx context.Context) (int64, error) {
	ch := make(chan sharedResult, 1)
	s.mu.Lock()
	s.waiting = append(s.waiting, ch)
	if !s.running {
		s.running = true
		if s.kick == nil {
			s.kick = make(chan struct{}, 1)
		}
		go s.loop()
	} else {
		select {
		case s.kick <- struct{}{}:
		default: // the loop is already due to look again
		}
	}
	s.mu.Unlock()
	select {
	case r := <-ch:
		return r.n, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// loop makes reads while anyone waits: each read answers those who asked before it began. It
// ends when nobody has asked for the linger time.
func (s *sharedRead) loop() {
	linger := s.linger
	if linger <= 0 {
		linger = sharedReadLinger
	}
	var idle *time.Timer
	for {
		s.mu.Lock()
		ws := s.waiting
		s.waiting = nil
		if len(ws) == 0 {
			s.mu.Unlock()
			if idle == nil {
				idle = time.NewTimer(linger)
			} else {
				idle.Reset(linger)
			}
			select {
			case <-s.kick:
				continue
			case <-idle.C:
			}
			s.mu.Lock()
			if len(s.waiting) == 0 {
				s.running = false
				s.mu.Unlock()
				return
			}
			s.mu.Unlock()
			continue
		}
		s.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), sharedReadLimit)
		n, err := s.read(ctx)
		cancel()
		for _, w := range ws {
			w <- sharedResult{n, err}
		}
	}
}
