package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/store"
)

// checkoutCases test what the customer's payment journey stores: orders found without a
// merchant, payment attempts (one processing at a time), checkout sessions and email delivery.
var checkoutCases = []struct {
	name string
	fn   func(t *testing.T, s store.Store)
}{
	{"CheckoutOrderByUUIDAnyOrg", testOrderAnyOrg},
	{"CheckoutOneProcessingAttemptPerOrder", testAttempts},
	{"CheckoutConcurrentClaimsOneWins", testConcurrentAttempts},
	{"CheckoutSessions", testCheckoutSessions},
	{"CheckoutEmailClaimsLeaseAndMark", testEmailClaims},
}

func testOrderAnyOrg(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	merchant(t, s, "ORG2")
	write(t, s, func(tx store.Tx) error { return tx.InsertOrder(order("ORG2", "ODR2")) })
	read(t, s, func(tx store.Tx) error {
		o, err := tx.OrderByUUIDAnyOrg("ODR2", false)
		if err != nil {
			return err
		}
		if o.OrgID != "ORG2" || len(o.Lines) != 2 || o.Summary.GrandTotal != 4690_00 {
			return fmt.Errorf("got %+v", o)
		}
		if _, err := tx.OrderByUUIDAnyOrg("ODR404", false); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("missing order: err = %v", err)
		}
		return nil
	})
	write(t, s, func(tx store.Tx) error {
		_, err := tx.OrderByUUIDAnyOrg("ODR2", true)
		return err
	})
}

func attempt(id, org, order, state string, at time.Time) *store.PaymentAttempt {
	return &store.PaymentAttempt{ID: id, OrgID: org, OrderUUID: order, Method: "visa", State: state, Source: "checkout", CreatedAt: at, UpdatedAt: at}
}

func testAttempts(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	merchant(t, s, "ORG2")
	write(t, s, func(tx store.Tx) error { return tx.InsertOrder(order("ORG1", "ODR1")) })
	write(t, s, func(tx store.Tx) error {
		return tx.InsertPaymentAttempt(attempt("PAY1", "ORG1", "ODR1", store.AttemptProcessing, t0))
	})
	write(t, s, func(tx store.Tx) error {
		if err := tx.InsertPaymentAttempt(attempt("PAY1", "ORG1", "ODR1", store.AttemptDeclined, t0)); !errors.Is(err, store.ErrDuplicate) {
			return fmt.Errorf("same id: err = %v", err)
		}
		return nil
	})
	write(t, s, func(tx store.Tx) error {
		if err := tx.InsertPaymentAttempt(attempt("PAY2", "ORG1", "ODR1", store.AttemptProcessing, t0)); !errors.Is(err, store.ErrDuplicate) {
			return fmt.Errorf("second processing attempt: err = %v", err)
		}
		return nil
	})
	// Finished attempts do not block new ones.
	write(t, s, func(tx store.Tx) error {
		a, err := tx.PaymentAttempt("ORG1", "PAY1")
		if err != nil {
			return err
		}
		a.State, a.Reason, a.CardBrand, a.CardLast4, a.Token, a.UpdatedAt = store.AttemptDeclined, "declined", "visa", "0002", "", t0.Add(time.Second)
		if err := tx.UpdatePaymentAttempt(a); err != nil {
			return err
		}
		return tx.InsertPaymentAttempt(attempt("PAY2", "ORG1", "ODR1", store.AttemptProcessing, t0.Add(2*time.Second)))
	})
	read(t, s, func(tx store.Tx) error {
		list, err := tx.PaymentAttempts("ORG1", "ODR1")
		if err != nil {
			return err
		}
		if len(list) != 2 || list[0].ID != "PAY1" || list[0].State != store.AttemptDeclined || list[0].CardLast4 != "0002" ||
			!list[0].UpdatedAt.Equal(t0.Add(time.Second)) || list[1].ID != "PAY2" {
			return fmt.Errorf("attempts = %+v", list)
		}
		if _, err := tx.PaymentAttempt("ORG2", "PAY1"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("another merchant's attempt: err = %v", err)
		}
		if list, _ := tx.PaymentAttempts("ORG2", "ODR1"); len(list) != 0 {
			return fmt.Errorf("another merchant sees %d attempts", len(list))
		}
		return nil
	})
	write(t, s, func(tx store.Tx) error {
		if err := tx.UpdatePaymentAttempt(attempt("PAY404", "ORG1", "ODR1", store.AttemptFailed, t0)); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("update missing: err = %v", err)
		}
		return nil
	})
}

func testConcurrentAttempts(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	write(t, s, func(tx store.Tx) error { return tx.InsertOrder(order("ORG1", "ODR1")) })
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, dup := 0, 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Write(t.Context(), func(tx store.Tx) error {
				return tx.InsertPaymentAttempt(attempt(fmt.Sprintf("PAY%d", i), "ORG1", "ODR1", store.AttemptProcessing, t0))
			})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, store.ErrDuplicate):
				dup++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if won != 1 || dup != 7 {
		t.Fatalf("won %d, refused %d; want exactly one processing attempt", won, dup)
	}
}

