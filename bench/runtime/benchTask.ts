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

/**
 * A rate limit far above any drain's rate, so it never holds a task back: what is measured is what the limit
 * costs to pass through, not the throttling it is there for.
 */
const NEVER_THROTTLES = { max: 100_000_000, perMs: 1000 } as const;

/** The task options a drain can turn on, by the name workerDrain.ts takes them under on its command line. */
export const DRAIN_OPTIONS = ['dedupe', 'lock', 'shared-rate', 'key-rate', 'local-rate'] as const;
export type DrainOption = (typeof DRAIN_OPTIONS)[number];

export interface BenchTaskOptions {
  readonly keyed?: boolean;
  /** Handlers at once (default 1,000, so the Worker's process-wide bound of 100 is the one that binds). */
  readonly concurrency?: number;
  readonly with?: readonly DrainOption[];
  /** Accept delayed tasks up to this long (the type gets the delay tiers it needs). */
  readonly maxDelayMs?: number;
}

export function benchTask(name: string, options: BenchTaskOptions = {}) {
  const on = new Set(options.with ?? []);
  return defineTask({
    name,
    schema: benchSchema,
    partitions: 6,
    concurrency: options.concurrency ?? 1000,
    dedupe: on.has('dedupe') ? BENCH_DEDUPE : false,
    key: options.keyed === false ? undefined : (t) => t.key,
    maxDelayMs: options.maxDelayMs,
    // A lock on the ordering key: never busy (key order already runs one task of a key at a time), so its cost
    // is the Redlock round trips alone.
    lock: on.has('lock') ? { key: (t) => `bench:${name}:${t.key}` } : undefined,
    rateLimit: on.has('shared-rate')
      ? { ...NEVER_THROTTLES, shared: true }
      : on.has('key-rate')
        ? { ...NEVER_THROTTLES, perKey: (t) => t.key }
        : on.has('local-rate')
          ? NEVER_THROTTLES
          : undefined,
  });
}
