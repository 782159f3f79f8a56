import type { Redis } from 'ioredis';
import type { Logger } from '../logging/logger.js';
import { currentEpoch } from './DedupeEpoch.js';

/**
 * "This task id has completed" marks in Redis, so a redelivered task (after a crash, a rebalance or a hand-off
 * whose source commit was lost) is acknowledged without running its handler again. Marks live for `ttlMs`,
 * which must outlast the longest retry path. Redis being down does not stop work: the check fails open (the
 * task runs; delivery stays at-least-once) and the failure is logged.
 */
export class DedupeStore {
  private epoch = 0;

  constructor(
    private readonly redis: Redis,
    private readonly groupId: string,
    private readonly ttlMs: number,
    private readonly log: Logger,
  ) {}

  /** Reads the group's epoch (bumped by `taskstream offsets reset` so that reprocessing really reprocesses). */
  async refreshEpoch(): Promise<void> {
    try {
      this.epoch = await currentEpoch(this.redis, this.groupId);
    } catch (err) {
      this.log.warn({ err }, 'could not read the dedupe epoch; keeping the last one');
    }
  }

  private key(taskId: string): string {
    return `taskstream:done:${this.groupId}:${this.epoch}:${taskId}`;
  }

  async isDone(taskId: string): Promise<boolean> {
    try {
      return (await this.redis.exists(this.key(taskId))) === 1;
    } catch (err) {
      this.log.warn({ err, taskId }, 'dedupe check failed (Redis down?); running the task');
      return false;
    }
  }

  async markDone(taskId: string): Promise<void> {
    try {
      await this.redis.set(this.key(taskId), '1', 'PX', this.ttlMs);
    } catch (err) {
      this.log.warn({ err, taskId }, 'could not mark the task done (Redis down?); a redelivery would run it again');
    }
  }
}
