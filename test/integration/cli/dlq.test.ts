// Guarantee: `taskstream dlq` lists exactly the dead letters asked for, shows each one whole, and replays the chosen ones to the task topic byte-for-byte and only once, where they run again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskDefinition } from '../../../pipeline/index.js';
import { DLQ_HEADER, dlqTopicOf } from '../../../pipeline/retry/handOffHeaders.js';
import { deadLetterFixture, notRetriable, total, unrecoverable } from '../../support/deadLetters.js';
import { rawKafka, readTopic, type SeenRecord } from '../../support/readTopic.js';
import { runCli, runCliJson } from '../../support/runCli.js';
import { waitFor } from '../../support/waitFor.js';

interface Row {
  partition: number;
  offset: string;
  taskId: string;
  key: string | null;
  errorClass: string;
  errorMessage: string;
  attempts: number | null;
  failedAt: string;
}

interface ReplayReport {
  letters: (Row & { status: string })[];
  copied: number;
  toCopy: number;
  alreadyReplayed: number;
}

interface Shown {
  partition: number;
  offset: string;
  headers: Record<string, string>;
  payload: unknown;
  schemaId: number | null;
  decodeError: string | null;
  hex: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dlqCli = (config: string, ...args: string[]) => runCli(['--config', config, 'dlq', ...args]);
const dlqJson = <T>(config: string, ...args: string[]) => runCliJson<T>(['--config', config, 'dlq', ...args, '--json']);

describe('dlq list and show', () => {
  // Read-only commands share one set of dead letters, written before the first test.
  let task: TaskDefinition;
  let config: string;
  let configDir: string;
  let ids: Map<string, string>;
  let boundary: string;
  let rawValue: Buffer;

  beforeAll(async () => {
    const f = await deadLetterFixture();
    task = f.task;
    // The fixture's files are removed after the first test; these tests need the config for longer.
    configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'taskstream-dlq-'));
    fs.cpSync(f.cli.dir, configDir, { recursive: true });
    config = path.join(configDir, path.basename(f.cli.file));
    const early = await f.enqueue([
      { id: 'a1', fail: unrecoverable('mailbox full') },
      { id: 'a2', fail: notRetriable('bad address') },
      { id: 'a3' },
    ]);
    await sleep(1200);
    boundary = new Date().toISOString();
    await sleep(1200);
    const late = await f.enqueue([
      { id: 'b1', fail: unrecoverable('quota exceeded') },
      { id: 'b2', fail: unrecoverable('Mailbox FULL again') },
      { id: 'b3' },
    ]);
    ids = new Map([...early, ...late]);
    // A record that is not a task at all: the worker dead-letters it as undecodable.
    rawValue = Buffer.from('not an avro task');
    const raw = rawKafka().producer();
    await raw.connect();
    await raw.send({ topic: task.topic, messages: [{ key: 'raw', value: rawValue }] });
    await raw.disconnect();
    await waitFor('the undecodable record in the DLQ', async () => (await total(f.dlq)) >= 5);
    await f.worker.close();
  });

  afterAll(() => fs.rmSync(configDir, { recursive: true, force: true }));

  const byId = (rows: Row[]) => new Map(rows.map((r) => [r.taskId, r]));

  it('lists every dead letter with its position, task id, error, attempts and failure time', async () => {
    const rows = await dlqJson<Row[]>(config, 'list', task.name);
    expect(rows).toHaveLength(5);
    const a1 = byId(rows).get(ids.get('a1') as string);
    expect(a1).toMatchObject({ errorClass: 'UnrecoverableError', errorMessage: 'mailbox full', attempts: 1 });
    expect(Date.parse(a1?.failedAt ?? '')).toBeGreaterThan(Date.now() - 10 * 60_000);
    expect(byId(rows).get(ids.get('a2') as string)).toMatchObject({
      errorClass: 'TypeError',
      errorMessage: 'bad address',
    });
    expect(rows.filter((r) => r.errorClass === 'DecodeError')).toHaveLength(1);
    // Each row's position is where that dead letter really is.
    const onWire = await readTopic(dlqTopicOf(task.topic), 5);
    for (const r of rows) {
      const rec = onWire.find((w) => w.partition === r.partition && w.offset === r.offset);
      expect(rec?.headers['ts-id']).toBe(r.taskId);
    }
  });

