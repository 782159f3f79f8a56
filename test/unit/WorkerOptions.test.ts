import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../pipeline/errors.js';
import { handle } from '../../pipeline/runtime/TaskContext.js';
import { resolveWorkerOptions, type WorkerOptions } from '../../pipeline/runtime/WorkerOptions.js';
import { defineTask } from '../../pipeline/task/defineTask.js';

const schema = { type: 'record', name: 'Ping', fields: [{ name: 'id', type: 'string' }] } as const;
const ping = defineTask({ name: 'ping', schema });
const pong = defineTask({ name: 'pong', schema });
const handlers = [handle(ping, () => undefined), handle(pong, () => undefined)];

const resolve = (options: Partial<WorkerOptions> = {}) => resolveWorkerOptions({ handlers, ...options });

function expectConfigError(options: Partial<WorkerOptions>, message: RegExp): void {
  expect(() => resolve(options)).toThrow(ConfigError);
  expect(() => resolve(options)).toThrow(message);
}

describe('resolveWorkerOptions defaults', () => {
  it('fills in every default', () => {
    expect(resolve()).toMatchObject({
      groupPrefix: 'taskstream',
      concurrency: 100,
      maxHeldTasks: 10_000,
      maxHeldPerPartition: 1_000,
      shutdownDeadlineMs: 30_000,
      commitIntervalMs: 500,
      sessionTimeoutMs: 30_000,
      heartbeatIntervalMs: 3_000,
      createTopics: true,
    });
  });

  it('keeps the handlers and the options it was given', () => {
    const resolved = resolve({ groupPrefix: 'billing', concurrency: 5, createTopics: false });
    expect(resolved).toMatchObject({ handlers, groupPrefix: 'billing', concurrency: 5, createTopics: false });
  });
});

describe('resolveWorkerOptions validation', () => {
  it('rejects a worker without handlers, showing how to give one', () => {
    expectConfigError({ handlers: [] }, /worker: give at least one handler, e\.g\. handlers: \[handle\(/);
  });

  it('rejects two handlers for one task type, naming it', () => {
    const twice = [handle(ping, () => undefined), handle(pong, () => undefined), handle(ping, () => undefined)];
    expectConfigError({ handlers: twice }, /worker: task "ping" has two handlers/);
  });

  it('rejects a concurrency that is not a positive integer', () => {
    expectConfigError({ concurrency: 0 }, /worker: concurrency must be a positive integer, got 0/);
  });

  it('rejects a maxHeldTasks that is not a positive integer', () => {
    expectConfigError({ maxHeldTasks: 2.5 }, /worker: maxHeldTasks must be a positive integer, got 2\.5/);
  });

  it('rejects a commitIntervalMs that is not a positive integer', () => {
    expectConfigError({ commitIntervalMs: -1 }, /worker: commitIntervalMs must be a positive integer, got -1/);
  });

  it('rejects a maxHeldPerPartition above maxHeldTasks, naming both', () => {
    expectConfigError(
      { maxHeldTasks: 100, maxHeldPerPartition: 101 },
      /worker: maxHeldPerPartition \(101\) cannot exceed maxHeldTasks \(100\)/,
    );
  });

  it('accepts a maxHeldPerPartition equal to maxHeldTasks', () => {
    expect(resolve({ maxHeldTasks: 100, maxHeldPerPartition: 100 }).maxHeldPerPartition).toBe(100);
  });

  it('rejects a default maxHeldPerPartition above a small maxHeldTasks', () => {
    expectConfigError({ maxHeldTasks: 500 }, /maxHeldPerPartition \(1000\) cannot exceed maxHeldTasks \(500\)/);
  });

  it('rejects a heartbeat interval above a third of the session timeout, naming both', () => {
    expectConfigError(
      { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 3_334 },
      /worker: heartbeatIntervalMs \(3334\) should be at most a third of sessionTimeoutMs \(10000\)/,
    );
  });

  it('accepts a heartbeat interval of exactly a third of the session timeout', () => {
    expect(resolve({ sessionTimeoutMs: 9_000, heartbeatIntervalMs: 3_000 }).heartbeatIntervalMs).toBe(3_000);
  });
});
