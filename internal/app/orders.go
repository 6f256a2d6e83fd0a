package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/fpgo/fpgo/internal/apperr"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/ids"
	"github.com/fpgo/fpgo/internal/invoice"
	"github.com/fpgo/fpgo/internal/money"
	"github.com/fpgo/fpgo/internal/store"
)

// CustomerInput is the customer part of an order request: either a reference to an existing
// customer (UUID) or the details of a new one.
type CustomerInput struct {
	UUID              string
	Type              domain.CustomerType
	Name              string
	FirstName         string
	CountryCode       string
	MSISDN            string
	Email             string
	PreferredLanguage string
	PersonalNumber    string
	OrganizationID    string
	Address           domain.Address
}

// OrderInput is a validated order request.
type OrderInput struct {
	Type      domain.OrderType
	Lines     []domain.Line
	Summary   domain.Summary
	OrderDate time.Time
	DueDate   *time.Time
	Customer  *CustomerInput

	References             domain.References
	Callbacks              domain.Callbacks
	SendBySMS, SendByEmail bool
	InvoiceAsPaymentOption bool
	CreditCheckAvailable   bool
	SecureDetails          bool
	DelayedCharge          *bool // nil: the merchant's default
	PaymentMethod          string
	Language               string
	Invoice                *domain.InvoiceTerms

	// FPGOUUID with FromPartner updates that unpaid order instead of creating one.
	FPGOUUID    string
	FromPartner bool
}

// CreatedOrder is what order creation answers.
type CreatedOrder struct {
	OrderUUID    string `json:"orderUuid"`
	CustomerUUID string `json:"customerUuid"`
	PaymentURL   string `json:"paymentUrl,omitempty"`
	BankIDURL    string `json:"bankIdUrl,omitempty"`
	Status       string `json:"status"`
}

// CreateOrder creates (or, for a partner with fpgoUuid, updates) an order in one transaction.
func (a *App) CreateOrder(ctx context.Context, m *domain.Merchant, in OrderInput) (CreatedOrder, error) {
	if msgs := domain.CheckTotals(in.Lines, in.Summary); len(msgs) > 0 {
		return CreatedOrder{}, apperr.Validation(msgs...)
	}
	if err := a.checkCallbackURL(in.Callbacks); err != nil {
		return CreatedOrder{}, err
	}
	return write(ctx, a, m.ID, func(tx store.Tx) (CreatedOrder, error) {
		now := a.Clock.Now()
		cust, err := a.resolveCustomer(tx, m.ID, in.Customer, now)
		if err != nil {
			return CreatedOrder{}, err
		}
		if in.FPGOUUID != "" {
			return a.updatePartnerOrder(tx, m, in, cust, now)
		}
		o := a.newOrder(m, in, cust, now)
		if invoicedDirectly(o) {
			if err := a.invoiceOrder(tx, o, now); err != nil {
				return CreatedOrder{}, err
			}
		}
		for attempt := 0; ; attempt++ {
			err := tx.InsertOrder(o)
			if err == nil {
				break
			}
			if !errors.Is(err, store.ErrDuplicate) || attempt > 5 {
				return CreatedOrder{}, err
			}
			o.UUID = ids.New(ids.Order) // a collision in the 10-digit space: draw again
		}
		if err := a.notifyLink(tx, o, "", "", "", now); err != nil {
			return CreatedOrder{}, err
		}
		return a.created(o), nil
	})
}

func (a *App) newOrder(m *domain.Merchant, in OrderInput, cust *domain.Customer, now time.Time) *domain.Order {
	o := &domain.Order{
		UUID:                   ids.New(ids.Order),
		OrgID:                  m.ID,
		Type:                   in.Type,
		Status:                 domain.StatusSent,
		Currency:               m.Settings.Currency,
		CreatedAt:              now,
		UpdatedAt:              now,
		FromPartner:            in.FromPartner,
		DelayedCharge:          m.Settings.DelayedCharge,
		SecureDetails:          in.SecureDetails,
		InvoiceAsPaymentOption: in.InvoiceAsPaymentOption,
	}
	applyInput(o, in, cust)
	if in.DelayedCharge != nil {
		o.DelayedCharge = *in.DelayedCharge
	}
	return o
}

