package domain

import (
	"time"

	"github.com/fpgo/fpgo/internal/apperr"
	"github.com/fpgo/fpgo/internal/money"
)

// RefundLine asks for amount back from one order line.
type RefundLine struct {
	LineID int64        `json:"id"`
	Amount money.Amount `json:"amount"`
}

// Refund is one accepted refund request.
type Refund struct {
	UUID      string       `json:"uuid"`
	OrgID     string       `json:"-"`
	OrderUUID string       `json:"orderUuid"`
	Type      string       `json:"type"` // regular | invoiced
	Amount    money.Amount `json:"amount"`
	Lines     []RefundLine `json:"lines"`
	CreatedAt time.Time    `json:"createdAt"`
}

// RefundLimits are the merchant's thresholds and what it refunded in the last seven days.
type RefundLimits struct {
	PerRequest     money.Amount // 0 = none
	Weekly         money.Amount // 0 = none
	RefundedInWeek money.Amount
}

// ApplyRefund checks a refund request against the order and the merchant's limits and, when it
// passes, books it on the lines and moves the order to PARTIALLY REFUNDED or REFUNDED. On error the
// order is unchanged.
func (o *Order) ApplyRefund(grandTotal money.Amount, lines []RefundLine, lim RefundLimits, now time.Time) (Status, error) {
	if !CanHappen(o.Status, ActRefund) {
		return "", refusal(o.Status, ActRefund)
	}
	var sum money.Amount
	perLine := map[int64]money.Amount{}
	for _, rl := range lines {
		l := o.LineByID(rl.LineID)
		if l == nil {
			return "", apperr.Conflict("requestProductIdNotAvailable")
		}
		perLine[rl.LineID] += rl.Amount
		sum += rl.Amount
	}
	if sum != grandTotal {
		return "", apperr.Validation("The grand total must equal the sum of the products' amounts.")
	}
	if o.RefundedAmount+grandTotal > o.PaidAmount() {
		return "", apperr.Conflict("refundRejectionForRefundRequestGreaterThanOrderAmount")
	}
	for id, amt := range perLine {
		l := o.LineByID(id)
		if l.Refunded+amt > l.Amount {
			return "", apperr.Conflict("refundRejectionForProductAmountExceed")
		}
	}
	if lim.PerRequest > 0 && grandTotal > lim.PerRequest {
		return "", apperr.Conflict("refundRejectionForRequestAmountThresholdExceed")
	}
	if lim.Weekly > 0 && lim.RefundedInWeek+grandTotal > lim.Weekly {
		return "", apperr.Conflict("refundRejectionForWeeklyThresholdExceed")
	}
	for id, amt := range perLine {
		o.LineByID(id).Refunded += amt
	}
	o.RefundedAmount += grandTotal
	o.Status = StatusPartiallyRefunded
	if o.RefundedAmount == o.PaidAmount() {
		o.Status = StatusRefunded
	}
	o.UpdatedAt = now
	return o.Status, nil
}
