// Package sandboxapi is the sandbox control API (/sandbox/v1): complete or fail a payment as if
// the customer had, move the test clock, and read the SMS and email outbox — in the main API's
// envelope and behind the merchant's bearer token. It also serves the outbox as a page. It is
// mounted only in sandbox mode, so every route is a 404 routeNotFound in production.
package sandboxapi

import (
	"html/template"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/fpgo/fpgo/internal/api"
	"github.com/fpgo/fpgo/internal/app"
	"github.com/fpgo/fpgo/internal/apperr"
	"github.com/fpgo/fpgo/internal/checkout"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/validate"
)

// Options mounts the sandbox API and the outbox page on the API server.
func Options(co *app.Checkout, secureCookies bool) []api.Option {
	s := &server{co: co, secureCookies: secureCookies}
	return []api.Option{api.MountAuthenticated("/sandbox/v1", s.routes), api.Mount(s.pageRoutes)}
}

type server struct {
	co            *app.Checkout
	secureCookies bool
}

func (s *server) routes(r chi.Router) {
	r.Post("/orders/{uuid}/pay", s.pay)
	r.Post("/orders/{uuid}/fail", s.fail)
	r.Get("/orders/{uuid}/attempts", s.attempts)
	r.Get("/clock", s.clock)
	r.Post("/clock/advance", s.advance)
	r.Get("/messages", s.messages)
}

func decode(r *http.Request) (validate.Tree, error) {
	body := api.Body(r)
	if len(body) == 0 {
		body = []byte("{}")
	}
	t, err := validate.Decode(body)
	if err != nil {
		return t, apperr.Validation("The request body must be valid JSON.")
	}
	return t, nil
}

type payment struct {
	OrderUUID     string `json:"orderUuid"`
	Status        string `json:"status"`
	PaymentMethod string `json:"paymentMethod"`
}

func (s *server) pay(w http.ResponseWriter, r *http.Request) {
	t, err := decode(r)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	v := validate.New(t)
	v.Field("method", validate.Required, validate.String, validate.In(app.AllMethods...))
	if !v.Valid() {
		api.WriteError(w, r, apperr.Validation(v.Errors()...))
		return
	}
	uuid, method := chi.URLParam(r, "uuid"), t.String("method")
	ack, err := s.co.SandboxPay(r.Context(), api.MerchantOf(r).ID, uuid, method)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteOK(w, 200, "sandboxPaymentCompleted", payment{OrderUUID: uuid, Status: ack.Status, PaymentMethod: method})
}

func (s *server) fail(w http.ResponseWriter, r *http.Request) {
	t, err := decode(r)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	v := validate.New(t)
	v.Field("method", validate.Nullable, validate.String, validate.In(app.AllMethods...))
	v.Field("reason", validate.Nullable, validate.String, validate.Max(100))
	if !v.Valid() {
		api.WriteError(w, r, apperr.Validation(v.Errors()...))
		return
	}
	uuid, method := chi.URLParam(r, "uuid"), t.String("method")
	ack, err := s.co.SandboxFail(r.Context(), api.MerchantOf(r).ID, uuid, method, t.String("reason"))
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	if method == "" {
		method = "visa"
	}
	api.WriteOK(w, 200, "sandboxPaymentFailed", payment{OrderUUID: uuid, Status: ack.Status, PaymentMethod: method})
}

func (s *server) attempts(w http.ResponseWriter, r *http.Request) {
	list, err := s.co.PaymentAttempts(r.Context(), api.MerchantOf(r).ID, chi.URLParam(r, "uuid"))
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteOK(w, 200, "paymentAttemptsRetrieved", list)
}

type clockView struct {
	Now           string `json:"now"`
	Unix          int64  `json:"unix"`
	OffsetSeconds int64  `json:"offsetSeconds"`
}

func (s *server) clock(w http.ResponseWriter, r *http.Request) {
	now, off, err := s.co.SandboxClock(r.Context())
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteOK(w, 200, "sandboxClockRetrieved", clockView{Now: now.UTC().Format(time.RFC3339Nano), Unix: now.Unix(), OffsetSeconds: int64(off / time.Second)})
}

// maxAdvance keeps one call from moving the clock past anything a test needs (ten years).
const maxAdvance = 10 * 366 * 24 * 3600

func (s *server) advance(w http.ResponseWriter, r *http.Request) {
	t, err := decode(r)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	v := validate.New(t)
	v.Field("seconds", validate.Required, validate.Integer, validate.MinNumber("0"), validate.MaxNumber(strconv.Itoa(maxAdvance)))
	if !v.Valid() {
		api.WriteError(w, r, apperr.Validation(v.Errors()...))
		return
	}
	n, _ := t.Number("seconds")
	secs, err := strconv.ParseInt(n, 10, 64)
	if err != nil {
		api.WriteError(w, r, apperr.Validation("The seconds must be an integer."))
		return
	}
	if _, err := s.co.AdvanceClock(r.Context(), time.Duration(secs)*time.Second); err != nil {
		api.WriteError(w, r, err)
		return
	}
	now, off, err := s.co.SandboxClock(r.Context())
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteOK(w, 200, "sandboxClockAdvanced", clockView{Now: now.UTC().Format(time.RFC3339Nano), Unix: now.Unix(), OffsetSeconds: int64(off / time.Second)})
}

