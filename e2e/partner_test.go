package e2e

import (
	"bytes"
	"sync"
	"testing"
)

// TestPartnerUpdate: fpgoUuid + orderFrom PARTNER updates the unpaid order instead of creating one.
func TestPartnerUpdate(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	tok := s.Token
	uuid, cust := s.create(t, tok, "orders/regular/submit", regular())
	oldIDs := s.lineIDs(t, tok, uuid)

	upd := payload(`{
	  "products": [
	    {"name": "Updated Product", "productId": "U1", "quantity": 2, "rate": 100, "discount": 0, "tax": 25, "amount": 200},
	    {"name": "Extra Line", "productId": "U2", "quantity": "1", "rate": "50.50", "discount": 0, "tax": "0", "amount": "50.50"}
	  ],
	  "orderSummary": {"subTotal": 210.5, "totalTax": 40, "totalDiscount": 0, "grandTotal": "250.50"},
	  "orderDate": "{{NOW}}",
	  "withCustomer": true,
	  "customerDetails": {"customerUuid": "` + cust + `"},
	  "submitPayment": {"via": "mastercard"},
	  "callback": {"callbackUrl": "{{CB}}/partner/cb", "success": "{{CB}}/partner/ok", "failure": "{{CB}}/partner/fail"},
	  "fpgoUuid": "` + uuid + `",
	  "orderFrom": "PARTNER"
	}`)
	r := s.Do(t, "POST", api("orders/regular/submit"), tok, upd)
	expectOK(t, r, 201, "Order Submitted Successfully", true)
	if r.Str("data.orderUuid") != uuid || r.Str("data.customerUuid") != cust {
		t.Fatalf("partner update answered %s, want order %s customer %s", r, uuid, cust)
	}
	if n := s.total(t, tok); n != 1 {
		t.Fatalf("%d orders after a partner update, want 1", n)
	}
	d := s.details(t, tok, uuid)
	if d.Str("data.productList.0.name") != "Updated Product" || d.Str("data.productList.1.name") != "Extra Line" ||
		num(t, d.Get("data.orderSummary.grandTotal")) != 250.5 || d.Get("data.productList.2") != nil {
		t.Fatalf("details after partner update: %s", mustJSON(d.Get("data")))
	}
	if newIDs := s.lineIDs(t, tok, uuid); len(newIDs) != 2 || len(oldIDs) != 1 {
		t.Fatalf("line ids before %v, after %v", oldIDs, newIDs)
	}
	if st := s.status(t, tok, uuid); st != "SENT" {
		t.Fatalf("status %s", st)
	}

	// fpgoUuid without orderFrom: 417, nothing changes.
	bad := payload(regularJSON)
	set(bad, "fpgoUuid", uuid)
	expect417Exact(t, s.Do(t, "POST", api("orders/regular/submit"), tok, bad), "The order from field is required when fpgo uuid is present.")
	// Unknown fpgoUuid: 404.
	unknown := payload(regularJSON)
	set(set(unknown, "fpgoUuid", "ODR0000000000"), "orderFrom", "PARTNER")
	expect404(t, s.Do(t, "POST", api("orders/regular/submit"), tok, unknown), "orderNotFound")
	if n := s.total(t, tok); n != 1 {
		t.Fatalf("%d orders, want 1", n)
	}
	if d2 := s.details(t, tok, uuid); !bytes.Equal(mustJSON(d2.Get("data")), mustJSON(d.Get("data"))) {
		t.Fatalf("refused updates changed the order:\n%s\n%s", mustJSON(d.Get("data")), mustJSON(d2.Get("data")))
	}

	// Hosted checkout and invoice submit accept the same update.
	h, _ := s.create(t, tok, "hosted/orders/payment-link/create", hosted())
	hu := hosted()
	set(set(set(hu, "fpgoUuid", h), "orderFrom", "PARTNER"), "products.0.name", "Hosted Updated")
	r = s.Do(t, "POST", api("hosted/orders/payment-link/create"), tok, hu)
	expectOK(t, r, 201, "Payment Link Created Successfully", true)
	if r.Str("data.orderUuid") != h || s.details(t, tok, h).Str("data.productList.0.name") != "Hosted Updated" {
		t.Fatalf("hosted partner update: %s", r)
	}

	// Concurrent partner updates of one order: all succeed or conflict, one order remains.
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := payload(regularJSON)
			set(set(set(b, "fpgoUuid", uuid), "orderFrom", "PARTNER"), "products.0.name", "Concurrent")
			if r, err := s.try("POST", api("orders/regular/submit"), tok, b); err != nil || (r.Status != 201 && r.Status != 409) {
				t.Errorf("concurrent partner update: %v %v", err, r)
			}
		}()
	}
	wg.Wait()
	if n := s.total(t, tok); n != 2 {
		t.Fatalf("%d orders after concurrent partner updates, want 2", n)
	}

	// Once the order is no longer unpaid it cannot be updated.
	expectOK(t, s.Do(t, "POST", api("orders/cancel/"+uuid), tok, map[string]any{"cancellationNote": "x"}), 202, "cancelledOrderSuccessfully", false)
	again := payload(regularJSON)
	set(set(again, "fpgoUuid", uuid), "orderFrom", "PARTNER")
	expectConflict(t, s.Do(t, "POST", api("orders/regular/submit"), tok, again), "orderStatusAlreadyCancelled")
	if st := s.status(t, tok, uuid); st != "CANCELLED" {
		t.Fatalf("status %s", st)
	}
}

