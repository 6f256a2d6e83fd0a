package money

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    Amount
		wantErr error
	}{
		{in: "51", want: 5100},
		{in: "51.0", want: 5100},
		{in: "51.00", want: 5100},
		{in: "51.000", want: 5100},
		{in: "51.0000000000000000000000000", want: 5100},
		{in: "4017.86", want: 401786},
		{in: "-3.5", want: -350},
		{in: "0.5", want: 50},
		{in: "-0.01", want: -1},
		{in: "+7", want: 700},
		{in: "+0.07", want: 7},
		{in: "0", want: 0},
		{in: "-0", want: 0},
		{in: "0.00", want: 0},
		{in: "007.50", want: 750},
		{in: "1e2", want: 10000},
		{in: "1E2", want: 10000},
		{in: "1e+2", want: 10000},
		{in: "4.01786e3", want: 401786},
		{in: "401786e-2", want: 401786},
		{in: "-1.5e-1", want: -15},
		{in: "0e999999999999999999999", want: 0},
		{in: "10000000000000", want: MaxAmount},
		{in: "-10000000000000", want: -MaxAmount},
		{in: "1e13", want: MaxAmount},

		{in: "", wantErr: ErrInvalid},
		{in: ".5", wantErr: ErrInvalid},
		{in: "5.", wantErr: ErrInvalid},
		{in: "-", wantErr: ErrInvalid},
		{in: "+", wantErr: ErrInvalid},
		{in: "+-5", wantErr: ErrInvalid},
		{in: "--5", wantErr: ErrInvalid},
		{in: " 51", wantErr: ErrInvalid},
		{in: "51 ", wantErr: ErrInvalid},
		{in: "\t51", wantErr: ErrInvalid},
		{in: "5 1", wantErr: ErrInvalid},
		{in: "NaN", wantErr: ErrInvalid},
		{in: "Inf", wantErr: ErrInvalid},
		{in: "-Infinity", wantErr: ErrInvalid},
		{in: "0x10", wantErr: ErrInvalid},
		{in: "0x1p4", wantErr: ErrInvalid},
		{in: "1_000", wantErr: ErrInvalid},
		{in: "1,5", wantErr: ErrInvalid},
		{in: "1.2.3", wantErr: ErrInvalid},
		{in: "1e", wantErr: ErrInvalid},
		{in: "1e+", wantErr: ErrInvalid},
		{in: "1e2.5", wantErr: ErrInvalid},
		{in: "e2", wantErr: ErrInvalid},
		{in: "abc", wantErr: ErrInvalid},
		{in: "١٢", wantErr: ErrInvalid}, // Arabic-Indic digits are not ASCII digits
		{in: `"51"`, wantErr: ErrInvalid},

		{in: "0.001", wantErr: ErrTooManyDecimals},
		{in: "51.001", wantErr: ErrTooManyDecimals},
		{in: "-3.505", wantErr: ErrTooManyDecimals},
		{in: "4.017861e3", wantErr: ErrTooManyDecimals},
		{in: "5e-3", wantErr: ErrTooManyDecimals},
		{in: "1e-999999999999999999999", wantErr: ErrTooManyDecimals},

		{in: "10000000000000.01", wantErr: ErrOutOfRange},
		{in: "-10000000000000.01", wantErr: ErrOutOfRange},
		{in: "92233720368547758.07", wantErr: ErrOutOfRange},
		{in: "99999999999999999999999999", wantErr: ErrOutOfRange},
		{in: "1e14", wantErr: ErrOutOfRange},
		{in: "1e999999999999999999999", wantErr: ErrOutOfRange},
		{in: "-1e400", wantErr: ErrOutOfRange},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Parse(%q) = %d, %v; want error %v", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Parse(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestParseErrorNamesInput(t *testing.T) {
	_, err := Parse("12.345")
	if err == nil || !strings.Contains(err.Error(), `"12.345"`) {
		t.Errorf("error %v does not name the input", err)
	}
	_, err = Parse(strings.Repeat("9", 10000))
	if err == nil || len(err.Error()) > 100 {
		t.Errorf("error for a huge input is %d bytes long, want it shortened", len(err.Error()))
	}
}

