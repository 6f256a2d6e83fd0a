package delivery

import (
	"fmt"
	"time"

	"github.com/fpgo/fpgo/internal/callback"
	"github.com/fpgo/fpgo/internal/store"
)

// ParamsFunc builds the query parameters of one kind of callback, without the checksum, for an
// attempt sent at sentAt. The worker signs them and appends them to the merchant's URL.
type ParamsFunc func(d *store.CallbackDelivery, sentAt time.Time) []callback.Param

// kinds maps an event kind (domain.CallbackEvent.Kind) to its parameters. A new kind of
// callback is one entry here plus the emit that writes its events.
var kinds = map[string]ParamsFunc{
	"order":        orderParams,
	"reservation":  orderParams, // the seeds: orderUuid is "for Reservation, Regular Order and Subscription"
	"subscription": orderParams,
}

// orderParams are the documented order callback parameters: orderUuid, status, paymentMethod,
// amount, createdAt (the order's creation), timestamp (this attempt's send time).
func orderParams(d *store.CallbackDelivery, sentAt time.Time) []callback.Param {
	return callback.OrderParams(d.SubjectUUID, d.Status, d.PaymentMethod, d.Amount, d.SubjectAt, sentAt)
}

// Params returns the parameters of d's callback for an attempt sent at sentAt.
func Params(d *store.CallbackDelivery, sentAt time.Time) ([]callback.Param, error) {
	f, ok := kinds[d.Kind]
	if !ok {
		return nil, fmt.Errorf("no callback parameters are defined for events of kind %q", d.Kind)
	}
	return f(d, sentAt), nil
}

// SignedURL is the URL an attempt at sentAt calls: the merchant's URL with its own parameters,
// then the kind's parameters, then the checksum made with the merchant's callback secret.
func SignedURL(d *store.CallbackDelivery, secret string, sentAt time.Time) (string, error) {
	params, err := Params(d, sentAt)
	if err != nil {
		return "", err
	}
	return callback.SignedURL(d.URL, params, secret)
}