// TestPartnerUpdateInvoicesCorporate: a partner update of an invoice-journey order (invoice/submit)
// that now names a corporate customer ends like a new corporate invoice/submit: INVOICED at once,
// with an invoice number and no BankID step.
func TestPartnerUpdateInvoicesCorporate(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	tok := s.Token
	uuid, _ := s.create(t, tok, "orders/invoice/submit", invoiceSubmit())
	if st := s.status(t, tok, uuid); st != "SENT" {
		t.Fatalf("private invoice/submit: %s", st)
	}
	corporate := func() map[string]any {
		p := invoiceSubmit()
		set(set(set(p, "customerDetails.type", "corporate"), "customerDetails.personalNumber", nil), "customerDetails.organizationId", 123456789)
		return set(p, "invoiceMaturity", 14)
	}
	// What a new corporate order gets.
	fresh, _ := s.create(t, tok, "orders/invoice/submit", corporate())
	if st := s.status(t, tok, fresh); st != "INVOICED" {
		t.Fatalf("new corporate invoice/submit: %s", st)
	}
	upd := corporate()
	set(set(upd, "fpgoUuid", uuid), "orderFrom", "PARTNER")
	r := s.Do(t, "POST", api("orders/invoice/submit"), tok, upd)
	expectOK(t, r, 201, "orderCreatedSuccessfully", true)
	if r.Str("data.orderUuid") != uuid {
		t.Fatalf("update answered %s", r)
	}
	if r.Get("data.bankIdUrl") != nil {
		t.Errorf("updated to a corporate customer, the answer still sends the customer to BankID: %s", r)
	}
	inv := s.Do(t, "GET", api("orders/invoice-number/"+uuid), tok, nil)
	if inv.Str("data.status") != "INVOICED" || inv.Str("data.invoiceNumber") == "" {
		t.Errorf("after the update to a corporate customer the order is %s with invoice number %v, want INVOICED with one (as a new corporate invoice/submit)",
			inv.Str("data.status"), inv.Get("data.invoiceNumber"))
	}
}

