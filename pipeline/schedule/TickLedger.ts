import type { Redis } from 'ioredis';
import { nextTick, type CronSpec } from './cronTicks.js';
import type { TickState } from './dueTick.js';
import { leaseKey } from './SchedulerLease.js';

export function ticksKey(group: string, schedule: string): string {
  return `taskstream:scheduler:${group}:ticks:${schedule}`;
}

/**
 * KEYS[1] the group's lease key, KEYS[2] the schedule's ticks hash.
 * ARGV[1] the caller's lease token, ARGV[2] the tick (ms since the epoch), ARGV[3] the hash's TTL in ms.
 * Returns 1 when the tick is now claimed (send it), 0 when the caller does not hold the lease, -1 when a later
 * tick is already claimed. The lease check and the claim are one step, so an instance that lost its lease
 * without noticing (a long GC pause, say) can never claim a tick its successor also claims.
 */
const CLAIM = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local claimed = tonumber(redis.call('HGET', KEYS[2], 'claimed') or '-1')
if tonumber(ARGV[2]) < claimed then return -1 end
redis.call('HSET', KEYS[2], 'claimed', ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
`;

/**
 * KEYS[1] the schedule's ticks hash. ARGV[1] the tick that was sent (ms since the epoch).
 * Returns 1 when recorded, 0 when a later tick was already recorded as sent (never moves backwards).
 */
const CONFIRM = `
local sent = tonumber(redis.call('HGET', KEYS[1], 'sent') or '-1')
if tonumber(ARGV[1]) <= sent then return 0 end
redis.call('HSET', KEYS[1], 'sent', ARGV[1])
return 1
`;

export type ClaimResult = 'claimed' | 'not-holder' | 'stale';

/**
 * Per schedule, the last tick claimed and the last tick confirmed sent, in Redis: what lets a new lease holder
 * continue exactly where the last one stopped. The state expires after two periods plus a week of silence,
 * so a removed schedule leaves nothing behind for long, yet a live one never forgets its last tick.
 */
export class TickLedger {
  constructor(
    private readonly redis: Redis,
    private readonly group: string,
  ) {}

  async read(schedule: string): Promise<TickState> {
    return readTickState(this.redis, this.group, schedule);
  }

  async claim(token: string, schedule: CronSpec & { readonly name: string }, tick: Date): Promise<ClaimResult> {
    const keys = [leaseKey(this.group), ticksKey(this.group, schedule.name)];
    const result = await this.redis.eval(CLAIM, 2, ...keys, token, tick.getTime(), stateTtlMs(schedule, tick));
    return result === 1 ? 'claimed' : result === 0 ? 'not-holder' : 'stale';
  }

  async confirm(schedule: string, tick: Date): Promise<void> {
    await this.redis.eval(CONFIRM, 1, ticksKey(this.group, schedule), tick.getTime());
  }
}

/** What Redis holds of a schedule of a group (also read by `taskstream schedule list`). */
export async function readTickState(redis: Redis, group: string, schedule: string): Promise<TickState> {
  const [claimed, sent] = await redis.hmget(ticksKey(group, schedule), 'claimed', 'sent');
  return { claimed: toDate(claimed), sent: toDate(sent) };
}

const WEEK_MS = 7 * 24 * 3_600_000;

function stateTtlMs(spec: CronSpec, tick: Date): number {
  const next = nextTick(spec, tick);
  return (next ? 2 * (next.getTime() - tick.getTime()) : 0) + WEEK_MS;
}

function toDate(ms: string | null | undefined): Date | undefined {
  return ms === null || ms === undefined ? undefined : new Date(Number(ms));
}
