package sqlstore

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
	"time"
)

// A WAL checkpoint copies committed pages from the -wal file into the database file and syncs
// it. By default SQLite runs one on the committing connection once the WAL holds 1000 pages;
// with group commit that was every twentieth batch, and each such commit took three to five
// times as long as the others (the copy and two more fsyncs) while every request queued behind
// the single writer waited: 5% of the commits, 40% of the writer's time in COMMIT.
//
// So the writer connection never checkpoints by itself (wal_autocheckpoint=0) and a
// checkpointer does it on a connection of its own, beside the writer, at most every
// checkpointEvery while writes come in: a PASSIVE checkpoint neither blocks the writer nor is
// blocked by it.
//
// A checkpoint only copies frames committed before it began, and SQLite starts the WAL over
// from its beginning only when a write transaction begins with every frame copied. Under steady
// load the writer has always committed more by the time a background checkpoint ends, so the
// WAL would grow for as long as the load lasts. When the checkpointer finds the WAL longer than
// tailPages it asks the writer to run one PASSIVE checkpoint itself, between two batches: that
// one copies only what was committed since the last background run, and the write after it
// starts the WAL over.
//
// SQLite syncs the database file only in a checkpoint that copies the whole WAL; the partial
// ones beside a busy writer leave the pages they copied in the page cache, so the checkpoint
// that finally completes (often the writer's own, above) wrote back everything copied since
// the last one: a few megabytes of scattered pages in one sync, 4-7 ms of a stalled writer
// every 150 ms, and every WAL sync of the writer meanwhile waited behind it on the disk. After
// each checkpoint the checkpointer therefore asks the kernel to start writing the database
// file's dirty pages out (writeback_linux.go) without waiting for them, so the completing sync
// finds little left to do.
//
// Durability does not depend on any of this: a commit is durable once its WAL frames are synced
// (synchronous=FULL), a checkpoint syncs the WAL before it copies from it, and SQLite syncs the
// database file before the WAL may start over. Starting writeback early changes none of that.

const (
	// checkpointEvery spaces background checkpoints while writes keep coming. Each copies what
	// the batches since the last one dirtied, and SQLite syncs the WAL before every one: a
	// cache flush of the disk that the writer's next commit waits behind. Too far apart, each
	// write-back is large and holds up the writer's WAL sync (open-loop create p99 at 2 500/s
	// was 130-150 ms with 20-100 ms spacing and 15-23 ms with 5 ms, before the write-back was
	// started after each checkpoint; with it, 25 ms made the writer's own checkpoints twice as
	// long). Too close, the extra WAL syncs cost throughput: 15 ms instead of 5 gave more
	// creates a second in 8 of 8 interleaved closed-loop runs (1-16%, 8.5% on average), with
	// no worse a tail.
	checkpointEvery = 15 * time.Millisecond
	// tailPages is the WAL length (8 MiB with the 2 KiB pages of a new database) past which
	// the writer checkpoints the rest itself so the WAL can start over.
	tailPages = 4096
)

type checkpointer struct {
	db       *sql.DB // a connection of its own
	wake     chan struct{}
	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
	every    time.Duration
	tail     int64
	wantTail atomic.Bool
	// writeback starts writing the database file's dirty pages out without waiting (nil: never,
	// also after it failed once).
	writeback func() error

	runs     atomic.Int64 // background checkpoints run
	tails    atomic.Int64 // checkpoints the writer ran because the WAL grew past tail
	tailNs   atomic.Int64 // the writer's time in them: every write queued meanwhile waited
	failures atomic.Int64 // checkpoints that returned an error
	longest  atomic.Int64 // longest WAL seen by a checkpoint, in pages
}

func newCheckpointer(db *sql.DB, every time.Duration, tail int64, writeback func() error) *checkpointer {
	c := &checkpointer{db: db, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
		every: every, tail: tail, writeback: writeback}
	go c.loop()
	return c
}

// committed tells the checkpointer a write transaction committed. It never blocks.
func (c *checkpointer) committed() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// tailDue reports (once) that the writer should checkpoint after its commit.
func (c *checkpointer) tailDue() bool { return c.wantTail.Load() && c.wantTail.Swap(false) }

// ranTail records a checkpoint the writer ran, and how long it took.
func (c *checkpointer) ranTail(took time.Duration, err error) {
	c.tails.Add(1)
	c.tailNs.Add(int64(took))
	if err != nil {
		c.failures.Add(1)
	}
}

func (c *checkpointer) loop() {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			return
		case <-c.wake:
		}
		pages, err := checkpointPassive(context.Background(), c.db)
		c.runs.Add(1)
		switch {
		case err != nil:
			c.failures.Add(1)
		case pages > c.tail:
			c.wantTail.Store(true)
		}
		if err == nil && c.writeback != nil {
			if c.writeback() != nil {
				// Not there (another OS, an old kernel) or not allowed: syncs still happen as
				// they did, only less evenly.
				c.writeback = nil
			}
		}
		if pages > c.longest.Load() {
			c.longest.Store(pages)
		}
		select {
		case <-c.stop:
			return
		case <-time.After(c.every):
		}
	}
}

// close stops the checkpointer and closes its connection; the writer closes last and, as
// SQLite does on the last connection, checkpoints what is left.
func (c *checkpointer) close() {
	c.stopOnce.Do(func() {
		close(c.stop)
		<-c.done
		c.db.Close()
	})
}

type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// checkpointPassive runs a PASSIVE checkpoint and returns the WAL's length in pages.
func checkpointPassive(ctx context.Context, db rowQuerier) (walPages int64, err error) {
	var busy, copied int64
	err = db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &walPages, &copied)
	return walPages, err
}

// CheckpointStats reports the background checkpointer's work (zeros on PostgreSQL): background
// checkpoints run, checkpoints the writer ran to let the WAL start over, failed checkpoints,
// and the longest WAL a checkpoint saw, in pages.
func (d *DB) CheckpointStats() (runs, tails, failures, longestWAL int64) {
	if d.ckpt == nil {
		return 0, 0, 0, 0
	}
	return d.ckpt.runs.Load(), d.ckpt.tails.Load(), d.ckpt.failures.Load(), d.ckpt.longest.Load()
}
