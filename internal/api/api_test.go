package api

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/app"
	"github.com/fpgo/fpgo/internal/apperr"
	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/money"
	"github.com/fpgo/fpgo/internal/store/sqlstore"
	"github.com/fpgo/fpgo/internal/validate"
)

func TestErrorKindToStatus(t *testing.T) {
	cases := map[apperr.Kind]int{
		apperr.KindValidation: 417, apperr.KindNotFound: 404, apperr.KindConflict: 400, apperr.KindUnauthorized: 401,
		apperr.KindRateLimited: 429, apperr.KindDependency: 500, apperr.KindInternal: 510, apperr.KindTooLarge: 413,
		apperr.KindMethodNotAllowed: 405, apperr.KindIdempotency: 422, apperr.KindBusy: 409,
	}
	for k, want := range cases {
		if got := httpStatus(k); got != want {
			t.Errorf("kind %d -> %d, want %d", k, got, want)
		}
		if statusMessages[want] == "" {
			t.Errorf("no status_message for %d", want)
		}
	}
}

func TestLimiterFixedWindow(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(func() time.Time { return now })
	for i := 1; i <= 3; i++ {
		ok, rem, _ := l.take("org", 3)
		if !ok || rem != 3-i {
			t.Fatalf("request %d: ok=%v remaining=%d", i, ok, rem)
		}
	}
	ok, rem, retry := l.take("org", 3)
	if ok || rem != 0 || retry != time.Minute {
		t.Fatalf("4th request: ok=%v remaining=%d retry=%v", ok, rem, retry)
	}
	if ok, _, _ := l.take("other", 3); !ok {
		t.Fatal("limits must be per key")
	}
	now = now.Add(61 * time.Second)
	if ok, rem, _ := l.take("org", 3); !ok || rem != 2 {
		t.Fatalf("new window: ok=%v remaining=%d", ok, rem)
	}
}

func TestParseStatusFilter(t *testing.T) {
	for in, want := range map[string]domain.Status{
		"": "", "paid": domain.StatusPaid, "Paid": domain.StatusPaid, "PARTIALLY REFUNDED": domain.StatusPartiallyRefunded,
		"partially_refunded": domain.StatusPartiallyRefunded, "partially-refunded": domain.StatusPartiallyRefunded, " sent ": domain.StatusSent,
	} {
		got, ok := parseStatusFilter(in)
		if !ok || got != want {
			t.Errorf("parseStatusFilter(%q) = %q, %v", in, got, ok)
		}
	}
	if _, ok := parseStatusFilter("shipped"); ok {
		t.Error("unknown status accepted")
	}
}

// The lenient forms real clients send all land on the same exact values.
func TestOrderInputLenientForms(t *testing.T) {
	body := `{"products":{"1":{"name":"B","quantity":"2","rate":"10.50","discount":"1","tax":"25","amount":"20.00"},
	  "0":{"name":"A","productId":123,"quantity":1,"rate":51,"tax":0,"amount":51}},
	  "orderSummary":{"subTotal":"51.00","totalTax":"0.00","totalDiscount":"0","grandTotal":"71.00","shippingCost":null},
	  "orderDate":"1677047770.652","dueDateForPaymentLink":"5 Dec, 2023","sendOrderBy":{"sms":"1","email":0},
	  "customerDetails":{"type":"corporate","name":"AS","organizationId":192933933,"address":{"street":"s","zip":4313,"city":"c","country":"NO"}},
	  "invoiceAsPaymentOption":"true","callback":{"callbackUrl":"https://x.example/cb?a=1"}}`
	tree, err := validate.Decode([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	in, err := orderInput(tree, paymentLinkSpec)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Lines) != 2 || in.Lines[0].Name != "A" || in.Lines[0].ProductID != "123" || in.Lines[1].Rate != 10_50 ||
		in.Lines[1].Quantity != 2*money.OneUnit || in.Lines[1].Tax != 2500 || in.Lines[1].Discount != 1_00 {
		t.Fatalf("lines = %+v", in.Lines)
	}
	if in.Summary.GrandTotal != 71_00 || in.Summary.ShippingCost != 0 {
		t.Fatalf("summary = %+v", in.Summary)
	}
	if in.OrderDate.Unix() != 1677047770 {
		t.Fatalf("orderDate = %v", in.OrderDate)
	}
	wantDue := time.Date(2023, 12, 5, 23, 59, 59, 0, clock.Oslo)
	if in.DueDate == nil || !in.DueDate.Equal(wantDue) {
		t.Fatalf("a due day lasts to its end: %v, want %v", in.DueDate, wantDue)
	}
	if !in.SendBySMS || in.SendByEmail || !in.InvoiceAsPaymentOption {
		t.Fatalf("booleans: %+v", in)
	}
	if in.Customer == nil || in.Customer.OrganizationID != "192933933" || in.Customer.Address.Zip != "4313" || in.Customer.PreferredLanguage != "no" {
		t.Fatalf("customer = %+v", in.Customer)
	}
}

type harness struct {
	srv   *Server
	token string
}

func newHarness(t *testing.T, rateLimit int) *harness {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := app.New(db, clock.Real{}, nil, "http://fpgo.test", true)
	s := domain.DefaultMerchantSettings()
	s.RateLimit = rateLimit
	creds, err := a.CreateMerchant(context.Background(), app.NewMerchant{Name: "T", Settings: s})
	if err != nil {
		t.Fatal(err)
	}
	return &harness{srv: New(a, a.Log), token: creds.Token}
}

func (h *harness) do(method, path, body string, hdr ...string) (*httptest.ResponseRecorder, map[string]any) {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+h.token)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.srv.ServeHTTP(rec, req)
	var env map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &env)
	return rec, env
}

