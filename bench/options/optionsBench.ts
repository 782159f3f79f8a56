import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { interleavedRounds, median, medianRun, pairedRatios } from '../rounds.js';
import { percentOf, range, round3 } from '../ratios.js';
import { benchTask, type DrainOption } from '../runtime/benchTask.js';
import type { DrainResult } from '../runtime/DrainResult.js';
import { childRun } from '../runtime/childRun.js';
import { enqueueBacklog } from '../runtime/enqueueBacklog.js';

const workerDrain = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'runtime', 'workerDrain.ts');

export interface OptionsBenchOptions {
  readonly count: number;
  readonly rounds: number;
  readonly json: boolean;
}

interface Contender {
  readonly label: string;
  readonly options: readonly DrainOption[];
}

/** The plain drain first: every other contender is reported against it. All run with dedupe off. */
const CONTENDERS: readonly Contender[] = [
  { label: 'plain (no lock, no rate limit)', options: [] },
  { label: 'lock per task (Redlock on the task key)', options: ['lock'] },
  { label: 'shared rate limit (Redis), never throttling', options: ['shared-rate'] },
  { label: 'per-key rate limit (in process, 1,000 keys), never throttling', options: ['key-rate'] },
  { label: 'rate limit (in process, one for the type), never throttling', options: ['local-rate'] },
];

/**
 * What a task option costs a drain of no-op tasks: each contender is the taskstream worker (sync no-op
 * handler, key order, dedupe off, Worker defaults) with one option on, drained in interleaved rounds from the
 * same topic, each in a consumer group of its own, and reported as a ratio to the plain drain of its round.
 */
export async function optionsBench(o: OptionsBenchOptions): Promise<void> {
  const name = `bench-options-${Date.now()}`;
  await enqueueBacklog(benchTask(name), o.count);
  const results = await interleavedRounds(CONTENDERS, o.rounds, (c) =>
    childRun<DrainResult>(workerDrain, [name, String(o.count), 'sync', ...c.options]),
  );
  const plain = results[0] as DrainResult[];
  const rows = CONTENDERS.map((c, i) => {
    const runs = results[i] as DrainResult[];
    const run = medianRun(runs);
    const ratios = pairedRatios(runs, plain);
    return { contender: c, run, ratios };
  });
  if (o.json) {
    const json = rows.map(({ contender, run, ratios }) => ({
      options: contender.options,
      tasksPerSec: Math.round(run.perSec),
      cpuUsPerTask: round3(run.cpuUsPerTask),
      maxRssMb: run.maxRssMb,
      vsPlain: round3(median(ratios)),
      vsPlainRange: range(ratios),
    }));
    process.stdout.write(`${JSON.stringify({ tasks: o.count, rounds: o.rounds, contenders: json })}\n`);
    return;
  }
  process.stdout.write(
    `\noptions bench: ${o.count} tasks, 6 partitions, 1,000 keys, Worker defaults, sync no-op handler, dedupe off; ` +
      `median of ${o.rounds} interleaved rounds;\n"vs plain" is the median of each round's ratio to the plain ` +
      `drain in that round, with the range over the rounds\n\n`,
  );
  process.stdout.write('| worker | tasks/s | vs plain | CPU µs/task | peak RSS |\n|---|---:|---:|---:|---:|\n');
  for (const { contender, run, ratios } of rows) {
    const cells = [
      contender.label,
      Math.round(run.perSec),
      contender.options.length === 0 ? '100%' : percentOf(ratios),
      run.cpuUsPerTask.toFixed(2),
      `${run.maxRssMb} MB`,
    ];
    process.stdout.write(`| ${cells.join(' | ')} |\n`);
  }
}
