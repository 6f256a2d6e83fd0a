// Package client is a Go SDK for the Front Payment Go (FPGO) Connect API. It works against fpgo
// and against the real FPGO service alike: paths, JSON keys and the response envelope follow
// FPGO's documentation.
//
// Two halves, usable on their own: Client calls the API, and VerifyCallback / ParseCallback check
// the signed GET requests FPGO sends to a merchant's callbackUrl.
//
// It uses only the standard library, so importing it adds nothing to a merchant's module graph.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultTimeout applies when no *http.Client is given; http.DefaultClient has none, and a
// payment call that hangs forever is worse than one that fails.
const DefaultTimeout = 30 * time.Second

// connectPrefix is where the Connect API lives; Do's paths are relative to it.
const connectPrefix = "/api/v1/connect/"

// maxResponseBytes caps what a response may make us buffer.
const maxResponseBytes = 10 << 20

// Client calls the FPGO Connect API with one merchant's bearer token. It is safe for concurrent use.
type Client struct {
	baseURL   string
	token     string
	http      *http.Client
	userAgent string
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the *http.Client requests go through (timeouts, proxies, test transports).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			c.http = hc
		}
	}
}

// WithUserAgent sets the User-Agent header, e.g. to name the merchant's integration.
func WithUserAgent(ua string) Option {
	return func(c *Client) { c.userAgent = ua }
}

// New returns a Client for the server at baseURL (e.g. "http://localhost:8080" or
// "https://demo-api.frontpayment.no"; a trailing "/api/v1/connect" is accepted too).
func New(baseURL, token string, opts ...Option) *Client {
	base := strings.TrimRight(baseURL, "/")
	base = strings.TrimSuffix(base, strings.TrimSuffix(connectPrefix, "/"))
	c := &Client{
		baseURL:   base,
		token:     token,
		http:      &http.Client{Timeout: DefaultTimeout},
		userAgent: "fpgo-go-client",
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

type idempotencyKeyCtx struct{}

// WithIdempotencyKey makes POST requests made with ctx carry an Idempotency-Key header, so a
// retried request replays the first response instead of creating a second order.
func WithIdempotencyKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, idempotencyKeyCtx{}, key)
}

func idempotencyKey(ctx context.Context) string {
	k, _ := ctx.Value(idempotencyKeyCtx{}).(string)
	return k
}

// Envelope is FPGO's response envelope. Lists also carry metaData and links.
type Envelope struct {
	StatusCode    int             `json:"status_code"`
	StatusMessage string          `json:"status_message"`
	Message       string          `json:"message"`
	IsData        bool            `json:"is_data"`
	IsError       bool            `json:"is_error"`
	Data          json.RawMessage `json:"data"`
	Errors        json.RawMessage `json:"errors"`
	MetaData      *MetaData       `json:"metaData,omitempty"`
	Links         *Links          `json:"links,omitempty"`
}

// MetaData describes one page of a paginated list.
type MetaData struct {
	Total       int `json:"total"`
	PerPage     int `json:"perPage"`
	CurrentPage int `json:"currentPage"`
	LastPage    int `json:"lastPage"`
}

// Links points at the neighbouring pages of a paginated list; empty at either end.
type Links struct {
	Previous string `json:"previous"`
	Next     string `json:"next"`
}

// APIError is returned for any response whose status is not 2xx.
type APIError struct {
	StatusCode    int    // e.g. 404, 417
	StatusMessage string // e.g. "Not Found", "Client Error"
	Message       string // FPGO's message key, e.g. "orderNotFound", "payloadValidationErrors"
	// Errors holds the human-readable messages when "errors" is a list of strings (validation
	// failures) or a single string.
	Errors []string
	// RawErrors is "errors" as sent, for the shapes Errors does not cover (objects, null).
	RawErrors json.RawMessage
	// RetryAfter is the wait a 429 asks for (Retry-After), zero when absent.
	RetryAfter time.Duration
	// Envelope is the whole response, nil when the body was not an envelope.
	Envelope *Envelope
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fpgo: %d", e.StatusCode)
	if e.StatusMessage != "" {
		b.WriteString(" " + e.StatusMessage)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if len(e.Errors) > 0 {
		b.WriteString(": " + strings.Join(e.Errors, "; "))
	}
	return b.String()
}

// Do sends one request and decodes the envelope. path is relative to /api/v1/connect/ (a path
// starting with "/api/" is taken from the server root instead, for the few endpoints outside
// /connect/); it may carry a query string. body, when non-nil, is sent as JSON. When out is
// non-nil and the envelope has data, data is decoded into out.
//
// A non-2xx status returns the envelope (when there is one) and an *APIError.
func (c *Client) Do(ctx context.Context, method, path string, body, out any) (*Envelope, error) {
	var reqBody io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("fpgo: encoding request: %w", err)
		}
		reqBody = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.endpoint(path), reqBody)
	if err != nil {
		return nil, fmt.Errorf("fpgo: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	if key := idempotencyKey(ctx); key != "" && method == http.MethodPost {
		req.Header.Set("Idempotency-Key", key)
	}

	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fpgo: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fpgo: reading response: %w", err)
	}
	if len(raw) > maxResponseBytes {
		return nil, fmt.Errorf("fpgo: %s %s: response larger than %d bytes", method, path, maxResponseBytes)
	}
	httpOK := resp.StatusCode >= 200 && resp.StatusCode < 300
	if httpOK && len(bytes.TrimSpace(raw)) == 0 {
		return &Envelope{StatusCode: resp.StatusCode}, nil
	}

	var env Envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		if !httpOK {
			return nil, &APIError{
				StatusCode:    resp.StatusCode,
				StatusMessage: http.StatusText(resp.StatusCode),
				RetryAfter:    retryAfter(resp.Header),
			}
		}
		return nil, fmt.Errorf("fpgo: %s %s: response is not a JSON envelope: %w", method, path, err)
	}
	status := resp.StatusCode
	if httpOK && env.StatusCode != 0 && (env.StatusCode < 200 || env.StatusCode >= 300) {
		// An error envelope sent with HTTP 200 is still an error; its own code says which.
		status, httpOK = env.StatusCode, false
	}
	if !httpOK {
		return &env, newAPIError(status, &env, resp.Header)
	}
	if out != nil && len(env.Data) > 0 && string(env.Data) != "null" {
		if err := json.Unmarshal(env.Data, out); err != nil {
			return &env, fmt.Errorf("fpgo: %s %s: decoding data: %w", method, path, err)
		}
	}
	return &env, nil
}

func (c *Client) endpoint(path string) string {
	if strings.HasPrefix(path, "/api/") {
		return c.baseURL + path
	}
	// Only one slash is trimmed, so the documented "//credit/check/…" paths survive.
	return c.baseURL + connectPrefix + strings.TrimPrefix(path, "/")
}

func newAPIError(status int, env *Envelope, h http.Header) *APIError {
	e := &APIError{
		StatusCode:    status,
		StatusMessage: env.StatusMessage,
		Message:       env.Message,
		RawErrors:     env.Errors,
		RetryAfter:    retryAfter(h),
		Envelope:      env,
	}
	if e.StatusMessage == "" {
		e.StatusMessage = http.StatusText(status)
	}
	var list []string
	var one string
	switch {
	case json.Unmarshal(env.Errors, &list) == nil:
		e.Errors = list
	case json.Unmarshal(env.Errors, &one) == nil && one != "":
		e.Errors = []string{one}
	}
	return e
}

func retryAfter(h http.Header) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// errEmptyUUID keeps a missing identifier from turning into a request for a different path.
var errEmptyUUID = errors.New("fpgo: empty uuid")
