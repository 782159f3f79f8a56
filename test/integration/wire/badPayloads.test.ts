// Guarantee: a payload the Avro schema rejects is refused at enqueue, naming the field, and nothing is sent.
import { describe, expect, it } from 'vitest';
import { PayloadInvalidError, TaskProducer, type InputOf } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { endOffsets } from '../../support/groups.js';
import { using } from '../../support/resources.js';

describe('bad payloads at enqueue', () => {
  it('throws PayloadInvalidError with the field path and reason, and sends nothing', async () => {
    const task = noteTask({ partitions: 1 });
    const producer = await using(new TaskProducer());
    const bad = { id: 'x', key: 'k', seq: 'three' } as unknown as InputOf<typeof task>;
    const attempt = producer.enqueue(task, bad);
    await expect(attempt).rejects.toBeInstanceOf(PayloadInvalidError);
    await expect(attempt).rejects.toThrow(/seq: expected int, got "three"/);
    expect((await endOffsets(task.topic)).get(0)).toBe(0n);
  });

  it('refuses a whole enqueueMany when one payload is bad', async () => {
    const task = noteTask({ partitions: 1 });
    const producer = await using(new TaskProducer());
    const payloads = [{ id: 'a', key: 'k', seq: 1 }, { id: 'b', seq: 2 } as unknown as InputOf<typeof task>];
    await expect(producer.enqueueMany(task, payloads)).rejects.toThrow(/key: expected string, got nothing/);
    expect((await endOffsets(task.topic)).get(0)).toBe(0n);
  });
});
