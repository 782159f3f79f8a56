import { Redis } from 'ioredis';
import { ServiceUnavailableError } from '../errors.js';

export function redisUrlFromEnv(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/**
 * A Redis client for coordination state (locks, fencing counters, dedupe marks, shared rate limits).
 * Commands fail fast while Redis is down instead of queueing without bound, so callers can retry later.
 */
export function createRedis(url = redisUrlFromEnv()): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectTimeout: 3000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

/** Fails with one line naming the address when Redis does not answer. */
export async function pingRedis(redis: Redis, url: string): Promise<void> {
  try {
    await redis.ping();
  } catch (err) {
    throw new ServiceUnavailableError('Redis', url, err);
  }
}
