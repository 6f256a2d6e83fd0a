package e2e

import (
	"bytes"
	"testing"
)

// TestTenantIsolation: merchant B cannot see or touch anything of merchant A's; every attempt is a
// plain 404, and A's records are unchanged afterwards.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	a := s.Token
	b := s.newMerchant(t, "Merchant B").Token

	pl, cust := s.create(t, a, "orders/payment-link/create", paymentLink())
	inv, corp := s.create(t, a, "orders/invoice/create", corporateInvoice())
	reg, _ := s.create(t, a, "orders/regular/submit", regular())
	lineID := s.lineIDs(t, a, inv)[0]
	snapshot := func() [][]byte {
		var out [][]byte
		for _, u := range []string{pl, inv, reg} {
			out = append(out, mustJSON(s.details(t, a, u).Get("data")))
		}
		for _, c := range []string{cust, corp} {
			r := s.Do(t, "GET", api("customers/details/"+c), a, nil)
			expectOK(t, r, 200, "customerDetailsRetrievedSuccessfully", true)
			out = append(out, mustJSON(r.Get("data")))
		}
		return out
	}
	before := snapshot()

	privUpdate := customerUpdate("Mallory")
	corpUpdate := customerUpdate("Mallory AS")
	del(corpUpdate, "personalNumber")
	note := map[string]any{"cancellationNote": "not yours"}
	for _, u := range []string{pl, inv, reg} {
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{"GET", "orders/details/" + u, nil},
			{"GET", "orders/status/" + u, nil},
			{"GET", "orders/invoice-number/" + u, nil},
			{"POST", "orders/cancel/" + u, note},
			{"POST", "orders/resend/" + u, map[string]any{"email": "mallory@example.com"}},
			{"POST", "orders/refund/" + u, refund("invoiced", "1", lineID, "1")},
			{"POST", "orders/delayed/charge/" + u, nil},
		} {
			expect404(t, s.Do(t, c.method, api(c.path), b, c.body), "orderNotFound")
		}
		// A partner update naming A's order.
		up := regular()
		set(set(up, "fpgoUuid", u), "orderFrom", "PARTNER")
		expect404(t, s.Do(t, "POST", api("orders/regular/submit"), b, up), "orderNotFound")
	}
	for _, c := range []string{cust, corp} {
		expect404(t, s.Do(t, "GET", api("customers/details/"+c), b, nil), "customerNotFound")
		expect404(t, s.Do(t, "PUT", api("customers/update/private/"+c), b, privUpdate), "customerNotFound")
		expect404(t, s.Do(t, "PUT", api("customers/update/corporate/"+c), b, corpUpdate), "customerNotFound")
		// An order naming A's customer.
		p := paymentLink()
		set(p, "customerDetails", map[string]any{"customerUuid": c})
		expect404(t, s.Do(t, "POST", api("orders/payment-link/create"), b, p), "customerNotFound")
		p = invoice()
		set(p, "customerDetails", map[string]any{"uuid": c})
		expect404(t, s.Do(t, "POST", api("orders/invoice/create"), b, p), "customerNotFound")
	}

	// B reads no callback events of A's orders (A's cancel below writes one).
	expectOK(t, s.Do(t, "POST", api("orders/cancel/"+pl), a, note), 202, "cancelledOrderSuccessfully", false)
	before[0] = mustJSON(s.details(t, a, pl).Get("data"))
	if r := s.Do(t, "GET", api("callbacks?orderUuid="+pl), b, nil); r.Status == 200 {
		if list, _ := r.Get("data").([]any); len(list) != 0 {
			t.Fatalf("merchant B reads merchant A's callback events: %s", r)
		}
	} else if r.Status != 404 {
		t.Fatalf("callbacks of another merchant's order: %s", r)
	}

	// B's list holds none of A's orders, and B created nothing along the way.
	r := s.list(t, b, "")
	if len(rows(t, r)) != 0 || r.Str("metaData.total") != "0" {
		t.Fatalf("merchant B's list: %s", r)
	}
	for _, q := range []string{"type=sent", "type=invoiced"} {
		if n := len(rows(t, s.list(t, b, q))); n != 0 {
			t.Fatalf("merchant B's ?%s lists %d orders", q, n)
		}
	}
	// A's orders and customers are exactly as before.
	after := snapshot()
	for i := range before {
		if !bytes.Equal(before[i], after[i]) {
			t.Fatalf("merchant A's record changed by merchant B:\nbefore %s\nafter  %s", before[i], after[i])
		}
	}
	if n := s.total(t, a); n != 3 {
		t.Fatalf("merchant A has %d orders, want 3", n)
	}
	// B's own order works, and A cannot see it either.
	own, _ := s.create(t, b, "orders/payment-link/create", paymentLink())
	expect404(t, s.Do(t, "GET", api("orders/details/"+own), a, nil), "orderNotFound")
	if s.total(t, a) != 3 || s.total(t, b) != 1 {
		t.Fatal("lists mix merchants")
	}
}

// customerUpdate is the Update Private Customer seed with a valid personal number.
func customerUpdate(name string) map[string]any {
	return payload(`{
	  "name": "` + name + `",
	  "personalNumber": "` + pnrUpdate + `",
	  "preferredLanguage": "en",
	  "msisdn": "46567468",
	  "email": "test@gmail.com",
	  "countryCode": "+47",
	  "addresses": {
	    "billing": {"street": "Luramyrveien 65", "zip": "4313", "city": "Sandnes ", "country": "NO"},
	    "shipping": {"street": "Luramyrveien 65", "zip": "4313", "city": "Sandnes ", "country": "NO"}
	  }
	}`)
}
