package app

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/apperr"
	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/money"
	"github.com/fpgo/fpgo/internal/store"
	"github.com/fpgo/fpgo/internal/store/sqlstore"
)

type fixture struct {
	app   *App
	clock *clock.Fixed
	m     *domain.Merchant
	other *domain.Merchant
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), filepath.Join(t.TempDir(), "app.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clk := clock.NewFixed(time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC))
	a := New(db, clk, nil, "http://fpgo.test", true)
	f := &fixture{app: a, clock: clk}
	f.m = f.merchant(t, "Shop A", func(s *domain.MerchantSettings) {})
	f.other = f.merchant(t, "Shop B", func(s *domain.MerchantSettings) {})
	return f
}

func (f *fixture) merchant(t *testing.T, name string, tweak func(*domain.MerchantSettings)) *domain.Merchant {
	t.Helper()
	s := domain.DefaultMerchantSettings()
	tweak(&s)
	creds, err := f.app.CreateMerchant(context.Background(), NewMerchant{Name: name, Settings: s})
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.app.Authenticate(context.Background(), creds.Token)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func input(typ domain.OrderType) OrderInput {
	return OrderInput{
		Type: typ,
		Lines: []domain.Line{
			{Name: "Router", Quantity: 1000, Rate: 100_00, Tax: 2500, Amount: 100_00},
			{Name: "Cable", Quantity: 2000, Rate: 25_00, Tax: 2500, Amount: 50_00},
		},
		Summary:   domain.Summary{SubTotal: 120_00, TotalTax: 30_00, GrandTotal: 150_00},
		OrderDate: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
		Customer: &CustomerInput{Type: domain.Private, Name: "Kari Nordmann", CountryCode: "+47", MSISDN: "46567468", Email: "kari@example.no",
			PersonalNumber: "12345678901", Address: domain.Address{Street: "Luramyrveien 65", Zip: "4313", City: "Sandnes", Country: "NO"}},
		Callbacks: domain.Callbacks{CallbackURL: "https://shop.example/cb"},
		SendBySMS: true,
	}
}

func (f *fixture) create(t *testing.T, in OrderInput) CreatedOrder {
	t.Helper()
	c, err := f.app.CreateOrder(context.Background(), f.m, in)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fixture) order(t *testing.T, uuid string) *domain.Order {
	t.Helper()
	o, err := f.app.Order(context.Background(), f.m.ID, uuid)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (f *fixture) events(t *testing.T, uuid string) []string {
	t.Helper()
	evs, err := f.app.CallbackEvents(context.Background(), f.m.ID, uuid)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, e.Status)
	}
	return out
}

func wantKey(t *testing.T, err error, key string) {
	t.Helper()
	if got := apperr.Key(err); got != key {
		t.Fatalf("error key = %q (%v), want %q", got, err, key)
	}
}

func TestCreatePaymentLink(t *testing.T) {
	f := newFixture(t)
	c := f.create(t, input(domain.TypePaymentLink))
	if c.PaymentURL != "http://fpgo.test/checkout/"+c.OrderUUID || c.CustomerUUID == "" {
		t.Fatalf("created = %+v", c)
	}
	o := f.order(t, c.OrderUUID)
	if o.Status != domain.StatusSent || o.InvoiceNumber != "" || len(o.Lines) != 2 || o.Lines[0].ID == 0 || o.Language != "no" {
		t.Fatalf("order = %+v", o)
	}
	if evs := f.events(t, c.OrderUUID); len(evs) != 0 {
		t.Fatalf("creation must not fire a callback: %v", evs)
	}
	msgs, _ := f.app.Messages(context.Background(), f.m.ID, "")
	if len(msgs) != 1 || msgs[0].Channel != "sms" || msgs[0].To != "+4746567468" || msgs[0].OrderUUID != c.OrderUUID {
		t.Fatalf("sendOrderBy.sms message = %+v", msgs)
	}
}

func TestCreateRejectsInconsistentTotalsAndStoresNothing(t *testing.T) {
	f := newFixture(t)
	in := input(domain.TypePaymentLink)
	in.Summary.GrandTotal = 151_00
	_, err := f.app.CreateOrder(context.Background(), f.m, in)
	if !apperr.IsKind(err, apperr.KindValidation) {
		t.Fatalf("err = %v, want validation", err)
	}
	page, _ := f.app.OrderStatuses(context.Background(), f.m.ID, "", 1)
	if page.Total != 0 {
		t.Fatalf("an order was stored: %d", page.Total)
	}
}

