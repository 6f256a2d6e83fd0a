-- +goose Up
-- A counter bumped whenever a merchant's token or settings change. Nodes cache merchants by
-- token hash and compare this one value per request, so a rotated token stops working at once
-- on every node without each request reading the merchant.
CREATE TABLE credentials_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO credentials_epoch (id, n) VALUES (1, 0);

-- +goose Down
DROP TABLE credentials_epoch;
