package checkout_test

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestOverviewShowsOrderInCustomersLanguage(t *testing.T) {
	e := newEnv(t)
	d := e.create(t, "hosted/orders/payment-link/create", orderBody("en"))
	url := d["paymentUrl"].(string)
	if !strings.HasSuffix(url, "/order/hosted/"+d["orderUuid"].(string)+"/checkout") {
		t.Fatalf("paymentUrl %s", url)
	}
	b := e.browser(t)
	p := b.get(url)
	must(t, p, 200, "Fjord Sykkel AS", "Sykkelhjelm", "Sykkellykt", "NOK 1,480.00", "VAT 25 %", "NOK 240.00", "VAT 12 %", "NOK 30.00",
		"Total excl. VAT", "NOK 1,210.00", "Choose how to pay", `id="method-vipps"`, `id="method-applepay"`, `id="method-googlepay"`,
		`id="method-visa"`, `id="method-mastercard"`, `id="method-invoice"`, `lang="en"`)

	no := e.create(t, "hosted/orders/payment-link/create", orderBody("no"))
	must(t, b.get(no["paymentUrl"].(string)), 200, "Velg betalingsmåte", "1 480,00 NOK", "MVA 25 %", "Betal med faktura", `lang="nb"`)
	// No language at all: Norwegian, as FPGO defaults.
	none := e.create(t, "hosted/orders/payment-link/create", orderBody("").with("checkoutLanguage", nil).with("customerDetails.preferredLanguage", nil))
	must(t, b.get(none["paymentUrl"].(string)), 200, "Velg betalingsmåte")
	for lang, text := range map[string]string{"sv": "Välj betalsätt", "da": "Vælg betalingsmetode", "de": "Zahlungsart wählen"} {
		d := e.create(t, "hosted/orders/payment-link/create", orderBody(lang))
		must(t, b.get(d["paymentUrl"].(string)), 200, text)
	}
}

func TestSecurityHeadersAndNoExternalAssets(t *testing.T) {
	e := newEnv(t)
	d := e.create(t, "hosted/orders/payment-link/create", orderBody("en"))
	b := e.browser(t)
	p := b.get(d["paymentUrl"].(string))
	must(t, p, 200)
	csp := p.header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "form-action 'self'", "style-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "script-src") || strings.Contains(p.body, "<script") {
		t.Error("pages must not run scripts")
	}
	for h, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"} {
		if got := p.header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	for _, m := range regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(p.body, -1) {
		if strings.Contains(m[1], "://") || strings.HasPrefix(m[1], "//") {
			t.Errorf("page loads or links an external resource: %s", m[1])
		}
	}
	css := b.get("/checkout/assets/style.css")
	must(t, css, 200, "max-width")
	if css.header.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Errorf("css content type %q", css.header.Get("Content-Type"))
	}
	cookie := p.header.Get("Set-Cookie")
	if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") {
		t.Errorf("session cookie %q", cookie)
	}
}