func TestInvoiceOrdersAreInvoicedWithSequentialNumbersAndKID(t *testing.T) {
	f := newFixture(t)
	a := f.create(t, input(domain.TypeInvoice))
	b := f.create(t, input(domain.TypeEHF))
	oa, ob := f.order(t, a.OrderUUID), f.order(t, b.OrderUUID)
	if oa.Status != domain.StatusInvoiced || oa.InvoiceNumber != "10000001" || ob.InvoiceNumber != "10000002" {
		t.Fatalf("invoice numbers %q %q status %s", oa.InvoiceNumber, ob.InvoiceNumber, oa.Status)
	}
	if oa.KID == "" || oa.KID == ob.KID || oa.InvoiceDueAt == nil {
		t.Fatalf("KID/due: %q %q %v", oa.KID, ob.KID, oa.InvoiceDueAt)
	}
	if evs := f.events(t, a.OrderUUID); len(evs) != 0 {
		t.Fatalf("INVOICED at creation must not fire a callback: %v", evs)
	}
	// Another merchant has its own sequence.
	c, err := f.app.CreateOrder(context.Background(), f.other, input(domain.TypeFaktura))
	if err != nil {
		t.Fatal(err)
	}
	oc, _ := f.app.Order(context.Background(), f.other.ID, c.OrderUUID)
	if oc.InvoiceNumber != "10000001" {
		t.Fatalf("other merchant's first invoice = %q", oc.InvoiceNumber)
	}
}

func TestInvoiceCheckoutPrivateGetsBankIDCorporateIsInvoiced(t *testing.T) {
	f := newFixture(t)
	priv := f.create(t, input(domain.TypeInvoiceCheckout))
	if priv.BankIDURL == "" || f.order(t, priv.OrderUUID).Status != domain.StatusSent {
		t.Fatalf("private invoice checkout = %+v", priv)
	}
	in := input(domain.TypeInvoiceCheckout)
	in.Customer.Type, in.Customer.OrganizationID = domain.Corporate, "123456789"
	corp := f.create(t, in)
	if corp.BankIDURL != "" || f.order(t, corp.OrderUUID).Status != domain.StatusInvoiced {
		t.Fatalf("corporate invoice checkout = %+v", corp)
	}
}

func TestRegularSubmitURLs(t *testing.T) {
	f := newFixture(t)
	in := input(domain.TypeCheckout)
	in.PaymentMethod = "visa"
	c := f.create(t, in)
	if c.PaymentURL != "http://fpgo.test/checkout/"+c.OrderUUID+"/pay/visa" {
		t.Fatalf("visa url %q", c.PaymentURL)
	}
	in.PaymentMethod = "invoice"
	c = f.create(t, in)
	if c.PaymentURL != "http://fpgo.test/checkout/"+c.OrderUUID+"/bankid" {
		t.Fatalf("invoice url %q", c.PaymentURL)
	}
	h := f.create(t, input(domain.TypeHostedCheckout))
	if h.PaymentURL != "http://fpgo.test/order/hosted/"+h.OrderUUID+"/checkout" {
		t.Fatalf("hosted url %q", h.PaymentURL)
	}
}

func TestCustomerReuseAndIsolation(t *testing.T) {
	f := newFixture(t)
	first := f.create(t, input(domain.TypePaymentLink))
	in := input(domain.TypePaymentLink)
	in.Customer = &CustomerInput{UUID: first.CustomerUUID}
	second := f.create(t, in)
	if second.CustomerUUID != first.CustomerUUID {
		t.Fatalf("customer not reused: %s vs %s", second.CustomerUUID, first.CustomerUUID)
	}
	_, err := f.app.CreateOrder(context.Background(), f.other, in)
	wantKey(t, err, "customerNotFound")
	_, err = f.app.Customer(context.Background(), f.other.ID, first.CustomerUUID)
	wantKey(t, err, "customerNotFound")
}

