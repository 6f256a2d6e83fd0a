package domain

import (
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/apperr"
)

// TestTransitionTable checks every status × action pair: either the documented next status or
// the documented refusal key. A new transition must be added here on purpose.
func TestTransitionTable(t *testing.T) {
	ok := func(to Status) string { return "->" + string(to) }
	want := map[Status]map[Action]string{
		StatusSent: {ActPay: ok(StatusPaid), ActAuthorize: ok(StatusAuthorized), ActCharge: "orderNotEligibleForDelayedCharge",
			ActInvoice: ok(StatusInvoiced), ActSettleInvoice: "orderStatusConflict", ActCancel: ok(StatusCancelled),
			ActExpire: ok(StatusExpired), ActRefund: "orderStatusNotPaid"},
		StatusAuthorized: {ActPay: "orderStatusAlreadyAuthorized", ActAuthorize: "orderStatusAlreadyAuthorized", ActCharge: ok(StatusPaid),
			ActInvoice: "orderStatusAlreadyAuthorized", ActSettleInvoice: "orderStatusAlreadyAuthorized", ActCancel: ok(StatusCancelled),
			ActExpire: "orderStatusAlreadyAuthorized", ActRefund: "orderStatusNotPaid"},
		StatusPaid: {ActPay: "orderStatusAlreadyPaid", ActAuthorize: "orderStatusAlreadyPaid", ActCharge: "orderNotEligibleForDelayedCharge",
			ActInvoice: "orderStatusAlreadyPaid", ActSettleInvoice: "orderStatusAlreadyPaid", ActCancel: "orderStatusAlreadyPaid",
			ActExpire: "orderStatusAlreadyPaid", ActRefund: ok(StatusPartiallyRefunded)},
		StatusInvoiced: {ActPay: "orderStatusAlreadyInvoiced", ActAuthorize: "orderStatusAlreadyInvoiced", ActCharge: "orderNotEligibleForDelayedCharge",
			ActInvoice: "orderStatusAlreadyInvoiced", ActSettleInvoice: ok(StatusPaid), ActCancel: ok(StatusCancelled),
			ActExpire: "orderStatusAlreadyInvoiced", ActRefund: ok(StatusPartiallyRefunded)},
		StatusCancelled: {ActPay: "orderStatusAlreadyCancelled", ActAuthorize: "orderStatusAlreadyCancelled", ActCharge: "orderNotEligibleForDelayedCharge",
			ActInvoice: "orderStatusAlreadyCancelled", ActSettleInvoice: "orderStatusAlreadyCancelled", ActCancel: "orderStatusAlreadyCancelled",
			ActExpire: "orderStatusAlreadyCancelled", ActRefund: "refundRejectionForRefundedCancelledInvoicedOrderParamCancelled"},
		StatusExpired: {ActPay: "orderStatusAlreadyExpired", ActAuthorize: "orderStatusAlreadyExpired", ActCharge: "orderNotEligibleForDelayedCharge",
			ActInvoice: "orderStatusAlreadyExpired", ActSettleInvoice: "orderStatusAlreadyExpired", ActCancel: "orderStatusAlreadyExpired",
			ActExpire: "orderStatusAlreadyExpired", ActRefund: "orderStatusNotPaid"},
		StatusPartiallyRefunded: {ActPay: "orderStatusAlreadyPaid", ActAuthorize: "orderStatusAlreadyPaid", ActCharge: "orderNotEligibleForDelayedCharge",
			ActInvoice: "orderStatusAlreadyPaid", ActSettleInvoice: "orderStatusAlreadyPaid", ActCancel: "orderStatusAlreadyPaid",
			ActExpire: "orderStatusAlreadyPaid", ActRefund: ok(StatusPartiallyRefunded)},
		StatusRefunded: {ActPay: "orderStatusAlreadyPaid", ActAuthorize: "orderStatusAlreadyPaid", ActCharge: "orderNotEligibleForDelayedCharge",
			ActInvoice: "orderStatusAlreadyPaid", ActSettleInvoice: "orderStatusAlreadyPaid", ActCancel: "orderStatusAlreadyPaid",
			ActExpire: "orderStatusAlreadyPaid", ActRefund: "refundRejectionForRefundedCancelledInvoicedOrderParamRefunded"},
	}
	actions := []Action{ActPay, ActAuthorize, ActCharge, ActInvoice, ActSettleInvoice, ActCancel, ActExpire, ActRefund}
	if len(want) != len(Statuses) {
		t.Fatalf("table covers %d statuses, domain has %d", len(want), len(Statuses))
	}
	for _, from := range Statuses {
		for _, a := range actions {
			exp, listed := want[from][a]
			if !listed {
				t.Fatalf("missing expectation for %s/%s", from, a)
			}
			to, err := Next(from, a)
			got := ""
			if err != nil {
				if !apperr.IsKind(err, apperr.KindConflict) {
					t.Errorf("%s/%s: error kind %v, want conflict", from, a, err)
				}
				got = apperr.Key(err)
			} else {
				got = "->" + string(to)
			}
			if got != exp {
				t.Errorf("%s + %s = %q, want %q", from, a, got, exp)
			}
			if CanHappen(from, a) != (err == nil) {
				t.Errorf("CanHappen(%s,%s) disagrees with Next", from, a)
			}
		}
	}
}

