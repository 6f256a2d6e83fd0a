package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// Client calls the FPGO Connect API endpoints the workloads use.
//
// It sends its requests through fasthttp rather than net/http: the load generator shares the
// machine (in-process, the very cores) with the server it measures, and net/http's client cost
// about 85 µs of CPU per request here, a quarter of what a whole order create costs the server.
// fasthttp reuses its request and response buffers and needs a fraction of that.
type Client struct {
	base    string // http://host:port
	auth    string // "Bearer …"
	hc      *fasthttp.HostClient
	keyBase string // random per run, so Idempotency-Keys never collide with an earlier run
	keySeq  atomic.Int64
}

// requestTimeout bounds one request, as a client's timeout would.
const requestTimeout = 60 * time.Second

// NewClient returns a client for the server at baseURL. conns is the expected concurrency;
// the pool grows past it (open loop) up to maxConns.
func NewClient(baseURL, token string, conns int) *Client {
	base := strings.TrimRight(baseURL, "/")
	hc := &fasthttp.HostClient{
		MaxConns:                      maxConns(conns),
		MaxIdleConnDuration:           90 * time.Second,
		ReadTimeout:                   requestTimeout,
		WriteTimeout:                  requestTimeout,
		MaxConnWaitTimeout:            requestTimeout,
		NoDefaultUserAgentHeader:      true,
		DisableHeaderNamesNormalizing: true,
		DisablePathNormalizing:        true,
	}
	if u, err := url.Parse(base); err == nil {
		hc.Addr = u.Host
		hc.IsTLS = u.Scheme == "https"
		if u.Port() == "" {
			if hc.IsTLS {
				hc.Addr += ":443"
			} else {
				hc.Addr += ":80"
			}
		}
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return &Client{
		base:    base,
		auth:    "Bearer " + token,
		hc:      hc,
		keyBase: "bench-" + hex.EncodeToString(b) + "-",
	}
}

// maxConns: enough connections for the open loop's most outstanding requests.
func maxConns(conns int) int { return max(conns+16, 4096+16) }

// Close drops idle connections.
func (c *Client) Close() { c.hc.CloseIdleConnections() }

// errDropped marks an open-loop send skipped because too many requests were outstanding.
var errDropped = errors.New("dropped: too many requests in flight")

// Result is one request's outcome. Status is 0 when the request failed before an HTTP answer.
type Result struct {
	Status int
	UUID   string // for creates: the new order's uuid
	Err    error
}

// OK reports a 2xx answer.
func (r Result) OK() bool { return r.Status >= 200 && r.Status < 300 }

// Cause names the failure for error counting: the status code, or "transport".
func (r Result) Cause() string {
	if r.Err == errDropped {
		return "dropped"
	}
	if r.Status == 0 {
		return "transport"
	}
	return strconv.Itoa(r.Status)
}

// OrderBody returns the seed payment-link order (one product line, grandTotal matching) dated
// now, with callbackURL as the callback (empty: none).
func OrderBody(now time.Time, callbackURL string) []byte {
	var b bytes.Buffer
	b.Grow(700)
	b.WriteString(`{"products":[{"name":"Hair Wash","productId":"HW-1","quantity":"1","rate":51,"discount":0,"tax":"0","amount":51}],` +
		`"orderSummary":{"subTotal":"51.00","totalTax":"0.00","totalDiscount":"0.00","grandTotal":"51.00"},` +
		`"orderDate":"`)
	b.WriteString(strconv.FormatInt(now.Unix(), 10))
	b.WriteString(`","customerDetails":{"type":"private","countryCode":"+47","msisdn":"46567468","email":"kari@example.no",` +
		`"name":"Kari Nordmann","preferredLanguage":"en","address":{"street":"Luramyrveien 65","zip":"4313","city":"Sandnes","country":"NO"}},` +
		`"invoiceAsPaymentOption":true,"referenceNo":"bench"`)
	if callbackURL != "" {
		u, _ := json.Marshal(callbackURL)
		b.WriteString(`,"callback":{"callbackUrl":`)
		b.Write(u)
		b.WriteString(`}`)
	}
	b.WriteString(`}`)
	return b.Bytes()
}

// NewKey returns a fresh Idempotency-Key.
func (c *Client) NewKey() string {
	return c.keyBase + strconv.FormatInt(c.keySeq.Add(1), 10)
}

// CreateOrder creates a payment-link order with its own Idempotency-Key.
func (c *Client) CreateOrder(ctx context.Context, callbackURL string) Result {
	return c.CreateOrderKey(ctx, callbackURL, c.NewKey())
}

// CreateOrderKey creates a payment-link order with the given Idempotency-Key.
func (c *Client) CreateOrderKey(ctx context.Context, callbackURL, key string) Result {
	body := OrderBody(time.Now(), callbackURL)
	res, data := c.do(ctx, http.MethodPost, "/api/v1/connect/orders/payment-link/create", body, key, true)
	if res.OK() {
		var env struct {
			Data struct {
				UUID string `json:"uuid"`
			} `json:"data"`
		}
		if err := json.Unmarshal(data, &env); err != nil || env.Data.UUID == "" {
			return Result{Status: res.Status, Err: fmt.Errorf("create: no uuid in answer %.200q", data)}
		}
		res.UUID = env.Data.UUID
	}
	return res
}

// Status fetches orders/status/{uuid}.
func (c *Client) Status(ctx context.Context, uuid string) Result {
	res, _ := c.do(ctx, http.MethodGet, "/api/v1/connect/orders/status/"+uuid, nil, "", false)
	return res
}

// Details fetches orders/details/{uuid}.
func (c *Client) Details(ctx context.Context, uuid string) Result {
	res, _ := c.do(ctx, http.MethodGet, "/api/v1/connect/orders/details/"+uuid, nil, "", false)
	return res
}

// LineIDs fetches orders/details/{uuid} and returns the ids of its product lines (refunds name them).
func (c *Client) LineIDs(ctx context.Context, uuid string) (Result, []int64) {
	res, data := c.do(ctx, http.MethodGet, "/api/v1/connect/orders/details/"+uuid, nil, "", true)
	if !res.OK() {
		return res, nil
	}
	var env struct {
		Data struct {
			ProductList []struct {
				ID int64 `json:"id"`
			} `json:"productList"`
		} `json:"data"`
	}
	if err := json.Unmarshal(data, &env); err != nil || len(env.Data.ProductList) == 0 {
		return Result{Status: res.Status, Err: fmt.Errorf("details: no productList in answer %.200q", data)}, nil
	}
	ids := make([]int64, len(env.Data.ProductList))
	for i, p := range env.Data.ProductList {
		ids[i] = p.ID
	}
	return res, ids
}

var payBody = []byte(`{"method":"visa"}`)

// Pay completes the order's payment with a test card through the sandbox API
// (POST /sandbox/v1/orders/{uuid}/pay), as a customer paying in the browser would.
func (c *Client) Pay(ctx context.Context, uuid string) Result {
	res, _ := c.do(ctx, http.MethodPost, "/sandbox/v1/orders/"+uuid+"/pay", payBody, c.NewKey(), false)
	return res
}

// Refund refunds the seed order's one line (51.00) in full.
func (c *Client) Refund(ctx context.Context, uuid string, lineID int64) Result {
	body := []byte(`{"type":"regular","grandTotal":"51.00","products":[{"id":` + strconv.FormatInt(lineID, 10) + `,"amount":"51.00"}]}`)
	res, _ := c.do(ctx, http.MethodPost, "/api/v1/connect/orders/refund/"+uuid, body, c.NewKey(), false)
	return res
}

var cancelBody = []byte(`{"cancellationNote":"fpgo bench"}`)

// Cancel cancels an order (a status change, so it writes a callback to the outbox).
func (c *Client) Cancel(ctx context.Context, uuid string) Result {
	res, _ := c.do(ctx, http.MethodPost, "/api/v1/connect/orders/cancel/"+uuid, cancelBody, c.NewKey(), false)
	return res
}

// Healthy reports whether GET /healthz answers 200.
func (c *Client) Healthy(ctx context.Context) bool {
	res, _ := c.do(ctx, http.MethodGet, "/healthz", nil, "", false)
	return res.Status == http.StatusOK
}

// do sends one request. The answer's body is returned (a copy) when keep is set or the status
// is not 2xx. The request ends at ctx's deadline, or after requestTimeout.
func (c *Client) do(ctx context.Context, method, path string, body []byte, key string, keep bool) (Result, []byte) {
	if err := ctx.Err(); err != nil {
		return Result{Err: err}, nil
	}
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(c.base + path)
	req.Header.SetMethod(method)
	req.Header.Set("Authorization", c.auth)
	if body != nil {
		req.Header.SetContentType("application/json")
		req.SetBodyRaw(body)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	deadline := time.Now().Add(requestTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := c.hc.DoDeadline(req, resp, deadline); err != nil {
		return Result{Err: err}, nil
	}
	res := Result{Status: resp.StatusCode()}
	if keep || !res.OK() {
		data := bytes.Clone(resp.Body())
		if !res.OK() {
			res.Err = fmt.Errorf("%s %s: %d %.300s", method, path, res.Status, data)
		}
		return res, data
	}
	return res, nil
}
