package checkout_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The browser tests drive the real pages in Debian's headless Chromium on a phone-sized
// viewport, with no network beyond this machine, and save a screenshot of each flow's final
// page in $FPGO_ARTIFACTS_DIR (default: artifacts/ at the repository root).

const chromiumPath = "/usr/bin/chromium"

func chrome(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skip("browser tests skipped: /usr/bin/chromium not found")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// Nothing but this machine resolves: the pages must need nothing from outside.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(390, 844),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		html, _ := chromedp.Run(ctx, chromedp.OuterHTML("body"))
		t.Fatalf("browser: %v\nat %s\n%s", err, loc, html)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func artifactsDir(t *testing.T) string {
	if d := os.Getenv("FPGO_ARTIFACTS_DIR"); d != "" {
		return d
	}
	dir, _ := os.Getwd()
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "artifacts")
		}
	}
	return filepath.Join(dir, "artifacts")
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	dir := artifactsDir(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "checkout-"+name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
}

// shop is the merchant's site the customer returns to.
func shop(t *testing.T) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><meta name="viewport" content="width=device-width"><h1 id="shop">Fjord Sykkel: %s</h1><p id="query">%s</p>`, r.URL.Path, r.URL.RawQuery)
	}))
	t.Cleanup(s.Close)
	return s
}

func withShop(o order, s *httptest.Server) order {
	return o.with("callback", map[string]any{"callbackUrl": "http://127.0.0.1:9/callback", "success": s.URL + "/success?order=42", "failure": s.URL + "/failure?order=42"})
}

func fillCard(number string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible("#number"),
		chromedp.SendKeys("#number", number),
		chromedp.SendKeys("#expiry", "12/"+fmt.Sprint(time.Now().Year()%100+3)),
		chromedp.SendKeys("#cvc", "123"),
		chromedp.Click("#pay"),
	)
}

func TestBrowserVisaToMerchantSuccessURL(t *testing.T) {
	ctx := chrome(t)
	e, s := newEnv(t), shop(t)
	d := e.create(t, "hosted/orders/payment-link/create", withShop(orderBody("en"), s))
	do(t, ctx, chromedp.Navigate(d["paymentUrl"].(string)), chromedp.WaitVisible("#method-visa"))
	if got := text(t, ctx, "#total"); got != "NOK 1,480.00" {
		t.Fatalf("total %q", got)
	}
	do(t, ctx, chromedp.Click("#method-visa"), fillCard("4242 4242 4242 4242"), chromedp.WaitVisible("#success"))
	if !strings.Contains(text(t, ctx, "#result"), "has been received") {
		t.Fatal("no payment confirmation")
	}
	screenshot(t, ctx, "visa-success")
	do(t, ctx, chromedp.Click("#back"), chromedp.WaitVisible("#shop"))
	if loc := location(t, ctx); loc != s.URL+"/success?order=42" {
		t.Fatalf("back to %s", loc)
	}
	if st := e.status(t, d["orderUuid"].(string)); st != "PAID" {
		t.Fatalf("status %s", st)
	}
}

func TestBrowserDeclinedCardThenGoodCard(t *testing.T) {
	ctx := chrome(t)
	e, s := newEnv(t), shop(t)
	d := e.create(t, "orders/regular/submit", withShop(orderBody("en"), s).with("submitPayment", map[string]any{"via": "visa"}))
	do(t, ctx, chromedp.Navigate(d["paymentUrl"].(string)), fillCard("4000 0000 0000 0002"), chromedp.WaitVisible("#decline"))
	if !strings.Contains(text(t, ctx, "#decline"), "declined") {
		t.Fatal("no decline message")
	}
	screenshot(t, ctx, "card-declined")
	if st := e.status(t, d["orderUuid"].(string)); st != "SENT" {
		t.Fatalf("status after decline %s", st)
	}
	do(t, ctx, fillCard("5555 5555 5555 4444"), chromedp.WaitVisible("#success"))
	screenshot(t, ctx, "card-declined-then-paid")
	if st := e.status(t, d["orderUuid"].(string)); st != "PAID" {
		t.Fatalf("status %s", st)
	}
}

func TestBrowserVippsApproveAndAutomaticReturn(t *testing.T) {
	ctx := chrome(t)
	e, s := newEnv(t), shop(t)
	d := e.create(t, "hosted/orders/payment-link/create", withShop(orderBody("en"), s))
	do(t, ctx, chromedp.Navigate(d["paymentUrl"].(string)), chromedp.Click("#method-vipps"), chromedp.Click("#continue"), chromedp.WaitVisible("#approve"))
	screenshot(t, ctx, "vipps-sandbox-approval")
	do(t, ctx, chromedp.Click("#approve"), chromedp.WaitVisible("#success"))
	screenshot(t, ctx, "vipps-success")
	start := time.Now()
	// No click: the success page returns the customer to the shop by itself after 5 seconds.
	do(t, ctx, chromedp.WaitVisible("#shop"))
	if waited := time.Since(start); waited < 3*time.Second {
		t.Fatalf("returned after %v, before the 5-second delay", waited)
	}
	if loc := location(t, ctx); loc != s.URL+"/success?order=42" {
		t.Fatalf("returned to %s", loc)
	}
	if st := e.status(t, d["orderUuid"].(string)); st != "PAID" {
		t.Fatalf("status %s", st)
	}
}

func TestBrowserPrivateInvoiceThroughBankIDAndSigning(t *testing.T) {
	ctx := chrome(t)
	e, s := newEnv(t), shop(t)
	d := e.create(t, "orders/invoice/submit", withShop(orderBody("en"), s))
	do(t, ctx, chromedp.Navigate(d["bankIdUrl"].(string)), chromedp.WaitVisible("#personalNumber"),
		chromedp.SendKeys("#personalNumber", "28038712383"))
	screenshot(t, ctx, "invoice-bankid")
	do(t, ctx, chromedp.Click("#identify"), chromedp.WaitVisible("#sign"))
	if got := text(t, ctx, "#identified"); !strings.Contains(got, "28*******83") {
		t.Fatalf("identified as %q", got)
	}
	screenshot(t, ctx, "invoice-agreement")
	do(t, ctx, chromedp.Click("#sign"), chromedp.WaitVisible("#kid"))
	if text(t, ctx, "#invoice-number") == "" || len(text(t, ctx, "#kid")) < 2 {
		t.Fatal("no invoice number or KID")
	}
	screenshot(t, ctx, "invoice-private-success")
	if st := e.status(t, d["orderUuid"].(string)); st != "INVOICED" {
		t.Fatalf("status %s", st)
	}
}

func TestBrowserCorporateInvoice(t *testing.T) {
	ctx := chrome(t)
	e, s := newEnv(t), shop(t)
	body := withShop(orderBody("en"), s).with("customerDetails.type", "corporate").with("customerDetails.name", "Bergen Bygg AS").
		with("customerDetails.organizationId", "912345678").with("customerDetails.personalNumber", nil)
	d := e.create(t, "hosted/orders/payment-link/create", body)
	do(t, ctx, chromedp.Navigate(d["paymentUrl"].(string)), chromedp.Click("#method-invoice"), chromedp.WaitVisible("#sign"))
	screenshot(t, ctx, "invoice-corporate-confirm")
	do(t, ctx, chromedp.Click("#sign"), chromedp.WaitVisible("#kid"))
	screenshot(t, ctx, "invoice-corporate-success")
	if st := e.status(t, d["orderUuid"].(string)); st != "INVOICED" {
		t.Fatalf("status %s", st)
	}
}

func TestBrowserNorwegianPage(t *testing.T) {
	ctx := chrome(t)
	e, s := newEnv(t), shop(t)
	d := e.create(t, "hosted/orders/payment-link/create", withShop(orderBody("no"), s))
	do(t, ctx, chromedp.Navigate(d["paymentUrl"].(string)), chromedp.WaitVisible("#lines"))
	if got := text(t, ctx, "h2"); got != "Velg betalingsmåte" {
		t.Fatalf("heading %q", got)
	}
	if got := text(t, ctx, "#total"); got != "1 480,00 NOK" {
		t.Fatalf("total %q", got)
	}
	screenshot(t, ctx, "overview-no")
	do(t, ctx, chromedp.Click("#method-mastercard"), fillCard("5555 5555 5555 4444"), chromedp.WaitVisible("#success"))
	if got := text(t, ctx, "h1"); got != "Takk!" {
		t.Fatalf("success heading %q", got)
	}
	if got := text(t, ctx, "#back"); got != "Tilbake til butikken" {
		t.Fatalf("back button %q", got)
	}
	screenshot(t, ctx, "success-no")
}
