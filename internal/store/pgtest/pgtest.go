// Package pgtest gives each test its own PostgreSQL schema on the server named by
// FPGO_TEST_POSTGRES_URL, so tests do not see each other's rows, and skips the test with a clear
// message when the variable is not set.
package pgtest

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// EnvVar names the PostgreSQL server tests use.
const EnvVar = "FPGO_TEST_POSTGRES_URL"

var seq atomic.Int64

// URL creates a fresh schema and returns a URL whose search_path points at it; the schema is
// dropped when the test ends. Without FPGO_TEST_POSTGRES_URL the test is skipped.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvVar)
	if base == "" {
		t.Skipf("PostgreSQL tests skipped: %s is not set", EnvVar)
	}
	schema := fmt.Sprintf("fpgo_test_%d_%d_%d", os.Getpid(), time.Now().UnixNano(), seq.Add(1))
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if a, err := sql.Open("pgx", base); err == nil {
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