func TestFormsRefuseCrossSiteAndMissingToken(t *testing.T) {
	e := newEnv(t)
	d := e.create(t, "hosted/orders/payment-link/create", orderBody("en"))
	uuid := d["orderUuid"].(string)
	b := e.browser(t)
	must(t, b.get("/checkout/"+uuid+"/pay/visa"), 200)
	card := url.Values{"number": {"4242424242424242"}, "expiry": {"12/35"}, "cvc": {"123"}}
	// No token.
	must(t, b.post("/checkout/"+uuid+"/pay/visa", url.Values{"csrf": {"forged"}, "number": card["number"], "expiry": card["expiry"], "cvc": card["cvc"]}), 403, "Skjemaet er utløpt")
	// Another site posting with the right cookie: the browser says cross-site.
	m := csrfRe.FindStringSubmatch(b.last)
	form := url.Values{"csrf": {m[1]}, "number": card["number"], "expiry": card["expiry"], "cvc": card["cvc"]}
	req, _ := http.NewRequest("POST", e.srv.URL+"/checkout/"+uuid+"/pay/visa", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	if p := b.do(req); p.status != 403 {
		t.Fatalf("cross-site post: %d", p.status)
	}
	if s := e.status(t, uuid); s != "SENT" {
		t.Fatalf("a refused form changed the order: %s", s)
	}
	redirect(t, b.post("/checkout/"+uuid+"/pay/visa", card), "/checkout/"+uuid+"/success")
}

func TestCardDeclinedThenPaid(t *testing.T) {
	e := newEnv(t)
	d := e.create(t, "hosted/orders/payment-link/create", orderBody("en"))
	uuid := d["orderUuid"].(string)
	b := e.browser(t)
	must(t, b.get("/checkout/"+uuid+"/pay/visa"), 200, "Pay by card", "Pay NOK 1,480.00", "4242 4242 4242 4242")
	p := b.post("/checkout/"+uuid+"/pay/visa", url.Values{"number": {"4242 4242 4242 4241"}, "expiry": {"01/20"}, "cvc": {"1"}})
	must(t, p, 422, "Enter a valid card number.", "This card has expired.", "Enter the 3 digits")
	if strings.Contains(p.body, "4242 4242 4242 4241") {
		t.Fatal("the card number was echoed back")
	}
	p = b.post("/checkout/"+uuid+"/pay/visa", url.Values{"number": {"4000 0000 0000 0002"}, "expiry": {"12/35"}, "cvc": {"123"}})
	must(t, p, 402, "Your card was declined")
	p = b.post("/checkout/"+uuid+"/pay/visa", url.Values{"number": {"4000000000009995"}, "expiry": {"12/35"}, "cvc": {"123"}})
	must(t, p, 402, "insufficient funds")
	p = b.post("/checkout/"+uuid+"/pay/visa", url.Values{"number": {"4000000000000119"}, "expiry": {"12/35"}, "cvc": {"123"}})
	must(t, p, 503, "Temporarily unavailable")
	p = b.post("/checkout/"+uuid+"/pay/visa", url.Values{"number": {"4242424242424242"}, "expiry": {"12/35"}, "cvc": {"123"}})
	succ := b.get(redirect(t, p, "/checkout/"+uuid+"/success"))
	must(t, succ, 200, "Thank you!", "has been received", `href="https://shop.example/success?order=42"`, "Back To Site")
	if got := succ.header.Get("Refresh"); got != "5; url=https://shop.example/success?order=42" {
		t.Fatalf("Refresh = %q", got)
	}
	if s := e.status(t, uuid); s != "PAID" {
		t.Fatalf("status %s", s)
	}
	// Paying again in the same (or another) tab goes to the success page and charges nothing.
	redirect(t, b.post("/checkout/"+uuid+"/pay/visa", url.Values{"number": {"4242424242424242"}, "expiry": {"12/35"}, "cvc": {"123"}}), "/checkout/"+uuid+"/success")
	redirect(t, b.get("/checkout/"+uuid), "/checkout/"+uuid+"/success")
	_, res := e.api(t, "GET", "/sandbox/v1/orders/"+uuid+"/attempts", nil)
	attempts := res["data"].([]any)
	if len(attempts) != 4 {
		t.Fatalf("attempts %v", attempts)
	}
	// Neither the database nor its write-ahead log holds a card number or CVC.
	files, _ := filepath.Glob(filepath.Join(e.dbDir, "checkout.db*"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, secret := range []string{"4242424242424242", "4000000000000002", "4000000000009995"} {
			if bytes.Contains(b, []byte(secret)) {
				t.Fatalf("%s holds card number %s", filepath.Base(f), secret)
			}
		}
	}
}

func TestRegularSubmitGoesStraightToTheMethod(t *testing.T) {
	e := newEnv(t)
	d := e.create(t, "orders/regular/submit", orderBody("en").with("submitPayment", map[string]any{"via": "mastercard"}))
	u := d["paymentUrl"].(string)
	if !strings.HasSuffix(u, "/pay/mastercard") {
		t.Fatalf("paymentUrl %s", u)
	}
	b := e.browser(t)
	must(t, b.get(u), 200, "Card number")
	d = e.create(t, "orders/regular/submit", orderBody("en").with("submitPayment", map[string]any{"via": "vipps"}))
	uuid := d["orderUuid"].(string)
	must(t, b.get(d["paymentUrl"].(string)), 200, "Continue to Vipps")
	loc := redirect(t, b.post("/checkout/"+uuid+"/pay/vipps", nil), "/sandbox/pages/wallet?")
	wallet := b.get(loc)
	must(t, wallet, 200, "Approve", "Decline", "NOK 1,480.00", "Fjord Sykkel AS")
	action := regexp.MustCompile(`action="([^"]+)"`).FindStringSubmatch(wallet.body)[1]
	state := regexp.MustCompile(`name="state" value="([^"]*)"`).FindStringSubmatch(wallet.body)[1]
	// Decline first: the failure page offers another try and the merchant's failure URL.
	fail := b.follow(b.post(action, url.Values{"decision": {"decline"}, "state": {state}}))
	must(t, fail, 200, "Payment not completed", `href="https://shop.example/failure?order=42"`, "Try again")
	loc = redirect(t, b.post("/checkout/"+uuid+"/pay/vipps", nil), "/sandbox/pages/wallet?")
	wallet = b.get(loc)
	action = regexp.MustCompile(`action="([^"]+)"`).FindStringSubmatch(wallet.body)[1]
	must(t, b.follow(b.post(action, url.Values{"decision": {"approve"}})), 200, "Thank you!")
	if s := e.status(t, uuid); s != "PAID" {
		t.Fatalf("status %s", s)
	}
}

func TestSandboxPagesOnlyPostBackToCheckout(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t)
	must(t, b.get("/sandbox/pages/wallet?method=vipps&return="+url.QueryEscape("https://evil.example/steal")), 400)
	must(t, b.get("/sandbox/pages/bankid?return="+url.QueryEscape("javascript:alert(1)")), 400)
	must(t, b.get("/sandbox/pages/bankid?return="+url.QueryEscape("/checkout/ODR1/bankid/return")), 200, "BankID")
}

func bankID(t *testing.T, b *browser, loc, pn string) page {
	t.Helper()
	p := b.get(loc)
	must(t, p, 200, "BankID", "11")
	action := regexp.MustCompile(`action="([^"]+)"`).FindStringSubmatch(p.body)[1]
	state := regexp.MustCompile(`name="state" value="([^"]*)"`).FindStringSubmatch(p.body)[1]
	return b.post(action, url.Values{"personalNumber": {pn}, "state": {state}})
}

func TestPrivateInvoiceThroughBankIDAndSigning(t *testing.T) {
	e := newEnv(t)
	d := e.create(t, "orders/invoice/submit", orderBody("en"))
	uuid := d["orderUuid"].(string)
	bankIDURL := d["bankIdUrl"].(string)
	b := e.browser(t)
	loc := redirect(t, b.get(bankIDURL), "/sandbox/pages/bankid?")
	// Another person's BankID is refused.
	must(t, bankID(t, b, loc, "12345678901"), 403, "not the customer")
	loc = redirect(t, b.get(bankIDURL), "/sandbox/pages/bankid?")
	agreement := b.get(redirect(t, bankID(t, b, loc, "28038712383"), "/checkout/"+uuid+"/invoice"))
	must(t, agreement, 200, "Invoice agreement", "28*******83", "I agree to pay NOK 1,480.00 to Fjord Sykkel AS", "Sign the agreement")
	if strings.Contains(agreement.body, "28038712383") {
		t.Fatal("the personal number is shown unmasked")
	}
	succ := b.get(redirect(t, b.post("/checkout/"+uuid+"/invoice", nil), "/checkout/"+uuid+"/success"))
	must(t, succ, 200, "has been invoiced", "Invoice number", `id="kid"`, "Back To Site")
	if s := e.status(t, uuid); s != "INVOICED" {
		t.Fatalf("status %s", s)
	}
	// Another browser that has not passed BankID cannot sign anything.
	other := e.browser(t)
	d2 := e.create(t, "orders/invoice/submit", orderBody("en"))
	// A card page of another order gives this browser a form token; it is per browser, not per order.
	h := e.create(t, "hosted/orders/payment-link/create", orderBody("en"))
	must(t, other.get("/checkout/"+h["orderUuid"].(string)+"/pay/visa"), 200)
	redirect(t, other.post("/checkout/"+d2["orderUuid"].(string)+"/invoice", nil), "/checkout/"+d2["orderUuid"].(string)+"/bankid")
}

func TestLowCreditScoreIsRefusedClearly(t *testing.T) {
	e := newEnv(t)
	d := e.create(t, "hosted/orders/payment-link/create", orderBody("en").with("customerDetails.personalNumber", "00000000200"))
	uuid := d["orderUuid"].(string)
	b := e.browser(t)
	loc := redirect(t, b.get("/checkout/"+uuid+"/invoice"), "/checkout/"+uuid+"/bankid")
	loc = redirect(t, b.get(loc), "/sandbox/pages/bankid?")
	p := b.follow(bankID(t, b, loc, "00000000200"))
	must(t, p, 200, "Invoice not available", "cannot offer you payment by invoice", "Choose another payment method", `href="https://shop.example/failure?order=42"`)
	if s := e.status(t, uuid); s != "SENT" {
		t.Fatalf("status %s", s)
	}
	must(t, b.post("/checkout/"+uuid+"/invoice", nil), 200, "Invoice not available")
	if s := e.status(t, uuid); s != "SENT" {
		t.Fatalf("status after a refused sign %s", s)
	}
}

func TestCorporateInvoiceOnConfirm(t *testing.T) {
	e := newEnv(t)
	body := orderBody("en").with("customerDetails.type", "corporate").with("customerDetails.organizationId", "912345678").with("customerDetails.personalNumber", nil)
	d := e.create(t, "hosted/orders/payment-link/create", body)
	uuid := d["orderUuid"].(string)
	b := e.browser(t)
	p := b.get("/checkout/" + uuid + "/invoice")
	must(t, p, 200, "The invoice is sent to Kari Nordmann, organization number 912345678.", "Pay Now")
	must(t, b.follow(b.post("/checkout/"+uuid+"/invoice", nil)), 200, "has been invoiced", "Invoice number")
	if s := e.status(t, uuid); s != "INVOICED" {
		t.Fatalf("status %s", s)
	}
}

func TestSecureDetailsHiddenUntilBankID(t *testing.T) {
	e := newEnv(t)
	d := e.create(t, "orders/payment-link/create", orderBody("en").with("secureDetails", true).with("dueDateForPaymentLink", nil))
	uuid := d["uuid"].(string)
	b := e.browser(t)
	p := b.get("/checkout/" + uuid)
	must(t, p, 200, "Protected order", "Identify with BankID")
	if strings.Contains(p.body, "Sykkelhjelm") || strings.Contains(p.body, "1,480") {
		t.Fatal("secure order details shown before BankID")
	}
	redirect(t, b.get("/checkout/"+uuid+"/pay/visa"), "/checkout/"+uuid)
	loc := redirect(t, b.get("/checkout/"+uuid+"/bankid?for=view"), "/sandbox/pages/bankid?")
	p = b.follow(bankID(t, b, loc, "28038712383"))
	must(t, p, 200, "Sykkelhjelm", "NOK 1,480.00", `id="method-invoice"`)
	// The verification belongs to this browser only.
	must(t, e.browser(t).get("/checkout/"+uuid), 200, "Protected order")
}

func TestExpiredCancelledAndUnknown(t *testing.T) {
	e := newEnv(t)
	d := e.create(t, "hosted/orders/payment-link/create", orderBody("en"))
	uuid := d["orderUuid"].(string)
	b := e.browser(t)
	must(t, b.get("/checkout/"+uuid+"/pay/visa"), 200)
	if status, res := e.api(t, "POST", "/sandbox/v1/clock/advance", map[string]any{"seconds": 7200}); status != 200 {
		t.Fatalf("advance: %d %v", status, res)
	}
	p := b.post("/checkout/"+uuid+"/pay/visa", url.Values{"number": {"4242424242424242"}, "expiry": {"12/35"}, "cvc": {"123"}})
	must(t, p, 410, "This payment link has expired", "Fjord Sykkel AS")
	must(t, b.get("/checkout/"+uuid), 410, "This payment link has expired")
	if s := e.status(t, uuid); s != "EXPIRED" {
		t.Fatalf("status %s", s)
	}
	// Dated on the advanced clock: two hours on, "today" may already be tomorrow in Oslo.
	c := e.create(t, "orders/payment-link/create", orderBody("no").with("dueDateForPaymentLink", nil).with("orderDate", time.Now().Unix()+7200))
	if status, _ := e.api(t, "POST", "/api/v1/connect/orders/cancel/"+c["uuid"].(string), map[string]any{"cancellationNote": "x"}); status != 202 {
		t.Fatal("cancel")
	}
	must(t, b.get("/checkout/"+c["uuid"].(string)), 410, "Denne ordren er kansellert")
	must(t, b.get("/checkout/ODR0000000000"), 404, "Fant ikke ordren")
	req, _ := http.NewRequest("GET", e.srv.URL+"/checkout/ODR0000000000", nil)
	req.Header.Set("Accept-Language", "de-DE,de;q=0.9")
	must(t, b.do(req), 404, "Bestellung nicht gefunden")
}
