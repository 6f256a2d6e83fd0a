package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// modernc's SQLite parses every statement anew on each Exec or Query; on an order create that
// parsing was 15% of all CPU, most of it on the single writer goroutine. stmtCache keeps one
// prepared statement per SQL text and pool, and a transaction borrows it with Tx.StmtContext,
// which reuses the statement already prepared on the transaction's connection.
//
// A statement is never prepared from inside a transaction: the writer pool has one connection,
// which that transaction holds, so DB.Prepare would wait for it forever. A miss runs the SQL
// unprepared and is remembered; prepareMissed prepares the remembered ones once the
// transaction is over and its connection is back in the pool.
//
// PostgreSQL does not use it: pgx already caches prepared statements per connection.
type stmtCache struct {
	db     *sql.DB
	mu     sync.RWMutex
	stmts  map[string]*sql.Stmt
	missed map[string]struct{}
	closed bool
}

// maxCachedStmts bounds the cache; the store's statements are constant strings, so this is
// only reached if a query were ever built with varying text.
const maxCachedStmts = 512

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}, missed: map[string]struct{}{}}
}

// lookup returns the prepared statement for q, or nil after noting the miss.
func (c *stmtCache) lookup(q string) *sql.Stmt {
	c.mu.RLock()
	s := c.stmts[q]
	c.mu.RUnlock()
	if s != nil {
		return s
	}
	c.mu.Lock()
	if !c.closed && len(c.stmts)+len(c.missed) < maxCachedStmts {
		c.missed[q] = struct{}{}
	}
	c.mu.Unlock()
	return nil
}

// lookupOrPrepare returns q's statement, preparing it now if need be. Only for callers that
// hold no connection of c.db (outside a transaction). nil when c is nil or preparing failed.
func (c *stmtCache) lookupOrPrepare(ctx context.Context, q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	if s := c.lookup(q); s != nil {
		return s
	}
	c.prepareMissed(ctx)
	return c.lookup(q)
}

// prepareMissed prepares the statements missed so far. The caller must not hold a connection
// of c.db. A statement that fails to prepare is dropped; it keeps running unprepared.
func (c *stmtCache) prepareMissed(ctx context.Context) {
	c.mu.Lock()
	if len(c.missed) == 0 || c.closed {
		c.mu.Unlock()
		return
	}
	qs := make([]string, 0, len(c.missed))
	for q := range c.missed {
		qs = append(qs, q)
	}
	clear(c.missed)
	c.mu.Unlock()
	for _, q := range qs {
		s, err := c.db.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if c.closed || c.stmts[q] != nil {
			c.mu.Unlock()
			_ = s.Close()
			continue
		}
		c.stmts[q] = s
		c.mu.Unlock()
	}
}

func (c *stmtCache) hasMissed() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.missed) > 0
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for q, s := range c.stmts {
		_ = s.Close()
		delete(c.stmts, q)
	}
}
