package store

// CheckoutTx holds what the customer's payment journey stores: payment attempts, BankID
// sessions, credit checks. Methods are added here by the checkout area.
type CheckoutTx interface {
}
