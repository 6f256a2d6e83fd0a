package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/store"
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

var schemaSeq atomic.Int64

// PostgresURL returns a URL to a fresh schema of FPGO_TEST_POSTGRES_URL, or skips the test.
func postgresURL(t *testing.T) string {
	base := os.Getenv("FPGO_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("PostgreSQL tests skipped: FPGO_TEST_POSTGRES_URL is not set")
	}
	schema := fmt.Sprintf("fpgo_test_%d_%d", time.Now().UnixNano(), schemaSeq.Add(1))
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err == nil {
			_, _ = a.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func TestPostgres(t *testing.T) {
	postgresURL(t) // skip early with a clear message
	storetest.Run(t, func(t *testing.T) store.Store {
		db, err := sqlstore.Open(context.Background(), postgresURL(t))
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
