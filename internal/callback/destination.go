package callback

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"code.dny.dev/ssrf"
)

// DefaultTimeout bounds one delivery attempt; a slow merchant must not hold a worker for long,
// and the outbox retries anyway.
const DefaultTimeout = 10 * time.Second

// maxResponseHeaderBytes keeps a hostile endpoint from making us buffer huge headers.
const maxResponseHeaderBytes = 64 << 10

// CGNAT and cloud metadata addresses are spelled out even though guardian covers them, so the
// rule CheckDestination promises stays true whatever the ssrf package's lists become.
var (
	cgnat    = netip.MustParsePrefix("100.64.0.0/10")
	metadata = []netip.Addr{netip.MustParseAddr("169.254.169.254"), netip.MustParseAddr("fd00:ec2::254")}
)

// guardian decides which addresses production may connect to. Any port is allowed: merchants do
// run https on ports other than 443, and the address, not the port, is what reaches internal hosts.
var guardian = ssrf.New(ssrf.WithAnyPort())

// CheckDestination validates a callback URL for the mode. Production requires https and a host
// that is neither a name for the local machine ("localhost", "*.localhost") nor an IP literal
// outside the public internet (loopback, private, link-local, unspecified, multicast, CGNAT,
// cloud metadata, and the other special-purpose ranges the delivery client refuses). Sandbox
// allows http and https to anything, so merchants can receive callbacks on their own machine.
// The error describes the problem without repeating the URL, whose query may hold secrets.
func CheckDestination(rawURL string, production bool) error {
	u, err := parseHTTPURL(rawURL)
	if err != nil {
		return err
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return errors.New("callback: URL has an invalid port")
		}
	}
	if !production {
		return nil
	}
	if u.Scheme != "https" {
		return errors.New("callback: URL must use https in production")
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return fmt.Errorf("callback: host %q is the local machine", host)
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		if reason := nonPublic(addr); reason != "" {
			return fmt.Errorf("callback: host %s is %s, not a public address", host, reason)
		}
		return nil
	}
	// Resolvers differ on "127.1" or "0x7f000001"; no real domain ends in a numeric label, so a
	// host like that is an IP in disguise.
	labels := strings.Split(host, ".")
	if last := labels[len(labels)-1]; isNumericLabel(last) {
		return fmt.Errorf("callback: host %q looks like a non-standard IP address", host)
	}
	return nil
}

// nonPublic names why addr must not receive callbacks in production, or returns "".
func nonPublic(addr netip.Addr) string {
	addr = addr.Unmap().WithZone("")
	switch {
	case addr.IsUnspecified():
		return "unspecified"
	case addr.IsLoopback():
		return "loopback"
	case addr.IsPrivate():
		return "private"
	case addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast():
		return "link-local"
	case addr.IsMulticast():
		return "multicast"
	case cgnat.Contains(addr):
		return "carrier-grade NAT"
	}
	for _, m := range metadata {
		if addr == m {
			return "a cloud metadata endpoint"
		}
	}
	if guardian.SafeAddr(addr) != nil {
		return "a special-purpose address"
	}
	return ""
}

func isNumericLabel(s string) bool {
	if h, ok := strings.CutPrefix(s, "0x"); ok {
		s = h
		for _, c := range s {
			if !isHex(byte(c)) || c > 0x7f {
				return false
			}
		}
		return true
	}
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// NewHTTPClient returns the client used for deliveries: a per-attempt timeout (DefaultTimeout
// when timeout <= 0) and no redirects — a 3xx is the merchant's answer and counts as a failed
// attempt, and following it would let a public URL bounce us to an internal one.
//
// In production every connection is checked at connect time against the address actually
// dialled, so a name that resolves (or later re-resolves) to an internal address is refused.
// Proxies from the environment are ignored in both modes: through a proxy that check would see
// only the proxy's address, and callbacks go straight to the merchant.
func NewHTTPClient(production bool, timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	dialer := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	if production {
		dialer.Control = guardian.Safe
	}
	transport := &http.Transport{
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    32, // a busy merchant gets many callbacks; reuse connections instead of re-dialing
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    timeout,
		ResponseHeaderTimeout:  timeout,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: maxResponseHeaderBytes,
	}
	return &http.Client{
		Transport: transport,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
