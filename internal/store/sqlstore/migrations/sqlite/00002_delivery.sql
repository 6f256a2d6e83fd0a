-- +goose Up
-- Callback delivery: callback_events (00001) is the durable queue; these columns and the attempt
-- log let workers on any node lease, retry and report deliveries.
-- retry_from: start of the current retry window (0 = created_at; a replay opens a new window).
ALTER TABLE callback_events ADD COLUMN retry_from INTEGER NOT NULL DEFAULT 0;
-- replays: how often an operator or merchant re-queued the callback.
ALTER TABLE callback_events ADD COLUMN replays INTEGER NOT NULL DEFAULT 0;
-- The claim's "no earlier pending callback of this order" test looks only at pending rows.
CREATE INDEX callback_events_pending_subject ON callback_events (org_id, subject_uuid, id) WHERE state = 'pending';

-- One row per delivery attempt. No foreign key to callback_events: copy-db copies tables in name
-- order, and the log is only read through its event anyway.
CREATE TABLE callback_attempts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        INTEGER NOT NULL,
    org_id          TEXT NOT NULL,
    attempt         INTEGER NOT NULL,
    attempted_at    INTEGER NOT NULL,
    url             TEXT NOT NULL,
    status_code     INTEGER NOT NULL DEFAULT 0,
    latency_ms      INTEGER NOT NULL DEFAULT 0,
    error           TEXT NOT NULL DEFAULT '',
    outcome         TEXT NOT NULL,
    next_attempt_at INTEGER
);
CREATE INDEX callback_attempts_event ON callback_attempts (event_id, id);

-- +goose Down
DROP TABLE callback_attempts;
DROP INDEX callback_events_pending_subject;
ALTER TABLE callback_events DROP COLUMN replays;
ALTER TABLE callback_events DROP COLUMN retry_from;
