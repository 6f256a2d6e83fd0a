package provider

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Card is a card as the customer typed it. It formats, logs and marshals as its brand and last
// four digits only, so that an accidental log line or JSON dump never carries the number or CVC.
type Card struct {
	Number   string // digits only
	ExpMonth int    // 1..12
	ExpYear  int    // four digits
	CVC      string
}

// String shows brand and last four digits.
func (c Card) String() string { return Brand(c.Number) + " ****" + Last4(c.Number) }

// GoString keeps %#v from printing the fields.
func (c Card) GoString() string { return "provider.Card{" + c.String() + "}" }

// Format keeps every fmt verb (%v, %+v, %s, …) on the masked form.
func (c Card) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue makes slog print the masked form.
func (c Card) LogValue() slog.Value { return slog.StringValue(c.String()) }

// MarshalJSON writes the masked form.
func (c Card) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(c.String())), nil }

// Last4 returns the last four digits of a card number.
func Last4(number string) string {
	if len(number) < 4 {
		return ""
	}
	return number[len(number)-4:]
}

// Brand names the card scheme by its number's prefix: visa, mastercard, or "" for schemes fpgo
// does not take.
func Brand(number string) string {
	if number == "" {
		return ""
	}
	if number[0] == '4' {
		return MethodVisa
	}
	if len(number) >= 4 {
		p2, _ := strconv.Atoi(number[:2])
		p4, _ := strconv.Atoi(number[:4])
		if (p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720) {
			return MethodMastercard
		}
	}
	return ""
}

// Luhn reports whether the digits pass the Luhn (MOD 10) check every card number carries.
func Luhn(digits string) bool {
	if len(digits) < 2 {
		return false
	}
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		c := digits[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// Card field problems, as keys the checkout translates.
const (
	ErrCardNumber      = "card.number.invalid"
	ErrCardUnsupported = "card.number.unsupported"
	ErrCardExpiry      = "card.expiry.invalid"
	ErrCardExpired     = "card.expiry.past"
	ErrCardCVC         = "card.cvc.invalid"
)

// CardErrors maps a form field (number, expiry, cvc) to what is wrong with it.
type CardErrors map[string]string

// ParseCard reads the card form — the number with any spaces or dashes, the expiry as MM/YY or
// MM/YYYY, the CVC — and checks it the way a gateway would before charging: a Luhn-valid Visa
// or Mastercard number of a plausible length, an expiry month that has not ended at now, and a
// 3-digit CVC (4 is allowed, as some issuers print them).
func ParseCard(number, expiry, cvc string, now time.Time) (Card, CardErrors) {
	errs := CardErrors{}
	var c Card
	c.Number = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.TrimSpace(number))
	switch brand := Brand(c.Number); {
	case !allDigits(c.Number) || len(c.Number) < 12 || len(c.Number) > 19 || !Luhn(c.Number):
		errs["number"] = ErrCardNumber
	case brand == "":
		errs["number"] = ErrCardUnsupported
	case brand == MethodMastercard && len(c.Number) != 16,
		brand == MethodVisa && len(c.Number) != 13 && len(c.Number) != 16 && len(c.Number) != 19:
		errs["number"] = ErrCardNumber
	}
	m, y, ok := parseExpiry(expiry)
	switch {
	case !ok:
		errs["expiry"] = ErrCardExpiry
	case expired(m, y, now):
		errs["expiry"] = ErrCardExpired
	default:
		c.ExpMonth, c.ExpYear = m, y
	}
	c.CVC = strings.TrimSpace(cvc)
	if !allDigits(c.CVC) || len(c.CVC) < 3 || len(c.CVC) > 4 {
		errs["cvc"] = ErrCardCVC
	}
	if len(errs) > 0 {
		return Card{}, errs
	}
	return c, nil
}

func parseExpiry(s string) (month, year int, ok bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	mm, yy, found := strings.Cut(s, "/")
	if !found {
		return 0, 0, false
	}
	if len(mm) < 1 || len(mm) > 2 || !allDigits(mm) || (len(yy) != 2 && len(yy) != 4) || !allDigits(yy) {
		return 0, 0, false
	}
	month, _ = strconv.Atoi(mm)
	year, _ = strconv.Atoi(yy)
	if len(yy) == 2 {
		year += 2000
	}
	if month < 1 || month > 12 {
		return 0, 0, false
	}
	return month, year, true
}

// expired: a card is valid through the last day of its expiry month, in the zone of now.
func expired(month, year int, now time.Time) bool {
	firstAfter := time.Date(year, time.Month(month)+1, 1, 0, 0, 0, 0, now.Location())
	return !now.Before(firstAfter)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidPersonalNumber reports whether pn has the shape of a Norwegian personal number: exactly
// 11 digits. Check digits are not required, as FPGO's API does not require them either (its
// own examples, like 12345678901, would fail them).
func ValidPersonalNumber(pn string) bool { return len(pn) == 11 && allDigits(pn) }
