package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/store"
)

// openWithCheckpointer opens a SQLite store whose checkpointer runs every `every` and lets the
// WAL grow to tail pages.
func openWithCheckpointer(t *testing.T, every time.Duration, tail int64) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ckpt.db")
	d, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	// No write has run yet, so the committer is not looking at d.ckpt.
	d.ckpt.close()
	if err := d.startCheckpointer(path, every, tail); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, path
}

func bigMerchant(i int) func(store.Tx) error {
	return func(tx store.Tx) error {
		return tx.InsertMerchant(&domain.Merchant{ID: fmt.Sprintf("ORG%010d", i), Name: strings.Repeat("n", 3000),
			TokenHash: fmt.Sprintf("hash%d", i), CallbackSecret: "s", Settings: domain.DefaultMerchantSettings(), CreatedAt: time.Unix(0, 0)})
	}
}

func pragmaInt(t *testing.T, db rowQuerier, pragma string) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRowContext(context.Background(), "PRAGMA "+pragma).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The store's writer never checkpoints on commit (that is the checkpointer's job), while the
// DSN the benchmark's baseline uses keeps SQLite's default.
func TestWriterLeavesCheckpointsToTheCheckpointer(t *testing.T) {
	d, path := openWithCheckpointer(t, time.Hour, tailPages)
	if n := pragmaInt(t, d.writer, "wal_autocheckpoint"); n != 0 {
		t.Errorf("writer wal_autocheckpoint = %d, want 0", n)
	}
	if n := pragmaInt(t, d.writer, "synchronous"); n != 2 {
		t.Errorf("writer synchronous = %d, want 2 (FULL)", n)
	}
	base, err := openBaselineLike(path)
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	if n := pragmaInt(t, base, "wal_autocheckpoint"); n != 1000 {
		t.Errorf("SQLiteWriterDSN wal_autocheckpoint = %d, want SQLite's default 1000", n)
	}
}

