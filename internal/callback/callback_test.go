package callback

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fpgo/client"
	"github.com/google/go-cmp/cmp"
)

const secret = "whsec_test"

// phpGET is written independently of the package code: it follows PHP's
// php_default_treat_data + php_register_variable_ex for plain keys and returns $_GET as
// ordered keys and values.
func phpGET(rawQuery string) (keys, values []string) {
	index := map[string]int{}
	for _, tok := range strings.Split(rawQuery, "&") {
		if len(tok) == 0 { // strtok skips empty tokens
			continue
		}
		var k, v string
		if eq := strings.IndexByte(tok, '='); eq >= 0 {
			k, v = phpDecode(tok[:eq]), phpDecode(tok[eq+1:])
		} else {
			k = phpDecode(tok)
		}
		if nul := strings.IndexByte(k, 0); nul >= 0 {
			k = k[:nul]
		}
		for len(k) > 0 && k[0] == ' ' {
			k = k[1:]
		}
		if !strings.ContainsRune(k, '[') {
			k = strings.Map(func(r rune) rune {
				if r == ' ' || r == '.' {
					return '_'
				}
				return r
			}, k)
		}
		if k == "" {
			continue
		}
		if i, seen := index[k]; seen {
			values[i] = v
			continue
		}
		index[k] = len(keys)
		keys = append(keys, k)
		values = append(values, v)
	}
	return keys, values
}

func phpDecode(s string) string {
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '+' {
			out = append(out, ' ')
			continue
		}
		if s[i] == '%' && len(s)-i >= 3 {
			if n, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				out = append(out, byte(n))
				i += 2
				continue
			}
		}
		out = append(out, s[i])
	}
	return string(out)
}

// phpVerify is the seeds' PHP snippet: skip "checksum", concatenate the rest, hash with the
// secret, hash_equals.
func phpVerify(t *testing.T, signed, secret string) (ok bool, get map[string]string) {
	t.Helper()
	u, err := url.Parse(signed)
	if err != nil {
		t.Fatalf("signed URL does not parse: %v", err)
	}
	keys, values := phpGET(u.RawQuery)
	get = map[string]string{}
	var concatenated string
	for i, k := range keys {
		get[k] = values[i]
		if k == "checksum" {
			continue
		}
		concatenated += values[i]
	}
	sum := sha256.Sum256([]byte(concatenated + secret))
	hashedKey := hex.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(hashedKey), []byte(get["checksum"])) == 1, get
}

// phpVerifyBreak is the company-check variant of the snippet, which stops at "checksum".
func phpVerifyBreak(signed, secret string) bool {
	u, _ := url.Parse(signed)
	keys, values := phpGET(u.RawQuery)
	var concatenated, received string
	for i, k := range keys {
		if k == "checksum" {
			received = values[i]
			break
		}
		concatenated += values[i]
	}
	sum := sha256.Sum256([]byte(concatenated + secret))
	return hex.EncodeToString(sum[:]) == received
}

func mustVerify(t *testing.T, signed string) map[string]string {
	t.Helper()
	ok, get := phpVerify(t, signed, secret)
	if !ok {
		t.Fatalf("PHP verifier rejects %s", signed)
	}
	if !phpVerifyBreak(signed, secret) {
		t.Fatalf("PHP verifier (break variant) rejects %s", signed)
	}
	if ok, _ := phpVerify(t, signed, secret+"x"); ok {
		t.Fatalf("PHP verifier accepts %s with the wrong secret", signed)
	}
	u, _ := url.Parse(signed)
	if err := client.VerifyCallback(u.RawQuery, secret); err != nil {
		t.Fatalf("client.VerifyCallback rejects %s: %v", signed, err)
	}
	return get
}

var (
	created = time.Unix(1755764131, 0)
	sent    = time.Unix(1755764200, 0)
)

func TestChecksumKnownAnswer(t *testing.T) {
	// printf '%s' 'ODR3506777330PAIDvisa51.0017557641311755764200whsec_test' | sha256sum
	const want = "3b99c260a8b17e79ed57bf97f48664ff1a943e9c691363691df00e70723c8d85"
	got := Checksum([]string{"ODR3506777330", "PAID", "visa", "51.00", "1755764131", "1755764200"}, secret)
	if got != want {
		t.Fatalf("Checksum = %s, want %s", got, want)
	}
}

