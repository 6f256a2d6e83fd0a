package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// Group commit on PostgreSQL. With a transaction per write, an order create cost the server
// seven statements with a round trip each (BEGIN, four inserts, COMMIT, and the token check),
// and PostgreSQL's CPU per statement, not its disk, set the pace. Here pgCommitters goroutines,
// each with a connection of its own, take every write waiting at that moment and run them in one
// transaction through a pipeline (pipeline.go): one message with all their queued statements,
// then COMMIT. Two committers let one batch run while the other's COMMIT waits for the WAL
// flush; more only made batches smaller (create, 32 clients: 1 ≈ 2 ≥ 3 > 4 > 8 committers).
// Nobody is answered before that COMMIT has returned (synchronous_commit as the server has
// it), so an acknowledged write is as durable as before.
//
// A write that fails before any of its changes were sent is dropped from the batch alone. If a
// failing write's changes were already sent, or a queued statement fails or affects other rows
// than expected, the batch is rolled back and each of its writes runs again in a transaction
// of its own on the pool (errRunAlone), exactly as without group commit; so does every write
// when the committer cannot reach the database.
//
// Row locks are held to the end of the batch. Two batches (of two committers or two nodes)
// locking the same rows in opposite order deadlock; PostgreSQL breaks it and the batch that
// loses is run again one write at a time.

const (
	pgCommitters  = 2
	pgMaxBatch    = 128
	pgBatchLimit  = 30 * time.Second // a batch that takes longer is abandoned (and its connection closed)
	pgConnectWait = 5 * time.Second
)

// errRunAlone: the write was not committed in its batch; Write runs it in its own transaction.
var errRunAlone = errors.New("sqlstore: batch rolled back, run the write on its own")

type pgCommitter struct {
	*writeQueue
	batches atomic.Int64
	writes  atomic.Int64
	redone  atomic.Int64 // batches whose writes ran again one by one
	d       *DB
	cfg     *pgx.ConnConfig
	wg      sync.WaitGroup
}

func newPGCommitter(d *DB, cfg *pgx.ConnConfig) *pgCommitter {
	c := &pgCommitter{writeQueue: newWriteQueue(pgMaxBatch), d: d, cfg: cfg}
	for range pgCommitters {
		c.wg.Add(1)
		go c.loop()
	}
	return c
}

func (c *pgCommitter) close() {
	c.writeQueue.close()
	c.wg.Wait()
}

func (c *pgCommitter) loop() {
	defer c.wg.Done()
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			_ = conn.Close(context.Background())
		}
	}()
	batch := make([]*writeReq, 0, pgMaxBatch)
	for {
		var ok bool
		if batch, ok = c.next(batch, pgMaxBatch); !ok {
			return
		}
		if conn == nil || conn.IsClosed() {
			conn = c.connect()
		}
		if conn == nil {
			for _, r := range batch {
				r.done <- errRunAlone
			}
			continue
		}
		c.run(conn, batch)
	}
}

func (c *pgCommitter) connect() *pgx.Conn {
	ctx, cancel := context.WithTimeout(context.Background(), pgConnectWait)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, c.cfg)
	if err != nil {
		return nil
	}
	return conn
}

// run runs one batch and answers every write in it.
func (c *pgCommitter) run(conn *pgx.Conn, batch []*writeReq) {
	ctx, cancel := context.WithTimeout(context.Background(), pgBatchLimit)
	defer cancel()
	results := make([]error, len(batch))
	ran := make([]bool, len(batch))
	gone := make([]bool, len(batch)) // its context ended before it ran
	answer := func() {
		for i, r := range batch {
			r.done <- results[i]
		}
	}
	// runAlone answers every write that was not cancelled with errRunAlone, the ones that failed
	// too: they failed against changes of other writes that are now rolled back.
	runAlone := func() {
		c.redone.Add(1)
		for i := range batch {
			if !gone[i] {
				results[i] = errRunAlone
			}
		}
		answer()
	}
	p := newPipeline(ctx, conn)
	t := &tx{d: c.d, ctx: ctx, pipe: p}
	n := 0
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i], gone[i] = err, true
			continue
		}
		mark := p.mark()
		ferr := runGuarded(r.fn, t)
		if p.err != nil {
			p.rollback()
			runAlone()
			return
		}
		if ferr != nil {
			switch {
			case p.sentSince(mark):
				p.rollback()
				runAlone()
				return
			case p.hasQueuedSince(mark):
				// It failed after statements whose outcome it took on trust: its error may
				// come from that trust. It runs again on its own, where nothing is.
				p.dropSince(mark)
				results[i] = errRunAlone
			default:
				// Only reads, which are exact: the error stands.
				results[i] = ferr
			}
			continue
		}
		ran[i] = true
		n++
	}
	if n == 0 {
		p.rollback()
		answer()
		return
	}
	if err := p.flush(); err != nil {
		p.rollback()
		runAlone()
		return
	}
	if err := p.commit(); err != nil {
		// The COMMIT may or may not have happened: say so, as a lone transaction would.
		_ = conn.Close(context.Background())
		for i := range batch {
			if ran[i] {
				results[i] = fmt.Errorf("commit: %w", err)
			}
		}
		answer()
		return
	}
	c.batches.Add(1)
	c.writes.Add(int64(n))
	answer()
}
