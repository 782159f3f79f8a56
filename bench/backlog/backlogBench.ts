import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../rounds.js';
import { benchTask } from '../runtime/benchTask.js';
import { childRun } from '../runtime/childRun.js';
import { enqueueBacklog } from '../runtime/enqueueBacklog.js';

const backlogWorker = path.join(path.dirname(fileURLToPath(import.meta.url)), 'backlogWorker.ts');

interface BacklogRun {
  readonly tasks: number;
  readonly held: number;
  readonly samples: readonly NodeJS.MemoryUsage[];
  readonly spaces: Readonly<Record<string, number>>;
}

export interface BacklogBenchOptions {
  readonly count: number;
  readonly seconds: number;
  /** Node flags of each run, e.g. [[], ['--max-semi-space-size=4']]; one run each, in turn. */
  readonly variants: readonly (readonly string[])[];
  readonly json: boolean;
}

const FIELDS = ['rss', 'heapUsed', 'heapTotal', 'external', 'arrayBuffers'] as const;

/**
 * The memory of a worker that has more work than it can do: `count` tasks enqueued first, then one worker per
 * variant of Node flags, each in a consumer group of its own (so each starts with the whole backlog), sampled
 * every second for `seconds`.
 */
export async function backlogBench(o: BacklogBenchOptions): Promise<void> {
  const name = `bench-backlog-${Date.now()}`;
  await enqueueBacklog(benchTask(name), o.count);
  const rows = [];
  for (const flags of o.variants) {
    const label = flags.length === 0 ? 'no flags' : flags.join(' ');
    process.stderr.write(`backlog worker (${label}) for ${o.seconds} s…\n`);
    const run = await childRun<BacklogRun>(backlogWorker, [name, String(o.seconds)], [...flags]);
    const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
    const stats = Object.fromEntries(
      FIELDS.map((f) => {
        const values = run.samples.map((s) => s[f]);
        return [f, { max: mb(Math.max(...values)), median: mb(median(values)) }];
      }),
    ) as Record<(typeof FIELDS)[number], { max: number; median: number }>;
    const spaces = Object.fromEntries(Object.entries(run.spaces).map(([k, v]) => [k, mb(v)]));
    rows.push({ flags: label, tasks: run.tasks, held: run.held, samples: run.samples.length, ...stats, spaces });
  }
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ backlog: o.count, seconds: o.seconds, runs: rows })}\n`);
    return;
  }
  process.stdout.write(
    `\nbacklog bench: ${o.count} tasks enqueued, then a worker with Worker defaults, task concurrency 10, dedupe on, ` +
      `a 20 ms handler, sampled every second for ${o.seconds} s; MB, max / median over the samples\n\n`,
  );
  process.stdout.write(
    '| node flags | RSS | heap used | heap total | external | array buffers | tasks done | held at end |\n' +
      '|---|---:|---:|---:|---:|---:|---:|---:|\n',
  );
  for (const r of rows) {
    const cells = [r.flags, ...FIELDS.map((f) => `${r[f].max} / ${r[f].median}`), r.tasks, r.held];
    process.stdout.write(`| ${cells.join(' | ')} |\n`);
  }
  process.stdout.write('\nV8 heap spaces at the end of each run, MB used:\n\n');
  const names = Object.keys(rows[0]?.spaces ?? {});
  process.stdout.write(`| node flags | ${names.join(' | ')} |\n|---|${names.map(() => '---:').join('|')}|\n`);
  for (const r of rows) process.stdout.write(`| ${r.flags} | ${names.map((n) => r.spaces[n]).join(' | ')} |\n`);
}
