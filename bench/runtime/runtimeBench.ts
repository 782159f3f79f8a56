import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, TaskProducer } from '../../pipeline/index.js';
import { benchTask } from './benchTask.js';
import { childRun } from './childRun.js';
import { measureLatency } from './latency.js';

const here = path.dirname(fileURLToPath(import.meta.url));

interface DrainResult {
  readonly tasks: number;
  readonly ms: number;
  readonly perSec: number;
  readonly maxRssMb: number;
  readonly peakHeld?: number;
}

export interface RuntimeBenchOptions {
  readonly count: number;
  readonly rate: number;
  readonly seconds: number;
  readonly profileDir: string | undefined;
  readonly json: boolean;
}

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

  log('draining with a bare kafkajs consumer…');
  const bare = await childRun<DrainResult>(path.join(here, 'bareConsumer.ts'), [task.topic, String(o.count)]);
  log('draining with a taskstream worker (synchronous no-op handler)…');
  const profileArgs = o.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] : [];
  const worker = await childRun<DrainResult>(
    path.join(here, 'workerDrain.ts'),
    [name, String(o.count), 'sync'],
    profileArgs,
  );
  log('draining with a taskstream worker (async no-op handler)…');
  const asyncWorker = await childRun<DrainResult>(path.join(here, 'workerDrain.ts'), [name, String(o.count), 'async']);
  log(`latency at ${o.rate}/s for ${o.seconds} s…`);
  const latency = await measureLatency(`${name}-lat`, o.rate, o.seconds);

  const result = {
    tasks: o.count,
    enqueuePerSec: Math.round(enqueuePerSec),
    tasksPerSec: Math.round(worker.perSec),
    asyncTasksPerSec: Math.round(asyncWorker.perSec),
    bareKafkajsPerSec: Math.round(bare.perSec),
    ratio: Number((worker.perSec / bare.perSec).toFixed(3)),
    p50Ms: latency.p50Ms,
    p99Ms: latency.p99Ms,
    maxRssMb: worker.maxRssMb,
    bareMaxRssMb: bare.maxRssMb,
    peakHeld: worker.peakHeld,
  };
  if (o.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const rows = [
    [
      'taskstream worker, key order, sync no-op handler',
      result.tasksPerSec,
      `${result.maxRssMb} MB`,
      `${(result.ratio * 100).toFixed(0)}%`,
    ],
    [
      'taskstream worker, key order, async no-op handler',
      result.asyncTasksPerSec,
      `${asyncWorker.maxRssMb} MB`,
      `${((asyncWorker.perSec / bare.perSec) * 100).toFixed(0)}%`,
    ],
    ['bare kafkajs eachBatch (decode only)', result.bareKafkajsPerSec, `${result.bareMaxRssMb} MB`, '100%'],
  ];
  process.stdout.write(`\nruntime bench: ${o.count} tasks, 6 partitions, 1,000 keys\n\n`);
  process.stdout.write('| consumer | tasks/s | peak RSS | vs bare |\n|---|---:|---:|---:|\n');
  for (const r of rows) process.stdout.write(`| ${r.join(' | ')} |\n`);
  process.stdout.write(`\nenqueue (enqueueMany, batches of 10,000): ${result.enqueuePerSec} tasks/s\n`);
  process.stdout.write(
    `enqueue-to-start latency at ${o.rate}/s (single enqueue calls): p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms (${latency.samples} samples)\n`,
  );
}
