package checkout_test

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
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/api"
	"github.com/fpgo/fpgo/internal/app"
	"github.com/fpgo/fpgo/internal/checkout"
	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/provider"
	"github.com/fpgo/fpgo/internal/provider/sandbox"
	"github.com/fpgo/fpgo/internal/sandboxapi"
	"github.com/fpgo/fpgo/internal/store/sqlstore"
)

// env is a sandbox fpgo on a test server: the API, the checkout pages, the sandbox providers'
// pages and the sandbox API, wired as `fpgo serve` wires them.
type env struct {
	srv   *httptest.Server
	app   *app.App
	co    *app.Checkout
	token string
	dbDir string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlstore.Open(context.Background(), filepath.Join(dir, "checkout.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var handler http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	a := app.New(db, clock.NewTest(clock.Real{}), nil, srv.URL, true)
	w := sandbox.Wallet{PagePath: checkout.SandboxWalletPath}
	co := app.NewCheckout(a, app.Providers{
		Cards:   sandbox.Cards{},
		Wallets: map[string]provider.WalletProvider{"vipps": w, "applepay": w, "googlepay": w},
		BankID:  sandbox.BankID{PagePath: checkout.SandboxBankIDPath},
		Credit:  sandbox.CreditBureau{},
	})
	opts := []api.Option{api.Mount(checkout.New(co, checkout.Config{Sandbox: true}).Routes)}
	handler = api.New(a, slog.New(slog.DiscardHandler), append(opts, sandboxapi.Options(co, false)...)...)
	creds, err := a.CreateMerchant(context.Background(), app.NewMerchant{Name: "Fjord Sykkel AS", OrgNumber: "912345678", Settings: domain.DefaultMerchantSettings()})
	if err != nil {
		t.Fatal(err)
	}
	return &env{srv: srv, app: a, co: co, token: creds.Token, dbDir: dir}
}

// api calls the JSON API as the merchant and returns the status and decoded envelope.
func (e *env) api(t *testing.T, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var env map[string]any
	_ = json.NewDecoder(res.Body).Decode(&env)
	return res.StatusCode, env
}

type order map[string]any

// orderBody is a valid order for every create endpoint: two lines at 12 % and 25 % VAT.
func orderBody(lang string) order {
	now := time.Now().Unix()
	return order{
		"products": []any{
			map[string]any{"name": "Sykkelhjelm", "productId": "H1", "quantity": "1", "rate": 1200, "discount": 0, "tax": "25", "amount": 1200},
			map[string]any{"name": "Sykkellykt", "productId": "L2", "quantity": "2", "rate": 150, "discount": 20, "tax": "12", "amount": 280},
		},
		"orderSummary":          map[string]any{"subTotal": "1210", "totalTax": "270", "totalDiscount": "20", "grandTotal": "1480"},
		"orderDate":             now,
		"dueDateForPaymentLink": now + 3600,
		"checkoutLanguage":      lang,
		"customerDetails": map[string]any{"type": "private", "countryCode": "+47", "msisdn": "46567468", "email": "kari@example.no",
			"name": "Kari Nordmann", "preferredLanguage": lang, "personalNumber": "28038712383",
			"address": map[string]any{"street": "Luramyrveien 65", "zip": "4313", "city": "Sandnes", "country": "NO"}},
		"invoiceAsPaymentOption": true,
		"invoiceFeeApplicable":   true,
		"withCustomer":           true,
		"callback": map[string]any{"callbackUrl": "http://127.0.0.1:9/callback", "success": "https://shop.example/success?order=42",
			"failure": "https://shop.example/failure?order=42"},
	}
}

func (o order) with(path string, v any) order {
	parts := strings.Split(path, ".")
	m := map[string]any(o)
	for _, p := range parts[:len(parts)-1] {
		m = m[p].(map[string]any)
	}
	if v == nil {
		delete(m, parts[len(parts)-1])
	} else {
		m[parts[len(parts)-1]] = v
	}
	return o
}

// create posts an order and returns the response data.
func (e *env) create(t *testing.T, endpoint string, body order) map[string]any {
	t.Helper()
	status, res := e.api(t, "POST", "/api/v1/connect/"+endpoint, body)
	if status != 201 {
		t.Fatalf("create %s: %d %v", endpoint, status, res)
	}
	return res["data"].(map[string]any)
}

func (e *env) status(t *testing.T, uuid string) string {
	t.Helper()
	o, err := e.app.Order(context.Background(), orgOf(t, e), uuid)
	if err != nil {
		t.Fatal(err)
	}
	return string(o.Status)
}

func orgOf(t *testing.T, e *env) string {
	m, err := e.app.Authenticate(context.Background(), e.token)
	if err != nil {
		t.Fatal(err)
	}
	return m.ID
}

// browser is a cookie-keeping HTTP client that does not follow redirects, so tests see them.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
	last string // body of the last page, for its CSRF token
}

func (e *env) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: e.srv.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	status int
	header http.Header
	body   string
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	p := page{status: res.StatusCode, header: res.Header, body: string(body)}
	if strings.Contains(p.body, `name="csrf"`) {
		b.last = p.body
	}
	return p
}

func (b *browser) abs(path string) string {
	if strings.HasPrefix(path, "http") {
		return path
	}
	return b.base + path
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.abs(path), nil)
	return b.do(req)
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// post submits a form like the browser would, with the CSRF token of the last page.
func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if m := csrfRe.FindStringSubmatch(b.last); m != nil && form.Get("csrf") == "" {
		form.Set("csrf", m[1])
	}
	req, _ := http.NewRequest("POST", b.abs(path), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

// follow GETs redirects until a page.
func (b *browser) follow(p page) page {
	b.t.Helper()
	for i := 0; i < 10 && p.status >= 300 && p.status < 400; i++ {
		p = b.get(p.header.Get("Location"))
	}
	return p
}

func must(t *testing.T, p page, status int, contains ...string) {
	t.Helper()
	if p.status != status {
		t.Fatalf("status %d, want %d\n%s", p.status, status, p.body)
	}
	for _, c := range contains {
		if !strings.Contains(p.body, c) {
			t.Fatalf("page lacks %q\n%s", c, p.body)
		}
	}
}

func redirect(t *testing.T, p page, prefix string) string {
	t.Helper()
	loc := p.header.Get("Location")
	if p.status != http.StatusSeeOther || !strings.HasPrefix(loc, prefix) {
		t.Fatalf("got %d → %q, want 303 → %s…\n%s", p.status, loc, prefix, p.body)
	}
	return loc
}

func path(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	return p.RequestURI()
}
