import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, TaskProducer } from '../../pipeline/index.js';
import { quantile } from '../quantile.js';
import { median } from '../rounds.js';
import { benchTask } from '../runtime/benchTask.js';
import { childRun } from '../runtime/childRun.js';
import { enqueueBacklog } from '../runtime/enqueueBacklog.js';
import type { WaitingRun } from './waitingWorker.js';

const waitingWorker = path.join(path.dirname(fileURLToPath(import.meta.url)), 'waitingWorker.ts');

export interface WaitingBenchOptions {
  /** Delayed tasks enqueued before the worker starts, each due between `waitFromS` and `waitToS` from then. */
  readonly count: number;
  readonly waitFromS: number;
  readonly waitToS: number;
  /** How long the worker runs, sampled every second. */
  readonly seconds: number;
  /** Trickle tasks enqueued per second while it runs, each due 2-10 s after its enqueue. */
  readonly trickleRate: number;
  readonly json: boolean;
}

const TRICKLE_FROM_MS = 2000;
const TRICKLE_TO_MS = 10_000;

/**
 * What delayed tasks cost a worker while they wait: `count` tasks due hours from now (so they sit in the long
 * delay tiers), then a worker with Worker defaults in a process of its own (bench/delay/waitingWorker.ts, the
 * backlog bench's pattern), and meanwhile a trickle of tasks due within seconds, enqueued here on the same
 * host's clock. Reports the worker's memory and held tasks, and how late the trickle started.
 */
export async function waitingBench(o: WaitingBenchOptions): Promise<void> {
  const name = `bench-waiting-${Date.now()}`;
  const maxDelayMs = o.waitToS * 1000;
  const task = benchTask(name, { with: ['dedupe'], maxDelayMs });
  const loadBefore = os.loadavg();
  const span = (o.waitToS - o.waitFromS) * 1000;
  // Strictly below waitToS, which is the type's maxDelayMs.
  const perSec = await enqueueBacklog(task, o.count, () => ({
    delayMs: o.waitFromS * 1000 + Math.floor(Math.random() * span),
  }));
  process.stderr.write(`enqueued at ${Math.round(perSec)} tasks/s; worker for ${o.seconds} s…\n`);

  const logger = createLogger();
  logger.level = 'warn';
  const producer = new TaskProducer({ logger });
  await producer.prepare(task); // the trickle's first enqueue should not wait for the registry
  let trickle: Promise<number> | undefined;
  // The trickle's last task is due 2 s before the worker stops at the latest.
  const trickleMs = Math.max(0, o.seconds * 1000 - TRICKLE_TO_MS - 2000);
  const run = await childRun<WaitingRun>(waitingWorker, [name, String(o.seconds), String(maxDelayMs)], [], (line) => {
    if (line === 'ready') trickle = sendTrickle(producer, task, o.trickleRate, trickleMs);
  });
  const trickleSent = (await trickle) ?? 0;
  await producer.close();
  const loadAfter = os.loadavg();

  const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
  const maxMedian = (values: number[]): { max: number; median: number } => ({
    max: Math.max(...values),
    median: median(values),
  });
  const sorted = [...run.lateness].sort((a, b) => a - b);
  const at = (q: number): number => quantile(sorted, q);
  const result = {
    waiting: o.count,
    waitS: [o.waitFromS, o.waitToS],
    enqueuePerSec: Math.round(perSec),
    seconds: o.seconds,
    samples: run.samples.length,
    loadAverage: { before: loadBefore.map(round1), after: loadAfter.map(round1) },
    rssMb: maxMedian(run.samples.map((s) => mb(s.rss))),
    heapUsedMb: maxMedian(run.samples.map((s) => mb(s.heapUsed))),
    heapTotalMb: maxMedian(run.samples.map((s) => mb(s.heapTotal))),
    externalMb: maxMedian(run.samples.map((s) => mb(s.external))),
    held: maxMedian(run.load.map((l) => l.held)),
    peakHeld: run.peakHeld,
    buffered: maxMedian(run.load.map((l) => l.buffered)),
    bufferedBytesMax: Math.max(...run.load.map((l) => l.bufferedBytes)),
    waitingRan: run.waitingRan,
    trickle: {
      ratePerSec: o.trickleRate,
      sent: trickleSent,
      started: sorted.length,
      early: sorted.filter((l) => l < 0).length,
      latenessMs: { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN },
    },
    spacesMb: Object.fromEntries(Object.entries(run.spaces).map(([k, v]) => [k, mb(v)])),
  };
  if (o.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const t = result.trickle;
  process.stdout.write(
    `\nwaiting bench: ${o.count.toLocaleString('en')} delayed tasks due in ${o.waitFromS}-${o.waitToS} s ` +
      `(enqueued at ${result.enqueuePerSec.toLocaleString('en')}/s), then a worker with Worker defaults, task ` +
      `concurrency 10, dedupe on, sampled every second for ${o.seconds} s, while ${o.trickleRate} tasks/s due ` +
      `${TRICKLE_FROM_MS / 1000}-${TRICKLE_TO_MS / 1000} s after their enqueue trickle in; MB and tasks, max / ` +
      `median over the samples; load average ${result.loadAverage.before.join(' ')} before, ` +
      `${result.loadAverage.after.join(' ')} after\n\n`,
  );
  process.stdout.write(
    '| waiting | RSS | heap used | heap total | held | peak held | buffered | trickle started / sent | early | ' +
      'late p50 | late p99 | late max | waiting ran |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n',
  );
  const mm = (v: { max: number; median: number }): string => `${v.max} / ${v.median}`;
  const cells = [
    o.count.toLocaleString('en'),
    mm(result.rssMb),
    mm(result.heapUsedMb),
    mm(result.heapTotalMb),
    mm(result.held),
    result.peakHeld,
    mm(result.buffered),
    `${t.started} / ${t.sent}`,
    t.early,
    `${t.latenessMs.p50} ms`,
    `${t.latenessMs.p99} ms`,
    `${t.latenessMs.max} ms`,
    result.waitingRan,
  ];
  process.stdout.write(`| ${cells.join(' | ')} |\n`);
  const spaces = Object.entries(result.spacesMb).filter(([, v]) => v > 0);
  process.stdout.write(`\nV8 heap spaces at the end, MB used: ${spaces.map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
}

/**
 * Single enqueues on a fixed schedule (as latency.ts: one every 1/rate s, never waiting for a send), each due
 * 2-10 s later with its time in `sentAt`. Resolves with how many were acknowledged.
 */
async function sendTrickle(
  producer: TaskProducer,
  task: ReturnType<typeof benchTask>,
  rate: number,
  forMs: number,
): Promise<number> {
  const total = Math.floor((rate * forMs) / 1000);
  const startedAt = Date.now();
  const sends: Promise<unknown>[] = [];
  for (let n = 0; n < total; n++) {
    const wait = startedAt + (n * 1000) / rate - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const runAt = Date.now() + TRICKLE_FROM_MS + Math.floor(Math.random() * (TRICKLE_TO_MS - TRICKLE_FROM_MS));
    sends.push(producer.enqueue(task, { n, key: `trickle-${n % 100}`, sentAt: runAt }, { runAt: new Date(runAt) }));
  }
  const settled = await Promise.allSettled(sends);
  return settled.filter((s) => s.status === 'fulfilled').length;
}

function round1(n: number): number {
  return Number(n.toFixed(1));
}
