package bench

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Workload names.
const (
	WorkloadCreate    = "create"
	WorkloadMixed     = "mixed"
	WorkloadCallbacks = "callbacks"
)

// Request kinds, as counted in the report.
const (
	KindCreate  = "create"
	KindStatus  = "status"
	KindDetails = "details"
	KindCancel  = "cancel"
	KindPay     = "pay"
	KindRefund  = "refund"
)

// CreateWorkload creates one payment-link order per unit of work, each with its own
// Idempotency-Key and with callbackURL as its callback.
func CreateWorkload(c *Client, callbackURL string, onCreated func(uuid string)) Workload {
	return WorkloadFunc(func(ctx context.Context, start time.Time, rec Rec) {
		res := c.CreateOrder(ctx, callbackURL)
		rec(KindCreate, res, time.Since(start))
		if res.OK() && onCreated != nil {
			onCreated(res.UUID)
		}
	})
}

// OrderPool remembers orders created so far: the most recent ones for reads, and every one
// still unchanged for a status change (each order is cancelled or refunded at most once).
type OrderPool struct {
	mu     sync.Mutex
	recent []string // ring of the most recent orders
	next   int
	fresh  []string
}

const recentSize = 1 << 16

// Add remembers a new order.
func (p *OrderPool) Add(uuid string) {
	p.mu.Lock()
	if len(p.recent) < recentSize {
		p.recent = append(p.recent, uuid)
	} else {
		p.recent[p.next] = uuid
		p.next = (p.next + 1) % recentSize
	}
	p.fresh = append(p.fresh, uuid)
	p.mu.Unlock()
}

// Any returns a random recent order, or "" when there is none.
func (p *OrderPool) Any() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.recent) == 0 {
		return ""
	}
	return p.recent[rand.IntN(len(p.recent))]
}

// TakeFresh removes and returns an order whose status nobody has changed yet, or "".
func (p *OrderPool) TakeFresh() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.fresh)
	if n == 0 {
		return ""
	}
	u := p.fresh[n-1]
	p.fresh = p.fresh[:n-1]
	return u
}

// Fresh counts the orders TakeFresh can still return.
func (p *OrderPool) Fresh() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.fresh)
}

// MixedOp picks the unit of the mixed workload from a uniform r in [0, 1): 60% create, 15%
// status, 15% details, 10% a status change of an earlier order — with refunds, half of those
// cancel and half refund; without, all cancel.
func MixedOp(r float64, refunds bool) string {
	switch {
	case r < 0.60:
		return KindCreate
	case r < 0.75:
		return KindStatus
	case r < 0.90:
		return KindDetails
	case r < 0.95 || !refunds:
		return KindCancel
	default:
		return KindRefund
	}
}

// MixedWorkload is 60% creates, 30% reads of earlier orders (status or details), 10% cancels or
// refunds of earlier orders. A refund needs a PAID order, so its unit is three requests: the
// sandbox API pays the order with a test card, details give the line id, then the refund; with
// refunds false (no sandbox API), the 10% are all cancels. While no earlier order is known, a
// read or status change becomes a create.
func MixedWorkload(c *Client, callbackURL string, refunds bool) Workload {
	pool := &OrderPool{}
	return WorkloadFunc(func(ctx context.Context, start time.Time, rec Rec) {
		kind := MixedOp(rand.Float64(), refunds)
		uuid := ""
		switch kind {
		case KindStatus, KindDetails:
			uuid = pool.Any()
		case KindCancel, KindRefund:
			uuid = pool.TakeFresh()
		}
		if uuid == "" {
			kind = KindCreate
		}
		switch kind {
		case KindCreate:
			res := c.CreateOrder(ctx, callbackURL)
			rec(kind, res, time.Since(start))
			if res.OK() {
				pool.Add(res.UUID)
			}
		case KindStatus:
			rec(kind, c.Status(ctx, uuid), time.Since(start))
		case KindDetails:
			rec(kind, c.Details(ctx, uuid), time.Since(start))
		case KindCancel:
			rec(kind, c.Cancel(ctx, uuid), time.Since(start))
		case KindRefund:
			res := c.Pay(ctx, uuid)
			rec(KindPay, res, time.Since(start))
			if !res.OK() {
				return
			}
			t := time.Now()
			res, lines := c.LineIDs(ctx, uuid)
			rec(KindDetails, res, time.Since(t))
			if !res.OK() {
				return
			}
			t = time.Now()
			rec(KindRefund, c.Refund(ctx, uuid, lines[0]), time.Since(t))
		}
	})
}

// Prefill creates n orders (callback to callbackURL) with clients concurrent clients and adds
// them to pool; it is set-up, not measured. It returns how many were created.
func Prefill(ctx context.Context, c *Client, callbackURL string, pool *OrderPool, n, clients int) int {
	var left atomic.Int64
	left.Store(int64(n))
	var made atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			failures := 0
			for ctx.Err() == nil && left.Add(-1) >= 0 {
				res := c.CreateOrder(ctx, callbackURL)
				if !res.OK() {
					left.Add(1)
					if failures++; failures > 100 {
						return
					}
					continue
				}
				pool.Add(res.UUID)
				made.Add(1)
			}
		}()
	}
	wg.Wait()
	return int(made.Load())
}

// CallbackReceiver is a local merchant endpoint that answers every callback 200 and remembers
// when the first callback of each order arrived.
type CallbackReceiver struct {
	srv *httptest.Server

	mu        sync.Mutex
	first     map[string]time.Time // orderUuid → first arrival
	total     int                  // every callback received, repeats included
	noUUID    int
	cancelled map[string]time.Time // orderUuid → when the client got the cancel's 2xx
	tracking  bool
}

