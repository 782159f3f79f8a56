// Guarantee: `taskstream enqueue --delay` stores a task for later, `cancel` cancels it, `lag` counts what waits
// for its time, and `schedule trigger` fires a schedule's tick once, with an id no regular tick has.
import { describe, expect, it } from 'vitest';
import { handle } from '../../../pipeline/index.js';
import { HEADER } from '../../../pipeline/task/headers.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { readAll } from '../../support/readTopic.js';
import { uniqueName } from '../../support/resources.js';
import { runCli, runCliJson, writeCliConfig } from '../../support/runCli.js';
import { startWorker } from '../../support/workers.js';

interface Sent {
  taskId: string;
  topic: string;
  runAt?: number;
}

describe('taskstream and delayed tasks', () => {
  it('enqueue --delay waits in a tier, lag counts it, cancel cancels it', async () => {
    const cfg = writeCliConfig({ partitions: 1, maxDelayMs: 3_600_000 });
    const groupPrefix = uniqueName('g');
    const task = noteTask({ name: cfg.name, partitions: 1, maxDelayMs: 3_600_000 });
    await startWorker({ groupPrefix, handlers: [handle(task, () => undefined)] });
    const before = Date.now();
    const sent = await runCliJson<Sent>([
      '--config',
      cfg.file,
      'enqueue',
      cfg.name,
      '--delay',
      '10m',
      '--json',
      '{"id":"a","key":"k","seq":1}',
    ]);
    expect(sent.topic).toBe(`${cfg.topic}.delay.10m`);
    expect(sent.runAt).toBeGreaterThanOrEqual(before + 600_000);

    const [lag] = await runCliJson<{ delayed?: { waiting: number; nextDueAt: string | null } }[]>([
      '--config',
      cfg.file,
      'lag',
      '--type',
      cfg.name,
      '--group',
      `${groupPrefix}.${cfg.name}`,
      '--json',
    ]);
    expect(lag?.delayed).toEqual({ waiting: 1, nextDueAt: new Date(sent.runAt ?? 0).toISOString() });

    const cancel = ['--config', cfg.file, 'cancel', cfg.name, sent.taskId, '--group-prefix', groupPrefix, '--json'];
    expect(await runCliJson<{ outcome: string }>(cancel)).toMatchObject({ outcome: 'cancelled' });
  });

  it('cancel exits 1 naming an id no task has', async () => {
    const cfg = writeCliConfig({ partitions: 1 });
    await runCliJson(['--config', cfg.file, 'enqueue', cfg.name, '--json', '{"id":"a","key":"k","seq":1}']);
    const r = await runCli(['--config', cfg.file, 'cancel', cfg.name, `${cfg.topic}-0-42`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no .* task has the id/);
  });

  it('enqueue refuses a delay longer than the task type accepts, sending nothing', async () => {
    const cfg = writeCliConfig({ partitions: 1, maxDelayMs: 60_000 });
    const r = await runCli([
      '--config',
      cfg.file,
      'enqueue',
      cfg.name,
      '--delay',
      '2m',
      '{"id":"a","key":"k","seq":1}',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/accepts delays up to 60000 ms/);
  });

  it('schedule trigger fires one tick now, with an id no regular tick has', async () => {
    const name = uniqueName('nightly');
    const cfg = writeCliConfig({ partitions: 1, schedule: { name, cron: '0 3 * * *' } });
    const fired = await runCliJson<Sent>(['--config', cfg.file, 'schedule', 'trigger', name, '--json']);
    expect(fired.taskId).toMatch(new RegExp(`^${name}@manual-`));
    const records = await readAll(cfg.topic);
    expect(records.map((r) => r.headers[HEADER.id])).toEqual([fired.taskId]);
  });
});
