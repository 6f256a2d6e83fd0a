package e2e

import (
	"testing"
)

// TestRefunds refunds an INVOICED order (refundable without a payment) line by line: the order's
// and the lines' refunded amounts, the status changes and every rejection.
func TestRefunds(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	tok := s.Token
	uuid, _ := s.create(t, tok, "orders/invoice/create", twoLineInvoice())
	ids := s.lineIDs(t, tok, uuid)
	if len(ids) != 2 {
		t.Fatalf("line ids %v", ids)
	}
	a, b := ids[0], ids[1] // 200.00 and 51.00
	url := api("orders/refund/" + uuid)
	unchanged := func(refunded float64, status string) {
		t.Helper()
		r := s.Do(t, "GET", api("orders/status/"+uuid), tok, nil)
		if r.Str("data.status") != status || num(t, r.Get("data.refundedAmount")) != refunded || num(t, r.Get("data.orderAmount")) != 251 {
			t.Fatalf("order is %s with %v refunded of %v, want %s with %v", r.Str("data.status"), r.Get("data.refundedAmount"), r.Get("data.orderAmount"), status, refunded)
		}
	}

	// Validation.
	expect417Exact(t, s.Do(t, "POST", url, tok, map[string]any{"grandTotal": 10, "products": []any{map[string]any{"id": a, "amount": 10}}}),
		"The type field is required.")
	expect417Exact(t, s.Do(t, "POST", url, tok, refund("partial", "10", a, "10")), "The type must be one of regular, invoiced.")
	expect417(t, s.Do(t, "POST", url, tok, map[string]any{"type": "invoiced"}), "The grand total field is required.", "The products field is required.")
	expect417Exact(t, s.Do(t, "POST", url, tok, refund("invoiced", "10", a, "0")), "The products.0.amount must be greater than 0.")
	expect417Exact(t, s.Do(t, "POST", url, tok, refund("invoiced", "10.001", a, "10.001")),
		"The grand total must have 0-2 decimal places.", "The products.0.amount must have 0-2 decimal places.")
	expect417(t, s.Do(t, "POST", url, tok, refund("invoiced", "10", a, "9")), "The grand total must equal the sum of the products' amounts.")
	// Business rejections.
	expectConflict(t, s.Do(t, "POST", url, tok, refund("invoiced", "10", 999999999, "10")), "requestProductIdNotAvailable")
	expectConflict(t, s.Do(t, "POST", url, tok, refund("invoiced", "60", b, "60")), "refundRejectionForProductAmountExceed")
	expectConflict(t, s.Do(t, "POST", url, tok, refund("invoiced", "52", b, "26", b, "26")), "refundRejectionForProductAmountExceed")
	expectConflict(t, s.Do(t, "POST", url, tok, refund("invoiced", "300", a, "200", b, "100")), "refundRejectionForRefundRequestGreaterThanOrderAmount")
	expectConflict(t, s.Do(t, "POST", url, tok, refund("invoiced", "251.01", a, "200.01", b, "51")), "refundRejectionForRefundRequestGreaterThanOrderAmount")
	expect404(t, s.Do(t, "POST", api("orders/refund/ODR0000000000"), tok, refund("invoiced", "10", a, "10")), "orderNotFound")
	unchanged(0, "INVOICED")

	// Partial refund of line A, products sent as an object keyed "0".
	body := map[string]any{"type": "invoiced", "grandTotal": "50.00", "products": map[string]any{"0": map[string]any{"id": a, "amount": "50.00"}}}
	r := s.Do(t, "POST", url, tok, body)
	expectOK(t, r, 202, "orderRefundedSuccessfully", true)
	if r.Get("data") != nil {
		t.Fatalf("data = %v", r.Get("data"))
	}
	unchanged(50, "PARTIALLY REFUNDED")
	d := s.details(t, tok, uuid)
	if num(t, d.Get("data.orderSummary.refundedAmount")) != 50 || num(t, d.Get("data.productList.0.refundedAmount")) != 50 ||
		num(t, d.Get("data.productList.1.refundedAmount")) != 0 {
		t.Fatalf("details after partial refund: %s", mustJSON(d.Get("data")))
	}
	if n := len(rows(t, s.list(t, tok, "type=partially%20refunded"))); n != 1 {
		t.Fatalf("?type=partially refunded lists %d orders", n)
	}
	// Line A has 150.00 left.
	expectConflict(t, s.Do(t, "POST", url, tok, refund("invoiced", "150.01", a, "150.01")), "refundRejectionForProductAmountExceed")
	unchanged(50, "PARTIALLY REFUNDED")
	// Numbers as JSON numbers, type regular: the rest of both lines.
	expectOK(t, s.Do(t, "POST", url, tok, map[string]any{"type": "regular", "grandTotal": 201, "products": []any{
		map[string]any{"id": a, "amount": 150}, map[string]any{"id": b, "amount": 51.00}}}), 202, "orderRefundedSuccessfully", true)
	unchanged(251, "REFUNDED")
	expectConflict(t, s.Do(t, "POST", url, tok, refund("invoiced", "1", b, "1")), "refundRejectionForRefundedCancelledInvoicedOrderParamRefunded")
	unchanged(251, "REFUNDED")
	r = s.Do(t, "GET", api("orders/invoice-number/"+uuid), tok, nil)
	if r.Str("data.status") != "REFUNDED" || r.Str("data.invoiceNumber") == "" {
		t.Fatalf("invoice-number after refund: %s", r)
	}
	// A refunded order cannot be cancelled.
	if r := s.Do(t, "POST", api("orders/cancel/"+uuid), tok, map[string]any{"cancellationNote": "x"}); r.Status != 400 {
		t.Fatalf("cancel of a REFUNDED order: %s", r)
	}

	// Unpaid and cancelled orders are not refundable.
	pl, _ := s.create(t, tok, "orders/payment-link/create", paymentLink())
	plID := s.lineIDs(t, tok, pl)[0]
	if r := s.Do(t, "POST", api("orders/refund/"+pl), tok, refund("regular", "10", plID, "10")); r.Status != 400 {
		t.Fatalf("refund of a SENT order: %s", r)
	}
	expectOK(t, s.Do(t, "POST", api("orders/cancel/"+pl), tok, map[string]any{"cancellationNote": "x"}), 202, "cancelledOrderSuccessfully", false)
	expectConflict(t, s.Do(t, "POST", api("orders/refund/"+pl), tok, refund("regular", "10", plID, "10")), "refundRejectionForRefundedCancelledInvoicedOrderParamCancelled")
	// A line of another order is not this order's line.
	other, _ := s.create(t, tok, "orders/invoice/create", invoice())
	expectConflict(t, s.Do(t, "POST", api("orders/refund/"+other), tok, refund("invoiced", "10", a, "10")), "requestProductIdNotAvailable")
}

