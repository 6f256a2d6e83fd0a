package sqlstore

import (
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/fpgo/fpgo/internal/store"
)

// The callback_events table is the delivery queue (a transactional outbox): rows are written in
// the transaction of the status change they announce, and workers on any node lease due rows
// with one UPDATE. See store.DeliveryTx for the rules.

const deliveryCols = `id, org_id, kind, subject_uuid, status, payment_method, amount, subject_at, url, created_at,
	state, attempts, next_attempt_at, locked_until, last_status_code, last_error, delivered_at, retry_from, replays`

// dueHead is the claim condition: pending, due, not leased, and the first pending callback of its
// organization and subject. Claims walk callback_events_due (state, next_attempt_at) from the
// oldest due row and stop at the limit; the NOT EXISTS is one probe of callback_events_pending_subject.
// The rows such a walk steps over are the leased ones (at most the workers' concurrency) and the
// held-back ones; the latter are parked (next_attempt_at moved up to their head's next attempt:
// migration 00006's trigger on enqueue, RecordCallbackAttempt on a retry), so a merchant whose
// endpoint is down does not make every claim step over all its orders' later callbacks. Parking
// is only a hint; the NOT EXISTS alone keeps the order.
const dueHead = `e.state = 'pending' AND e.next_attempt_at <= ? AND e.locked_until <= ?
	AND NOT EXISTS (SELECT 1 FROM callback_events p
		WHERE p.org_id = e.org_id AND p.subject_uuid = e.subject_uuid AND p.state = 'pending' AND p.id < e.id)`

func scanDelivery(sc interface{ Scan(...any) error }) (*store.CallbackDelivery, error) {
	var (
		d                                    store.CallbackDelivery
		subjAt, created, next, locked, retry int64
		delivered                            sql.NullInt64
	)
	if err := sc.Scan(&d.ID, &d.OrgID, &d.Kind, &d.SubjectUUID, &d.Status, &d.PaymentMethod, &d.Amount, &subjAt, &d.URL, &created,
		&d.State, &d.Attempts, &next, &locked, &d.LastStatusCode, &d.LastError, &delivered, &retry, &d.Replays); err != nil {
		return nil, notFound(err)
	}
	d.SubjectAt, d.CreatedAt, d.NextAttemptAt = fromTS(subjAt), fromTS(created), fromTS(next)
	if locked > 0 {
		d.LockedUntil = fromTS(locked)
	}
	if delivered.Valid {
		at := fromTS(delivered.Int64)
		d.DeliveredAt = &at
	}
	d.RetryFrom = d.CreatedAt
	if retry > 0 {
		d.RetryFrom = fromTS(retry)
	}
	return &d, nil
}

// claimSQL leases the first limit due heads. On PostgreSQL, rows another node is claiming right
// now are skipped, not waited for.
const (
	claimSQL = `UPDATE callback_events SET locked_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT e.id FROM callback_events e WHERE ` + dueHead + ` ORDER BY e.next_attempt_at, e.id LIMIT ?`
	claimSQLite   = claimSQL + `) RETURNING ` + deliveryCols
	claimPostgres = claimSQL + ` FOR UPDATE SKIP LOCKED) RETURNING ` + deliveryCols
)

// On PostgreSQL the claim must walk callback_events_claim (00006) in order and stop at the
// limit. With statistics that do not know the backlog (a fresh table, or the last ANALYZE ran
// while the queue was empty: the planner then expects a handful of pending rows) it would rather
// fetch every due row, probe each for an earlier pending one and sort them all, so each claim
// costs the whole backlog (measured: 29–49 ms for 32 of 10 000 due, 600 ms of 100 000, instead
// of 1–2 ms). Sorting and bitmap scans are turned off for the claim's statement only, then set
// back to the session's values (SET LOCAL … TO DEFAULT; reading them from pg_settings cost 3–5
// ms a claim). None of these statements returns anything the claim needs, so in a group-commit
// pipeline they travel with the claim: one round trip, not three.
const claimPlanOff = `SELECT set_config('enable_sort', 'off', true), set_config('enable_bitmapscan', 'off', true)`

