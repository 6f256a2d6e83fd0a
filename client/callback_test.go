package client

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const testSecret = "whsec_test"

// sign builds a callback query independently of the package: escaped values in order, then the
// checksum of their plain concatenation.
func sign(pairs [][2]string, secret string) string {
	var parts []string
	var concat string
	for _, p := range pairs {
		parts = append(parts, p[0]+"="+strings.NewReplacer(" ", "+", "&", "%26").Replace(p[1]))
		concat += p[1]
	}
	sum := sha256.Sum256([]byte(concat + secret))
	return strings.Join(append(parts, "checksum="+hex.EncodeToString(sum[:])), "&")
}

var orderPairs = [][2]string{
	{"orderUuid", "ODR3506777330"}, {"status", "PARTIALLY REFUNDED"}, {"paymentMethod", "visa"},
	{"amount", "51.00"}, {"createdAt", "1755764131"}, {"timestamp", "1755764200"},
}

func TestVerifyCallback(t *testing.T) {
	valid := sign(orderPairs, testSecret)
	withMerchantParams := sign(append([][2]string{{"order_identifier", "rRbl1FWZG59o"}, {"order_status", "success"}}, orderPairs...), testSecret)
	tests := []struct {
		name   string
		query  string
		secret string
		want   error
	}{
		{"valid", valid, testSecret, nil},
		{"merchant's own params first", withMerchantParams, testSecret, nil},
		{"seed known answer", "order_identifier=rRbl1FWZG59o&order_status=success&orderUuid=ODR3506777330&status=PARTIALLY+REFUNDED" +
			"&paymentMethod=visa&amount=51.00&createdAt=1755764131&timestamp=1755764200" +
			"&checksum=1204712b940770fbd96983aacb0f98d2919e342af4e14d85780472f880115778", testSecret, nil},
		{"space as %20", strings.Replace(valid, "PARTIALLY+REFUNDED", "PARTIALLY%20REFUNDED", 1), testSecret, nil},
		{"tampered value", strings.Replace(valid, "amount=51.00", "amount=5100", 1), testSecret, ErrBadChecksum},
		{"tampered merchant param", strings.Replace(withMerchantParams, "success", "failed", 1), testSecret, ErrBadChecksum},
		{"reordered", strings.Replace(valid, "orderUuid=ODR3506777330&status=PARTIALLY+REFUNDED", "status=PARTIALLY+REFUNDED&orderUuid=ODR3506777330", 1), testSecret, ErrBadChecksum},
		{"injected param", "extra=1&" + valid, testSecret, ErrBadChecksum},
		{"wrong secret", valid, "whsec_other", ErrBadChecksum},
		{"uppercase checksum", valid[:strings.Index(valid, "checksum=")+9] + strings.ToUpper(valid[strings.Index(valid, "checksum=")+9:]), testSecret, ErrBadChecksum},
		{"missing checksum", valid[:strings.Index(valid, "&checksum=")], testSecret, ErrMissingChecksum},
		{"empty query", "", testSecret, ErrMissingChecksum},
		{"empty checksum", valid[:strings.Index(valid, "checksum=")] + "checksum=", testSecret, ErrBadChecksum},
		{"empty secret", valid, "", ErrNoSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := VerifyCallback(tt.query, tt.secret); !errors.Is(err, tt.want) {
				t.Fatalf("VerifyCallback = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestVerifyCallbackPHPSemantics(t *testing.T) {
	// A repeated key counts once, with its last value, where it first appeared — as in $_GET.
	sum := sha256.Sum256([]byte("3" + "2" + "PAID" + testSecret))
	q := "a=1&b=2&a=3&status=PAID&checksum=" + hex.EncodeToString(sum[:])
	if err := VerifyCallback(q, testSecret); err != nil {
		t.Fatal(err)
	}
	// Keys PHP renames (a.b -> a_b) collide; a '%' that is not an escape stays literal.
	sum = sha256.Sum256([]byte("2" + "100%" + testSecret))
	q = "a.b=1&a_b=2&pct=100%&checksum=" + hex.EncodeToString(sum[:])
	if err := VerifyCallback(q, testSecret); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyCallbackRequest(t *testing.T) {
	r := httptest.NewRequest("GET", "/callback?"+sign(orderPairs, testSecret), nil)
	if err := VerifyCallbackRequest(r, testSecret); err != nil {
		t.Fatal(err)
	}
	r = httptest.NewRequest("GET", "/callback?orderUuid=ODR1", nil)
	if err := VerifyCallbackRequest(r, testSecret); !errors.Is(err, ErrMissingChecksum) {
		t.Fatalf("err = %v", err)
	}
}

func TestParseCallback(t *testing.T) {
	q := sign(append([][2]string{{"order_identifier", "rRbl1FWZG59o"}}, orderPairs...), testSecret)
	cb, err := ParseCallback(q, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	if cb.OrderUUID != "ODR3506777330" || cb.Status != "PARTIALLY REFUNDED" || cb.PaymentMethod != "visa" || cb.Amount != "51.00" {
		t.Errorf("got %+v", cb)
	}
	if !cb.CreatedAt.Equal(time.Unix(1755764131, 0)) || !cb.Timestamp.Equal(time.Unix(1755764200, 0)) {
		t.Errorf("times = %v, %v", cb.CreatedAt, cb.Timestamp)
	}
	if cb.Raw.Get("order_identifier") != "rRbl1FWZG59o" || cb.Raw.Get("checksum") == "" {
		t.Errorf("Raw = %v", cb.Raw)
	}

	// Terminal callbacks have no createdAt/timestamp; their own fields are in Raw.
	terminal := sign([][2]string{{"orderUuid", "ODR12334"}, {"status", "Cancelled"}, {"type", "Payment"}, {"totalAmount", "42"}, {"currency", "NOK"}}, testSecret)
	cb, err = ParseCallback(terminal, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	if cb.Status != "Cancelled" || !cb.CreatedAt.IsZero() || cb.Raw.Get("totalAmount") != "42" {
		t.Errorf("got %+v", cb)
	}

	frac := sign([][2]string{{"orderUuid", "ODR1"}, {"createdAt", "1677047770.652"}}, testSecret)
	if cb, err = ParseCallback(frac, testSecret); err != nil || !cb.CreatedAt.Equal(time.Unix(1677047770, 652000000)) {
		t.Errorf("fractional createdAt: %v, %v", cb, err)
	}

	bad := sign([][2]string{{"orderUuid", "ODR1"}, {"createdAt", "yesterday"}}, testSecret)
	if _, err := ParseCallback(bad, testSecret); err == nil {
		t.Error("createdAt=yesterday accepted")
	}
	if _, err := ParseCallback(strings.Replace(q, "visa", "vipps", 1), testSecret); !errors.Is(err, ErrBadChecksum) {
		t.Errorf("tampered: err = %v", err)
	}
}
