// Package checkout serves the customer's side of a payment: the hosted checkout page, card and
// wallet payment, the BankID / credit check / agreement steps of Pay by invoice, and the
// success, failure and expired pages — server-rendered, in the customer's language, with no
// scripts or external assets. In sandbox mode it also serves the sandbox providers' pages
// (BankID, wallet approval). Handlers are thin: the journey's rules live in app.Checkout.
package checkout

import (
	"bytes"
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/fpgo/fpgo/internal/app"
	"github.com/fpgo/fpgo/internal/apperr"
	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/money"
	"github.com/fpgo/fpgo/internal/provider"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets/style.css
var styleCSS []byte

// AssetPath is the pages' one stylesheet.
const AssetPath = "/checkout/assets/style.css"

// Paths of the sandbox providers' pages; the sandbox providers redirect the customer there.
const (
	SandboxBankIDPath = "/sandbox/pages/bankid"
	SandboxWalletPath = "/sandbox/pages/wallet"
)

// Config configures the pages.
type Config struct {
	// Sandbox serves the sandbox providers' pages and shows the test cards.
	Sandbox bool
	// SecureCookies marks the session cookie Secure (the server is reached over https).
	SecureCookies bool
	Log           *slog.Logger
}

// Handler serves the customer pages.
type Handler struct {
	co    *app.Checkout
	cfg   Config
	log   *slog.Logger
	pages map[string]*template.Template
}

// New builds the handler.
func New(co *app.Checkout, cfg Config) *Handler {
	h := &Handler{co: co, cfg: cfg, log: cfg.Log, pages: map[string]*template.Template{}}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	for _, name := range []string{"overview", "card", "wallet", "wallet_sandbox", "bankid_sandbox", "invoice", "success", "message"} {
		h.pages[name] = template.Must(template.ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
	return h
}

// Routes adds the pages to r.
func (h *Handler) Routes(r chi.Router) {
	r.With(SecurityHeaders).Get(AssetPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		_, _ = w.Write(styleCSS)
	})
	r.Group(func(r chi.Router) {
		r.Use(SecurityHeaders, h.session, h.protectForms)
		r.Get("/checkout/{uuid}", h.overview)
		r.Get("/order/hosted/{uuid}/checkout", h.overview)
		r.Get("/checkout/{uuid}/pay/{method}", h.methodPage)
		r.Post("/checkout/{uuid}/pay/{method}", h.pay)
		r.Post("/checkout/{uuid}/return/{method}/{ref}", h.walletReturn)
		r.Get("/checkout/{uuid}/bankid", h.bankIDStart)
		r.Post("/checkout/{uuid}/bankid/return", h.bankIDReturn)
		r.Get("/checkout/{uuid}/invoice", h.invoicePage)
		r.Post("/checkout/{uuid}/invoice", h.invoiceSign)
		r.Get("/checkout/{uuid}/success", h.success)
		r.Get("/checkout/{uuid}/failure", h.failure)
		if h.cfg.Sandbox {
			r.Get(SandboxBankIDPath, h.sandboxBankID)
			r.Get(SandboxWalletPath, h.sandboxWallet)
		}
	})
}

// ---- page data

type page struct {
	Lang     string
	Title    string // message key of the title; "" is the checkout title
	CSRF     string
	Sandbox  bool
	Merchant string
	Order    *domain.Order
	View     *orderView // nil while secureDetails hides the order
	Methods  []methodLink

	Action, Back, Retry, RetryLabel string
	Msg                             string
	MsgArg                          any

	Errors     provider.CardErrors
	Decline    string
	Expiry     string
	Method     string
	MethodName string
	State      string
	AmountText string

	Corporate    bool
	Identified   string
	MaturityDays int
	Invoice      bool
	DueText      string
}

// T translates for the page's language.
func (p *page) T(key string, args ...any) string { return T(p.Lang, key, args...) }

// Money formats an amount of the page's order.
func (p *page) Money(a money.Amount) string {
	cur := ""
	if p.Order != nil {
		cur = p.Order.Currency
	}
	return formatAmount(p.Lang, a, cur)
}

// PageTitle is the document title.
func (p *page) PageTitle() string {
	if p.Title != "" {
		return p.T(p.Title)
	}
	return p.T("title")
}

type methodLink struct{ Name, URL string }

type lineView struct{ Name, Qty, Price, VAT, Amount, Discount string }

type vatView struct{ Rate, Amount string }

type orderView struct {
	OrderDate, DueDate   string
	Lines                []lineView
	VAT                  []vatView
	Net, Shipping, Total string
}

var methodNames = map[string]string{"vipps": "Vipps", "applepay": "Apple Pay", "googlepay": "Google Pay", "visa": "Visa", "mastercard": "Mastercard"}

// view prepares the order for display: amounts in the customer's format and VAT per rate.
// Line amounts include VAT, so the VAT is the portion of each line's amount.
func view(o *domain.Order, l string) *orderView {
	v := &orderView{OrderDate: o.OrderDate.In(clock.Oslo).Format("02.01.2006")}
	if o.DueDate != nil {
		v.DueDate = o.DueDate.In(clock.Oslo).Format("02.01.2006 15:04")
	}
	f := func(a money.Amount) string { return formatAmount(l, a, o.Currency) }
	var vatTotal money.Amount
	vat := map[money.Rate]money.Amount{}
	var rates []money.Rate
	for _, ln := range o.Lines {
		lv := lineView{Name: ln.Name, Qty: ln.Quantity.String(), Price: f(ln.Rate), VAT: ln.Tax.String(), Amount: f(ln.Amount)}
		if ln.Discount != 0 {
			lv.Discount = f(ln.Discount)
		}
		v.Lines = append(v.Lines, lv)
		p := money.VATPortion(ln.Amount, ln.Tax)
		if _, seen := vat[ln.Tax]; !seen {
			rates = append(rates, ln.Tax)
		}
		vat[ln.Tax] += p
		vatTotal += p
	}
	for _, r := range rates {
		if r != 0 {
			v.VAT = append(v.VAT, vatView{Rate: r.String(), Amount: f(vat[r])})
		}
	}
	if len(v.VAT) == 0 {
		v.VAT = []vatView{{Rate: "0", Amount: f(0)}}
	}
	if o.Summary.ShippingCost != 0 {
		v.Shipping = f(o.Summary.ShippingCost)
	}
	v.Net = f(o.Summary.GrandTotal - o.Summary.ShippingCost - vatTotal)
	v.Total = f(o.Summary.GrandTotal)
	return v
}

func (h *Handler) newPage(r *http.Request, co *app.CheckoutOrder) *page {
	p := &page{Lang: acceptLanguage(r), CSRF: csrfToken(r), Sandbox: h.cfg.Sandbox}
	if co != nil {
		p.Lang, p.Merchant, p.Order = lang(co.Order.Language), co.Merchant, co.Order
	}
	return p
}

// acceptLanguage picks the browser's first language the pages speak, for pages without an
// order (not found); Norwegian otherwise.
func acceptLanguage(r *http.Request) string {
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		switch base {
		case "nb", "nn", "no":
			return "no"
		case "en", "sv", "da", "de":
			return base
		}
	}
	return domain.DefaultLanguage
}

func (h *Handler) render(w http.ResponseWriter, status int, name string, p *page) {
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		h.log.Error("render checkout page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (h *Handler) message(w http.ResponseWriter, r *http.Request, co *app.CheckoutOrder, status int, title, msg string, arg any, retry, retryLabel string) {
	p := h.newPage(r, co)
	p.Title, p.Msg, p.MsgArg, p.Retry, p.RetryLabel = title, msg, arg, retry, retryLabel
	if co != nil && (status == http.StatusPaymentRequired || strings.HasPrefix(title, "credit.") || strings.HasPrefix(title, "failure.")) {
		p.Back = safeURL(co.Order.Callbacks.Failure)
	}
	h.render(w, status, "message", p)
}

func (h *Handler) forbidden(w http.ResponseWriter, r *http.Request) {
	h.message(w, r, nil, http.StatusForbidden, "forbidden.title", "forbidden.text", nil, "", "")
}

// safeURL passes only absolute http(s) URLs, so a merchant's callback URL can neither inject a
// header nor run a script when it becomes a link or a redirect.
func safeURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(s, "\r\n") {
		return ""
	}
	return u.String()
}

// ---- paths

func base(uuid string) string            { return "/checkout/" + url.PathEscape(uuid) }
func payPath(uuid, method string) string { return base(uuid) + "/pay/" + method }
func bankIDPath(uuid, purpose string) string {
	if purpose == purposeView {
		return base(uuid) + "/bankid?for=view"
	}
	return base(uuid) + "/bankid"
}

const (
	purposeView    = "view"
	purposeInvoice = "invoice"
)

// ---- loading and the states every page shares

func (h *Handler) load(w http.ResponseWriter, r *http.Request) (*app.CheckoutOrder, bool) {
	co, err := h.co.OrderForCheckout(r.Context(), chi.URLParam(r, "uuid"))
	if err != nil {
		h.fail(w, r, nil, err)
		return nil, false
	}
	return co, true
}

// payable sends the customer where an order that cannot be paid belongs, and reports whether
// it can be paid.
func (h *Handler) payable(w http.ResponseWriter, r *http.Request, co *app.CheckoutOrder) bool {
	switch co.Order.Status {
	case domain.StatusSent:
		return true
	case domain.StatusExpired:
		h.message(w, r, co, http.StatusGone, "expired.title", "expired.text", co.Merchant, "", "")
	case domain.StatusCancelled:
		h.message(w, r, co, http.StatusGone, "cancelled.title", "cancelled.text", co.Merchant, "", "")
	default:
		http.Redirect(w, r, base(co.Order.UUID)+"/success", http.StatusSeeOther)
	}
	return false
}

// visible reports whether the order's details may be shown to this browser: always, unless the
// order asks for secureDetails and this browser has not passed BankID for it.
func (h *Handler) visible(r *http.Request, co *app.CheckoutOrder) (bool, error) {
	if !co.Order.SecureDetails {
		return true, nil
	}
	hash := sessionHash(r)
	if hash == "" {
		return false, nil
	}
	s, err := h.co.Session(r.Context(), hash, co.Order.UUID)
	return app.Verified(s), err
}

// guard loads a payable order whose details this browser may see; otherwise it answers.
func (h *Handler) guard(w http.ResponseWriter, r *http.Request) (*app.CheckoutOrder, bool) {
	co, ok := h.load(w, r)
	if !ok || !h.payable(w, r, co) {
		return nil, false
	}
	vis, err := h.visible(r, co)
	if err != nil {
		h.fail(w, r, co, err)
		return nil, false
	}
	if !vis {
		http.Redirect(w, r, base(co.Order.UUID), http.StatusSeeOther)
		return nil, false
	}
	return co, true
}

// fail answers an error from a use case with the page that explains it.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, co *app.CheckoutOrder, err error) {
	overview, retryLabel := "", ""
	uuid := chi.URLParam(r, "uuid")
	if co != nil {
		overview, retryLabel = base(uuid), T(lang(co.Order.Language), "method.other")
	}
	var arg any
	if co != nil {
		arg = co.Merchant
	}
	switch key := apperr.Key(err); {
	case apperr.IsKind(err, apperr.KindNotFound):
		h.message(w, r, nil, http.StatusNotFound, "notfound.title", "notfound.text", nil, "", "")
	case key == "orderStatusAlreadyPaid" || key == "orderStatusAlreadyAuthorized" || key == "orderStatusAlreadyInvoiced":
		http.Redirect(w, r, base(uuid)+"/success", http.StatusSeeOther)
	case key == "orderStatusAlreadyExpired":
		h.message(w, r, co, http.StatusGone, "expired.title", "expired.text", arg, "", "")
	case key == "orderStatusAlreadyCancelled":
		h.message(w, r, co, http.StatusGone, "cancelled.title", "cancelled.text", arg, "", "")
	case key == app.KeyPaymentInProgress:
		h.message(w, r, co, http.StatusConflict, "progress.title", "progress.text", nil, base(uuid), T(h.newPage(r, co).Lang, "retry"))
	case key == app.KeyMethodNotAvailable:
		h.message(w, r, co, http.StatusNotFound, "method.unavailable", "", nil, overview, retryLabel)
	case key == app.KeyBankIDRequired:
		http.Redirect(w, r, bankIDPath(uuid, purposeInvoice), http.StatusSeeOther)
	case key == app.KeyBankIDFailed:
		h.message(w, r, co, http.StatusBadRequest, "bankid.failed.title", "bankid.failed", nil, bankIDPath(uuid, r.PostFormValue("state")), T(h.newPage(r, co).Lang, "retry"))
	case key == app.KeyBankIDMismatch:
		h.message(w, r, co, http.StatusForbidden, "bankid.failed.title", "bankid.mismatch", nil, bankIDPath(uuid, r.PostFormValue("state")), T(h.newPage(r, co).Lang, "retry"))
	case key == app.KeyCreditRefused:
		h.message(w, r, co, http.StatusOK, "credit.title", "credit.refused", nil, otherMethods(co), retryLabel)
	case key == app.KeyCreditUnavailable:
		h.message(w, r, co, http.StatusOK, "credit.title", "credit.unavailable", nil, otherMethods(co), retryLabel)
	case apperr.IsKind(err, apperr.KindDependency):
		h.log.Warn("checkout provider unavailable", "order", uuid, "err", err)
		h.message(w, r, co, http.StatusServiceUnavailable, "unavailable.title", "unavailable.text", nil, overview, T(h.newPage(r, co).Lang, "retry"))
	default:
		h.log.Error("checkout failed", "order", uuid, "path", r.URL.Path, "err", err)
		h.message(w, r, co, http.StatusInternalServerError, "error.title", "error.text", nil, overview, retryLabel)
	}
}

