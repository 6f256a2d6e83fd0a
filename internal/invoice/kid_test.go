package invoice

import (
	"math"
	"strings"
	"testing"
)

func TestKIDMod10(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"7992739871", "79927398713"}, // the textbook Luhn example
		{"453914880343646", "4539148803436467"},
		{"411111111111111", "4111111111111111"},
		{"0", "00"},
		{"1", "18"},
		{"099900753", "0999007537"},
		{strings.Repeat("9", 24), strings.Repeat("9", 24) + "4"},
	}
	for _, tt := range tests {
		got, err := KIDMod10(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("KIDMod10(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestKIDMod10Rejects(t *testing.T) {
	for _, in := range []string{"", strings.Repeat("1", 25), "12a4", "-12", "+12", " 12", "12 ", "1.2", "١٢"} {
		if got, err := KIDMod10(in); err == nil {
			t.Errorf("KIDMod10(%q) = %q, want an error", in, got)
		}
	}
}

func TestValidKID(t *testing.T) {
	tests := []struct {
		kid  string
		want bool
		why  string
	}{
		{"79927398713", true, "MOD10"},
		{"79927398710", false, "wrong MOD10 digit, and not MOD11"},
		{"79927398731", false, "transposed digits"},
		{"0999007537", true, "MOD10 KID we issue"},
		{"0999007536", false, "check digit off by one"},
		{"86011117947", true, "MOD11 (a Norwegian account number)"},
		{"86011117941", true, "the same base with its MOD10 digit"},
		{"86011117940", false, "neither the MOD10 digit (1) nor the MOD11 digit (7)"},
		{"310", true, "MOD11 remainder 0 gives check digit 0"},
		{"315", true, "the same base with its MOD10 digit"},
		{"67", true, "MOD10; MOD11 has no digit for base 6"},
		{"00", true, "shortest KID"},
		{"0", false, "too short"},
		{"", false, "empty"},
		{strings.Repeat("9", 24) + "4", true, "25 digits"},
		{strings.Repeat("9", 25) + "5", false, "26 digits, though the check digit is right"},
		{"7992739871 3", false, "space"},
		{" 79927398713", false, "leading space"},
		{"7992739871a", false, "letter as check digit"},
		{"7992739871-", false, "MOD11 '-' is never valid"},
		{"-79927398713", false, "sign"},
	}
	for _, tt := range tests {
		if got := ValidKID(tt.kid); got != tt.want {
			t.Errorf("ValidKID(%q) = %v, want %v (%s)", tt.kid, got, tt.want, tt.why)
		}
	}
}

func TestValidKIDMod11RemainderOne(t *testing.T) {
	// Base "6" has MOD11 weighted sum 12, remainder 1: no MOD11 digit is valid, so only its
	// MOD10 digit 7 may pass.
	for d := '0'; d <= '9'; d++ {
		kid := "6" + string(d)
		if got, want := ValidKID(kid), d == '7'; got != want {
			t.Errorf("ValidKID(%q) = %v, want %v", kid, got, want)
		}
	}
}

func TestKIDForInvoice(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{99900753, "0999007537"},
		{0, "0000000000"},
		{1, "0000000018"},
		{999999999, "9999999999"},
		{1234567890, "12345678903"},
		{math.MaxInt64, "92233720368547758074"},
	}
	for _, tt := range tests {
		got := KIDForInvoice(tt.n)
		if got != tt.want {
			t.Errorf("KIDForInvoice(%d) = %q, want %q", tt.n, got, tt.want)
		}
		if !ValidKID(got) {
			t.Errorf("KIDForInvoice(%d) = %q, which ValidKID rejects", tt.n, got)
		}
	}
}

func TestKIDForInvoiceNegativePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("KIDForInvoice(-1) did not panic")
		}
	}()
	KIDForInvoice(-1)
}

func TestKIDMod10CatchesSingleDigitErrors(t *testing.T) {
	kid, err := KIDMod10("099900753")
	if err != nil {
		t.Fatal(err)
	}
	for i := range len(kid) {
		for d := byte('0'); d <= '9'; d++ {
			if d == kid[i] {
				continue
			}
			bad := kid[:i] + string(d) + kid[i+1:]
			if luhnDigit(bad[:len(bad)-1]) == bad[len(bad)-1] {
				t.Errorf("changing digit %d of %s to %c still passes MOD10", i, kid, d)
			}
		}
	}
}
