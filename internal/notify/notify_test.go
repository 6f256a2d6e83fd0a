package notify

import (
	"bufio"
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/provider"
	"github.com/fpgo/fpgo/internal/store"
	"github.com/fpgo/fpgo/internal/store/sqlstore"
)

// fakeSMTP is a minimal SMTP server that records what it receives.
type fakeSMTP struct {
	ln   net.Listener
	mu   sync.Mutex
	mail []string // "FROM|TO|DATA"
}

func startSMTP(t *testing.T) *fakeSMTP {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeSMTP{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *fakeSMTP) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(l string) { c.Write([]byte(l + "\r\n")) }
	say("220 fake ESMTP")
	var from, to string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-fake")
			say("250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			from = strings.TrimSpace(line[10:])
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			to = strings.TrimSpace(line[8:])
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(l)
			}
			s.mu.Lock()
			s.mail = append(s.mail, from+"|"+to+"|"+data.String())
			s.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func (s *fakeSMTP) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.mail...)
}

func TestParseSMTPURL(t *testing.T) {
	for _, bad := range []string{"", "smtp://", "smtp://mail.example.com", "http://mail.example.com?from=a@b.no", "smtp://mail.example.com:99999?from=a@b.no", "smtp://h?from=a@b.no&tls=maybe"} {
		if _, err := ParseSMTPURL(bad); err == nil {
			t.Errorf("ParseSMTPURL(%q) accepted", bad)
		}
	}
	for _, good := range []string{"smtp://mail.example.com?from=a@b.no", "smtps://u:p@mail.example.com?from=a@b.no", "smtp://u:p@h:2525?from=a@b.no&tls=required"} {
		if _, err := ParseSMTPURL(good); err != nil {
			t.Errorf("ParseSMTPURL(%q): %v", good, err)
		}
	}
}

func TestSMTPSendsEmail(t *testing.T) {
	srv := startSMTP(t)
	s, err := ParseSMTPURL("smtp://" + srv.ln.Addr().String() + "?from=shop@example.no&tls=none")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), provider.Email{To: "kari@example.no", Subject: "Payment request ODR1", Body: "Pay here: http://localhost/checkout/ODR1"}); err != nil {
		t.Fatal(err)
	}
	got := srv.received()
	if len(got) != 1 || !strings.Contains(got[0], "kari@example.no") || !strings.Contains(got[0], "shop@example.no") ||
		!strings.Contains(got[0], "Subject: Payment request ODR1") || !strings.Contains(got[0], "/checkout/ODR1") {
		t.Fatalf("received %q", got)
	}
}

type flakySender struct {
	mu    sync.Mutex
	fails int
	sent  []string
}

func (f *flakySender) Send(ctx context.Context, e provider.Email) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fails > 0 {
		f.fails--
		return errors.New("421 try later")
	}
	f.sent = append(f.sent, e.To)
	return nil
}

func TestLoopSendsEachEmailOnceAndRetries(t *testing.T) {
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "n.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	clk := clock.NewFixed(time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC))
	m := &domain.Merchant{ID: "ORG1", Name: "S", TokenHash: "h", CallbackSecret: "s", Settings: domain.DefaultMerchantSettings(), CreatedAt: clk.Now()}
	if err := db.Write(ctx, func(tx store.Tx) error {
		if err := tx.InsertMerchant(m); err != nil {
			return err
		}
		for _, msg := range []*domain.Message{
			{OrgID: "ORG1", Channel: "email", To: "old@example.no", Subject: "s", Body: "b", CreatedAt: clk.Now().Add(-30 * 24 * time.Hour)},
			{OrgID: "ORG1", Channel: "sms", To: "+4746567468", Body: "b", CreatedAt: clk.Now()},
			{OrgID: "ORG1", Channel: "email", To: "kari@example.no", Subject: "s", Body: "b", CreatedAt: clk.Now()},
		} {
			if err := tx.InsertMessage(msg); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sender := &flakySender{fails: 1}
	l := &Loop{Store: db, Clock: clk, Sender: sender}
	if n, err := l.Tick(ctx); err != nil || n != 0 {
		t.Fatalf("first tick (server down): %d %v", n, err)
	}
	if n, _ := l.Tick(ctx); n != 0 {
		t.Fatalf("retried before RetryAfter: %d", n)
	}
	clk.Add(3 * time.Minute)
	if n, err := l.Tick(ctx); err != nil || n != 1 {
		t.Fatalf("retry: %d %v", n, err)
	}
	clk.Add(time.Hour)
	if n, _ := l.Tick(ctx); n != 0 {
		t.Fatalf("sent again: %d", n)
	}
	if len(sender.sent) != 1 || sender.sent[0] != "kari@example.no" {
		t.Fatalf("sent to %v; want only the recent email, not the SMS or the month-old email", sender.sent)
	}
}

func TestTwoNodesSendOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "n.db")
	var dbs [2]*sqlstore.DB
	for i := range dbs {
		db, err := sqlstore.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		dbs[i] = db
	}
	clk := clock.NewFixed(time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC))
	if err := dbs[0].Write(ctx, func(tx store.Tx) error {
		if err := tx.InsertMerchant(&domain.Merchant{ID: "ORG1", Name: "S", TokenHash: "h", CallbackSecret: "s", CreatedAt: clk.Now()}); err != nil {
			return err
		}
		for i := 0; i < 30; i++ {
			if err := tx.InsertMessage(&domain.Message{OrgID: "ORG1", Channel: "email", To: "k@example.no", Subject: "s", Body: "b", CreatedAt: clk.Now()}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sender := &flakySender{}
	var wg sync.WaitGroup
	for i := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := &Loop{Store: dbs[i], Clock: clk, Sender: sender, Batch: 7}
			for j := 0; j < 5; j++ {
				if _, err := l.Tick(ctx); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if len(sender.sent) != 30 {
		t.Fatalf("sent %d emails for 30 messages", len(sender.sent))
	}
}
