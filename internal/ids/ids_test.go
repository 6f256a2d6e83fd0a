package ids

import (
	"regexp"
	"strings"
	"testing"
)

func TestNewFormatAndRandomness(t *testing.T) {
	re := regexp.MustCompile(`^ODR[0-9]{10}$`)
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		id := New(Order)
		if !re.MatchString(id) {
			t.Fatalf("id %q does not match %s", id, re)
		}
		seen[id] = true
	}
	if len(seen) < 999 {
		t.Fatalf("only %d distinct ids out of 1000", len(seen))
	}
}

// Every digit position takes every value, the first one included: the number is padded with
// leading zeros, not drawn from a narrower range. (Each digit misses a value in 3 000 draws
// with probability 10 × 0.9^3000, about 10^-136.)
func TestNewDigitsCoverEveryValue(t *testing.T) {
	var seen [10][10]bool
	for i := 0; i < 3000; i++ {
		id := New(Customer)
		digits := id[len(Customer):]
		for pos := 0; pos < 10; pos++ {
			seen[pos][digits[pos]-'0'] = true
		}
	}
	for pos := range seen {
		for d, ok := range seen[pos] {
			if !ok {
				t.Errorf("digit %d never took the value %d", pos, d)
			}
		}
	}
}

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		_ = New(Order)
	}
}

func TestSecretAndHash(t *testing.T) {
	a, b := Secret("fpgo_"), Secret("fpgo_")
	if a == b || !strings.HasPrefix(a, "fpgo_") || len(a) < 40 {
		t.Fatalf("weak secrets %q %q", a, b)
	}
	if Hash(a) == Hash(b) || Hash(a) != Hash(a) || len(Hash(a)) != 64 {
		t.Fatal("hash must be deterministic 64-hex and differ per token")
	}
}