func TestSignedURLSeedExample(t *testing.T) {
	params := OrderParams("ODR3506777330", "PARTIALLY REFUNDED", "visa", "51.00", created, sent)
	got, err := SignedURL("https://wp.frontpayment.no/?order_identifier=rRbl1FWZG59o&order_status=success", params, secret)
	if err != nil {
		t.Fatal(err)
	}
	// printf '%s' 'rRbl1FWZG59osuccessODR3506777330PARTIALLY REFUNDEDvisa51.0017557641311755764200whsec_test' | sha256sum
	want := "https://wp.frontpayment.no/?order_identifier=rRbl1FWZG59o&order_status=success" +
		"&orderUuid=ODR3506777330&status=PARTIALLY+REFUNDED&paymentMethod=visa&amount=51.00" +
		"&createdAt=1755764131&timestamp=1755764200" +
		"&checksum=1204712b940770fbd96983aacb0f98d2919e342af4e14d85780472f880115778"
	if got != want {
		t.Fatalf("SignedURL =\n%s\nwant\n%s", got, want)
	}
	get := mustVerify(t, got)
	if get["status"] != "PARTIALLY REFUNDED" || get["order_status"] != "success" {
		t.Fatalf("PHP would read %v", get)
	}
}

func TestSignedURLWithoutQuery(t *testing.T) {
	params := OrderParams("ODR123", "PAID", "Visa", "100", created, sent)
	got, err := SignedURL("https://your-callback-url.com/callback", params, secret)
	if err != nil {
		t.Fatal(err)
	}
	prefix := "https://your-callback-url.com/callback?orderUuid=ODR123&status=PAID&paymentMethod=Visa&amount=100&createdAt=1755764131&timestamp=1755764200&checksum="
	if !strings.HasPrefix(got, prefix) {
		t.Fatalf("SignedURL = %s", got)
	}
	if want := Checksum([]string{"ODR123", "PAID", "Visa", "100", "1755764131", "1755764200"}, secret); got != prefix+want {
		t.Fatalf("checksum = %s, want %s", strings.TrimPrefix(got, prefix), want)
	}
	mustVerify(t, got)
}