func (s *server) messages(w http.ResponseWriter, r *http.Request) {
	list, err := s.co.Messages(r.Context(), api.MerchantOf(r).ID, r.URL.Query().Get("to"))
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	if list == nil {
		list = []domain.Message{}
	}
	api.WriteOK(w, 200, "messagesRetrieved", list)
}

// ---- the outbox page

const tokenCookie = "fpgo_sandbox_token"

// The page authenticates with the same bearer token, pasted once into a form and kept in an
// HttpOnly cookie limited to /sandbox, since a browser cannot send an Authorization header.
func (s *server) pageRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(checkout.SecurityHeaders, http.NewCrossOriginProtection().Handler)
		r.Get("/sandbox/outbox", s.outboxPage)
		r.Post("/sandbox/outbox/login", s.login)
		r.Post("/sandbox/outbox/logout", s.logout)
	})
}

var linkRe = regexp.MustCompile(`https?://[^\s<>"]+`)

type outboxRow struct {
	domain.Message
	Link string
}

type outboxData struct {
	Authenticated bool
	Merchant      string
	Failed        bool
	To            string
	Rows          []outboxRow
}

func (s *server) outboxPage(w http.ResponseWriter, r *http.Request) {
	token := ""
	if c, err := r.Cookie(tokenCookie); err == nil {
		token = c.Value
	}
	d := outboxData{Failed: r.URL.Query().Get("failed") == "1", To: r.URL.Query().Get("to")}
	if token != "" {
		m, err := s.co.Authenticate(r.Context(), token)
		if err == nil {
			list, err := s.co.Messages(r.Context(), m.ID, d.To)
			if err != nil {
				http.Error(w, "could not read the outbox", http.StatusInternalServerError)
				return
			}
			d.Authenticated, d.Merchant = true, m.Name
			for _, msg := range list {
				d.Rows = append(d.Rows, outboxRow{Message: msg, Link: linkRe.FindString(msg.Body)})
			}
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := outboxTmpl.Execute(w, d); err != nil {
		api.Logger(r).Error("render outbox", "err", err)
	}
}

func (s *server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	token := r.PostFormValue("token")
	if _, err := s.co.Authenticate(r.Context(), token); err != nil {
		http.Redirect(w, r, "/sandbox/outbox?failed=1", http.StatusSeeOther)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: token, Path: "/sandbox", HttpOnly: true, Secure: s.secureCookies, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/sandbox/outbox", http.StatusSeeOther)
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: "", Path: "/sandbox", MaxAge: -1, HttpOnly: true, Secure: s.secureCookies, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/sandbox/outbox", http.StatusSeeOther)
}

var outboxTmpl = template.Must(template.New("outbox").Funcs(template.FuncMap{
	"when": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Sandbox outbox</title><link rel="stylesheet" href="/checkout/assets/style.css"></head>
<body><main>
<header class="top"><p class="merchant">Outbox{{if .Merchant}} · {{.Merchant}}{{end}}</p><span class="badge">Sandbox</span></header>
{{if .Authenticated}}
<div class="card">
  <form method="get" action="/sandbox/outbox" class="row">
    <input type="text" name="to" value="{{.To}}" placeholder="+4746567468 or kari@example.no" aria-label="Recipient">
    <button class="btn" type="submit">Filter</button>
  </form>
</div>
{{range .Rows}}<div class="card message" id="message-{{.ID}}">
  <div class="muted">{{when .CreatedAt}} · {{.Channel}} to <strong>{{.To}}</strong>{{if .OrderUUID}} · {{.OrderUUID}}{{end}}</div>
  {{if .Subject}}<h2>{{.Subject}}</h2>{{end}}
  <p>{{.Body}}</p>
  {{if .Link}}<a class="btn primary" href="{{.Link}}">Open link</a>{{end}}
</div>{{else}}<div class="card"><p>No messages yet. Orders created with sendOrderBy, and every resend, land here.</p></div>{{end}}
<form method="post" action="/sandbox/outbox/logout"><button class="btn" type="submit">Sign out</button></form>
{{else}}
<div class="card stack">
  <h1>Sandbox outbox</h1>
  <p>The SMS and email fpgo would send to your customers. Paste your bearer token to read your merchant's messages.</p>
  {{if .Failed}}<div class="notice bad">That token is not valid.</div>{{end}}
  <form method="post" action="/sandbox/outbox/login">
    <div class="field"><label for="token">Bearer token</label><input type="text" id="token" name="token" autocomplete="off" required></div>
    <button class="btn primary" type="submit">Show messages</button>
  </form>
</div>
{{end}}
</main></body></html>`))
