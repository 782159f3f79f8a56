import { Redis } from 'ioredis';
import { createKafka } from '../../pipeline/kafka/KafkaConnection.js';
import { GroupAdmin } from '../../pipeline/kafka/GroupAdmin.js';
import { TopicAdmin } from '../../pipeline/kafka/TopicAdmin.js';
import { createLogger } from '../../pipeline/logging/logger.js';
import type { TaskDefinition } from '../../pipeline/task/defineTask.js';
import { startDashboard, type Dashboard, type DashboardOptions } from '../../ops/dashboard/DashboardServer.js';
import { onCleanup } from './resources.js';
import { brokers, services } from './services.js';

/** A dashboard on a free port of 127.0.0.1 over this run's Kafka, registry and Redis, closed after the test. */
export async function dashboardFor(
  tasks: readonly TaskDefinition[],
  options: Partial<Omit<DashboardOptions, 'tasks' | 'admins' | 'log' | 'port'>> = {},
): Promise<Dashboard> {
  const address = brokers().join(',');
  const kafka = createKafka({ brokers: brokers(), clientId: 'test-dashboard', logger: createLogger() });
  const admins = { address, kafka, groups: new GroupAdmin(kafka, address), topics: new TopicAdmin(kafka, address) };
  onCleanup(() => Promise.all([admins.groups.close(), admins.topics.close()]));
  const redis = new Redis(services().redisUrl);
  onCleanup(() => redis.quit());
  const server = await startDashboard({
    tasks,
    admins,
    redis,
    registry: { url: services().registryUrl },
    port: 0,
    log: createLogger(),
    ...options,
  });
  onCleanup(() => server.close());
  return server;
}
