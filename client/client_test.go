package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// recorded is one request the fake server saw.
type recorded struct {
	method, path, query string
	header              http.Header
	body                map[string]any
}

// fakeServer answers every request with status and body and records what it got.
func fakeServer(t *testing.T, status int, body string) (*Client, *recorded) {
	t.Helper()
	rec := &recorded{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.method, rec.path, rec.query, rec.header = r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone()
		rec.body = nil
		if b, _ := io.ReadAll(r.Body); len(b) > 0 {
			if err := json.Unmarshal(b, &rec.body); err != nil {
				t.Errorf("request body is not a JSON object: %s", b)
			}
		}
		w.Header().Set("Content-Type", "application/json")
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "7")
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return New(srv.URL+"/", "tok_123", WithHTTPClient(srv.Client())), rec
}

func ok(status int, message, data string) string {
	return `{"status_code":` + itoa(status) + `,"status_message":"OK","message":"` + message + `","is_data":true,"data":` + data + `}`
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func keys(m map[string]any) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	slices.Sort(k)
	return k
}

func sampleProducts() ([]Product, OrderSummary) {
	return []Product{{Name: "Hair Wash", ProductID: "VFDDF", Quantity: "1", Rate: "51", Tax: "0", Amount: "51.00"}},
		OrderSummary{SubTotal: "51.00", TotalTax: "0.00", TotalDiscount: "0.00", GrandTotal: "51.00"}
}

func sampleCustomer() CustomerDetails {
	return CustomerDetails{
		Type: "private", CountryCode: "+47", MSISDN: "46567468", Email: "test@yopmail.com", Name: "Kari Nordmann",
		PreferredLanguage: "en", PersonalNumber: "12345678901",
		Address: &Address{Street: "Luramyrveien 65", Zip: "4313", City: "Sandnes", Country: "NO"},
	}
}

func checkRequest(t *testing.T, rec *recorded, method, path string) {
	t.Helper()
	if rec.method != method || rec.path != path {
		t.Errorf("request = %s %s, want %s %s", rec.method, rec.path, method, path)
	}
	if got := rec.header.Get("Authorization"); got != "Bearer tok_123" {
		t.Errorf("Authorization = %q", got)
	}
	if got := rec.header.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q", got)
	}
	if rec.body != nil && rec.header.Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type = %q", rec.header.Get("Content-Type"))
	}
}

