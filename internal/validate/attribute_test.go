package validate

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

func TestAttribute(t *testing.T) {
	cases := map[string]string{
		"customerDetails.personalNumber": "customer details.personal number",
		"customerDetails.email":          "customer details.email",
		"products.0.name":                "products.0.name",
		"dueDateForPaymentLink":          "due date for payment link",
		"submitPayment.via":              "submit payment.via",
		"callback_url":                   "callback url",
		"orderAmount":                    "order amount",
		"products.12.unitPrice":          "products.12.unit price",
		"address2Line":                   "address2 line",
		"callbackURL":                    "callback u r l",
		"OrderId":                        "order id",
		"first name":                     "first name",
		"":                               "",
	}
	for in, want := range cases {
		if got := Attribute(in); got != want {
			t.Errorf("Attribute(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCountryList(t *testing.T) {
	if n := len(countries); n != 249 {
		t.Fatalf("%d country codes, want 249", n)
	}
	for _, c := range []string{"NO", "SE", "DK", "FI", "GB", "US", "SS", "BQ", "AX"} {
		if !isCountry(c) {
			t.Errorf("%s rejected", c)
		}
	}
	for _, c := range []string{"no", "UK", "EU", "XK", "ZZ", "", "N", "NOR"} {
		if isCountry(c) {
			t.Errorf("%q accepted", c)
		}
	}
	// Cross-check with the system tz database's copy of ISO 3166 when present.
	f, err := os.Open("/usr/share/zoneinfo/iso3166.tab")
	if err != nil {
		t.Logf("iso3166.tab not available: %v", err)
		return
	}
	defer f.Close()
	seen := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		code, _, _ := strings.Cut(line, "\t")
		seen++
		if !isCountry(code) {
			t.Errorf("iso3166.tab code %s missing", code)
		}
	}
	if seen != len(countries) {
		t.Errorf("iso3166.tab has %d codes, list has %d", seen, len(countries))
	}
}
