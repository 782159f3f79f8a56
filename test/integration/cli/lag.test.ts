// Guarantee: `taskstream lag` reports per partition exactly the end offsets and the offsets a worker group committed, and their difference.
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { committedOffsets, endOffsets } from '../../support/groups.js';
import { uniqueName, using } from '../../support/resources.js';
import { runCli, writeCliConfig } from '../../support/runCli.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

interface LagReport {
  group: string;
  type: string | null;
  partitions: { topic: string; partition: number; end: number; committed: number | null; lag: number }[];
  total: number;
}

const notes = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ id: `n${from + i}`, key: `k${(from + i) % 7}`, seq: from + i }));

async function allCommitted(group: string, topic: string, total: number): Promise<void> {
  await waitFor(`${total} offsets committed by ${group}`, async () => {
    const committed = await committedOffsets(group, topic);
    return [...committed.values()].reduce((a, b) => a + (b > 0n ? b : 0n), 0n) === BigInt(total);
  });
}

describe('taskstream lag', () => {
  it('shows lag 0 and the end offsets once a worker has processed and committed every task', async () => {
    const cfg = writeCliConfig({ partitions: 3 });
    const task = noteTask({ name: cfg.name, partitions: 3 });
    const groupPrefix = uniqueName('g');
    const group = `${groupPrefix}.${cfg.name}`;
    let done = 0;
    await startWorker({ groupPrefix, commitIntervalMs: 100, handlers: [handle(task, async () => void done++)] });
    const producer = await using(new TaskProducer());
    await producer.enqueueMany(task, notes(0, 30));
    await waitFor('30 tasks processed', () => done >= 30);
    await allCommitted(group, cfg.topic, 30);

    const r = await runCli(['--config', cfg.file, 'lag', cfg.name, '--group', group, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [report] = r.json<LagReport[]>();
    const ends = await endOffsets(cfg.topic);
    expect(report?.group).toBe(group);
    expect(report?.total).toBe(0);
    expect(report?.partitions.map((p) => [p.partition, p.end, p.committed, p.lag])).toEqual(
      [...ends].sort(([a], [b]) => a - b).map(([partition, end]) => [partition, Number(end), Number(end), 0]),
    );
    expect(report?.partitions.reduce((n, p) => n + p.end, 0)).toBe(30);
  });

  it('counts what was written after the group last committed, per partition and in total', async () => {
    const cfg = writeCliConfig({ partitions: 3 });
    const task = noteTask({ name: cfg.name, partitions: 3 });
    const groupPrefix = uniqueName('g');
    const group = `${groupPrefix}.${cfg.name}`;
    let done = 0;
    const worker = await startWorker({
      groupPrefix,
      commitIntervalMs: 100,
      handlers: [handle(task, async () => void done++)],
    });
    const producer = await using(new TaskProducer());
    await producer.enqueueMany(task, notes(0, 12));
    await waitFor('12 tasks processed', () => done >= 12);
    await allCommitted(group, cfg.topic, 12);
    await worker.close();
    await producer.enqueueMany(task, notes(12, 9));

    const r = await runCli(['--config', cfg.file, 'lag', cfg.name, '--group', group]);
    expect(r.code, r.stderr).toBe(0);
    const ends = await endOffsets(cfg.topic);
    const committed = await committedOffsets(group, cfg.topic);
    for (const [partition, end] of ends) {
      const c = committed.get(partition) ?? 0n;
      expect(r.stdout).toMatch(new RegExp(`^${cfg.topic}\\s+${partition}\\s+${end}\\s+${c}\\s+${end - c}$`, 'm'));
    }
    expect(r.stdout).toMatch(/^total lag 9$/m);
  });

  it('still takes the type as --type for one release, the same report with a deprecation warning on stderr', async () => {
    const cfg = writeCliConfig({ partitions: 2 });
    const task = noteTask({ name: cfg.name, partitions: 2 });
    const groupPrefix = uniqueName('g');
    const group = `${groupPrefix}.${cfg.name}`;
    const worker = await startWorker({ groupPrefix, handlers: [handle(task, async () => undefined)] });
    const producer = await using(new TaskProducer());
    await producer.enqueueMany(task, notes(0, 4));
    await worker.close();

    const positional = await runCli(['--config', cfg.file, 'lag', cfg.name, '--group', group, '--json']);
    const flag = await runCli(['--config', cfg.file, 'lag', '--type', cfg.name, '--group', group, '--json']);
    expect(flag.code, flag.stderr).toBe(0);
    expect(flag.json()).toEqual(positional.json());
    expect(positional.stderr).toBe('');
    expect(flag.stderr).toContain(`warning: --type is deprecated`);
    expect(flag.stderr).toContain(`taskstream lag ${cfg.name}`);
  });

  it('exits 2 when the type is given twice, as the argument and as a different --type', async () => {
    const r = await runCli(['lag', 'one', '--type', 'other']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('two task types');
  });

  it('an unknown consumer group fails with one line and exit code 1', async () => {
    const cfg = writeCliConfig();
    const r = await runCli(['--config', cfg.file, 'lag', '--group', uniqueName('no-such-group')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^taskstream: consumer group "no-such-group-\w+" does not exist$/m);
  });
});
