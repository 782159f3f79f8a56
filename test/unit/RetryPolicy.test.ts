import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConfigError,
  DecodeError,
  HandlerTimeoutError,
  RegistryUnavailableError,
  TaskstreamError,
  TlsError,
  UnrecoverableError,
} from '../../pipeline/errors.js';
import { LockBusyError, LockUnavailableError } from '../../pipeline/errors.js';
import { backoffMs, decideFailure, retryPolicy } from '../../pipeline/retry/RetryPolicy.js';

const policy = retryPolicy({ maxAttempts: 3, minDelayMs: 100, maxDelayMs: 10_000 });
const top = (): number => 1;

describe('decideFailure: the table in its doc comment', () => {
  describe('registry unreachable', () => {
    it('retries without consuming an attempt', () => {
      const action = decideFailure(new RegistryUnavailableError('http://registry'), 1, policy, top);
      expect(action).toEqual({ kind: 'retry', delayMs: 100, consumesAttempt: false });
    });

    it('never dead-letters, even with every attempt used', () => {
      const action = decideFailure(new RegistryUnavailableError('http://registry'), 50, policy, top);
      expect(action).toMatchObject({ kind: 'retry', consumesAttempt: false });
    });

    it('backs off as for attempt 6 at most', () => {
      const wide = retryPolicy({ minDelayMs: 100, maxDelayMs: 1_000_000 });
      const action = decideFailure(new RegistryUnavailableError('http://registry'), 40, wide, top);
      expect(action).toMatchObject({ delayMs: 100 * 2 ** 5 });
    });
  });

  describe('aborted by shutdown or a revoked partition', () => {
    it('is left to be run again (in place, no attempt used), never dead-lettered, whatever the attempt', () => {
      const shutdown = new TaskstreamError('SHUTDOWN', 'worker is shutting down');
      expect(decideFailure(shutdown, 1, policy, top)).toEqual({ kind: 'retry', delayMs: 0, consumesAttempt: false });
      expect(decideFailure(shutdown, 99, policy, top)).toEqual({ kind: 'retry', delayMs: 0, consumesAttempt: false });
    });
  });

  describe('a service refusing our credentials or TLS', () => {
    it('waits in place without consuming an attempt, and never dead-letters, like an outage', () => {
      for (const err of [
        new AuthenticationError('schema registry', 'https://registry', 'HTTP 401', 'check the login'),
        new TlsError('schema registry', 'https://registry', 'self-signed certificate', 'give the CA'),
      ]) {
        expect(decideFailure(err, 50, policy, top)).toEqual({ kind: 'retry', delayMs: 3200, consumesAttempt: false });
      }
    });
  });

  describe("lock busy, lock.onBusy 'reschedule'", () => {
    it('reschedules after backoff, with no attempt counted', () => {
      const action = decideFailure(new LockBusyError('report:1'), 1, policy, top, 'reschedule');
      expect(action).toEqual({ kind: 'reschedule', delayMs: 100 });
    });

    it('backs off longer each time the task was already postponed, up to the cap of attempt 6', () => {
      const delays = [0, 1, 2, 3, 9].map((postponed) =>
        decideFailure(new LockBusyError('report:1'), 1, policy, top, 'reschedule', postponed),
      );
      expect(delays.map((a) => (a.kind === 'reschedule' ? a.delayMs : -1))).toEqual([100, 200, 400, 800, 3200]);
    });

    it('never dead-letters, even with every attempt used', () => {
      const action = decideFailure(new LockBusyError('report:1'), 50, policy, top, 'reschedule');
      expect(action).toMatchObject({ kind: 'reschedule' });
    });

    it('waits in place when Redis cannot grant the lock at all', () => {
      const action = decideFailure(
        new LockUnavailableError('report:1', new Error('down')),
        1,
        policy,
        top,
        'reschedule',
      );
      expect(action).toEqual({ kind: 'retry', delayMs: 100, consumesAttempt: false });
    });

    it('treats other failures as without the option', () => {
      expect(decideFailure(new Error('boom'), 1, policy, top, 'reschedule')).toEqual(
        decideFailure(new Error('boom'), 1, policy, top),
      );
    });
  });

  describe("lock busy, lock.onBusy 'wait' (the default)", () => {
    it('retries in place without consuming an attempt', () => {
      const expected = { kind: 'retry', delayMs: 100, consumesAttempt: false };
      expect(decideFailure(new LockBusyError('report:1'), 1, policy, top)).toEqual(expected);
      expect(decideFailure(new LockBusyError('report:1'), 1, policy, top, 'wait')).toEqual(expected);
    });
  });

  describe('bytes that do not decode', () => {
    it('dead-letters at once, on the first attempt', () => {
      expect(decideFailure(new DecodeError('wrong magic byte 7'), 1, policy, top)).toEqual({ kind: 'dead-letter' });
    });
  });

  describe('retriable: false', () => {
    it('dead-letters an UnrecoverableError at once', () => {
      expect(decideFailure(new UnrecoverableError('bad address'), 1, policy, top)).toEqual({ kind: 'dead-letter' });
    });

    it('dead-letters a foreign Error that says retriable: false at once', () => {
      const err = Object.assign(new Error('quota gone for good'), { retriable: false });
      expect(decideFailure(err, 1, policy, top)).toEqual({ kind: 'dead-letter' });
    });

    it('dead-letters a plain object that says retriable: false at once', () => {
      expect(decideFailure({ retriable: false }, 1, policy, top)).toEqual({ kind: 'dead-letter' });
    });
  });

  describe('anything else, attempts left', () => {
    it('retries after backoff, consuming an attempt', () => {
      const action = decideFailure(new Error('boom'), 2, policy, top);
      expect(action).toEqual({ kind: 'retry', delayMs: backoffMs(policy, 2, top), consumesAttempt: true });
    });

    it('retries a handler timeout', () => {
      expect(decideFailure(new HandlerTimeoutError(1000), 1, policy, top)).toMatchObject({ kind: 'retry' });
    });

    it('retries a non-Error value', () => {
      expect(decideFailure('just a string', 1, policy, top)).toMatchObject({ kind: 'retry', consumesAttempt: true });
    });
  });

  describe('anything else, attempts used up', () => {
    it('dead-letters on the last attempt', () => {
      expect(decideFailure(new Error('boom'), 3, policy, top)).toEqual({ kind: 'dead-letter' });
    });

    it('dead-letters past the last attempt', () => {
      expect(decideFailure(new Error('boom'), 4, policy, top)).toEqual({ kind: 'dead-letter' });
    });

    it('dead-letters the first failure when maxAttempts is 1', () => {
      expect(decideFailure(new Error('boom'), 1, retryPolicy({ maxAttempts: 1 }), top)).toEqual({
        kind: 'dead-letter',
      });
    });
  });
});

