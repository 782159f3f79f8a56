import type { TopicSpec } from '../kafka/TopicAdmin.js';
import { dlqTopicOf } from '../retry/DeadLetterWriter.js';
import type { TaskDefinition } from './defineTask.js';

/** The topics a task type needs: its own and its dead-letter topic (same partitions, so keys stay together). */
export function taskTopics(task: TaskDefinition): TopicSpec[] {
  const spec = { partitions: task.partitions, replicationFactor: task.replicationFactor };
  return [
    { topic: task.topic, ...spec },
    { topic: dlqTopicOf(task.topic), ...spec },
  ];
}
