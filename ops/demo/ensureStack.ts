import { LocalStack } from '../stack/LocalStack.js';
import { SINGLE_NODE, stackPaths } from '../stack/StackConfig.js';

/**
 * Uses the services the environment names; with none named, starts the local stack (downloading what is
 * missing) so that a fresh clone's `npm start` works with no set-up.
 */
export async function ensureStack(report: (line: string) => void): Promise<void> {
  if (process.env.KAFKA_BROKERS && process.env.SCHEMA_REGISTRY_URL) return;
  const stack = new LocalStack(stackPaths(), SINGLE_NODE);
  await stack.up({ report });
  process.env.KAFKA_BROKERS ??= stack.bootstrap;
  process.env.SCHEMA_REGISTRY_URL ??= stack.registry.url;
  process.env.REDIS_URL ??= stack.redisUrl;
}
