package e2e

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// regular000JSON is the one-time payment link seed (000).
var regular000JSON = `{
  "products": [{"name": "Router", "productId": "R_1", "quantity": 1, "rate": 4500, "discount": 0, "tax": 12, "amount": 4500}],
  "orderSummary": {"subTotal": 4017.86, "totalTax": 482.14, "totalDiscount": 0.00, "grandTotal": 4500.00},
  "orderDate": "{{NOW}}",
  "invoiceReferences": {"referenceNo": null},
  "withCustomer": true,
  "customerDetails": {
    "type": "private", "countryCode": "+47", "msisdn": "46567468", "email": "kari@nordmann.no", "name": "Kari Nordmann",
    "preferredLanguage": "en", "personalNumber": null,
    "address": {"street": "Luramyrveien 65", "zip": "4313", "city": "Sandnes", "country": "NO"}
  },
  "submitPayment": {"via": "visa"},
  "callback": {"callbackUrl": "{{CB}}/callback", "success": "{{CB}}/success", "failure": "{{CB}}/failure"}
}`

// TestCreateEndpoints: every order-creation endpoint answers the seed payload with the documented
// status, message, is_data and data keys, and the order lands in the documented status.
func TestCreateEndpoints(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	tok := s.Token

	type tc struct {
		name, path string
		body       map[string]any
		message    string
		isData     bool
		dataKeys   string // sorted, comma-separated
		status     string // the order's status afterwards
		check      func(t *testing.T, r *Resp)
	}
	uuidKeys := "customerUuid,uuid"
	cases := []tc{
		{"payment link", "orders/payment-link/create", paymentLink(), "orderAddedSuccessfully", false, uuidKeys, "SENT", nil},
		{"payment link, products as array", "orders/payment-link/create",
			set(paymentLink(), "products", []any{map[string]any{"name": "Hair Wash", "quantity": 1, "rate": 51, "tax": 0, "amount": 51}}),
			"orderAddedSuccessfully", false, uuidKeys, "SENT", nil},
		{"payment link, email only, no sendOrderBy", "orders/payment-link/create",
			del(del(del(paymentLink(), "sendOrderBy"), "customerDetails.msisdn"), "customerDetails.countryCode"),
			"orderAddedSuccessfully", false, uuidKeys, "SENT", nil},
		{"payment link, d M, Y dates", "orders/payment-link/create",
			set(set(paymentLink(), "orderDate", osloToday()), "dueDateForPaymentLink", osloToday()),
			"orderAddedSuccessfully", false, uuidKeys, "SENT", nil},
		{"payment link, fractional timestamp", "orders/payment-link/create",
			set(paymentLink(), "orderDate", nowUnix()+".652"), "orderAddedSuccessfully", false, uuidKeys, "SENT", nil},
		{"payment link, orderDate a JSON number and tomorrow", "orders/payment-link/create",
			set(paymentLink(), "orderDate", json.Number(strconv.FormatInt(time.Now().Add(24*time.Hour).Unix(), 10))),
			"orderAddedSuccessfully", false, uuidKeys, "SENT", nil},
		{"payment link, booleans as 1/0 and unknown fields", "orders/payment-link/create",
			set(set(set(set(set(paymentLink(), "sendOrderBy", map[string]any{"sms": "1", "email": 0}), "invoiceAsPaymentOption", 1),
				"secureDetails", "0"), "somethingNew", map[string]any{"x": []any{1, 2}}), "products.0.colour", "blue"),
			"orderAddedSuccessfully", false, uuidKeys, "SENT", nil},
		{"payment link, grand total within a cent", "orders/payment-link/create",
			set(paymentLink(), "orderSummary.grandTotal", "51.01"), "orderAddedSuccessfully", false, uuidKeys, "SENT", nil},
		{"invoice (private)", "orders/invoice/create", invoice(), "orderAddedSuccessfully", false, uuidKeys, "INVOICED", nil},
		{"invoice (corporate, organizationId a number)", "orders/invoice/create", corporateInvoice(), "orderAddedSuccessfully", false, uuidKeys, "INVOICED", nil},
		{"e-faktura", "orders/faktura/create", faktura(), "orderAddedSuccessfully", false, uuidKeys, "INVOICED", nil},
		{"e-faktura (old path)", "orders/invoice/create/faktura", faktura(), "orderAddedSuccessfully", false, uuidKeys, "INVOICED", nil},
		{"ehf", "orders/ehf/create", ehf(), "orderAddedSuccessfully", false, uuidKeys, "INVOICED", nil},
		{"ehf (old path)", "orders/invoice/create/ehf", ehf(), "orderAddedSuccessfully", false, uuidKeys, "INVOICED", nil},
		{"ehf, organizationId a digit string", "orders/ehf/create", set(ehf(), "customerDetails.organizationId", "987654321"),
			"orderAddedSuccessfully", false, uuidKeys, "INVOICED", nil},
		{"regular submit", "orders/regular/submit", regular(), "Order Submitted Successfully", true, "customerUuid,orderUuid,paymentUrl", "SENT",
			func(t *testing.T, r *Resp) {
				if u := r.Str("data.paymentUrl"); !strings.HasPrefix(u, s.Base+"/") || !strings.Contains(u, r.Str("data.orderUuid")) {
					t.Errorf("paymentUrl %q does not point at this server's page for the order", u)
				}
			}},
		{"regular submit (the 000 seed: invoiceReferences, no shippingCost)", "orders/regular/submit", payload(regular000JSON),
			"Order Submitted Successfully", true, "customerUuid,orderUuid,paymentUrl", "SENT", nil},
		{"regular submit, without customer", "orders/regular/submit",
			del(set(regular(), "withCustomer", false), "customerDetails"), "Order Submitted Successfully", true, "customerUuid,orderUuid,paymentUrl", "SENT", nil},
		{"regular submit via invoice", "orders/regular/submit",
			set(set(regular(), "submitPayment.via", "invoice"), "customerDetails.personalNumber", pnrKari),
			"Order Submitted Successfully", true, "customerUuid,orderUuid,paymentUrl", "SENT",
			func(t *testing.T, r *Resp) {
				if u := r.Str("data.paymentUrl"); !strings.HasPrefix(u, s.Base+"/") {
					t.Errorf("paymentUrl %q", u)
				}
			}},
		{"invoice submit (private)", "orders/invoice/submit", invoiceSubmit(), "orderCreatedSuccessfully", true, "bankIdUrl,customerUuid,orderUuid", "SENT",
			func(t *testing.T, r *Resp) {
				if u := r.Str("data.bankIdUrl"); !strings.HasPrefix(u, "http") {
					t.Errorf("bankIdUrl %q for a private customer", u)
				}
			}},
		{"invoice submit (corporate)", "orders/invoice/submit",
			set(set(set(set(invoiceSubmit(), "customerDetails.type", "corporate"), "customerDetails.personalNumber", nil),
				"customerDetails.organizationId", 123456789), "invoiceMaturity", 14),
			"orderCreatedSuccessfully", true, "", "INVOICED",
			func(t *testing.T, r *Resp) {
				if u := r.Get("data.bankIdUrl"); u != nil {
					t.Errorf("corporate invoice submit gave bankIdUrl %v; a corporate customer is invoiced directly", u)
				}
			}},
		{"hosted checkout", "hosted/orders/payment-link/create", hosted(), "Payment Link Created Successfully", true, "customerUuid,orderUuid,paymentUrl", "SENT",
			func(t *testing.T, r *Resp) {
				want := s.Base + "/order/hosted/" + r.Str("data.orderUuid") + "/checkout"
				if u := r.Str("data.paymentUrl"); u != want {
					t.Errorf("paymentUrl %q, want %q (shaped like FPGO's)", u, want)
				}
			}},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := s.Do(t, "POST", api(c.path), tok, c.body)
			expectOK(t, r, 201, c.message, c.isData)
			if c.dataKeys != "" {
				if got := strings.Join(keys(r.Get("data")), ","); got != c.dataKeys {
					t.Fatalf("data keys %s, want %s: %s", got, c.dataKeys, r)
				}
			}
			uuid := r.Str("data.uuid") + r.Str("data.orderUuid")
			if !reOrder.MatchString(uuid) {
				t.Fatalf("order uuid %q", uuid)
			}
			if seen[uuid] {
				t.Fatalf("order uuid %s given twice", uuid)
			}
			seen[uuid] = true
			if cu := r.Str("data.customerUuid"); cu != "" && !reCustomer.MatchString(cu) {
				t.Fatalf("customerUuid %q", cu)
			}
			if _, withCustomer := c.body["customerDetails"]; withCustomer && !reCustomer.MatchString(r.Str("data.customerUuid")) {
				t.Fatalf("no customerUuid for an order with customer details: %s", r)
			}
			if c.check != nil {
				c.check(t, r)
			}
			if got := s.status(t, tok, uuid); got != c.status {
				t.Fatalf("status %s, want %s", got, c.status)
			}
		})
	}
	if n := s.total(t, tok); n != len(seen) {
		t.Errorf("%d orders listed, want %d", n, len(seen))
	}
}

