import { afterEach } from 'vitest';
import { services } from './services.js';
import { runCleanups } from './resources.js';

// Code under test reads its addresses from the same variables a user sets.
const s = services();
process.env.KAFKA_BROKERS = s.kafkaBrokers;
process.env.SCHEMA_REGISTRY_URL = s.registryUrl;
process.env.REDIS_URL = s.redisUrl;
process.env.DATABASE_URL = s.databaseUrl;
// Failures are what many tests provoke; their logs would bury the test report. Set the variable to see them.
process.env.TASKSTREAM_LOG_LEVEL ??= 'fatal';

afterEach(async () => {
  await runCleanups();
});
