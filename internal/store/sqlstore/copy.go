package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// copyFirst orders the tables with foreign keys after the tables they point to; tables added
// later by other areas follow in name order.
var copyFirst = []string{"merchants", "customers", "orders", "order_lines"}

// identityTables have a generated id whose sequence must continue after the copied rows.
var identityTables = map[string]bool{"order_lines": true, "callback_events": true, "messages": true, "callback_attempts": true}

// Copy moves every row of src into dst (both migrated to the same version), e.g. a SQLite sandbox
// into PostgreSQL. dst must hold no merchants yet, so nothing is ever merged or overwritten. It
// returns the rows copied per table.
func Copy(ctx context.Context, src, dst *DB) (map[string]int, error) {
	var n int
	if err := dst.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM merchants`).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, errors.New("copy: the destination already has merchants; copy only into an empty database")
	}
	tables, err := src.tables(ctx)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	tx, err := dst.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	for _, table := range tables {
		if table == "credentials_epoch" {
			continue // a per-database cache counter; the destination's own starts fresh
		}
		if table == "sandbox_clock" {
			var us int64
			if err := src.reader.QueryRowContext(ctx, `SELECT offset_us FROM sandbox_clock WHERE id = 1`).Scan(&us); err != nil {
				return nil, err
			}
			if _, err := tx.ExecContext(ctx, dst.rebind(`UPDATE sandbox_clock SET offset_us = ? WHERE id = 1`), us); err != nil {
				return nil, err
			}
			continue
		}
		c, err := copyTable(ctx, src, dst, tx, table)
		if err != nil {
			return nil, fmt.Errorf("copy %s: %w", table, err)
		}
		counts[table] = c
		if dst.dialect == postgres && identityTables[table] && c > 0 {
			q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT MAX(id) FROM %s))`, table, table)
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return nil, fmt.Errorf("copy %s: sequence: %w", table, err)
			}
		}
	}
	return counts, tx.Commit()
}

func (d *DB) tables(ctx context.Context) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if d.dialect == postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := d.reader.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	rank := map[string]int{}
	for i, t := range copyFirst {
		rank[t] = i + 1
	}
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		if name != "goose_db_version" {
			out = append(out, name)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		ri, rj := rank[out[i]], rank[out[j]]
		if ri == 0 {
			ri = len(copyFirst) + 1
		}
		if rj == 0 {
			rj = len(copyFirst) + 1
		}
		if ri != rj {
			return ri < rj
		}
		return out[i] < out[j]
	})
	return out, rows.Err()
}

func copyTable(ctx context.Context, src, dst *DB, tx *sql.Tx, table string) (int, error) {
	rows, err := src.reader.QueryContext(ctx, `SELECT * FROM `+table)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
	insert := dst.rebind(fmt.Sprintf(`INSERT INTO %s (%s) VALUES (%s)`, table, strings.Join(cols, ", "), ph))
	n := 0
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b) // every column is TEXT or an integer; never bytea
			}
		}
		if _, err := tx.ExecContext(ctx, insert, vals...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}
