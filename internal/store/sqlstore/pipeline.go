package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// A pipeline runs one PostgreSQL transaction of a group-commit batch (pgcommit.go) on a pgx
// connection. Through database/sql every statement is a round trip that both fpgo and the
// server pay for in system calls and wake-ups, and an order create is seven of them. Here the
// statements whose outcome a write can check later (execExpect) are queued, and
// everything queued goes to the server in one message with the next statement whose result the
// write needs now (a read, or an exec whose row count it looks at), or with the batch's final
// flush before COMMIT. A batch of creates is then two round trips in all.
//
// A queued statement is checked when its result arrives. An error, or a row count other than
// the one expected, breaks the transaction (p.err): the batch is rolled back and its writes run
// again one transaction each, where the same statements run one at a time and report what
// they found directly (store.ErrDuplicate, store.ErrStale...). Whatever follows a broken
// statement in the same message may have run, but never commits.

type queuedStmt struct {
	seq  int64
	want int64 // rows it must affect, or anyRows
}

type undoEntry struct {
	seq  int64
	undo func()
}

type pipeline struct {
	conn  *pgx.Conn
	ctx   context.Context
	batch pgx.Batch
	stmts []queuedStmt // parallel to batch.QueuedQueries
	seq   int64        // statements queued or run so far
	// lastWrite is the seq of the last statement sent that may have changed something: every
	// statement but a SELECT. A write whose own statements were sent cannot fail alone.
	lastWrite int64
	sentAny   bool
	undos     []undoEntry
	err       error // the transaction cannot commit
}

// errPipelineMiss: a queued statement affected another number of rows than its write expected.
var errPipelineMiss = errors.New("sqlstore: a queued statement did not affect the rows it expected")

func newPipeline(ctx context.Context, conn *pgx.Conn) *pipeline {
	p := &pipeline{conn: conn, ctx: ctx, lastWrite: -1}
	p.queue("BEGIN", nil, anyRows)
	return p
}

// queue adds a statement to the next message.
func (p *pipeline) queue(q string, args []any, want int64) {
	p.batch.Queue(q, args...)
	p.stmts = append(p.stmts, queuedStmt{seq: p.seq, want: want})
	p.seq++
}

// onRollback registers undo for the statement queued last (see tx.onRollback).
func (p *pipeline) onRollback(undo func()) {
	p.undos = append(p.undos, undoEntry{seq: p.seq - 1, undo: undo})
}

// undoSince runs, newest first, the undos of the statements from seq mark on.
func (p *pipeline) undoSince(mark int64) {
	n := len(p.undos)
	for n > 0 && p.undos[n-1].seq >= mark {
		n--
		p.undos[n].undo()
	}
	p.undos = p.undos[:n]
}

// hasQueuedSince reports whether statements from seq mark on wait in the queue.
func (p *pipeline) hasQueuedSince(mark int64) bool {
	n := len(p.stmts)
	return n > 0 && p.stmts[n-1].seq >= mark
}

// mark is the seq the next statement will get: a write's statements are those from its mark on.
func (p *pipeline) mark() int64 { return p.seq }

// sentSince reports whether a statement that may have changed something, from seq mark on,
// has been sent.
func (p *pipeline) sentSince(mark int64) bool { return p.lastWrite >= mark }

// dropSince forgets the queued statements from seq mark on, and undoes what they changed in
// memory: a write that failed before any of its changes were sent leaves nothing behind.
func (p *pipeline) dropSince(mark int64) {
	n := len(p.stmts)
	for n > 0 && p.stmts[n-1].seq >= mark {
		n--
	}
	p.stmts = p.stmts[:n]
	p.batch.QueuedQueries = p.batch.QueuedQueries[:n]
	p.undoSince(mark)
}

// flush sends whatever is queued.
func (p *pipeline) flush() error {
	if len(p.stmts) == 0 {
		return p.err
	}
	_, err := p.send()
	return err
}

// resultStmt is a statement sent after the queue whose result the caller reads.
type resultStmt struct {
	q    string
	args []any
	rows bool // rows (a query) rather than a row count
}

// result is what a resultStmt returned.
type result struct {
	tag  pgconn.CommandTag
	rows *bufferedRows
}

