package provider

import (
	"context"
	"fmt"
	"net/url"
)

// Unconfigured stands in for every provider in production until a real one is configured: each
// call fails with ErrUnavailable, so the customer sees "temporarily unavailable" and nothing is
// charged, instead of production silently using a sandbox.
type Unconfigured struct{ Name string }

func (u Unconfigured) err() error {
	return fmt.Errorf("%s is not configured: %w", u.Name, ErrUnavailable)
}

// Charge fails.
func (u Unconfigured) Charge(context.Context, CardCharge) (CardResult, error) {
	return CardResult{}, u.err()
}

// Void fails.
func (u Unconfigured) Void(context.Context, string) error { return u.err() }

// Begin fails.
func (u Unconfigured) Begin(context.Context, WalletRequest) (WalletSession, error) {
	return WalletSession{}, u.err()
}

// Complete fails.
func (u Unconfigured) Complete(context.Context, string, url.Values) (WalletResult, error) {
	return WalletResult{}, u.err()
}

// Score fails.
func (u Unconfigured) Score(context.Context, string) (CreditResult, error) {
	return CreditResult{}, u.err()
}

// UnconfiguredBankID is Unconfigured for BankID, whose methods share names with the wallet's.
type UnconfiguredBankID struct{}

// Begin fails.
func (UnconfiguredBankID) Begin(context.Context, BankIDRequest) (string, error) {
	return "", Unconfigured{Name: "BankID"}.err()
}

// Complete fails.
func (UnconfiguredBankID) Complete(context.Context, url.Values) (Identity, error) {
	return Identity{}, Unconfigured{Name: "BankID"}.err()
}
