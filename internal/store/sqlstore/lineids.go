package sqlstore

import (
	"fmt"
	"sync"
)

// On PostgreSQL a node takes order line ids from the order_lines identity sequence in blocks,
// so that inserting a line returns nothing and can wait in a group-commit pipeline (pipeline.go)
// while the write goes on. A RETURNING id would have made every order create wait for a round
// trip in the middle of its batch. Ids stay unique per server; a block a node does not use up is
// lost when it stops, and lines of orders made on different nodes are not numbered in time
// order (nothing orders lines by id: an order's lines are ordered by position).
const lineIDBlock = 256

type lineIDAllocator struct {
	mu   sync.Mutex
	next []int64
}

// take returns n new line ids, drawing a new block through t when the node's block is short.
// nextval is not transactional, so a block stays drawn whatever t's fate. The lock is not held
// while drawing: t may wait there for another transaction's row lock, and that transaction may
// be waiting here.
func (a *lineIDAllocator) take(t *tx, n int) ([]int64, error) {
	if n == 0 {
		return nil, nil
	}
	for {
		a.mu.Lock()
		if len(a.next) >= n {
			ids := make([]int64, n)
			copy(ids, a.next)
			a.next = a.next[n:]
			a.mu.Unlock()
			return ids, nil
		}
		a.mu.Unlock()
		block, err := drawLineIDs(t, max(lineIDBlock, n))
		if err != nil {
			return nil, fmt.Errorf("line ids: %w", err)
		}
		a.mu.Lock()
		a.next = append(a.next, block...)
		a.mu.Unlock()
	}
}

func drawLineIDs(t *tx, n int) ([]int64, error) {
	rows, err := t.query(`SELECT nextval(pg_get_serial_sequence('order_lines', 'id')) FROM generate_series(1, ?)`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]int64, 0, n)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