func TestAmountString(t *testing.T) {
	tests := []struct {
		in   Amount
		want string
	}{
		{401786, "4017.86"},
		{450000, "4500.00"},
		{401780, "4017.80"},
		{-50, "-0.50"},
		{-1, "-0.01"},
		{5, "0.05"},
		{0, "0.00"},
		{math.MaxInt64, "92233720368547758.07"},
		{math.MinInt64, "-92233720368547758.08"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("Amount(%d).String() = %q, want %q", int64(tt.in), got, tt.want)
		}
	}
}

func TestAmountMarshalJSON(t *testing.T) {
	tests := []struct {
		in   Amount
		want string
	}{
		{401786, "4017.86"},
		{450000, "4500"},
		{401780, "4017.8"},
		{-50, "-0.5"},
		{-5, "-0.05"},
		{0, "0"},
		{1, "0.01"},
		{math.MinInt64, "-92233720368547758.08"},
	}
	for _, tt := range tests {
		got, err := json.Marshal(tt.in)
		if err != nil || string(got) != tt.want {
			t.Errorf("json.Marshal(Amount(%d)) = %s, %v; want %s", int64(tt.in), got, err, tt.want)
		}
	}
}

func TestAmountUnmarshalJSON(t *testing.T) {
	tests := []struct {
		in      string
		want    Amount
		wantErr error
	}{
		{in: `"51.00"`, want: 5100},
		{in: `51`, want: 5100},
		{in: `null`, want: 0},
		{in: `4017.86`, want: 401786},
		{in: `-0.5`, want: -50},
		{in: `4.01786e3`, want: 401786},
		{in: `"4.01786e3"`, want: 401786},
		{in: `"\u0035\u0031"`, want: 5100}, // escapes are decoded before parsing
		{in: `""`, wantErr: ErrInvalid},
		{in: `" 51"`, wantErr: ErrInvalid},
		{in: `"abc"`, wantErr: ErrInvalid},
		{in: `true`, wantErr: ErrInvalid},
		{in: `"51`, wantErr: ErrInvalid},
		{in: `51.001`, wantErr: ErrTooManyDecimals},
		{in: `"51.001"`, wantErr: ErrTooManyDecimals},
		{in: `1e20`, wantErr: ErrOutOfRange},
	}
	for _, tt := range tests {
		a := Amount(999) // must be overwritten on success, including by null
		err := a.UnmarshalJSON([]byte(tt.in))
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("UnmarshalJSON(%s) error = %v, want %v", tt.in, err, tt.wantErr)
			}
			if a != 999 {
				t.Errorf("UnmarshalJSON(%s) changed the amount to %d on error", tt.in, a)
			}
			continue
		}
		if err != nil || a != tt.want {
			t.Errorf("UnmarshalJSON(%s) = %d, %v; want %d", tt.in, a, err, tt.want)
		}
	}
}

