package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/apperr"
	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/store/sqlstore"
)

func TestAdvanceClockIsSharedAndExpiresLinks(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "clock.db")
	base := clock.NewFixed(time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC))
	var nodes [2]*App
	for i := range nodes {
		db, err := sqlstore.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		nodes[i] = New(db, clock.NewTest(base), nil, "http://fpgo.test", true)
	}
	a, b := nodes[0], nodes[1]
	creds, _ := a.CreateMerchant(ctx, NewMerchant{Name: "S", Settings: domain.DefaultMerchantSettings()})
	m, _ := a.Authenticate(ctx, creds.Token)
	in := input(domain.TypePaymentLink)
	due := base.Now().Add(time.Hour)
	in.DueDate = &due
	c, err := a.CreateOrder(ctx, m, in)
	if err != nil {
		t.Fatal(err)
	}
	now, err := a.AdvanceClock(ctx, 2*time.Hour)
	if err != nil || !now.Equal(base.Now().Add(2*time.Hour)) {
		t.Fatalf("advance: %v %v", now, err)
	}
	if o, _ := a.Order(ctx, m.ID, c.OrderUUID); o.Status != domain.StatusExpired {
		t.Fatalf("after advance the link is %s", o.Status)
	}
	if !b.Clock.Now().Equal(base.Now()) {
		t.Fatal("node b moved before syncing")
	}
	if err := b.SyncClock(ctx); err != nil {
		t.Fatal(err)
	}
	if !b.Clock.Now().Equal(now) {
		t.Fatalf("node b after sync = %v, want %v", b.Clock.Now(), now)
	}
	if _, err := a.AdvanceClock(ctx, -time.Second); !apperr.IsKind(err, apperr.KindValidation) {
		t.Fatalf("negative advance: %v", err)
	}
}

func TestClockIsFixedOutsideSandbox(t *testing.T) {
	f := newFixture(t)
	f.app.Sandbox = false
	if _, err := f.app.AdvanceClock(context.Background(), time.Hour); apperr.Key(err) != "routeNotFound" {
		t.Fatalf("production clock moved: %v", err)
	}
}
