import { describe, expect, it, vi } from 'vitest';
import { HandlerTimeoutError, TaskstreamError } from '../../pipeline/errors.js';
import type { Logger } from '../../pipeline/logging/logger.js';
import { Attempt, SUCCEEDED, type AttemptOutcome, type AttemptOwner } from '../../pipeline/runtime/Attempt.js';
import type { TaskContext } from '../../pipeline/runtime/TaskContext.js';
import type { Job } from '../../pipeline/runtime/Job.js';

const job = {
  taskId: 'task-1',
  attempt: 2,
  key: 'k',
  record: { topic: 'tasks.ping', partition: 3, offset: '41', headers: {} },
} as unknown as Job;

function fakeLogger(): Logger {
  const log = { child: vi.fn(() => log) };
  return log as unknown as Logger;
}

const attemptOf = (onHeartbeat: (job: Job) => void = () => undefined, ended: AttemptOwner['ended'] = () => undefined) =>
  new Attempt(job, { ended, heartbeat: onHeartbeat }, fakeLogger());

const never = (): Promise<void> => new Promise<void>(() => undefined);

/** Runs a handler that looks only at its context; resolves with the outcome. */
const run = (attempt: Attempt, fn: (ctx: TaskContext) => unknown): Promise<AttemptOutcome> =>
  attempt.run((_payload: undefined, ctx) => fn(ctx), undefined);

/** The outcome if `start` delivered it before returning, else 'pending'. */
function startNow(attempt: Attempt, fn: (ctx: TaskContext) => unknown): AttemptOutcome | 'pending' {
  let outcome: AttemptOutcome | 'pending' = 'pending';
  attempt.start(
    (_payload: undefined, ctx) => fn(ctx),
    undefined,
    (o) => (outcome = o),
  );
  return outcome;
}
const revoked = (): TaskstreamError => new TaskstreamError('SHUTDOWN', 'partition 0 was revoked');

describe('Attempt.start', () => {
  it('gives a synchronous ok outcome when a synchronous handler returns', () => {
    expect(startNow(attemptOf(), () => undefined)).toEqual({ ok: true });
  });

  it('resolves ok when an async handler resolves', async () => {
    await expect(run(attemptOf(), async () => undefined)).resolves.toBe(SUCCEEDED);
  });

  it('fails with the same Error when a handler throws a TypeError', () => {
    const thrown = new TypeError('x is not a function');
    const outcome = startNow(attemptOf(), () => {
      throw thrown;
    });
    expect(outcome).toEqual({ ok: false, error: thrown });
  });

  it('fails with the same Error when a handler rejects', async () => {
    const thrown = new Error('rejected');
    await expect(run(attemptOf(), () => Promise.reject(thrown))).resolves.toEqual({ ok: false, error: thrown });
  });

  it('turns a thrown string into an Error outcome instead of throwing', () => {
    const outcome = startNow(attemptOf(), () => {
      throw 'oops';
    });
    expect(outcome).toMatchObject({ ok: false, error: expect.any(Error) });
    expect(outcome).toMatchObject({ error: { message: expect.stringMatching(/oops/) } });
  });

  it('turns a rejected undefined into an Error outcome instead of rejecting', async () => {
    const outcome = await run(attemptOf(), async () => {
      throw undefined;
    });
    expect(outcome).toMatchObject({ ok: false, error: expect.any(Error) });
    expect(outcome).toMatchObject({ error: { message: expect.stringMatching(/.+/) } });
  });

  it('reports its result to its owner, with itself', () => {
    const ended = vi.fn();
    const attempt = attemptOf(undefined, ended);
    attempt.report({ kind: 'completed' });
    expect(ended).toHaveBeenCalledWith(attempt, { kind: 'completed' });
  });

  it('hands the outcome callback the attempt too, so one callback serves every attempt', () => {
    const attempt = attemptOf();
    let seen: Attempt | undefined;
    attempt.start(
      () => undefined,
      undefined,
      (_outcome, a) => (seen = a),
    );
    expect(seen).toBe(attempt);
  });
});

