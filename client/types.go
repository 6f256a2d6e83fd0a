package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Number is a decimal value kept as text: "51.00", "4017.86", "1", "25". FPGO accepts amounts,
// quantities and tax rates as JSON numbers or numeric strings and answers with either, and a
// float64 would turn "51.00" into 51 or worse. Number reads a JSON number, a string or null, and
// writes a JSON number when its text is one (as a string otherwise, so the server can say what is
// wrong with it). An empty Number is left out of requests where the field is optional.
type Number string

// MarshalJSON writes the number as a JSON number when possible.
func (n Number) MarshalJSON() ([]byte, error) {
	if n == "" {
		return []byte("null"), nil
	}
	if isJSONNumber(string(n)) {
		return []byte(n), nil
	}
	return json.Marshal(string(n))
}

// UnmarshalJSON accepts 51, 51.00, "51.00" and null.
func (n *Number) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*n = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*n = Number(s)
	case isJSONNumber(string(b)):
		*n = Number(b)
	default:
		return fmt.Errorf("fpgo: %s is not a number", b)
	}
	return nil
}

// Float64 converts for arithmetic or display; money math should stay in øre instead.
func (n Number) Float64() (float64, error) { return strconv.ParseFloat(string(n), 64) }

func isJSONNumber(s string) bool {
	if s == "" || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
		return false
	}
	var v json.Number
	return json.Unmarshal([]byte(s), &v) == nil
}

