import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createLogger, defineTask, TaskProducer, Worker } from '../../pipeline/index.js';
import { resizeImageHandler } from '../../consumers/image/resizeImageHandler.js';
import { resizeImageSchema } from '../../schemas/generated/resize-image.js';
import { writeBusyJpeg } from '../../test/support/images.js';
import { interleavedRounds, medianRun } from '../rounds.js';

/**
 * Throughput of the shipped resize-image handler end to end: a Worker drains `images` resize tasks from a
 * fresh topic, for each pool size in `threads`, in interleaved rounds in this process; the median round of
 * each is reported. Every task resizes the same generated JPEG to the same widths (a rerun writes over the
 * same files, as in production), so only the pool size differs between contenders.
 */
export interface ResizeBenchOptions {
  readonly images: number;
  readonly threads: readonly number[];
  readonly rounds: number;
  readonly width: number;
  readonly height: number;
  readonly widths: readonly number[];
  readonly json: boolean;
}

interface Drain {
  readonly perSec: number;
  readonly cpuPct: number;
  readonly maxLoopDelayMs: number;
}

export async function resizeBench(o: ResizeBenchOptions): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-resize-'));
  try {
    const source = path.join(dir, 'source.jpg');
    // The same generated image as the tests' (noise scaled up: as slow to decode as a photograph of its size).
    await writeBusyJpeg(source, o.width, o.height);
    const contenders = o.threads.map((threads) => ({ label: `${threads} thread${threads > 1 ? 's' : ''}`, threads }));
    const results = await interleavedRounds(contenders, o.rounds, (c) => drain(o, c.threads, source, dir));
    const rows = contenders.map((c, i) => ({ threads: c.threads, ...medianRun(results[i] ?? []) }));
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ ...o, cores: os.availableParallelism(), rows })}\n`);
      return;
    }
    process.stdout.write(
      `\nresize bench: ${o.images} tasks of a ${o.width}x${o.height} JPEG to widths ${o.widths.join(', ')}, ` +
        `through a worker (concurrency 8), ${os.availableParallelism()} cores; median of ${o.rounds} interleaved rounds\n\n`,
    );
    process.stdout.write('| threads | images/s | vs 1 thread | process CPU | max event-loop delay |\n');
    process.stdout.write('|---:|---:|---:|---:|---:|\n');
    const one = rows.find((r) => r.threads === 1) ?? rows[0];
    for (const r of rows) {
      const vs = one ? `${Math.round((r.perSec / one.perSec) * 100)}%` : '-';
      process.stdout.write(
        `| ${r.threads} | ${r.perSec.toFixed(2)} | ${vs} | ${r.cpuPct.toFixed(0)}% | ${r.maxLoopDelayMs.toFixed(0)} ms |\n`,
      );
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** One round: enqueue, then time a fresh worker from its first task's start to its last task's end. */
async function drain(o: ResizeBenchOptions, threads: number, source: string, dir: string): Promise<Drain> {
  const logger = createLogger();
  // Transient metadata errors of a fresh topic would break up the table; a dead letter is printed below.
  logger.level = 'fatal';
  const name = `bench-resize-${Date.now()}`;
  const task = defineTask({ name, schema: resizeImageSchema, partitions: 1, concurrency: 8, dedupe: false });
  const producer = new TaskProducer({ logger });
  await producer.enqueueMany(
    task,
    Array.from({ length: o.images }, () => ({ imageUrl: source, widths: [...o.widths] })),
  );
  await producer.close();
  const worker = new Worker({
    handlers: [resizeImageHandler({ dir: path.join(dir, 'out'), threads, task })],
    groupPrefix: name,
    logger,
  });
  let done = 0;
  let t0 = 0;
  let cpu0 = process.cpuUsage();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const finished = new Promise<void>((resolve) => {
    worker.on('task:started', () => {
      if (t0 !== 0) return;
      t0 = performance.now();
      cpu0 = process.cpuUsage();
      loop.enable();
    });
    worker.on('task:completed', () => ++done === o.images && resolve());
    worker.on('task:dead-lettered', ({ error }) => process.stderr.write(`dead letter: ${error.message}\n`));
  });
  await worker.start();
  await finished;
  const ms = performance.now() - t0;
  const used = process.cpuUsage(cpu0);
  loop.disable();
  await worker.close();
  return {
    perSec: (o.images / ms) * 1000,
    cpuPct: ((used.user + used.system) / 1000 / ms) * 100,
    maxLoopDelayMs: loop.max / 1e6,
  };
}
