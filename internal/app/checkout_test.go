package app

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/apperr"
	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/provider"
	"github.com/fpgo/fpgo/internal/provider/sandbox"
	"github.com/fpgo/fpgo/internal/store"
)

type checkoutFixture struct {
	*fixture
	co    *Checkout
	cards *countingCards
}

// countingCards wraps the sandbox gateway to count charges and voids and to run a hook while
// a charge is in flight.
type countingCards struct {
	sandbox.Cards
	charges, voids atomic.Int32
	during         func()
}

func (c *countingCards) Charge(ctx context.Context, ch provider.CardCharge) (provider.CardResult, error) {
	c.charges.Add(1)
	if c.during != nil {
		c.during()
	}
	return c.Cards.Charge(ctx, ch)
}

func (c *countingCards) Void(ctx context.Context, token string) error {
	c.voids.Add(1)
	return nil
}

func newCheckoutFixture(t *testing.T) *checkoutFixture {
	t.Helper()
	f := newFixture(t)
	// The sandbox runs on the test clock; the fixed base clock still moves it in tests.
	f.app.Clock = clock.NewTest(f.clock)
	cards := &countingCards{}
	w := sandbox.Wallet{PagePath: "/sandbox/pages/wallet"}
	co := NewCheckout(f.app, Providers{
		Cards:   cards,
		Wallets: map[string]provider.WalletProvider{"vipps": w, "applepay": w, "googlepay": w},
		BankID:  sandbox.BankID{PagePath: "/sandbox/pages/bankid"},
		Credit:  sandbox.CreditBureau{},
	})
	return &checkoutFixture{fixture: f, co: co, cards: cards}
}

var ctx = context.Background()

func testCard(number string) provider.Card {
	return provider.Card{Number: number, ExpMonth: 12, ExpYear: 2030, CVC: "123"}
}

