-- +goose Up
-- An order's lines are found through the order's creation time, then its uuid. Keyed by the
-- uuid alone, every create put its lines' index entry on a leaf at a random place, a page written
-- to the WAL at commit and to the database at checkpoint; keyed by time first, the creates of a
-- commit share the index's last leaf. (Create, 32 clients, one machine, three interleaved rounds:
-- 31 → 24 KB written and 9-23% more creates a second with the index gone altogether.)
ALTER TABLE order_lines ADD COLUMN order_created INTEGER NOT NULL DEFAULT 0;
UPDATE order_lines SET order_created = (SELECT created_at FROM orders WHERE orders.uuid = order_lines.order_uuid);
DROP INDEX order_lines_order;
CREATE INDEX order_lines_order ON order_lines (order_created, order_uuid, position);

-- +goose Down
DROP INDEX order_lines_order;
CREATE INDEX order_lines_order ON order_lines (order_uuid, position);
ALTER TABLE order_lines DROP COLUMN order_created;
