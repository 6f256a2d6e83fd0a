package delivery_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/delivery"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/store"
	"github.com/fpgo/fpgo/internal/store/pgtest"
	"github.com/fpgo/fpgo/internal/store/sqlstore"
)

// Delivery throughput: b.N callbacks (one per order, so none waits for another) to a local
// receiver answering 204, drained by one worker's loop. Measured, never asserted:
//
//	go test -run '^$' -bench Delivery -benchtime 5000x ./internal/delivery/
//	FPGO_TEST_POSTGRES_URL=postgres://… go test -run '^$' -bench Delivery -benchtime 5000x ./internal/delivery/
func BenchmarkDeliverySQLite(b *testing.B) {
	db, err := sqlstore.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	benchDelivery(b, db)
}

func BenchmarkDeliveryPostgres(b *testing.B) {
	db, err := sqlstore.Open(context.Background(), pgtest.URL(b))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	benchDelivery(b, db)
}

func benchDelivery(b *testing.B, db store.Store) {
	var got atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	now := time.Now()
	m := &domain.Merchant{ID: "ORGBENCH", Name: "Bench", TokenHash: "h", CallbackSecret: "whsec_bench", Settings: domain.DefaultMerchantSettings(), CreatedAt: now}
	if err := db.Write(context.Background(), func(tx store.Tx) error { return tx.InsertMerchant(m) }); err != nil {
		b.Fatal(err)
	}
	const chunk = 500
	for i := 0; i < b.N; i += chunk {
		if err := db.Write(context.Background(), func(tx store.Tx) error {
			for j := i; j < min(i+chunk, b.N); j++ {
				if err := tx.EnqueueCallback(&domain.CallbackEvent{OrgID: m.ID, Kind: "order", SubjectUUID: fmt.Sprintf("ODR%010d", j),
					Status: "PAID", PaymentMethod: "visa", Amount: "51", SubjectAt: now, URL: srv.URL + "/cb?shop=1", CreatedAt: now}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	w := delivery.New(delivery.Config{Store: db, Clock: clock.Real{}, PollInterval: 10 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	b.ResetTimer()
	start := time.Now()
	go func() { defer close(done); w.Run(ctx) }()
	for {
		time.Sleep(2 * time.Millisecond)
		if int(got.Load()) < b.N {
			continue
		}
		var pending int
		if err := db.Read(context.Background(), func(tx store.Tx) error {
			ds, err := tx.ListCallbacks(store.CallbackFilter{State: store.CallbackPending, Limit: 1})
			pending = len(ds)
			return err
		}); err != nil {
			b.Fatal(err)
		}
		if pending == 0 { // every attempt recorded, too
			break
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	cancel()
	<-done
	if int(got.Load()) < b.N {
		b.Fatalf("receiver got %d of %d", got.Load(), b.N)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "callbacks/s")
}
