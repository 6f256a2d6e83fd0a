-- +goose Up
CREATE TABLE merchants (
    id                  TEXT PRIMARY KEY,
    name                TEXT NOT NULL,
    org_number          TEXT NOT NULL DEFAULT '',
    token_hash          TEXT NOT NULL UNIQUE,
    callback_secret     TEXT NOT NULL,
    settings            TEXT NOT NULL,
    next_invoice_number INTEGER NOT NULL DEFAULT 10000001,
    created_at          INTEGER NOT NULL
);
CREATE INDEX merchants_org_number ON merchants (org_number);

CREATE TABLE customers (
    uuid       TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES merchants (id),
    doc        TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX customers_org ON customers (org_id);

CREATE TABLE orders (
    uuid           TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES merchants (id),
    type           TEXT NOT NULL,
    status         TEXT NOT NULL,
    customer_uuid  TEXT NOT NULL DEFAULT '',
    grand_total    INTEGER NOT NULL,
    refunded       INTEGER NOT NULL DEFAULT 0,
    invoice_number TEXT NOT NULL DEFAULT '',
    due_at         INTEGER,
    version        INTEGER NOT NULL,
    doc            TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX orders_org_status ON orders (org_id, status, created_at);
CREATE INDEX orders_org_created ON orders (org_id, created_at);
CREATE INDEX orders_due ON orders (status, due_at);
CREATE UNIQUE INDEX orders_invoice_number ON orders (org_id, invoice_number) WHERE invoice_number <> '';

CREATE TABLE order_lines (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    order_uuid TEXT NOT NULL REFERENCES orders (uuid),
    position   INTEGER NOT NULL,
    name       TEXT NOT NULL,
    product_id TEXT NOT NULL,
    quantity   INTEGER NOT NULL,
    rate       INTEGER NOT NULL,
    discount   INTEGER NOT NULL,
    tax        INTEGER NOT NULL,
    amount     INTEGER NOT NULL,
    refunded   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX order_lines_order ON order_lines (order_uuid, position);

CREATE TABLE refunds (
    uuid       TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES merchants (id),
    order_uuid TEXT NOT NULL,
    amount     INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX refunds_org_created ON refunds (org_id, created_at);
CREATE INDEX refunds_order ON refunds (order_uuid);

CREATE TABLE callback_events (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id           TEXT NOT NULL,
    kind             TEXT NOT NULL,
    subject_uuid     TEXT NOT NULL,
    status           TEXT NOT NULL,
    payment_method   TEXT NOT NULL,
    amount           TEXT NOT NULL,
    subject_at       INTEGER NOT NULL,
    url              TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'pending',
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    locked_until     INTEGER NOT NULL DEFAULT 0,
    last_status_code INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    delivered_at     INTEGER,
    created_at       INTEGER NOT NULL
);
CREATE INDEX callback_events_due ON callback_events (state, next_attempt_at);
CREATE INDEX callback_events_subject ON callback_events (org_id, subject_uuid, id);

CREATE TABLE messages (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id     TEXT NOT NULL,
    channel    TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    order_uuid TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX messages_org ON messages (org_id, id);

CREATE TABLE idempotency_keys (
    org_id       TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    result       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (org_id, key)
);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE messages;
DROP TABLE callback_events;
DROP TABLE refunds;
DROP TABLE order_lines;
DROP TABLE orders;
DROP TABLE customers;
DROP TABLE merchants;
