-- +goose Up
-- As on SQLite (see there): an order's lines are indexed by the order's creation time first,
-- so the creates of a commit add to the same end of the index. The statements are shared.
ALTER TABLE order_lines ADD COLUMN order_created BIGINT NOT NULL DEFAULT 0;
UPDATE order_lines SET order_created = orders.created_at FROM orders WHERE orders.uuid = order_lines.order_uuid;
DROP INDEX order_lines_order;
CREATE INDEX order_lines_order ON order_lines (order_created, order_uuid, position);

-- +goose Down
DROP INDEX order_lines_order;
CREATE INDEX order_lines_order ON order_lines (order_uuid, position);
ALTER TABLE order_lines DROP COLUMN order_created;
