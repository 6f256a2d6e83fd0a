package domain

import (
	"time"

	"github.com/fpgo/fpgo/internal/money"
)

// OrderType says how an order was created and so how it is paid.
type OrderType string

const (
	TypePaymentLink     OrderType = "PAYMENT_LINK"     // orders/payment-link/create
	TypeHostedCheckout  OrderType = "HOSTED_CHECKOUT"  // hosted/orders/payment-link/create
	TypeCheckout        OrderType = "CHECKOUT"         // orders/regular/submit
	TypeInvoiceCheckout OrderType = "INVOICE_CHECKOUT" // orders/invoice/submit
	TypeInvoice         OrderType = "INVOICE"          // orders/invoice/create
	TypeFaktura         OrderType = "E_FAKTURA"        // orders/faktura/create
	TypeEHF             OrderType = "EHF"              // orders/ehf/create
)

// InvoicedAtCreation reports whether orders of this type are invoiced as soon as they are created.
func (t OrderType) InvoicedAtCreation() bool {
	return t == TypeInvoice || t == TypeFaktura || t == TypeEHF
}

// Status is an order status as FPGO spells it.
type Status string

const (
	StatusSent              Status = "SENT"
	StatusAuthorized        Status = "AUTHORIZED"
	StatusPaid              Status = "PAID"
	StatusInvoiced          Status = "INVOICED"
	StatusCancelled         Status = "CANCELLED"
	StatusExpired           Status = "EXPIRED"
	StatusPartiallyRefunded Status = "PARTIALLY REFUNDED"
	StatusRefunded          Status = "REFUNDED"
)

// Statuses lists every order status, for filters.
var Statuses = []Status{StatusSent, StatusAuthorized, StatusPaid, StatusInvoiced, StatusCancelled,
	StatusExpired, StatusPartiallyRefunded, StatusRefunded}

// Line is one product line. ID is numeric and unique per server because refunds and captures name it.
type Line struct {
	ID        int64          `json:"id"`
	Name      string         `json:"name"`
	ProductID string         `json:"productId"`
	Quantity  money.Quantity `json:"quantity"`
	Rate      money.Amount   `json:"rate"`
	Discount  money.Amount   `json:"discount"`
	Tax       money.Rate     `json:"tax"`
	Amount    money.Amount   `json:"amount"` // VAT inclusive
	Refunded  money.Amount   `json:"refunded"`
}

// Summary is the order summary as the merchant sent it; GrandTotal is checked against the lines.
type Summary struct {
	SubTotal      money.Amount `json:"subTotal"`
	TotalTax      money.Amount `json:"totalTax"`
	TotalDiscount money.Amount `json:"totalDiscount"`
	ShippingCost  money.Amount `json:"shippingCost"`
	GrandTotal    money.Amount `json:"grandTotal"`
}

// Callbacks are the merchant's URLs for one order.
type Callbacks struct {
	CallbackURL string `json:"callbackUrl,omitempty"`
	Success     string `json:"success,omitempty"`
	Failure     string `json:"failure,omitempty"`
}

// References are the merchant's free-text references.
type References struct {
	ReferenceNo       string `json:"referenceNo,omitempty"`
	CustomerReference string `json:"customerReference,omitempty"`
	ReceiptNo         string `json:"receiptNo,omitempty"`
	CustomerNotes     string `json:"customerNotes,omitempty"`
	TermsAndCondition string `json:"tnc,omitempty"`
	InternalReference string `json:"internalReferenceNo,omitempty"`
	InternalNotes     string `json:"internalNotes,omitempty"`
}

// InvoiceTerms are the invoicing settings of invoice, e-Faktura and EHF orders.
type InvoiceTerms struct {
	Interval         int  `json:"invoiceInterval"` // 0 daily, 1 monthly, 2 twice a month
	MaturityDays     int  `json:"invoiceMaturity"`
	FeeApplicable    bool `json:"invoiceFeeApplicable"`
	SeparateInvoices bool `json:"separateInvoices"`
}

// Order is a merchant's order and everything needed to take its payment.
type Order struct {
	UUID         string    `json:"uuid"`
	OrgID        string    `json:"-"`
	Type         OrderType `json:"type"`
	Status       Status    `json:"status"`
	CustomerUUID string    `json:"customerUuid,omitempty"`
	// Customer is a snapshot of the customer as of the order, so later customer edits do not
	// rewrite what was invoiced.
	Customer       *Customer    `json:"customer,omitempty"`
	Lines          []Line       `json:"-"`
	Summary        Summary      `json:"summary"`
	RefundedAmount money.Amount `json:"-"`
	Currency       string       `json:"currency"`

	OrderDate time.Time  `json:"orderDate"`
	DueDate   *time.Time `json:"dueDate,omitempty"` // payment link due date

	References References `json:"references"`
	Callbacks  Callbacks  `json:"callbacks"`

	SendBySMS              bool   `json:"sendBySms,omitempty"`
	SendByEmail            bool   `json:"sendByEmail,omitempty"`
	InvoiceAsPaymentOption bool   `json:"invoiceAsPaymentOption,omitempty"`
	CreditCheckAvailable   bool   `json:"isCreditCheckAvailable,omitempty"`
	SecureDetails          bool   `json:"secureDetails,omitempty"`
	DelayedCharge          bool   `json:"delayedCharge,omitempty"`
	PaymentMethod          string `json:"paymentMethod,omitempty"` // requested (submitPayment.via) or used
	Language               string `json:"language,omitempty"`
	FromPartner            bool   `json:"fromPartner,omitempty"`

	Invoice       *InvoiceTerms `json:"invoice,omitempty"`
	InvoiceNumber string        `json:"-"`
	KID           string        `json:"kid,omitempty"`
	InvoicedAt    *time.Time    `json:"invoicedAt,omitempty"`
	InvoiceDueAt  *time.Time    `json:"invoiceDueAt,omitempty"`

	CancellationNote string     `json:"cancellationNote,omitempty"`
	PaidAt           *time.Time `json:"paidAt,omitempty"`
	CreatedAt        time.Time  `json:"createdAt"`
	UpdatedAt        time.Time  `json:"updatedAt"`
	// Version increases with every stored change; stores use it to refuse lost updates.
	Version int64 `json:"-"`
}

// LineByID finds a line by its numeric id.
func (o *Order) LineByID(id int64) *Line {
	for i := range o.Lines {
		if o.Lines[i].ID == id {
			return &o.Lines[i]
		}
	}
	return nil
}

// PaidAmount is what the customer paid (or was invoiced), i.e. what can be refunded at most.
func (o *Order) PaidAmount() money.Amount { return o.Summary.GrandTotal }
