/**
 * The peer from outside Kafka: BullMQ (Redis lists and Lua scripts) draining the same number of small no-op jobs
 * with the same process concurrency as the worker's default (100). The jobs are added before the clock starts;
 * the clock runs from the Worker's creation to the last job's handler. Prints one JSON line:
 * { tasks, ms, perSec, cpuUsPerTask, maxRssMb }. CPU is this process's only: Redis's own work (a separate
 * process) is not in it, as the Kafka broker's is not in the Kafka contenders'. Args: <count>.
 */
import { Queue, Worker } from 'bullmq';
import { RssSampler } from './RssSampler.js';

const count = Number(process.argv[2]);
const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const connection = { host: url.hostname, port: Number(url.port || 6379) };
const name = `bench-bullmq-${Date.now()}-${process.pid}`;

const queue = new Queue(name, { connection });
const chunk = 5000;
for (let from = 0; from < count; from += chunk) {
  const n = Math.min(chunk, count - from);
  await queue.addBulk(
    Array.from({ length: n }, (_, i) => ({
      name: 'bench',
      data: { n: from + i, key: `k${(from + i) % 1000}`, sentAt: Date.now() },
      opts: { removeOnComplete: true, removeOnFail: true },
    })),
  );
}

const rss = new RssSampler();
let seen = 0;
let finish: () => void = () => undefined;
const done = new Promise<void>((r) => (finish = r));
const started = performance.now();
const cpuAtStart = process.cpuUsage();
const worker = new Worker(
  name,
  async () => {
    if (++seen >= count) finish();
  },
  { connection, concurrency: Number(process.env.BULLMQ_CONCURRENCY ?? 100) },
);
await done;
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuAtStart);
await worker.close();
await queue.obliterate({ force: true });
await queue.close();
process.stdout.write(
  `${JSON.stringify({ tasks: seen, ms, perSec: (seen / ms) * 1000, cpuUsPerTask: (cpu.user + cpu.system) / seen, maxRssMb: rss.stop() })}\n`,
);
