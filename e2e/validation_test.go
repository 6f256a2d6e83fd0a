package e2e

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

type badCase struct {
	name string
	body map[string]any
	want []string // every one must be among the errors
	// exact, when set, requires the errors to be exactly want.
	exact bool
}

// TestValidation: a table of bad payloads per endpoint, each answered 417 payloadValidationErrors
// with the exact Laravel message, and nothing created.
func TestValidation(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	tok := s.newMerchant(t, "Validation Shop", "--rate-limit", "100000").Token
	yesterday := strconv.FormatInt(time.Now().Add(-36*time.Hour).Unix(), 10)
	past := strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10)
	grandTotalMsg := "The order summary.grand total must equal the sum of the products' amounts plus the shipping cost (51.00)."

	// Rules every create endpoint shares, run against each.
	common := func(base func() map[string]any) []badCase {
		return []badCase{
			{"product name missing", del(base(), "products.0.name"), []string{"The products.0.name field is required."}, true},
			{"tax not allowed", set(base(), "products.0.tax", "10"), []string{"The products.0.tax must be one of 0, 12, 15, 25."}, true},
			{"quantity not numeric", set(base(), "products.0.quantity", "two"), []string{"The products.0.quantity must be a number."}, true},
			{"quantity zero", set(base(), "products.0.quantity", "0"), []string{"The products.0.quantity must be greater than 0."}, true},
			{"rate with 3 decimals", set(base(), "products.0.rate", "51.001"), []string{"The products.0.rate must have 0-2 decimal places."}, true},
			{"negative discount", set(base(), "products.0.discount", "-1"), []string{"The products.0.discount must be at least 0."}, true},
			{"products missing", del(base(), "products"), []string{"The products field is required."}, false},
			{"products empty", set(base(), "products", []any{}), []string{"The products field is required."}, false},
			{"grand total missing", del(base(), "orderSummary.grandTotal"), []string{"The order summary.grand total field is required."}, true},
			{"total discount missing", del(base(), "orderSummary.totalDiscount"), []string{"The order summary.total discount field is required."}, true},
			{"grand total mismatch", set(line51(base()), "orderSummary.grandTotal", "52.00"), []string{grandTotalMsg}, true},
			{"grand total off by more than a cent", set(line51(base()), "orderSummary.grandTotal", "51.02"), []string{grandTotalMsg}, true},
			{"line amount mismatch", set(set(line51(base()), "products.0.amount", "50.00"), "orderSummary.grandTotal", "50.00"),
				[]string{"The products.0.amount must equal quantity × rate − discount (51.00)."}, true},
			{"order date missing", del(base(), "orderDate"), []string{"The order date field is required."}, true},
			{"order date yesterday", set(base(), "orderDate", yesterday), []string{"The order date must be a date after or equal to today."}, true},
			{"order date yesterday as d M, Y", set(base(), "orderDate", time.Now().In(oslo).AddDate(0, 0, -1).Format("2 Jan, 2006")),
				[]string{"The order date must be a date after or equal to today."}, true},
			{"order date garbage", set(base(), "orderDate", "tomorrow"), []string{"The order date is not a valid date."}, true},
			{"order date impossible", set(base(), "orderDate", "31 Feb, 2030"), []string{"The order date is not a valid date."}, true},
			{"email invalid", set(base(), "customerDetails.email", "not-an-email"), []string{"The customer details.email must be a valid email address."}, true},
			{"country not ISO", set(base(), "customerDetails.address.country", "XX"),
				[]string{"The customer details.address.country must be a valid ISO 3166-1 alpha-2 country code."}, true},
			{"msisdn with letters", set(base(), "customerDetails.msisdn", "4656abcd"), []string{"The customer details.msisdn must only contain digits."}, true},
			{"language unknown", set(base(), "customerDetails.preferredLanguage", "fr"),
				[]string{"The customer details.preferred language must be one of en, no, sv, da, de."}, true},
			{"unknown customer", set(base(), "customerDetails", map[string]any{"customerUuid": strings.Repeat("X", 40)}),
				[]string{"The customer details.customer uuid must not be greater than 32 characters."}, true},
		}
	}
	private := func(base func() map[string]any) []badCase {
		return []badCase{
			{"personal number too short", set(base(), "customerDetails.personalNumber", "1234567890"),
				[]string{"The customer details.personal number must be 11 digits."}, true},
			{"personal number with letters", set(base(), "customerDetails.personalNumber", "1234567890A"),
				[]string{"The customer details.personal number must be 11 digits."}, true},
			{"customer name missing", del(base(), "customerDetails.name"), []string{"The customer details.name field is required."}, true},
			{"street missing", del(base(), "customerDetails.address.street"), []string{"The customer details.address.street field is required."}, true},
		}
	}

	tables := map[string][]badCase{}
	tables["orders/payment-link/create"] = append(append(common(paymentLink), private(paymentLink)...),
		badCase{"callback url invalid", set(paymentLink(), "callback.callbackUrl", "not a url"), []string{"The callback.callback url must be a valid URL."}, true},
		badCase{"callback url not http", set(paymentLink(), "callback.callbackUrl", "ftp://example.com/x"), []string{"The callback.callback url must be a valid URL."}, true},
		badCase{"invoiceAsPaymentOption missing", del(paymentLink(), "invoiceAsPaymentOption"), []string{"The invoice as payment option field is required."}, true},
		badCase{"invoiceAsPaymentOption not boolean", set(paymentLink(), "invoiceAsPaymentOption", "maybe"),
			[]string{"The invoice as payment option field must be true or false."}, true},
		badCase{"customer type missing", del(paymentLink(), "customerDetails.type"), []string{"The customer details.type field is required."}, true},
		badCase{"customer type unknown", set(paymentLink(), "customerDetails.type", "business"),
			[]string{"The customer details.type must be one of private, corporate."}, true},
		badCase{"no email and no msisdn", del(del(del(paymentLink(), "customerDetails.email"), "customerDetails.msisdn"), "customerDetails.countryCode"),
			[]string{"The customer details.country code field is required when customer details.email is not present.",
				"The customer details.msisdn field is required when customer details.email is not present.",
				"The customer details.email field is required when customer details.msisdn is not present."}, true},
		badCase{"corporate without organization id", set(paymentLink(), "customerDetails.type", "corporate"),
			[]string{"The customer details.organization id field is required when customer details.type is corporate."}, true},
		badCase{"due date in the past", set(paymentLink(), "dueDateForPaymentLink", past),
			[]string{"The due date for payment link must be a date after or equal to now."}, true},
		badCase{"due date yesterday as d M, Y", set(paymentLink(), "dueDateForPaymentLink", time.Now().In(oslo).AddDate(0, 0, -1).Format("2 Jan, 2006")),
			[]string{"The due date for payment link must be a date after or equal to now."}, true},
		badCase{"sendOrderBy.sms not boolean", set(paymentLink(), "sendOrderBy.sms", "yes"), []string{"The send order by.sms field must be true or false."}, true},
		badCase{"fpgoUuid without orderFrom", set(paymentLink(), "fpgoUuid", "ODR0000000000"),
			[]string{"The order from field is required when fpgo uuid is present."}, true},
	)
	tables["orders/invoice/create"] = append(append(common(invoice), private(invoice)...),
		badCase{"private maturity 14", set(invoice(), "invoiceMaturity", 14), []string{"The invoice maturity must be one of 10."}, true},
		badCase{"corporate maturity 10", set(corporateInvoice(), "invoiceMaturity", 10), []string{"The invoice maturity must be one of 14, 30, 45."}, true},
		badCase{"corporate without organization id", set(corporateInvoice(), "customerDetails.organizationId", nil),
			[]string{"The customer details.organization id field is required when customer details.type is corporate."}, true},
		badCase{"invoice fee applicable missing", del(invoice(), "invoiceFeeApplicable"), []string{"The invoice fee applicable field is required."}, true},
		badCase{"invoice interval 3", set(invoice(), "invoiceInterval", 3), []string{"The invoice interval must be one of 0, 1, 2."}, true},
		badCase{"msisdn missing", del(invoice(), "customerDetails.msisdn"), []string{"The customer details.msisdn field is required."}, true},
		badCase{"callback url invalid", set(invoice(), "callback.callbackUrl", "example"), []string{"The callback.callback url must be a valid URL."}, true},
	)
	tables["orders/faktura/create"] = append(append(common(faktura), private(faktura)...),
		badCase{"personal number missing", del(faktura(), "customerDetails.personalNumber"), []string{"The customer details.personal number field is required."}, true},
		badCase{"maturity 14", set(faktura(), "invoiceMaturity", 14), []string{"The invoice maturity must be one of 10."}, true},
		badCase{"callback missing", del(faktura(), "callback"), []string{"The callback field is required.", "The callback.callback url field is required."}, true},
	)
	tables["orders/invoice/create/faktura"] = []badCase{
		{"personal number missing", del(faktura(), "customerDetails.personalNumber"), []string{"The customer details.personal number field is required."}, true},
	}
	tables["orders/ehf/create"] = append(common(ehf),
		badCase{"organization id with letters", set(ehf(), "customerDetails.organizationId", "12345678A"),
			[]string{"The customer details.organization id must only contain digits."}, true},
		badCase{"organization id missing", del(ehf(), "customerDetails.organizationId"), []string{"The customer details.organization id field is required."}, true},
		badCase{"maturity 10 (the seed example)", set(ehf(), "invoiceMaturity", 10), []string{"The invoice maturity must be one of 14, 30, 45."}, true},
		badCase{"callback url missing", del(ehf(), "callback.callbackUrl"), []string{"The callback field is required.", "The callback.callback url field is required."}, true},
		badCase{"callback url empty", set(ehf(), "callback.callbackUrl", ""), []string{"The callback.callback url field is required."}, true},
	)
	tables["orders/invoice/create/ehf"] = []badCase{
		{"organization id with spaces", set(ehf(), "customerDetails.organizationId", "123 456 789"),
			[]string{"The customer details.organization id must only contain digits."}, true},
	}
	tables["orders/regular/submit"] = append(common(regular),
		badCase{"via invoice without personal number", set(regular(), "submitPayment.via", "invoice"),
			[]string{"The customer details.personal number field is required when submit payment.via is invoice."}, true},
		badCase{"via unknown", set(regular(), "submitPayment.via", "bitcoin"),
			[]string{"The submit payment.via must be one of vipps, visa, mastercard, applepay, googlepay, invoice."}, true},
		badCase{"submitPayment missing", del(regular(), "submitPayment"), []string{"The submit payment field is required.", "The submit payment.via field is required."}, true},
		badCase{"withCustomer missing", del(regular(), "withCustomer"), []string{"The with customer field is required."}, true},
		badCase{"withCustomer true without details", del(regular(), "customerDetails"),
			[]string{"The customer details field is required when with customer is true."}, false},
		badCase{"success url missing", del(regular(), "callback.success"), []string{"The callback.success field is required."}, true},
		badCase{"failure url invalid", set(regular(), "callback.failure", "nope"), []string{"The callback.failure must be a valid URL."}, true},
		badCase{"callback url invalid", set(regular(), "callback.callbackUrl", "http://"), []string{"The callback.callback url must be a valid URL."}, true},
		badCase{"orderFrom not PARTNER", set(set(regular(), "fpgoUuid", "ODR0000000000"), "orderFrom", "SHOP"),
			[]string{"The order from must be one of PARTNER."}, true},
		badCase{"fpgoUuid without orderFrom", set(regular(), "fpgoUuid", "ODR0000000000"),
			[]string{"The order from field is required when fpgo uuid is present."}, true},
	)
	tables["orders/invoice/submit"] = append(common(invoiceSubmit),
		badCase{"private without personal number", set(invoiceSubmit(), "customerDetails.personalNumber", nil),
			[]string{"The customer details.personal number field is required when customer details.type is private."}, true},
		badCase{"private maturity 30", set(invoiceSubmit(), "invoiceMaturity", 30), []string{"The invoice maturity must be one of 10."}, true},
		badCase{"product id longer than 25", set(invoiceSubmit(), "products.0.productId", strings.Repeat("P", 26)),
			[]string{"The products.0.product id must not be greater than 25 characters."}, true},
		badCase{"success url missing", del(invoiceSubmit(), "callback.success"), []string{"The callback.success field is required."}, true},
	)
	tables["hosted/orders/payment-link/create"] = append(common(hosted),
		badCase{"due date missing", del(hosted(), "dueDateForPaymentLink"), []string{"The due date for payment link field is required."}, true},
		badCase{"due date in the past", set(hosted(), "dueDateForPaymentLink", past), []string{"The due date for payment link must be a date after or equal to now."}, true},
		badCase{"checkout language unknown", set(hosted(), "checkoutLanguage", "fr"), []string{"The checkout language must be one of en, no, sv, da, de."}, true},
		badCase{"corporate organization id missing", set(hosted(), "customerDetails.type", "corporate"),
			[]string{"The customer details.organization id field is required when customer details.type is corporate."}, true},
		badCase{"failure url missing", del(hosted(), "callback.failure"), []string{"The callback.failure field is required."}, true},
	)

	// Midnight in Oslo is today; a second before is yesterday (the zone is Oslo's, not UTC).
	now := time.Now().In(oslo)
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, oslo).Unix()
	tables["orders/payment-link/create"] = append(tables["orders/payment-link/create"],
		badCase{"order date a second before midnight in Oslo", set(paymentLink(), "orderDate", strconv.FormatInt(midnight-1, 10)),
			[]string{"The order date must be a date after or equal to today."}, true})

	for path, cases := range tables {
		t.Run(path, func(t *testing.T) {
			for _, c := range cases {
				r := s.Do(t, "POST", api(path), tok, c.body)
				if r.Status != 417 {
					t.Errorf("%s: want 417, got %s", c.name, r)
					continue
				}
				got := r.Errors()
				if c.exact && !reflect.DeepEqual(got, c.want) {
					t.Errorf("%s:\n got  %q\n want %q", c.name, got, c.want)
					continue
				}
				for _, w := range c.want {
					if !contains(got, w) {
						t.Errorf("%s: errors %q lack %q", c.name, got, w)
					}
				}
				if r.Str("message") != "payloadValidationErrors" || r.Str("status_message") != "Client Error" || r.Get("is_error") != true {
					t.Errorf("%s: envelope %s", c.name, r)
				}
				if n := s.total(t, tok); n != 0 {
					t.Fatalf("%s: answered 417 but %d orders exist", c.name, n)
				}
			}
		})
	}
	// Nothing was created by any of them.
	if n := s.total(t, tok); n != 0 {
		t.Fatalf("%d orders exist after validation failures, want 0", n)
	}
	s.create(t, tok, "orders/payment-link/create", set(paymentLink(), "orderDate", strconv.FormatInt(midnight, 10)))

	// A merchant's own VAT rates (--tax-rates).
	vat := s.newMerchant(t, "VAT Shop", "--tax-rates", "0,25,10").Token
	expect417Exact(t, s.Do(t, "POST", api("orders/payment-link/create"), vat, set(paymentLink(), "products.0.tax", "12")),
		"The products.0.tax must be one of 0, 25, 10.")
	s.create(t, vat, "orders/payment-link/create", set(paymentLink(), "products.0.tax", 10))
	if n := s.total(t, tok); n != 1 {
		t.Fatalf("%d orders, want 1", n)
	}
	// And the same payloads, fixed, still work: the table's base payloads are valid.
	for path, base := range map[string]func() map[string]any{
		"orders/payment-link/create": paymentLink, "orders/invoice/create": invoice, "orders/faktura/create": faktura,
		"orders/ehf/create": ehf, "orders/regular/submit": regular, "orders/invoice/submit": invoiceSubmit,
		"hosted/orders/payment-link/create": hosted,
	} {
		s.create(t, tok, path, base())
	}
}