// NewCallbackReceiver starts the receiver on 127.0.0.1.
func NewCallbackReceiver() *CallbackReceiver {
	cr := &CallbackReceiver{first: map[string]time.Time{}, cancelled: map[string]time.Time{}}
	cr.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cr.Received(r.URL.Query().Get("orderUuid"), time.Now())
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("ok"))
	}))
	return cr
}

// URL is the callback URL orders are created with.
func (cr *CallbackReceiver) URL() string { return cr.srv.URL + "/callback?source=fpgo-bench" }

// Close stops the receiver.
func (cr *CallbackReceiver) Close() { cr.srv.Close() }

// Received records a callback for uuid arriving at t.
func (cr *CallbackReceiver) Received(uuid string, t time.Time) {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	cr.total++
	if uuid == "" {
		cr.noUUID++
		return
	}
	if _, ok := cr.first[uuid]; !ok {
		cr.first[uuid] = t
	}
}

// Track starts (clearing what an earlier phase tracked) or stops counting cancels: only orders
// cancelled while tracking are measured, so warm-up and earlier phases do not count.
func (cr *CallbackReceiver) Track(on bool) {
	cr.mu.Lock()
	if on {
		cr.cancelled = map[string]time.Time{}
	}
	cr.tracking = on
	cr.mu.Unlock()
}

// Cancelled records that the cancel of uuid was acknowledged at t.
func (cr *CallbackReceiver) Cancelled(uuid string, t time.Time) {
	cr.mu.Lock()
	if cr.tracking {
		cr.cancelled[uuid] = t
	}
	cr.mu.Unlock()
}

// pending counts tracked cancels whose callback has not arrived yet.
func (cr *CallbackReceiver) pending() int {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	n := 0
	for u := range cr.cancelled {
		if _, ok := cr.first[u]; !ok {
			n++
		}
	}
	return n
}

// Drain waits until every tracked cancel's callback has arrived, no callback has arrived for
// quiet, or max has passed.
func (cr *CallbackReceiver) Drain(ctx context.Context, quiet, max time.Duration) {
	end := time.Now().Add(max)
	last, lastTotal := time.Now(), -1
	for time.Now().Before(end) && ctx.Err() == nil {
		if cr.pending() == 0 {
			return
		}
		cr.mu.Lock()
		total := cr.total
		cr.mu.Unlock()
		if total != lastTotal {
			last, lastTotal = time.Now(), total
		} else if time.Since(last) > quiet {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// CallbackStats is what the callbacks workload reports.
type CallbackStats struct {
	Cancelled           int     `json:"cancelled"`           // status changes acknowledged while measuring
	Delivered           int     `json:"delivered"`           // of those, how many had a callback arrive
	Missing             int     `json:"missing"`             // acknowledged but no callback by the end
	Received            int     `json:"received"`            // every callback request, repeats and warm-up included
	DeliveriesPerSecond float64 `json:"deliveriesPerSecond"` // Delivered / (last arrival − start of measuring)
	LagP50Ms            float64 `json:"lagP50Ms"`            // arrival − cancel acknowledged
	LagP99Ms            float64 `json:"lagP99Ms"`
	LagMaxMs            float64 `json:"lagMaxMs"`
	Early               int     `json:"early"` // arrived before the client saw the cancel's answer (lag counted as 0)
}

// Stats joins cancels and arrivals; start is when measuring began.
func (cr *CallbackReceiver) Stats(start time.Time) CallbackStats {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	return callbackStats(cr.cancelled, cr.first, cr.total, start)
}

func callbackStats(cancelled, first map[string]time.Time, total int, start time.Time) CallbackStats {
	s := CallbackStats{Cancelled: len(cancelled), Received: total}
	lags := make([]time.Duration, 0, len(cancelled))
	var last time.Time
	for u, at := range cancelled {
		got, ok := first[u]
		if !ok {
			s.Missing++
			continue
		}
		s.Delivered++
		if got.After(last) {
			last = got
		}
		lag := got.Sub(at)
		if lag < 0 {
			s.Early++
			lag = 0
		}
		lags = append(lags, lag)
	}
	if s.Delivered > 0 {
		if span := last.Sub(start); span > 0 {
			s.DeliveriesPerSecond = float64(s.Delivered) / span.Seconds()
		}
		slices.Sort(lags)
		s.LagP50Ms = Ms(Percentile(lags, 50))
		s.LagP99Ms = Ms(Percentile(lags, 99))
		s.LagMaxMs = Ms(lags[len(lags)-1])
	}
	return s
}

// CallbacksWorkload changes one order's status per unit of work: it cancels an order from pool
// (filled by Prefill) — or, when the pool is empty, creates one and cancels it at once. The
// cancel is the status change whose callback is measured; its answer time is when the lag starts.
func CallbacksWorkload(c *Client, cr *CallbackReceiver, pool *OrderPool) Workload {
	return WorkloadFunc(func(ctx context.Context, start time.Time, rec Rec) {
		uuid := pool.TakeFresh()
		t := start
		if uuid == "" {
			res := c.CreateOrder(ctx, cr.URL())
			rec(KindCreate, res, time.Since(start))
			if !res.OK() {
				return
			}
			uuid, t = res.UUID, time.Now()
		}
		cres := c.Cancel(ctx, uuid)
		done := time.Now()
		rec(KindCancel, cres, done.Sub(t))
		if cres.OK() {
			cr.Cancelled(uuid, done)
		}
	})
}
