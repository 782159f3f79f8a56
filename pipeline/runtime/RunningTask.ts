import type { PartitionWork } from './PartitionWork.js';

/** An asynchronous task running now, as `taskstream workers` and the stats show it. */
export interface RunningTask {
  readonly type: string;
  readonly taskId: string;
  readonly partition: number;
  readonly offset: string;
  readonly attempt: number;
  readonly startedAt: number;
  readonly lastHeartbeatAt: number | undefined;
}

export function runningTasksOf(type: string, parts: readonly PartitionWork[]): RunningTask[] {
  const list: RunningTask[] = [];
  for (const part of parts) {
    for (const a of part.attempts) {
      list.push({
        type,
        taskId: a.taskId,
        partition: a.partition,
        offset: a.offset,
        attempt: a.attempt,
        // Listed attempts run asynchronously, so they have a start time.
        startedAt: a.startedAt ?? Date.now(),
        lastHeartbeatAt: a.job.lastHeartbeatAt,
      });
    }
  }
  return list;
}