// Timestamp formats t as the Unix-seconds text FPGO expects in orderDate and
// dueDateForPaymentLink.
func Timestamp(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

// Bool returns a pointer to b, for the optional booleans whose default is true.
func Bool(b bool) *bool { return &b }

// Product is one order line. Amount is tax-inclusive: quantity × rate − discount.
type Product struct {
	Name      string `json:"name"`
	ProductID string `json:"productId,omitempty"`
	Quantity  Number `json:"quantity"`
	Rate      Number `json:"rate"`
	Discount  Number `json:"discount,omitempty"`
	Tax       Number `json:"tax"` // VAT rate in percent: 0, 12, 15, 25
	Amount    Number `json:"amount"`
}

// OrderSummary holds an order's totals as sent by the merchant.
type OrderSummary struct {
	SubTotal      Number `json:"subTotal"`
	TotalTax      Number `json:"totalTax"`
	TotalDiscount Number `json:"totalDiscount"`
	GrandTotal    Number `json:"grandTotal"`
	ShippingCost  Number `json:"shippingCost,omitempty"`
}

// Address is a postal address; Country is ISO 3166 alpha-2 ("NO").
type Address struct {
	Street  string `json:"street,omitempty"`
	Zip     string `json:"zip,omitempty"`
	City    string `json:"city,omitempty"`
	Country string `json:"country,omitempty"`
}

// CustomerDetails describes the order's customer: either a new one, or an existing one named by
// CustomerUUID.
type CustomerDetails struct {
	CustomerUUID      string   `json:"customerUuid,omitempty"`
	Type              string   `json:"type,omitempty"` // private | corporate
	CountryCode       string   `json:"countryCode,omitempty"`
	MSISDN            string   `json:"msisdn,omitempty"`
	Email             string   `json:"email,omitempty"`
	FirstName         string   `json:"firstName,omitempty"`
	Name              string   `json:"name,omitempty"`
	PreferredLanguage string   `json:"preferredLanguage,omitempty"` // en, no, sv, da, de
	PersonalNumber    string   `json:"personalNumber,omitempty"`
	OrganizationID    string   `json:"organizationId,omitempty"`
	Address           *Address `json:"address,omitempty"`
}

// CallbackURLs is the request's "callback" object: where status changes are sent
// (CallbackURL, server to server) and where the customer's browser goes afterwards.
type CallbackURLs struct {
	CallbackURL string `json:"callbackUrl,omitempty"`
	Success     string `json:"success,omitempty"`
	Failure     string `json:"failure,omitempty"`
}

// SendOrderBy chooses how a payment link reaches the customer.
type SendOrderBy struct {
	SMS   bool `json:"sms"`
	Email bool `json:"email"`
}

// Settings are per-order switches. DelayedCharge is an fpgo addition (FPGO sets it per merchant):
// the card payment ends AUTHORIZED and Client.DelayedCharge charges it.
type Settings struct {
	SecureDetails *bool `json:"secureDetails,omitempty"`
	DelayedCharge *bool `json:"delayedCharge,omitempty"`
}

// SubmitPayment picks the payment method of a regular checkout order.
type SubmitPayment struct {
	Via string `json:"via"` // vipps, visa, mastercard, applepay, googlepay (fpgo also: invoice)
}

// PaymentLinkRequest is the body of orders/payment-link/create.
type PaymentLinkRequest struct {
	Products               []Product       `json:"products"`
	OrderSummary           OrderSummary    `json:"orderSummary"`
	SendOrderBy            *SendOrderBy    `json:"sendOrderBy,omitempty"`
	OrderDate              string          `json:"orderDate"` // Unix seconds; see Timestamp
	CustomerDetails        CustomerDetails `json:"customerDetails"`
	InvoiceAsPaymentOption bool            `json:"invoiceAsPaymentOption"`
	ReferenceNo            string          `json:"referenceNo,omitempty"`
	CustomerReference      string          `json:"customerReference,omitempty"`
	SecureDetails          *bool           `json:"secureDetails,omitempty"`
	Callback               *CallbackURLs   `json:"callback,omitempty"`
}

// InvoiceRequest is the body of orders/invoice/create, orders/faktura/create and
// orders/ehf/create, which share one shape. InvoiceMaturity: 10 for private customers;
// 14, 30 or 45 for corporate and EHF; zero means the server's default.
type InvoiceRequest struct {
	Products             []Product       `json:"products"`
	OrderSummary         OrderSummary    `json:"orderSummary"`
	OrderDate            string          `json:"orderDate"`
	CustomerDetails      CustomerDetails `json:"customerDetails"`
	InvoiceInterval      int             `json:"invoiceInterval,omitempty"` // 0 daily, 1 monthly, 2 twice a month
	InvoiceMaturity      int             `json:"invoiceMaturity,omitempty"`
	InvoiceFeeApplicable bool            `json:"invoiceFeeApplicable"`
	SeparateInvoices     *bool           `json:"separateInvoices,omitempty"` // default true
	ReferenceNo          string          `json:"referenceNo,omitempty"`
	CustomerReference    string          `json:"customerReference,omitempty"`
	Callback             *CallbackURLs   `json:"callback,omitempty"`
}

// RegularSubmitRequest is the body of orders/regular/submit (checkout by card, Vipps, wallets).
// Set FPGOUUID and OrderFrom "PARTNER" to update an unpaid order instead of creating one.
type RegularSubmitRequest struct {
	Products          []Product        `json:"products"`
	OrderSummary      OrderSummary     `json:"orderSummary"`
	ReferenceNo       string           `json:"referenceNo,omitempty"`
	CustomerReference string           `json:"customerReference,omitempty"`
	OrderDate         string           `json:"orderDate"`
	OrderFrom         string           `json:"orderFrom,omitempty"`
	FPGOUUID          string           `json:"fpgoUuid,omitempty"`
	WithCustomer      bool             `json:"withCustomer"`
	CustomerDetails   *CustomerDetails `json:"customerDetails,omitempty"`
	SubmitPayment     SubmitPayment    `json:"submitPayment"`
	Settings          *Settings        `json:"settings,omitempty"`
	Callback          CallbackURLs     `json:"callback"`
}

// InvoiceSubmitRequest is the body of orders/invoice/submit (invoice checkout with BankID).
type InvoiceSubmitRequest struct {
	Products             []Product       `json:"products"`
	OrderSummary         OrderSummary    `json:"orderSummary"`
	OrderDate            string          `json:"orderDate"`
	CustomerDetails      CustomerDetails `json:"customerDetails"`
	ReferenceNo          string          `json:"referenceNo,omitempty"`
	CustomerReference    string          `json:"customerReference,omitempty"`
	OrderFrom            string          `json:"orderFrom,omitempty"`
	FPGOUUID             string          `json:"fpgoUuid,omitempty"`
	InvoiceInterval      int             `json:"invoiceInterval,omitempty"`
	SeparateInvoices     *bool           `json:"separateInvoices,omitempty"`
	InvoiceFeeApplicable bool            `json:"invoiceFeeApplicable"`
	InvoiceMaturity      int             `json:"invoiceMaturity,omitempty"`
	Settings             *Settings       `json:"settings,omitempty"`
	Callback             CallbackURLs    `json:"callback"`
}

// HostedPaymentLinkRequest is the body of hosted/orders/payment-link/create. Note FPGO's key
// "referencesNo" (with an s) on this endpoint only.
type HostedPaymentLinkRequest struct {
	Products              []Product       `json:"products"`
	OrderSummary          OrderSummary    `json:"orderSummary"`
	OrderDate             string          `json:"orderDate"`
	DueDateForPaymentLink string          `json:"dueDateForPaymentLink"`
	OrderFrom             string          `json:"orderFrom,omitempty"`
	FPGOUUID              string          `json:"fpgoUuid,omitempty"`
	CustomerDetails       CustomerDetails `json:"customerDetails"`
	CheckoutLanguage      string          `json:"checkoutLanguage,omitempty"`
	ReferencesNo          string          `json:"referencesNo,omitempty"`
	CustomerNotes         string          `json:"customerNotes,omitempty"`
	Settings              *Settings       `json:"settings,omitempty"`
	Callback              CallbackURLs    `json:"callback"`
}

// CreatedOrder is the data of the */create endpoints.
type CreatedOrder struct {
	UUID         string `json:"uuid"`
	CustomerUUID string `json:"customerUuid"`
}

// SubmittedOrder is the data of orders/regular/submit and hosted/orders/payment-link/create:
// send the customer's browser to PaymentURL.
type SubmittedOrder struct {
	OrderUUID    string `json:"orderUuid"`
	CustomerUUID string `json:"customerUuid"`
	PaymentURL   string `json:"paymentUrl"`
}

// SubmittedInvoice is the data of orders/invoice/submit. BankIDURL is set for a private
// customer, who signs with BankID; a corporate customer is invoiced directly.
type SubmittedInvoice struct {
	OrderUUID    string `json:"orderUuid"`
	CustomerUUID string `json:"customerUuid"`
	BankIDURL    string `json:"bankIdUrl,omitempty"`
}

// ResendRequest says where to resend a payment link; it need not match the stored contact.
type ResendRequest struct {
	CountryCode string `json:"countryCode,omitempty"`
	MSISDN      string `json:"msisdn,omitempty"`
	Email       string `json:"email,omitempty"`
}

// RefundRequest refunds the given lines (IDs from OrderDetails' ProductList).
type RefundRequest struct {
	Type       string          `json:"type"` // regular | invoiced
	GrandTotal Number          `json:"grandTotal"`
	Products   []RefundProduct `json:"products"`
}

// RefundProduct is the amount to refund on one order line.
type RefundProduct struct {
	ID     Number `json:"id"`
	Amount Number `json:"amount"`
}

// OrderStatusItem is one entry of the order status list.
type OrderStatusItem struct {
	UUID   string `json:"uuid"`
	Status string `json:"status"`
}

// OrderStatusList is one page of orders/status.
type OrderStatusList struct {
	Orders   []OrderStatusItem
	MetaData *MetaData // nil when the server does not paginate
	Links    *Links
}

// OrderStatus is the data of orders/status/{uuid}.
type OrderStatus struct {
	UUID           string `json:"uuid"`
	Status         string `json:"status"`
	OrderAmount    Number `json:"orderAmount"`
	RefundedAmount Number `json:"refundedAmount"`
}

// Order is the data of orders/details/{uuid}.
type Order struct {
	Type               string          `json:"type"`
	OrderUUID          string          `json:"orderUuid"`
	InvoiceNumber      string          `json:"invoiceNumber"`
	Status             string          `json:"status"`
	OrderDate          string          `json:"orderDate"`
	PaymentLinkDueDate string          `json:"paymentLinkDueDate"`
	ProductList        []OrderLine     `json:"productList"`
	OrderSummary       OrderTotals     `json:"orderSummary"`
	CustomerDetails    CustomerDetails `json:"customerDetails"`
}

// UnmarshalJSON also reads the customer's "uuid" into CustomerDetails.CustomerUUID, the key
// order details use for it.
func (o *Order) UnmarshalJSON(b []byte) error {
	type plain Order
	var aux struct {
		*plain
		CustomerDetails struct {
			CustomerDetails
			UUID string `json:"uuid"`
		} `json:"customerDetails"`
	}
	aux.plain = (*plain)(o)
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	o.CustomerDetails = aux.CustomerDetails.CustomerDetails
	if o.CustomerDetails.CustomerUUID == "" {
		o.CustomerDetails.CustomerUUID = aux.CustomerDetails.UUID
	}
	return nil
}

// OrderLine is a stored order line; ID is what refunds and captures refer to.
type OrderLine struct {
	ID        Number `json:"id"`
	Name      string `json:"name"`
	ProductID string `json:"productId"`
	Quantity  Number `json:"quantity"`
	Rate      Number `json:"rate"`
	Discount  Number `json:"discount"`
	Tax       Number `json:"tax"`
	Amount    Number `json:"amount"`
}

// OrderTotals is the summary in order details (keys differ from the request's OrderSummary).
type OrderTotals struct {
	SubTotal       Number `json:"subTotal"`
	Tax            Number `json:"tax"`
	Discount       Number `json:"discount"`
	GrandTotal     Number `json:"grandTotal"`
	RefundedAmount Number `json:"refundedAmount,omitempty"`
}

// InvoiceNumber is the data of orders/invoice-number/{uuid}.
type InvoiceNumber struct {
	OrderUUID     string `json:"orderUuid"`
	InvoiceNumber string `json:"invoiceNumber"`
	Status        string `json:"status"`
}

// Customer is the data of customers/details/{uuid}.
type Customer struct {
	UUID              string            `json:"uuid"`
	Type              string            `json:"type"`
	Name              string            `json:"name"`
	CountryCode       string            `json:"countryCode"`
	MSISDN            string            `json:"msisdn"`
	OrganizationID    string            `json:"organizationId"`
	PersonalNumber    string            `json:"personalNumber"`
	Email             string            `json:"email"`
	PreferredLanguage string            `json:"preferredLanguage"`
	Status            string            `json:"status"`
	Addresses         CustomerAddresses `json:"addresses"`
}

// CustomerAddresses are a customer's billing and (optional) shipping address.
type CustomerAddresses struct {
	Billing  *StoredAddress `json:"billing"`
	Shipping *StoredAddress `json:"shipping,omitempty"`
}

// StoredAddress is an Address with its identifier.
type StoredAddress struct {
	UUID string `json:"uuid,omitempty"`
	Address
}

// CustomerAddressesUpdate is the "addresses" object of the customer update endpoints.
type CustomerAddressesUpdate struct {
	Billing  Address  `json:"billing"`
	Shipping *Address `json:"shipping,omitempty"`
}

// PrivateCustomerUpdate is the body of customers/update/private/{uuid}.
type PrivateCustomerUpdate struct {
	Name              string                  `json:"name"`
	PersonalNumber    string                  `json:"personalNumber,omitempty"`
	PreferredLanguage string                  `json:"preferredLanguage"`
	MSISDN            string                  `json:"msisdn"`
	Email             string                  `json:"email"`
	CountryCode       string                  `json:"countryCode"`
	Addresses         CustomerAddressesUpdate `json:"addresses"`
}

// CorporateCustomerUpdate is the body of customers/update/corporate/{uuid}.
type CorporateCustomerUpdate struct {
	Name              string                  `json:"name"`
	OrganizationID    string                  `json:"organizationId,omitempty"`
	PreferredLanguage string                  `json:"preferredLanguage"`
	MSISDN            string                  `json:"msisdn"`
	Email             string                  `json:"email"`
	CountryCode       string                  `json:"countryCode"`
	Addresses         CustomerAddressesUpdate `json:"addresses"`
	AdditionalContact []AdditionalContact     `json:"additionalContact,omitempty"`
}

// AdditionalContact is another person at a corporate customer.
type AdditionalContact struct {
	Name        string `json:"name,omitempty"`
	Email       string `json:"email,omitempty"`
	Designation string `json:"designation,omitempty"`
	CountryCode string `json:"countryCode,omitempty"`
	MSISDN      string `json:"msisdn,omitempty"`
	Note        string `json:"note,omitempty"`
}
