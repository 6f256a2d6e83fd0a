package sqlstore

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
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
		rows, err := d.reader.Query(`EXPLAIN QUERY PLAN `+dueOrdersSQL(orgScoped), args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		got := strings.Join(plan, "; ")
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
