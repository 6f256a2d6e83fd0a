package e2e

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestCancelResendDelayedCharge covers the order actions on unpaid orders.
func TestCancelResendDelayedCharge(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	tok := s.Token
	note := map[string]any{"cancellationNote": "Customer changed their mind"}

	t.Run("cancel", func(t *testing.T) {
		uuid, _ := s.create(t, tok, "orders/payment-link/create", paymentLink())
		expect417Exact(t, s.Do(t, "POST", api("orders/cancel/"+uuid), tok, map[string]any{}), "The cancellation note field is required.")
		expect417Exact(t, s.Do(t, "POST", api("orders/cancel/"+uuid), tok, nil), "The cancellation note field is required.")
		expect417Exact(t, s.Do(t, "POST", api("orders/cancel/"+uuid), tok, map[string]any{"cancellationNote": "   "}), "The cancellation note field is required.")
		expect417Exact(t, s.Do(t, "POST", api("orders/cancel/"+uuid), tok, map[string]any{"cancellationNote": strings.Repeat("n", 1001)}),
			"The cancellation note must not be greater than 1000 characters.")
		if st := s.status(t, tok, uuid); st != "SENT" {
			t.Fatalf("after refused cancels: %s", st)
		}
		r := s.Do(t, "POST", api("orders/cancel/"+uuid), tok, note)
		expectOK(t, r, 202, "cancelledOrderSuccessfully", false)
		if r.Get("data") != nil {
			t.Fatalf("data = %v, want null", r.Get("data"))
		}
		if st := s.status(t, tok, uuid); st != "CANCELLED" {
			t.Fatalf("status %s, want CANCELLED", st)
		}
		expectConflict(t, s.Do(t, "POST", api("orders/cancel/"+uuid), tok, note), "orderStatusAlreadyCancelled")
		expect404(t, s.Do(t, "POST", api("orders/cancel/ODR0000000000"), tok, note), "orderNotFound")
		// An INVOICED order can be cancelled too (credit note); the other types likewise while unpaid.
		for _, c := range []struct {
			path string
			body map[string]any
		}{{"orders/invoice/create", invoice()}, {"orders/regular/submit", regular()}, {"hosted/orders/payment-link/create", hosted()}, {"orders/invoice/submit", invoiceSubmit()}} {
			u, _ := s.create(t, tok, c.path, c.body)
			expectOK(t, s.Do(t, "POST", api("orders/cancel/"+u), tok, note), 202, "cancelledOrderSuccessfully", false)
			if st := s.status(t, tok, u); st != "CANCELLED" {
				t.Fatalf("%s: status %s after cancel", c.path, st)
			}
		}
	})

	t.Run("concurrent cancels", func(t *testing.T) {
		uuid, _ := s.create(t, tok, "orders/payment-link/create", paymentLink())
		var wg sync.WaitGroup
		codes := make([]int, 8)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if r, err := s.try("POST", api("orders/cancel/"+uuid), tok, note); err == nil {
					codes[i] = r.Status
				}
			}()
		}
		wg.Wait()
		ok := 0
		for _, c := range codes {
			switch c {
			case 202:
				ok++
			case 400, 409:
			default:
				t.Errorf("concurrent cancel answered %d", c)
			}
		}
		if ok != 1 {
			t.Fatalf("%d of 8 concurrent cancels succeeded (%v), want exactly 1", ok, codes)
		}
	})

	t.Run("resend", func(t *testing.T) {
		uuid, _ := s.create(t, tok, "orders/payment-link/create", paymentLink())
		for _, body := range []map[string]any{
			{"countryCode": "+47", "msisdn": "99887766"},
			{"email": "another@example.com"},
			{"countryCode": "+46", "msisdn": "701234567", "email": "both@example.com"},
			{},
		} {
			r := s.Do(t, "POST", api("orders/resend/"+uuid), tok, body)
			expectOK(t, r, 202, "resentOrderSuccessfully", true)
			if r.Get("data") != nil {
				t.Fatalf("data = %v, want null", r.Get("data"))
			}
		}
		// The sandbox outbox (when served) shows the link went to the new number and address.
		if r := s.Do(t, "GET", "/sandbox/v1/messages", tok, nil); r.Status == 200 {
			for _, to := range []string{"+4799887766", "another@example.com", "+46701234567", "both@example.com"} {
				r := s.Do(t, "GET", "/sandbox/v1/messages?to="+url.QueryEscape(to), tok, nil)
				found := false
				list, _ := r.Get("data").([]any)
				for _, m := range list {
					if mm, _ := m.(map[string]any); mm != nil && mm["to"] == to && strings.Contains(text(mm["body"]), uuid) {
						found = true
					}
				}
				if !found {
					t.Errorf("no message to %s with the link of %s: %s", to, uuid, r)
				}
			}
			// Another merchant does not see them.
			other := s.newMerchant(t, "Nosy").Token
			r := s.Do(t, "GET", "/sandbox/v1/messages?to="+url.QueryEscape("another@example.com"), other, nil)
			if list, _ := r.Get("data").([]any); r.Status != 200 || len(list) != 0 {
				t.Errorf("another merchant reads the outbox: %s", r)
			}
		} else {
			t.Logf("sandbox outbox not served (%d); resend targets not checked", r.Status)
		}
		expect417Exact(t, s.Do(t, "POST", api("orders/resend/"+uuid), tok, map[string]any{"msisdn": "99887766"}),
			"The country code field is required when msisdn is present.")
		expect417Exact(t, s.Do(t, "POST", api("orders/resend/"+uuid), tok, map[string]any{"email": "nope"}),
			"The email must be a valid email address.")
		expect417Exact(t, s.Do(t, "POST", api("orders/resend/"+uuid), tok, map[string]any{"countryCode": "+47", "msisdn": "9988abc"}),
			"The msisdn must only contain digits.")
		if st := s.status(t, tok, uuid); st != "SENT" {
			t.Fatalf("status %s after resends", st)
		}
		// An invoiced order can be resent.
		inv, _ := s.create(t, tok, "orders/invoice/create", invoice())
		expectOK(t, s.Do(t, "POST", api("orders/resend/"+inv), tok, map[string]any{"email": "x@example.com"}), 202, "resentOrderSuccessfully", true)
		// Not after cancel.
		expectOK(t, s.Do(t, "POST", api("orders/cancel/"+uuid), tok, note), 202, "cancelledOrderSuccessfully", false)
		expectConflict(t, s.Do(t, "POST", api("orders/resend/"+uuid), tok, map[string]any{"email": "x@example.com"}), "orderStatusAlreadyCancelled")
		expect404(t, s.Do(t, "POST", api("orders/resend/ODR0000000000"), tok, map[string]any{}), "orderNotFound")
	})

	t.Run("delayed charge", func(t *testing.T) {
		uuid, _ := s.create(t, tok, "orders/payment-link/create", paymentLink())
		expectConflict(t, s.Do(t, "POST", api("orders/delayed/charge/"+uuid), tok, nil), "orderNotEligibleForDelayedCharge")
		inv, _ := s.create(t, tok, "orders/invoice/create", invoice())
		expectConflict(t, s.Do(t, "POST", api("orders/delayed/charge/"+inv), tok, nil), "orderNotEligibleForDelayedCharge")
		reg, _ := s.create(t, tok, "orders/regular/submit", set(regular(), "settings", map[string]any{"delayedCharge": true}))
		expectConflict(t, s.Do(t, "POST", api("orders/delayed/charge/"+reg), tok, nil), "orderNotEligibleForDelayedCharge")
		expect404(t, s.Do(t, "POST", api("orders/delayed/charge/ODR0000000000"), tok, nil), "orderNotFound")
		for _, u := range []string{uuid, inv, reg} {
			if st := s.status(t, tok, u); st != "SENT" && st != "INVOICED" {
				t.Fatalf("%s changed to %s", u, st)
			}
		}
	})
}

