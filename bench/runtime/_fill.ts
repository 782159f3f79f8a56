import { createLogger, TaskProducer } from '/work/main/pipeline/index.js';
import { benchTask } from '/work/main/bench/runtime/benchTask.js';
const name = process.argv[2]!;
const count = Number(process.argv[3]);
const task = benchTask(name);
const logger = createLogger();
logger.level = 'warn';
const producer = new TaskProducer({ logger });
for (let from = 0; from < count; from += 10000) {
  const n = Math.min(10000, count - from);
  await producer.enqueueMany(
    task,
    Array.from({ length: n }, (_, i) => ({ n: from + i, key: `k${(from + i) % 1000}`, sentAt: Date.now() })),
  );
}
await producer.close();