// TestIdempotencyKey: a replayed key answers the first response and creates nothing more.
func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	tok := s.Token
	body := mustJSON(paymentLink())

	r1 := s.Do(t, "POST", api("orders/payment-link/create"), tok, body, "Idempotency-Key", "key-1")
	expectOK(t, r1, 201, "orderAddedSuccessfully", false)
	r2 := s.Do(t, "POST", api("orders/payment-link/create"), tok, body, "Idempotency-Key", "key-1")
	if r2.Status != 201 || !bytes.Equal(r1.Raw, r2.Raw) {
		t.Fatalf("replay differs:\n%s\n%s", r1, r2)
	}
	if n := s.total(t, tok); n != 1 {
		t.Fatalf("%d orders after a replay, want 1", n)
	}
	// Same key, different body: 422.
	other := paymentLink()
	set(other, "referenceNo", "different")
	r := s.Do(t, "POST", api("orders/payment-link/create"), tok, other, "Idempotency-Key", "key-1")
	expectErr(t, r, 422, "Unprocessable Content", "idempotencyKeyReusedWithDifferentPayload")
	// Same key on another endpoint is another request too.
	r = s.Do(t, "POST", api("orders/invoice/create"), tok, invoice(), "Idempotency-Key", "key-1")
	if r.Status != 422 {
		t.Fatalf("key reused on another endpoint: %s", r)
	}
	if n := s.total(t, tok); n != 1 {
		t.Fatalf("%d orders, want 1", n)
	}
	// Without a key, the same body creates another order.
	s.create(t, tok, "orders/payment-link/create", body)

	// A failed request stores nothing: the key may be used again once the payload is fixed.
	bad := paymentLink()
	del(bad, "products.0.name")
	expect417(t, s.Do(t, "POST", api("orders/payment-link/create"), tok, bad, "Idempotency-Key", "key-2"), "The products.0.name field is required.")
	s.create(t, tok, "orders/payment-link/create", paymentLink(), "Idempotency-Key", "key-2")

	// Ten concurrent identical requests with one key: one order, one answer.
	before := s.total(t, tok)
	body3 := mustJSON(invoice())
	var wg sync.WaitGroup
	resps := make([]*Resp, 10)
	for i := range resps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := s.try("POST", api("orders/invoice/create"), tok, body3, "Idempotency-Key", "key-3")
			if err != nil {
				t.Errorf("concurrent request: %v", err)
				return
			}
			resps[i] = r
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	var first *Resp
	for _, r := range resps {
		if r.Status != 201 {
			t.Errorf("concurrent request with one key: %s", r)
			continue
		}
		if first == nil {
			first = r
		} else if !bytes.Equal(first.Raw, r.Raw) {
			t.Errorf("concurrent answers differ:\n%s\n%s", first, r)
		}
	}
	if n := s.total(t, tok); n != before+1 {
		t.Fatalf("10 concurrent requests with one key made %d orders, want 1", n-before)
	}

	// Keys are per merchant: another merchant's key-1 is its own.
	b := s.newMerchant(t, "Other Shop").Token
	rb := s.Do(t, "POST", api("orders/payment-link/create"), b, body, "Idempotency-Key", "key-1")
	expectOK(t, rb, 201, "orderAddedSuccessfully", false)
	if rb.Str("data.uuid") == r1.Str("data.uuid") {
		t.Fatal("merchant B got merchant A's replay")
	}
	if s.total(t, b) != 1 {
		t.Fatal("merchant B's order not created")
	}

	// Actions replay too: a retried cancel answers 202 again instead of orderStatusAlreadyCancelled.
	uuid := r1.Str("data.uuid")
	note := map[string]any{"cancellationNote": "retry me"}
	expectOK(t, s.Do(t, "POST", api("orders/cancel/"+uuid), tok, note, "Idempotency-Key", "cancel-1"), 202, "cancelledOrderSuccessfully", false)
	expectOK(t, s.Do(t, "POST", api("orders/cancel/"+uuid), tok, note, "Idempotency-Key", "cancel-1"), 202, "cancelledOrderSuccessfully", false)
	expectConflict(t, s.Do(t, "POST", api("orders/cancel/"+uuid), tok, note, "Idempotency-Key", "cancel-2"), "orderStatusAlreadyCancelled")
	// An over-long key is refused.
	r = s.Do(t, "POST", api("orders/payment-link/create"), tok, body, "Idempotency-Key", string(bytes.Repeat([]byte("k"), 256)))
	expect417(t, r, "The Idempotency-Key header must not be greater than 255 characters.")
}
