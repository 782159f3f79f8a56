import { randomUUID } from 'node:crypto';
import { createLogger, defineTask, handle, TaskProducer, Worker } from '../../pipeline/index.js';
import { quantile } from '../quantile.js';
import { benchSchema } from '../runtime/benchTask.js';

export interface DelayBenchOptions {
  /** Delayed tasks enqueued, all at the start. */
  readonly count: number;
  /** Their times are spread evenly at random over this many seconds, starting `leadSeconds` from now. */
  readonly spreadSeconds: number;
  readonly leadSeconds: number;
  readonly json: boolean;
}

/**
 * Precision of delayed tasks: how late each starts after its time (its handler's first line, in the same process
 * and so on the same clock as the enqueue). Tasks carry their time in `sentAt`. Dedupe on (the default).
 */
export async function delayBench(options: DelayBenchOptions): Promise<void> {
  const { count, spreadSeconds, leadSeconds } = options;
  const logger = createLogger({ component: 'bench-delay' });
  logger.level = 'warn';
  const task = defineTask({
    name: `bench-delay-${randomUUID().slice(0, 8)}`,
    schema: benchSchema,
    partitions: 6,
    concurrency: 1000,
    maxDelayMs: 3_600_000,
    dedupe: { ttlMs: 10 * 60_000 },
    key: (t) => t.key,
  });
  const producer = new TaskProducer({ logger });
  const lateness: number[] = [];
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const worker = new Worker({
    groupPrefix: `bench-${randomUUID().slice(0, 8)}`,
    logger,
    handlers: [
      handle(task, (t) => {
        lateness.push(Date.now() - t.sentAt);
        if (lateness.length === count) finish();
      }),
    ],
  });
  try {
    await producer.prepare(task);
    await worker.start();
    const start = Date.now() + leadSeconds * 1000;
    const payloads = Array.from({ length: count }, (_, n) => ({
      n,
      key: `k${n % 1000}`,
      sentAt: start + Math.floor(Math.random() * spreadSeconds * 1000),
    }));
    const enqueueStart = Date.now();
    await producer.enqueueMany(task, payloads, { delays: payloads.map((p) => ({ runAt: new Date(p.sentAt) })) });
    const enqueueMs = Date.now() - enqueueStart;
    await finished;
    const sorted = [...lateness].sort((a, b) => a - b);
    const at = (q: number): number => quantile(sorted, q);
    const result = {
      count,
      spreadSeconds,
      leadSeconds,
      enqueueMs,
      early: sorted.filter((l) => l < 0).length,
      latenessMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1] as number },
    };
    if (options.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    process.stdout.write(
      `${count} delayed tasks, times spread over ${spreadSeconds} s starting ${leadSeconds} s after enqueue ` +
        `(enqueueMany took ${enqueueMs} ms); lateness = handler start - task time, same clock\n\n`,
    );
    process.stdout.write('| early | p50 ms | p90 ms | p99 ms | max ms |\n|---:|---:|---:|---:|---:|\n');
    const l = result.latenessMs;
    process.stdout.write(`| ${result.early} | ${l.p50} | ${l.p90} | ${l.p99} | ${l.max} |\n`);
  } finally {
    await worker.close();
    await producer.close();
  }
}
