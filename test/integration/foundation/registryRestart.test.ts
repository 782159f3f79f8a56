// Guarantee: schemas and their ids survive a registry restart, so records already in Kafka keep decoding.
import { describe, expect, it } from 'vitest';
import { RegistryClient } from '../../../pipeline/codec/RegistryClient.js';
import { TaskCodec } from '../../../pipeline/codec/TaskCodec.js';
import { TaskProducer } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { ownsRegistry, singleNodeStack } from '../../support/localStack.js';
import { readTopic } from '../../support/readTopic.js';
import { using } from '../../support/resources.js';

describe.runIf(ownsRegistry())("registry restart (needs a registry started by this checkout's stack)", () => {
  it('decodes a record written before the restart with the same schema id', async () => {
    const task = noteTask();
    const producer = await using(new TaskProducer());
    await producer.enqueue(task, { id: 'before', key: 'k', seq: 1 });
    const idBefore = await new TaskCodec(task, new RegistryClient()).prepare();

    const stack = singleNodeStack();
    await stack.registry.process.stop();
    await stack.up();

    // A fresh client has nothing cached: the id must resolve from the restarted registry.
    const codec = new TaskCodec(task, new RegistryClient());
    const [record] = await readTopic(task.topic, 1);
    expect(record?.value?.readUInt32BE(1)).toBe(idBefore);
    expect({ ...((await codec.decode(record?.value ?? null)) as object) }).toEqual({ id: 'before', key: 'k', seq: 1 });
    expect(await codec.prepare()).toBe(idBefore);
    // Longer than the stack's own waits (15 s to stop, 120 s to get ready), so a slow restart fails with the
    // stack's error naming what was not ready, not with a bare test timeout.
  }, 200_000);
});