// TestStatusList covers the status filter and pagination of orders/status.
func TestStatusList(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	tok := s.newMerchant(t, "Busy Shop", "--rate-limit", "100000").Token

	// Empty: 200 with [].
	r := s.list(t, tok, "")
	if string(mustJSON(r.Get("data"))) != "[]" {
		t.Fatalf("empty list data = %s, want []", mustJSON(r.Get("data")))
	}
	wantMeta(t, r, 0, 1, 1)

	// 53 payment links (2 cancelled) and 2 invoices, created concurrently.
	var mu sync.Mutex
	created := map[string]string{}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 6)
	for i := 0; i < 55; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			path, body, st := "orders/payment-link/create", paymentLink(), "SENT"
			if i >= 53 {
				path, body, st = "orders/invoice/create", invoice(), "INVOICED"
			}
			r, err := s.try("POST", api(path), tok, body)
			if err != nil || r.Status != 201 {
				t.Errorf("create %d: %v %v", i, err, r)
				return
			}
			mu.Lock()
			created[r.Str("data.uuid")] = st
			mu.Unlock()
		}()
	}
	wg.Wait()
	if t.Failed() || len(created) != 55 {
		t.Fatalf("created %d distinct orders, want 55", len(created))
	}
	var cancelled []string
	for u, st := range created {
		if st == "SENT" && len(cancelled) < 2 {
			expectOK(t, s.Do(t, "POST", api("orders/cancel/"+u), tok, map[string]any{"cancellationNote": "x"}), 202, "cancelledOrderSuccessfully", false)
			created[u] = "CANCELLED"
			cancelled = append(cancelled, u)
		}
	}

	// Page 1 and 2 together list every order exactly once with its status.
	p1 := s.list(t, tok, "")
	wantMeta(t, p1, 55, 1, 2)
	// Links are absolute URLs, as in 004's paginated lists ("https://…/api/v1/connect/…?page=2"),
	// so a client can follow them as they are.
	if p1.Get("links.previous") != nil || p1.Str("links.next") != s.Base+"/api/v1/connect/orders/status?page=2" {
		t.Errorf("page 1 links = %s, want next %s", mustJSON(p1.Get("links")), s.Base+"/api/v1/connect/orders/status?page=2")
	}
	p2 := s.list(t, tok, "page=2")
	wantMeta(t, p2, 55, 2, 2)
	if p2.Str("links.previous") != s.Base+"/api/v1/connect/orders/status?page=1" || p2.Get("links.next") != nil {
		t.Errorf("page 2 links = %s", mustJSON(p2.Get("links")))
	}
	rows1, rows2 := rows(t, p1), rows(t, p2)
	if len(rows1) != 50 || len(rows2) != 5 {
		t.Fatalf("pages hold %d and %d rows, want 50 and 5", len(rows1), len(rows2))
	}
	seen := map[string]bool{}
	for _, row := range append(rows1, rows2...) {
		if seen[row[0]] {
			t.Fatalf("%s listed twice across pages", row[0])
		}
		seen[row[0]] = true
		if created[row[0]] != row[1] {
			t.Fatalf("%s listed as %q, want %q", row[0], row[1], created[row[0]])
		}
	}
	if len(seen) != 55 {
		t.Fatalf("%d distinct orders listed", len(seen))
	}
	// Past the last page: 200 and [].
	p3 := s.list(t, tok, "page=3")
	if len(rows(t, p3)) != 0 || p3.Str("metaData.total") != "55" {
		t.Fatalf("page 3: %s", p3)
	}

	// Filters, case-insensitive.
	for q, want := range map[string]int{
		"type=sent": 51, "type=SENT": 51, "type=Sent": 51, "type=Cancelled": 2, "type=cancelled": 2, "type=CANCELLED": 2,
		"type=invoiced": 2, "type=Paid": 0, "type=refunded": 0, "type=partially%20refunded": 0, "type=expired": 0,
	} {
		r := s.list(t, tok, q)
		if got := r.Str("metaData.total"); got != strconv.Itoa(want) {
			t.Errorf("?%s: total %s, want %d", q, got, want)
		}
		for _, row := range rows(t, r) {
			if !strings.EqualFold(row[1], strings.ReplaceAll(strings.TrimPrefix(q, "type="), "%20", " ")) {
				t.Errorf("?%s lists %v", q, row)
			}
		}
		if want == 0 && string(mustJSON(r.Get("data"))) != "[]" {
			t.Errorf("?%s: data %s, want []", q, mustJSON(r.Get("data")))
		}
	}
	sentP2 := s.list(t, tok, "type=sent&page=2")
	if n := len(rows(t, sentP2)); n != 1 {
		t.Fatalf("?type=sent&page=2 has %d rows, want 1", n)
	}
	if prev := sentP2.Str("links.previous"); !strings.HasPrefix(prev, s.Base+"/api/v1/connect/orders/status?") ||
		!strings.Contains(prev, "type=sent") || !strings.Contains(prev, "page=1") {
		t.Errorf("previous link %q: not absolute or loses the filter", prev)
	}
	// Bad filters and pages.
	r = s.Do(t, "GET", api("orders/status?type=shipped"), tok, nil)
	expect417Exact(t, r, "The type must be one of SENT, AUTHORIZED, PAID, INVOICED, CANCELLED, EXPIRED, PARTIALLY REFUNDED, REFUNDED.")
	for _, q := range []string{"page=0", "page=-1", "page=abc"} {
		expect417(t, s.Do(t, "GET", api("orders/status?"+q), tok, nil))
	}
}