func TestCreateEndpoints(t *testing.T) {
	products, summary := sampleProducts()
	customer := sampleCustomer()
	created := ok(201, "orderAddedSuccessfully", `{"uuid":"ODR3506777330","customerUuid":"CSRT3463048878"}`)
	invoice := InvoiceRequest{
		Products: products, OrderSummary: summary, OrderDate: "1703040812", CustomerDetails: customer,
		InvoiceMaturity: 10, InvoiceFeeApplicable: true, SeparateInvoices: Bool(false),
		Callback: &CallbackURLs{CallbackURL: "https://example.com/callback-url"},
	}
	tests := []struct {
		name     string
		path     string
		call     func(*Client) (*CreatedOrder, error)
		wantKeys []string
	}{
		{"payment link", "/api/v1/connect/orders/payment-link/create", func(c *Client) (*CreatedOrder, error) {
			return c.CreatePaymentLink(context.Background(), PaymentLinkRequest{
				Products: products, OrderSummary: summary, SendOrderBy: &SendOrderBy{SMS: true},
				OrderDate: Timestamp(time.Unix(1703040812, 0)), CustomerDetails: customer,
				InvoiceAsPaymentOption: true, SecureDetails: Bool(true),
				Callback: &CallbackURLs{CallbackURL: "https://example.com/callback-url"},
			})
		}, []string{"callback", "customerDetails", "invoiceAsPaymentOption", "orderDate", "orderSummary", "products", "secureDetails", "sendOrderBy"}},
		{"invoice", "/api/v1/connect/orders/invoice/create", func(c *Client) (*CreatedOrder, error) {
			return c.CreateInvoice(context.Background(), invoice)
		}, []string{"callback", "customerDetails", "invoiceFeeApplicable", "invoiceMaturity", "orderDate", "orderSummary", "products", "separateInvoices"}},
		{"faktura", "/api/v1/connect/orders/faktura/create", func(c *Client) (*CreatedOrder, error) {
			return c.CreateFaktura(context.Background(), invoice)
		}, nil},
		{"ehf", "/api/v1/connect/orders/ehf/create", func(c *Client) (*CreatedOrder, error) {
			return c.CreateEHF(context.Background(), invoice)
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := fakeServer(t, 201, created)
			got, err := tt.call(c)
			if err != nil {
				t.Fatal(err)
			}
			checkRequest(t, rec, http.MethodPost, tt.path)
			if got.UUID != "ODR3506777330" || got.CustomerUUID != "CSRT3463048878" {
				t.Errorf("got %+v", got)
			}
			if tt.wantKeys != nil && !slices.Equal(keys(rec.body), tt.wantKeys) {
				t.Errorf("body keys = %v, want %v", keys(rec.body), tt.wantKeys)
			}
		})
	}

	// Amounts keep their text and go out as JSON numbers; required zero-ish fields stay.
	c, rec := fakeServer(t, 201, created)
	if _, err := c.CreateInvoice(context.Background(), invoice); err != nil {
		t.Fatal(err)
	}
	line := rec.body["products"].([]any)[0].(map[string]any)
	if !reflect.DeepEqual(keys(line), []string{"amount", "name", "productId", "quantity", "rate", "tax"}) {
		t.Errorf("product keys = %v", keys(line))
	}
	if line["amount"] != 51.0 || line["tax"] != 0.0 {
		t.Errorf("product = %v", line)
	}
	if got := rec.body["orderSummary"].(map[string]any); !reflect.DeepEqual(keys(got), []string{"grandTotal", "subTotal", "totalDiscount", "totalTax"}) {
		t.Errorf("orderSummary keys = %v", keys(got))
	}
	cd := rec.body["customerDetails"].(map[string]any)
	if !reflect.DeepEqual(keys(cd), []string{"address", "countryCode", "email", "msisdn", "name", "personalNumber", "preferredLanguage", "type"}) {
		t.Errorf("customerDetails keys = %v", keys(cd))
	}
	if rec.body["separateInvoices"] != false {
		t.Errorf("separateInvoices = %v, want an explicit false", rec.body["separateInvoices"])
	}
}

