// Package api serves the FPGO Connect JSON API: routing, the response envelope, authentication,
// rate limits, idempotency keys and one file of thin handlers per resource. Handlers decode and
// validate the request, call one use case in package app, and write the envelope.
package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/fpgo/fpgo/internal/app"
	"github.com/fpgo/fpgo/internal/apperr"
	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/domain"
)

// MaxBody is the largest request body accepted.
const MaxBody = 1 << 20

// Server is the HTTP API.
type Server struct {
	app     *app.App
	log     *slog.Logger
	limiter *limiter
	router  chi.Router
}

// Option configures the server.
type Option func(*Server)

// Mount adds routes outside the API (checkout pages, sandbox API) to the same router.
func Mount(fn func(r chi.Router)) Option {
	return func(s *Server) { fn(s.router) }
}

// New builds the API server.
func New(a *app.App, log *slog.Logger, opts ...Option) *Server {
	s := &Server{app: a, log: log, limiter: newLimiter(clock.Real{}.Now)}
	r := chi.NewRouter()
	r.Use(s.requestLog, s.recoverer)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		fail(w, r, apperr.NotFound("routeNotFound"))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, req *http.Request) {
		// chi does not pass the allowed methods to a custom handler; HTTP requires them in Allow.
		var allowed []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			if r.Match(chi.NewRouteContext(), m, req.URL.Path) {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
		}
		fail(w, req, &apperr.Error{Kind: apperr.KindMethodNotAllowed, Key: "methodNotAllowed"})
	})
	s.router = r
	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]string{"status": "ok"})
	})
	r.Get("/readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.Store.Ping(ctx); err != nil {
			logger(r).Warn("readiness check failed", "err", err)
			writeJSON(w, 503, map[string]string{"status": "unavailable"})
			return
		}
		writeJSON(w, 200, map[string]string{"status": "ready"})
	})
	r.Route("/api/v1", func(r chi.Router) {
		r.Use(s.authenticate, s.readBody)
		r.Route("/connect", s.connectRoutes)
		// Documented without /connect/.
		r.Post("/orders/refund/request/approval/{uuid}", s.refundApproval)
	})
	for _, o := range opts {
		o(s)
	}
	return s
}

// ServeHTTP makes the documented double slash (/connect//credit/…) reach the same route.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.Contains(r.URL.Path, "//") {
		r2 := r.Clone(r.Context())
		p := r.URL.Path
		for strings.Contains(p, "//") {
			p = strings.ReplaceAll(p, "//", "/")
		}
		r2.URL.Path, r2.URL.RawPath = p, ""
		r = r2
	}
	s.router.ServeHTTP(w, r)
}

func (s *Server) connectRoutes(r chi.Router) {
	r.Post("/orders/payment-link/create", s.createOrder(paymentLinkSpec))
	r.Post("/orders/invoice/create", s.createOrder(invoiceSpec))
	r.Post("/orders/faktura/create", s.createOrder(fakturaSpec))
	r.Post("/orders/invoice/create/faktura", s.createOrder(fakturaSpec))
	r.Post("/orders/ehf/create", s.createOrder(ehfSpec))
	r.Post("/orders/invoice/create/ehf", s.createOrder(ehfSpec))
	r.Post("/orders/regular/submit", s.createOrder(regularSpec))
	r.Post("/orders/invoice/submit", s.createOrder(invoiceSubmitSpec))
	r.Post("/hosted/orders/payment-link/create", s.createOrder(hostedSpec))

	r.Post("/orders/resend/{uuid}", s.resendOrder)
	r.Post("/orders/cancel/{uuid}", s.cancelOrder)
	r.Post("/orders/refund/{uuid}", s.refundOrder)
	r.Post("/orders/delayed/charge/{uuid}", s.delayedCharge)
	r.Post("/orders/refund/request/approval/{uuid}", s.refundApproval)

	r.Get("/orders/status", s.orderStatuses)
	r.Get("/orders/status/{uuid}", s.orderStatus)
	r.Get("/orders/details/{uuid}", s.orderDetails)
	r.Get("/orders/invoice-number/{uuid}", s.invoiceNumber)

	r.Get("/customers/details/{uuid}", s.customerDetails)
	r.Put("/customers/update/private/{uuid}", s.updateCustomer(domain.Private))
	r.Put("/customers/update/corporate/{uuid}", s.updateCustomer(domain.Corporate))

	r.Get("/callbacks", s.callbackLog)
	r.Post("/callbacks/{id}/replay", s.replayCallback)
}