func wantMeta(t *testing.T, r *Resp, total, page, last int) {
	t.Helper()
	want := fmt.Sprintf(`{"currentPage":%d,"lastPage":%d,"perPage":50,"total":%d}`, page, last, total)
	if got := string(mustJSON(r.Get("metaData"))); got != want {
		t.Fatalf("metaData = %s, want %s", got, want)
	}
	if _, ok := r.Body["links"].(map[string]any); !ok {
		t.Fatalf("no links object: %s", r)
	}
}

// rows returns [uuid, status] pairs of a status list page, checking each row's shape.
func rows(t *testing.T, r *Resp) [][2]string {
	t.Helper()
	list, ok := r.Get("data").([]any)
	if !ok {
		t.Fatalf("data is not a list: %s", r)
	}
	var out [][2]string
	for _, e := range list {
		if got := strings.Join(keys(e), ","); got != "status,uuid" {
			t.Fatalf("row keys %s", got)
		}
		m := e.(map[string]any)
		out = append(out, [2]string{text(m["uuid"]), text(m["status"])})
	}
	return out
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// TestOrderDetails checks the fields of orders/details and orders/status/{uuid}.
func TestOrderDetails(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	tok := s.Token
	due := time.Now().In(oslo).AddDate(0, 0, 5)
	body := payload(`{
	  "products": {
	    "0": {"name": "Hair Wash", "productId": "VFDDF", "quantity": "2", "rate": "51.00", "discount": "2.00", "tax": "25", "amount": "100.00"},
	    "1": {"name": "Shampoo", "quantity": 1, "rate": 49.5, "tax": 15, "amount": 49.5}
	  },
	  "orderSummary": {"subTotal": "121.04", "totalTax": "28.46", "totalDiscount": "2.00", "shippingCost": "10", "grandTotal": "159.50"},
	  "orderDate": "{{TODAY}}",
	  "customerDetails": ` + customerKari + `,
	  "invoiceAsPaymentOption": "1",
	  "referenceNo": "REF-1",
	  "customerReference": "CR-9"
	}`)
	set(body, "dueDateForPaymentLink", due.Format("2 Jan, 2006"))
	uuid, cust := s.create(t, tok, "orders/payment-link/create", body)
	d := s.details(t, tok, uuid)

	checks := map[string]string{
		"data.orderUuid": uuid, "data.status": "SENT", "data.type": "PAYMENT_LINK", "data.currency": "NOK",
		"data.orderDate": osloDate(time.Now()), "data.paymentLinkDueDate": due.Format("02.01.2006") + " 23:59",
		"data.referenceNo": "REF-1", "data.customerReference": "CR-9",
		"data.orderSummary.subTotal": "121.04", "data.orderSummary.tax": "28.46", "data.orderSummary.discount": "2",
		"data.orderSummary.grandTotal": "159.5", "data.orderSummary.refundedAmount": "0", "data.orderSummary.shippingCost": "10",
		"data.productList.0.name": "Hair Wash", "data.productList.0.productId": "VFDDF", "data.productList.0.quantity": "2",
		"data.productList.0.rate": "51", "data.productList.0.discount": "2", "data.productList.0.tax": "25", "data.productList.0.amount": "100",
		"data.productList.1.name": "Shampoo", "data.productList.1.rate": "49.5", "data.productList.1.tax": "15",
		"data.customerDetails.uuid": cust, "data.customerDetails.name": "Kari Nordmann", "data.customerDetails.email": "test@yopmail.com",
		"data.customerDetails.msisdn": "46567468", "data.customerDetails.countryCode": "+47",
		"data.customerDetails.personalNumber": "12*******01", "data.customerDetails.preferredLanguage": "en",
		"data.customerDetails.address.street": "Luramyrveien 65", "data.customerDetails.address.country": "NO",
	}
	for path, want := range checks {
		if got := d.Str(path); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	for _, k := range []string{"subTotal", "tax", "discount", "grandTotal", "refundedAmount"} {
		if _, ok := d.Get("data.orderSummary." + k).(json.Number); !ok {
			t.Errorf("orderSummary.%s is not a JSON number: %#v", k, d.Get("data.orderSummary."+k))
		}
	}
	if v := d.Get("data.invoiceNumber"); v != nil {
		t.Errorf("invoiceNumber of a payment link = %v", v)
	}
	if !regexp.MustCompile(`^\d{2}\.\d{2}\.\d{4}$`).MatchString(d.Str("data.orderDate")) {
		t.Errorf("orderDate %q not like 21.11.2026", d.Str("data.orderDate"))
	}
	ids := s.lineIDs(t, tok, uuid)
	if len(ids) != 2 || ids[0] == ids[1] {
		t.Fatalf("line ids %v", ids)
	}
	// Line ids are unique across orders.
	other := s.lineIDs(t, tok, func() string { u, _ := s.create(t, tok, "orders/invoice/create", invoice()); return u }())
	if slices.Contains(ids, other[0]) {
		t.Fatalf("line id %d reused by another order", other[0])
	}
	if strings.Contains(string(d.Raw), pnrKari) {
		t.Fatal("details show the full personal number")
	}

	r := s.Do(t, "GET", api("orders/status/"+uuid), tok, nil)
	expectOK(t, r, 200, "Order Status Retrieved Successfully", true)
	if got := strings.Join(keys(r.Get("data")), ","); got != "orderAmount,refundedAmount,status,uuid" {
		t.Fatalf("status data keys %s", got)
	}
	if r.Str("data.uuid") != uuid || r.Str("data.status") != "SENT" || num(t, r.Get("data.orderAmount")) != 159.5 || num(t, r.Get("data.refundedAmount")) != 0 {
		t.Fatalf("status data %s", mustJSON(r.Get("data")))
	}
	expect404(t, s.Do(t, "GET", api("orders/status/ODR0000000000"), tok, nil), "orderNotFound")
	expect404(t, s.Do(t, "GET", api("orders/details/ODR0000000000"), tok, nil), "orderNotFound")

	// A Unix due date is shown as an Oslo date-time.
	h := hosted()
	hdue := time.Now().Add(90 * time.Minute)
	set(h, "dueDateForPaymentLink", strconv.FormatInt(hdue.Unix(), 10))
	hu, _ := s.create(t, tok, "hosted/orders/payment-link/create", h)
	if got, want := s.details(t, tok, hu).Str("data.paymentLinkDueDate"), hdue.In(oslo).Format("02.01.2006 15:04"); got != want {
		t.Errorf("paymentLinkDueDate %q, want %q", got, want)
	}

	// The regular checkout's amounts are JSON numbers.
	reg, _ := s.create(t, tok, "orders/regular/submit", regular())
	rd := s.details(t, tok, reg)
	if num(t, rd.Get("data.orderSummary.grandTotal")) != 4500 || num(t, rd.Get("data.orderSummary.subTotal")) != 4017.86 {
		t.Fatalf("regular order summary %s", mustJSON(rd.Get("data.orderSummary")))
	}
}
