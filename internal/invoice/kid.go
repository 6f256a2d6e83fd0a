// Package invoice builds invoice identifiers and documents.
package invoice

import (
	"errors"
	"strconv"
	"strings"
)

// A KID is at most 25 digits in Norwegian bank payments, check digit included.
const (
	minKIDLen = 2
	maxKIDLen = 25
)

// KIDMod10 appends a MOD10 (Luhn) check digit to digits. We only issue MOD10 KIDs: the check
// digit is always a digit, whereas MOD11 has no digit for some numbers.
func KIDMod10(digits string) (string, error) {
	switch {
	case digits == "":
		return "", errors.New("invoice: KID base is empty")
	case len(digits) > maxKIDLen-1:
		return "", errors.New("invoice: KID base is longer than 24 digits")
	case !allDigits(digits):
		return "", errors.New("invoice: KID base has a non-digit")
	}
	return digits + string(luhnDigit(digits)), nil
}

// ValidKID reports whether kid is 2 to 25 digits whose last digit is a correct MOD10 or MOD11
// check digit. Both are accepted because a payer's bank may report KIDs the merchant issued
// through another system, and banks accept either kind.
func ValidKID(kid string) bool {
	if len(kid) < minKIDLen || len(kid) > maxKIDLen || !allDigits(kid) {
		return false
	}
	base, check := kid[:len(kid)-1], kid[len(kid)-1]
	if luhnDigit(base) == check {
		return true
	}
	d, ok := mod11Digit(base)
	return ok && d == check
}

// KIDForInvoice builds the KID for an invoice: the number zero-padded to nine digits (larger
// numbers keep all their digits) followed by a MOD10 check digit, so 99900753 gives
// "0999007537". The padding gives a merchant's early KIDs the same length as later ones. It
// panics on a negative number, which an invoice sequence never produces.
func KIDForInvoice(invoiceNumber int64) string {
	if invoiceNumber < 0 {
		panic("invoice: negative invoice number " + strconv.FormatInt(invoiceNumber, 10))
	}
	base := strconv.FormatInt(invoiceNumber, 10)
	if len(base) < 9 {
		base = strings.Repeat("0", 9-len(base)) + base
	}
	return base + string(luhnDigit(base))
}

// luhnDigit is the MOD10 check digit: weights 2,1,2,1… from the right, the digits of each
// product summed.
func luhnDigit(digits string) byte {
	sum := 0
	double := true
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

// mod11Digit is the MOD11 check digit: weights 2..7 repeating from the right, check digit
// 11 − sum mod 11, where 11 means 0 and 10 means no valid digit (written "-" by issuers).
func mod11Digit(digits string) (byte, bool) {
	sum := 0
	for i, w := len(digits)-1, 2; i >= 0; i-- {
		sum += int(digits[i]-'0') * w
		if w++; w > 7 {
			w = 2
		}
	}
	switch r := sum % 11; r {
	case 0:
		return '0', true
	case 1:
		return 0, false
	default:
		return byte('0' + 11 - r), true
	}
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
