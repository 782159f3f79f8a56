// Guarantee: a shared rate limit holds across instances through Redis, whatever their batches: never more than
// `max` starts in one window of `perMs` (windows aligned on the clock), per key with perKey, and never more than
// `maxConcurrent` running at once with it.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { TaskRateLimiter } from '../../../pipeline/ratelimit/TaskRateLimiter.js';
import type { RateLimitOptions } from '../../../pipeline/task/defineTask.js';
import { onCleanup, uniqueName } from '../../support/resources.js';
import { services } from '../../support/services.js';

type Payload = { key: string };

/** Two limiters of one task type, each with its own Redis client, as two worker instances have. */
function twoInstances(options: RateLimitOptions<Payload>): TaskRateLimiter[] {
  const name = uniqueName('rate');
  return [1, 2].map(() => {
    const limiter = new TaskRateLimiter(name, options as RateLimitOptions, new Redis(services().redisUrl));
    onCleanup(() => limiter.close());
    return limiter;
  });
}

/** Starts by window (the window a start falls in on the clock: Redis's clock is this host's). */
function startsPerWindow(starts: number[], perMs: number): number[] {
  const counts = new Map<number, number>();
  for (const at of starts) counts.set(Math.floor(at / perMs), (counts.get(Math.floor(at / perMs)) ?? 0) + 1);
  return [...counts.values()];
}

describe('shared rate limiter', () => {
  it('never lets two instances start more than max in one window between them', async () => {
    // Batches of up to max / 20 = 5 permits.
    const max = 100;
    const perMs = 250;
    const limiters = twoInstances({ max, perMs, shared: true });
    const starts: number[] = [];
    const runs = limiters.flatMap((limiter) =>
      Array.from({ length: 500 }, () => limiter.run({ key: 'k' }, async () => void starts.push(Date.now()))),
    );
    await Promise.all(runs);
    expect(starts).toHaveLength(1000);
    expect(Math.max(...startsPerWindow(starts, perMs))).toBeLessThanOrEqual(max);
  });

  it('does not carry a permit left over in one window into the next', async () => {
    // Batches of up to 2: one start alone asks for 2 and keeps one.
    const max = 40;
    const perMs = 1000;
    const [a, b] = twoInstances({ max, perMs, shared: true }) as [TaskRateLimiter, TaskRateLimiter];
    const starts: number[] = [];
    const start = async (): Promise<void> => void starts.push(Date.now());
    await a.run({ key: 'k' }, start);
    // The next window: b fills it, then a starts once more, with the permit it kept from the last one in hand.
    await new Promise((resolve) => setTimeout(resolve, perMs - (Date.now() % perMs) + 5));
    await Promise.all(Array.from({ length: max }, () => b.run({ key: 'k' }, start)));
    await a.run({ key: 'k' }, start);
    expect(starts).toHaveLength(max + 2);
    expect(Math.max(...startsPerWindow(starts, perMs))).toBeLessThanOrEqual(max);
  });

  it('with perKey, holds max per window for each key across instances', async () => {
    const max = 10;
    const perMs = 250;
    const limiters = twoInstances({ max, perMs, shared: true, perKey: (p) => p.key });
    const starts: { at: number; key: string }[] = [];
    const runs = limiters.flatMap((limiter) =>
      Array.from({ length: 60 }, (_, i) => {
        const key = i % 2 === 0 ? 'tenant-a' : 'tenant-b';
        return limiter.run({ key }, async () => void starts.push({ at: Date.now(), key }));
      }),
    );
    await Promise.all(runs);
    expect(starts).toHaveLength(120);
    for (const key of ['tenant-a', 'tenant-b']) {
      const perWindow = startsPerWindow(
        starts.filter((s) => s.key === key).map((s) => s.at),
        perMs,
      );
      expect(Math.max(...perWindow), key).toBeLessThanOrEqual(max);
    }
  });

  it('with maxConcurrent, never has more running at once across instances, and keeps the rate', async () => {
    const max = 20;
    const perMs = 250;
    const maxConcurrent = 3;
    const limiters = twoInstances({ max, perMs, maxConcurrent, shared: true });
    const starts: number[] = [];
    let running = 0;
    let mostRunning = 0;
    const work = async (): Promise<void> => {
      starts.push(Date.now());
      running++;
      mostRunning = Math.max(mostRunning, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    };
    await Promise.all(limiters.flatMap((limiter) => Array.from({ length: 30 }, () => limiter.run({ key: 'k' }, work))));
    expect(starts).toHaveLength(60);
    expect(mostRunning).toBeLessThanOrEqual(maxConcurrent);
    expect(Math.max(...startsPerWindow(starts, perMs))).toBeLessThanOrEqual(max);
  });
});
