package main

import (
	"context"
	"fmt"
	"os"
	"sort"

	"github.com/fpgo/fpgo/internal/store/sqlstore"
)

// CopyDBCmd moves a database, e.g. a SQLite sandbox into PostgreSQL.
type CopyDBCmd struct {
	From string `required:"" help:"Source database (SQLite path or postgres:// URL)."`
	To   string `required:"" help:"Destination database; migrated first, and must hold no merchants yet."`
}

// Run copies every table. Stop the servers on the source first so nothing changes meanwhile.
func (c *CopyDBCmd) Run(g *Globals) error {
	ctx := context.Background()
	src, err := sqlstore.Open(ctx, c.From)
	if err != nil {
		return fmt.Errorf("open --from: %w", err)
	}
	defer src.Close()
	dst, err := sqlstore.Open(ctx, c.To)
	if err != nil {
		return fmt.Errorf("open --to: %w", err)
	}
	defer dst.Close()
	counts, err := sqlstore.Copy(ctx, src, dst)
	if err != nil {
		return err
	}
	tables := make([]string, 0, len(counts))
	for t := range counts {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	for _, t := range tables {
		fmt.Fprintf(os.Stdout, "%-20s %d rows\n", t, counts[t])
	}
	return nil
}
