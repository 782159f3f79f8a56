// Guarantee: `taskstream enqueue --file` never drops a line silently: a file with bad lines is refused whole (every bad line named), or with --skip-bad only the bad lines are held back, each reported.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { endOffsets } from '../../support/groups.js';
import { readTopic } from '../../support/readTopic.js';
import { noteJson, runCli, writeCliConfig, type CliConfig, type EnqueueFileReport } from '../../support/runCli.js';

/** Lines 1, 4 and 6 are good; 2 misses a field, 3 is blank (ignored), 5 is not JSON. */
function mixedFile(cfg: CliConfig): string {
  const file = path.join(cfg.dir, 'tasks.ndjson');
  const lines = [
    noteJson('a', 'k', 1),
    '{"id":"b","seq":2}',
    '',
    noteJson('c', 'k', 3),
    '{not json',
    noteJson('d', 'k', 4),
  ];
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('taskstream enqueue --file', () => {
  it('sends every line of a good NDJSON file and reports the count', async () => {
    const cfg = writeCliConfig({ partitions: 3 });
    const file = path.join(cfg.dir, 'good.ndjson');
    fs.writeFileSync(file, Array.from({ length: 50 }, (_, i) => noteJson(`n${i}`, `k${i % 5}`, i)).join('\n'));
    const r = await runCli(['--config', cfg.file, 'enqueue', cfg.name, '--file', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`enqueued 50 ${cfg.name} tasks to ${cfg.topic}`);
    const records = await readTopic(cfg.topic, 50);
    expect(new Set(records.map((rec) => rec.key))).toEqual(new Set(['k0', 'k1', 'k2', 'k3', 'k4']));
    expect([...(await endOffsets(cfg.topic)).values()].reduce((a, b) => a + b, 0n)).toBe(50n);
  });

  it('refuses a file with bad lines as a whole, listing each bad line by number, and sends nothing', async () => {
    const cfg = writeCliConfig({ partitions: 1 });
    expect((await runCli(['--config', cfg.file, 'topics', 'create', cfg.name])).code).toBe(0);
    const r = await runCli(['--config', cfg.file, 'enqueue', cfg.name, '--file', mixedFile(cfg)]);
    expect(r.code).toBe(1);
    const err = r.stderr.trim().split('\n');
    expect(err[0]).toBe('line 2: key: expected string, got nothing');
    expect(err[1]).toMatch(/^line 5: not JSON: /);
    expect(err[2]).toMatch(
      /^taskstream: refused .*tasks\.ndjson: 2 of 5 lines are bad \(listed above\); nothing was sent/,
    );
    expect(err).toHaveLength(3);
    expect((await endOffsets(cfg.topic)).get(0)).toBe(0n);
  });

  it('with --skip-bad sends the good lines, reports every bad one, exits 1, and --json output parses', async () => {
    const cfg = writeCliConfig({ partitions: 1 });
    const r = await runCli([
      '--config',
      cfg.file,
      'enqueue',
      cfg.name,
      '--file',
      mixedFile(cfg),
      '--skip-bad',
      '--json',
    ]);
    expect(r.code).toBe(1);
    const report = r.json<EnqueueFileReport>();
    expect(report.lines).toBe(5);
    expect(report.sent).toBe(3);
    expect(report.bad.map((b) => b.line)).toEqual([2, 5]);
    expect(r.stderr).toMatch(/^line 2: /m);
    expect(r.stderr).toMatch(/^line 5: /m);
    expect(r.stderr).toMatch(/skipped 2 bad lines/);
    const records = await readTopic(cfg.topic, 3);
    expect(records).toHaveLength(3);
    expect((await endOffsets(cfg.topic)).get(0)).toBe(3n);
  });

  it("reads NDJSON from stdin with '--file -'", async () => {
    const cfg = writeCliConfig({ partitions: 1 });
    const input = [noteJson('x', 'k', 1), noteJson('y', 'k', 2)].join('\n');
    const r = await runCli(['--config', cfg.file, 'enqueue', cfg.name, '--file', '-', '--json'], { input });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<EnqueueFileReport>()).toMatchObject({ lines: 2, sent: 2, bad: [] });
    expect((await endOffsets(cfg.topic)).get(0)).toBe(2n);
  });
});