func TestCancelEmitsCallbackAndRefusesTwice(t *testing.T) {
	f := newFixture(t)
	c := f.create(t, input(domain.TypePaymentLink))
	ctx := context.Background()
	_, err := f.app.CancelOrder(ctx, f.other.ID, c.OrderUUID, "x")
	wantKey(t, err, "orderNotFound")
	if _, err := f.app.CancelOrder(ctx, f.m.ID, c.OrderUUID, "customer changed mind"); err != nil {
		t.Fatal(err)
	}
	o := f.order(t, c.OrderUUID)
	if o.Status != domain.StatusCancelled || o.CancellationNote != "customer changed mind" {
		t.Fatalf("after cancel %s %q", o.Status, o.CancellationNote)
	}
	_, err = f.app.CancelOrder(ctx, f.m.ID, c.OrderUUID, "again")
	wantKey(t, err, "orderStatusAlreadyCancelled")
	if evs := f.events(t, c.OrderUUID); len(evs) != 1 || evs[0] != "CANCELLED" {
		t.Fatalf("events = %v", evs)
	}
	_, err = f.app.ResendOrder(ctx, f.m.ID, c.OrderUUID, ResendInput{})
	wantKey(t, err, "orderStatusAlreadyCancelled")
	_, err = f.app.CancelOrder(ctx, f.m.ID, "ODR0000000000", "x")
	wantKey(t, err, "orderNotFound")
}

func TestPayRefundAndCallbacksInOrder(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.create(t, input(domain.TypePaymentLink))
	if _, err := f.app.PayOrder(ctx, f.m.ID, c.OrderUUID, "visa"); err != nil {
		t.Fatal(err)
	}
	_, err := f.app.PayOrder(ctx, f.m.ID, c.OrderUUID, "visa")
	wantKey(t, err, "orderStatusAlreadyPaid")
	_, err = f.app.CancelOrder(ctx, f.m.ID, c.OrderUUID, "x")
	wantKey(t, err, "orderStatusAlreadyPaid")
	o := f.order(t, c.OrderUUID)
	refund := func(amt money.Amount, line int) error {
		_, err := f.app.RefundOrder(ctx, f.m, c.OrderUUID, RefundInput{Type: "regular", GrandTotal: amt, Lines: []domain.RefundLine{{LineID: o.Lines[line].ID, Amount: amt}}})
		return err
	}
	if err := refund(30_00, 0); err != nil {
		t.Fatal(err)
	}
	if got := f.order(t, c.OrderUUID); got.Status != domain.StatusPartiallyRefunded || got.RefundedAmount != 30_00 || got.Lines[0].Refunded != 30_00 {
		t.Fatalf("after partial refund: %s %s", got.Status, got.RefundedAmount)
	}
	wantKey(t, refund(71_00, 0), "refundRejectionForProductAmountExceed")
	if err := refund(70_00, 0); err != nil {
		t.Fatal(err)
	}
	if err := refund(50_00, 1); err != nil {
		t.Fatal(err)
	}
	if got := f.order(t, c.OrderUUID); got.Status != domain.StatusRefunded || got.RefundedAmount != 150_00 {
		t.Fatalf("after full refund: %s %s", got.Status, got.RefundedAmount)
	}
	wantKey(t, refund(1_00, 1), "refundRejectionForRefundedCancelledInvoicedOrderParamRefunded")
	want := []string{"PAID", "PARTIALLY REFUNDED", "PARTIALLY REFUNDED", "REFUNDED"}
	got := f.events(t, c.OrderUUID)
	if len(got) != len(want) {
		t.Fatalf("events = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("events = %v, want %v", got, want)
		}
	}
}

func TestWeeklyRefundLimitWindow(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.merchant(t, "Limited", func(s *domain.MerchantSettings) { s.RefundLimitWeekly = 100_00; s.RefundLimitRequest = 0 })
	mk := func() *domain.Order {
		c, err := f.app.CreateOrder(ctx, m, input(domain.TypeInvoice))
		if err != nil {
			t.Fatal(err)
		}
		o, _ := f.app.Order(ctx, m.ID, c.OrderUUID)
		return o
	}
	refund := func(o *domain.Order, amt money.Amount) error {
		_, err := f.app.RefundOrder(ctx, m, o.UUID, RefundInput{Type: "invoiced", GrandTotal: amt, Lines: []domain.RefundLine{{LineID: o.Lines[0].ID, Amount: amt}}})
		return err
	}
	a, b := mk(), mk()
	if err := refund(a, 80_00); err != nil {
		t.Fatal(err)
	}
	wantKey(t, refund(b, 30_00), "refundRejectionForWeeklyThresholdExceed")
	f.clock.Add(7*24*time.Hour + time.Second)
	if err := refund(b, 30_00); err != nil {
		t.Fatalf("a week later the limit must reset: %v", err)
	}
}

