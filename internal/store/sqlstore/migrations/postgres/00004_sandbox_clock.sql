-- +goose Up
-- The sandbox test clock's offset, shared by every node on this database.
CREATE TABLE sandbox_clock (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    offset_us BIGINT NOT NULL
);
INSERT INTO sandbox_clock (id, offset_us) VALUES (1, 0);

-- +goose Down
DROP TABLE sandbox_clock;
