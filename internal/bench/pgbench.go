package bench

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/fpgo/fpgo/internal/store/sqlstore"
)

// PostgreSQL schemas: every run works in fresh schemas of its own (the server's, the baseline's)
// and drops them afterwards, so the database named by --db is left as it was.

// CreateSchema creates a schema named after prefix and returns it with a URL whose search_path
// points at it (as internal/store/pgtest does for tests).
func CreateSchema(ctx context.Context, base, prefix string) (schema, schemaURL string, err error) {
	schema = fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), time.Now().UnixNano())
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", "", err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		return "", "", fmt.Errorf("create schema: %w", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return schema, u.String(), nil
}

// DropSchema drops a schema made by CreateSchema.
func DropSchema(base, schema string) error {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return err
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = admin.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`)
	return err
}

// libpqURL turns base into a URL libpq (pgbench) understands with search_path set to schema and
// the plan_cache_mode the server's connections use (sqlstore.PostgresConfig): libpq takes
// run-time parameters through options=-c…, not as URL parameters.
func libpqURL(base, schema string) (string, error) {
	cfg, err := sqlstore.PostgresConfig(base)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Del("search_path")
	q.Del("plan_cache_mode")
	q.Set("options", "-csearch_path="+schema+" -cplan_cache_mode="+cfg.RuntimeParams["plan_cache_mode"])
	// Encode writes a space as "+", which libpq does not read as one (a literal "+" is %2B).
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
	return u.String(), nil
}

var colonLetter = regexp.MustCompile(`:([A-Za-z_])`)

// pgbenchScript is the baseline transaction as a pgbench script: the same three inserts with the
// same columns as RunBaseline. pgbench reads ":name" as a variable even inside a string literal,
// so a colon before a letter in the document gets a space after it (the JSON stays valid and
// about the same size).
func pgbenchScript(shape RowShape) string {
	doc := colonLetter.ReplaceAllString(shape.Doc, ": $1")
	doc = strings.ReplaceAll(doc, "'", "''")
	org := strings.ReplaceAll(shape.OrgID, "'", "''")
	var b strings.Builder
	b.WriteString("\\set zzoid random(1, 9999999999)\n")
	b.WriteString("BEGIN;\n")
	fmt.Fprintf(&b, "INSERT INTO orders (uuid, org_id, type, status, customer_uuid, grand_total, refunded, invoice_number, due_at, version, doc, created_at, updated_at) "+
		"VALUES ('ODR' || lpad((:zzoid)::bigint::text, 10, '0'), '%s', 'payment_link', 'SENT', 'CSRT0000000000', 5100, 0, '', NULL, 1, '%s', "+
		"(extract(epoch from clock_timestamp()) * 1000000)::bigint, (extract(epoch from clock_timestamp()) * 1000000)::bigint) ON CONFLICT DO NOTHING;\n", org, doc)
	b.WriteString("INSERT INTO order_lines (order_uuid, order_created, position, name, product_id, quantity, rate, discount, tax, amount, refunded) " +
		"VALUES ('ODR' || lpad((:zzoid)::bigint::text, 10, '0'), (SELECT created_at FROM orders WHERE uuid = 'ODR' || lpad((:zzoid)::bigint::text, 10, '0')), " +
		"0, 'Hair Wash', 'HW-1', 100, 5100, 0, 0, 5100, 0) RETURNING id;\n")
	fmt.Fprintf(&b, "INSERT INTO callback_events (org_id, kind, subject_uuid, status, payment_method, amount, subject_at, url, next_attempt_at, created_at) "+
		"VALUES ('%s', 'order', 'ODR' || lpad((:zzoid)::bigint::text, 10, '0'), 'SENT', '', '51.00', "+
		"(extract(epoch from clock_timestamp()) * 1000000)::bigint, 'http://127.0.0.1:40000/callback?source=fpgo-bench', "+
		"(extract(epoch from clock_timestamp()) * 1000000)::bigint, (extract(epoch from clock_timestamp()) * 1000000)::bigint) RETURNING id;\n", org)
	b.WriteString("END;\n")
	return b.String()
}

var tpsLine = regexp.MustCompile(`(?m)^tps = ([0-9.]+) \(without initial connection time\)`)
var processedLine = regexp.MustCompile(`(?m)^number of transactions actually processed: ([0-9]+)`)

// ErrNoPgbench: pgbench is not installed.
var ErrNoPgbench = errors.New("pgbench not found on PATH")

// RunPgbench runs the baseline transaction with pgbench (prepared statements, clients
// connections, one thread per core) for d against schema on base, which must have been prepared
// with PrepareBaselineDB. dir holds the script.
func RunPgbench(ctx context.Context, base, schema, dir string, shape RowShape, clients int, run BaselineRun) (BaselineResult, error) {
	bin, err := exec.LookPath("pgbench")
	if err != nil {
		return BaselineResult{}, ErrNoPgbench
	}
	if shape.OrgID == "" {
		shape.OrgID = baselineOrgID
	}
	if shape.Doc == "" {
		shape.Doc = syntheticDoc
	}
	script := filepath.Join(dir, "baseline.pgbench.sql")
	if err := os.WriteFile(script, []byte(pgbenchScript(shape)), 0o600); err != nil {
		return BaselineResult{}, err
	}
	conn, err := libpqURL(base, schema)
	if err != nil {
		return BaselineResult{}, err
	}
	threads := runtime.NumCPU()
	if threads > clients {
		threads = clients
	}
	if run.Count > 0 {
		// pgbench cannot also stop at a time, so a generous limit ends a run that would never finish.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, pgbenchTimeout(run.Limit))
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, bin, pgbenchArgs(script, conn, clients, threads, run)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	elapsed := time.Since(start)
	text := out.String()
	if err != nil {
		return BaselineResult{}, fmt.Errorf("pgbench: %w\n%s", err, lastLines(text, 10))
	}
	m := tpsLine.FindStringSubmatch(text)
	if m == nil {
		return BaselineResult{}, fmt.Errorf("pgbench: no tps in output\n%s", lastLines(text, 10))
	}
	tps, _ := strconv.ParseFloat(m[1], 64)
	res := BaselineResult{
		Kind:      fmt.Sprintf("pgbench -M prepared -c %d -j %d, same 3-insert transaction", clients, threads),
		Clients:   clients,
		Elapsed:   elapsed,
		PerSecond: tps,
	}
	if m := processedLine.FindStringSubmatch(text); m != nil {
		res.Transactions, _ = strconv.Atoi(m[1])
	}
	if strings.Contains(text, "error:") {
		return res, fmt.Errorf("pgbench reported errors\n%s", lastLines(text, 10))
	}
	return res, nil
}

// pgbenchArgs runs script on conn: run.Count transactions in all (pgbench counts per client, so
// every client runs its share, rounded up), or for run.Limit when no count is set.
func pgbenchArgs(script, conn string, clients, threads int, run BaselineRun) []string {
	args := []string{"-n", "-M", "prepared", "-f", script, "-c", strconv.Itoa(clients), "-j", strconv.Itoa(threads)}
	if run.Count > 0 {
		args = append(args, "-t", strconv.Itoa((run.Count+clients-1)/clients))
	} else {
		secs := int(run.Limit.Round(time.Second).Seconds())
		if secs < 1 {
			secs = 1
		}
		args = append(args, "-T", strconv.Itoa(secs))
	}
	return append(args, conn)
}

// pgbenchTimeout bounds a pgbench run of a given count: far beyond the Go baseline's limit, as
// only a machine that stalls gets there.
func pgbenchTimeout(limit time.Duration) time.Duration { return 3*limit + time.Minute }

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