// otherMethods links back to the method choice when the order has other methods than invoice.
func otherMethods(co *app.CheckoutOrder) string {
	if co == nil {
		return ""
	}
	for _, m := range co.Methods {
		if m != provider.MethodInvoice {
			return base(co.Order.UUID)
		}
	}
	return ""
}

// ---- the checkout page and method pages

func (h *Handler) overview(w http.ResponseWriter, r *http.Request) {
	co, ok := h.load(w, r)
	if !ok || !h.payable(w, r, co) {
		return
	}
	vis, err := h.visible(r, co)
	if err != nil {
		h.fail(w, r, co, err)
		return
	}
	p := h.newPage(r, co)
	if !vis {
		p.Action = bankIDPath(co.Order.UUID, purposeView)
		h.render(w, http.StatusOK, "overview", p)
		return
	}
	p.View = view(co.Order, p.Lang)
	for _, m := range co.Methods {
		u := payPath(co.Order.UUID, m)
		if m == provider.MethodInvoice {
			u = base(co.Order.UUID) + "/invoice"
		}
		p.Methods = append(p.Methods, methodLink{Name: m, URL: u})
	}
	h.render(w, http.StatusOK, "overview", p)
}

func hasMethod(co *app.CheckoutOrder, m string) bool {
	for _, x := range co.Methods {
		if x == m {
			return true
		}
	}
	return false
}

