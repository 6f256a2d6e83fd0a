package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/fpgo/fpgo/internal/apperr"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/ids"
	"github.com/fpgo/fpgo/internal/provider"
	"github.com/fpgo/fpgo/internal/store"
)

// Providers are the outside services the customer's payment journey talks to.
type Providers struct {
	Cards   provider.CardGateway
	Wallets map[string]provider.WalletProvider // by method: vipps, applepay, googlepay
	BankID  provider.BankID
	Credit  provider.CreditBureau
}

// Checkout holds the use cases of the customer's payment journey. Customer pages carry no
// merchant token, so orders are found by uuid alone.
type Checkout struct {
	*App
	P Providers
}

// NewCheckout builds the checkout use cases on a.
func NewCheckout(a *App, p Providers) *Checkout { return &Checkout{App: a, P: p} }

// wrote tells the callback worker that a write committed, as write[T] does for the other use
// cases; the checkout's writes run on the store directly because one journey step may commit
// a refusal (an expiry) and still answer with an error.
func (c *Checkout) wrote() {
	if c.Notify != nil {
		c.Notify()
	}
}

// ProcessingLease is how long a payment attempt may talk to its provider before another attempt
// may take over: long enough for any gateway call, short enough that a crash does not lock a
// customer out of paying.
const ProcessingLease = 2 * time.Minute

// Error keys the checkout pages turn into their own messages.
const (
	KeyMethodNotAvailable  = "paymentMethodNotAvailable"
	KeyPaymentInProgress   = "paymentInProgress"
	KeyBankIDRequired      = "bankIdVerificationRequired"
	KeyBankIDMismatch      = "bankIdPersonalNumberMismatch"
	KeyBankIDFailed        = "bankIdVerificationFailed"
	KeyCreditRefused       = "creditCheckRefused"
	KeyCreditUnavailable   = "creditCheckUnavailable"
	KeyInvoiceNeedsProfile = "invoiceRequiresCustomer"
)

// CheckoutOrder is what a checkout page shows.
type CheckoutOrder struct {
	Order    *domain.Order
	Merchant string
	Methods  []string
}

// PaymentMethods lists what the customer may pay an order with, in the order the page shows
// them. Only a SENT order can be paid. Pay by invoice needs a customer (private ones are
// identified by BankID, corporate ones invoiced directly) and an order that offers it: an
// invoice session (orders/invoice/submit, where it is the only method), a checkout submitted
// with via "invoice", or invoiceAsPaymentOption (always on for hosted checkout).
func PaymentMethods(o *domain.Order) []string {
	if o.Status != domain.StatusSent || o.Type.InvoicedAtCreation() {
		return nil
	}
	invoice := o.Customer != nil && (o.Type == domain.TypeInvoiceCheckout || o.InvoiceAsPaymentOption ||
		(o.Type == domain.TypeCheckout && o.PaymentMethod == provider.MethodInvoice))
	if o.Type == domain.TypeInvoiceCheckout {
		if invoice {
			return []string{provider.MethodInvoice}
		}
		return nil
	}
	out := []string{provider.MethodVipps, provider.MethodApplePay, provider.MethodGooglePay, provider.MethodVisa, provider.MethodMastercard}
	if invoice {
		out = append(out, provider.MethodInvoice)
	}
	return out
}

