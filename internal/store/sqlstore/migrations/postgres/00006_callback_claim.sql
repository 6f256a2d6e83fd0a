-- +goose Up
-- Parking: a pending callback held back by an earlier pending one of its order (the claim's
-- NOT EXISTS) is not attempted before that one's next attempt, so its next_attempt_at is moved
-- up to it. Claims walk callback_events_due from the oldest due row; without parking, a merchant
-- whose endpoint is down leaves its orders' later callbacks due and blocked at the front of that
-- index, and every claim would step over all of them. Parking is only a hint: the claim still
-- checks for an earlier pending callback, so order never depends on it, and a late or missed
-- park (e.g. read from a snapshot an instant old) costs a step of the walk or waits for that
-- earlier callback's scheduled attempt, never a callback. See internal/store/sqlstore/delivery.go
-- (RecordCallbackAttempt parks on a retry, RequeueCallback brings parked ones forward with their
-- head).

-- A callback enqueued behind a pending one waits for that one's next attempt.
-- +goose StatementBegin
CREATE FUNCTION callback_events_park() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head_next BIGINT;
BEGIN
    IF NEW.state = 'pending' THEN
        SELECT h.next_attempt_at INTO head_next FROM callback_events h
            WHERE h.org_id = NEW.org_id AND h.subject_uuid = NEW.subject_uuid AND h.state = 'pending' AND h.id < NEW.id
            ORDER BY h.id LIMIT 1;
        IF head_next > NEW.next_attempt_at THEN
            NEW.next_attempt_at := head_next;
        END IF;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER callback_events_park BEFORE INSERT ON callback_events
    FOR EACH ROW EXECUTE FUNCTION callback_events_park();

-- Park the callbacks already waiting behind a retrying one.
UPDATE callback_events e SET next_attempt_at = h.next_attempt_at
    FROM (SELECT DISTINCT ON (org_id, subject_uuid) org_id, subject_uuid, next_attempt_at FROM callback_events
          WHERE state = 'pending' ORDER BY org_id, subject_uuid, id) h
    WHERE e.state = 'pending' AND e.org_id = h.org_id AND e.subject_uuid = h.subject_uuid AND e.next_attempt_at < h.next_attempt_at;

-- The claim's walk: pending rows only, in the claim's order (next_attempt_at, id), so no sort is
-- needed; ClaimCallbacks turns sorting off for the claim so that the planner walks this index
-- even when its statistics do not know the backlog. (SQLite's callback_events_due already
-- carries the rowid, and SQLite plans without statistics.)
CREATE INDEX callback_events_claim ON callback_events (next_attempt_at, id) WHERE state = 'pending';

-- +goose Down
DROP INDEX callback_events_claim;
DROP TRIGGER callback_events_park ON callback_events;
DROP FUNCTION callback_events_park();
