package storetest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/store"
)

// deliveryCases test the callback queue: claims with leases, per-subject order, the attempt log,
// listing and replays.
var deliveryCases = []struct {
	name string
	fn   func(t *testing.T, s store.Store)
}{
	{"CallbackClaimLeaseAndOrder", testClaimLeaseAndOrder},
	{"CallbackRetryScheduleHoldsBackLaterOnes", testClaimRetrySchedule},
	{"CallbackFailedDoesNotBlock", testFailedDoesNotBlock},
	{"CallbackStaleLeaseCannotRecord", testStaleLease},
	{"CallbackAttemptLogAndList", testAttemptLogAndList},
	{"CallbackRequeue", testRequeue},
	{"CallbackConcurrentClaimsNeverShareALease", testConcurrentClaims},
	{"CallbackClaimRolledBackLeavesNoLease", testClaimRollback},
	{"CallbackHeldBackOnesAreParkedAtTheRetry", testParkedBehindARetry},
	{"CallbackRequeueBringsParkedOnesForward", testRequeueUnparks},
}

const lease = 30 * time.Second

func enqueue(t *testing.T, s store.Store, org, subject, status string) int64 {
	t.Helper()
	e := &domain.CallbackEvent{OrgID: org, Kind: "order", SubjectUUID: subject, Status: status, PaymentMethod: "visa", Amount: "4690",
		SubjectAt: t0.Add(-time.Hour), URL: "https://shop.example/cb?ref=" + subject, CreatedAt: t0}
	write(t, s, func(tx store.Tx) error { return tx.EnqueueCallback(e) })
	return e.ID
}

func claim(t *testing.T, s store.Store, now time.Time, limit int) []store.CallbackDelivery {
	t.Helper()
	var out []store.CallbackDelivery
	write(t, s, func(tx store.Tx) error {
		var err error
		out, err = tx.ClaimCallbacks(now, lease, limit)
		return err
	})
	return out
}

func claimedIDs(ds []store.CallbackDelivery) []int64 {
	ids := []int64{}
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	return ids
}

func sameIDs(got []store.CallbackDelivery, want ...int64) bool {
	ids := claimedIDs(got)
	if len(ids) != len(want) {
		return false
	}
	for i := range ids {
		if ids[i] != want[i] {
			return false
		}
	}
	return true
}

func record(t *testing.T, s store.Store, d store.CallbackDelivery, at time.Time, outcome string, code int, next *time.Time) bool {
	t.Helper()
	var ok bool
	write(t, s, func(tx store.Tx) error {
		var err error
		ok, err = tx.RecordCallbackAttempt(&store.CallbackAttempt{EventID: d.ID, OrgID: d.OrgID, Attempt: d.Attempts, AttemptedAt: at,
			URL: d.URL + "&checksum=x", StatusCode: code, Latency: 12 * time.Millisecond, Error: errText(outcome, code), Outcome: outcome,
			NextAttemptAt: next}, d.LockedUntil)
		return err
	})
	return ok
}

func errText(outcome string, code int) string {
	if outcome == store.CallbackDelivered {
		return ""
	}
	return fmt.Sprintf("HTTP %d", code)
}

func hasDue(t *testing.T, s store.Store, now time.Time) bool {
	t.Helper()
	var due bool
	read(t, s, func(tx store.Tx) error {
		var err error
		due, err = tx.HasDueCallbacks(now)
		return err
	})
	return due
}