// OrderForCheckout loads an order by uuid for a customer page, expiring it first when its link is
// past due so the page shows what is true.
func (c *Checkout) OrderForCheckout(ctx context.Context, uuid string) (*CheckoutOrder, error) {
	var o *domain.Order
	var m *domain.Merchant
	err := c.Store.Read(ctx, func(tx store.Tx) error {
		var err error
		if o, err = tx.OrderByUUIDAnyOrg(uuid, false); err != nil {
			return notFound(err, "orderNotFound")
		}
		m, err = tx.MerchantByID(o.OrgID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if o.IsDue(c.Clock.Now()) {
		if err := c.Store.Write(ctx, func(tx store.Tx) error {
			var err error
			o, err = c.lockOrder(tx, o.OrgID, uuid, c.Clock.Now())
			return err
		}); err != nil {
			return nil, err
		}
		c.wrote()
	}
	return &CheckoutOrder{Order: o, Merchant: m.Name, Methods: PaymentMethods(o)}, nil
}

// PaymentResult is how a payment attempt ended for the customer.
type PaymentResult struct {
	Status   domain.Status // the order's status afterwards
	Approved bool
	Reason   string // why not approved: declined, insufficient_funds, declined_by_customer, …
	Attempt  store.PaymentAttempt
}

// claim starts a payment attempt: the order must be payable with method and no other attempt
// may be talking to a provider. A refusal (already paid, expired, in progress) is returned as
// refusal while the transaction still commits, so a link found past due stays EXPIRED.
func (c *Checkout) claim(ctx context.Context, orgID, uuid, method, attemptID, source string) (*domain.Order, *store.PaymentAttempt, error) {
	var o *domain.Order
	var att *store.PaymentAttempt
	var refusal error
	err := c.Store.Write(ctx, func(tx store.Tx) error {
		o, att, refusal = nil, nil, nil
		now := c.Clock.Now()
		org := orgID
		if org == "" {
			found, err := tx.OrderByUUIDAnyOrg(uuid, false)
			if err != nil {
				return notFound(err, "orderNotFound")
			}
			org = found.OrgID
		}
		var err error
		if o, err = c.lockOrder(tx, org, uuid, now); err != nil {
			return err
		}
		if _, err := domain.Next(o.Status, domain.ActPay); err != nil {
			refusal = err
			return nil
		}
		if !slices.Contains(PaymentMethods(o), method) {
			refusal = apperr.Conflict(KeyMethodNotAvailable)
			return nil
		}
		prev, err := tx.PaymentAttempts(o.OrgID, uuid)
		if err != nil {
			return err
		}
		for i := range prev {
			p := &prev[i]
			if p.State == store.AttemptProcessing && now.Sub(p.UpdatedAt) >= ProcessingLease {
				p.State, p.Reason, p.UpdatedAt = store.AttemptAbandoned, "lease_expired", now
				if err := tx.UpdatePaymentAttempt(p); err != nil {
					return err
				}
			}
		}
		att = &store.PaymentAttempt{ID: attemptID, OrgID: o.OrgID, OrderUUID: uuid, Method: method, State: store.AttemptProcessing,
			Source: source, CreatedAt: now, UpdatedAt: now}
		err = tx.InsertPaymentAttempt(att)
		if errors.Is(err, store.ErrDuplicate) {
			att, refusal = nil, apperr.Conflict(KeyPaymentInProgress)
			return nil
		}
		return err
	})
	if err == nil {
		c.wrote()
		if refusal != nil {
			err = refusal
		}
	}
	return o, att, err
}

// applyPayment is PayOrder's transition: PAID, AUTHORIZED when the order's charge is delayed
// (cards and wallets only), or a settled invoice.
func applyPayment(o *domain.Order, method string, now time.Time) error {
	_, err := o.RecordPayment(method, now)
	return err
}

// finish records how an attempt ended and, when the provider approved, pays the order in the
// same transaction. An approval for an order that can no longer be paid (cancelled by the
// merchant meanwhile) is recorded as voided and the refusal returned; the caller voids it at
// the provider.
func (c *Checkout) finish(ctx context.Context, att store.PaymentAttempt) (PaymentResult, error) {
	var res PaymentResult
	var refusal error
	err := c.Store.Write(ctx, func(tx store.Tx) error {
		refusal = nil
		now := c.Clock.Now()
		o, err := c.lockOrder(tx, att.OrgID, att.OrderUUID, now)
		if err != nil {
			return err
		}
		a := att
		a.UpdatedAt = now
		if a.State == store.AttemptSucceeded {
			if err := applyPayment(o, paidMethod(a), now); err != nil {
				a.State, a.Reason, refusal = store.AttemptVoided, apperr.Key(err), err
			} else {
				if err := tx.UpdateOrder(o); err != nil {
					return err
				}
				if err := c.emit(tx, o); err != nil {
					return err
				}
			}
		}
		if err := tx.UpdatePaymentAttempt(&a); err != nil {
			return err
		}
		res = PaymentResult{Status: o.Status, Approved: a.State == store.AttemptSucceeded, Reason: a.Reason, Attempt: a}
		return nil
	})
	if err == nil {
		c.wrote()
		if refusal != nil {
			err = refusal
		}
	}
	return res, err
}

// paidMethod is the method the order records: the card's real brand when the customer typed
// a Mastercard on the Visa page, else the chosen method.
func paidMethod(a store.PaymentAttempt) string {
	if a.CardBrand != "" {
		return a.CardBrand
	}
	return a.Method
}

// PayByCard charges a card for an order: claim, charge, record. A declined card is an ordinary
// result (Approved false) after which the customer may try again.
func (c *Checkout) PayByCard(ctx context.Context, uuid, method string, card provider.Card) (PaymentResult, error) {
	if !provider.IsCard(method) {
		return PaymentResult{}, apperr.Conflict(KeyMethodNotAvailable)
	}
	o, att, err := c.claim(ctx, "", uuid, method, ids.New(ids.Payment), "checkout")
	if err != nil {
		return PaymentResult{}, err
	}
	cr, err := c.P.Cards.Charge(ctx, provider.CardCharge{Card: card, Amount: o.Summary.GrandTotal, Currency: o.Currency,
		Reference: att.ID, AuthorizeOnly: o.DelayedCharge})
	att.CardBrand, att.CardLast4 = provider.Brand(card.Number), provider.Last4(card.Number)
	if err != nil {
		att.State, att.Reason = store.AttemptFailed, "gateway_unavailable"
		if _, ferr := c.finish(ctx, *att); ferr != nil {
			c.Log.Error("record failed card attempt", "attempt", att.ID, "err", ferr)
		}
		return PaymentResult{}, apperr.Dependency(err)
	}
	att.Token = cr.Token
	switch cr.Outcome {
	case provider.CardApproved:
		att.State = store.AttemptSucceeded
	default:
		att.State, att.Reason = store.AttemptDeclined, string(cr.Outcome)
		if cr.Reason != "" {
			att.Reason = cr.Reason
		}
	}
	res, err := c.finish(ctx, *att)
	if err != nil && res.Attempt.State == store.AttemptVoided {
		if verr := c.P.Cards.Void(ctx, cr.Token); verr != nil {
			c.Log.Error("void card charge for an order that could not be paid", "attempt", att.ID, "err", verr)
		}
	}
	return res, err
}

// WalletStart is where to send the customer to approve a wallet payment.
type WalletStart struct {
	RedirectURL string
	Reference   string
}

// BeginWallet starts a Vipps, Apple Pay or Google Pay payment. Nothing is stored yet: the
// attempt is claimed when the customer comes back, so an abandoned approval page blocks
// nothing. returnURL builds the URL the provider sends the customer back to.
func (c *Checkout) BeginWallet(ctx context.Context, uuid, method, state string, returnURL func(reference string) string) (WalletStart, error) {
	co, err := c.OrderForCheckout(ctx, uuid)
	if err != nil {
		return WalletStart{}, err
	}
	o := co.Order
	if _, err := domain.Next(o.Status, domain.ActPay); err != nil {
		return WalletStart{}, err
	}
	w, ok := c.P.Wallets[method]
	if !ok || !provider.IsWallet(method) || !slices.Contains(co.Methods, method) {
		return WalletStart{}, apperr.Conflict(KeyMethodNotAvailable)
	}
	ref := ids.New(ids.Payment)
	s, err := w.Begin(ctx, provider.WalletRequest{Method: method, Amount: o.Summary.GrandTotal, Currency: o.Currency, Merchant: co.Merchant,
		Reference: ref, ReturnURL: returnURL(ref), State: state, Language: o.Language})
	if err != nil {
		return WalletStart{}, apperr.Dependency(err)
	}
	return WalletStart{RedirectURL: s.RedirectURL, Reference: ref}, nil
}

// CompleteWallet reads the outcome of a wallet payment when the customer comes back with
// params, and pays the order when approved. Coming back twice with the same reference (a
// double click) answers the first outcome again.
func (c *Checkout) CompleteWallet(ctx context.Context, uuid, method, reference string, params url.Values) (PaymentResult, error) {
	w, ok := c.P.Wallets[method]
	if !ok {
		return PaymentResult{}, apperr.Conflict(KeyMethodNotAvailable)
	}
	if !validReference(reference) {
		return PaymentResult{}, apperr.NotFound("paymentNotFound")
	}
	co, err := c.OrderForCheckout(ctx, uuid)
	if err != nil {
		return PaymentResult{}, err
	}
	prev, err := c.attempt(ctx, co.Order.OrgID, reference)
	switch {
	case err == nil && prev.OrderUUID == uuid && prev.State != store.AttemptProcessing:
		return PaymentResult{Status: co.Order.Status, Approved: prev.State == store.AttemptSucceeded, Reason: prev.Reason, Attempt: *prev}, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return PaymentResult{}, err
	}
	_, att, err := c.claim(ctx, co.Order.OrgID, uuid, method, reference, "checkout")
	if err != nil {
		return PaymentResult{}, err
	}
	wr, err := w.Complete(ctx, reference, params)
	if err != nil {
		att.State, att.Reason = store.AttemptFailed, "provider_unavailable"
		if _, ferr := c.finish(ctx, *att); ferr != nil {
			c.Log.Error("record failed wallet attempt", "attempt", att.ID, "err", ferr)
		}
		return PaymentResult{}, apperr.Dependency(err)
	}
	att.Token = wr.Token
	if wr.Approved {
		att.State = store.AttemptSucceeded
	} else {
		att.State, att.Reason = store.AttemptDeclined, wr.Reason
	}
	return c.finish(ctx, *att)
}

// validReference accepts only references BeginWallet hands out (PAY + 10 digits), so a
// made-up return URL cannot plant arbitrary attempt ids.
func validReference(ref string) bool {
	if len(ref) != len(ids.Payment)+10 || !strings.HasPrefix(ref, ids.Payment) {
		return false
	}
	for _, c := range ref[len(ids.Payment):] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (c *Checkout) attempt(ctx context.Context, orgID, id string) (*store.PaymentAttempt, error) {
	var a *store.PaymentAttempt
	err := c.Store.Read(ctx, func(tx store.Tx) error {
		var err error
		a, err = tx.PaymentAttempt(orgID, id)
		return err
	})
	return a, err
}

// Session returns what this browser has proven for the order; an empty session when nothing.
func (c *Checkout) Session(ctx context.Context, tokenHash, uuid string) (*store.CheckoutSession, error) {
	var s *store.CheckoutSession
	err := c.Store.Read(ctx, func(tx store.Tx) error {
		var err error
		s, err = tx.CheckoutSession(tokenHash, uuid)
		if errors.Is(err, store.ErrNotFound) {
			s, err = &store.CheckoutSession{TokenHash: tokenHash, OrderUUID: uuid}, nil
		}
		return err
	})
	return s, err
}

// Verified reports whether the session passed BankID.
func Verified(s *store.CheckoutSession) bool { return s != nil && s.BankIDAt != nil }

// BeginBankID starts BankID identification for the order's customer.
func (c *Checkout) BeginBankID(ctx context.Context, o *domain.Order, returnURL, state string) (string, error) {
	hint := ""
	if o.Customer != nil {
		hint = o.Customer.PersonalNumber
	}
	u, err := c.P.BankID.Begin(ctx, provider.BankIDRequest{ReturnURL: returnURL, State: state, Language: o.Language, Hint: hint})
	if err != nil {
		return "", apperr.Dependency(err)
	}
	return u, nil
}

// CompleteBankID records the identification the customer came back with. The identified
// person must be the order's customer when the order names one. With creditCheck (the
// customer chose Pay by invoice) the credit bureau is asked at once and its decision kept in
// the session; the personal number itself is kept masked only.
func (c *Checkout) CompleteBankID(ctx context.Context, tokenHash, uuid string, params url.Values, creditCheck bool) (*store.CheckoutSession, error) {
	co, err := c.OrderForCheckout(ctx, uuid)
	if err != nil {
		return nil, err
	}
	o := co.Order
	id, err := c.P.BankID.Complete(ctx, params)
	switch {
	case errors.Is(err, provider.ErrNotIdentified):
		return nil, apperr.Conflict(KeyBankIDFailed)
	case err != nil:
		return nil, apperr.Dependency(err)
	}
	if o.Customer != nil && o.Customer.PersonalNumber != "" && o.Customer.PersonalNumber != id.PersonalNumber {
		return nil, apperr.Conflict(KeyBankIDMismatch)
	}
	var credit provider.CreditResult
	if creditCheck {
		if credit, err = c.P.Credit.Score(ctx, id.PersonalNumber); err != nil {
			return nil, apperr.Dependency(fmt.Errorf("credit bureau: %w", err))
		}
	}
	var s *store.CheckoutSession
	err = c.Store.Write(ctx, func(tx store.Tx) error {
		now := c.Clock.Now()
		var err error
		s, err = tx.CheckoutSession(tokenHash, uuid)
		if errors.Is(err, store.ErrNotFound) {
			s, err = &store.CheckoutSession{TokenHash: tokenHash, OrgID: o.OrgID, OrderUUID: uuid, CreatedAt: now}, nil
		}
		if err != nil {
			return err
		}
		s.BankIDAt, s.PersonalNumber, s.UpdatedAt = &now, domain.MaskPersonalNumber(id.PersonalNumber), now
		if creditCheck {
			s.CreditScore, s.CreditStatus = credit.Score, creditStatus(credit)
		}
		return tx.SaveCheckoutSession(s)
	})
	return s, err
}

func creditStatus(r provider.CreditResult) string {
	switch {
	case !r.Available:
		return store.CreditUnavailable
	case r.Approved():
		return store.CreditApproved
	}
	return store.CreditRefused
}

// InvoiceRefusal says why the session may not (yet) sign for an invoice, or nil when it may.
// Corporate customers need nothing: they are invoiced when they confirm.
func InvoiceRefusal(o *domain.Order, s *store.CheckoutSession) error {
	if !slices.Contains(PaymentMethods(o), provider.MethodInvoice) {
		if _, err := domain.Next(o.Status, domain.ActInvoice); err != nil {
			return err
		}
		return apperr.Conflict(KeyMethodNotAvailable)
	}
	if o.Customer.Type == domain.Corporate {
		return nil
	}
	switch {
	case !Verified(s) || s.CreditStatus == "":
		return apperr.Conflict(KeyBankIDRequired)
	case s.CreditStatus == store.CreditUnavailable:
		return apperr.Conflict(KeyCreditUnavailable)
	case s.CreditStatus != store.CreditApproved:
		return apperr.Conflict(KeyCreditRefused)
	}
	return nil
}

// SignInvoice invoices the order once the customer signed the invoice agreement (private:
// after BankID and an approved credit check in this session) or confirmed it (corporate). The
// signature, the invoice number, the KID and the callback are written in one transaction.
func (c *Checkout) SignInvoice(ctx context.Context, tokenHash, uuid string) (*domain.Order, error) {
	var o *domain.Order
	var refusal error
	err := c.Store.Write(ctx, func(tx store.Tx) error {
		refusal = nil
		now := c.Clock.Now()
		found, err := tx.OrderByUUIDAnyOrg(uuid, false)
		if err != nil {
			return notFound(err, "orderNotFound")
		}
		if o, err = c.lockOrder(tx, found.OrgID, uuid, now); err != nil {
			return err
		}
		s, err := tx.CheckoutSession(tokenHash, uuid)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if refusal = InvoiceRefusal(o, s); refusal != nil {
			return nil
		}
		if err := c.invoiceVia(tx, o, now); err != nil {
			return err
		}
		if s != nil {
			s.SignedAt, s.UpdatedAt = &now, now
			return tx.SaveCheckoutSession(s)
		}
		return nil
	})
	if err == nil {
		c.wrote()
		if refusal != nil {
			err = refusal
		}
	}
	return o, err
}

// invoiceVia invoices a SENT order the customer chose to pay by invoice and writes its callback.
func (c *Checkout) invoiceVia(tx store.Tx, o *domain.Order, now time.Time) error {
	o.PaymentMethod = provider.MethodInvoice
	if err := c.invoiceOrder(tx, o, now); err != nil {
		return err
	}
	if err := tx.UpdateOrder(o); err != nil {
		return err
	}
	return c.emit(tx, o)
}
