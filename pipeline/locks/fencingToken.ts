import type { Redis } from 'ioredis';

/**
 * A plain `INCR` counter restarts at 1 when Redis loses its data (a restart without persistence, a failover
 * to a replica that missed writes, a FLUSHALL). A stalled holder from before the loss would then carry a
 * LARGER token than the holder granted after it, and a fencing store would reject the live holder and accept
 * the stale one: exactly the failure fencing exists to prevent (Kleppmann, "How to do distributed locking").
 *
 * So a missing counter is seeded from the Redis server's clock in microseconds before the increment. Tokens
 * then stay monotonic across a data loss as long as the Redis clock does not go back and a key averages fewer
 * than 1e6 grants per second (each grant advances the counter by one, the seed by one per microsecond). The
 * server's clock, not ours: one clock for every worker. Tokens stay below 2^53, safe as JS numbers, until 2255.
 *
 * The seed is built as a string (seconds, then microseconds padded to six digits): a Lua number of that size
 * could be formatted in exponent notation on its way back into Redis.
 */
const NEXT_TOKEN = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  local t = redis.call('TIME')
  redis.call('SET', KEYS[1], t[1] .. string.format('%06d', tonumber(t[2])))
end
return redis.call('INCR', KEYS[1])
`;

export function fenceKey(lockKey: string): string {
  return `taskstream:fence:${lockKey}`;
}

/** The next fencing token of a lock key: larger than every token granted before, even across a data loss. */
export async function nextFencingToken(redis: Redis, lockKey: string): Promise<number> {
  // EVAL rather than a cached EVALSHA: the script cache is gone after exactly the restart this guards against.
  const token = await redis.eval(NEXT_TOKEN, 1, fenceKey(lockKey));
  return Number(token);
}