// TestRefundLimits: the merchant's per-request and weekly refund limits.
func TestRefundLimits(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	tok := s.newMerchant(t, "Careful Shop", "--refund-limit", "10", "--weekly-refund-limit", "25").Token
	uuid, _ := s.create(t, tok, "orders/invoice/create", invoice()) // 51.00
	id := s.lineIDs(t, tok, uuid)[0]
	url := api("orders/refund/" + uuid)

	expectConflict(t, s.Do(t, "POST", url, tok, refund("invoiced", "10.01", id, "10.01")), "refundRejectionForRequestAmountThresholdExceed")
	if st := s.status(t, tok, uuid); st != "INVOICED" {
		t.Fatalf("status %s after a rejected refund", st)
	}
	expectOK(t, s.Do(t, "POST", url, tok, refund("invoiced", "10", id, "10")), 202, "orderRefundedSuccessfully", true)
	expectOK(t, s.Do(t, "POST", url, tok, refund("invoiced", "10.00", id, "10.00")), 202, "orderRefundedSuccessfully", true)
	// 20 refunded this week; 10 more would pass the weekly 25.
	expectConflict(t, s.Do(t, "POST", url, tok, refund("invoiced", "10", id, "10")), "refundRejectionForWeeklyThresholdExceed")
	expectOK(t, s.Do(t, "POST", url, tok, refund("invoiced", "5", id, "5")), 202, "orderRefundedSuccessfully", true)
	expectConflict(t, s.Do(t, "POST", url, tok, refund("invoiced", "0.01", id, "0.01")), "refundRejectionForWeeklyThresholdExceed")
	// The weekly limit spans the merchant's orders.
	second, _ := s.create(t, tok, "orders/invoice/create", invoice())
	expectConflict(t, s.Do(t, "POST", api("orders/refund/"+second), tok, refund("invoiced", "1", s.lineIDs(t, tok, second)[0], "1")),
		"refundRejectionForWeeklyThresholdExceed")
	r := s.Do(t, "GET", api("orders/status/"+uuid), tok, nil)
	if r.Str("data.status") != "PARTIALLY REFUNDED" || num(t, r.Get("data.refundedAmount")) != 25 {
		t.Fatalf("after the limits: %s", r)
	}
	// Another merchant's limits are its own (the demo merchant's defaults).
	other, _ := s.create(t, s.Token, "orders/invoice/create", invoice())
	expectOK(t, s.Do(t, "POST", api("orders/refund/"+other), s.Token, refund("invoiced", "51", s.lineIDs(t, s.Token, other)[0], "51")),
		202, "orderRefundedSuccessfully", true)
	if st := s.status(t, s.Token, other); st != "REFUNDED" {
		t.Fatalf("demo merchant's full refund: %s", st)
	}
}