  it('prints a table by default', async () => {
    const r = await dlqCli(config, 'list', task.name);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^PARTITION\s+OFFSET\s+TASK ID\s+ERROR\s+MESSAGE\s+ATTEMPTS\s+FAILED AT$/);
    expect(r.stdout).toContain(ids.get('b1'));
    expect(r.stdout).toContain('5 dead letters');
  });

  it('--error matches a substring of the error class or message, in any case', async () => {
    const byClass = await dlqJson<Row[]>(config, 'list', task.name, '--error', 'typeerr');
    expect(byClass.map((r) => r.taskId)).toEqual([ids.get('a2')]);
    const byMessage = await dlqJson<Row[]>(config, 'list', task.name, '--error', 'mailbox full');
    expect(byMessage.map((r) => r.taskId).sort()).toEqual([ids.get('a1'), ids.get('b2')].sort());
  });

  it('--since and --until choose by failure time', async () => {
    const late = await dlqJson<Row[]>(config, 'list', task.name, '--since', boundary);
    expect(
      late
        .filter((r) => r.errorClass !== 'DecodeError')
        .map((r) => r.taskId)
        .sort(),
    ).toEqual([ids.get('b1'), ids.get('b2')].sort());
    expect(late).toHaveLength(3);
    const early = await dlqJson<Row[]>(config, 'list', task.name, '--until', boundary);
    expect(early.map((r) => r.taskId).sort()).toEqual([ids.get('a1'), ids.get('a2')].sort());
  });

  it('--task-id (repeatable) chooses those tasks', async () => {
    const rows = await dlqJson<Row[]>(
      config,
      'list',
      task.name,
      '--task-id',
      ids.get('a1') as string,
      '--task-id',
      ids.get('b1') as string,
    );
    expect(rows.map((r) => r.taskId).sort()).toEqual([ids.get('a1'), ids.get('b1')].sort());
  });

  it('show prints every header and the decoded payload', async () => {
    const [a1] = await dlqJson<Row[]>(config, 'list', task.name, '--task-id', ids.get('a1') as string);
    const shown = await dlqJson<Shown>(config, 'show', task.name, `${a1?.partition}:${a1?.offset}`);
    expect(shown.payload).toEqual({ id: 'a1', key: 'k0', seq: 0 });
    expect(shown.decodeError).toBeNull();
    expect(shown.headers).toMatchObject({
      'ts-id': ids.get('a1'),
      [DLQ_HEADER.errorClass]: 'UnrecoverableError',
      [DLQ_HEADER.errorMessage]: 'mailbox full',
      [DLQ_HEADER.originalTopic]: task.topic,
    });
    expect(shown.headers[DLQ_HEADER.errorStack]).toContain('UnrecoverableError');

    const human = await dlqCli(config, 'show', task.name, `${a1?.partition}:${a1?.offset}`);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`${DLQ_HEADER.errorMessage}`);
    expect(human.stdout).toContain('"id": "a1"');
  });

  it('show prints a payload that does not decode as hex, with the reason', async () => {
    const [raw] = await dlqJson<Row[]>(config, 'list', task.name, '--error', 'DecodeError');
    const shown = await dlqJson<Shown>(config, 'show', task.name, `${raw?.partition}:${raw?.offset}`);
    expect(shown.payload).toBeNull();
    expect(shown.hex).toBe(rawValue.toString('hex'));
    expect(shown.decodeError).toMatch(/\S/);

    const human = await dlqCli(config, 'show', task.name, `${raw?.partition}:${raw?.offset}`);
    expect(human.stdout).toContain('payload does not decode');
    expect(human.stdout).toContain(rawValue.toString('hex'));
  });

  it.each([
    ['a date that is not ISO 8601', ['list', 'T', '--since', 'yesterday'], /--since "yesterday" is not an ISO 8601/],
    [
      '--since not before --until',
      ['list', 'T', '--since', '2025-02-01T00:00:00Z', '--until', '2025-01-01T00:00:00Z'],
      /before --until/,
    ],
    ['--dry-run with --execute', ['replay', 'T', '--dry-run', '--execute'], /not both/],
    ['a position that is not one', ['show', 'T', 'zero'], /not a dead letter's position/],
  ])('exits 2 on bad usage: %s', async (_what, args, message) => {
    const r = await dlqCli(config, ...args.map((a) => (a === 'T' ? task.name : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('exits 1 naming the known types when the type is unknown', async () => {
    const r = await dlqCli(config, 'list', 'no-such-type');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(task.name);
  });
});

describe('dlq replay', () => {
  async function fixture() {
    const f = await deadLetterFixture();
    const ids = await f.enqueue([
      { id: 'm1', fail: unrecoverable('mailbox full') },
      { id: 'm2', fail: unrecoverable('mailbox full') },
      { id: 'q1', fail: unrecoverable('quota exceeded') },
      { id: 'ok' },
    ]);
    return { ...f, ids };
  }

  const replay = (config: string, type: string, ...args: string[]) =>
    runCliJson<ReplayReport>(['--config', config, 'dlq', 'replay', type, ...args, '--json']);

  it('dry run lists what it would copy and copies nothing', async () => {
    const f = await fixture();
    const before = await total(f.task.topic);
    const report = await replay(f.cli.file, f.task.name, '--error', 'mailbox');
    expect(report.toCopy).toBe(2);
    expect(report.letters.map((l) => [l.taskId, l.status]).sort()).toEqual(
      [
        [f.ids.get('m1'), 'to copy'],
        [f.ids.get('m2'), 'to copy'],
      ].sort(),
    );
    expect(await total(f.task.topic)).toBe(before);
  });

  it('--execute copies exactly the chosen dead letters, same key and value, attempts reset, task id kept', async () => {
    const f = await fixture();
    await f.worker.close();
    const before = await total(f.task.topic);
    const report = await replay(f.cli.file, f.task.name, '--error', 'mailbox', '--execute');
    expect(report.copied).toBe(2);

    const letters = await readTopic(f.dlq, 3);
    const main = await readTopic(f.task.topic, before + 2);
    const copies = main.filter((r) => r.headers['ts-replayed-from'] !== undefined);
    expect(copies).toHaveLength(2);
    for (const copy of copies) {
      const from = letters.find((l) => `${l.partition}:${l.offset}` === copy.headers['ts-replayed-from']) as SeenRecord;
      expect(from.headers[DLQ_HEADER.errorMessage]).toBe('mailbox full');
      expect(copy.key).toBe(from.key);
      expect(copy.value?.equals(from.value as Buffer)).toBe(true);
      expect(copy.headers['ts-id']).toBe(from.headers['ts-id']);
      expect(copy.headers['ts-attempt']).toBeUndefined();
      for (const h of Object.values(DLQ_HEADER)) expect(copy.headers[h]).toBeUndefined();
    }
    expect(copies.map((c) => c.headers['ts-id']).sort()).toEqual([f.ids.get('m1'), f.ids.get('m2')].sort());
  });

  it('a second replay of the same dead letters copies nothing; a wider one copies only the new ones', async () => {
    const f = await fixture();
    await f.worker.close();
    const first = await replay(f.cli.file, f.task.name, '--error', 'mailbox', '--execute');
    expect(first.copied).toBe(2);
    const afterFirst = await total(f.task.topic);

    const again = await replay(f.cli.file, f.task.name, '--error', 'mailbox', '--execute');
    expect(again.copied).toBe(0);
    expect(again.alreadyReplayed).toBe(2);
    expect(again.letters.every((l) => l.status === 'already replayed')).toBe(true);
    expect(await total(f.task.topic)).toBe(afterFirst);

    const wider = await replay(f.cli.file, f.task.name, '--execute');
    expect(wider.copied).toBe(1);
    expect(wider.letters.find((l) => l.status === 'copied')?.taskId).toBe(f.ids.get('q1'));
    expect(await total(f.task.topic)).toBe(afterFirst + 1);
  });

  it('replayed tasks run again in a worker, as attempt 1 with their original task id', async () => {
    const f = await fixture();
    f.failing.clear(); // the cause is fixed: the handler succeeds from now on
    await replay(f.cli.file, f.task.name, '--error', 'mailbox', '--execute');
    await waitFor('the replayed tasks to complete', () =>
      ['m1', 'm2'].every((id) => f.completed.some((c) => c.id === id)),
    );
    const reruns = f.completed.filter((c) => c.id !== 'ok');
    expect(reruns.map((c) => c.id).sort()).toEqual(['m1', 'm2']);
    for (const r of reruns) {
      expect(r.attempt).toBe(1);
      expect(r.taskId).toBe(f.ids.get(r.id));
    }
  });
});
