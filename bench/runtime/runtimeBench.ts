import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchTask } from './benchTask.js';
import { interleavedRounds, median, medianRun, pairedRatios } from '../rounds.js';
import { percentOf, range, round3, timesOf } from '../ratios.js';
import { enqueueBacklog } from './enqueueBacklog.js';
import type { DrainResult } from './DrainResult.js';
import { childRun, processRun } from './childRun.js';
import {
  PARALLEL_CONSUMER_MAX_CONCURRENCY,
  PARALLEL_CONSUMER_VERSION,
  prepareJvmPeers,
  type JvmPeers,
} from '../jvm/JvmPeers.js';
import { KAFKA_VERSION } from '../../ops/stack/StackConfig.js';
import { measureLatencies, writeLatencyTable } from '../latency/latencyBench.js';
import { CATEGORIES, readMainThreadProfile, summarizeProfile, type ProfileSummary } from './profileSummary.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface RuntimeBenchOptions {
  readonly count: number;
  readonly rounds: number;
  /** Tasks per second of each latency run; none skips the latency runs. */
  readonly rates: readonly number[];
  readonly seconds: number;
  readonly profileDir: string | undefined;
  readonly json: boolean;
  /** Run the JVM peers too (when Java and Maven are there; see bench/jvm/JvmPeers.ts). */
  readonly jvm: boolean;
}

type ContenderId = 'bare' | 'sync' | 'async' | 'eachMessage' | 'bullmq' | 'dedupe' | 'parallelConsumer' | 'kafkaPerf';

interface ContenderBase {
  readonly id: ContenderId;
  readonly label: string;
  /** Its column in the profile table. */
  readonly short: string;
  readonly args: (topic: string, taskName: string, count: number) => string[];
}

/** A drain script of bench/runtime, run in a fresh Node process. */
interface NodeContender extends ContenderBase {
  readonly script: string;
  /** Left out of `--profile`: its time is not split by the categories of a Kafka consumer. */
  readonly unprofiled?: true;
}

/** A JVM drain of bench/jvm, run with the `java` arguments JvmPeers prepared under this name. */
interface JvmContender extends ContenderBase {
  readonly jvm: Exclude<keyof JvmPeers, 'java'>;
  /** `--profile` is Node's. */
  readonly unprofiled: true;
}

type Contender = NodeContender | JvmContender;

const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

const CONTENDERS: readonly Contender[] = [
  {
    id: 'bare',
    label: 'bare kafkajs eachBatch (decode only)',
    short: 'bare eachBatch',
    script: 'bareConsumer.ts',
    args: (topic, _name, n) => [topic, String(n), 'batch'],
  },
  {
    id: 'sync',
    label: 'taskstream worker, key order, sync no-op handler',
    short: 'worker sync',
    script: 'workerDrain.ts',
    args: (_topic, name, n) => [name, String(n), 'sync'],
  },
  {
    id: 'async',
    label: 'taskstream worker, key order, async no-op handler',
    short: 'worker async',
    script: 'workerDrain.ts',
    args: (_topic, name, n) => [name, String(n), 'async'],
  },
  {
    id: 'eachMessage',
    label: 'bare kafkajs eachMessage, async handler (decode only)',
    short: 'bare eachMessage',
    script: 'bareConsumer.ts',
    args: (topic, _name, n) => [topic, String(n), 'message'],
  },
  {
    id: 'bullmq',
    label: 'BullMQ 6.7 Worker on Redis, async no-op, concurrency 100',
    short: 'BullMQ',
    script: 'bullmqDrain.ts',
    args: (_topic, _name, n) => [String(n)],
    unprofiled: true,
  },
  {
    // The others run with dedupe off; this is what a task type gets unless it opts out.
    id: 'dedupe',
    label: 'taskstream worker, dedupe on (default), key order, sync no-op handler',
    short: 'worker dedupe',
    script: 'workerDrain.ts',
    args: (_topic, name, n) => [name, String(n), 'sync', 'dedupe'],
  },
  {
    // The key-ordered anchor on the JVM (bench/jvm/ParallelConsumerDrain.java).
    id: 'parallelConsumer',
    label:
      `Confluent Parallel Consumer ${PARALLEL_CONSUMER_VERSION} (JVM), key order, no-op, ` +
      `maxConcurrency ${PARALLEL_CONSUMER_MAX_CONCURRENCY}, periodic async commit (no decode)`,
    short: 'Parallel Consumer',
    jvm: 'parallelConsumer',
    args: (topic, _name, n) => [BROKERS, topic, String(n), String(PARALLEL_CONSUMER_MAX_CONCURRENCY)],
    unprofiled: true,
  },
  {
    // The transport ceiling (bench/jvm/KafkaPerfDrain.java): one consumer thread, records counted, nothing else.
    id: 'kafkaPerf',
    label: `Kafka ${KAFKA_VERSION} ConsumerPerformance (JVM), one consumer, no handler (no decode)`,
    short: 'kafka perf',
    jvm: 'kafkaPerf',
    args: (topic, _name, n) => [BROKERS, topic, String(n)],
    unprofiled: true,
  },
];

