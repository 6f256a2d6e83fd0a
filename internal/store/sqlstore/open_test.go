package sqlstore

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// A database fpgo creates gets newDBPageSize; an existing one keeps the page size it has.
func TestPageSizeOfNewAndExistingDatabases(t *testing.T) {
	ctx := context.Background()
	fresh := filepath.Join(t.TempDir(), "new.db")
	d, err := Open(ctx, fresh)
	if err != nil {
		t.Fatal(err)
	}
	if n := pragmaInt(t, d.writer, "page_size"); n != newDBPageSize {
		t.Errorf("new database page_size = %d, want %d", n, newDBPageSize)
	}
	d.Close()

	old := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+old+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE earlier (x)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	d, err = Open(ctx, old)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if n := pragmaInt(t, d.writer, "page_size"); n != 4096 {
		t.Errorf("existing database page_size = %d, want it kept at 4096", n)
	}
}
