import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { interleavedRounds, medianRun } from '../rounds.js';
import { childRun } from '../runtime/childRun.js';

const here = path.dirname(fileURLToPath(import.meta.url));

interface CoreResult {
  readonly tasks: number;
  readonly perSec: number;
  readonly cpuUsPerTask: number;
  readonly recordsDelivered: number;
}

export interface CoreBenchOptions {
  readonly count: number;
  readonly rounds: number;
  readonly json: boolean;
}

const CONTENDERS = [
  { label: 'sync no-op handler, keyed (1,000 keys)', args: ['sync', 'keyed'] },
  { label: 'async no-op handler, keyed (1,000 keys)', args: ['async', 'keyed'] },
  { label: 'sync no-op handler, no key', args: ['sync', 'unkeyed'] },
  { label: 'async no-op handler, no key', args: ['async', 'unkeyed'] },
] as const;

/**
 * The worker runtime without Kafka (see coreDrain.ts), each contender `rounds` times in interleaved order, in
 * fresh processes; reports each one's median round. For changes to the runtime: its cost per task shows here
 * with far less noise than in the end-to-end bench, where the Kafka client takes most of the time.
 */
export async function coreBench(o: CoreBenchOptions): Promise<void> {
  const results = await interleavedRounds(CONTENDERS, o.rounds, (c) =>
    childRun<CoreResult>(path.join(here, 'coreDrain.ts'), [String(o.count), ...c.args]),
  );
  const medians = results.map((runs) => medianRun(runs));
  if (o.json) {
    const rows = CONTENDERS.map((c, i) => ({ contender: c.args.join('-'), ...medians[i] }));
    process.stdout.write(`${JSON.stringify({ tasks: o.count, rounds: o.rounds, rows })}\n`);
    return;
  }
  process.stdout.write(
    `\ncore bench: the worker runtime without Kafka, ${o.count} tasks, 6 partitions, Worker defaults; median of ${o.rounds} interleaved rounds\n\n`,
  );
  process.stdout.write('| handler | tasks/s | CPU µs/task |\n|---|---:|---:|\n');
  for (const [i, c] of CONTENDERS.entries()) {
    const m = medians[i] as CoreResult;
    process.stdout.write(`| ${c.label} | ${Math.round(m.perSec)} | ${m.cpuUsPerTask.toFixed(2)} |\n`);
  }
}
