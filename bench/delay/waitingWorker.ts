/**
 * A worker with delayed tasks waiting, as a user runs one: Worker defaults, the task type's default concurrency
 * (10), dedupe on, a no-op handler. Prints `ready` once started, then samples process.memoryUsage() and
 * worker.stats() every second for <seconds>, and prints one JSON line (WaitingRun). Handlers note how late each
 * trickle task (key `trickle-*`, its time in `sentAt`) started; a waiting task (any other key) that runs is
 * counted. Args: <task name> <seconds> <maxDelayMs>.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import { createLogger, handle, Worker } from '../../pipeline/index.js';
import { benchTask } from '../runtime/benchTask.js';
import { RssSampler } from '../runtime/RssSampler.js';

export interface WaitingRun {
  /** process.memoryUsage() every second. */
  readonly samples: readonly NodeJS.MemoryUsage[];
  /** worker.stats() at the same times: tasks held (waiting, running) and kept in fetch buffers. */
  readonly load: readonly { readonly held: number; readonly buffered: number; readonly bufferedBytes: number }[];
  readonly peakHeld: number;
  /** Start minus the task's time, ms, per trickle task started. */
  readonly lateness: readonly number[];
  /** Waiting tasks that ran (due hours later: none should). */
  readonly waitingRan: number;
  /** V8 heap spaces at the end, bytes used. */
  readonly spaces: Readonly<Record<string, number>>;
}

const [name, secondsArg, maxDelayArg] = process.argv.slice(2);
const task = benchTask(name as string, { concurrency: 10, with: ['dedupe'], maxDelayMs: Number(maxDelayArg) });
const logger = createLogger();
logger.level = 'warn';
const lateness: number[] = [];
let waitingRan = 0;
const worker = new Worker({
  groupPrefix: `bench-waiting-${Date.now()}`,
  logger,
  createTopics: false,
  handlers: [
    handle(task, (t) => {
      if (t.key.startsWith('trickle-')) lateness.push(Date.now() - t.sentAt);
      else waitingRan++;
    }),
  ],
});
await worker.start();
process.stdout.write('ready\n');
const rss = new RssSampler(1000, true);
const load: { held: number; buffered: number; bufferedBytes: number }[] = [];
const loadTimer = setInterval(() => {
  const { held, buffered, bufferedBytes } = worker.stats();
  load.push({ held, buffered, bufferedBytes });
}, 1000);
await sleep(Number(secondsArg) * 1000);
rss.stop();
clearInterval(loadTimer);
const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]));
const run: WaitingRun = {
  samples: rss.samples,
  load,
  peakHeld: worker.stats().peakHeld,
  lateness,
  waitingRan,
  spaces,
};
process.stdout.write(`${JSON.stringify(run)}\n`);
await worker.close(1000);
