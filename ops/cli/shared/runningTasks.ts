import type { Redis } from 'ioredis';
import { withRedis } from './services.js';
import { runningTasksKey, type RunningBoardEntry } from '../../../pipeline/runtime/RunningBoard.js';
import type { RunningTask } from '../../../pipeline/index.js';

/** A running task that reports progress, with the worker running it and when the worker last said so. */
export interface RunningTaskSighting extends RunningTask {
  readonly workerId: string;
  readonly publishedAt: number;
}

/** The tasks of `group` that workers published as running with progress (entries expire with their worker). */
export async function readRunningTasks(redis: Redis, group: string): Promise<RunningTaskSighting[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', runningTasksKey(group, '*'), 'COUNT', 100);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  const values = await redis.mget(...keys);
  return values
    .filter((v): v is string => v !== null)
    .flatMap((v) => {
      const entry = JSON.parse(v) as RunningBoardEntry;
      return entry.tasks.map((t) => ({ ...t, workerId: entry.workerId, publishedAt: entry.at }));
    })
    .sort((a, b) => a.partition - b.partition || a.taskId.localeCompare(b.taskId));
}

/** `250000/1000000 (25%)`, or the count alone when the total is unknown. */
export function progressText(progress: RunningTask['progress']): string {
  if (progress === undefined) return '-';
  if (progress.total === undefined || progress.total === 0) return String(progress.done);
  return `${progress.done}/${progress.total} (${Math.floor((progress.done / progress.total) * 100)}%)`;
}

/**
 * The published running tasks of each group, or why they could not be read: Redis being away must not take the
 * group's members and partitions (read from Kafka) down with it.
 */
export async function runningTasksOrWhy(
  groups: readonly string[],
): Promise<{ byGroup: Map<string, RunningTaskSighting[]> } | { error: string }> {
  try {
    return await withRedis(async (redis) => {
      const byGroup = new Map<string, RunningTaskSighting[]>();
      for (const group of groups) byGroup.set(group, await readRunningTasks(redis, group));
      return { byGroup };
    });
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
