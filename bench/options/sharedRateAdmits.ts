// How many starts a binding shared rate limit admits per window, per worker instance: TaskRateLimiter alone (no
// Kafka), with no-op starts always waiting.
// Run: TASKSTREAM_STACK_DIR=... npx tsx bench/options/sharedRateAdmits.ts  (needs Redis on REDIS_URL or :6379)
import { Redis } from 'ioredis';
import { TaskRateLimiter } from '../../pipeline/ratelimit/TaskRateLimiter.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PER_MS = 1000;
const WINDOWS = 4;
/** Starts kept waiting per instance, as a worker with concurrency 100 has. */
const IN_FLIGHT = 100;

async function admitted(max: number, instances: number, maxConcurrent?: number): Promise<number[]> {
  const name = `bench-shared-rate-${Date.now()}`;
  const limiters = Array.from(
    { length: instances },
    () => new TaskRateLimiter(name, { max, perMs: PER_MS, shared: true, maxConcurrent }, new Redis(REDIS_URL)),
  );
  const perWindow = new Map<number, number>();
  const end = (Math.floor(Date.now() / PER_MS) + WINDOWS + 1) * PER_MS;
  const noop = async (): Promise<void> => {
    const w = Math.floor(Date.now() / PER_MS);
    perWindow.set(w, (perWindow.get(w) ?? 0) + 1);
  };
  const lane = async (limiter: TaskRateLimiter): Promise<void> => {
    while (Date.now() < end) await limiter.run({}, noop);
  };
  await Promise.all(limiters.flatMap((l) => Array.from({ length: IN_FLIGHT }, () => lane(l))));
  await Promise.all(limiters.map((l) => l.close()));
  // The first window is partial (started in it), the last ends the run.
  return [...perWindow.entries()]
    .sort((a, b) => a[0] - b[0])
    .slice(1, -1)
    .map(([, n]) => n);
}

process.stdout.write(
  '| max per s | maxConcurrent | instances | starts per full window (each) | most in a window |\n' +
    '|---:|---:|---:|---|---:|\n',
);
const cases: [number, number | undefined, number][] = [
  [1000, undefined, 1],
  [5000, undefined, 1],
  [20000, undefined, 1],
  [5000, undefined, 2],
  [5000, 100, 1],
  [5000, 100, 2],
];
for (const [max, maxConcurrent, instances] of cases) {
  const counts = await admitted(max, instances, maxConcurrent);
  const cells = [max, maxConcurrent ?? '-', instances, counts.join(', '), Math.max(...counts)];
  process.stdout.write(`| ${cells.join(' | ')} |\n`);
}