func testClaimLeaseAndOrder(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	merchant(t, s, "ORG2")
	e1 := enqueue(t, s, "ORG1", "ODR1", "PAID")
	e2 := enqueue(t, s, "ORG1", "ODR1", "REFUNDED")
	e3 := enqueue(t, s, "ORG1", "ODR2", "CANCELLED")
	e4 := enqueue(t, s, "ORG2", "ODR1", "PAID") // same subject id, other merchant: not held back

	if hasDue(t, s, t0.Add(-time.Second)) {
		t.Fatal("nothing is due before the events were written")
	}
	if got := claim(t, s, t0.Add(-time.Second), 10); len(got) != 0 {
		t.Fatalf("claimed before due: %v", claimedIDs(got))
	}
	if !hasDue(t, s, t0) {
		t.Fatal("HasDueCallbacks = false with due events")
	}
	got := claim(t, s, t0, 10)
	if !sameIDs(got, e1, e3, e4) {
		t.Fatalf("first claim = %v, want [%d %d %d] (%d waits for %d)", claimedIDs(got), e1, e3, e4, e2, e1)
	}
	d := got[0]
	if d.OrgID != "ORG1" || d.SubjectUUID != "ODR1" || d.Status != "PAID" || d.PaymentMethod != "visa" || d.Amount != "4690" ||
		!d.SubjectAt.Equal(t0.Add(-time.Hour)) || d.URL != "https://shop.example/cb?ref=ODR1" || !d.CreatedAt.Equal(t0) ||
		d.State != store.CallbackPending || d.Attempts != 1 || !d.LockedUntil.Equal(t0.Add(lease)) || !d.RetryFrom.Equal(t0) {
		t.Fatalf("claimed delivery = %+v", d)
	}
	// Leased: nobody else gets them until the lease ends.
	if got := claim(t, s, t0.Add(lease-time.Second), 10); len(got) != 0 {
		t.Fatalf("claimed under a live lease: %v", claimedIDs(got))
	}
	if hasDue(t, s, t0.Add(lease-time.Second)) {
		t.Fatal("HasDueCallbacks under a live lease")
	}
	// A worker that died: its lease runs out and the callbacks are claimed again.
	again := claim(t, s, t0.Add(lease), 2)
	if !sameIDs(again, e1, e3) || again[0].Attempts != 2 {
		t.Fatalf("after lease expiry = %+v, want %d and %d on their 2nd attempt", again, e1, e3)
	}
	if !record(t, s, again[0], t0.Add(lease), store.CallbackDelivered, 200, nil) {
		t.Fatal("record with the current lease was refused")
	}
	// e1 delivered: e2 is now the head of ODR1.
	next := claim(t, s, t0.Add(lease), 10)
	if !sameIDs(next, e2, e4) {
		t.Fatalf("after delivery = %v, want [%d %d]", claimedIDs(next), e2, e4)
	}
}

func testClaimRetrySchedule(t *testing.T, s store.Store) {
	e1, e2, retryAt := firstOfOrderRetrying(t, s, 204)
	// Before its retry time e1 is not due, and it still holds back e2.
	if got := claim(t, s, retryAt.Add(-time.Millisecond), 10); len(got) != 0 {
		t.Fatalf("claimed before the retry time: %v", claimedIDs(got))
	}
	got := claim(t, s, retryAt, 10)
	if !sameIDs(got, e1) || got[0].Attempts != 2 || got[0].LastStatusCode != 503 || got[0].LastError != "HTTP 503" {
		t.Fatalf("retry claim = %+v", got)
	}
	if !record(t, s, got[0], retryAt, store.CallbackDelivered, 200, nil) {
		t.Fatal("record refused")
	}
	if got := claim(t, s, retryAt, 10); !sameIDs(got, e2) || got[0].Attempts != 1 {
		t.Fatalf("after e1 delivered = %+v, want e2", got)
	}
}

func testFailedDoesNotBlock(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	e1 := enqueue(t, s, "ORG1", "ODR1", "PAID")
	e2 := enqueue(t, s, "ORG1", "ODR1", "REFUNDED")
	got := claim(t, s, t0, 10)
	if !record(t, s, got[0], t0, store.CallbackFailed, 500, nil) {
		t.Fatal("record refused")
	}
	if got := claim(t, s, t0, 10); !sameIDs(got, e2) {
		t.Fatalf("after %d failed = %v, want [%d]", e1, claimedIDs(got), e2)
	}
	read(t, s, func(tx store.Tx) error {
		d, err := tx.CallbackByID("ORG1", e1)
		if err != nil {
			return err
		}
		if d.State != store.CallbackFailed || d.DeliveredAt != nil || !d.LockedUntil.IsZero() {
			return fmt.Errorf("failed event = %+v", d)
		}
		return nil
	})
}

