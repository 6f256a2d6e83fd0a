package notify

import (
	"context"
	"log/slog"
	"time"

	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/provider"
	"github.com/fpgo/fpgo/internal/store"
)

// Loop sends queued email.
type Loop struct {
	Store  store.Store
	Clock  clock.Clock
	Sender provider.EmailSender
	Log    *slog.Logger

	Interval time.Duration // how often to look for unsent email (default 2s)
	// Lease is how long a claimed email is reserved for this node; a node that dies mid-send
	// leaves it to be sent again after the lease (so delivery is at least once, and exactly once
	// unless a node dies between the SMTP server accepting and the mark being stored).
	Lease time.Duration // default 1 minute
	// MaxAge keeps the loop from sending old messages when SMTP is configured on a database
	// that already holds a sandbox's outbox: only email queued within MaxAge is sent.
	MaxAge      time.Duration // default 24 hours
	MaxAttempts int           // default 10
	RetryAfter  time.Duration // default 2 minutes
	Batch       int           // default 20
}

func (l *Loop) defaults() {
	if l.Interval <= 0 {
		l.Interval = 2 * time.Second
	}
	if l.Lease <= 0 {
		l.Lease = time.Minute
	}
	if l.MaxAge <= 0 {
		l.MaxAge = 24 * time.Hour
	}
	if l.MaxAttempts <= 0 {
		l.MaxAttempts = 10
	}
	if l.RetryAfter <= 0 {
		l.RetryAfter = 2 * time.Minute
	}
	if l.Batch <= 0 {
		l.Batch = 20
	}
	if l.Log == nil {
		l.Log = slog.New(slog.DiscardHandler)
	}
}

// Run sends email until ctx ends.
func (l *Loop) Run(ctx context.Context) {
	l.defaults()
	t := time.NewTicker(l.Interval)
	defer t.Stop()
	for {
		if _, err := l.Tick(ctx); err != nil && ctx.Err() == nil {
			l.Log.Warn("email delivery", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Tick sends one batch of unsent email and reports how many were sent.
func (l *Loop) Tick(ctx context.Context) (int, error) {
	l.defaults()
	now := l.Clock.Now()
	var batch []domain.Message
	if err := l.Store.Write(ctx, func(tx store.Tx) error {
		var err error
		batch, err = tx.ClaimUnsentEmails(now, l.Lease, now.Add(-l.MaxAge), l.MaxAttempts, l.Batch)
		return err
	}); err != nil {
		return 0, err
	}
	sent := 0
	for _, m := range batch {
		sctx, cancel := context.WithTimeout(ctx, l.Lease/2)
		err := l.Sender.Send(sctx, provider.Email{To: m.To, Subject: m.Subject, Body: m.Body})
		cancel()
		// The recipient's address is personal data: log the message id and order only.
		if err != nil {
			l.Log.Warn("email not sent; will retry", "message", m.ID, "order", m.OrderUUID, "err", err)
			if werr := l.Store.Write(ctx, func(tx store.Tx) error {
				return tx.MarkMessageFailed(m.ID, err.Error(), l.Clock.Now().Add(l.RetryAfter))
			}); werr != nil {
				return sent, werr
			}
			continue
		}
		if err := l.Store.Write(ctx, func(tx store.Tx) error { return tx.MarkMessageSent(m.ID, l.Clock.Now()) }); err != nil {
			return sent, err
		}
		sent++
		l.Log.Info("email sent", "message", m.ID, "order", m.OrderUUID)
	}
	return sent, nil
}
