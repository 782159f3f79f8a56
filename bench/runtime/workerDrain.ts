/**
 * taskstream's worker draining the same topic with a no-op handler, with the Worker's default bounds unless
 * BENCH_CONCURRENCY, BENCH_HELD, BENCH_HELD_PART or BENCH_FETCH say otherwise. Prints one JSON line:
 * { tasks, ms, perSec, cpuUsPerTask, maxRssMb, peakHeld }. Args: <task name> <count> <sync|async> [dedupe]; with
 * `dedupe` the task type keeps the default dedupe (marks in Redis), as a task type does unless it opts out.
 * Run with --cpu-prof to profile. The clock starts when the group assigns the task topic's partitions, before
 * the first fetch, so the Kafka client's decoding of that fetch is counted (timing from the first task left out
 * a first fetch that, at 1 MiB a partition, decoded most of the backlog).
 */
import { handle, Worker, createLogger } from '../../pipeline/index.js';
import { benchTask } from './benchTask.js';
import { RssSampler } from './RssSampler.js';

const [name, countArg, mode, dedupe] = process.argv.slice(2);
const count = Number(countArg);
const task = benchTask(name as string, { dedupe: dedupe === 'dedupe' });
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
await worker.close();
process.stdout.write(
  `${JSON.stringify({ tasks: seen, ms, perSec: (seen / ms) * 1000, cpuUsPerTask, maxRssMb: rss.stop(), peakHeld })}\n`,
);

function fromEnv(name: string): number | undefined {
  const value = process.env[name];
  return value === undefined ? undefined : Number(value);
}
