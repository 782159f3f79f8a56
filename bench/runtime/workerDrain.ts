/**
 * taskstream's worker draining the same topic with a no-op handler, with the Worker's default bounds unless
 * BENCH_CONCURRENCY, BENCH_HELD, BENCH_HELD_PART or BENCH_FETCH say otherwise. Prints one JSON line:
 * { tasks, ms, perSec, cpuUsPerTask, maxRssMb, peakHeld }. Args: <task name> <count> <sync|async> [option...],
 * the options of benchTask.ts: `dedupe` keeps the default dedupe (marks in Redis), as a task type does unless it
 * opts out; `lock`, `shared-rate`, `key-rate` and `local-rate` add a lock per task or a rate limit that never
 * throttles.
 * Run with --cpu-prof to profile. The clock starts when the group assigns the task topic's partitions, before
 * the first fetch, so the Kafka client's decoding of that fetch is counted (timing from the first task left out
 * a first fetch that, at 1 MiB a partition, decoded most of the backlog).
 */
import { handle, Worker, createLogger } from '../../pipeline/index.js';
import { benchTask, DRAIN_OPTIONS, type DrainOption } from './benchTask.js';
import { RssSampler } from './RssSampler.js';

const [name, countArg, mode, ...optionArgs] = process.argv.slice(2);
const count = Number(countArg);
const unknown = optionArgs.filter((o) => !(DRAIN_OPTIONS as readonly string[]).includes(o));
if (unknown.length > 0)
  throw new Error(`unknown drain options ${unknown.join(', ')}; known: ${DRAIN_OPTIONS.join(', ')}`);
const task = benchTask(name as string, { with: optionArgs as DrainOption[] });
const logger = createLogger();
logger.level = 'warn';
const rss = new RssSampler();
let seen = 0;
let started = 0;
let cpuAtStart: NodeJS.CpuUsage | undefined;
let finish: () => void = () => undefined;
const done = new Promise<void>((r) => (finish = r));
const worker = new Worker({
  groupPrefix: `bench-ts-${Date.now()}`,
  logger,
  concurrency: fromEnv('BENCH_CONCURRENCY'),
  maxHeldTasks: fromEnv('BENCH_HELD'),
  maxHeldPerPartition: fromEnv('BENCH_HELD_PART'),
  fetchBytesPerPartition: fromEnv('BENCH_FETCH'),
  createTopics: false,
  // The clock stops at the count; tasks past it still queued behind a rate limiter would hold close() for the
  // 30 s default.
  shutdownDeadlineMs: 1000,
  handlers: [
    handle(
      task,
      mode === 'async'
        ? async () => {
            if (++seen >= count) finish();
          }
        : () => {
            if (++seen >= count) finish();
          },
    ),
  ],
});
worker.on('partitions:assigned', (e) => {
  if (started === 0 && e.topics.includes(task.topic)) {
    started = performance.now();
    cpuAtStart = process.cpuUsage();
  }
});
await worker.start();
await done;
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuAtStart);
const cpuUsPerTask = (cpu.user + cpu.system) / seen;
const { peakHeld } = worker.stats();
process.stdout.write(
  `${JSON.stringify({ tasks: seen, ms, perSec: (seen / ms) * 1000, cpuUsPerTask, maxRssMb: rss.stop(), peakHeld })}\n`,
);
await worker.close();

function fromEnv(name: string): number | undefined {
  const value = process.env[name];
  return value === undefined ? undefined : Number(value);
}