func testStaleLease(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	e1 := enqueue(t, s, "ORG1", "ODR1", "PAID")
	first := claim(t, s, t0, 1)
	// The first worker stalls past its lease; a second one claims and delivers.
	second := claim(t, s, t0.Add(lease), 1)
	if !sameIDs(first, e1) || !sameIDs(second, e1) {
		t.Fatalf("claims %v %v", claimedIDs(first), claimedIDs(second))
	}
	retry := t0.Add(time.Hour)
	if record(t, s, first[0], t0.Add(lease), store.CallbackPending, 500, &retry) {
		t.Fatal("a worker whose lease expired changed the event")
	}
	if !record(t, s, second[0], t0.Add(lease), store.CallbackDelivered, 200, nil) {
		t.Fatal("current lease refused")
	}
	read(t, s, func(tx store.Tx) error {
		d, err := tx.CallbackByID("", e1)
		if err != nil {
			return err
		}
		if d.State != store.CallbackDelivered || d.DeliveredAt == nil || !d.DeliveredAt.Equal(t0.Add(lease)) || d.LastStatusCode != 200 {
			return fmt.Errorf("event = %+v", d)
		}
		atts, err := tx.CallbackAttempts([]int64{e1})
		if err != nil {
			return err
		}
		if len(atts[e1]) != 2 {
			return fmt.Errorf("both attempts must be logged, got %+v", atts[e1])
		}
		return nil
	})
}

func testAttemptLogAndList(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	merchant(t, s, "ORG2")
	e1 := enqueue(t, s, "ORG1", "ODR1", "PAID")
	e2 := enqueue(t, s, "ORG1", "ODR2", "PAID")
	e3 := enqueue(t, s, "ORG2", "ODR3", "PAID")
	got := claim(t, s, t0, 10)
	retry := t0.Add(30 * time.Second)
	record(t, s, got[0], t0, store.CallbackPending, 302, &retry)
	record(t, s, got[1], t0, store.CallbackDelivered, 200, nil)
	got = claim(t, s, retry, 10)
	if !sameIDs(got, e1, e3) {
		t.Fatalf("claim = %v", claimedIDs(got))
	}
	record(t, s, got[0], retry, store.CallbackDelivered, 200, nil)

	read(t, s, func(tx store.Tx) error {
		atts, err := tx.CallbackAttempts([]int64{e1, e2, e3, 999999})
		if err != nil {
			return err
		}
		a := atts[e1]
		if len(a) != 2 || len(atts[e2]) != 1 || len(atts[e3]) != 0 {
			return fmt.Errorf("attempts = %+v", atts)
		}
		if a[0].Attempt != 1 || a[0].StatusCode != 302 || a[0].Outcome != store.CallbackPending || a[0].Error != "HTTP 302" ||
			a[0].NextAttemptAt == nil || !a[0].NextAttemptAt.Equal(retry) || a[0].Latency != 12*time.Millisecond ||
			!a[0].AttemptedAt.Equal(t0) || a[0].URL != "https://shop.example/cb?ref=ODR1&checksum=x" || a[0].OrgID != "ORG1" {
			return fmt.Errorf("first attempt = %+v", a[0])
		}
		if a[1].Attempt != 2 || a[1].Outcome != store.CallbackDelivered || a[1].NextAttemptAt != nil || a[1].Error != "" {
			return fmt.Errorf("second attempt = %+v", a[1])
		}

		for _, c := range []struct {
			f    store.CallbackFilter
			want []int64
		}{
			{store.CallbackFilter{}, []int64{e1, e2, e3}},
			{store.CallbackFilter{OrgIDs: []string{"ORG1"}}, []int64{e1, e2}},
			{store.CallbackFilter{OrgIDs: []string{"ORG2", "ORG1"}, SubjectUUIDs: []string{"ODR2", "ODR3"}}, []int64{e2, e3}},
			{store.CallbackFilter{State: store.CallbackPending}, []int64{e3}},
			{store.CallbackFilter{State: store.CallbackDelivered, OrgIDs: []string{"ORG1"}}, []int64{e1, e2}},
			{store.CallbackFilter{AfterID: e1, Limit: 1}, []int64{e2}},
			{store.CallbackFilter{OrgIDs: []string{"ORG404"}}, []int64{}},
		} {
			ds, err := tx.ListCallbacks(c.f)
			if err != nil {
				return err
			}
			if !sameIDs(ds, c.want...) {
				return fmt.Errorf("ListCallbacks(%+v) = %v, want %v", c.f, claimedIDs(ds), c.want)
			}
		}
		if _, err := tx.CallbackByID("ORG2", e1); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("another merchant's callback: err = %v, want ErrNotFound", err)
		}
		if d, err := tx.CallbackByID("ORG1", e1); err != nil || d.State != store.CallbackDelivered || d.Attempts != 2 {
			return fmt.Errorf("CallbackByID = %+v, %v", d, err)
		}
		return nil
	})
}

