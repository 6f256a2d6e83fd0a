-- +goose Up
-- Fewer index pages written per order create. Every index an insert touches is a page written
-- to the WAL at commit and again to the database at checkpoint; a lone order create wrote 16
-- pages on SQLite.
-- customers_org was never read: customers are only looked up by uuid (with the organization).
DROP INDEX customers_org;
-- The expiry sweep (DueOrders) only asks for SENT orders that have a due date; orders without
-- one, and orders that moved on, need no entry.
DROP INDEX orders_due;
CREATE INDEX orders_due ON orders (due_at) WHERE status = 'SENT' AND due_at IS NOT NULL;

-- +goose Down
DROP INDEX orders_due;
CREATE INDEX orders_due ON orders (status, due_at);
CREATE INDEX customers_org ON customers (org_id);
