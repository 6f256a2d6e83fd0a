// Package sqlstore implements store.Store on database/sql for SQLite (modernc.org/sqlite, pure Go)
// and PostgreSQL (pgx). The SQL is shared; the few dialect differences (placeholders, row locks,
// migrations, how a write transaction starts) are isolated here.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/fpgo/fpgo/internal/store"
)

//go:embed migrations
var migrations embed.FS

const (
	sqlite   = "sqlite"
	postgres = "postgres"
)

// DB is a store.Store backed by SQL.
type DB struct {
	dialect string
	writer  *sql.DB // SQLite: exactly one connection, so writers queue in Go instead of on SQLITE_BUSY
	reader  *sql.DB
	commits *committer // SQLite only: group commit of concurrent writes
	// SQLite only: the database file, opened for the checkpointer's write-back hints. Closing
	// a file drops every POSIX lock the process holds on it, SQLite's too, so it is closed
	// only after every connection.
	dbFile *os.File
	// PostgreSQL only: group commit through pipelined batches (pgcommit.go)
	pgCommits *pgCommitter
	lineIDs   lineIDAllocator // PostgreSQL only
	pgCfg     *pgx.ConnConfig // PostgreSQL only: what every connection is opened with
	epoch     sharedRead
	ckpt      *checkpointer // SQLite only: WAL checkpoints beside the writer
	wstmts    *stmtCache    // SQLite only: prepared statements of the writer and the reader pool
	rstmts    *stmtCache
}

var _ store.Store = (*DB)(nil)

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to dsn — a PostgreSQL URL, or a SQLite file path (optionally "sqlite:" or
// "file:" prefixed) — and applies the embedded migrations.
func Open(ctx context.Context, dsn string) (*DB, error) {
	var d *DB
	var err error
	if IsPostgres(dsn) {
		d, err = openPostgres(dsn)
	} else {
		d, err = openSQLite(dsn)
	}
	if err != nil {
		return nil, err
	}
	d.epoch.read = d.readEpoch
	if err := d.migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	if d.dialect == sqlite {
		if err := d.startCheckpointer(sqlitePath(dsn), checkpointEvery, tailPages); err != nil {
			d.Close()
			return nil, err
		}
		d.commits = newCommitter(d)
	} else {
		d.pgCommits = newPGCommitter(d, d.pgCfg)
	}
	return d, nil
}

func sqlitePath(dsn string) string {
	p := strings.TrimPrefix(dsn, "sqlite://")
	p = strings.TrimPrefix(p, "sqlite:")
	p = strings.TrimPrefix(p, "file:")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}

// sqliteDSN carries the durability settings every connection uses. synchronous=FULL: an
// acknowledged order survives power loss, not only a process crash. temp_store=MEMORY keeps
// the statement journal of group commit's savepoints in memory: it only exists to roll one
// write of a batch back, and spilling it to a temporary file cost a write syscall per page.
// Durability is the WAL's, which it does not touch.
func sqliteDSN(path string) string {
	return sqliteFileURI(path) +
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=temp_store(2)"
}

// sqliteFileURI is path as a SQLite file: URI, escaped so any file name works.
func sqliteFileURI(path string) string { return "file:" + (&url.URL{Path: path}).EscapedPath() }

// SQLiteWriterDSN is a writer connection's DSN (BEGIN IMMEDIATE) with SQLite's own checkpoints
// on commit. The benchmark's raw baseline opens it: the server's durability settings, SQLite's
// defaults otherwise.
func SQLiteWriterDSN(path string) string { return sqliteDSN(path) + "&_txlock=immediate" }

// groupWriterDSN is the DSN of the store's writer, which leaves checkpoints to the
// checkpointer (checkpoint.go).
func groupWriterDSN(path string) string {
	return SQLiteWriterDSN(path) + "&_pragma=wal_autocheckpoint(0)"
}

func openSQLite(dsn string) (*DB, error) {
	path := sqlitePath(dsn)
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("sqlite: create directory: %w", err)
		}
	}
	if err := createSQLite(path); err != nil {
		return nil, err
	}
	base := sqliteDSN(path)
	w, err := sql.Open("sqlite", groupWriterDSN(path))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	return &DB{dialect: sqlite, writer: w, reader: r, wstmts: newStmtCache(w), rstmts: newStmtCache(r)}, nil
}

// newDBPageSize is the page size of the SQLite databases fpgo creates (SQLite's default is
// 4096). An order create dirties about three B-tree pages at random places (the order's and
// the customer's uuid index, the lines' order index) besides the pages it appends to; each is
// written whole to the WAL at commit and again to the database at checkpoint. Halving the page
// halves those bytes (WAL 22 KB → 14 KB per create measured), and this disk's fsync time and
// stalls grow with the bytes written. An order document (about 1.3 KB) still fits one page.
const newDBPageSize = 2048

