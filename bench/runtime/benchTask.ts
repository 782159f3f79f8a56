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

export function benchTask(name: string, options: { keyed?: boolean } = {}) {
  return defineTask({
    name,
    schema: benchSchema,
    partitions: 6,
    concurrency: 1000,
    dedupe: false,
    key: options.keyed === false ? undefined : (t) => t.key,
  });
}
