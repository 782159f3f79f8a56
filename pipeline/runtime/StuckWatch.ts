import type { Logger } from '../logging/logger.js';
import type { TaskCounters } from '../metrics/TaskCounters.js';
import type { TaskDefinition } from '../task/defineTask.js';
import type { RunningTask } from './RunningTask.js';

/**
 * Finds running tasks that have run longer than their type's `expectedMs`: each is logged once (per attempt)
 * and counted in its type's counters, and `isStuck` tells the RunningBoard to publish it for the dashboard.
 */
export class StuckWatch {
  private timer: NodeJS.Timeout | undefined;
  /** `<type>:<taskId>:<attempt>` of the stuck attempts still running, so each is reported once. */
  private reported = new Set<string>();
  private readonly expected: ReadonlyMap<string, number>;

  constructor(
    tasks: readonly TaskDefinition[],
    private readonly running: () => readonly RunningTask[],
    private readonly counters: (type: string) => TaskCounters | undefined,
    private readonly log: Logger,
    private readonly everyMs = 1000,
  ) {
    this.expected = new Map(
      tasks.filter((t) => t.expectedMs !== undefined).map((t) => [t.name, t.expectedMs as number]),
    );
  }

  isStuck = (task: RunningTask, now = Date.now()): boolean => {
    const expected = this.expected.get(task.type);
    return expected !== undefined && now - task.startedAt > expected;
  };

  start(): void {
    if (this.expected.size === 0) return; // no type expects a duration: nothing to watch
    this.timer ??= setInterval(() => this.check(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  check(now = Date.now()): void {
    const still = new Set<string>();
    for (const task of this.running()) {
      if (!this.isStuck(task, now)) continue;
      const key = `${task.type}:${task.taskId}:${task.attempt}`;
      still.add(key);
      if (this.reported.has(key)) continue;
      const counters = this.counters(task.type);
      if (counters) counters.stuck++;
      this.log.warn(
        {
          type: task.type,
          taskId: task.taskId,
          partition: task.partition,
          offset: task.offset,
          attempt: task.attempt,
          elapsedMs: now - task.startedAt,
          expectedMs: this.expected.get(task.type),
          lastHeartbeatAt: task.lastHeartbeatAt,
          progress: task.progress,
        },
        'task stuck: running longer than its type expects',
      );
    }
    this.reported = still;
  }
}
