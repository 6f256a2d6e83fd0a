package validate

import (
	"encoding/json"
	"math/big"
	"strconv"
	"strings"
)

// maxExponent bounds the exponent accepted when a number is converted to an
// exact rational, so that "1e999999999" cannot make math/big allocate
// gigabytes. Such numbers are still "numeric" but fail numeric comparisons.
const maxExponent = 1000

// maxDigits bounds the significant digits converted to an exact rational.
const maxDigits = 1000

// isNumeric reports whether s (already trimmed) is numeric like PHP's
// is_numeric: optional sign, digits with an optional fraction (or a leading
// dot), optional exponent.
func isNumeric(s string) bool {
	_, _, _, ok := splitNumber(s)
	return ok
}

// splitNumber splits a numeric string into sign-stripped integer and fraction
// digits and the exponent text.
func splitNumber(s string) (neg bool, mant string, exp string, ok bool) {
	if s == "" {
		return false, "", "", false
	}
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		s = s[1:]
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		exp = s[i+1:]
		s = s[:i]
		e := exp
		if e != "" && (e[0] == '+' || e[0] == '-') {
			e = e[1:]
		}
		if e == "" || !allDigits(e) {
			return false, "", "", false
		}
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" && frac == "" {
		return false, "", "", false
	}
	if !allDigits(intPart) || !allDigits(frac) {
		return false, "", "", false
	}
	return neg, s, exp, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// numberText returns the numeric text of a json.Number or numeric string.
func numberText(v any) (string, bool) {
	switch x := v.(type) {
	case json.Number:
		s := string(x)
		return s, isNumeric(s)
	case string:
		s := strings.TrimSpace(x)
		return s, isNumeric(s)
	}
	return "", false
}

// toRat converts numeric text to an exact rational.
func toRat(s string) (*big.Rat, bool) {
	neg, mant, exp, ok := splitNumber(s)
	if !ok {
		return nil, false
	}
	e := 0
	if exp != "" {
		n, err := strconv.Atoi(exp)
		if err != nil || n > maxExponent || n < -maxExponent {
			return nil, false
		}
		e = n
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	frac = strings.TrimRight(frac, "0")
	digits := strings.TrimLeft(intPart+frac, "0")
	if digits == "" {
		return new(big.Rat), true
	}
	if len(digits) > maxDigits {
		return nil, false
	}
	e -= len(frac)
	num, okInt := new(big.Int).SetString(digits, 10)
	if !okInt {
		return nil, false
	}
	if neg {
		num.Neg(num)
	}
	r := new(big.Rat).SetInt(num)
	if e != 0 {
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(absInt(e))), nil)
		pr := new(big.Rat).SetInt(p)
		if e > 0 {
			r.Mul(r, pr)
		} else {
			r.Quo(r, pr)
		}
	}
	return r, true
}

func absInt(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// valueRat returns the exact value of a number or numeric string.
func valueRat(v any) (*big.Rat, bool) {
	s, ok := numberText(v)
	if !ok {
		return nil, false
	}
	return toRat(s)
}
