package client

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

var (
	// ErrMissingChecksum means the callback carries no checksum parameter.
	ErrMissingChecksum = errors.New("fpgo: callback has no checksum")
	// ErrBadChecksum means the checksum does not match: the callback was altered, or was not
	// signed with this secret.
	ErrBadChecksum = errors.New("fpgo: callback checksum does not match")
	// ErrNoSecret guards against verifying with an unset secret, which anyone could forge.
	ErrNoSecret = errors.New("fpgo: empty callback secret")
)

// VerifyCallback checks the checksum of a callback the way FPGO's PHP example does: every
// parameter value except "checksum", in URL order, concatenated, then the secret appended, then
// hex(sha256(…)) compared in constant time. rawQuery is r.URL.RawQuery — a url.Values map would
// lose the parameter order the checksum depends on.
//
// The query is read as PHP fills $_GET, since that is what FPGO signs for: '+' is a space, a
// repeated key keeps its last value at the place it first appeared, and in keys spaces and dots
// become underscores. Keys with brackets ("a[]") are taken literally, where PHP would build an
// array.
func VerifyCallback(rawQuery string, secret string) error {
	_, err := verify(rawQuery, secret)
	return err
}

// VerifyCallbackRequest is VerifyCallback for an http.Handler.
func VerifyCallbackRequest(r *http.Request, secret string) error {
	return VerifyCallback(r.URL.RawQuery, secret)
}

// Callback is a verified callback. Terminal and company-check callbacks carry other parameters
// (type, totalAmount, companyCheckUuid, score, …): read them from Raw.
type Callback struct {
	OrderUUID     string
	Status        string // e.g. PAID, INVOICED, PARTIALLY REFUNDED, RESERVED, CAPTURED, CHARGED
	PaymentMethod string
	Amount        string
	CreatedAt     time.Time // zero when absent
	Timestamp     time.Time // when FPGO sent the callback; zero when absent
	// Raw has every parameter as PHP's $_GET would, one value per key, checksum included.
	Raw url.Values
}

// ParseCallback verifies rawQuery and then reads the documented order-callback parameters.
// Checking Timestamp for freshness, and that OrderUUID is one of yours, is left to the caller.
func ParseCallback(rawQuery string, secret string) (*Callback, error) {
	get, err := verify(rawQuery, secret)
	if err != nil {
		return nil, err
	}
	cb := &Callback{Raw: url.Values{}}
	for i, k := range get.keys {
		cb.Raw.Set(k, get.values[i])
	}
	cb.OrderUUID = cb.Raw.Get("orderUuid")
	cb.Status = cb.Raw.Get("status")
	cb.PaymentMethod = cb.Raw.Get("paymentMethod")
	cb.Amount = cb.Raw.Get("amount")
	if cb.CreatedAt, err = unixParam(cb.Raw, "createdAt"); err != nil {
		return nil, err
	}
	if cb.Timestamp, err = unixParam(cb.Raw, "timestamp"); err != nil {
		return nil, err
	}
	return cb, nil
}

func unixParam(v url.Values, key string) (time.Time, error) {
	s := v.Get(key)
	if s == "" {
		return time.Time{}, nil
	}
	sec, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || (frac != "" && strings.Trim(frac, "0123456789") != "") {
		return time.Time{}, fmt.Errorf("fpgo: callback %s %q is not a Unix timestamp", key, s)
	}
	frac = (frac + "000000000")[:9]
	nanos, _ := strconv.ParseInt(frac, 10, 64)
	if strings.HasPrefix(sec, "-") {
		nanos = -nanos
	}
	return time.Unix(n, nanos), nil
}

// phpQuery is $_GET: keys in order of first appearance, each with its last value.
type phpQuery struct {
	keys, values []string
}

func verify(rawQuery, secret string) (*phpQuery, error) {
	if secret == "" {
		return nil, ErrNoSecret
	}
	get := parsePHPQuery(rawQuery)
	var (
		concatenated strings.Builder
		received     string
		found        bool
	)
	for i, k := range get.keys {
		if k == "checksum" {
			received, found = get.values[i], true
			continue
		}
		concatenated.WriteString(get.values[i])
	}
	if !found {
		return nil, ErrMissingChecksum
	}
	concatenated.WriteString(secret)
	sum := sha256.Sum256([]byte(concatenated.String()))
	want := hex.EncodeToString(sum[:])
	if subtle.ConstantTimeCompare([]byte(want), []byte(received)) != 1 {
		return nil, ErrBadChecksum
	}
	return get, nil
}

func parsePHPQuery(raw string) *phpQuery {
	q := &phpQuery{}
	pos := map[string]int{}
	for piece := range strings.SplitSeq(raw, "&") {
		if piece == "" {
			continue
		}
		k, v, _ := strings.Cut(piece, "=")
		k = phpKey(phpURLDecode(k))
		if k == "" {
			continue // PHP drops variables without a name
		}
		v = phpURLDecode(v)
		if i, ok := pos[k]; ok {
			q.values[i] = v
			continue
		}
		pos[k] = len(q.keys)
		q.keys = append(q.keys, k)
		q.values = append(q.values, v)
	}
	return q
}

// phpKey renames a decoded key as PHP does: the name stops at a NUL byte, leading spaces are
// dropped, and spaces and dots become underscores (bracketed keys are left alone).
func phpKey(k string) string {
	if i := strings.IndexByte(k, 0); i >= 0 {
		k = k[:i]
	}
	k = strings.TrimLeft(k, " ")
	if strings.Contains(k, "[") {
		return k
	}
	return strings.NewReplacer(" ", "_", ".", "_").Replace(k)
}

// phpURLDecode is PHP's urldecode, which unlike url.QueryUnescape never fails: a '%' not
// followed by two hex digits is kept as it is.
func phpURLDecode(s string) string {
	if !strings.ContainsAny(s, "+%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && fromHex(s[i+1]) >= 0 && fromHex(s[i+2]) >= 0:
			b = append(b, byte(fromHex(s[i+1])<<4|fromHex(s[i+2])))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func fromHex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
