package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/fpgo/fpgo/internal/app"
	"github.com/fpgo/fpgo/internal/apperr"
	"github.com/fpgo/fpgo/internal/store"
)

// The callback delivery log is an fpgo extension: FPGO itself has no such endpoint.
//
//	GET  /api/v1/connect/callbacks?orderUuid=ODR…   every callback of the order, with its attempts
//	POST /api/v1/connect/callbacks/{id}/replay      send a delivered or failed callback again

// callbackJSON is one callback with its delivery state. The first fields are the callback's
// parameters as written when the status changed.
type callbackJSON struct {
	ID            int64     `json:"id"`
	Kind          string    `json:"kind"`
	OrderUUID     string    `json:"orderUuid"`
	Status        string    `json:"status"`
	PaymentMethod string    `json:"paymentMethod"`
	Amount        string    `json:"amount"`
	CreatedAt     time.Time `json:"createdAt"` // the order's creation, sent as the createdAt parameter
	URL           string    `json:"url"`       // the callback URL as given by the merchant
	EventAt       time.Time `json:"eventAt"`   // when the status changed

	State          string        `json:"state"` // pending | delivered | failed
	AttemptCount   int           `json:"attemptCount"`
	NextAttemptAt  *time.Time    `json:"nextAttemptAt"` // while pending
	LastStatusCode *int          `json:"lastStatusCode"`
	LastError      *string       `json:"lastError"`
	DeliveredAt    *time.Time    `json:"deliveredAt"`
	Replays        int           `json:"replays"`
	Attempts       []attemptJSON `json:"attempts"`
}

type attemptJSON struct {
	Attempt       int        `json:"attempt"`
	AttemptedAt   time.Time  `json:"attemptedAt"`
	URL           string     `json:"url"` // the signed URL called (checksum included, never the secret)
	StatusCode    *int       `json:"statusCode"`
	LatencyMs     int64      `json:"latencyMs"`
	Error         *string    `json:"error"`
	Outcome       string     `json:"outcome"` // delivered | pending (retried at nextAttemptAt) | failed
	NextAttemptAt *time.Time `json:"nextAttemptAt"`
}

func intOrNil(v int) *int {
	if v == 0 {
		return nil
	}
	return &v
}

func strOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func toCallbackJSON(c app.CallbackLog) callbackJSON {
	out := callbackJSON{
		ID: c.ID, Kind: c.Kind, OrderUUID: c.SubjectUUID, Status: c.Status, PaymentMethod: c.PaymentMethod, Amount: c.Amount,
		CreatedAt: c.SubjectAt, URL: c.URL, EventAt: c.CreatedAt,
		State: c.State, AttemptCount: len(c.Attempts), LastStatusCode: intOrNil(c.LastStatusCode), LastError: strOrNil(c.LastError),
		DeliveredAt: c.DeliveredAt, Replays: c.Replays, Attempts: []attemptJSON{},
	}
	if c.State == store.CallbackPending {
		next := c.NextAttemptAt
		out.NextAttemptAt = &next
	}
	for _, a := range c.Attempts {
		out.Attempts = append(out.Attempts, attemptJSON{
			Attempt: a.Attempt, AttemptedAt: a.AttemptedAt, URL: a.URL, StatusCode: intOrNil(a.StatusCode),
			LatencyMs: a.Latency.Milliseconds(), Error: strOrNil(a.Error), Outcome: a.Outcome, NextAttemptAt: a.NextAttemptAt,
		})
	}
	return out
}

func (s *Server) callbackLog(w http.ResponseWriter, r *http.Request) {
	uuid := r.URL.Query().Get("orderUuid")
	if uuid == "" {
		fail(w, r, apperr.Validation("The order uuid field is required."))
		return
	}
	logs, err := s.app.Callbacks(r.Context(), merchantOf(r).ID, uuid)
	if err != nil {
		fail(w, r, err)
		return
	}
	out := make([]callbackJSON, 0, len(logs))
	for _, c := range logs {
		out = append(out, toCallbackJSON(c))
	}
	ok(w, 200, "callbacksRetrievedSuccessfully", true, out)
}

func (s *Server) replayCallback(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		fail(w, r, app.ErrCallbackNotFound)
		return
	}
	c, err := s.app.ReplayCallback(r.Context(), merchantOf(r).ID, id)
	if err != nil {
		fail(w, r, err)
		return
	}
	ok(w, 200, "callbackQueuedForReplay", true, toCallbackJSON(c))
}
