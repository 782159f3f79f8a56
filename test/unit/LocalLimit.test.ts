import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalLimit } from '../../pipeline/ratelimit/LocalLimit.js';

/** The start of a window of 1,000 ms (windows are aligned on the clock). */
const WINDOW_START = 1_000_000;

/** A start per name, each recording its name when it starts. */
function startMany(limit: LocalLimit, names: string[], ran: string[], signal?: AbortSignal): Promise<void>[] {
  return names.map((name) => limit.run(async () => void ran.push(name), signal));
}

/** Work that ends when the test says so. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(WINDOW_START);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LocalLimit', () => {
  it('starts at most max in a window, and the rest in order when the next window opens', async () => {
    const limit = new LocalLimit(3, 1000, undefined);
    const ran: string[] = [];
    const runs = startMany(limit, ['a', 'b', 'c', 'd', 'e'], ran);
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(limit.waiting).toBe(2);
    await vi.advanceTimersByTimeAsync(999);
    expect(ran).toEqual(['a', 'b', 'c']);
    await vi.advanceTimersByTimeAsync(1);
    expect(ran).toEqual(['a', 'b', 'c', 'd', 'e']);
    await Promise.all(runs);
  });

  it('starts with a permit free before run returns, with no wait', () => {
    const limit = new LocalLimit(1, 1000, undefined);
    const ran: string[] = [];
    void limit.run(async () => void ran.push('now'), undefined);
    expect(ran).toEqual(['now']);
  });

  it('forgets a window’s count when it ends: starts late in one window take nothing from the next', async () => {
    const limit = new LocalLimit(2, 1000, undefined);
    const ran: string[] = [];
    vi.setSystemTime(WINDOW_START + 999);
    startMany(limit, ['a', 'b', 'c'], ran);
    expect(ran).toEqual(['a', 'b']);
    await vi.advanceTimersByTimeAsync(1);
    startMany(limit, ['d'], ran);
    expect(ran).toEqual(['a', 'b', 'c', 'd']);
    startMany(limit, ['e'], ran);
    expect(ran).toEqual(['a', 'b', 'c', 'd']);
  });

  it('with maxConcurrent, lets a waiting start go when a run ends, not before', async () => {
    const limit = new LocalLimit(1000, 1000, 2);
    const ran: string[] = [];
    const first = gate();
    const second = gate();
    void limit.run(async () => {
      ran.push('a');
      await first.promise;
    }, undefined);
    void limit.run(async () => {
      ran.push('b');
      await second.promise;
    }, undefined);
    const third = limit.run(async () => void ran.push('c'), undefined);
    await vi.advanceTimersByTimeAsync(5000);
    expect(ran).toEqual(['a', 'b']);
    first.open();
    await third;
    expect(ran).toEqual(['a', 'b', 'c']);
  });

  it('with maxConcurrent, counts a run taken by tryStart until ended() says it ended', () => {
    const limit = new LocalLimit(1000, 1000, 1);
    expect(limit.tryStart()).toBe(true);
    expect(limit.tryStart()).toBe(false);
    limit.ended();
    expect(limit.tryStart()).toBe(true);
  });

  it('does not let tryStart take a permit before a start already waiting for it', async () => {
    const limit = new LocalLimit(1, 1000, undefined);
    const ran: string[] = [];
    startMany(limit, ['a', 'b'], ran);
    // The next window has opened, and its timer has not fired yet: its permit is the waiting start's.
    vi.setSystemTime(WINDOW_START + 1000);
    expect(limit.tryStart()).toBe(false);
    await vi.runOnlyPendingTimersAsync();
    expect(ran).toEqual(['a', 'b']);
  });

  it('takes a start whose signal aborts out of the line at once, and its turn goes to the next', async () => {
    const limit = new LocalLimit(1, 1000, undefined);
    const ran: string[] = [];
    startMany(limit, ['a'], ran);
    const aborted = new AbortController();
    const [b] = startMany(limit, ['b'], ran, aborted.signal);
    const [c] = startMany(limit, ['c'], ran);
    const reason = new Error('revoked');
    aborted.abort(reason);
    await expect(b).rejects.toBe(reason);
    expect(limit.waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    await c;
    expect(ran).toEqual(['a', 'c']);
  });

  it('on stop, rejects every waiting start and starts none of them when the window opens', async () => {
    const limit = new LocalLimit(1, 1000, undefined);
    const ran: string[] = [];
    startMany(limit, ['a'], ran);
    const waiting = startMany(limit, ['b', 'c'], ran);
    const reason = new Error('shutting down');
    limit.stop(reason);
    for (const w of waiting) await expect(w).rejects.toBe(reason);
    await vi.advanceTimersByTimeAsync(5000);
    expect(ran).toEqual(['a']);
  });

  it('is idle only once nothing waits or runs and its window counts no start', async () => {
    const limit = new LocalLimit(1, 1000, 1);
    expect(limit.idle(Date.now())).toBe(true);
    const running = gate();
    const run = limit.run(() => running.promise, undefined);
    running.open();
    await run;
    expect(limit.idle(Date.now())).toBe(false);
    expect(limit.idle(WINDOW_START + 1000)).toBe(true);
  });
});
