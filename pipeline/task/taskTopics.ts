import type { TopicSpec } from '../kafka/TopicAdmin.js';
import { delayTiers, delayTopicOf } from '../delay/DelayLadder.js';
import { dlqTopicOf } from '../retry/handOffHeaders.js';
import { retryTiers, retryTopicOf, type RetryTier } from '../retry/RetryTiers.js';
import type { TaskDefinition } from './defineTask.js';

/** A retry copy waits in its tier about its delay, plus however long no worker runs: a week covers an outage. */
export const RETRY_TIER_MIN_RETENTION_MS = 7 * 86_400_000;

/**
 * The topics a task type needs: its own, one per retry tier (unless its retries are ordered, in place), one per
 * delay tier (when it accepts delayed tasks) and its dead-letter topic, all with the same partitions so a key stays on one partition number throughout.
 *
 * Retention is set where the broker's default could lose work: a dead letter is an operator's to-do item (kept
 * until replayed or purged unless the task type says otherwise), and a retry tier keeps its copies well past its
 * delay (a broker's default can be a day or less); a delay tier likewise (a copy waits there at most its delay, then
 * hops on). The task's own topic keeps the cluster's default.
 */
export function taskTopics(task: TaskDefinition): TopicSpec[] {
  const spec = { partitions: task.partitions, replicationFactor: task.replicationFactor };
  return [
    { topic: task.topic, ...spec },
    ...retryTierList(task).map((tier) => ({
      topic: retryTopicOf(task.topic, tier),
      ...spec,
      config: { 'retention.ms': String(Math.max(RETRY_TIER_MIN_RETENTION_MS, 2 * tier.delayMs)) },
    })),
    ...delayTiers(task.maxDelayMs).map((tier) => ({
      topic: delayTopicOf(task.topic, tier),
      ...spec,
      config: { 'retention.ms': String(Math.max(RETRY_TIER_MIN_RETENTION_MS, 2 * tier.delayMs)) },
    })),
    { topic: dlqTopicOf(task.topic), ...spec, config: { 'retention.ms': String(task.deadLetterRetentionMs) } },
  ];
}

function retryTierList(task: TaskDefinition): RetryTier[] {
  return task.retry.ordered ? [] : retryTiers(task.retry);
}

export function retryTopics(task: TaskDefinition): string[] {
  return retryTierList(task).map((tier) => retryTopicOf(task.topic, tier));
}

export function delayTopics(task: TaskDefinition): string[] {
  return delayTiers(task.maxDelayMs).map((tier) => delayTopicOf(task.topic, tier));
}
