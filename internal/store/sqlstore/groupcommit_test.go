package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/store"
	"github.com/fpgo/fpgo/internal/store/sqlstore"
)

func openSQLite(t *testing.T) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), filepath.Join(t.TempDir(), "gc.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func insertMerchant(id string) func(store.Tx) error {
	return func(tx store.Tx) error {
		return tx.InsertMerchant(&domain.Merchant{ID: id, Name: id, TokenHash: "h" + id, CallbackSecret: "s",
			Settings: domain.DefaultMerchantSettings(), CreatedAt: time.Unix(0, 0)})
	}
}

// insertMerchantsConcurrently writes merchants ORG000… from n goroutines at once.
func insertMerchantsConcurrently(t *testing.T, db *sqlstore.DB, n int) {
	t.Helper()
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if err := db.Write(context.Background(), insertMerchant(fmt.Sprintf("ORG%03d", i))); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
}

// Writes that fail or panic inside a batch roll back alone; every other write of the batch
// commits, and the batching really happens (fewer commits than writes).
func TestGroupCommitIsolatesFailures(t *testing.T) {
	db := openSQLite(t)
	ctx := context.Background()
	release := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		// Hold the committer so the writes below queue up and form one batch.
		_ = db.Write(ctx, func(tx store.Tx) error { <-release; return insertMerchant("ORGFIRST")(tx) })
	}()
	time.Sleep(20 * time.Millisecond)
	const n = 60
	errs := make([]error, n)
	boom := errors.New("boom")
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			id := fmt.Sprintf("ORG%03d", i)
			errs[i] = db.Write(ctx, func(tx store.Tx) error {
				if err := insertMerchant(id)(tx); err != nil {
					return err
				}
				switch i % 3 {
				case 1:
					return boom
				case 2:
					panic("write panicked on purpose")
				}
				return nil
			})
		}(i)
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	var ms []domain.Merchant
	if err := db.Read(ctx, func(tx store.Tx) error { var err error; ms, err = tx.ListMerchants(); return err }); err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, m := range ms {
		have[m.ID] = true
	}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("ORG%03d", i)
		switch i % 3 {
		case 0:
			if errs[i] != nil || !have[id] {
				t.Errorf("%s: err=%v stored=%v, want committed", id, errs[i], have[id])
			}
		case 1:
			if !errors.Is(errs[i], boom) || have[id] {
				t.Errorf("%s: err=%v stored=%v, want boom and rolled back", id, errs[i], have[id])
			}
		case 2:
			if errs[i] == nil || have[id] {
				t.Errorf("%s: err=%v stored=%v, want panic error and rolled back", id, errs[i], have[id])
			}
		}
	}
	if !have["ORGFIRST"] {
		t.Error("the first write was lost")
	}
	batches, writes, redone := db.GroupCommitStats()
	if writes != n+1 || batches >= writes {
		t.Errorf("%d writes in %d commits: concurrent writes were not grouped", writes, batches)
	}
	if redone == 0 {
		t.Error("batches with failing writes were not run again with savepoints")
	}
}

// A batch in which every write succeeds commits without savepoints; a lone write that fails is
// rolled back without one.
func TestGroupCommitWithoutFailuresNeedsNoSavepoints(t *testing.T) {
	db := openSQLite(t)
	ctx := context.Background()
	insertMerchantsConcurrently(t, db, 40)
	boom := errors.New("boom")
	err := db.Write(ctx, func(tx store.Tx) error {
		if err := insertMerchant("ORGLONE")(tx); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("lone failing write: %v", err)
	}
	var ms []domain.Merchant
	if err := db.Read(ctx, func(tx store.Tx) error { var err error; ms, err = tx.ListMerchants(); return err }); err != nil {
		t.Fatal(err)
	}
	if len(ms) != 40 {
		t.Fatalf("%d merchants stored, want 40 (the failing write rolled back)", len(ms))
	}
	if _, writes, redone := db.GroupCommitStats(); writes != 40 || redone != 0 {
		t.Fatalf("writes=%d redone=%d, want 40 and 0", writes, redone)
	}
}

func TestGroupCommitCancelledBeforeRunChangesNothing(t *testing.T) {
	db := openSQLite(t)
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.Write(context.Background(), func(tx store.Tx) error { <-release; return nil })
	}()
	time.Sleep(20 * time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() { res <- db.Write(ctx, insertMerchant("ORGCANCEL")) }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := <-res; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled write: err = %v", err)
	}
	err := db.Read(context.Background(), func(tx store.Tx) error { _, err := tx.MerchantByID("ORGCANCEL"); return err })
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("cancelled write was stored: %v", err)
	}
}

// A write that has begun runs to its end even if its request is cancelled meanwhile: its
// statements share the batch's transaction, which a cancelled request must not interrupt (and
// watching each request's context cost the driver a goroutine per statement).
func TestGroupCommitCancelledWhileRunningCommits(t *testing.T) {
	db := openSQLite(t)
	ctx, cancel := context.WithCancel(context.Background())
	err := db.Write(ctx, func(tx store.Tx) error {
		cancel()
		return insertMerchant("ORGLATE")(tx)
	})
	if err != nil {
		t.Fatalf("write cancelled while running: err = %v, want it committed", err)
	}
	if err := db.Read(context.Background(), func(tx store.Tx) error { _, err := tx.MerchantByID("ORGLATE"); return err }); err != nil {
		t.Fatalf("write cancelled while running was not stored: %v", err)
	}
}

func TestWriteAfterCloseFails(t *testing.T) {
	db, err := sqlstore.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := db.Write(context.Background(), insertMerchant("ORGX")); err == nil {
		t.Fatal("write after close succeeded")
	}
}

// The writer's time is accounted for: a write that takes 20 ms shows in the time spent running
// writes, COMMIT has its own share, and both are part of the time the writer was busy.
func TestWriterStatsAccountForTheWritersTime(t *testing.T) {
	db := openSQLite(t)
	ctx := context.Background()
	const slow = 20 * time.Millisecond
	if err := db.Write(ctx, func(tx store.Tx) error {
		time.Sleep(slow)
		return insertMerchant("ORGSLOW")(tx)
	}); err != nil {
		t.Fatal(err)
	}
	insertMerchantsConcurrently(t, db, 20)
	s := db.WriterStats()
	if s.Writes != 21 || s.Batches < 1 || s.Batches > 21 || s.Redone != 0 {
		t.Errorf("stats %+v, want 21 writes in 1 to 21 batches", s)
	}
	if s.RunningWrites < slow {
		t.Errorf("running writes %v, less than the %v one write took", s.RunningWrites, slow)
	}
	if s.Commit <= 0 || s.Busy < s.RunningWrites+s.Commit {
		t.Errorf("commit %v, busy %v: busy must hold running writes %v and commit", s.Commit, s.Busy, s.RunningWrites)
	}
}
