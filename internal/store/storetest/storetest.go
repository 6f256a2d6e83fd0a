// Package storetest is the one test suite every store.Store implementation must pass. Each
// backend's test calls Run with a function that opens a fresh, empty store.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/money"
	"github.com/fpgo/fpgo/internal/store"
)

// Opener returns a new empty store; the suite closes it.
type Opener func(t *testing.T) store.Store

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// Run runs every case against stores made by open.
func Run(t *testing.T, open Opener) {
	cases := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"MerchantsAndTokens", testMerchants},
		{"InvoiceNumbersAreUniqueUnderConcurrency", testInvoiceNumbers},
		{"CustomersAreTenantScoped", testCustomers},
		{"OrderRoundTripAndLines", testOrderRoundTrip},
		{"OrderDuplicateUUID", testOrderDuplicate},
		{"StaleUpdateIsRefused", testStaleUpdate},
		{"ConcurrentUpdatesDoNotLoseWrites", testConcurrentUpdates},
		{"ReplaceLines", testReplaceLines},
		{"StatusListFilterAndPaging", testStatusList},
		{"DueOrders", testDueOrders},
		{"RefundsSum", testRefunds},
		{"OutboxAndMessages", testOutbox},
		{"Idempotency", testIdempotency},
		{"RollbackLeavesNothing", testRollback},
		{"SandboxClockOnlyMovesForward", testSandboxClock},
		{"CredentialsEpochMovesOnMerchantUpdates", testCredentialsEpoch},
	}
	cases = append(cases, deliveryCases...)
	cases = append(cases, checkoutCases...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			c.fn(t, s)
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, s store.Store, fn func(tx store.Tx) error) {
	t.Helper()
	must(t, s.Write(context.Background(), fn))
}

func read(t *testing.T, s store.Store, fn func(tx store.Tx) error) {
	t.Helper()
	must(t, s.Read(context.Background(), fn))
}

func merchant(t *testing.T, s store.Store, id string) *domain.Merchant {
	t.Helper()
	m := &domain.Merchant{ID: id, Name: "Shop " + id, OrgNumber: "9" + id, TokenHash: "hash-" + id, CallbackSecret: "secret-" + id,
		Settings: domain.DefaultMerchantSettings(), CreatedAt: t0}
	write(t, s, func(tx store.Tx) error { return tx.InsertMerchant(m) })
	return m
}

func order(orgID, uuid string) *domain.Order {
	return &domain.Order{
		UUID: uuid, OrgID: orgID, Type: domain.TypePaymentLink, Status: domain.StatusSent, Currency: "NOK",
		Lines: []domain.Line{
			{Name: "Router", ProductID: "R_1", Quantity: 1000, Rate: 4500_00, Tax: 1200, Amount: 4500_00},
			{Name: "Cable", ProductID: "C_2", Quantity: 2000, Rate: 100_00, Discount: 10_00, Tax: 2500, Amount: 190_00},
		},
		Summary:   domain.Summary{SubTotal: 4169_86, TotalTax: 520_14, GrandTotal: 4690_00},
		OrderDate: t0, CreatedAt: t0, UpdatedAt: t0,
		Callbacks: domain.Callbacks{CallbackURL: "https://shop.example/cb?x=1"},
	}
}

