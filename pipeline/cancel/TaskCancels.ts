import type { Redis } from 'ioredis';
import { ConfigError } from '../errors.js';
import { delayTopics } from '../task/taskTopics.js';
import type { KafkaClient } from '../kafka/KafkaConnection.js';
import { GroupAdmin } from '../kafka/GroupAdmin.js';
import type { Logger } from '../logging/logger.js';
import { createRedis } from '../redis/redisConnection.js';
import type { TaskDefinition } from '../task/defineTask.js';
import { cancelTtlMs } from './cancelKeys.js';
import { positionOf, recordCancel, type CancelOutcome } from './cancelTask.js';

/** The producer's side of cancelling: Redis and an admin client, connected on the first cancel only. */
export class TaskCancels {
  private redis: Redis | undefined;
  private admin: GroupAdmin | undefined;

  constructor(
    private readonly kafka: KafkaClient,
    private readonly brokers: string,
    private readonly redisUrl: string | undefined,
    private readonly groupPrefix = 'taskstream',
    private readonly log: Logger,
  ) {}

  async cancel(task: TaskDefinition, taskId: string): Promise<CancelOutcome> {
    if (task.dedupeTtlMs === undefined) {
      throw new ConfigError(
        `task "${task.name}" has dedupe off; cancelling needs it (its workers read cancels beside their done marks)`,
      );
    }
    if (!(await this.mayExist(task, taskId))) return 'unknown';
    this.redis ??= createRedis(this.redisUrl, this.log);
    return recordCancel(this.redis, `${this.groupPrefix}.${task.name}`, taskId, cancelTtlMs(task.maxDelayMs));
  }

  /**
   * A default id is a position (`<topic>-<partition>-<offset>` in the type's topic or a delay tier): a task of
   * this type holds it only if it is below the partition's end. Any other id may be one of one's own, which cannot
   * be checked: it may exist.
   */
  private async mayExist(task: TaskDefinition, taskId: string): Promise<boolean> {
    const at = positionOf(taskId);
    if (at === undefined || (at.topic !== task.topic && !delayTopics(task).includes(at.topic))) return true;
    this.admin ??= new GroupAdmin(this.kafka, this.brokers);
    const end = (await this.admin.fetchTopicOffsets(at.topic)).find((p) => p.partition === at.partition)?.high;
    return end !== undefined && at.offset < BigInt(end);
  }

  async close(): Promise<void> {
    await this.admin?.close();
    await this.redis?.quit().catch(() => undefined);
  }
}