/** The table's rows: the workers first (the default configuration on top), then the peers. */
const SHOWN: readonly ContenderId[] = [
  'dedupe',
  'sync',
  'async',
  'bare',
  'eachMessage',
  'parallelConsumer',
  'kafkaPerf',
  'bullmq',
];

/**
 * Drains one topic of no-op tasks with each contender, `rounds` times, interleaved so that a noisy neighbour
 * hurts every contender alike; reports each contender's median round. Then measures enqueue-to-start latency.
 */
export async function runtimeBench(o: RuntimeBenchOptions): Promise<void> {
  // Fetched and compiled before anything is timed; without them the bench goes on without the JVM rows.
  const jvm = o.jvm
    ? await prepareJvmPeers((line) => process.stderr.write(`JVM peers: ${line}\n`))
    : { ok: false as const, reason: 'left out by --no-jvm' };
  const jvmLeftOut = jvm.ok
    ? undefined
    : `JVM peers (Parallel Consumer, Kafka ConsumerPerformance) left out: ${jvm.reason}`;
  if (jvmLeftOut) process.stderr.write(`${jvmLeftOut}\n`);
  const contenders = CONTENDERS.filter((c) => !('jvm' in c) || jvm.ok);

  const name = `bench-${Date.now()}`;
  const task = benchTask(name);
  const enqueuePerSec = await enqueueBacklog(task, o.count);

  const profiles = new Map<ContenderId, ProfileSummary>();
  /** JVM contenders whose drain failed, with why: they are left out of the later rounds and of the results. */
  const failed = new Map<ContenderId, string>();
  const results = await interleavedRounds(contenders, o.rounds, async (c, i, lastRound) => {
    const args = c.args(task.topic, name, o.count);
    if ('jvm' in c) {
      if (failed.has(c.id) || !jvm.ok) return undefined;
      return processRun<DrainResult>(jvm.peers.java, [...jvm.peers[c.jvm], ...args], c.short).catch((err: unknown) => {
        failed.set(c.id, err instanceof Error ? err.message.trim() : String(err));
        process.stderr.write(`${c.label} failed, left out: ${failed.get(c.id)}\n`);
        return undefined;
      });
    }
    // The last round is profiled, every contender in a directory of its own.
    const profileDir = o.profileDir && lastRound && !c.unprofiled ? path.join(o.profileDir, `${name}-${i}`) : undefined;
    const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const run = await childRun<DrainResult>(path.join(here, c.script), args, nodeArgs);
    if (profileDir) profiles.set(c.id, summarizeProfile(readMainThreadProfile(profileDir)));
    return run;
  });
  const ran = (id: ContenderId): boolean => contenders.some((c) => c.id === id) && !failed.has(id);
  const runsOf = (id: ContenderId): DrainResult[] => results[contenders.findIndex((c) => c.id === id)] as DrainResult[];
  const m = (id: ContenderId): DrainResult => medianRun(runsOf(id));
  // Round by round (see pairedRatios): against bare eachBatch, and the dedupe-on worker against its peers.
  const vs = (id: ContenderId, reference: ContenderId): number[] => pairedRatios(runsOf(id), runsOf(reference));
  const latencies = await measureLatencies(name, o.rates, o.seconds);

  const [bare, sync, async, eachMessage, bullmq, dedupe] = [
    m('bare'),
    m('sync'),
    m('async'),
    m('eachMessage'),
    m('bullmq'),
    m('dedupe'),
  ];
  const result = {
    tasks: o.count,
    rounds: o.rounds,
    enqueuePerSec: Math.round(enqueuePerSec),
    tasksPerSec: Math.round(sync.perSec),
    asyncTasksPerSec: Math.round(async.perSec),
    dedupeTasksPerSec: Math.round(dedupe.perSec),
    bareKafkajsPerSec: Math.round(bare.perSec),
    bareEachMessagePerSec: Math.round(eachMessage.perSec),
    bullmqPerSec: Math.round(bullmq.perSec),
    bullmqCpuUsPerTask: round3(bullmq.cpuUsPerTask),
    // Medians of the per-round ratios (see pairedRatios), and their range over the rounds.
    ratio: round3(median(vs('sync', 'bare'))),
    asyncRatio: round3(median(vs('async', 'bare'))),
    dedupeRatio: round3(median(vs('dedupe', 'bare'))),
    ratioRange: range(vs('sync', 'bare')),
    asyncRatioRange: range(vs('async', 'bare')),
    dedupeRatioRange: range(vs('dedupe', 'bare')),
    dedupeVsDedupeOff: round3(median(vs('dedupe', 'sync'))),
    dedupeVsDedupeOffRange: range(vs('dedupe', 'sync')),
    dedupeVsBullmq: round3(median(vs('dedupe', 'bullmq'))),
    dedupeVsBullmqRange: range(vs('dedupe', 'bullmq')),
    cpuUsPerTask: round3(sync.cpuUsPerTask),
    asyncCpuUsPerTask: round3(async.cpuUsPerTask),
    dedupeCpuUsPerTask: round3(dedupe.cpuUsPerTask),
    bareCpuUsPerTask: round3(bare.cpuUsPerTask),
    latency: latencies,
    maxRssMb: Math.max(sync.maxRssMb, async.maxRssMb, dedupe.maxRssMb),
    bareMaxRssMb: bare.maxRssMb,
    ...(ran('parallelConsumer')
      ? peerFields('parallelConsumer', m('parallelConsumer'), vs('parallelConsumer', 'bare'))
      : {}),
    ...(ran('kafkaPerf') ? peerFields('kafkaPerf', m('kafkaPerf'), vs('kafkaPerf', 'bare')) : {}),
    ...(jvmLeftOut || failed.size > 0 ? { jvmLeftOut: [jvmLeftOut, ...failed.values()].filter(Boolean) } : {}),
    // µs per task by category, per profiled contender, when profiled.
    ...(profiles.size > 0
      ? { profileUsPerTask: Object.fromEntries([...profiles].map(([id, p]) => [id, perTask(p, o.count)])) }
      : {}),
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
  for (const id of SHOWN.filter(ran)) {
    const run = m(id);
    const cells = [
      CONTENDERS.find((c) => c.id === id)?.label,
      Math.round(run.perSec),
      id === 'bare' ? '100%' : percentOf(vs(id, 'bare')),
      run.cpuUsPerTask.toFixed(2),
      `${run.maxRssMb} MB`,
    ];
    process.stdout.write(`| ${cells.join(' | ')} |\n`);
  }
  process.stdout.write(
    `\nworker with dedupe on, round by round: ${percentOf(vs('dedupe', 'sync'))} of the dedupe-off worker (sync), ` +
      `${timesOf(vs('dedupe', 'bullmq'))} BullMQ\n`,
  );
  if (jvmLeftOut) process.stdout.write(`\n${jvmLeftOut}\n`);
  for (const [id, why] of failed) process.stdout.write(`\n${id} (JVM) failed and is left out: ${why}\n`);
  if (profiles.size > 0) writeProfileTable(profiles, o.count, o.profileDir as string);
  process.stdout.write(`\nenqueue (enqueueMany, batches of 10,000): ${result.enqueuePerSec} tasks/s\n`);
  if (latencies.length > 0) writeLatencyTable(latencies, o.seconds);
}

/**
 * Where each contender's main thread went in the profiled round, in µs per task: the time of the whole process
 * (start-up, the drain, shutdown) divided by the tasks it drained.
 */
function writeProfileTable(profiles: ReadonlyMap<ContenderId, ProfileSummary>, tasks: number, dir: string): void {
  const shown = CONTENDERS.filter((c) => profiles.has(c.id)).sort((a, b) => SHOWN.indexOf(a.id) - SHOWN.indexOf(b.id));
  process.stdout.write(
    `\nwhere the main thread's time went in the last round, µs per task (node --cpu-prof; profiles in ${dir}):\n\n`,
  );
  process.stdout.write(`| | ${shown.map((c) => c.short).join(' | ')} |\n|---|${shown.map(() => '---:').join('|')}|\n`);
  for (const category of CATEGORIES) {
    const cells = shown.map((c) => perTask(profiles.get(c.id) as ProfileSummary, tasks)[category].toFixed(2));
    process.stdout.write(`| ${category} | ${cells.join(' | ')} |\n`);
  }
}

/** A JVM peer's fields of the `--json` result, under its id: its median run and its ratio to bare eachBatch. */
function peerFields(id: ContenderId, run: DrainResult, ratios: number[]): Record<string, number | number[]> {
  return {
    [`${id}PerSec`]: Math.round(run.perSec),
    [`${id}CpuUsPerTask`]: round3(run.cpuUsPerTask),
    [`${id}MaxRssMb`]: run.maxRssMb,
    [`${id}Ratio`]: round3(median(ratios)),
    [`${id}RatioRange`]: range(ratios),
  };
}

function perTask(summary: ProfileSummary, tasks: number): ProfileSummary {
  return Object.fromEntries(CATEGORIES.map((c) => [c, round3((summary[c] * 1000) / tasks)])) as ProfileSummary;
}
