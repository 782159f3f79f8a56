// Guarantee: a record any Confluent-compatible serializer wrote (magic byte, schema id, Avro body, no headers of ours) is a task.
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { handle } from '../../../pipeline/index.js';
import { noteSchema, noteTask } from '../../support/fixtures/taskTypes.js';
import { rawKafka } from '../../support/readTopic.js';
import { onCleanup } from '../../support/resources.js';
import { services } from '../../support/services.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

describe('records written by an upstream system', () => {
  it('runs a hand-framed Avro record as a task whose id is its topic-partition-offset', async () => {
    const task = noteTask({ partitions: 1 });
    // What an upstream serializer does: register under <topic>-value over plain HTTP, then frame by hand.
    const res = await fetch(`${await apiBase()}/subjects/${task.subject}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: JSON.stringify(noteSchema) }),
    });
    const { id } = (await res.json()) as { id: number };
    const body = avro.Type.forSchema(noteSchema as unknown as avro.Schema).toBuffer({ id: 'up-1', key: 'u', seq: 1 });
    const value = Buffer.concat([
      Buffer.from([0]),
      Buffer.from([id >> 24, (id >> 16) & 255, (id >> 8) & 255, id & 255]),
      body,
    ]);

    const seen: { payload: object; taskId: string; attempt: number }[] = [];
    await startWorker({
      handlers: [
        handle(task, (note, ctx) => void seen.push({ payload: { ...note }, taskId: ctx.taskId, attempt: ctx.attempt })),
      ],
    });
    const producer = rawKafka().producer();
    await producer.connect();
    onCleanup(() => producer.disconnect());
    const [meta] = await producer.send({ topic: task.topic, messages: [{ key: 'u', value }] });

    await waitFor('the upstream record to run', () => seen.length === 1);
    expect(seen[0]).toEqual({
      payload: { id: 'up-1', key: 'u', seq: 1 },
      taskId: `${task.topic}-0-${meta?.baseOffset}`,
      attempt: 1,
    });
  });
});

async function apiBase(): Promise<string> {
  const url = services().registryUrl.replace(/\/+$/, '');
  const probe = await fetch(`${url}/subjects`);
  return probe.ok ? url : `${url}/apis/ccompat/v7`;
}