func (f *checkoutFixture) attempts(t *testing.T, uuid string) []store.PaymentAttempt {
	t.Helper()
	list, err := f.co.PaymentAttempts(ctx, f.m.ID, uuid)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestPaymentMethods(t *testing.T) {
	cust := &domain.Customer{Type: domain.Private}
	wallets := "vipps applepay googlepay visa mastercard"
	cases := []struct {
		name string
		o    domain.Order
		want string
	}{
		{"payment link", domain.Order{Type: domain.TypePaymentLink, Status: domain.StatusSent, Customer: cust}, wallets},
		{"payment link with invoice", domain.Order{Type: domain.TypePaymentLink, Status: domain.StatusSent, Customer: cust, InvoiceAsPaymentOption: true}, wallets + " invoice"},
		{"invoice needs a customer", domain.Order{Type: domain.TypePaymentLink, Status: domain.StatusSent, InvoiceAsPaymentOption: true}, wallets},
		{"hosted", domain.Order{Type: domain.TypeHostedCheckout, Status: domain.StatusSent, Customer: cust, InvoiceAsPaymentOption: true}, wallets + " invoice"},
		{"checkout via invoice", domain.Order{Type: domain.TypeCheckout, Status: domain.StatusSent, Customer: cust, PaymentMethod: "invoice"}, wallets + " invoice"},
		{"checkout via visa", domain.Order{Type: domain.TypeCheckout, Status: domain.StatusSent, Customer: cust, PaymentMethod: "visa"}, wallets},
		{"invoice session", domain.Order{Type: domain.TypeInvoiceCheckout, Status: domain.StatusSent, Customer: cust}, "invoice"},
		{"paid", domain.Order{Type: domain.TypePaymentLink, Status: domain.StatusPaid, Customer: cust}, ""},
		{"expired", domain.Order{Type: domain.TypePaymentLink, Status: domain.StatusExpired, Customer: cust}, ""},
		{"invoice order", domain.Order{Type: domain.TypeInvoice, Status: domain.StatusInvoiced, Customer: cust}, ""},
	}
	for _, c := range cases {
		if got := strings.Join(PaymentMethods(&c.o), " "); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestCardDeclinedThenApproved(t *testing.T) {
	f := newCheckoutFixture(t)
	c := f.create(t, input(domain.TypePaymentLink))
	for _, tc := range [][2]string{{sandbox.CardDeclined, "declined"}, {sandbox.CardInsufficientFunds, "insufficient_funds"}, {"4111111111111111", sandbox.ReasonUnknownCard}} {
		number, reason := tc[0], tc[1]
		f.clock.Add(time.Second)
		res, err := f.co.PayByCard(ctx, c.OrderUUID, "visa", testCard(number))
		if err != nil || res.Approved || res.Reason != reason || res.Status != domain.StatusSent {
			t.Fatalf("%s: %+v %v; want declined with %s", number, res, err, reason)
		}
	}
	if evs := f.events(t, c.OrderUUID); len(evs) != 0 {
		t.Fatalf("declines wrote callbacks %v", evs)
	}
	f.clock.Add(time.Second)
	res, err := f.co.PayByCard(ctx, c.OrderUUID, "visa", testCard(sandbox.CardVisaOK))
	if err != nil || !res.Approved || res.Status != domain.StatusPaid {
		t.Fatalf("good card: %+v %v", res, err)
	}
	o := f.order(t, c.OrderUUID)
	if o.Status != domain.StatusPaid || o.PaymentMethod != "visa" || o.PaidAt == nil {
		t.Fatalf("order = %s %s", o.Status, o.PaymentMethod)
	}
	if evs := f.events(t, c.OrderUUID); !slices.Equal(evs, []string{"PAID"}) {
		t.Fatalf("callbacks = %v", evs)
	}
	list := f.attempts(t, c.OrderUUID)
	if len(list) != 4 || list[3].State != store.AttemptSucceeded || list[3].CardBrand != "visa" || list[3].CardLast4 != "4242" || list[3].Token == "" {
		t.Fatalf("attempts = %+v", list)
	}
	for _, a := range list[:3] {
		if a.State != store.AttemptDeclined {
			t.Fatalf("decline recorded as %s", a.State)
		}
	}
	b, _ := json.Marshal(list)
	if strings.Contains(string(b), "4242424242424242") || strings.Contains(string(b), "4000000000000002") {
		t.Fatalf("a card number was stored: %s", b)
	}
}

func TestCardBrandIsRecordedAsPaid(t *testing.T) {
	f := newCheckoutFixture(t)
	c := f.create(t, input(domain.TypePaymentLink))
	if res, err := f.co.PayByCard(ctx, c.OrderUUID, "visa", testCard(sandbox.CardMastercardOK)); err != nil || !res.Approved {
		t.Fatalf("%+v %v", res, err)
	}
	if o := f.order(t, c.OrderUUID); o.PaymentMethod != "mastercard" {
		t.Fatalf("payment method = %s; want the card's brand", o.PaymentMethod)
	}
}

func TestGatewayDownIsADependencyErrorAndLeavesOrderPayable(t *testing.T) {
	f := newCheckoutFixture(t)
	c := f.create(t, input(domain.TypePaymentLink))
	_, err := f.co.PayByCard(ctx, c.OrderUUID, "visa", testCard(sandbox.CardGatewayDown))
	if !apperr.IsKind(err, apperr.KindDependency) {
		t.Fatalf("err = %v", err)
	}
	if list := f.attempts(t, c.OrderUUID); len(list) != 1 || list[0].State != store.AttemptFailed {
		t.Fatalf("attempts = %+v", list)
	}
	if res, err := f.co.PayByCard(ctx, c.OrderUUID, "visa", testCard(sandbox.CardVisaOK)); err != nil || !res.Approved {
		t.Fatalf("retry after outage: %+v %v", res, err)
	}
}

func TestPaidCancelledOrWrongMethodCannotBePaid(t *testing.T) {
	f := newCheckoutFixture(t)
	paid := f.create(t, input(domain.TypePaymentLink))
	if _, err := f.co.PayByCard(ctx, paid.OrderUUID, "visa", testCard(sandbox.CardVisaOK)); err != nil {
		t.Fatal(err)
	}
	_, err := f.co.PayByCard(ctx, paid.OrderUUID, "visa", testCard(sandbox.CardVisaOK))
	wantKey(t, err, "orderStatusAlreadyPaid")

	cancelled := f.create(t, input(domain.TypePaymentLink))
	if _, err := f.app.CancelOrder(ctx, f.m.ID, cancelled.OrderUUID, "no"); err != nil {
		t.Fatal(err)
	}
	_, err = f.co.PayByCard(ctx, cancelled.OrderUUID, "mastercard", testCard(sandbox.CardMastercardOK))
	wantKey(t, err, "orderStatusAlreadyCancelled")

	inv := input(domain.TypeInvoiceCheckout)
	session := f.create(t, inv)
	_, err = f.co.PayByCard(ctx, session.OrderUUID, "visa", testCard(sandbox.CardVisaOK))
	wantKey(t, err, KeyMethodNotAvailable)
	_, err = f.co.PayByCard(ctx, "ODR0000000000", "visa", testCard(sandbox.CardVisaOK))
	wantKey(t, err, "orderNotFound")
	if n := f.cards.charges.Load(); n != 1 {
		t.Fatalf("gateway charged %d times; refused payments must not reach it", n)
	}
}

func TestTwoTabsChargeOnce(t *testing.T) {
	f := newCheckoutFixture(t)
	c := f.create(t, input(domain.TypePaymentLink))
	release := make(chan struct{})
	var once sync.Once
	f.cards.during = func() { once.Do(func() { <-release }) }
	var wg sync.WaitGroup
	var mu sync.Mutex
	results := map[string]int{}
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := f.co.PayByCard(ctx, c.OrderUUID, "visa", testCard(sandbox.CardVisaOK))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && res.Approved:
				results["paid"]++
			default:
				results[apperr.Key(err)]++
			}
		}()
	}
	// Let the other tabs hit the in-flight attempt before the first charge returns.
	time.Sleep(100 * time.Millisecond)
	close(release)
	wg.Wait()
	if results["paid"] != 1 || results["paid"]+results[KeyPaymentInProgress]+results["orderStatusAlreadyPaid"] != 8 {
		t.Fatalf("results = %v", results)
	}
	if n := f.cards.charges.Load(); n != 1 {
		t.Fatalf("the card was charged %d times", n)
	}
	if evs := f.events(t, c.OrderUUID); len(evs) != 1 {
		t.Fatalf("callbacks = %v", evs)
	}
}