func TestSubmitEndpoints(t *testing.T) {
	products, summary := sampleProducts()
	customer := sampleCustomer()
	cb := CallbackURLs{CallbackURL: "https://shop.example/cb", Success: "https://shop.example/ok", Failure: "https://shop.example/fail"}

	c, rec := fakeServer(t, 201, ok(201, "Order Submitted Successfully",
		`{"orderUuid":"ODR123456789","customerUuid":"CSRT40567996","paymentUrl":"https://pay.example/x"}`))
	got, err := c.SubmitRegular(context.Background(), RegularSubmitRequest{
		Products: products, OrderSummary: summary, OrderDate: "1754556624", WithCustomer: true,
		CustomerDetails: &customer, SubmitPayment: SubmitPayment{Via: "visa"}, Callback: cb,
		Settings: &Settings{DelayedCharge: Bool(true)},
	})
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, rec, http.MethodPost, "/api/v1/connect/orders/regular/submit")
	if *got != (SubmittedOrder{OrderUUID: "ODR123456789", CustomerUUID: "CSRT40567996", PaymentURL: "https://pay.example/x"}) {
		t.Errorf("got %+v", got)
	}
	if want := []string{"callback", "customerDetails", "orderDate", "orderSummary", "products", "settings", "submitPayment", "withCustomer"}; !slices.Equal(keys(rec.body), want) {
		t.Errorf("body keys = %v, want %v", keys(rec.body), want)
	}
	if !reflect.DeepEqual(rec.body["callback"], map[string]any{"callbackUrl": cb.CallbackURL, "success": cb.Success, "failure": cb.Failure}) {
		t.Errorf("callback = %v", rec.body["callback"])
	}
	if !reflect.DeepEqual(rec.body["submitPayment"], map[string]any{"via": "visa"}) {
		t.Errorf("submitPayment = %v", rec.body["submitPayment"])
	}

	c, rec = fakeServer(t, 201, ok(201, "orderCreatedSuccessfully",
		`{"orderUuid":"ODR4286244937","customerUuid":"CSRT3419523642","bankIdUrl":"https://bankid.example/auth"}`))
	inv, err := c.SubmitInvoice(context.Background(), InvoiceSubmitRequest{
		Products: products, OrderSummary: summary, OrderDate: "1755150488", CustomerDetails: customer,
		InvoiceFeeApplicable: true, InvoiceMaturity: 10, OrderFrom: "PARTNER", FPGOUUID: "ODR4286244937", Callback: cb,
	})
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, rec, http.MethodPost, "/api/v1/connect/orders/invoice/submit")
	if inv.OrderUUID != "ODR4286244937" || inv.BankIDURL != "https://bankid.example/auth" {
		t.Errorf("got %+v", inv)
	}
	if rec.body["orderFrom"] != "PARTNER" || rec.body["fpgoUuid"] != "ODR4286244937" {
		t.Errorf("body = %v", rec.body)
	}

	c, rec = fakeServer(t, 201, ok(201, "Payment Link Created Successfully",
		`{"orderUuid":"ODR344175661","customerUuid":"CSRT197366289","paymentUrl":"https://demo.frontpayment.no/order/hosted/ODR344175661/checkout"}`))
	hosted, err := c.CreateHostedPaymentLink(context.Background(), HostedPaymentLinkRequest{
		Products: products, OrderSummary: summary, OrderDate: "1756278578", DueDateForPaymentLink: "1756278578",
		CustomerDetails: customer, CheckoutLanguage: "en", ReferencesNo: "R1", CustomerNotes: "n", Callback: cb,
	})
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, rec, http.MethodPost, "/api/v1/connect/hosted/orders/payment-link/create")
	if hosted.PaymentURL != "https://demo.frontpayment.no/order/hosted/ODR344175661/checkout" {
		t.Errorf("got %+v", hosted)
	}
	if want := []string{"callback", "checkoutLanguage", "customerDetails", "customerNotes", "dueDateForPaymentLink", "orderDate", "orderSummary", "products", "referencesNo"}; !slices.Equal(keys(rec.body), want) {
		t.Errorf("body keys = %v, want %v", keys(rec.body), want)
	}
}

