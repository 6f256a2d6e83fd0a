package app

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/fpgo/fpgo/internal/apperr"
	"github.com/fpgo/fpgo/internal/callback"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/store"
)

// CallbackLog is one callback with its delivery state and every attempt made so far.
type CallbackLog struct {
	store.CallbackDelivery
	Attempts []store.CallbackAttempt
}

// ErrCallbackNotFound: no such callback for this merchant.
var ErrCallbackNotFound = apperr.NotFound("callbackNotFound")

// Callbacks lists the callbacks of one of the merchant's orders (or reservations, …), oldest
// first, with their delivery logs.
func (a *App) Callbacks(ctx context.Context, orgID, subjectUUID string) ([]CallbackLog, error) {
	return a.ListCallbacks(ctx, store.CallbackFilter{OrgIDs: []string{orgID}, SubjectUUIDs: []string{subjectUUID}, Limit: 1000})
}

// ListCallbacks lists callbacks of any merchant for operators (fpgo callbacks list).
func (a *App) ListCallbacks(ctx context.Context, f store.CallbackFilter) ([]CallbackLog, error) {
	var out []CallbackLog
	err := a.Store.Read(ctx, func(tx store.Tx) error {
		ds, err := tx.ListCallbacks(f)
		if err != nil {
			return err
		}
		ids := make([]int64, len(ds))
		for i, d := range ds {
			ids[i] = d.ID
		}
		atts, err := tx.CallbackAttempts(ids)
		if err != nil {
			return err
		}
		out = make([]CallbackLog, len(ds))
		for i, d := range ds {
			out[i] = CallbackLog{CallbackDelivery: d, Attempts: atts[d.ID]}
		}
		return nil
	})
	return out, err
}

// ReplayCallback queues a callback again: a delivered or failed one gets a new round of attempts
// (the same event, signed with a new timestamp), a pending one is tried now. orgID "" lets an
// operator replay any merchant's callback.
func (a *App) ReplayCallback(ctx context.Context, orgID string, id int64) (CallbackLog, error) {
	return write(ctx, a, orgID, func(tx store.Tx) (CallbackLog, error) {
		d, err := tx.RequeueCallback(orgID, id, a.Clock.Now())
		if errors.Is(err, store.ErrNotFound) {
			return CallbackLog{}, ErrCallbackNotFound
		}
		if err != nil {
			return CallbackLog{}, err
		}
		atts, err := tx.CallbackAttempts([]int64{id})
		if err != nil {
			return CallbackLog{}, err
		}
		return CallbackLog{CallbackDelivery: *d, Attempts: atts[id]}, nil
	})
}

// checkCallbackURL applies production's rule to an order's callback URL when it is created:
// a public https URL. The delivery worker checks again when it connects (DNS may change).
func (a *App) checkCallbackURL(c domain.Callbacks) error {
	if a.Sandbox || c.CallbackURL == "" {
		return nil
	}
	if err := callback.CheckDestination(c.CallbackURL, true); err != nil {
		if u, perr := url.Parse(c.CallbackURL); perr != nil || !strings.EqualFold(u.Scheme, "https") || u.Host == "" {
			return apperr.Validation("The callback.callback url must be a valid https URL.")
		}
		return apperr.Validation("The callback.callback url must point to a public host.")
	}
	return nil
}
