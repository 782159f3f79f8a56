-- The table the shipped customer-orders report reads (consumers/report/shippedReports.ts), for development and
-- the demo: psql "$DATABASE_URL" -f consumers/report/orders.sql
CREATE TABLE IF NOT EXISTS orders (
  id          bigint      PRIMARY KEY,
  customer_id text        NOT NULL,
  placed_at   timestamptz NOT NULL,
  status      text        NOT NULL,
  total_cents bigint      NOT NULL,
  currency    text        NOT NULL DEFAULT 'EUR'
);
-- The report filters by customer and period and pages by id: this index serves both, and a resumed run's
-- `id > last key` starts where the checkpoint is instead of scanning the rows already written.
CREATE INDEX IF NOT EXISTS orders_customer_id_id ON orders (customer_id, id);