var claimPlanRestore = []string{`SET LOCAL enable_sort TO DEFAULT`, `SET LOCAL enable_bitmapscan TO DEFAULT`}

func (t *tx) ClaimCallbacks(now time.Time, lease time.Duration, limit int) ([]store.CallbackDelivery, error) {
	if limit <= 0 {
		return nil, nil
	}
	if t.d.dialect != postgres {
		return t.claim(claimSQLite, now, lease, limit)
	}
	if err := t.execExpect(anyRows, nil, claimPlanOff); err != nil {
		return nil, err
	}
	out, err := t.claim(claimPostgres, now, lease, limit)
	for _, q := range claimPlanRestore {
		if rerr := t.execExpect(anyRows, nil, q); err == nil {
			err = rerr
		}
	}
	return out, err
}

func (t *tx) claim(q string, now time.Time, lease time.Duration, limit int) ([]store.CallbackDelivery, error) {
	rows, err := t.query(q, ts(now.Add(lease)), ts(now), ts(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.CallbackDelivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// RETURNING promises no order.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].ID < out[j-1].ID; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out, nil
}

func (t *tx) HasDueCallbacks(now time.Time) (bool, error) {
	var one int
	err := t.row(`SELECT 1 FROM callback_events e WHERE `+dueHead+` LIMIT 1`, ts(now), ts(now)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

const (
	attemptInsertSQL = `INSERT INTO callback_attempts (event_id, org_id, attempt, attempted_at, url, status_code, latency_ms, error, outcome, next_attempt_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	// attemptRecordSQL moves the event to the attempt's outcome if the lease it was claimed
	// under is still the current one.
	attemptRecordSQL = `UPDATE callback_events SET state = ?, locked_until = 0, last_status_code = ?, last_error = ?,
			next_attempt_at = COALESCE(?, next_attempt_at), delivered_at = COALESCE(?, delivered_at)
		WHERE id = ? AND state = 'pending' AND attempts = ? AND locked_until = ?
		RETURNING org_id, subject_uuid`
)

func (t *tx) RecordCallbackAttempt(a *store.CallbackAttempt, lockedUntil time.Time) (bool, error) {
	var next, delivered any
	if a.NextAttemptAt != nil {
		next = ts(*a.NextAttemptAt)
	}
	if a.Outcome == store.CallbackDelivered {
		delivered = ts(a.AttemptedAt)
	}
	insertArgs := []any{a.EventID, a.OrgID, a.Attempt, ts(a.AttemptedAt), a.URL, a.StatusCode, a.Latency.Milliseconds(), a.Error, a.Outcome, next}
	updateArgs := []any{a.Outcome, a.StatusCode, a.Error, next, delivered, a.EventID, a.Attempt, ts(lockedUntil)}
	var orgID, subject string
	var err error
	if t.pipe != nil {
		// Both in one round trip: the update needs nothing the insert returns.
		var res []result
		res, err = t.pipe.send(resultStmt{q: t.d.rebind(attemptInsertSQL + ` RETURNING id`), args: insertArgs, rows: true},
			resultStmt{q: t.d.rebind(attemptRecordSQL), args: updateArgs, rows: true})
		if err != nil {
			return false, err
		}
		if err := (firstRow{res[0].rows}).Scan(&a.ID); err != nil {
			return false, err
		}
		err = firstRow{res[1].rows}.Scan(&orgID, &subject)
	} else {
		if a.ID, err = t.insertID(attemptInsertSQL, insertArgs...); err != nil {
			return false, err
		}
		err = t.row(attemptRecordSQL, updateArgs...).Scan(&orgID, &subject)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil // another claim holds it now
	}
	if err != nil {
		return false, err
	}
	if a.Outcome == store.CallbackPending && next != nil {
		// Park the later callbacks of its order at its retry (see 00006_callback_claim.sql).
		if err := t.execExpect(anyRows, nil, `UPDATE callback_events SET next_attempt_at = ?
			WHERE org_id = ? AND subject_uuid = ? AND state = 'pending' AND id > ? AND next_attempt_at < ?`,
			next, orgID, subject, a.EventID, next); err != nil {
			return false, err
		}
	}
	return true, nil
}

func (t *tx) CallbackByID(orgID string, id int64) (*store.CallbackDelivery, error) {
	q := `SELECT ` + deliveryCols + ` FROM callback_events WHERE id = ?`
	args := []any{id}
	if orgID != "" {
		q += ` AND org_id = ?`
		args = append(args, orgID)
	}
	return scanDelivery(t.row(q, args...))
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func (t *tx) ListCallbacks(f store.CallbackFilter) ([]store.CallbackDelivery, error) {
	var (
		where []string
		args  []any
	)
	if len(f.OrgIDs) > 0 {
		where = append(where, `org_id IN (`+placeholders(len(f.OrgIDs))+`)`)
		for _, o := range f.OrgIDs {
			args = append(args, o)
		}
	}
	if len(f.SubjectUUIDs) > 0 {
		where = append(where, `subject_uuid IN (`+placeholders(len(f.SubjectUUIDs))+`)`)
		for _, s := range f.SubjectUUIDs {
			args = append(args, s)
		}
	}
	if f.State != "" {
		where = append(where, `state = ?`)
		args = append(args, f.State)
	}
	if f.AfterID > 0 {
		where = append(where, `id > ?`)
		args = append(args, f.AfterID)
	}
	q := `SELECT ` + deliveryCols + ` FROM callback_events`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	rows, err := t.query(q+` ORDER BY id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.CallbackDelivery{}
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, rows.Err()
}

func (t *tx) CallbackAttempts(eventIDs []int64) (map[int64][]store.CallbackAttempt, error) {
	out := map[int64][]store.CallbackAttempt{}
	// Chunks keep the parameter count well under both backends' limits.
	for len(eventIDs) > 0 {
		chunk := eventIDs[:min(len(eventIDs), 500)]
		eventIDs = eventIDs[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := t.query(`SELECT id, event_id, org_id, attempt, attempted_at, url, status_code, latency_ms, error, outcome, next_attempt_at
			FROM callback_attempts WHERE event_id IN (`+placeholders(len(chunk))+`) ORDER BY event_id, id`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var (
				a      store.CallbackAttempt
				at, ms int64
				next   sql.NullInt64
			)
			if err := rows.Scan(&a.ID, &a.EventID, &a.OrgID, &a.Attempt, &at, &a.URL, &a.StatusCode, &ms, &a.Error, &a.Outcome, &next); err != nil {
				rows.Close()
				return nil, err
			}
			a.AttemptedAt, a.Latency = fromTS(at), time.Duration(ms)*time.Millisecond
			if next.Valid {
				n := fromTS(next.Int64)
				a.NextAttemptAt = &n
			}
			out[a.EventID] = append(out[a.EventID], a)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *tx) RequeueCallback(orgID string, id int64, now time.Time) (*store.CallbackDelivery, error) {
	d, err := t.CallbackByID(orgID, id)
	if err != nil {
		return nil, err
	}
	if d.State == store.CallbackPending {
		if d.NextAttemptAt.After(now) {
			_, err = t.exec(`UPDATE callback_events SET next_attempt_at = ? WHERE id = ? AND state = 'pending' AND next_attempt_at > ?`, ts(now), id, ts(now))
			if err == nil {
				// The later callbacks of its order parked at its old time come forward with it.
				_, err = t.exec(`UPDATE callback_events SET next_attempt_at = ?
					WHERE org_id = ? AND subject_uuid = ? AND state = 'pending' AND id > ? AND next_attempt_at = ?`,
					ts(now), d.OrgID, d.SubjectUUID, id, ts(d.NextAttemptAt))
			}
		}
	} else {
		_, err = t.exec(`UPDATE callback_events SET state = 'pending', attempts = 0, next_attempt_at = ?, locked_until = 0,
			retry_from = ?, replays = replays + 1 WHERE id = ?`, ts(now), ts(now), id)
	}
	if err != nil {
		return nil, err
	}
	return t.CallbackByID(orgID, id)
}
