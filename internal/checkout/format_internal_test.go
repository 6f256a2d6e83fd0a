package checkout

import (
	"testing"

	"github.com/fpgo/fpgo/internal/money"
)

func TestFormatAmount(t *testing.T) {
	for _, c := range []struct {
		lang string
		a    money.Amount
		want string
	}{
		{"en", 123456789, "NOK 1,234,567.89"},
		{"no", 123456789, "1 234 567,89 NOK"},
		{"sv", 5000, "50,00 NOK"},
		{"da", 100000, "1.000,00 NOK"},
		{"de", -2050, "-20,50 NOK"},
		{"xx", 99, "0,99 NOK"}, // unknown language: Norwegian
	} {
		if got := formatAmount(c.lang, c.a, "NOK"); got != c.want {
			t.Errorf("formatAmount(%s, %d) = %q, want %q", c.lang, c.a, got, c.want)
		}
	}
}

func TestEveryMessageHasEveryLanguage(t *testing.T) {
	for key, m := range messages {
		for i, s := range m {
			if s == "" {
				t.Errorf("%s has no %s text", key, languages[i])
			}
		}
	}
	if T("de", "back") != "Zurück zum Shop" || T("en", "back") != "Back To Site" || T("", "back") != "Tilbake til butikken" {
		t.Error("translations")
	}
}

func TestSafeURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://shop.example/ok?a=1": "https://shop.example/ok?a=1",
		"http://localhost:9000/ok":    "http://localhost:9000/ok",
		"javascript:alert(1)":         "",
		"/relative":                   "",
		"https://":                    "",
		"":                            "",
	} {
		if got := safeURL(in); got != want {
			t.Errorf("safeURL(%q) = %q, want %q", in, got, want)
		}
	}
}
