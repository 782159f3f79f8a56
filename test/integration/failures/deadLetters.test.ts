// Guarantee: a task that always fails makes exactly max-attempts attempts, then lands in the DLQ with its original bytes and why; everything else keeps flowing.
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer } from '../../../pipeline/index.js';
import { DLQ_HEADER, dlqTopicOf } from '../../../pipeline/retry/handOffHeaders.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { readTopic } from '../../support/readTopic.js';
import { using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

describe('dead letters', () => {
  it('dead-letters an always-failing task after max attempts with every header, while the other partitions flow', async () => {
    const task = noteTask({ partitions: 3, retry: { maxAttempts: 3, minDelayMs: 300, maxDelayMs: 300 } });
    const producer = await using(new TaskProducer());
    const payloads = Array.from({ length: 90 }, (_, i) => ({ id: `t${i}`, key: `k${i % 9}`, seq: i }));
    const sent = await producer.enqueueMany(task, payloads);
    const poison = sent[4];
    const attemptsOfPoison: number[] = [];
    const completed = new Set<string>();
    let completedBeforePoisonDead = 0;
    let dead = false;
    const worker = await startWorker({
      handlers: [
        handle(task, (note, ctx) => {
          if (note.id === 't4') {
            attemptsOfPoison.push(ctx.attempt);
            throw new TypeError('cannot read properties of undefined');
          }
          completed.add(note.id);
        }),
      ],
    });
    worker.on('task:dead-lettered', () => {
      dead = true;
      completedBeforePoisonDead = completed.size;
    });
    await waitFor('the poison task in the DLQ and all others done', () => dead && completed.size === 89);

    expect(attemptsOfPoison).toEqual([1, 2, 3]);
    // Everything else finished while the poison task waited between attempts.
    expect(completedBeforePoisonDead).toBe(89);
    const [letter] = await readTopic(dlqTopicOf(task.topic), 1);
    const original = await readTopic(task.topic, 90);
    const source = original.find((r) => r.offset === poison?.offset && r.partition === poison?.partition);
    expect(letter?.value?.equals(source?.value as Buffer)).toBe(true);
    expect(letter?.key).toBe(source?.key);
    expect(letter?.headers).toMatchObject({
      'ts-id': poison?.taskId,
      [DLQ_HEADER.errorClass]: 'TypeError',
      [DLQ_HEADER.errorMessage]: 'cannot read properties of undefined',
      [DLQ_HEADER.retriable]: 'true',
      [DLQ_HEADER.attempts]: '3',
      [DLQ_HEADER.originalTopic]: task.topic,
      [DLQ_HEADER.originalPartition]: String(poison?.partition),
      [DLQ_HEADER.originalOffset]: poison?.offset,
      [DLQ_HEADER.workerId]: worker.id,
    });
    expect(letter?.headers[DLQ_HEADER.errorStack]).toContain('TypeError');
    expect(Date.parse(letter?.headers[DLQ_HEADER.failedAt] ?? '')).toBeGreaterThan(0);
    expect(Number(letter?.headers[DLQ_HEADER.originalTimestamp])).toBeGreaterThan(0);
    expect(letter?.headers[DLQ_HEADER.notBefore]).toBeUndefined();
  });

  it('dead-letters at once, without retrying, when the handler throws UnrecoverableError', async () => {
    const { UnrecoverableError } = await import('../../../pipeline/index.js');
    const task = noteTask({ partitions: 1, retry: { maxAttempts: 5, minDelayMs: 100, maxDelayMs: 100 } });
    const producer = await using(new TaskProducer());
    await producer.enqueueMany(task, [
      { id: 'bad', key: 'k', seq: 1 },
      { id: 'next', key: 'k', seq: 2 },
    ]);
    const runs: string[] = [];
    await startWorker({
      handlers: [
        handle(task, (note) => {
          runs.push(note.id);
          if (note.id === 'bad') throw new UnrecoverableError('address does not exist');
        }),
      ],
    });
    const [letter] = await readTopic(dlqTopicOf(task.topic), 1);
    await waitFor('the next task to run', () => runs.includes('next'));
    expect(runs.filter((r) => r === 'bad')).toHaveLength(1);
    expect(letter?.headers).toMatchObject({
      [DLQ_HEADER.errorClass]: 'UnrecoverableError',
      [DLQ_HEADER.errorCode]: 'UNRECOVERABLE',
      [DLQ_HEADER.retriable]: 'false',
      [DLQ_HEADER.attempts]: '1',
    });
  });
});
