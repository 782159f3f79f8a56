import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, TaskProducer } from '../../pipeline/index.js';
import { benchTask } from './benchTask.js';
import { interleavedRounds, median, medianRun, pairedRatios } from '../rounds.js';
import { childRun } from './childRun.js';
import { measureLatency } from './latency.js';
import { CATEGORIES, readMainThreadProfile, summarizeProfile, type ProfileSummary } from './profileSummary.js';

const here = path.dirname(fileURLToPath(import.meta.url));

interface DrainResult {
  readonly tasks: number;
  readonly ms: number;
  readonly perSec: number;
  readonly cpuUsPerTask: number;
  readonly maxRssMb: number;
  readonly peakHeld?: number;
}

export interface RuntimeBenchOptions {
  readonly count: number;
  readonly rounds: number;
  readonly rate: number;
  readonly seconds: number;
  readonly profileDir: string | undefined;
  readonly json: boolean;
}

interface Contender {
  readonly label: string;
  readonly script: string;
  readonly args: (topic: string, taskName: string, count: number) => string[];
  /** Left out of `--profile`: its time is not split by the categories of a Kafka consumer. */
  readonly unprofiled?: true;
}

const CONTENDERS: readonly Contender[] = [
  {
    label: 'bare kafkajs eachBatch (decode only)',
    script: 'bareConsumer.ts',
    args: (topic, _name, n) => [topic, String(n), 'batch'],
  },
  {
    label: 'taskstream worker, key order, sync no-op handler',
    script: 'workerDrain.ts',
    args: (_topic, name, n) => [name, String(n), 'sync'],
  },
  {
    label: 'taskstream worker, key order, async no-op handler',
    script: 'workerDrain.ts',
    args: (_topic, name, n) => [name, String(n), 'async'],
  },
  {
    label: 'bare kafkajs eachMessage, async handler (decode only)',
    script: 'bareConsumer.ts',
    args: (topic, _name, n) => [topic, String(n), 'message'],
  },
  {
    label: 'BullMQ 6.7 Worker on Redis, async no-op, concurrency 100',
    script: 'bullmqDrain.ts',
    args: (_topic, _name, n) => [String(n)],
    unprofiled: true,
  },
];

/**
 * Drains one topic of no-op tasks with each contender, `rounds` times, interleaved so that a noisy neighbour
 * hurts every contender alike; reports each contender's median round. Then measures enqueue-to-start latency.
 */
