import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { OperationFailed } from '../shared/services.js';

/**
 * Which dead letters `dlq replay` already copied back, kept in Redis as a set of `<partition>:<offset>` per
 * dead-letter topic. A committed consumer-group offset could only say "everything before N": replays pick a
 * filtered subset (one error class, one time window, some task ids), so what was replayed is not a prefix.
 *
 * The set only grows (a dead letter is a few bytes there); deleting and recreating the DLQ topic restarts
 * its offsets, so delete the key too (`DEL taskstream:replayed:<dlq topic>`) when you do that.
 */
export function replayedKey(dlqTopic: string): string {
  return `taskstream:replayed:${dlqTopic}`;
}

function lockKey(dlqTopic: string): string {
  return `taskstream:replay-lock:${dlqTopic}`;
}

export async function replayedPositions(redis: Redis, dlqTopic: string): Promise<Set<string>> {
  return new Set(await redis.smembers(replayedKey(dlqTopic)));
}

export async function markReplayed(redis: Redis, dlqTopic: string, positions: readonly string[]): Promise<void> {
  if (positions.length > 0) await redis.sadd(replayedKey(dlqTopic), ...positions);
}

/** Drops the markers of purged letters: their positions never come back. */
export async function unmarkReplayed(redis: Redis, dlqTopic: string, positions: readonly string[]): Promise<void> {
  for (let i = 0; i < positions.length; i += 1000)
    await redis.srem(replayedKey(dlqTopic), ...positions.slice(i, i + 1000));
}

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Runs `fn` while holding the replay lock of a DLQ topic, so two replays of one type never copy the same
 * dead letters at once, and a purge never removes letters a replay is copying. The lock expires by itself (10 min) if this process dies holding it.
 */
export async function withReplayLock<T>(redis: Redis, dlqTopic: string, fn: () => Promise<T>): Promise<T> {
  const token = randomUUID();
  const got = await redis.set(lockKey(dlqTopic), token, 'PX', 600_000, 'NX');
  if (got !== 'OK') {
    throw new OperationFailed(
      `another replay or purge of ${dlqTopic} is running (Redis key ${lockKey(dlqTopic)}); wait for it to finish, or delete the key if its process died`,
      'LOCK_BUSY',
    );
  }
  try {
    return await fn();
  } finally {
    await redis.eval(RELEASE, 1, lockKey(dlqTopic), token).catch(() => undefined);
  }
}