// TestInvoiceNumbers: invoice, e-Faktura and EHF orders are INVOICED with an invoice number that is
// the merchant's next in sequence; payment links are SENT without one. A failed creation draws no
// number.
func TestInvoiceNumbers(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	a := s.Token
	b := s.newMerchant(t, "Second Shop").Token

	invoiceNumber := func(tok, uuid string) (string, string) {
		t.Helper()
		r := s.Do(t, "GET", api("orders/invoice-number/"+uuid), tok, nil)
		expectOK(t, r, 200, "orderInvoiceNoRetrievedSuccessfully", true)
		if r.Str("data.orderUuid") != uuid {
			t.Fatalf("orderUuid %q, want %s", r.Str("data.orderUuid"), uuid)
		}
		if got := strings.Join(keys(r.Get("data")), ","); got != "invoiceNumber,orderUuid,status" {
			t.Fatalf("data keys %s", got)
		}
		return r.Str("data.invoiceNumber"), r.Str("data.status")
	}

	var numbers []int
	for i, c := range []struct{ path string }{
		{"orders/invoice/create"}, {"orders/faktura/create"}, {"orders/ehf/create"}, {"orders/invoice/create/faktura"},
		{"orders/invoice/create/ehf"}, {"orders/invoice/create"},
	} {
		var body map[string]any
		switch {
		case strings.Contains(c.path, "faktura"):
			body = faktura()
		case strings.Contains(c.path, "ehf"):
			body = ehf()
		default:
			body = invoice()
		}
		uuid, _ := s.create(t, a, c.path, body)
		no, st := invoiceNumber(a, uuid)
		if st != "INVOICED" {
			t.Fatalf("%s: status %s, want INVOICED", c.path, st)
		}
		n, err := strconv.Atoi(no)
		if err != nil || n <= 0 {
			t.Fatalf("%s: invoice number %q", c.path, no)
		}
		d := s.details(t, a, uuid)
		if d.Str("data.invoiceNumber") != no {
			t.Fatalf("details invoiceNumber %q, invoice-number %q", d.Str("data.invoiceNumber"), no)
		}
		numbers = append(numbers, n)
		if i > 0 && n != numbers[i-1]+1 {
			t.Fatalf("invoice numbers %v are not the merchant's consecutive sequence", numbers)
		}
		if i == 2 {
			// A request that fails inside the transaction (unknown customer) draws no number.
			r := s.Do(t, "POST", api("orders/invoice/create"), a, set(invoice(), "customerDetails", map[string]any{"customerUuid": "CSRT0000000000"}))
			expect404(t, r, "customerNotFound")
		}
	}

	// A payment link has no invoice number.
	pl, _ := s.create(t, a, "orders/payment-link/create", paymentLink())
	r := s.Do(t, "GET", api("orders/invoice-number/"+pl), a, nil)
	expectOK(t, r, 200, "orderInvoiceNoRetrievedSuccessfully", true)
	if v, ok := r.Body["data"].(map[string]any)["invoiceNumber"]; !ok || v != nil {
		t.Fatalf("payment link invoiceNumber = %#v, want null: %s", v, r)
	}
	if r.Str("data.status") != "SENT" {
		t.Fatalf("payment link status %s", r.Str("data.status"))
	}
	if v := s.details(t, a, pl).Get("data.invoiceNumber"); v != nil {
		t.Fatalf("details invoiceNumber of a payment link = %#v", v)
	}
	expect404(t, s.Do(t, "GET", api("orders/invoice-number/ODR0000000000"), a, nil), "orderNotFound")

	// Concurrent invoices draw distinct numbers, still without gaps.
	next := numbers[len(numbers)-1] + 1
	got := make([]string, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := s.try("POST", api("orders/invoice/create"), a, invoice())
			if err != nil || r.Status != 201 {
				t.Errorf("concurrent invoice: %v %v", err, r)
				return
			}
			r, err = s.try("GET", api("orders/invoice-number/"+r.Str("data.uuid")), a, nil)
			if err == nil {
				got[i] = r.Str("data.invoiceNumber")
			}
		}()
	}
	wg.Wait()
	slices.SortFunc(got, func(x, y string) int { xi, _ := strconv.Atoi(x); yi, _ := strconv.Atoi(y); return xi - yi })
	for i, g := range got {
		if g != strconv.Itoa(next+i) {
			t.Fatalf("concurrent invoice numbers %v, want %d…%d once each", got, next, next+len(got)-1)
		}
	}
	numbers = append(numbers, next+len(got)-1)

	// Merchant B has its own sequence, starting where A's started.
	ub, _ := s.create(t, b, "orders/invoice/create", invoice())
	no, _ := invoiceNumber(b, ub)
	if no != fmt.Sprint(numbers[0]) {
		t.Fatalf("merchant B's first invoice number %s, want %d (a per-merchant sequence)", no, numbers[0])
	}
	ua, _ := s.create(t, a, "orders/invoice/create", invoice())
	no, _ = invoiceNumber(a, ua)
	if no != fmt.Sprint(numbers[len(numbers)-1]+1) {
		t.Fatalf("merchant A's next invoice number %s, want %d (B's invoices must not use A's numbers)", no, numbers[len(numbers)-1]+1)
	}
}
