import type { PartitionWork } from './PartitionWork.js';

/** What a handler last said of its progress with `ctx.progress(done, total)`. */
export interface TaskProgress {
  done: number;
  /** undefined when the handler does not know the total. */
  total: number | undefined;
  /** When it said so (ms since the epoch). */
  at: number;
}

/** An asynchronous task running now, as `worker.runningTasks()`, the ops endpoint and the metrics show it. */
export interface RunningTask {
  readonly type: string;
  readonly taskId: string;
  readonly partition: number;
  readonly offset: string;
  readonly attempt: number;
  readonly startedAt: number;
  readonly lastHeartbeatAt: number | undefined;
  /** Its last `ctx.progress()`, if it reports any. */
  readonly progress: Readonly<TaskProgress> | undefined;
}

/**
 * The attempts whose handler runs now. One waiting for a rate-limit slot is not listed: its handler has not
 * started, so it has no progress to show and must not look stuck behind a throttle (see `waitingForSlotOf`).
 */
export function runningTasksOf(type: string, parts: readonly PartitionWork[]): RunningTask[] {
  const list: RunningTask[] = [];
  for (const part of parts) {
    for (const a of part.attempts) {
      if (a.waitingForSlot) continue;
      list.push({
        type,
        taskId: a.taskId,
        partition: a.partition,
        offset: a.offset,
        attempt: a.attempt,
        // Listed attempts run asynchronously, so they have a start time.
        startedAt: a.startedAt ?? Date.now(),
        lastHeartbeatAt: a.job.lastHeartbeatAt,
        // A copy: the attempt keeps rewriting its own.
        progress: a.progressed && { ...a.progressed },
      });
    }
  }
  return list;
}

/** Attempts taken and waiting for a rate-limit slot before their handler starts. */
export function waitingForSlotOf(parts: readonly PartitionWork[]): number {
  let waiting = 0;
  for (const part of parts) for (const a of part.attempts) if (a.waitingForSlot) waiting++;
  return waiting;
}
