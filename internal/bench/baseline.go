package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/fpgo/fpgo/internal/ids"
	"github.com/fpgo/fpgo/internal/store/sqlstore"
)

// The raw storage baseline: what the database itself allows for the transaction an order
// create needs — one orders row, one order_lines row, one callback_events row — committed
// straight through database/sql, one transaction per order, with the durability settings the
// server uses. The server's figures are reported as ratios to it.

// SQLiteBaselineDSN opens path with the durability pragmas of the server's writer connection
// (WAL, synchronous=FULL, BEGIN IMMEDIATE) and SQLite's default checkpointing; the server's
// writer leaves checkpoints to its checkpointer instead.
func SQLiteBaselineDSN(path string) string { return sqlstore.SQLiteWriterDSN(path) }

// RowShape is the content of the baseline rows.
type RowShape struct {
	OrgID string
	Doc   string // the orders.doc JSON; a real order's document when one is available
}

// baselineOrgID names the merchant the baseline rows belong to.
const baselineOrgID = "ORG0000000001"

// syntheticDoc stands in for orders.doc when no order made by the server can be sampled; it has
// the fields and about the size of a real payment-link order document.
const syntheticDoc = `{"uuid":"ODR0000000000","type":"payment_link","status":"SENT","currency":"NOK",` +
	`"lines":[{"id":0,"name":"Hair Wash","productId":"HW-1","quantity":100,"rate":5100,"discount":0,"tax":0,"amount":5100,"refunded":0}],` +
	`"summary":{"subTotal":5100,"totalTax":0,"totalDiscount":0,"shippingCost":0,"grandTotal":5100},` +
	`"orderDate":"2026-01-01T00:00:00Z","customerUuid":"CSRT0000000000","customer":{"uuid":"CSRT0000000000","type":"private",` +
	`"name":"Kari Nordmann","countryCode":"+47","msisdn":"46567468","email":"kari@example.no","preferredLanguage":"en",` +
	`"address":{"street":"Luramyrveien 65","zip":"4313","city":"Sandnes","country":"NO"},"createdAt":"2026-01-01T00:00:00Z",` +
	`"updatedAt":"2026-01-01T00:00:00Z"},"references":{"referenceNo":"bench"},"callbacks":{"callbackUrl":"http://127.0.0.1:40000/callback?source=fpgo-bench"},` +
	`"invoiceAsPaymentOption":true,"language":"en","createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z"}`

// SampleDoc returns the document of the newest order in the database at dsn (as the server
// wrote it), or the synthetic one when there is none.
func SampleDoc(ctx context.Context, dsn string) string {
	driver, source := "sqlite", SQLiteBaselineDSN(dsn)
	if sqlstore.IsPostgres(dsn) {
		driver, source = "pgx", dsn
	}
	db, err := sql.Open(driver, source)
	if err != nil {
		return syntheticDoc
	}
	defer db.Close()
	var doc string
	if err := db.QueryRowContext(ctx, `SELECT doc FROM orders ORDER BY created_at DESC LIMIT 1`).Scan(&doc); err != nil || doc == "" {
		return syntheticDoc
	}
	return doc
}

// PrepareBaselineDB applies fpgo's migrations to dsn (so the baseline writes into the same
// tables, indexes and constraints as the server) and inserts the baseline's merchant.
func PrepareBaselineDB(ctx context.Context, dsn string) error {
	st, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return fmt.Errorf("baseline: migrate: %w", err)
	}
	if err := st.Close(); err != nil {
		return err
	}
	db, dialect, err := openBaseline(dsn, 1)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, rebind(dialect, `INSERT INTO merchants (id, name, org_number, token_hash, callback_secret, settings, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`), baselineOrgID, "fpgo bench baseline", "", "baseline-"+ids.Secret(""), "whsec_baseline", "{}", time.Now().UnixMicro())
	if err != nil {
		return fmt.Errorf("baseline: merchant: %w", err)
	}
	return nil
}

