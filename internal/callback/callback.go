// Package callback builds, signs and safely sends the server-to-server GET requests that tell a
// merchant about a status change (orders, reservations, subscriptions, terminals, company checks).
//
// The checksum has to verify with the PHP snippet FPGO publishes, unchanged, because merchants
// copy that snippet: it walks $_GET in order, concatenates every value except "checksum", appends
// the secret and compares hex(sha256(…)). So signing here models how PHP turns a query string
// into $_GET — '+' and %XX decoding, key mangling, a repeated key keeping its last value at the
// position of its first occurrence — rather than how Go's net/url would read it.
//
// Known limitation: PHP turns keys such as "a[]" or "a[x]" into nested arrays (and a
// concatenated array reads "Array"). Such keys are treated literally here, as plain keys. FPGO's
// own parameters never use brackets, so only a merchant URL that already carries bracketed
// parameters is affected. PHP's max_input_vars (1000 by default) is not modelled either.
//
// Sending is split in two: CheckDestination rejects URLs that must not be called in the current
// mode when the merchant registers them, and NewHTTPClient enforces the same rule at connect time,
// because DNS may answer differently when the callback is actually sent.
package callback

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ChecksumKey is the parameter that carries the signature; it is always the last one.
const ChecksumKey = "checksum"

// Param is one query parameter; order matters because the checksum concatenates values in URL order.
type Param struct{ Key, Value string }

// Checksum = hex(sha256(concat(values) + secret)), exactly the seeds' PHP verification code.
func Checksum(values []string, secret string) string {
	h := sha256.New()
	for _, v := range values {
		h.Write([]byte(v))
	}
	h.Write([]byte(secret))
	return hex.EncodeToString(h.Sum(nil))
}

// SignedURL returns callbackURL with its own query parameters kept first, in their order, then
// params appended in the given order (percent-encoded with url.QueryEscape), then "checksum" last.
//
// The merchant's parameters are kept byte for byte, with two exceptions that never change what
// PHP reads: bytes that may not appear raw in an HTTP request line (space, control and non-ASCII
// bytes, `"<>\^{|}`) are percent-encoded, and a "checksum" parameter of the merchant's own is
// dropped — PHP would overwrite it with ours anyway, and at its earlier position it would cut
// short the variant of the snippet that stops at "checksum" instead of skipping it.
//
// The checksum covers the values a PHP merchant sees in $_GET: the URL's own parameters decoded
// as PHP decodes them, then params' values as given. If one of params has the same key as a URL
// parameter, PHP overwrites the URL's value in place, and so does the checksum.
//
// callbackURL must be an absolute http(s) URL; a fragment is dropped, since it is never sent.
func SignedURL(callbackURL string, params []Param, secret string) (string, error) {
	u, err := parseHTTPURL(callbackURL)
	if err != nil {
		return "", err
	}
	u.Fragment, u.RawFragment = "", ""

	var (
		parts []string
		get   phpGet
	)
	for piece := range strings.SplitSeq(u.RawQuery, "&") {
		if piece == "" {
			continue
		}
		key, value, ok := phpPair(piece)
		if ok && key == ChecksumKey {
			continue
		}
		parts = append(parts, escapeQueryBytes(piece))
		if ok {
			get.set(key, value)
		}
	}
	for _, p := range params {
		key, ok := phpKey(p.Key)
		if !ok || key != p.Key {
			return "", fmt.Errorf("callback: parameter key %q would be renamed or dropped by PHP", p.Key)
		}
		if key == ChecksumKey {
			return "", errors.New("callback: parameter key \"checksum\" is reserved for the signature")
		}
		parts = append(parts, url.QueryEscape(p.Key)+"="+url.QueryEscape(p.Value))
		get.set(key, p.Value)
	}
	parts = append(parts, ChecksumKey+"="+Checksum(get.values, secret))

	u.RawQuery = strings.Join(parts, "&")
	u.ForceQuery = false
	return u.String(), nil
}

// OrderParams builds the documented order-callback parameters in the documented order:
// orderUuid, status, paymentMethod, amount, createdAt, timestamp. Times are Unix seconds, as in
// the seeds' example (createdAt=1755764131).
func OrderParams(orderUUID, status, paymentMethod, amount string, createdAt, sentAt time.Time) []Param {
	return []Param{
		{"orderUuid", orderUUID},
		{"status", status},
		{"paymentMethod", paymentMethod},
		{"amount", amount},
		{"createdAt", strconv.FormatInt(createdAt.Unix(), 10)},
		{"timestamp", strconv.FormatInt(sentAt.Unix(), 10)},
	}
}

// parseHTTPURL accepts only absolute http(s) URLs with a host. Errors never quote the URL:
// its query or user info may hold the merchant's own secrets.
func parseHTTPURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("callback: URL cannot be parsed")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, errors.New("callback: URL must start with http:// or https://")
	}
	if u.Opaque != "" || u.Host == "" || u.Hostname() == "" {
		return nil, errors.New("callback: URL has no host")
	}
	return u, nil
}

// phpGet is the ordered key→value map PHP builds for $_GET.
type phpGet struct {
	keys   []string
	values []string
}

// set mirrors a PHP array assignment: an existing key keeps its position, its value is replaced.
func (g *phpGet) set(key, value string) {
	for i, k := range g.keys {
		if k == key {
			g.values[i] = value
			return
		}
	}
	g.keys = append(g.keys, key)
	g.values = append(g.values, value)
}

// phpPair splits one '&'-separated piece the way php_default_treat_data does. ok is false when
// PHP would not register the variable at all (its name is empty once decoded and mangled).
func phpPair(piece string) (key, value string, ok bool) {
	rawKey, rawValue, _ := strings.Cut(piece, "=")
	key, ok = phpKey(phpURLDecode(rawKey))
	return key, phpURLDecode(rawValue), ok
}

// phpKey applies php_register_variable_ex's renaming to a decoded key: the name ends at a NUL
// byte, leading spaces go, and spaces and dots become underscores. Keys with '[' are kept as they
// are (see the package comment).
func phpKey(k string) (string, bool) {
	if i := strings.IndexByte(k, 0); i >= 0 {
		k = k[:i]
	}
	k = strings.TrimLeft(k, " ")
	if !strings.Contains(k, "[") {
		k = strings.NewReplacer(" ", "_", ".", "_").Replace(k)
	}
	return k, k != ""
}

// phpURLDecode is PHP's urldecode: '+' is a space, %XX with two hex digits is a byte, and any
// other '%' stays as it is (Go's url.QueryUnescape would reject it instead).
func phpURLDecode(s string) string {
	if !strings.ContainsAny(s, "+%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}

// escapeQueryBytes percent-encodes the bytes that cannot travel raw in a request line; PHP
// decodes %XX back to the same byte, so the merchant reads the same value.
func escapeQueryBytes(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c > ' ' && c < 0x7f && !strings.ContainsRune("\"<>\\^`{|}", rune(c)) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
