-- +goose Up
-- One row per try to pay an order: what the customer chose and how it ended. Only the card's
-- brand, last four digits and the gateway's token are kept, never the number or CVC.
CREATE TABLE payment_attempts (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL,
    order_uuid TEXT NOT NULL,
    method     TEXT NOT NULL,
    state      TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    card_brand TEXT NOT NULL DEFAULT '',
    card_last4 TEXT NOT NULL DEFAULT '',
    token      TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX payment_attempts_order ON payment_attempts (org_id, order_uuid, created_at);
-- At most one attempt per order may be talking to a provider, so two browser tabs cannot
-- charge the customer twice.
CREATE UNIQUE INDEX payment_attempts_one_processing ON payment_attempts (order_uuid) WHERE state = 'processing';

-- What one browser (identified by the hash of its session cookie) has proven for one order:
-- BankID identification, the credit decision, the signed invoice agreement.
CREATE TABLE checkout_sessions (
    token_hash         TEXT NOT NULL,
    order_uuid         TEXT NOT NULL,
    org_id             TEXT NOT NULL,
    bankid_at          BIGINT,
    personal_number    TEXT NOT NULL DEFAULT '', -- masked
    credit_status      TEXT NOT NULL DEFAULT '',
    credit_score       BIGINT NOT NULL DEFAULT 0,
    signed_at          BIGINT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    PRIMARY KEY (token_hash, order_uuid)
);

-- Email delivery state, so each email is handed to SMTP once even with several nodes.
ALTER TABLE messages ADD COLUMN sent_at BIGINT;
ALTER TABLE messages ADD COLUMN send_attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN locked_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
CREATE INDEX messages_unsent_email ON messages (locked_until) WHERE channel = 'email' AND sent_at IS NULL;

-- +goose Down
DROP INDEX messages_unsent_email;
ALTER TABLE messages DROP COLUMN last_error;
ALTER TABLE messages DROP COLUMN locked_until;
ALTER TABLE messages DROP COLUMN send_attempts;
ALTER TABLE messages DROP COLUMN sent_at;
DROP TABLE checkout_sessions;
DROP TABLE payment_attempts;