func (h *Handler) methodPage(w http.ResponseWriter, r *http.Request) {
	method := chi.URLParam(r, "method")
	co, ok := h.guard(w, r)
	if !ok {
		return
	}
	if !hasMethod(co, method) {
		h.fail(w, r, co, apperr.Conflict(app.KeyMethodNotAvailable))
		return
	}
	switch {
	case method == provider.MethodInvoice:
		http.Redirect(w, r, base(co.Order.UUID)+"/invoice", http.StatusSeeOther)
	case provider.IsCard(method):
		h.cardPage(w, r, co, http.StatusOK, nil, "", "")
	default:
		p := h.page(r, co)
		p.Method, p.MethodName, p.Action, p.Back = method, methodNames[method], payPath(co.Order.UUID, method), base(co.Order.UUID)
		h.render(w, http.StatusOK, "wallet", p)
	}
}

// page is newPage for a page that shows the order's summary.
func (h *Handler) page(r *http.Request, co *app.CheckoutOrder) *page {
	p := h.newPage(r, co)
	p.View = view(co.Order, p.Lang)
	return p
}

func (h *Handler) cardPage(w http.ResponseWriter, r *http.Request, co *app.CheckoutOrder, status int, errs provider.CardErrors, decline, expiry string) {
	p := h.page(r, co)
	method := chi.URLParam(r, "method")
	p.Action, p.Back, p.Errors, p.Decline, p.Expiry = payPath(co.Order.UUID, method), base(co.Order.UUID), errs, decline, expiry
	if _, known := messages["decline."+decline]; decline != "" && !known {
		p.Decline = "declined"
	}
	h.render(w, status, "card", p)
}

