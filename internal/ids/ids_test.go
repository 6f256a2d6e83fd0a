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

func TestSecretAndHash(t *testing.T) {
	a, b := Secret("fpgo_"), Secret("fpgo_")
	if a == b || !strings.HasPrefix(a, "fpgo_") || len(a) < 40 {
		t.Fatalf("weak secrets %q %q", a, b)
	}
	if Hash(a) == Hash(b) || Hash(a) != Hash(a) || len(Hash(a)) != 64 {
		t.Fatal("hash must be deterministic 64-hex and differ per token")
	}
}
