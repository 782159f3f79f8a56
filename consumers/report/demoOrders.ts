import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { PostgresTarget } from './postgresFromEnv.js';

const ordersSql = path.join(path.dirname(fileURLToPath(import.meta.url)), 'orders.sql');

/**
 * Gives the shipped customer-orders report something to read in the demo: the orders table (orders.sql) and
 * `perCustomer` orders in the last week for each customer, with ids that make a second run add nothing.
 */
export async function seedDemoOrders(
  target: PostgresTarget,
  customers: readonly string[],
  perCustomer = 500,
): Promise<void> {
  const client = new pg.Client(target.config);
  await client.connect();
  try {
    await client.query(fs.readFileSync(ordersSql, 'utf8'));
    for (const [n, customer] of customers.entries()) {
      await client.query(
        `INSERT INTO orders (id, customer_id, placed_at, status, total_cents, currency)
         SELECT $2::bigint * 1000000 + i, $1, now() - (i % 144) * interval '1 hour',
                (ARRAY['paid', 'shipped', 'refunded'])[1 + i % 3], 500 + (i * 7919) % 20000, 'EUR'
         FROM generate_series(1, $3::int) AS i
         ON CONFLICT (id) DO NOTHING`,
        [customer, 900_000 + n, perCustomer],
      );
    }
  } finally {
    await client.end();
  }
}