func (h *Handler) pay(w http.ResponseWriter, r *http.Request) {
	method := chi.URLParam(r, "method")
	co, ok := h.guard(w, r)
	if !ok {
		return
	}
	if !hasMethod(co, method) || method == provider.MethodInvoice {
		h.fail(w, r, co, apperr.Conflict(app.KeyMethodNotAvailable))
		return
	}
	uuid := co.Order.UUID
	if provider.IsWallet(method) {
		start, err := h.co.BeginWallet(r.Context(), uuid, method, "", func(ref string) string {
			return base(uuid) + "/return/" + method + "/" + url.PathEscape(ref)
		})
		if err != nil {
			h.fail(w, r, co, err)
			return
		}
		http.Redirect(w, r, start.RedirectURL, http.StatusSeeOther)
		return
	}
	// The card number and CVC live only in this request: they go to the gateway and are dropped.
	expiry := r.PostFormValue("expiry")
	card, errs := provider.ParseCard(r.PostFormValue("number"), expiry, r.PostFormValue("cvc"), h.co.Clock.Now().In(clock.Oslo))
	if errs != nil {
		h.cardPage(w, r, co, http.StatusUnprocessableEntity, errs, "", expiry)
		return
	}
	res, err := h.co.PayByCard(r.Context(), uuid, method, card)
	if err != nil {
		h.fail(w, r, co, err)
		return
	}
	if !res.Approved {
		h.cardPage(w, r, co, http.StatusPaymentRequired, nil, res.Reason, "")
		return
	}
	http.Redirect(w, r, base(uuid)+"/success", http.StatusSeeOther)
}

