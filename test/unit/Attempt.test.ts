import { describe, expect, it, vi } from 'vitest';
import { HandlerTimeoutError, TaskstreamError } from '../../pipeline/errors.js';
import type { Logger } from '../../pipeline/logging/logger.js';
import { Attempt, SUCCEEDED } from '../../pipeline/runtime/Attempt.js';
import type { Job } from '../../pipeline/runtime/PartitionWork.js';

const job = {
  taskId: 'task-1',
  attempt: 2,
  key: 'k',
  record: { topic: 'tasks.ping', partition: 3, offset: '41' },
} as unknown as Job;

function fakeLogger(): Logger {
  const log = { child: vi.fn(() => log) };
  return log as unknown as Logger;
}

const attemptOf = (deadline = 0, onHeartbeat: (job: Job) => void = () => undefined): Attempt =>
  new Attempt(job, deadline, fakeLogger(), onHeartbeat);

const never = (): Promise<void> => new Promise<void>(() => undefined);
const revoked = (): TaskstreamError => new TaskstreamError('SHUTDOWN', 'partition 0 was revoked');

describe('Attempt.run', () => {
  it('gives a synchronous ok outcome when a synchronous handler returns', () => {
    expect(attemptOf().run(() => undefined)).toEqual({ ok: true });
  });

  it('resolves ok when an async handler resolves', async () => {
    await expect(attemptOf().run(async () => undefined)).resolves.toBe(SUCCEEDED);
  });

  it('fails with the same Error when a handler throws a TypeError', () => {
    const thrown = new TypeError('x is not a function');
    const outcome = attemptOf().run(() => {
      throw thrown;
    });
    expect(outcome).toEqual({ ok: false, error: thrown });
  });

  it('fails with the same Error when a handler rejects', async () => {
    const thrown = new Error('rejected');
    await expect(attemptOf().run(() => Promise.reject(thrown))).resolves.toEqual({ ok: false, error: thrown });
  });

  it('turns a thrown string into an Error outcome instead of throwing', () => {
    const outcome = attemptOf().run(() => {
      throw 'oops';
    });
    expect(outcome).toMatchObject({ ok: false, error: expect.any(Error) });
    expect(outcome).toMatchObject({ error: { message: expect.stringMatching(/oops/) } });
  });

  it('turns a rejected undefined into an Error outcome instead of rejecting', async () => {
    const outcome = await attemptOf().run(async () => {
      throw undefined;
    });
    expect(outcome).toMatchObject({ ok: false, error: expect.any(Error) });
    expect(outcome).toMatchObject({ error: { message: expect.stringMatching(/.+/) } });
  });

  it('keeps the deadline it was given', () => {
    expect(attemptOf(1234).deadline).toBe(1234);
  });
});

describe('Attempt.abort', () => {
  it('ends the attempt at once with the reason, even when the handler ignores its signal', async () => {
    const attempt = attemptOf();
    const outcome = attempt.run(never);
    const timeout = new HandlerTimeoutError(30);
    setTimeout(() => attempt.abort(timeout), 30);
    await expect(outcome).resolves.toEqual({ ok: false, error: timeout });
  });

  it("aborts the handler's signal with the reason", () => {
    const attempt = attemptOf();
    let signal: AbortSignal | undefined;
    void attempt.run((ctx) => {
      signal = ctx.signal;
      return never();
    });
    const reason = revoked();
    attempt.abort(reason);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(reason);
  });

  it('hands out an already aborted signal when asked for it after the abort', () => {
    const attempt = attemptOf();
    const reason = revoked();
    attempt.abort(reason);
    expect(attempt.signal.aborted).toBe(true);
    expect(attempt.signal.reason).toBe(reason);
  });

  it('does not start the handler at all when the attempt was aborted while it waited', () => {
    const attempt = attemptOf();
    const reason = revoked();
    attempt.abort(reason);
    let called = false;
    expect(
      attempt.run(() => {
        called = true;
      }),
    ).toEqual({ ok: false, error: reason });
    expect(called).toBe(false);
  });

  it('keeps the first reason when aborted twice', () => {
    const attempt = attemptOf();
    const first = new HandlerTimeoutError(10);
    attempt.abort(first);
    attempt.abort(revoked());
    expect(attempt.signal.reason).toBe(first);
  });

  it('does not change an outcome that was already reached', async () => {
    const attempt = attemptOf();
    const outcome = attempt.run(async () => undefined);
    await outcome;
    attempt.abort(revoked());
    await expect(outcome).resolves.toEqual({ ok: true });
  });
});

describe('Attempt as the task context', () => {
  it("hands the handler itself as context, with the job's id, attempt, key and origin", () => {
    let ctx: unknown;
    attemptOf().run((c) => {
      ctx = c;
    });
    expect(ctx).toMatchObject({
      taskId: 'task-1',
      attempt: 2,
      key: 'k',
      topic: 'tasks.ping',
      partition: 3,
      offset: '41',
    });
  });

  it('reports a heartbeat with its job', () => {
    const onHeartbeat = vi.fn();
    attemptOf(0, onHeartbeat).heartbeat();
    expect(onHeartbeat).toHaveBeenCalledWith(job);
  });

  it('builds its child logger once, on first use, bound to the task', () => {
    const base = fakeLogger();
    const attempt = new Attempt(job, 0, base, () => undefined);
    expect(base.child).not.toHaveBeenCalled();
    expect(attempt.log).toBe(attempt.log);
    expect(base.child).toHaveBeenCalledTimes(1);
    expect(base.child).toHaveBeenCalledWith({ taskId: 'task-1', partition: 3, offset: '41', attempt: 2 });
  });
});
