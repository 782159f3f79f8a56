// Guarantee: a worker told not to create topics, started for a topic that does not exist, fails with one line that says so and how to fix it (not that Kafka is down).
import { describe, expect, it } from 'vitest';
import { ConfigError, handle } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { startWorker } from '../../support/workers.js';

describe('a task topic that does not exist', () => {
  it('fails the worker start with one ConfigError naming every missing topic and `taskstream topics create`', async () => {
    const task = noteTask();
    const start = startWorker({ createTopics: false, handlers: [handle(task, () => undefined)] });
    await expect(start).rejects.toBeInstanceOf(ConfigError);
    // Every missing topic is named: the task's own, its retry tiers and its dead-letter topic.
    await expect(start).rejects.toThrow(`${task.topic}, ${task.topic}.retry.1s`);
    await expect(start).rejects.toThrow(`${task.topic}.dlq not found at`);
    await expect(start).rejects.toThrow(/taskstream topics create/);
  });
});