func TestApplySetsTimestamps(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	o := &Order{Status: StatusSent}
	if _, err := o.Apply(ActPay, now); err != nil {
		t.Fatal(err)
	}
	if o.Status != StatusPaid || o.PaidAt == nil || !o.PaidAt.Equal(now) || !o.UpdatedAt.Equal(now) {
		t.Fatalf("after pay: %+v", o)
	}
	if _, err := o.Apply(ActPay, now); apperr.Key(err) != "orderStatusAlreadyPaid" {
		t.Fatalf("double payment: %v", err)
	}
	o2 := &Order{Status: StatusSent}
	if _, err := o2.Apply(ActInvoice, now); err != nil || o2.InvoicedAt == nil {
		t.Fatalf("invoice: %v %+v", err, o2)
	}
	o3 := &Order{Status: StatusCancelled}
	if _, err := o3.Apply(ActPay, now); err == nil || o3.Status != StatusCancelled || o3.PaidAt != nil {
		t.Fatalf("refused action changed the order: %+v", o3)
	}
}

func TestCanResend(t *testing.T) {
	cases := map[Status]string{
		StatusSent: "", StatusInvoiced: "", StatusPaid: "orderStatusAlreadyPaid", StatusCancelled: "orderStatusAlreadyCancelled",
		StatusExpired: "orderStatusAlreadyExpired", StatusRefunded: "orderStatusAlreadyPaid", StatusPartiallyRefunded: "orderStatusAlreadyPaid",
		StatusAuthorized: "orderStatusAlreadyAuthorized",
	}
	for s, want := range cases {
		if got := apperr.Key(CanResend(s)); got != want {
			t.Errorf("CanResend(%s) = %q, want %q", s, got, want)
		}
	}
}

func TestIsDue(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	past, future := now.Add(-time.Second), now.Add(time.Second)
	cases := []struct {
		name   string
		status Status
		due    *time.Time
		want   bool
	}{
		{"sent past due", StatusSent, &past, true},
		{"sent due exactly now", StatusSent, &now, false},
		{"sent future", StatusSent, &future, false},
		{"sent without due date", StatusSent, nil, false},
		{"paid past due", StatusPaid, &past, false},
	}
	for _, c := range cases {
		o := &Order{Status: c.status, DueDate: c.due}
		if got := o.IsDue(now); got != c.want {
			t.Errorf("%s: IsDue = %v", c.name, got)
		}
	}
}

func TestRecordPayment(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name    string
		status  Status
		delayed bool
		method  string
		want    string
	}{
		{"card", StatusSent, false, "visa", "PAID"},
		{"card with delayed charge", StatusSent, true, "visa", "AUTHORIZED"},
		{"invoice ignores delayed charge", StatusSent, true, MethodInvoice, "PAID"},
		{"invoice settled by card", StatusInvoiced, true, "visa", "PAID"},
		{"paid again", StatusPaid, false, "visa", "orderStatusAlreadyPaid"},
		{"cancelled", StatusCancelled, false, "vipps", "orderStatusAlreadyCancelled"},
	}
	for _, c := range cases {
		o := &Order{Status: c.status, DelayedCharge: c.delayed}
		to, err := o.RecordPayment(c.method, now)
		got := string(to)
		if err != nil {
			got = apperr.Key(err)
			if o.PaymentMethod != "" {
				t.Errorf("%s: a refused payment set the method", c.name)
			}
		} else if o.PaymentMethod != c.method {
			t.Errorf("%s: method %q", c.name, o.PaymentMethod)
		}
		if got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
