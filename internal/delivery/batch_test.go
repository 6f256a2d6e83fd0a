package delivery_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/delivery"
	"github.com/fpgo/fpgo/internal/store"
)

// writeLog is what one committed write of the worker did, in order.
type writeLog struct {
	ops []string // "record <id>" and "claim <id>"
}

func (l *writeLog) has(op string) int { return slices.Index(l.ops, op) }

// spyStore passes everything to the real store and logs the callback operations of every
// committed write. fail, if set, makes recording that event's attempt fail.
type spyStore struct {
	store.Store
	mu     sync.Mutex
	writes []writeLog
	fail   int64
}

type spyTx struct {
	store.Tx
	s   *spyStore
	log *writeLog
}

func (s *spyStore) Write(ctx context.Context, fn func(store.Tx) error) error {
	var l writeLog
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		l = writeLog{}
		return fn(spyTx{Tx: tx, s: s, log: &l})
	})
	if err == nil && len(l.ops) > 0 {
		s.mu.Lock()
		s.writes = append(s.writes, l)
		s.mu.Unlock()
	}
	return err
}

func (s *spyStore) log() []writeLog {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.writes)
}

func (t spyTx) RecordCallbackAttempt(a *store.CallbackAttempt, lockedUntil time.Time) (bool, error) {
	if t.s.fail != 0 && a.EventID == t.s.fail {
		return false, errors.New("disk on fire")
	}
	t.log.ops = append(t.log.ops, "record "+itoa(a.EventID))
	return t.Tx.RecordCallbackAttempt(a, lockedUntil)
}

func (t spyTx) ClaimCallbacks(now time.Time, lease time.Duration, limit int) ([]store.CallbackDelivery, error) {
	ds, err := t.Tx.ClaimCallbacks(now, lease, limit)
	for _, d := range ds {
		t.log.ops = append(t.log.ops, "claim "+itoa(d.ID))
	}
	return ds, err
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Attempts that finish together are recorded in one write, not one write each.
func TestOutcomesOfABatchAreRecordedInOneWrite(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, e.secret, nil)
	var uuids []string
	for range 3 {
		u := e.order(rc.srv.URL + "/cb")
		e.cancel(u)
		uuids = append(uuids, u)
	}
	spy := &spyStore{Store: e.db}
	w := delivery.New(delivery.Config{Store: spy, Clock: e.clock, Log: e.log})
	if n := e.runOnce(w); n != 3 {
		t.Fatalf("attempted %d, want 3", n)
	}
	writes := spy.log()
	if len(writes) != 2 {
		t.Fatalf("the worker made %d writes %v, want 2: the claim, then the three outcomes", len(writes), writes)
	}
	if got := len(writes[1].ops); got != 3 || !strings.HasPrefix(writes[1].ops[0], "record ") {
		t.Fatalf("second write = %v, want the three outcomes", writes[1].ops)
	}
	for _, u := range uuids {
		if l := e.callbacks(u)[0]; l.State != store.CallbackDelivered || len(l.Attempts) != 1 {
			t.Fatalf("callback %d: %s with %d attempts", l.ID, l.State, len(l.Attempts))
		}
	}
}

// The loop records a delivered callback and claims the next one of its order in the same write.
func TestRunLoopClaimsTheSuccessorWhereItRecordsItsPredecessor(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Now())
	e.app.Clock = clock.Real{}
	rc := newReceiver(t, e.secret, nil)
	uuid := e.order(rc.srv.URL + "/cb")
	e.pay(uuid)
	e.refund(uuid, 10_00)
	spy := &spyStore{Store: e.db}
	w := delivery.New(delivery.Config{Store: spy, Clock: clock.Real{}, Log: e.log, PollInterval: 10 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		logs := e.callbacks(uuid)
		if len(logs) == 2 && logs[0].State == store.CallbackDelivered && logs[1].State == store.CallbackDelivered {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not delivered: %+v", logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	logs := e.callbacks(uuid)
	paid, refund := itoa(logs[0].ID), itoa(logs[1].ID)
	for _, wl := range spy.log() {
		if r, c := wl.has("record "+paid), wl.has("claim "+refund); r >= 0 && c > r {
			return
		}
	}
	t.Fatalf("no write records %s and then claims %s: %v", paid, refund, spy.log())
}

// One outcome that cannot be recorded does not keep the others of its batch from being recorded.
func TestAnUnrecordableOutcomeDoesNotHoldBackTheOthers(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, e.secret, nil)
	var uuids []string
	for range 3 {
		u := e.order(rc.srv.URL + "/cb")
		e.cancel(u)
		uuids = append(uuids, u)
	}
	poisoned := e.callbacks(uuids[1])[0].ID
	spy := &spyStore{Store: e.db, fail: poisoned}
	w := delivery.New(delivery.Config{Store: spy, Clock: e.clock, Log: e.log})
	if n := e.runOnce(w); n != 3 {
		t.Fatalf("attempted %d, want 3", n)
	}
	for i, u := range uuids {
		l := e.callbacks(u)[0]
		if i == 1 {
			// Still leased and pending: it is attempted again when the lease runs out.
			if l.State != store.CallbackPending || len(l.Attempts) != 0 || l.LockedUntil.IsZero() {
				t.Fatalf("the unrecordable callback: %s, %d attempts, lease %v", l.State, len(l.Attempts), l.LockedUntil)
			}
			continue
		}
		if l.State != store.CallbackDelivered || len(l.Attempts) != 1 {
			t.Fatalf("callback %d: %s with %d attempts", l.ID, l.State, len(l.Attempts))
		}
	}
	if !strings.Contains(e.logText(), "callback attempt not recorded") {
		t.Fatal("the unrecorded attempt is not logged")
	}
}
