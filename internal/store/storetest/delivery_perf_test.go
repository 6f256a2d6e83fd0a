package storetest_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/store"
	"github.com/fpgo/fpgo/internal/store/pgtest"
	"github.com/fpgo/fpgo/internal/store/sqlstore"
)

// The cost of one round of a worker (claim 32 callbacks and record them delivered, one write)
// behind a backlog: `claimable` callbacks due and free, and `heldBack` orders whose first
// callback waits for a retry an hour away while their second is held back. Measured, never
// asserted; a round should cost the same whatever the backlog:
//
//	go test -run '^$' -bench Claim ./internal/store/storetest/
//	FPGO_TEST_POSTGRES_URL=postgres://… go test -run '^$' -bench ClaimPostgres ./internal/store/storetest/
func BenchmarkClaimSQLite(b *testing.B) {
	benchClaim(b, func(b *testing.B) store.Store {
		db, err := sqlstore.Open(context.Background(), filepath.Join(b.TempDir(), "claim.db"))
		if err != nil {
			b.Fatal(err)
		}
		return db
	})
}

func BenchmarkClaimPostgres(b *testing.B) {
	benchClaim(b, func(b *testing.B) store.Store {
		db, err := sqlstore.Open(context.Background(), pgtest.URL(b))
		if err != nil {
			b.Fatal(err)
		}
		return db
	})
}

func benchClaim(b *testing.B, open func(b *testing.B) store.Store) {
	for _, c := range []struct{ claimable, heldBack int }{{1000, 0}, {1000, 5000}, {10000, 0}, {1000, 20000}} {
		b.Run(fmt.Sprintf("claimable=%d/heldBack=%d", c.claimable, c.heldBack), func(b *testing.B) {
			s := open(b)
			defer s.Close()
			ctx := context.Background()
			t0 := time.Now().Add(-time.Hour)
			write := func(fn func(tx store.Tx) error) {
				b.Helper()
				if err := s.Write(ctx, fn); err != nil {
					b.Fatal(err)
				}
			}
			write(func(tx store.Tx) error {
				return tx.InsertMerchant(&domain.Merchant{ID: "ORGB", Name: "B", TokenHash: "h", CallbackSecret: "s",
					Settings: domain.DefaultMerchantSettings(), CreatedAt: t0})
			})
			enqueue := func(n int, subject func(i int) string) {
				for i := 0; i < n; i += 500 {
					write(func(tx store.Tx) error {
						for j := i; j < min(i+500, n); j++ {
							if err := tx.EnqueueCallback(&domain.CallbackEvent{OrgID: "ORGB", Kind: "order", SubjectUUID: subject(j),
								Status: "PAID", Amount: "1", SubjectAt: t0, URL: "https://shop.example/cb", CreatedAt: t0}); err != nil {
								return err
							}
						}
						return nil
					})
				}
			}
			// The held-back orders: heads first, each failed once with a retry an hour away.
			enqueue(c.heldBack, func(i int) string { return fmt.Sprintf("HELD%07d", i) })
			retry := time.Now().Add(time.Hour)
			for left := c.heldBack; left > 0; {
				write(func(tx store.Tx) error {
					ds, err := tx.ClaimCallbacks(t0, time.Minute, 500)
					if err != nil {
						return err
					}
					for _, d := range ds {
						if _, err := tx.RecordCallbackAttempt(&store.CallbackAttempt{EventID: d.ID, OrgID: d.OrgID, Attempt: d.Attempts,
							AttemptedAt: t0, URL: d.URL, StatusCode: 503, Error: "HTTP 503", Outcome: store.CallbackPending,
							NextAttemptAt: &retry}, d.LockedUntil); err != nil {
							return err
						}
					}
					left -= len(ds)
					return nil
				})
			}
			enqueue(c.heldBack, func(i int) string { return fmt.Sprintf("HELD%07d", i) })
			// Every round takes 32 off the claimable backlog: top it up so it never runs low.
			enqueue(c.claimable+32*b.N, func(i int) string { return fmt.Sprintf("FREE%07d", i) })

			now := time.Now()
			b.ResetTimer()
			for range b.N {
				// One round of the worker: claim 32, record them delivered.
				write(func(tx store.Tx) error {
					ds, err := tx.ClaimCallbacks(now, time.Minute, 32)
					if err != nil {
						return err
					}
					if len(ds) != 32 {
						return fmt.Errorf("claimed %d, want 32", len(ds))
					}
					for _, d := range ds {
						if _, err := tx.RecordCallbackAttempt(&store.CallbackAttempt{EventID: d.ID, OrgID: d.OrgID, Attempt: d.Attempts,
							AttemptedAt: now, URL: d.URL, StatusCode: 200, Outcome: store.CallbackDelivered}, d.LockedUntil); err != nil {
							return err
						}
					}
					return nil
				})
			}
		})
	}
}
