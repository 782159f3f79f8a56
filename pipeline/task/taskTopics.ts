import type { TopicSpec } from '../kafka/TopicAdmin.js';
import { dlqTopicOf } from '../retry/handOffHeaders.js';
import { retryTiers, retryTopicOf } from '../retry/RetryTiers.js';
import type { TaskDefinition } from './defineTask.js';

/**
 * The topics a task type needs: its own, one per retry tier (unless its retries are ordered, in place) and its
 * dead-letter topic, all with the same partitions so a key stays on one partition number throughout.
 */
export function taskTopics(task: TaskDefinition): TopicSpec[] {
  const spec = { partitions: task.partitions, replicationFactor: task.replicationFactor };
  return [
    { topic: task.topic, ...spec },
    ...retryTopics(task).map((topic) => ({ topic, ...spec })),
    { topic: dlqTopicOf(task.topic), ...spec },
  ];
}

export function retryTopics(task: TaskDefinition): string[] {
  return task.retry.ordered ? [] : retryTiers(task.retry).map((tier) => retryTopicOf(task.topic, tier));
}
