import type { Redis } from 'ioredis';
import type { Logger } from '../logging/logger.js';
import { PauseWatch, type ApplyPause } from './PauseWatch.js';
import type { TaskTypeRunner } from './TaskTypeRunner.js';
import type { WorkerEventEmitter } from './WorkerEvents.js';

/** A worker's PauseWatch: a type's pause holds back both its runners, the main topic's and the retry tiers'. */
export function pauseWatchFor(
  runners: readonly TaskTypeRunner[],
  groupPrefix: string,
  redis: () => Redis,
  log: Logger,
  events: WorkerEventEmitter,
): PauseWatch {
  const byGroup = new Map<string, ApplyPause>();
  for (const type of new Set(runners.map((r) => r.task.name))) {
    const ofType = runners.filter((r) => r.task.name === type);
    byGroup.set(`${groupPrefix}.${type}`, (paused) => {
      // Said after a pause takes hold and before a resume starts anything, so no task start falls outside.
      if (paused) for (const r of ofType) r.setPaused(true);
      events.emit(paused ? 'type:paused' : 'type:resumed', { type });
      if (!paused) for (const r of ofType) r.setPaused(false);
    });
  }
  return new PauseWatch(redis, byGroup, log);
}