// applyInput copies the request onto an order (new, or an unpaid one a partner updates).
func applyInput(o *domain.Order, in OrderInput, cust *domain.Customer) {
	o.Lines = in.Lines
	o.Summary = in.Summary
	o.OrderDate = in.OrderDate
	o.DueDate = in.DueDate
	o.References = in.References
	o.Callbacks = in.Callbacks
	o.SendBySMS, o.SendByEmail = in.SendBySMS, in.SendByEmail
	o.InvoiceAsPaymentOption = in.InvoiceAsPaymentOption
	o.CreditCheckAvailable = in.CreditCheckAvailable
	o.SecureDetails = in.SecureDetails
	o.PaymentMethod = in.PaymentMethod
	o.Language = in.Language
	o.Invoice = in.Invoice
	if cust != nil {
		o.CustomerUUID = cust.UUID
		snap := *cust
		o.Customer = &snap
		if o.Language == "" {
			o.Language = cust.PreferredLanguage
		}
	}
	if o.Language == "" {
		o.Language = domain.DefaultLanguage
	}
}

func (a *App) updatePartnerOrder(tx store.Tx, m *domain.Merchant, in OrderInput, cust *domain.Customer, now time.Time) (CreatedOrder, error) {
	o, err := tx.OrderByUUID(m.ID, in.FPGOUUID, true)
	if err != nil {
		return CreatedOrder{}, notFound(err, "orderNotFound")
	}
	if o.IsDue(now) {
		return CreatedOrder{}, apperr.Conflict("orderStatusAlreadyExpired")
	}
	if o.Status != domain.StatusSent {
		_, err := domain.Next(o.Status, domain.ActPay)
		if err == nil {
			err = apperr.Conflict("orderStatusConflict")
		}
		return CreatedOrder{}, err
	}
	applyInput(o, in, cust)
	o.Type = in.Type
	o.UpdatedAt = now
	if in.DelayedCharge != nil {
		o.DelayedCharge = *in.DelayedCharge
	}
	if err := tx.ReplaceOrderLines(o); err != nil {
		return CreatedOrder{}, err
	}
	invoiced := invoicedDirectly(o)
	if invoiced {
		if err := a.invoiceOrder(tx, o, now); err != nil {
			return CreatedOrder{}, err
		}
	}
	if err := tx.UpdateOrder(o); err != nil {
		return CreatedOrder{}, err
	}
	if invoiced {
		// SENT -> INVOICED is a change from the order's initial state, so the merchant hears of it.
		if err := a.emit(tx, o); err != nil {
			return CreatedOrder{}, err
		}
	}
	return a.created(o), nil
}

// invoicedDirectly: invoice, e-Faktura and EHF orders, and invoice checkouts of corporate
// customers (who skip BankID), are invoiced without waiting for the customer.
func invoicedDirectly(o *domain.Order) bool {
	return o.Type.InvoicedAtCreation() ||
		(o.Type == domain.TypeInvoiceCheckout && o.Customer != nil && o.Customer.Type == domain.Corporate)
}

// invoiceOrder gives the order the merchant's next invoice number, a KID and a due date.
func (a *App) invoiceOrder(tx store.Tx, o *domain.Order, now time.Time) error {
	n, err := tx.NextInvoiceNumber(o.OrgID)
	if err != nil {
		return err
	}
	o.InvoiceNumber = strconv.FormatInt(n, 10)
	o.KID = invoice.KIDForInvoice(n)
	days := 14
	if o.Invoice != nil && o.Invoice.MaturityDays > 0 {
		days = o.Invoice.MaturityDays
	}
	due := now.AddDate(0, 0, days)
	o.InvoiceDueAt = &due
	if o.Status == domain.StatusSent {
		if _, err := o.Apply(domain.ActInvoice, now); err != nil {
			return err
		}
	}
	return nil
}

func (a *App) created(o *domain.Order) CreatedOrder {
	c := CreatedOrder{OrderUUID: o.UUID, CustomerUUID: o.CustomerUUID, Status: string(o.Status)}
	switch o.Type {
	case domain.TypeCheckout:
		if o.PaymentMethod == "invoice" {
			c.PaymentURL = a.BankIDURL(o.UUID)
		} else {
			c.PaymentURL = a.PayURL(o.UUID, o.PaymentMethod)
		}
	case domain.TypeInvoiceCheckout:
		if o.Status == domain.StatusSent {
			c.BankIDURL = a.BankIDURL(o.UUID)
		}
	case domain.TypeHostedCheckout:
		c.PaymentURL = a.HostedURL(o.UUID)
	case domain.TypePaymentLink:
		c.PaymentURL = a.CheckoutURL(o.UUID)
	}
	return c
}