func TestDelayedCharge(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := input(domain.TypeCheckout)
	in.PaymentMethod = "visa"
	yes := true
	in.DelayedCharge = &yes
	c := f.create(t, in)
	_, err := f.app.ChargeDelayed(ctx, f.m.ID, c.OrderUUID)
	wantKey(t, err, "orderNotEligibleForDelayedCharge")
	if ack, err := f.app.PayOrder(ctx, f.m.ID, c.OrderUUID, "visa"); err != nil || ack.Status != "AUTHORIZED" {
		t.Fatalf("pay with delayed charge: %+v %v", ack, err)
	}
	if ack, err := f.app.ChargeDelayed(ctx, f.m.ID, c.OrderUUID); err != nil || ack.Status != "PAID" {
		t.Fatalf("charge: %+v %v", ack, err)
	}
	_, err = f.app.ChargeDelayed(ctx, f.m.ID, c.OrderUUID)
	wantKey(t, err, "orderNotEligibleForDelayedCharge")
	if evs := f.events(t, c.OrderUUID); len(evs) != 2 || evs[0] != "AUTHORIZED" || evs[1] != "PAID" {
		t.Fatalf("events %v", evs)
	}
}

func TestExpiry(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := input(domain.TypePaymentLink)
	due := f.clock.Now().Add(time.Hour)
	in.DueDate = &due
	c := f.create(t, in)
	keep := f.create(t, input(domain.TypePaymentLink)) // no due date: never expires
	f.clock.Add(2 * time.Hour)
	n, err := f.app.ExpireDue(ctx, "", 100)
	if err != nil || n != 1 {
		t.Fatalf("ExpireDue = %d, %v", n, err)
	}
	if o := f.order(t, c.OrderUUID); o.Status != domain.StatusExpired {
		t.Fatalf("status %s", o.Status)
	}
	if o := f.order(t, keep.OrderUUID); o.Status != domain.StatusSent {
		t.Fatalf("order without due date expired")
	}
	_, err = f.app.PayOrder(ctx, f.m.ID, c.OrderUUID, "visa")
	wantKey(t, err, "orderStatusAlreadyExpired")
	if evs := f.events(t, c.OrderUUID); len(evs) != 1 || evs[0] != "EXPIRED" {
		t.Fatalf("events %v", evs)
	}
}

func TestExpiryOnReadWithoutSweeper(t *testing.T) {
	f := newFixture(t)
	in := input(domain.TypePaymentLink)
	due := f.clock.Now().Add(time.Minute)
	in.DueDate = &due
	c := f.create(t, in)
	f.clock.Add(time.Hour)
	if o := f.order(t, c.OrderUUID); o.Status != domain.StatusExpired {
		t.Fatalf("read of a past-due link shows %s", o.Status)
	}
}

func TestConcurrentPaymentsPayOnce(t *testing.T) {
	f := newFixture(t)
	c := f.create(t, input(domain.TypePaymentLink))
	var wg sync.WaitGroup
	var mu sync.Mutex
	okCount, refused := 0, 0
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.app.PayOrder(context.Background(), f.m.ID, c.OrderUUID, "visa")
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				okCount++
			} else if apperr.Key(err) == "orderStatusAlreadyPaid" {
				refused++
			} else {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if okCount != 1 || refused != 9 {
		t.Fatalf("%d payments succeeded, %d refused", okCount, refused)
	}
	if evs := f.events(t, c.OrderUUID); len(evs) != 1 {
		t.Fatalf("PAID callback written %d times", len(evs))
	}
}