func TestSignedURLCases(t *testing.T) {
	tests := []struct {
		name    string
		url     string
		params  []Param
		want    string            // exact result without "&checksum=…", when set
		wantGet map[string]string // what PHP reads, when set
		order   []string          // $_GET key order, when set
	}{
		{
			name:    "awkward values",
			url:     "https://example.com/cb",
			params:  []Param{{"a", "x y"}, {"b", "1&c=2"}, {"c", "a=b"}, {"d", "blåbær 💳"}, {"e", "100%"}, {"f", "+plus+"}, {"g", ""}},
			want:    "https://example.com/cb?a=x+y&b=1%26c%3D2&c=a%3Db&d=bl%C3%A5b%C3%A6r+%F0%9F%92%B3&e=100%25&f=%2Bplus%2B&g=",
			wantGet: map[string]string{"a": "x y", "b": "1&c=2", "c": "a=b", "d": "blåbær 💳", "e": "100%", "f": "+plus+", "g": ""},
		},
		{
			name:    "merchant query decoded as PHP does",
			url:     "https://example.com/cb?ref=a+b%20c&pct=100%&bad=%zz&flag&empty=",
			params:  []Param{{"status", "PAID"}},
			want:    "https://example.com/cb?ref=a+b%20c&pct=100%&bad=%zz&flag&empty=&status=PAID",
			wantGet: map[string]string{"ref": "a b c", "pct": "100%", "bad": "%zz", "flag": "", "empty": "", "status": "PAID"},
		},
		{
			name:    "repeated merchant key keeps last value at first position",
			url:     "https://example.com/cb?a=1&b=2&a=3",
			params:  []Param{{"status", "PAID"}},
			want:    "https://example.com/cb?a=1&b=2&a=3&status=PAID",
			wantGet: map[string]string{"a": "3", "b": "2", "status": "PAID"},
			order:   []string{"a", "b", "status", "checksum"},
		},
		{
			name:    "our key overwrites the merchant's in place",
			url:     "https://example.com/cb?status=pending&ref=42",
			params:  []Param{{"orderUuid", "ODR1"}, {"status", "PAID"}},
			want:    "https://example.com/cb?status=pending&ref=42&orderUuid=ODR1&status=PAID",
			wantGet: map[string]string{"status": "PAID", "ref": "42", "orderUuid": "ODR1"},
			order:   []string{"status", "ref", "orderUuid", "checksum"},
		},
		{
			name:    "merchant's own checksum parameter is dropped",
			url:     "https://example.com/cb?checksum=old&a=1&%20checksum=older",
			params:  []Param{{"status", "PAID"}},
			want:    "https://example.com/cb?a=1&status=PAID",
			wantGet: map[string]string{"a": "1", "status": "PAID"},
		},
		{
			name:    "PHP-mangled and ignored keys",
			url:     "https://example.com/cb?a.b=1&a_b=2&%20lead=3&=4&%00=5&x%00y=6",
			params:  []Param{{"status", "PAID"}},
			want:    "https://example.com/cb?a.b=1&a_b=2&%20lead=3&=4&%00=5&x%00y=6&status=PAID",
			wantGet: map[string]string{"a_b": "2", "lead": "3", "x": "6", "status": "PAID"},
			order:   []string{"a_b", "lead", "x", "status", "checksum"},
		},
		{
			name:    "bracket keys are treated literally",
			url:     "https://example.com/cb?a[]=1&a[]=2",
			params:  []Param{{"status", "PAID"}},
			want:    "https://example.com/cb?a[]=1&a[]=2&status=PAID",
			wantGet: map[string]string{"a[]": "2", "status": "PAID"},
		},
		{
			name:   "fragment dropped, empty pieces skipped",
			url:    "https://example.com/cb?&a=1&&#frag?x=1",
			params: []Param{{"status", "PAID"}},
			want:   "https://example.com/cb?a=1&status=PAID",
		},
		{
			name:   "empty query marker",
			url:    "http://localhost:8080/?",
			params: []Param{{"status", "PAID"}},
			want:   "http://localhost:8080/?status=PAID",
		},
		{
			name:    "raw bytes a request line cannot carry are escaped",
			url:     "https://example.com/cb?name=Kari Nordmann&city=Tromsø&q=\"{x}\"",
			params:  []Param{{"status", "PAID"}},
			want:    "https://example.com/cb?name=Kari%20Nordmann&city=Troms%C3%B8&q=%22%7Bx%7D%22&status=PAID",
			wantGet: map[string]string{"name": "Kari Nordmann", "city": "Tromsø", "q": "\"{x}\"", "status": "PAID"},
		},
		{
			name:   "path and port kept",
			url:    "https://example.com:8443/a%2Fb/c?x=1",
			params: []Param{{"status", "PAID"}},
			want:   "https://example.com:8443/a%2Fb/c?x=1&status=PAID",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SignedURL(tt.url, tt.params, secret)
			if err != nil {
				t.Fatal(err)
			}
			base, sum, found := strings.Cut(got, "&checksum=")
			if !found || strings.Contains(sum, "&") {
				t.Fatalf("checksum is not last: %s", got)
			}
			if tt.want != "" && base != tt.want {
				t.Errorf("SignedURL =\n%s\nwant\n%s", base, tt.want)
			}
			get := mustVerify(t, got)
			delete(get, "checksum")
			if tt.wantGet != nil {
				if diff := cmp.Diff(tt.wantGet, get); diff != "" {
					t.Errorf("PHP $_GET (-want +got):\n%s", diff)
				}
			}
			if tt.order != nil {
				u, _ := url.Parse(got)
				keys, _ := phpGET(u.RawQuery)
				if diff := cmp.Diff(tt.order, keys); diff != "" {
					t.Errorf("PHP key order (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestSignedURLErrors(t *testing.T) {
	urls := []string{
		"", "example.com/cb", "//example.com/cb", "/cb", "ftp://example.com/cb", "mailto:a@example.com",
		"https://", "https:///cb", "http://:80/cb", "https://exa mple.com/", "https://example.com/\x00",
		"javascript:alert(1)",
	}
	for _, raw := range urls {
		if got, err := SignedURL(raw, nil, secret); err == nil {
			t.Errorf("SignedURL(%q) = %q, want an error", raw, got)
		}
	}
	for _, p := range []Param{{"checksum", "x"}, {"", "x"}, {"a.b", "x"}, {"a b", "x"}, {" a", "x"}} {
		if _, err := SignedURL("https://example.com/", []Param{p}, secret); err == nil {
			t.Errorf("SignedURL with key %q: want an error", p.Key)
		}
	}
	_, err := SignedURL("https://user:hunter2@example.com/?token=hunter2 x", nil, secret)
	if err != nil && strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error leaks the URL: %v", err)
	}
}

func TestOrderParams(t *testing.T) {
	got := OrderParams("ODR1", "PAID", "visa", "51.00", time.Date(2025, 8, 21, 8, 15, 31, 999, time.FixedZone("x", 3600)), sent)
	want := []Param{
		{"orderUuid", "ODR1"}, {"status", "PAID"}, {"paymentMethod", "visa"}, {"amount", "51.00"},
		{"createdAt", "1755760531"}, {"timestamp", "1755764200"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("OrderParams (-want +got):\n%s", diff)
	}
}

// randomText mixes the characters that break naive signing: separators, escapes, spaces,
// multi-byte runes and invalid UTF-8.
func randomText(r *rand.Rand) string {
	const alphabet = "aZ09 -_.~+&=%?#/;:[]\"'<>\\^`{|}\t\n"
	runes := []string{"å", "ø", "€", "💳", "\x00", "\xff", "%2", "%41", "%zz", "+"}
	var b strings.Builder
	for range r.IntN(12) {
		if r.IntN(4) == 0 {
			b.WriteString(runes[r.IntN(len(runes))])
		} else {
			b.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
	}
	return b.String()
}

func TestSignedURLProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	keys := []string{"orderUuid", "status", "ref", "a", "b", "amount"}
	for i := range 1000 {
		var merchant []string
		for range r.IntN(4) {
			// Merchant parameters arrive as raw query text, escaped or not.
			k, v := keys[r.IntN(len(keys))], randomText(r)
			if r.IntN(2) == 0 {
				v = url.QueryEscape(v)
			} else {
				v = strings.NewReplacer("&", "%26", "#", "%23", "\x00", "", "\t", "", "\n", "", "\xff", "").Replace(v)
			}
			merchant = append(merchant, k+"="+v)
		}
		raw := "https://merchant.example/cb"
		if len(merchant) > 0 {
			raw += "?" + strings.Join(merchant, "&")
		}
		var params []Param
		for range r.IntN(7) {
			params = append(params, Param{keys[r.IntN(len(keys))], randomText(r)})
		}
		got, err := SignedURL(raw, params, secret)
		if err != nil {
			t.Fatalf("case %d: SignedURL(%q): %v", i, raw, err)
		}
		get := mustVerify(t, got)
		for _, p := range params { // ours are last to be set, so PHP reads exactly them
			last := p.Value
			for _, q := range params {
				if q.Key == p.Key {
					last = q.Value
				}
			}
			if get[p.Key] != last {
				t.Fatalf("case %d: PHP reads %s=%q, want %q (%s)", i, p.Key, get[p.Key], last, got)
			}
		}
	}
}

func FuzzSignedURL(f *testing.F) {
	f.Add("https://wp.frontpayment.no/?order_identifier=rRbl1FWZG59o&order_status=success", "PARTIALLY REFUNDED", "51.00")
	f.Add("http://localhost:8080/cb?a=1&a=2&status=x", "a&b=c", "ø")
	f.Add("https://example.com/?%zz=%&+=+", "100%", "")
	f.Fuzz(func(t *testing.T, raw, status, amount string) {
		got, err := SignedURL(raw, OrderParams("ODR1", status, "visa", amount, created, sent), secret)
		if err != nil {
			return
		}
		get := mustVerify(t, got)
		if get["status"] != status || get["amount"] != amount {
			t.Fatalf("PHP reads status=%q amount=%q from %s", get["status"], get["amount"], got)
		}
	})
}

func ExampleSignedURL() {
	params := OrderParams("ODR3506777330", "PAID", "visa", "51.00", time.Unix(1755764131, 0), time.Unix(1755764200, 0))
	signed, _ := SignedURL("https://shop.example/callback?order_identifier=rRbl1FWZG59o", params, "whsec_test")
	fmt.Println(signed)
	// Output: https://shop.example/callback?order_identifier=rRbl1FWZG59o&orderUuid=ODR3506777330&status=PAID&paymentMethod=visa&amount=51.00&createdAt=1755764131&timestamp=1755764200&checksum=e4a0eaea3293c05c74006ebb2cbcc4ee40248a7bc59b23a217129759d94e5b33
}