// CheckoutURL is the customer's payment page for an order.
func (a *App) CheckoutURL(uuid string) string { return a.BaseURL + "/checkout/" + uuid }

// HostedURL is the hosted checkout page, shaped like FPGO's.
func (a *App) HostedURL(uuid string) string { return a.BaseURL + "/order/hosted/" + uuid + "/checkout" }

// PayURL goes straight to one payment method's page.
func (a *App) PayURL(uuid, method string) string {
	return a.BaseURL + "/checkout/" + uuid + "/pay/" + method
}

// BankIDURL starts the BankID step of the invoice journey.
func (a *App) BankIDURL(uuid string) string { return a.BaseURL + "/checkout/" + uuid + "/bankid" }

// notifyLink queues the payment link to the customer by SMS and/or email as the order asks, or to
// the given overrides (resend may name another number or address).
func (a *App) notifyLink(tx store.Tx, o *domain.Order, cc, msisdn, email string, now time.Time) error {
	var sms, mail string
	if msisdn != "" || email != "" {
		if msisdn != "" {
			sms = cc + msisdn
		}
		mail = email
	} else if o.Customer != nil {
		if o.SendBySMS && o.Customer.MSISDN != "" {
			sms = o.Customer.CountryCode + o.Customer.MSISDN
		}
		if o.SendByEmail && o.Customer.Email != "" {
			mail = o.Customer.Email
		}
	}
	link := a.CheckoutURL(o.UUID)
	body := fmt.Sprintf("Payment request %s: %s %s. Pay here: %s", o.UUID, amountText(o), o.Currency, link)
	if sms != "" {
		if err := tx.InsertMessage(&domain.Message{OrgID: o.OrgID, Channel: "sms", To: sms, Body: body, OrderUUID: o.UUID, CreatedAt: now}); err != nil {
			return err
		}
	}
	if mail != "" {
		if err := tx.InsertMessage(&domain.Message{OrgID: o.OrgID, Channel: "email", To: mail, Subject: "Payment request " + o.UUID, Body: body, OrderUUID: o.UUID, CreatedAt: now}); err != nil {
			return err
		}
	}
	return nil
}

