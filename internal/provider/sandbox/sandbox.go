package sandbox

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/fpgo/fpgo/internal/provider"
)

// Test card numbers.
const (
	CardVisaOK            = "4242424242424242"
	CardMastercardOK      = "5555555555554444"
	CardDeclined          = "4000000000000002"
	CardInsufficientFunds = "4000000000009995"
	CardGatewayDown       = "4000000000000119"
)

// Credit bureau test numbers.
const (
	PersonalUnavailable     = "11111111111"
	OrganizationUnavailable = "111111111"
)

// ReasonUnknownCard is the decline reason for a card that is not a test card.
const ReasonUnknownCard = "unknown_test_card"

func token(prefix string) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// Cards is the sandbox card gateway.
type Cards struct{}

var _ provider.CardGateway = Cards{}

// Charge decides by the test card number; see the package documentation.
func (Cards) Charge(ctx context.Context, c provider.CardCharge) (provider.CardResult, error) {
	res := provider.CardResult{Brand: provider.Brand(c.Card.Number), Last4: provider.Last4(c.Card.Number), Outcome: provider.CardDeclined}
	switch c.Card.Number {
	case CardVisaOK, CardMastercardOK:
		res.Outcome = provider.CardApproved
		res.Token = token("tok_")
	case CardDeclined:
	case CardInsufficientFunds:
		res.Outcome = provider.CardInsufficientFunds
	case CardGatewayDown:
		return provider.CardResult{}, fmt.Errorf("sandbox card gateway: %w", provider.ErrUnavailable)
	default:
		res.Reason = ReasonUnknownCard
	}
	return res, nil
}

// Void always succeeds: nothing was really charged.
func (Cards) Void(context.Context, string) error { return nil }

// Wallet is the sandbox Vipps, Apple Pay or Google Pay: the customer approves or declines on a
// sandbox page at PagePath, which posts "decision" back to the return URL.
type Wallet struct {
	PagePath string
}

var _ provider.WalletProvider = Wallet{}

// Begin sends the customer to the sandbox approval page.
func (w Wallet) Begin(ctx context.Context, r provider.WalletRequest) (provider.WalletSession, error) {
	q := url.Values{
		"method": {r.Method}, "ref": {r.Reference}, "amount": {r.Amount.String()}, "currency": {r.Currency},
		"merchant": {r.Merchant}, "return": {r.ReturnURL}, "state": {r.State}, "lang": {r.Language},
	}
	return provider.WalletSession{RedirectURL: w.PagePath + "?" + q.Encode()}, nil
}

// Complete approves when the page said so.
func (Wallet) Complete(ctx context.Context, reference string, params url.Values) (provider.WalletResult, error) {
	switch params.Get("decision") {
	case "approve":
		return provider.WalletResult{Approved: true, Token: "wal_" + reference}, nil
	case "decline":
		return provider.WalletResult{Reason: "declined_by_customer"}, nil
	}
	return provider.WalletResult{Reason: "no_decision"}, nil
}

// BankID is the sandbox BankID: a page at PagePath where the customer types a personal number.
type BankID struct {
	PagePath string
}

var _ provider.BankID = BankID{}

// Begin sends the customer to the sandbox BankID page. The hint is not passed on: a personal
// number does not belong in a URL, and whoever holds a secureDetails link must not see it.
func (b BankID) Begin(ctx context.Context, r provider.BankIDRequest) (string, error) {
	q := url.Values{"return": {r.ReturnURL}, "state": {r.State}, "lang": {r.Language}}
	return b.PagePath + "?" + q.Encode(), nil
}

// Complete accepts any 11-digit personal number.
func (BankID) Complete(ctx context.Context, params url.Values) (provider.Identity, error) {
	if params.Get("cancel") != "" {
		return provider.Identity{}, fmt.Errorf("cancelled by the customer: %w", provider.ErrNotIdentified)
	}
	pn := strings.TrimSpace(params.Get("personalNumber"))
	if !provider.ValidPersonalNumber(pn) {
		return provider.Identity{}, fmt.Errorf("not an 11-digit personal number: %w", provider.ErrNotIdentified)
	}
	return provider.Identity{PersonalNumber: pn, Name: "Sandbox BankID User"}, nil
}

// CreditBureau is the sandbox credit bureau; see the package documentation for its numbers.
type CreditBureau struct{}

var _ provider.CreditBureau = CreditBureau{}

// Score returns the deterministic score of number.
func (CreditBureau) Score(ctx context.Context, number string) (provider.CreditResult, error) {
	n := strings.TrimSpace(number)
	if n == PersonalUnavailable || n == OrganizationUnavailable {
		return provider.CreditResult{}, nil
	}
	if (len(n) == 11 && strings.HasPrefix(n, "00000000")) || (len(n) == 9 && strings.HasPrefix(n, "000000")) {
		if s, err := strconv.Atoi(n[len(n)-3:]); err == nil {
			return provider.CreditResult{Score: s, Available: true}, nil
		}
	}
	sum := sha256.Sum256([]byte(n))
	return provider.CreditResult{Score: 400 + int(binary.BigEndian.Uint32(sum[:4])%600), Available: true}, nil
}