func TestStaleProcessingAttemptIsTakenOver(t *testing.T) {
	f := newCheckoutFixture(t)
	c := f.create(t, input(domain.TypePaymentLink))
	// A process that died mid-charge leaves a processing attempt behind.
	if _, _, err := f.co.claim(ctx, "", c.OrderUUID, "visa", "PAY0000000001", "checkout"); err != nil {
		t.Fatal(err)
	}
	_, err := f.co.PayByCard(ctx, c.OrderUUID, "visa", testCard(sandbox.CardVisaOK))
	wantKey(t, err, KeyPaymentInProgress)
	f.clock.Add(ProcessingLease)
	if res, err := f.co.PayByCard(ctx, c.OrderUUID, "visa", testCard(sandbox.CardVisaOK)); err != nil || !res.Approved {
		t.Fatalf("after the lease: %+v %v", res, err)
	}
	if list := f.attempts(t, c.OrderUUID); list[0].State != store.AttemptAbandoned {
		t.Fatalf("stale attempt is %s", list[0].State)
	}
}

func TestCancelledWhileChargingIsVoided(t *testing.T) {
	f := newCheckoutFixture(t)
	c := f.create(t, input(domain.TypePaymentLink))
	f.cards.during = func() {
		if _, err := f.app.CancelOrder(ctx, f.m.ID, c.OrderUUID, "merchant cancelled"); err != nil {
			t.Error(err)
		}
	}
	res, err := f.co.PayByCard(ctx, c.OrderUUID, "visa", testCard(sandbox.CardVisaOK))
	wantKey(t, err, "orderStatusAlreadyCancelled")
	if res.Attempt.State != store.AttemptVoided || f.cards.voids.Load() != 1 {
		t.Fatalf("attempt %s, voids %d", res.Attempt.State, f.cards.voids.Load())
	}
	if o := f.order(t, c.OrderUUID); o.Status != domain.StatusCancelled {
		t.Fatalf("order %s", o.Status)
	}
}

func TestDelayedChargeAuthorizesCardAndWallet(t *testing.T) {
	f := newCheckoutFixture(t)
	yes := true
	in := input(domain.TypePaymentLink)
	in.DelayedCharge = &yes
	c := f.create(t, in)
	if res, err := f.co.PayByCard(ctx, c.OrderUUID, "visa", testCard(sandbox.CardVisaOK)); err != nil || res.Status != domain.StatusAuthorized {
		t.Fatalf("%+v %v", res, err)
	}
	c2 := f.create(t, in)
	if res, err := f.co.CompleteWallet(ctx, c2.OrderUUID, "vipps", "PAY0000000002", url.Values{"decision": {"approve"}}); err != nil || res.Status != domain.StatusAuthorized {
		t.Fatalf("%+v %v", res, err)
	}
}

