import { createLogger, handle, TaskProducer, Worker } from '../../pipeline/index.js';
import { benchTask } from './benchTask.js';

export interface LatencyResult {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Enqueue-to-start latency at a steady rate: one enqueue call per task, as request handlers do. */
export async function measureLatency(name: string, ratePerSec: number, seconds: number): Promise<LatencyResult> {
  const task = benchTask(name);
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
  const total = ratePerSec * seconds;
  const startedAt = Date.now();
  const sends: Promise<unknown>[] = [];
  for (let n = 0; n < total; n++) {
    const due = startedAt + (n * 1000) / ratePerSec;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    sends.push(producer.enqueue(task, { n, key: `k${n % 100}`, sentAt: Date.now() }));
  }
  await Promise.all(sends);
  const deadline = Date.now() + 30_000;
  while (latencies.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await worker.close();
  await producer.close();
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { samples: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99) };
}