// line51 makes the first product line 1 × 51.00 = 51.00 and the grand total 51.00.
func line51(p map[string]any) map[string]any {
	for k, v := range map[string]any{"quantity": 1, "rate": "51.00", "discount": 0, "amount": "51.00"} {
		set(p, "products.0."+k, v)
	}
	set(p, "orderSummary.grandTotal", "51.00")
	return del(p, "orderSummary.shippingCost")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestBadInputNever5xx: malformed JSON, wrong types, huge bodies, unknown paths, wrong methods and
// bad tokens get a clear 4xx (never a 5xx; the harness fails on any) and change nothing.
func TestBadInputNever5xx(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	tok := s.newMerchant(t, "Fuzz Shop", "--rate-limit", "100000").Token
	uuid, cust := s.create(t, tok, "orders/payment-link/create", paymentLink())
	inv, _ := s.create(t, tok, "orders/invoice/create", invoice())
	snapshot := func() []any {
		return []any{
			s.details(t, tok, uuid).Get("data"), s.details(t, tok, inv).Get("data"),
			s.Do(t, "GET", api("customers/details/"+cust), tok, nil).Get("data"),
		}
	}
	before := snapshot()

	writes := []struct{ method, path string }{
		{"POST", "orders/payment-link/create"}, {"POST", "orders/invoice/create"}, {"POST", "orders/faktura/create"},
		{"POST", "orders/ehf/create"}, {"POST", "orders/regular/submit"}, {"POST", "orders/invoice/submit"},
		{"POST", "hosted/orders/payment-link/create"}, {"POST", "orders/cancel/" + uuid}, {"POST", "orders/resend/" + uuid},
		{"POST", "orders/refund/" + inv}, {"PUT", "customers/update/private/" + cust}, {"PUT", "customers/update/corporate/" + cust},
	}
	t.Run("malformed JSON", func(t *testing.T) {
		for _, w := range writes {
			for _, body := range []string{`{"products":`, `[]`, `"text"`, `{"a":1} trailing`, `{'a':1}`, "\xff\xfe{}", `{"a":01}`, `null`} {
				r := s.Do(t, w.method, api(w.path), tok, body)
				if r.Status != 417 || !reflect.DeepEqual(r.Errors(), []string{"The request body must be valid JSON."}) {
					t.Errorf("%s %s with %q: want 417 [The request body must be valid JSON.], got %s", w.method, w.path, body, r)
				}
			}
		}
	})
	t.Run("wrong types", func(t *testing.T) {
		cases := []struct {
			body map[string]any
			want string
		}{
			{set(paymentLink(), "products", "abc"), "The products must be an array."},
			{set(paymentLink(), "products", 42), "The products must be an array."},
			{set(paymentLink(), "orderSummary", 5), "The order summary must be an object."},
			{set(paymentLink(), "orderSummary", []any{1, 2}), "The order summary must be an object."},
			{set(paymentLink(), "customerDetails.name", 123), "The customer details.name must be a string."},
			{set(paymentLink(), "customerDetails.name", map[string]any{"first": "Kari"}), "The customer details.name must be a string."},
			{set(paymentLink(), "products.0.rate", map[string]any{"x": 1}), "The products.0.rate must be a number."},
			{set(paymentLink(), "products.0.rate", true), "The products.0.rate must be a number."},
			{set(paymentLink(), "products.0.rate", "1e999999"), ""},
			{set(paymentLink(), "products.0.rate", "99999999999999999999999999999999"), "The products.0.rate must not be greater than 1000000000."},
			{set(paymentLink(), "products.0.quantity", "NaN"), "The products.0.quantity must be a number."},
			{set(paymentLink(), "orderDate", true), "The order date is not a valid date."},
			{set(paymentLink(), "orderDate", "-1"), "The order date is not a valid date."},
			{set(paymentLink(), "orderDate", "99999999999999999999"), "The order date is not a valid date."},
			{set(paymentLink(), "customerDetails.email", []any{"a@b.no"}), "The customer details.email must be a valid email address."},
			{set(paymentLink(), "customerDetails", "Kari"), "The customer details must be an object."},
			{set(paymentLink(), "callback", "https://example.com"), "The callback must be an object."},
		}
		for _, c := range cases {
			r := s.Do(t, "POST", api("orders/payment-link/create"), tok, c.body)
			if r.Status != 417 || (c.want != "" && !contains(r.Errors(), c.want)) {
				t.Errorf("want 417 with %q, got %s", c.want, r)
			}
		}
		// Refund and cancel bodies of the wrong shape.
		for _, body := range []map[string]any{
			{"type": "invoiced", "grandTotal": "abc", "products": []any{}},
			{"type": 5, "grandTotal": 1, "products": "x"},
			{"type": "invoiced", "grandTotal": 1, "products": []any{map[string]any{"id": "one", "amount": 1}}},
			{"type": "invoiced", "grandTotal": 1, "products": []any{map[string]any{"id": 1.5, "amount": 1}}},
			{"type": "invoiced", "grandTotal": "-5", "products": []any{map[string]any{"id": 1, "amount": "-5"}}},
			{"type": "invoiced", "grandTotal": 1, "products": []any{map[string]any{"id": "99999999999999999999999", "amount": 1}}},
		} {
			r := s.Do(t, "POST", api("orders/refund/"+inv), tok, body)
			if r.Status != 417 {
				t.Errorf("refund %v: want 417, got %s", body, r)
			}
		}
		for _, body := range []any{map[string]any{"cancellationNote": 5}, map[string]any{"cancellationNote": []any{"x"}}, map[string]any{}} {
			r := s.Do(t, "POST", api("orders/cancel/"+uuid), tok, body)
			if r.Status != 417 {
				t.Errorf("cancel %v: want 417, got %s", body, r)
			}
		}
		// Deeply nested JSON.
		deep := `{"products":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`
		r := s.Do(t, "POST", api("orders/payment-link/create"), tok, deep)
		if r.Status != 417 {
			t.Errorf("deeply nested body: want 417, got %d", r.Status)
		}
		// Odd uuids in paths.
		for _, p := range []string{"orders/details/%27%20OR%201%3D1--", "orders/status/" + strings.Repeat("9", 500), "orders/details/%00",
			"customers/details/%27", "orders/invoice-number/ODR"} {
			r := s.Do(t, "GET", api(p), tok, nil)
			if r.Status != 404 {
				t.Errorf("GET %s: want 404, got %s", p, r)
			}
		}
	})
	t.Run("body over 1 MiB", func(t *testing.T) {
		big := set(paymentLink(), "customerNotes", strings.Repeat("x", 1<<20+10))
		b, _ := json.Marshal(big)
		for _, w := range writes[:3] {
			r, err := s.try(w.method, api(w.path), tok, b)
			if err != nil {
				t.Fatalf("%s: %v", w.path, err)
			}
			if r.Status != 413 {
				t.Errorf("%s: want 413, got %s", w.path, r)
				continue
			}
			expectErr(t, r, 413, "Payload Too Large", "payloadTooLarge")
		}
	})
	t.Run("body of exactly 1 MiB", func(t *testing.T) {
		p := set(paymentLink(), "padding", "")
		base, _ := json.Marshal(p)
		set(p, "padding", strings.Repeat("x", 1<<20-len(base)))
		b, _ := json.Marshal(p)
		if len(b) != 1<<20 {
			t.Fatalf("built %d bytes", len(b))
		}
		r := s.Do(t, "POST", api("orders/payment-link/create"), tok, b)
		expectOK(t, r, 201, "orderAddedSuccessfully", false)
		expectOK(t, s.Do(t, "POST", api("orders/cancel/"+r.Str("data.uuid")), tok, map[string]any{"cancellationNote": "padding"}),
			202, "cancelledOrderSuccessfully", false)
	})
	t.Run("unknown path", func(t *testing.T) {
		expect404(t, s.Do(t, "GET", api("orders/nope"), tok, nil), "routeNotFound")
		expect404(t, s.Do(t, "POST", api("orders/payment-link/create/extra"), tok, paymentLink()), "routeNotFound")
		expect404(t, s.Do(t, "GET", "/nope", "", nil), "routeNotFound")
		expect404(t, s.Do(t, "GET", "/", "", nil), "routeNotFound")
	})
	t.Run("wrong method", func(t *testing.T) {
		for _, c := range []struct{ method, path string }{
			{"GET", "orders/payment-link/create"}, {"DELETE", "orders/status"}, {"PUT", "orders/cancel/" + uuid},
			{"GET", "orders/refund/" + inv}, {"POST", "orders/details/" + uuid}, {"POST", "customers/update/private/" + cust},
			{"PATCH", "customers/details/" + cust},
		} {
			r := s.Do(t, c.method, api(c.path), tok, nil)
			expectErr(t, r, 405, "Method Not Allowed", "methodNotAllowed")
		}
	})
	t.Run("405 names the allowed methods", func(t *testing.T) {
		// RFC 9110 15.5.6: a 405 carries Allow (Laravel/Symfony send it too).
		for path, want := range map[string]string{"orders/payment-link/create": "POST", "orders/status": "GET"} {
			r := s.Do(t, "PATCH", api(path), tok, nil)
			if r.Status != 405 || !strings.Contains(r.Header.Get("Allow"), want) {
				t.Errorf("PATCH %s: %d with Allow %q, want 405 with Allow: %s", path, r.Status, r.Header.Get("Allow"), want)
			}
		}
	})
	t.Run("missing or wrong token", func(t *testing.T) {
		for _, hdr := range [][]string{
			nil, {"Authorization", "Bearer"}, {"Authorization", "Bearer fpgo_wrong"}, {"Authorization", "Basic " + tok},
			{"Authorization", tok}, {"Authorization", "Bearer " + tok + "x"},
		} {
			for _, w := range append(writes, struct{ method, path string }{"GET", "orders/status"}, struct{ method, path string }{"GET", "orders/details/" + uuid}) {
				var body any
				if w.method != "GET" {
					body = paymentLink()
				}
				r := s.Do(t, w.method, api(w.path), "", body, hdr...)
				if r.Status != 401 {
					t.Fatalf("%s %s with %q: want 401, got %s", w.method, w.path, hdr, r)
				}
				expectErr(t, r, 401, "Unauthorized", "unauthenticated")
			}
		}
		// The scheme is case-insensitive.
		r := s.Do(t, "GET", api("orders/status"), "", nil, "Authorization", "bearer "+tok)
		expectOK(t, r, 200, "Order Status Retrieved Successfully", true)
	})
	t.Run("nothing changed", func(t *testing.T) {
		if n := s.total(t, tok); n != 3 {
			t.Fatalf("%d orders, want the 2 created before and the 1 MiB one", n)
		}
		if after := snapshot(); !reflect.DeepEqual(before, after) {
			t.Fatalf("orders or customer changed:\nbefore %v\nafter  %v", before, after)
		}
		if st := s.status(t, tok, uuid); st != "SENT" {
			t.Fatalf("payment link status %s", st)
		}
	})
}

// TestTypeSwapsNever5xx replaces every leaf of the seed payloads, one at a time, with values of
// other types and odd numbers; each answer must be a 2xx or a 4xx, never a 5xx (the harness
// fails on any).
func TestTypeSwapsNever5xx(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	tok := s.newMerchant(t, "Swap Shop", "--rate-limit", "1000000").Token
	inv, cust := s.create(t, tok, "orders/invoice/create", twoLineInvoice())
	line := s.lineIDs(t, tok, inv)[0]
	odd := []any{nil, true, false, json.Number("0"), json.Number("-1"), json.Number("1e309"), json.Number("0.000001"),
		"", " ", "x", "99999999999999999999.99", "-0", []any{}, map[string]any{}, []any{"a", json.Number("1")},
		map[string]any{"0": "a"}, strings.Repeat("é", 300)}
	targets := []struct {
		method, path string
		base         func() map[string]any
	}{
		{"POST", "orders/payment-link/create", paymentLink},
		{"POST", "orders/regular/submit", regular},
		{"POST", "orders/ehf/create", ehf},
		{"POST", "hosted/orders/payment-link/create", hosted},
		{"PUT", "customers/update/private/" + cust, func() map[string]any { return customerUpdate("Kari") }},
		{"POST", "orders/refund/" + inv, func() map[string]any { return refund("invoiced", "1", line, "1") }},
		{"POST", "orders/resend/" + inv, func() map[string]any {
			return map[string]any{"countryCode": "+47", "msisdn": "4656", "email": "a@b.no"}
		}},
	}
	requests := 0
	for _, tg := range targets {
		for _, path := range leaves(tg.base(), "") {
			for _, v := range odd {
				r, err := s.try(tg.method, api(tg.path), tok, set(tg.base(), path, v))
				if err != nil {
					t.Fatalf("%s %s with %s=%v: %v", tg.method, tg.path, path, v, err)
				}
				requests++
				if r.Status >= 500 || r.Status < 200 {
					t.Errorf("%s=%#v: %s", path, v, r)
				}
			}
		}
	}
	t.Logf("%d requests", requests)
}

// leaves lists the dotted paths of every scalar in v.
func leaves(v any, prefix string) []string {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			out = append(out, leaves(e, join(k))...)
		}
	case []any:
		for i, e := range x {
			out = append(out, leaves(e, join(strconv.Itoa(i)))...)
		}
	default:
		out = append(out, prefix)
	}
	return out
}
