package api

import (
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/fpgo/fpgo/internal/domain"
)

// The helpers below let other packages (the sandbox API) serve JSON in the same envelope, behind
// the same authentication and rate limit, without duplicating them.

// MountAuthenticated adds routes under pattern that require a merchant's bearer token, count
// against its rate limit and have their body read once (see MerchantOf, Body).
func MountAuthenticated(pattern string, fn func(r chi.Router)) Option {
	return func(s *Server) {
		s.router.Route(pattern, func(r chi.Router) {
			r.Use(s.authenticate, s.readBody)
			fn(r)
		})
	}
}

// WriteOK writes a success envelope with is_data true.
func WriteOK(w http.ResponseWriter, status int, message string, data any) {
	ok(w, status, message, true, data)
}

// WriteError writes the error envelope for err, exactly as the API does.
func WriteError(w http.ResponseWriter, r *http.Request, err error) { fail(w, r, err) }

// MerchantOf returns the merchant a MountAuthenticated route was called by.
func MerchantOf(r *http.Request) *domain.Merchant { return merchantOf(r) }

// Body returns the request body a MountAuthenticated route read.
func Body(r *http.Request) []byte { return bodyOf(r) }

// Logger returns the request's logger (with its request id).
func Logger(r *http.Request) *slog.Logger { return logger(r) }
