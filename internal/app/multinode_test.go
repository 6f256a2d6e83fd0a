package app

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/apperr"
	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/money"
	"github.com/fpgo/fpgo/internal/store/pgtest"
	"github.com/fpgo/fpgo/internal/store/sqlstore"
)

// twoNodes opens two independent stores (connection pools) on one PostgreSQL schema, as two fpgo
// nodes behind a load balancer would, and an App on each.
func twoNodes(t *testing.T) (a, b *App, m *domain.Merchant) {
	t.Helper()
	url := pgtest.URL(t)
	ctx := context.Background()
	var apps [2]*App
	for i := range apps {
		db, err := sqlstore.Open(ctx, url) // both nodes migrate; the advisory lock serializes them
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		apps[i] = New(db, clock.Real{}, nil, "http://fpgo.test", true)
	}
	creds, err := apps[0].CreateMerchant(ctx, NewMerchant{Name: "Shop", Settings: domain.DefaultMerchantSettings()})
	if err != nil {
		t.Fatal(err)
	}
	m, err = apps[1].Authenticate(ctx, creds.Token)
	if err != nil {
		t.Fatal(err)
	}
	return apps[0], apps[1], m
}

func nodeInput() OrderInput {
	in := input(domain.TypePaymentLink)
	in.OrderDate = time.Now()
	return in
}

// race runs fn n times on alternating nodes at once and counts successes and refusals by key.
func race(t *testing.T, nodes []*App, n int, fn func(a *App) error) (ok int, refused map[string]int) {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	refused = map[string]int{}
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(a *App) {
			defer wg.Done()
			<-start
			err := fn(a)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				ok++
				return
			}
			if !apperr.IsKind(err, apperr.KindConflict) {
				t.Errorf("unexpected error: %v", err)
			}
			refused[apperr.Key(err)]++
		}(nodes[i%len(nodes)])
	}
	close(start)
	wg.Wait()
	return ok, refused
}

func TestTwoNodesNeverDoublePay(t *testing.T) {
	a, b, m := twoNodes(t)
	ctx := context.Background()
	for round := 0; round < 5; round++ {
		c, err := a.CreateOrder(ctx, m, nodeInput())
		if err != nil {
			t.Fatal(err)
		}
		ok, refused := race(t, []*App{a, b}, 8, func(n *App) error {
			_, err := n.PayOrder(ctx, m.ID, c.OrderUUID, "visa")
			return err
		})
		if ok != 1 || refused["orderStatusAlreadyPaid"] != 7 {
			t.Fatalf("round %d: %d payments succeeded, refusals %v", round, ok, refused)
		}
		evs, _ := b.CallbackEvents(ctx, m.ID, c.OrderUUID)
		if len(evs) != 1 || evs[0].Status != "PAID" {
			t.Fatalf("round %d: callbacks %+v", round, evs)
		}
	}
}

func TestTwoNodesPayVersusCancel(t *testing.T) {
	a, b, m := twoNodes(t)
	ctx := context.Background()
	c, err := a.CreateOrder(ctx, m, nodeInput())
	if err != nil {
		t.Fatal(err)
	}
	ok, _ := race(t, []*App{a, b}, 6, func(n *App) error {
		if n == a {
			_, err := n.PayOrder(ctx, m.ID, c.OrderUUID, "visa")
			return err
		}
		_, err := n.CancelOrder(ctx, m.ID, c.OrderUUID, "race")
		return err
	})
	o, _ := a.Order(ctx, m.ID, c.OrderUUID)
	evs, _ := a.CallbackEvents(ctx, m.ID, c.OrderUUID)
	if ok != 1 || len(evs) != 1 || evs[0].Status != string(o.Status) {
		t.Fatalf("%d winners, final %s, callbacks %+v: exactly one of pay/cancel must win", ok, o.Status, evs)
	}
}

func TestTwoNodesNeverOverRefund(t *testing.T) {
	a, b, m := twoNodes(t)
	ctx := context.Background()
	c, err := a.CreateOrder(ctx, m, nodeInput())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.PayOrder(ctx, m.ID, c.OrderUUID, "visa"); err != nil {
		t.Fatal(err)
	}
	o, _ := a.Order(ctx, m.ID, c.OrderUUID)
	// Line 0 is 100.00: twelve concurrent refunds of 10.00 may only take ten.
	ok, refused := race(t, []*App{a, b}, 12, func(n *App) error {
		_, err := n.RefundOrder(ctx, m, c.OrderUUID, RefundInput{Type: "regular", GrandTotal: 10_00,
			Lines: []domain.RefundLine{{LineID: o.Lines[0].ID, Amount: 10_00}}})
		return err
	})
	after, _ := b.Order(ctx, m.ID, c.OrderUUID)
	if ok != 10 || refused["refundRejectionForProductAmountExceed"] != 2 || after.Lines[0].Refunded != money.Amount(100_00) || after.RefundedAmount != 100_00 {
		t.Fatalf("%d refunds accepted (refused %v), line refunded %s, order refunded %s", ok, refused, after.Lines[0].Refunded, after.RefundedAmount)
	}
}

func TestTwoNodesUniqueInvoiceNumbers(t *testing.T) {
	a, b, m := twoNodes(t)
	ctx := context.Background()
	var mu sync.Mutex
	var uuids []string
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(n *App) {
			defer wg.Done()
			in := nodeInput()
			in.Type = domain.TypeInvoice
			c, err := n.CreateOrder(ctx, m, in)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			uuids = append(uuids, c.OrderUUID)
			mu.Unlock()
		}([]*App{a, b}[i%2])
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, u := range uuids {
		o, err := a.Order(ctx, m.ID, u)
		if err != nil {
			t.Fatal(err)
		}
		if o.InvoiceNumber == "" || seen[o.InvoiceNumber] {
			t.Fatalf("invoice number %q missing or duplicated", o.InvoiceNumber)
		}
		seen[o.InvoiceNumber] = true
	}
	if len(seen) != 20 {
		t.Fatalf("%d invoice numbers for 20 invoices", len(seen))
	}
}

func TestTwoNodesIdempotencyKey(t *testing.T) {
	a, b, m := twoNodes(t)
	var wg sync.WaitGroup
	results := make([]CreatedOrder, 10)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ctx := WithIdempotency(context.Background(), "same-key", "same-hash")
			r, err := []*App{a, b}[i%2].CreateOrder(ctx, m, nodeInput())
			if err != nil {
				t.Error(err)
			}
			results[i] = r
		}(i)
	}
	wg.Wait()
	for _, r := range results[1:] {
		if r.OrderUUID != results[0].OrderUUID {
			t.Fatalf("one key created %s and %s", results[0].OrderUUID, r.OrderUUID)
		}
	}
	page, _ := a.OrderStatuses(context.Background(), m.ID, "", 1)
	if page.Total != 1 {
		t.Fatalf("%d orders for one idempotency key", page.Total)
	}
}
