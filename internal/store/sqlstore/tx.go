package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/money"
	"github.com/fpgo/fpgo/internal/store"
)

type tx struct {
	d     *DB
	tx    *sql.Tx
	ctx   context.Context
	cache *stmtCache // SQLite: the pool's prepared statements; nil on PostgreSQL
	// bound holds the cached statements already bound to this transaction. Tx.StmtContext
	// makes a new statement (and registers it with the pool, under the pool's lock) on every
	// call; a group-commit batch runs the same few statements for each of its writes.
	bound map[*sql.Stmt]*sql.Stmt
	// pipe, when set, runs the statements instead of tx: a PostgreSQL group-commit batch
	// (pgcommit.go, pipeline.go).
	pipe *pipeline
}

// rowScanner is one result row; *sql.Row is one.
type rowScanner interface{ Scan(dest ...any) error }

// rowIter is a result set; *sql.Rows is one.
type rowIter interface {
	Next() bool
	Scan(dest ...any) error
	Close() error
	Err() error
}

// prepared returns q's cached statement bound to this transaction, or nil when it is not cached.
func (t *tx) prepared(q string) *sql.Stmt {
	if t.cache == nil {
		return nil
	}
	s := t.cache.lookup(q)
	if s == nil {
		return nil
	}
	if b := t.bound[s]; b != nil {
		return b
	}
	b := t.tx.StmtContext(t.ctx, s)
	if t.bound == nil {
		t.bound = make(map[*sql.Stmt]*sql.Stmt, 8)
	}
	t.bound[s] = b
	return b
}

