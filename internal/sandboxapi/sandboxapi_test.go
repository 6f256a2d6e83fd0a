package sandboxapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/api"
	"github.com/fpgo/fpgo/internal/app"
	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/provider"
	"github.com/fpgo/fpgo/internal/provider/sandbox"
	"github.com/fpgo/fpgo/internal/sandboxapi"
	"github.com/fpgo/fpgo/internal/store/sqlstore"
)

type env struct {
	srv          *httptest.Server
	token, other string
}

func newEnv(t *testing.T, sandboxMode bool) *env {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := app.New(db, clock.NewTest(clock.Real{}), nil, "http://fpgo.test", sandboxMode)
	w := sandbox.Wallet{PagePath: "/sandbox/pages/wallet"}
	co := app.NewCheckout(a, app.Providers{Cards: sandbox.Cards{}, Wallets: map[string]provider.WalletProvider{"vipps": w, "applepay": w, "googlepay": w},
		BankID: sandbox.BankID{PagePath: "/sandbox/pages/bankid"}, Credit: sandbox.CreditBureau{}})
	var opts []api.Option
	if sandboxMode {
		opts = sandboxapi.Options(co, false)
	}
	srv := httptest.NewServer(api.New(a, slog.New(slog.DiscardHandler), opts...))
	t.Cleanup(srv.Close)
	e := &env{srv: srv}
	for i, name := range []string{"Shop A", "Shop B"} {
		creds, err := a.CreateMerchant(context.Background(), app.NewMerchant{Name: name, Settings: domain.DefaultMerchantSettings()})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			e.token = creds.Token
		} else {
			e.other = creds.Token
		}
	}
	return e
}

func (e *env) call(t *testing.T, token, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if s, ok := body.(string); ok {
		rd = strings.NewReader(s)
	} else if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: not JSON: %v", method, path, err)
	}
	if int(out["status_code"].(float64)) != res.StatusCode {
		t.Fatalf("status_code %v differs from HTTP %d", out["status_code"], res.StatusCode)
	}
	return res.StatusCode, out
}

func (e *env) order(t *testing.T, extra map[string]any) string {
	t.Helper()
	now := time.Now().Unix()
	body := map[string]any{
		"products":     []any{map[string]any{"name": "Hair Wash", "quantity": "1", "rate": 51, "discount": 0, "tax": "0", "amount": 51}},
		"orderSummary": map[string]any{"subTotal": "51.00", "totalTax": "0.00", "totalDiscount": "0.00", "grandTotal": "51.00"},
		"orderDate":    now, "dueDateForPaymentLink": now + 600,
		"customerDetails": map[string]any{"type": "private", "countryCode": "+47", "msisdn": "46567468", "email": "kari@example.no", "name": "Kari Nordmann",
			"personalNumber": "12345678901", "address": map[string]any{"street": "Luramyrveien 65", "zip": "4313", "city": "Sandnes", "country": "NO"}},
		"invoiceAsPaymentOption": true,
		"sendOrderBy":            map[string]any{"sms": true, "email": true},
		"callback":               map[string]any{"callbackUrl": "http://127.0.0.1:9/cb"},
	}
	for k, v := range extra {
		body[k] = v
	}
	status, res := e.call(t, e.token, "POST", "/api/v1/connect/orders/payment-link/create", body)
	if status != 201 {
		t.Fatalf("create: %d %v", status, res)
	}
	return res["data"].(map[string]any)["uuid"].(string)
}

