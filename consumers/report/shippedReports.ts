import { defineReport, type ReportDefinition } from './ReportDefinition.js';

const PERIOD = { DAY: '1 day', WEEK: '7 days', MONTH: '1 month' } as const;

/**
 * One customer's orders placed in the period that ends when the report was requested (a MONTH is a calendar
 * month back). Reads `orders(id bigint primary key, customer_id text, placed_at timestamptz, status text,
 * total_cents bigint, currency text)`; consumers/report/orders.sql creates it with the index the query wants.
 */
export const customerOrders = defineReport({
  name: 'customer-orders',
  table: 'orders',
  columns: ['id', 'placed_at', 'status', 'total_cents', 'currency'],
  key: 'id',
  where: (r) => ({
    sql: 'customer_id = $1 AND placed_at >= $2::timestamptz - $3::interval AND placed_at < $2::timestamptz',
    values: [r.customerId, new Date(r.requestedAt).toISOString(), PERIOD[r.period]],
  }),
});

/** The reports `taskstream worker` knows without a config of its own. */
export const shippedReports: readonly ReportDefinition[] = [customerOrders];