describe('backoffMs', () => {
  const p = retryPolicy({ minDelayMs: 1000, maxDelayMs: 5000 });

  it('waits at least 1 ms when the jitter draws 0', () => {
    expect(backoffMs(p, 1, () => 0)).toBe(1);
  });

  it('waits the full ceiling when the jitter draws 1', () => {
    expect(backoffMs(p, 1, () => 1)).toBe(1000);
  });

  it('doubles the ceiling with each attempt', () => {
    expect([1, 2, 3].map((attempt) => backoffMs(p, attempt, top))).toEqual([1000, 2000, 4000]);
  });

  it('caps the ceiling at maxDelayMs', () => {
    expect(backoffMs(p, 4, top)).toBe(5000);
    expect(backoffMs(p, 30, top)).toBe(5000);
  });

  it('scales the ceiling by the jitter draw, rounded to whole ms', () => {
    expect(backoffMs(p, 2, () => 0.25)).toBe(500);
    expect(backoffMs(p, 1, () => 0.0004)).toBe(1);
  });

  it('treats attempt 0 like the first attempt', () => {
    expect(backoffMs(p, 0, top)).toBe(1000);
  });

  it('still waits 1 ms when minDelayMs is 0', () => {
    expect(backoffMs(retryPolicy({ minDelayMs: 0 }), 3, top)).toBe(1);
  });
});

describe('retryPolicy', () => {
  it('defaults to 3 attempts, 1 s first backoff, 5 min cap, non-blocking retries', () => {
    expect(retryPolicy()).toEqual({ maxAttempts: 3, minDelayMs: 1000, maxDelayMs: 300_000, ordered: false });
  });

  it('rejects a maxAttempts below 1', () => {
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow(ConfigError);
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow(/retry\.maxAttempts must be an integer of 1 or more, got 0/);
  });

  it('rejects a fractional maxAttempts', () => {
    expect(() => retryPolicy({ maxAttempts: 2.5 })).toThrow(/maxAttempts must be an integer of 1 or more, got 2\.5/);
  });

  it('rejects a negative minDelayMs', () => {
    expect(() => retryPolicy({ minDelayMs: -1 })).toThrow(ConfigError);
    expect(() => retryPolicy({ minDelayMs: -1 })).toThrow(/need 0 <= minDelayMs <= maxDelayMs, got -1 and 300000/);
  });

  it('rejects a minDelayMs above maxDelayMs', () => {
    expect(() => retryPolicy({ minDelayMs: 10, maxDelayMs: 5 })).toThrow(/minDelayMs <= maxDelayMs, got 10 and 5/);
  });

  it('rejects a NaN delay', () => {
    expect(() => retryPolicy({ minDelayMs: NaN })).toThrow(ConfigError);
    expect(() => retryPolicy({ maxDelayMs: NaN })).toThrow(ConfigError);
  });

  it('names where the options came from in its messages', () => {
    expect(() => retryPolicy({ maxAttempts: 0 }, 'task "x": retry')).toThrow(/^task "x": retry\.maxAttempts/);
  });
});