func TestPartnerUpdate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.create(t, input(domain.TypeCheckout))
	in := input(domain.TypeCheckout)
	in.FPGOUUID, in.FromPartner = c.OrderUUID, true
	in.Lines = []domain.Line{{Name: "Only", Quantity: 1000, Rate: 10_00, Tax: 0, Amount: 10_00}}
	in.Summary = domain.Summary{GrandTotal: 10_00}
	up, err := f.app.CreateOrder(ctx, f.m, in)
	if err != nil {
		t.Fatal(err)
	}
	o := f.order(t, c.OrderUUID)
	if up.OrderUUID != c.OrderUUID || len(o.Lines) != 1 || o.Lines[0].Name != "Only" || o.Summary.GrandTotal != 10_00 {
		t.Fatalf("partner update: %+v %+v", up, o)
	}
	page, _ := f.app.OrderStatuses(ctx, f.m.ID, "", 1)
	if page.Total != 1 {
		t.Fatalf("partner update created a new order (%d orders)", page.Total)
	}
	if _, err := f.app.PayOrder(ctx, f.m.ID, c.OrderUUID, "visa"); err != nil {
		t.Fatal(err)
	}
	_, err = f.app.CreateOrder(ctx, f.m, in)
	wantKey(t, err, "orderStatusAlreadyPaid")
	in.FPGOUUID = "ODR0000000000"
	_, err = f.app.CreateOrder(ctx, f.m, in)
	wantKey(t, err, "orderNotFound")
	_, err = f.app.CreateOrder(ctx, f.other, OrderInput{Type: domain.TypeCheckout, FPGOUUID: c.OrderUUID, FromPartner: true})
	wantKey(t, err, "orderNotFound")
}

func TestIdempotency(t *testing.T) {
	f := newFixture(t)
	ctx := WithIdempotency(context.Background(), "key-1", "hash-a")
	a, err := f.app.CreateOrder(ctx, f.m, input(domain.TypePaymentLink))
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.app.CreateOrder(ctx, f.m, input(domain.TypePaymentLink))
	if err != nil || b != a {
		t.Fatalf("replay = %+v, %v; want %+v", b, err, a)
	}
	page, _ := f.app.OrderStatuses(context.Background(), f.m.ID, "", 1)
	if page.Total != 1 {
		t.Fatalf("replay created another order: %d", page.Total)
	}
	_, err = f.app.CreateOrder(WithIdempotency(context.Background(), "key-1", "hash-b"), f.m, input(domain.TypePaymentLink))
	if !apperr.IsKind(err, apperr.KindIdempotency) {
		t.Fatalf("same key, other body: %v", err)
	}
	// Keys are per merchant.
	if _, err := f.app.CreateOrder(WithIdempotency(context.Background(), "key-1", "hash-b"), f.other, input(domain.TypePaymentLink)); err != nil {
		t.Fatalf("other merchant's key space: %v", err)
	}
	// A failed request does not consume the key.
	bad := input(domain.TypePaymentLink)
	bad.Summary.GrandTotal = 1
	ctx2 := WithIdempotency(context.Background(), "key-2", "hash-c")
	if _, err := f.app.CreateOrder(ctx2, f.m, bad); err == nil {
		t.Fatal("bad totals accepted")
	}
	if _, err := f.app.CreateOrder(WithIdempotency(context.Background(), "key-2", "hash-d"), f.m, input(domain.TypePaymentLink)); err != nil {
		t.Fatalf("key of a failed request must be reusable: %v", err)
	}
}

// The key is not looked up before the first attempt; a retried request whose change would now
// fail (the order is already cancelled) must still replay the first answer, and a different
// body must still get the key-reuse error rather than the state error.
func TestIdempotentReplayOfAChangeThatWouldNowFail(t *testing.T) {
	f := newFixture(t)
	c, err := f.app.CreateOrder(context.Background(), f.m, input(domain.TypePaymentLink))
	if err != nil {
		t.Fatal(err)
	}
	ctx := WithIdempotency(context.Background(), "cancel-1", "hash-a")
	first, err := f.app.CancelOrder(ctx, f.m.ID, c.OrderUUID, "")
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.app.CancelOrder(ctx, f.m.ID, c.OrderUUID, "")
	if err != nil || again != first {
		t.Fatalf("replayed cancel = %+v, %v; want %+v", again, err, first)
	}
	_, err = f.app.CancelOrder(WithIdempotency(context.Background(), "cancel-1", "hash-b"), f.m.ID, c.OrderUUID, "")
	if !apperr.IsKind(err, apperr.KindIdempotency) {
		t.Fatalf("same key, other body: %v", err)
	}
	// Without a key the same request is refused by the state machine.
	if _, err := f.app.CancelOrder(context.Background(), f.m.ID, c.OrderUUID, ""); err == nil {
		t.Fatal("second cancel without a key accepted")
	}
	evs := f.events(t, c.OrderUUID)
	if len(evs) != 1 {
		t.Fatalf("callbacks after a cancel and its replays = %d, want 1", len(evs))
	}
}

