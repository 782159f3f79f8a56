import { afterEach } from 'vitest';
import { services } from './services.js';
import { runCleanups } from './resources.js';

// Code under test reads its addresses from the same variables a user sets.
const s = services();
process.env.KAFKA_BROKERS = s.kafkaBrokers;
process.env.SCHEMA_REGISTRY_URL = s.registryUrl;
process.env.REDIS_URL = s.redisUrl;
process.env.TASKSTREAM_LOG_LEVEL ??= 'warn';

afterEach(async () => {
  await runCleanups();
});
