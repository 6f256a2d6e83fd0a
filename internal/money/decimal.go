package money

import (
	"encoding/json"
	"strings"
)

// decimal is a parsed number kept as text: the value is ±mant × 10^exp. mant has no leading
// or trailing zeros, so it is empty exactly when the value is zero, and deciding whether the
// value is whole at some scale needs only exp.
type decimal struct {
	neg  bool
	mant string
	exp  int
}

// maxExp caps the exponent while it is read; any larger exponent already puts a non-zero
// value out of range (or below the smallest unit), so clamping it changes no outcome.
const maxExp = 1_000_000

// parseDecimal checks the syntax sign? digit+ ("." digit+)? ([eE] sign? digit+)?.
func parseDecimal(s string) (decimal, error) {
	var d decimal
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		d.neg = s[i] == '-'
		i++
	}
	intStart := i
	i = skipDigits(s, i)
	intPart := s[intStart:i]
	if intPart == "" {
		return d, wrap(ErrInvalid, s)
	}
	var frac string
	if i < len(s) && s[i] == '.' {
		i++
		fracStart := i
		i = skipDigits(s, i)
		frac = s[fracStart:i]
		if frac == "" {
			return d, wrap(ErrInvalid, s)
		}
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		expNeg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			expNeg = s[i] == '-'
			i++
		}
		expStart := i
		for ; i < len(s) && isDigit(s[i]); i++ {
			if exp < maxExp {
				exp = exp*10 + int(s[i]-'0')
			}
		}
		if i == expStart {
			return d, wrap(ErrInvalid, s)
		}
		exp = min(exp, maxExp)
		if expNeg {
			exp = -exp
		}
	}
	if i != len(s) {
		return d, wrap(ErrInvalid, s)
	}

	intPart = strings.TrimLeft(intPart, "0")
	mant := intPart + frac
	exp -= len(frac)
	if intPart == "" {
		mant = strings.TrimLeft(frac, "0")
	}
	trimmed := strings.TrimRight(mant, "0")
	exp += len(mant) - len(trimmed)
	d.mant = trimmed
	d.exp = exp
	return d, nil
}

// scaled returns d × 10^scale as an integer no larger than limit in magnitude.
func (d decimal) scaled(scale int, limit int64, s string) (int64, error) {
	if d.mant == "" {
		return 0, nil
	}
	shift := d.exp + scale
	if shift < 0 {
		return 0, wrap(ErrTooManyDecimals, s)
	}
	// 18 digits always fit in int64, and every limit used here is below 10^18.
	if len(d.mant)+shift > 18 {
		return 0, wrap(ErrOutOfRange, s)
	}
	var v int64
	for i := 0; i < len(d.mant); i++ {
		v = v*10 + int64(d.mant[i]-'0')
	}
	for range shift {
		v *= 10
	}
	if v > limit {
		return 0, wrap(ErrOutOfRange, s)
	}
	if d.neg {
		v = -v
	}
	return v, nil
}

func skipDigits(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// format writes v / 10^scale with at least minFrac decimals, dropping further trailing zeros.
func format(v int64, scale, minFrac int) string {
	u := magnitude(v)
	unit := uint64(1)
	for range scale {
		unit *= 10
	}
	var b []byte
	if v < 0 {
		b = append(b, '-')
	}
	b = appendUint(b, u/unit)
	frac := appendUint(nil, u%unit)
	for len(frac) < scale {
		frac = append([]byte{'0'}, frac...)
	}
	n := len(frac)
	for n > minFrac && frac[n-1] == '0' {
		n--
	}
	if n > 0 {
		b = append(b, '.')
		b = append(b, frac[:n]...)
	}
	return string(b)
}

func appendUint(b []byte, u uint64) []byte {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	return append(b, buf[i:]...)
}

// magnitude is |v| without overflowing on math.MinInt64.
func magnitude(v int64) uint64 {
	if v < 0 {
		return -uint64(v)
	}
	return uint64(v)
}

// unmarshal decodes a JSON number, a JSON string holding a number, or null (zero) with parse.
func unmarshal(b []byte, parse func(string) (int64, error)) (int64, error) {
	if string(b) == "null" {
		return 0, nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return 0, wrap(ErrInvalid, string(b))
		}
		return parse(s)
	}
	return parse(string(b))
}
