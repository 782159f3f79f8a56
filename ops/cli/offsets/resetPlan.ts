import { TaskstreamError } from '../../../pipeline/errors.js';

/** Where `offsets reset` moves a group: exactly one of the `--to-*` / `--by-*` / `--shift-by` options. */
export type ResetTarget =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'latest' }
  /** First offset at or after this time (`--to-datetime`, or `--by-duration` as now minus the duration). */
  | { readonly kind: 'time'; readonly timestampMs: number }
  | { readonly kind: 'offset'; readonly offset: bigint }
  | { readonly kind: 'shift'; readonly by: bigint };

export interface PartitionState {
  readonly partition: number;
  /** Log start offset: the earliest record still stored. */
  readonly low: bigint;
  /** End offset: where the next record goes. */
  readonly high: bigint;
  /** The group's committed offset; undefined when it never committed this partition. */
  readonly committed: bigint | undefined;
  /** For a time target: the first offset at or after the time (the end offset when none is). */
  readonly atTime?: bigint;
}

export interface PartitionPlan {
  readonly partition: number;
  readonly low: bigint;
  readonly high: bigint;
  readonly committed: bigint | undefined;
  /** Where a worker of the group would start now: the committed offset, or `low` without one (clamped). */
  readonly current: bigint;
  readonly newOffset: bigint;
  /** Tasks before `current` that run again (new < current). */
  readonly reprocess: bigint;
  /** Tasks from `current` on that will never run (new > current). */
  readonly skip: bigint;
  /** Set when the requested offset lay outside [low, high] and was moved to the nearer end, as Kafka does. */
  readonly clampedFrom?: bigint;
}

const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/**
 * The new offset per partition, computed the way Kafka's ConsumerGroupCommand computes it: earliest and
 * latest are the log start and end; an explicit or shifted offset outside [low, high] is moved to the nearer
 * end; a time maps to the first offset at or after it (the end when there is none); shifting a partition
 * without a committed offset is refused.
 */
export function planReset(target: ResetTarget, partitions: readonly PartitionState[]): PartitionPlan[] {
  return partitions.map((p) => {
    let requested: bigint;
    let clamp = false;
    switch (target.kind) {
      case 'earliest':
        requested = p.low;
        break;
      case 'latest':
        requested = p.high;
        break;
      case 'time':
        requested = p.atTime ?? p.high;
        break;
      case 'offset':
        requested = target.offset;
        clamp = true;
        break;
      case 'shift':
        if (p.committed === undefined) {
          throw new TaskstreamError(
            'CONFIG_INVALID',
            `cannot shift partition ${p.partition}: the group has no committed offset there (use --to-earliest, --to-offset or --to-datetime)`,
          );
        }
        requested = p.committed + target.by;
        clamp = true;
        break;
    }
    const newOffset = clamp ? max(p.low, min(p.high, requested)) : requested;
    const current = p.committed === undefined ? p.low : max(p.low, min(p.high, p.committed));
    return {
      partition: p.partition,
      low: p.low,
      high: p.high,
      committed: p.committed,
      current,
      newOffset,
      reprocess: max(0n, current - newOffset),
      skip: max(0n, newOffset - current),
      ...(newOffset === requested ? {} : { clampedFrom: requested }),
    };
  });
}

export function totals(plan: readonly PartitionPlan[]): { reprocess: bigint; skip: bigint } {
  return plan.reduce((t, p) => ({ reprocess: t.reprocess + p.reprocess, skip: t.skip + p.skip }), {
    reprocess: 0n,
    skip: 0n,
  });
}