// sandboxPay pays an order through the sandbox API; it reports false when that API is not there.
func sandboxPay(t *testing.T, s *Server, tok, uuid, method string) bool {
	t.Helper()
	r := s.Do(t, "POST", "/sandbox/v1/orders/"+uuid+"/pay", tok, map[string]any{"method": method})
	if r.Status == 404 && r.Str("message") == "routeNotFound" {
		return false
	}
	if r.Status < 200 || r.Status > 299 {
		t.Fatalf("sandbox pay: %s", r)
	}
	return true
}

// TestRefundPaidOrder pays an order with the sandbox API and refunds it (skipped while the sandbox
// pay route does not exist).
func TestRefundPaidOrder(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	tok := s.Token
	uuid, _ := s.create(t, tok, "orders/regular/submit", regular())
	if !sandboxPay(t, s, tok, uuid, "visa") {
		t.Skip("POST /sandbox/v1/orders/{uuid}/pay is not served yet")
	}
	if st := s.status(t, tok, uuid); st != "PAID" {
		t.Fatalf("status after pay: %s", st)
	}
	if m := s.details(t, tok, uuid).Str("data.paymentMethod"); m != "visa" {
		t.Errorf("details paymentMethod %q, want visa", m)
	}
	expectConflict(t, s.Do(t, "POST", api("orders/cancel/"+uuid), tok, map[string]any{"cancellationNote": "x"}), "orderStatusAlreadyPaid")
	expectConflict(t, s.Do(t, "POST", api("orders/resend/"+uuid), tok, map[string]any{}), "orderStatusAlreadyPaid")
	expectConflict(t, s.Do(t, "POST", api("orders/delayed/charge/"+uuid), tok, nil), "orderNotEligibleForDelayedCharge")
	// A paid order is no longer the partner's to update.
	up := regular()
	set(set(up, "fpgoUuid", uuid), "orderFrom", "PARTNER")
	expectConflict(t, s.Do(t, "POST", api("orders/regular/submit"), tok, up), "orderStatusAlreadyPaid")
	if r := s.Do(t, "POST", "/sandbox/v1/orders/"+uuid+"/pay", tok, map[string]any{"method": "visa"}); r.Status != 400 {
		t.Fatalf("paying a PAID order again: %s", r)
	}
	// Another merchant cannot pay it, nor see it.
	other := s.newMerchant(t, "Other").Token
	expect404(t, s.Do(t, "POST", "/sandbox/v1/orders/"+uuid+"/pay", other, map[string]any{"method": "visa"}), "orderNotFound")
	id := s.lineIDs(t, tok, uuid)[0]
	expectOK(t, s.Do(t, "POST", api("orders/refund/"+uuid), tok, refund("regular", "500", id, "500")), 202, "orderRefundedSuccessfully", true)
	if st := s.status(t, tok, uuid); st != "PARTIALLY REFUNDED" {
		t.Fatalf("status %s", st)
	}
	expectOK(t, s.Do(t, "POST", api("orders/refund/"+uuid), tok, refund("regular", "4000", id, "4000")), 202, "orderRefundedSuccessfully", true)
	if st := s.status(t, tok, uuid); st != "REFUNDED" {
		t.Fatalf("status %s", st)
	}
	expectConflict(t, s.Do(t, "POST", api("orders/refund/"+uuid), tok, refund("regular", "1", id, "1")), "refundRejectionForRefundedCancelledInvoicedOrderParamRefunded")

	// Delayed charge: a merchant with --delayed-charge ends card payments AUTHORIZED.
	dm := s.newMerchant(t, "Delayed Shop", "--delayed-charge").Token
	du, _ := s.create(t, dm, "orders/regular/submit", regular())
	sandboxPay(t, s, dm, du, "visa")
	if st := s.status(t, dm, du); st != "AUTHORIZED" {
		t.Fatalf("delayed-charge order after pay: %s", st)
	}
	expectOK(t, s.Do(t, "POST", api("orders/delayed/charge/"+du), dm, nil), 200, "orderDelayedChargedSuccessfully", true)
	if st := s.status(t, dm, du); st != "PAID" {
		t.Fatalf("after delayed charge: %s", st)
	}
	expectConflict(t, s.Do(t, "POST", api("orders/delayed/charge/"+du), dm, nil), "orderNotEligibleForDelayedCharge")
	// An authorization can be cancelled instead; then there is nothing to charge.
	d2, _ := s.create(t, dm, "orders/regular/submit", regular())
	sandboxPay(t, s, dm, d2, "mastercard")
	expectOK(t, s.Do(t, "POST", api("orders/cancel/"+d2), dm, map[string]any{"cancellationNote": "out of stock"}), 202, "cancelledOrderSuccessfully", false)
	expectConflict(t, s.Do(t, "POST", api("orders/delayed/charge/"+d2), dm, nil), "orderNotEligibleForDelayedCharge")
	// settings.delayedCharge false on the order overrides the merchant's default.
	d3, _ := s.create(t, dm, "orders/regular/submit", set(regular(), "settings", map[string]any{"delayedCharge": false}))
	sandboxPay(t, s, dm, d3, "visa")
	if st := s.status(t, dm, d3); st != "PAID" {
		t.Fatalf("order with settings.delayedCharge false: %s", st)
	}
	// And true on the order of a merchant without the default.
	d4, _ := s.create(t, tok, "orders/regular/submit", set(regular(), "settings", map[string]any{"delayedCharge": true}))
	sandboxPay(t, s, tok, d4, "visa")
	if st := s.status(t, tok, d4); st != "AUTHORIZED" {
		t.Fatalf("order with settings.delayedCharge true: %s", st)
	}
	expectOK(t, s.Do(t, "POST", api("orders/delayed/charge/"+d4), tok, nil), 200, "orderDelayedChargedSuccessfully", true)
}
