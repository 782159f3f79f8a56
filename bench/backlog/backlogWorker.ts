/**
 * A worker under a backlog, as a user runs one: Worker defaults, the task type's default concurrency (10) and
 * dedupe, a handler that takes 20 ms, so the backlog outlasts the run and the worker holds as much as its bounds
 * let it. Samples process.memoryUsage() every second for <seconds>, then prints one JSON line:
 * { tasks, held, samples: [{ rss, heapTotal, heapUsed, external, arrayBuffers }], spaces: { <V8 heap space>: used } }
 * (bytes; spaces at the end of the run). Args: <task name> <seconds>. Node flags (e.g. --max-semi-space-size)
 * are the caller's.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import { createLogger, handle, Worker } from '../../pipeline/index.js';
import { benchTask } from '../runtime/benchTask.js';
import { RssSampler } from '../runtime/RssSampler.js';

const [name, secondsArg] = process.argv.slice(2);
const task = benchTask(name as string, { concurrency: 10, with: ['dedupe'] });
const logger = createLogger();
logger.level = 'warn';
let tasks = 0;
const worker = new Worker({
  groupPrefix: `bench-backlog-${Date.now()}`,
  logger,
  createTopics: false,
  handlers: [
    handle(task, async () => {
      await sleep(20);
      tasks++;
    }),
  ],
});
await worker.start();
const rss = new RssSampler(1000, true);
await sleep(Number(secondsArg) * 1000);
rss.stop();
const { held } = worker.stats();
const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]));
process.stdout.write(`${JSON.stringify({ tasks, held, samples: rss.samples, spaces })}\n`);
// Tasks still queued behind the 20 ms handler are left to the next group; the run is over.
await worker.close(1000);