func (h *Handler) walletReturn(w http.ResponseWriter, r *http.Request) {
	co, ok := h.load(w, r)
	if !ok {
		return
	}
	uuid := co.Order.UUID
	res, err := h.co.CompleteWallet(r.Context(), uuid, chi.URLParam(r, "method"), chi.URLParam(r, "ref"), r.PostForm)
	if err != nil {
		h.fail(w, r, co, err)
		return
	}
	if !res.Approved {
		http.Redirect(w, r, base(uuid)+"/failure", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, base(uuid)+"/success", http.StatusSeeOther)
}

// ---- BankID and Pay by invoice

func (h *Handler) bankIDStart(w http.ResponseWriter, r *http.Request) {
	co, ok := h.load(w, r)
	if !ok || !h.payable(w, r, co) {
		return
	}
	purpose := purposeInvoice
	if r.URL.Query().Get("for") == purposeView {
		purpose = purposeView
	}
	o := co.Order
	if purpose == purposeInvoice {
		if !hasMethod(co, provider.MethodInvoice) {
			h.fail(w, r, co, apperr.Conflict(app.KeyMethodNotAvailable))
			return
		}
		if o.Customer.Type == domain.Corporate {
			http.Redirect(w, r, base(o.UUID)+"/invoice", http.StatusSeeOther)
			return
		}
	}
	u, err := h.co.BeginBankID(r.Context(), o, base(o.UUID)+"/bankid/return", purpose)
	if err != nil {
		h.fail(w, r, co, err)
		return
	}
	http.Redirect(w, r, u, http.StatusSeeOther)
}

func (h *Handler) bankIDReturn(w http.ResponseWriter, r *http.Request) {
	co, ok := h.load(w, r)
	if !ok || !h.payable(w, r, co) {
		return
	}
	purpose := r.PostFormValue("state")
	if purpose != purposeView {
		purpose = purposeInvoice
	}
	if _, err := h.co.CompleteBankID(r.Context(), sessionHash(r), co.Order.UUID, r.PostForm, purpose == purposeInvoice); err != nil {
		h.fail(w, r, co, err)
		return
	}
	next := base(co.Order.UUID)
	if purpose == purposeInvoice {
		next += "/invoice"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (h *Handler) invoicePage(w http.ResponseWriter, r *http.Request) {
	co, ok := h.guard(w, r)
	if !ok {
		return
	}
	s, err := h.co.Session(r.Context(), sessionHash(r), co.Order.UUID)
	if err != nil {
		h.fail(w, r, co, err)
		return
	}
	if err := app.InvoiceRefusal(co.Order, s); err != nil {
		h.fail(w, r, co, err)
		return
	}
	p := h.page(r, co)
	p.Action, p.Back = base(co.Order.UUID)+"/invoice", base(co.Order.UUID)
	p.Corporate = co.Order.Customer.Type == domain.Corporate
	p.Identified = s.PersonalNumber
	p.MaturityDays = 14
	if co.Order.Invoice != nil && co.Order.Invoice.MaturityDays > 0 {
		p.MaturityDays = co.Order.Invoice.MaturityDays
	}
	h.render(w, http.StatusOK, "invoice", p)
}

func (h *Handler) invoiceSign(w http.ResponseWriter, r *http.Request) {
	co, ok := h.guard(w, r)
	if !ok {
		return
	}
	if _, err := h.co.SignInvoice(r.Context(), sessionHash(r), co.Order.UUID); err != nil {
		h.fail(w, r, co, err)
		return
	}
	http.Redirect(w, r, base(co.Order.UUID)+"/success", http.StatusSeeOther)
}

// ---- outcome pages

func (h *Handler) success(w http.ResponseWriter, r *http.Request) {
	co, ok := h.load(w, r)
	if !ok {
		return
	}
	o := co.Order
	p := h.newPage(r, co)
	switch o.Status {
	case domain.StatusSent, domain.StatusExpired, domain.StatusCancelled:
		if h.payable(w, r, co) {
			http.Redirect(w, r, base(o.UUID), http.StatusSeeOther)
		}
		return
	case domain.StatusAuthorized:
		p.Msg = "success.authorized"
	case domain.StatusInvoiced:
		p.Msg = "success.invoiced"
		vis, err := h.visible(r, co)
		if err != nil {
			h.fail(w, r, co, err)
			return
		}
		p.Invoice = vis && o.InvoiceNumber != ""
		if o.InvoiceDueAt != nil {
			p.DueText = o.InvoiceDueAt.In(clock.Oslo).Format("02.01.2006")
		}
	default:
		p.Msg = "success.paid"
	}
	if back := safeURL(o.Callbacks.Success); back != "" {
		p.Back = back
		// The seeds' success page sends the customer back after 5 seconds; a Refresh header
		// does it without a script, which the CSP does not allow.
		w.Header().Set("Refresh", "5; url="+back)
	}
	h.render(w, http.StatusOK, "success", p)
}

func (h *Handler) failure(w http.ResponseWriter, r *http.Request) {
	co, ok := h.load(w, r)
	if !ok {
		return
	}
	if co.Order.Status != domain.StatusSent {
		h.payable(w, r, co)
		return
	}
	h.message(w, r, co, http.StatusOK, "failure.title", "failure.text", nil, base(co.Order.UUID), T(lang(co.Order.Language), "retry"))
}

// ---- sandbox providers' pages

var (
	walletReturnRe = regexp.MustCompile(`^/checkout/[A-Za-z0-9]+/return/(vipps|applepay|googlepay)/[A-Za-z0-9]+$`)
	bankIDReturnRe = regexp.MustCompile(`^/checkout/[A-Za-z0-9]+/bankid/return$`)
)

// sandboxWallet is the sandbox Vipps / Apple Pay / Google Pay approval page. The page posts
// back only to a checkout return path, so it cannot be turned into an open redirect.
func (h *Handler) sandboxWallet(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ret := q.Get("return")
	if !walletReturnRe.MatchString(ret) {
		h.message(w, r, nil, http.StatusBadRequest, "error.title", "error.text", nil, "", "")
		return
	}
	p := h.newPage(r, nil)
	p.Lang = lang(q.Get("lang"))
	p.Title = "wallet.approve"
	p.Method = q.Get("method")
	p.MethodName = methodNames[p.Method]
	p.Merchant = q.Get("merchant")
	p.Action, p.State = ret, q.Get("state")
	if a, err := money.Parse(q.Get("amount")); err == nil {
		p.AmountText = formatAmount(p.Lang, a, q.Get("currency"))
	}
	h.render(w, http.StatusOK, "wallet_sandbox", p)
}

// sandboxBankID is the sandbox BankID page.
func (h *Handler) sandboxBankID(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ret := q.Get("return")
	if !bankIDReturnRe.MatchString(ret) {
		h.message(w, r, nil, http.StatusBadRequest, "error.title", "error.text", nil, "", "")
		return
	}
	p := h.newPage(r, nil)
	p.Lang = lang(q.Get("lang"))
	p.Title = "bankid.title"
	p.Action, p.State = ret, q.Get("state")
	h.render(w, http.StatusOK, "bankid_sandbox", p)
}
