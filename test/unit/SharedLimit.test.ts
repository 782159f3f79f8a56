import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SharedLimit } from '../../pipeline/ratelimit/SharedLimit.js';
import type { Grant, PermitSource } from '../../pipeline/ratelimit/SharedWindow.js';

/** Stands in for Redis: each ask waits until the test answers it. */
class AskedSource implements PermitSource {
  readonly asks: { want: number; answer: (grant: Grant) => void; fail: (err: Error) => void }[] = [];
  take(_key: string, want: number): Promise<Grant> {
    return new Promise((answer, fail) => this.asks.push({ want, answer, fail }));
  }
  answer(granted: number, msLeft = 1000, window = 1): void {
    this.asks.shift()?.answer({ granted, window, msLeft });
  }
}

/** A start per name, each recording its name when it starts. */
function startMany(limit: SharedLimit, names: string[], ran: string[], signal?: AbortSignal): Promise<void>[] {
  return names.map((name) => limit.run(async () => void ran.push(name), signal));
}

/** A shared limit of one key on an AskedSource, and the names of the starts it let go. */
function sharedLimit(batchMax = 1000): { source: AskedSource; limit: SharedLimit; ran: string[] } {
  const source = new AskedSource();
  return { source, limit: new SharedLimit(source, 'k', batchMax), ran: [] };
}

const names = (n: number, prefix = 't'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_000_000);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SharedLimit', () => {
  it('asks once for the starts that come while an ask is out: 50 starts, two asks', async () => {
    const { source, limit, ran } = sharedLimit();
    startMany(limit, names(50), ran);
    expect(source.asks.map((a) => a.want)).toEqual([2]);
    source.answer(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(ran).toEqual(['t0', 't1']);
    // The 48 left make one batch, asked with room for as many more.
    expect(source.asks.map((a) => a.want)).toEqual([96]);
    source.answer(96);
    await vi.advanceTimersByTimeAsync(0);
    expect(ran).toEqual(names(50));
    expect(source.asks).toEqual([]);
  });

  it('asks for no more than its batch bound however many wait', async () => {
    const { source, limit } = sharedLimit(10);
    startMany(limit, names(1), []);
    startMany(limit, names(30), []);
    source.answer(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(source.asks.map((a) => a.want)).toEqual([10]);
  });

  it('starts at once with a permit left over', async () => {
    const { source, limit, ran } = sharedLimit();
    startMany(limit, ['a'], ran);
    source.answer(4);
    await vi.advanceTimersByTimeAsync(0);
    startMany(limit, ['b'], ran);
    expect(ran).toEqual(['a', 'b']);
    expect(source.asks).toEqual([]);
  });

  it('asks for the next batch, twice the last, when the permits held fall below half of the last', async () => {
    const { source, limit, ran } = sharedLimit();
    startMany(limit, ['a'], ran);
    source.answer(10);
    await vi.advanceTimersByTimeAsync(0);
    // 9 held: 4 more starts leave 5, half of the last batch.
    startMany(limit, names(4), ran);
    expect(source.asks).toEqual([]);
    startMany(limit, ['x'], ran);
    expect(source.asks.map((a) => a.want)).toEqual([20]);
    expect(ran).toEqual(['a', ...names(4), 'x']);
  });

  it('drops the permits left when their window ends: a start after it asks again', async () => {
    const { source, limit, ran } = sharedLimit();
    startMany(limit, ['a'], ran);
    source.answer(10, 100);
    await vi.advanceTimersByTimeAsync(100);
    startMany(limit, ['b'], ran);
    expect(ran).toEqual(['a']);
    expect(source.asks.map((a) => a.want)).toEqual([2]);
  });

  it('with the window spent, asks again only when the next one opens', async () => {
    const { source, limit, ran } = sharedLimit();
    startMany(limit, ['a'], ran);
    source.answer(0, 300);
    await vi.advanceTimersByTimeAsync(299);
    expect(source.asks).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(source.asks.map((a) => a.want)).toEqual([2]);
    source.answer(2, 1000, 2);
    await vi.advanceTimersByTimeAsync(0);
    expect(ran).toEqual(['a']);
  });

  it('takes a start whose signal aborts out of the line at once; the permit it was asked for serves a later one', async () => {
    const { source, limit, ran } = sharedLimit();
    const aborted = new AbortController();
    const [a] = startMany(limit, ['a'], ran, aborted.signal);
    const reason = new Error('revoked');
    aborted.abort(reason);
    await expect(a).rejects.toBe(reason);
    source.answer(2);
    await vi.advanceTimersByTimeAsync(0);
    startMany(limit, ['b'], ran);
    expect(ran).toEqual(['b']);
  });

  it('rejects the starts waiting with the error when Redis fails', async () => {
    const { source, limit, ran } = sharedLimit();
    const waiting = startMany(limit, ['a', 'b'], ran);
    const down = new Error('ECONNREFUSED');
    source.asks.shift()?.fail(down);
    for (const w of waiting) await expect(w).rejects.toBe(down);
    expect(ran).toEqual([]);
  });

  it('on stop, rejects every waiting start and starts none when the ask out comes back', async () => {
    const { source, limit, ran } = sharedLimit();
    const waiting = startMany(limit, ['a', 'b'], ran);
    const reason = new Error('shutting down');
    limit.stop(reason);
    for (const w of waiting) await expect(w).rejects.toBe(reason);
    source.answer(4);
    await vi.advanceTimersByTimeAsync(0);
    expect(ran).toEqual([]);
  });
});
