// Guarantee: a task written in the Confluent wire format with a registered Avro schema reads back intact through Kafka.
import { describe, expect, it } from 'vitest';
import { RegistryClient } from '../../../pipeline/codec/RegistryClient.js';
import { TaskCodec } from '../../../pipeline/codec/TaskCodec.js';
import { TaskProducer } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { readTopic } from '../../support/readTopic.js';
import { using } from '../../support/resources.js';

describe('schema registry round trip', () => {
  it('decodes a record produced through Kafka into the payload that was enqueued', async () => {
    const task = noteTask();
    const producer = await using(new TaskProducer());
    const sent = await producer.enqueue(task, { id: 'n1', key: 'k1', seq: 7 });

    const [record] = await readTopic(task.topic, 1);
    expect(record?.value?.[0]).toBe(0); // Confluent magic byte
    const codec = new TaskCodec(task, new RegistryClient());
    expect(record?.value?.readUInt32BE(1)).toBe(await codec.prepare());
    expect({ ...((await codec.decode(record?.value ?? null)) as object) }).toEqual({ id: 'n1', key: 'k1', seq: 7 });
    expect(sent).toMatchObject({ topic: task.topic, partition: record?.partition, offset: record?.offset });
    expect(sent.taskId).toBe(`${task.topic}-${record?.partition}-${record?.offset}`);
  });

  it('sends tasks with one key to one partition, in order, and spreads keys over partitions', async () => {
    const task = noteTask({ partitions: 4 });
    const producer = await using(new TaskProducer());
    const keys = Array.from({ length: 20 }, (_, i) => `key-${i}`);
    const payloads = keys.flatMap((key) => [0, 1, 2].map((seq) => ({ id: `${key}/${seq}`, key, seq })));
    const sent = await producer.enqueueMany(task, payloads);

    const records = await readTopic(task.topic, payloads.length);
    const partitionsOfKey = new Map<string, Set<number>>();
    for (const r of records) {
      const set = partitionsOfKey.get(r.key as string) ?? new Set();
      set.add(r.partition);
      partitionsOfKey.set(r.key as string, set);
    }
    expect([...partitionsOfKey.values()].every((s) => s.size === 1)).toBe(true);
    expect(new Set(records.map((r) => r.partition)).size).toBeGreaterThan(1);
    // Where the producer said each task landed is where it is.
    const byPosition = new Map(records.map((r) => [`${r.partition}:${r.offset}`, r]));
    for (const [i, s] of sent.entries()) {
      expect(byPosition.get(`${s.partition}:${s.offset}`)?.key).toBe(payloads[i]?.key);
    }
    // Within a key, offsets grow with seq.
    for (const key of keys) {
      const mine = sent.filter((_, i) => payloads[i]?.key === key).map((s) => BigInt(s.offset));
      expect(mine).toEqual([...mine].sort((a, b) => (a < b ? -1 : 1)));
    }
  });
});
