// Guarantee: a compatible schema change works both ways (old workers read new tasks, new workers read old), and an incompatible one is refused.
import { describe, expect, it } from 'vitest';
import { defineTask, handle, SchemaIncompatibleError, TaskProducer } from '../../../pipeline/index.js';
import { uniqueName, using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

const v1 = {
  type: 'record',
  name: 'Signup',
  namespace: 'test.taskstream',
  fields: [{ name: 'email', type: 'string' }],
} as const;
const v2 = {
  ...v1,
  fields: [...v1.fields, { name: 'plan', type: 'string', default: 'free' }],
} as const;
const broken = { ...v1, fields: [{ name: 'email', type: 'int' }] } as const;

function versions(name: string) {
  return {
    v1: defineTask({ name, schema: v1, partitions: 1 }),
    v2: defineTask({ name, schema: v2, partitions: 1 }),
    broken: defineTask({ name, schema: broken, partitions: 1 }),
  };
}

describe('schema evolution', () => {
  it('lets a new worker read tasks written with the old schema, filling the default', async () => {
    const t = versions(uniqueName('signup'));
    const producer = await using(new TaskProducer());
    await producer.enqueue(t.v1, { email: 'old@example.com' });
    const seen: object[] = [];
    await startWorker({ handlers: [handle(t.v2, (s) => void seen.push({ ...s }))] });
    await waitFor('the old task to run', () => seen.length === 1);
    expect(seen).toEqual([{ email: 'old@example.com', plan: 'free' }]);
  });

  it('lets an old worker read tasks written with the new schema, ignoring the new field', async () => {
    const t = versions(uniqueName('signup'));
    const oldProducer = await using(new TaskProducer());
    await oldProducer.enqueue(t.v1, { email: 'first@example.com' });
    const newProducer = await using(new TaskProducer());
    await newProducer.enqueue(t.v2, { email: 'new@example.com', plan: 'pro' });
    const seen: object[] = [];
    await startWorker({ handlers: [handle(t.v1, (s) => void seen.push({ ...s }))] });
    await waitFor('both tasks to run', () => seen.length === 2);
    // Tasks without a key have no order: compare as a set.
    expect(seen).toEqual(expect.arrayContaining([{ email: 'first@example.com' }, { email: 'new@example.com' }]));
  });

  it("refuses an incompatible change at registration with the registry's reason", async () => {
    const t = versions(uniqueName('signup'));
    const producer = await using(new TaskProducer());
    await producer.enqueue(t.v1, { email: 'a@example.com' });
    const attempt = producer.enqueue(t.broken, { email: 42 });
    await expect(attempt).rejects.toBeInstanceOf(SchemaIncompatibleError);
    await expect(attempt).rejects.toThrow(/email|incompatib/i);
  });
});
