package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fpgo/fpgo/internal/store"
)

// SQLite allows one writer at a time and every commit costs an fsync. Instead of running each
// Write as its own transaction, a single committer goroutine takes every write waiting at that
// moment, runs each in its own SAVEPOINT inside one transaction, and commits them together: one
// fsync for the batch. A write that fails rolls back to its savepoint without touching the others.
// Nobody is answered before the COMMIT that holds their change has returned, so an acknowledged
// write is as durable as with one transaction per write.
//
// Savepoints are not free (two statements and a journal copy of every page a write touches), and
// most batches have no failing write. So a batch first runs without them; only if one of its
// writes fails is the transaction rolled back and the whole batch run again with a savepoint
// per write. Store.Write already allows fn to run more than once.

const maxBatch = 256

// errBatchAborted: the shared transaction broke for reasons outside this write; Write retries it.
var errBatchAborted = errors.New("sqlstore: group commit aborted, retrying")

type committer struct {
	*writeQueue
	batches atomic.Int64 // committed transactions, for tests and the benchmark
	writes  atomic.Int64 // writes that were part of them
	redone  atomic.Int64 // batches run again with savepoints because a write failed
	// Where the writer's time goes, in nanoseconds (WriterStats): running batches at all, and
	// of that running the writes and committing them.
	busyNs, writesNs, commitNs atomic.Int64
	d                          *DB
	wg                         sync.WaitGroup
}

func newCommitter(d *DB) *committer {
	c := &committer{writeQueue: newWriteQueue(maxBatch), d: d}
	c.wg.Add(1)
	go c.loop()
	return c
}

func (c *committer) close() {
	c.writeQueue.close()
	c.wg.Wait()
}

func (c *committer) loop() {
	defer c.wg.Done()
	batch := make([]*writeReq, 0, maxBatch)
	for {
		var ok bool
		if batch, ok = c.next(batch, maxBatch); !ok {
			return
		}
		c.run(batch)
	}
}

func (c *committer) run(batch []*writeReq) {
	// The writer's single connection is free again once the batch is over: the statements it
	// missed are prepared then (a deferred call runs after the batch is answered).
	defer c.d.wstmts.prepareMissed(context.Background())
	defer c.afterBatch()
	start := time.Now()
	defer func() { c.busyNs.Add(int64(time.Since(start))) }()
	if c.runWithoutSavepoints(batch) {
		return
	}
	c.redone.Add(1)
	c.runWithSavepoints(batch)
}

// afterBatch hands checkpointing to the checkpointer (checkpoint.go), and runs the writer's own
// checkpoint when the WAL has grown too long to start over otherwise. It runs after the batch
// is answered, so only the writes queued behind it wait for it.
func (c *committer) afterBatch() {
	ck := c.d.ckpt
	if ck == nil {
		return
	}
	if ck.tailDue() {
		start := time.Now()
		_, err := checkpointPassive(context.Background(), c.d.writer)
		ck.ranTail(time.Since(start), err)
	}
	ck.committed()
}

// runWithoutSavepoints runs the batch in one transaction and answers it, unless a write of a
// batch of several fails: then it rolls everything back, answers nobody and returns false.
func (c *committer) runWithoutSavepoints(batch []*writeReq) bool {
	results := make([]error, len(batch))
	answer := func(err error) bool {
		for i, r := range batch {
			if err != nil && results[i] == nil {
				results[i] = err
			}
			r.done <- results[i]
		}
		return true
	}
	ctx := context.Background()
	sqlTx, err := c.d.writer.BeginTx(ctx, nil)
	if err != nil {
		return answer(fmt.Errorf("begin: %w", err))
	}
	t := &tx{d: c.d, tx: sqlTx, ctx: ctx, cache: c.d.wstmts}
	start := time.Now()
	ran := 0
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		// A write that has begun runs to its end: its statements share the batch's
		// transaction, which a request cancelled meanwhile must not interrupt. (Watching a
		// cancellable context also cost the driver a goroutine per statement.)
		t.ctx = context.WithoutCancel(r.ctx)
		ferr := runGuarded(r.fn, t)
		t.ctx = ctx
		if ferr != nil {
			_ = sqlTx.Rollback()
			if len(batch) == 1 {
				results[i] = ferr
				return answer(nil)
			}
			return false
		}
		ran++
	}
	if ran == 0 {
		_ = sqlTx.Rollback()
		return answer(nil)
	}
	if err := c.commit(sqlTx, start); err != nil {
		return answer(fmt.Errorf("commit: %w", err))
	}
	c.batches.Add(1)
	c.writes.Add(int64(len(batch)))
	return answer(nil)
}

func (c *committer) runWithSavepoints(batch []*writeReq) {
	results := make([]error, len(batch))
	ran := make([]bool, len(batch))
	fail := func(err error) {
		for i, r := range batch {
			if results[i] == nil || ran[i] {
				results[i] = err
			}
			r.done <- results[i]
		}
	}
	ctx := context.Background()
	sqlTx, err := c.d.writer.BeginTx(ctx, nil)
	if err != nil {
		fail(fmt.Errorf("begin: %w", err))
		return
	}
	t := &tx{d: c.d, tx: sqlTx, ctx: ctx, cache: c.d.wstmts}
	start := time.Now()
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if _, err := t.exec("SAVEPOINT w"); err != nil {
			_ = sqlTx.Rollback()
			fail(errBatchAborted)
			return
		}
		t.ctx = context.WithoutCancel(r.ctx)
		ferr := runGuarded(r.fn, t)
		t.ctx = ctx
		if ferr != nil {
			results[i] = ferr
			if _, err := t.exec("ROLLBACK TO w"); err != nil {
				_ = sqlTx.Rollback()
				fail(errBatchAborted)
				return
			}
		} else {
			ran[i] = true
		}
		if _, err := t.exec("RELEASE w"); err != nil {
			_ = sqlTx.Rollback()
			fail(errBatchAborted)
			return
		}
	}
	if err := c.commit(sqlTx, start); err != nil {
		fail(fmt.Errorf("commit: %w", err))
		return
	}
	c.batches.Add(1)
	c.writes.Add(int64(len(batch)))
	for i, r := range batch {
		r.done <- results[i]
	}
}

// commit commits a batch whose writes began running at start, and accounts for the time.
func (c *committer) commit(sqlTx *sql.Tx, start time.Time) error {
	at := time.Now()
	c.writesNs.Add(int64(at.Sub(start)))
	err := sqlTx.Commit()
	c.commitNs.Add(int64(time.Since(at)))
	return err
}

// runGuarded turns a panic in one write into that write's error, so it cannot take the other
// writes of its batch (or the committer) down with it.
func runGuarded(fn func(store.Tx) error, t *tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sqlstore: write panicked: %v", p)
		}
	}()
	return fn(t)
}
