/**
 * The worker runtime alone: a TaskTypeRunner fed by an in-process stand-in for the Kafka consumer (same record
 * shapes, pause/resume/seek honoured), with the real codec, executor, key queues and offset tracking, and no
 * Kafka, registry or network. What it measures is taskstream's own cost per task, without the Kafka client's
 * (which dominates `bench -- runtime`) and with far less noise. Prints one JSON line:
 * { tasks, ms, perSec, cpuUsPerTask, recordsDelivered }. Args: <count> <sync|async> <keyed|unkeyed> [dedupe].
 * CPU spent making the fake records is left out of cpuUsPerTask. With `dedupe`, the task type checks and marks
 * through the real DedupeBatcher against a store that answers on the next turn (see FreshMarks).
 */
import type { RegistryClient } from '../../pipeline/codec/RegistryClient.js';
import { frame } from '../../pipeline/codec/ConfluentFrame.js';
import { TaskCodec } from '../../pipeline/codec/TaskCodec.js';
import { TaskCounters } from '../../pipeline/metrics/TaskCounters.js';
import { createLogger, handle } from '../../pipeline/index.js';
import type { GroupConsumer } from '../../pipeline/kafka/GroupConsumer.js';
import type { HandOffSender } from '../../pipeline/retry/HandOffSender.js';
import { JobExecutor } from '../../pipeline/runtime/JobExecutor.js';
import { ProcessBudget } from '../../pipeline/runtime/ProcessBudget.js';
import { TaskTypeRunner } from '../../pipeline/runtime/TaskTypeRunner.js';
import { resolveWorkerOptions } from '../../pipeline/runtime/WorkerOptions.js';
import type { WorkerEventEmitter } from '../../pipeline/runtime/WorkerEvents.js';
import { benchTask } from '../runtime/benchTask.js';
import { FakeFetcher } from './FakeFetcher.js';
import { DedupeBatcher } from '../../pipeline/dedupe/DedupeBatcher.js';
import type { DoneMarks, FlushReply, FlushRequest } from '../../pipeline/dedupe/DedupeStore.js';

/**
 * A store in which nothing is done yet (a drain of fresh tasks), answering on the next turn of the event loop as
 * Redis would, without costing what Redis costs: what is left is the runtime's own share of dedupe.
 */
class FreshMarks implements DoneMarks {
  async flush(request: FlushRequest): Promise<FlushReply> {
    await new Promise((resolve) => setImmediate(resolve));
    return {
      done: new Array<boolean>(request.checks.count).fill(false),
      ran: new Array<number>(request.reads.count).fill(-1),
    };
  }
}

const [countArg, mode = 'async', keying = 'keyed', dedupe] = process.argv.slice(2);
const count = Number(countArg);
const task = benchTask('core', { with: dedupe === 'dedupe' ? ['dedupe'] : [] });
const logger = createLogger();
logger.level = 'warn';
const partitions = 6;

const registry = {
  register: () => Promise.resolve(1),
  latestId: () => Promise.resolve(1),
  writerType: () => Promise.resolve(task.avroType),
} as unknown as RegistryClient;
const codec = new TaskCodec(task, registry);
await codec.warm();

let seen = 0;
let finish: () => void = () => undefined;
const done = new Promise<void>((r) => (finish = r));
const handler =
  mode === 'async'
    ? async (): Promise<void> => {
        if (++seen >= count) finish();
      }
    : (): void => {
        if (++seen >= count) finish();
      };
// The Worker's own defaults for every bound, as its constructor resolves them.
const options = resolveWorkerOptions({ handlers: [handle(task, handler)] });
const budget = new ProcessBudget(options.maxHeldTasks, options.concurrency);
const noHandOffs = {} as HandOffSender; // a no-op handler never fails
const executor = new JobExecutor(
  task,
  handler,
  codec,
  undefined,
  noHandOffs,
  'bench',
  logger,
  { onStart: () => undefined, onDeduplicated: () => undefined },
  dedupe === 'dedupe' ? { dedupe: new DedupeBatcher(new FreshMarks(), logger) } : {},
);
const values = Array.from({ length: 1000 }, (_, k) =>
  frame(1, task.avroType.toBuffer({ n: k, key: `k${k}`, sentAt: 0 })),
);
const keys = keying === 'keyed' ? Array.from({ length: 1000 }, (_, k) => Buffer.from(`k${k}`)) : undefined;
const fetcher = new FakeFetcher(task.topic, partitions, values, keys);
const silentEvents = { listens: () => false, emit: () => undefined } as unknown as WorkerEventEmitter;
const runner = new TaskTypeRunner(
  task,
  [task.topic],
  fetcher as unknown as GroupConsumer,
  executor,
  budget,
  { maxHeldPerPartition: options.maxHeldPerPartition, commitIntervalMs: options.commitIntervalMs },
  silentEvents,
  logger,
  new TaskCounters(),
);
await runner.start();
const started = performance.now();
const cpuAtStart = process.cpuUsage();
fetcher.run(() => seen >= count);
await done;
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuAtStart);
process.stdout.write(
  `${JSON.stringify({
    tasks: seen,
    ms,
    perSec: (seen / ms) * 1000,
    cpuUsPerTask: (cpu.user + cpu.system - fetcher.cpuUsMakingRecords) / seen,
    recordsDelivered: fetcher.delivered,
  })}\n`,
);
process.exit(0);
