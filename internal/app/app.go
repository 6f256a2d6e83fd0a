// Package app holds fpgo's use cases: creating and paying orders, refunds, customers, merchants.
// Each use case validates business rules, drives the domain state machine and runs exactly one
// store transaction, writing the callback outbox in that same transaction. No HTTP, no SQL.
package app

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"

	"github.com/fpgo/fpgo/internal/apperr"
	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/store"
)

// App is the set of use cases over one store.
type App struct {
	Store   store.Store
	Clock   clock.Clock
	Log     *slog.Logger
	BaseURL string // public URL of this fpgo, used in payment links
	Sandbox bool
	// Notify, if set, is called after a committed write use case that queued a callback (to
	// wake the callback worker at once instead of at its next poll). It must not block.
	Notify func()

	tokens tokenCache // merchants by token hash; see Authenticate
}

// New builds an App.
func New(s store.Store, c clock.Clock, log *slog.Logger, baseURL string, sandbox bool) *App {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &App{Store: s, Clock: c, Log: log, BaseURL: strings.TrimRight(baseURL, "/"), Sandbox: sandbox}
}

type idemKey struct{}

// Idempotency names a client's Idempotency-Key and the hash of the request it came with.
type Idempotency struct {
	Key, RequestHash string
}

// WithIdempotency makes the next write use case replay its first result for this key.
func WithIdempotency(ctx context.Context, key, requestHash string) context.Context {
	return context.WithValue(ctx, idemKey{}, Idempotency{Key: key, RequestHash: requestHash})
}

// write runs fn in one transaction. With an Idempotency-Key in ctx, the result is stored in the
// same transaction as the change it describes, so a retry after a crash either replays it or finds
// nothing happened — never a second order. Failed requests store nothing and may be retried.
//
// Most keys are new, so the key is not looked up first: storing the result fails on a key that
// exists, and so does fn when its change was already made (an order already cancelled). Either
// way the transaction is rolled back and run again, this time looking the key up first to replay
// the stored result. That saves a statement per write on the hot path (a round trip on PostgreSQL,
// and time on SQLite's single writer); a replay costs one extra attempt.
func write[T any](ctx context.Context, a *App, orgID string, fn func(tx store.Tx) (T, error)) (T, error) {
	var out T
	idem, hasKey := ctx.Value(idemKey{}).(Idempotency)
	lookFirst := false
	queued := false
	err := a.Store.Write(ctx, func(stx store.Tx) error {
		var zero T
		out = zero
		tx := &queueNotingTx{Tx: stx}
		defer func() { queued = tx.queued }()
		if hasKey && lookFirst {
			prev, err := tx.IdempotentResult(orgID, idem.Key)
			switch {
			case err == nil:
				if prev.RequestHash != idem.RequestHash {
					return &apperr.Error{Kind: apperr.KindIdempotency, Key: "idempotencyKeyReusedWithDifferentPayload"}
				}
				return json.Unmarshal(prev.Result, &out)
			case !errors.Is(err, store.ErrNotFound):
				return err
			}
		}
		res, err := fn(tx)
		if err != nil {
			if hasKey && !lookFirst {
				// fn may have failed because this key's request already happened. If the key is
				// stored, go again and replay it; if the lookup fails (a PostgreSQL transaction
				// aborted by fn's error), fn's error stands.
				if _, lerr := tx.IdempotentResult(orgID, idem.Key); lerr == nil {
					lookFirst = true
					return store.ErrStale
				}
			}
			return err
		}
		if hasKey {
			b, err := json.Marshal(res)
			if err != nil {
				return err
			}
			err = tx.SaveIdempotentResult(orgID, idem.Key, store.IdempotentResult{RequestHash: idem.RequestHash, Result: b}, a.Clock.Now())
			if errors.Is(err, store.ErrStale) {
				lookFirst = true // the key exists: a replay, or a concurrent request that won
			}
			if err != nil {
				return err
			}
		}
		out = res
		return nil
	})
	if err == nil && queued && a.Notify != nil {
		a.Notify()
	}
	return out, err
}

// queueNotingTx notes whether a write queued a callback, so only those wake the worker: waking
// it after every order create cost the single SQLite writer a claim transaction per batch.
type queueNotingTx struct {
	store.Tx
	queued bool
}

func (t *queueNotingTx) EnqueueCallback(e *domain.CallbackEvent) error {
	t.queued = true
	return t.Tx.EnqueueCallback(e)
}

// notFound maps a store miss to the resource's 404 key.
func notFound(err error, key string) error {
	if errors.Is(err, store.ErrNotFound) {
		return apperr.NotFound(key)
	}
	return err
}

// emit writes the callback for the order's current status to the outbox (same transaction).
func (a *App) emit(tx store.Tx, o *domain.Order) error {
	if o.Callbacks.CallbackURL == "" {
		return nil
	}
	return tx.EnqueueCallback(&domain.CallbackEvent{
		OrgID:         o.OrgID,
		Kind:          "order",
		SubjectUUID:   o.UUID,
		Status:        string(o.Status),
		PaymentMethod: o.PaymentMethod,
		Amount:        amountText(o),
		SubjectAt:     o.CreatedAt,
		URL:           o.Callbacks.CallbackURL,
		CreatedAt:     a.Clock.Now(),
	})
}

func amountText(o *domain.Order) string {
	b, _ := o.Summary.GrandTotal.MarshalJSON()
	return string(b)
}