// lockOrder loads an order for change and expires it first if its link is past due, so no
// use case acts on a link that should already be EXPIRED.
func (a *App) lockOrder(tx store.Tx, orgID, uuid string, now time.Time) (*domain.Order, error) {
	o, err := tx.OrderByUUID(orgID, uuid, true)
	if err != nil {
		return nil, notFound(err, "orderNotFound")
	}
	if o.IsDue(now) {
		if _, err := o.Apply(domain.ActExpire, now); err != nil {
			return nil, err
		}
		if err := tx.UpdateOrder(o); err != nil {
			return nil, err
		}
		if err := a.emit(tx, o); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// Ack is the empty result of a write that answers no data; stored for idempotent replays.
type Ack struct {
	Status string `json:"status"`
}

// CancelOrder cancels an unpaid order.
func (a *App) CancelOrder(ctx context.Context, orgID, uuid, note string) (Ack, error) {
	return a.transition(ctx, orgID, uuid, domain.ActCancel, func(o *domain.Order) { o.CancellationNote = note })
}

// ChargeDelayed charges an AUTHORIZED order.
func (a *App) ChargeDelayed(ctx context.Context, orgID, uuid string) (Ack, error) {
	return a.transition(ctx, orgID, uuid, domain.ActCharge, nil)
}

// PayOrder records a successful payment with method (card, wallet): PAID, or AUTHORIZED when the
// order's charge is delayed. Used by the checkout journey and the sandbox API.
func (a *App) PayOrder(ctx context.Context, orgID, uuid, method string) (Ack, error) {
	return write(ctx, a, orgID, func(tx store.Tx) (Ack, error) {
		now := a.Clock.Now()
		o, err := a.lockOrder(tx, orgID, uuid, now)
		if err != nil {
			return Ack{}, err
		}
		if _, err := o.RecordPayment(method, now); err != nil {
			return Ack{}, err
		}
		if err := tx.UpdateOrder(o); err != nil {
			return Ack{}, err
		}
		return Ack{Status: string(o.Status)}, a.emit(tx, o)
	})
}

// InvoiceViaCheckout invoices an order whose customer chose to pay by invoice.
func (a *App) InvoiceViaCheckout(ctx context.Context, orgID, uuid string) (Ack, error) {
	return write(ctx, a, orgID, func(tx store.Tx) (Ack, error) {
		now := a.Clock.Now()
		o, err := a.lockOrder(tx, orgID, uuid, now)
		if err != nil {
			return Ack{}, err
		}
		if !domain.CanHappen(o.Status, domain.ActInvoice) {
			_, err := domain.Next(o.Status, domain.ActInvoice)
			return Ack{}, err
		}
		o.PaymentMethod = "invoice"
		if err := a.invoiceOrder(tx, o, now); err != nil {
			return Ack{}, err
		}
		if err := tx.UpdateOrder(o); err != nil {
			return Ack{}, err
		}
		return Ack{Status: string(o.Status)}, a.emit(tx, o)
	})
}

func (a *App) transition(ctx context.Context, orgID, uuid string, act domain.Action, mutate func(*domain.Order)) (Ack, error) {
	return write(ctx, a, orgID, func(tx store.Tx) (Ack, error) {
		now := a.Clock.Now()
		o, err := a.lockOrder(tx, orgID, uuid, now)
		if err != nil {
			return Ack{}, err
		}
		if _, err := o.Apply(act, now); err != nil {
			return Ack{}, err
		}
		if mutate != nil {
			mutate(o)
		}
		if err := tx.UpdateOrder(o); err != nil {
			return Ack{}, err
		}
		return Ack{Status: string(o.Status)}, a.emit(tx, o)
	})
}

// ResendInput names where to resend a payment link; empty means the customer's stored contacts.
type ResendInput struct {
	CountryCode, MSISDN, Email string
}

// ResendOrder sends the payment link (or invoice) again while the order is unpaid.
func (a *App) ResendOrder(ctx context.Context, orgID, uuid string, in ResendInput) (Ack, error) {
	return write(ctx, a, orgID, func(tx store.Tx) (Ack, error) {
		now := a.Clock.Now()
		o, err := a.lockOrder(tx, orgID, uuid, now)
		if err != nil {
			return Ack{}, err
		}
		if err := domain.CanResend(o.Status); err != nil {
			return Ack{}, err
		}
		if err := a.notifyLink(tx, o, in.CountryCode, in.MSISDN, in.Email, now); err != nil {
			return Ack{}, err
		}
		return Ack{Status: string(o.Status)}, nil
	})
}

// RefundInput is a validated refund request.
type RefundInput struct {
	Type       string
	GrandTotal money.Amount
	Lines      []domain.RefundLine
}

// RefundOrder refunds lines of a paid or invoiced order within the merchant's limits.
func (a *App) RefundOrder(ctx context.Context, m *domain.Merchant, uuid string, in RefundInput) (Ack, error) {
	return write(ctx, a, m.ID, func(tx store.Tx) (Ack, error) {
		now := a.Clock.Now()
		o, err := a.lockOrder(tx, m.ID, uuid, now)
		if err != nil {
			return Ack{}, err
		}
		week, err := tx.RefundedSince(m.ID, now.Add(-7*24*time.Hour))
		if err != nil {
			return Ack{}, err
		}
		lim := domain.RefundLimits{PerRequest: m.Settings.RefundLimitRequest, Weekly: m.Settings.RefundLimitWeekly, RefundedInWeek: week}
		if _, err := o.ApplyRefund(in.GrandTotal, in.Lines, lim, now); err != nil {
			return Ack{}, err
		}
		r := &domain.Refund{UUID: ids.New(ids.Refund), OrgID: m.ID, OrderUUID: o.UUID, Type: in.Type, Amount: in.GrandTotal, Lines: in.Lines, CreatedAt: now}
		for attempt := 0; ; attempt++ {
			err := tx.InsertRefund(r)
			if err == nil {
				break
			}
			if !errors.Is(err, store.ErrDuplicate) || attempt > 5 {
				return Ack{}, err
			}
			r.UUID = ids.New(ids.Refund)
		}
		if err := tx.UpdateOrder(o); err != nil {
			return Ack{}, err
		}
		return Ack{Status: string(o.Status)}, a.emit(tx, o)
	})
}
