package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// CreatePaymentLink creates an order whose payment link FPGO sends to the customer
// (orders/payment-link/create).
func (c *Client) CreatePaymentLink(ctx context.Context, req PaymentLinkRequest) (*CreatedOrder, error) {
	return post[CreatedOrder](ctx, c, "orders/payment-link/create", req)
}

// CreateInvoice creates an invoice order (orders/invoice/create).
func (c *Client) CreateInvoice(ctx context.Context, req InvoiceRequest) (*CreatedOrder, error) {
	return post[CreatedOrder](ctx, c, "orders/invoice/create", req)
}

// CreateFaktura creates an e-faktura order for a private customer (orders/faktura/create).
func (c *Client) CreateFaktura(ctx context.Context, req InvoiceRequest) (*CreatedOrder, error) {
	return post[CreatedOrder](ctx, c, "orders/faktura/create", req)
}

// CreateEHF creates an EHF invoice for a corporate customer (orders/ehf/create).
func (c *Client) CreateEHF(ctx context.Context, req InvoiceRequest) (*CreatedOrder, error) {
	return post[CreatedOrder](ctx, c, "orders/ehf/create", req)
}

// SubmitRegular starts a checkout and returns the URL to send the customer to
// (orders/regular/submit).
func (c *Client) SubmitRegular(ctx context.Context, req RegularSubmitRequest) (*SubmittedOrder, error) {
	return post[SubmittedOrder](ctx, c, "orders/regular/submit", req)
}

// SubmitInvoice starts an invoice checkout (orders/invoice/submit).
func (c *Client) SubmitInvoice(ctx context.Context, req InvoiceSubmitRequest) (*SubmittedInvoice, error) {
	return post[SubmittedInvoice](ctx, c, "orders/invoice/submit", req)
}

// CreateHostedPaymentLink creates an order paid on the hosted checkout page
// (hosted/orders/payment-link/create).
func (c *Client) CreateHostedPaymentLink(ctx context.Context, req HostedPaymentLinkRequest) (*SubmittedOrder, error) {
	return post[SubmittedOrder](ctx, c, "hosted/orders/payment-link/create", req)
}

// Resend sends an order's payment link again, by SMS and/or email (orders/resend/{uuid}).
func (c *Client) Resend(ctx context.Context, orderUUID string, req ResendRequest) error {
	return c.call(ctx, http.MethodPost, "orders/resend/", orderUUID, req, nil)
}

// Cancel cancels an unpaid order (orders/cancel/{uuid}).
func (c *Client) Cancel(ctx context.Context, orderUUID, note string) error {
	body := struct {
		CancellationNote string `json:"cancellationNote"`
	}{note}
	return c.call(ctx, http.MethodPost, "orders/cancel/", orderUUID, body, nil)
}

// Refund refunds all or part of a paid order (orders/refund/{uuid}).
func (c *Client) Refund(ctx context.Context, orderUUID string, req RefundRequest) error {
	return c.call(ctx, http.MethodPost, "orders/refund/", orderUUID, req, nil)
}

// DelayedCharge charges an order whose card payment was only authorized
// (orders/delayed/charge/{uuid}).
func (c *Client) DelayedCharge(ctx context.Context, orderUUID string) error {
	return c.call(ctx, http.MethodPost, "orders/delayed/charge/", orderUUID, nil, nil)
}

// OrderStatuses lists orders and their statuses (orders/status). statusType filters on a status
// ("paid", "PARTIALLY REFUNDED"; empty for all); page counts from 1 (0 for the server's default).
func (c *Client) OrderStatuses(ctx context.Context, statusType string, page int) (*OrderStatusList, error) {
	q := url.Values{}
	if statusType != "" {
		q.Set("type", statusType)
	}
	if page > 0 {
		q.Set("page", strconv.Itoa(page))
	}
	path := "orders/status"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	list := &OrderStatusList{Orders: []OrderStatusItem{}}
	env, err := c.Do(ctx, http.MethodGet, path, nil, &list.Orders)
	if err != nil {
		return nil, err
	}
	list.MetaData, list.Links = env.MetaData, env.Links
	return list, nil
}

// OrderStatus returns one order's status and amounts (orders/status/{uuid}).
func (c *Client) OrderStatus(ctx context.Context, orderUUID string) (*OrderStatus, error) {
	return get[OrderStatus](ctx, c, "orders/status/", orderUUID)
}

// OrderDetails returns an order with its lines, totals and customer (orders/details/{uuid}).
func (c *Client) OrderDetails(ctx context.Context, orderUUID string) (*Order, error) {
	return get[Order](ctx, c, "orders/details/", orderUUID)
}

// InvoiceNumber returns the invoice number of an invoiced order (orders/invoice-number/{uuid}).
func (c *Client) InvoiceNumber(ctx context.Context, orderUUID string) (*InvoiceNumber, error) {
	return get[InvoiceNumber](ctx, c, "orders/invoice-number/", orderUUID)
}

// CustomerDetails returns a customer with addresses (customers/details/{uuid}).
func (c *Client) CustomerDetails(ctx context.Context, customerUUID string) (*Customer, error) {
	return get[Customer](ctx, c, "customers/details/", customerUUID)
}

// UpdatePrivateCustomer replaces a private customer's details (customers/update/private/{uuid}).
func (c *Client) UpdatePrivateCustomer(ctx context.Context, customerUUID string, req PrivateCustomerUpdate) error {
	return c.call(ctx, http.MethodPut, "customers/update/private/", customerUUID, req, nil)
}

// UpdateCorporateCustomer replaces a corporate customer's details
// (customers/update/corporate/{uuid}).
func (c *Client) UpdateCorporateCustomer(ctx context.Context, customerUUID string, req CorporateCustomerUpdate) error {
	return c.call(ctx, http.MethodPut, "customers/update/corporate/", customerUUID, req, nil)
}

// call sends a request to prefix+uuid; an empty uuid would address a different endpoint.
func (c *Client) call(ctx context.Context, method, prefix, uuid string, body, out any) error {
	if uuid == "" {
		return errEmptyUUID
	}
	_, err := c.Do(ctx, method, prefix+url.PathEscape(uuid), body, out)
	return err
}

func post[T any](ctx context.Context, c *Client, path string, body any) (*T, error) {
	out := new(T)
	if _, err := c.Do(ctx, http.MethodPost, path, body, out); err != nil {
		return nil, err
	}
	return out, nil
}

func get[T any](ctx context.Context, c *Client, prefix, uuid string) (*T, error) {
	out := new(T)
	if err := c.call(ctx, http.MethodGet, prefix, uuid, nil, out); err != nil {
		return nil, err
	}
	return out, nil
}
