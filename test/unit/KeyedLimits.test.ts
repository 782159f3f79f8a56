import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeyedLimits } from '../../pipeline/ratelimit/KeyedLimits.js';
import { LocalLimit } from '../../pipeline/ratelimit/LocalLimit.js';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_000_000);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('KeyedLimits', () => {
  it('gives each key a limit of its own', () => {
    const limits = new KeyedLimits(() => new LocalLimit(1, 1000, undefined), 1000);
    expect(limits.of('a').tryStart()).toBe(true);
    expect(limits.of('a').tryStart()).toBe(false);
    expect(limits.of('b').tryStart()).toBe(true);
  });

  it('forgets the limits of keys gone idle, on a start after the sweep interval', async () => {
    const limits = new KeyedLimits(() => new LocalLimit(5, 1000, undefined), 1000);
    for (let i = 0; i < 100; i++) limits.of(`tenant-${i}`).tryStart();
    expect(limits.size).toBe(100);
    await vi.advanceTimersByTimeAsync(1000);
    limits.of('tenant-new');
    expect(limits.size).toBe(1);
  });

  it('keeps a key’s limit while its window still counts starts, so the limit holds across a sweep', async () => {
    const limits = new KeyedLimits(() => new LocalLimit(1, 5000, undefined), 1000);
    expect(limits.of('a').tryStart()).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    limits.of('b');
    expect(limits.size).toBe(2);
    expect(limits.of('a').tryStart()).toBe(false);
  });
});