func TestExpiredLinkShowsExpiredAndCannotBePaid(t *testing.T) {
	f := newCheckoutFixture(t)
	in := input(domain.TypeHostedCheckout)
	due := f.clock.Now().Add(time.Hour)
	in.DueDate = &due
	c := f.create(t, in)
	f.clock.Add(2 * time.Hour)
	_, err := f.co.PayByCard(ctx, c.OrderUUID, "visa", testCard(sandbox.CardVisaOK))
	wantKey(t, err, "orderStatusAlreadyExpired")
	// The refusal did not roll the expiry back.
	if o := f.order(t, c.OrderUUID); o.Status != domain.StatusExpired {
		t.Fatalf("status %s", o.Status)
	}
	c2 := f.create(t, in)
	f.clock.Add(2 * time.Hour)
	co, err := f.co.OrderForCheckout(ctx, c2.OrderUUID)
	if err != nil || co.Order.Status != domain.StatusExpired || len(co.Methods) != 0 || co.Merchant != "Shop A" {
		t.Fatalf("%+v %v", co, err)
	}
	if evs := f.events(t, c2.OrderUUID); !slices.Equal(evs, []string{"EXPIRED"}) {
		t.Fatalf("callbacks %v", evs)
	}
}

func TestWalletApproveDeclineAndDoubleReturn(t *testing.T) {
	f := newCheckoutFixture(t)
	c := f.create(t, input(domain.TypePaymentLink))
	start, err := f.co.BeginWallet(ctx, c.OrderUUID, "vipps", "state", func(ref string) string { return "/checkout/" + c.OrderUUID + "/return/vipps/" + ref })
	if err != nil || !strings.HasPrefix(start.RedirectURL, "/sandbox/pages/wallet?") || start.Reference == "" {
		t.Fatalf("%+v %v", start, err)
	}
	res, err := f.co.CompleteWallet(ctx, c.OrderUUID, "vipps", start.Reference, url.Values{"decision": {"decline"}})
	if err != nil || res.Approved || res.Status != domain.StatusSent {
		t.Fatalf("decline: %+v %v", res, err)
	}
	start2, _ := f.co.BeginWallet(ctx, c.OrderUUID, "vipps", "state", func(ref string) string { return "/r/" + ref })
	res, err = f.co.CompleteWallet(ctx, c.OrderUUID, "vipps", start2.Reference, url.Values{"decision": {"approve"}})
	if err != nil || !res.Approved || res.Status != domain.StatusPaid {
		t.Fatalf("approve: %+v %v", res, err)
	}
	// A double click on Approve answers the first outcome again.
	res, err = f.co.CompleteWallet(ctx, c.OrderUUID, "vipps", start2.Reference, url.Values{"decision": {"approve"}})
	if err != nil || !res.Approved {
		t.Fatalf("second return: %+v %v", res, err)
	}
	if o := f.order(t, c.OrderUUID); o.PaymentMethod != "vipps" {
		t.Fatalf("method %s", o.PaymentMethod)
	}
	if evs := f.events(t, c.OrderUUID); len(evs) != 1 {
		t.Fatalf("callbacks %v", evs)
	}
	// An approval page left open in another tab cannot pay twice.
	_, err = f.co.CompleteWallet(ctx, c.OrderUUID, "vipps", "PAY0000000009", url.Values{"decision": {"approve"}})
	wantKey(t, err, "orderStatusAlreadyPaid")
	_, err = f.co.BeginWallet(ctx, c.OrderUUID, "vipps", "s", func(string) string { return "" })
	wantKey(t, err, "orderStatusAlreadyPaid")
	c2 := f.create(t, input(domain.TypePaymentLink))
	_, err = f.co.CompleteWallet(ctx, c2.OrderUUID, "vipps", "made-up", url.Values{"decision": {"approve"}})
	wantKey(t, err, "paymentNotFound")
}

func privateInvoiceOrder(f *checkoutFixture, t *testing.T, pn string) CreatedOrder {
	in := input(domain.TypePaymentLink)
	in.InvoiceAsPaymentOption = true
	in.Customer.PersonalNumber = pn
	return f.create(t, in)
}

