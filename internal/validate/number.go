package validate

import (
	"encoding/json"
	"math/big"
	"math/bits"
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
	if i := indexExp(s); i >= 0 {
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

// indexExp is strings.IndexAny(s, "eE"), without its set-building cost on
// these short texts.
func indexExp(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == 'e' || s[i] == 'E' {
			return i
		}
	}
	return -1
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

// num is the exact value of numeric text. Plain amounts ("51", "51.00",
// "-0.5", "1e3") fit in dec, which compares without allocating; anything
// else (many digits, big exponents) is kept as the big.Rat toRat gives.
type num struct {
	d   dec
	rat *big.Rat // nil when d holds the value
}

// parseNum is toRat with the fast path: it accepts exactly what toRat
// accepts, with the same value.
func parseNum(s string) (num, bool) {
	if d, ok := parseDec(s); ok {
		return num{d: d}, true
	}
	r, ok := toRat(s)
	if !ok {
		return num{}, false
	}
	return num{rat: r}, true
}

// valueNum returns the exact value of a number or numeric string. It does
// not ask numberText, whose isNumeric check parseNum repeats anyway.
func valueNum(v any) (num, bool) {
	switch x := v.(type) {
	case json.Number:
		return parseNum(string(x))
	case string:
		return parseNum(strings.TrimSpace(x))
	}
	return num{}, false
}

func (a num) toRat() *big.Rat {
	if a.rat != nil {
		return a.rat
	}
	return a.d.rat()
}

// cmp compares exactly, like big.Rat.Cmp.
func (a num) cmp(b num) int {
	if a.rat == nil && b.rat == nil {
		return a.d.cmp(b.d)
	}
	return a.toRat().Cmp(b.toRat())
}

// scaledIsInt reports whether a times 10^places is an integer, that is
// whether a has at most places decimals once trailing zeros are dropped.
// scale is 10^places as a big.Rat (1 when places < 0, as big.Int.Exp gives),
// for values outside dec.
func (a num) scaledIsInt(places int, scale *big.Rat) bool {
	if a.rat == nil {
		return a.d.decimals() <= max(places, 0)
	}
	return new(big.Rat).Mul(a.rat, scale).IsInt()
}

// decDigits is the most significant digits dec keeps: 10^18-1 < 2^63.
const decDigits = 18

// pow10 holds 10^0 .. 10^19, all of which fit in a uint64.
var pow10 = func() (p [20]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// dec is the value m / 10^scale with |m| < 10^18 and 0 <= scale <= 18.
type dec struct {
	m     int64
	scale int
}

// parseDec converts numeric text to a dec. ok is false both for text that
// is not numeric and for values that do not fit; the caller then asks toRat,
// which decides. Whenever ok is true toRat would succeed with the same value:
// the limits here are far inside toRat's maxExponent and maxDigits.
func parseDec(s string) (d dec, ok bool) {
	neg, mant, exp, ok := splitNumber(s)
	if !ok {
		return dec{}, false
	}
	e := 0
	if exp != "" {
		// The text is a sign and digits (splitNumber checked); leading zeros
		// are allowed, as strconv.Atoi allows them in toRat.
		eneg := exp[0] == '-'
		if exp[0] == '+' || exp[0] == '-' {
			exp = exp[1:]
		}
		exp = strings.TrimLeft(exp, "0")
		if len(exp) > 2 {
			return dec{}, false
		}
		for i := 0; i < len(exp); i++ {
			e = e*10 + int(exp[i]-'0')
		}
		if e > decDigits {
			return dec{}, false
		}
		if eneg {
			e = -e
		}
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	frac = strings.TrimRight(frac, "0")
	var m uint64
	nd := 0 // significant digits so far
	for _, part := range [2]string{intPart, frac} {
		for i := 0; i < len(part); i++ {
			c := part[i]
			if nd == 0 && c == '0' {
				continue
			}
			if nd++; nd > decDigits {
				return dec{}, false
			}
			m = m*10 + uint64(c-'0')
		}
	}
	if m == 0 {
		return dec{}, true
	}
	scale := len(frac) - e
	if scale < 0 {
		if nd-scale > decDigits {
			return dec{}, false
		}
		m *= pow10[-scale]
		scale = 0
	}
	if scale > decDigits {
		return dec{}, false
	}
	d = dec{m: int64(m), scale: scale}
	if neg {
		d.m = -d.m
	}
	return d, true
}

func (d dec) rat() *big.Rat {
	return new(big.Rat).SetFrac(big.NewInt(d.m), new(big.Int).SetUint64(pow10[d.scale]))
}

// cmp compares a and b exactly: both magnitudes are brought to the larger
// scale as 128-bit products, which cannot overflow (< 2^63 * 10^18).
func (a dec) cmp(b dec) int {
	sa, sb := sign(a.m), sign(b.m)
	if sa != sb || sa == 0 {
		return cmpInt(sa, sb)
	}
	s := max(a.scale, b.scale)
	ha, la := bits.Mul64(absU(a.m), pow10[s-a.scale])
	hb, lb := bits.Mul64(absU(b.m), pow10[s-b.scale])
	c := cmpU(ha, hb)
	if c == 0 {
		c = cmpU(la, lb)
	}
	return c * sa
}

// decimals is the number of decimal places without trailing zeros.
func (d dec) decimals() int {
	m, s := d.m, d.scale
	for s > 0 && m%10 == 0 {
		m /= 10
		s--
	}
	return s
}

func sign(n int64) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpU(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func absU(n int64) uint64 {
	if n < 0 {
		return uint64(-n)
	}
	return uint64(n)
}