// createSQLite gives a database file that does not exist yet (or is empty) fpgo's page size.
// The page size of an existing database never changes.
func createSQLite(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
		return nil
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("sqlite: %w", err)
	}
	db, err := sql.Open("sqlite", sqliteFileURI(path))
	if err != nil {
		return err
	}
	defer db.Close()
	// The page size takes effect when the empty database is first written, which must happen
	// before WAL mode is set: VACUUM writes it.
	if _, err := db.Exec(fmt.Sprintf("PRAGMA page_size=%d; VACUUM", newDBPageSize)); err != nil {
		return fmt.Errorf("sqlite: create database: %w", err)
	}
	return nil
}

// startCheckpointer gives a SQLite store its checkpointer, on a connection of its own.
func (d *DB) startCheckpointer(path string, every time.Duration, tail int64) error {
	db, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	if d.dbFile == nil {
		// Only for write-back hints; without it (nil on error) checkpoints run as SQLite runs them.
		d.dbFile, _ = os.Open(path)
	}
	var writeback func() error
	if f := d.dbFile; f != nil {
		writeback = func() error { return startWriteback(f) }
	}
	d.ckpt = newCheckpointer(db, every, tail, writeback)
	return nil
}

func openPostgres(dsn string) (*DB, error) {
	cfg, err := PostgresConfig(dsn)
	if err != nil {
		return nil, err
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{dialect: postgres, writer: db, reader: db, pgCfg: cfg}, nil
}

// PostgresConfig is the configuration of every connection the store opens to dsn (the
// benchmark's baselines open theirs with it too).
//
// plan_cache_mode=force_custom_plan: pgx prepares each statement once per connection, and after
// five runs PostgreSQL may keep a generic plan for it, made without the parameters' values and
// with the statistics of that moment. On a fresh database, or where ANALYZE has not run since
// the tables grew, that plan can walk an organization's index instead of the primary key:
// looking an order up by uuid then read every order of the merchant (30-45 ms at 50 000 orders
// instead of microseconds; the callbacks workload fell behind by seconds). A plan made for each
// execution costs planning on every statement: about a fifth of the database's CPU on order
// creates (2 100 instead of 2 600 creates/s on a 2-core machine). Where autovacuum keeps the
// statistics fresh, plan_cache_mode=auto in dsn trades that back (a plan_cache_mode in dsn wins).
func PostgresConfig(dsn string) (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	if _, set := cfg.RuntimeParams["plan_cache_mode"]; !set {
		cfg.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	}
	return cfg, nil
}

func (d *DB) migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations/"+d.dialect)
	if err != nil {
		return err
	}
	var opts []goose.ProviderOption
	dialect := goose.DialectSQLite3
	if d.dialect == postgres {
		dialect = goose.DialectPostgres
		// Several nodes may start at once; the advisory lock makes one migrate while the others wait.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, d.writer, sub, opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	return nil
}

// GroupCommitStats reports how many group-commit transactions committed, how many writes they
// carried, and how many batches had to be run again because one of their writes failed (SQLite:
// with a savepoint per write; PostgreSQL: one transaction per write).
func (d *DB) GroupCommitStats() (batches, writes, redone int64) {
	switch {
	case d.commits != nil:
		return d.commits.batches.Load(), d.commits.writes.Load(), d.commits.redone.Load()
	case d.pgCommits != nil:
		return d.pgCommits.batches.Load(), d.pgCommits.writes.Load(), d.pgCommits.redone.Load()
	}
	return 0, 0, 0
}

// WriterStats is what group commit did since the store opened. Busy, RunningWrites, Commit and
// the checkpoint figures are SQLite's single writer only (zero on PostgreSQL, whose committers
// overlap).
type WriterStats struct {
	Batches int64 // committed transactions
	Writes  int64 // writes they carried
	Redone  int64 // batches run again because one of their writes failed
	// Busy is the time the writer spent on batches; RunningWrites and Commit are the parts of
	// it spent running the writes' statements and in COMMIT (the WAL write and its sync).
	Busy, RunningWrites, Commit time.Duration
	// Checkpoints ran beside the writer; WriterCheckpoints are those the writer ran itself
	// between two batches to let the WAL start over, and WriterCheckpointing its time in them
	// (not part of Busy).
	Checkpoints, WriterCheckpoints int64
	WriterCheckpointing            time.Duration
}

// WriterStats reports the group commit's work and, on SQLite, where the writer's time went.
func (d *DB) WriterStats() WriterStats {
	var s WriterStats
	s.Batches, s.Writes, s.Redone = d.GroupCommitStats()
	if c := d.commits; c != nil {
		s.Busy = time.Duration(c.busyNs.Load())
		s.RunningWrites = time.Duration(c.writesNs.Load())
		s.Commit = time.Duration(c.commitNs.Load())
	}
	s.Checkpoints, s.WriterCheckpoints, _, _ = d.CheckpointStats()
	if ck := d.ckpt; ck != nil {
		s.WriterCheckpointing = time.Duration(ck.tailNs.Load())
	}
	return s
}

// Dialect names the backend.
func (d *DB) Dialect() string { return d.dialect }

// Ping checks both connection pools.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.writer.PingContext(ctx); err != nil {
		return err
	}
	return d.reader.PingContext(ctx)
}