// openBaseline opens dsn the way the server's writer does: SQLite on one connection (writers
// queue in Go, as in the server), PostgreSQL with a connection per client and the server's
// connection settings (sqlstore.PostgresConfig: its plan_cache_mode).
func openBaseline(dsn string, clients int) (*sql.DB, string, error) {
	if sqlstore.IsPostgres(dsn) {
		cfg, err := sqlstore.PostgresConfig(dsn)
		if err != nil {
			return nil, "", err
		}
		db := stdlib.OpenDB(*cfg)
		db.SetMaxOpenConns(clients)
		db.SetMaxIdleConns(clients)
		return db, "postgres", nil
	}
	db, err := sql.Open("sqlite", SQLiteBaselineDSN(dsn))
	if err != nil {
		return nil, "", err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	return db, "sqlite", nil
}

func rebind(dialect, q string) string {
	if dialect != "postgres" {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// The baseline's statements: the same columns and conflict handling as the store's InsertOrder
// and EnqueueCallback (internal/store/sqlstore/tx.go), which take the new ids as the store does:
// the last insert rowid on SQLite, RETURNING id on PostgreSQL (see baselineStatements).
const (
	baselineInsertOrder = `INSERT INTO orders (uuid, org_id, type, status, customer_uuid, grand_total, refunded, invoice_number, due_at, version, doc, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`
	baselineInsertLine = `INSERT INTO order_lines (order_uuid, order_created, position, name, product_id, quantity, rate, discount, tax, amount, refunded)
		VALUES (?, (SELECT created_at FROM orders WHERE uuid = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	baselineInsertEvent = `INSERT INTO callback_events (org_id, kind, subject_uuid, status, payment_method, amount, subject_at, url, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// baselineStatements returns the three statements in dialect's form.
func baselineStatements(dialect string) [3]string {
	q := [3]string{baselineInsertOrder, baselineInsertLine, baselineInsertEvent}
	if dialect == "postgres" {
		q[1] += ` RETURNING id`
		q[2] += ` RETURNING id`
	}
	for i := range q {
		q[i] = rebind(dialect, q[i])
	}
	return q
}

// insertID runs a prepared INSERT of baselineStatements and returns the new id, as the store's
// insertID does.
func insertID(ctx context.Context, st *sql.Stmt, postgres bool, args ...any) (int64, error) {
	var id int64
	if postgres {
		err := st.QueryRowContext(ctx, args...).Scan(&id)
		return id, err
	}
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// BaselineResult is the measured raw rate.
type BaselineResult struct {
	Kind         string        // how it was measured
	Clients      int           //
	Transactions int           // committed
	Errors       int           //
	Elapsed      time.Duration //
	PerSecond    float64       // committed transactions per second
	Latency      Summary       // per transaction, including the wait for the connection
}

// insertOrderTx commits one order with its line and its outbox row in one transaction, on
// statements prepared once, as the server's store runs them.
func insertOrderTx(ctx context.Context, db *sql.DB, postgres bool, shape RowShape, q [3]*sql.Stmt) error {
	now := time.Now().UnixMicro()
	uuid := ids.New(ids.Order)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	res, err := tx.StmtContext(ctx, q[0]).ExecContext(ctx, uuid, shape.OrgID, "payment_link", "SENT", "CSRT0000000000", int64(5100), int64(0), "", nil, int64(1), shape.Doc, now, now)
	if err == nil {
		if n, _ := res.RowsAffected(); n == 0 {
			err = errCollision
		}
	}
	if err != nil {
		_ = tx.Rollback()
		return err
	}
	if _, err := insertID(ctx, tx.StmtContext(ctx, q[1]), postgres, uuid, uuid, 0, "Hair Wash", "HW-1", int64(100), int64(5100), int64(0), int64(0), int64(5100), int64(0)); err != nil {
		_ = tx.Rollback()
		return err
	}
	if _, err := insertID(ctx, tx.StmtContext(ctx, q[2]), postgres, shape.OrgID, "order", uuid, "SENT", "", "51.00", now, "http://127.0.0.1:40000/callback?source=fpgo-bench", now, now); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// errCollision: a random order id already taken (1 in 10^10 per row); the transaction is redone.
var errCollision = errors.New("baseline: order id collision")

// BaselineRun says how much a baseline commits: count transactions (the number of requests the
// server answered in the phase it is compared with), stopping early at limit should the disk be
// that slow; count 0 runs for limit.
type BaselineRun struct {
	Count int
	Limit time.Duration
}

// RunBaseline commits order+line+outbox transactions into dsn (prepared with PrepareBaselineDB)
// from clients goroutines, one transaction per order, as many as run says, and reports the rate.
func RunBaseline(ctx context.Context, dsn string, shape RowShape, clients int, run BaselineRun) (BaselineResult, error) {
	db, dialect, err := openBaseline(dsn, clients)
	if err != nil {
		return BaselineResult{}, err
	}
	defer db.Close()
	if shape.OrgID == "" {
		shape.OrgID = baselineOrgID
	}
	if shape.Doc == "" {
		shape.Doc = syntheticDoc
	}
	// Open the connections and prepare the statements before the clock starts, as a server
	// would have them.
	if err := db.PingContext(ctx); err != nil {
		return BaselineResult{}, err
	}
	var q [3]*sql.Stmt
	for i, text := range baselineStatements(dialect) {
		st, err := db.PrepareContext(ctx, text)
		if err != nil {
			return BaselineResult{}, fmt.Errorf("baseline: prepare: %w", err)
		}
		defer st.Close()
		q[i] = st
	}
	res := BaselineResult{Clients: clients}
	if dialect == "sqlite" {
		res.Kind = "Go database/sql, SQLite WAL synchronous=FULL, 1 writer connection, prepared statements, 1 transaction per order"
	} else {
		res.Kind = fmt.Sprintf("Go database/sql (pgx), %d connections, 1 transaction per order", clients)
	}
	col := newCollector()
	var (
		errMu    sync.Mutex
		firstErr error
	)
	// tickets: transactions still to start when a count is set; a collision redraws the id
	// under the same ticket.
	var tickets atomic.Int64
	tickets.Store(int64(run.Count))
	start := time.Now()
	deadline := start.Add(run.Limit)
	var wg sync.WaitGroup
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := NewRecorder(4096)
			for ctx.Err() == nil && time.Now().Before(deadline) {
				if run.Count > 0 && tickets.Add(-1) < 0 {
					break
				}
				t := time.Now()
				err := insertOrderTx(ctx, db, dialect == "postgres", shape, q)
				for errors.Is(err, errCollision) {
					err = insertOrderTx(ctx, db, dialect == "postgres", shape, q)
				}
				if err != nil {
					r.Err("db")
					errMu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					errMu.Unlock()
					continue
				}
				r.OK(time.Since(t))
			}
			col.add(recorders{"tx": r})
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	total := col.total()
	res.Latency = total.Summary(res.Elapsed)
	res.Transactions = res.Latency.Successes
	res.Errors = res.Latency.Errors
	res.PerSecond = res.Latency.PerSecond
	if res.Transactions == 0 {
		if firstErr != nil {
			return res, fmt.Errorf("baseline: no transaction committed: %w", firstErr)
		}
		return res, errors.New("baseline: no transaction committed")
	}
	return res, nil
}