func TestOrderActions(t *testing.T) {
	tests := []struct {
		name, method, path string
		status             int
		body               map[string]any
		call               func(*Client) error
	}{
		{"resend", "POST", "/api/v1/connect/orders/resend/ODR1", 202, map[string]any{"countryCode": "+47", "msisdn": "46567468", "email": "a@b.no"},
			func(c *Client) error {
				return c.Resend(context.Background(), "ODR1", ResendRequest{CountryCode: "+47", MSISDN: "46567468", Email: "a@b.no"})
			}},
		{"cancel", "POST", "/api/v1/connect/orders/cancel/ODR1", 202, map[string]any{"cancellationNote": "out of stock"},
			func(c *Client) error { return c.Cancel(context.Background(), "ODR1", "out of stock") }},
		{"refund", "POST", "/api/v1/connect/orders/refund/ODR1", 202,
			map[string]any{"type": "regular", "grandTotal": 10.0, "products": []any{map[string]any{"id": 5410.0, "amount": 10.5}}},
			func(c *Client) error {
				return c.Refund(context.Background(), "ODR1", RefundRequest{Type: "regular", GrandTotal: "10", Products: []RefundProduct{{ID: "5410", Amount: "10.50"}}})
			}},
		{"delayed charge", "POST", "/api/v1/connect/orders/delayed/charge/ODR1", 200, nil,
			func(c *Client) error { return c.DelayedCharge(context.Background(), "ODR1") }},
		{"update private", "PUT", "/api/v1/connect/customers/update/private/CSRT1", 202,
			map[string]any{"name": "Kari", "preferredLanguage": "en", "msisdn": "1", "email": "k@n.no", "countryCode": "+47",
				"addresses": map[string]any{"billing": map[string]any{"street": "S", "zip": "4313", "city": "Sandnes", "country": "NO"}}},
			func(c *Client) error {
				return c.UpdatePrivateCustomer(context.Background(), "CSRT1", PrivateCustomerUpdate{
					Name: "Kari", PreferredLanguage: "en", MSISDN: "1", Email: "k@n.no", CountryCode: "+47",
					Addresses: CustomerAddressesUpdate{Billing: Address{Street: "S", Zip: "4313", City: "Sandnes", Country: "NO"}},
				})
			}},
		{"update corporate", "PUT", "/api/v1/connect/customers/update/corporate/CSRT2", 202,
			map[string]any{"name": "AS", "organizationId": "192933933", "preferredLanguage": "no", "msisdn": "1", "email": "a@s.no", "countryCode": "+47",
				"addresses": map[string]any{
					"billing":  map[string]any{"street": "S", "zip": "4313", "city": "Sandnes", "country": "NO"},
					"shipping": map[string]any{"street": "T", "zip": "0150", "city": "Oslo", "country": "NO"},
				},
				"additionalContact": []any{map[string]any{"name": "Tomas", "designation": "CEO"}}},
			func(c *Client) error {
				return c.UpdateCorporateCustomer(context.Background(), "CSRT2", CorporateCustomerUpdate{
					Name: "AS", OrganizationID: "192933933", PreferredLanguage: "no", MSISDN: "1", Email: "a@s.no", CountryCode: "+47",
					Addresses: CustomerAddressesUpdate{
						Billing:  Address{Street: "S", Zip: "4313", City: "Sandnes", Country: "NO"},
						Shipping: &Address{Street: "T", Zip: "0150", City: "Oslo", Country: "NO"},
					},
					AdditionalContact: []AdditionalContact{{Name: "Tomas", Designation: "CEO"}},
				})
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := fakeServer(t, tt.status, `{"status_code":`+itoa(tt.status)+`,"status_message":"OK","message":"done","is_data":false,"data":null}`)
			if err := tt.call(c); err != nil {
				t.Fatal(err)
			}
			checkRequest(t, rec, tt.method, tt.path)
			if !reflect.DeepEqual(rec.body, tt.body) {
				t.Errorf("body = %#v\nwant %#v", rec.body, tt.body)
			}
		})
	}
}