func testMerchants(t *testing.T, s store.Store) {
	m := merchant(t, s, "ORG1")
	m.Settings.RateLimit = 7
	m.Settings.TaxRates = []money.Rate{0, 2500}
	read(t, s, func(tx store.Tx) error {
		got, err := tx.MerchantByTokenHash("hash-ORG1")
		if err != nil {
			return err
		}
		if got.ID != "ORG1" || got.CallbackSecret != "secret-ORG1" || got.Settings.RateLimit != 240 {
			return fmt.Errorf("merchant by token = %+v", got)
		}
		if _, err := tx.MerchantByTokenHash("nope"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("unknown token: err = %v, want ErrNotFound", err)
		}
		return nil
	})
	m.TokenHash = "hash-rotated"
	write(t, s, func(tx store.Tx) error { return tx.UpdateMerchant(m) })
	read(t, s, func(tx store.Tx) error {
		if _, err := tx.MerchantByTokenHash("hash-ORG1"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("old token still works: %v", err)
		}
		got, err := tx.MerchantByID("ORG1")
		if err != nil {
			return err
		}
		if got.TokenHash != "hash-rotated" || got.Settings.RateLimit != 7 || len(got.Settings.TaxRates) != 2 {
			return fmt.Errorf("after update: %+v", got)
		}
		return nil
	})
	merchant(t, s, "ORG2")
	read(t, s, func(tx store.Tx) error {
		ms, err := tx.ListMerchants()
		if err != nil {
			return err
		}
		if len(ms) != 2 {
			return fmt.Errorf("ListMerchants = %d, want 2", len(ms))
		}
		return nil
	})
	dup := &domain.Merchant{ID: "ORG3", Name: "x", TokenHash: "hash-rotated", CallbackSecret: "s", Settings: domain.DefaultMerchantSettings(), CreatedAt: t0}
	if err := s.Write(context.Background(), func(tx store.Tx) error { return tx.InsertMerchant(dup) }); !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("duplicate token hash: err = %v, want ErrDuplicate", err)
	}
}

func testInvoiceNumbers(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	merchant(t, s, "ORG2")
	var mu sync.Mutex
	seen := map[int64]bool{}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var n int64
			err := s.Write(context.Background(), func(tx store.Tx) error {
				var err error
				n, err = tx.NextInvoiceNumber("ORG1")
				return err
			})
			if err != nil {
				errs <- err
				return
			}
			mu.Lock()
			if seen[n] {
				errs <- fmt.Errorf("invoice number %d handed out twice", n)
			}
			seen[n] = true
			mu.Unlock()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(seen) != 40 {
		t.Fatalf("got %d distinct numbers, want 40", len(seen))
	}
	write(t, s, func(tx store.Tx) error {
		n, err := tx.NextInvoiceNumber("ORG2")
		if err != nil {
			return err
		}
		if n != 10000001 {
			return fmt.Errorf("first number of another merchant = %d, want 10000001 (per-merchant sequence)", n)
		}
		if _, err := tx.NextInvoiceNumber("ORG404"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("unknown merchant: %v", err)
		}
		return nil
	})
}

func testCustomers(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	merchant(t, s, "ORG2")
	c := &domain.Customer{UUID: "CSRT1", OrgID: "ORG1", Type: domain.Private, Name: "Kari", PersonalNumber: "12345678901",
		Billing: domain.Address{UUID: "ADRS1", Street: "Luramyrveien 65", Zip: "4313", City: "Sandnes", Country: "NO"}, Status: "Active", CreatedAt: t0, UpdatedAt: t0}
	write(t, s, func(tx store.Tx) error { return tx.InsertCustomer(c) })
	if err := s.Write(context.Background(), func(tx store.Tx) error {
		c2 := *c
		c2.OrgID = "ORG2"
		return tx.InsertCustomer(&c2)
	}); !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("duplicate customer uuid: %v", err)
	}
	read(t, s, func(tx store.Tx) error {
		got, err := tx.CustomerByUUID("ORG1", "CSRT1")
		if err != nil {
			return err
		}
		if got.Name != "Kari" || got.Billing.City != "Sandnes" || got.PersonalNumber != "12345678901" || got.OrgID != "ORG1" {
			return fmt.Errorf("customer = %+v", got)
		}
		if _, err := tx.CustomerByUUID("ORG2", "CSRT1"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("other merchant sees customer: %v", err)
		}
		return nil
	})
	c.Name = "Kari Nordmann"
	c.Shipping = &domain.Address{UUID: "ADRS2", Street: "Sjøhusbakken 42", City: "Stavanger", Zip: "4313", Country: "NO"}
	write(t, s, func(tx store.Tx) error { return tx.UpdateCustomer(c) })
	read(t, s, func(tx store.Tx) error {
		got, err := tx.CustomerByUUID("ORG1", "CSRT1")
		if err != nil {
			return err
		}
		if got.Name != "Kari Nordmann" || got.Shipping == nil || got.Shipping.Street != "Sjøhusbakken 42" {
			return fmt.Errorf("after update %+v", got)
		}
		return nil
	})
	other := *c
	other.OrgID = "ORG2"
	if err := s.Write(context.Background(), func(tx store.Tx) error { return tx.UpdateCustomer(&other) }); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("update through another merchant: %v", err)
	}
}

