package sqlstore

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
)

func cached(c *stmtCache, q string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.stmts[q] != nil
}

// A statement first runs unprepared (the writer's one connection is busy inside the batch),
// is prepared after the batch, and later writes and reads run on the prepared statement with
// the same results.
func TestStatementCache(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, filepath.Join(t.TempDir(), "stmt.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	const q = `SELECT offset_us FROM sandbox_clock WHERE id = 1`
	if cached(d.wstmts, q) || cached(d.rstmts, q) {
		t.Fatal("cached before first use")
	}
	advance := func() time.Duration {
		var got time.Duration
		if err := d.Write(ctx, func(tx store.Tx) error {
			var err error
			got, err = tx.AdvanceSandboxClock(time.Second)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := advance(); got != time.Second {
		t.Fatalf("first advance = %v", got)
	}
	// The committer prepares after answering the batch, before it starts the next one.
	if got := advance(); got != 2*time.Second {
		t.Fatalf("second advance = %v, want 2s", got)
	}
	const adv = `UPDATE sandbox_clock SET offset_us = offset_us + ? WHERE id = 1 RETURNING offset_us`
	if !cached(d.wstmts, adv) {
		t.Fatal("writer statement not prepared after its batch")
	}
	if got := advance(); got != 3*time.Second {
		t.Fatalf("advance on the prepared statement = %v, want 3s", got)
	}

	// Readers: concurrent transactions on several connections of the pool.
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				err := d.Read(ctx, func(tx store.Tx) error {
					off, err := tx.SandboxClockOffset()
					if err == nil && off != 3*time.Second {
						err = fmt.Errorf("offset %v", off)
					}
					return err
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if !cached(d.rstmts, q) {
		t.Fatal("reader statement not prepared")
	}

	// A failing statement on a prepared path fails alone and the cache keeps working.
	m := &domain.Merchant{ID: "ORG1", Name: "a", TokenHash: "h", CallbackSecret: "s", Settings: domain.DefaultMerchantSettings()}
	for i, want := range []error{nil, store.ErrDuplicate, store.ErrDuplicate} {
		err := d.Write(ctx, func(tx store.Tx) error { return tx.InsertMerchant(m) })
		if !errors.Is(err, want) && !(want == nil && err == nil) {
			t.Fatalf("insert %d: err = %v, want %v", i, err, want)
		}
	}
	if got := advance(); got != 4*time.Second {
		t.Fatalf("advance after failures = %v, want 4s", got)
	}
}
