package domain

import (
	"fmt"

	"github.com/fpgo/fpgo/internal/money"
)

// CheckTotals verifies the arithmetic a merchant sent: each line's amount is quantity × rate −
// discount, and the grand total is the lines plus shipping, each within one øre per line (clients
// round per line). It returns Laravel-style messages for the 417 envelope, nil when consistent.
func CheckTotals(lines []Line, s Summary) []string {
	var msgs []string
	var sum money.Amount
	for i, l := range lines {
		want, err := money.LineTotal(l.Quantity, l.Rate, l.Discount)
		if err != nil {
			msgs = append(msgs, fmt.Sprintf("The products.%d.amount is out of range.", i))
			continue
		}
		if !money.WithinTolerance(want, l.Amount, 1) {
			msgs = append(msgs, fmt.Sprintf("The products.%d.amount must equal quantity × rate − discount (%s).", i, want))
		}
		if l.Amount < 0 {
			msgs = append(msgs, fmt.Sprintf("The products.%d.amount must be at least 0.", i))
		}
		sum += l.Amount
	}
	total := sum + s.ShippingCost
	tol := money.Amount(len(lines))
	if tol == 0 {
		tol = 1
	}
	if !money.WithinTolerance(total, s.GrandTotal, tol) {
		msgs = append(msgs, fmt.Sprintf("The order summary.grand total must equal the sum of the products' amounts plus the shipping cost (%s).", total))
	}
	return msgs
}
