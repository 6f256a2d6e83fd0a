package provider

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

func TestLuhn(t *testing.T) {
	for n, want := range map[string]bool{
		"4242424242424242": true, "5555555555554444": true, "4000000000000002": true, "4000000000009995": true,
		"4242424242424241": false, "1234567812345678": false, "0": false, "": false, "42424242424242a2": false,
	} {
		if got := Luhn(n); got != want {
			t.Errorf("Luhn(%q) = %v, want %v", n, got, want)
		}
	}
}

func TestBrand(t *testing.T) {
	for n, want := range map[string]string{
		"4242424242424242": "visa", "5555555555554444": "mastercard", "5105105105105100": "mastercard",
		"2221000000000009": "mastercard", "2720990000000007": "mastercard", "378282246310005": "", "6011111111111117": "", "": "",
	} {
		if got := Brand(n); got != want {
			t.Errorf("Brand(%q) = %q, want %q", n, got, want)
		}
	}
}

func TestParseCard(t *testing.T) {
	cases := []struct {
		number, expiry, cvc string
		want                map[string]string
	}{
		{"4242 4242 4242 4242", "12/30", "123", nil},
		{"4242-4242-4242-4242", "06/2026", "1234", nil}, // valid through the end of its month
		{"4242424242424241", "12/30", "123", map[string]string{"number": ErrCardNumber}},
		{"378282246310005", "12/30", "123", map[string]string{"number": ErrCardUnsupported}},
		{"424242424242", "12/30", "123", map[string]string{"number": ErrCardNumber}},
		{"4242424242424242", "05/26", "123", map[string]string{"expiry": ErrCardExpired}},
		{"4242424242424242", "13/30", "123", map[string]string{"expiry": ErrCardExpiry}},
		{"4242424242424242", "1230", "123", map[string]string{"expiry": ErrCardExpiry}},
		{"4242424242424242", "12/30", "12", map[string]string{"cvc": ErrCardCVC}},
		{"4242424242424242", "12/30", "12a", map[string]string{"cvc": ErrCardCVC}},
		{"", "", "", map[string]string{"number": ErrCardNumber, "expiry": ErrCardExpiry, "cvc": ErrCardCVC}},
	}
	for _, c := range cases {
		card, errs := ParseCard(c.number, c.expiry, c.cvc, now)
		if fmt.Sprint(map[string]string(errs)) != fmt.Sprint(c.want) {
			t.Errorf("ParseCard(%q, %q, %q) errors = %v, want %v", c.number, c.expiry, c.cvc, errs, c.want)
		}
		if c.want == nil && (card.Number == "" || card.ExpYear < 2026) {
			t.Errorf("ParseCard(%q) = %+v", c.number, card)
		}
	}
}

func TestCardNeverPrintsNumberOrCVC(t *testing.T) {
	c := Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, CVC: "987"}
	var log strings.Builder
	slog.New(slog.NewTextHandler(&log, nil)).Info("charge", "card", c)
	js, _ := json.Marshal(struct{ C Card }{c})
	for _, out := range []string{fmt.Sprint(c), fmt.Sprintf("%+v %#v %s %q", c, c, c, c), log.String(), string(js)} {
		if strings.Contains(out, "4242424242424242") || strings.Contains(out, "987") || strings.Contains(out, "42424242") {
			t.Errorf("card leaked: %s", out)
		}
		if !strings.Contains(out, "****4242") {
			t.Errorf("masked form missing: %s", out)
		}
	}
}

func TestCreditApproval(t *testing.T) {
	for _, c := range []struct {
		r    CreditResult
		want bool
	}{{CreditResult{Score: 315, Available: true}, true}, {CreditResult{Score: 314, Available: true}, false}, {CreditResult{Score: 900}, false}} {
		if c.r.Approved() != c.want {
			t.Errorf("%+v.Approved() = %v", c.r, !c.want)
		}
	}
}

func TestValidPersonalNumber(t *testing.T) {
	for pn, want := range map[string]bool{"12345678901": true, "28038712383": true, "1234567890": false, "123456789012": false, "1234567890a": false, "": false} {
		if ValidPersonalNumber(pn) != want {
			t.Errorf("ValidPersonalNumber(%q) = %v", pn, !want)
		}
	}
}