export async function runtimeBench(o: RuntimeBenchOptions): Promise<void> {
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const name = `bench-${Date.now()}`;
  const task = benchTask(name);
  const logger = createLogger();
  logger.level = 'warn';
  const producer = new TaskProducer({ logger });
  log(`enqueueing ${o.count} tasks to ${task.topic}…`);
  const t0 = performance.now();
  const chunk = 10_000;
  for (let from = 0; from < o.count; from += chunk) {
    const n = Math.min(chunk, o.count - from);
    await producer.enqueueMany(
      task,
      Array.from({ length: n }, (_, i) => ({ n: from + i, key: `k${(from + i) % 1000}`, sentAt: Date.now() })),
    );
  }
  const enqueuePerSec = (o.count / (performance.now() - t0)) * 1000;
  await producer.close();

  const profiles: ProfileSummary[] = [];
  const results = await interleavedRounds(CONTENDERS, o.rounds, async (c, i, lastRound) => {
    // The last round is profiled, every contender in a directory of its own.
    const profileDir = o.profileDir && lastRound && !c.unprofiled ? path.join(o.profileDir, `${name}-${i}`) : undefined;
    const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const run = await childRun<DrainResult>(path.join(here, c.script), c.args(task.topic, name, o.count), nodeArgs);
    if (profileDir) profiles[i] = summarizeProfile(readMainThreadProfile(profileDir));
    return run;
  });
  const medians = results.map((runs) => medianRun(runs));
  // Against bare eachBatch (contender 0), round by round.
  const ratios = results.map((runs) => pairedRatios(runs, results[0] as DrainResult[]));
  log(`latency at ${o.rate}/s for ${o.seconds} s…`);
  const latency = await measureLatency(`${name}-lat`, o.rate, o.seconds);

  const [bare, sync, async, eachMessage, bullmq] = medians as [
    DrainResult,
    DrainResult,
    DrainResult,
    DrainResult,
    DrainResult,
  ];
  const result = {
    tasks: o.count,
    rounds: o.rounds,
    enqueuePerSec: Math.round(enqueuePerSec),
    tasksPerSec: Math.round(sync.perSec),
    asyncTasksPerSec: Math.round(async.perSec),
    bareKafkajsPerSec: Math.round(bare.perSec),
    bareEachMessagePerSec: Math.round(eachMessage.perSec),
    bullmqPerSec: Math.round(bullmq.perSec),
    bullmqCpuUsPerTask: round3(bullmq.cpuUsPerTask),
    // Medians of the per-round ratios (see pairedRatios), and their range over the rounds.
    ratio: round3(median(ratios[1] as number[])),
    asyncRatio: round3(median(ratios[2] as number[])),
    ratioRange: range(ratios[1] as number[]),
    asyncRatioRange: range(ratios[2] as number[]),
    cpuUsPerTask: round3(sync.cpuUsPerTask),
    asyncCpuUsPerTask: round3(async.cpuUsPerTask),
    bareCpuUsPerTask: round3(bare.cpuUsPerTask),
    p50Ms: latency.p50Ms,
    p99Ms: latency.p99Ms,
    maxRssMb: Math.max(sync.maxRssMb, async.maxRssMb),
    bareMaxRssMb: bare.maxRssMb,
    // µs per task by category, per contender in CONTENDERS order, when profiled.
    ...(profiles.length > 0 ? { profileUsPerTask: profiles.map((p) => perTask(p, o.count)) } : {}),
  };
  if (o.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  process.stdout.write(
    `\nruntime bench: ${o.count} tasks, 6 partitions, 1,000 keys, Worker defaults; median of ${o.rounds} interleaved rounds;\n` +
      `"vs bare" is the median of each round's ratio to bare eachBatch in that round, with the range over the rounds\n\n`,
  );
  process.stdout.write('| consumer | tasks/s | vs bare | CPU µs/task | peak RSS |\n|---|---:|---:|---:|---:|\n');
  // The workers first, then the peers; BullMQ (last) is not profiled.
  const order = [1, 2, 0, 3];
  for (const i of [...order, 4]) {
    const m = medians[i] as DrainResult;
    const cells = [
      CONTENDERS[i]?.label,
      Math.round(m.perSec),
      i === 0 ? '100%' : vsBare(ratios[i] as number[]),
      m.cpuUsPerTask.toFixed(2),
      `${m.maxRssMb} MB`,
    ];
    process.stdout.write(`| ${cells.join(' | ')} |\n`);
  }
  if (profiles.length > 0) writeProfileTable(profiles, order, o.count, o.profileDir as string);
  process.stdout.write(`\nenqueue (enqueueMany, batches of 10,000): ${result.enqueuePerSec} tasks/s\n`);
  process.stdout.write(
    `enqueue-to-start latency at ${o.rate}/s (single enqueue calls): p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms (${latency.samples} samples)\n`,
  );
}

function round3(n: number): number {
  return Number(n.toFixed(3));
}

function range(values: readonly number[]): [number, number] {
  return [round3(Math.min(...values)), round3(Math.max(...values))];
}

/** "87% (66-93%)": the median round's ratio and the range over the rounds. */
function vsBare(ratios: readonly number[]): string {
  const pct = (r: number): number => Math.round(r * 100);
  const [low, high] = range(ratios);
  return ratios.length > 1 ? `${pct(median(ratios))}% (${pct(low)}-${pct(high)}%)` : `${pct(median(ratios))}%`;
}

/**
 * Where each contender's main thread went in the profiled round, in µs per task: the time of the whole process
 * (start-up, the drain, shutdown) divided by the tasks it drained.
 */
function writeProfileTable(profiles: ProfileSummary[], order: number[], tasks: number, dir: string): void {
  const short = ['bare eachBatch', 'worker sync', 'worker async', 'bare eachMessage'];
  process.stdout.write(
    `\nwhere the main thread's time went in the last round, µs per task (node --cpu-prof; profiles in ${dir}):\n\n`,
  );
  process.stdout.write(`| | ${order.map((i) => short[i]).join(' | ')} |\n|---|${order.map(() => '---:').join('|')}|\n`);
  const perTaskOf = profiles.map((p) => perTask(p, tasks));
  for (const category of CATEGORIES) {
    const cells = order.map((i) => (perTaskOf[i]?.[category] ?? 0).toFixed(2));
    process.stdout.write(`| ${category} | ${cells.join(' | ')} |\n`);
  }
}

function perTask(summary: ProfileSummary, tasks: number): ProfileSummary {
  return Object.fromEntries(CATEGORIES.map((c) => [c, round3((summary[c] * 1000) / tasks)])) as ProfileSummary;
}
