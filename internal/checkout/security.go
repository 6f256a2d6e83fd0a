package checkout

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"

	"github.com/fpgo/fpgo/internal/ids"
)

// csp lets a page load nothing but this server's own stylesheet, post forms only back here, and
// never be framed. There are no scripts at all.
const csp = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// SecurityHeaders are sent with every customer page, and with the sandbox's own pages.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		// Page URLs carry order ids and callback URLs carry the merchant's parameters.
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if r.URL.Path != AssetPath {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

const cookieName = "fpgo_checkout"

type sessionKey struct{}

// session gives every browser a random session token in an HttpOnly cookie. The token names the
// browser's checkout state (BankID, credit check) in the store — only its hash is stored — and
// keys the CSRF token of its forms.
func (h *Handler) session(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := ""
		if c, err := r.Cookie(cookieName); err == nil && len(c.Value) == 43 {
			token = c.Value
		}
		if token == "" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			b := make([]byte, 32)
			_, _ = rand.Read(b)
			token = base64.RawURLEncoding.EncodeToString(b)
			http.SetCookie(w, &http.Cookie{
				Name: cookieName, Value: token, Path: "/", HttpOnly: true, Secure: h.cfg.SecureCookies,
				// Lax, not Strict: a customer arriving from an email or SMS link must keep the
				// session they had, and cross-site form posts are refused below anyway.
				SameSite: http.SameSiteLaxMode,
			})
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, token)))
	})
}

func sessionToken(r *http.Request) string {
	t, _ := r.Context().Value(sessionKey{}).(string)
	return t
}

// sessionHash is how the store knows the browser.
func sessionHash(r *http.Request) string {
	if t := sessionToken(r); t != "" {
		return ids.Hash(t)
	}
	return ""
}

// csrfToken is derived from the session token, so it needs no storage and no server secret: a
// page on another site can neither read the cookie nor compute the token.
func csrfToken(r *http.Request) string {
	t := sessionToken(r)
	if t == "" {
		return ""
	}
	m := hmac.New(sha256.New, []byte(t))
	m.Write([]byte("fpgo checkout csrf"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// protectForms refuses state-changing requests from other sites twice over: the browser's
// Sec-Fetch-Site/Origin headers (http.CrossOriginProtection), and a form token bound to the
// session cookie for browsers that send neither.
func (h *Handler) protectForms(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.forbidden(w, r)
	}))
	checked := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions {
			r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
			want := csrfToken(r)
			if want == "" || !hmac.Equal([]byte(r.PostFormValue("csrf")), []byte(want)) {
				h.forbidden(w, r)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
	return cop.Handler(checked)
}