func TestMerchantsAndTokens(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.app.CreateMerchant(ctx, NewMerchant{})
	if !apperr.IsKind(err, apperr.KindValidation) {
		t.Fatalf("nameless merchant: %v", err)
	}
	creds, err := f.app.CreateMerchant(ctx, NewMerchant{Name: "X", Settings: domain.DefaultMerchantSettings()})
	if err != nil {
		t.Fatal(err)
	}
	rot, err := f.app.RotateToken(ctx, creds.OrganizationUUID)
	if err != nil || rot.Token == creds.Token {
		t.Fatalf("rotate: %v", err)
	}
	if _, err := f.app.Authenticate(ctx, creds.Token); !apperr.IsKind(err, apperr.KindUnauthorized) {
		t.Fatalf("old token still accepted: %v", err)
	}
	if m, err := f.app.Authenticate(ctx, rot.Token); err != nil || m.ID != creds.OrganizationUUID {
		t.Fatalf("new token: %v", err)
	}
	if _, err := f.app.Authenticate(ctx, ""); !apperr.IsKind(err, apperr.KindUnauthorized) {
		t.Fatal("empty token accepted")
	}
	_, err = f.app.RotateToken(ctx, "ORG0000000000")
	wantKey(t, err, "organizationNotFound")
}

func TestUpdateCustomer(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.create(t, input(domain.TypePaymentLink))
	pn := "01010112345"
	upd := CustomerUpdate{Type: domain.Private, Name: "Kari N", Email: "k@n.no", CountryCode: "+47", MSISDN: "99999999", PreferredLanguage: "en",
		PersonalNumber: &pn, Billing: domain.Address{Street: "A 1", Zip: "0150", City: "Oslo", Country: "NO"},
		Shipping: &domain.Address{Street: "B 2", Zip: "5003", City: "Bergen", Country: "NO"}}
	if _, err := f.app.UpdateCustomer(ctx, f.m.ID, c.CustomerUUID, upd); err != nil {
		t.Fatal(err)
	}
	got, _ := f.app.Customer(ctx, f.m.ID, c.CustomerUUID)
	if got.Name != "Kari N" || got.PersonalNumber != pn || got.Billing.City != "Oslo" || got.Billing.UUID == "" || got.Shipping == nil || got.Shipping.UUID == "" {
		t.Fatalf("after update %+v", got)
	}
	billingUUID := got.Billing.UUID
	if _, err := f.app.UpdateCustomer(ctx, f.m.ID, c.CustomerUUID, upd); err != nil {
		t.Fatal(err)
	}
	got, _ = f.app.Customer(ctx, f.m.ID, c.CustomerUUID)
	if got.Billing.UUID != billingUUID {
		t.Fatal("address uuid must be stable across updates")
	}
	upd.Type = domain.Corporate
	_, err := f.app.UpdateCustomer(ctx, f.m.ID, c.CustomerUUID, upd)
	wantKey(t, err, "customerTypeMismatch")
	upd.Type = domain.Private
	_, err = f.app.UpdateCustomer(ctx, f.other.ID, c.CustomerUUID, upd)
	wantKey(t, err, "customerNotFound")
}

var _ store.Store = (*sqlstore.DB)(nil)

// The callback worker is woken by writes that queued a callback, not by every write.
func TestNotifyOnlyWhenACallbackWasQueued(t *testing.T) {
	f := newFixture(t)
	var woken int
	f.app.Notify = func() { woken++ }
	c, err := f.app.CreateOrder(context.Background(), f.m, input(domain.TypePaymentLink))
	if err != nil {
		t.Fatal(err)
	}
	if woken != 0 {
		t.Fatalf("a create with no callback woke the worker %d times", woken)
	}
	if _, err := f.app.CancelOrder(context.Background(), f.m.ID, c.OrderUUID, ""); err != nil {
		t.Fatal(err)
	}
	if woken != 1 {
		t.Fatalf("a cancel that queued a callback woke the worker %d times, want 1", woken)
	}
	if _, err := f.app.CancelOrder(context.Background(), f.m.ID, c.OrderUUID, ""); err == nil {
		t.Fatal("second cancel accepted")
	}
	if woken != 1 {
		t.Fatalf("a refused cancel woke the worker (%d)", woken)
	}
}
