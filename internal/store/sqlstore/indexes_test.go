package sqlstore

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/fpgo/fpgo/internal/store"
)

// The expiry sweep, global or for one merchant before a list, must walk orders_due (only orders
// with a due date that are still SENT), not every SENT order of the merchant.
func TestDueOrdersWalkTheDueIndex(t *testing.T) {
	d, err := Open(context.Background(), filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, orgScoped := range []bool{false, true} {
		args := []any{int64(1)}
		if orgScoped {
			args = append(args, "ORG1")
		}
		args = append(args, 10)
		got := queryPlan(t, d, dueOrdersSQL(orgScoped), args...)
		if !strings.Contains(got, "USING INDEX orders_due") || strings.Contains(got, "TEMP B-TREE") {
			t.Errorf("orgScoped=%v: plan %q, want a walk of orders_due in due order", orgScoped, got)
		}
	}
}

// An order create writes no index entry it does not need: customers_org is gone and orders
// without a due date are not in orders_due.
func TestOrdersWithoutDueDateAreNotInTheDueIndex(t *testing.T) {
	d, err := Open(context.Background(), filepath.Join(t.TempDir(), "idx.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var n int
	if err := d.reader.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'customers_org'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("customers_org: %d (%v), want dropped", n, err)
	}
	var sql string
	if err := d.reader.QueryRow(`SELECT sql FROM sqlite_schema WHERE name = 'orders_due'`).Scan(&sql); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sql, "WHERE status = 'SENT' AND due_at IS NOT NULL") {
		t.Fatalf("orders_due: %s", sql)
	}
}

// queryPlan is EXPLAIN QUERY PLAN of q, its steps joined.
func queryPlan(t *testing.T, d *DB, q string, args ...any) string {
	t.Helper()
	rows, err := d.reader.Query(`EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; ")
}

// An order's lines are found through order_lines_order, keyed by the order's creation time
// (from the order's row) and uuid, in position order: no scan, no sort.
func TestOrderLinesAreFoundByTheOrdersTime(t *testing.T) {
	d, err := Open(context.Background(), filepath.Join(t.TempDir(), "lines.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	got := queryPlan(t, d, orderLinesSQL, "ODR1", "ODR1")
	if !strings.Contains(got, "USING INDEX order_lines_order (order_created=? AND order_uuid=?)") || strings.Contains(got, "TEMP B-TREE") || strings.Contains(got, "SCAN") {
		t.Errorf("plan %q, want a search of order_lines_order by the order's time and uuid", got)
	}
	del := queryPlan(t, d, `DELETE FROM order_lines WHERE order_created = `+lineOrderCreated+` AND order_uuid = ?`, "ODR1", "ODR1")
	if !strings.Contains(del, "INDEX order_lines_order (order_created=? AND order_uuid=?)") || strings.Contains(del, "SCAN") {
		t.Errorf("delete plan %q, want a search of order_lines_order", del)
	}
}

// Migration 00008 gives the lines stored before it their order's creation time, so they are
// still found.
func TestLinesFromBeforeMigration8AreFound(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	if err := createSQLite(path); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		t.Fatal(err)
	}
	sub, err := fs.Sub(migrations, "migrations/sqlite")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, raw, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO merchants (id, name, org_number, token_hash, callback_secret, settings, created_at) VALUES ('ORG1', 'm', '1', 'h', 's', '{}', 0)`,
		`INSERT INTO orders (uuid, org_id, type, status, grand_total, version, doc, created_at, updated_at) VALUES ('ODR1', 'ORG1', 'PAYMENT_LINK', 'SENT', 5100, 1, '{"uuid":"ODR1"}', 1796612783421255, 1796612783421255)`,
		`INSERT INTO order_lines (order_uuid, position, name, product_id, quantity, rate, discount, tax, amount) VALUES ('ODR1', 1, 'second', 'P2', 100, 100, 0, 0, 100)`,
		`INSERT INTO order_lines (order_uuid, position, name, product_id, quantity, rate, discount, tax, amount) VALUES ('ODR1', 0, 'first', 'P1', 100, 5000, 0, 0, 5000)`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()
	d, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	err = d.Read(ctx, func(stx store.Tx) error {
		o, err := stx.OrderByUUID("ORG1", "ODR1", false)
		if err != nil {
			return err
		}
		if len(o.Lines) != 2 || o.Lines[0].Name != "first" || o.Lines[1].Name != "second" {
			t.Errorf("lines %+v, want first and second", o.Lines)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