func TestQueries(t *testing.T) {
	c, rec := fakeServer(t, 200, `{"status_code":200,"status_message":"OK","message":"Order Status Retrieved Successfully","is_data":true,
		"data":[{"uuid":"ODR1","status":"PAID"},{"uuid":"ODR2","status":"PARTIALLY REFUNDED"}],
		"metaData":{"total":51,"perPage":50,"currentPage":2,"lastPage":2},
		"links":{"previous":"http://x/api/v1/connect/orders/status?page=1","next":null}}`)
	list, err := c.OrderStatuses(context.Background(), "partially refunded", 2)
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, rec, http.MethodGet, "/api/v1/connect/orders/status")
	if rec.query != "page=2&type=partially+refunded" {
		t.Errorf("query = %q", rec.query)
	}
	want := &OrderStatusList{
		Orders:   []OrderStatusItem{{"ODR1", "PAID"}, {"ODR2", "PARTIALLY REFUNDED"}},
		MetaData: &MetaData{Total: 51, PerPage: 50, CurrentPage: 2, LastPage: 2},
		Links:    &Links{Previous: "http://x/api/v1/connect/orders/status?page=1"},
	}
	if !reflect.DeepEqual(list, want) {
		t.Errorf("got %+v", list)
	}

	// The real FPGO sends a bare list; an empty one is a list, not nil.
	c, rec = fakeServer(t, 200, ok(200, "Order Status Retrieved Successfully", `[]`))
	list, err = c.OrderStatuses(context.Background(), "", 0)
	if err != nil || list.Orders == nil || len(list.Orders) != 0 || list.MetaData != nil {
		t.Fatalf("got %+v, %v", list, err)
	}
	if rec.query != "" {
		t.Errorf("query = %q", rec.query)
	}

	c, rec = fakeServer(t, 200, ok(200, "Order Status Retrieved Successfully", `{"uuid":"ODR1","status":"PAID","orderAmount":40,"refundedAmount":"10.50"}`))
	st, err := c.OrderStatus(context.Background(), "ODR1")
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, rec, http.MethodGet, "/api/v1/connect/orders/status/ODR1")
	if *st != (OrderStatus{UUID: "ODR1", Status: "PAID", OrderAmount: "40", RefundedAmount: "10.50"}) {
		t.Errorf("got %+v", st)
	}

	c, rec = fakeServer(t, 200, ok(200, "orderRetrievedSuccessfully", `{
		"type":"regular","orderUuid":"ODR1","invoiceNumber":null,"status":"PAID","orderDate":"07.11.2023","paymentLinkDueDate":"21.01.2024 04:00",
		"productList":[{"id":5410,"name":"Test Product","productId":"1234","quantity":"1","rate":4500,"discount":0,"tax":12,"amount":4500.00}],
		"orderSummary":{"subTotal":4017.86,"tax":482.14,"discount":0,"grandTotal":4500,"refundedAmount":0},
		"customerDetails":{"type":"private","uuid":"CSRT1","countryCode":"+47","msisdn":"46567468","email":"kari@nordmann.no","name":"Kari Nordmann",
		  "preferredLanguage":"en","personalNumber":"04*******85","organizationId":null,
		  "address":{"street":"Luramyrveien 65","zip":"4313","city":"Sandnes","country":"NO"}}}`))
	order, err := c.OrderDetails(context.Background(), "ODR1")
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, rec, http.MethodGet, "/api/v1/connect/orders/details/ODR1")
	if order.OrderUUID != "ODR1" || order.ProductList[0].ID != "5410" || order.ProductList[0].Amount != "4500.00" ||
		order.OrderSummary.SubTotal != "4017.86" || order.CustomerDetails.CustomerUUID != "CSRT1" ||
		order.CustomerDetails.Address.City != "Sandnes" || order.PaymentLinkDueDate != "21.01.2024 04:00" {
		t.Errorf("got %+v", order)
	}

	c, rec = fakeServer(t, 200, ok(200, "orderInvoiceNoRetrievedSuccessfully", `{"orderUuid":"ODR2005869234","invoiceNumber":"99900753","status":"REFUNDED"}`))
	inv, err := c.InvoiceNumber(context.Background(), "ODR2005869234")
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, rec, http.MethodGet, "/api/v1/connect/orders/invoice-number/ODR2005869234")
	if *inv != (InvoiceNumber{OrderUUID: "ODR2005869234", InvoiceNumber: "99900753", Status: "REFUNDED"}) {
		t.Errorf("got %+v", inv)
	}

	c, rec = fakeServer(t, 200, ok(200, "customerDetailsRetrievedSuccessfully", `{
		"uuid":"CSRT1511414842","type":"Private","name":"Kari Nordmann","countryCode":"+47","msisdn":"00000000",
		"organizationId":null,"personalNumber":null,"email":"test@gmail.com","preferredLanguage":null,"status":"Active",
		"addresses":{"billing":{"uuid":"ADRS2208147269","street":"Luramyrveien 65","zip":"4313","city":"Sandnes","country":"NO"},
		             "shipping":{"uuid":"ADRS1016062549","street":"Sjøhusbakken 42","zip":"4313","city":"Stavanger","country":"NO"}}}`))
	cust, err := c.CustomerDetails(context.Background(), "CSRT1511414842")
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, rec, http.MethodGet, "/api/v1/connect/customers/details/CSRT1511414842")
	if cust.UUID != "CSRT1511414842" || cust.Status != "Active" || cust.Addresses.Billing.UUID != "ADRS2208147269" ||
		cust.Addresses.Shipping.Street != "Sjøhusbakken 42" {
		t.Errorf("got %+v", cust)
	}
}

