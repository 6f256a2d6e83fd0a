package sqlstore_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/store"
	"github.com/fpgo/fpgo/internal/store/pgtest"
	"github.com/fpgo/fpgo/internal/store/sqlstore"
)

func seed(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	at := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	err := db.Write(context.Background(), func(tx store.Tx) error {
		if err := insertMerchant("ORG1")(tx); err != nil {
			return err
		}
		if _, err := tx.NextInvoiceNumber("ORG1"); err != nil {
			return err
		}
		o := &domain.Order{UUID: "ODR1", OrgID: "ORG1", Type: domain.TypePaymentLink, Status: domain.StatusPaid, CreatedAt: at, UpdatedAt: at,
			Lines:   []domain.Line{{Name: "Router", Quantity: 1000, Rate: 51_00, Amount: 51_00}},
			Summary: domain.Summary{GrandTotal: 51_00}}
		if err := tx.InsertOrder(o); err != nil {
			return err
		}
		if err := tx.EnqueueCallback(&domain.CallbackEvent{OrgID: "ORG1", Kind: "order", SubjectUUID: "ODR1", Status: "PAID", SubjectAt: at, URL: "http://x", CreatedAt: at}); err != nil {
			return err
		}
		_, err := tx.AdvanceSandboxClock(time.Hour)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func checkCopied(t *testing.T, dst *sqlstore.DB) {
	t.Helper()
	err := dst.Write(context.Background(), func(tx store.Tx) error {
		o, err := tx.OrderByUUID("ORG1", "ODR1", false)
		if err != nil {
			return err
		}
		if o.Status != domain.StatusPaid || len(o.Lines) != 1 || o.Lines[0].Amount != 51_00 {
			t.Errorf("copied order %+v", o)
		}
		if n, err := tx.NextInvoiceNumber("ORG1"); err != nil || n != 10000002 {
			t.Errorf("invoice sequence continues at %d (%v), want 10000002", n, err)
		}
		if d, _ := tx.SandboxClockOffset(); d != time.Hour {
			t.Errorf("sandbox clock offset %v", d)
		}
		// New generated ids must not collide with copied ones.
		o2 := &domain.Order{UUID: "ODR2", OrgID: "ORG1", Type: domain.TypePaymentLink, Status: domain.StatusSent,
			Lines: []domain.Line{{Name: "x", Quantity: 1000, Rate: 1_00, Amount: 1_00}}, Summary: domain.Summary{GrandTotal: 1_00}}
		if err := tx.InsertOrder(o2); err != nil {
			return err
		}
		if o2.Lines[0].ID <= o.Lines[0].ID {
			t.Errorf("new line id %d after copied %d", o2.Lines[0].ID, o.Lines[0].ID)
		}
		evs, err := tx.CallbackEvents("ORG1", "ODR1")
		if err != nil || len(evs) != 1 {
			t.Errorf("callbacks copied: %d %v", len(evs), err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCopySQLiteToSQLite(t *testing.T) {
	ctx := context.Background()
	src := openSQLite(t)
	seed(t, src)
	dst, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "dst.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	counts, err := sqlstore.Copy(ctx, src, dst)
	if err != nil {
		t.Fatal(err)
	}
	if counts["orders"] != 1 || counts["order_lines"] != 1 || counts["merchants"] != 1 {
		t.Fatalf("counts %v", counts)
	}
	checkCopied(t, dst)
	if _, err := sqlstore.Copy(ctx, src, dst); err == nil {
		t.Fatal("copy into a non-empty database must be refused")
	}
}

func TestCopySQLiteToPostgres(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	src := openSQLite(t)
	seed(t, src)
	dst, err := sqlstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if _, err := sqlstore.Copy(ctx, src, dst); err != nil {
		t.Fatal(err)
	}
	checkCopied(t, dst)
}