// ---- middleware

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = 200
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// requestLog gives every request an id (X-Request-Id, echoed back) and logs one line for it.
// Only the path is logged: query strings and bodies may carry personal data.
func (s *Server) requestLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		l := s.log.With("request_id", id)
		r = r.WithContext(context.WithValue(r.Context(), loggerKey{}, l))
		rec := &statusRecorder{ResponseWriter: w}
		start := time.Now()
		next.ServeHTTP(rec, r)
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			return
		}
		l.Info("http", "method", r.Method, "path", r.URL.Path, "status", rec.status, "bytes", rec.bytes,
			"duration_ms", float64(time.Since(start).Microseconds())/1000)
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				logger(r).Error("panic", "panic", fmt.Sprint(p))
				fail(w, r, apperr.Internal(fmt.Errorf("panic: %v", p)))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type merchantKey struct{}

func merchantOf(r *http.Request) *domain.Merchant {
	m, _ := r.Context().Value(merchantKey{}).(*domain.Merchant)
	return m
}

// authenticate resolves the bearer token to a merchant and applies the merchant's rate limit.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := ""
		if h := r.Header.Get("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
			token = strings.TrimSpace(h[7:])
		}
		m, err := s.app.Authenticate(r.Context(), token)
		if err != nil {
			if apperr.IsKind(err, apperr.KindUnauthorized) {
				writeJSON(w, 401, errorEnvelope{StatusCode: 401, StatusMessage: "Unauthorized", Message: "unauthenticated", IsError: true,
					Errors: []string{"A valid bearer token is required."}})
				return
			}
			fail(w, r, err)
			return
		}
		limit := m.Settings.RateLimit
		if limit <= 0 {
			limit = domain.DefaultMerchantSettings().RateLimit
		}
		allowed, remaining, retry := s.limiter.take(m.ID, limit)
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(limit))
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		if !allowed {
			secs := int(retry.Seconds() + 0.999)
			if secs < 1 {
				secs = 1
			}
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			writeJSON(w, 429, errorEnvelope{StatusCode: 429, StatusMessage: "Too Many Requests", Message: "tooManyRequests", IsError: true,
				Errors: []string{fmt.Sprintf("Rate limit of %d requests per minute exceeded; retry in %d seconds.", limit, secs)}})
			return
		}
		l := logger(r).With("org", m.ID)
		ctx := context.WithValue(r.Context(), merchantKey{}, m)
		ctx = context.WithValue(ctx, loggerKey{}, l)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

type bodyKey struct{}

// readBody reads the body once (at most MaxBody) for the handler and for the Idempotency-Key
// hash, which covers method, path and body so a reused key with another request is caught.
func (s *Server) readBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.ContentLength == 0 && r.Body == nil {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				writeJSON(w, 413, errorEnvelope{StatusCode: 413, StatusMessage: "Payload Too Large", Message: "payloadTooLarge", IsError: true,
					Errors: []string{fmt.Sprintf("The request body must not be larger than %d bytes.", MaxBody)}})
				return
			}
			fail(w, r, apperr.Validation("The request body could not be read."))
			return
		}
		ctx := context.WithValue(r.Context(), bodyKey{}, body)
		if key := r.Header.Get("Idempotency-Key"); key != "" && r.Method != http.MethodGet {
			if len(key) > 255 {
				fail(w, r, apperr.Validation("The Idempotency-Key header must not be greater than 255 characters."))
				return
			}
			h := sha256.New()
			fmt.Fprintf(h, "%s %s\n", r.Method, r.URL.Path)
			h.Write(body)
			ctx = app.WithIdempotency(ctx, key, hex.EncodeToString(h.Sum(nil)))
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func bodyOf(r *http.Request) []byte {
	b, _ := r.Context().Value(bodyKey{}).([]byte)
	return b
}
