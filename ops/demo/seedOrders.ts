import { seedDemoOrders } from '../../consumers/report/demoOrders.js';
import { postgresFromEnv } from '../../consumers/report/postgresFromEnv.js';
import { OperationFailed } from '../cli/shared/services.js';
import { howToStartPostgres } from '../stack/postgresHint.js';
import { DEMO_CUSTOMERS } from './demoTasks.js';

/** Gives the demo's reports orders to read; PostgreSQL away is one line naming its address and how to start it. */
export async function seedOrders(): Promise<void> {
  const target = postgresFromEnv();
  try {
    await seedDemoOrders(target, DEMO_CUSTOMERS);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new OperationFailed(
      `PostgreSQL at ${target.address} did not take the demo's orders (${why}); ${howToStartPostgres()}`,
    );
  }
}