func testOrderRoundTrip(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	merchant(t, s, "ORG2")
	o := order("ORG1", "ODR1")
	due := t0.Add(time.Hour)
	o.DueDate = &due
	o.References.ReferenceNo = "ref-1"
	write(t, s, func(tx store.Tx) error { return tx.InsertOrder(o) })
	if o.Lines[0].ID == 0 || o.Lines[1].ID <= o.Lines[0].ID {
		t.Fatalf("line ids not assigned: %d %d", o.Lines[0].ID, o.Lines[1].ID)
	}
	o2 := order("ORG1", "ODR2")
	write(t, s, func(tx store.Tx) error { return tx.InsertOrder(o2) })
	if o2.Lines[0].ID == o.Lines[0].ID || o2.Lines[0].ID == o.Lines[1].ID {
		t.Fatal("line ids must be unique across orders")
	}
	read(t, s, func(tx store.Tx) error {
		got, err := tx.OrderByUUID("ORG1", "ODR1", false)
		if err != nil {
			return err
		}
		if got.Status != domain.StatusSent || len(got.Lines) != 2 || got.Lines[1].Discount != 10_00 || got.Lines[1].Quantity != 2000 ||
			got.Summary.GrandTotal != 4690_00 || got.References.ReferenceNo != "ref-1" || got.DueDate == nil || !got.DueDate.Equal(due) ||
			got.Callbacks.CallbackURL != "https://shop.example/cb?x=1" || got.Version != 1 || got.Lines[0].ID != o.Lines[0].ID {
			return fmt.Errorf("order round trip: %+v", got)
		}
		if _, err := tx.OrderByUUID("ORG2", "ODR1", false); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("other merchant sees order: %v", err)
		}
		return nil
	})
}

func testOrderDuplicate(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	write(t, s, func(tx store.Tx) error { return tx.InsertOrder(order("ORG1", "ODR1")) })
	err := s.Write(context.Background(), func(tx store.Tx) error { return tx.InsertOrder(order("ORG1", "ODR1")) })
	if !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("duplicate uuid: err = %v", err)
	}
	// After a collision the transaction must still be usable, so the caller can draw a new id.
	write(t, s, func(tx store.Tx) error {
		if err := tx.InsertOrder(order("ORG1", "ODR1")); !errors.Is(err, store.ErrDuplicate) {
			return fmt.Errorf("want ErrDuplicate, got %v", err)
		}
		return tx.InsertOrder(order("ORG1", "ODR9"))
	})
	read(t, s, func(tx store.Tx) error {
		_, err := tx.OrderByUUID("ORG1", "ODR9", false)
		return err
	})
}

func testStaleUpdate(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	write(t, s, func(tx store.Tx) error { return tx.InsertOrder(order("ORG1", "ODR1")) })
	var a, b *domain.Order
	read(t, s, func(tx store.Tx) error {
		var err error
		if a, err = tx.OrderByUUID("ORG1", "ODR1", false); err != nil {
			return err
		}
		b, err = tx.OrderByUUID("ORG1", "ODR1", false)
		return err
	})
	a.Status = domain.StatusPaid
	write(t, s, func(tx store.Tx) error { return tx.UpdateOrder(a) })
	b.Status = domain.StatusCancelled
	err := s.Write(context.Background(), func(tx store.Tx) error { return tx.UpdateOrder(b) })
	if !errors.Is(err, store.ErrStale) {
		t.Fatalf("second writer with old version: err = %v, want ErrStale", err)
	}
	read(t, s, func(tx store.Tx) error {
		got, err := tx.OrderByUUID("ORG1", "ODR1", false)
		if err != nil {
			return err
		}
		if got.Status != domain.StatusPaid || got.Version != 2 {
			return fmt.Errorf("status %s version %d", got.Status, got.Version)
		}
		return nil
	})
}

