package domain

import (
	"time"

	"github.com/fpgo/fpgo/internal/apperr"
)

// Action is something that may change an order's status.
type Action string

const (
	ActPay           Action = "pay"            // customer paid (card, wallet)
	ActAuthorize     Action = "authorize"      // card authorized, charge delayed
	ActCharge        Action = "charge"         // delayed charge of an authorization
	ActInvoice       Action = "invoice"        // order invoiced (invoice journey, invoice orders)
	ActSettleInvoice Action = "settle-invoice" // invoice paid
	ActCancel        Action = "cancel"
	ActExpire        Action = "expire"
	ActRefund        Action = "refund" // the target is computed from the refunded amount
)

// transitions is the whole order state machine: from -> action -> to. Anything absent is refused.
var transitions = map[Status]map[Action]Status{
	StatusSent: {
		ActPay:       StatusPaid,
		ActAuthorize: StatusAuthorized,
		ActInvoice:   StatusInvoiced,
		ActCancel:    StatusCancelled,
		ActExpire:    StatusExpired,
	},
	StatusAuthorized: {
		ActCharge: StatusPaid,
		ActCancel: StatusCancelled,
	},
	StatusInvoiced: {
		ActSettleInvoice: StatusPaid,
		ActCancel:        StatusCancelled,
		ActRefund:        StatusPartiallyRefunded,
	},
	StatusPaid: {
		ActRefund: StatusPartiallyRefunded,
	},
	StatusPartiallyRefunded: {
		ActRefund: StatusPartiallyRefunded,
	},
}

// Next returns the status the action leads to from s, or the FPGO conflict error that explains
// why it cannot happen. Refunds return PARTIALLY REFUNDED here; Refund decides between that and
// REFUNDED from the amounts.
func Next(s Status, a Action) (Status, error) {
	if to, ok := transitions[s][a]; ok {
		return to, nil
	}
	return "", refusal(s, a)
}

// CanHappen reports whether a is allowed from s.
func CanHappen(s Status, a Action) bool {
	_, ok := transitions[s][a]
	return ok
}

func refusal(s Status, a Action) error {
	switch a {
	case ActCharge:
		return apperr.Conflict("orderNotEligibleForDelayedCharge")
	case ActRefund:
		switch s {
		case StatusCancelled:
			return apperr.Conflict("refundRejectionForRefundedCancelledInvoicedOrderParamCancelled")
		case StatusRefunded:
			return apperr.Conflict("refundRejectionForRefundedCancelledInvoicedOrderParamRefunded")
		default:
			return apperr.Conflict("orderStatusNotPaid")
		}
	}
	switch s {
	case StatusPaid, StatusPartiallyRefunded, StatusRefunded:
		return apperr.Conflict("orderStatusAlreadyPaid")
	case StatusCancelled:
		return apperr.Conflict("orderStatusAlreadyCancelled")
	case StatusExpired:
		return apperr.Conflict("orderStatusAlreadyExpired")
	case StatusInvoiced:
		return apperr.Conflict("orderStatusAlreadyInvoiced")
	case StatusAuthorized:
		return apperr.Conflict("orderStatusAlreadyAuthorized")
	}
	return apperr.Conflict("orderStatusConflict")
}

// CanResend reports whether the payment link (or invoice) may be sent again: only while unpaid.
func CanResend(s Status) error {
	switch s {
	case StatusSent, StatusInvoiced:
		return nil
	}
	return refusal(s, "resend")
}

// IsDue reports whether an unpaid payment link has passed its due date at now.
func (o *Order) IsDue(now time.Time) bool {
	return o.Status == StatusSent && o.DueDate != nil && now.After(*o.DueDate)
}

// Apply moves the order to the status the action leads to.
func (o *Order) Apply(a Action, now time.Time) (Status, error) {
	to, err := Next(o.Status, a)
	if err != nil {
		return "", err
	}
	o.Status = to
	o.UpdatedAt = now
	switch a {
	case ActPay, ActCharge, ActSettleInvoice:
		t := now
		o.PaidAt = &t
	case ActInvoice:
		t := now
		o.InvoicedAt = &t
	}
	return to, nil
}

// MethodInvoice is the payment method of the invoice journey.
const MethodInvoice = "invoice"

// RecordPayment books a successful payment by method: an invoiced order is settled; a card or
// wallet payment of an order with delayed charge is only AUTHORIZED (charged later); anything
// else is PAID.
func (o *Order) RecordPayment(method string, now time.Time) (Status, error) {
	act := ActPay
	if o.DelayedCharge && method != MethodInvoice {
		act = ActAuthorize
	}
	if o.Status == StatusInvoiced {
		act = ActSettleInvoice
	}
	to, err := o.Apply(act, now)
	if err != nil {
		return "", err
	}
	o.PaymentMethod = method
	return to, nil
}
