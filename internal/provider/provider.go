// Package provider declares the outside world fpgo's payment journey talks to — card gateway,
// wallets (Vipps, Apple Pay, Google Pay), BankID, the credit bureau, SMS and email — as small
// interfaces, so that a real gateway can replace a sandbox implementation without touching the
// use cases. Package sandbox holds the deterministic implementations sandbox mode uses.
//
// A provider returns an error only when it could not be asked (network, outage): a declined
// card or a refused credit check is an ordinary result, not an error.
package provider

import (
	"context"
	"errors"
	"net/url"

	"github.com/fpgo/fpgo/internal/money"
)

// ErrUnavailable is what a provider wraps when the outside service cannot answer.
var ErrUnavailable = errors.New("provider: service unavailable")

// Payment methods a customer can choose. Card brands double as methods because FPGO's
// submitPayment.via names them that way.
const (
	MethodVisa       = "visa"
	MethodMastercard = "mastercard"
	MethodVipps      = "vipps"
	MethodApplePay   = "applepay"
	MethodGooglePay  = "googlepay"
	MethodInvoice    = "invoice"
)

// CardMethods and WalletMethods group the methods by how they are paid.
var (
	CardMethods   = []string{MethodVisa, MethodMastercard}
	WalletMethods = []string{MethodVipps, MethodApplePay, MethodGooglePay}
)

// IsCard reports whether method is paid with a card form.
func IsCard(method string) bool { return method == MethodVisa || method == MethodMastercard }

// IsWallet reports whether method is paid through a wallet approval.
func IsWallet(method string) bool {
	return method == MethodVipps || method == MethodApplePay || method == MethodGooglePay
}

// CardCharge asks a gateway to charge (or, when AuthorizeOnly, only authorize) a card.
// Card holds the number and CVC only for the duration of the call.
type CardCharge struct {
	Card          Card
	Amount        money.Amount
	Currency      string
	Reference     string // the payment attempt id, for the gateway's idempotency
	AuthorizeOnly bool
}

// CardOutcome is how a charge ended.
type CardOutcome string

const (
	CardApproved          CardOutcome = "approved"
	CardDeclined          CardOutcome = "declined"
	CardInsufficientFunds CardOutcome = "insufficient_funds"
)

// CardResult is what may be kept of a charge: never the number or the CVC.
type CardResult struct {
	Outcome CardOutcome
	Brand   string // visa | mastercard
	Last4   string
	Token   string // the gateway's reference to the card/charge
	Reason  string // a more specific decline reason, when the gateway gives one
}

// CardGateway charges cards.
type CardGateway interface {
	Charge(ctx context.Context, c CardCharge) (CardResult, error)
	// Void releases a charge that could not be applied to its order (the order was cancelled
	// while the card was being charged).
	Void(ctx context.Context, token string) error
}

// WalletRequest starts a wallet payment. The customer is sent to the provider and comes back
// by a form POST to ReturnURL carrying State and whatever the provider adds.
type WalletRequest struct {
	Method    string
	Amount    money.Amount
	Currency  string
	Merchant  string
	Reference string // the payment attempt id
	ReturnURL string
	State     string
	Language  string
}

// WalletSession is a started wallet payment.
type WalletSession struct {
	RedirectURL string
}

// WalletResult is the outcome of a wallet payment after the customer came back.
type WalletResult struct {
	Approved bool
	Reason   string // why not, when not approved
	Token    string // the provider's payment reference
}

// WalletProvider takes payments through Vipps, Apple Pay or Google Pay.
type WalletProvider interface {
	Begin(ctx context.Context, r WalletRequest) (WalletSession, error)
	// Complete reads the outcome from what the customer came back with (params).
	Complete(ctx context.Context, reference string, params url.Values) (WalletResult, error)
}

// BankIDRequest starts an identification; the customer comes back by a form POST to ReturnURL
// carrying State.
type BankIDRequest struct {
	ReturnURL string
	State     string
	Language  string
	// Hint pre-fills the personal number where the provider allows it (the order's customer).
	Hint string
}

// Identity is a person BankID has verified.
type Identity struct {
	PersonalNumber string
	Name           string
}

// ErrNotIdentified: the customer did not complete identification (cancelled, wrong number).
var ErrNotIdentified = errors.New("provider: identification not completed")

// BankID identifies private customers.
type BankID interface {
	Begin(ctx context.Context, r BankIDRequest) (redirectURL string, err error)
	// Complete returns the verified identity, ErrNotIdentified when the customer was not
	// identified, or another error when BankID could not be asked.
	Complete(ctx context.Context, params url.Values) (Identity, error)
}

// CreditResult is a credit bureau's answer for one person or company.
type CreditResult struct {
	Score int
	// Available is false when the bureau has no data for the number ("could not be retrieved").
	Available bool
}

// MinInvoiceScore is the lowest credit score that may pay by invoice.
const MinInvoiceScore = 315

// Approved reports whether the result allows paying by invoice.
func (r CreditResult) Approved() bool { return r.Available && r.Score >= MinInvoiceScore }

// CreditBureau scores private persons (11-digit personal numbers) and companies (organization
// numbers).
type CreditBureau interface {
	Score(ctx context.Context, number string) (CreditResult, error)
}

// Email is one email to send.
type Email struct {
	To, Subject, Body string
}

// EmailSender delivers email (package notify has the SMTP one).
type EmailSender interface {
	Send(ctx context.Context, e Email) error
}

// SMSSender delivers text messages. In sandbox mode there is none: messages stay in the outbox
// the merchant reads through the sandbox API.
type SMSSender interface {
	SendSMS(ctx context.Context, to, body string) error
}
