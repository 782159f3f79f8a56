import type { Redis } from 'ioredis';

/** What one ask of the shared window gave. */
export interface Grant {
  /** Permits given, at most the number asked for. */
  readonly granted: number;
  /** The window they belong to (window n is [n × perMs, (n + 1) × perMs) on Redis's clock). */
  readonly window: number;
  /** Milliseconds left of that window when Redis counted them. */
  readonly msLeft: number;
}

/** Where a shared limit takes its permits from (SharedWindow; a fake in unit tests). */
export interface PermitSource {
  take(key: string, want: number): Promise<Grant>;
}

// One hash per limit: the window counted and its permits given. Redis's clock decides the window, so every worker
// counts in the same windows whatever its own clock says.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local max = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local window = math.floor(now / perMs)
local state = redis.call('HMGET', KEYS[1], 'window', 'used')
local used = 0
if tonumber(state[1]) == window then used = tonumber(state[2]) end
local granted = math.max(0, math.min(tonumber(ARGV[3]), max - used))
if granted > 0 then
  redis.call('HSET', KEYS[1], 'window', window, 'used', used + granted)
  redis.call('PEXPIRE', KEYS[1], perMs)
end
return {granted, window, (window + 1) * perMs - now}
`;

/**
 * A fixed-window counter in Redis shared by every worker: at most `max` permits per window of `perMs`, given in
 * batches (one round trip for many starts). A permit is good only in its window.
 */
export class SharedWindow implements PermitSource {
  constructor(
    private readonly redis: Redis,
    private readonly max: number,
    private readonly perMs: number,
  ) {}

  /** Takes up to `want` permits of the window running now from the limit stored at `key`. */
  async take(key: string, want: number): Promise<Grant> {
    const reply = (await this.redis.eval(TAKE, 1, key, this.max, this.perMs, want)) as [number, number, number];
    return { granted: reply[0], window: reply[1], msLeft: reply[2] };
  }
}
