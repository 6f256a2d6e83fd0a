package validate

import (
	"math/big"
	"strings"
	"testing"
)

// numEdgeCases are numeric texts around the limits of the dec fast path and of
// toRat, and texts that are not numeric at all.
var numEdgeCases = []string{
	"0", "-0", "+0", "00", "0.0", "-0.000", ".5", "5.", "-.5", "+.5", ".", "-", "+", "", " 5", "5 ", "1 000", "0x10", "0b1", "1_000",
	"1", "-1", "51", "51.00", "4017.86", "4017.861", "0.01", "0.30000000000000001", "0.29999999999999999", "1.500", "1000000000",
	"1000000000.01", "999999999.999", "1000000", "1000000.0001",
	"1e3", "1E3", "1e+3", "1e-3", "1.5e-3", "-12.5e2", "1500e-3", "1e0", "1e-0", "1e007", "1e-007", "1e", "1e+", "e3", "1e3.5", "1ee3",
	"1e18", "1e19", "1e-18", "1e-19", "5e17", "9e18", "0e5000", "0e-5000", "1e1000", "1e-1000", "1e1001", "1e-1001",
	"1e999999999", "1e99999999999999999999", "0e99", "0.0e-99",
	"123456789012345678", "1234567890123456789", "-123456789012345678", "9223372036854775807", "9223372036854775808",
	"-9223372036854775808", "0.123456789012345678", "0.1234567890123456789", "123456789.123456789", "12345678901234567.8",
	"000000000000000000000000001", "1000000000000000000000000000", "100000000000000000e-17", "0.000000000000000001",
	"0.0000000000000000001", "0.0000000000000000010", "1." + strings.Repeat("0", 2000), strings.Repeat("9", 1000), strings.Repeat("9", 1001),
	"0." + strings.Repeat("0", 999) + "1", "0." + strings.Repeat("0", 1000) + "1", strings.Repeat("0", 3000) + "7",
	"abc", "12a", "NaN", "Inf", "-Infinity", "1,5", "١",
}

// parseNum must accept exactly what toRat accepts, with the same value.
func TestParseNumMatchesToRat(t *testing.T) {
	for _, s := range numEdgeCases {
		checkParseNum(t, s)
	}
}

func checkParseNum(t *testing.T, s string) {
	t.Helper()
	want, wantOK := toRat(s)
	got, gotOK := parseNum(s)
	if gotOK != wantOK {
		t.Fatalf("parseNum(%.60q) ok = %v, toRat ok = %v", s, gotOK, wantOK)
	}
	if gotOK && got.toRat().Cmp(want) != 0 {
		t.Fatalf("parseNum(%.60q) = %s, toRat = %s", s, got.toRat().RatString(), want.RatString())
	}
}

// Comparisons and decimal counts on the fast path agree with big.Rat for every
// pair of edge cases.
func TestNumCmpAndDecimalsMatchBigRat(t *testing.T) {
	var nums []num
	var rats []*big.Rat
	var texts []string
	for _, s := range numEdgeCases {
		if n, ok := parseNum(s); ok {
			r, _ := toRat(s)
			nums, rats, texts = append(nums, n), append(rats, r), append(texts, s)
		}
	}
	for i := range nums {
		for j := range nums {
			if got, want := nums[i].cmp(nums[j]), rats[i].Cmp(rats[j]); got != want {
				t.Errorf("cmp(%.40q, %.40q) = %d, big.Rat says %d", texts[i], texts[j], got, want)
			}
		}
		for places := -1; places <= 20; places++ {
			scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil))
			want := new(big.Rat).Mul(rats[i], scale).IsInt()
			if got := nums[i].scaledIsInt(places, scale); got != want {
				t.Errorf("%.40q with at most %d decimals: %v, big.Rat says %v", texts[i], places, got, want)
			}
		}
	}
}

// The fast path must really be taken for the amounts clients send; otherwise
// the comparisons above would pass without testing it.
func TestParseDecCoversPlainAmounts(t *testing.T) {
	for _, s := range []string{"0", "51", "51.00", "-0.5", "1e3", "1000000000", "0.001", "123456789012345678"} {
		if _, ok := parseDec(s); !ok {
			t.Errorf("parseDec(%q) fell back to big.Rat", s)
		}
	}
	for _, s := range []string{"1234567890123456789", "1e19", "0.0000000000000000001", "1e1000"} {
		if _, ok := parseDec(s); ok {
			t.Errorf("parseDec(%q) claims a value beyond its limits", s)
		}
	}
}

func FuzzParseNumMatchesToRat(f *testing.F) {
	for _, s := range numEdgeCases {
		f.Add(s, "0")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		checkParseNum(t, a)
		checkParseNum(t, b)
		na, okA := parseNum(a)
		nb, okB := parseNum(b)
		if !okA || !okB {
			return
		}
		ra, _ := toRat(a)
		rb, _ := toRat(b)
		if got, want := na.cmp(nb), ra.Cmp(rb); got != want {
			t.Fatalf("cmp(%q, %q) = %d, big.Rat says %d", a, b, got, want)
		}
		for _, places := range []int{0, 2, 3} {
			scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil))
			if got, want := na.scaledIsInt(places, scale), new(big.Rat).Mul(ra, scale).IsInt(); got != want {
				t.Fatalf("%q with at most %d decimals: %v, big.Rat says %v", a, places, got, want)
			}
		}
	})
}
