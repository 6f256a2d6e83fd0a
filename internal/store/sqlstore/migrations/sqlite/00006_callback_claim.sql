-- +goose Up
-- Parking: a pending callback held back by an earlier pending one of its order (the claim's
-- NOT EXISTS) is not attempted before that one's next attempt, so its next_attempt_at is moved
-- up to it. Claims walk callback_events_due from the oldest due row; without parking, a merchant
-- whose endpoint is down leaves its orders' later callbacks due and blocked at the front of that
-- index, and every claim (on the single writer) would step over all of them. Parking is only a
-- hint: the claim still checks for an earlier pending callback, so order never depends on it,
-- and a late or missed park costs a step of the walk, never a callback. See
-- internal/store/sqlstore/delivery.go (RecordCallbackAttempt parks on a retry, RequeueCallback
-- brings parked ones forward with their head).

-- A callback enqueued behind a pending one waits for that one's next attempt.
-- +goose StatementBegin
CREATE TRIGGER callback_events_park AFTER INSERT ON callback_events
WHEN NEW.state = 'pending' AND (SELECT h.next_attempt_at FROM callback_events h
        WHERE h.org_id = NEW.org_id AND h.subject_uuid = NEW.subject_uuid AND h.state = 'pending' AND h.id < NEW.id
        ORDER BY h.id LIMIT 1) > NEW.next_attempt_at
BEGIN
    UPDATE callback_events SET next_attempt_at = (SELECT h.next_attempt_at FROM callback_events h
            WHERE h.org_id = NEW.org_id AND h.subject_uuid = NEW.subject_uuid AND h.state = 'pending' AND h.id < NEW.id
            ORDER BY h.id LIMIT 1)
        WHERE id = NEW.id;
END;
-- +goose StatementEnd

-- Park the callbacks already waiting behind a retrying one.
UPDATE callback_events SET next_attempt_at = (SELECT h.next_attempt_at FROM callback_events h
        WHERE h.org_id = callback_events.org_id AND h.subject_uuid = callback_events.subject_uuid AND h.state = 'pending'
        ORDER BY h.id LIMIT 1)
    WHERE state = 'pending' AND next_attempt_at < (SELECT h.next_attempt_at FROM callback_events h
        WHERE h.org_id = callback_events.org_id AND h.subject_uuid = callback_events.subject_uuid AND h.state = 'pending'
        ORDER BY h.id LIMIT 1);

-- +goose Down
DROP TRIGGER callback_events_park;