func TestPrivateInvoiceJourney(t *testing.T) {
	f := newCheckoutFixture(t)
	c := privateInvoiceOrder(f, t, "28038712383")
	_, err := f.co.SignInvoice(ctx, "tok", c.OrderUUID)
	wantKey(t, err, KeyBankIDRequired)
	_, err = f.co.CompleteBankID(ctx, "tok", c.OrderUUID, url.Values{"personalNumber": {"12345678901"}}, true)
	wantKey(t, err, KeyBankIDMismatch)
	_, err = f.co.CompleteBankID(ctx, "tok", c.OrderUUID, url.Values{"personalNumber": {"123"}}, true)
	wantKey(t, err, KeyBankIDFailed)
	// BankID for viewing the order does not check credit, so it does not allow signing yet.
	s, err := f.co.CompleteBankID(ctx, "tok", c.OrderUUID, url.Values{"personalNumber": {"28038712383"}}, false)
	if err != nil || !Verified(s) || s.CreditStatus != "" || s.PersonalNumber != "28*******83" {
		t.Fatalf("%+v %v", s, err)
	}
	_, err = f.co.SignInvoice(ctx, "tok", c.OrderUUID)
	wantKey(t, err, KeyBankIDRequired)
	s, err = f.co.CompleteBankID(ctx, "tok", c.OrderUUID, url.Values{"personalNumber": {"28038712383"}}, true)
	if err != nil || s.CreditStatus != store.CreditApproved || s.CreditScore < 315 {
		t.Fatalf("%+v %v", s, err)
	}
	// Another browser has proven nothing.
	_, err = f.co.SignInvoice(ctx, "other", c.OrderUUID)
	wantKey(t, err, KeyBankIDRequired)
	o, err := f.co.SignInvoice(ctx, "tok", c.OrderUUID)
	if err != nil || o.Status != domain.StatusInvoiced || o.InvoiceNumber == "" || o.KID == "" || o.PaymentMethod != "invoice" {
		t.Fatalf("%+v %v", o, err)
	}
	if s, _ := f.co.Session(ctx, "tok", c.OrderUUID); s.SignedAt == nil {
		t.Fatal("signature not recorded")
	}
	if evs := f.events(t, c.OrderUUID); !slices.Equal(evs, []string{"INVOICED"}) {
		t.Fatalf("callbacks %v", evs)
	}
	_, err = f.co.SignInvoice(ctx, "tok", c.OrderUUID)
	wantKey(t, err, "orderStatusAlreadyInvoiced")
}

func TestLowScoreAndUnavailableCreditAreRefused(t *testing.T) {
	f := newCheckoutFixture(t)
	for pn, key := range map[string]string{"00000000314": KeyCreditRefused, sandbox.PersonalUnavailable: KeyCreditUnavailable} {
		c := privateInvoiceOrder(f, t, pn)
		if _, err := f.co.CompleteBankID(ctx, "tok", c.OrderUUID, url.Values{"personalNumber": {pn}}, true); err != nil {
			t.Fatal(err)
		}
		_, err := f.co.SignInvoice(ctx, "tok", c.OrderUUID)
		wantKey(t, err, key)
		if o := f.order(t, c.OrderUUID); o.Status != domain.StatusSent {
			t.Fatalf("%s: refused customer's order is %s", pn, o.Status)
		}
		// The customer can still pay another way.
		if res, err := f.co.PayByCard(ctx, c.OrderUUID, "visa", testCard(sandbox.CardVisaOK)); err != nil || !res.Approved {
			t.Fatalf("%+v %v", res, err)
		}
	}
	c := privateInvoiceOrder(f, t, "00000000315")
	f.co.CompleteBankID(ctx, "tok", c.OrderUUID, url.Values{"personalNumber": {"00000000315"}}, true)
	if _, err := f.co.SignInvoice(ctx, "tok", c.OrderUUID); err != nil {
		t.Fatalf("score 315 must pass: %v", err)
	}
}

