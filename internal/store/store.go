// Package store defines fpgo's persistence boundary: one Store interface whose transactions hold
// every read and write a use case needs. Implementations live in sub-packages; storetest is the
// single test suite every implementation must pass.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/money"
)

var (
	// ErrNotFound: no such record for this organization.
	ErrNotFound = errors.New("store: not found")
	// ErrDuplicate: a unique key (a random id, an idempotency key) already exists.
	ErrDuplicate = errors.New("store: duplicate")
	// ErrStale: the record changed since it was read; the transaction is retried.
	ErrStale = errors.New("store: stale write")
)

// Store runs transactions. Every method of Tx that touches tenant data takes the organization id,
// and a record of another organization is ErrNotFound.
type Store interface {
	// Write runs fn in one read-write transaction and commits it durably before returning.
	// fn may be run more than once (on ErrStale or a serialization failure), so it must not
	// have side effects outside the transaction.
	Write(ctx context.Context, fn func(Tx) error) error
	// Read runs fn on a consistent read-only snapshot.
	Read(ctx context.Context, fn func(Tx) error) error
	// CredentialsEpoch returns a counter that changes whenever a merchant's token or settings
	// change (UpdateMerchant), read outside any transaction: a merchant cached with an older
	// value must be looked up again.
	CredentialsEpoch(ctx context.Context) (int64, error)
	Ping(ctx context.Context) error
	Close() error
	// Dialect names the backend ("sqlite", "postgres").
	Dialect() string
}

// OrderStatusRow is one entry of the order status list.
type OrderStatusRow struct {
	UUID   string
	Status domain.Status
}

// Page selects a slice of a list.
type Page struct {
	Limit, Offset int
}

// IdempotentResult is a stored response for an Idempotency-Key.
type IdempotentResult struct {
	RequestHash string
	Result      []byte
}

// Tx is one transaction: the core tables plus one interface per area, each declared in its own
// file (checkout.go, delivery.go) so areas grow without touching each other.
type Tx interface {
	CoreTx
	CheckoutTx
	DeliveryTx
}

// CoreTx covers merchants, customers, orders, refunds, the outbox and idempotency keys.
type CoreTx interface {
	// Merchants
	InsertMerchant(m *domain.Merchant) error
	MerchantByID(id string) (*domain.Merchant, error)
	MerchantByTokenHash(hash string) (*domain.Merchant, error)
	ListMerchants() ([]domain.Merchant, error)
	UpdateMerchant(m *domain.Merchant) error
	// NextInvoiceNumber hands out the merchant's next invoice number; numbers are never reused.
	NextInvoiceNumber(orgID string) (int64, error)

	// Customers
	InsertCustomer(c *domain.Customer) error // ErrDuplicate when the UUID is taken
	CustomerByUUID(orgID, uuid string) (*domain.Customer, error)
	UpdateCustomer(c *domain.Customer) error

	// Orders
	InsertOrder(o *domain.Order) error // assigns line ids; ErrDuplicate when the UUID is taken
	// OrderByUUID loads an order with its lines; forUpdate locks it for the rest of the transaction.
	OrderByUUID(orgID, uuid string, forUpdate bool) (*domain.Order, error)
	// UpdateOrder stores the order and its lines' refunded amounts; ErrStale if it changed meanwhile.
	UpdateOrder(o *domain.Order) error
	// ReplaceOrderLines rewrites an unpaid order's lines (partner updates) and assigns new ids.
	ReplaceOrderLines(o *domain.Order) error
	ListOrderStatuses(orgID string, status domain.Status, p Page) ([]OrderStatusRow, int, error)
	// DueOrders lists orders that are SENT with a due date before now, of one organization or,
	// with orgID "", of all.
	DueOrders(orgID string, now time.Time, limit int) ([]OrderRef, error)

	// Refunds
	InsertRefund(r *domain.Refund) error
	RefundedSince(orgID string, since time.Time) (money.Amount, error)

	// Outbox
	EnqueueCallback(e *domain.CallbackEvent) error
	CallbackEvents(orgID, subjectUUID string) ([]domain.CallbackEvent, error)
	InsertMessage(m *domain.Message) error
	Messages(orgID, to string, limit int) ([]domain.Message, error)

	// Sandbox test clock, shared by all nodes
	SandboxClockOffset() (time.Duration, error)
	// AdvanceSandboxClock moves the shared offset forward by d (never back) and returns it.
	AdvanceSandboxClock(d time.Duration) (time.Duration, error)

	// Idempotency
	IdempotentResult(orgID, key string) (*IdempotentResult, error) // ErrNotFound when unused
	SaveIdempotentResult(orgID, key string, r IdempotentResult, at time.Time) error
}

// OrderRef names an order of some organization.
type OrderRef struct {
	OrgID, UUID string
}
