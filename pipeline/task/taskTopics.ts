import type { TopicSpec } from '../kafka/TopicAdmin.js';
import type { TaskDefinition } from './defineTask.js';

/** The topics a task type needs. Retry tiers and the DLQ join this list with failure handling. */
export function taskTopics(task: TaskDefinition): TopicSpec[] {
  return [{ topic: task.topic, partitions: task.partitions, replicationFactor: task.replicationFactor }];
}