func TestPayFailAndAttempts(t *testing.T) {
	e := newEnv(t, true)
	uuid := e.order(t, nil)
	status, res := e.call(t, e.token, "POST", "/sandbox/v1/orders/"+uuid+"/fail", map[string]any{"method": "visa", "reason": "do_not_honor"})
	if status != 200 || res["message"] != "sandboxPaymentFailed" || res["data"].(map[string]any)["status"] != "SENT" {
		t.Fatalf("fail: %d %v", status, res)
	}
	status, res = e.call(t, e.token, "POST", "/sandbox/v1/orders/"+uuid+"/pay", map[string]any{"method": "bitcoin"})
	if status != 417 || !strings.Contains(strings.Join(toStrings(res["errors"]), " "), "The method must be one of") {
		t.Fatalf("bad method: %d %v", status, res)
	}
	status, res = e.call(t, e.token, "POST", "/sandbox/v1/orders/"+uuid+"/pay", "{")
	if status != 417 {
		t.Fatalf("bad JSON: %d %v", status, res)
	}
	status, res = e.call(t, e.other, "POST", "/sandbox/v1/orders/"+uuid+"/pay", map[string]any{"method": "visa"})
	if status != 404 || res["message"] != "orderNotFound" {
		t.Fatalf("other merchant: %d %v", status, res)
	}
	status, res = e.call(t, e.token, "POST", "/sandbox/v1/orders/"+uuid+"/pay", map[string]any{"method": "visa"})
	data, _ := res["data"].(map[string]any)
	if status != 200 || res["message"] != "sandboxPaymentCompleted" || data["status"] != "PAID" || res["is_data"] != true {
		t.Fatalf("pay: %d %v", status, res)
	}
	status, res = e.call(t, e.token, "POST", "/sandbox/v1/orders/"+uuid+"/pay", map[string]any{"method": "visa"})
	if status != 400 || res["message"] != "orderStatusAlreadyPaid" {
		t.Fatalf("pay twice: %d %v", status, res)
	}
	status, res = e.call(t, e.token, "GET", "/sandbox/v1/orders/"+uuid+"/attempts", nil)
	list := res["data"].([]any)
	if status != 200 || len(list) != 2 || list[0].(map[string]any)["reason"] != "do_not_honor" || list[1].(map[string]any)["cardLast4"] != "4242" {
		t.Fatalf("attempts: %d %v", status, res)
	}
	status, res = e.call(t, e.token, "GET", "/api/v1/connect/orders/status/"+uuid, nil)
	if status != 200 || !strings.Contains(jsonOf(res), "PAID") {
		t.Fatalf("order status via the API: %d %v", status, res)
	}
	inv := e.order(t, nil)
	if status, res := e.call(t, e.token, "POST", "/sandbox/v1/orders/"+inv+"/pay", map[string]any{"method": "invoice"}); status != 200 || res["data"].(map[string]any)["status"] != "INVOICED" {
		t.Fatalf("invoice: %d %v", status, res)
	}
	low := e.order(t, map[string]any{"customerDetails": map[string]any{"type": "private", "countryCode": "+47", "msisdn": "46567468", "name": "Low Score",
		"personalNumber": "00000000100", "address": map[string]any{"street": "A 1", "zip": "4313", "city": "Sandnes", "country": "NO"}}})
	if status, res := e.call(t, e.token, "POST", "/sandbox/v1/orders/"+low+"/pay", map[string]any{"method": "invoice"}); status != 400 || res["message"] != "creditCheckRefused" {
		t.Fatalf("low score invoice: %d %v", status, res)
	}
}

func TestAuthIsRequired(t *testing.T) {
	e := newEnv(t, true)
	for _, p := range []string{"/sandbox/v1/clock", "/sandbox/v1/messages"} {
		if status, res := e.call(t, "", "GET", p, nil); status != 401 || res["message"] != "unauthenticated" {
			t.Fatalf("%s: %d %v", p, status, res)
		}
	}
}

