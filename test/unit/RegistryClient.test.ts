import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../pipeline/codec/RegistryClient.js';
import {
  RegistryConflictError,
  RegistryUnavailableError,
  SchemaIncompatibleError,
  TaskstreamError,
} from '../../pipeline/errors.js';
import { FakeCcompatRegistry } from './support/FakeCcompatRegistry.js';

const v1 = { type: 'record', name: 'Note', fields: [{ name: 'id', type: 'string' }] };
const v2 = { ...v1, fields: [...v1.fields, { name: 'seq', type: 'int', default: 0 }] };
const broken = { ...v1, fields: [{ name: 'id', type: 'int' }] };
const subject = 'tasks.note-value';

let registry: FakeCcompatRegistry;
beforeEach(async () => {
  registry = await FakeCcompatRegistry.start();
});
afterEach(async () => {
  await registry.close();
});

/** One client per simulated process: nothing is shared between them but the registry. */
const processes = (n: number) => Array.from({ length: n }, () => new RegistryClient({ url: registry.url }));

describe('RegistryClient.register racing other processes on a new subject', () => {
  it('gives every racer the same id when all steps interleave, and leaves the declared level', async () => {
    // Both look up, read the level and set it before either registers: each believes it creates the subject.
    for (const route of ['lookup', 'getConfig', 'putConfig', 'register'] as const) registry.holdUntil(route, 2);
    const [a, b] = processes(2) as [RegistryClient, RegistryClient];

    const ids = await Promise.all([a.register(subject, v1), b.register(subject, v1)]);

    expect(ids[0]).toBe(ids[1]);
    expect(registry.levelOf(subject)).toBe('BACKWARD');
    expect(registry.versionsOf(subject)).toBe(1);
    // The loser of the level race was told the rule exists, and that was fine.
    expect(registry.log.filter((l) => l.route === 'putConfig').map((l) => l.status)).toEqual([200, 409]);
  });

  it('does the same on a registry that sets a level only on a subject holding a schema, with creation conflicts', async () => {
    registry.configNeedsSubject = true;
    registry.creationConflicts = true;
    for (const route of ['lookup', 'getConfig', 'putConfig', 'register'] as const) registry.holdUntil(route, 2);
    const [a, b] = processes(2) as [RegistryClient, RegistryClient];

    const ids = await Promise.all([a.register(subject, v1), b.register(subject, v1)]);

    expect(ids[0]).toBe(ids[1]);
    expect(registry.levelOf(subject)).toBe('BACKWARD');
    // One registration lost the creation race (409, error_code 0) and was asked again.
    expect(registry.log.filter((l) => l.route === 'register').map((l) => l.status)).toEqual([200, 409, 200]);
  });

  it('gives a third process that arrives between registration and level the same id, without a refusal', async () => {
    registry.configNeedsSubject = true;
    const [creator, late] = processes(2) as [RegistryClient, RegistryClient];
    // The creator's first try at the level is refused (no schema yet); its second waits for the late process.
    const release = registry.pause('putConfig', 1);
    const first = creator.register(subject, v1);
    await waitUntil(() => registry.versionsOf(subject) === 1);
    const id = await late.register(subject, v1);
    expect(registry.levelOf(subject)).toBeUndefined();
    release();
    expect(id).toBe(await first);
    expect(registry.levelOf(subject)).toBe('BACKWARD');
  });
});

