// Guarantee: `taskstream dlq purge` removes only dead letters the filters choose, only as a prefix of each partition, changes nothing without --execute, and `dlq list` afterwards shows exactly the letters it kept.
import { describe, expect, it } from 'vitest';
import { deadLetterFixture, total, unrecoverable } from '../../support/deadLetters.js';
import { runCli, runCliJson } from '../../support/runCli.js';

interface Purge {
  executed: boolean;
  purged: number;
  kept: number;
  keptMatching: number;
  partitions: { partition: number; from: string; to: string; purged: number; kept: number; stoppedAt?: string }[];
}

interface Row {
  offset: string;
  taskId: string;
  status?: string;
}

const cliJson = <T>(config: string, ...args: string[]) => runCliJson<T>(['--config', config, 'dlq', ...args, '--json']);

/**
 * One partition, five dead letters in a known order (each enqueued after the last one is dead-lettered), the
 * worker closed so that replayed copies stay in the task topic; then d1, d2 and d4 replayed.
 */
async function replayedFixture() {
  const f = await deadLetterFixture(1);
  const ids = new Map<string, string>();
  for (const id of ['d1', 'd2', 'd3', 'd4', 'd5']) {
    for (const [k, v] of await f.enqueue([{ id, fail: unrecoverable(`cannot ${id}`) }])) ids.set(k, v);
  }
  await f.worker.close();
  const replay = ['d1', 'd2', 'd4'].flatMap((id) => ['--task-id', ids.get(id) as string]);
  const replayed = await cliJson<{ copied: number }>(f.cli.file, 'replay', f.task.name, ...replay, '--execute');
  expect(replayed.copied).toBe(3);
  return { ...f, ids };
}

describe('dlq purge', () => {
  it('--replayed-only purges the replayed prefix, keeps the rest, and list shows exactly the kept letters', async () => {
    const f = await replayedFixture();
    const taskIds = (...names: string[]) => names.map((n) => f.ids.get(n));

    const dry = await cliJson<Purge>(f.cli.file, 'purge', f.task.name, '--replayed-only');
    expect(dry).toMatchObject({ executed: false, purged: 2, kept: 3, keptMatching: 1 });
    expect(dry.partitions).toEqual([
      { partition: 0, from: '0', to: '2', purged: 2, kept: 3, keptMatching: 1, stoppedAt: '2' },
    ]);
    expect((await cliJson<Row[]>(f.cli.file, 'list', f.task.name)).map((r) => r.taskId)).toEqual(
      taskIds('d1', 'd2', 'd3', 'd4', 'd5'),
    );

    const done = await cliJson<Purge>(f.cli.file, 'purge', f.task.name, '--replayed-only', '--execute');
    expect(done).toMatchObject({ executed: true, purged: 2, kept: 3, keptMatching: 1 });
    const left = await cliJson<Row[]>(f.cli.file, 'list', f.task.name);
    expect(left.map((r) => [r.offset, r.taskId])).toEqual([
      ['2', f.ids.get('d3')],
      ['3', f.ids.get('d4')],
      ['4', f.ids.get('d5')],
    ]);
    // d4's replay is still remembered: a replay of everything left copies only d3 and d5.
    const next = await cliJson<{ letters: Row[] }>(f.cli.file, 'replay', f.task.name);
    expect(next.letters.map((l) => [l.taskId, l.status])).toEqual([
      [f.ids.get('d3'), 'to copy'],
      [f.ids.get('d4'), 'already replayed'],
      [f.ids.get('d5'), 'to copy'],
    ]);
  });

  it('a dry run says what would go, per partition, and removes nothing', async () => {
    const f = await replayedFixture();
    const before = await total(f.dlq);
    const r = await runCli(['--config', f.cli.file, 'dlq', 'purge', f.task.name, '--replayed-only']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PARTITION\s+OFFSETS\s+PURGE\s+KEEP\s+KEPT MATCHING\s+STOPS AT$/m);
    expect(r.stdout).toMatch(/^0\s+0\.\.1\s+2\s+3\s+1\s+0:2$/m);
    expect(r.stdout).toContain('would purge 2 dead letters');
    expect(r.stdout).toContain('1 of them match but sit behind a letter that does not');
    expect((await cliJson<Row[]>(f.cli.file, 'list', f.task.name)).length).toBe(before);
  });

  it('exits 2 without a filter or --all', async () => {
    const r = await runCli(['dlq', 'purge', 'anything', '--execute']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--all');
  });
});
