package domain

import (
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/apperr"
	"github.com/fpgo/fpgo/internal/money"
)

func paidOrder() *Order {
	return &Order{
		Status: StatusPaid,
		Lines: []Line{
			{ID: 1, Amount: 100_00},
			{ID: 2, Amount: 50_00},
		},
		Summary: Summary{GrandTotal: 150_00},
	}
}

func TestApplyRefund(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	noLimits := RefundLimits{}
	cases := []struct {
		name       string
		prepare    func(o *Order)
		grand      money.Amount
		lines      []RefundLine
		lim        RefundLimits
		wantKey    string
		wantStatus Status
		wantRef    money.Amount
	}{
		{"partial", nil, 10_00, []RefundLine{{1, 10_00}}, noLimits, "", StatusPartiallyRefunded, 10_00},
		{"full", nil, 150_00, []RefundLine{{1, 100_00}, {2, 50_00}}, noLimits, "", StatusRefunded, 150_00},
		{"same line twice sums", nil, 100_00, []RefundLine{{1, 60_00}, {1, 40_00}}, noLimits, "", StatusPartiallyRefunded, 100_00},
		{"unknown line", nil, 1_00, []RefundLine{{9, 1_00}}, noLimits, "requestProductIdNotAvailable", StatusPaid, 0},
		{"line exceeded", nil, 60_00, []RefundLine{{2, 60_00}}, noLimits, "refundRejectionForProductAmountExceed", StatusPaid, 0},
		{"line exceeded across requests", func(o *Order) {
			o.Lines[1].Refunded = 40_00
			o.RefundedAmount = 40_00
			o.Status = StatusPartiallyRefunded
		},
			20_00, []RefundLine{{2, 20_00}}, noLimits, "refundRejectionForProductAmountExceed", StatusPartiallyRefunded, 40_00},
		{"total exceeded", func(o *Order) { o.RefundedAmount = 140_00; o.Status = StatusPartiallyRefunded },
			20_00, []RefundLine{{1, 20_00}}, noLimits, "refundRejectionForRefundRequestGreaterThanOrderAmount", StatusPartiallyRefunded, 140_00},
		{"grand total mismatch", nil, 11_00, []RefundLine{{1, 10_00}}, noLimits, "payloadValidationErrors", StatusPaid, 0},
		{"per request limit", nil, 20_00, []RefundLine{{1, 20_00}}, RefundLimits{PerRequest: 10_00}, "refundRejectionForRequestAmountThresholdExceed", StatusPaid, 0},
		{"per request limit exactly", nil, 10_00, []RefundLine{{1, 10_00}}, RefundLimits{PerRequest: 10_00}, "", StatusPartiallyRefunded, 10_00},
		{"weekly limit", nil, 20_00, []RefundLine{{1, 20_00}}, RefundLimits{Weekly: 100_00, RefundedInWeek: 90_00}, "refundRejectionForWeeklyThresholdExceed", StatusPaid, 0},
		{"weekly limit exactly", nil, 10_00, []RefundLine{{1, 10_00}}, RefundLimits{Weekly: 100_00, RefundedInWeek: 90_00}, "", StatusPartiallyRefunded, 10_00},
		{"unpaid", func(o *Order) { o.Status = StatusSent }, 1_00, []RefundLine{{1, 1_00}}, noLimits, "orderStatusNotPaid", StatusSent, 0},
		{"cancelled", func(o *Order) { o.Status = StatusCancelled }, 1_00, []RefundLine{{1, 1_00}}, noLimits,
			"refundRejectionForRefundedCancelledInvoicedOrderParamCancelled", StatusCancelled, 0},
		{"refunded", func(o *Order) { o.Status = StatusRefunded; o.RefundedAmount = 150_00 }, 1_00, []RefundLine{{1, 1_00}}, noLimits,
			"refundRejectionForRefundedCancelledInvoicedOrderParamRefunded", StatusRefunded, 150_00},
		{"invoiced order", func(o *Order) { o.Status = StatusInvoiced }, 50_00, []RefundLine{{2, 50_00}}, noLimits, "", StatusPartiallyRefunded, 50_00},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := paidOrder()
			if c.prepare != nil {
				c.prepare(o)
			}
			before := [2]money.Amount{o.Lines[0].Refunded, o.Lines[1].Refunded}
			_, err := o.ApplyRefund(c.grand, c.lines, c.lim, now)
			if got := apperr.Key(err); got != c.wantKey {
				t.Fatalf("key = %q (%v), want %q", got, err, c.wantKey)
			}
			if o.Status != c.wantStatus || o.RefundedAmount != c.wantRef {
				t.Fatalf("status %s refunded %s, want %s %s", o.Status, o.RefundedAmount, c.wantStatus, c.wantRef)
			}
			if err != nil && (o.Lines[0].Refunded != before[0] || o.Lines[1].Refunded != before[1]) {
				t.Fatal("a refused refund changed line amounts")
			}
		})
	}
}

func TestCheckTotals(t *testing.T) {
	line := func(q money.Quantity, rate, disc, amount money.Amount) Line {
		return Line{Quantity: q, Rate: rate, Discount: disc, Amount: amount}
	}
	cases := []struct {
		name    string
		lines   []Line
		summary Summary
		want    int
	}{
		{"seed example", []Line{line(1000, 4500_00, 0, 4500_00)}, Summary{GrandTotal: 4500_00}, 0},
		{"discount and shipping", []Line{line(2000, 100_00, 10_00, 190_00)}, Summary{ShippingCost: 49_00, GrandTotal: 239_00}, 0},
		{"rounding within one øre per line", []Line{line(3000, 33_33, 0, 100_00), line(1000, 1_00, 0, 1_00)}, Summary{GrandTotal: 101_01}, 0},
		{"line amount wrong", []Line{line(2000, 100_00, 0, 100_00)}, Summary{GrandTotal: 100_00}, 1},
		{"grand total wrong", []Line{line(1000, 51_00, 0, 51_00)}, Summary{GrandTotal: 52_00}, 1},
		{"fractional quantity", []Line{line(1500, 10_00, 0, 15_00)}, Summary{GrandTotal: 15_00}, 0},
	}
	for _, c := range cases {
		if got := CheckTotals(c.lines, c.summary); len(got) != c.want {
			t.Errorf("%s: %d messages %v, want %d", c.name, len(got), got, c.want)
		}
	}
	msgs := CheckTotals([]Line{line(1000, 51_00, 0, 51_00)}, Summary{GrandTotal: 52_00})
	if msgs[0] != "The order summary.grand total must equal the sum of the products' amounts plus the shipping cost (51.00)." {
		t.Fatalf("message = %q", msgs[0])
	}
}

func TestMaskPersonalNumber(t *testing.T) {
	for in, want := range map[string]string{"04058512385": "04*******85", "": "", "1234": "****", "12345": "12*45"} {
		if got := MaskPersonalNumber(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMerchantSettings(t *testing.T) {
	s := DefaultMerchantSettings()
	for _, r := range []money.Rate{0, 1200, 1500, 2500} {
		if !s.AllowsTax(r) {
			t.Errorf("default rates must allow %s", r)
		}
	}
	if s.AllowsTax(1300) || s.RateLimit != 240 || s.Currency != "NOK" {
		t.Fatalf("defaults: %+v", s)
	}
}
