package sqlstore_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fpgo/fpgo/internal/store"
	"github.com/fpgo/fpgo/internal/store/pgtest"
	"github.com/fpgo/fpgo/internal/store/sqlstore"
	"github.com/fpgo/fpgo/internal/store/storetest"
)

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		db, err := sqlstore.Open(context.Background(), filepath.Join(t.TempDir(), "fpgo.db"))
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}

func TestPostgres(t *testing.T) {
	pgtest.URL(t) // skip early with a clear message
	storetest.Run(t, func(t *testing.T) store.Store {
		db, err := sqlstore.Open(context.Background(), pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}

func TestIsPostgres(t *testing.T) {
	for in, want := range map[string]bool{
		"postgres://u@h/db": true, "postgresql://h/db": true, "fpgo.db": false, "sqlite:/tmp/x.db": false, "file:x.db": false,
	} {
		if got := sqlstore.IsPostgres(in); got != want {
			t.Errorf("IsPostgres(%q) = %v", in, got)
		}
	}
}

func TestSQLiteFileCreatedWithWAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "dir", "fpgo.db")
	db, err := sqlstore.Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file not created: %v", err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var mode string
	if err := raw.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if !strings.EqualFold(mode, "wal") {
		t.Fatalf("journal_mode = %s, want wal", mode)
	}
	// Opening again must not re-run migrations.
	db2, err := sqlstore.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("second open: %v", err)
	}
	db2.Close()
}
