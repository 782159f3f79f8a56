// Guarantee: a task larger than its type's maxBytes is refused at enqueue (nothing sent), and a worker that meets one (written by someone else) dead-letters it with the reason and keeps its partition flowing.
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { RegistryClient } from '../../../pipeline/codec/RegistryClient.js';
import { TopicAdmin } from '../../../pipeline/kafka/TopicAdmin.js';
import { taskTopics } from '../../../pipeline/task/taskTopics.js';
import { TaskCodec } from '../../../pipeline/codec/TaskCodec.js';
import { handle, PayloadTooLargeError, TaskProducer } from '../../../pipeline/index.js';
import { DLQ_HEADER, dlqTopicOf } from '../../../pipeline/retry/handOffHeaders.js';
import { noteSchema, noteTask } from '../../support/fixtures/taskTypes.js';
import { endOffsets } from '../../support/groups.js';
import { rawKafka, readTopic } from '../../support/readTopic.js';
import { onCleanup, using } from '../../support/resources.js';
import { brokers } from '../../support/services.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

const maxBytes = 16 * 1024;

/** A well-formed task four times maxBytes, framed as an upstream writer with no such limit would frame it. */
async function oversizeRecord(task: ReturnType<typeof noteTask>): Promise<Buffer> {
  const schemaId = await new TaskCodec(task, new RegistryClient()).prepare();
  const body = avro.Type.forSchema(noteSchema as unknown as avro.Schema).toBuffer({
    id: 'y'.repeat(4 * maxBytes),
    key: 'a',
    seq: 1,
  });
  const value = Buffer.concat([Buffer.from([0, 0, 0, 0, 0]), body]);
  value.writeUInt32BE(schemaId, 1);
  return value;
}

/**
 * Writes task 'first', then (as an upstream writer) an oversize record, then task 'after', all of one key in
 * partition 0; returns the oversize record's value.
 */
async function oversizeBetweenTwoTasks(task: ReturnType<typeof noteTask>): Promise<Buffer> {
  const producer = await using(new TaskProducer());
  await producer.enqueue(task, { id: 'first', key: 'a', seq: 0 });
  const value = await oversizeRecord(task);
  const raw = rawKafka().producer();
  await raw.connect();
  onCleanup(() => raw.disconnect());
  await raw.send({ topic: task.topic, messages: [{ key: 'a', value, partition: 0 }] });
  await producer.enqueue(task, { id: 'after', key: 'a', seq: 2 });
  return value;
}

describe('oversize tasks', () => {
  it('refuses at enqueue a payload whose encoding passes maxBytes, naming both sizes, and sends nothing', async () => {
    const task = noteTask({ partitions: 1, maxBytes });
    const producer = await using(new TaskProducer());
    const attempt = producer.enqueue(task, { id: 'x'.repeat(maxBytes), key: 'k', seq: 1 });
    await expect(attempt).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(attempt).rejects.toThrow(/\d+ bytes.*maxBytes 16384/);
    expect((await endOffsets(task.topic)).get(0)).toBe(0n);
  });

  it('dead-letters a record larger than maxBytes at once, with its bytes and reason, and runs the next task', async () => {
    const task = noteTask({ partitions: 1, maxBytes });
    const value = await oversizeBetweenTwoTasks(task);

    const done: string[] = [];
    const attempts: string[] = [];
    await startWorker({
      handlers: [
        handle(task, (n) => {
          attempts.push(n.id.slice(0, 8));
          done.push(n.id);
        }),
      ],
    });
    const [letter] = await readTopic(dlqTopicOf(task.topic), 1);
    await waitFor('the task after the oversize one', () => done.includes('after'));

    expect(done).toEqual(['first', 'after']);
    expect(attempts).not.toContain('yyyyyyyy'); // the handler never saw it
    expect(letter?.headers[DLQ_HEADER.errorClass]).toBe('PayloadTooLargeError');
    expect(letter?.headers[DLQ_HEADER.errorMessage]).toMatch(new RegExp(`${value.length} bytes.*maxBytes ${maxBytes}`));
    expect(letter?.headers[DLQ_HEADER.attempts]).toBe('1');
    expect(letter?.value?.equals(value)).toBe(true);
  });

  it("dead-letters without the value when the dead-letter topic refuses the record's size, and runs the next task", async () => {
    const task = noteTask({ partitions: 1, maxBytes });
    // Someone gave the dead-letter topic a smaller max.message.bytes than the source topic has.
    const admin = await using(new TopicAdmin(rawKafka(), brokers().join(',')));
    await admin.ensureTopics(
      taskTopics(task).map((t) =>
        t.topic === dlqTopicOf(task.topic) ? { ...t, config: { 'max.message.bytes': String(maxBytes) } } : t,
      ),
    );
    const value = await oversizeBetweenTwoTasks(task);

    const done: string[] = [];
    await startWorker({ handlers: [handle(task, (n) => void done.push(n.id))] });
    const [letter] = await readTopic(dlqTopicOf(task.topic), 1);
    await waitFor('the task after the oversize one', () => done.includes('after'));

    expect(done).toEqual(['first', 'after']);
    expect(letter?.value).toBeNull();
    expect(letter?.headers[DLQ_HEADER.valueDroppedBytes]).toBe(String(value.length));
    expect(letter?.headers[DLQ_HEADER.errorClass]).toBe('PayloadTooLargeError');
    expect(letter?.headers[DLQ_HEADER.originalOffset]).toBe('1');
  });
});