describe('RegistryClient.register on a subject someone else made', () => {
  it('returns the id of a schema the subject holds when the subject has no level and the global one is NONE', async () => {
    registry.globalLevel = 'NONE';
    const id = registry.seed(subject, [v1]);
    const [client] = processes(1) as [RegistryClient];

    expect(await client.register(subject, v1, 'BACKWARD')).toBe(id);
    // Nothing to check for an identical schema, and the subject's level is not ours to set.
    expect(registry.routes()).toEqual(['lookup']);
    expect(registry.levelOf(subject)).toBeUndefined();
  });

  it('registers a new version under the subject’s own rules and leaves its level alone', async () => {
    const old = registry.seed(subject, [v1]);
    const [client] = processes(1) as [RegistryClient];

    const id = await client.register(subject, v2, 'FULL');

    expect(id).not.toBe(old);
    expect(registry.versionsOf(subject)).toBe(2);
    expect(registry.routes()).toEqual(['lookup', 'register']);
    expect(registry.levelOf(subject)).toBeUndefined();
  });

  it('keeps the level of a subject configured before its first schema', async () => {
    const [client] = processes(1) as [RegistryClient];
    await fetch(`${registry.url}/config/${subject}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ compatibility: 'FULL' }),
    });

    await client.register(subject, v1, 'BACKWARD');

    expect(registry.levelOf(subject)).toBe('FULL');
  });
});

describe('RegistryClient.register failures', () => {
  it('reports a schema the subject’s rule refuses as SchemaIncompatibleError, not retriable', async () => {
    registry.seed(subject, [v1], 'BACKWARD');
    const [client] = processes(1) as [RegistryClient];

    const attempt = client.register(subject, broken);

    await expect(attempt).rejects.toBeInstanceOf(SchemaIncompatibleError);
    await expect(attempt).rejects.toMatchObject({ retriable: false, message: expect.stringMatching(/Incompatible/) });
    expect(registry.routes()).toEqual(['lookup', 'register']);
  });

  it('asks again after a conflict, and succeeds once the conflict clears', async () => {
    registry.failNext('register', 409, { error_code: 0, message: 'ConcurrentModification' }, 2);
    const [client] = processes(1) as [RegistryClient];

    expect(await client.register(subject, v1)).toBeGreaterThan(0);
    expect(registry.versionsOf(subject)).toBe(1);
  });

  it('reports a conflict that persists as RegistryConflictError, retriable', async () => {
    registry.failNext('register', 409, { error_code: 0, message: 'ConcurrentModification' }, 100);
    const [client] = processes(1) as [RegistryClient];

    const attempt = client.register(subject, v1);

    await expect(attempt).rejects.toBeInstanceOf(RegistryConflictError);
    await expect(attempt).rejects.toMatchObject({ retriable: true, code: 'REGISTRY_CONFLICT' });
  });

  it('asks again after a 5xx, and reports one that persists as RegistryUnavailableError, retriable', async () => {
    registry.failNext('lookup', 503, { error_code: 50003, message: 'busy' }, 1);
    const [client, other] = processes(2) as [RegistryClient, RegistryClient];
    expect(await client.register(subject, v1)).toBeGreaterThan(0);

    registry.failNext('lookup', 500, { error_code: 50001, message: 'store failed' }, 100);
    const attempt = other.register('tasks.other-value', v1);
    await expect(attempt).rejects.toBeInstanceOf(RegistryUnavailableError);
    await expect(attempt).rejects.toMatchObject({ retriable: true });
  });

  it('reports a registry that refuses connections as RegistryUnavailableError, retriable', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const client = new RegistryClient({ url: `http://127.0.0.1:${port}/apis/ccompat/v7` });

    const attempt = client.register(subject, v1);

    await expect(attempt).rejects.toBeInstanceOf(RegistryUnavailableError);
    await expect(attempt).rejects.toMatchObject({ retriable: true });
  });

  it('reports a schema the registry calls invalid as a refusal, not retriable', async () => {
    registry.failNext('register', 422, { error_code: 42201, message: 'Invalid schema' });
    const [client] = processes(1) as [RegistryClient];

    const attempt = client.register(subject, v1);

    await expect(attempt).rejects.toBeInstanceOf(TaskstreamError);
    await expect(attempt).rejects.toMatchObject({ retriable: false, code: 'SCHEMA_INCOMPATIBLE' });
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!condition()) throw new Error('condition never held');
}
