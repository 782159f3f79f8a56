import type { Redis } from 'ioredis';
import { epochKey } from '../dedupe/DedupeEpoch.js';
import { cancelCountKey, cancelSetKey } from './cancelKeys.js';

/**
 * - cancelled: it will not run (unless a worker had already started it).
 * - finished: it completed before; nothing to cancel.
 * - unknown: no task of this type has this id (a position past the end of its topic, or another type's topic).
 */
export type CancelOutcome = 'cancelled' | 'finished' | 'unknown';

/**
 * ARGV: the group's epoch key, its done-mark prefix (before the epoch), the cancel set and counter keys, the id,
 * now, the entry's expiry, the keys' TTL. A done mark answers 'finished' and records nothing; otherwise the id is
 * added (expired entries trimmed on the way) and the counter moved, so that workers read the set again.
 */
const CANCEL = `
local epoch = redis.call('GET', ARGV[1]) or '0'
if redis.call('EXISTS', ARGV[2] .. epoch .. ':' .. ARGV[5]) == 1 then return 'finished' end
redis.call('ZREMRANGEBYSCORE', ARGV[3], '-inf', ARGV[6])
redis.call('ZADD', ARGV[3], ARGV[7], ARGV[5])
redis.call('PEXPIRE', ARGV[3], ARGV[8])
redis.call('INCR', ARGV[4])
redis.call('PEXPIRE', ARGV[4], ARGV[8])
return 'cancelled'
`;

/** Records a cancel in one round trip, unless the task's done mark says it finished. */
export async function recordCancel(
  redis: Redis,
  groupId: string,
  taskId: string,
  ttlMs: number,
  now = Date.now(),
): Promise<Exclude<CancelOutcome, 'unknown'>> {
  const reply = await redis.eval(
    CANCEL,
    0,
    epochKey(groupId),
    `taskstream:done:${groupId}:`,
    cancelSetKey(groupId),
    cancelCountKey(groupId),
    taskId,
    now,
    now + ttlMs,
    ttlMs,
  );
  return reply === 'finished' ? 'finished' : 'cancelled';
}

export interface TaskPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

/** The position a default task id (`<topic>-<partition>-<offset>`) names, or undefined for an id of one's own. */
export function positionOf(taskId: string): TaskPosition | undefined {
  const m = /^(.+)-(\d+)-(\d+)$/.exec(taskId);
  if (!m) return undefined;
  return { topic: m[1] as string, partition: Number(m[2]), offset: BigInt(m[3] as string) };
}