func testRequeue(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	merchant(t, s, "ORG2")
	e1 := enqueue(t, s, "ORG1", "ODR1", "PAID")
	e2 := enqueue(t, s, "ORG1", "ODR2", "PAID")
	got := claim(t, s, t0, 10)
	record(t, s, got[0], t0, store.CallbackDelivered, 200, nil)
	later := t0.Add(time.Hour)
	record(t, s, got[1], t0, store.CallbackPending, 500, &later)

	replayAt := t0.Add(2 * time.Minute)
	requeue := func(org string, id int64) (*store.CallbackDelivery, error) {
		var d *store.CallbackDelivery
		err := s.Write(context.Background(), func(tx store.Tx) error {
			var err error
			d, err = tx.RequeueCallback(org, id, replayAt)
			return err
		})
		return d, err
	}
	if _, err := requeue("ORG2", e1); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("requeue of another merchant's callback: %v", err)
	}
	if _, err := requeue("", 424242); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("requeue of an unknown callback: %v", err)
	}
	d, err := requeue("ORG1", e1)
	must(t, err)
	if d.State != store.CallbackPending || d.Attempts != 0 || !d.NextAttemptAt.Equal(replayAt) || !d.RetryFrom.Equal(replayAt) ||
		d.Replays != 1 || d.DeliveredAt == nil {
		t.Fatalf("requeued delivered callback = %+v", d)
	}
	// A pending one is only brought forward.
	d, err = requeue("", e2)
	must(t, err)
	if d.State != store.CallbackPending || d.Attempts != 1 || !d.NextAttemptAt.Equal(replayAt) || d.Replays != 0 || !d.RetryFrom.Equal(t0) {
		t.Fatalf("requeued pending callback = %+v", d)
	}
	got = claim(t, s, replayAt, 10)
	if !sameIDs(got, e1, e2) || got[0].Attempts != 1 || got[1].Attempts != 2 {
		t.Fatalf("claim after requeue = %+v", got)
	}
}