// Many transactions each add one øre of refund to the same line: with row locks (or a single
// writer) and the version check, none may be lost.
func testConcurrentUpdates(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	write(t, s, func(tx store.Tx) error { return tx.InsertOrder(order("ORG1", "ODR1")) })
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.Write(context.Background(), func(tx store.Tx) error {
				o, err := tx.OrderByUUID("ORG1", "ODR1", true)
				if err != nil {
					return err
				}
				o.Lines[0].Refunded++
				o.RefundedAmount++
				return tx.UpdateOrder(o)
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	read(t, s, func(tx store.Tx) error {
		o, err := tx.OrderByUUID("ORG1", "ODR1", false)
		if err != nil {
			return err
		}
		if o.Lines[0].Refunded != n || o.RefundedAmount != n {
			return fmt.Errorf("lost updates: line refunded %d, order refunded %d, want %d", o.Lines[0].Refunded, o.RefundedAmount, n)
		}
		return nil
	})
}

func testReplaceLines(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	o := order("ORG1", "ODR1")
	write(t, s, func(tx store.Tx) error { return tx.InsertOrder(o) })
	old := o.Lines[0].ID
	o.Lines = []domain.Line{{Name: "Only", Quantity: 1000, Rate: 5_00, Tax: 0, Amount: 5_00}}
	write(t, s, func(tx store.Tx) error {
		if err := tx.ReplaceOrderLines(o); err != nil {
			return err
		}
		return tx.UpdateOrder(o)
	})
	read(t, s, func(tx store.Tx) error {
		got, err := tx.OrderByUUID("ORG1", "ODR1", false)
		if err != nil {
			return err
		}
		if len(got.Lines) != 1 || got.Lines[0].Name != "Only" || got.Lines[0].ID == old {
			return fmt.Errorf("lines after replace: %+v", got.Lines)
		}
		return nil
	})
}

func testStatusList(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	merchant(t, s, "ORG2")
	write(t, s, func(tx store.Tx) error {
		for i := 0; i < 5; i++ {
			o := order("ORG1", fmt.Sprintf("ODR%d", i))
			o.CreatedAt = t0.Add(time.Duration(i) * time.Minute)
			if i%2 == 0 {
				o.Status = domain.StatusPaid
			}
			if err := tx.InsertOrder(o); err != nil {
				return err
			}
		}
		return tx.InsertOrder(order("ORG2", "ODRX"))
	})
	read(t, s, func(tx store.Tx) error {
		rows, total, err := tx.ListOrderStatuses("ORG1", "", store.Page{Limit: 2, Offset: 0})
		if err != nil {
			return err
		}
		if total != 5 || len(rows) != 2 || rows[0].UUID != "ODR4" || rows[1].UUID != "ODR3" {
			return fmt.Errorf("page 1: total %d rows %+v", total, rows)
		}
		rows, total, err = tx.ListOrderStatuses("ORG1", domain.StatusPaid, store.Page{Limit: 50})
		if err != nil {
			return err
		}
		if total != 3 || len(rows) != 3 {
			return fmt.Errorf("paid filter: total %d rows %d", total, len(rows))
		}
		for _, r := range rows {
			if r.Status != domain.StatusPaid {
				return fmt.Errorf("filter leaked %s", r.Status)
			}
		}
		rows, total, err = tx.ListOrderStatuses("ORG2", domain.StatusRefunded, store.Page{Limit: 50})
		if err != nil {
			return err
		}
		if total != 0 || rows == nil || len(rows) != 0 {
			return fmt.Errorf("empty result must be an empty non-nil list: %v %d", rows, total)
		}
		return nil
	})
}

func testDueOrders(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	merchant(t, s, "ORG2")
	write(t, s, func(tx store.Tx) error {
		past, future := t0.Add(-time.Minute), t0.Add(time.Hour)
		a := order("ORG1", "ODRPAST")
		a.DueDate = &past
		b := order("ORG1", "ODRFUT")
		b.DueDate = &future
		c := order("ORG1", "ODRPAID")
		c.DueDate = &past
		c.Status = domain.StatusPaid
		d := order("ORG1", "ODRNONE")
		e := order("ORG2", "ODROTHER")
		e.DueDate = &past
		for _, o := range []*domain.Order{a, b, c, d, e} {
			if err := tx.InsertOrder(o); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, s, func(tx store.Tx) error {
		refs, err := tx.DueOrders("", t0, 10)
		if err != nil {
			return err
		}
		got := map[string]string{}
		for _, r := range refs {
			got[r.UUID] = r.OrgID
		}
		if len(refs) != 2 || got["ODRPAST"] != "ORG1" || got["ODROTHER"] != "ORG2" {
			return fmt.Errorf("due orders of all merchants = %+v", refs)
		}
		refs, err = tx.DueOrders("ORG1", t0, 10)
		if err != nil {
			return err
		}
		if len(refs) != 1 || refs[0].UUID != "ODRPAST" || refs[0].OrgID != "ORG1" {
			return fmt.Errorf("due orders of ORG1 = %+v", refs)
		}
		return nil
	})
}

func testRefunds(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	merchant(t, s, "ORG2")
	write(t, s, func(tx store.Tx) error {
		for i, at := range []time.Time{t0.Add(-8 * 24 * time.Hour), t0.Add(-time.Hour), t0} {
			if err := tx.InsertRefund(&domain.Refund{UUID: fmt.Sprintf("RFND%d", i), OrgID: "ORG1", OrderUUID: "ODR1", Amount: 100_00, CreatedAt: at}); err != nil {
				return err
			}
		}
		return tx.InsertRefund(&domain.Refund{UUID: "RFNDX", OrgID: "ORG2", OrderUUID: "ODRX", Amount: 999_00, CreatedAt: t0})
	})
	read(t, s, func(tx store.Tx) error {
		sum, err := tx.RefundedSince("ORG1", t0.Add(-7*24*time.Hour))
		if err != nil {
			return err
		}
		if sum != 200_00 {
			return fmt.Errorf("refunded in week = %s, want 200.00", sum)
		}
		return nil
	})
}

func testOutbox(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	merchant(t, s, "ORG2")
	write(t, s, func(tx store.Tx) error {
		for _, st := range []string{"PAID", "PARTIALLY REFUNDED"} {
			if err := tx.EnqueueCallback(&domain.CallbackEvent{OrgID: "ORG1", Kind: "order", SubjectUUID: "ODR1", Status: st, Amount: "4690",
				PaymentMethod: "visa", SubjectAt: t0, URL: "https://shop.example/cb", CreatedAt: t0}); err != nil {
				return err
			}
		}
		if err := tx.InsertMessage(&domain.Message{OrgID: "ORG1", Channel: "sms", To: "+4746567468", Body: "pay", OrderUUID: "ODR1", CreatedAt: t0}); err != nil {
			return err
		}
		return tx.InsertMessage(&domain.Message{OrgID: "ORG2", Channel: "email", To: "a@b.no", Body: "pay", CreatedAt: t0})
	})
	read(t, s, func(tx store.Tx) error {
		evs, err := tx.CallbackEvents("ORG1", "ODR1")
		if err != nil {
			return err
		}
		if len(evs) != 2 || evs[0].Status != "PAID" || evs[1].Status != "PARTIALLY REFUNDED" || evs[0].ID >= evs[1].ID {
			return fmt.Errorf("events in order: %+v", evs)
		}
		if evs, _ := tx.CallbackEvents("ORG2", "ODR1"); len(evs) != 0 {
			return fmt.Errorf("other merchant sees events")
		}
		msgs, err := tx.Messages("ORG1", "", 10)
		if err != nil {
			return err
		}
		if len(msgs) != 1 || msgs[0].To != "+4746567468" {
			return fmt.Errorf("messages = %+v", msgs)
		}
		if msgs, _ := tx.Messages("ORG1", "nobody", 10); len(msgs) != 0 {
			return fmt.Errorf("to filter ignored")
		}
		return nil
	})
}

func testIdempotency(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	read(t, s, func(tx store.Tx) error {
		if _, err := tx.IdempotentResult("ORG1", "k1"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("unused key: %v", err)
		}
		return nil
	})
	write(t, s, func(tx store.Tx) error {
		return tx.SaveIdempotentResult("ORG1", "k1", store.IdempotentResult{RequestHash: "h", Result: []byte(`{"a":1}`)}, t0)
	})
	read(t, s, func(tx store.Tx) error {
		r, err := tx.IdempotentResult("ORG1", "k1")
		if err != nil {
			return err
		}
		if r.RequestHash != "h" || string(r.Result) != `{"a":1}` {
			return fmt.Errorf("result %+v", r)
		}
		if _, err := tx.IdempotentResult("ORG2", "k1"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("keys must be per merchant: %v", err)
		}
		return nil
	})
}

func testRollback(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	boom := errors.New("boom")
	err := s.Write(context.Background(), func(tx store.Tx) error {
		if err := tx.InsertOrder(order("ORG1", "ODR1")); err != nil {
			return err
		}
		if err := tx.EnqueueCallback(&domain.CallbackEvent{OrgID: "ORG1", Kind: "order", SubjectUUID: "ODR1", Status: "PAID", SubjectAt: t0, URL: "https://x", CreatedAt: t0}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	read(t, s, func(tx store.Tx) error {
		if _, err := tx.OrderByUUID("ORG1", "ODR1", false); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("rolled back order exists: %v", err)
		}
		if evs, _ := tx.CallbackEvents("ORG1", "ODR1"); len(evs) != 0 {
			return fmt.Errorf("rolled back callback exists")
		}
		return nil
	})
}

func testSandboxClock(t *testing.T, s store.Store) {
	write(t, s, func(tx store.Tx) error {
		if d, err := tx.SandboxClockOffset(); err != nil || d != 0 {
			return fmt.Errorf("initial offset %v %v", d, err)
		}
		if d, err := tx.AdvanceSandboxClock(90 * time.Second); err != nil || d != 90*time.Second {
			return fmt.Errorf("advance: %v %v", d, err)
		}
		if d, err := tx.AdvanceSandboxClock(-time.Hour); err != nil || d != 90*time.Second {
			return fmt.Errorf("negative advance moved the clock: %v %v", d, err)
		}
		return nil
	})
	read(t, s, func(tx store.Tx) error {
		if d, err := tx.SandboxClockOffset(); err != nil || d != 90*time.Second {
			return fmt.Errorf("stored offset %v %v", d, err)
		}
		return nil
	})
}

func testCredentialsEpoch(t *testing.T, s store.Store) {
	ctx := context.Background()
	epoch := func() int64 {
		t.Helper()
		n, err := s.CredentialsEpoch(ctx)
		must(t, err)
		return n
	}
	e0 := epoch()
	m := merchant(t, s, "ORG1")
	o := order("ORG1", "ODR1")
	write(t, s, func(tx store.Tx) error { return tx.InsertOrder(o) })
	write(t, s, func(tx store.Tx) error { _, err := tx.NextInvoiceNumber("ORG1"); return err })
	if got := epoch(); got != e0 {
		t.Fatalf("epoch moved from %d to %d without a merchant update", e0, got)
	}
	m.TokenHash = "hash-rotated"
	write(t, s, func(tx store.Tx) error { return tx.UpdateMerchant(m) })
	e1 := epoch()
	if e1 == e0 {
		t.Fatal("epoch did not move when a token was rotated")
	}
	// A rolled-back update leaves the epoch alone.
	m.Name = "renamed"
	boom := errors.New("boom")
	err := s.Write(ctx, func(tx store.Tx) error {
		if err := tx.UpdateMerchant(m); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("write: %v", err)
	}
	if got := epoch(); got != e1 {
		t.Fatalf("epoch after a rolled-back update = %d, want %d", got, e1)
	}
	m.ID = "ORG-missing"
	if err := s.Write(ctx, func(tx store.Tx) error { return tx.UpdateMerchant(m) }); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("update of a missing merchant: %v", err)
	}
}