// Under a steady stream of writes the WAL does not grow past the tail: the checkpointer copies
// in the background, and once the WAL is longer than tail the writer checkpoints the rest so
// the next write starts the WAL over. Every write is still there after reopening.
func TestCheckpointerKeepsTheWALShort(t *testing.T) {
	const tail = 64 // pages
	d, path := openWithCheckpointer(t, time.Millisecond, tail)
	ctx := context.Background()
	const writers, each = 4, 150 // each write dirties a page or more: far more than tail in all
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if err := d.Write(ctx, bigMerchant(w*each+i)); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	runs, tails, failures, longest := d.CheckpointStats()
	t.Logf("checkpoints: %d background, %d by the writer, %d failed; longest WAL %d pages", runs, tails, failures, longest)
	if runs == 0 {
		t.Error("the checkpointer never ran")
	}
	if failures != 0 {
		t.Errorf("%d checkpoints failed", failures)
	}
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	// The WAL file keeps its largest size; it must stay near tail pages, not hold every write.
	pageSize := pragmaInt(t, d.writer, "page_size")
	limit := 4 * tail * (pageSize + 24)
	if fi.Size() > limit {
		t.Errorf("WAL file is %d bytes after %d writes of a page or more; want at most %d (about %d pages)", fi.Size(), writers*each, limit, 4*tail)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	var n int
	if err := again.reader.QueryRow(`SELECT COUNT(*) FROM merchants`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != writers*each {
		t.Errorf("%d merchants after reopening, want %d", n, writers*each)
	}
}

// The writer runs its own checkpoint only when the checkpointer asked for it, once, and the
// write after it starts the WAL over instead of appending to it.
func TestWriterCheckpointsOnlyWhenAsked(t *testing.T) {
	// The background checkpointer runs once, after the first batch, then sleeps an hour.
	d, path := openWithCheckpointer(t, time.Hour, tailPages)
	ctx := context.Background()
	write := func(from, to int) {
		t.Helper()
		for i := from; i < to; i++ {
			if err := d.Write(ctx, bigMerchant(i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	walSize := func() int64 {
		t.Helper()
		fi, err := os.Stat(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	write(0, 60)
	if _, tails, _, _ := d.CheckpointStats(); tails != 0 {
		t.Fatalf("writer checkpointed %d times without being asked", tails)
	}
	grown := walSize()
	write(60, 70)
	if walSize() <= grown {
		t.Fatalf("WAL did not grow without checkpoints (%d then %d bytes): the test cannot tell a restart", grown, walSize())
	}
	d.ckpt.wantTail.Store(true)
	write(70, 71) // appends to the WAL, then checkpoints after its batch is answered
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		if _, tails, _, _ := d.CheckpointStats(); tails == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the writer did not checkpoint after being asked")
		}
	}
	if ws := d.WriterStats(); ws.WriterCheckpoints != 1 || ws.WriterCheckpointing <= 0 || ws.Checkpoints < 1 {
		t.Errorf("writer stats: %d checkpoints by the writer taking %v, %d beside it; want 1, more than 0, at least 1",
			ws.WriterCheckpoints, ws.WriterCheckpointing, ws.Checkpoints)
	}
	grown = walSize()
	write(71, 80) // the first of these starts the WAL over
	if _, tails, _, _ := d.CheckpointStats(); tails != 1 {
		t.Fatalf("writer checkpointed %d times after one request, want 1", tails)
	}
	if got := walSize(); got != grown {
		t.Errorf("WAL is %d bytes after the writer's checkpoint and 9 more writes, want it reused from the start (%d)", got, grown)
	}
}

// openBaselineLike opens path the way the benchmark's baseline does.
func openBaselineLike(path string) (*sql.DB, error) { return sql.Open("sqlite", SQLiteWriterDSN(path)) }

// After each checkpoint the checkpointer starts the database file's write-back; a write-back
// that fails once is not tried again, and checkpoints go on without it.
func TestCheckpointerStartsWriteback(t *testing.T) {
	for _, fail := range []bool{false, true} {
		t.Run(fmt.Sprintf("failing=%v", fail), func(t *testing.T) {
			d, _ := openWithCheckpointer(t, time.Millisecond, tailPages)
			var calls atomic.Int64
			// No write has run yet, so the checkpointer's loop has not looked at it: every
			// write below reaches the loop through the committer's wake-up, after this.
			d.ckpt.writeback = func() error {
				calls.Add(1)
				if fail {
					return errors.New("not supported")
				}
				return nil
			}
			ctx := context.Background()
			for i := 0; i < 5; i++ {
				if err := d.Write(ctx, bigMerchant(i)); err != nil {
					t.Fatal(err)
				}
				// Let the checkpointer run after each one (it waits 1 ms between runs).
				for deadline := time.Now().Add(5 * time.Second); d.ckpt.runs.Load() <= int64(i); time.Sleep(time.Millisecond) {
					if time.Now().After(deadline) {
						t.Fatalf("checkpointer ran %d times after %d writes", d.ckpt.runs.Load(), i+1)
					}
				}
			}
			d.ckpt.close() // its loop is over: the counts are final
			runs, got := d.ckpt.runs.Load(), calls.Load()
			switch {
			case fail && got != 1:
				t.Errorf("a failing write-back was called %d times in %d checkpoints, want once", got, runs)
			case !fail && (got < 5 || got != runs):
				t.Errorf("write-back called %d times in %d checkpoints, want once each (at least 5)", got, runs)
			}
			if f := d.ckpt.failures.Load(); f != 0 {
				t.Errorf("%d checkpoints failed", f)
			}
		})
	}
}

// The store keeps the database file open for write-back hints until every connection is
// closed, and the hint itself works on it.
func TestStoreHoldsTheDatabaseFileUntilClosed(t *testing.T) {
	d, path := openWithCheckpointer(t, time.Hour, tailPages)
	if d.dbFile == nil || d.ckpt.writeback == nil {
		t.Fatal("the store did not open the database file for write-back")
	}
	if fi, err := d.dbFile.Stat(); err != nil || !sameFile(t, fi, path) {
		t.Fatalf("held file is not %s (%v)", path, err)
	}
	if err := d.Write(context.Background(), bigMerchant(1)); err != nil {
		t.Fatal(err)
	}
	if err := d.ckpt.writeback(); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("write-back on the database file: %v", err)
	}
	f := d.dbFile
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if d.dbFile != nil {
		t.Error("the store still holds the database file after Close")
	}
	if _, err := f.Stat(); err == nil {
		t.Error("the database file is still open after Close")
	}
}

func sameFile(t *testing.T, fi os.FileInfo, path string) bool {
	t.Helper()
	other, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return os.SameFile(fi, other)
}
