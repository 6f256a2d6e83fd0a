package store

import (
	"time"

	"github.com/fpgo/fpgo/internal/domain"
)

// Payment attempt states. An attempt is "processing" only while fpgo talks to the provider;
// the store allows one processing attempt per order, which is what keeps two browser tabs from
// charging the customer twice.
const (
	AttemptProcessing = "processing"
	AttemptSucceeded  = "succeeded"
	AttemptDeclined   = "declined"
	AttemptFailed     = "failed"    // the provider could not be asked, or the sandbox API said fail
	AttemptAbandoned  = "abandoned" // the process died while processing; a later attempt took over
	AttemptVoided     = "voided"    // the provider approved, but the order could no longer be paid
)

// PaymentAttempt is one try to pay an order. Of a card only the brand, the last four digits and
// the gateway's token are kept.
type PaymentAttempt struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"-"`
	OrderUUID string    `json:"orderUuid"`
	Method    string    `json:"method"`
	State     string    `json:"state"`
	Reason    string    `json:"reason,omitempty"`
	CardBrand string    `json:"cardBrand,omitempty"`
	CardLast4 string    `json:"cardLast4,omitempty"`
	Token     string    `json:"token,omitempty"`
	Source    string    `json:"source"` // checkout | sandbox
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Credit decisions kept in a checkout session.
const (
	CreditApproved    = "approved"
	CreditRefused     = "refused"
	CreditUnavailable = "unavailable"
)

// CheckoutSession is what one browser has proven for one order in the invoice journey and for
// secureDetails. The browser holds a random token in a cookie; only its hash is stored.
type CheckoutSession struct {
	TokenHash string
	OrgID     string
	OrderUUID string
	BankIDAt  *time.Time
	// PersonalNumber is the BankID-verified number, masked ("28*******83"): enough to show the
	// customer whom they signed as, useless to anyone reading the table.
	PersonalNumber string
	CreditStatus   string
	CreditScore    int
	SignedAt       *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// CheckoutTx holds what the customer's payment journey stores: payment attempts, checkout
// sessions, and the delivery state of outgoing email.
type CheckoutTx interface {
	// OrderByUUIDAnyOrg finds an order by its uuid alone: customer pages carry no merchant
	// token. Order uuids are unique across merchants.
	OrderByUUIDAnyOrg(uuid string, forUpdate bool) (*domain.Order, error)

	// InsertPaymentAttempt stores a new attempt; ErrDuplicate when its id is taken or when the
	// order already has a processing attempt.
	InsertPaymentAttempt(a *PaymentAttempt) error
	// UpdatePaymentAttempt stores the attempt's state, reason, card and token.
	UpdatePaymentAttempt(a *PaymentAttempt) error
	PaymentAttempt(orgID, id string) (*PaymentAttempt, error)
	// PaymentAttempts lists an order's attempts, oldest first.
	PaymentAttempts(orgID, orderUUID string) ([]PaymentAttempt, error)

	// CheckoutSession loads a browser's session for an order; ErrNotFound when there is none.
	CheckoutSession(tokenHash, orderUUID string) (*CheckoutSession, error)
	// SaveCheckoutSession inserts or replaces a session.
	SaveCheckoutSession(s *CheckoutSession) error

	// ClaimUnsentEmails leases up to limit unsent emails of any organization, created at or
	// after notBefore and tried fewer than maxAttempts times, for lease; each claim counts as
	// an attempt.
	ClaimUnsentEmails(now time.Time, lease time.Duration, notBefore time.Time, maxAttempts, limit int) ([]domain.Message, error)
	MarkMessageSent(id int64, at time.Time) error
	// MarkMessageFailed records why sending failed and when to try again.
	MarkMessageFailed(id int64, reason string, retryAt time.Time) error
}