func TestClockAdvanceExpiresLinks(t *testing.T) {
	e := newEnv(t, true)
	uuid := e.order(t, nil)
	_, res := e.call(t, e.token, "GET", "/sandbox/v1/clock", nil)
	before := res["data"].(map[string]any)
	if before["offsetSeconds"].(float64) != 0 || before["now"] == "" {
		t.Fatalf("clock %v", before)
	}
	for _, bad := range []any{map[string]any{}, map[string]any{"seconds": -1}, map[string]any{"seconds": "1.5"}, map[string]any{"seconds": 1e12}} {
		if status, _ := e.call(t, e.token, "POST", "/sandbox/v1/clock/advance", bad); status != 417 {
			t.Fatalf("advance %v: %d", bad, status)
		}
	}
	status, res := e.call(t, e.token, "POST", "/sandbox/v1/clock/advance", map[string]any{"seconds": "3600"})
	after := res["data"].(map[string]any)
	if status != 200 || res["message"] != "sandboxClockAdvanced" || after["offsetSeconds"].(float64) != 3600 || after["unix"].(float64)-before["unix"].(float64) < 3600 {
		t.Fatalf("advance: %d %v", status, res)
	}
	_, res = e.call(t, e.token, "GET", "/api/v1/connect/orders/status/"+uuid, nil)
	if !strings.Contains(jsonOf(res), "EXPIRED") {
		t.Fatalf("after an hour the 10-minute link is %v", res)
	}
	if status, res := e.call(t, e.token, "POST", "/sandbox/v1/orders/"+uuid+"/pay", map[string]any{"method": "vipps"}); status != 400 || res["message"] != "orderStatusAlreadyExpired" {
		t.Fatalf("pay expired: %d %v", status, res)
	}
}

func TestMessagesJSONAndPage(t *testing.T) {
	e := newEnv(t, true)
	uuid := e.order(t, nil)
	if status, _ := e.call(t, e.token, "POST", "/api/v1/connect/orders/resend/"+uuid, map[string]any{"email": "other@example.no"}); status != 202 {
		t.Fatalf("resend: %d", status)
	}
	_, res := e.call(t, e.token, "GET", "/sandbox/v1/messages", nil)
	if list := res["data"].([]any); len(list) != 3 || !strings.Contains(jsonOf(list), "/checkout/"+uuid) {
		t.Fatalf("messages %v", res)
	}
	_, res = e.call(t, e.token, "GET", "/sandbox/v1/messages?to=other@example.no", nil)
	if list := res["data"].([]any); len(list) != 1 || list[0].(map[string]any)["channel"] != "email" {
		t.Fatalf("filtered %v", res)
	}
	_, res = e.call(t, e.other, "GET", "/sandbox/v1/messages", nil)
	if list := res["data"].([]any); len(list) != 0 {
		t.Fatalf("another merchant sees %v", list)
	}

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	get := func() string {
		res, err := c.Get(e.srv.URL + "/sandbox/outbox")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.Header.Get("X-Frame-Options") != "DENY" {
			t.Fatal("outbox page without frame protection")
		}
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	if p := get(); !strings.Contains(p, "Paste your bearer token") {
		t.Fatalf("login form missing: %s", p)
	}
	post := func(token string) {
		req, _ := http.NewRequest("POST", e.srv.URL+"/sandbox/outbox/login", strings.NewReader(url.Values{"token": {token}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	post("fpgo_wrong")
	if p := get(); !strings.Contains(p, "not valid") && !strings.Contains(p, "Paste your bearer token") {
		t.Fatalf("wrong token: %s", p)
	}
	post(e.token)
	p := get()
	if !strings.Contains(p, "Shop A") || !strings.Contains(p, "other@example.no") || !strings.Contains(p, "/checkout/"+uuid) || !strings.Contains(p, "Open link") {
		t.Fatalf("outbox page: %s", p)
	}
}

func TestOffOutsideSandbox(t *testing.T) {
	e := newEnv(t, false)
	for _, p := range []string{"/sandbox/v1/clock", "/sandbox/v1/messages", "/sandbox/outbox"} {
		if status, res := e.call(t, e.token, "GET", p, nil); status != 404 || res["message"] != "routeNotFound" {
			t.Fatalf("%s in production: %d %v", p, status, res)
		}
	}
}

func toStrings(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, x := range l {
			out = append(out, x.(string))
		}
	}
	return out
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
