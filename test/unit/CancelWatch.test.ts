import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { CancelWatch } from '../../pipeline/cancel/CancelWatch.js';
import { createLogger } from '../../pipeline/index.js';

/** A Redis whose cancel counter GETs answer only when the test says so, in the order sent. */
function fakeRedis() {
  const pending: ((count: string | null) => void)[] = [];
  let count: string | null = null;
  let ids: string[] = [];
  const redis = {
    get: () => new Promise<string | null>((resolve) => pending.push(resolve)),
    zrangebyscore: async () => ids,
  } as unknown as Redis;
  return {
    redis,
    sent: () => pending.length,
    /** Answers the oldest GET with the state as it is now. */
    answer: async () => {
      (pending.shift() as (c: string | null) => void)(count);
      await new Promise((resolve) => setImmediate(resolve));
    },
    cancel: (id: string) => {
      ids = [...ids, id];
      count = String(ids.length);
    },
  };
}

const log = createLogger({ component: 'test' });

describe('CancelWatch', () => {
  it("makes a fetch's records wait for a read begun after the fetch was sent, not one begun before it", async () => {
    const fake = fakeRedis();
    const watch = new CancelWatch(fake.redis, 'g', log);
    void watch.refresh(); // a read sent before the fetch, still out when the fetch is sent
    const ticket = watch.fetchStarting(false);
    let settled = false;
    void watch.readSince(ticket)?.then(() => (settled = true));
    await fake.answer(); // the read sent before the fetch
    expect(settled).toBe(false);
    expect(fake.sent()).toBe(1); // a second read, begun after the fetch was sent
    fake.cancel('t1');
    await fake.answer();
    expect(settled).toBe(true);
    expect(watch.cancelled('t1')).toBe(true);
  });

  it("begins a busy consumer's read with its fetch, so the fetch's records need not wait for it", async () => {
    const fake = fakeRedis();
    const watch = new CancelWatch(fake.redis, 'g', log);
    const ticket = watch.fetchStarting(true);
    expect(fake.sent()).toBe(1);
    fake.cancel('t1');
    await fake.answer();
    expect(watch.readSince(ticket)).toBeUndefined();
    expect(watch.cancelled('t1')).toBe(true);
  });

  it('sends no read with the fetch of a consumer whose last fetch was empty', () => {
    const fake = fakeRedis();
    const watch = new CancelWatch(fake.redis, 'g', log);
    watch.fetchStarting(false);
    expect(fake.sent()).toBe(0);
  });

  it('lets records wait on the read already under way when it began after their fetch was sent', async () => {
    const fake = fakeRedis();
    const watch = new CancelWatch(fake.redis, 'g', log);
    const ticket = watch.fetchStarting(true);
    const wait = watch.readSince(ticket);
    expect(wait).toBeInstanceOf(Promise);
    expect(fake.sent()).toBe(1);
    await fake.answer();
    await wait;
  });
});
