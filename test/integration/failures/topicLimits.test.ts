// Guarantee: the producer respects each topic's max.message.bytes. A task too large for its topic is refused
// alone, naming both sizes, and nothing else sent with it is affected (acknowledged and stored once, the producer
// still working afterwards); tasks that each fit are stored even when together they would not fit one request.
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { TopicAdmin } from '../../../pipeline/kafka/TopicAdmin.js';
import { taskTopics } from '../../../pipeline/task/taskTopics.js';
import { EnqueueManyError, RecordTooLargeError, TaskProducer, type Enqueued } from '../../../pipeline/index.js';
import { noteSchema, noteTask } from '../../support/fixtures/taskTypes.js';
import { rawKafka, readAll } from '../../support/readTopic.js';
import { using } from '../../support/resources.js';
import { brokers } from '../../support/services.js';

const noteType = avro.Type.forSchema(noteSchema as unknown as avro.Schema);
const TOPIC_LIMIT = 100_000;

/** A note task on a topic whose max.message.bytes is `limit`, its topics created before anything is sent. */
async function noteTaskWithTopicLimit(limit: number) {
  const task = noteTask({ partitions: 3, maxBytes: 2_000_000 });
  const admin = await using(new TopicAdmin(rawKafka(), brokers().join(',')));
  await admin.ensureTopics(
    taskTopics(task).map((t) =>
      t.topic === task.topic ? { ...t, config: { 'max.message.bytes': String(limit) } } : t,
    ),
  );
  return task;
}

/** Every record on the topic as `partition:offset -> note id`, failing on any id stored twice. */
async function storedNotes(topic: string): Promise<Map<string, string>> {
  const stored = new Map<string, string>();
  for (const r of await readAll(topic)) {
    const note = noteType.fromBuffer((r.value as Buffer).subarray(5)) as { id: string };
    stored.set(`${r.partition}:${r.offset}`, note.id);
  }
  expect(new Set(stored.values()).size).toBe(stored.size);
  return stored;
}

const at = (e: Enqueued): string => `${e.partition}:${e.offset}`;

const notes = (count: number, bigAt: number) =>
  Array.from({ length: count }, (_, i) => ({
    id: i === bigAt ? `big-${'x'.repeat(300_000)}` : `n${i}`,
    key: `k${i % 17}`,
    seq: i,
  }));

describe('topic size limits at enqueue', () => {
  it('refuses one oversize task among 200 concurrent enqueues alone; the other 199 are stored once where acknowledged', async () => {
    const task = await noteTaskWithTopicLimit(TOPIC_LIMIT);
    const producer = await using(new TaskProducer());

    const settled = await Promise.allSettled(notes(200, 57).map((n) => producer.enqueue(task, n)));

    const refused = settled.flatMap((s, i) => (s.status === 'rejected' ? [[i, s.reason] as const] : []));
    expect(refused.map(([i]) => i)).toEqual([57]);
    const [, error] = refused[0] as readonly [number, unknown];
    expect(error).toBeInstanceOf(RecordTooLargeError);
    expect((error as Error).message).toMatch(new RegExp(`\\d{6} bytes .*max.message.bytes ${TOPIC_LIMIT}`));
    const acked = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const stored = await storedNotes(task.topic);
    expect(stored.size).toBe(199);
    for (const [i, s] of settled.entries()) {
      if (s.status === 'fulfilled') expect(stored.get(at(s.value))).toBe(`n${i}`);
    }
    expect(acked).toHaveLength(199);
  });

  it('keeps the producer working on every partition after refusing an oversize task', async () => {
    const task = await noteTaskWithTopicLimit(TOPIC_LIMIT);
    const producer = await using(new TaskProducer());
    await Promise.allSettled(notes(50, 3).map((n) => producer.enqueue(task, n)));

    const after = await Promise.all(
      Array.from({ length: 30 }, (_, i) => producer.enqueue(task, { id: `after${i}`, key: `k${i}`, seq: i })),
    );

    expect(new Set(after.map((e) => e.partition))).toEqual(new Set([0, 1, 2]));
    const stored = await storedNotes(task.topic);
    for (const [i, e] of after.entries()) expect(stored.get(at(e))).toBe(`after${i}`);
  });

  it('refuses one oversize task of an enqueueMany alone, and says per task what was stored', async () => {
    const task = await noteTaskWithTopicLimit(TOPIC_LIMIT);
    const producer = await using(new TaskProducer());

    const error = (await producer.enqueueMany(task, notes(200, 120)).catch((e: unknown) => e)) as EnqueueManyError;

    expect(error).toBeInstanceOf(EnqueueManyError);
    expect(error.failed).toBe(1);
    expect(error.retriable).toBe(false);
    const failedAt = error.results.flatMap((r, i) => (r.ok ? [] : [i]));
    expect(failedAt).toEqual([120]);
    expect(error.results[120]).toMatchObject({ ok: false, error: expect.any(RecordTooLargeError) });
    const stored = await storedNotes(task.topic);
    expect(stored.size).toBe(199);
    for (const [i, r] of error.results.entries()) {
      if (r.ok) expect(stored.get(at(r.enqueued))).toBe(`n${i}`);
    }
  });

  it('stores two tasks that each fit the topic but not together, sent in one enqueueMany, in order', async () => {
    const task = noteTask({ partitions: 3, maxBytes: 2_000_000 });
    const producer = await using(new TaskProducer());
    const big = (seq: number) => ({ id: `${seq}-${'y'.repeat(600_000)}`, key: 'same', seq });

    const enqueued = await producer.enqueueMany(task, [big(1), big(2)]);

    expect(enqueued[0]?.partition).toBe(enqueued[1]?.partition);
    expect(BigInt(enqueued[1]?.offset ?? 0)).toBe(BigInt(enqueued[0]?.offset ?? 0) + 1n);
    const stored = await storedNotes(task.topic);
    expect([...stored.values()].map((id) => id.slice(0, 2))).toEqual(['1-', '2-']);
  });

  it('stores two such tasks sent as two concurrent enqueues', async () => {
    const task = noteTask({ partitions: 3, maxBytes: 2_000_000 });
    const producer = await using(new TaskProducer());
    const big = (seq: number) => ({ id: `${seq}-${'z'.repeat(600_000)}`, key: 'same', seq });

    const enqueued = await Promise.all([producer.enqueue(task, big(1)), producer.enqueue(task, big(2))]);

    const stored = await storedNotes(task.topic);
    expect(stored.size).toBe(2);
    expect(stored.get(at(enqueued[0] as Enqueued))?.slice(0, 2)).toBe('1-');
    expect(stored.get(at(enqueued[1] as Enqueued))?.slice(0, 2)).toBe('2-');
  });
});
