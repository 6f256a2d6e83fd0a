package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/fpgo/fpgo/internal/apperr"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/ids"
	"github.com/fpgo/fpgo/internal/provider"
	"github.com/fpgo/fpgo/internal/store"
)

// AllMethods is every payment method a customer can choose, as the sandbox API names them.
var AllMethods = []string{provider.MethodVipps, provider.MethodApplePay, provider.MethodGooglePay,
	provider.MethodVisa, provider.MethodMastercard, provider.MethodInvoice}

// sandboxLast4 are the last digits of the approving test cards, so a payment made through the
// sandbox API looks like one made with a test card in the browser.
var sandboxLast4 = map[string]string{provider.MethodVisa: "4242", provider.MethodMastercard: "4444"}

func (c *Checkout) sandboxOnly(method string) error {
	if _, err := c.testClock(); err != nil {
		return err
	}
	if method != "" && !slices.Contains(AllMethods, method) {
		return apperr.Validation("The method must be one of " + strings.Join(AllMethods, ", ") + ".")
	}
	return nil
}

// SandboxPay completes a payment as if the customer had done it in the browser: a card or
// wallet payment pays (or authorizes) the order; "invoice" invoices it, after the same credit
// check the journey makes when the order names a private customer's personal number. An
// invoiced order is settled by any other method.
func (c *Checkout) SandboxPay(ctx context.Context, orgID, uuid, method string) (Ack, error) {
	if err := c.sandboxOnly(method); err != nil {
		return Ack{}, err
	}
	o, err := c.Order(ctx, orgID, uuid)
	if err != nil {
		return Ack{}, err
	}
	if o.Status == domain.StatusInvoiced && method != provider.MethodInvoice {
		return c.PayOrder(ctx, orgID, uuid, method)
	}
	if method == provider.MethodInvoice {
		return c.sandboxInvoice(ctx, o)
	}
	_, att, err := c.claim(ctx, orgID, uuid, method, ids.New(ids.Payment), "sandbox")
	if err != nil {
		return Ack{}, err
	}
	att.State, att.Token = store.AttemptSucceeded, "sandbox_"+att.ID
	if provider.IsCard(method) {
		att.CardBrand, att.CardLast4 = method, sandboxLast4[method]
	}
	res, err := c.finish(ctx, *att)
	return Ack{Status: string(res.Status)}, err
}

func (c *Checkout) sandboxInvoice(ctx context.Context, o *domain.Order) (Ack, error) {
	if !slices.Contains(PaymentMethods(o), provider.MethodInvoice) {
		return Ack{}, InvoiceRefusal(o, nil)
	}
	if o.Customer.Type == domain.Private && o.Customer.PersonalNumber != "" {
		r, err := c.P.Credit.Score(ctx, o.Customer.PersonalNumber)
		if err != nil {
			return Ack{}, apperr.Dependency(err)
		}
		switch creditStatus(r) {
		case store.CreditUnavailable:
			return Ack{}, apperr.Conflict(KeyCreditUnavailable)
		case store.CreditRefused:
			return Ack{}, apperr.Conflict(KeyCreditRefused)
		}
	}
	return write(ctx, c.App, o.OrgID, func(tx store.Tx) (Ack, error) {
		now := c.Clock.Now()
		o, err := c.lockOrder(tx, o.OrgID, o.UUID, now)
		if err != nil {
			return Ack{}, err
		}
		if !slices.Contains(PaymentMethods(o), provider.MethodInvoice) {
			return Ack{}, InvoiceRefusal(o, nil)
		}
		if err := c.invoiceVia(tx, o, now); err != nil {
			return Ack{}, err
		}
		return Ack{Status: string(o.Status)}, nil
	})
}

// SandboxFail records a failed payment attempt with method, as if the customer's card had been
// declined; the order stays payable.
func (c *Checkout) SandboxFail(ctx context.Context, orgID, uuid, method, reason string) (Ack, error) {
	if method == "" {
		method = provider.MethodVisa
	}
	if err := c.sandboxOnly(method); err != nil {
		return Ack{}, err
	}
	if reason == "" {
		reason = "declined"
	}
	if len(reason) > 100 {
		return Ack{}, apperr.Validation("The reason must not be greater than 100 characters.")
	}
	_, att, err := c.claim(ctx, orgID, uuid, method, ids.New(ids.Payment), "sandbox")
	if err != nil {
		return Ack{}, err
	}
	att.State, att.Reason = store.AttemptFailed, reason
	res, err := c.finish(ctx, *att)
	return Ack{Status: string(res.Status)}, err
}

// PaymentAttempts lists the attempts to pay one of the merchant's orders, oldest first.
func (c *Checkout) PaymentAttempts(ctx context.Context, orgID, uuid string) ([]store.PaymentAttempt, error) {
	var out []store.PaymentAttempt
	err := c.Store.Read(ctx, func(tx store.Tx) error {
		if _, err := tx.OrderByUUID(orgID, uuid, false); err != nil {
			return notFound(err, "orderNotFound")
		}
		var err error
		out, err = tx.PaymentAttempts(orgID, uuid)
		return err
	})
	return out, err
}

// SandboxClock tells the sandbox test clock's time and how far it has been moved.
func (c *Checkout) SandboxClock(ctx context.Context) (time.Time, time.Duration, error) {
	tc, err := c.testClock()
	if err != nil {
		return time.Time{}, 0, err
	}
	if err := c.SyncClock(ctx); err != nil {
		return time.Time{}, 0, err
	}
	return tc.Now(), tc.Offset(), nil
}
