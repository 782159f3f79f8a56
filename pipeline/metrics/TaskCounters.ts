import { failureCode } from '../errors.js';

/** Upper bounds of the duration buckets, in seconds: background work runs from milliseconds to minutes. */
export const DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
];

/**
 * One task type's outcome counts in this process, kept as plain numbers because they change on every task
 * (hundreds of thousands a second); the metrics registry reads them when scraped. Shared by the type's main
 * and retry-tier runners.
 */
export class TaskCounters {
  completed = 0;
  retriedInPlace = 0;
  retriedViaTopic = 0;
  deduplicated = 0;
  /** Tasks that ran longer than the type's expectedMs (each counted once). */
  stuck = 0;
  /** Tasks reached after `cancel` named them: acknowledged without running. */
  cancelled = 0;
  /** Delayed tasks moved on to the next delay tier (one per hop). */
  delayHops = 0;
  readonly deadLettered = new Map<string, number>();
  /** Completed tasks per duration bucket (the last slot is +Inf), and the sum of their durations. */
  readonly durationCounts: number[] = new Array<number>(DURATION_BUCKETS.length + 1).fill(0);
  durationSumSeconds = 0;

  /** A synchronous handler's duration is counted as 0: it ran within one turn of the event loop. */
  completedIn(durationMs: number): void {
    this.completed++;
    const seconds = durationMs / 1000;
    let i = 0;
    while (i < DURATION_BUCKETS.length && seconds > (DURATION_BUCKETS[i] as number)) i++;
    this.durationCounts[i] = (this.durationCounts[i] ?? 0) + 1;
    this.durationSumSeconds += seconds;
  }

  /** A redelivered task whose dedupe mark says it completed before: done here too, with no run to time. */
  acknowledgedAsDone(): void {
    this.completed++;
    this.deduplicated++;
  }

  deadLetteredWith(error: Error): void {
    const code = failureCode(error);
    this.deadLettered.set(code, (this.deadLettered.get(code) ?? 0) + 1);
  }
}