func TestAPIErrors(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		body       string
		wantMsg    string
		wantErrors []string
		wantText   string
	}{
		{"404 data shape", 404, `{"status_code":404,"status_message":"Not Found","message":"orderNotFound","is_data":false,"data":null}`,
			"orderNotFound", nil, "fpgo: 404 Not Found: orderNotFound"},
		{"404 errors shape", 404, `{"status_code":404,"status_message":"Not Found","message":"orderNotFound","is_error":false,"errors":null}`,
			"orderNotFound", nil, "fpgo: 404 Not Found: orderNotFound"},
		{"417", 417, `{"status_code":417,"status_message":"Client Error","message":"payloadValidationErrors","is_error":true,
			"errors":["The products.0.name field is required.","The customer details.email must be a valid email address."]}`,
			"payloadValidationErrors", []string{"The products.0.name field is required.", "The customer details.email must be a valid email address."},
			"fpgo: 417 Client Error: payloadValidationErrors: The products.0.name field is required.; The customer details.email must be a valid email address."},
		{"400", 400, `{"status_code":400,"status_message":"Conflict of Business Logic","message":"orderStatusAlreadyPaid","is_error":false,"errors":null}`,
			"orderStatusAlreadyPaid", nil, "fpgo: 400 Conflict of Business Logic: orderStatusAlreadyPaid"},
		{"500 object errors", 500, `{"status_code":500,"status_message":"Internal Dependency Error","message":"internalErrorOccurredPleaseTryAgainLater","is_error":true,"errors":{"happenedAt":"x"}}`,
			"internalErrorOccurredPleaseTryAgainLater", nil, "fpgo: 500 Internal Dependency Error: internalErrorOccurredPleaseTryAgainLater"},
		{"510 string errors", 510, `{"status_code":510,"status_message":"Execution Exception Occurred","message":"somethingWentWrong","is_error":true,"errors":"Array"}`,
			"somethingWentWrong", []string{"Array"}, "fpgo: 510 Execution Exception Occurred: somethingWentWrong: Array"},
		{"429", 429, `{"status_code":429,"status_message":"Too Many Requests","message":"tooManyRequests","is_error":true,"errors":[]}`,
			"tooManyRequests", []string{}, "fpgo: 429 Too Many Requests: tooManyRequests"},
		{"not an envelope", 502, `<html>bad gateway</html>`, "", nil, "fpgo: 502 Bad Gateway"},
		{"error envelope with HTTP 200", 200, `{"status_code":401,"status_message":"Unauthorized","message":"unauthenticated","is_error":true,"errors":[]}`,
			"unauthenticated", []string{}, "fpgo: 401 Unauthorized: unauthenticated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := fakeServer(t, tt.status, tt.body)
			_, err := c.OrderDetails(context.Background(), "ODR404")
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v (%T), want *APIError", err, err)
			}
			wantStatus := tt.status
			if tt.status == 200 {
				wantStatus = 401
			}
			if apiErr.StatusCode != wantStatus || apiErr.Message != tt.wantMsg || !reflect.DeepEqual(apiErr.Errors, tt.wantErrors) {
				t.Errorf("got %+v", apiErr)
			}
			if apiErr.Error() != tt.wantText {
				t.Errorf("Error() = %q, want %q", apiErr.Error(), tt.wantText)
			}
			if tt.status == 429 && apiErr.RetryAfter != 7*time.Second {
				t.Errorf("RetryAfter = %v", apiErr.RetryAfter)
			}
		})
	}

	// Do hands back the envelope alongside the error.
	c, _ := fakeServer(t, 404, `{"status_code":404,"status_message":"Not Found","message":"orderNotFound","is_data":false,"data":null}`)
	env, err := c.Do(context.Background(), http.MethodGet, "orders/details/ODR404", nil, nil)
	if env == nil || env.Message != "orderNotFound" || err == nil {
		t.Fatalf("Do = %+v, %v", env, err)
	}
}

