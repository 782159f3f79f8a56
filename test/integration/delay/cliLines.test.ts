// Guarantee: `taskstream enqueue --file --envelopes` gives each line its own delay or time: each task waits in the
// delay tier its own wait selects (a line without one takes --delay), starts no earlier than its own time, and a
// line whose delay is bad is a bad line like a payload the schema rejects (the file refused unless --skip-bad).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { delayTierFor, delayTiers, delayTopicOf, runAtOf } from '../../../pipeline/delay/DelayLadder.js';
import { handle } from '../../../pipeline/index.js';
import { HEADER } from '../../../pipeline/task/headers.js';
import { endOffsets } from '../../support/groups.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { readAll } from '../../support/readTopic.js';
import { runCli, writeCliConfig, type CliConfig, type EnqueueFileReport } from '../../support/runCli.js';
import { startWorker } from '../../support/workers.js';
import { waitFor } from '../../support/waitFor.js';

const H = 3_600_000;

/** An envelope line for a note whose key is its id, so a record on the wire says which line it came from. */
function envelope(id: string, delay: { delay?: string; at?: string } = {}): string {
  return JSON.stringify({ payload: { id, key: id, seq: 1 }, ...delay });
}

function writeLines(cfg: CliConfig, lines: readonly string[]): string {
  const file = path.join(cfg.dir, 'lines.ndjson');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Every record of the task type's delay tiers: which tier, its key (the line's id) and its task time. */
async function tierRecords(cfg: CliConfig, maxDelayMs: number) {
  const tiers = delayTiers(maxDelayMs);
  const perTier = await Promise.all(
    tiers.map(async (tier) =>
      (await readAll(delayTopicOf(cfg.topic, tier))).map((r) => ({
        tier: tier.name,
        key: r.key,
        runAt: runAtOf(r.headers),
        // A hop's copy carries the task id; the copy the command wrote (with no --id) does not.
        hop: r.headers[HEADER.id] !== undefined,
      })),
    ),
  );
  return perTier.flat();
}