func testCheckoutSessions(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	read(t, s, func(tx store.Tx) error {
		if _, err := tx.CheckoutSession("h1", "ODR1"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("missing session: err = %v", err)
		}
		return nil
	})
	sess := &store.CheckoutSession{TokenHash: "h1", OrgID: "ORG1", OrderUUID: "ODR1", CreatedAt: t0, UpdatedAt: t0}
	write(t, s, func(tx store.Tx) error { return tx.SaveCheckoutSession(sess) })
	at := t0.Add(time.Minute)
	sess.BankIDAt, sess.PersonalNumber, sess.CreditStatus, sess.CreditScore, sess.UpdatedAt = &at, "28*******83", store.CreditApproved, 512, at
	write(t, s, func(tx store.Tx) error { return tx.SaveCheckoutSession(sess) })
	write(t, s, func(tx store.Tx) error {
		return tx.SaveCheckoutSession(&store.CheckoutSession{TokenHash: "h1", OrgID: "ORG1", OrderUUID: "ODR2", CreatedAt: t0, UpdatedAt: t0})
	})
	read(t, s, func(tx store.Tx) error {
		got, err := tx.CheckoutSession("h1", "ODR1")
		if err != nil {
			return err
		}
		if got.BankIDAt == nil || !got.BankIDAt.Equal(at) || got.SignedAt != nil || got.PersonalNumber != "28*******83" ||
			got.CreditStatus != store.CreditApproved || got.CreditScore != 512 || !got.CreatedAt.Equal(t0) || got.OrgID != "ORG1" {
			return fmt.Errorf("session = %+v", got)
		}
		other, err := tx.CheckoutSession("h1", "ODR2")
		if err != nil {
			return err
		}
		if other.BankIDAt != nil {
			return fmt.Errorf("BankID of one order leaked into another: %+v", other)
		}
		return nil
	})
}

func testEmailClaims(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	old := &domain.Message{OrgID: "ORG1", Channel: "email", To: "old@example.no", Subject: "s", Body: "b", OrderUUID: "ODR0", CreatedAt: t0.Add(-48 * time.Hour)}
	sms := &domain.Message{OrgID: "ORG1", Channel: "sms", To: "+4746567468", Body: "b", OrderUUID: "ODR1", CreatedAt: t0}
	mail := &domain.Message{OrgID: "ORG1", Channel: "email", To: "kari@example.no", Subject: "Payment request", Body: "Pay here", OrderUUID: "ODR1", CreatedAt: t0}
	write(t, s, func(tx store.Tx) error {
		for _, m := range []*domain.Message{old, sms, mail} {
			if err := tx.InsertMessage(m); err != nil {
				return err
			}
		}
		return nil
	})
	claim := func(now time.Time) []domain.Message {
		t.Helper()
		var got []domain.Message
		write(t, s, func(tx store.Tx) error {
			var err error
			got, err = tx.ClaimUnsentEmails(now, time.Minute, t0.Add(-24*time.Hour), 3, 10)
			return err
		})
		return got
	}
	got := claim(t0)
	if len(got) != 1 || got[0].ID != mail.ID || got[0].To != "kari@example.no" || got[0].OrgID != "ORG1" || got[0].Subject != "Payment request" {
		t.Fatalf("first claim = %+v; want only the recent email", got)
	}
	if again := claim(t0.Add(30 * time.Second)); len(again) != 0 {
		t.Fatalf("claimed again within the lease: %+v", again)
	}
	write(t, s, func(tx store.Tx) error {
		return tx.MarkMessageFailed(mail.ID, "connection refused", t0.Add(5*time.Minute))
	})
	if again := claim(t0.Add(2 * time.Minute)); len(again) != 0 {
		t.Fatalf("claimed before its retry time: %+v", again)
	}
	if again := claim(t0.Add(6 * time.Minute)); len(again) != 1 {
		t.Fatalf("not claimed after its retry time: %+v", again)
	}
	write(t, s, func(tx store.Tx) error { return tx.MarkMessageSent(mail.ID, t0.Add(6*time.Minute)) })
	if again := claim(t0.Add(time.Hour)); len(again) != 0 {
		t.Fatalf("a sent email was claimed again: %+v", again)
	}
	// A message that keeps failing is given up after maxAttempts claims.
	bad := &domain.Message{OrgID: "ORG1", Channel: "email", To: "bad@example.no", Subject: "s", Body: "b", CreatedAt: t0}
	write(t, s, func(tx store.Tx) error { return tx.InsertMessage(bad) })
	for i := 0; i < 3; i++ {
		if got := claim(t0.Add(time.Duration(2+i) * time.Hour)); len(got) != 1 {
			t.Fatalf("claim %d = %+v", i+1, got)
		}
	}
	if got := claim(t0.Add(10 * time.Hour)); len(got) != 0 {
		t.Fatalf("claimed after %d attempts: %+v", 3, got)
	}
	write(t, s, func(tx store.Tx) error {
		if err := tx.MarkMessageSent(99999, t0); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("mark missing: err = %v", err)
		}
		return nil
	})
}
