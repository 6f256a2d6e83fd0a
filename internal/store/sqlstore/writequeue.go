package sqlstore

import (
	"context"
	"errors"
	"sync"

	"github.com/fpgo/fpgo/internal/store"
)

// writeQueue hands writes to the committer goroutines of a group commit (groupcommit.go for
// SQLite, pgcommit.go for PostgreSQL) and waits for their outcome.
type writeQueue struct {
	reqs   chan *writeReq
	mu     sync.RWMutex
	closed bool
}

type writeReq struct {
	ctx  context.Context
	fn   func(store.Tx) error
	done chan error
}

func newWriteQueue(size int) *writeQueue { return &writeQueue{reqs: make(chan *writeReq, size)} }

// submit queues fn and waits for the batch it ran in to be answered.
func (q *writeQueue) submit(ctx context.Context, fn func(store.Tx) error) error {
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	q.mu.RLock()
	if q.closed {
		q.mu.RUnlock()
		return errors.New("sqlstore: store is closed")
	}
	select {
	case q.reqs <- req:
	case <-ctx.Done():
		q.mu.RUnlock()
		return ctx.Err()
	}
	q.mu.RUnlock()
	// Once queued, wait for the outcome even if ctx ends: the write may already be committed, and
	// reporting ctx.Err() for a committed write would invite a duplicate retry.
	return <-req.done
}

// close stops taking writes; the committers finish what was queued and stop.
func (q *writeQueue) close() {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.reqs)
	}
	q.mu.Unlock()
}

// next waits for a write and returns it with every other write waiting at that moment, up to
// max, in batch (whose array it reuses). ok is false once the queue is closed and empty.
func (q *writeQueue) next(batch []*writeReq, max int) ([]*writeReq, bool) {
	first, ok := <-q.reqs
	if !ok {
		return batch[:0], false
	}
	batch = append(batch[:0], first)
	for len(batch) < max {
		select {
		case r, ok := <-q.reqs:
			if !ok {
				return batch, true
			}
			batch = append(batch, r)
		default:
			return batch, true
		}
	}
	return batch, true
}
