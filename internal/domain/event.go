package domain

import "time"

// CallbackEvent is one status change to tell the merchant about. It is written to the outbox in
// the same transaction as the change, so a change is never without its callback.
type CallbackEvent struct {
	ID            int64     `json:"id"`
	OrgID         string    `json:"-"`
	Kind          string    `json:"kind"` // order, reservation, subscription, terminal, companyCheck
	SubjectUUID   string    `json:"orderUuid"`
	Status        string    `json:"status"`
	PaymentMethod string    `json:"paymentMethod"`
	Amount        string    `json:"amount"`
	SubjectAt     time.Time `json:"createdAt"` // when the subject (order) was created
	URL           string    `json:"url"`
	CreatedAt     time.Time `json:"eventAt"`
}

// Message is an SMS or email fpgo sends on the merchant's behalf (payment links, invoices).
type Message struct {
	ID        int64     `json:"id"`
	OrgID     string    `json:"-"`
	Channel   string    `json:"channel"` // sms | email
	To        string    `json:"to"`
	Subject   string    `json:"subject,omitempty"`
	Body      string    `json:"body"`
	OrderUUID string    `json:"orderUuid,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}
