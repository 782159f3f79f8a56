// Guarantee: a thread pool runs a TypeScript thread file's function in worker threads, hands back its result
// or its error with class name, code and retriable flag intact, stops a call when its signal aborts (a
// running call by terminating its thread), and keeps CPU-heavy work off the event loop.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, UnrecoverableError, isRetriable } from '../../pipeline/errors.js';
import { createLogger } from '../../pipeline/logging/logger.js';
import { decideFailure, retryPolicy } from '../../pipeline/retry/RetryPolicy.js';
import { ThreadPool } from '../../pipeline/threads/ThreadPool.js';
import { threadPool, type ThreadFunction } from '../../pipeline/threads/ThreadPoolSpec.js';
import type * as fixtures from '../support/fixtures/threadFunctions.js';

const FILE = new URL('../support/fixtures/threadFunctions.ts', import.meta.url);
const log = createLogger().child({}, { level: 'silent' });
const pools: ThreadPool[] = [];

async function start<F extends ThreadFunction>(exportName: string, size = 1): Promise<ThreadPool<F>> {
  const pool = await ThreadPool.start(threadPool<F>(FILE, { export: exportName, size }), log);
  pools.push(pool);
  return pool;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

/**
 * Whether the event loop turned (ran an immediate callback queued just before) while `work` ran. Work on the
 * main thread holds the loop until it ends, so it never turns; a thread's second of computing leaves it free.
 * An order of events, not a timing, so a busy machine cannot make it flaky.
 */
async function loopTurnedDuring(work: () => Promise<unknown> | unknown): Promise<boolean> {
  let turned = false;
  setImmediate(() => (turned = true));
  await work();
  return turned;
}

describe('ThreadPool', () => {
  it('runs the exported function of a TypeScript file in a worker thread and returns its result', async () => {
    const where = await start<typeof fixtures.whichThread>('whichThread');
    const twice = await start<typeof fixtures.double>('double');
    expect(await where.run(undefined)).toBeGreaterThan(0);
    expect(await twice.run(21)).toBe(42);
  });

  it("rejects a running call with its signal's reason at once, and terminates its thread", async () => {
    const compute = await start<typeof fixtures.compute>('compute', 1);
    const reason = new Error('timed out');
    const controller = new AbortController();
    const running = compute.run(60_000, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 100);
    await expect(running).rejects.toBe(reason);
    // The pool's only thread would compute for another minute had it not been replaced.
    expect(await compute.run(1)).toBeGreaterThanOrEqual(0);
  });

  it('drops a call still waiting for a thread when its signal aborts, and the running call finishes', async () => {
    const compute = await start<typeof fixtures.compute>('compute', 1);
    const first = compute.run(300);
    const controller = new AbortController();
    const waiting = compute.run(300, { signal: controller.signal });
    controller.abort(new Error('shutdown'));
    await expect(waiting).rejects.toThrow('shutdown');
    expect(await first).toBeGreaterThan(0);
  });

  it('keeps the event loop turning while its threads compute for a second each', async () => {
    const compute = await start<typeof fixtures.compute>('compute', 2);
    expect(await loopTurnedDuring(() => Promise.all([compute.run(1000), compute.run(1000)]))).toBe(true);
  });

  it('(control) the same computation on the main thread holds the event loop until it ends', async () => {
    const { compute } = await import('../support/fixtures/threadFunctions.js');
    expect(await loopTurnedDuring(() => compute(1000))).toBe(false);
  });
});

describe('ThreadPool errors', () => {
  // One pool for these: a thrown error leaves its thread as it was.
  let fail: ThreadPool<typeof fixtures.fail>;
  beforeAll(async () => {
    fail = await ThreadPool.start(threadPool<typeof fixtures.fail>(FILE, { export: 'fail', size: 1 }), log);
  });
  afterAll(() => fail.close());

  it("brings back a thread's own error class by name, with its code, retriable flag and fields", async () => {
    const err = await fail.run('own-class').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect(err).toMatchObject({
      name: 'PictureBrokenError',
      message: 'the picture is broken',
      code: 'UNRECOVERABLE',
      retriable: false,
      pixels: 42,
    });
    expect((err as Error).stack).toContain('threadFunctions.ts');
    expect(decideFailure(err, 1, retryPolicy({ maxAttempts: 3 }))).toEqual({ kind: 'dead-letter' });
  });

  it('brings back a standard error as its class and a plain error with its code and retriable flag', async () => {
    expect(await fail.run('type-error').catch((e: unknown) => e)).toBeInstanceOf(TypeError);
    const coded = await fail.run('coded').catch((e: unknown) => e);
    expect(coded).toMatchObject({ name: 'Error', message: 'disk full', code: 'ENOSPC', retriable: true });
    expect(isRetriable(coded)).toBe(true);
  });

  it('brings back a thrown non-Error as an Error that keeps retriable: false', async () => {
    expect(await fail.run('string').catch((e: unknown) => e)).toMatchObject({
      name: 'NonErrorThrown',
      message: 'non-Error thrown: "just a string"',
    });
    const object = await fail.run('plain-object').catch((e: unknown) => e);
    expect(object).toBeInstanceOf(Error);
    expect(isRetriable(object)).toBe(false);
  });

  it("brings back an error's cause", async () => {
    const err = await fail.run('with-cause').catch((e: unknown) => e);
    expect((err as Error).cause).toBeInstanceOf(RangeError);
    expect((err as Error).cause).toMatchObject({ message: 'inner' });
  });
});

describe('ThreadPool.start', () => {
  it('fails with a ConfigError when the thread file does not exist', async () => {
    const spec = threadPool(new URL('./no-such-file.ts', import.meta.url));
    await expect(ThreadPool.start(spec, log)).rejects.toThrow(ConfigError);
    await expect(ThreadPool.start(spec, log)).rejects.toThrow(/no-such-file\.ts not found/);
  });

  it('fails with a ConfigError naming the export when the file does not export it', async () => {
    const spec = threadPool(FILE, { export: 'resize', size: 1 });
    const err = await ThreadPool.start(spec, log).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/exports no function named "resize" \(it exports: .*double/);
  });
});

describe('threadPool', () => {
  it('takes an absolute path or a file: URL, not a relative path', () => {
    expect(threadPool('/srv/app/resize.js').file).toBe('file:///srv/app/resize.js');
    expect(() => threadPool('./resize.js')).toThrow(/new URL\('\.\/resize\.js', import\.meta\.url\)/);
    expect(() => threadPool(new URL('https://example.com/resize.js'))).toThrow(ConfigError);
  });

  it('sizes the pool at the cores less one, at least one thread, and refuses a size below 1', () => {
    expect(threadPool(FILE).size).toBeGreaterThanOrEqual(1);
    expect(() => threadPool(FILE, { size: 0 })).toThrow(/size must be a positive integer/);
    expect(() => threadPool(FILE, { size: 1.5 })).toThrow(ConfigError);
  });
});
