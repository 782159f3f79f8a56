/**
 * taskstream's worker draining the same topic with a no-op handler. Prints one JSON line:
 * { tasks, ms, perSec, maxRssMb, peakHeld }. Args: <task name> <count> <sync|async>. Run with --cpu-prof to profile.
 */
import { handle, Worker, createLogger } from '../../pipeline/index.js';
import { benchTask } from './benchTask.js';
import { RssSampler } from './RssSampler.js';

const [name, countArg, mode] = process.argv.slice(2);
const count = Number(countArg);
const task = benchTask(name as string);
const logger = createLogger();
logger.level = 'warn';
const rss = new RssSampler();
let seen = 0;
let started = 0;
let finish: () => void = () => undefined;
const done = new Promise<void>((r) => (finish = r));
const worker = new Worker({
  groupPrefix: `bench-ts-${Date.now()}`,
  logger,
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 2000),
  maxHeldTasks: Number(process.env.BENCH_HELD ?? 60_000),
  maxHeldPerPartition: Number(process.env.BENCH_HELD_PART ?? 30_000),
  fetchBytesPerPartition: process.env.BENCH_FETCH ? Number(process.env.BENCH_FETCH) : undefined,
  createTopics: false,
  handlers: [
    handle(
      task,
      mode === 'async'
        ? async () => {
            if (started === 0) started = performance.now();
            if (++seen >= count) finish();
          }
        : () => {
            if (started === 0) started = performance.now();
            if (++seen >= count) finish();
          },
    ),
  ],
});
await worker.start();
await done;
const ms = performance.now() - started;
const { peakHeld } = worker.stats();
await worker.close();
process.stdout.write(
  `${JSON.stringify({ tasks: seen, ms, perSec: (seen / ms) * 1000, maxRssMb: rss.stop(), peakHeld })}\n`,
);