// Close closes the pools.
func (d *DB) Close() error {
	if d.commits != nil {
		d.commits.close()
	}
	if d.pgCommits != nil {
		d.pgCommits.close()
	}
	if d.ckpt != nil {
		d.ckpt.close()
	}
	if d.wstmts != nil {
		d.wstmts.close()
		d.rstmts.close()
	}
	err := d.writer.Close()
	if d.reader != d.writer {
		if e := d.reader.Close(); err == nil {
			err = e
		}
	}
	if d.dbFile != nil {
		d.dbFile.Close() // read-only: nothing to lose
		d.dbFile = nil
	}
	return err
}

// Write runs fn in a read-write transaction, retrying on stale writes and serialization failures.
func (d *DB) Write(ctx context.Context, fn func(store.Tx) error) error {
	var err error
	for attempt := 0; attempt < 8; attempt++ {
		switch {
		case d.commits != nil:
			err = d.commits.submit(ctx, fn)
		case d.pgCommits != nil:
			err = d.pgCommits.submit(ctx, fn)
			if errors.Is(err, errRunAlone) {
				err = d.runTx(ctx, d.writer, false, fn)
			}
		default:
			err = d.runTx(ctx, d.writer, false, fn)
		}
		if !retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt+1) * 3 * time.Millisecond):
		}
	}
	return err
}

// Read runs fn in a read-only transaction, again when the transaction could not begin (a pooled
// connection the server had closed is dropped by the pool after one failure).
func (d *DB) Read(ctx context.Context, fn func(store.Tx) error) error {
	var err error
	for range 4 {
		err = d.runTx(ctx, d.reader, true, fn)
		var be *beginError
		if !errors.As(err, &be) || ctx.Err() != nil {
			return err
		}
	}
	return err
}

const epochQuery = `SELECT n FROM credentials_epoch WHERE id = 1`

// CredentialsEpoch reads the counter UpdateMerchant bumps: one indexed row, outside any
// transaction, on a cached statement, shared by the requests that ask at the same time (epoch.go).
func (d *DB) CredentialsEpoch(ctx context.Context) (int64, error) {
	return d.epoch.get(ctx)
}

func (d *DB) readEpoch(ctx context.Context) (int64, error) {
	var n int64
	var err error
	if s := d.stmtsFor(d.reader).lookupOrPrepare(ctx, epochQuery); s != nil {
		err = s.QueryRowContext(ctx).Scan(&n)
	} else {
		err = d.reader.QueryRowContext(ctx, epochQuery).Scan(&n)
	}
	return n, err
}

// stmtsFor returns the statement cache of pool db (nil on PostgreSQL).
func (d *DB) stmtsFor(db *sql.DB) *stmtCache {
	switch {
	case d.wstmts == nil:
		return nil
	case db == d.writer:
		return d.wstmts
	default:
		return d.rstmts
	}
}

func (d *DB) runTx(ctx context.Context, db *sql.DB, readOnly bool, fn func(store.Tx) error) (err error) {
	opts := &sql.TxOptions{}
	if d.dialect == postgres {
		opts.ReadOnly = readOnly
	}
	sqlTx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return &beginError{err}
	}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
	}()
	cache := d.stmtsFor(db)
	t := &tx{d: d, tx: sqlTx, ctx: ctx, cache: cache}
	if err := fn(t); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if cache != nil && cache.hasMissed() {
		cache.prepareMissed(ctx)
	}
	return nil
}

// beginError: a transaction could not begin, so nothing of it ran; typically a pooled
// connection the server had closed (a restart, a failover), which the pool then drops.
type beginError struct{ err error }

func (e *beginError) Error() string { return "begin: " + e.err.Error() }
func (e *beginError) Unwrap() error { return e.err }

func retryable(err error) bool {
	if err == nil {
		return false
	}
	var be *beginError
	if errors.Is(err, store.ErrStale) || errors.Is(err, errBatchAborted) || errors.As(err, &be) {
		return true
	}
	msg := err.Error()
	// PostgreSQL serialization_failure / deadlock_detected, SQLite busy.
	return strings.Contains(msg, "SQLSTATE 40001") || strings.Contains(msg, "SQLSTATE 40P01") ||
		strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}

// rebound caches rebind's work: the store's statements are a few constant strings (and some
// lists with a varying number of placeholders, hence the bound).
var (
	rebound     sync.Map
	reboundSize atomic.Int64
)

const maxRebound = 4096

// rebind turns ? placeholders into $1, $2… for PostgreSQL. No query here has a literal '?'.
func (d *DB) rebind(q string) string {
	if d.dialect != postgres {
		return q
	}
	if r, ok := rebound.Load(q); ok {
		return r.(string)
	}
	r := rebindPostgres(q)
	if reboundSize.Load() < maxRebound {
		if _, loaded := rebound.LoadOrStore(q, r); !loaded {
			reboundSize.Add(1)
		}
	}
	return r
}

func rebindPostgres(q string) string {
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

func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}