describe('taskstream enqueue --file --envelopes', () => {
  it('puts each line in the tier its own delay or time selects, and --delay on the lines without one', async () => {
    const maxDelayMs = 6 * H;
    const cfg = writeCliConfig({ partitions: 2, maxDelayMs });
    const at = new Date(Date.now() + 3 * H);
    const file = writeLines(cfg, [
      envelope('flag'),
      envelope('ten', { delay: '10m' }),
      envelope('ninety', { delay: '90m' }),
      envelope('at', { at: at.toISOString() }),
      envelope('past', { at: '2020-01-01T00:00:00Z' }),
    ]);
    const before = Date.now();
    const r = await runCli(['--config', cfg.file, 'enqueue', cfg.name, '--file', file, '--envelopes', '--delay', '2m']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`enqueued 5 ${cfg.name} tasks`);

    const waiting = await tierRecords(cfg, maxDelayMs);
    const tierOf = Object.fromEntries(waiting.map((w) => [w.key, w.tier]));
    expect(tierOf).toEqual({ flag: '2m', ten: '10m', ninety: '1h', at: '1h' });
    expect(waiting.filter((w) => w.hop)).toEqual([]);
    // Each line's own wait, counted from no later than the command started; the time given is kept exactly.
    const runAt = Object.fromEntries(waiting.map((w) => [w.key, w.runAt ?? 0]));
    expect(runAt.flag).toBeGreaterThanOrEqual(before + 2 * 60_000);
    expect(runAt.ten).toBeGreaterThanOrEqual(before + 10 * 60_000);
    expect(runAt.ninety).toBeGreaterThanOrEqual(before + 90 * 60_000);
    expect(runAt.at).toBe(at.getTime());
    // A time already past runs at once: the task's own topic, no task time.
    const now = await readAll(cfg.topic);
    expect(now.map((rec) => [rec.key, runAtOf(rec.headers)])).toEqual([['past', undefined]]);
  });

  it('starts each task no earlier than its own time, whichever tier its line sent it to', async () => {
    const maxDelayMs = 60_000;
    const cfg = writeCliConfig({ partitions: 1, maxDelayMs });
    const task = noteTask({ name: cfg.name, partitions: 1, maxDelayMs });
    const started = new Map<string, number>();
    await startWorker({ handlers: [handle(task, (note) => void started.set(note.id, Date.now()))] });
    const lines = { flag: undefined, short: '1500ms', mid: '6s', long: '31s' } as const;
    const file = writeLines(
      cfg,
      Object.entries(lines).map(([id, delay]) => envelope(id, delay === undefined ? {} : { delay })),
    );
    const before = Date.now();
    const r = await runCli(['--config', cfg.file, 'enqueue', cfg.name, '--file', file, '--envelopes', '--delay', '2s']);
    expect(r.code, r.stderr).toBe(0);

    await waitFor('every task started', () => started.size === 4, { timeoutMs: 90_000 });
    const written = await tierRecords(cfg, maxDelayMs);
    // The copy the command wrote of each task sits in the tier its line's own wait selects.
    const firstTier = new Map(written.filter((w) => !w.hop).map((w) => [w.key, w.tier]));
    const selected = (ms: number) => delayTierFor(delayTiers(maxDelayMs), ms)?.name;
    expect(Object.fromEntries(firstTier)).toEqual({
      flag: selected(2000),
      short: selected(1500),
      mid: selected(6000),
      long: selected(31_000),
    });
    const runAt = new Map(written.map((w) => [w.key, w.runAt ?? 0]));
    const waits = { flag: 2000, short: 1500, mid: 6000, long: 31_000 };
    for (const [id, waitMs] of Object.entries(waits)) {
      expect(runAt.get(id), id).toBeGreaterThanOrEqual(before + waitMs);
      expect(started.get(id), id).toBeGreaterThanOrEqual(runAt.get(id) ?? Infinity);
    }
  });

  it('refuses a file whose lines carry bad delays, naming each by line number, and sends nothing', async () => {
    const cfg = writeCliConfig({ partitions: 1, maxDelayMs: H });
    expect((await runCli(['--config', cfg.file, 'topics', 'create', cfg.name])).code).toBe(0);
    const file = writeLines(cfg, [
      envelope('good', { delay: '10m' }),
      envelope('soon', { delay: 'soon' }),
      envelope('far', { delay: '2h' }),
      JSON.stringify({ payload: { id: 'both', key: 'k', seq: 1 }, delay: '1m', at: '2030-01-01T00:00:00Z' }),
      JSON.stringify({ payload: { id: 'opts', key: 'k', seq: 1 }, priority: 1 }),
      envelope('bad-at', { at: 'tomorrow' }),
      JSON.stringify({ payload: { id: 'no-key', seq: 1 }, delay: '1m' }),
    ]);
    const r = await runCli(['--config', cfg.file, 'enqueue', cfg.name, '--file', file, '--envelopes']);
    expect(r.code).toBe(1);
    const err = r.stderr.trim().split('\n');
    expect(err.slice(0, 6)).toEqual([
      'line 2: delay: "soon" is not a duration such as "90s", "10m", "2h" or "7d"',
      `line 3: delay: task "${cfg.name}" accepts delays up to ${H} ms (maxDelayMs); this one waits ${2 * H} ms`,
      'line 4: at: give delay or at, not both',
      'line 5: priority: not an envelope key (payload, delay or at)',
      'line 6: at: "tomorrow" is not an ISO 8601 date-time',
      'line 7: payload.key: expected string, got nothing',
    ]);
    expect(err[6]).toMatch(/refused .*lines\.ndjson: 6 of 7 lines are bad \(listed above\); nothing was sent/);
    const topics = [cfg.topic, ...delayTiers(H).map((t) => delayTopicOf(cfg.topic, t))];
    for (const topic of topics) expect([...(await endOffsets(topic)).values()], topic).toEqual([0n]);
  });

  it('with --skip-bad sends the lines whose delays are good, into their tiers, and reports the bad ones', async () => {
    const cfg = writeCliConfig({ partitions: 1, maxDelayMs: H });
    const file = writeLines(cfg, [envelope('good', { delay: '10m' }), envelope('far', { delay: '2h' })]);
    const r = await runCli([
      '--config',
      cfg.file,
      'enqueue',
      cfg.name,
      '--file',
      file,
      '--envelopes',
      '--skip-bad',
      '--json',
    ]);
    expect(r.code).toBe(1);
    const report = r.json<EnqueueFileReport>();
    expect(report).toMatchObject({ lines: 2, sent: 1, bad: [{ line: 2 }] });
    expect((await tierRecords(cfg, H)).map((w) => [w.key, w.tier])).toEqual([['good', '10m']]);
  });

  it('without --envelopes reads a line shaped like an envelope as a payload, never as a delay', async () => {
    const cfg = writeCliConfig({ partitions: 1, maxDelayMs: H });
    expect((await runCli(['--config', cfg.file, 'topics', 'create', cfg.name])).code).toBe(0);
    const file = writeLines(cfg, [envelope('a', { delay: '10m' })]);
    const r = await runCli(['--config', cfg.file, 'enqueue', cfg.name, '--file', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^line 1: id: expected string, got nothing/m);
  });

  it('exits 2 when --envelopes is given without --file', async () => {
    const cfg = writeCliConfig({ partitions: 1, maxDelayMs: H });
    const r = await runCli(['--config', cfg.file, 'enqueue', cfg.name, '--envelopes', envelope('a')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--envelopes only applies to --file/);
  });
});
