package store

import (
	"time"

	"github.com/fpgo/fpgo/internal/domain"
)

// Delivery states of a callback event.
const (
	CallbackPending   = "pending"   // waiting for its next attempt (or being attempted under a lease)
	CallbackDelivered = "delivered" // a 2xx answer was received
	CallbackFailed    = "failed"    // retries used up (or the URL can never be called); replay to try again
)

// CallbackDelivery is a callback event with its delivery state.
type CallbackDelivery struct {
	domain.CallbackEvent
	State          string
	Attempts       int       // attempts claimed in the current retry window (reset by a replay)
	NextAttemptAt  time.Time // when the next attempt is due (meaningful while pending)
	LockedUntil    time.Time // a worker's lease; zero when none
	LastStatusCode int       // HTTP status of the last recorded attempt, 0 for none or no answer
	LastError      string
	DeliveredAt    *time.Time
	RetryFrom      time.Time // start of the current retry window: creation, or the last replay
	Replays        int
}

// CallbackAttempt is one logged delivery attempt.
type CallbackAttempt struct {
	ID          int64
	EventID     int64
	OrgID       string
	Attempt     int // 1-based number within the event's retry window
	AttemptedAt time.Time
	// URL is the signed URL that was called: it carries the checksum, never the secret.
	URL        string
	StatusCode int // 0 when no HTTP answer arrived
	Latency    time.Duration
	Error      string // empty on success
	// Outcome is the state the event moved to: delivered, pending (retry at NextAttemptAt) or failed.
	Outcome       string
	NextAttemptAt *time.Time
}

// CallbackFilter selects callbacks for operators and merchants. Empty fields match everything.
type CallbackFilter struct {
	OrgIDs       []string
	SubjectUUIDs []string
	State        string
	AfterID      int64 // only events with a larger id (paging)
	Limit        int   // 0: 100
}

// DeliveryTx holds what callback delivery needs beyond enqueueing: claiming due callbacks with
// a lease, recording attempts, listing and replays.
type DeliveryTx interface {
	// ClaimCallbacks leases up to limit due callbacks, longest due first, for one attempt each: pending,
	// next attempt due at now, no live lease, and no earlier pending callback of the same
	// organization and subject (so an order's callbacks go out in order, and a failing one holds
	// back only its own order's later ones). Each claim sets locked_until = now+lease and counts
	// the attempt; the returned Attempts and LockedUntil are the lease RecordCallbackAttempt checks. Several
	// nodes may claim at once; on PostgreSQL they skip each other's locked rows.
	// A callback held back by an earlier pending one is parked: its next attempt is moved up to
	// that one's (on enqueue, on a recorded retry, and by RequeueCallback), so claims do not step
	// over held-back rows. Parking is only a hint; the earlier-pending check decides order.
	ClaimCallbacks(now time.Time, lease time.Duration, limit int) ([]CallbackDelivery, error)
	// HasDueCallbacks reports whether ClaimCallbacks would find anything at now; a cheap read
	// that lets idle workers poll without taking the write lock.
	HasDueCallbacks(now time.Time) (bool, error)
	// RecordCallbackAttempt logs the attempt and, if the lease it was claimed under (a.Attempt
	// and lockedUntil, as ClaimCallbacks returned them) is still the current one, moves the event
	// to a.Outcome and releases the lease. It reports whether the event was updated; false means
	// another worker claimed it meanwhile (the attempt is logged all the same).
	RecordCallbackAttempt(a *CallbackAttempt, lockedUntil time.Time) (bool, error)
	// CallbackByID returns one callback; orgID "" means any organization (operators).
	CallbackByID(orgID string, id int64) (*CallbackDelivery, error)
	// ListCallbacks lists callbacks by ascending id.
	ListCallbacks(f CallbackFilter) ([]CallbackDelivery, error)
	// CallbackAttempts returns the logged attempts of the given events, oldest first per event.
	CallbackAttempts(eventIDs []int64) (map[int64][]CallbackAttempt, error)
	// RequeueCallback makes a callback due at now again: a delivered or failed one becomes pending
	// with a new retry window (attempts start again from 1; the log keeps the old ones); a pending
	// one is only brought forward. orgID "" means any organization.
	RequeueCallback(orgID string, id int64, now time.Time) (*CallbackDelivery, error)
}
