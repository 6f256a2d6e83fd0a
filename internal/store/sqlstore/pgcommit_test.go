package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/store"
	"github.com/fpgo/fpgo/internal/store/pgtest"
)

// The PostgreSQL group committer: batches are built by hand and given to run, so each case
// knows exactly which writes share a transaction.

func openPG(t *testing.T) (*DB, string) {
	t.Helper()
	dsn := pgtest.URL(t)
	d, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Write(context.Background(), func(tx store.Tx) error {
		return tx.InsertMerchant(&domain.Merchant{ID: "ORG1", Name: "m", TokenHash: "h1", CallbackSecret: "s",
			Settings: domain.DefaultMerchantSettings(), CreatedAt: time.Unix(0, 0)})
	}); err != nil {
		t.Fatal(err)
	}
	return d, dsn
}

func pgConn(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func testOrder(uuid string) *domain.Order {
	at := time.Unix(1_700_000_000, 0).UTC()
	return &domain.Order{UUID: uuid, OrgID: "ORG1", Type: domain.TypePaymentLink, Status: domain.StatusSent, Currency: "NOK",
		Lines: []domain.Line{
			{Name: "a", Quantity: 1000, Rate: 10_00, Amount: 10_00},
			{Name: "b", Quantity: 2000, Rate: 5_00, Amount: 10_00},
		},
		Summary: domain.Summary{GrandTotal: 20_00}, CreatedAt: at, UpdatedAt: at}
}

func createOrder(uuid string) func(store.Tx) error {
	return func(tx store.Tx) error {
		c := &domain.Customer{UUID: "CSRT" + uuid, OrgID: "ORG1", Type: domain.Private, Name: "n"}
		if err := tx.InsertCustomer(c); err != nil {
			return err
		}
		return tx.InsertOrder(testOrder(uuid))
	}
}

// runBatch runs fns as one batch on conn and returns each write's answer.
func runBatch(t *testing.T, d *DB, conn *pgx.Conn, fns ...func(store.Tx) error) []error {
	t.Helper()
	batch := make([]*writeReq, len(fns))
	for i, fn := range fns {
		batch[i] = &writeReq{ctx: context.Background(), fn: fn, done: make(chan error, 1)}
	}
	d.pgCommits.run(conn, batch)
	out := make([]error, len(fns))
	for i, r := range batch {
		out[i] = <-r.done
	}
	return out
}

func orderExists(t *testing.T, d *DB, uuid string) bool {
	t.Helper()
	err := d.Read(context.Background(), func(tx store.Tx) error { _, err := tx.OrderByUUID("ORG1", uuid, false); return err })
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

func TestPGBatchCommitsItsWritesTogether(t *testing.T) {
	d, dsn := openPG(t)
	conn := pgConn(t, dsn)
	before, _, _ := d.GroupCommitStats()
	var fns []func(store.Tx) error
	for i := range 10 {
		fns = append(fns, createOrder(fmt.Sprintf("ODR%d", i)))
	}
	for i, err := range runBatch(t, d, conn, fns...) {
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	batches, writes, redone := d.GroupCommitStats()
	if batches-before != 1 || redone != 0 {
		t.Fatalf("batches %d (+%d), writes %d, redone %d: want one more batch and nothing redone", batches, batches-before, writes, redone)
	}
	ids := map[int64]bool{}
	for i := range 10 {
		var o *domain.Order
		if err := d.Read(context.Background(), func(tx store.Tx) error {
			var err error
			o, err = tx.OrderByUUID("ORG1", fmt.Sprintf("ODR%d", i), false)
			return err
		}); err != nil {
			t.Fatalf("order %d: %v", i, err)
		}
		for _, l := range o.Lines {
			if l.ID == 0 || ids[l.ID] {
				t.Fatalf("line id %d is zero or repeated", l.ID)
			}
			ids[l.ID] = true
		}
	}
}

// A write that fails on reads alone fails alone; one that fails after queuing changes runs again
// on its own (its failure may come from trusting them); a panic is that write's error. The
// other writes of the batch commit in it.
func TestPGBatchFailingWritesLeaveTheOthers(t *testing.T) {
	d, dsn := openPG(t)
	conn := pgConn(t, dsn)
	boom := errors.New("boom")
	errs := runBatch(t, d, conn,
		createOrder("ODR1"),
		func(tx store.Tx) error { _, err := tx.OrderByUUID("ORG1", "ODRMISSING", true); return err },
		func(tx store.Tx) error {
			if err := createOrder("ODR2")(tx); err != nil {
				return err
			}
			return boom
		},
		func(tx store.Tx) error { panic("on purpose") },
		createOrder("ODR3"),
	)
	if errs[0] != nil || errs[4] != nil {
		t.Fatalf("good writes: %v, %v", errs[0], errs[4])
	}
	if !errors.Is(errs[1], store.ErrNotFound) {
		t.Errorf("read-only failure: %v, want ErrNotFound", errs[1])
	}
	if !errors.Is(errs[2], errRunAlone) {
		t.Errorf("failure after queued changes: %v, want errRunAlone", errs[2])
	}
	if errs[3] == nil || errors.Is(errs[3], errRunAlone) {
		t.Errorf("panicking write: %v, want its own error", errs[3])
	}
	if !orderExists(t, d, "ODR1") || !orderExists(t, d, "ODR3") || orderExists(t, d, "ODR2") {
		t.Fatal("want ODR1 and ODR3 committed, ODR2 not")
	}
	if _, _, redone := d.GroupCommitStats(); redone != 0 {
		t.Fatalf("redone = %d, want 0", redone)
	}
	// Through Write the write that ran alone gets its own error, and changes nothing.
	err := d.Write(context.Background(), func(tx store.Tx) error {
		if err := createOrder("ODR2")(tx); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || orderExists(t, d, "ODR2") {
		t.Fatalf("Write of a failing write: %v (stored %v)", err, orderExists(t, d, "ODR2"))
	}
}

// A queued insert that finds its uuid taken affects no row: the batch must not commit on that
// trust. It is rolled back, every write runs again on its own, and there the collision is
// reported to the write that can draw a new id.
func TestPGBatchMissRollsBackAndRunsAlone(t *testing.T) {
	d, dsn := openPG(t)
	conn := pgConn(t, dsn)
	if err := d.Write(context.Background(), func(tx store.Tx) error { return tx.InsertOrder(testOrder("ODRTAKEN")) }); err != nil {
		t.Fatal(err)
	}
	var sawDuplicate bool
	collide := func(tx store.Tx) error {
		o := testOrder("ODRTAKEN")
		err := tx.InsertOrder(o)
		if errors.Is(err, store.ErrDuplicate) {
			sawDuplicate = true
			o.UUID = "ODRREDRAWN"
			err = tx.InsertOrder(o)
		}
		return err
	}
	errs := runBatch(t, d, conn, createOrder("ODR1"), collide, createOrder("ODR2"))
	for i, err := range errs {
		if !errors.Is(err, errRunAlone) {
			t.Fatalf("write %d: %v, want errRunAlone", i, err)
		}
	}
	if orderExists(t, d, "ODR1") || orderExists(t, d, "ODR2") {
		t.Fatal("a write of the rolled-back batch was committed")
	}
	if _, _, redone := d.GroupCommitStats(); redone != 1 {
		t.Fatalf("redone = %d, want 1", redone)
	}
	// What Write does with errRunAlone: each write in a transaction of its own.
	for _, fn := range []func(store.Tx) error{createOrder("ODR1"), collide, createOrder("ODR2")} {
		if err := d.runTx(context.Background(), d.writer, false, fn); err != nil {
			t.Fatal(err)
		}
	}
	if !sawDuplicate || !orderExists(t, d, "ODRREDRAWN") || !orderExists(t, d, "ODR1") || !orderExists(t, d, "ODR2") {
		t.Fatalf("after running alone: duplicate seen %v, redrawn %v", sawDuplicate, orderExists(t, d, "ODRREDRAWN"))
	}
}

// A stale version found by a queued UPDATE rolls the batch back, and puts the version the
// write had bumped in memory back, so running it again is refused as stale, not applied.
func TestPGBatchStaleUpdateUndoesTheVersion(t *testing.T) {
	d, dsn := openPG(t)
	conn := pgConn(t, dsn)
	if err := d.Write(context.Background(), createOrder("ODR1")); err != nil {
		t.Fatal(err)
	}
	var stale *domain.Order
	if err := d.Read(context.Background(), func(tx store.Tx) error {
		var err error
		stale, err = tx.OrderByUUID("ORG1", "ODR1", false)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := d.Write(context.Background(), func(tx store.Tx) error {
		o, err := tx.OrderByUUID("ORG1", "ODR1", true)
		if err != nil {
			return err
		}
		o.Status = domain.StatusPaid
		return tx.UpdateOrder(o)
	}); err != nil {
		t.Fatal(err)
	}
	stale.Status = domain.StatusCancelled
	errs := runBatch(t, d, conn, func(tx store.Tx) error { return tx.UpdateOrder(stale) })
	if !errors.Is(errs[0], errRunAlone) || stale.Version != 1 {
		t.Fatalf("stale update in a batch: %v, version %d; want errRunAlone and version 1", errs[0], stale.Version)
	}
	if err := d.Write(context.Background(), func(tx store.Tx) error { return tx.UpdateOrder(stale) }); !errors.Is(err, store.ErrStale) {
		t.Fatalf("Write of a stale update: %v, want ErrStale", err)
	}
}

// A statement error (here a reused idempotency key) aborts the PostgreSQL transaction; a change
// already sent by a write that then fails cannot be taken out of it. Both roll the batch back.
func TestPGBatchErrorsAfterSendingRollBack(t *testing.T) {
	d, dsn := openPG(t)
	conn := pgConn(t, dsn)
	save := func(key string) func(store.Tx) error {
		return func(tx store.Tx) error {
			return tx.SaveIdempotentResult("ORG1", key, store.IdempotentResult{RequestHash: "h", Result: []byte(`{}`)}, time.Unix(0, 0))
		}
	}
	if err := d.Write(context.Background(), save("K1")); err != nil {
		t.Fatal(err)
	}
	errs := runBatch(t, d, conn, createOrder("ODR1"), save("K1"))
	if !errors.Is(errs[0], errRunAlone) || !errors.Is(errs[1], errRunAlone) {
		t.Fatalf("batch with a unique violation: %v", errs)
	}
	if err := d.Write(context.Background(), save("K1")); !errors.Is(err, store.ErrStale) {
		t.Fatalf("reused key through Write: %v, want ErrStale (the caller replays)", err)
	}

	boom := errors.New("boom")
	errs = runBatch(t, d, conn, createOrder("ODR2"), func(tx store.Tx) error {
		// InsertMerchant's statement is sent at once (its count is looked at), then the write fails.
		if err := tx.InsertMerchant(&domain.Merchant{ID: "ORG2", Name: "m", TokenHash: "h2", CallbackSecret: "s",
			Settings: domain.DefaultMerchantSettings()}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(errs[0], errRunAlone) || !errors.Is(errs[1], errRunAlone) {
		t.Fatalf("batch with a failure after a sent change: %v", errs)
	}
	if orderExists(t, d, "ODR1") || orderExists(t, d, "ODR2") {
		t.Fatal("a write of a rolled-back batch was committed")
	}
	err := d.Read(context.Background(), func(tx store.Tx) error { _, err := tx.MerchantByID("ORG2"); return err })
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the failed write's change was committed: %v", err)
	}
	// The connection is usable after the rollbacks.
	if errs := runBatch(t, d, conn, createOrder("ODR3")); errs[0] != nil || !orderExists(t, d, "ODR3") {
		t.Fatalf("next batch: %v", errs[0])
	}
}

// Through Write: writes waiting while the committers are busy are grouped into batches.
func TestPGWritesAreGrouped(t *testing.T) {
	d, _ := openPG(t)
	ctx := context.Background()
	_, before, _ := d.GroupCommitStats()
	batchesBefore, _, _ := d.GroupCommitStats()
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range pgCommitters {
		wg.Go(func() {
			// Each holds a committer, so the writes below queue up.
			if err := d.Write(ctx, func(tx store.Tx) error { <-release; return nil }); err != nil {
				t.Error(err)
			}
		})
	}
	time.Sleep(50 * time.Millisecond)
	const n = 40
	for i := range n {
		wg.Go(func() {
			if err := d.Write(ctx, createOrder(fmt.Sprintf("ODR%d", i))); err != nil {
				t.Error(err)
			}
		})
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	batches, writes, _ := d.GroupCommitStats()
	if writes-before != n+pgCommitters || batches-batchesBefore >= writes-before {
		t.Fatalf("%d writes in %d commits: concurrent writes were not grouped", writes-before, batches-batchesBefore)
	}
	for i := range n {
		if !orderExists(t, d, fmt.Sprintf("ODR%d", i)) {
			t.Fatalf("ODR%d missing", i)
		}
	}
}

// When the server drops the committers' connections, writes go on: a batch that loses its
// connection runs its writes alone, and the committer connects again for the next one.
func TestPGCommitterReconnects(t *testing.T) {
	base := pgtest.URL(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	app := fmt.Sprintf("fpgo_reconnect_%d", time.Now().UnixNano())
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	d, err := Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	save := func(key string) func(store.Tx) error {
		return func(tx store.Tx) error {
			return tx.SaveIdempotentResult("ORG0", key, store.IdempotentResult{RequestHash: "h", Result: []byte(`{}`)}, time.Unix(0, 0))
		}
	}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			if err := d.Write(ctx, save(fmt.Sprintf("A%d", i))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var killed int
	if err := admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&killed); err != nil {
		t.Fatal(err)
	}
	if killed == 0 {
		t.Fatal("no connection of the store was found to drop")
	}
	// A read on a dropped pooled connection cannot begin; it is tried again on another.
	if err := d.Read(ctx, func(tx store.Tx) error { _, err := tx.IdempotentResult("ORG0", "A1"); return err }); err != nil {
		t.Fatalf("read after the connections were dropped: %v", err)
	}
	// Every write succeeds: a batch that finds its connection dropped runs its writes alone, and
	// a transaction that cannot begin on a dropped pooled connection is tried again.
	batches, _, _ := d.GroupCommitStats()
	for i := range 3 * pgCommitters {
		if err := d.Write(ctx, save(fmt.Sprintf("C%d", i))); err != nil {
			t.Fatalf("write %d after the connections were dropped: %v", i, err)
		}
	}
	// Not only through the fallback: the committers are back.
	if after, writes, redone := d.GroupCommitStats(); after == batches {
		t.Fatalf("no batch committed after %d connections were dropped (batches %d, writes %d, redone %d): the committers did not reconnect",
			killed, after, writes, redone)
	}
}

// Every connection of the store plans each statement for its parameters (see PostgresConfig): the
// pool's and the group committers'. A plan_cache_mode in the URL wins.
func TestPGConnectionsPlanEachExecution(t *testing.T) {
	mode := func(d *DB) (pool, committer string) {
		t.Helper()
		if err := d.reader.QueryRow(`SHOW plan_cache_mode`).Scan(&pool); err != nil {
			t.Fatal(err)
		}
		if err := d.Write(context.Background(), func(stx store.Tx) error {
			x := stx.(*tx)
			if x.pipe == nil {
				return fmt.Errorf("the write did not run on a committer's connection")
			}
			return x.row(`SHOW plan_cache_mode`).Scan(&committer)
		}); err != nil {
			t.Fatal(err)
		}
		return pool, committer
	}
	d, dsn := openPG(t)
	if pool, committer := mode(d); pool != "force_custom_plan" || committer != "force_custom_plan" {
		t.Fatalf("plan_cache_mode: pool %q, committer %q; want force_custom_plan", pool, committer)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("plan_cache_mode", "auto")
	u.RawQuery = q.Encode()
	d2, err := Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	if pool, committer := mode(d2); pool != "auto" || committer != "auto" {
		t.Fatalf("with plan_cache_mode=auto in the URL: pool %q, committer %q", pool, committer)
	}
}