describe('Attempt.abort', () => {
  it('ends the attempt at once with the reason, even when the handler ignores its signal', async () => {
    const attempt = attemptOf();
    const outcome = run(attempt, never);
    const timeout = new HandlerTimeoutError(30);
    setTimeout(() => attempt.abort(timeout), 30);
    await expect(outcome).resolves.toEqual({ ok: false, error: timeout });
  });

  it("aborts the handler's signal with the reason", () => {
    const attempt = attemptOf();
    let signal: AbortSignal | undefined;
    void run(attempt, (ctx) => {
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
      startNow(attempt, () => {
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

  it('delivers an outcome exactly once: an abort after the handler resolved changes nothing', async () => {
    const attempt = attemptOf();
    const done = vi.fn();
    attempt.start(async () => undefined, undefined, done);
    await new Promise((r) => setImmediate(r));
    attempt.abort(revoked());
    expect(done).toHaveBeenCalledTimes(1);
    expect(done).toHaveBeenCalledWith({ ok: true }, attempt);
  });

  it('delivers an outcome exactly once: a handler resolving after the abort changes nothing', async () => {
    const attempt = attemptOf();
    const done = vi.fn();
    let finish: () => void = () => undefined;
    attempt.start(() => new Promise<void>((r) => (finish = r)), undefined, done);
    const reason = revoked();
    attempt.abort(reason);
    finish();
    await new Promise((r) => setImmediate(r));
    expect(done).toHaveBeenCalledTimes(1);
    expect(done).toHaveBeenCalledWith({ ok: false, error: reason }, attempt);
  });
});

describe('Attempt as the task context', () => {
  it("hands the handler itself as context, with the job's id, attempt, key and origin", () => {
    let ctx: unknown;
    startNow(attemptOf(), (c) => {
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
    attemptOf(onHeartbeat).heartbeat();
    expect(onHeartbeat).toHaveBeenCalledWith(job);
  });

  it('keeps no progress until the handler reports some', () => {
    expect(attemptOf().progressed).toBeUndefined();
  });

  it('keeps the last progress the handler reported, with its total and time', () => {
    const attempt = attemptOf();
    attempt.progress(10, 100);
    attempt.progress(20, 100);
    expect(attempt.progressed).toEqual({ done: 20, total: 100, at: expect.any(Number) });
  });

  it('keeps progress without a total when the handler does not know it', () => {
    const attempt = attemptOf();
    attempt.progress(3);
    expect(attempt.progressed).toMatchObject({ done: 3, total: undefined });
  });

  it('refuses progress that is not a count, naming the values', () => {
    expect(() => attemptOf().progress(Number.NaN, 10)).toThrow(
      'ctx.progress(done, total) takes numbers of 0 or more, got (NaN, 10)',
    );
    expect(() => attemptOf().progress(1, -1)).toThrow(RangeError);
  });

  it('builds its child logger once, on first use, bound to the task', () => {
    const base = fakeLogger();
    const attempt = new Attempt(job, { ended: () => undefined, heartbeat: () => undefined }, base);
    expect(base.child).not.toHaveBeenCalled();
    expect(attempt.log).toBe(attempt.log);
    expect(base.child).toHaveBeenCalledTimes(1);
    expect(base.child).toHaveBeenCalledWith({ taskId: 'task-1', partition: 3, offset: '41', attempt: 2 });
  });

  it("binds the task's traceparent to its logger and shows it as ctx.traceparent", () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const traced = { ...job, record: { ...job.record, headers: { traceparent } } } as unknown as Job;
    const base = fakeLogger();
    const attempt = new Attempt(traced, { ended: () => undefined, heartbeat: () => undefined }, base);
    expect(attempt.traceparent).toBe(traceparent);
    void attempt.log;
    expect(base.child).toHaveBeenCalledWith(expect.objectContaining({ traceparent }));
  });
});
