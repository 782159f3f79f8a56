// Guarantee: undecodable records go straight to the DLQ with their raw bytes and reason; no crash, no stalled partition, valid tasks complete in key order.
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { RegistryClient } from '../../../pipeline/codec/RegistryClient.js';
import { TaskCodec } from '../../../pipeline/codec/TaskCodec.js';
import { handle, TaskProducer } from '../../../pipeline/index.js';
import { DLQ_HEADER, dlqTopicOf } from '../../../pipeline/retry/handOffHeaders.js';
import { noteSchema, noteTask } from '../../support/fixtures/taskTypes.js';
import { keysOutOfOrder } from '../../support/invariants.js';
import { rawKafka, readTopic } from '../../support/readTopic.js';
import { onCleanup, using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

describe('poison pills', () => {
  it('dead-letters each undecodable record with its reason and completes every valid task in key order', async () => {
    const task = noteTask({ partitions: 1 });
    const producer = await using(new TaskProducer());
    await producer.enqueue(task, { id: 'warm', key: 'a', seq: -1 }); // registers the schema and creates topics
    const schemaId = await new TaskCodec(task, new RegistryClient()).prepare();
    const body = avro.Type.forSchema(noteSchema as unknown as avro.Schema).toBuffer({ id: 'x', key: 'a', seq: 0 });
    const framed = (id: number, b: Buffer): Buffer =>
      Buffer.concat([Buffer.from([0, id >> 24, (id >> 16) & 255, (id >> 8) & 255, id & 255]), b]);
    const pills: { name: string; value: Buffer | null; reason: RegExp }[] = [
      {
        name: 'wrong magic byte',
        value: Buffer.concat([Buffer.from([1]), framed(schemaId, body).subarray(1)]),
        reason: /magic byte/,
      },
      { name: 'unknown schema id', value: framed(999_999, body), reason: /unknown to the registry|not found/i },
      { name: 'truncated Avro', value: framed(schemaId, body.subarray(0, 3)), reason: /does not decode|truncated/i },
      { name: 'tombstone', value: null, reason: /tombstone/ },
      { name: 'empty value', value: Buffer.alloc(0), reason: /empty value/ },
    ];
    const raw = rawKafka().producer();
    await raw.connect();
    onCleanup(() => raw.disconnect());
    // Valid tasks of one key interleaved with the pills, all in one partition.
    for (const [i, pill] of pills.entries()) {
      await producer.enqueue(task, { id: `v${i}`, key: 'a', seq: i });
      await raw.send({ topic: task.topic, messages: [{ key: 'a', value: pill.value, partition: 0 }] });
    }
    await producer.enqueue(task, { id: 'last', key: 'a', seq: 99 });

    const done: { id: string; key: string; seq: number }[] = [];
    await startWorker({ handlers: [handle(task, (n) => void done.push({ id: n.id, key: n.key, seq: n.seq }))] });
    const letters = await readTopic(dlqTopicOf(task.topic), pills.length);
    await waitFor('the last valid task', () => done.some((d) => d.id === 'last'));

    expect(done.map((d) => d.id)).toEqual(['warm', 'v0', 'v1', 'v2', 'v3', 'v4', 'last']);
    expect(keysOutOfOrder(done)).toEqual([]);
    const byOffset = [...letters].sort(
      (a, b) => Number(a.headers[DLQ_HEADER.originalOffset]) - Number(b.headers[DLQ_HEADER.originalOffset]),
    );
    for (const [i, pill] of pills.entries()) {
      const letter = byOffset[i];
      expect(letter?.headers[DLQ_HEADER.errorClass], pill.name).toBe('DecodeError');
      expect(letter?.headers[DLQ_HEADER.errorMessage], pill.name).toMatch(pill.reason);
      expect(letter?.headers[DLQ_HEADER.attempts], pill.name).toBe('1');
      if (pill.value === null) expect(letter?.value, pill.name).toBeNull();
      else expect(letter?.value?.equals(pill.value), pill.name).toBe(true);
    }
  });
});
