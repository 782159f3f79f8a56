import { afterEach, describe, expect, it } from 'vitest';
import { TaskRateLimiter } from '../../pipeline/ratelimit/TaskRateLimiter.js';
import type { RateLimitOptions } from '../../pipeline/task/defineTask.js';

/** Started work that ends when the test says so. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Nothing throttled by rate, one start at a time: a slot comes when the running one ends. */
const ONE_AT_A_TIME: RateLimitOptions<{ key: string }> = { max: 1000, perMs: 60_000, maxConcurrent: 1 };

/** Waits (a turn of the event loop at a time) until `cond` holds. */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((resolve) => setImmediate(resolve));
}

const limiters: TaskRateLimiter[] = [];
function limiterOf(options: RateLimitOptions<{ key: string }>): TaskRateLimiter {
  const limiter = new TaskRateLimiter('unit', options as RateLimitOptions);
  limiters.push(limiter);
  return limiter;
}
afterEach(async () => {
  await Promise.all(limiters.splice(0).map((l) => l.close()));
});

describe('TaskRateLimiter', () => {
  it('takes a start whose signal aborts out of the line at once: it rejects with the reason and never runs', async () => {
    const limiter = limiterOf(ONE_AT_A_TIME);
    const ran: string[] = [];
    const first = gate();
    const running = limiter.run({}, async () => {
      ran.push('first');
      await first.promise;
    });
    const aborted = new AbortController();
    const second = limiter.run({}, async () => void ran.push('second'), aborted.signal);
    const third = limiter.run({}, async () => void ran.push('third'));
    await until(() => ran.length > 0);
    expect(limiter.waiting).toBe(2);
    const reason = new Error('revoked');
    aborted.abort(reason);
    await expect(second).rejects.toBe(reason);
    expect(limiter.waiting).toBe(1);
    first.open();
    await Promise.all([running, third]);
    expect(ran).toEqual(['first', 'third']);
  });

  it('refuses at once a start whose signal aborted before it asked', async () => {
    const limiter = limiterOf(ONE_AT_A_TIME);
    const reason = new Error('timed out');
    let ran = false;
    await expect(limiter.run({}, async () => void (ran = true), AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(ran).toBe(false);
  });

  it('on stop, rejects every start still waiting and every later one, and lets the running one finish', async () => {
    const limiter = limiterOf(ONE_AT_A_TIME);
    const first = gate();
    const ran: string[] = [];
    const running = limiter.run({}, async () => {
      ran.push('first');
      await first.promise;
      return 'first done';
    });
    const waiting = [1, 2, 3].map((n) => limiter.run({}, async () => void ran.push(`waiting ${n}`)));
    await until(() => ran.length > 0);
    const reason = new Error('shutting down');
    limiter.stop(reason);
    for (const w of waiting) await expect(w).rejects.toBe(reason);
    await expect(limiter.run({}, async () => void ran.push('later'))).rejects.toBe(reason);
    first.open();
    await expect(running).resolves.toBe('first done');
    expect(ran).toEqual(['first']);
  });

  it('with perKey, an aborted start leaves its own key’s line only', async () => {
    const limiter = limiterOf({ ...ONE_AT_A_TIME, perKey: (p) => p.key });
    const ran: string[] = [];
    const a = gate();
    const b = gate();
    const runningA = limiter.run({ key: 'a' }, async () => {
      ran.push('a1');
      await a.promise;
    });
    const runningB = limiter.run({ key: 'b' }, async () => {
      ran.push('b1');
      await b.promise;
    });
    const aborted = new AbortController();
    const a2 = limiter.run({ key: 'a' }, async () => void ran.push('a2'), aborted.signal);
    const b2 = limiter.run({ key: 'b' }, async () => void ran.push('b2'));
    aborted.abort(new Error('revoked'));
    await expect(a2).rejects.toThrow('revoked');
    a.open();
    b.open();
    await Promise.all([runningA, runningB, b2]);
    expect(ran.sort()).toEqual(['a1', 'b1', 'b2']);
  });

  it('after stop, takes no start at once either: tryStart says no with a permit free', () => {
    const limiter = limiterOf({ max: 1000, perMs: 60_000 });
    expect(limiter.tryStart({})).toBe(true);
    limiter.stop(new Error('shutting down'));
    expect(limiter.tryStart({})).toBe(false);
  });

  it('with perKey and maxConcurrent, a start taken at once holds its key’s run until ended, and no other key’s', () => {
    const limiter = limiterOf({ ...ONE_AT_A_TIME, perKey: (p) => p.key });
    expect(limiter.tryStart({ key: 'a' })).toBe(true);
    expect(limiter.tryStart({ key: 'a' })).toBe(false);
    expect(limiter.tryStart({ key: 'b' })).toBe(true);
    limiter.ended({ key: 'a' });
    expect(limiter.tryStart({ key: 'a' })).toBe(true);
  });
});
