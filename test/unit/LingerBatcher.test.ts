import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LingerBatcher } from '../../pipeline/producer/LingerBatcher.js';

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A flush that answers each item with `<item>!` and records the batches it got. */
function echoFlush() {
  return vi.fn(async (items: readonly string[]) => items.map((i) => `${i}!`));
}

/** A flush whose batches finish only when the test says so. */
function manualFlush() {
  const pending: { items: readonly string[]; done: Deferred<readonly string[]> }[] = [];
  const flush = vi.fn((items: readonly string[]) => {
    const done = deferred<readonly string[]>();
    pending.push({ items, done });
    return done.promise;
  });
  const finish = (index: number): void => {
    const batch = pending[index] as (typeof pending)[number];
    batch.done.resolve(batch.items.map((i) => `${i}!`));
  };
  return { flush, pending, finish };
}

describe('LingerBatcher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('does not flush before lingerMs has passed', async () => {
    const flush = echoFlush();
    const batcher = new LingerBatcher({ lingerMs: 10, maxBatch: 100 }, flush);
    void batcher.add('a');
    await vi.advanceTimersByTimeAsync(9);
    expect(flush).not.toHaveBeenCalled();
  });

  it('sends items added within lingerMs in one flush', async () => {
    const flush = echoFlush();
    const batcher = new LingerBatcher({ lingerMs: 10, maxBatch: 100 }, flush);
    const results = Promise.all([batcher.add('a'), batcher.add('b'), batcher.add('c')]);
    await vi.advanceTimersByTimeAsync(10);
    expect(flush).toHaveBeenCalledTimes(1);
    expect(flush).toHaveBeenCalledWith(['a', 'b', 'c']);
    await expect(results).resolves.toEqual(['a!', 'b!', 'c!']);
  });

  it('lets the first item wait at most lingerMs, however many follow it', async () => {
    const flush = echoFlush();
    const batcher = new LingerBatcher({ lingerMs: 10, maxBatch: 100 }, flush);
    void batcher.add('a');
    await vi.advanceTimersByTimeAsync(6);
    void batcher.add('b');
    await vi.advanceTimersByTimeAsync(4);
    expect(flush).toHaveBeenCalledWith(['a', 'b']);
  });

  it('flushes at once when maxBatch items are queued', async () => {
    const flush = echoFlush();
    const batcher = new LingerBatcher({ lingerMs: 60_000, maxBatch: 3 }, flush);
    const results = Promise.all([batcher.add('a'), batcher.add('b'), batcher.add('c')]);
    expect(flush).toHaveBeenCalledWith(['a', 'b', 'c']);
    await expect(results).resolves.toEqual(['a!', 'b!', 'c!']);
  });

  it('never puts more than maxBatch items in one flush', async () => {
    const flush = echoFlush();
    const batcher = new LingerBatcher({ lingerMs: 10, maxBatch: 2 }, flush);
    for (const item of ['a', 'b', 'c', 'd', 'e']) void batcher.add(item);
    await batcher.drain();
    expect(flush.mock.calls.map(([items]) => items)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('runs one flush at a time: items added during a flush go in the next one', async () => {
    const { flush, pending, finish } = manualFlush();
    const batcher = new LingerBatcher({ lingerMs: 10, maxBatch: 2 }, flush);
    void batcher.add('a');
    void batcher.add('b');
    void batcher.add('c');
    void batcher.add('d');
    await vi.advanceTimersByTimeAsync(100);
    expect(flush).toHaveBeenCalledTimes(1);
    finish(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(flush).toHaveBeenCalledTimes(2);
    expect(pending[1]?.items).toEqual(['c', 'd']);
  });

  it('sends what arrived during a flush as soon as that flush ends', async () => {
    const { flush, pending, finish } = manualFlush();
    const batcher = new LingerBatcher({ lingerMs: 1000, maxBatch: 1 }, flush);
    void batcher.add('a');
    void batcher.add('b');
    finish(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(pending[1]?.items).toEqual(['b']);
  });

  it("rejects exactly the failed batch's promises with the flush error", async () => {
    const failure = new Error('broker down');
    const flush = vi.fn(async (items: readonly string[]) => items.map((i) => `${i}!`)).mockRejectedValueOnce(failure);
    const batcher = new LingerBatcher({ lingerMs: 10, maxBatch: 2 }, flush);
    const outcomes = Promise.allSettled(['a', 'b', 'c', 'd'].map((item) => batcher.add(item)));
    await batcher.drain();
    expect(await outcomes).toEqual([
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
      { status: 'fulfilled', value: 'c!' },
      { status: 'fulfilled', value: 'd!' },
    ]);
  });

  it('rejects the batch, not add(), when the flush function throws synchronously', async () => {
    const failure = new Error('sync throw');
    const batcher = new LingerBatcher<string, string>({ lingerMs: 10, maxBatch: 1 }, () => {
      throw failure;
    });
    await expect(batcher.add('a')).rejects.toBe(failure);
  });

  it('drain() sends queued items without waiting for lingerMs', async () => {
    const flush = echoFlush();
    const batcher = new LingerBatcher({ lingerMs: 60_000, maxBatch: 100 }, flush);
    const result = batcher.add('a');
    await batcher.drain();
    expect(flush).toHaveBeenCalledWith(['a']);
    await expect(result).resolves.toBe('a!');
  });

  it('drain() waits for the running flush and for what queued behind it', async () => {
    const { flush, finish } = manualFlush();
    const batcher = new LingerBatcher({ lingerMs: 10, maxBatch: 1 }, flush);
    void batcher.add('a');
    void batcher.add('b');
    let drained = false;
    const draining = batcher.drain().then(() => {
      drained = true;
    });
    finish(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(drained).toBe(false);
    finish(1);
    await draining;
    expect(flush).toHaveBeenCalledTimes(2);
  });

  it('drain() resolves at once when nothing is queued', async () => {
    const flush = echoFlush();
    await new LingerBatcher({ lingerMs: 10, maxBatch: 10 }, flush).drain();
    expect(flush).not.toHaveBeenCalled();
  });

  it('drain() resolves even when a flush fails', async () => {
    const batcher = new LingerBatcher<string, string>({ lingerMs: 10, maxBatch: 10 }, async () => {
      throw new Error('nope');
    });
    const result = batcher.add('a').catch(() => 'rejected');
    await batcher.drain();
    await expect(result).resolves.toBe('rejected');
  });
});
