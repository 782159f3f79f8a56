import type { Redis } from 'ioredis';

/**
 * Dedupe marks are keyed by (group, epoch, task id). Resetting a group's offsets to reprocess must make the
 * replayed tasks run again, so a reset bumps the group's epoch: old marks stop matching (and expire on their
 * own TTL) instead of being deleted one by one.
 */
export function epochKey(groupId: string): string {
  return `taskstream:epoch:${groupId}`;
}

export async function currentEpoch(redis: Redis, groupId: string): Promise<number> {
  return Number((await redis.get(epochKey(groupId))) ?? 0);
}

/** Starts a new epoch for the group; returns it. Running workers use it from their next dedupe call on. */
export async function bumpEpoch(redis: Redis, groupId: string): Promise<number> {
  return redis.incr(epochKey(groupId));
}
