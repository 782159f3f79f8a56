import { createLogger, handle, TaskProducer, Worker } from '../../pipeline/index.js';
import { benchTask } from './benchTask.js';

export interface LatencyResult {
  readonly ratePerSec: number;
  readonly samples: number;
  /** Tasks enqueued whose start was not seen within 30 s of the last enqueue. */
  readonly missing: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  /** Due time to the producer's acknowledgement, p50 and p99: the part of the latency before the broker has it. */
  readonly ackP50Ms: number;
  readonly ackP99Ms: number;
}

/**
 * Enqueue-to-start latency at a steady rate: one enqueue call per task, as request handlers do, on a fixed
 * schedule that never waits for a send or a completion (an open model). Each task carries the time it was due
 * rather than the time the loop got to it, so a sender that falls behind its schedule shows in the latency
 * instead of quietly lowering the rate.
 */
export async function measureLatency(name: string, ratePerSec: number, seconds: number): Promise<LatencyResult> {
  // Dedupe on, as a task type has it unless it opts out.
  const task = benchTask(name, { with: ['dedupe'] });
  const logger = createLogger();
  logger.level = 'warn';
  const producer = new TaskProducer({ logger });
  await producer.enqueue(task, { n: -1, key: 'warm', sentAt: Date.now() });
  const latencies: number[] = [];
  const worker = new Worker({
    groupPrefix: `bench-lat-${Date.now()}`,
    logger,
    handlers: [
      handle(task, (t) => {
        if (t.n >= 0) latencies.push(Date.now() - t.sentAt);
      }),
    ],
  });
  await worker.start();
  const total = Math.round(ratePerSec * seconds);
  const startedAt = Date.now();
  const sends: Promise<unknown>[] = [];
  const acks: number[] = [];
  for (let n = 0; n < total; n++) {
    const due = startedAt + (n * 1000) / ratePerSec;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    sends.push(
      producer
        .enqueue(task, { n, key: `k${n % 100}`, sentAt: Math.round(due) })
        .then(() => acks.push(Date.now() - Math.round(due))),
    );
  }
  await Promise.all(sends);
  const deadline = Date.now() + 30_000;
  while (latencies.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await worker.close();
  await producer.close();
  const sorted = [...latencies].sort((a, b) => a - b);
  const sortedAcks = [...acks].sort((a, b) => a - b);
  const quantile = (xs: readonly number[], q: number): number =>
    xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
  const at = (q: number): number => quantile(sorted, q);
  return {
    ratePerSec,
    samples: sorted.length,
    missing: total - sorted.length,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    p999Ms: at(0.999),
    maxMs: sorted[sorted.length - 1] ?? NaN,
    ackP50Ms: quantile(sortedAcks, 0.5),
    ackP99Ms: quantile(sortedAcks, 0.99),
  };
}

/** Measures each rate in turn, each on a topic and consumer group of its own. */
export async function measureLatencies(
  name: string,
  rates: readonly number[],
  seconds: number,
): Promise<LatencyResult[]> {
  const results: LatencyResult[] = [];
  for (const rate of rates) {
    process.stderr.write(`latency at ${rate}/s for ${seconds} s…\n`);
    results.push(await measureLatency(`${name}-lat${rate}`, rate, seconds));
  }
  return results;
}

export function writeLatencyTable(results: readonly LatencyResult[], seconds: number): void {
  process.stdout.write(
    `\nenqueue-to-start latency, single enqueue calls on a fixed schedule for ${seconds} s per rate, ` +
      `Worker defaults, dedupe on (default), no-op handler; the last column is due time to the producer's ` +
      `acknowledgement (the part spent before the broker has the task):\n\n`,
  );
  process.stdout.write(
    '| tasks/s | p50 | p99 | p99.9 | max | samples | acknowledged p50 / p99 |\n|---:|---:|---:|---:|---:|---:|---:|\n',
  );
  for (const r of results) {
    const missing = r.missing > 0 ? ` (${r.missing} not started)` : '';
    process.stdout.write(
      `| ${r.ratePerSec} | ${r.p50Ms} ms | ${r.p99Ms} ms | ${r.p999Ms} ms | ${r.maxMs} ms | ${r.samples}${missing} | ` +
        `${r.ackP50Ms} / ${r.ackP99Ms} ms |\n`,
    );
  }
}
