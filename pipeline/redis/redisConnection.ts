import { Redis } from 'ioredis';
import { ServiceUnavailableError } from '../errors.js';
import type { Logger } from '../logging/logger.js';

export function redisUrlFromEnv(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/**
 * A Redis client for coordination state (locks, fencing counters, dedupe marks, shared rate limits).
 * Commands fail fast while Redis is down instead of queueing without bound, so callers can retry later.
 */
export function createRedis(url = redisUrlFromEnv(), log?: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectTimeout: 3000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  // Connection errors surface as failed commands (handled where they happen); one log line per outage is enough.
  let reported = false;
  redis.on('error', (err: Error) => {
    if (!reported) log?.warn({ err, url }, 'Redis connection failed; retrying');
    reported = true;
  });
  redis.on('ready', () => (reported = false));
  return redis;
}

/** Fails with one line naming the address when Redis does not answer. */
export async function pingRedis(redis: Redis, url: string): Promise<void> {
  try {
    await redis.ping();
  } catch (err) {
    throw new ServiceUnavailableError('Redis', url, err);
  }
}