func TestInvoiceSessionAndCorporate(t *testing.T) {
	f := newCheckoutFixture(t)
	// orders/invoice/submit for a private customer: SENT until BankID and signing.
	priv := f.create(t, input(domain.TypeInvoiceCheckout))
	co, _ := f.co.OrderForCheckout(ctx, priv.OrderUUID)
	if !slices.Equal(co.Methods, []string{"invoice"}) {
		t.Fatalf("methods %v", co.Methods)
	}
	// A corporate customer is invoiced when they confirm, without BankID.
	in := input(domain.TypeHostedCheckout)
	in.InvoiceAsPaymentOption = true
	in.Customer.Type, in.Customer.OrganizationID, in.Customer.PersonalNumber = domain.Corporate, "123456789", ""
	corp := f.create(t, in)
	o, err := f.co.SignInvoice(ctx, "", corp.OrderUUID)
	if err != nil || o.Status != domain.StatusInvoiced || o.KID == "" {
		t.Fatalf("%+v %v", o, err)
	}
	// Without invoiceAsPaymentOption a payment link offers no invoice.
	plain := f.create(t, input(domain.TypePaymentLink))
	_, err = f.co.SignInvoice(ctx, "", plain.OrderUUID)
	wantKey(t, err, KeyMethodNotAvailable)
}

func TestSandboxPayFailAndClock(t *testing.T) {
	f := newCheckoutFixture(t)
	c := f.create(t, input(domain.TypePaymentLink))
	if ack, err := f.co.SandboxFail(ctx, f.m.ID, c.OrderUUID, "visa", ""); err != nil || ack.Status != "SENT" {
		t.Fatalf("fail: %+v %v", ack, err)
	}
	f.clock.Add(time.Second)
	_, err := f.co.SandboxPay(ctx, f.other.ID, c.OrderUUID, "visa")
	wantKey(t, err, "orderNotFound")
	_, err = f.co.SandboxPay(ctx, f.m.ID, c.OrderUUID, "bitcoin")
	if !apperr.IsKind(err, apperr.KindValidation) {
		t.Fatalf("unknown method: %v", err)
	}
	_, err = f.co.SandboxPay(ctx, f.m.ID, c.OrderUUID, "invoice")
	wantKey(t, err, KeyMethodNotAvailable)
	ack, err := f.co.SandboxPay(ctx, f.m.ID, c.OrderUUID, "mastercard")
	if err != nil || ack.Status != "PAID" {
		t.Fatalf("pay: %+v %v", ack, err)
	}
	list := f.attempts(t, c.OrderUUID)
	if len(list) != 2 || list[0].State != store.AttemptFailed || list[0].Reason != "declined" || list[1].CardLast4 != "4444" || list[1].Source != "sandbox" {
		t.Fatalf("attempts %+v", list)
	}
	_, err = f.co.SandboxPay(ctx, f.m.ID, c.OrderUUID, "visa")
	wantKey(t, err, "orderStatusAlreadyPaid")

	low := privateInvoiceOrder(f, t, "00000000100")
	_, err = f.co.SandboxPay(ctx, f.m.ID, low.OrderUUID, "invoice")
	wantKey(t, err, KeyCreditRefused)
	ok := privateInvoiceOrder(f, t, "12345678901")
	if ack, err := f.co.SandboxPay(ctx, f.m.ID, ok.OrderUUID, "invoice"); err != nil || ack.Status != "INVOICED" {
		t.Fatalf("invoice: %+v %v", ack, err)
	}
	// An invoiced order is settled by a payment.
	if ack, err := f.co.SandboxPay(ctx, f.m.ID, ok.OrderUUID, "vipps"); err != nil || ack.Status != "PAID" {
		t.Fatalf("settle: %+v %v", ack, err)
	}

	before, off, err := f.co.SandboxClock(ctx)
	if err != nil || off != 0 {
		t.Fatal(off, err)
	}
	if _, err := f.app.AdvanceClock(ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	after, off, _ := f.co.SandboxClock(ctx)
	if off != time.Hour || !after.Equal(before.Add(time.Hour)) {
		t.Fatalf("clock %v offset %v", after, off)
	}
}

func TestSandboxUseCasesAreOffOutsideSandbox(t *testing.T) {
	f := newCheckoutFixture(t)
	c := f.create(t, input(domain.TypePaymentLink))
	f.app.Sandbox = false
	_, err := f.co.SandboxPay(ctx, f.m.ID, c.OrderUUID, "visa")
	wantKey(t, err, "routeNotFound")
	_, err = f.co.SandboxFail(ctx, f.m.ID, c.OrderUUID, "visa", "")
	wantKey(t, err, "routeNotFound")
	_, _, err = f.co.SandboxClock(ctx)
	wantKey(t, err, "routeNotFound")
}
