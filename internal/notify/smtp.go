// Package notify delivers the email fpgo queues for customers (payment links, invoices) through
// SMTP. Messages are written to the outbox table in the same transaction as the order change
// that caused them; a loop on every node claims unsent ones with a lease, sends them and marks
// them sent, so each email goes out once even with several nodes. SMS stay in the outbox.
package notify

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/fpgo/fpgo/internal/provider"
)

// SMTP sends email through one SMTP server.
type SMTP struct {
	host string
	from string
	opts []mail.Option
}

var _ provider.EmailSender = (*SMTP)(nil)

// ParseSMTPURL configures an SMTP sender from a URL:
//
//	smtp://user:password@mail.example.com:587?from=shop@example.com   STARTTLS when offered
//	smtp://…?tls=required                                             STARTTLS or fail
//	smtp://…?tls=none                                                 plain text (local relays)
//	smtps://user:password@mail.example.com?from=…                     TLS from the start (465)
//
// from is required. Credentials are used only when the URL has a user.
func ParseSMTPURL(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("smtp url: not a URL")
	}
	if u.Hostname() == "" {
		return nil, errors.New("smtp url: no host")
	}
	q := u.Query()
	from := q.Get("from")
	if from == "" {
		return nil, errors.New("smtp url: from=ADDRESS is required, e.g. smtp://mail.example.com:587?from=noreply@example.com")
	}
	s := &SMTP{host: u.Hostname(), from: from, opts: []mail.Option{mail.WithTimeout(20 * time.Second)}}
	port := 587
	switch u.Scheme {
	case "smtp":
		switch q.Get("tls") {
		case "", "opportunistic":
			s.opts = append(s.opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
		case "required":
			s.opts = append(s.opts, mail.WithTLSPolicy(mail.TLSMandatory))
		case "none":
			s.opts = append(s.opts, mail.WithTLSPolicy(mail.NoTLS))
		default:
			return nil, fmt.Errorf("smtp url: tls must be opportunistic, required or none")
		}
	case "smtps":
		port = 465
		s.opts = append(s.opts, mail.WithSSL())
	default:
		return nil, fmt.Errorf("smtp url: scheme must be smtp or smtps, not %q", u.Scheme)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, errors.New("smtp url: bad port")
		}
		port = n
	}
	s.opts = append(s.opts, mail.WithPort(port))
	if u.User != nil && u.User.Username() != "" {
		pw, _ := u.User.Password()
		s.opts = append(s.opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(u.User.Username()), mail.WithPassword(pw))
	}
	return s, nil
}

// Send delivers one email.
func (s *SMTP) Send(ctx context.Context, e provider.Email) error {
	m := mail.NewMsg()
	if err := m.From(s.from); err != nil {
		return fmt.Errorf("from address: %w", err)
	}
	if err := m.To(e.To); err != nil {
		return fmt.Errorf("recipient address: %w", err)
	}
	m.Subject(e.Subject)
	m.SetDate()
	m.SetBodyString(mail.TypeTextPlain, e.Body)
	c, err := mail.NewClient(s.host, s.opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, m)
}
