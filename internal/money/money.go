// Package money represents money, quantities and VAT rates as exact scaled integers.
//
// Amounts travel through the Front Payment API as decimal numbers, and a float64 cannot hold
// 4017.86 exactly, so a total computed in floating point can disagree by an øre with the
// total the merchant computed. Every value here is an int64 count of the smallest unit the
// API uses, text is converted digit by digit, and all rounding is explicit integer math.
package money

import (
	"errors"
	"fmt"
)

// The parse errors are sentinels so callers can turn each into its own validation message
// with errors.Is; the returned errors wrap them together with the offending input.
var (
	// ErrInvalid reports text that is not a plain decimal number, or a value the type forbids.
	ErrInvalid = errors.New("money: invalid number")
	// ErrTooManyDecimals reports a number more precise than the type can hold exactly.
	ErrTooManyDecimals = errors.New("money: too many decimals")
	// ErrOutOfRange reports a number, or the result of arithmetic, beyond the allowed range.
	ErrOutOfRange = errors.New("money: out of range")
)

// MaxAmount bounds parsed amounts and quantities. Ten trillion kroner is far beyond any real
// payment, and staying well below the int64 limit leaves room for sums and products.
const MaxAmount = 1_000_000_000_000_000

// Amount is money in øre (hundredths of the currency unit).
type Amount int64

// Parse reads a decimal amount as clients send it: "51", "51.00", "-3.5", "+7", or JSON
// number text with an exponent such as "4.01786e3". Any number of trailing zeros is allowed,
// but a value with a non-zero third decimal is rejected rather than rounded, because silently
// rounding a client's amount would hide a disagreement about the total. A lone "." on either
// side (".5", "5."), whitespace, "NaN", "Inf" and hex are not accepted.
func Parse(s string) (Amount, error) {
	d, err := parseDecimal(s)
	if err != nil {
		return 0, err
	}
	v, err := d.scaled(2, MaxAmount, s)
	return Amount(v), err
}

// String formats a with exactly two decimals, as amounts are shown to people: "4500.00".
func (a Amount) String() string { return format(int64(a), 2, 2) }

// MarshalJSON writes a as a JSON number in its shortest exact form (4500, 4017.8), which is
// how the API's clients send amounts.
func (a Amount) MarshalJSON() ([]byte, error) { return []byte(format(int64(a), 2, 0)), nil }

// UnmarshalJSON accepts a JSON number or a string holding one, since clients send both.
// null sets a to zero.
func (a *Amount) UnmarshalJSON(b []byte) error {
	v, err := unmarshal(b, func(s string) (int64, error) {
		x, err := Parse(s)
		return int64(x), err
	})
	if err != nil {
		return err
	}
	*a = Amount(v)
	return nil
}

// wrap attaches the input to a sentinel, shortened so a hostile body cannot flood the logs.
func wrap(sentinel error, s string) error {
	const max = 40
	if len(s) > max {
		s = s[:max] + "…"
	}
	return fmt.Errorf("%w: %q", sentinel, s)
}
