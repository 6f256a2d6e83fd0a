package callback

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"code.dny.dev/ssrf"
)

func TestCheckDestination(t *testing.T) {
	tests := []struct {
		url                 string
		production, sandbox bool // true = allowed
	}{
		{"https://shop.example.com/callback?x=1", true, true},
		{"https://wp.frontpayment.no/?order_identifier=rRbl1FWZG59o&order_status=success", true, true},
		{"https://shop.example.com:8443/cb", true, true},
		{"https://8.8.8.8/cb", true, true},
		{"https://[2606:4700:4700::1111]/cb", true, true},
		{"http://shop.example.com/cb", false, true},
		{"https://localhost/cb", false, true},
		{"https://LOCALHOST./cb", false, true},
		{"https://app.localhost/cb", false, true},
		{"http://localhost:3000/cb", false, true},
		{"https://127.0.0.1/cb", false, true},
		{"https://127.8.9.10/cb", false, true},
		{"https://[::1]/cb", false, true},
		{"https://[::ffff:127.0.0.1]/cb", false, true},
		{"https://0.0.0.0/cb", false, true},
		{"https://[::]/cb", false, true},
		{"https://10.1.2.3/cb", false, true},
		{"https://172.16.0.1/cb", false, true},
		{"https://192.168.1.1/cb", false, true},
		{"https://[fd12:3456::1]/cb", false, true},
		{"https://169.254.1.1/cb", false, true},
		{"https://169.254.169.254/latest/meta-data", false, true},
		{"https://[fd00:ec2::254]/", false, true},
		{"https://[fe80::1%25eth0]/cb", false, true},
		{"https://224.0.0.1/cb", false, true},
		{"https://[ff02::1]/cb", false, true},
		{"https://100.64.0.1/cb", false, true},
		{"https://100.127.255.254/cb", false, true},
		{"https://192.0.2.10/cb", false, true}, // documentation range: refused at dial time too
		{"https://2130706433/cb", false, true},
		{"https://127.1/cb", false, true},
		{"https://0x7f000001/cb", false, true},
		{"https://0177.0.0.1/cb", false, true},
		{"https://shop.example.com:0/cb", false, false},
		{"https://shop.example.com:70000/cb", false, false},
		{"ftp://shop.example.com/cb", false, false},
		{"shop.example.com/cb", false, false},
		{"https:///cb", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		for _, mode := range []struct {
			production, want bool
		}{{true, tt.production}, {false, tt.sandbox}} {
			err := CheckDestination(tt.url, mode.production)
			if (err == nil) != mode.want {
				t.Errorf("CheckDestination(%q, production=%v) = %v, want allowed=%v", tt.url, mode.production, err, mode.want)
			}
		}
	}
}

func TestCheckDestinationErrorKeepsSecrets(t *testing.T) {
	err := CheckDestination("http://user:hunter2@shop.example.com/cb?token=hunter2", true)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("err = %v", err)
	}
}

func TestNewHTTPClientBlocksInternalAddressesInProduction(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, "ok")
	}))
	defer srv.Close()

	resp, err := NewHTTPClient(true, 2*time.Second).Get(srv.URL + "/cb")
	if err == nil {
		resp.Body.Close()
		t.Fatal("production client reached 127.0.0.1")
	}
	if !errors.Is(err, ssrf.ErrProhibitedIP) {
		t.Fatalf("production client error = %v, want ssrf.ErrProhibitedIP", err)
	}
	// A name is resolved first and the address checked when dialling, so a public-looking name
	// that points inside is refused too.
	resp, err = NewHTTPClient(true, 2*time.Second).Get(strings.Replace(srv.URL, "127.0.0.1", "localhost", 1))
	if err == nil {
		resp.Body.Close()
		t.Fatal("production client reached localhost")
	}
	if hits.Load() != 0 {
		t.Fatalf("server saw %d requests", hits.Load())
	}

	resp, err = NewHTTPClient(false, 2*time.Second).Get(srv.URL + "/cb")
	if err != nil {
		t.Fatalf("sandbox client: %v", err)
	}
	defer resp.Body.Close()
	if body, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusOK || string(body) != "ok" {
		t.Fatalf("sandbox client got %d %q", resp.StatusCode, body)
	}
}

func TestNewHTTPClientDoesNotFollowRedirects(t *testing.T) {
	var targetHits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		targetHits.Add(1)
	}))
	defer target.Close()
	redirector := httptest.NewServer(http.RedirectHandler(target.URL+"/internal", http.StatusFound))
	defer redirector.Close()

	resp, err := NewHTTPClient(false, 2*time.Second).Get(redirector.URL + "/cb")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("status = %d, want 302", resp.StatusCode)
	}
	if got := resp.Header.Get("Location"); got != target.URL+"/internal" {
		t.Fatalf("Location = %q", got)
	}
	if targetHits.Load() != 0 {
		t.Fatal("redirect was followed")
	}
}

func TestNewHTTPClientTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)

	c := NewHTTPClient(false, 100*time.Millisecond)
	resp, err := c.Get(srv.URL)
	if err == nil {
		resp.Body.Close()
		t.Fatal("want a timeout")
	}
	if NewHTTPClient(false, 0).Timeout != DefaultTimeout {
		t.Fatal("zero timeout should mean DefaultTimeout")
	}
}

// The signature has to survive the trip: what the merchant's server receives must verify.
func TestSignedURLOverTheWire(t *testing.T) {
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.URL.RawQuery
	}))
	defer srv.Close()

	params := OrderParams("ODR1", "PARTIALLY REFUNDED", "visa", "51.00", created, sent)
	signed, err := SignedURL(srv.URL+"/cb?name=Kari Nordmann&by=å&a[]=1&pct=100%", params, secret)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := NewHTTPClient(false, 2*time.Second).Get(signed)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	raw := <-got
	if ok, get := phpVerify(t, srv.URL+"/cb?"+raw, secret); !ok || get["name"] != "Kari Nordmann" || get["by"] != "å" || get["status"] != "PARTIALLY REFUNDED" {
		t.Fatalf("merchant received %q (ok=%v, $_GET=%v)", raw, ok, get)
	}
}