func testConcurrentClaims(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	heads := map[int64]bool{}
	write(t, s, func(tx store.Tx) error {
		for i := range 60 {
			subject := fmt.Sprintf("ODR%d", i%40) // 40 subjects, 20 of them with a second event
			e := &domain.CallbackEvent{OrgID: "ORG1", Kind: "order", SubjectUUID: subject, Status: "PAID", Amount: "1",
				SubjectAt: t0, URL: "https://shop.example/cb", CreatedAt: t0}
			if err := tx.EnqueueCallback(e); err != nil {
				return err
			}
			if i < 40 {
				heads[e.ID] = true
			}
		}
		return nil
	})
	var (
		mu      sync.Mutex
		claimed []int64
		wg      sync.WaitGroup
		errs    = make(chan error, 8)
	)
	for range 8 {
		wg.Go(func() {
			for {
				var ds []store.CallbackDelivery
				err := s.Write(context.Background(), func(tx store.Tx) error {
					var err error
					ds, err = tx.ClaimCallbacks(t0, lease, 3)
					return err
				})
				if err != nil {
					errs <- err
					return
				}
				if len(ds) == 0 {
					return
				}
				mu.Lock()
				claimed = append(claimed, claimedIDs(ds)...)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	sort.Slice(claimed, func(i, j int) bool { return claimed[i] < claimed[j] })
	if len(claimed) != len(heads) {
		t.Fatalf("claimed %d callbacks, want the %d heads: %v", len(claimed), len(heads), claimed)
	}
	for i, id := range claimed {
		if i > 0 && claimed[i-1] == id {
			t.Fatalf("callback %d leased twice", id)
		}
		if !heads[id] {
			t.Fatalf("callback %d claimed while an earlier one of its order was pending", id)
		}
	}
}

func testClaimRollback(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	e1 := enqueue(t, s, "ORG1", "ODR1", "PAID")
	boom := errors.New("boom")
	err := s.Write(context.Background(), func(tx store.Tx) error {
		if _, err := tx.ClaimCallbacks(t0, lease, 10); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if got := claim(t, s, t0, 10); !sameIDs(got, e1) || got[0].Attempts != 1 {
		t.Fatalf("after a rolled-back claim = %+v", got)
	}
}

func callbackByID(t *testing.T, s store.Store, id int64) *store.CallbackDelivery {
	t.Helper()
	var d *store.CallbackDelivery
	read(t, s, func(tx store.Tx) error {
		var err error
		d, err = tx.CallbackByID("", id)
		return err
	})
	return d
}

// A callback held back by a retrying one of its order waits for that one's retry time (its
// next_attempt_at is moved up), whether it was enqueued before or during the wait: the claim
// then does not step over it while the first one waits. Order and schedule are unchanged.
func testParkedBehindARetry(t *testing.T, s store.Store) {
	e1, e2, retryAt := firstOfOrderRetrying(t, s, 200)
	if d := callbackByID(t, s, e2); !d.NextAttemptAt.Equal(retryAt) || d.Attempts != 0 || d.State != store.CallbackPending {
		t.Fatalf("held-back callback = %+v, want it due at %s", d, retryAt)
	}
	// Enqueued while e1 waits: parked too. Another order's is not.
	e4 := enqueue(t, s, "ORG1", "ODR1", "CANCELLED")
	e5 := enqueue(t, s, "ORG1", "ODR3", "PAID")
	if d := callbackByID(t, s, e4); !d.NextAttemptAt.Equal(retryAt) {
		t.Fatalf("callback enqueued behind a retry = %+v, want it due at %s", d, retryAt)
	}
	if d := callbackByID(t, s, e5); !d.NextAttemptAt.Equal(t0) {
		t.Fatalf("callback of another order = %+v, want it due at %s", d, t0)
	}
	if got := claim(t, s, retryAt.Add(-time.Millisecond), 10); !sameIDs(got, e5) || !record(t, s, got[0], t0, store.CallbackDelivered, 200, nil) {
		t.Fatalf("before the retry = %v, want [%d]", claimedIDs(got), e5)
	}
	// A second failure parks them at the next retry.
	got := claim(t, s, retryAt, 10)
	if !sameIDs(got, e1) || got[0].Attempts != 2 {
		t.Fatalf("retry claim = %+v", got)
	}
	retry2 := retryAt.Add(30 * time.Second)
	if !record(t, s, got[0], retryAt, store.CallbackPending, 503, &retry2) {
		t.Fatal("record refused")
	}
	for _, id := range []int64{e2, e4} {
		if d := callbackByID(t, s, id); !d.NextAttemptAt.Equal(retry2) {
			t.Fatalf("callback %d = %+v, want it due at %s", id, d, retry2)
		}
	}
	// Delivered at its retry: the next one goes at once, then the one after it, in order.
	got = claim(t, s, retry2, 10)
	if !sameIDs(got, e1) {
		t.Fatalf("second retry claim = %v", claimedIDs(got))
	}
	if !record(t, s, got[0], retry2, store.CallbackDelivered, 200, nil) {
		t.Fatal("record refused")
	}
	got = claim(t, s, retry2, 10)
	if !sameIDs(got, e2) || got[0].Attempts != 1 {
		t.Fatalf("after e1 delivered = %+v, want e2 on its first attempt", got)
	}
	if !record(t, s, got[0], retry2, store.CallbackDelivered, 200, nil) {
		t.Fatal("record refused")
	}
	if got := claim(t, s, retry2, 10); !sameIDs(got, e4) {
		t.Fatalf("after e2 delivered = %v, want [%d]", claimedIDs(got), e4)
	}
}

// Bringing a retrying callback forward brings the ones parked behind it along; one with a
// schedule of its own keeps it.
func testRequeueUnparks(t *testing.T, s store.Store) {
	merchant(t, s, "ORG1")
	e1 := enqueue(t, s, "ORG1", "ODR1", "PAID")
	e2 := enqueue(t, s, "ORG1", "ODR1", "REFUNDED")
	got := claim(t, s, t0, 10)
	later := t0.Add(time.Hour)
	if !sameIDs(got, e1) || !record(t, s, got[0], t0, store.CallbackPending, 500, &later) {
		t.Fatalf("claim = %v", claimedIDs(got))
	}
	if d := callbackByID(t, s, e2); !d.NextAttemptAt.Equal(later) {
		t.Fatalf("held-back callback = %+v, want it parked at %s", d, later)
	}
	now := t0.Add(time.Minute)
	write(t, s, func(tx store.Tx) error {
		_, err := tx.RequeueCallback("ORG1", e1, now)
		return err
	})
	if d := callbackByID(t, s, e2); !d.NextAttemptAt.Equal(now) {
		t.Fatalf("after the requeue of %d: %+v, want it due at %s", e1, d, now)
	}
	got = claim(t, s, now, 10)
	if !sameIDs(got, e1) || !record(t, s, got[0], now, store.CallbackDelivered, 200, nil) {
		t.Fatalf("claim after requeue = %v", claimedIDs(got))
	}
	if got = claim(t, s, now, 10); !sameIDs(got, e2) {
		t.Fatalf("after %d delivered = %v, want [%d] at once", e1, claimedIDs(got), e2)
	}
	if !record(t, s, got[0], now, store.CallbackDelivered, 200, nil) {
		t.Fatal("record refused")
	}

	// f2 fails on its own (retry in 10 min), then a replay of the delivered f1 holds it back; f1
	// fails too (retry in 5 min). Bringing f1 forward leaves f2's own retry alone.
	f1 := enqueue(t, s, "ORG1", "ODR2", "PAID")
	f2 := enqueue(t, s, "ORG1", "ODR2", "REFUNDED")
	if got := claim(t, s, now, 10); !sameIDs(got, f1) || !record(t, s, got[0], now, store.CallbackDelivered, 200, nil) {
		t.Fatalf("claim = %v", claimedIDs(got))
	}
	own := now.Add(10 * time.Minute)
	if got := claim(t, s, now, 10); !sameIDs(got, f2) || !record(t, s, got[0], now, store.CallbackPending, 500, &own) {
		t.Fatalf("claim = %v", claimedIDs(got))
	}
	write(t, s, func(tx store.Tx) error {
		_, err := tx.RequeueCallback("", f1, now)
		return err
	})
	f1retry := now.Add(5 * time.Minute)
	if got := claim(t, s, now, 10); !sameIDs(got, f1) || !record(t, s, got[0], now, store.CallbackPending, 500, &f1retry) {
		t.Fatalf("claim of the replay = %v", claimedIDs(got))
	}
	write(t, s, func(tx store.Tx) error {
		_, err := tx.RequeueCallback("", f1, now.Add(time.Minute))
		return err
	})
	if d := callbackByID(t, s, f2); !d.NextAttemptAt.Equal(own) || d.Attempts != 1 {
		t.Fatalf("callback with a retry of its own = %+v, want it still due at %s", d, own)
	}
}

// firstOfOrderRetrying enqueues PAID and REFUNDED for ODR1 and PAID for ODR2, claims the two
// heads, records ODR1's PAID as failed (retry at t0+10s) and ODR2's as delivered with
// deliveredCode. ODR1's REFUNDED is then held back behind a retrying callback.
func firstOfOrderRetrying(t *testing.T, s store.Store, deliveredCode int) (e1, e2 int64, retryAt time.Time) {
	t.Helper()
	merchant(t, s, "ORG1")
	e1 = enqueue(t, s, "ORG1", "ODR1", "PAID")
	e2 = enqueue(t, s, "ORG1", "ODR1", "REFUNDED")
	e3 := enqueue(t, s, "ORG1", "ODR2", "PAID")
	got := claim(t, s, t0, 10)
	if !sameIDs(got, e1, e3) {
		t.Fatalf("claim = %v", claimedIDs(got))
	}
	retryAt = t0.Add(10 * time.Second)
	if !record(t, s, got[0], t0, store.CallbackPending, 503, &retryAt) {
		t.Fatal("record refused")
	}
	if !record(t, s, got[1], t0, store.CallbackDelivered, deliveredCode, nil) {
		t.Fatal("record refused")
	}
	return e1, e2, retryAt
}