// insertID runs an INSERT (without RETURNING) and returns the new row's id: on SQLite from
// the connection's last insert rowid, which spares the rows round of a RETURNING query; on
// PostgreSQL with RETURNING id.
func (t *tx) insertID(q string, args ...any) (int64, error) {
	var id int64
	if t.d.dialect == postgres {
		err := t.row(q+` RETURNING id`, args...).Scan(&id)
		return id, err
	}
	res, err := t.exec(q, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// anyRows: a statement whose row count does not matter.
const anyRows = -1

// execExpect runs a statement that must affect want rows (anyRows: any number), and fails
// with miss when it affects another number. A statement error is returned as it is.
//
// In a PostgreSQL pipeline the statement is queued and checked when it is sent; a wrong count
// then fails the whole batch, whose writes run again one transaction each, where the miss is
// reported as here. So miss must be an outcome the write can be run again after (a duplicate
// random id, a stale version), never one it relies on to go on inside the same transaction.
func (t *tx) execExpect(want int64, miss error, q string, args ...any) error {
	if t.pipe != nil {
		t.pipe.queue(t.d.rebind(q), args, want)
		return nil
	}
	res, err := t.exec(q, args...)
	if err != nil {
		return err
	}
	if want == anyRows {
		return nil
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != want {
		return miss
	}
	return nil
}

// onRollback registers undo, to put back what a write changed in memory on the strength of a
// queued statement, if the batch is rolled back to run its writes again.
func (t *tx) onRollback(undo func()) {
	if t.pipe != nil {
		t.pipe.onRollback(undo)
	}
}

func (t *tx) exec(q string, args ...any) (sql.Result, error) {
	if t.pipe != nil {
		return t.pipe.exec(t.d.rebind(q), args)
	}
	if s := t.prepared(q); s != nil {
		return s.ExecContext(t.ctx, args...)
	}
	return t.tx.ExecContext(t.ctx, t.d.rebind(q), args...)
}

func (t *tx) query(q string, args ...any) (rowIter, error) {
	if t.pipe != nil {
		return t.pipe.query(t.d.rebind(q), args)
	}
	if s := t.prepared(q); s != nil {
		return s.QueryContext(t.ctx, args...)
	}
	return t.tx.QueryContext(t.ctx, t.d.rebind(q), args...)
}

func (t *tx) row(q string, args ...any) rowScanner {
	if t.pipe != nil {
		return t.pipe.row(t.d.rebind(q), args)
	}
	if s := t.prepared(q); s != nil {
		return s.QueryRowContext(t.ctx, args...)
	}
	return t.tx.QueryRowContext(t.ctx, t.d.rebind(q), args...)
}

// Times are stored as Unix microseconds: portable across both backends and exact.
func ts(t time.Time) int64 { return t.UnixMicro() }

func fromTS(v int64) time.Time { return time.UnixMicro(v).UTC() }

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

// ---- merchants

func (t *tx) InsertMerchant(m *domain.Merchant) error {
	settings, err := json.Marshal(m.Settings)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO merchants (id, name, org_number, token_hash, callback_secret, settings, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, m.ID, m.Name, m.OrgNumber, m.TokenHash, m.CallbackSecret, string(settings), ts(m.CreatedAt))
	if isUniqueViolation(err) {
		return store.ErrDuplicate
	}
	return err
}

const merchantCols = `id, name, org_number, token_hash, callback_secret, settings, created_at`

func scanMerchant(sc interface{ Scan(...any) error }) (*domain.Merchant, error) {
	var m domain.Merchant
	var settings string
	var created int64
	if err := sc.Scan(&m.ID, &m.Name, &m.OrgNumber, &m.TokenHash, &m.CallbackSecret, &settings, &created); err != nil {
		return nil, notFound(err)
	}
	m.Settings = domain.DefaultMerchantSettings()
	if err := json.Unmarshal([]byte(settings), &m.Settings); err != nil {
		return nil, fmt.Errorf("merchant %s settings: %w", m.ID, err)
	}
	m.CreatedAt = fromTS(created)
	return &m, nil
}

func (t *tx) MerchantByID(id string) (*domain.Merchant, error) {
	return scanMerchant(t.row(`SELECT `+merchantCols+` FROM merchants WHERE id = ?`, id))
}

func (t *tx) MerchantByTokenHash(hash string) (*domain.Merchant, error) {
	return scanMerchant(t.row(`SELECT `+merchantCols+` FROM merchants WHERE token_hash = ?`, hash))
}

func (t *tx) ListMerchants() ([]domain.Merchant, error) {
	rows, err := t.query(`SELECT ` + merchantCols + ` FROM merchants ORDER BY created_at, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Merchant
	for rows.Next() {
		m, err := scanMerchant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *m)
	}
	return out, rows.Err()
}

func (t *tx) UpdateMerchant(m *domain.Merchant) error {
	settings, err := json.Marshal(m.Settings)
	if err != nil {
		return err
	}
	res, err := t.exec(`UPDATE merchants SET name = ?, org_number = ?, token_hash = ?, callback_secret = ?, settings = ? WHERE id = ?`,
		m.Name, m.OrgNumber, m.TokenHash, m.CallbackSecret, string(settings), m.ID)
	if isUniqueViolation(err) {
		return store.ErrDuplicate
	}
	if err != nil {
		return err
	}
	if err := mustAffect(res); err != nil {
		return err
	}
	_, err = t.exec(`UPDATE credentials_epoch SET n = n + 1 WHERE id = 1`)
	return err
}

func mustAffect(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}

func (t *tx) NextInvoiceNumber(orgID string) (int64, error) {
	// One UPDATE both reserves and returns the number, so two transactions can never draw the same one.
	var n int64
	err := t.row(`UPDATE merchants SET next_invoice_number = next_invoice_number + 1 WHERE id = ? RETURNING next_invoice_number - 1`, orgID).Scan(&n)
	return n, notFound(err)
}

// ---- customers

func (t *tx) InsertCustomer(c *domain.Customer) error {
	doc, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return t.execExpect(1, store.ErrDuplicate, `INSERT INTO customers (uuid, org_id, doc, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		c.UUID, c.OrgID, string(doc), ts(c.CreatedAt), ts(c.UpdatedAt))
}

func (t *tx) CustomerByUUID(orgID, uuid string) (*domain.Customer, error) {
	var doc string
	if err := t.row(`SELECT doc FROM customers WHERE org_id = ? AND uuid = ?`, orgID, uuid).Scan(&doc); err != nil {
		return nil, notFound(err)
	}
	var c domain.Customer
	if err := json.Unmarshal([]byte(doc), &c); err != nil {
		return nil, err
	}
	c.OrgID = orgID
	return &c, nil
}

func (t *tx) UpdateCustomer(c *domain.Customer) error {
	doc, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return t.execExpect(1, store.ErrNotFound, `UPDATE customers SET doc = ?, updated_at = ? WHERE org_id = ? AND uuid = ?`, string(doc), ts(c.UpdatedAt), c.OrgID, c.UUID)
}

// ---- orders

func nullableTS(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ts(*t)
}

func (t *tx) InsertOrder(o *domain.Order) error {
	doc, err := json.Marshal(o)
	if err != nil {
		return err
	}
	o.Version = 1
	err = t.execExpect(1, store.ErrDuplicate, `INSERT INTO orders (uuid, org_id, type, status, customer_uuid, grand_total, refunded, invoice_number, due_at, version, doc, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		o.UUID, o.OrgID, string(o.Type), string(o.Status), o.CustomerUUID, int64(o.Summary.GrandTotal), int64(o.RefundedAmount),
		o.InvoiceNumber, nullableTS(o.DueDate), o.Version, string(doc), ts(o.CreatedAt), ts(o.UpdatedAt))
	if isUniqueViolation(err) {
		return store.ErrDuplicate
	}
	if err != nil {
		return err
	}
	return t.insertLines(o)
}

// insertLines stores the order's lines and assigns their server-wide numeric ids.
func (t *tx) insertLines(o *domain.Order) error {
	if t.d.dialect == postgres {
		return t.insertLinesPostgres(o)
	}
	for i := range o.Lines {
		id, err := t.insertID(`INSERT INTO order_lines (`+lineColumns+`) VALUES (`+lineValues+`)`, lineArgs(o, i)...)
		if err != nil {
			return err
		}
		o.Lines[i].ID = id
	}
	return nil
}

// An order line's INSERT, but for its id (which SQLite assigns and PostgreSQL takes from a block).
const (
	lineColumns = `order_uuid, order_created, position, name, product_id, quantity, rate, discount, tax, amount, refunded`
	lineValues  = `?, ` + lineOrderCreated + `, ?, ?, ?, ?, ?, ?, ?, ?, ?`
)

// lineArgs are the values of lineColumns for line i of o.
func lineArgs(o *domain.Order, i int) []any {
	l := &o.Lines[i]
	return []any{o.UUID, o.UUID, i, l.Name, l.ProductID, int64(l.Quantity), int64(l.Rate), int64(l.Discount), int64(l.Tax), int64(l.Amount), int64(l.Refunded)}
}

// insertLinesPostgres takes the lines' ids from the node's block of the identity sequence
// (lineids.go), so the INSERTs return nothing and can be queued in a batch's pipeline.
func (t *tx) insertLinesPostgres(o *domain.Order) error {
	ids, err := t.d.lineIDs.take(t, len(o.Lines))
	if err != nil {
		return err
	}
	for i := range o.Lines {
		o.Lines[i].ID = ids[i]
		if err := t.execExpect(anyRows, nil, `INSERT INTO order_lines (id, `+lineColumns+`) VALUES (?, `+lineValues+`)`,
			append([]any{ids[i]}, lineArgs(o, i)...)...); err != nil {
			return err
		}
	}
	return nil
}

const (
	orderSQL = `SELECT status, grand_total, refunded, invoice_number, version, doc FROM orders WHERE org_id = ? AND uuid = ?`
	// An order's lines are indexed by the order's creation time, then its uuid (migration
	// 00008): the subquery takes the time from the order's row, so it cannot disagree with it.
	lineOrderCreated = `(SELECT created_at FROM orders WHERE uuid = ?)`
	orderLinesSQL    = `SELECT id, name, product_id, quantity, rate, discount, tax, amount, refunded FROM order_lines
		WHERE order_created = ` + lineOrderCreated + ` AND order_uuid = ? ORDER BY position`
)

func (t *tx) OrderByUUID(orgID, uuid string, forUpdate bool) (*domain.Order, error) {
	q := orderSQL
	if forUpdate && t.d.dialect == postgres {
		q += ` FOR UPDATE`
	}
	var orderRow rowScanner
	var lines func() (rowIter, error)
	if t.pipe != nil {
		// Both statements in one round trip. The lines are read by a statement of their own,
		// which under READ COMMITTED takes its snapshot after the order's lock was granted, so
		// it sees the lines the lock's previous holder committed. (A join would not: after
		// waiting for the lock PostgreSQL re-reads the locked row only, and the lines would be
		// those of before the wait.)
		res, err := t.pipe.send(resultStmt{q: t.d.rebind(q), args: []any{orgID, uuid}, rows: true},
			resultStmt{q: t.d.rebind(orderLinesSQL), args: []any{uuid, uuid}, rows: true})
		if err != nil {
			return nil, err
		}
		orderRow = firstRow{res[0].rows}
		lines = func() (rowIter, error) { return res[1].rows, nil }
	} else {
		orderRow = t.row(q, orgID, uuid)
		lines = func() (rowIter, error) { return t.query(orderLinesSQL, uuid, uuid) }
	}
	var (
		status, invoiceNo, doc string
		grand, refunded, ver   int64
	)
	if err := orderRow.Scan(&status, &grand, &refunded, &invoiceNo, &ver, &doc); err != nil {
		return nil, notFound(err)
	}
	var o domain.Order
	if err := json.Unmarshal([]byte(doc), &o); err != nil {
		return nil, err
	}
	// The columns are authoritative for what queries and locks depend on.
	o.OrgID, o.UUID, o.Status, o.InvoiceNumber, o.Version = orgID, uuid, domain.Status(status), invoiceNo, ver
	o.RefundedAmount = money.Amount(refunded)
	rows, err := lines()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var l domain.Line
		var q, rate, disc, tax, amt, ref int64
		if err := rows.Scan(&l.ID, &l.Name, &l.ProductID, &q, &rate, &disc, &tax, &amt, &ref); err != nil {
			return nil, err
		}
		l.Quantity, l.Rate, l.Discount, l.Tax, l.Amount, l.Refunded = money.Quantity(q), money.Amount(rate), money.Amount(disc), money.Rate(tax), money.Amount(amt), money.Amount(ref)
		o.Lines = append(o.Lines, l)
	}
	return &o, rows.Err()
}

func (t *tx) UpdateOrder(o *domain.Order) error {
	doc, err := json.Marshal(o)
	if err != nil {
		return err
	}
	err = t.execExpect(1, store.ErrStale, `UPDATE orders SET status = ?, customer_uuid = ?, grand_total = ?, refunded = ?, invoice_number = ?, due_at = ?, version = version + 1, doc = ?, updated_at = ?
		WHERE org_id = ? AND uuid = ? AND version = ?`,
		string(o.Status), o.CustomerUUID, int64(o.Summary.GrandTotal), int64(o.RefundedAmount), o.InvoiceNumber, nullableTS(o.DueDate), string(doc), ts(o.UpdatedAt),
		o.OrgID, o.UUID, o.Version)
	if isUniqueViolation(err) {
		return store.ErrDuplicate
	}
	if err != nil {
		return err
	}
	o.Version++
	t.onRollback(func() { o.Version-- })
	// Lines are replaced when a partner update rewrites them; otherwise only refunded amounts move.
	for i := range o.Lines {
		l := &o.Lines[i]
		if l.ID == 0 {
			continue
		}
		if err := t.execExpect(anyRows, nil, `UPDATE order_lines SET refunded = ? WHERE id = ? AND order_uuid = ?`, int64(l.Refunded), l.ID, o.UUID); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) ReplaceOrderLines(o *domain.Order) error {
	if _, err := t.exec(`DELETE FROM order_lines WHERE order_created = `+lineOrderCreated+` AND order_uuid = ?`, o.UUID, o.UUID); err != nil {
		return err
	}
	return t.insertLines(o)
}

func (t *tx) ListOrderStatuses(orgID string, status domain.Status, p store.Page) ([]store.OrderStatusRow, int, error) {
	where := `WHERE org_id = ?`
	args := []any{orgID}
	if status != "" {
		where += ` AND status = ?`
		args = append(args, string(status))
	}
	var total int
	if err := t.row(`SELECT COUNT(*) FROM orders `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := t.query(`SELECT uuid, status FROM orders `+where+` ORDER BY created_at DESC, uuid LIMIT ? OFFSET ?`, append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []store.OrderStatusRow{}
	for rows.Next() {
		var r store.OrderStatusRow
		var s string
		if err := rows.Scan(&r.UUID, &s); err != nil {
			return nil, 0, err
		}
		r.Status = domain.Status(s)
		out = append(out, r)
	}
	return out, total, rows.Err()
}

func (t *tx) DueOrders(orgID string, now time.Time, limit int) ([]store.OrderRef, error) {
	args := []any{ts(now)}
	if orgID != "" {
		args = append(args, orgID)
	}
	rows, err := t.query(dueOrdersSQL(orgID != ""), append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.OrderRef
	for rows.Next() {
		var r store.OrderRef
		if err := rows.Scan(&r.OrgID, &r.UUID); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// dueOrdersSQL selects SENT orders past their due date, of one organization when orgScoped.
// status is written out (not a parameter) so the planner knows orders_due's condition holds.
// The organization test is written so that no index on org_id can serve it: orders_due holds
// only the orders with a due date that are still SENT, which the sweeper keeps to those due in
// the last seconds, while an org_id index would walk every SENT order of the merchant. SQLite,
// planning without statistics, would pick the latter.
func dueOrdersSQL(orgScoped bool) string {
	q := `SELECT org_id, uuid FROM orders WHERE status = 'SENT' AND due_at IS NOT NULL AND due_at < ?`
	if orgScoped {
		q += ` AND org_id || '' = ?`
	}
	return q + ` ORDER BY due_at LIMIT ?`
}

// ---- refunds

func (t *tx) InsertRefund(r *domain.Refund) error {
	doc, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return t.execExpect(1, store.ErrDuplicate, `INSERT INTO refunds (uuid, org_id, order_uuid, amount, doc, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		r.UUID, r.OrgID, r.OrderUUID, int64(r.Amount), string(doc), ts(r.CreatedAt))
}

func (t *tx) RefundedSince(orgID string, since time.Time) (money.Amount, error) {
	var sum int64
	err := t.row(`SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE org_id = ? AND created_at >= ?`, orgID, ts(since)).Scan(&sum)
	return money.Amount(sum), err
}

// ---- outbox

func (t *tx) EnqueueCallback(e *domain.CallbackEvent) error {
	// The id is the database's: an order's callbacks are delivered in id order (delivery.go).
	id, err := t.insertID(`INSERT INTO callback_events (org_id, kind, subject_uuid, status, payment_method, amount, subject_at, url, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.OrgID, e.Kind, e.SubjectUUID, e.Status, e.PaymentMethod, e.Amount, ts(e.SubjectAt), e.URL, ts(e.CreatedAt), ts(e.CreatedAt))
	e.ID = id
	return err
}

func (t *tx) CallbackEvents(orgID, subjectUUID string) ([]domain.CallbackEvent, error) {
	rows, err := t.query(`SELECT id, kind, subject_uuid, status, payment_method, amount, subject_at, url, created_at FROM callback_events
		WHERE org_id = ? AND subject_uuid = ? ORDER BY id`, orgID, subjectUUID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.CallbackEvent
	for rows.Next() {
		var e domain.CallbackEvent
		var subjAt, created int64
		if err := rows.Scan(&e.ID, &e.Kind, &e.SubjectUUID, &e.Status, &e.PaymentMethod, &e.Amount, &subjAt, &e.URL, &created); err != nil {
			return nil, err
		}
		e.OrgID, e.SubjectAt, e.CreatedAt = orgID, fromTS(subjAt), fromTS(created)
		out = append(out, e)
	}
	return out, rows.Err()
}

func (t *tx) InsertMessage(m *domain.Message) error {
	id, err := t.insertID(`INSERT INTO messages (org_id, channel, recipient, subject, body, order_uuid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		m.OrgID, m.Channel, m.To, m.Subject, m.Body, m.OrderUUID, ts(m.CreatedAt))
	m.ID = id
	return err
}

func (t *tx) Messages(orgID, to string, limit int) ([]domain.Message, error) {
	q := `SELECT id, channel, recipient, subject, body, order_uuid, created_at FROM messages WHERE org_id = ?`
	args := []any{orgID}
	if to != "" {
		q += ` AND recipient = ?`
		args = append(args, to)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	rows, err := t.query(q, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Message
	for rows.Next() {
		var m domain.Message
		var created int64
		if err := rows.Scan(&m.ID, &m.Channel, &m.To, &m.Subject, &m.Body, &m.OrderUUID, &created); err != nil {
			return nil, err
		}
		m.OrgID, m.CreatedAt = orgID, fromTS(created)
		out = append(out, m)
	}
	return out, rows.Err()
}

// ---- idempotency

func (t *tx) IdempotentResult(orgID, key string) (*store.IdempotentResult, error) {
	var r store.IdempotentResult
	var res string
	if err := t.row(`SELECT request_hash, result FROM idempotency_keys WHERE org_id = ? AND key = ?`, orgID, key).Scan(&r.RequestHash, &res); err != nil {
		return nil, notFound(err)
	}
	r.Result = []byte(res)
	return &r, nil
}

func (t *tx) SaveIdempotentResult(orgID, key string, r store.IdempotentResult, at time.Time) error {
	err := t.execExpect(anyRows, nil, `INSERT INTO idempotency_keys (org_id, key, request_hash, result, created_at) VALUES (?, ?, ?, ?, ?)`,
		orgID, key, r.RequestHash, string(r.Result), ts(at))
	if isUniqueViolation(err) {
		// A concurrent request with the same key won; retrying the transaction finds its result and replays it.
		return store.ErrStale
	}
	return err
}

// ---- sandbox clock

func (t *tx) SandboxClockOffset() (time.Duration, error) {
	var us int64
	err := t.row(`SELECT offset_us FROM sandbox_clock WHERE id = 1`).Scan(&us)
	return time.Duration(us) * time.Microsecond, err
}

func (t *tx) AdvanceSandboxClock(d time.Duration) (time.Duration, error) {
	if d < 0 {
		d = 0
	}
	var us int64
	err := t.row(`UPDATE sandbox_clock SET offset_us = offset_us + ? WHERE id = 1 RETURNING offset_us`, d.Microseconds()).Scan(&us)
	return time.Duration(us) * time.Microsecond, err
}