func TestIdempotencyKeyAndPaths(t *testing.T) {
	c, rec := fakeServer(t, 202, ok(202, "cancelledOrderSuccessfully", "null"))
	ctx := WithIdempotencyKey(context.Background(), "key-1")
	if err := c.Cancel(ctx, "ODR1", "x"); err != nil {
		t.Fatal(err)
	}
	if got := rec.header.Get("Idempotency-Key"); got != "key-1" {
		t.Errorf("Idempotency-Key = %q", got)
	}
	if err := c.Cancel(context.Background(), "ODR1", "x"); err != nil {
		t.Fatal(err)
	}
	if got := rec.header.Get("Idempotency-Key"); got != "" {
		t.Errorf("Idempotency-Key without the context key = %q", got)
	}
	if _, err := c.OrderStatus(ctx, "ODR1"); err != nil {
		t.Fatal(err)
	}
	if got := rec.header.Get("Idempotency-Key"); got != "" {
		t.Errorf("GET carries Idempotency-Key %q", got)
	}

	// UUIDs are path-escaped; an empty one never reaches the server.
	if _, err := c.OrderStatus(ctx, "ODR1/../x"); err != nil {
		t.Fatal(err)
	}
	if rec.path != "/api/v1/connect/orders/status/ODR1%2F..%2Fx" {
		t.Errorf("path = %q", rec.path)
	}
	rec.path = ""
	if err := c.Cancel(ctx, "", "x"); err == nil || rec.path != "" {
		t.Errorf("empty uuid: err = %v, path = %q", err, rec.path)
	}

	// Documented double-slash paths survive; /api/ paths are taken from the root.
	if _, err := c.Do(ctx, http.MethodPost, "/credit/check/private", map[string]string{}, nil); err != nil {
		t.Fatal(err)
	}
	if rec.path != "/api/v1/connect/credit/check/private" {
		t.Errorf("path = %q", rec.path)
	}
	if _, err := c.Do(ctx, http.MethodPost, "//credit/check/private", nil, nil); err != nil {
		t.Fatal(err)
	}
	if rec.path != "/api/v1/connect//credit/check/private" {
		t.Errorf("path = %q", rec.path)
	}
	if _, err := c.Do(ctx, http.MethodPost, "/api/v1/orders/refund/request/approval/ODR1", nil, nil); err != nil {
		t.Fatal(err)
	}
	if rec.path != "/api/v1/orders/refund/request/approval/ODR1" {
		t.Errorf("path = %q", rec.path)
	}
}

func TestNewBaseURL(t *testing.T) {
	for _, base := range []string{"http://h:8080", "http://h:8080/", "http://h:8080/api/v1/connect", "http://h:8080/api/v1/connect/"} {
		if got := New(base, "").endpoint("orders/status"); got != "http://h:8080/api/v1/connect/orders/status" {
			t.Errorf("New(%q) endpoint = %q", base, got)
		}
	}
}

func TestNumber(t *testing.T) {
	var v struct {
		A, B, C, D Number
	}
	if err := json.Unmarshal([]byte(`{"A":51.00,"B":"51.00","C":null,"D":-0.5e1}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != "51.00" || v.B != "51.00" || v.C != "" || v.D != "-0.5e1" {
		t.Fatalf("got %+v", v)
	}
	if err := json.Unmarshal([]byte(`{"A":true}`), &v); err == nil {
		t.Fatal("bool accepted as a number")
	}
	out, err := json.Marshal(struct {
		A, B Number
		C    Number `json:",omitempty"`
		D    Number
	}{"51.00", "12,5", "", ""})
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"A":51.00,"B":"12,5","D":null}` {
		t.Fatalf("Marshal = %s", out)
	}
	if f, err := Number("4017.86").Float64(); err != nil || f != 4017.86 {
		t.Fatalf("Float64 = %v, %v", f, err)
	}
	if !strings.HasPrefix(Timestamp(time.Unix(1703040812, 999)), "1703040812") {
		t.Fatal("Timestamp")
	}
}