func TestMiddlewarePaths(t *testing.T) {
	h := newHarness(t, 100)
	cases := []struct {
		name, method, path, body string
		hdr                      []string
		status                   int
		message                  string
	}{
		{"no token", "GET", "/api/v1/connect/orders/status", "", []string{"Authorization", ""}, 401, "unauthenticated"},
		{"wrong token", "GET", "/api/v1/connect/orders/status", "", []string{"Authorization", "Bearer nope"}, 401, "unauthenticated"},
		{"basic auth", "GET", "/api/v1/connect/orders/status", "", []string{"Authorization", "Basic abc"}, 401, "unauthenticated"},
		{"unknown path", "GET", "/api/v1/connect/nope", "", nil, 404, "routeNotFound"},
		{"wrong method", "PUT", "/api/v1/connect/orders/status", "", nil, 405, "methodNotAllowed"},
		{"double slash", "GET", "/api/v1/connect//orders/status", "", nil, 200, "Order Status Retrieved Successfully"},
		{"malformed json", "POST", "/api/v1/connect/orders/cancel/ODR1", "{", nil, 417, "payloadValidationErrors"},
		{"too large", "POST", "/api/v1/connect/orders/cancel/ODR1", `{"x":"` + strings.Repeat("a", MaxBody) + `"}`, nil, 413, "payloadTooLarge"},
		{"long idempotency key", "POST", "/api/v1/connect/orders/cancel/ODR1", "{}", []string{"Idempotency-Key", strings.Repeat("k", 256)}, 417, "payloadValidationErrors"},
		{"bad page", "GET", "/api/v1/connect/orders/status?page=0", "", nil, 417, "payloadValidationErrors"},
		{"bad type", "GET", "/api/v1/connect/orders/status?type=shipped", "", nil, 417, "payloadValidationErrors"},
		{"healthz", "GET", "/healthz", "", nil, 200, ""},
		{"readyz", "GET", "/readyz", "", nil, 200, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec, env := h.do(c.method, c.path, c.body, c.hdr...)
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.status, rec.Body.String())
			}
			if c.message != "" && env["message"] != c.message {
				t.Fatalf("message %v, want %s", env["message"], c.message)
			}
			if c.message != "" && env["status_code"] != float64(c.status) {
				t.Fatalf("status_code %v must equal the HTTP status", env["status_code"])
			}
			if rec.Header().Get("X-Request-Id") == "" {
				t.Fatal("no X-Request-Id")
			}
		})
	}
}

func TestNotFoundEnvelopeIsExactlyFPGOs(t *testing.T) {
	h := newHarness(t, 100)
	rec, _ := h.do("GET", "/api/v1/connect/orders/details/ODR0000000000", "")
	want := `{"status_code":404,"status_message":"Not Found","message":"orderNotFound","is_data":false,"data":null}`
	if rec.Code != 404 || rec.Body.String() != want {
		t.Fatalf("got %d %s", rec.Code, rec.Body.String())
	}
}

func TestRateLimitHeadersAnd429(t *testing.T) {
	h := newHarness(t, 2)
	for i, want := range []string{"1", "0"} {
		rec, _ := h.do("GET", "/api/v1/connect/orders/status", "")
		if rec.Code != 200 || rec.Header().Get("X-RateLimit-Limit") != "2" || rec.Header().Get("X-RateLimit-Remaining") != want {
			t.Fatalf("request %d: %d limit=%s remaining=%s", i, rec.Code, rec.Header().Get("X-RateLimit-Limit"), rec.Header().Get("X-RateLimit-Remaining"))
		}
	}
	rec, env := h.do("GET", "/api/v1/connect/orders/status", "")
	if rec.Code != 429 || env["message"] != "tooManyRequests" || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("third request: %d %v retry-after=%q", rec.Code, env, rec.Header().Get("Retry-After"))
	}
}
