import { describe, expect, it } from 'vitest';
import { createLogger } from '../../pipeline/logging/logger.js';
import { TaskCounters } from '../../pipeline/metrics/TaskCounters.js';
import type { RunningTask } from '../../pipeline/runtime/RunningTask.js';
import { StuckWatch } from '../../pipeline/runtime/StuckWatch.js';
import type { TaskDefinition } from '../../pipeline/task/defineTask.js';

const task = (name: string, expectedMs?: number) => ({ name, expectedMs }) as TaskDefinition;
const running = (type: string, taskId: string, startedAt: number, attempt = 1): RunningTask => ({
  type,
  taskId,
  partition: 0,
  offset: '1',
  attempt,
  startedAt,
  lastHeartbeatAt: undefined,
  progress: undefined,
});

describe('StuckWatch', () => {
  it('counts a task running past its type’s expectedMs once, however often it looks', () => {
    const counters = new TaskCounters();
    const list = [running('slow', 't1', 0), running('slow', 't2', 900)];
    const watch = new StuckWatch(
      [task('slow', 1000)],
      () => list,
      () => counters,
      createLogger(),
    );
    watch.check(1500);
    watch.check(1600);
    expect(counters.stuck).toBe(1);
    expect(watch.isStuck(list[0] as RunningTask, 1500)).toBe(true);
    expect(watch.isStuck(list[1] as RunningTask, 1500)).toBe(false);
  });

  it('counts a new attempt of the same task again', () => {
    const counters = new TaskCounters();
    let list = [running('slow', 't1', 0)];
    const watch = new StuckWatch(
      [task('slow', 1000)],
      () => list,
      () => counters,
      createLogger(),
    );
    watch.check(1500);
    list = [running('slow', 't1', 2000, 2)];
    watch.check(3500);
    expect(counters.stuck).toBe(2);
  });

  it('never calls a task stuck when its type sets no expectedMs', () => {
    const counters = new TaskCounters();
    const watch = new StuckWatch(
      [task('free')],
      () => [running('free', 't1', 0)],
      () => counters,
      createLogger(),
    );
    watch.check(10_000_000);
    expect(counters.stuck).toBe(0);
  });
});
