import type { Redis } from 'ioredis';
import type { Logger } from '../logging/logger.js';
import type { RunningTask } from './RunningTask.js';

/** The Redis key holding one worker's running tasks that report progress, for one task type's group. */
export function runningTasksKey(group: string, workerId: string): string {
  return `taskstream:running:${group}:${workerId}`;
}

/** What a worker publishes under runningTasksKey. */
export interface RunningBoardEntry {
  readonly workerId: string;
  /** When it was published (ms since the epoch). */
  readonly at: number;
  readonly tasks: readonly RunningTask[];
}

/**
 * Publishes, every `everyMs`, the running tasks that report progress (`ctx.progress`) or are stuck to Redis, one key per
 * worker and group that expires after three periods, so `taskstream workers` in another process can show
 * them and a killed worker's entry goes away by itself. A worker none of whose tasks report progress sends
 * nothing at all: the cost stays with the task types that use it.
 */
export class RunningBoard {
  private timer: NodeJS.Timeout | undefined;
  /** The groups whose key this worker last wrote, to delete once their tasks have ended. */
  private published = new Set<string>();
  private publishing: Promise<void> = Promise.resolve();

  constructor(
    private readonly source: () => readonly RunningTask[],
    /** The worker group of a task type (`<groupPrefix>.<type>`). */
    private readonly groupOf: (type: string) => string,
    private readonly redis: () => Redis,
    private readonly workerId: string,
    private readonly log: Logger,
    private readonly everyMs = 5000,
    /** Tasks to publish although they report no progress (the stuck ones). */
    private readonly alsoShow: (task: RunningTask) => boolean = () => false,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => {
      this.publishing = this.publish();
    }, this.everyMs);
    this.timer.unref();
  }

  /** Stops publishing and removes this worker's entries (best effort: they expire anyway). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.publishing;
    if (this.published.size === 0) return;
    await this.redis()
      .del(...[...this.published].map((g) => runningTasksKey(g, this.workerId)))
      .catch(() => undefined);
    this.published.clear();
  }

  async publish(): Promise<void> {
    const byGroup = new Map<string, RunningTask[]>();
    for (const task of this.source()) {
      if (task.progress === undefined && !this.alsoShow(task)) continue;
      const group = this.groupOf(task.type);
      byGroup.set(group, [...(byGroup.get(group) ?? []), task]);
    }
    if (byGroup.size === 0 && this.published.size === 0) return;
    const batch = this.redis().multi();
    const at = Date.now();
    for (const [group, tasks] of byGroup) {
      const entry: RunningBoardEntry = { workerId: this.workerId, at, tasks };
      batch.set(runningTasksKey(group, this.workerId), JSON.stringify(entry), 'PX', this.everyMs * 3);
    }
    for (const group of this.published) if (!byGroup.has(group)) batch.del(runningTasksKey(group, this.workerId));
    try {
      await batch.exec();
      this.published = new Set(byGroup.keys());
    } catch (err) {
      // Progress is for people watching; Redis being away must not touch the tasks.
      this.log.debug({ err }, 'could not publish running tasks to Redis');
    }
  }
}
