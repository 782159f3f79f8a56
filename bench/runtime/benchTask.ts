import { defineTask } from '../../pipeline/index.js';

/** A small no-op task: a sequence number and the enqueue time, keyed over 1,000 keys. */
export const benchSchema = {
  type: 'record',
  name: 'BenchTask',
  namespace: 'bench.taskstream',
  fields: [
    { name: 'n', type: 'int' },
    { name: 'key', type: 'string' },
    { name: 'sentAt', type: 'long' },
  ],
} as const;

/**
 * Marks of a bench drain expire after 10 minutes instead of the default 7 days: every round writes one per task
 * (200,000) into the machine's shared Redis, and the TTL does not change what a mark costs.
 */
const BENCH_DEDUPE = { ttlMs: 10 * 60_000 } as const;

export function benchTask(name: string, options: { keyed?: boolean; dedupe?: boolean } = {}) {
  return defineTask({
    name,
    schema: benchSchema,
    partitions: 6,
    concurrency: 1000,
    dedupe: options.dedupe === true ? BENCH_DEDUPE : false,
    key: options.keyed === false ? undefined : (t) => t.key,
  });
}
