package domain

import (
	"time"

	"github.com/fpgo/fpgo/internal/money"
)

// Merchant is an organization using fpgo; every other record belongs to exactly one.
type Merchant struct {
	ID             string // ORG…
	Name           string
	OrgNumber      string // the organization number the merchant registered with
	TokenHash      string
	CallbackSecret string // needed in clear text to sign callbacks
	Settings       MerchantSettings
	CreatedAt      time.Time
}

// MerchantSettings are the per-merchant knobs FPGO configures for its merchants.
type MerchantSettings struct {
	RateLimit          int          `json:"rateLimit"`          // requests per minute per token
	TaxRates           []money.Rate `json:"taxRates"`           // allowed VAT rates
	RefundLimitRequest money.Amount `json:"refundLimitRequest"` // max per refund request; 0 = no limit
	RefundLimitWeekly  money.Amount `json:"refundLimitWeekly"`  // max refunded in 7 days; 0 = no limit
	DelayedCharge      bool         `json:"delayedCharge"`      // card payments end AUTHORIZED by default
	Currency           string       `json:"currency"`
}

// DefaultMerchantSettings are what a new merchant gets.
func DefaultMerchantSettings() MerchantSettings {
	return MerchantSettings{
		RateLimit:          240,
		TaxRates:           []money.Rate{0, 1200, 1500, 2500},
		RefundLimitRequest: 50_000_00,
		RefundLimitWeekly:  200_000_00,
		Currency:           "NOK",
	}
}

// AllowsTax reports whether r is one of the merchant's VAT rates.
func (s MerchantSettings) AllowsTax(r money.Rate) bool {
	for _, a := range s.TaxRates {
		if a == r {
			return true
		}
	}
	return false
}