func TestJSONStructRoundTrip(t *testing.T) {
	type line struct {
		Q    Quantity `json:"quantity"`
		P    Amount   `json:"rate"`
		Tax  Rate     `json:"tax"`
		Note *Amount  `json:"note"`
	}
	in := `{"quantity":1.5,"rate":"4017.80","tax":12.5,"note":null}`
	var l line
	if err := json.Unmarshal([]byte(in), &l); err != nil {
		t.Fatal(err)
	}
	if l.Q != 1500 || l.P != 401780 || l.Tax != 1250 || l.Note != nil {
		t.Fatalf("decoded %+v", l)
	}
	out, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"quantity":1.5,"rate":4017.8,"tax":12.5,"note":null}`; string(out) != want {
		t.Errorf("encoded %s, want %s", out, want)
	}
	var err2 = json.Unmarshal([]byte(`{"rate":51.001}`), &l)
	if !errors.Is(err2, ErrTooManyDecimals) {
		t.Errorf("decoding a field with too many decimals gave %v", err2)
	}
}

func TestParseQuantity(t *testing.T) {
	tests := []struct {
		in      string
		want    Quantity
		wantErr error
	}{
		{in: "1", want: OneUnit},
		{in: "1.5", want: 1500},
		{in: "0.125", want: 125},
		{in: "2.500", want: 2500},
		{in: "2.5000", want: 2500},
		{in: "+3", want: 3000},
		{in: "-0", want: 0},
		{in: "1.25e1", want: 12500},
		{in: "0", want: 0},
		{in: "-1", wantErr: ErrInvalid},
		{in: "-0.5", wantErr: ErrInvalid},
		{in: ".5", wantErr: ErrInvalid},
		{in: "5.", wantErr: ErrInvalid},
		{in: "", wantErr: ErrInvalid},
		{in: "NaN", wantErr: ErrInvalid},
		{in: "0.0001", wantErr: ErrTooManyDecimals},
		{in: "1.1255", wantErr: ErrTooManyDecimals},
		{in: "1000000000000", want: MaxAmount},
		{in: "1000000000000.001", wantErr: ErrOutOfRange},
		{in: "1e100", wantErr: ErrOutOfRange},
	}
	for _, tt := range tests {
		got, err := ParseQuantity(tt.in)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("ParseQuantity(%q) = %d, %v; want error %v", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseQuantity(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestQuantityFormat(t *testing.T) {
	tests := []struct {
		in   Quantity
		want string
	}{
		{OneUnit, "1"},
		{1500, "1.5"},
		{125, "0.125"},
		{2010, "2.01"},
		{0, "0"},
		{1, "0.001"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("Quantity(%d).String() = %q, want %q", int64(tt.in), got, tt.want)
		}
		got, err := json.Marshal(tt.in)
		if err != nil || string(got) != tt.want {
			t.Errorf("json.Marshal(Quantity(%d)) = %s, %v; want %s", int64(tt.in), got, err, tt.want)
		}
		var back Quantity
		if err := json.Unmarshal(got, &back); err != nil || back != tt.in {
			t.Errorf("round trip of Quantity(%d) gave %d, %v", int64(tt.in), back, err)
		}
	}
}

func TestQuantityUnmarshalJSON(t *testing.T) {
	tests := []struct {
		in      string
		want    Quantity
		wantErr error
	}{
		{in: `1.5`, want: 1500},
		{in: `"1.5"`, want: 1500},
		{in: `null`, want: 0},
		{in: `-1`, wantErr: ErrInvalid},
		{in: `0.0001`, wantErr: ErrTooManyDecimals},
	}
	for _, tt := range tests {
		q := Quantity(7)
		err := q.UnmarshalJSON([]byte(tt.in))
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("UnmarshalJSON(%s) error = %v, want %v", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || q != tt.want {
			t.Errorf("UnmarshalJSON(%s) = %d, %v; want %d", tt.in, q, err, tt.want)
		}
	}
}

func TestParseRate(t *testing.T) {
	tests := []struct {
		in      string
		want    Rate
		wantErr error
	}{
		{in: "25", want: 2500},
		{in: "12.5", want: 1250},
		{in: "0", want: 0},
		{in: "11.11", want: 1111},
		{in: "100", want: MaxRate},
		{in: "15.000", want: 1500},
		{in: "2.5e1", want: 2500},
		{in: "-0", want: 0},
		{in: "-1", wantErr: ErrInvalid},
		{in: "-0.01", wantErr: ErrInvalid},
		{in: "25%", wantErr: ErrInvalid},
		{in: "", wantErr: ErrInvalid},
		{in: ".5", wantErr: ErrInvalid},
		{in: "11.111", wantErr: ErrTooManyDecimals},
		{in: "100.01", wantErr: ErrOutOfRange},
		{in: "1e30", wantErr: ErrOutOfRange},
	}
	for _, tt := range tests {
		got, err := ParseRate(tt.in)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("ParseRate(%q) = %d, %v; want error %v", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseRate(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestRateFormat(t *testing.T) {
	tests := []struct {
		in   Rate
		want string
	}{
		{2500, "25"},
		{1250, "12.5"},
		{1111, "11.11"},
		{0, "0"},
		{5, "0.05"},
		{MaxRate, "100"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("Rate(%d).String() = %q, want %q", int64(tt.in), got, tt.want)
		}
		got, err := json.Marshal(tt.in)
		if err != nil || string(got) != tt.want {
			t.Errorf("json.Marshal(Rate(%d)) = %s, %v; want %s", int64(tt.in), got, err, tt.want)
		}
		var back Rate
		if err := json.Unmarshal(got, &back); err != nil || back != tt.in {
			t.Errorf("round trip of Rate(%d) gave %d, %v", int64(tt.in), back, err)
		}
	}
	var r Rate = 1
	if err := r.UnmarshalJSON([]byte(`null`)); err != nil || r != 0 {
		t.Errorf("Rate.UnmarshalJSON(null) = %d, %v; want 0", r, err)
	}
	if err := r.UnmarshalJSON([]byte(`"101"`)); !errors.Is(err, ErrOutOfRange) {
		t.Errorf(`Rate.UnmarshalJSON("101") error = %v, want ErrOutOfRange`, err)
	}
}

func TestLineTotal(t *testing.T) {
	tests := []struct {
		name     string
		q        Quantity
		price    Amount
		discount Amount
		want     Amount
	}{
		{"whole units", 3 * OneUnit, 1999, 0, 5997},
		{"discount", 2 * OneUnit, 450000, 100, 899900},
		{"fractional quantity", 1500, 401786, 0, 602679},
		{"half øre rounds up", 500, 1, 0, 1},
		{"half øre rounds away from zero when negative", 500, -1, 0, -1},
		{"one and a half øre", 1500, 1, 0, 2},
		{"two and a half øre is not rounded to even", 2500, 1, 0, 3},
		{"minus two and a half øre", 2500, -1, 0, -3},
		{"just under half", 499, 1, 0, 0},
		{"just over minus half", 499, -1, 0, 0},
		{"rounded once after the discount", 500, 1, 1, -1}, // 0.5 − 1 = −0.5 → −1
		{"zero quantity", 0, 12345, 0, 0},
		{"discount larger than line", OneUnit, 100, 250, -150},
	}
	for _, tt := range tests {
		got, err := LineTotal(tt.q, tt.price, tt.discount)
		if err != nil || got != tt.want {
			t.Errorf("%s: LineTotal(%d, %d, %d) = %d, %v; want %d", tt.name, tt.q, tt.price, tt.discount, got, err, tt.want)
		}
	}
}

func TestLineTotalOverflow(t *testing.T) {
	tests := []struct {
		q        Quantity
		price    Amount
		discount Amount
	}{
		{math.MaxInt64, math.MaxInt64, 0},
		{2 * OneUnit, math.MaxInt64/2 + 1, 0},
		{OneUnit, math.MaxInt64, -1},
		{OneUnit, math.MinInt64, 1},
		{0, 0, math.MinInt64}, // −MinInt64 does not fit
	}
	for _, tt := range tests {
		if got, err := LineTotal(tt.q, tt.price, tt.discount); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("LineTotal(%d, %d, %d) = %d, %v; want ErrOutOfRange", tt.q, tt.price, tt.discount, got, err)
		}
	}
	// The largest representable results are not overflow.
	if got, err := LineTotal(OneUnit, math.MaxInt64, 0); err != nil || got != math.MaxInt64 {
		t.Errorf("LineTotal at MaxInt64 = %d, %v", got, err)
	}
	if got, err := LineTotal(OneUnit, math.MinInt64, 0); err != nil || got != math.MinInt64 {
		t.Errorf("LineTotal at MinInt64 = %d, %v", got, err)
	}
}

func TestVATPortionAndNet(t *testing.T) {
	tests := []struct {
		gross   Amount
		rate    Rate
		vat     Amount
		net     Amount
		comment string
	}{
		{450000, 1200, 48214, 401786, "4500.00 at 12% contains 482.14"},
		{10000, 2500, 2000, 8000, "100.00 at 25%"},
		{5100, 0, 0, 5100, "no VAT"},
		{1, 2500, 0, 1, "0.01 at 25% is 0.2 øre"},
		{-450000, 1200, -48214, -401786, "a refund mirrors the sale"},
		{10000, 1500, 1304, 8696, "100.00 at 15% is 13.0434…"},
		{1, MaxRate, 1, 0, "half øre rounds up"},
		{-1, MaxRate, -1, 0, "minus half øre rounds away from zero"},
		{5, MaxRate, 3, 2, "2.5 øre rounds up, not to even"},
		{-5, MaxRate, -3, -2, "−2.5 øre rounds down, not to even"},
		{math.MaxInt64, 2500, 1844674407370955161, 7378697629483820646, "no overflow at the extreme"},
		{math.MinInt64, MaxRate, math.MinInt64 / 2, math.MinInt64 / 2, "no overflow at the negative extreme"},
	}
	for _, tt := range tests {
		if got := VATPortion(tt.gross, tt.rate); got != tt.vat {
			t.Errorf("%s: VATPortion(%d, %d) = %d, want %d", tt.comment, tt.gross, tt.rate, got, tt.vat)
		}
		if got := Net(tt.gross, tt.rate); got != tt.net {
			t.Errorf("%s: Net(%d, %d) = %d, want %d", tt.comment, tt.gross, tt.rate, got, tt.net)
		}
	}
}

func TestVATPortionNegativeRatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("VATPortion with a negative rate did not panic")
		}
	}()
	VATPortion(10000, -MaxRate)
}

func TestSum(t *testing.T) {
	if got, err := Sum(); err != nil || got != 0 {
		t.Errorf("Sum() = %d, %v; want 0", got, err)
	}
	if got, err := Sum(401786, 48214, -100); err != nil || got != 449900 {
		t.Errorf("Sum = %d, %v; want 449900", got, err)
	}
	if got, err := Sum(math.MaxInt64, -1, 1); err != nil || got != math.MaxInt64 {
		t.Errorf("Sum near the limit = %d, %v", got, err)
	}
	for _, as := range [][]Amount{
		{math.MaxInt64, 1},
		{math.MinInt64, -1},
		{math.MaxInt64 / 2, math.MaxInt64 / 2, 2},
		{1, math.MaxInt64, math.MinInt64}, // overflows on the way even though the total fits
	} {
		if got, err := Sum(as...); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("Sum(%v) = %d, %v; want ErrOutOfRange", as, got, err)
		}
	}
}

func TestWithinTolerance(t *testing.T) {
	tests := []struct {
		a, b, tol Amount
		want      bool
	}{
		{100, 101, 1, true},
		{101, 100, 1, true},
		{100, 102, 1, false},
		{102, 100, 1, false},
		{5, 5, 0, true},
		{5, 6, 0, false},
		{-1, 1, 2, true},
		{-1, 1, 1, false},
		{5, 5, -1, false},
		{math.MaxInt64, math.MinInt64, math.MaxInt64, false}, // difference 2^64−1 must not wrap
		{math.MinInt64, math.MaxInt64, math.MaxInt64, false},
		{math.MaxInt64, -1, math.MaxInt64, false},
		{math.MaxInt64, 0, math.MaxInt64, true},
	}
	for _, tt := range tests {
		if got := WithinTolerance(tt.a, tt.b, tt.tol); got != tt.want {
			t.Errorf("WithinTolerance(%d, %d, %d) = %v, want %v", tt.a, tt.b, tt.tol, got, tt.want)
		}
	}
}

// FuzzParse checks Parse against math/big's exact decimal reading and that every accepted
// amount survives String and JSON round trips.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"51", "51.00", "4017.86", "-3.5", "+7", "1e2", "4.01786e3", ".5", "5.", "0.001",
		"1e999999999", "NaN", "-0", "10000000000000", "10000000000000.01", "007", "1e-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrTooManyDecimals) && !errors.Is(err, ErrOutOfRange) {
				t.Fatalf("Parse(%q) error %v is not a sentinel", s, err)
			}
			if a != 0 {
				t.Fatalf("Parse(%q) returned %d with an error", s, a)
			}
		} else if a < -MaxAmount || a > MaxAmount {
			t.Fatalf("Parse(%q) = %d, beyond MaxAmount", s, a)
		}
		checkAgainstRat(t, s, a, err)
		if err != nil {
			return
		}
		if back, err := Parse(a.String()); err != nil || back != a {
			t.Fatalf("Parse(%q) = %d; Parse(%q) = %d, %v", s, a, a.String(), back, err)
		}
		j, _ := a.MarshalJSON()
		var back Amount
		if err := json.Unmarshal(j, &back); err != nil || back != a {
			t.Fatalf("JSON round trip of %d via %s gave %d, %v", a, j, back, err)
		}
	})
}

// checkAgainstRat compares Parse's outcome with big.Rat where big.Rat reads the same syntax.
func checkAgainstRat(t *testing.T, s string, a Amount, err error) {
	t.Helper()
	if strings.ContainsAny(s, "_xXpPoObB/ \t\n\r\v\f") || len(s) > 60 {
		return // syntax big.Rat accepts and Parse must not, or exponents too costly for big.Rat
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 && len(strings.TrimLeft(s[i+1:], "+-")) > 3 {
		return
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		if err == nil {
			t.Fatalf("Parse(%q) = %d but big.Rat rejects it", s, a)
		}
		return
	}
	if s == "" || strings.HasPrefix(strings.TrimLeft(s, "+-"), ".") || strings.Contains(s, ".e") ||
		strings.Contains(s, ".E") || strings.HasSuffix(s, ".") || strings.Count(s, "+")+strings.Count(s, "-") > 2 {
		if err == nil {
			t.Fatalf("Parse(%q) accepted a bare decimal point", s)
		}
		return
	}
	r.Mul(r, big.NewRat(100, 1))
	switch {
	case err == nil:
		if !r.IsInt() || r.Num().Int64() != int64(a) {
			t.Fatalf("Parse(%q) = %d, big.Rat says %s øre", s, a, r.RatString())
		}
	case errors.Is(err, ErrTooManyDecimals):
		if r.IsInt() {
			t.Fatalf("Parse(%q) says too many decimals, big.Rat says %s øre", s, r.RatString())
		}
	case errors.Is(err, ErrOutOfRange):
		if new(big.Rat).Abs(r).Cmp(big.NewRat(MaxAmount, 1)) <= 0 {
			t.Fatalf("Parse(%q) says out of range, big.Rat says %s øre", s, r.RatString())
		}
	}
}

// FuzzAmountString checks that every amount within range reads back from its own String.
func FuzzAmountString(f *testing.F) {
	for _, n := range []int64{0, 1, -1, 50, -50, 401786, MaxAmount, -MaxAmount, MaxAmount + 1, math.MinInt64} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n int64) {
		a := Amount(n)
		back, err := Parse(a.String())
		if a < -MaxAmount || a > MaxAmount {
			if !errors.Is(err, ErrOutOfRange) {
				t.Fatalf("Parse(%q) = %d, %v; want ErrOutOfRange", a.String(), back, err)
			}
			return
		}
		if err != nil || back != a {
			t.Fatalf("Parse(%q) = %d, %v; want %d", a.String(), back, err, n)
		}
		j, _ := a.MarshalJSON()
		if back, err := Parse(string(j)); err != nil || back != a {
			t.Fatalf("Parse(%s) = %d, %v; want %d", j, back, err, n)
		}
	})
}
