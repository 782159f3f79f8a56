// Guarantee: handle() binds a handler as given; with threads, the binding carries the pool for a Worker to
// start, and its plain handler says it needs one instead of running without threads.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../pipeline/errors.js';
import { handle } from '../../pipeline/runtime/TaskContext.js';
import type { TaskContext } from '../../pipeline/runtime/TaskContext.js';
import { defineTask } from '../../pipeline/task/defineTask.js';
import { threadPool } from '../../pipeline/threads/ThreadPoolSpec.js';
import type { double } from '../support/fixtures/threadFunctions.js';

const task = defineTask({ name: 'ping', schema: { type: 'record', name: 'Ping', fields: [] } as const });
const pool = threadPool<typeof double>(new URL('../support/fixtures/threadFunctions.ts', import.meta.url), {
  export: 'double',
  size: 1,
});

describe('handle', () => {
  it('binds a plain handler as it is, without threads', () => {
    const handler = () => undefined;
    expect(handle(task, handler)).toEqual({ task, handler });
  });

  it('carries the thread pool and the threaded handler for the Worker', () => {
    const handler = async (_p: object, _ctx: TaskContext, threads: { run(n: number): Promise<number> }) => {
      await threads.run(1);
    };
    const binding = handle(task, handler, { threads: pool });
    expect(binding.threads).toEqual({ pool, handler });
    expect(() => binding.handler({}, {} as TaskContext)).toThrow(ConfigError);
    expect(() => binding.handler({}, {} as TaskContext)).toThrow(/runs its work in threads.*run it in a Worker/);
  });
});