// send sends the queue and then stmts in one message, and returns stmts' results. Each runs
// as its own statement (with its own snapshot, under READ COMMITTED), as if sent one by one.
// It reads every result before it returns, so the connection is free.
func (p *pipeline) send(stmts ...resultStmt) ([]result, error) {
	if p.err != nil {
		return nil, p.err
	}
	// Queued statements are all changes (execExpect).
	if n := len(p.stmts); n > 0 {
		p.lastWrite = max(p.lastWrite, p.stmts[n-1].seq)
	}
	for _, st := range stmts {
		p.batch.Queue(st.q, st.args...)
		if !isSelect(st.q) {
			p.lastWrite = p.seq
		}
		p.seq++
	}
	if p.batch.Len() == 0 {
		return nil, nil
	}
	queued := p.stmts
	batch := p.batch
	p.batch = pgx.Batch{}
	p.stmts = nil
	p.sentAny = true

	br := p.conn.SendBatch(p.ctx, &batch)
	var firstErr error
	for _, s := range queued {
		if firstErr != nil {
			break
		}
		tag, err := br.Exec()
		switch {
		case err != nil:
			firstErr = err
		case s.want != anyRows && tag.RowsAffected() != s.want:
			firstErr = errPipelineMiss
		}
	}
	res := make([]result, len(stmts))
	for i, st := range stmts {
		if firstErr != nil {
			break
		}
		if st.rows {
			rows, err := br.Query()
			if err == nil {
				res[i].rows, err = bufferRows(rows, p.conn.TypeMap())
			}
			firstErr = err
		} else {
			res[i].tag, firstErr = br.Exec()
		}
	}
	if err := br.Close(); firstErr == nil {
		firstErr = err
	}
	if firstErr != nil {
		// Any error aborts a PostgreSQL transaction, and a miss means a write went on believing
		// something that was not so: either way this transaction must not commit.
		p.err = fmt.Errorf("sqlstore: batch statement: %w", firstErr)
		return nil, p.err
	}
	return res, nil
}

func isSelect(q string) bool {
	q = strings.TrimLeft(q, " \t\n")
	return len(q) >= 6 && strings.EqualFold(q[:6], "SELECT")
}

// exec runs q now (after the queue) and returns its row count.
func (p *pipeline) exec(q string, args []any) (sql.Result, error) {
	res, err := p.send(resultStmt{q: q, args: args})
	if err != nil {
		return nil, err
	}
	return tagResult(res[0].tag), nil
}

func (p *pipeline) query(q string, args []any) (rowIter, error) {
	res, err := p.send(resultStmt{q: q, args: args, rows: true})
	if err != nil {
		return nil, err
	}
	return res[0].rows, nil
}

func (p *pipeline) row(q string, args []any) rowScanner {
	res, err := p.send(resultStmt{q: q, args: args, rows: true})
	if err != nil {
		return errRow{err}
	}
	return firstRow{res[0].rows}
}

// rollback ends a transaction that must not commit and undoes what its writes changed in
// memory. The connection is closed if the ROLLBACK fails.
func (p *pipeline) rollback() {
	p.undoSince(0)
	if !p.sentAny {
		return // BEGIN never left: there is nothing to roll back
	}
	if _, err := p.conn.Exec(p.ctx, "ROLLBACK"); err != nil {
		_ = p.conn.Close(context.Background())
	}
}

// commit sends the rest of the queue, then COMMIT once every queued statement is known to have
// done what its write expected.
func (p *pipeline) commit() error {
	if err := p.flush(); err != nil {
		return err
	}
	if !p.sentAny {
		return nil
	}
	_, err := p.conn.Exec(p.ctx, "COMMIT")
	return err
}

type tagResult pgconn.CommandTag

func (r tagResult) LastInsertId() (int64, error) {
	return 0, errors.New("sqlstore: no LastInsertId on PostgreSQL")
}
func (r tagResult) RowsAffected() (int64, error) { return pgconn.CommandTag(r).RowsAffected(), nil }

// bufferedRows holds a result set read off the connection, so the next statement can be sent
// while the caller is still scanning; it scans like pgx's own rows.
type bufferedRows struct {
	fields []pgconn.FieldDescription
	types  *pgtype.Map
	rows   [][][]byte
	i      int
}

func bufferRows(rows pgx.Rows, types *pgtype.Map) (*bufferedRows, error) {
	defer rows.Close()
	b := &bufferedRows{types: types, i: -1}
	b.fields = append(b.fields, rows.FieldDescriptions()...)
	for rows.Next() {
		raw := rows.RawValues()
		row := make([][]byte, len(raw))
		for i, v := range raw {
			if v != nil {
				row[i] = append(make([]byte, 0, len(v)), v...)
			}
		}
		b.rows = append(b.rows, row)
	}
	rows.Close()
	return b, rows.Err()
}

func (b *bufferedRows) Next() bool {
	if b.i+1 >= len(b.rows) {
		b.i = len(b.rows)
		return false
	}
	b.i++
	return true
}

func (b *bufferedRows) Scan(dest ...any) error {
	if b.i < 0 || b.i >= len(b.rows) {
		return errors.New("sqlstore: Scan called without a row")
	}
	if len(dest) != len(b.fields) {
		return fmt.Errorf("sqlstore: %d destinations for %d columns", len(dest), len(b.fields))
	}
	row := b.rows[b.i]
	for i, d := range dest {
		f := b.fields[i]
		if err := b.types.Scan(f.DataTypeOID, f.Format, row[i], d); err != nil {
			return fmt.Errorf("sqlstore: scan column %s: %w", f.Name, err)
		}
	}
	return nil
}

func (b *bufferedRows) Close() error { return nil }
func (b *bufferedRows) Err() error   { return nil }

// firstRow scans the first row of a result like *sql.Row does.
type firstRow struct{ rows *bufferedRows }

func (r firstRow) Scan(dest ...any) error {
	if !r.rows.Next() {
		return sql.ErrNoRows
	}
	return r.rows.Scan(dest...)
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
